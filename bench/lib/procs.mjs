// Shared by the benches: child processes that report on stdout lines, the gateway, the webhook receiver, FerretDB
// and redis-server as child processes, medians.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ADMIN = 'bench-admin-token-0123456789abcdef';
export const benchDir = new URL('..', import.meta.url).pathname;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Children die with the bench, whether it ends normally or by an uncaught error.
const children = new Set();
const track = (child) => {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
};
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/**
 * Where a gateway child listens, read from its start-up banner (src/main.ts: one line per listener, after
 * "Device gateway ready"). `proc.waitFor(re)` resolves with the first stdout line matching `re`.
 */
export async function gatewayAddresses(proc) {
  const rest = await proc.waitFor(/^\s+REST API\s+http:\/\//);
  const mqtt = await proc.waitFor(/^\s+MQTT\s+mqtt:\/\//);
  return {
    http: /(http:\/\/[^/\s]+)/.exec(rest)[1].replace('localhost', '127.0.0.1'),
    mqtt: /(mqtt:\/\/\S+)/.exec(mqtt)[1].replace('localhost', '127.0.0.1'),
  };
}

/**
 * A child process whose stdout lines can be awaited: `await child.waitFor(/^ready/)`. Lines no one waited for
 * stay in `child.unread` (see printWarnings).
 */
export function start(cmd, args, env = {}, { stderr = 'inherit' } = {}) {
  const child = track(spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', stderr] }));
  const lines = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiters.findIndex((x) => x.test(line));
    if (w >= 0) waiters.splice(w, 1)[0].resolve(line);
    else lines.push(line);
  });
  child.unread = lines;
  child.waitFor = (re) => {
    const i = lines.findIndex((l) => re.test(l));
    if (i >= 0) return Promise.resolve(lines.splice(i, 1)[0]);
    return new Promise((resolve) => waiters.push({ test: (l) => re.test(l), resolve }));
  };
  return child;
}

/** Signals a child and waits for its exit; with `killAfterMs`, one still running then is killed (and said so). */
export const stopProcess = (proc, signal = 'SIGTERM', { killAfterMs } = {}) =>
  new Promise((r) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return r();
    const late =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            process.stderr.write(
              `  pid ${proc.pid} did not stop within ${killAfterMs / 1000} s of ${signal}: killed\n`,
            );
            proc.kill('SIGKILL');
          }, killAfterMs);
    proc.once('exit', () => {
      clearTimeout(late);
      r();
    });
    proc.kill(signal);
  });

/** The first warning, error and fatal lines (pino levels 40–60) a gateway child wrote, to stderr. */
export async function printWarnings(proc) {
  await sleep(100); // its last lines in flight
  for (const l of proc.unread.filter((x) => /"level":(40|50|60)/.test(x)).slice(0, 20))
    process.stderr.write(`  ${l}\n`);
}

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** FerretDB from scripts/ferretdb.sh (built once into its cache), or the server of MONGODB_URI when set. */
export async function startFerretDb() {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => {} };
  const p = start('bash', [join(benchDir, '../scripts/ferretdb.sh'), 'start'], {}, { stderr: 'pipe' });
  // It logs at warn level (a line per connection reset, each refused command dumped over several lines): only
  // its errors are shown, or everything with BENCH_VERBOSE. A line that starts with no time stamp continues
  // the entry before it.
  let shown = true;
  createInterface({ input: p.stderr }).on('line', (l) => {
    const entry = /^\d{4}-\d\d-\d\dT\S+\t(\w+)\t/.exec(l);
    if (entry) shown = !['DEBUG', 'INFO', 'WARN'].includes(entry[1]);
    if (shown || process.env.BENCH_VERBOSE) process.stderr.write(`${l}\n`);
  });
  const uri = (await p.waitFor(/^MONGODB_URI=/)).slice('MONGODB_URI='.length);
  await sleep(500); // the script prints the address before FerretDB listens on it
  return { uri, stop: () => stopProcess(p) };
}

/** A redis-server on a free loopback port, nothing saved to disk. */
export async function startRedis() {
  const port = await freePort();
  const p = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await p.waitFor(/Ready to accept/);
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopProcess(p) };
}

/** The webhook receiver (bench/servers/receiver.mjs) in its own process. */
export async function startReceiver(env = {}) {
  const proc = track(fork(join(benchDir, 'servers/receiver.mjs'), [], { env: { ...process.env, ...env } }));
  const { port } = await new Promise((r) => proc.once('message', r));
  const url = `http://127.0.0.1:${port}`;
  return {
    proc,
    url,
    stats: async (latency = false) => (await fetch(`${url}/stats${latency ? '?latency' : ''}`)).json(),
    reset: () => fetch(`${url}/reset`).then((r) => r.text()),
  };
}

/** The built gateway (dist/main.js) as a child process on random ports, with a fresh DATA_DIR unless given. */
export async function startGateway(
  extraEnv = {},
  { dir, nodeArgs = [], main = join(benchDir, '../dist/main.js') } = {},
) {
  dir ??= mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const proc = start('node', [...nodeArgs, main], {
    DATA_DIR: dir,
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
    GATEWAY_ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  });
  const { http, mqtt: mqttUrl } = await gatewayAddresses(proc);
  const api = async (method, path, body) => {
    const res = await fetch(`${http}/api/v1/organization${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    proc,
    dir,
    http,
    mqttUrl,
    api,
    stop: () => stopProcess(proc),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** CPU time (user + system, ms) a child process has used so far: /proc/<pid>/stat, in 10 ms clock ticks. */
export function cpuMs(proc) {
  const fields = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
/** "median (min–max)" of a series of rounds. */
export function spread(xs, digits = 0) {
  const s = [...xs].sort((a, b) => a - b);
  return `${median(s).toFixed(digits)} (${s[0].toFixed(digits)}–${s[s.length - 1].toFixed(digits)})`;
}
