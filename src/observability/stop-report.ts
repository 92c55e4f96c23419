/**
 * What a stop could not write (storage unreachable or too slow), gathered from every writer and said in one
 * line when the storage driver closes (storage.module.ts), instead of one error per writer and retry.
 * Process-wide: one gateway per process (tests that stop several at once may see their counts together).
 */
// Still process-wide (issue 21 leaves it for later: every RateLimitedLog reads `stopping`).
// eslint-disable-next-line no-restricted-syntax
const notWritten = new Map<string, number>();
// eslint-disable-next-line no-restricted-syntax
let stopping = false;

export const stopReport = {
  /**
   * A stop began (Gateway.close): background writers' errors are no longer logged (writes in flight still
   * fail as the driver closes), the report says it all. A gateway started later in this process (tests)
   * calls started().
   */
  begin(): void {
    stopping = true;
  },

  started(): void {
    stopping = false;
    notWritten.clear();
  },

  get stopping(): boolean {
    return stopping;
  },

  /** `count` records of `what` (e.g. "devices") were not written by the stop; they are lost or redone. */
  notWritten(what: string, count: number): void {
    if (count > 0) notWritten.set(what, (notWritten.get(what) ?? 0) + count);
  },

  /** The line to log, or null when everything was written; the report starts empty again. */
  take(): string | null {
    if (notWritten.size === 0) return null;
    const parts = [...notWritten].map(([what, n]) => `${n} ${what}`);
    notWritten.clear();
    return `stopped with storage unreachable or behind; not written: ${parts.join(', ')}`;
  },
};

/** How long each writer's last write may take at a stop (they run one after another). */
export const STOP_WAIT_MS = 2000;
