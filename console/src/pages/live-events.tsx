import { useEffect, useState } from 'preact/hooks';
import { type LiveEvent, LiveStream } from '../live';
import { Field, inputValue } from '../ui/form';

const KEEP = 200;

/** The org's event stream with the server's own filters (kind, device), newest first. */
export function LiveEvents() {
  const [kind, setKind] = useState('');
  const [deviceId, setDeviceId] = useState('');
  const [applied, setApplied] = useState({ kind: '', deviceId: '' });
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const q = new URLSearchParams();
    if (applied.kind) q.set('kind', applied.kind);
    if (applied.deviceId) q.set('deviceId', applied.deviceId);
    const stream = new LiveStream(q.size ? `?${q}` : '');
    stream.onState = setConnected;
    setEvents([]);
    stream.subscribe((e) => setEvents((list) => [e, ...list].slice(0, KEEP)));
    stream.start();
    return () => stream.stop();
  }, [applied]);
  return (
    <section aria-labelledby="ev-h">
      <h1 id="ev-h">Live events</h1>
      <form
        class="filters"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ kind: kind.trim(), deviceId: deviceId.trim() });
        }}
      >
        <Field label="Kinds" name="kind" hint="e.g. device.status.*, datastream.update">
          {(p) => <input {...p} value={kind} onInput={(e) => setKind(inputValue(e))} />}
        </Field>
        <Field label="Devices" name="deviceId" hint="comma-separated ids">
          {(p) => <input {...p} value={deviceId} onInput={(e) => setDeviceId(inputValue(e))} />}
        </Field>
        <div class="actions">
          <button type="submit">Apply</button>
        </div>
      </form>
      <p role="status">{connected ? 'Connected' : 'Connecting…'}</p>
      <ol class="events" aria-label="Events" aria-live="polite">
        {events.map((e) => (
          <li key={e.id}>
            <time>{new Date(e.ts).toLocaleTimeString()}</time> <code>{e.kind}</code> {e.deviceId} {e.key}{' '}
            {e.value === null || e.value === undefined ? '' : JSON.stringify(e.value)}
          </li>
        ))}
      </ol>
    </section>
  );
}
