import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  getDevice,
  publish,
  subscribe,
  startTestGateway,
  type TestGateway,
  waitFor,
} from './support/harness.js';
import { createWebhook, DELIVERY_ENV, type Receiver, startReceiver } from './support/receiver.js';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import { blynkClient, nextMessage, record } from './support/blynk.js';

// Blynk's device MQTT API beside ours (issue 24): a client acting as Blynk firmware does, unchanged.
const DEVICES = '/api/v1/organization/devices';
const MCU = { tmpl: 'TMPLHEAT', ver: '0.1.0', build: 'Dec  7 2026 01:00:00', type: 'esp32', rxbuff: 1024 };

async function dropped(gw: TestGateway, reason: string): Promise<number> {
  const text = (await gw.http().get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`gateway_messages_dropped_total{reason="${reason}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('Blynk device MQTT API: a Blynk firmware moves over unchanged', () => {
  let gw: TestGateway;
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
    gw = await startTestGateway(DELIVERY_ENV);
    await gw.http().post('/api/v1/organization/templates').set(auth()).send({ id: 'TMPLHEAT', name: 'Heater' });
  });
  afterAll(async () => {
    await gw.stop();
    await rx.close();
  });

  it("runs the firmware's sequence: info/mcu sets the template, a Blynk webhook fires, get/ds answers", async () => {
    await createWebhook(gw, {
      trigger: 'PRODUCT_DATASTREAM_UPDATE',
      dataTrigger: { templateId: 'TMPLHEAT', dataStream: 'Set Temperature' },
      url: `${rx.url}/heat`,
      body: '{"device": "{device_id}", "value": {device_pinValue}}',
    });
    const d = await createDevice(gw, { id: 'heater-1' });
    const c = await blynkClient(gw, d.token);
    await publish(c, 'info/mcu', JSON.stringify(MCU));
    expect(await subscribe(c, 'downlink/#')).toBe(1);
    await publish(c, 'ds/Set Temperature', '23.5');
    await publish(c, 'event/overheat', 'Room above 30');
    const [hook] = await rx.wait(1, '/heat');
    expect(JSON.parse(hook.body)).toEqual({ device: 'heater-1', value: 23.5 });
    const reply = nextMessage(c, 'downlink/ds/Set Temperature');
    await publish(c, 'get/ds', 'Set Temperature,Unknown');
    expect((await reply).payload).toBe('23.5');
    const device = await getDevice(gw, 'heater-1');
    expect(device).toMatchObject({
      status: 'online',
      templateId: 'TMPLHEAT',
      metadata: { mcu: { ver: '0.1.0', type: 'esp32', rxbuff: 1024 } },
      values: { 'Set Temperature': { value: 23.5 } },
      lastEvent: { code: 'overheat', description: 'Room above 30' },
    });
    expect(device.type).toBe('PRIVATE'); // Blynk's `type` is the board, not our device type
    await endClient(c);
  });

  it('delivers REST commands on downlink/ds/{name} as plain text, and ping and reboot unasked', async () => {
    const d = await createDevice(gw, { id: 'heater-2' });
    const c = await blynkClient(gw, d.token, { clientId: 'esp32-heater-2' });
    const command = (path: string, body: unknown) =>
      gw
        .http()
        .post(`${DEVICES}/heater-2/downlink/${path}`)
        .set(auth())
        .send(body as object);
    // No subscription yet: Blynk sends ping and reboot unasked.
    const ping = nextMessage(c, 'downlink/ping');
    expect((await command('ping', {})).status).toBe(201);
    expect((await ping).qos).toBe(1);
    const reboot = nextMessage(c, 'downlink/reboot');
    await command('reboot', {});
    await reboot;
    expect(await subscribe(c, 'downlink/ds/#')).toBe(1);
    const location = nextMessage(c, 'downlink/ds/Location');
    const res = await command('ds/Location', [30.52, 50.45]);
    expect(res.body).toMatchObject({ topic: 'devices/heater-2/downlink/ds/Location', published: true });
    expect((await location).payload).toBe('30.52\x0050.45');
    const power = nextMessage(c, 'downlink/ds/Device On');
    await gw.http().post(`${DEVICES}/heater-2/downlink/ds/Device%20On`).set(auth()).send({ on: true }).expect(201);
    expect((await power).payload).toBe('{"on":true}');
    // An inbound webhook (Losant's resource) writes the datastream with the call's body.
    const hook = await gw
      .http()
      .post('/api/v1/organization/inbound-webhooks')
      .set(auth())
      .send({ name: 'thermostat', target: { deviceId: 'heater-2', path: 'ds/Set Temperature' } })
      .expect(201);
    const set = nextMessage(c, 'downlink/ds/Set Temperature');
    await gw.http().post(`/webhooks/${hook.body.token}`).send([21.5]).expect(200);
    expect((await set).payload).toBe('21.5');
    // Subscribed to downlink/# as well, a ping still comes once.
    expect(await subscribe(c, 'downlink/#')).toBe(1);
    const got = record(c);
    await command('ping', {});
    const after = nextMessage(c, 'downlink/ds/Mark');
    await command('ds/Mark', [1]);
    await after;
    expect(got).toEqual(['downlink/ping', 'downlink/ds/Mark']);
    await endClient(c);
  });

  it('UNSUBSCRIBE of downlink/… removes what its SUBSCRIBE mapped, UNSUBACK follows; what Blynk sends unasked stays', async () => {
    const d = await createDevice(gw, { id: 'heater-7' });
    const c = await blynkClient(gw, d.token);
    const command = (path: string, body: object) =>
      gw.http().post(`${DEVICES}/heater-7/downlink/${path}`).set(auth()).send(body).expect(201);
    expect(await subscribe(c, 'downlink/ds/#')).toBe(1);
    expect(await subscribe(c, 'downlink/ping')).toBe(1); // also one Blynk sends unasked
    const first = nextMessage(c, 'downlink/ds/Power');
    await command('ds/Power', [1]);
    expect((await first).payload).toBe('1');
    // Our scheme's name of the ping subscription removes nothing either.
    const unsuback = await c.unsubscribeAsync(['downlink/ds/#', 'downlink/ping', 'devices/heater-7/downlink/ping']);
    expect(unsuback?.cmd).toBe('unsuback');
    const got = record(c);
    await command('ds/Power', [0]);
    // Messages to one client keep their order: once the ping is here, a command sent before it would be too.
    const ping = nextMessage(c, 'downlink/ping');
    await command('ping', {});
    await ping;
    expect(got).toEqual(['downlink/ping']);
    await endClient(c);
  });

  it('stores NUL-separated values, timestamped batches, batches, erase, properties and meta; answers get/*', async () => {
    const d = await createDevice(gw, { id: 'heater-3', metadata: { timezone: 'Asia/Kolkata' } });
    const c = await blynkClient(gw, d.token);
    await subscribe(c, 'downlink/#');
    await publish(c, 'ds/Location', '30.52\x0050.45');
    const now = Date.now();
    await publish(
      c,
      'ds/Temperature/timestamped_batch',
      JSON.stringify([
        [now - 1000, 21],
        [now - 3000, 19],
      ]),
    );
    await publish(c, 'batch_ds', JSON.stringify({ Humidity: 40, 'Device On': true }));
    await publish(c, 'ds/Humidity/erase', '');
    await publish(c, 'ds/Temperature/prop/label', 'Room');
    await publish(c, 'meta/Serial Number', 'SN-42');
    const device = await getDevice(gw, 'heater-3');
    expect(device.values).toEqual({
      Location: { value: [30.52, 50.45], ts: expect.any(Number) },
      Temperature: { value: 21, ts: now - 1000 },
      'Device On': { value: true, ts: expect.any(Number) },
    });
    expect(device.metadata).toMatchObject({
      'Serial Number': 'SN-42',
      datastreamProps: { Temperature: { label: 'Room' } },
    });
    const all = ['Location', 'Temperature', 'Device On'].map((n) => nextMessage(c, `downlink/ds/${n}`));
    await publish(c, 'get/ds/all', '');
    expect((await Promise.all(all)).map((m) => m.payload)).toEqual(['30.52\x0050.45', '21', 'true']);
    const serial = nextMessage(c, 'downlink/meta/Serial Number');
    await publish(c, 'get/meta', '');
    expect((await serial).payload).toBe('SN-42');
    const utc = nextMessage(c, 'downlink/utc/all/json');
    await publish(c, 'get/utc/all/json', '');
    const time = JSON.parse((await utc).payload);
    expect(time).toMatchObject({ tz_name: 'Asia/Kolkata', tz_rule: '<+0530>-5:30', tz_offset: 330, dst_offset: 0 });
    expect(Math.abs(time.time - Date.now())).toBeLessThan(60_000);
    expect(time.iso8601).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
    await endClient(c);
  });

  it('refuses a bad token with CONNACK 0x04, and a new connection with the same token replaces the old', async () => {
    await expect(blynkClient(gw, 'dev_not-a-token')).rejects.toMatchObject({ code: 4 });
    const d = await createDevice(gw, { id: 'heater-4' });
    const first = await blynkClient(gw, d.token, { clientId: 'one' });
    const closed = new Promise<void>((r) => first.once('close', () => r()));
    const second = await blynkClient(gw, d.token, { clientId: 'two' });
    await closed;
    await publish(second, 'ds/Temperature', '20');
    expect((await getDevice(gw, 'heater-4')).values.Temperature.value).toBe(20);
    expect((await getDevice(gw, 'heater-4')).status).toBe('online');
    await endClient(second);
    await waitFor(
      () => getDevice(gw, 'heater-4'),
      (dev) => dev.status === 'offline',
    );
  });

  it('follows the token: a new token closes the session and only it logs in; a deleted device is no one', async () => {
    const d = await createDevice(gw, { id: 'heater-6' });
    const c = await blynkClient(gw, d.token);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    const fresh = (await gw.http().post(`${DEVICES}/heater-6/token`).set(auth()).expect(201)).body.token as string;
    await closed;
    await expect(blynkClient(gw, d.token)).rejects.toMatchObject({ code: 4 });
    await endClient(await blynkClient(gw, fresh));
    await gw.http().delete(`${DEVICES}/heater-6`).set(auth()).expect(204);
    await expect(blynkClient(gw, fresh)).rejects.toMatchObject({ code: 4 });
  });

  it('drops a message over 1,024 bytes with a counted reason, and keeps the connection', async () => {
    const d = await createDevice(gw, { id: 'heater-5' });
    const c = await blynkClient(gw, d.token);
    const before = await dropped(gw, 'blynk_message_too_large');
    await publish(c, 'ds/Log', 'x'.repeat(1025));
    await publish(c, 'ds/Log', 'y'.repeat(1024));
    expect(await dropped(gw, 'blynk_message_too_large')).toBe(before + 1);
    expect((await getDevice(gw, 'heater-5')).values.Log.value).toBe('y'.repeat(1024));
    await publish(c, 'devices/heater-5/ds/x', '1'); // our scheme's topic: no Blynk topic, dropped
    expect(await dropped(gw, 'blynk_unknown_topic')).toBeGreaterThanOrEqual(1);
    expect(c.connected).toBe(true);
    await endClient(c);
  });
});

describe('Blynk device MQTT API: no topic reaches another device or organization', () => {
  let gw: TestGateway;
  let mine: { id: string; token: string };
  let theirs: { id: string; token: string };
  let otherToken: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    mine = await createDevice(gw, { id: 'mine' });
    const tenancy = gw.app.get(TenancyService);
    const org = await tenancy.createOrganization('other');
    otherToken = (await tenancy.createToken(org.id, 'b', ['all.Organization'])).token;
    theirs = await createDevice(gw, { id: 'theirs' }, otherToken);
  });
  afterAll(() => gw.stop());

  it("keeps another org's Blynk device out of this device's topics, reading and writing", async () => {
    const victim = await blynkClient(gw, mine.token);
    expect(await subscribe(victim, 'downlink/#')).toBe(1);
    const victimGot = record(victim);
    const intruder = await blynkClient(gw, theirs.token);
    for (const filter of ['#', '+/#', '+/+/downlink/#', 'devices/mine/downlink/#', '../mine/downlink/#', 'ds/#'])
      expect([filter, await subscribe(intruder, filter)]).toEqual([filter, 128]);
    expect(await subscribe(intruder, 'downlink/#')).toBe(1);
    const intruderGot = record(intruder);
    for (const topic of [
      'devices/mine/ds/Temperature',
      '../mine/ds/Temperature',
      'ds/../../mine/ds/Temperature',
      'downlink/ds/Temperature',
      'devices/mine/downlink/ds/Temperature',
      'orgs/1/x',
    ])
      await publish(intruder, topic, '99');
    // A command to this device reaches it, not the intruder; the other org cannot send one at all.
    const got = nextMessage(victim, 'downlink/ds/Temperature');
    await gw.http().post(`${DEVICES}/mine/downlink/ds/Temperature`).set(auth()).send([1]).expect(201);
    expect((await got).payload).toBe('1');
    const foreign = await gw.http().post(`${DEVICES}/mine/downlink/ds/Temperature`).set(auth(otherToken)).send([2]);
    expect(foreign.status).toBe(404);
    // The intruder's own command arrives after anything it could have been sent: nothing of mine came first.
    const own = nextMessage(intruder, 'downlink/ds/x');
    await gw.http().post(`${DEVICES}/theirs/downlink/ds/x`).set(auth(otherToken)).send([3]).expect(201);
    await own;
    expect(intruderGot).toEqual(['downlink/ds/x']);
    expect(victimGot).toEqual(['downlink/ds/Temperature']);
    expect((await getDevice(gw, 'mine')).values).toEqual({});
    expect((await getDevice(gw, 'theirs', otherToken)).values).toEqual({});
    await endClient(intruder);
    await endClient(victim);
  });

  it('keeps our own scheme as it was: a device id as user name still logs in, and cannot read a Blynk device', async () => {
    const c = await deviceClient(gw, theirs);
    expect(await subscribe(c, 'devices/mine/downlink/#')).toBe(128);
    await publish(c, 'devices/theirs/ds/Temperature', '5');
    expect((await getDevice(gw, 'theirs', otherToken)).values.Temperature.value).toBe(5);
    await endClient(c);
  });
});
