// Shared by the benches: child processes that report on stdout lines, the gateway as a child process, medians.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

/** A child process whose stdout lines can be awaited: `await child.waitFor(/^ready/)`. */
export function start(cmd, args, env = {}) {
  const child = track(spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiters.findIndex((x) => x.test(line));
    if (w >= 0) waiters.splice(w, 1)[0].resolve(line);
    else lines.push(line);
  });
  child.waitFor = (re) => {
    const i = lines.findIndex((l) => re.test(l));
    if (i >= 0) return Promise.resolve(lines.splice(i, 1)[0]);
    return new Promise((resolve) => waiters.push({ test: (l) => re.test(l), resolve }));
  };
  return child;
}

export const stopProcess = (proc, signal = 'SIGTERM') =>
  new Promise((r) => {
    if (proc.exitCode !== null) return r();
    proc.once('exit', r);
    proc.kill(signal);
  });

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
export async function startGateway(extraEnv = {}, { dir, nodeArgs = [] } = {}) {
  dir ??= mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const proc = start('node', [...nodeArgs, join(benchDir, '../dist/main.js')], {
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

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
/** "median (min–max)" of a series of rounds. */
export function spread(xs, digits = 0) {
  const s = [...xs].sort((a, b) => a - b);
  return `${median(s).toFixed(digits)} (${s[0].toFixed(digits)}–${s[s.length - 1].toFixed(digits)})`;
}
