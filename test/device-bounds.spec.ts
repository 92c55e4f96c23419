import Database from 'better-sqlite3';
import { join } from 'node:path';
import mongoose from 'mongoose';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  getDevice,
  publish,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';
import {
  createWebhook,
  DELIVERY_ENV,
  type DeliveryRig,
  type Receiver,
  startDeliveryRig,
  startReceiver,
} from './support/receiver.js';

const dropped = async (gw: TestGateway, reason: string) => {
  const line = `gateway_messages_dropped_total{reason="${reason}"}`;
  const found = (await gw.http().get('/metrics')).text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.slice(line.length).trim()) : 0;
};

/** Issue 19.2: what one device stores is bounded, and a delivery keeps only what its callback can render. */
describe('bounds on what one device stores', () => {
  let rig: DeliveryRig;
  let gw: TestGateway;
  let device: { id: string; token: string };
  const ds = (key: string, payload: string) => publish(rig.client, `devices/${device.id}/ds/${key}`, payload);
  const batch = (values: Record<string, unknown>) =>
    publish(rig.client, `devices/${device.id}/batch`, JSON.stringify(values));
  const info = (fields: Record<string, unknown>) =>
    publish(rig.client, `devices/${device.id}/info`, JSON.stringify(fields));

  beforeAll(async () => {
    rig = await startDeliveryRig({
      env: {
        DEVICE_MAX_DATASTREAMS: '3',
        DEVICE_MAX_VALUE_BYTES: '64',
        DEVICE_MAX_METADATA_KEYS: '2',
        DEVICE_MAX_METADATA_BYTES: '256',
      },
    });
    ({ gw, device } = rig);
  });
  afterAll(() => rig.stop());

  // QoS 1: the PUBACK follows ingest, so once publish() resolves the registry holds the outcome.
  it('drops datastream values past the bounds over MQTT, each counted by its reason, keeping what was stored', async () => {
    for (const key of ['a', 'b', 'c']) await ds(key, '1');
    await ds('d', '1'); // a fourth datastream
    await ds('a', 'x'.repeat(65)); // a value over 64 bytes
    await ds('a', '2'); // an existing datastream takes new values
    await batch({ c: 3, e: 4 }); // e would be a fourth: dropped whole, c keeps 1
    await batch({ b: 'y'.repeat(100) });
    const values = (await getDevice(gw, device.id)).values as Record<string, { value: unknown }>;
    expect(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.value]))).toEqual({ a: 2, b: 1, c: 1 });
    await batch({ b: 5, c: 6 });
    expect((await getDevice(gw, device.id)).values).toMatchObject({ b: { value: 5 }, c: { value: 6 } });
    expect(await dropped(gw, 'too_many_datastreams')).toBe(2);
    expect(await dropped(gw, 'value_too_large')).toBe(2);
  });

  it('drops metadata past the bounds over MQTT, and answers 400 naming the bound over REST', async () => {
    await info({ k1: 1, k2: 'two' });
    await info({ k3: 3 }); // a third key
    await info({ k1: 'z'.repeat(300) }); // over 256 bytes once merged
    await info({ name: 'Renamed', k2: 2 });
    const stored = await getDevice(gw, device.id);
    expect(stored.metadata).toEqual({ k1: 1, k2: 2 });
    expect(stored.name).toBe('Renamed');
    expect(await dropped(gw, 'too_many_metadata_keys')).toBe(1);
    expect(await dropped(gw, 'metadata_too_large')).toBe(1);

    const created = await gw
      .http()
      .post('/api/v1/organization/devices')
      .set(auth())
      .send({ name: 'x', metadata: { a: 1, b: 2, c: 3 } });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toBe('metadata: at most 2 keys per device (DEVICE_MAX_METADATA_KEYS)');
    const patched = await gw
      .http()
      .patch(`/api/v1/organization/devices/${device.id}`)
      .set(auth())
      .send({ metadata: { a: 'w'.repeat(300) } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toBe(
      'metadata: at most 256 bytes of JSON per device (DEVICE_MAX_METADATA_BYTES)',
    );
    expect((await getDevice(gw, device.id)).metadata).toEqual({ k1: 1, k2: 2 });
  });

  it('keeps in a delivery row the device as its templates name it, not the whole device (SQLite)', () =>
    keepsNamedOnly(gw, rig.rx, async (webhookId) => {
      const db = new Database(join(gw.dataDir, 'gateway.db'), { readonly: true });
      try {
        const row = db.prepare('SELECT matched FROM deliveries WHERE webhook_id = ?').get(webhookId);
        return (row as { matched: string }).matched;
      } finally {
        db.close();
      }
    }));
});

/**
 * A device with more than its webhook names: the callback renders what it names, and the stored row
 * (`stored(webhookId)`: the `matched` JSON as the database holds it) keeps only that of the device.
 */
async function keepsNamedOnly(gw: TestGateway, rx: Receiver, stored: (webhookId: number) => Promise<string>) {
  const device = await createDevice(gw, { name: 'Pump', metadata: { site: 'Lab', notes: 'n'.repeat(200) } });
  const client = await deviceClient(gw, device);
  try {
    await publish(client, `devices/${device.id}/batch`, JSON.stringify({ a: 'a'.repeat(60), b: 'b'.repeat(60) }));
    const hook = await createWebhook(gw, {
      url: `${rx.url}/row`,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: device.id, dataStream: 'c' },
      body: '{"b": "{device_dataStream_b}", "site": "{device_metadata_site}", "name": "{device_name}"}',
    });
    await publish(client, `devices/${device.id}/ds/c`, '1');
    const [r] = await rx.wait(1, '/row');
    expect(JSON.parse(r.body)).toEqual({ b: 'b'.repeat(60), site: 'Lab', name: 'Pump' });

    const json = await stored(hook.id as number);
    const matched = JSON.parse(json);
    expect(Object.keys(matched.device.values)).toEqual(['b']);
    expect(matched.device.metadata).toEqual({ site: 'Lab' });
    expect(matched.device).not.toHaveProperty('tokenHash');
    expect(matched.orgName).toBeDefined();
    // Smaller than the device itself (whose values and metadata alone are over 400 bytes of JSON).
    expect(json.length).toBeLessThan(JSON.stringify(await getDevice(gw, device.id)).length);
  } finally {
    await endClient(client);
  }
}

const mongoUri = mongoTestUri('device_bounds');
describeWith(['mongo'], 'a delivery row on MongoDB (FerretDB)', () => {
  let gw: TestGateway;
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
    gw = await startTestGateway({ ...DELIVERY_ENV, MONGODB_URI: mongoUri! });
  });
  afterAll(async () => {
    await gw.stop();
    await rx.close();
    await dropDatabase(mongoUri!);
  });

  it('keeps the device as its templates name it, not the whole device', () =>
    keepsNamedOnly(gw, rx, async (webhookId) => {
      const conn = await mongoose.createConnection(mongoUri!, { serverSelectionTimeoutMS: 5000 }).asPromise();
      try {
        const row = await conn.db!.collection('deliveries').findOne({ webhookId });
        return JSON.stringify((row as { doc: { matched: unknown } } | null)?.doc.matched);
      } finally {
        await conn.close();
      }
    }));
});
