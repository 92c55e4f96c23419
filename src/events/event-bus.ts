import { Injectable, Logger } from '@nestjs/common';
import type { DeviceEvent, DeviceEventListener } from './device-event.js';

/**
 * In-process, synchronous fan-out of device events. Synchronous on purpose: a listener that must do I/O
 * (the webhook outbox) batches it itself; the bus adds no promise or tick per event on the hot path.
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

  emit(event: DeviceEvent): void {
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
