import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import {
  createDevice,
  endClient,
  publish,
  startTestGateway,
  subscribe,
  type TestGateway,
  waitFor,
} from './support/harness.js';

/** Connects and resolves with the CONNACK's sessionPresent flag as well as the client. */
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

describe('security: MQTT client ids belong to the identity that created them', () => {
  let gw: TestGateway;
  let orgB: number;
  let serviceB: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    const tenancy = gw.app.get(TenancyService);
    orgB = (await tenancy.createOrganization('Org B')).id;
    serviceB = (await tenancy.createToken(orgB, 'svc', ['mqtt.*'])).token;
  });
  afterAll(() => gw.stop());

  it("another org's device using the same client id does not resume a persistent session", async () => {
    const clientId = 'shared-session-id';
    const first = await connectWithAck(gw, { clientId, clean: false, username: 'token', password: serviceB });
    expect(await subscribe(first.client, `orgs/${orgB}/secret/#`)).toBe(1);
    await endClient(first.client);
    // A message queued for B's offline session.
    const publisher = await connectWithAck(gw, { username: 'token', password: serviceB });
    await publish(publisher.client, `orgs/${orgB}/secret/x`, 'for B only');

    const deviceA = await createDevice(gw, {});
    const got: string[] = [];
    const intruder = await connectWithAck(gw, {
      clientId,
      clean: false,
      username: deviceA.id,
      password: deviceA.token,
    });
    intruder.client.on('message', (t, p) => got.push(`${t} ${p}`));
    expect(intruder.sessionPresent).toBe(false);
    // Its own (empty) downlink subscription round-trips, so anything queued would have arrived before the SUBACK.
    expect(await subscribe(intruder.client, `devices/${deviceA.id}/downlink/#`)).toBe(1);
    await endClient(intruder.client);
    expect(got).toEqual([]);

    // B's own reconnect still finds its session and the queued message.
    const back = await connectWithAck(gw, { clientId, clean: false, username: 'token', password: serviceB });
    const mine: string[] = [];
    back.client.on('message', (t, p) => mine.push(`${t} ${p}`));
    expect(back.sessionPresent).toBe(true);
    await waitFor(
      () => mine,
      (m) => m.length === 1,
    );
    expect(mine).toEqual([`orgs/${orgB}/secret/x for B only`]);
    await endClient(back.client);
    await endClient(publisher.client);
  });

  it("a device cannot disconnect another org's device by reusing its client id", async () => {
    const tenancy = gw.app.get(TenancyService);
    const adminB = (await tenancy.createToken(orgB, 'admin', ['all.Organization'])).token;
    const victim = await createDevice(gw, {});
    const attacker = await createDevice(gw, {}, adminB);
    const clientId = 'victim-client-id';
    const v = await connectWithAck(gw, { clientId, username: victim.id, password: victim.token });
    let victimClosed = false;
    v.client.on('close', () => (victimClosed = true));
    const a = await connectWithAck(gw, { clientId, username: attacker.id, password: attacker.token });
    // Both are served: the victim's downlink subscription still round-trips after the attacker's CONNACK.
    expect(await subscribe(v.client, `devices/${victim.id}/downlink/#`)).toBe(1);
    expect(await subscribe(a.client, `devices/${attacker.id}/downlink/#`)).toBe(1);
    expect(victimClosed).toBe(false);
    expect(v.client.connected).toBe(true);
    await endClient(a.client);
    await endClient(v.client);
  });

  it('the same identity reusing its client id still takes over its own session [MQTT-3.1.4-2]', async () => {
    const d = await createDevice(gw, {});
    const clientId = 'own-id';
    const one = await connectWithAck(gw, { clientId, username: d.id, password: d.token });
    const closed = new Promise<void>((r) => one.client.once('close', () => r()));
    const two = await connectWithAck(gw, { clientId, username: d.id, password: d.token });
    await closed;
    one.client.end(true);
    await endClient(two.client);
  });
});
