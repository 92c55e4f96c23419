import { utf8Problem } from './mqtt-strings.js';

/** CONNACK 0x01 (unacceptable protocol version), the answer [MQTT-3.1.2-2] requires before closing. */
const CONNACK_UNACCEPTABLE_PROTOCOL = Buffer.from([0x20, 2, 0, 1]);

export interface ConnectCheck {
  /** The protocol level read (0 if the CONNECT is too short to hold one). */
  level: number;
  /** Why the connection must be closed, or null. */
  error: string | null;
  /** Bytes to write before closing (a CONNACK the spec requires), or null. */
  reply: Buffer | null;
}

/** The position after the MQTT 5 variable byte integer at `pos` and the bytes it counts; -1 if it runs over. */
export function skipProperties(b: Buffer, pos: number): number {
  let length = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= b.length) return -1;
    const byte = b[pos++];
    length += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return pos + length <= b.length ? pos + length : -1;
  }
  return -1;
}

/**
 * A whole CONNECT body (§3.1), as [MQTT-3.1.4-1] requires it checked before any answer: protocol name and
 * level, flags, and the payload's fields in the order the flags say, each string by `utf8Problem`.
 * MQTT 5 CONNECTs are checked as well (with their
 * properties), then answered 0x01 by Aedes, which serves 3.1 and 3.1.1 only.
 */
export function checkConnect(b: Buffer): ConnectCheck {
  let pos = 0;
  const field = (): Buffer | null => {
    if (pos < 0 || pos + 2 > b.length) return null;
    const len = b.readUInt16BE(pos);
    if (pos + 2 + len > b.length) return null;
    pos += 2 + len;
    return b.subarray(pos - len, pos);
  };
  const name = field();
  if (name === null || pos + 4 > b.length) return refused(0, 'truncated CONNECT');
  const level = b[pos];
  const flags = b[pos + 1];
  pos += 4; // level, flags, keepalive
  const no = (error: string) => refused(level, error);
  const protocol = name.toString('latin1');
  // [MQTT-3.1.2-1] "MQTT" (3.1.1, 5) or "MQIsdp" (3.1); anything else is closed without a CONNACK.
  if (protocol !== 'MQTT' && protocol !== 'MQIsdp') return no('unknown protocol name [MQTT-3.1.2-1]');
  const v5 = protocol === 'MQTT' && level === 5;
  // [MQTT-3.1.2-2] a level this server does not serve: CONNACK 0x01, then close.
  if (!v5 && ((protocol === 'MQTT' && level !== 4) || (protocol === 'MQIsdp' && level !== 3)))
    return refused(level, `unacceptable protocol level ${level} for ${protocol} [MQTT-3.1.2-2]`, true);
  // Also for MQTT 3.1 ("MQIsdp"), which had no such rule (Mosquitto lets it pass): mqtt-packet refuses it anyway.
  if (flags & 0x01) return no('CONNECT reserved flag set [MQTT-3.1.2-3]');
  const will = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 3;
  const user = (flags & 0x80) !== 0;
  const password = (flags & 0x40) !== 0;
  if (!will && willQos !== 0) return no('Will QoS without the Will flag [MQTT-3.1.2-13]');
  if (!will && flags & 0x20) return no('Will Retain without the Will flag [MQTT-3.1.2-15]');
  if (willQos === 3) return no('Will QoS 3 [MQTT-3.1.2-14]');
  if (level === 4 && password && !user) return no('password flag without user name flag [MQTT-3.1.2-22]');
  if (v5) pos = skipProperties(b, pos);
  const clientId = field();
  if (clientId === null) return no('truncated CONNECT payload (client id)');
  let problem = utf8Problem(clientId);
  if (problem) return no(`client id ${problem}`); // [MQTT-3.1.3-4]
  if (will) {
    if (v5) pos = skipProperties(b, pos);
    const topic = field();
    if (topic === null || field() === null) return no('truncated CONNECT payload (Will)');
    problem = utf8Problem(topic);
    if (problem) return no(`Will topic ${problem}`); // [MQTT-3.1.3-10]
    // [MQTT-4.7.3-1] at least one character; [MQTT-3.3.2-2] a topic name holds no wildcards.
    if (topic.length === 0) return no('empty Will topic [MQTT-4.7.3-1]');
    if (topic.includes(0x2b) || topic.includes(0x23)) return no('wildcard in the Will topic [MQTT-3.3.2-2]');
  }
  if (user) {
    const username = field();
    if (username === null) return no('truncated CONNECT payload (user name)');
    problem = utf8Problem(username);
    if (problem) return no(`user name ${problem}`); // [MQTT-3.1.3-11]
  }
  if (password && field() === null) return no('truncated CONNECT payload (password)');
  // [MQTT-3.1.2-18] [MQTT-3.1.2-20] no user name or password where its flag is 0: nothing after the last field.
  if (pos !== b.length) return no('bytes after the CONNECT payload [MQTT-3.1.2-18] [MQTT-3.1.2-20]');
  return { level, error: null, reply: null };
}

function refused(level: number, error: string, unacceptableLevel = false): ConnectCheck {
  return { level, error, reply: unacceptableLevel ? CONNACK_UNACCEPTABLE_PROTOCOL : null };
}
