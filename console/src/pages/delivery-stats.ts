import { api } from '../api';
import type { Delivery, PageOf } from '../types';
import type { Bucket } from '../ui/charts';

export const WINDOWS = {
  hour: { label: 'Last hour', ms: 3_600_000, bucketMs: 300_000 },
  day: { label: 'Last day', ms: 86_400_000, bucketMs: 3_600_000 },
  week: { label: 'Last week', ms: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
} as const;
export type WindowName = keyof typeof WINDOWS;

const MAX_PAGES = 10;

/** Deliveries of the window, newest first, read page by page (the log is ordered newest first). */
async function deliveriesSince(webhookId: number, since: number): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const p = await api<PageOf<Delivery>>(`webhooks/${webhookId}/deliveries?page=${page}&size=100`);
    out.push(...p.items.filter((d) => d.createdAt >= since));
    const last = p.items[p.items.length - 1];
    if (p.items.length < 100 || !last || last.createdAt < since) break;
  }
  return out;
}

/** Delivered vs failed (or held by a disabled webhook) per bucket of the window. */
export async function deliveryBuckets(webhookId: number, window: WindowName, now = Date.now()): Promise<Bucket[]> {
  const { ms, bucketMs } = WINDOWS[window];
  const first = Math.floor((now - ms) / bucketMs) * bucketMs;
  const buckets: Bucket[] = [];
  for (let t = first; t <= now; t += bucketMs) buckets.push({ start: t, delivered: 0, failed: 0 });
  for (const d of await deliveriesSince(webhookId, first)) {
    const b = buckets[Math.floor((d.createdAt - first) / bucketMs)];
    if (!b) continue;
    if (d.status === 'delivered') b.delivered++;
    else if (d.status === 'failed' || d.status === 'held') b.failed++;
  }
  return buckets;
}
