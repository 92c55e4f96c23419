import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AedesPublishPacket } from 'aedes';
import { randomBytes } from 'node:crypto';
import { BrokerService } from '../broker/broker.service.js';
import { downlinkTopic, orgTopic, REPLY_FILTER } from '../devices/device-topics.js';
import { ApiError } from '../common/api-error.js';
import { DeploymentMode } from '../config/deployment-mode.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { PresenceTracker } from '../devices/presence-tracker.js';
import type { InboundTarget } from './inbound-webhook.model.js';

/** What a device answers on `devices/{id}/reply/{replyId}`. */
export interface DeviceReply {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One MQTT topic a message goes to; `deviceId` is the device that may answer it (null for org topics). */
export interface DownlinkTarget {
  topic: string;
  deviceId: string | null;
}

export interface DownlinkOptions {
  qos?: 0 | 1;
  retain?: boolean;
  /** Wait for the first reply from one of the targeted devices; its id goes into the message. */
  waitForReply?: boolean;
  /** For the 504's message: who did not reply. */
  who?: string;
}

interface Waiting {
  deviceIds: Set<string>;
  resolve: (reply: DeviceReply) => void;
  timer: NodeJS.Timeout;
}

/**
 * Messages from the gateway to devices (inbound webhooks, REST commands), published through the in-process
 * broker, and the replies they may wait for. A reply counts only from a device the message went to: the ACL
 * already keeps each device to its own `devices/{id}/` topics, so no device can answer for another.
 */
@Injectable()
export class DownlinkService implements OnModuleInit {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly broker: BrokerService,
    private readonly registry: DeviceRegistry,
    private readonly config: GatewayConfig,
    private readonly presence: PresenceTracker,
    private readonly mode: DeploymentMode,
  ) {}

  onModuleInit(): void {
    this.broker.subscribe(REPLY_FILTER, (packet) => this.onReply(packet));
  }

  /** The MQTT topics a target reaches, within `orgId`. */
  topics(orgId: number, target: InboundTarget): DownlinkTarget[] {
    const path = target.path ?? 'webhook';
    if (target.topic !== undefined) return [{ topic: orgTopic(orgId, target.topic), deviceId: null }];
    const devices =
      target.deviceId !== undefined
        ? [this.registry.device(target.deviceId)].filter((d) => d !== undefined)
        : [...this.registry.allDevices()].filter((d) =>
            target.templateId !== undefined ? d.templateId === target.templateId : d.groupIds.includes(target.groupId!),
          );
    return devices.filter((d) => d.orgId === orgId).map((d) => ({ topic: downlinkTopic(d.id, path), deviceId: d.id }));
  }

  /**
   * Publishes `message(replyId)` to every target. With waitForReply, `reply()` then resolves with the first
   * reply from one of the targeted devices, or fails with 504 after INBOUND_REPLY_TIMEOUT_MS; without, it
   * resolves with undefined.
   */
  async send(
    targets: DownlinkTarget[],
    message: (replyId: string | undefined) => string,
    options: DownlinkOptions = {},
  ): Promise<{ replyId?: string; reply: () => Promise<DeviceReply | undefined> }> {
    await this.refuseUnreachable(targets);
    if (!options.waitForReply) {
      await this.publishAll(targets, message(undefined), options);
      return { reply: async () => undefined };
    }
    const replyId = randomBytes(9).toString('base64url');
    const answer = this.awaitReply(
      replyId,
      targets.flatMap((t) => (t.deviceId ? [t.deviceId] : [])),
    );
    await this.publishAll(targets, message(replyId), options);
    return {
      replyId,
      reply: async () => {
        const reply = await answer;
        if (reply) return reply;
        const ms = this.config.INBOUND_REPLY_TIMEOUT_MS;
        const what = options.who ? `${options.who} did not reply` : 'no device replied';
        throw new ApiError(504, 'ReplyTimeout', `${what} within ${ms} ms`);
      },
    };
  }

  /**
   * Several instances on one database without REDIS_URL share no message bus: a device connected to another
   * instance would never get what is published here, while the caller heard it was sent. Refused instead,
   * before anything is published (instance-census.ts warns about the setup itself).
   */
  private async refuseUnreachable(targets: DownlinkTarget[]): Promise<void> {
    if (this.mode.sharedBus) return;
    const away = await this.presence.connectedOnlyElsewhere(targets.flatMap((t) => (t.deviceId ? [t.deviceId] : [])));
    if (away.length === 0) return;
    const which = away.length === 1 ? `device ${away[0]} is` : `devices ${away.slice(0, 5).join(', ')} are`;
    throw new ApiError(
      503,
      'DeviceOnAnotherInstance',
      `${which} connected to another gateway instance, and without REDIS_URL this instance cannot hand a ` +
        'message over to it: nothing was sent. Set the same REDIS_URL on every instance.',
    );
  }

  private async publishAll(targets: DownlinkTarget[], payload: string, options: DownlinkOptions): Promise<void> {
    await Promise.all(targets.map((t) => this.broker.publish(t.topic, payload, options.qos ?? 1, options.retain)));
  }

  /** Resolves with the first reply to `replyId` from one of `deviceIds`, or null after the timeout. */
  private awaitReply(replyId: string, deviceIds: string[]): Promise<DeviceReply | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(replyId);
        resolve(null);
      }, this.config.INBOUND_REPLY_TIMEOUT_MS);
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
