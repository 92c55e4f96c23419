import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { type LiveEvent, live } from '../live';
import { useCan } from '../me';
import { go, href } from '../router';
import type { Device } from '../types';
import { DEVICE_TYPE_LABELS, EVENT_LABELS, label } from '../labels';
import { Check, Field, FormError, inputValue, useFieldErrors } from '../ui/form';
import { ConfirmButton, Notice, ShownOnce, TableWrap, when } from '../ui/widgets';
import { applyEvent, StatusBadge } from './devices';
import type { HistoryWindow } from '../history';
import { DeviceHistory } from './device-history';

const KEEP_EVENTS = 25;
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A device; its datastreams' history over `win` (from the URL: #/devices/{id}/{window}). */
export function DevicePage({ id, win }: { id: string; win: HistoryWindow }) {
  const can = useCan();
  const [device, setDevice] = useState<Device | null>(null);
  const [error, setError] = useState('');
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [token, setToken] = useState('');

  useEffect(() => {
    api<Device>(`devices/${encodeURIComponent(id)}`).then(
      (d) => setDevice(d),
      (e: Error) => setError(e.message),
    );
    return live.subscribe((e) => {
      if (e.deviceId !== id) return;
      setDevice((d) => d && applyEvent(d, e));
      setEvents((list) => [e, ...list].slice(0, KEEP_EVENTS));
    });
  }, [id]);

  if (error) return <Notice kind="error">{error}</Notice>;
  if (!device) return <p class="loading">Loading…</p>;
  const rotate = async () =>
    setToken((await api<{ token: string }>(`devices/${encodeURIComponent(id)}/token`, { method: 'POST' })).token);
  const remove = async () => {
    await api(`devices/${encodeURIComponent(id)}`, { method: 'DELETE' });
    go('devices');
  };
  return (
    <section aria-labelledby="device-h">
      <p>
        <a href={href('devices')}>← Devices</a>
      </p>
      <h1 id="device-h">
        {device.name} <StatusBadge status={device.status} />
      </h1>
      <dl class="facts">
        <dt>Id</dt>
        <dd>{device.id}</dd>
        <dt>Type</dt>
        <dd>{label(DEVICE_TYPE_LABELS, device.type)}</dd>
        <dt>Template</dt>
        <dd>{device.templateId ?? '—'}</dd>
        <dt>Agent</dt>
        <dd>{device.agentId ?? '—'}</dd>
        <dt>Groups</dt>
        <dd>{device.groupIds.join(', ') || '—'}</dd>
        <dt>Last seen</dt>
        <dd>{when(device.lastSeen)}</dd>
        <dt>Metadata</dt>
        <dd>
          <code>{JSON.stringify(device.metadata)}</code>
        </dd>
      </dl>
      <h2>Datastreams</h2>
      <TableWrap label="Datastreams">
        <table class="values stack">
          <thead>
            <tr>
              <th scope="col">Datastream</th>
              <th scope="col">Last value</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(device.values).map(([k, v]) => (
              <tr key={k} data-datastream={k}>
                <th scope="row" class="name-cell">
                  {k}
                </th>
                <td class="value" data-label="Last value">
                  {show(v.value)}
                </td>
                <td data-label="Updated">{when(v.ts)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {Object.keys(device.values).length === 0 && <p>No values yet.</p>}
      <DeviceHistory deviceId={id} values={device.values} win={win} />
      <h2>Recent events</h2>
      <ul class="events" aria-live="polite">
        {events.map((e) => (
          <li key={e.id}>
            <time>{new Date(e.ts).toLocaleTimeString()}</time>{' '}
            <strong title={e.kind}>{label(EVENT_LABELS, e.kind)}</strong> {e.key} {show(e.value ?? '')}
          </li>
        ))}
        {events.length === 0 && device.lastEvent && (
          <li>
            <time>{when(device.lastEvent.ts)}</time> <strong title="log.event">{EVENT_LABELS['log.event']}</strong>{' '}
            {device.lastEvent.code} {device.lastEvent.description}
          </li>
        )}
      </ul>
      {can('device.patch') && <Command id={id} />}
      {can('device.patch') && (
        <section aria-labelledby="token-h">
          <h2 id="token-h">MQTT token</h2>
          <ConfirmButton
            label="Rotate token"
            confirm="The old token stops working and its connections close."
            onConfirm={rotate}
          />
          {token && <ShownOnce label="New MQTT token" value={token} onDone={() => setToken('')} />}
        </section>
      )}
      {can('device.delete') && (
        <p>
          <ConfirmButton label="Delete device" confirm={`Delete ${device.id}?`} onConfirm={remove} />
        </p>
      )}
    </section>
  );
}

function Command({ id }: { id: string }) {
  const [form, setForm] = useState({ path: 'command', body: '{}', qos: '1', wait: false });
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, fail, clear } = useFieldErrors(['path', 'body', 'qos', 'waitForReply']);
  const send = async (e: Event) => {
    e.preventDefault();
    clear();
    setResult('');
    let body: unknown;
    try {
      body = JSON.parse(form.body || 'null');
    } catch (err) {
      return fail(new Error(`body must be JSON: ${errorText(err)}`));
    }
    setBusy(true);
    try {
      const q = `?qos=${form.qos}&waitForReply=${form.wait}`;
      const path = form.path.split('/').map(encodeURIComponent).join('/');
      setResult(
        JSON.stringify(
          await api(`devices/${encodeURIComponent(id)}/downlink/${path}${q}`, { method: 'POST', body }),
          null,
          2,
        ),
      );
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const set = (k: 'path' | 'body' | 'qos') => (e: Event) => setForm({ ...form, [k]: inputValue(e) });
  return (
    <section aria-labelledby="cmd-h">
      <h2 id="cmd-h">Send a command</h2>
      <form onSubmit={send} class="grid" aria-label="Send a command">
        <Field label="Path (devices/{id}/downlink/…)" name="path" errors={errors}>
          {(p) => <input {...p} required value={form.path} onInput={set('path')} />}
        </Field>
        <Field label="QoS" name="qos" errors={errors}>
          {(p) => (
            <select {...p} value={form.qos} onChange={set('qos')}>
              <option value="0">0</option>
              <option value="1">1</option>
            </select>
          )}
        </Field>
        <Field label="Body (JSON)" name="body" errors={errors}>
          {(p) => <textarea {...p} rows={3} value={form.body} onInput={set('body')} />}
        </Field>
        <Check
          label="Wait for the device's reply"
          checked={form.wait}
          onChange={(wait) => setForm({ ...form, wait })}
        />
        <FormError errors={errors} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy && form.wait ? 'Waiting for the reply…' : 'Send'}
          </button>
        </div>
      </form>
      {result && (
        <pre class="result" aria-label="Command result">
          {result}
        </pre>
      )}
    </section>
  );
}
