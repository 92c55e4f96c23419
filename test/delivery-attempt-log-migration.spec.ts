import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Delivery, DeliveryAttempt } from '../src/delivery/delivery.model.js';
import { MIGRATIONS, openDatabase } from '../src/storage/sqlite/database.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.driver.js';

const attempt = (deliveryId: number, n: number, statusCode: number): DeliveryAttempt => ({
  deliveryId,
  n,
  ts: 1000 + n,
  durationMs: 3,
  statusCode,
  response: `answer ${n}`,
  error: null,
  nextRetryAt: null,
  responseHeaders: [{ name: 'x-request-id', value: `r${n}` }],
});

/**
 * Attempts moved into their row (`attempt_log`, appended by the row's own update): rows stored before keep theirs
 * in delivery_attempts, and the delivery log answers for both.
 */
describe('sqlite delivery log: attempts kept in the row', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gw-attempt-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the attempts of rows stored before and adds new ones to the row', async () => {
    // The schema as it was: every migration before the one that adds attempt_log, one attempt stored apart.
    const upTo = MIGRATIONS.findIndex((m) => m.includes('attempt_log'));
    const db = openDatabase(join(dir, 'gateway.db'), upTo);
    db.exec(`INSERT INTO deliveries (org_id, webhook_id, message_id, event, device_id, request, status, attempts,
      round_start, created_at, updated_at) VALUES (1, 7, 'msg_old', 'device.added', 'd1', 'null', 'failed', 1, 0, 1, 1)`);
    db.prepare(
      `INSERT INTO delivery_attempts (delivery_id, n, ts, duration_ms, status_code, response, error, next_retry_at,
       response_headers) VALUES (1, 1, 1001, 3, 500, 'answer 1', NULL, NULL, ?)`,
    ).run(JSON.stringify([{ name: 'x-request-id', value: 'r1' }]));
    db.close();

    const s = openSqlite(dir);
    try {
      expect(await s.deliveries.attempts(1)).toEqual([attempt(1, 1, 500)]);
      // A replay's round: two attempts in one batch, both appended to the row in its one update.
      const d = (await s.deliveries.findById(1, 7, 1)) as Delivery;
      Object.assign(d, { status: 'delivered', attempts: 3, roundStart: 1, lastStatusCode: 200, updatedAt: 5 });
      await s.deliveries.saveMany([d], [attempt(1, 2, 503), attempt(1, 3, 200)]);
      expect(await s.deliveries.attempts(1)).toEqual([attempt(1, 1, 500), attempt(1, 2, 503), attempt(1, 3, 200)]);
      expect(await s.deliveries.findById(1, 7, 1)).toEqual(d);
      // A state change without an attempt leaves the row's attempts as they are.
      d.updatedAt = 6;
      await s.deliveries.saveMany([d], []);
      expect((await s.deliveries.attempts(1)).map((a) => a.n)).toEqual([1, 2, 3]);
      // Pruned with the row: both kinds go.
      expect(await s.deliveries.prune(10)).toBe(1);
      expect(await s.deliveries.attempts(1)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('writes an attempt whose row is not in the batch apart, and reads it with the row', async () => {
    const s = openSqlite(dir);
    try {
      const [d] = await s.deliveries.insertMany([
        {
          orgId: 1,
          webhookId: 7,
          messageId: 'msg_new',
          event: 'device.added',
          deviceId: 'd1',
          matched: null,
          request: null,
          renderedAt: null,
          renderedFor: null,
          status: 'pending',
          attempts: 0,
          roundStart: 0,
          nextAttemptAt: null,
          lastStatusCode: null,
          lastError: null,
          dropReason: null,
          createdAt: 1,
          updatedAt: 1,
        },
      ]);
      await s.deliveries.saveMany([{ ...d, attempts: 1 }], [attempt(d.id, 1, 500)]);
      await s.deliveries.saveMany([], [attempt(d.id, 2, 200)]);
      expect(await s.deliveries.attempts(d.id)).toEqual([attempt(d.id, 1, 500), attempt(d.id, 2, 200)]);
    } finally {
      await s.close();
    }
  });
});
