import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import {
  addLive,
  HISTORY_WINDOWS,
  type HistoryAnswer,
  historyPath,
  type HistoryWindow,
  RECENT_ROWS,
  type Series,
  toSeries,
} from '../history';
import { type LiveEvent, live } from '../live';
import { go } from '../router';
import { Field, inputValue } from '../ui/form';
import { HistoryChart } from '../ui/history-chart';
import { Notice, TableWrap, when } from '../ui/widgets';

/** A row of a non-numeric datastream's recent values (a stored value or a live one). */
interface Recent {
  ts: number;
  value: unknown;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Each datastream over the chosen window: numbers as a chart (raw for the hour, buckets for a day or a week),
 * anything else as its recent values; both continue from the event stream. The window is in the URL
 * (#/devices/{id}/{window}), so a reload shows the same history.
 */
export function DeviceHistory({
  deviceId,
  values,
  win,
}: {
  deviceId: string;
  values: Record<string, { value: unknown }>;
  win: HistoryWindow;
}) {
  const names = Object.keys(values);
  return (
    <section aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      <Field label="Period" name="historyWindow">
        {(p) => (
          <select {...p} value={win} onChange={(e) => go('devices', deviceId, inputValue(e))}>
            {Object.entries(HISTORY_WINDOWS).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {names.length === 0 && <p>No values yet.</p>}
      {names.map((name) => (
        <DatastreamHistory
          key={`${name}:${win}`}
          deviceId={deviceId}
          name={name}
          numeric={typeof values[name].value === 'number'}
          win={win}
        />
      ))}
    </section>
  );
}

function DatastreamHistory(props: { deviceId: string; name: string; numeric: boolean; win: HistoryWindow }) {
  const { deviceId, name, numeric, win } = props;
  const w = HISTORY_WINDOWS[win];
  const [series, setSeries] = useState<Series | null>(null);
  const [recent, setRecent] = useState<Recent[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let answered = false;
    let gone = false;
    const early: LiveEvent[] = [];
    const add = (e: LiveEvent) => {
      const v = e.value;
      if (numeric) setSeries((s) => (s && typeof v === 'number' ? addLive(s, e.ts, v, Date.now()) : s));
      else setRecent((r) => r && [{ ts: e.ts, value: v }, ...r].slice(0, RECENT_ROWS));
    };
    const stop = live.subscribe((e) => {
      if (e.deviceId !== deviceId || e.kind !== 'datastream.update' || e.key !== name) return;
      if (answered) add(e);
      else early.push(e);
    });
    const path = historyPath(deviceId, name, win, Date.now(), numeric ? {} : { raw: true, limit: RECENT_ROWS });
    api<HistoryAnswer>(path).then(
      (a) => {
        if (gone) return;
        answered = true;
        const s = toSeries(a);
        if (numeric) setSeries(s);
        else setRecent('points' in a ? a.points.slice(-RECENT_ROWS).reverse() : []);
        // Values that arrived while the answer was on its way, unless it holds them already (up to its `to`).
        for (const e of early) if (e.ts > s.to) add(e);
      },
      (e: unknown) => !gone && setError(errorText(e)),
    );
    return () => {
      gone = true;
      stop();
    };
  }, [deviceId, name, win, numeric]);

  const label = `${name}, ${w.label.toLowerCase()}`;
  return (
    <section class="datastream-history" data-history={name} aria-label={`History of ${name}`}>
      <div class="history-head">
        <h3>{name}</h3>
        <CsvDownload deviceId={deviceId} name={name} win={win} />
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      {!error && !series && !recent && <p class="loading">Loading…</p>}
      {series && (
        <HistoryChart
          series={series}
          name={name}
          label={`${label}: ${series.points.length} ${series.bucketMs ? `averages per ${series.bucketMs / 60_000} minutes` : 'values'}${series.truncated ? ' (the most recent only)' : ''}; arrow keys step through them`}
        />
      )}
      {recent && <RecentValues name={name} rows={recent} />}
    </section>
  );
}

function RecentValues({ name, rows }: { name: string; rows: Recent[] }) {
  if (rows.length === 0) return <p>No values in this window.</p>;
  return (
    <TableWrap label={`Recent values of ${name}`}>
      <table class="recent-values">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.ts}:${i}`}>
              <td>{when(r.ts)}</td>
              <td class="value">{show(r.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * The window's values as CSV. A button, not a plain link: the API wants the token in the Authorization header
 * (never in a URL), so the file is fetched and handed to the browser as a blob.
 */
function CsvDownload({ deviceId, name, win }: { deviceId: string; name: string; win: HistoryWindow }) {
  const [error, setError] = useState('');
  const download = async () => {
    setError('');
    try {
      const csv = await api<string>(historyPath(deviceId, name, win, Date.now(), { csv: true }));
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${deviceId}-${name}-${win}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <>
      <button
        type="button"
        class="secondary"
        onClick={download}
        aria-label={`Download CSV of ${name}, ${HISTORY_WINDOWS[win].label.toLowerCase()}`}
      >
        Download CSV
      </button>
      {error && <Notice kind="error">{error}</Notice>}
    </>
  );
}
