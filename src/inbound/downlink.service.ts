import { Injectable } from '@nestjs/common';
import type { AedesPublishPacket } from 'aedes';
import { randomBytes } from 'node:crypto';
import { BrokerService } from '../broker/broker.service.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import type { InboundTarget } from './inbound-webhook.model.js';

/** What a device answers on `devices/{id}/reply/{replyId}`. */
export interface DeviceReply {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface Waiting {
  deviceIds: Set<string>;
  resolve: (reply: DeviceReply) => void;
  timer: NodeJS.Timeout;
}

const REPLY_FILTER = 'devices/+/reply/+';

/**
 * Messages from the gateway to devices (inbound webhooks, REST commands), published at QoS 1 through the
 * in-process broker, and the replies they may wait for. A reply counts only from a device the message went to:
 * the ACL already keeps each device to its own `devices/{id}/` topics, so no device can answer for another.
 */
@Injectable()
export class DownlinkService {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly broker: BrokerService,
    private readonly registry: DeviceRegistry,
  ) {}

  /** Listens for device replies; called once the broker exists. */
  start(): void {
    this.broker.aedes.subscribe(
      REPLY_FILTER,
      (packet, cb) => {
        this.onReply(packet as AedesPublishPacket);
        cb();
      },
      () => {},
    );
  }

  /** The MQTT topics a target reaches, within `orgId`. */
  topics(orgId: number, target: InboundTarget): { topic: string; deviceId: string | null }[] {
    const path = target.path ?? 'webhook';
    if (target.topic !== undefined) return [{ topic: `orgs/${orgId}/${target.topic}`, deviceId: null }];
    const devices =
      target.deviceId !== undefined
        ? [this.registry.device(target.deviceId)].filter((d) => d !== undefined)
        : [...this.registry.allDevices()].filter((d) =>
            target.templateId !== undefined ? d.templateId === target.templateId : d.groupIds.includes(target.groupId!),
          );
    return devices
      .filter((d) => d.orgId === orgId)
      .map((d) => ({ topic: `devices/${d.id}/downlink/${path}`, deviceId: d.id }));
  }

  newReplyId(): string {
    return randomBytes(9).toString('base64url');
  }

  publish(topic: string, payload: Buffer | string, qos: 0 | 1 = 1, retain = false): Promise<void> {
    return new Promise((resolve, reject) =>
      this.broker.aedes.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false } as AedesPublishPacket,
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }

  /** Resolves with the first reply to `replyId` from one of `deviceIds`, or null after `timeoutMs`. */
  awaitReply(replyId: string, deviceIds: string[], timeoutMs: number): Promise<DeviceReply | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(replyId);
        resolve(null);
      }, timeoutMs);
      this.waiting.set(replyId, { deviceIds: new Set(deviceIds), resolve, timer });
    });
  }

  private onReply(packet: AedesPublishPacket): void {
    const [, deviceId, , replyId] = packet.topic.split('/');
    const w = this.waiting.get(replyId);
    if (!w || !w.deviceIds.has(deviceId)) return;
    this.waiting.delete(replyId);
    clearTimeout(w.timer);
    w.resolve(parseReply(packet.payload as Buffer));
  }
}

function parseReply(payload: Buffer): DeviceReply {
  const text = payload.toString('utf8');
  try {
    const v = JSON.parse(text) as DeviceReply;
    if (v && typeof v === 'object' && !Array.isArray(v) && ('body' in v || 'statusCode' in v || 'headers' in v))
      return v;
  } catch {
    /* not JSON: the text is the body */
  }
  return { body: text };
}
