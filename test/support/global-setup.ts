import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

// Jest loads this file on its own (no moduleNameMapper, no relative .js → .ts imports): keep it self-contained.

/** The FerretDB release scripts/ferretdb.sh builds; keep the two in step. */
export const FERRETDB_VERSION = 'v1.24.2';

/** Where scripts/ferretdb.sh puts the binary, or FERRETDB_BIN. */
export function ferretDbBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRETDB_BIN) return env.FERRETDB_BIN;
  const cache = env.FERRETDB_CACHE ?? join(homedir(), '.cache', 'device-gateway', 'ferretdb');
  return join(cache, FERRETDB_VERSION, 'ferretdb');
}

export interface FerretDb {
  /** `mongodb://127.0.0.1:PORT/` — no database, no credentials (FerretDB v1 on SQLite has no auth). */
  uri: string;
  stop(): Promise<void>;
}

/** A loopback port free at the moment of asking (the suites' own servers: FerretDB, redis-server). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });

/** FerretDB on a random loopback port with a fresh SQLite folder; resolves once it accepts connections. */
export async function startFerretDb(bin = ferretDbBinary(), attempts = 3): Promise<FerretDb> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'ferretdb-'));
    const child: ChildProcess = spawn(bin, ferretDbArgs(port, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    let exited = false;
    const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
    child.once('error', (e) => (stderr += String(e)));
    // A crashed test run must not leave FerretDB behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const stop = async () => {
      process.removeListener('exit', killOnExit);
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + 20_000;
    while (!exited && Date.now() < deadline && !(await accepts(port))) await new Promise((r) => setTimeout(r, 50));
    if (!exited && Date.now() < deadline) return { uri: `mongodb://127.0.0.1:${port}/`, stop };
    await stop();
    // The port was free when asked; another process may have taken it since. Try another one.
    if (attempt < attempts && /address already in use/i.test(stderr)) continue;
    throw new Error(`FerretDB (${bin}) did not start on 127.0.0.1:${port}:\n${stderr}`);
  }
}

/** What a suite may need beyond Node, how to get it, and the variable that tells the suites it is missing. */
const NEEDS = {
  chromium: { install: 'apt-get install chromium', debian: 'chromium' },
  redis: { install: 'apt-get install redis-server', debian: 'redis-server' },
  mongo: { install: 'scripts/ferretdb.sh build (needs Go), or set MONGODB_URI', debian: null },
  mosquitto: { install: 'apt-get install mosquitto-clients', debian: 'mosquitto-clients' },
} as const;
type Need = keyof typeof NEEDS;

/** GATEWAY_TEST_HIDE=chromium,redis,mongo: behave as on a machine without them (to test the skips). */
const hidden = (need: Need) => (process.env.GATEWAY_TEST_HIDE ?? '').split(',').includes(need);

const runs = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, {
      stdio: 'ignore',
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return true;
  } catch {
    return false;
  }
};
const present: Record<Need, () => boolean> = {
  chromium: () => existsSync('/usr/bin/chromium'),
  redis: () => runs('redis-server', ['--version']),
  mongo: () => Boolean(process.env.MONGODB_URI) || existsSync(ferretDbBinary()),
  mosquitto: () => runs('bash', ['-c', 'command -v mosquitto_pub']),
};

/** On Debian as root, the missing packages are installed once, quietly; FerretDB is built when Go is there. */
function provision(missing: Need[]): void {
  const packages = missing.map((n) => NEEDS[n].debian).filter((p): p is NonNullable<typeof p> => p !== null);
  if (packages.length && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    process.stdout.write(`\nInstalling ${packages.join(', ')} for the tests (apt-get, once)…\n`);
    const install = () => runs('apt-get', ['install', '-y', '-qq', ...packages]);
    if (!install() && runs('apt-get', ['update', '-qq'])) install();
  }
  if (missing.includes('mongo') && (runs('go', ['version']) || existsSync('/usr/local/go/bin/go'))) {
    process.stdout.write('\nBuilding FerretDB for the mongo storage tests (scripts/ferretdb.sh build, once)…\n');
    runs('bash', ['scripts/ferretdb.sh', 'build']);
  }
}

/**
 * A FerretDB of a test's own that can be taken down and brought back on the same port with the same data: a
 * database outage, for real. `down()` stops the process (SIGTERM); `up()` starts it again.
 */
export interface RestartableFerretDb extends FerretDb {
  down(): Promise<void>;
  up(): Promise<void>;
}

export async function startRestartableFerretDb(bin = ferretDbBinary()): Promise<RestartableFerretDb> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ferretdb-'));
  let child: ChildProcess | null = null;
  let exit: Promise<void> = Promise.resolve();
  const down = async () => {
    if (!child) return;
    const c = child;
    child = null;
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(t);
  };
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const up = async () => {
    if (child) return;
    let stderr = '';
    const c = spawn(bin, ferretDbArgs(port, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    exit = new Promise<void>((r) => c.once('exit', () => r()));
    const deadline = Date.now() + 20_000;
    while (c.exitCode === null && Date.now() < deadline && !(await accepts(port)))
      await new Promise((r) => setTimeout(r, 50));
    if (c.exitCode !== null || Date.now() >= deadline)
      throw new Error(`FerretDB (${bin}) did not start on 127.0.0.1:${port}:\n${stderr}`);
  };
  await up();
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    down,
    up,
    async stop() {
      await down();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ferretDbArgs = (port: number, dir: string) => [
  '--handler=sqlite',
  `--sqlite-url=file:${dir}/`,
  `--listen-addr=127.0.0.1:${port}`,
  `--state-dir=${dir}`,
  '--telemetry=disable',
  '--debug-addr=-',
  '--log-level=warn',
];

/**
 * Jest globalSetup. Finds (or provisions, see provision()) what suites need beyond Node — Chromium, redis-server,
 * a MongoDB server — and tells the suites what is missing through GATEWAY_TEST_MISSING_<NEED> (read by
 * test/support/requirements.ts, which skips those suites with the reason; the count reporter sums them up).
 * With CI=true anything missing is an error instead. For MongoDB:
 * - MONGODB_URI already set: used as is (a real MongoDB, say); nothing is started.
 * - else FerretDB (scripts/ferretdb.sh build; or FERRETDB_BIN) is started on a random port with a fresh
 *   SQLite folder and MONGODB_URI is set to it. `npm test` runs in band, so the suites run in this very
 *   process and read this process.env (Jest copies it into each test file's sandbox when the file starts).
 */
export default async function globalSetup(): Promise<void> {
  const needs = Object.keys(NEEDS) as Need[];
  const absent = () => needs.filter((n) => hidden(n) || !present[n]());
  if (absent().length) provision(absent().filter((n) => !hidden(n)));
  const missing = absent();
  for (const need of missing) {
    const why = `no ${need === 'mongo' ? 'MongoDB (FerretDB)' : need} — ${NEEDS[need].install}`;
    if (process.env.CI === 'true') throw new Error(`CI needs every suite, but there is ${why}`);
    process.env[`GATEWAY_TEST_MISSING_${need.toUpperCase()}`] = why;
    process.stdout.write(`\nNOTICE: the suites that need ${need} will be skipped: ${why}\n`);
  }
  if (process.env.MONGODB_URI) {
    process.stdout.write(`\nMongoDB for the storage tests: MONGODB_URI (${redact(process.env.MONGODB_URI)})\n`);
    return;
  }
  if (missing.includes('mongo')) return;
  const ferret = await startFerretDb(ferretDbBinary());
  (globalThis as { __FERRETDB__?: FerretDb }).__FERRETDB__ = ferret;
  process.env.MONGODB_URI = ferret.uri;
  process.env.GATEWAY_TEST_MONGO = 'ferretdb';
  process.stdout.write(`\nMongoDB for the storage tests: FerretDB at ${ferret.uri}\n`);
}

const redact = (uri: string) => uri.replace(/\/\/[^@/]*@/, '//***@');
