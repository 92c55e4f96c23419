import mqtt from 'mqtt';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterEnv, connectDevice, type Instance, startInstance } from './support/cluster.js';
import { type FerretDb, ferretDbBinary, startFerretDb } from './support/global-setup.js';
import { ensureBuilt } from './support/gateway-process.js';
import { auth, waitFor } from './support/harness.js';
import { type Receiver, startReceiver, WEBHOOKS } from './support/receiver.js';
import { type RedisServer, startRedis } from './support/redis.js';
import { existsSync } from 'node:fs';
import { describeUnless, missing } from './support/requirements.js';

/**
 * Real faults under a gateway process on MongoDB (a FerretDB and a redis-server of this suite's own, stopped
 * mid-run): /health/ready names the part that fails, REST writes answer 503, and a stop with the database
 * gone is short and quiet (its log lines are counted and printed).
 */
const haveFerret = existsSync(ferretDbBinary()) || process.env.GATEWAY_TEST_MONGO === 'ferretdb';

describeUnless(
  haveFerret ? missing('redis') : 'no FerretDB binary (scripts/ferretdb.sh build)',
  'faults under a gateway process on MongoDB and Redis',
  () => {
    let ferret: FerretDb;
    let redis: RedisServer | null;
    let rx: Receiver;
    let gw: Instance;
    let dir: string;
    let client: mqtt.MqttClient;
    /** Where the gateway's output stood when MongoDB was stopped. */
    let outageFrom = 0;
    let outageStarted = 0;

    beforeAll(async () => {
      ensureBuilt();
      [ferret, redis, rx] = await Promise.all([startFerretDb(), startRedis(), startReceiver()]);
      if (!redis) throw new Error('redis-server is not installed');
      dir = mkdtempSync(join(tmpdir(), 'gw-faults-'));
      gw = await startInstance(
        'faults',
        clusterEnv(`${ferret.uri}gwfaults`, { REDIS_URL: redis.url, DATA_DIR: dir, LOG_LEVEL: 'warn' }),
      );
      const device = (await gw.http().post('/api/v1/organization/devices').set(auth()).send({ name: 'd' }).expect(201))
        .body as { id: string; token: string };
      await gw
        .http()
        .post(WEBHOOKS)
        .set(auth())
        .send({
          name: 'n',
          trigger: 'DEVICE_DATASTREAM_UPDATE',
          url: `${rx.url}/n`,
          dataTrigger: { deviceId: device.id, dataStream: 'n' },
        })
        .expect(201);
      client = await connectDevice(gw, device);
      // steady load, so every background writer has something to write when the database goes
      let n = 0;
      const timer = setInterval(() => client.publish(`devices/${device.id}/ds/n`, String(n++), { qos: 0 }), 20);
      client.once('close', () => clearInterval(timer));
    }, 60_000);

    afterAll(async () => {
      client?.end(true);
      await gw?.kill();
      await redis?.stop();
      await ferret?.stop().catch(() => undefined);
      await rx?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const ready = () => gw.http().get('/health/ready').timeout(5000);

    it('is ready with storage, Redis and the broker up', async () => {
      const res = await ready().expect(200);
      expect(res.body.checks).toEqual({ storage: { status: 'ok' }, redis: { status: 'ok' }, mqtt: { status: 'ok' } });
    });

    it('answers 503 naming storage within seconds once MongoDB is stopped; REST writes answer 503', async () => {
      outageFrom = gw.stdout().length;
      outageStarted = Date.now();
      await ferret.stop();
      // every answer comes (bounded probes); the storage one says so
      const res = await waitFor(ready, (r) => r.body.checks?.storage?.status === 'failing', 10_000);
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/storage: (MongoDB is unreachable|no answer within 2000 ms)/);
      await gw.http().get('/health/live').timeout(5000).expect(200);
      const write = await gw
        .http()
        .post('/api/v1/organization/devices')
        .set(auth())
        .send({ name: 'e' })
        .timeout(20_000);
      expect(write.status).toBe(503);
      expect(write.body.error).toMatchObject({ code: 'StorageUnavailable' });
      expect(write.body.error.message).toMatch(/MongoDB is unreachable/);
    }, 30_000);

    it('stops within its bound with the database gone, in few lines, saying what was not written', async () => {
      await new Promise((r) => setTimeout(r, 3000)); // background writers meet the outage for a while
      const before = gw.stdout().length;
      const outage = gw.stdout().slice(outageFrom, before).split('\n').filter(Boolean);
      const outageMs = Date.now() - outageStarted;
      const started = Date.now();
      gw.child.kill('SIGTERM');
      const exitedInTime = await Promise.race([
        gw.exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 40_000)),
      ]);
      const ms = Date.now() - started;
      const lines = gw.stdout().slice(before).split('\n').filter(Boolean);
      const errors = lines.filter((l) => /"level":50/.test(l));
      process.stdout.write(
        `MongoDB gone for ${outageMs} ms before the stop: ${outage.length} log lines\n` +
          `stop with MongoDB gone: ${ms} ms, ${lines.length} log lines (${errors.length} errors)\n` +
          `${lines.slice(0, 12).join('\n')}\n`,
      );
      if (process.env.STOP_LOG) writeFileSync(process.env.STOP_LOG, `${started}\n${lines.join('\n')}\n`);
      expect(exitedInTime).toBe(true);
      expect(lines.some((l) => /not written/.test(l))).toBe(true);
      expect(lines.length).toBeLessThan(50);
      // each background writer's repeating error a few times a minute, not one every retry
      expect(outage.length).toBeLessThan(40);
    }, 60_000);
  },
);
