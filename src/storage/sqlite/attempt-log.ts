// A delivery's attempts kept in its own row (`deliveries.attempt_log`): appended by the row's state update, so
// the delivery log writes one row per attempt, not two (docs/benchmarks.md, the SQLite delivery log).
import type { Delivery, DeliveryAttempt } from '../../delivery/delivery.model.js';

/**
 * An attempt as `attempt_log` keeps it: an array of its fields, the headers as [name, value, ...] (no key names:
 * a smaller row, a cheaper JSON.stringify; measured with callgrind, objects cost more than the insert they save).
 */
type LoggedAttempt = [number, number, number, number | null, string, string | null, number | null, string[] | null];

function logged(a: DeliveryAttempt): string {
  let headers: string[] | null = null;
  if (a.responseHeaders) {
    headers = [];
    for (const h of a.responseHeaders) headers.push(h.name, h.value);
  }
  const e: LoggedAttempt = [a.n, a.ts, a.durationMs, a.statusCode, a.response, a.error, a.nextRetryAt, headers];
  return JSON.stringify(e);
}

/** The attempts kept in a row's `attempt_log`: LoggedAttempt arrays joined by ',' (see attemptsByRow). */
export function loggedAttempts(deliveryId: number, log: string | null): DeliveryAttempt[] {
  if (!log) return [];
  return (JSON.parse(`[${log}]`) as LoggedAttempt[]).map((e) => {
    const a: DeliveryAttempt = {
      deliveryId,
      n: e[0],
      ts: e[1],
      durationMs: e[2],
      statusCode: e[3],
      response: e[4],
      error: e[5],
      nextRetryAt: e[6],
    };
    const h = e[7];
    if (h) {
      a.responseHeaders = [];
      for (let i = 0; i < h.length; i += 2) a.responseHeaders.push({ name: h[i], value: h[i + 1] });
    }
    return a;
  });
}

/**
 * The batch's attempts as each row's addition to its `attempt_log` (LoggedAttempt arrays joined by ','), and
 * those whose row is not in the batch (none today: DeliveryLog saves the row with each attempt), which go to
 * delivery_attempts. The transaction is all or nothing, so a batch written again after a failure adds no copy;
 * reads keep the last record of each attempt number anyway.
 */
export function attemptsByRow(
  deliveries: Delivery[],
  attempts: DeliveryAttempt[],
): { joined: Map<number, string>; apart: DeliveryAttempt[] } {
  const joined = new Map<number, string>();
  const apart: DeliveryAttempt[] = [];
  if (attempts.length === 0) return { joined, apart };
  const ids = new Set<number>();
  for (const d of deliveries) ids.add(d.id);
  for (const a of attempts) {
    if (!ids.has(a.deliveryId)) {
      apart.push(a);
      continue;
    }
    const json = logged(a);
    const before = joined.get(a.deliveryId);
    joined.set(a.deliveryId, before === undefined ? json : `${before},${json}`);
  }
  return { joined, apart };
}
