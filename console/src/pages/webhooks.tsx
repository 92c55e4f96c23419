import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { useCan } from '../me';
import { href } from '../router';
import type { PageOf, Webhook } from '../types';
import { ConfirmButton, Notice, TableWrap, when } from '../ui/widgets';

interface Rate {
  delivered: number;
  failed: number;
}

const total = (id: number, status: string) =>
  api<PageOf<unknown>>(`webhooks/${id}/deliveries?status=${status}&size=1`).then((p) => p.total);

async function rateOf(id: number): Promise<Rate> {
  const [delivered, failed] = await Promise.all([total(id, 'delivered'), total(id, 'failed')]);
  return { delivered, failed };
}

const percent = (r: Rate | undefined) =>
  !r ? '…' : r.delivered + r.failed === 0 ? '—' : `${Math.round((100 * r.delivered) / (r.delivered + r.failed))}%`;

export const statusLabel = (s: Webhook['status']) =>
  s === 'ENABLED' ? 'enabled' : s === 'DISABLED' ? 'disabled' : 'disabled due to errors';

export function Webhooks() {
  const can = useCan();
  const [list, setList] = useState<Webhook[] | null>(null);
  const [rates, setRates] = useState<Record<number, Rate>>({});
  const [error, setError] = useState('');
  const load = async () => {
    try {
      const hooks = await api<Webhook[]>('webhooks');
      setList(hooks);
      const pairs = await Promise.all(hooks.map(async (w) => [w.id, await rateOf(w.id)] as const));
      setRates(Object.fromEntries(pairs));
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => {
    void load();
    // Status, attempts and last-triggered change as callbacks go out: refresh while the page is open.
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
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
          <table class="webhooks">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger</th>
                <th scope="col">Last triggered</th>
                <th scope="col">Attempts</th>
                <th scope="col">Success rate</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((w) => (
                <tr key={w.id} data-webhook={w.name}>
                  <td>
                    <a href={href('webhooks', w.id)}>{w.name}</a>
                  </td>
                  <td>
                    <span class={`badge wh-${w.status}`} data-status={w.status}>
                      {statusLabel(w.status)}
                    </span>
                  </td>
                  <td>{w.trigger}</td>
                  <td>{when(w.lastTriggeredTs)}</td>
                  <td>{w.attemptCount}</td>
                  <td>{percent(rates[w.id])}</td>
                  <td class="row">
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

interface TestResult {
  delivered: boolean;
  statusCode: number | null;
  durationMs?: number;
  error?: string | null;
  response?: string;
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
