import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth, startTestGateway, type TestGateway, waitFor } from './support/harness.js';
import { WEBHOOKS } from './support/receiver.js';
import { describeUnless } from './support/requirements.js';

/** Headers big enough that the row cannot fit in space SQLite already owns. */
const big = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`x-pad-${i}`, 'p'.repeat(1000)]));

/**
 * /health/live and /health/ready against real faults: DATA_DIR on a small tmpfs filled up, then remounted
 * read-only. Needs root for mount (the CI container runs as root); without it the suite says so and skips.
 */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the file system of `dir` to the last byte (ENOSPC ends it). */
function fill(file: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (;;) {
    try {
      writeFileSync(file, chunk, { flag: 'a' });
    } catch {
      break;
    }
  }
  for (let size = 4096; size >= 1; size >>= 1) {
    try {
      for (;;) writeFileSync(file, Buffer.alloc(size), { flag: 'a' });
    } catch {
      /* smaller pieces next */
    }
  }
}

const mnt = mkdtempSync(join(tmpdir(), 'gw-health-'));
const mounted = mountTmpfs(mnt, '16m');

describeUnless(
  mounted ? undefined : 'mount -t tmpfs failed (needs root)',
  'health with DATA_DIR on a small tmpfs',
  () => {
    let gw: TestGateway;
    const ready = () => gw.http().get('/health/ready');

    beforeAll(async () => {
      gw = await startTestGateway({}, join(mnt, 'data'));
    });
    afterAll(async () => {
      await gw?.stop().catch(() => undefined);
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    });

    it('is ready while storage takes writes, and says so on /health too', async () => {
      const res = await ready().expect(200);
      expect(res.body).toMatchObject({ status: 'ok', checks: { storage: { status: 'ok' }, mqtt: { status: 'ok' } } });
      expect((await gw.http().get('/health').expect(200)).body).toMatchObject({ status: 'ok', storage: 'sqlite' });
      await gw.http().get('/health/live').expect(200, { status: 'ok' });
    });

    it('answers 503 naming the full disk, REST writes answer 503 StorageUnavailable, live stays 200', async () => {
      const filler = join(mnt, 'filler');
      fill(filler);
      try {
        const res = await ready().expect(503);
        expect(res.body.status).toBe('unavailable');
        expect(res.body.checks.storage).toMatchObject({ status: 'failing' });
        expect(res.body.message).toMatch(/^storage: .*(full|ENOSPC)/);
        await gw.http().get('/health').expect(503);
        await gw.http().get('/health/live').expect(200);
        // Webhooks are written through at once: the write meets the full disk.
        const write = await gw
          .http()
          .post(WEBHOOKS)
          .set(auth())
          .send({ name: 'on a full disk', trigger: 'DEVICE_DELETED', url: 'https://example.com/p', headers: big });
        expect(write.status).toBe(503);
        expect(write.body.error).toMatchObject({ code: 'StorageUnavailable' });
        expect(write.body.error.message).toMatch(/disk holding DATA_DIR is full|SQLITE_FULL|cannot be written/);
      } finally {
        rmSync(filler, { force: true });
      }
      await waitFor(
        async () => (await ready()).status,
        (s) => s === 200,
      );
    });
  },
);

/**
 * A data folder nothing may be created in, even by root (the tests run as root, for whom chmod changes
 * nothing): `chattr +i` on ext4. The SQLite file already open still takes writes; the probe's file does not.
 */
describe('health with a read-only DATA_DIR', () => {
  let gw: TestGateway;
  let dir: string;
  const ready = () => gw.http().get('/health/ready');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-health-ro-'));
    gw = await startTestGateway({}, dir);
  });
  afterAll(async () => {
    execFileSync('chattr', ['-i', dir], { stdio: 'pipe' });
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 naming storage while the folder is read-only, 200 again once writable', async () => {
    await ready().expect(200);
    try {
      execFileSync('chattr', ['+i', dir], { stdio: 'pipe' });
    } catch (err) {
      process.stderr.write(`health-faults: chattr +i failed (${(err as Error).message}): read-only case not run\n`);
      return;
    }
    try {
      const res = await ready().expect(503);
      expect(res.body.checks.storage.status).toBe('failing');
      expect(res.body.message).toMatch(/^storage: DATA_DIR cannot be written \(EPERM\)/);
      await gw.http().get('/health/live').expect(200);
    } finally {
      execFileSync('chattr', ['-i', dir], { stdio: 'pipe' });
    }
    await waitFor(
      async () => (await ready()).status,
      (s) => s === 200,
    );
  });
});
