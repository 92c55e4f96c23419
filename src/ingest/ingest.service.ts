import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { DeviceRegistry } from '../devices/device-registry.js';
import { PresenceTracker } from '../devices/presence-tracker.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { Device } from '../devices/device.model.js';
import {
  type DropReason,
  isValidName,
  type Parsed,
  parseBatch,
  parseEventDescription,
  parseInfo,
  parseStatus,
  parseValue,
} from './payload.js';

/** One device message, as the ingest router hands it to the handlers. */
export interface DeviceMessage {
  deviceId: string;
  key: string;
  payload: Buffer;
  ts: number;
}

/**
 * Turns device messages into registry updates and canonical events. A bad message is dropped, counted by
 * reason and logged (rate-limited) — never thrown, so it cannot cost another client anything.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('ingest');
  private readonly inByKind = new Map<string, Counter.Internal>();
  private readonly dropByReason = new Map<string, Counter.Internal>();
  private lastDropLog = 0;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly presence: PresenceTracker,
    private readonly metrics: GatewayMetrics,
  ) {}

  status(m: DeviceMessage): void {
    const parsed = parseStatus(m.payload);
    const device = this.accept(m, 'status', parsed);
    if (!device || !parsed.ok) return;
    const { status, name } = parsed.value;
    if (name) device.name = name;
    this.presence.report(device, status, m.ts);
  }

  datastream(m: DeviceMessage): void {
    if (!isValidName(m.key)) return this.drop(m, 'bad_name');
    const parsed = parseValue(m.payload);
    const device = this.accept(m, 'ds', parsed);
    if (device && parsed.ok) this.setValue(device, m.key, parsed.value, m.ts);
  }

  batch(m: DeviceMessage): void {
    const parsed = parseBatch(m.payload);
    const device = this.accept(m, 'batch', parsed);
    if (!device || !parsed.ok) return;
    for (const [key, value] of Object.entries(parsed.value)) this.setValue(device, key, value, m.ts);
  }

  logEvent(m: DeviceMessage): void {
    if (!isValidName(m.key)) return this.drop(m, 'bad_name');
    const parsed = parseEventDescription(m.payload);
    const device = this.accept(m, 'event', parsed);
    if (!device || !parsed.ok) return;
    const description = parsed.value;
    device.lastEvent = { code: m.key, description, ts: m.ts };
    this.registry.emit(device, 'log.event', m.key, description, m.ts);
  }

  info(m: DeviceMessage): void {
    const parsed = parseInfo(m.payload);
    const device = this.accept(m, 'info', parsed);
    if (!device || !parsed.ok) return;
    const { name, type, templateId, metadata } = parsed.value;
    if (name) device.name = name;
    if (type) device.type = type;
    if (templateId) device.templateId = templateId;
    Object.assign(device.metadata, metadata);
    this.registry.emit(device, 'device.info', '', parsed.value, m.ts);
  }

  drop(m: DeviceMessage, reason: DropReason): void {
    this.counter(this.dropByReason, this.metrics.drops, reason).inc();
    const now = Date.now();
    if (now - this.lastDropLog > 1000) {
      this.lastDropLog = now;
      this.logger.warn(`dropped message of ${m.deviceId}${m.key ? `/${m.key}` : ''}: ${reason}`);
    }
  }

  private accept(m: DeviceMessage, kind: string, parsed: Parsed<unknown>): Device | null {
    if (!parsed.ok) {
      this.drop(m, parsed.reason);
      return null;
    }
    const device = this.registry.device(m.deviceId);
    if (!device) {
      this.drop(m, 'unknown_device');
      return null;
    }
    this.counter(this.inByKind, this.metrics.messagesIn, kind).inc();
    device.lastSeen = m.ts;
    return device;
  }

  private setValue(device: Device, key: string, value: unknown, ts: number): void {
    device.values[key] = { value, ts };
    this.registry.emit(device, 'datastream.update', key, value, ts);
  }

  // prom-client resolves labels by hashing on every inc(); the bound child is resolved once per label.
  private counter(cache: Map<string, Counter.Internal>, counter: Counter, label: string): Counter.Internal {
    let child = cache.get(label);
    if (!child) cache.set(label, (child = counter.labels(label)));
    return child;
  }
}
