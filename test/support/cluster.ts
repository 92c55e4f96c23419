import request from 'supertest';
import { ADMIN_TOKEN } from './harness.js';
import { type GatewayProcess, startGatewayProcess } from './gateway-process.js';
import { DELIVERY_ENV } from './receiver.js';

/** Settings of every instance of a test cluster: one database, short leases so takeovers happen in seconds. */
export const clusterEnv = (mongoUri: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...DELIVERY_ENV,
  MONGODB_URI: mongoUri,
  GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
  DELIVERY_CLAIM_LEASE_MS: '1500',
  CLUSTER_POLL_MS: '100',
  WRITE_BEHIND_FLUSH_MS: '50',
  ...extra,
});

export interface Instance extends GatewayProcess {
  id: string;
  http(): ReturnType<typeof request>;
  kill(): Promise<void>;
}

/** One gateway child process of the cluster, named `id`. */
export async function startInstance(id: string, env: Record<string, string>): Promise<Instance> {
  const p = await startGatewayProcess({ ...env, GATEWAY_INSTANCE_ID: id });
  return Object.assign(p, {
    id,
    http: () => request(`http://127.0.0.1:${p.httpPort}`),
    async kill() {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    },
  });
}

/** Polls `check` until it returns true (each poll yields to the event loop), or fails after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
