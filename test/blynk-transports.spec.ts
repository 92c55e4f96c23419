import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { IClientOptions } from 'mqtt';
import { BrokerService } from '../src/broker/broker.service.js';
import {
  auth,
  createDevice,
  endClient,
  getDevice,
  publish,
  startTestGateway,
  subscribe,
  type TestGateway,
  waitFor,
} from './support/harness.js';
import { blynkClient, nextMessage } from './support/blynk.js';
import { describeWith } from './support/requirements.js';
import { selfSignedCert } from './support/tls.js';

// Blynk's device MQTT API over every listener, and from clients other than mqtt.js (docs/mqtt.md "Moving Blynk
// devices"): the login, a value and a command work as over plain TCP.
const DEVICES = '/api/v1/organization/devices';

describe('Blynk device MQTT API over WebSocket and TLS', () => {
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

  const listeners: [string, () => IClientOptions][] = [
    ['WebSocket at /mqtt', () => ({ protocol: 'ws', port: gw.httpPort, path: '/mqtt' })],
    ['TLS', () => ({ protocol: 'mqtts', port: gw.app.get(BrokerService).tlsPort, rejectUnauthorized: false })],
  ];
  it.each(listeners)('over %s: logs in with its token, stores a ds value, gets a command', async (name, listener) => {
    const id = `blynk-${name.split(' ')[0].toLowerCase()}`;
    const d = await createDevice(gw, { id });
    await expect(blynkClient(gw, 'dev_not-a-token', listener())).rejects.toMatchObject({ code: 4 });
    const c = await blynkClient(gw, d.token, listener());
    await publish(c, 'ds/Temperature', '21.5');
    const device = await getDevice(gw, id);
    expect([device.status, device.values.Temperature?.value]).toEqual(['online', 21.5]);
    expect(await subscribe(c, 'downlink/#')).toBe(1);
    const power = nextMessage(c, 'downlink/ds/Power');
    await gw.http().post(`${DEVICES}/${id}/downlink/ds/Power`).set(auth()).send(['on']).expect(201);
    expect((await power).payload).toBe('on');
    await endClient(c);
  });
});

describeWith(['mosquitto'], 'Blynk device MQTT API from mosquitto_pub and mosquitto_sub', () => {
  let gw: TestGateway;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
    await gw.stop();
  });
  const login = (token: string) => ['-h', '127.0.0.1', '-p', String(gw.mqttPort), '-u', 'device', '-P', token];

  it('stores what mosquitto_pub publishes as a device, and mosquitto_sub receives a REST command', async () => {
    const d = await createDevice(gw, { id: 'mosquitto-device' });
    // QoS 1: mosquitto_pub exits once the gateway acknowledged, which it does once the value is taken in.
    await promisify(execFile)('mosquitto_pub', [...login(d.token), '-q', '1', '-t', 'ds/Temp', '-m', '21.5']);
    expect((await getDevice(gw, d.id)).values.Temp?.value).toBe(21.5);
    // -d prints the SUBACK, -v each message as "topic payload", -C 1 exits after one; -W bounds it. stdbuf
    // (coreutils, exec'ing it) has its stdout flushed per line: a pipe's would be flushed only at exit.
    const args = [...login(d.token), '-t', 'downlink/#', '-d', '-v', '-C', '1', '-W', '30'];
    const sub = spawn('stdbuf', ['-oL', 'mosquitto_sub', ...args]);
    children.push(sub);
    let out = '';
    sub.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => sub.once('exit', (code) => r(code)));
    await waitFor(
      () => out,
      (o) => o.includes('received SUBACK'),
    );
    await gw.http().post(`${DEVICES}/${d.id}/downlink/ds/Power`).set(auth()).send([1]).expect(201);
    expect(await exited).toBe(0);
    expect(out.split('\n')).toContain('downlink/ds/Power 1');
  });
});
