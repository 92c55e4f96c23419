import { api } from '../api';
import type { Attempt, Delivery, DeliveryPage } from '../types';
import type { Bucket } from '../ui/charts';

export const WINDOWS = {
  hour: { label: 'Last hour', ms: 3_600_000, bucketMs: 300_000 },
  day: { label: 'Last day', ms: 86_400_000, bucketMs: 3_600_000 },
  week: { label: 'Last week', ms: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
} as const;
export type WindowName = keyof typeof WINDOWS;

const PAGE = 100;
const MAX_PAGES = 5;

/** Attempts of the deliveries created in a window, and whether the newest MAX_PAGES pages held them all. */
export interface AttemptSample {
  attempts: Attempt[];
  deliveries: number;
  complete: boolean;
}

/** The window's deliveries (the API filters by creation time), newest first, at most MAX_PAGES pages. */
export async function attemptsSince(webhookId: number, since: number, pages = MAX_PAGES): Promise<AttemptSample> {
  const out: Delivery[] = [];
  let total = 0;
  for (let page = 0; page < pages; page++) {
    const p = await api<DeliveryPage>(`webhooks/${webhookId}/deliveries?since=${since}&page=${page}&size=${PAGE}`);
    out.push(...p.items);
    total = p.total;
    if (p.items.length < PAGE) break;
  }
  return {
    attempts: out.flatMap((d) => d.attempts).filter((a) => a.ts >= since),
    deliveries: out.length,
    complete: out.length >= total,
  };
}

export type AttemptKind = 'delivered' | 'retried' | 'failed';

/** 2xx: delivered; a failure with a retry scheduled: retried; else failed (schedule exhausted, or held). */
export const kindOf = (a: Attempt): AttemptKind =>
  a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300
    ? 'delivered'
    : a.nextRetryAt !== null
      ? 'retried'
      : 'failed';

/** Success rate over attempts: delivered attempts out of every attempt made (null: none made). */
export function successRate(attempts: Attempt[]): number | null {
  if (attempts.length === 0) return null;
  return attempts.filter((a) => kindOf(a) === 'delivered').length / attempts.length;
}

/** Attempts per bucket of the window, by outcome. */
export function attemptBuckets(attempts: Attempt[], window: WindowName, now = Date.now()): Bucket[] {
  const { ms, bucketMs } = WINDOWS[window];
  const first = Math.floor((now - ms) / bucketMs) * bucketMs;
  const buckets: Bucket[] = [];
  for (let t = first; t <= now; t += bucketMs) buckets.push({ start: t, delivered: 0, failed: 0, retried: 0 });
  for (const a of attempts) {
    const b = buckets[Math.floor((a.ts - first) / bucketMs)];
    if (b) b[kindOf(a)]++;
  }
  return buckets;
}
