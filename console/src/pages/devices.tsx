import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../api';
import { live } from '../live';
import { useCan } from '../me';
import { href } from '../router';
import type { Device, PageOf } from '../types';
import { DEVICE_TYPE_LABELS, label } from '../labels';
import { Field, FormError, inputValue, useFieldErrors } from '../ui/form';
import { type Choice, Picker } from '../ui/picker';
import { Notice, Pager, ShownOnce, TableWrap, when } from '../ui/widgets';

const STATUS_KINDS: Record<string, string> = {
  'device.status.online': 'online',
  'device.status.offline': 'offline',
  'device.state.utilizing': 'utilizing',
  'device.state.unplugged': 'unplugged',
};
const SIZE = 20;

export const StatusBadge = ({ status }: { status: string }) => <span class={`badge status-${status}`}>{status}</span>;

export function Devices() {
  const can = useCan();
  const [filter, setFilter] = useState({ status: '', type: '', templateId: '' });
  const [page, setPage] = useState(0);
  const [list, setList] = useState<PageOf<Device> | null>(null);
  const [error, setError] = useState('');
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let current = true; // a slower, older answer must not overwrite a newer one
    api<PageOf<Device>>(withQuery('devices', { ...filter, page, size: SIZE })).then(
      (l) => current && setList(l),
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
  }, [filter, page, reload]);

  // Live: status and last-seen change in place; added or deleted devices reload the page.
  useEffect(
    () =>
      live.subscribe((e) => {
        if (e.kind === 'device.added' || e.kind === 'device.deleted') return setReload((n) => n + 1);
        setList((l) => l && { ...l, items: l.items.map((d) => (d.id === e.deviceId ? applyEvent(d, e) : d)) });
      }),
    [],
  );

  const set = (k: keyof typeof filter) => (e: Event) => {
    setPage(0);
    setFilter({ ...filter, [k]: inputValue(e) });
  };
  return (
    <section aria-labelledby="devices-h">
      <h1 id="devices-h">Devices</h1>
      {can('devices.post') && <CreateDevice onCreated={() => setReload((n) => n + 1)} />}
      <form class="filters" aria-label="Filter devices" onSubmit={(e) => e.preventDefault()}>
        <Field label="Status" name="status">
          {(p) => (
            <select {...p} value={filter.status} onChange={set('status')}>
              <option value="">any</option>
              {['online', 'offline', 'utilizing', 'unplugged'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Type" name="type">
          {(p) => (
            <select {...p} value={filter.type} onChange={set('type')}>
              <option value="">any</option>
              {Object.entries(DEVICE_TYPE_LABELS).map(([t, name]) => (
                <option key={t} value={t}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Template" name="templateId">
          {(p) => <input {...p} value={filter.templateId} onChange={set('templateId')} placeholder="any" />}
        </Field>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {list && (
        <>
          <TableWrap label="Devices">
            <table class="devices stack">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Status</th>
                  <th scope="col">Type</th>
                  <th scope="col">Template</th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((d) => (
                  <tr key={d.id} data-device={d.id}>
                    <td class="name-cell">
                      <a href={href('devices', d.id)}>{d.name}</a> <small class="muted">{d.id}</small>
                    </td>
                    <td class="status-cell">
                      <StatusBadge status={d.status} />
                    </td>
                    <td data-label="Type">{label(DEVICE_TYPE_LABELS, d.type)}</td>
                    <td data-label="Template">{d.templateId ?? '—'}</td>
                    <td data-label="Last seen">{when(d.lastSeen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {list.items.length === 0 && <p>No devices match.</p>}
          <Pager page={page} size={SIZE} total={list.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}

export function applyEvent(d: Device, e: { kind: string; key: string; value: unknown; ts: number }): Device {
  const status = STATUS_KINDS[e.kind];
  const next = { ...d, lastSeen: Math.max(d.lastSeen ?? 0, e.ts) };
  if (status) next.status = status as Device['status'];
  if (e.kind === 'datastream.update')
    next.values = { ...d.values, [e.key]: { value: e.value as Device['values'][string]['value'], ts: e.ts } };
  if (e.kind === 'log.event') next.lastEvent = { code: e.key, description: String(e.value ?? ''), ts: e.ts };
  return next;
}

function CreateDevice({ onCreated }: { onCreated: () => void }) {
  const [form, setForm] = useState({ id: '', name: '', type: 'PRIVATE', templateId: '' });
  const [created, setCreated] = useState<{ id: string; token: string } | null>(null);
  const { errors, fail, clear } = useFieldErrors(['id', 'name', 'type', 'templateId']);
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    try {
      const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
      setCreated(await api<{ id: string; token: string }>('devices', { method: 'POST', body }));
      setForm({ id: '', name: '', type: 'PRIVATE', templateId: '' });
      onCreated();
    } catch (err) {
      fail(err);
    }
  };
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: inputValue(e) });
  const [templates, setTemplates] = useState<Choice[]>([]);
  useEffect(() => {
    api<PageOf<Choice>>('templates?size=1000').then(
      (p) => setTemplates(p.items.map((t) => ({ id: t.id, name: t.name }))),
      () => setTemplates([]),
    );
  }, []);
  return (
    <details class="panel">
      <summary>New device</summary>
      <form onSubmit={submit} aria-label="New device" class="grid">
        <Field label="Name" name="name" errors={errors}>
          {(p) => <input {...p} required value={form.name} onInput={set('name')} />}
        </Field>
        <Field label="Id (optional)" name="id" errors={errors} hint="generated when empty">
          {(p) => <input {...p} value={form.id} onInput={set('id')} />}
        </Field>
        <Field label="Type" name="type" errors={errors}>
          {(p) => (
            <select {...p} value={form.type} onChange={set('type')}>
              {Object.entries(DEVICE_TYPE_LABELS).map(([t, name]) => (
                <option key={t} value={t}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Template" name="templateId" errors={errors} hint="type to filter by name or id">
          {(p) => (
            <Picker
              control={p}
              value={form.templateId}
              choices={templates}
              onChange={(templateId) => setForm({ ...form, templateId })}
            />
          )}
        </Field>
        <FormError errors={errors} />
        <div class="actions">
          <button type="submit">Create device</button>
        </div>
      </form>
      {created && (
        <ShownOnce label={`MQTT token of ${created.id}`} value={created.token} onDone={() => setCreated(null)} />
      )}
    </details>
  );
}
