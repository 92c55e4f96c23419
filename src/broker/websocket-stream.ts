import type { Duplex } from 'node:stream';
import { createWebSocketStream, type WebSocket } from 'ws';

/**
 * [MQTT-6.0.0-4] the WebSocket subprotocol the server selects is "mqtt" whenever the client offers it (ws
 * alone would take the first offered, e.g. "mqttv3.1"); otherwise the first offered, as ws does.
 */
export function selectSubprotocol(offered: Set<string>): string | false {
  if (offered.has('mqtt')) return 'mqtt';
  const [first] = offered;
  return first ?? false;
}

/**
 * The MQTT byte stream of a WebSocket, binary frames only: [MQTT-6.0.0-1] a text (or any non-binary) data frame
 * closes the connection, and nothing of it reaches the parser (ws' stream would pass a text frame's bytes on).
 */
export function mqttWebSocketStream(ws: WebSocket): Duplex {
  const stream = createWebSocketStream(ws);
  // createWebSocketStream's own 'message' listener, wrapped so that it only ever sees binary frames.
  const forward = ws.listeners('message').at(-1) as (data: unknown, isBinary: boolean) => void;
  ws.off('message', forward);
  let refused = false;
  ws.on('message', function binaryOnly(this: WebSocket, data: unknown, isBinary: boolean) {
    if (refused) return; // frames already read with the refused one
    if (isBinary) return forward.call(this, data, isBinary);
    refused = true;
    ws.terminate();
  });
  return stream;
}
