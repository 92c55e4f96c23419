import { request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  raw,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';

const ATTACKER = '127.0.0.2'; // another loopback address: the attacker's connections come from here

/** One raw CONNECT from the attacker's address; resolves with the CONNACK return code. */
function attackerConnect(gw: TestGateway, username: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ port: gw.mqttPort, host: '127.0.0.1', localAddress: ATTACKER });
    const got: Buffer[] = [];
    socket.on('error', reject);
    socket.on('connect', () => socket.write(raw.connect(`atk${Math.random()}`, { username, password })));
    socket.on('data', (d) => {
      got.push(d);
      const all = Buffer.concat(got);
      if (all.length >= 4) {
        socket.destroy();
        resolve(all[3]);
      }
    });
  });
}

function attackerHttp(gw: TestGateway, path: string, authorization: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: gw.httpPort,
        path,
        method: 'POST',
        localAddress: ATTACKER,
        headers: { authorization },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

const metric = async (gw: TestGateway, line: string) => {
  const m = (await gw.http().get('/metrics')).text.split('\n').find((l) => l.startsWith(line));
  return m ? Number(m.slice(line.length).trim()) : 0;
};

describe('security: failed authentications are throttled per address and identity', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it('MQTT: an address hammering wrong passwords is refused fast (0x05) while others log in at once', async () => {
    const victim = await createDevice(gw);
    const other = await createDevice(gw);
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push(await attackerConnect(gw, victim.id, `wrong${i}`));
    expect(codes).toEqual(Array(10).fill(4));
    // Throttled now: even the right password from that address is refused without being checked.
    expect(await attackerConnect(gw, victim.id, victim.token)).toBe(5);
    expect(await attackerConnect(gw, other.id, other.token)).toBe(5);
    expect(await metric(gw, 'gateway_auth_throttled_total{surface="mqtt"}')).toBe(2);
    // Another identity from another address, and the victim itself, are not slowed.
    const c1 = await deviceClient(gw, other);
    const c2 = await deviceClient(gw, victim);
    await endClient(c1);
    await endClient(c2);
  });

  it('inbound basic auth: the attacking address gets 429, a correct call from elsewhere succeeds', async () => {
    const device = await createDevice(gw);
    const w = await gw
      .http()
      .post('/api/v1/organization/inbound-webhooks')
      .set(auth())
      .send({ name: 'guarded', basicAuthUsername: 'u', basicAuthPassword: 'right', target: { deviceId: device.id } })
      .expect(201);
    const path = `/webhooks/${w.body.token}`;
    const bad = `Basic ${Buffer.from('u:wrong').toString('base64')}`;
    const good = `Basic ${Buffer.from('u:right').toString('base64')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await attackerHttp(gw, path, bad));
    expect(statuses).toEqual(Array(10).fill(401));
    expect(await attackerHttp(gw, path, good)).toBe(429);
    expect(await metric(gw, 'gateway_auth_throttled_total{surface="inbound"}')).toBe(1);
    await gw.http().post(path).set('Authorization', good).send({}).expect(200);
  });
});
