import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterEnv, type Instance, startInstance } from './support/cluster.js';
import { ensureBuilt } from './support/gateway-process.js';
import { SecretBox } from '../src/common/secret-box.js';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
  waitFor,
} from './support/harness.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { createWebhook, deliveries, DELIVERY_ENV, type Receiver, startReceiver, WEBHOOKS } from './support/receiver.js';
import { describeWith } from './support/requirements.js';

const newKey = () => randomBytes(32).toString('base64');
const hook = { trigger: 'DEVICE_DELETED', url: 'https://example.com/hook' };

describe('the secret key check (SQLite)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-keycheck-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start with another GATEWAY_SECRET_KEY than the one recorded, naming it', async () => {
    const key = newKey();
    const first = await startTestGateway({ GATEWAY_SECRET_KEY: key }, dir);
    await createWebhook(first, hook);
    await first.stop();
    await expect(startTestGateway({ GATEWAY_SECRET_KEY: newKey() }, dir)).rejects.toThrow(
      /^Cannot start: GATEWAY_SECRET_KEY is not the key with which its secrets were sealed in this database/,
    );
    // without the variable, the generated key file differs too
    await expect(startTestGateway({}, dir)).rejects.toThrow(
      /GATEWAY_SECRET_KEY is not set, and the key this instance generated/,
    );
    const again = await startTestGateway({ GATEWAY_SECRET_KEY: key }, dir);
    await again.stop();
  });

  it('checks a database from before the key check against a stored webhook secret, then records it', async () => {
    const key = newKey();
    const first = await startTestGateway({ GATEWAY_SECRET_KEY: key }, dir);
    await createWebhook(first, hook);
    await first.stop();
    const forget = () => {
      const db = new Database(join(dir, 'gateway.db'));
      db.prepare('DELETE FROM gateway_meta').run();
      db.close();
    };
    forget();
    await expect(startTestGateway({ GATEWAY_SECRET_KEY: newKey() }, dir)).rejects.toThrow(
      /GATEWAY_SECRET_KEY is not the key with which its webhook secrets were sealed/,
    );
    await (await startTestGateway({ GATEWAY_SECRET_KEY: key }, dir)).stop();
    const db = new Database(join(dir, 'gateway.db'), { readonly: true });
    expect(db.prepare("SELECT value FROM gateway_meta WHERE name = 'secret_key_check'").get()).toBeDefined();
    db.close();
  });
});

const uri = mongoTestUri('keycheck');
const describeMongo = (name: string, fn: () => void) => describeWith(['mongo'], name, fn);

describeMongo('the secret key check: two gateway processes on one MongoDB', () => {
  const key = newKey();
  let a: Instance;
  const dirs: string[] = [];
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'gw-keycheck-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    ensureBuilt();
    a = await startInstance('a', clusterEnv(uri!, { GATEWAY_SECRET_KEY: key, DATA_DIR: dataDir() }));
  }, 60_000);
  afterAll(async () => {
    await a?.kill();
    await dropDatabase(uri!);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('an instance with another key exits at start naming GATEWAY_SECRET_KEY; the first goes on', async () => {
    await a
      .http()
      .post(WEBHOOKS)
      .set(auth())
      .send({ name: 'k', ...hook })
      .expect(201);
    await expect(
      startInstance('b', clusterEnv(uri!, { GATEWAY_SECRET_KEY: newKey(), DATA_DIR: dataDir() })),
    ).rejects.toThrow(/exited \(1\)[\s\S]*Cannot start: GATEWAY_SECRET_KEY is not the key/);
    await expect(startInstance('c', clusterEnv(uri!, { DATA_DIR: dataDir() }))).rejects.toThrow(
      /GATEWAY_SECRET_KEY is not set, and the key this instance generated/,
    );
    await a.http().get('/health/ready').expect(200);
    const b = await startInstance('b', clusterEnv(uri!, { GATEWAY_SECRET_KEY: key, DATA_DIR: dataDir() }));
    await b.kill();
  }, 60_000);
});

describe('a stored secret this key cannot open, at delivery', () => {
  let dir: string;
  let rx: Receiver;
  let gw: TestGateway | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-keycheck-'));
    rx = await startReceiver();
  });
  afterAll(async () => {
    await gw?.stop();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a configuration error: deliveries held, never sent, never counted toward failureLimit', async () => {
    const key = newKey();
    const env = { ...DELIVERY_ENV, GATEWAY_SECRET_KEY: key };
    gw = await startTestGateway(env, dir);
    const device = await createDevice(gw);
    const w = await createWebhook(gw, {
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'x' },
      url: `${rx.url}/hook`,
      authType: 'BEARER',
      bearerToken: 'token-sealed-under-our-key',
      failureLimit: 2,
    });
    await gw.stop();
    // The bearer token replaced by one sealed under another key (as a restore from another deployment would).
    const db = new Database(join(dir, 'gateway.db'));
    const row = db.prepare('SELECT doc FROM webhooks WHERE id = ?').get(w.id) as { doc: string };
    const doc = JSON.parse(row.doc) as Record<string, unknown>;
    doc.bearerToken = new SecretBox(randomBytes(32)).seal('sealed-elsewhere');
    db.prepare('UPDATE webhooks SET doc = ? WHERE id = ?').run(JSON.stringify(doc), w.id);
    db.close();

    gw = await startTestGateway(env, dir);
    const client = await deviceClient(gw, device);
    for (let i = 0; i < 4; i++) await publish(client, `devices/${device.id}/event/x`, `n${i}`);
    const held = await waitFor(
      () => deliveries(gw!, w.id, '?status=held'),
      (l) => l.total === 4,
    );
    expect(JSON.stringify(held.items)).toMatch(
      /ConfigurationError: a stored secret cannot be opened.*GATEWAY_SECRET_KEY/,
    );
    const now = (await gw.http().get(`${WEBHOOKS}/${w.id}`).set(auth()).expect(200)).body;
    expect(now).toMatchObject({ status: 'ENABLED', failureCount: 0 });
    expect(rx.received).toHaveLength(0);
    await endClient(client);
  });
});
