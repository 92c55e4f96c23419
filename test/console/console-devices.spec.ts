/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser: DOM types for them.
import type { Browser } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import {
  ADMIN_TOKEN,
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
} from '../support/harness.js';
import {
  type ConsolePage,
  ensureConsoleBuilt,
  launchChromium,
  openConsole,
  pageFitsWidth,
  screenshot,
  signIn,
} from './browser.js';

import { jest } from '@jest/globals';
import { describeWith } from '../support/requirements.js';

jest.setTimeout(60_000);

describeWith(['chromium'], 'web console in Chromium: sign-in, devices live, read-only, phone width', () => {
  let gw: TestGateway;
  let browser: Browser;
  let open: ConsolePage | null = null;
  /** Errors a test provokes on purpose (Chromium logs every 4xx answer to fetch()). */
  let expected: RegExp[] = [];
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    ensureConsoleBuilt();
    gw = await startTestGateway();
    browser = await launchChromium();
  });
  afterEach(async () => {
    // Every page of every test: nothing in the browser console.
    const errors = (open?.errors ?? []).filter((e) => !expected.some((re) => re.test(e)));
    await open?.close();
    open = null;
    expected = [];
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    for (const c of clients) await endClient(c);
    await browser?.close();
    await gw?.stop();
  });

  it('serves /console with a strict CSP and no inline script or style', async () => {
    const res = await gw.http().get('/console').expect(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|style=/);
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(res.text)![1];
    const js = await gw.http().get(asset).expect(200);
    expect(js.headers['content-security-policy']).toBe(csp);
    await gw.http().get('/console/assets/..%2Fconsole-ui%2Findex.html').expect(404);
  });

  it('signs in by keyboard with a pasted token kept in sessionStorage only, and signs out', async () => {
    open = await openConsole(browser, gw.httpPort);
    const { page } = open;
    expected = [/^Failed to load resource: the server responded with a status of 401/];
    await page.getByLabel('API token').fill('not-a-token-at-all');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await signIn(page, ADMIN_TOKEN);
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('gateway.console.token'),
      local: localStorage.length,
      url: location.href,
    }));
    expect(stored.session).toBe(ADMIN_TOKEN);
    expect(stored.local).toBe(0);
    expect(stored.url).not.toContain(ADMIN_TOKEN);
    // Keyboard: the first Tab reaches the skip link, Enter moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('creates a device (token shown once) and shows a real MQTT client bring it online, live', async () => {
    open = await openConsole(browser, gw.httpPort);
    const { page } = open;
    await signIn(page, ADMIN_TOKEN);
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor();
    await page.getByText('New device').click();
    const form = page.getByRole('form', { name: 'New device' });
    await form.getByLabel('Name').fill('Pump 7');
    await form.getByLabel('Id (optional)').fill('pump-7');
    await form.getByLabel('Type').selectOption('LOCAL');
    await form.getByLabel('Template').fill('pumps');
    await form.getByRole('button', { name: 'Create device' }).click();
    const token = (await page.getByTestId('secret').textContent())!;
    expect(token).toMatch(/^dev_/);
    const row = page.locator('tr[data-device="pump-7"]');
    await row.getByText('offline').waitFor();
    expect(await row.textContent()).toContain('Local');
    expect(await row.textContent()).toContain('pumps');

    const client = await deviceClient(gw, { id: 'pump-7', token });
    clients.push(client);
    await row.locator('.badge', { hasText: 'online' }).waitFor();
    await screenshot(page, 'devices');

    await row.getByRole('link', { name: 'Pump 7' }).click();
    await page.getByRole('heading', { name: /Pump 7/ }).waitFor();
    for (const t of [20, 22.5, 21, 24]) await publish(client, 'devices/pump-7/ds/temperature', String(t));
    await publish(client, 'devices/pump-7/event/overheat', 'too hot');
    const value = page.locator('tr[data-datastream="temperature"] td.value');
    await value.filter({ hasText: /^24$/ }).waitFor();
    // The history chart (last day, 5-minute buckets) continues live: its latest bucket holds the 24.
    const chart = page.locator('[data-history="temperature"]');
    await chart.locator('.history-plot canvas').first().waitFor();
    await chart
      .getByTestId('readout')
      .filter({ hasText: /max 24\b|avg 24\b/ })
      .waitFor();
    await page.locator('ul.events li', { hasText: 'overheat' }).waitFor();
    await screenshot(page, 'device');
    await endClient(client);
    clients.pop();
    await page.locator('h1 .badge', { hasText: 'offline' }).waitFor();
  });

  it('filters and pages the device table', async () => {
    for (let i = 0; i < 22; i++) await createDevice(gw, { name: `bulk ${i}`, templateId: 'bulk' });
    open = await openConsole(browser, gw.httpPort);
    const { page } = open;
    await signIn(page, ADMIN_TOKEN);
    const filters = page.getByRole('form', { name: 'Filter devices' });
    await filters.getByLabel('Template').fill('bulk');
    await filters.getByLabel('Template').press('Tab');
    await page.getByText('Page 1 of 2 (22)').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2 of 2 (22)').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table.devices tbody tr').length === 2);
    expect(await page.locator('table.devices tbody tr').allTextContents()).toEqual([
      expect.stringContaining('bulk 20'),
      expect.stringContaining('bulk 21'),
    ]);
  });

  it('offers a read-only token (all.Organization.read) no edit controls', async () => {
    const ro = (
      await gw
        .http()
        .post('/api/v1/organization/tokens')
        .set(auth())
        .send({ name: 'viewer', scopes: ['all.Organization.read'] })
    ).body.token as string;
    const device = await createDevice(gw, { name: 'watched' });
    const hook = await gw
      .http()
      .post('/api/v1/organization/webhooks')
      .set(auth())
      .send({ name: 'ro hook', trigger: 'DEVICE_ADDED', url: 'https://example.com/hook' })
      .expect(201);
    open = await openConsole(browser, gw.httpPort);
    const { page } = open;
    await signIn(page, ro);
    await page.locator('tr[data-device]').first().waitFor();
    expect(await page.getByText('New device').count()).toBe(0);
    await page.goto(`http://127.0.0.1:${gw.httpPort}/console#/devices/${device.id}`);
    await page.getByRole('heading', { name: /watched/ }).waitFor();
    for (const name of ['Rotate token', 'Send', 'Delete device'])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.locator('tr[data-webhook="ro hook"]').waitFor();
    expect(await page.getByRole('link', { name: 'New webhook' }).count()).toBe(0);
    for (const name of ['Test', 'Delete']) expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: 'Enabled' }).count()).toBe(0);
    await page.goto(`http://127.0.0.1:${gw.httpPort}/console#/webhooks/${hook.body.id}`);
    await page.getByLabel('Name').first().waitFor();
    expect(await page.getByLabel('URL').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Rotate signing secret' }).count()).toBe(0);
    for (const section of ['Inbound webhooks', 'Users', 'API tokens']) {
      await page.getByRole('link', { name: section, exact: true }).click();
      await page.getByRole('heading', { name: section }).waitFor();
      expect(await page.getByRole('button', { name: /^(New|Add|Create|Delete|Revoke|Edit)/ }).count()).toBe(0);
    }
  });

  it('renders at a 375 px phone width without horizontal scrolling', async () => {
    const hook = await gw
      .http()
      .post('/api/v1/organization/webhooks')
      .set(auth())
      .send({
        name: 'phone hook',
        trigger: 'DEVICE_STATUS',
        dataTrigger: { statuses: ['online'] },
        url: 'https://example.com/a/very/long/path/for/phones',
      })
      .expect(201);
    open = await openConsole(browser, gw.httpPort, { width: 375, height: 740 });
    const { page } = open;
    await signIn(page, ADMIN_TOKEN);
    await page.locator('tr[data-device]').first().waitFor();
    expect(await pageFitsWidth(page)).toBe(true);
    await screenshot(page, 'phone-devices');
    const pages: [string, string][] = [
      ['devices/pump-7', 'Pump 7'],
      ['webhooks', 'Webhooks'],
      [`webhooks/${hook.body.id}`, 'Webhook: phone hook'],
      [`webhooks/${hook.body.id}/deliveries`, 'Deliveries: phone hook'],
      ['inbound', 'Inbound webhooks'],
      ['tokens', 'API tokens'],
      ['events', 'Live events'],
    ];
    for (const [route, heading] of pages) {
      await page.goto(`http://127.0.0.1:${gw.httpPort}/console#/${route}`);
      await page.getByRole('heading', { name: heading }).first().waitFor();
      expect({ route, fits: await pageFitsWidth(page) }).toEqual({ route, fits: true });
    }
    await screenshot(page, 'phone-webhook-deliveries');
  });
});
