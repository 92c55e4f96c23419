import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Instance, startInstance } from './support/cluster.js';
import { ensureBuilt } from './support/gateway-process.js';
import { ADMIN_TOKEN, waitFor } from './support/harness.js';
import { type RedisServer, startRedis } from './support/redis.js';
import { describeWith } from './support/requirements.js';

/**
 * redis-server stopped under a gateway process (SQLite, REDIS_URL): /health/ready names Redis, liveness holds,
 * and the stop that follows is bounded and quiet (its log lines counted and printed).
 */
describeWith(['redis'], 'Redis stopped under a gateway process', () => {
  let redis: RedisServer | null;
  let gw: Instance;
  let dir: string;

  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedis();
    if (!redis) throw new Error('redis-server is not installed');
    dir = mkdtempSync(join(tmpdir(), 'gw-faults-redis-'));
    gw = await startInstance('redis-faults', {
      DATA_DIR: dir,
      REDIS_URL: redis.url,
      GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.kill();
    await redis?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const ready = () => gw.http().get('/health/ready').timeout(5000);

  it('answers 503 naming Redis once it is stopped, and 200 on /health/live', async () => {
    expect((await ready().expect(200)).body.checks.redis).toEqual({ status: 'ok' });
    await redis!.stop();
    const res = await waitFor(ready, (r) => r.status === 503);
    expect(res.body.checks).toMatchObject({ redis: { status: 'failing' }, storage: { status: 'ok' } });
    expect(res.body.message).toMatch(/^redis: /);
    await gw.http().get('/health/live').timeout(5000).expect(200);
  });

  it('stops within its bound with Redis gone, in few lines', async () => {
    await new Promise((r) => setTimeout(r, 3000)); // the Redis clients retry meanwhile
    const before = gw.stdout().length;
    const started = Date.now();
    gw.child.kill('SIGTERM');
    const exited = await Promise.race([
      gw.exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 30_000)),
    ]);
    const lines = gw.stdout().slice(before).split('\n').filter(Boolean);
    process.stdout.write(`stop with Redis gone: ${Date.now() - started} ms, ${lines.length} log lines\n`);
    expect(exited).toBe(true);
    expect(lines.length).toBeLessThan(20);
  }, 40_000);
});
