import type { Logger } from '@nestjs/common';
import { admit, nextProbe, probeSkipped } from './circuit-breaker.js';
import type { DeliveryAttempts } from './delivery-attempts.js';
import type { EndpointQueue } from './endpoint-queue.js';

/**
 * Starts the attempts of due deliveries within both caps: per endpoint (a slow or dead endpoint holds only its
 * own slots) and global. An endpoint whose breaker says wait is looked at again when its next probe may go.
 */
export class AttemptPump {
  /** Endpoint queues that may have an attempt to start. */
  private readonly runnable = new Set<EndpointQueue>();
  private inFlight = 0;

  constructor(
    private readonly attempts: DeliveryAttempts,
    private readonly perEndpoint: number,
    private readonly globalMax: number,
    private readonly stopped: () => boolean,
    private readonly logger: Logger,
  ) {}

  /** The queue has deliveries due (or its breaker was let go): looked at on the next run. */
  ready(q: EndpointQueue): void {
    this.runnable.add(q);
  }

  run(): void {
    while (!this.stopped() && this.inFlight < this.globalMax && this.runnable.size > 0) {
      for (const q of this.runnable) {
        if (this.inFlight >= this.globalMax) return;
        const admission = q.inFlight < this.perEndpoint && q.due > 0 ? admit(q.breaker, Date.now()) : 'wait';
        if (admission === 'wait') {
          this.runnable.delete(q);
          this.wakeForProbe(q);
          continue;
        }
        const d = q.next()!;
        q.inFlight++;
        this.inFlight++;
        const settled = () => {
          q.inFlight--;
          this.inFlight--;
          if (q.due > 0) this.runnable.add(q);
          this.run();
        };
        this.attempts.run(q, d, admission).then(settled, (err: Error) => {
          this.logger.error(`attempt of delivery ${d.id}: ${err.message}`);
          if (admission === 'probe') probeSkipped(q.breaker);
          settled();
        });
      }
    }
  }

  /** The breaker is open with deliveries due: they are looked at again when the next probe may go. */
  private wakeForProbe(q: EndpointQueue): void {
    const at = nextProbe(q.breaker);
    if (at === null || q.due === 0 || q.probeTimer) return;
    q.probeTimer = setTimeout(
      () => {
        q.probeTimer = null;
        this.runnable.add(q);
        this.run();
      },
      Math.max(0, at - Date.now()),
    );
    q.probeTimer.unref();
  }
}
