import { Injectable } from '@nestjs/common';

/**
 * What a stop could not write (storage unreachable or too slow), gathered from every writer and said in one
 * line when the storage driver closes (storage.module.ts), instead of one error per writer and retry. One per
 * gateway (ObservabilityModule's provider): two gateways in one process keep their own.
 */
@Injectable()
export class StopReport {
  private readonly unwritten = new Map<string, number>();
  private began = false;

  /**
   * A stop began (Gateway.close): background writers' errors are no longer logged (writes in flight still
   * fail as the driver closes), the report says it all.
   */
  begin(): void {
    this.began = true;
  }

  get stopping(): boolean {
    return this.began;
  }

  /** `count` records of `what` (e.g. "devices") were not written by the stop; they are lost or redone. */
  notWritten(what: string, count: number): void {
    if (count > 0) this.unwritten.set(what, (this.unwritten.get(what) ?? 0) + count);
  }

  /** The line to log, or null when everything was written; the report starts empty again. */
  take(): string | null {
    if (this.unwritten.size === 0) return null;
    const parts = [...this.unwritten].map(([what, n]) => `${n} ${what}`);
    this.unwritten.clear();
    return `stopped with storage unreachable or behind; not written: ${parts.join(', ')}`;
  }
}

/** How long each writer's last write may take at a stop (they run one after another). */
export const STOP_WAIT_MS = 2000;
