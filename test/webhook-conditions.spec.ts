import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import {
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';
import {
  createWebhook,
  DELIVERY_ENV,
  type DeliveryRig,
  type Receiver,
  matchedEvents,
  startDeliveryRig,
  startReceiver,
} from './support/receiver.js';

const values = (rx: Receiver, path: string) =>
  rx.received
    .filter((r) => r.path === path)
    .map((r) => (JSON.parse(r.body) as { data: { value: unknown } }).data.value);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('conditions beyond Blynk, over MQTT', () => {
  let rig: DeliveryRig;
  let gw: TestGateway;
  let rx: Receiver;
  let client: MqttClient;
  let device: { id: string; token: string };
  beforeAll(async () => {
    rig = await startDeliveryRig();
    ({ gw, rx, client, device } = rig);
  });
  afterAll(() => rig.stop());

  /** Publishes values to `ds` in order (QoS 1), then waits for `expected` callbacks on `path`, all it matched. */
  async function run(
    path: string,
    condition: object,
    ds: string,
    sequence: (number | string)[],
    expected: number,
    extra: object = {},
  ) {
    const w = await createWebhook(gw, {
      url: `${rx.url}${path}`,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: device.id, dataStream: ds, condition, ...extra },
    });
    for (const v of sequence) await publish(client, `devices/${device.id}/ds/${ds}`, String(v));
    if (expected > 0) await rx.wait(expected, path);
    expect(await matchedEvents(gw, w.id)).toBe(expected);
    return values(rx, path);
  }

  it('threshold: fires on each crossing, not on every value above', async () => {
    expect(await run('/gt', { op: 'gt', value: 30 }, 't1', [20, 31, 35, 40, 29, 33], 2)).toEqual([31, 33]);
  });

  it('hysteresis: re-arms only after coming back past value - hysteresis', async () => {
    expect(await run('/hyst', { op: 'gt', value: 30, hysteresis: 5 }, 't2', [31, 28, 32, 24, 31], 2)).toEqual([31, 31]);
  });

  it('between, outside and changed', async () => {
    expect(await run('/between', { op: 'between', value: 10, value2: 20 }, 't3', [5, 15, 18, 25, 12], 2)).toEqual([
      15, 12,
    ]);
    expect(await run('/outside', { op: 'outside', value: 10, value2: 20 }, 't4', [15, 25, 30, 15, 5], 2)).toEqual([
      25, 5,
    ]);
    expect(await run('/changed', { op: 'changed' }, 't5', [1, 1, 2, 2, 'x'], 3)).toEqual([1, 2, 'x']);
  });

  it('forMs: fires only when the condition held that long', async () => {
    const path = '/for';
    await createWebhook(gw, {
      url: `${rx.url}${path}`,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: device.id, dataStream: 't6', condition: { op: 'gt', value: 30, forMs: 400 } },
    });
    await publish(client, `devices/${device.id}/ds/t6`, '31');
    await sleep(100);
    await publish(client, `devices/${device.id}/ds/t6`, '29'); // broken before 400 ms
    await sleep(500); // the hold's 400 ms pass: elapsed time itself is what is tested here
    expect(values(rx, path)).toEqual([]);
    const started = Date.now();
    await publish(client, `devices/${device.id}/ds/t6`, '35');
    await publish(client, `devices/${device.id}/ds/t6`, '36');
    const [r] = await rx.wait(1, path);
    expect(r.at - started).toBeGreaterThanOrEqual(390);
    await sleep(300); // a second hold would have run out by now
    expect(values(rx, path)).toEqual([36]);
  });

  it('throttleMs: at most one firing per device per window', async () => {
    const path = '/throttle';
    const w = await createWebhook(gw, {
      url: `${rx.url}${path}`,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: device.id, dataStream: 't7', throttleMs: 500 },
    });
    for (let i = 1; i <= 5; i++) await publish(client, `devices/${device.id}/ds/t7`, String(i));
    await rx.wait(1, path);
    await sleep(600); // the throttle window passes
    await publish(client, `devices/${device.id}/ds/t7`, '6');
    await rx.wait(2, path);
    expect(await matchedEvents(gw, w.id)).toBe(2);
    expect(values(rx, path)).toEqual([1, 6]);
  });
});

describe('condition state across a restart', () => {
  it('keeps a fired threshold fired, so a restart does not fire it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-restart-'));
    const rx = await startReceiver();
    let gw = await startTestGateway(DELIVERY_ENV, dir);
    const d = await createDevice(gw);
    const w = await createWebhook(gw, {
      url: `${rx.url}/r`,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: d.id, dataStream: 'temp', condition: { op: 'gt', value: 30 } },
    });
    let c = await deviceClient(gw, d);
    await publish(c, `devices/${d.id}/ds/temp`, '31');
    await rx.wait(1, '/r');
    await endClient(c);
    await gw.stop();

    gw = await startTestGateway(DELIVERY_ENV, dir);
    c = await deviceClient(gw, d);
    await publish(c, `devices/${d.id}/ds/temp`, '35'); // still above: no new crossing
    await publish(c, `devices/${d.id}/ds/temp`, '20');
    await publish(c, `devices/${d.id}/ds/temp`, '32');
    await rx.wait(2, '/r');
    expect(await matchedEvents(gw, w.id)).toBe(1); // since this start: 32 only, 35 did not fire again
    expect(values(rx, '/r')).toEqual([31, 32]);
    await endClient(c);
    await gw.stop();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
