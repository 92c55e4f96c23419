import { jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { auth } from './support/harness.js';
import { clusterEnv, clusterSuite, connectDevice, type Instance, until } from './support/cluster.js';
import { mongoTestUri } from './support/mongo.js';
import { type Receiver, WEBHOOKS } from './support/receiver.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(180_000);

const uri = mongoTestUri('cluster_presence');
const suite = (name: string, fn: () => void) => describeWith(['mongo'], name, fn);
const DEVICES = '/api/v1/organization/devices';
/** The test cluster's lease (support/cluster.ts) plus one beat: a dead instance's devices are offline by then. */
const LEASE_MS = 1500;
const BOUND_MS = LEASE_MS + LEASE_MS / 3;

type Device = { id: string; token: string };
type StatusCallback = { activity: string; seq: number; device: string };

/**
 * Presence across three gateway processes on one database (FerretDB in the test run), no Redis: a device
 * connected to one instance is online for every instance's REST; an instance starting does not take the
 * others' devices offline; a device moving between instances ends online with its events in order; when an
 * instance is killed, its devices go offline within the lease plus one beat, reported once.
 */
suite('cluster: presence across instances', () => {
  const cluster = clusterSuite(uri!);
  let rx: Receiver;
  const clients: MqttClient[] = [];
  afterAll(() => clients.forEach((c) => c.end(true)));

  const start = (id: string) => cluster.start(id, clusterEnv(uri!));
  const statusOn = async (i: Instance, id: string) =>
    ((await i.http().get(`${DEVICES}/${id}`).set(auth()).expect(200)).body as { status: string }).status;
  const connect = async (i: Instance, d: Device) => {
    const c = await connectDevice(i, d);
    clients.push(c);
    return c;
  };
  // At least once: a callback sent by an instance killed before its delivery log recorded it is sent again by
  // the instance that takes its claims over — with the same webhook-id and event, counted once here (its
  // creationTime is the send time of the attempt, rendered anew by the instance that resends it).
  const distinct = () => {
    const bodies = new Map<string, string>();
    const event = (body: string) => ({ ...JSON.parse(body), creationTime: undefined }) as unknown;
    for (const r of rx.received) {
      const id = String(r.headers['webhook-id']);
      if (bodies.has(id)) expect(event(r.body)).toEqual(event(bodies.get(id)!));
      else bodies.set(id, r.body);
    }
    return [...bodies.values()];
  };
  const callbacks = (device: string): StatusCallback[] =>
    distinct()
      .map((body) => JSON.parse(body) as { eventActivity: string; deviceUdid: string; data: { seq: number } })
      .filter((b) => b.deviceUdid === device)
      .map((b) => ({ activity: b.eventActivity, seq: b.data.seq, device: b.deviceUdid }))
      .sort((x, y) => x.seq - y.seq);
  const activities = (device: string) => callbacks(device).map((c) => c.activity);

  it('shares presence: online everywhere, untouched by a starting instance, in order across a move, offline once when its instance dies', async () => {
    rx = await cluster.receiver(() => ({ status: 200, body: 'ok' }));
    const a = await start('pa');
    const b = await start('pb');
    const create = async () =>
      (await a.http().post(DEVICES).set(auth()).send({ name: 'p' }).expect(201)).body as Device;
    const [d1, d2] = [await create(), await create()];
    const webhookId = (
      await a
        .http()
        .post(WEBHOOKS)
        .set(auth())
        .send({
          name: 'status',
          trigger: 'DEVICE_STATUS',
          dataTrigger: { statuses: ['online', 'offline', 'utilizing', 'unplugged'] },
          url: `${rx.url}/status`,
        })
        .expect(201)
    ).body.id as number;
    // The webhook reaches B's catalog through the change log before the first transition.
    await until('the webhook on B', async () => (await b.http().get(WEBHOOKS).set(auth())).body.length === 1);

    // Online on A: B's REST shows it (the change log carries the announcement).
    const c1 = await connect(a, d1);
    await until('d1 online through B', async () => (await statusOn(b, d1.id)) === 'online', 5000);

    // A third instance starting does not take A's device offline (start-up only clears what nobody holds).
    const c = await start('pc');
    expect(await statusOn(c, d1.id)).toBe('online');
    expect(await statusOn(a, d1.id)).toBe('online');

    // d1 moves from A to B: it ends online on every instance, and its callbacks are in seq order.
    c1.end(true);
    await connect(b, d1);
    for (const i of [a, b, c])
      await until(`d1 online on ${i.id}`, async () => (await statusOn(i, d1.id)) === 'online').catch(async (e) => {
        console.log(await statusOn(a, d1.id), await statusOn(b, d1.id), await statusOn(c, d1.id), callbacks(d1.id));
        throw e;
      });
    await until('d1 last callback online', () => activities(d1.id).at(-1) === 'device.status.online');
    const seqs = callbacks(d1.id).map((x) => x.seq);
    expect(new Set(seqs).size).toBe(seqs.length); // no seq given out twice, whichever instance gave it
    // Online first; any offline (when A's close was seen before B's hold) is followed by an online.
    expect(activities(d1.id)[0]).toBe('device.status.online');

    // d2 on C; C is killed: A and B both sweep, one of them reports it offline, once, within the bound.
    await connect(c, d2);
    await until('d2 online through A', async () => (await statusOn(a, d2.id)) === 'online', 5000);
    const before = activities(d2.id).length;
    await c.kill();
    await until('d2 offline through A', async () => (await statusOn(a, d2.id)) === 'offline', BOUND_MS + 5000);
    await until('d2 offline through B', async () => (await statusOn(b, d2.id)) === 'offline', 5000);
    await until('the offline callback', () => activities(d2.id).length > before);
    expect(activities(d2.id)).toEqual(['device.status.online', 'device.status.offline']);

    // Every instance's outbox is in the one database: it holds one offline event of d2, not one per sweeper.
    // Elapsed time is what is tested here: a second sweeper would have acted within a beat.
    await new Promise((r) => setTimeout(r, LEASE_MS));
    const list = (await a.http().get(`${WEBHOOKS}/${webhookId}/deliveries?size=100`).set(auth()).expect(200)).body as {
      items: { event: string; deviceId: string }[];
    };
    const ofD2 = list.items.filter((x) => x.deviceId === d2.id).map((x) => x.event);
    expect(ofD2.sort()).toEqual(['device.status.offline', 'device.status.online']);
  });
});
