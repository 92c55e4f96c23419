import { Injectable, Logger } from '@nestjs/common';
import type { DeviceEvent, DeviceEventListener, EventKind } from './device-event.js';

/** What a device event is about: a device (or anything that keeps a per-device sequence). */
export interface EventSubject {
  readonly id: string;
  readonly orgId: number;
  seq: number;
}

/**
 * In-process, synchronous fan-out of events, and the one place they are made: a device event takes its
 * device's next sequence number here. Synchronous on purpose: a listener that must do I/O (the webhook outbox)
 * batches it itself; the bus adds no promise or tick per event on the hot path.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private listeners: DeviceEventListener[] = [];

  subscribe(listener: DeviceEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** An event of one device; its sequence number orders the device's events. */
  deviceEvent(device: EventSubject, kind: EventKind, key: string, value: unknown, ts: number): void {
    this.emit({ orgId: device.orgId, deviceId: device.id, kind, key, value, ts, seq: ++device.seq });
  }

  /** An event of the organization (users, sub-organizations, inbound calls): no device sequence. */
  orgEvent(orgId: number, kind: EventKind, value: unknown, deviceId = ''): void {
    this.emit({ orgId, deviceId, kind, key: '', value, ts: Date.now(), seq: 0 });
  }

  private emit(event: DeviceEvent): void {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i](event);
      } catch (err) {
        // One faulty listener must not stop the others or the ingest path.
        this.logger.error(`listener failed on ${event.kind}: ${(err as Error).message}`);
      }
    }
  }
}
