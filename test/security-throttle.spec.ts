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
function attackerConnect(gw: TestGateway, username: string, password: string, from = ATTACKER): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ port: gw.mqttPort, host: '127.0.0.1', localAddress: from });
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

function attackerHttp(
  gw: TestGateway,
  path: string,
  authorization: string,
  from = ATTACKER,
  method = 'POST',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: gw.httpPort,
        path,
        method,
        localAddress: from,
        headers: { authorization },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end(method === 'GET' ? undefined : '{}');
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
    // From an address of its own: the MQTT test's attacker is throttled over HTTP too (one count per address).
    const from = '127.0.0.5';
    for (let i = 0; i < 10; i++) statuses.push(await attackerHttp(gw, path, bad, from));
    expect(statuses).toEqual(Array(10).fill(401));
    expect(await attackerHttp(gw, path, good, from)).toBe(429);
    expect(await metric(gw, 'gateway_auth_throttled_total{surface="inbound"}')).toBe(1);
    await gw.http().post(path).set('Authorization', good).send({}).expect(200);
  });

  describe('one count per address across MQTT and HTTP', () => {
    const DEVICES = '/api/v1/organization/devices';

    it('failed bearer tokens over HTTP get the same address refused over MQTT (0x05)', async () => {
      const from = '127.0.0.3';
      const device = await createDevice(gw);
      const before = await metric(gw, 'gateway_auth_throttled_total{surface="mqtt"}');
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push(await attackerHttp(gw, DEVICES, `Bearer wrong${i}`, from, 'GET'));
      expect(statuses).toEqual(Array(10).fill(401));
      // The right device password over MQTT is refused unchecked: the address is throttled, not the surface.
      expect(await attackerConnect(gw, device.id, device.token, from)).toBe(5);
      expect(await metric(gw, 'gateway_auth_throttled_total{surface="mqtt"}')).toBe(before + 1);
      // A valid token over HTTP from that address is refused too, with Retry-After; other addresses are untouched.
      expect(await attackerHttp(gw, DEVICES, auth().Authorization, from, 'GET')).toBe(429);
      expect(await metric(gw, 'gateway_auth_throttled_total{surface="api"}')).toBe(1);
      await gw.http().get(DEVICES).set(auth()).expect(200);
      await endClient(await deviceClient(gw, device));
    });

    it('failed MQTT CONNECTs get the same address refused over HTTP (429), bearer and inbound basic auth', async () => {
      const from = '127.0.0.4';
      const device = await createDevice(gw);
      const w = await gw
        .http()
        .post('/api/v1/organization/inbound-webhooks')
        .set(auth())
        .send({
          name: 'guarded-2',
          basicAuthUsername: 'u',
          basicAuthPassword: 'right',
          target: { deviceId: device.id },
        })
        .expect(201);
      const good = `Basic ${Buffer.from('u:right').toString('base64')}`;
      const inboundBefore = await metric(gw, 'gateway_auth_throttled_total{surface="inbound"}');
      const apiBefore = await metric(gw, 'gateway_auth_throttled_total{surface="api"}');
      const codes: number[] = [];
      for (let i = 0; i < 10; i++) codes.push(await attackerConnect(gw, device.id, `wrong${i}`, from));
      expect(codes).toEqual(Array(10).fill(4));
      expect(await attackerHttp(gw, DEVICES, auth().Authorization, from, 'GET')).toBe(429);
      expect(await attackerHttp(gw, `/webhooks/${w.body.token}`, good, from)).toBe(429);
      expect(await metric(gw, 'gateway_auth_throttled_total{surface="api"}')).toBe(apiBefore + 1);
      expect(await metric(gw, 'gateway_auth_throttled_total{surface="inbound"}')).toBe(inboundBefore + 1);
      await gw.http().post(`/webhooks/${w.body.token}`).set('Authorization', good).send({}).expect(200);
    });
  });
});
