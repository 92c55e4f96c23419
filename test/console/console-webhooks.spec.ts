/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser: DOM types for them.
import { jest } from '@jest/globals';
import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { ADMIN_TOKEN, auth, createDevice, deviceClient, endClient, type TestGateway } from '../support/harness.js';
import { DELIVERY_ENV, type Receiver, startReceiver, WEBHOOKS } from '../support/receiver.js';
import { startTestGateway } from '../support/harness.js';
import { type ConsolePage, ensureConsoleBuilt, launchChromium, openConsole, screenshot, signIn } from './browser.js';
import { describeWith } from '../support/requirements.js';

jest.setTimeout(60_000);

describeWith(
  ['chromium'],
  'web console in Chromium: a Kobiton-style status webhook, its delivery log, failures and replays',
  () => {
    let gw: TestGateway;
    let rx: Receiver;
    let browser: Browser;
    let open: ConsolePage;
    let page: Page;
    let down = false;
    let device: { id: string; token: string };
    const statusPath = '/kobiton/status';
    const consoleUrl = (route: string) => `http://127.0.0.1:${gw.httpPort}/console#/${route}`;
    // Chromium logs every 4xx answer to fetch(); the invalid-URL step provokes exactly one 400.
    const expectedErrors = [/^Failed to load resource: the server responded with a status of 400/];

    beforeAll(async () => {
      ensureConsoleBuilt();
      rx = await startReceiver(() => (down ? { status: 500, body: 'receiver down' } : { status: 200, body: 'thanks' }));
      gw = await startTestGateway({ ...DELIVERY_ENV, WEBHOOK_RETRY_SCHEDULE_MS: '0,50,50' });
      device = await createDevice(gw, { id: 'phone-1', name: 'Phone 1', type: 'LOCAL' });
      await gw.http().post('/api/v1/organization/users').set(auth()).send({ email: 'ops@example.com', name: 'Ops' });
      browser = await launchChromium();
      open = await openConsole(browser, gw.httpPort);
      page = open.page;
      await signIn(page, ADMIN_TOKEN);
    });
    afterAll(async () => {
      await open?.close();
      await browser?.close();
      await gw?.stop();
      await rx?.close();
    });

    const webhook = async () => (await gw.http().get(WEBHOOKS).set(auth())).body[0] as Record<string, any>;
    const online = async (): Promise<MqttClient> => deviceClient(gw, device);

    it('creates it through the form; an invalid URL shows the API’s message at the URL field', async () => {
      await page.goto(consoleUrl('webhooks'));
      await page.getByRole('link', { name: 'New webhook' }).click();
      const form = page.getByRole('form', { name: 'Webhook' });
      await form.getByLabel('Name').fill('Kobiton status');
      await form.getByLabel('URL').fill('not a url');
      await form.getByLabel('Description').fill('device status to the lab');
      await form.getByRole('button', { name: 'Create webhook' }).click();
      const urlError = page.locator('[data-field="url"] .field-error');
      await urlError.waitFor();
      expect(await urlError.textContent()).toBe('url must be an absolute http(s) URL');
      expect(await form.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, 'webhook-form-invalid-url');

      await form.getByLabel('URL').fill(`${rx.url}${statusPath}`);
      // Kobiton's four status toggles, by their names: online and offline on by default, utilizing too.
      expect(await form.getByLabel('Device online').isChecked()).toBe(true);
      expect(await form.getByLabel('Device offline').isChecked()).toBe(true);
      expect(await form.getByLabel('Device unplugged').isChecked()).toBe(false);
      await form.getByLabel('Device utilizing').check();
      await form.getByLabel('Scope').selectOption('deviceId');
      // The device is picked from the API's list: typing part of its name offers it, with its id.
      await form.getByRole('combobox', { name: 'Device' }).fill('phone');
      const option = page.getByRole('listbox').getByRole('option', { name: /Phone 1/ });
      expect(await option.textContent()).toBe(`Phone 1 ${device.id}`);
      await option.click();
      expect(await form.getByRole('combobox', { name: 'Device' }).inputValue()).toBe(device.id);
      await form.getByLabel('Disable after this many failed attempts in a row').fill('2');
      await form.getByLabel('Ops <ops@example.com>').check();
      await form.getByRole('button', { name: 'Create webhook' }).click();
      const secret = await page.getByTestId('secret').textContent();
      expect(secret).toMatch(/^whsec_/);
      expect(await urlError.count()).toBe(0);
      const saved = await webhook();
      expect(saved).toMatchObject({
        name: 'Kobiton status',
        description: 'device status to the lab',
        trigger: 'DEVICE_STATUS',
        url: `${rx.url}${statusPath}`,
        failureLimit: 2,
        failureReceivers: [1],
        dataTrigger: { deviceId: device.id, statuses: ['online', 'offline', 'utilizing'] },
      });
      await screenshot(page, 'webhook-form');
      // Edit: the same form saves with PUT; placeholders are picked for the trigger.
      await form.getByLabel('Description').fill('status of phone-1');
      await page.getByLabel('Placeholder').selectOption('device_name');
      await page.getByRole('button', { name: 'Insert into body' }).click();
      expect(await form.getByLabel('Body template').inputValue()).toBe('{device_name}');
      await form.getByLabel('Body template').fill('');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect(await webhook()).toMatchObject({ description: 'status of phone-1', body: '', failureLimit: 2 });
    });

    it('shows the deliveries of real status changes appear in the log, with request and response', async () => {
      await page.goto(consoleUrl(`webhooks/${(await webhook()).id}/deliveries`));
      const client = await online();
      await rx.wait(1, statusPath);
      await endClient(client);
      await rx.wait(2, statusPath);
      const delivered = page.locator('li[data-status="delivered"]');
      await page.waitForFunction(() => document.querySelectorAll('li[data-status="delivered"]').length === 2);
      const newest = delivered.first();
      await newest.locator('summary').first().click();
      // The event by its name; its code and the webhook-id below.
      expect(await newest.locator('summary').first().textContent()).toContain(
        `Device offline ${device.id} · HTTP 200 · 1 attempt`,
      );
      expect(await newest.locator('p.muted').textContent()).toMatch(
        /^webhook-id msg_\S+ · event device\.status\.offline$/,
      );
      expect(await newest.locator('td.code').first().textContent()).toBe('200');
      expect(await newest.locator('code.excerpt').first().textContent()).toBe('thanks');
      const request = await newest.locator('pre.request').textContent();
      expect(request).toContain(`POST ${rx.url}${statusPath}`);
      expect(request).toContain('"eventActivity":"device.status.offline"');
      expect(request).toMatch(/webhook-id: msg_/);
      await page.locator('p.legend', { hasText: '2 delivered, 0 retried, 0 failed' }).waitFor();
      await page
        .getByTestId('success-rate')
        .filter({ hasText: 'Success rate 100% of 2 attempts (last hour)' })
        .waitFor();
      // Each attempt keeps the receiver's response headers.
      await newest.getByText(/^Response headers \(\d+\)$/).click();
      expect(await newest.locator('pre.response-headers').textContent()).toMatch(/^date: /m);
      await screenshot(page, 'deliveries');
    });

    it('fails into DISABLED_DUE_TO_ERRORS, is re-enabled from the list (held deliveries sent), and replays', async () => {
      const w = await webhook();
      down = true;
      const client = await online();
      await endClient(client);
      const held = page.locator('li[data-status="held"]').first();
      await held.waitFor();
      expect(await held.getByTestId('waiting').textContent()).toContain('held: the webhook is disabled');
      // Disabled first and loud: the banner comes before the figures.
      const banner = page.locator('[data-banner="DISABLED_DUE_TO_ERRORS"]');
      await banner.waitFor();
      expect(await banner.textContent()).toMatch(
        /^Disabled due to errors \(2 failed attempts in a row\): nothing is sent/,
      );
      const [bannerBox, chartBox] = [await banner.boundingBox(), await page.locator('.chart-box').boundingBox()];
      expect(bannerBox!.y).toBeLessThan(chartBox!.y);
      // Honest figures: failed attempts count; the success rate is no longer 100%.
      await page.locator('p.legend', { hasText: /2 delivered, \d+ retried, [1-9]\d* failed/ }).waitFor();
      const rate = (await page.getByTestId('success-rate').textContent())!;
      expect(rate).toMatch(/^Success rate \d+% of \d+ attempts \(last hour\)$/);
      expect(rate).not.toContain('100%');
      await screenshot(page, 'deliveries-disabled');
      // A bulk replay says first how many it will send (here the held ones), and sends nothing when cancelled.
      await page.getByRole('button', { name: 'Replay failed since…' }).click();
      const plan = (await page.getByTestId('replay-plan').textContent())!;
      expect(plan).toMatch(/^This sends [1-9]\d* deliveries \(\d+ failed, [1-9]\d* held\) again\.$/);
      await page.getByRole('button', { name: 'Cancel' }).click();

      await page.goto(consoleUrl('webhooks'));
      const row = page.locator(`tr[data-webhook="${w.name}"]`);
      await row.locator('[data-status="DISABLED_DUE_TO_ERRORS"]').waitFor();
      down = false;
      const before = rx.received.length;
      await row.getByRole('checkbox', { name: 'Enabled' }).check();
      await row.locator('[data-status="ENABLED"]').waitFor();
      const sent = await rx.wait(before + 1, statusPath);
      const heldIds = new Set(sent.slice(before).map((r) => r.headers['webhook-id']));

      // Replay one delivered delivery: the receiver gets the same webhook-id again.
      await page.goto(consoleUrl(`webhooks/${w.id}/deliveries`));
      const first = page.locator('li[data-status="delivered"]').last();
      await first.locator('summary').first().click();
      const id = /webhook-id: (\S+)/.exec((await first.locator('pre.request').textContent())!)![1];
      const n = rx.received.length;
      await first.getByRole('button', { name: 'Replay' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `same webhook-id ${id}` })
        .waitFor();
      const replayed = await rx.wait(n + 1, statusPath);
      expect(replayed[replayed.length - 1].headers['webhook-id']).toBe(id);
      expect(heldIds.has(id)).toBe(false);

      // The failure receiver was notified; the Users page shows it.
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByText('Failure notifications').click();
      await page.getByText(`Webhook "${w.name}" was disabled`).waitFor();

      // Replay since: nothing failed or held is left, and the console says so before sending anything.
      await page.goto(consoleUrl(`webhooks/${w.id}/deliveries`));
      await page.getByRole('button', { name: 'Replay failed since…' }).click();
      await page.getByTestId('replay-plan').filter({ hasText: 'Nothing to replay' }).waitFor();
      expect(await page.getByRole('button', { name: /^Send \d+$/ }).count()).toBe(0);
    });

    it('runs Test from the list and shows the receiver’s answer', async () => {
      await page.goto(consoleUrl('webhooks'));
      const row = page.locator('tr[data-webhook="Kobiton status"]');
      const n = rx.received.length;
      await row.getByRole('button', { name: 'Test' }).click();
      await row.locator('.test-result', { hasText: /^Delivered: 200 in \d+ ms$/ }).waitFor();
      expect(rx.received.length).toBe(n + 1);
      expect(await row.getByTestId('rate').textContent()).toMatch(/^\d+% of \d+ attempts$/);
      await screenshot(page, 'webhooks');
    });

    it('creates an inbound webhook whose token URL and curl line work', async () => {
      await page.goto(consoleUrl('inbound'));
      await page.getByRole('button', { name: 'New inbound webhook' }).click();
      const form = page.getByRole('form', { name: 'New inbound webhook' });
      await form.getByLabel('Name').fill('Lab control');
      await form.getByLabel('Id').fill(device.id);
      await form.getByLabel('Downlink path').fill('control');
      await form.getByRole('button', { name: 'Create' }).click();
      const card = page.locator('li[data-inbound="Lab control"]');
      const url = (await card.locator('p.url code').textContent())!;
      expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${gw.httpPort}/webhooks/\\S+$`));
      expect(await card.locator('pre.curl').textContent()).toContain(`curl -X POST '${url}'`);
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { success: true } });
    });

    it('creates an API token with scopes (shown once) and revokes it', async () => {
      await page.goto(consoleUrl('tokens'));
      const form = page.getByRole('form', { name: 'New API token' });
      await form.getByLabel('Name').fill('lab backend');
      await form.getByLabel('devices.*').check();
      await form.getByLabel('More scopes').fill('events.get');
      await form.getByRole('button', { name: 'Create token' }).click();
      const token = (await page.getByTestId('secret').textContent())!;
      const me = await gw.http().get('/api/v1/organization/tokens/current').set(auth(token)).expect(200);
      expect(me.body).toMatchObject({ name: 'lab backend', scopes: ['devices.*', 'events.get'] });
      const card = page.locator('li[data-token="lab backend"]');
      await card.getByRole('button', { name: 'Revoke' }).click();
      await card.getByRole('button', { name: 'Yes, revoke' }).click();
      await card.waitFor({ state: 'detached' });
      await gw.http().get('/api/v1/organization/tokens/current').set(auth(token)).expect(401);
    });

    it('keeps what the form does not edit (Bold filters, formBody) when saving an edit', async () => {
      const created = await gw
        .http()
        .post(WEBHOOKS)
        .set(auth())
        .send({
          name: 'Bold lock events',
          trigger: 'DEVICE_EVENTS',
          url: `${rx.url}/bold`,
          contentType: 'URL_ENCODED_FORM',
          formBody: { lock: '{device_id}' },
          dataTrigger: { statuses: ['online'], eventCodes: ['tamper', 'activation'], deviceIds: [device.id] },
        })
        .expect(201);
      await page.goto(consoleUrl(`webhooks/${created.body.id}`));
      const form = page.getByRole('form', { name: 'Webhook' });
      await form.getByLabel('Description').fill('edited in the console');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      const saved = (await gw.http().get(`${WEBHOOKS}/${created.body.id}`).set(auth())).body;
      expect(saved).toMatchObject({
        description: 'edited in the console',
        trigger: 'DEVICE_EVENTS',
        formBody: { lock: '{device_id}' },
        dataTrigger: { statuses: ['online'], eventCodes: ['tamper', 'activation'], deviceIds: [device.id] },
      });
    });

    it('signs in a header of the receiver’s choosing, set in the form; an edit shows it again', async () => {
      await page.goto(consoleUrl('webhooks'));
      await page.getByRole('link', { name: 'New webhook' }).click();
      const form = page.getByRole('form', { name: 'Webhook' });
      await form.getByLabel('Name').fill('Signed my way');
      await form.getByLabel('URL').fill(`${rx.url}/signed`);
      await form.getByLabel('Signature scheme').selectOption('HMAC_SHA256');
      await form.getByLabel('Signature header').fill('X-Shopify-Hmac-Sha256');
      await form.getByLabel('Encoding').selectOption('base64');
      await form.getByLabel('Timestamp header').fill('X-Timestamp');
      await form.getByLabel('Sign “timestamp.body” instead of the body').check();
      await form.getByRole('button', { name: 'Create webhook' }).click();
      const secret = (await page.getByTestId('secret').textContent())!;
      const all = (await gw.http().get(WEBHOOKS).set(auth())).body as Record<string, any>[];
      const created = all.find((w) => w.name === 'Signed my way')!;
      expect(created.signature).toEqual({
        type: 'HMAC_SHA256',
        header: 'X-Shopify-Hmac-Sha256',
        encoding: 'base64',
        timestampHeader: 'X-Timestamp',
        signTimestamp: true,
      });
      const client = await online();
      const [r] = await rx.wait(1, '/signed');
      await endClient(client);
      // The receiver's own check: base64 HMAC-SHA256 of "<timestamp>.<raw body>".
      const hmac = createHmac('sha256', secret).update(`${String(r.headers['x-timestamp'])}.`);
      expect(r.headers['x-shopify-hmac-sha256']).toBe(hmac.update(r.body).digest('base64'));
      await page.goto(consoleUrl(`webhooks/${created.id}`));
      expect(await form.getByLabel('Signature header').inputValue()).toBe('X-Shopify-Hmac-Sha256');
      expect(await form.getByLabel('Encoding').inputValue()).toBe('base64');
    });

    it('left nothing in the browser console but the one 400 it provoked', () => {
      expect(open.errors.filter((e) => !expectedErrors.some((re) => re.test(e)))).toEqual([]);
      expect(open.errors.length).toBeLessThanOrEqual(1);
    });
  },
);
