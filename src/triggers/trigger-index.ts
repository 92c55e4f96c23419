import type { EventKind } from '../events/gateway-event.js';
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

/** Where one listening of a webhook is filed: its org's bucket, or (GLOBAL_PRODUCT_*) a global list. */
type Key = { orgId: number; kind: EventKind; key: string; global?: string };

const NONE: readonly Webhook[] = [];
/** True when `orgId` is `ancestorId` or one of its sub-organizations. */
export type WithinOrg = (orgId: number, ancestorId: number) => boolean;
const sameOrg: WithinOrg = (a, b) => a === b;
const isGlobal = (w: Webhook) => w.trigger.startsWith('GLOBAL_PRODUCT_') && Boolean(w.dataTrigger?.templateId);

/**
 * Whether a webhook records what matches. Disabled by its owner: nothing (Blynk). Disabled due to errors: it
 * still does, and the dispatcher holds those deliveries until it is re-enabled, so nothing matched is lost
 * to a receiver's outage (up to WEBHOOK_HELD_MAX per webhook).
 */
export const recordsMatches = (w: Webhook): boolean => w.status !== 'DISABLED';

/**
 * The trigger index (docs/architecture.md §2): webhooks that record matches (`recordsMatches`) keyed by (org, event kind, key), then by scope
 * (one device, one template, any device). Matching an event costs a few map lookups whatever the number of
 * webhooks; the index is updated on every create, update and delete. GLOBAL_PRODUCT_* webhooks are keyed by
 * (kind, key, template) without the org, since they also see the template's devices in sub-organizations.
 */
export class TriggerIndex {
  // org → kind → key → bucket: nested maps, so a lookup on the MQTT path builds no key string.
  private readonly buckets = new Map<number, Map<string, Map<string, Bucket>>>();
  private readonly keysOf = new Map<number, Key[]>();
  /** `kind|key|template` → GLOBAL_PRODUCT_* webhooks; `kind|key` → how many such lists exist. */
  private readonly globals = new Map<string, Webhook[]>();
  private readonly globalKeys = new Map<string, number>();

  constructor(private readonly within: WithinOrg = sameOrg) {}

  /** Adds, replaces or (with null / a webhook its owner disabled) removes a webhook. */
  set(id: number, w: Webhook | null): void {
    this.remove(id);
    if (!w || !recordsMatches(w)) return;
    const keys: Key[] = [];
    for (const { kind, key } of listensTo(w)) {
      if (isGlobal(w)) {
        keys.push(this.addGlobal(w, kind, key));
        continue;
      }
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

  /** Whether any indexed webhook listens to (org, kind, key): events nobody wants need not be built. */
  listens(orgId: number, kind: EventKind, key: string): boolean {
    if (this.buckets.get(orgId)?.get(kind)?.get(key) !== undefined) return true;
    return this.globals.size > 0 && this.globalKeys.has(`${kind}|${key}`);
  }

  /** Candidates for one event; scope filters beyond device and template are the engine's. */
  lookup(orgId: number, kind: EventKind, key: string, deviceId: string, templateId: string | null): readonly Webhook[] {
    const bucket = this.buckets.get(orgId)?.get(kind)?.get(key);
    const own = bucket ? this.inBucket(bucket, deviceId, templateId) : NONE;
    if (templateId === null || this.globals.size === 0) return own;
    const global = this.globals.get(`${kind}|${key}|${templateId}`);
    if (!global) return own;
    return [...own, ...global.filter((w) => this.within(orgId, w.orgId))];
  }

  private inBucket(bucket: Bucket, deviceId: string, templateId: string | null): readonly Webhook[] {
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

  private addGlobal(w: Webhook, kind: EventKind, key: string): Key {
    const global = `${kind}|${key}|${w.dataTrigger!.templateId}`;
    const list = this.globals.get(global);
    if (list) list.push(w);
    else {
      this.globals.set(global, [w]);
      this.globalKeys.set(`${kind}|${key}`, (this.globalKeys.get(`${kind}|${key}`) ?? 0) + 1);
    }
    return { orgId: w.orgId, kind, key, global };
  }

  private removeGlobal(id: number, { kind, key, global }: Key): void {
    const list = this.globals.get(global!)!.filter((w) => w.id !== id);
    if (list.length > 0) return void this.globals.set(global!, list);
    this.globals.delete(global!);
    const n = this.globalKeys.get(`${kind}|${key}`)! - 1;
    if (n > 0) this.globalKeys.set(`${kind}|${key}`, n);
    else this.globalKeys.delete(`${kind}|${key}`);
  }

  private remove(id: number): void {
    for (const k of this.keysOf.get(id) ?? []) {
      if (k.global) {
        this.removeGlobal(id, k);
        continue;
      }
      const { orgId, kind, key } = k;
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
