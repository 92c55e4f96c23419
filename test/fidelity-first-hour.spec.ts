import type { LoggerService } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Gateway, startGateway } from '../src/gateway.js';
import { auth, connectMqtt, startTestGateway } from './support/harness.js';
import { ensureBuilt, startGatewayProcess } from './support/gateway-process.js';
import { DELIVERY_ENV, startReceiver } from './support/receiver.js';

// A newcomer's first hour: what start-up prints, what fails and how it says so, what is logged.
const tempDir = () => mkdtempSync(join(tmpdir(), 'gw-first-hour-'));
const BASE_ENV = {
  HTTP_PORT: '0',
  MQTT_PORT: '0',
  HTTP_HOST: '127.0.0.1',
  MQTT_HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
};

/** A LoggerService that keeps every line, to see what an operator would read. */
function capture(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (m: unknown, ctx?: string) => lines.push(`${level} ${ctx ?? ''} ${String(m)}`);
  return {
    lines,
    log: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
    debug: keep('debug'),
    verbose: keep('verbose'),
  };
}

async function busyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('start-up output', () => {
  beforeAll(() => ensureBuilt());

  it('prints the listeners and, on a first start only, the admin token in a block; no route noise; JSON logs', async () => {
    const dir = tempDir();
    const first = await startGatewayProcess({ DATA_DIR: dir, LOG_LEVEL: 'info' });
    const refused = connectMqtt({ mqttPort: first.mqttPort } as Gateway, {
      username: 'nobody',
      password: 'wrong',
      clientId: 'x',
    });
    await expect(refused).rejects.toThrow();
    const stdout = first.stdout();
    expect(stdout).toMatch(
      /API docs\s+http:\/\/127\.0\.0\.1:\d+\/docs\s+\(OpenAPI JSON: http:\/\/127\.0\.0\.1:\d+\/docs-json\)/,
    );
    expect(stdout).toMatch(/MQTT over WS\s+ws:\/\/127\.0\.0\.1:\d+\/mqtt/);
    const token = /shown ONCE, store it now:\n\n {4}(gw_\S+)\n/.exec(stdout)?.[1];
    expect(token).toBeDefined();
    expect(stdout).not.toMatch(/Mapped \{|successfully started|RouterExplorer/);
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await startGatewayProcess({ DATA_DIR: dir });
    expect(second.stdout()).not.toContain('Admin API token');
    second.child.kill('SIGTERM');
    await second.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a busy port naming the variable, and prints nothing of a successful start', async () => {
    const { server, port } = await busyPort();
    const dir = tempDir();
    const child = startGatewayProcess({ DATA_DIR: dir, HTTP_PORT: String(port), LOG_LEVEL: 'info' });
    const failure = await child.then(
      () => 'started',
      (e: Error) => e.message,
    );
    expect(failure).toContain(`port ${port}`);
    expect(failure).toContain('Change HTTP_PORT');
    expect(failure).not.toMatch(/successfully started|Device gateway ready/);
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('start-up failures name their cause and variable', () => {
  const start = (env: Record<string, string>) => startGateway({ ...BASE_ENV, ...env }, false);

  it('an unwritable DATA_DIR, at once', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    await expect(start({ DATA_DIR: join(dir, 'file', 'data') })).rejects.toThrow(/DATA_DIR=.*is not a writable folder/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a missing TLS file, and an unreachable MONGODB_URI', async () => {
    const dir = tempDir();
    await expect(
      start({ DATA_DIR: dir, MQTT_TLS_CERT: join(dir, 'nope.pem'), MQTT_TLS_KEY: join(dir, 'nope.key') }),
    ).rejects.toThrow(/MQTT_TLS_CERT=.*nope\.pem cannot be read \(ENOENT/);
    const { server, port } = await busyPort(); // a port that takes TCP but speaks no MongoDB... closed below
    server.close();
    await expect(start({ DATA_DIR: dir, MONGODB_URI: `mongodb://u:secret@127.0.0.1:${port}/x` })).rejects.toThrow(
      /MongoDB at MONGODB_URI=mongodb:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/x is unreachable/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('what is logged', () => {
  it('MQTT connections at debug, refusals and failed deliveries at warn', async () => {
    const logger = capture();
    const rx = await startReceiver(() => ({ status: 500, body: 'down' }));
    const dir = tempDir();
    const gw = await startGateway(
      { ...BASE_ENV, ...DELIVERY_ENV, DATA_DIR: dir, GATEWAY_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef' },
      logger,
    );
    const post = (path: string, body: object) =>
      fetch(`http://127.0.0.1:${gw.httpPort}/api/v1/organization/${path}`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('webhooks', { name: 'fails', trigger: 'DEVICE_ADDED', url: `${rx.url}/fail` })).status).toBe(
      201,
    );
    await expect(connectMqtt(gw, { username: 'ghost', password: 'x', clientId: 'g' })).rejects.toThrow();
    const res = await post('devices', { id: 'logged-1', name: 'x' });
    const { token } = (await res.json()) as { token: string };
    const c = await connectMqtt(gw, { username: 'logged-1', password: token, clientId: 'l1' });
    await rx.wait(1, '/fail');
    await new Promise<void>((r) => c.end(false, {}, () => r()));
    const wait = async (re: RegExp) => {
      while (!logger.lines.some((l) => re.test(l))) await new Promise((r) => setTimeout(r, 10));
    };
    await wait(/^warn delivery webhook \d+: delivery \d+ attempt 1 failed: HTTP 500/);
    await wait(/^debug mqtt MQTT device logged-1 disconnected/);
    expect(logger.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^warn mqtt MQTT login refused for ghost from .*: bad user name or password/),
        expect.stringMatching(/^debug mqtt MQTT device logged-1 connected from /),
      ]),
    );
    await gw.close();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one line per resource created or deleted, activity summaries instead of a line per message, the stop', async () => {
    const logger = capture();
    const rx = await startReceiver();
    const dir = tempDir();
    const gw = await startGateway(
      {
        ...BASE_ENV,
        ...DELIVERY_ENV,
        DATA_DIR: dir,
        GATEWAY_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
        LOG_SUMMARY_MS: '200',
      },
      logger,
    );
    const call = async (method: string, path: string, body?: object) => {
      const res = await fetch(`http://127.0.0.1:${gw.httpPort}${path}`, {
        method,
        headers: { ...auth(), 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
      return res.status === 204 ? null : ((await res.json()) as Record<string, any>);
    };
    const api = '/api/v1/organization';
    const device = await call('POST', `${api}/devices`, { id: 'pump-9', name: 'Pump 9' });
    const token = await call('POST', `${api}/tokens`, { name: 'ci', scopes: ['all.Organization.read'] });
    const hook = await call('POST', `${api}/webhooks`, {
      name: 'Level',
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      url: `${rx.url}/level`,
      dataTrigger: { deviceId: 'pump-9', dataStream: 'level' },
    });
    const inbound = await call('POST', `${api}/inbound-webhooks`, { name: 'Control', target: { deviceId: 'pump-9' } });
    const c = await connectMqtt(gw, { username: 'pump-9', password: device!.token, clientId: 'p9' });
    await new Promise((r) => c.publish('devices/pump-9/ds/level', '3', { qos: 1 }, r));
    await rx.wait(1, '/level');
    expect(await call('POST', `/webhooks/${inbound!.token}/go`, { on: true })).toEqual({ success: true });
    await new Promise<void>((r) => c.end(false, {}, () => r()));
    const wait = async (re: RegExp) => {
      while (!logger.lines.some((l) => re.test(l))) await new Promise((r) => setTimeout(r, 10));
    };
    await wait(/^info activity deliveries: 1 matched; attempts 1 delivered$/);
    await wait(/^info activity MQTT: 1 connected, 1 disconnected; 0 open$/);
    await wait(/^info activity inbound webhooks: 1 calls answered \(Control: 1\)$/);
    await call('DELETE', `${api}/webhooks/${hook!.id}`);
    await call('DELETE', `${api}/inbound-webhooks/${inbound!.id}`);
    await call('DELETE', `${api}/tokens/${token!.id}`);
    await call('DELETE', `${api}/devices/pump-9`);
    await gw.close();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
    const resources = logger.lines.filter((l) => l.startsWith('info resources '));
    expect(resources).toEqual([
      'info resources device pump-9 "Pump 9" created in organization 1',
      `info resources API token ${token!.id} "ci" created in organization 1`,
      `info resources webhook ${hook!.id} "Level" created in organization 1`,
      `info resources inbound webhook ${inbound!.id} "Control" created in organization 1`,
      `info resources webhook ${hook!.id} "Level" deleted from organization 1`,
      `info resources inbound webhook ${inbound!.id} deleted from organization 1`,
      `info resources API token ${token!.id} deleted from organization 1`,
      'info resources device pump-9 "Pump 9" deleted from organization 1',
    ]);
    expect(logger.lines.filter((l) => l.startsWith('info ') && l.includes('pump-9 connected'))).toEqual([]);
    expect(logger.lines.at(-1)).toBe('info storage stopped: every write was flushed to storage');
  });

  it('GET /agents/{id} answers one agent', async () => {
    const gw = await startTestGateway();
    const created = await gw.http().post('/api/v1/organization/agents').set(auth()).send({ id: 'rig-1', name: 'Rig' });
    expect(created.status).toBe(201);
    const got = await gw.http().get('/api/v1/organization/agents/rig-1').set(auth()).expect(200);
    expect(got.body).toMatchObject({ id: 'rig-1', name: 'Rig' });
    expect(got.body.token).toBeUndefined();
    expect(got.body.tokenHash).toBeUndefined();
    await gw.http().get('/api/v1/organization/agents/nope').set(auth()).expect(404);
    // One list envelope for our own resources, 0-based pages.
    for (const list of ['agents', 'users', 'tokens', 'devices', 'templates']) {
      const res = await gw.http().get(`/api/v1/organization/${list}?page=0&size=1`).set(auth()).expect(200);
      expect([list, Object.keys(res.body).sort()]).toEqual([list, ['items', 'page', 'size', 'total']]);
    }
    const agents = await gw.http().get('/api/v1/organization/agents').set(auth()).expect(200);
    expect(agents.body).toMatchObject({ page: 0, size: 50, total: 1, items: [{ id: 'rig-1' }] });
    await gw.stop();
  });
});
