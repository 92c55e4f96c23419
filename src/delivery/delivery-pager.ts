import { Logger } from '@nestjs/common';
import { RateLimitedLog } from '../observability/rate-limited-log.js';
import type { Delivery } from './delivery.model.js';
import type { DeliveryRepository } from './delivery.repository.js';
import type { DeliveryLog } from './delivery-log.js';
import type { DeliveryOwnership } from './delivery-ownership.js';
import type { EndpointQueue } from './endpoint-queue.js';

/** A page that waited longer than this for the delivery log is reported (once a minute per webhook). */
const SLOW_LOG_MS = 10_000;

/**
 * Brings a webhook's unfinished rows from storage into its window, in id order, while the window has room
 * (EndpointQueue). The delivery log is flushed before each read, so a replay written behind the window is
 * seen. Rows committed while a page was read may be missed by it: the cursor is only let go after a short
 * page that nothing was skipped during. A row handed back behind the cursor meanwhile (a takeover) moves the
 * cursor back to it, and the read goes on from there. With several instances, each page is claimed in one
 * batch as it comes in (DeliveryOwnership.admit), rather than row by row at each first attempt.
 */
export class DeliveryPager {
  private readonly slow = new RateLimitedLog(new Logger(DeliveryPager.name), 1);

  constructor(
    private readonly repository: DeliveryRepository,
    private readonly log: DeliveryLog,
    private readonly ownership: DeliveryOwnership | null,
  ) {}

  /** Pages in until the window is full or storage has nothing behind the cursor; `place` takes each row. */
  async fill(q: EndpointQueue, place: (d: Delivery) => void, stopped: () => boolean): Promise<void> {
    q.paging = true;
    try {
      while (q.cursor !== null && q.window - q.resident.size >= q.page && !stopped()) {
        q.skipped = 0;
        const from = q.cursor;
        await this.flushLog(q);
        const rows = await this.repository.unfinishedPage(q.webhookId, from, q.page);
        const fresh = rows.filter((d) => !q.resident.has(d.id));
        for (const d of fresh) q.resident.add(d.id);
        this.ownership?.admit(fresh);
        for (const d of fresh) place(d);
        if (q.cursor !== from) continue; // moved back meanwhile: read on from there
        if (rows.length > 0) q.cursor = rows[rows.length - 1].id;
        if (rows.length < q.page && q.skipped === 0) q.cursor = null;
      }
    } finally {
      q.paging = false;
    }
  }

  /**
   * The log's writes bound how fast a backlog is paged in: on FerretDB, where each row replaced costs a scan of
   * the collection, far below the endpoint's pace. Said, so a slow recovery is not taken for a stalled one.
   */
  private async flushLog(q: EndpointQueue): Promise<void> {
    const started = Date.now();
    await this.log.flush();
    const s = Math.round((Date.now() - started) / 1000);
    if (s * 1000 >= SLOW_LOG_MS)
      this.slow.warn(
        `webhook ${q.webhookId}`,
        `webhook ${q.webhookId}: paging in its backlog waited ${s} s for the delivery log to write the deliveries before it`,
      );
  }

  /** Every row still behind the cursor, page by page (a deleted webhook's rows are dropped this way). */
  async drain(q: EndpointQueue, each: (d: Delivery) => void, stopped: () => boolean): Promise<void> {
    while (q.cursor !== null && !stopped()) {
      const rows = await this.repository.unfinishedPage(q.webhookId, q.cursor, q.page);
      for (const d of rows) each(d);
      q.cursor = rows.length < q.page ? null : rows[rows.length - 1].id;
      await this.log.flush();
    }
  }
}
