import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './global-setup.js';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real redis-server (Debian's package; .ci/run installs it) on a random port, without persistence; null when
 * the binary is missing, so a suite can say why it skips.
 */
export async function startRedis(): Promise<RedisServer | null> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ready = await new Promise<boolean>((resolve) => {
    let out = '';
    child.once('error', () => resolve(false));
    child.once('exit', () => resolve(false));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) resolve(true);
    });
  });
  if (!ready) return null;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
