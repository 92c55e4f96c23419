import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Outbox } from '../delivery/outbox.js';
import { type DeviceRecord, STATUS_EVENT_KIND } from '../devices/device.model.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { type GatewayEvent, type Durable, together } from '../events/gateway-event.js';
import { EventBus } from '../events/event-bus.js';
import { OrganizationDirectory } from '../tenancy/organization-directory.js';
import { WebhookCatalog } from '../webhooks/webhook-catalog.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import { evaluate, holdOutcome, throttled } from './conditions.js';
import { recordsMatches, TriggerIndex } from './trigger-index.js';
import { TriggerStateStore } from './trigger-state-store.js';
import type { TriggerState } from './trigger-state.model.js';

const STATUS_KINDS = new Set<string>(Object.values(STATUS_EVENT_KIND));

/**
 * Matches every event on the bus against the webhooks (docs/architecture.md §4) and hands each match to the
 * outbox. Synchronous on the MQTT path: an index lookup, the scope filters, the condition, the throttle.
 */
@Injectable()
export class TriggerEngine implements OnModuleInit, OnApplicationShutdown {
  private readonly index: TriggerIndex;
  private readonly holds = new Map<TriggerState, NodeJS.Timeout>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly catalog: WebhookCatalog,
    private readonly registry: DeviceRegistry,
    private readonly states: TriggerStateStore,
    private readonly outbox: Outbox,
    organizations: OrganizationDirectory,
  ) {
    this.index = new TriggerIndex((org, ancestor) => organizations.isWithin(org, ancestor));
  }

  /** Builds the index from the catalog, resumes pending forMs holds, and starts listening. */
  async onModuleInit(): Promise<void> {
    for (const w of this.catalog.all()) this.index.set(w.id, w);
    this.catalog.onChange((current, previous) => this.webhookChanged(current, previous));
    for (const s of await this.states.load()) if (s.holdingSince !== null) this.scheduleHold(s);
    this.unsubscribe = this.bus.subscribe(
      (e) => this.onEvent(e),
      (orgId, kind, key) => this.index.listens(orgId, kind, key),
    );
  }

  get indexedWebhooks(): number {
    return this.index.size;
  }

  /** The outbox commit the event's matches went into, or undefined when nothing matched. */
  private onEvent(e: GatewayEvent): Durable {
    const device = e.deviceId ? this.registry.device(e.deviceId) : undefined;
    const candidates = this.index.lookup(e.orgId, e.kind, e.key, e.deviceId, device?.templateId ?? null);
    let durable: Durable;
    for (let i = 0; i < candidates.length; i++) {
      const w = candidates[i];
      if (this.inScope(w, e, device)) durable = together(durable, this.check(w, e, device));
    }
    return durable;
  }

  /** Bold's device and group filters, and Kobiton's rule that status webhooks never report PUBLIC devices. */
  private inScope(w: Webhook, e: GatewayEvent, device: DeviceRecord | undefined): boolean {
    const dt = w.dataTrigger;
    if (dt?.deviceIds?.length && !dt.deviceIds.includes(e.deviceId)) return false;
    if (dt?.deviceGroupIds?.length && !device?.groupIds.some((g) => dt.deviceGroupIds!.includes(g))) return false;
    if (STATUS_KINDS.has(e.kind) && device?.type === 'PUBLIC') return false;
    if (dt?.inboundWebhookId && (e.value as { webhookId?: string } | undefined)?.webhookId !== dt.inboundWebhookId)
      return false;
    return true;
  }

  private check(w: Webhook, e: GatewayEvent, device: DeviceRecord | undefined): Durable {
    const dt = w.dataTrigger;
    if (!dt?.condition && !dt?.throttleMs) return this.fire(w, e, device);
    const s = this.states.get(w.id, e.deviceId);
    const verdict = e.kind === 'datastream.update' ? evaluate(dt.condition, s, e.value, e.ts) : 'fire';
    this.states.touch(s);
    if (verdict === 'hold') this.scheduleHold(s, e);
    else if (s.holdingSince === null) this.cancelHold(s); // a value broke the hold
    if (verdict === 'fire' && !throttled(dt.throttleMs, s, e.ts)) return this.fire(w, e, device);
    return undefined;
  }

  private fire(w: Webhook, e: GatewayEvent, device: DeviceRecord | undefined): Promise<void> {
    this.catalog.triggered(w, e.ts);
    return this.outbox.add(w, e, device);
  }

  /** forMs: fires when the hold runs out, unless a value broke the condition meanwhile. */
  private scheduleHold(s: TriggerState, e?: GatewayEvent): void {
    this.cancelHold(s);
    const since = s.holdingSince!;
    const forMs = this.catalog.byIdAnyOrg(s.webhookId)?.dataTrigger?.condition?.forMs ?? 0;
    const timer = setTimeout(() => this.holdRanOut(s, since, e), Math.max(0, since + forMs - Date.now()));
    timer.unref();
    this.holds.set(s, timer);
  }

  private holdRanOut(s: TriggerState, since: number, e: GatewayEvent | undefined): void {
    this.holds.delete(s);
    const w = this.catalog.byIdAnyOrg(s.webhookId);
    const c = w?.dataTrigger?.condition;
    if (!w || !recordsMatches(w) || !c) return;
    const outcome = holdOutcome(c, s, since, Date.now());
    if (outcome === 'wait') return this.scheduleHold(s, e);
    if (outcome === 'broken') return;
    this.states.touch(s);
    const device = this.registry.device(s.deviceId);
    if (!device || throttled(w.dataTrigger?.throttleMs, s, Date.now())) return;
    const event = e ?? {
      orgId: device.orgId,
      deviceId: s.deviceId,
      kind: 'datastream.update',
      key: w.dataTrigger!.dataStream!,
      seq: device.seq,
      ts: since,
      value: undefined,
    };
    // No message waits on a hold's delivery: its commit is the outbox's to log.
    void this.fire(w, { ...event, value: s.lastValue, ts: Date.now() }, device);
  }

  private cancelHold(s: TriggerState): void {
    const t = this.holds.get(s);
    if (t) {
      clearTimeout(t);
      this.holds.delete(s);
    }
  }

  private webhookChanged(current: Webhook | null, previous: Webhook | null): void {
    const id = (current ?? previous)!.id;
    this.index.set(id, current);
    const conditionChanged = !current || JSON.stringify(current.dataTrigger) !== JSON.stringify(previous?.dataTrigger);
    if (previous && conditionChanged) {
      for (const [s, t] of this.holds)
        if (s.webhookId === id) {
          clearTimeout(t);
          this.holds.delete(s);
        }
      this.states.forget(id);
    }
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    for (const t of this.holds.values()) clearTimeout(t);
  }
}
