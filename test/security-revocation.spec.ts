import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  auth,
  connectMqtt,
  createDevice,
  endClient,
  startTestGateway,
  subscribe,
  type TestGateway,
  waitFor,
} from './support/harness.js';

const API = '/api/v1/organization';

function connectWithAck(
  gw: TestGateway,
  opts: IClientOptions,
): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${gw.mqttPort}`, { reconnectPeriod: 0, ...opts });
    client.once('error', (e) => {
      client.end(true);
      reject(e);
    });
    client.once('connect', (ack) => {
      client.on('error', () => {});
      resolve({ client, sessionPresent: ack.sessionPresent });
    });
  });
}
const closedOf = (c: MqttClient) => new Promise<void>((r) => c.once('close', () => r()));
const messages = (c: MqttClient) => {
  const got: string[] = [];
  c.on('message', (t, p) => got.push(`${t} ${p}`));
  return got;
};

describe('security: deleting or revoking a credential ends its access at once', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it("a revoked API token's live MQTT session is closed and cannot come back", async () => {
    const created = await gw
      .http()
      .post(`${API}/tokens`)
      .set(auth())
      .send({ name: 'svc', scopes: ['mqtt.*'] });
    const svc = await connectMqtt(gw, { username: 'token', password: created.body.token });
    expect(await subscribe(svc, 'devices/+/ds/+')).toBe(1);
    const closed = closedOf(svc);
    expect((await gw.http().delete(`${API}/tokens/${created.body.id}`).set(auth())).status).toBe(204);
    await closed;
    svc.end(true);
    await expect(connectMqtt(gw, { username: 'token', password: created.body.token })).rejects.toMatchObject({
      code: 4,
    });
  });

  it("a deleted agent's live session is closed", async () => {
    const agent = (await gw.http().post(`${API}/agents`).set(auth()).send({ name: 'rig' })).body;
    const c = await connectMqtt(gw, { username: agent.id, password: agent.token });
    const closed = closedOf(c);
    expect((await gw.http().delete(`${API}/agents/${agent.id}`).set(auth())).status).toBe(204);
    await closed;
    c.end(true);
  });

  it("a device recreated under a deleted id gets none of the old owner's retained values, commands or session", async () => {
    const old = await createDevice(gw, { id: 'reused-id' });
    const clientId = 'reused-client';
    // The old device: a persistent session with a downlink subscription, a retained value of its own.
    const first = await connectWithAck(gw, { clientId, clean: false, username: old.id, password: old.token });
    expect(await subscribe(first.client, `devices/${old.id}/downlink/#`)).toBe(1);
    await new Promise<void>((r, j) =>
      first.client.publish(`devices/${old.id}/ds/secret`, '42', { qos: 1, retain: true }, (e) => (e ? j(e) : r())),
    );
    await endClient(first.client);
    // A retained command, and one queued for the offline session.
    for (const q of ['?qos=1&retain=true', '?qos=1']) {
      const res = await gw.http().post(`${API}/devices/${old.id}/downlink/open${q}`).set(auth()).send({ door: 1 });
      expect(res.status).toBeLessThan(300);
    }
    const live = await connectMqtt(gw, { clientId, clean: false, username: old.id, password: old.token });
    const closed = closedOf(live);
    live.on('message', () => {});
    expect((await gw.http().delete(`${API}/devices/${old.id}`).set(auth())).status).toBe(204);
    await closed;
    live.end(true);

    const fresh = await createDevice(gw, { id: 'reused-id' });
    const again = await connectWithAck(gw, { clientId, clean: false, username: fresh.id, password: fresh.token });
    expect(again.sessionPresent).toBe(false);
    const got = messages(again.client);
    expect(await subscribe(again.client, `devices/${fresh.id}/downlink/#`)).toBe(1);
    // A service client reading the device's values sees no retained value either.
    const svc = await connectMqtt(gw, {
      username: 'token',
      password: (
        await gw
          .http()
          .post(`${API}/tokens`)
          .set(auth())
          .send({ name: 'r', scopes: ['mqtt.*'] })
      ).body.token,
    });
    const seen = messages(svc);
    expect(await subscribe(svc, `devices/${fresh.id}/#`)).toBe(1);
    // A marker sent after the subscriptions: whatever was retained or queued would have come before it.
    await gw.http().post(`${API}/devices/${fresh.id}/downlink/marker?qos=1`).set(auth()).send({ m: 1 });
    await waitFor(
      () => got,
      (g) => g.length > 0,
    );
    await waitFor(
      () => seen,
      (g) => g.length > 0,
    );
    expect(got).toEqual([`devices/${fresh.id}/downlink/marker {"m":1}`]);
    expect(seen).toEqual([`devices/${fresh.id}/downlink/marker {"m":1}`]);
    await endClient(again.client);
    await endClient(svc);
  });
});
