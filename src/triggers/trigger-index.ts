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
/** True when `orgId` is `ancestorId` or one of its sub-organizations. */
export type WithinOrg = (orgId: number, ancestorId: number) => boolean;
const sameOrg: WithinOrg = (a, b) => a === b;
const isGlobal = (w: Webhook) => w.trigger.startsWith('GLOBAL_PRODUCT_') && Boolean(w.dataTrigger?.templateId);

/**
 * The trigger index (ARCHITECTURE §2): enabled webhooks keyed by (org, event kind, key), then by scope
 * (one device, one template, any device). Matching an event costs a few map lookups whatever the number of
 * webhooks; the index is updated on every create, update and delete. GLOBAL_PRODUCT_* webhooks are keyed by
 * (kind, key, template) without the org, since they also see the template's devices in sub-organizations.
 */
export class TriggerIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly globals = new Map<string, Webhook[]>();
  private readonly keysOf = new Map<number, string[]>();

  constructor(private readonly within: WithinOrg = sameOrg) {}

  /** Adds, replaces or (with null / a disabled webhook) removes a webhook. */
  set(id: number, w: Webhook | null): void {
    this.remove(id);
    if (!w || w.status !== 'ENABLED') return;
    const keys: string[] = [];
    for (const { kind, key } of listensTo(w)) {
      if (isGlobal(w)) {
        const g = `${kind}|${key}|${w.dataTrigger!.templateId}`;
        this.globals.set(g, [...(this.globals.get(g) ?? NONE), w]);
        keys.push(`G|${g}`);
        continue;
      }
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
    const global =
      templateId === null || this.globals.size === 0 ? undefined : this.globals.get(`${kind}|${key}|${templateId}`);
    const own = bucket ? this.inBucket(bucket, deviceId, templateId) : NONE;
    if (!global) return own;
    return [...own, ...global.filter((w) => this.within(orgId, w.orgId))];
  }

  private inBucket(bucket: Bucket, deviceId: string, templateId: string | null): readonly Webhook[] {
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
      if (k.startsWith('G|')) {
        const list = (this.globals.get(k.slice(2)) ?? NONE).filter((w) => w.id !== id);
        if (list.length) this.globals.set(k.slice(2), list);
        else this.globals.delete(k.slice(2));
        continue;
      }
      const bucket = this.buckets.get(k)!;
      for (const list of [bucket.anyDevice, ...bucket.byDevice.values(), ...bucket.byTemplate.values()]) {
        const i = list.findIndex((w) => w.id === id);
        if (i >= 0) list.splice(i, 1);
      }
    }
    this.keysOf.delete(id);
  }
}
