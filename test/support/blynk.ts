import type { IClientOptions, MqttClient } from 'mqtt';
import type { Gateway } from '../../src/gateway.js';
import { connectMqtt } from './harness.js';

// A client acting as Blynk firmware does (docs/mqtt.md "Moving Blynk devices").

/** Blynk's CONNECT: user name `device`, password the device's token, clean session. */
export const blynkClient = (gw: Pick<Gateway, 'mqttPort'>, token: string, extra: IClientOptions = {}) =>
  connectMqtt(gw, { username: 'device', password: token, clientId: '', clean: true, ...extra });

/** The next message on exactly `topic` (subscribed or not: Blynk sends some unasked). */
export function nextMessage(client: MqttClient, topic: string): Promise<{ payload: string; qos: number }> {
  return new Promise((resolve) => {
    const on = (t: string, payload: Buffer, packet: { qos: number }) => {
      if (t !== topic) return;
      client.off('message', on);
      resolve({ payload: payload.toString(), qos: packet.qos });
    };
    client.on('message', on);
  });
}

/** Every message the client gets, by topic, from now on. */
export function record(client: MqttClient): string[] {
  const topics: string[] = [];
  client.on('message', (t: string) => topics.push(t));
  return topics;
}
