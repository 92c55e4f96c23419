import { Injectable, Logger } from '@nestjs/common';
import {
  type GatewayEvent,
  type GatewayEventListener,
  type Durable,
  type EventKind,
  together,
} from './gateway-event.js';

/** Whether a listener cares about device events of (org, kind, key); without one it gets every event. */
export type EventInterest = (orgId: number, kind: EventKind, key: string) => boolean;
const EVERYTHING: EventInterest = () => true;

/** What a device event is about: a device. */
export interface EventSubject {
  readonly id: string;
  readonly orgId: number;
}

/**
 * In-process, synchronous fan-out of events, and the one place they are made; a device event comes with its
 * device's next sequence number (DeviceRegistry.emit gives it out). Synchronous on purpose: a listener that must do I/O (the webhook outbox)
 * batches it itself; the bus adds no promise or tick per event on the hot path. What the listeners return
 * (the commits they caused) is returned to the emitter, which the ingest path waits on before a PUBACK.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private listeners: GatewayEventListener[] = [];
  private interests: EventInterest[] = [];

  subscribe(listener: GatewayEventListener, interest: EventInterest = EVERYTHING): () => void {
    this.listeners = [...this.listeners, listener];
    this.interests = [...this.interests, interest];
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i < 0) return;
      this.listeners = this.listeners.filter((_, j) => j !== i);
      this.interests = this.interests.filter((_, j) => j !== i);
    };
  }

  /**
   * An event of one device; its sequence number `seq` orders the device's events. Most datastream values match
   * no webhook: when no listener wants the event it is never built.
   */
  deviceEvent(device: EventSubject, seq: number, kind: EventKind, key: string, value: unknown, ts: number): Durable {
    if (!this.wanted(device.orgId, kind, key)) return undefined;
    return this.emit({ orgId: device.orgId, deviceId: device.id, kind, key, value, ts, seq });
  }

  private wanted(orgId: number, kind: EventKind, key: string): boolean {
    const interests = this.interests;
    for (let i = 0; i < interests.length; i++) if (interests[i](orgId, kind, key)) return true;
    return false;
  }

  /** An event of the organization (users, sub-organizations, inbound calls): no device sequence. */
  orgEvent(orgId: number, kind: EventKind, value: unknown, deviceId = ''): Durable {
    return this.emit({ orgId, deviceId, kind, key: '', value, ts: Date.now(), seq: 0 });
  }

  private emit(event: GatewayEvent): Durable {
    const listeners = this.listeners;
    let durable: Durable;
    for (let i = 0; i < listeners.length; i++) {
      try {
        durable = together(durable, listeners[i](event));
      } catch (err) {
        // One faulty listener must not stop the others or the ingest path.
        this.logger.error(`listener failed on ${event.kind}: ${(err as Error).message}`);
      }
    }
    return durable;
  }
}
