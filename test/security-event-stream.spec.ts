import { connect as netConnect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { jest } from '@jest/globals';
import { connectDevice } from './support/cluster.js';
import { eventsOf, openEventStream, type SseClient } from './support/event-stream-client.js';
import { ensureBuilt, type GatewayProcess, startGatewayProcess } from './support/gateway-process.js';
import { ADMIN_TOKEN, auth, endClient, publish, waitFor } from './support/harness.js';

jest.setTimeout(120_000);

/** GET /events on a raw socket that never reads: what a stuck or hostile client does. */
function frozenStream(port: number, lastEventId?: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => {
      socket.write(
        `GET /api/v1/organization/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
          (lastEventId ? `Last-Event-ID: ${lastEventId}\r\n` : '') +
          '\r\n',
      );
      socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

/** Reads the rest of a paused socket; resolves with the byte count once the server has closed it. */
const drainUntilClosed = (socket: Socket) =>
  new Promise<number>((resolve) => {
    let bytes = 0;
    socket.on('data', (d: Buffer) => (bytes += d.length));
    socket.on('error', () => {}); // a reset is a close too
    socket.on('close', () => resolve(bytes));
    socket.resume();
  });

/**
 * Issue 19 (critical): a stream that stops reading, or resumes while much is buffered, used to end the response
 * and keep writing to it; the unhandled ERR_STREAM_WRITE_AFTER_END killed the process. The gateway runs as a
 * child here so that a crash is seen as one.
 */
describe('security: the event stream under a reader that stops reading', () => {
  let dir: string;
  let gw: GatewayProcess;
  let healthy: SseClient | null = null;
  const http = () => request(`http://127.0.0.1:${gw.httpPort}`);
  const openStreams = async () =>
    Number(/^gateway_event_streams_open (\d+)/m.exec((await http().get('/metrics')).text)?.[1]);

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'gw-sse-'));
    gw = await startGatewayProcess({
      DATA_DIR: dir,
      GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      // Large enough that a resume alone overflows the socket buffers of a reader that never reads.
      EVENT_STREAM_RESUME_BYTES_PER_ORG: String(32 << 20),
      EVENT_STREAMS_PER_TOKEN: '3',
    });
  });
  afterAll(async () => {
    healthy?.close();
    gw.child.kill('SIGKILL');
    await gw.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('cuts off a frozen reader and a frozen resume, keeps serving the others, and never exits', async () => {
    const base = `http://127.0.0.1:${gw.httpPort}`;
    healthy = await openEventStream(base, ADMIN_TOKEN, '?kind=datastream.update');
    const frozen = await frozenStream(gw.httpPort);
    await waitFor(openStreams, (n) => n === 2);
    const device = (await http().post('/api/v1/organization/devices').set(auth()).send({ name: 'loud' }).expect(201))
      .body as { id: string; token: string };
    const client = await connectDevice(gw, device);
    // About 18 MB of events: more than a loopback socket's kernel buffers and the 1 MB cut-off together.
    const value = 'v'.repeat(4000); // within DEVICE_MAX_VALUE_BYTES (4096)
    for (let i = 0; i < 4500; i++) client.publish(`devices/${device.id}/ds/blob`, value, { qos: 0 });
    await publish(client, `devices/${device.id}/ds/marker`, 'last');
    await healthy.until((m) => eventsOf(m).some((e) => e.key === 'marker'), 60_000);
    // The frozen reader was cut off (its stream left the service), the healthy one got everything.
    await waitFor(openStreams, (n) => n === 1, 10_000);
    expect(eventsOf(healthy.messages).filter((e) => e.key === 'blob')).toHaveLength(4500);
    expect(await drainUntilClosed(frozen)).toBeLessThan(18_000_000);

    // A resume from the first event writes ~18 MB at once into a socket that never reads: cut off mid-loop.
    const resumed = await frozenStream(gw.httpPort, 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await drainUntilClosed(resumed)).toBeLessThan(18_000_000);

    // Still alive and serving: a new event reaches the healthy stream, /health answers.
    await publish(client, `devices/${device.id}/ds/after`, '1');
    await healthy.until((m) => eventsOf(m).some((e) => e.key === 'after'));
    expect(gw.child.exitCode).toBeNull();
    await http().get('/health').expect(200);
    await endClient(client);
  });

  it('refuses streams past the per-token cap with a 429 naming the setting', async () => {
    const base = `http://127.0.0.1:${gw.httpPort}`;
    const more = [await openEventStream(base, ADMIN_TOKEN), await openEventStream(base, ADMIN_TOKEN)];
    const refused = await fetch(`${base}/api/v1/organization/events`, { headers: auth() });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/EVENT_STREAMS_PER_TOKEN/);
    more[0].close();
    await waitFor(openStreams, (n) => n === 2);
    const again = await openEventStream(base, ADMIN_TOKEN);
    expect(again.status).toBe(200);
    again.close();
    more[1].close();
  });
});
