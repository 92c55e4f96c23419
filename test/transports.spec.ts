import { execFileSync } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { BrokerService } from '../src/broker/broker.service.js';
import {
  createDevice,
  endClient,
  getDevice,
  publish,
  startTestGateway,
  type TestGateway,
  waitFor,
} from './support/harness.js';
import { selfSignedCert } from './support/tls.js';

/** The kernel's view of established sockets on a local port (`ss` from iproute2): one line per socket. */
const socketsOn = (port: number) =>
  execFileSync('ss', ['-tnoH', 'state', 'established', `sport = :${port}`], { encoding: 'utf8' })
    .trim()
    .split('\n');
const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const connected = (client: MqttClient) =>
  new Promise<MqttClient>((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });

describe('MQTT listeners: WebSocket on the HTTP port, TLS when configured', () => {
  let gw: TestGateway;
  let cert: ReturnType<typeof selfSignedCert>;

  beforeAll(async () => {
    cert = selfSignedCert();
    gw = await startTestGateway(cert.env);
  });
  afterAll(async () => {
    await gw.stop();
    cert.remove();
  });

  it('accepts a device over WebSocket at /mqtt and ingests its values', async () => {
    const d = await createDevice(gw);
    const c = await connected(
      mqtt.connect(`ws://127.0.0.1:${gw.httpPort}/mqtt`, { username: d.id, password: d.token, reconnectPeriod: 0 }),
    );
    await publish(c, `devices/${d.id}/ds/ws`, '1');
    await waitFor(
      () => getDevice(gw, d.id),
      (b) => b.status === 'online' && b.values.ws?.value === 1,
    );
    await endClient(c);
    await waitFor(
      () => getDevice(gw, d.id),
      (b) => b.status === 'offline',
    );
  });

  it('accepts a device over TLS', async () => {
    const d = await createDevice(gw);
    const port = gw.app.get(BrokerService).tlsPort;
    expect(port).toBeGreaterThan(0);
    const c = await connected(
      mqtt.connect(`mqtts://127.0.0.1:${port}`, {
        username: d.id,
        password: d.token,
        rejectUnauthorized: false,
        reconnectPeriod: 0,
      }),
    );
    await publish(c, `devices/${d.id}/ds/tls`, '2');
    await waitFor(
      () => getDevice(gw, d.id),
      (b) => b.values.tls?.value === 2,
    );
    await endClient(c);
  });

  // The gateway sets keepalive on its listening sockets; the kernel copies it to every accepted connection.
  (hasSs ? it : it.skip)('gives TCP and TLS connections TCP keepalive probes after 60 s from accept on', async () => {
    for (const port of [gw.mqttPort, gw.app.get(BrokerService).tlsPort]) {
      const socket = netConnect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      const peer = `127.0.0.1:${socket.localPort}`; // the gateway's side of it: local port `port`, this peer
      const line = await waitFor(
        () => socketsOn(port).find((l) => l.split(/\s+/).includes(peer)) ?? '',
        (l) => l !== '',
      );
      expect([port, /timer:\(keepalive,(59|60)sec/.test(line)]).toEqual([port, true]);
      socket.destroy();
    }
  });
});
