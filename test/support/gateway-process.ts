import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Jest's ESM runtime has no import.meta.dirname; the suite runs from the project root.
const ROOT = process.cwd();

/** Newest modification time under a folder. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ when it is missing or older than src/, so the child runs the code under test. */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', 'main.js')).mtimeMs;
  } catch {
    /* not built yet */
  }
  if (built < newest(join(ROOT, 'src')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

export interface GatewayProcess {
  child: ChildProcess;
  httpPort: number;
  mqttPort: number;
  exited: Promise<void>;
  /** Everything the child printed on stdout so far. */
  stdout(): string;
}

/** `node dist/main.js` as a child process; resolves once it prints where it listens. */
export function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HTTP_PORT: '0',
      MQTT_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      MQTT_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Kept for the test's failure message: a child that dies on its own says why here.
  const log: string[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    if (log.length < 200) log.push(d.toString());
  });
  child.once('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && process.env.GATEWAY_CHILD_LOG)
      process.stderr.write(`gateway child exited ${code} ${signal}:\n${log.join('')}\n`);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /REST API\s+http:\/\/[^:]+:(\d+)[\s\S]*\n {2}MQTT\s+mqtt:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, httpPort: Number(m[1]), mqttPort: Number(m[2]), exited, stdout: () => out });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}) before listening:\n${out}\n${err}`)));
  });
}
