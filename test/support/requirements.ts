// Suites that need more than Node (Chromium, redis-server, a MongoDB server, mosquitto-clients) skip with the reason when the global
// setup (test/support/global-setup.ts) found it missing; with CI=true the setup fails instead.

export type Need = 'chromium' | 'redis' | 'mongo' | 'mosquitto';

/** Why `need` is missing on this machine (e.g. "no chromium — apt-get install chromium"), or undefined. */
export const missing = (need: Need): string | undefined => process.env[`GATEWAY_TEST_MISSING_${need.toUpperCase()}`];

const reasons = (needs: Need[]) => needs.map(missing).filter(Boolean);

/** `describe`, or `describe.skip` with "skipped: <reason>" in its title (the count reporter groups by it). */
export function describeWith(needs: Need[], name: string, fn: () => void): void {
  const why = reasons(needs);
  if (why.length) describe.skip(`${name} [skipped: ${why.join('; ')}]`, fn);
  else describe(name, fn);
}

/** `it` for a single test that needs something the rest of its suite does not. */
export function itWith(needs: Need[], name: string, fn: () => Promise<void>, timeoutMs?: number): void {
  const why = reasons(needs);
  if (why.length) it.skip(`${name} [skipped: ${why.join('; ')}]`, fn);
  else it(name, fn, timeoutMs);
}

/** `describe`, or `describe.skip` with the given reason in its title when `why` is set (a local condition). */
export function describeUnless(why: string | undefined, name: string, fn: () => void): void {
  if (why) describe.skip(`${name} [skipped: ${why}]`, fn);
  else describe(name, fn);
}
