import { useEffect, useState } from 'preact/hooks';
import { api, errorText, withQuery } from '../api';
import { EVENT_LABELS, label } from '../labels';
import { useCan } from '../me';
import { href } from '../router';
import type { Delivery, DeliveryPage, Webhook } from '../types';
import { DeliveryChart } from '../ui/charts';
import { Field, inputValue } from '../ui/form';
import { Notice, Pager, when } from '../ui/widgets';
import { AttemptsTable } from './delivery-attempts';
import { attemptBuckets, attemptsSince, successRate, WINDOWS, type WindowName } from './delivery-stats';
import { DisabledBanner } from './webhooks';

const SIZE = 25;
const STATUSES = ['pending', 'held', 'delivered', 'failed', 'dropped'];
const SEARCH_BY = { deviceId: 'Device id', messageId: 'webhook-id', event: 'Event' } as const;
type SearchBy = keyof typeof SEARCH_BY;

/** The delivery log of one webhook: every delivery with every attempt, search, replays, and a chart. */
export function Deliveries({ id }: { id: number }) {
  const can = useCan();
  const [webhook, setWebhook] = useState<Webhook | null>(null);
  const [status, setStatus] = useState('');
  const [window, setWindow] = useState<'' | WindowName>('');
  const [searchBy, setSearchBy] = useState<SearchBy>('deviceId');
  const [search, setSearch] = useState({ by: 'deviceId' as SearchBy, text: '' });
  const [typed, setTyped] = useState('');
  const [page, setPage] = useState(0);
  const [list, setList] = useState<DeliveryPage | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 2000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    const since = window ? Date.now() - WINDOWS[window].ms : undefined;
    const query = { status, page, size: SIZE, since, [search.by]: search.text.trim() || undefined };
    Promise.all([
      api<Webhook>(`webhooks/${id}`).then(setWebhook),
      api<DeliveryPage>(withQuery(`webhooks/${id}/deliveries`, query)).then(setList),
    ]).catch((e) => setError(errorText(e)));
  }, [id, status, page, window, search, tick]);

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
  const endpoint = list?.endpoint;
  return (
    <section aria-labelledby="dl-h">
      <p>
        <a href={href('webhooks')}>← Webhooks</a>
      </p>
      <h1 id="dl-h">Deliveries{webhook && `: ${webhook.name}`}</h1>
      {webhook && <DisabledBanner w={webhook} />}
      {webhook?.status === 'ENABLED' && endpoint?.failing && (
        <p class="banner warn" role="status" data-endpoint="failing">
          Endpoint failing: deliveries wait and one at a time probes it
          {endpoint.nextProbeAt ? `; next probe at ${when(endpoint.nextProbeAt)}` : ' (a probe is in flight)'}.
        </p>
      )}
      {webhook && (
        <p>
          Attempts in all: {webhook.attemptCount} · <a href={href('webhooks', id)}>edit</a>
        </p>
      )}
      {notice && <Notice>{notice}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <AttemptChart id={id} tick={tick} />
      <form
        class="filters"
        aria-label="Search deliveries"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(0);
          setSearch({ by: searchBy, text: typed });
        }}
      >
        <Field label="Search by" name="searchBy">
          {(p) => (
            <select {...p} value={searchBy} onChange={(e) => setSearchBy(inputValue(e) as SearchBy)}>
              {Object.entries(SEARCH_BY).map(([k, name]) => (
                <option key={k} value={k}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Search for" name="search">
          {(p) => (
            <input
              {...p}
              type="search"
              value={typed}
              placeholder="exact: pump-1, msg_…, device.status.offline"
              onInput={(e) => setTyped(inputValue(e))}
            />
          )}
        </Field>
        <div class="actions">
          <button type="submit" class="secondary">
            Search
          </button>
        </div>
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
            <select {...p} value={window} onChange={(e) => (setPage(0), setWindow(inputValue(e) as WindowName))}>
              <option value="">any time</option>
              {Object.entries(WINDOWS).map(([k, w]) => (
                <option key={k} value={k}>
                  {w.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {can('webhook.patch') && <ReplaySince id={id} onDone={(n) => act(async () => n)} />}
      <ul class="deliveries" aria-label="Deliveries">
        {list?.items.map((d) => (
          <DeliveryItem
            key={d.id}
            d={d}
            waiting={waitingText(d, webhook, list.endpoint)}
            onReplay={can('webhook.patch') ? () => replay(d) : undefined}
          />
        ))}
      </ul>
      {list && list.items.length === 0 && <p>No deliveries match.</p>}
      {list && <Pager page={page} size={SIZE} total={list.total} onPage={setPage} />}
    </section>
  );
}

/** Why an unfinished delivery has not gone yet, in words. */
function waitingText(d: Delivery, w: Webhook | null, endpoint: DeliveryPage['endpoint']): string {
  if (d.status === 'held') return 'held: the webhook is disabled; sent when it is enabled again';
  if (d.status !== 'pending') return '';
  if (endpoint?.failing)
    return `waiting: endpoint failing, ${endpoint.nextProbeAt ? `next probe at ${when(endpoint.nextProbeAt)}` : 'a probe is in flight'}`;
  if (w && w.status !== 'ENABLED') return 'waiting: the webhook is disabled';
  if (d.nextAttemptAt && d.nextAttemptAt > Date.now()) return `next retry at ${when(d.nextAttemptAt)}`;
  return d.attemptCount === 0 ? 'queued: first attempt due now' : 'retry due now';
}

/** Attempts of the window by outcome, with the success rate over them. */
function AttemptChart({ id, tick }: { id: number; tick: number }) {
  const [chartWindow, setChartWindow] = useState<WindowName>('hour');
  const [sample, setSample] = useState<Awaited<ReturnType<typeof attemptsSince>> | null>(null);
  useEffect(() => {
    // The chart is the heavy read: every 5th tick of the page's refresh.
    if (tick % 5 === 0 || !sample) void attemptsSince(id, Date.now() - WINDOWS[chartWindow].ms).then(setSample);
  }, [id, chartWindow, tick]);
  const w = WINDOWS[chartWindow];
  const buckets = sample ? attemptBuckets(sample.attempts, chartWindow) : [];
  const rate = sample && successRate(sample.attempts);
  const count = (k: 'delivered' | 'retried' | 'failed') => buckets.reduce((n, b) => n + b[k], 0);
  return (
    <section aria-labelledby="chart-h" class="panel">
      <h2 id="chart-h">Attempts</h2>
      <Field label="Period" name="chartWindow">
        {(p) => (
          <select {...p} value={chartWindow} onChange={(e) => setChartWindow(inputValue(e) as WindowName)}>
            {Object.entries(WINDOWS).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <DeliveryChart
        buckets={buckets}
        bucketMs={w.bucketMs}
        label={`Attempts per ${w.bucketMs / 60_000} minutes, ${w.label.toLowerCase()}: delivered, retried and failed`}
      />
      <p class="legend" data-testid="attempt-totals">
        <span class="key delivered">delivered</span> <span class="key retried">retried</span>{' '}
        <span class="key failed">failed</span> · {w.label.toLowerCase()}: {count('delivered')} delivered,{' '}
        {count('retried')} retried, {count('failed')} failed
      </p>
      <p data-testid="success-rate">
        Success rate{' '}
        <strong>
          {rate === null || rate === undefined
            ? 'no attempts'
            : `${Math.round(rate * 100)}% of ${sample!.attempts.length} attempts`}
        </strong>{' '}
        ({w.label.toLowerCase()}
        {sample && !sample.complete ? `, newest ${sample.deliveries} deliveries` : ''})
      </p>
    </section>
  );
}

/** Svix's "recover failed since": says first how many it will send, then sends them. */
function ReplaySince({ id, onDone }: { id: number; onDone: (notice: string) => void }) {
  const [window, setWindow] = useState<WindowName>('day');
  const [plan, setPlan] = useState<{ since: number; failed: number; held: number; count: number } | null>(null);
  const [error, setError] = useState('');
  const ask = async () => {
    setError('');
    try {
      setPlan(await api(`webhooks/${id}/replay?since=${Date.now() - WINDOWS[window].ms}`));
    } catch (e) {
      setError(errorText(e));
    }
  };
  const send = async () => {
    try {
      const r = await api<{ replayed: number }>(`webhooks/${id}/replay?since=${plan!.since}`, { method: 'POST' });
      setPlan(null);
      onDone(`${r.replayed} failed or held deliveries queued again.`);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form class="filters panel" aria-label="Replay failed deliveries" onSubmit={(e) => e.preventDefault()}>
      <Field label="Replay failed and held deliveries created" name="replayWindow">
        {(p) => (
          <select {...p} value={window} onChange={(e) => (setPlan(null), setWindow(inputValue(e) as WindowName))}>
            {Object.entries(WINDOWS).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label.toLowerCase()}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div class="actions row">
        {!plan && (
          <button type="button" class="secondary" onClick={ask}>
            Replay failed since…
          </button>
        )}
        {plan && (
          <span class="confirm" role="group" aria-label="Confirm replay">
            <span role="status" data-testid="replay-plan">
              {plan.count === 0
                ? 'Nothing to replay: no failed or held deliveries.'
                : `This sends ${plan.count} deliveries (${plan.failed} failed, ${plan.held} held) again.`}
            </span>
            {plan.count > 0 && (
              <button type="button" onClick={send}>
                Send {plan.count}
              </button>
            )}
            <button type="button" class="secondary" onClick={() => setPlan(null)}>
              Cancel
            </button>
          </span>
        )}
        {error && <span role="alert">{error}</span>}
      </div>
    </form>
  );
}

function DeliveryItem({ d, waiting, onReplay }: { d: Delivery; waiting: string; onReplay?: () => void }) {
  return (
    <li data-delivery={d.id} data-status={d.status}>
      <details>
        <summary>
          <span class={`badge dl-${d.status}`}>{d.status}</span> <time>{when(d.createdAt)}</time>{' '}
          <span title={d.event}>{label(EVENT_LABELS, d.event)}</span> {d.deviceId && <code>{d.deviceId}</code>} · HTTP{' '}
          {d.lastStatusCode ?? '—'} · {d.attemptCount} attempt{d.attemptCount === 1 ? '' : 's'}
          {waiting && (
            <span class="waiting" data-testid="waiting">
              {' '}
              · {waiting}
            </span>
          )}
        </summary>
        <p class="muted">
          webhook-id <code>{d.messageId}</code> · event <code>{d.event}</code>
        </p>
        <AttemptsTable d={d} />
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
  const r = d.request;
  if (!r) return '(not rendered yet)'; // a row stored before requests followed their webhook, whose webhook is gone
  const headers = { ...r.headers, 'webhook-id': d.messageId };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `${r.method} ${r.url}\n${lines.join('\n')}\n\n${r.body}`;
}
