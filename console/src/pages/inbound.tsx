import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useCan } from '../me';
import { Check, Field, FormError, inputValue, useFieldErrors } from '../ui/form';
import { ConfirmButton, CopyButton, Notice } from '../ui/widgets';

import type { InboundWebhook as Inbound } from '../types';
type TargetKind = 'deviceId' | 'templateId' | 'groupId' | 'topic';
const KINDS: [TargetKind, string][] = [
  ['deviceId', 'a device'],
  ['templateId', 'every device of a template'],
  ['groupId', 'every device of a group'],
  ['topic', 'an org topic (orgs/{org}/…)'],
];

/** The token as a read-only API token sees it (the URL commands devices: InboundWebhooksService.view). */
const MASKED = '********';
export const tokenUrl = (token: string) => `${location.origin}/webhooks/${token}`;
export const curlLine = (token: string) =>
  `curl -X POST '${tokenUrl(token)}' -H 'Content-Type: application/json' -d '{"hello":"device"}'`;

/** Losant's inbound webhooks: a token URL whose calls become MQTT messages to devices. */
export function InboundWebhooks() {
  const can = useCan();
  const [list, setList] = useState<Inbound[] | null>(null);
  const [editing, setEditing] = useState<Inbound | 'new' | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    api<{ items: Inbound[] }>('inbound-webhooks').then(
      (r) => setList(r.items),
      (e: Error) => setError(e.message),
    );
  useEffect(() => void load(), []);
  const remove = async (w: Inbound) => {
    await api(`inbound-webhooks/${w.id}`, { method: 'DELETE' });
    await load();
  };
  return (
    <section aria-labelledby="in-h">
      <h1 id="in-h">Inbound webhooks</h1>
      {can('webhooks.post') && !editing && (
        <button type="button" onClick={() => setEditing('new')}>
          New inbound webhook
        </button>
      )}
      {editing && (
        <InboundForm
          initial={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            void load();
          }}
        />
      )}
      {error && <Notice kind="error">{error}</Notice>}
      <ul class="cards" aria-label="Inbound webhooks">
        {list?.map((w) => (
          <li key={w.id} class="card" data-inbound={w.name}>
            <h2>
              {w.name}{' '}
              <span class={`badge ${w.enabled ? 'wh-ENABLED' : 'wh-DISABLED'}`}>
                {w.enabled ? 'enabled' : 'disabled'}
              </span>
            </h2>
            {w.description && <p>{w.description}</p>}
            <p>
              Target: <code>{JSON.stringify(w.target)}</code> · answers {w.responseCode}
              {w.waitForReply ? ' or the device’s reply' : ''}
            </p>
            {w.token === MASKED ? (
              <p class="url">URL hidden: shown to tokens that may change inbound webhooks (webhook.patch).</p>
            ) : (
              <>
                <p class="url">
                  <code>{tokenUrl(w.token)}</code> <CopyButton text={tokenUrl(w.token)} label="Copy URL" />
                </p>
                <pre class="curl">{curlLine(w.token)}</pre>
                <CopyButton text={curlLine(w.token)} label="Copy curl" />
              </>
            )}
            <div class="row actions">
              {can('webhook.patch') && (
                <button type="button" class="secondary" onClick={() => setEditing(w)}>
                  Edit
                </button>
              )}
              {can('webhook.delete') && (
                <ConfirmButton label="Delete" confirm={`Delete ${w.name}?`} onConfirm={() => remove(w)} />
              )}
            </div>
          </li>
        ))}
      </ul>
      {list?.length === 0 && <p>No inbound webhooks yet.</p>}
    </section>
  );
}

function InboundForm({ initial, onDone }: { initial: Inbound | null; onDone: () => void }) {
  const t = initial?.target ?? {};
  const kind0 = (KINDS.find(([k]) => t[k])?.[0] ?? 'deviceId') as TargetKind;
  const [f, setF] = useState({
    name: initial?.name ?? '',
    description: initial?.description ?? '',
    kind: kind0,
    target: t[kind0] ?? '',
    path: t.path ?? '',
    responseCode: String(initial?.responseCode ?? 200),
    waitForReply: initial?.waitForReply ?? false,
    enabled: initial?.enabled ?? true,
    user: initial?.basicAuthUsername ?? '',
    password: '',
  });
  const target = `target.${f.kind}`;
  const { errors, fail, clear } = useFieldErrors([
    'name',
    'description',
    'target',
    target,
    'target.path',
    'responseCode',
    'basicAuthUsername',
    'basicAuthPassword',
  ]);
  const text = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: inputValue(e) });
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    const body: Record<string, unknown> = {
      name: f.name,
      description: f.description,
      target: { [f.kind]: f.target, ...(f.path && f.kind !== 'topic' ? { path: f.path } : {}) },
      responseCode: Number(f.responseCode),
      waitForReply: f.waitForReply,
      enabled: f.enabled,
    };
    if (f.user) body.basicAuthUsername = f.user;
    if (f.password) body.basicAuthPassword = f.password;
    try {
      await api(initial ? `inbound-webhooks/${initial.id}` : 'inbound-webhooks', {
        method: initial ? 'PATCH' : 'POST',
        body,
      });
      onDone();
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="panel grid" onSubmit={submit} aria-label={initial ? 'Edit inbound webhook' : 'New inbound webhook'}>
      <Field label="Name" name="name" errors={errors}>
        {(p) => <input {...p} required value={f.name} onInput={text('name')} />}
      </Field>
      <Field label="Description" name="description" errors={errors}>
        {(p) => <input {...p} value={f.description} onInput={text('description')} />}
      </Field>
      <Field label="Send to" name="targetKind">
        {(p) => (
          <select {...p} value={f.kind} onChange={text('kind')}>
            {KINDS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={f.kind === 'topic' ? 'Topic' : 'Id'} name={target} errors={errors}>
        {(p) => <input {...p} required value={f.target} onInput={text('target')} />}
      </Field>
      {f.kind !== 'topic' && (
        <Field label="Downlink path" name="target.path" errors={errors} hint="default: webhook">
          {(p) => <input {...p} value={f.path} onInput={text('path')} />}
        </Field>
      )}
      <Field label="Response code" name="responseCode" errors={errors}>
        {(p) => <input {...p} type="number" value={f.responseCode} onInput={text('responseCode')} />}
      </Field>
      <Field label="Basic auth user (optional)" name="basicAuthUsername" errors={errors}>
        {(p) => <input {...p} value={f.user} onInput={text('user')} autocomplete="off" />}
      </Field>
      <Field
        label="Basic auth password"
        name="basicAuthPassword"
        errors={errors}
        hint={initial ? 'empty keeps the current one' : undefined}
      >
        {(p) => (
          <input {...p} type="password" value={f.password} onInput={text('password')} autocomplete="new-password" />
        )}
      </Field>
      <Check
        label="Wait for the device's reply"
        checked={f.waitForReply}
        onChange={(waitForReply) => setF({ ...f, waitForReply })}
      />
      <Check label="Enabled" checked={f.enabled} onChange={(enabled) => setF({ ...f, enabled })} />
      <FormError errors={errors} />
      <div class="actions row">
        <button type="submit">{initial ? 'Save' : 'Create'}</button>
        <button type="button" class="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
