import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { useCan } from '../me';
import { href } from '../router';
import type { TestResult, Webhook } from '../types';
import { label, TRIGGER_LABELS } from '../labels';
import { ConfirmButton, Notice, TableWrap, when } from '../ui/widgets';
import { attemptsSince, successRate } from './delivery-stats';

/** Success over the attempts of the last day's deliveries (the success-rate window), per webhook. */
interface Rate {
  attempts: number;
  rate: number | null;
  complete: boolean;
}
const RATE_WINDOW_MS = 86_400_000;
const RATE_REFRESH_MS = 15_000;

async function rateOf(id: number): Promise<Rate> {
  // One page per webhook here (the delivery page reads more): the newest 100 deliveries of the day.
  const s = await attemptsSince(id, Date.now() - RATE_WINDOW_MS, 1);
  return { attempts: s.attempts.length, rate: successRate(s.attempts), complete: s.complete };
}

const rateText = (r: Rate | undefined) =>
  !r
    ? '…'
    : r.rate === null
      ? 'no attempts'
      : `${Math.round(r.rate * 100)}% of ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}${r.complete ? '' : ' (newest 100 deliveries)'}`;

export const statusLabel = (s: Webhook['status']) =>
  s === 'ENABLED' ? 'enabled' : s === 'DISABLED' ? 'disabled' : 'disabled due to errors';

/** A disabled webhook says so first and loudly: nothing goes out, what matches is held. */
export function DisabledBanner({ w }: { w: Webhook }) {
  if (w.status === 'ENABLED') return null;
  return (
    <p class={`banner ${w.status === 'DISABLED' ? 'muted-banner' : 'bad'}`} role="status" data-banner={w.status}>
      <strong>
        {w.status === 'DISABLED' ? 'Disabled' : `Disabled due to errors (${w.failureCount} failed attempts in a row)`}
      </strong>
      : nothing is sent; what matches is held and goes out when it is enabled again.
    </p>
  );
}

export function Webhooks() {
  const can = useCan();
  const [list, setList] = useState<Webhook[] | null>(null);
  const [rates, setRates] = useState<Record<number, Rate>>({});
  const [error, setError] = useState('');
  const load = async () => {
    try {
      setList(await api<Webhook[]>('webhooks'));
    } catch (e) {
      setError(errorText(e));
    }
  };
  const loadRates = async () => {
    try {
      const hooks = await api<Webhook[]>('webhooks');
      const pairs = await Promise.all(hooks.map(async (w) => [w.id, await rateOf(w.id)] as const));
      setRates(Object.fromEntries(pairs));
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => {
    void load();
    void loadRates();
    // Status, attempts and last-triggered change as callbacks go out: refresh while the page is open (the
    // success rates, which read the delivery log, less often).
    const timers = [setInterval(() => void load(), 3000), setInterval(() => void loadRates(), RATE_REFRESH_MS)];
    return () => timers.forEach(clearInterval);
  }, []);

  const setEnabled = async (w: Webhook, on: boolean) => {
    try {
      await api(`webhooks/${w.id}`, { method: 'PATCH', body: { status: on ? 'ENABLED' : 'DISABLED' } });
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const remove = async (w: Webhook) => {
    await api(`webhooks/${w.id}`, { method: 'DELETE' });
    await load();
  };
  return (
    <section aria-labelledby="webhooks-h">
      <h1 id="webhooks-h">Webhooks</h1>
      {can('webhooks.post') && (
        <p>
          <a class="button" href={href('webhooks', 'new')}>
            New webhook
          </a>
        </p>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      {list && (
        <TableWrap label="Webhooks">
          <table class="webhooks stack">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Name</th>
                <th scope="col">Trigger</th>
                <th scope="col">Last triggered</th>
                <th scope="col">Success, last 24 h</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((w) => (
                <tr key={w.id} data-webhook={w.name} class={w.status === 'ENABLED' ? '' : `row-${w.status}`}>
                  <td data-label="Status" class="status-cell">
                    <span class={`badge wh-${w.status}`} data-status={w.status}>
                      {statusLabel(w.status)}
                    </span>
                  </td>
                  <td data-label="Name" class="name-cell">
                    <a href={href('webhooks', w.id)}>{w.name}</a>
                  </td>
                  <td data-label="Trigger" title={w.trigger}>
                    {label(TRIGGER_LABELS, w.trigger)}
                  </td>
                  <td data-label="Last triggered">{when(w.lastTriggeredTs)}</td>
                  <td data-label="Success, 24 h" class="rate" data-testid="rate">
                    {rateText(rates[w.id])}
                  </td>
                  <td data-label="Actions" class="actions-cell">
                    <div class="row">
                      {can('webhook.patch') && (
                        <label class="check">
                          <input
                            type="checkbox"
                            checked={w.status === 'ENABLED'}
                            onChange={(e) => void setEnabled(w, (e.currentTarget as HTMLInputElement).checked)}
                          />
                          Enabled
                        </label>
                      )}
                      <a href={href('webhooks', w.id, 'deliveries')}>Deliveries</a>
                      {can('webhook.patch') && <TestButton id={w.id} />}
                      {can('webhook.delete') && (
                        <ConfirmButton label="Delete" confirm={`Delete ${w.name}?`} onConfirm={() => remove(w)} />
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {list?.length === 0 && <p>No webhooks yet.</p>}
    </section>
  );
}

/** Blynk's Test: one synthetic event sent now; the receiver's answer is shown. */
export function TestButton({ id }: { id: number }) {
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError('');
    try {
      setResult(await api<TestResult>(`webhooks/${id}/test`, { method: 'POST' }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="test">
      <button type="button" class="secondary" onClick={run} disabled={busy}>
        {busy ? 'Testing…' : 'Test'}
      </button>
      <span role="status" class="test-result">
        {result &&
          `${result.delivered ? 'Delivered' : 'Failed'}: ${result.statusCode ?? result.error ?? 'no answer'}` +
            (result.durationMs !== undefined ? ` in ${result.durationMs} ms` : '')}
        {error}
      </span>
    </span>
  );
}
