import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';
import mqtt from 'mqtt';
import {
  aedesWaitForDrain,
  drainTimerSet,
  forgetPeerName,
  inboundInflight,
  listenHandleOf,
  parserOf,
  pendingWill,
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
