/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser: DOM types for them.
import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import type { Browser, Page, Request } from 'playwright-core';
import { formatValue } from '../../console/src/history.js';
import {
  auth,
  ADMIN_TOKEN,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
  waitFor,
} from '../support/harness.js';
import { describeWith } from '../support/requirements.js';
import {
  type ConsolePage,
  ensureConsoleBuilt,
  launchChromium,
  openConsole,
  pageFitsWidth,
  screenshot,
  signIn,
} from './browser.js';

jest.setTimeout(120_000);

const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const MIN = 60_000;
const HOUR = 60 * MIN;
/** Every timer API but Date stays real: the gateway keeps running while its clock is set back. */
const ONLY_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

interface Bucket {
  start: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  count: number;
}
interface Answer {
  points?: { ts: number; value: unknown }[];
  buckets?: Bucket[];
  bucketMs?: number;
}

/** What the chart draws per answer: numeric raw values, or buckets with numbers. */
const drawn = (a: Answer) =>
  a.buckets
    ? a.buckets.filter((b) => b.avg !== null).length
    : a.points!.filter((p) => typeof p.value === 'number').length;

/** The chart's element once it draws `n` points. */
const chartWith = (page: Page, name: string, n: number) =>
  page.locator(`[data-history="${name}"] .history-plot[data-points="${n}"]`).waitFor();

/** Where the chart lies against the viewport and the page's content box, and the ticks its axes drew. */
const measureChart = (page: Page, name: string) =>
  page.evaluate((n) => {
    const box = document.querySelector<HTMLElement>(`[data-history="${n}"] .history-plot`)!;
    const canvas = box.querySelector('canvas')!.getBoundingClientRect();
    const main = document.querySelector('main')!;
    const pad = getComputedStyle(main);
    const b = box.getBoundingClientRect();
    const picker = document.querySelector('[data-field="historyWindow"] select')!.getBoundingClientRect();
    return {
      left: b.left,
      right: b.right,
      width: b.width,
      content: main.clientWidth - parseFloat(pad.paddingLeft) - parseFloat(pad.paddingRight),
      canvas: { width: canvas.width, height: canvas.height },
      xTicks: (box.dataset.xTicks ?? '').split('|').filter(Boolean),
      yTicks: (box.dataset.yTicks ?? '').split('|').filter(Boolean),
      picker: { left: picker.left, right: picker.right, top: picker.top },
      viewport: window.innerWidth,
    };
  }, name);

describeWith(['chromium'], 'web console in Chromium: datastream history charts at phone and desktop widths', () => {
  let gw: TestGateway;
  let browser: Browser;
  let open: ConsolePage | null = null;
  let live: MqttClient;
  const url = (route: string) => `http://127.0.0.1:${gw.httpPort}/console#/${route}`;
  /** The API's answer to the request the chart made (same window, same bucket), asked by the test. */
  const again = async (req: Request): Promise<Answer> => {
    const u = new URL(req.url());
    return (await gw.http().get(`${u.pathname}${u.search}`).set(auth()).expect(200)).body as Answer;
  };
  const historyRequest = (page: Page, name: string, has: string) =>
    page.waitForRequest((r) => r.url().includes(`/datastreams/${name}/history?`) && r.url().includes(has));

  beforeAll(async () => {
    ensureConsoleBuilt();
    gw = await startTestGateway();
    browser = await launchChromium();
    const device = await createDevice(gw, { id: 'tank-1', name: 'Tank 1' });
    // Values spread over the last day: the gateway stamps a value when it arrives, so its clock (Date only) is
    // set to each value's time while a real MQTT client publishes it.
    const now = Date.now();
    const seed = await deviceClient(gw, device);
    const at = async (ts: number, topic: string, payload: string) => {
      jest.setSystemTime(ts);
      await publish(seed, `devices/tank-1/${topic}`, payload);
    };
    jest.useFakeTimers({ doNotFake: [...ONLY_DATE], now: now - 24 * HOUR });
    try {
      for (let i = 0; i < 46; i++)
        await at(now - 23.5 * HOUR + i * 30 * MIN, 'ds/level', (20 + 5 * Math.sin(i / 4)).toFixed(2));
      for (let i = 0; i < 29; i++) await at(now - 50 * MIN + i * 1.5 * MIN, 'ds/level', String(22 + (i % 7) * 0.5));
      for (let i = 0; i < 12; i++)
        await at(now - 23 * HOUR + i * 2 * HOUR, 'ds/mode', ['auto', 'manual', 'off'][i % 3]);
    } finally {
      jest.useRealTimers();
    }
    // The seeding connection's keepalive was timed on the set-back clock: live values go over a new one.
    await endClient(seed);
    live = await deviceClient(gw, device);
    const all = `/api/v1/organization/devices/tank-1/datastreams/level/history?from=${now - 25 * HOUR}&limit=10000`;
    await waitFor(
      async () => ((await gw.http().get(all).set(auth())).body as Answer).points?.length ?? 0,
      (n) => n === 75,
    );
  });
  afterEach(async () => {
    const errors = open?.errors ?? [];
    await open?.close();
    open = null;
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    if (live) await endClient(live);
    await browser?.close();
    await gw?.stop();
  });

  for (const [size, viewport] of [
    ['375', PHONE],
    ['1280', DESKTOP],
  ] as const) {
    it(`draws the API's history at ${size} px: axes, values on ${size === '375' ? 'tap' : 'hover'} and keys, windows, live, reload`, async () => {
      open = await openConsole(browser, gw.httpPort, viewport, { hasTouch: viewport === PHONE });
      const { page } = open;
      await signIn(page, ADMIN_TOKEN);

      // Last day (the default): 5-minute buckets, as many drawn as the API has.
      const dayRequest = historyRequest(page, 'level', 'bucket=5m');
      await page.goto(url('devices/tank-1'));
      const day = await again(await dayRequest);
      expect(drawn(day)).toBeGreaterThan(50);
      await chartWith(page, 'level', drawn(day));
      const shape = await measureChart(page, 'level');
      expect(shape.left).toBeGreaterThanOrEqual(0);
      expect(shape.right).toBeLessThanOrEqual(shape.viewport);
      expect(shape.width).toBeGreaterThanOrEqual(shape.content * 0.95);
      expect(Math.abs(shape.canvas.width - shape.width)).toBeLessThanOrEqual(2);
      expect(shape.canvas.height).toBeGreaterThanOrEqual(150);
      // Axes: time labels no closer than 40 px apart (readable), value labels that are numbers.
      expect(shape.xTicks.length).toBeGreaterThanOrEqual(2);
      expect(shape.xTicks.length).toBeLessThanOrEqual(shape.width / 40);
      expect(shape.yTicks.length).toBeGreaterThanOrEqual(2);
      for (const t of shape.yTicks) expect(Number(t)).not.toBeNaN();
      expect(shape.picker.left).toBeGreaterThanOrEqual(0);
      expect(shape.picker.right).toBeLessThanOrEqual(shape.viewport);
      expect(await pageFitsWidth(page)).toBe(true);
      await screenshot(page, `history-day-${size}`);

      // By keyboard: focus, End shows the last bucket, the left arrow the one before.
      const readout = page.locator('[data-history="level"]').getByTestId('readout');
      const shows = (v: number) =>
        readout.filter({ hasText: new RegExp(`avg ${formatValue(v).replace('.', '\\.')}[ ,]`) });
      const buckets = day.buckets!.filter((b) => b.avg !== null);
      await page.locator('[data-history="level"] .history-plot').focus();
      await page.keyboard.press('End');
      await shows(buckets[buckets.length - 1].avg!).waitFor();
      await page.keyboard.press('ArrowLeft');
      await shows(buckets[buckets.length - 2].avg!).waitFor();
      // The value under the pointer (a tap on a phone) is one of the API's buckets.
      const plot = page.locator('[data-history="level"] .u-over');
      await plot.scrollIntoViewIfNeeded();
      const over = (await plot.boundingBox())!;
      const [x, y] = [over.x + over.width * 0.5, over.y + over.height * 0.5];
      const before = await readout.textContent();
      if (viewport === PHONE) await page.touchscreen.tap(x, y);
      else await page.mouse.move(x, y);
      await page.waitForFunction(([el, was]) => el!.textContent !== was, [
        await readout.elementHandle(),
        before,
      ] as const);
      const avg = /avg (-?[\d.]+)/.exec((await readout.textContent())!)![1];
      expect(buckets.map((b) => formatValue(b.avg!))).toContain(avg);
      if (viewport === DESKTOP) await page.mouse.move(0, 0);

      // A non-numeric datastream: its recent values, newest first.
      const modes = page.locator('[data-history="mode"] table tbody tr');
      await page.waitForFunction(() => document.querySelectorAll('[data-history="mode"] tbody tr').length === 10);
      expect(await modes.first().locator('td.value').textContent()).toBe('off');

      // The hour: raw values, refetched; the window goes in the URL.
      const hourRequest = historyRequest(page, 'level', 'limit=');
      await page.getByLabel('Period').selectOption('hour');
      const hour = await again(await hourRequest);
      expect(page.url()).toContain('#/devices/tank-1/hour');
      expect(drawn(hour)).toBeGreaterThanOrEqual(29);
      await chartWith(page, 'level', drawn(hour));
      expect(await pageFitsWidth(page)).toBe(true);

      // A live value extends the chart.
      const value = viewport === PHONE ? 31.25 : 32.5;
      await publish(live, 'devices/tank-1/ds/level', String(value));
      await chartWith(page, 'level', drawn(hour) + 1);
      await page.locator('[data-history="level"] .history-plot').focus();
      await page.keyboard.press('End');
      await readout.filter({ hasText: `: ${value}` }).waitFor();
      await screenshot(page, `history-hour-${size}`);

      // A reload shows the same history, live value included.
      const reloaded = historyRequest(page, 'level', 'limit=');
      await page.reload();
      expect(drawn(await again(await reloaded))).toBe(drawn(hour) + 1);
      await chartWith(page, 'level', drawn(hour) + 1);

      // The week: hourly buckets.
      const weekRequest = historyRequest(page, 'level', 'bucket=1h');
      await page.getByLabel('Period').selectOption('week');
      const week = await again(await weekRequest);
      expect(week.bucketMs).toBe(HOUR);
      await chartWith(page, 'level', drawn(week));
      expect(await pageFitsWidth(page)).toBe(true);
      await screenshot(page, `history-week-${size}`);

      // Download CSV: the window's values, one line each.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download CSV of level, last week' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('tank-1-level-week.csv');
      const lines = readFileSync((await file.path())!, 'utf8')
        .trim()
        .split(/\r?\n/);
      expect(lines[0]).toBe('ts,time,value');
      expect(lines.length - 1).toBe(75 + (viewport === PHONE ? 1 : 2));
    });
  }
});
