import { once } from 'node:events';
import { type AddressInfo, connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';
import mqtt from 'mqtt';
import {
  aedesWaitForDrain,
  drainTimerSet,
  forgetPeerName,
  inboundInflight,
  listenHandleOf,
  type ParsedPacket,
  parserOf,
  pendingWill,
  seeBeforeHandling,
} from './aedes-internals.js';

/**
 * The private fields aedes-internals.ts reads, on a real Aedes broker with a real client: when an upgrade of
 * Aedes (or Node) moves one, this fails instead of the frame guard, the will check, the QoS 2 window, the
 * slow-consumer policy or the listener's keepalive silently doing nothing.
 */
describe('aedes-internals (checked against aedes 1.2.0, Node 20)', () => {
  let aedes: Aedes;
  let server: Server;
  let client: Client;
  let willWhileAuthenticating: unknown;
  let socket: Socket;
  let connected: mqtt.MqttClient;

  beforeAll(async () => {
    aedes = await Aedes.createBroker({
      authenticate: (c, _user, _password, done) => {
        willWhileAuthenticating = pendingWill(c);
        client = c;
        done(null, true);
      },
    });
    server = createServer((s) => {
      socket = s;
      aedes.handle(s);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const mqttClient = mqtt.connect(`mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      reconnectPeriod: 0,
      will: { topic: 'devices/d/status', payload: Buffer.from('offline'), qos: 1, retain: false },
    });
    await new Promise<void>((r) => mqttClient.once('connect', () => r()));
    connected = mqttClient;
  });
  afterAll(async () => {
    connected.end(true);
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("reaches each connection's parser, its parse on the prototype (the frame guard replaces it per connection)", () => {
    const parser = parserOf(client);
    expect(parser.client).toBe(client);
    expect(typeof (Object.getPrototypeOf(parser) as { parse: unknown }).parse).toBe('function');
  });

  it('sees the CONNECT will while the client authenticates', () => {
    expect(willWhileAuthenticating).toMatchObject({ topic: 'devices/d/status' });
  });

  it('reaches the set of inbound QoS 2 ids, the drain timer and the waitForDrain of the client class', () => {
    expect(inboundInflight(client)).toBeInstanceOf(Set);
    expect(Object.hasOwn(client, '_drainTimer')).toBe(true);
    expect(drainTimerSet(client)).toBe(false);
    expect(typeof aedesWaitForDrain(client)).toBe('function');
    expect(Object.hasOwn(client, 'waitForDrain')).toBe(false);
  });

  it("reaches the listener's handle and the socket's cached peer name (Node)", () => {
    if (process.platform === 'linux') expect(typeof listenHandleOf(server)?.setKeepAlive).toBe('function');
    expect(socket.remoteAddress).toBe('127.0.0.1');
    expect(Object.hasOwn(socket, '_peername')).toBe(true);
    forgetPeerName(socket);
    expect((socket as Socket & { _peername?: object })._peername).toBeUndefined();
  });
});

describe('aedes-internals: packets seen before Aedes handles them (checked against aedes 1.2.0)', () => {
  let aedes: Aedes;
  let server: Server;
  let port: number;
  const unsubscribed: string[][] = [];
  const clients = new Map<string, Client>();
  const subscriptionsOf = (id: string) =>
    Object.keys((clients.get(id) as unknown as { subscriptions: object }).subscriptions);
  /** Rewrites an UNSUBSCRIBE of `x` to one of `a/#`, as the Blynk mapping rewrites `downlink/…`. */
  function rewrite(this: unknown, packet: ParsedPacket): void {
    if (packet.cmd === 'unsubscribe')
      packet.unsubscriptions = packet.unsubscriptions?.map((f) => (f === 'x' ? 'a/#' : f));
  }

  beforeAll(async () => {
    aedes = await Aedes.createBroker();
    aedes.on('client', (c) => {
      seeBeforeHandling(c, rewrite);
      clients.set(c.id, c);
    });
    aedes.on('unsubscribe', (filters) => unsubscribed.push(filters));
    server = createServer((s) => aedes.handle(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("rewrites an UNSUBSCRIBE before Aedes' handler reads it: the subscription it names is removed, then UNSUBACK", async () => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, clientId: 'seen' });
    await new Promise((r) => c.once('connect', r));
    await c.subscribeAsync('a/#');
    expect(subscriptionsOf('seen')).toEqual(['a/#']);
    await c.unsubscribeAsync('x');
    expect(subscriptionsOf('seen')).toEqual([]);
    expect(unsubscribed.at(-1)).toEqual(['a/#']);
    await c.endAsync();
  });

  it('sees an UNSUBSCRIBE parsed before CONNACK, while it waits in the queue', async () => {
    const str = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
    const connect = Buffer.concat([str('MQTT'), Buffer.from([4, 0x02, 0, 60]), str('queued')]);
    const unsubscribe = Buffer.concat([Buffer.from([0, 7]), str('x')]);
    const frame = (header: number, body: Buffer) => Buffer.concat([Buffer.from([header, body.length]), body]);
    const socket = netConnect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    await once(socket, 'connect');
    const before = unsubscribed.length;
    // One write: Aedes parses both before the session is set up, and queues the UNSUBSCRIBE until CONNACK.
    socket.write(Buffer.concat([frame(0x10, connect), frame(0xa2, unsubscribe)]));
    while (Buffer.concat(received).length < 4 + 4) await once(socket, 'data');
    expect([...Buffer.concat(received)]).toEqual([0x20, 2, 0, 0, 0xb0, 2, 0, 7]); // CONNACK, UNSUBACK of id 7
    expect(unsubscribed.slice(before)).toEqual([['a/#']]);
    socket.destroy();
  });
});
