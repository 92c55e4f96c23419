import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { GatewayConfig } from '../config/gateway-config.js';
import { type DeviceLimits, deviceLimits, metadataExcess, valuesExcess } from '../devices/device-limits.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { PresenceTracker } from '../devices/presence-tracker.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { DeviceRecord } from '../devices/device.model.js';
import { type Durable, together } from '../events/gateway-event.js';
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
 * Turns device messages into registry operations (which change the device and raise its events). A bad message is dropped, counted by
 * reason and logged (rate-limited) — never thrown, so it cannot cost another client anything. Each handler
 * returns what the message caused that must be durable before it is acknowledged (IngestRouter).
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('ingest');
  private readonly inByKind = new Map<string, Counter.Internal>();
  private readonly dropByReason = new Map<string, Counter.Internal>();
  private lastDropLog = 0;
  private readonly limits: DeviceLimits;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly presence: PresenceTracker,
    private readonly metrics: GatewayMetrics,
    config: GatewayConfig,
  ) {
    this.limits = deviceLimits(config);
  }

  status(m: DeviceMessage): Durable {
    const parsed = parseStatus(m.payload);
    const device = this.deviceOf(m, parsed);
    if (!device || !parsed.ok) return undefined;
    this.admit(m, 'status', device);
    const { status, name } = parsed.value;
    if (name) this.registry.rename(device, name);
    return this.presence.report(device, status, m.ts);
  }

  datastream(m: DeviceMessage): Durable {
    if (!isValidName(m.key)) return this.drop(m, 'bad_name');
    if (m.payload.length > this.limits.maxValueBytes) return this.drop(m, 'value_too_large');
    const parsed = parseValue(m.payload);
    const device = this.deviceOf(m, parsed);
    if (!device || !parsed.ok) return undefined;
    if (!Object.hasOwn(device.values, m.key) && Object.keys(device.values).length >= this.limits.maxDatastreams)
      return this.drop(m, 'too_many_datastreams');
    this.admit(m, 'ds', device);
    return this.registry.recordValue(device, m.key, parsed.value, m.ts);
  }

  /** All or nothing: a batch breaking a bound is dropped whole, so no part of it is stored. */
  batch(m: DeviceMessage): Durable {
    const parsed = parseBatch(m.payload);
    const device = this.deviceOf(m, parsed);
    if (!device || !parsed.ok) return undefined;
    const excess = valuesExcess(device, parsed.value, m.payload.length, this.limits);
    if (excess) return this.drop(m, excess);
    this.admit(m, 'batch', device);
    let durable: Durable;
    for (const [key, value] of Object.entries(parsed.value))
      durable = together(durable, this.registry.recordValue(device, key, value, m.ts));
    return durable;
  }

  logEvent(m: DeviceMessage): Durable {
    if (!isValidName(m.key)) return this.drop(m, 'bad_name');
    const parsed = parseEventDescription(m.payload);
    const device = this.deviceOf(m, parsed);
    if (!device || !parsed.ok) return undefined;
    this.admit(m, 'event', device);
    return this.registry.recordLogEvent(device, m.key, parsed.value, m.ts);
  }

  /** Metadata is merged into the device's: refused whole when the merge would break a bound. */
  info(m: DeviceMessage): Durable {
    const parsed = parseInfo(m.payload);
    const device = this.deviceOf(m, parsed);
    if (!device || !parsed.ok) return undefined;
    const { name, type, templateId, metadata } = parsed.value;
    const merged = { ...device.metadata, ...metadata };
    const excess = metadataExcess(merged, this.limits);
    if (excess) return this.drop(m, excess);
    this.admit(m, 'info', device);
    return this.registry.applyInfo(device, { name, type, templateId, metadata: merged }, parsed.value, m.ts);
  }

  /** A dropped message caused nothing that must be durable. */
  drop(m: DeviceMessage, reason: DropReason): undefined {
    this.counter(this.dropByReason, this.metrics.drops, reason).inc();
    const now = Date.now();
    if (now - this.lastDropLog > 1000) {
      this.lastDropLog = now;
      this.logger.warn(`dropped message of ${m.deviceId}${m.key ? `/${m.key}` : ''}: ${reason}`);
    }
    return undefined;
  }

  /** The message's device, or null once the message is dropped (unparsable, or no such device). */
  private deviceOf(m: DeviceMessage, parsed: Parsed<unknown>): DeviceRecord | null {
    if (!parsed.ok) {
      this.drop(m, parsed.reason);
      return null;
    }
    const device = this.registry.device(m.deviceId);
    if (!device) this.drop(m, 'unknown_device');
    return device ?? null;
  }

  /** A message taken in: counted by kind, and its device seen. */
  private admit(m: DeviceMessage, kind: string, device: DeviceRecord): void {
    this.counter(this.inByKind, this.metrics.messagesIn, kind).inc();
    this.registry.seen(device, m.ts);
  }

  // prom-client resolves labels by hashing on every inc(); the bound child is resolved once per label.
  private counter(cache: Map<string, Counter.Internal>, counter: Counter, label: string): Counter.Internal {
    let child = cache.get(label);
    if (!child) cache.set(label, (child = counter.labels(label)));
    return child;
  }
}
