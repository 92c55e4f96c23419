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
}

const NONE: readonly Webhook[] = [];

/**
 * The trigger index (ARCHITECTURE §2): enabled webhooks keyed by (org, event kind, key), then by scope
 * (one device, one template, any device). Matching an event costs a few map lookups whatever the number of
 * webhooks; the index is updated on every create, update and delete.
 */
export class TriggerIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly keysOf = new Map<number, string[]>();

  /** Adds, replaces or (with null / a disabled webhook) removes a webhook. */
  set(id: number, w: Webhook | null): void {
    this.remove(id);
    if (!w || w.status !== 'ENABLED') return;
    const keys: string[] = [];
    for (const { kind, key } of listensTo(w)) {
      const k = `${w.orgId}|${kind}|${key}`;
      let bucket = this.buckets.get(k);
      if (!bucket) this.buckets.set(k, (bucket = new Bucket()));
      bucket.listFor(w).push(w);
      keys.push(k);
    }
    this.keysOf.set(id, keys);
  }

  /** Candidates for one event; scope filters beyond device and template are the engine's. */
  lookup(orgId: number, kind: EventKind, key: string, deviceId: string, templateId: string | null): readonly Webhook[] {
    const bucket = this.buckets.get(`${orgId}|${kind}|${key}`);
    if (!bucket) return NONE;
    const byDevice = bucket.byDevice.get(deviceId);
    const byTemplate = templateId === null ? undefined : bucket.byTemplate.get(templateId);
    if (!byDevice && !byTemplate) return bucket.anyDevice;
    return [...bucket.anyDevice, ...(byDevice ?? NONE), ...(byTemplate ?? NONE)];
  }

  get size(): number {
    return this.keysOf.size;
  }

  private remove(id: number): void {
    for (const k of this.keysOf.get(id) ?? []) {
      const bucket = this.buckets.get(k)!;
      for (const list of [bucket.anyDevice, ...bucket.byDevice.values(), ...bucket.byTemplate.values()]) {
        const i = list.findIndex((w) => w.id === id);
        if (i >= 0) list.splice(i, 1);
      }
    }
    this.keysOf.delete(id);
  }
}
