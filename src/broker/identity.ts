import type { Client } from 'aedes';

/** Who is behind an MQTT connection, settled once at CONNECT. */
export type Identity =
  | { kind: 'device'; id: string; orgId: number }
  | { kind: 'agent'; id: string; orgId: number }
  | { kind: 'service'; id: string; orgId: number };

export type GatewayClient = Client & { identity?: Identity; rejectIdentifier?: boolean };

/** Topic that denied publishes are rewritten to: acknowledged as usual, routed nowhere. */
export const DENIED_TOPIC = '$GW/denied';
