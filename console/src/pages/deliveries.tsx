import { useEffect, useState } from 'preact/hooks';
import { api, errorText, withQuery } from '../api';
import { useCan } from '../me';
import { href } from '../router';
import type { Delivery, PageOf, Webhook } from '../types';
import { type Bucket, DeliveryChart } from '../ui/charts';
import { Field, inputValue } from '../ui/form';
import { Notice, Pager, TableWrap, when } from '../ui/widgets';
import { deliveryBuckets, WINDOWS, type WindowName } from './delivery-stats';
import { statusLabel } from './webhooks';

const SIZE = 25;
const STATUSES = ['pending', 'held', 'delivered', 'failed', 'dropped'];

/** The delivery log of one webhook: every delivery with every attempt, replays, and a chart. */
export function Deliveries({ id }: { id: number }) {
  const can = useCan();
  const [webhook, setWebhook] = useState<Webhook | null>(null);
  const [status, setStatus] = useState('');
  const [window, setWindow] = useState<'' | WindowName>('');
  const [page, setPage] = useState(0);
  const [list, setList] = useState<PageOf<Delivery> | null>(null);
  const [chartWindow, setChartWindow] = useState<WindowName>('hour');
  const [buckets, setBuckets] = useState<Bucket[]>([]);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 2000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    Promise.all([
      api<Webhook>(`webhooks/${id}`).then(setWebhook),
      api<PageOf<Delivery>>(withQuery(`webhooks/${id}/deliveries`, { status, page, size: SIZE })).then(setList),
      deliveryBuckets(id, chartWindow).then(setBuckets),
    ]).catch((e) => setError(errorText(e)));
  }, [id, status, page, chartWindow, tick]);

  const since = window ? Date.now() - WINDOWS[window].ms : 0;
  const shown = list?.items.filter((d) => d.createdAt >= since) ?? [];
  const act = async (run: () => Promise<string>) => {
    try {
      setNotice(await run());
      setTick((t) => t + 1);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const replay = (d: Delivery) =>
    act(async () => {
      await api(`webhooks/${id}/deliveries/${d.id}/replay`, { method: 'POST' });
      return `Delivery ${d.id} queued again (same webhook-id ${d.messageId}).`;
    });
  const replaySince = (w: WindowName) =>
    act(async () => {
      const r = await api<{ replayed: number }>(`webhooks/${id}/replay?since=${Date.now() - WINDOWS[w].ms}`, {
        method: 'POST',
      });
      return `${r.replayed} failed or held deliveries queued again.`;
    });

  return (
    <section aria-labelledby="dl-h">
      <p>
        <a href={href('webhooks')}>← Webhooks</a>
      </p>
      <h1 id="dl-h">Deliveries{webhook && `: ${webhook.name}`}</h1>
      {webhook && (
        <p>
          Status{' '}
          <span class={`badge wh-${webhook.status}`} data-status={webhook.status}>
            {statusLabel(webhook.status)}
          </span>{' '}
          · {webhook.attemptCount} attempts · <a href={href('webhooks', id)}>edit</a>
        </p>
      )}
      {notice && <Notice>{notice}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <section aria-labelledby="chart-h" class="panel">
        <h2 id="chart-h">Delivered vs failed</h2>
        <Field label="Period" name="chartWindow">
          {(p) => (
            <select {...p} value={chartWindow} onChange={(e) => setChartWindow(inputValue(e) as WindowName)}>
              {Object.entries(WINDOWS).map(([k, w]) => (
                <option key={k} value={k}>
                  {w.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <DeliveryChart
          buckets={buckets}
          label={`Delivered and failed deliveries, ${WINDOWS[chartWindow].label.toLowerCase()}`}
        />
        <p class="legend">
          <span class="key ok">delivered</span> <span class="key failed">failed or held</span> · total{' '}
          {buckets.reduce((n, b) => n + b.delivered, 0)} delivered, {buckets.reduce((n, b) => n + b.failed, 0)} failed
        </p>
      </section>
      <form class="filters" aria-label="Filter deliveries" onSubmit={(e) => e.preventDefault()}>
        <Field label="Status" name="status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => (setPage(0), setStatus(inputValue(e)))}>
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Created" name="window">
          {(p) => (
            <select {...p} value={window} onChange={(e) => setWindow(inputValue(e) as WindowName)}>
              <option value="">any time</option>
              {Object.entries(WINDOWS).map(([k, w]) => (
                <option key={k} value={k}>
                  {w.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {can('webhook.patch') && (
          <div class="row">
            <button type="button" class="secondary" onClick={() => replaySince(window || 'day')}>
              Replay failed and held since{' '}
              {(window ? WINDOWS[window] : WINDOWS.day).label.toLowerCase().replace('last ', 'one ')} ago
            </button>
          </div>
        )}
      </form>
      <ul class="deliveries" aria-label="Deliveries">
        {shown.map((d) => (
          <DeliveryItem key={d.id} d={d} onReplay={can('webhook.patch') ? () => replay(d) : undefined} />
        ))}
      </ul>
      {list && shown.length === 0 && <p>No deliveries match.</p>}
      {list && <Pager page={page} size={SIZE} total={list.total} onPage={setPage} />}
    </section>
  );
}

function DeliveryItem({ d, onReplay }: { d: Delivery; onReplay?: () => void }) {
  return (
    <li data-delivery={d.id} data-status={d.status}>
      <details>
        <summary>
          <time>{when(d.createdAt)}</time> <span class={`badge dl-${d.status}`}>{d.status}</span> {d.event}{' '}
          {d.deviceId && <code>{d.deviceId}</code>} · HTTP {d.lastStatusCode ?? '—'} · {d.attemptCount} attempt
          {d.attemptCount === 1 ? '' : 's'}
        </summary>
        <TableWrap label={`Attempts of delivery ${d.id}`}>
          <table class="attempts">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Response</th>
              </tr>
            </thead>
            <tbody>
              {d.attempts.map((a) => (
                <tr key={a.n}>
                  <td>{a.n}</td>
                  <td>{when(a.ts)}</td>
                  <td class="code">{a.statusCode ?? '—'}</td>
                  <td>{a.durationMs} ms</td>
                  <td>
                    <code class="excerpt">{a.error ?? a.response}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <h3>Request</h3>
        <pre class="request">{requestText(d)}</pre>
        <p class="hint">The signature headers are added to each attempt (and credentials, if any).</p>
        {onReplay && (
          <button type="button" class="secondary" onClick={onReplay}>
            Replay
          </button>
        )}
      </details>
    </li>
  );
}

/** The request as sent: rendered once when the event matched; the same webhook-id on every attempt and replay. */
function requestText(d: Delivery): string {
  const headers = { ...d.request.headers, 'webhook-id': d.messageId };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `${d.request.method} ${d.request.url}\n${lines.join('\n')}\n\n${d.request.body}`;
}
