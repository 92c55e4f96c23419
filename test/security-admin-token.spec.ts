import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/gateway-process.js';

describe('security: a generated admin token is printed once, on stdout only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-token-'));
  beforeAll(() => ensureBuilt());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appears exactly once in everything the process writes, and not in a structured log line', async () => {
    const child = spawn(process.execPath, [join(process.cwd(), 'dist', 'main.js')], {
      env: {
        PATH: process.env.PATH,
        HTTP_PORT: '0',
        MQTT_PORT: '0',
        HTTP_HOST: '127.0.0.1',
        MQTT_HOST: '127.0.0.1',
        DATA_DIR: dir,
        // debug: the tenancy's own line about the generated token is logged too (it must not hold the token).
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const token = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // The banner comes after every start-up log line; the token stands alone on its line in the block.
        const m = /shown ONCE, store it now:\n\n\s+(\S+)\n/.exec(out);
        // pino writes asynchronously: wait for the tenancy's structured line about the token as well.
        if (m && /^\{.*admin API token/im.test(out)) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}\n${err}`)));
    });
    child.kill('SIGTERM');
    await exited;
    const all = out + err;
    expect(all.split(token).length - 1).toBe(1);
    const structured = all.split('\n').filter((l) => l.startsWith('{'));
    expect(structured.some((l) => /admin API token/i.test(l))).toBe(true);
    expect(structured.some((l) => l.includes(token))).toBe(false);
  });
});
