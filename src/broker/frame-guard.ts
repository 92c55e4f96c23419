import { isUtf8 } from 'node:buffer';

/**
 * Checks raw MQTT bytes before Aedes' parser sees them, for what the parser does not check:
 * - maximum packet size, refused from the fixed header alone, before the body is buffered;
 * - [MQTT-1.5.3-1] ill-formed UTF-8 and [MQTT-1.5.3-2] U+0000 in PUBLISH topics and SUBSCRIBE/UNSUBSCRIBE
 *   filters (mqtt-packet would decode them to U+FFFD and route the collapsed topic).
 * Only the bytes those checks need are copied; the rest of a packet is skipped.
 */
export class FrameGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private type = 0;
  private remaining = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private need = 0; // body bytes still to collect for inspection
  private skip = 0; // body bytes to pass over
  private parts: Buffer[] = [];
  private protocolLevel = 4;
  private awaitingTopic = false;
  error: string | null = null;

  constructor(private readonly maxPacketBytes: number) {}

  /** Returns false (and sets `error`) when the stream must be closed. */
  check(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'type') {
        this.type = chunk[i++] >> 4;
        this.state = 'length';
        this.remaining = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else if (this.state === 'length') {
        const b = chunk[i++];
        this.remaining += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        if (++this.lengthBytes > 4) return this.fail('malformed remaining length');
        if (b & 0x80) continue;
        // Fixed header = 1 type byte + the length bytes.
        if (this.remaining + 1 + this.lengthBytes > this.maxPacketBytes) {
          return this.fail(
            `packet of ${this.remaining + 1 + this.lengthBytes} bytes exceeds the ${this.maxPacketBytes}-byte limit`,
          );
        }
        this.startBody();
      } else if (this.need > 0) {
        const take = Math.min(this.need, chunk.length - i);
        this.parts.push(chunk.subarray(i, i + take));
        this.need -= take;
        this.remaining -= take;
        i += take;
        if (this.need === 0 && !this.inspect(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts)))
          return false;
        if (this.need === 0 && this.remaining === 0) this.state = 'type';
      } else {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'type';
      }
    }
    return true;
  }

  private startBody(): void {
    this.parts = [];
    this.awaitingTopic = false;
    // CONNECT (1), SUBSCRIBE (8), UNSUBSCRIBE (10): small, inspect whole. PUBLISH (3): topic length first.
    this.need =
      this.type === 1 || this.type === 8 || this.type === 10
        ? this.remaining
        : this.type === 3
          ? Math.min(2, this.remaining)
          : 0;
    this.state = 'body';
    if (this.remaining === 0) this.state = 'type';
  }

  private inspect(body: Buffer): boolean {
    switch (this.type) {
      case 1: // CONNECT: remember the protocol level for SUBSCRIBE's v5 properties.
        if (body.length >= 2) this.protocolLevel = body[2 + body.readUInt16BE(0)] ?? 4;
        return true;
      case 3: {
        if (this.awaitingTopic) return this.checkString(body, 'topic');
        if (body.length < 2) return this.fail('truncated PUBLISH');
        // Topic length known: collect the topic itself next (an empty topic is left to Aedes to refuse).
        const topicLength = body.readUInt16BE(0);
        if (topicLength > this.remaining) return this.fail('topic length exceeds packet');
        this.awaitingTopic = true;
        this.need = topicLength;
        this.parts = [];
        return true;
      }
      case 8:
      case 10:
        return this.checkFilters(body, this.type === 8);
      default:
        return true;
    }
  }

  private checkFilters(body: Buffer, subscribe: boolean): boolean {
    let pos = 2; // packet identifier
    if (this.protocolLevel === 5) pos += this.varintSkip(body, pos);
    while (pos + 2 <= body.length) {
      const len = body.readUInt16BE(pos);
      if (pos + 2 + len > body.length) return this.fail('topic filter length exceeds packet');
      if (!this.checkString(body.subarray(pos + 2, pos + 2 + len), 'topic filter')) return false;
      pos += 2 + len + (subscribe ? 1 : 0);
    }
    return true;
  }

  private varintSkip(body: Buffer, pos: number): number {
    let value = 0,
      mul = 1,
      n = 0;
    while (pos + n < body.length) {
      const b = body[pos + n++];
      value += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) break;
    }
    return n + value;
  }

  private checkString(bytes: Buffer, what: string): boolean {
    if (bytes.includes(0)) return this.fail(`${what} contains U+0000`); // [MQTT-1.5.3-2]
    if (!isUtf8(bytes)) return this.fail(`${what} is not well-formed UTF-8`); // [MQTT-1.5.3-1]
    return true;
  }

  private fail(reason: string): false {
    this.error = reason;
    return false;
  }
}
