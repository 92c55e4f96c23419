import type { Server, Socket } from 'node:net';
import type { Client } from 'aedes';

/**
 * Every touch of Aedes' private fields (and of the two Node ones the broker needs), in this one file. Each is
 * commented with the version it was checked against (aedes 1.2.0, Node 20); aedes-internals.spec.ts fails when
 * one of them moves, so an upgrade is caught by a test, not in production. Nobody else names them.
 */

/** A connection's MQTT parser (mqtt-packet), whose `parse` the broker guards (frame-guard.ts). */
export interface AedesParser {
  parse(buf: Buffer): unknown;
  prependListener(event: 'packet', listener: PacketListener): unknown;
  /** aedes 1.2.0 lib/client.js:61 `this._parser.client = this`. */
  client: Client;
}

/** aedes 1.2.0 lib/client.js:60 `this._parser = mqtt.parser()`, read per socket read (:83 `client._parser.parse(buf)`). */
export function parserOf(client: Client): AedesParser {
  return (client as unknown as { _parser: AedesParser })._parser;
}

/** A packet as mqtt-packet parses it; an UNSUBSCRIBE's filters are in `unsubscriptions`. */
export interface ParsedPacket {
  cmd: string;
  unsubscriptions?: string[];
}
/** Sees a packet before Aedes handles it; `this` is the connection's parser (`this.client` its client). */
export type PacketListener = (this: AedesParser, packet: ParsedPacket) => void;

/**
 * Lets `listener` see (and rewrite) each packet of `client` before Aedes' handler reads it: Aedes 1.2 has no hook
 * for UNSUBSCRIBE (lib/handlers/unsubscribe.js reads `packet.unsubscriptions`). aedes 1.2.0 lib/client.js:63
 * `this._parser.on('packet', enqueue)` hands each packet to lib/handlers/index.js (or queues it), so a listener
 * prepended on the parser runs first; packets parsed before CONNACK wait in `this._parser._queue` (:62), handled
 * on 'connected' (:64, lib/handlers/connect.js:99, after the broker's 'client' event), and are seen here now.
 */
export function seeBeforeHandling(client: Client, listener: PacketListener): void {
  const parser = parserOf(client) as AedesParser & { _queue?: ParsedPacket[] | null };
  for (const packet of parser._queue ?? []) listener.call(parser, packet);
  parser.prependListener('packet', listener);
}

/**
 * The CONNECT's will while the session is set up: aedes 1.2.0 lib/handlers/connect.js:88 `client._will =
 * packet.will`, stored as the client's will after authentication (:215).
 */
export function pendingWill<W>(client: Client): W | null | undefined {
  return (client as unknown as { _will?: W | null })._will;
}

/**
 * The ids of inbound QoS 2 messages awaiting PUBREL: aedes 1.2.0 lib/client.js:45 `this._inboundInflight = new
 * Set()`, read by lib/handlers/publish.js:68 (add) and pubrel.js (delete) as a Set.
 */
export function inboundInflight(client: Client): Set<number> {
  return (client as unknown as { _inboundInflight: Set<number> })._inboundInflight;
}

/** Puts `set` (a Set of the same ids) in place of Aedes' (inbound-qos2.ts). */
export function replaceInboundInflight<S extends Set<number>>(client: Client, set: S): S {
  return ((client as unknown as { _inboundInflight: Set<number> })._inboundInflight = set);
}

/** Called by Aedes' write (aedes 1.2.0 lib/write.js:10) when the socket is past its high-water mark. */
export type DrainCallback = (err: Error | null, client: unknown) => void;
export type WaitForDrain = (this: Client, callback: DrainCallback) => void;

/** aedes 1.2.0 lib/client.js:275 `waitForDrain(callback)`, a method of the client class (not per instance). */
export function aedesWaitForDrain(client: Client): WaitForDrain {
  return (Object.getPrototypeOf(client) as { waitForDrain: WaitForDrain }).waitForDrain;
}

/** Replaces a connection's waitForDrain (slow-consumers.ts); lib/write.js calls `client.waitForDrain(done)`. */
export function setWaitForDrain(client: Client, wait: WaitForDrain): void {
  (client as unknown as { waitForDrain: WaitForDrain }).waitForDrain = wait;
}

/** Whether Aedes' drain timer runs: aedes 1.2.0 lib/client.js:48/:296 `this._drainTimer`, null when none. */
export function drainTimerSet(client: Client): boolean {
  return Boolean((client as unknown as { _drainTimer: unknown })._drainTimer);
}

/** A listening socket's handle (Node 20 lib/net.js `server._handle`, a TCPWrap): it has no public setter. */
export type ListenHandle = { setKeepAlive?(enable: boolean, delaySeconds: number): number };
export function listenHandleOf(server: Server): ListenHandle | undefined {
  return (server as unknown as { _handle?: ListenHandle | null })._handle ?? undefined;
}

/**
 * Node 20 net.Socket caches `remoteAddress` in `_peername` (lib/net.js `_getpeername`); dropping the cache
 * after one read keeps no object per held connection. A stream that is no net.Socket gets no property.
 */
export function forgetPeerName(socket: Socket): void {
  const s = socket as Socket & { _peername?: object };
  if (s._peername) s._peername = undefined;
}
