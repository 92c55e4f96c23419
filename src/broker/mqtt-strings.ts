import { isUtf8 } from 'node:buffer';

// The string rules of MQTT 3.1.1 checked on raw bytes (frame-guard.ts), in one pass, without decoding.

const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/**
 * Why `bytes` is no acceptable MQTT string, or null. [MQTT-1.5.3-1] ill-formed UTF-8 (surrogates included)
 * and [MQTT-1.5.3-2] U+0000 MUST close the connection. §1.5.3 also lets a receiver close on what a string
 * SHOULD NOT hold, control characters U+0001–U+001F and U+007F–U+009F and the Unicode non-characters;
 * Mosquitto does (lib/utf8_mosq.c, for every string but the password), and so does the gateway.
 */
export function utf8Problem(bytes: Buffer): string | null {
  // ASCII, the usual topic, is checked by this loop alone; the first byte above it has the whole string
  // checked for well-formedness (node's isUtf8), after which each lead byte says how many bytes follow.
  let wellFormed = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b === 0) return 'contains U+0000 [MQTT-1.5.3-2]';
      if (b < 0x20 || b === 0x7f) return `contains the control character U+${hex(b)} (§1.5.3)`;
      continue;
    }
    if (!wellFormed) {
      if (!isUtf8(bytes)) return 'is not well-formed UTF-8 [MQTT-1.5.3-1]';
      wellFormed = true;
    }
    if (b < 0xe0) {
      // U+0080–U+009F are C2 80–C2 9F.
      if (b === 0xc2 && bytes[i + 1] <= 0x9f) return `contains the control character U+${hex(bytes[i + 1])} (§1.5.3)`;
      i += 1;
    } else if (b < 0xf0) {
      // U+FDD0–U+FDEF are EF B7 90–EF B7 AF; U+FFFE and U+FFFF are EF BF BE and EF BF BF.
      const c = bytes[i + 1];
      const d = bytes[i + 2];
      if (b === 0xef && ((c === 0xb7 && d >= 0x90 && d <= 0xaf) || (c === 0xbf && d >= 0xbe)))
        return 'contains a Unicode non-character (§1.5.3)';
      i += 2;
    } else {
      // U+xFFFE and U+xFFFF of the other planes: the low 16 bits all ones but the last.
      if ((bytes[i + 1] & 0x0f) === 0x0f && bytes[i + 2] === 0xbf && bytes[i + 3] >= 0xbe)
        return 'contains a Unicode non-character (§1.5.3)';
      i += 3;
    }
  }
  return null;
}

/**
 * Why topic filter `f` (well-formed UTF-8) is malformed, or null: [MQTT-4.7.1-2] `#` alone in its level and
 * last, [MQTT-4.7.1-3] `+` alone in its level. SUBSCRIBE and UNSUBSCRIBE alike: Aedes checks neither fully.
 */
export function filterProblem(f: Buffer): string | null {
  for (let i = 0; i < f.length; i++) {
    const b = f[i];
    if (b !== 0x2b && b !== 0x23) continue;
    const alone = (i === 0 || f[i - 1] === 0x2f) && (i === f.length - 1 || f[i + 1] === 0x2f);
    if (b === 0x2b && !alone) return "'+' not alone in its level [MQTT-4.7.1-3]";
    if (b === 0x23 && (!alone || i !== f.length - 1)) return "'#' not alone in the last level [MQTT-4.7.1-2]";
  }
  return null;
}
