import type { EventKind } from '../events/device-event.js';
import { listensTo } from '../webhooks/trigger-kinds.js';
import type { Webhook } from '../webhooks/webhook.model.js';

/** Webhooks listening to one (org, kind, key), split by scope so a lookup never walks other devices' webhooks. */
class Bucket {
  readonly anyDevice: Webhook[] = [];
  readonly byDevice = new Map<string, Webhook[]>();
  readonly byTemplate = new Map<string, Webhook[]>();

  listFor(w: Webhook): Webhook[] {
    const dt = w.dataTrigger;
    const scoped = (map: Map<string, Webhook[]>, k: string) => map.get(k) ?? (map.set(k, []), map.get(k)!);
    if (dt?.deviceId) return scoped(this.byDevice, dt.deviceId);
    if (dt?.templateId) return scoped(this.byTemplate, dt.templateId);
    return this.anyDevice;
  }

  get empty(): boolean {
    return this.anyDevice.length === 0 && this.byDevice.size === 0 && this.byTemplate.size === 0;
  }

  /** Takes webhook `id` out of every list; drops the scoped lists it leaves empty. */
  delete(id: number): void {
    const out = (list: Webhook[]) => {
      const i = list.findIndex((w) => w.id === id);
      if (i >= 0) list.splice(i, 1);
    };
    out(this.anyDevice);
    for (const map of [this.byDevice, this.byTemplate])
      for (const [k, list] of map) {
        out(list);
        if (list.length === 0) map.delete(k);
      }
  }
}

type Key = { orgId: number; kind: EventKind; key: string };

const NONE: readonly Webhook[] = [];

/**
 * The trigger index (ARCHITECTURE §2): enabled webhooks keyed by (org, event kind, key), then by scope
 * (one device, one template, any device). Matching an event costs a few map lookups whatever the number of
 * webhooks; the index is updated on every create, update and delete.
 */
export class TriggerIndex {
  // org → kind → key → bucket: nested maps, so a lookup on the MQTT path builds no key string.
  private readonly buckets = new Map<number, Map<string, Map<string, Bucket>>>();
  private readonly keysOf = new Map<number, Key[]>();

  /** Adds, replaces or (with null / a disabled webhook) removes a webhook. */
  set(id: number, w: Webhook | null): void {
    this.remove(id);
    if (!w || w.status !== 'ENABLED') return;
    const keys: Key[] = [];
    for (const { kind, key } of listensTo(w)) {
      let byKind = this.buckets.get(w.orgId);
      if (!byKind) this.buckets.set(w.orgId, (byKind = new Map()));
      let byKey = byKind.get(kind);
      if (!byKey) byKind.set(kind, (byKey = new Map()));
      let bucket = byKey.get(key);
      if (!bucket) byKey.set(key, (bucket = new Bucket()));
      bucket.listFor(w).push(w);
      keys.push({ orgId: w.orgId, kind, key });
    }
    this.keysOf.set(id, keys);
  }

  /** Whether any enabled webhook listens to (org, kind, key): events nobody wants need not be built. */
  listens(orgId: number, kind: EventKind, key: string): boolean {
    return this.buckets.get(orgId)?.get(kind)?.get(key) !== undefined;
  }

  /** Candidates for one event; scope filters beyond device and template are the engine's. */
  lookup(orgId: number, kind: EventKind, key: string, deviceId: string, templateId: string | null): readonly Webhook[] {
    const bucket = this.buckets.get(orgId)?.get(kind)?.get(key);
    if (!bucket) return NONE;
    const byDevice = bucket.byDevice.get(deviceId);
    const byTemplate = templateId === null ? undefined : bucket.byTemplate.get(templateId);
    // Only one list concerned (the common case): returned as is, no array built per event.
    const any = bucket.anyDevice.length > 0;
    if (!byTemplate && !any) return byDevice ?? NONE;
    if (!byDevice && !any) return byTemplate!;
    if (!byDevice && !byTemplate) return bucket.anyDevice;
    return [...bucket.anyDevice, ...(byDevice ?? NONE), ...(byTemplate ?? NONE)];
  }

  get size(): number {
    return this.keysOf.size;
  }

  private remove(id: number): void {
    for (const { orgId, kind, key } of this.keysOf.get(id) ?? []) {
      const byKind = this.buckets.get(orgId)!;
      const byKey = byKind.get(kind)!;
      const bucket = byKey.get(key)!;
      bucket.delete(id);
      // Empty buckets go, so `listens` stays exact.
      if (!bucket.empty) continue;
      byKey.delete(key);
      if (byKey.size === 0) byKind.delete(kind);
      if (byKind.size === 0) this.buckets.delete(orgId);
    }
    this.keysOf.delete(id);
  }
}
