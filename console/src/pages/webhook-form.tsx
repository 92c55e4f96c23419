import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useCan } from '../me';
import { href } from '../router';
import type { User, Webhook, PageOf } from '../types';
import { Check, Field, FormError, inputValue, useFieldErrors } from '../ui/form';
import { ConfirmButton, Notice, ShownOnce } from '../ui/widgets';
import { type Draft, draftOf, emptyDraft, payloadOf } from './webhook-draft';
import { RequestFields } from './webhook-request-fields';
import { SignatureFields } from './webhook-signature-fields';
import { TriggerFields } from './webhook-trigger-fields';
import { useWebhookChoices } from './webhook-choices';
import { TestButton } from './webhooks';

/** Every field path the API may name in a 400, so its message lands next to that field. */
const FIELDS = [
  'name',
  'url',
  'description',
  'trigger',
  'dataTrigger',
  'dataTrigger.deviceId',
  'dataTrigger.templateId',
  'dataTrigger.dataStream',
  'dataTrigger.eventCode',
  'dataTrigger.statuses',
  'dataTrigger.condition',
  'dataTrigger.condition.value',
  'dataTrigger.condition.value2',
  'dataTrigger.condition.hysteresis',
  'dataTrigger.condition.forMs',
  'dataTrigger.throttleMs',
  'method',
  'contentType',
  'body',
  'headers',
  'authType',
  'basicAuth',
  'bearerToken',
  'oAuth2Request',
  'failureReceivers',
  'failureLimit',
  'signature',
  'signature.header',
  'signature.encoding',
  'signature.prefix',
  'signature.timestampHeader',
  'signature.signTimestamp',
  'rateLimitPerMinute',
];

/** Create (id null) or edit one webhook: Kobiton's fields first, then Blynk's. */
export function WebhookForm(props: { id: number | null }) {
  const can = useCan();
  // Null until created; after a create, saves go to the new webhook.
  const [id, setId] = useState(props.id);
  const [draft, setDraft] = useState<Draft | null>(id === null ? emptyDraft() : null);
  const [users, setUsers] = useState<User[]>([]);
  const [secret, setSecret] = useState('');
  const [saved, setSaved] = useState('');
  const [loadError, setLoadError] = useState('');
  const { errors, fail, clear } = useFieldErrors(FIELDS);
  const choices = useWebhookChoices();
  const editable = id === null ? can('webhooks.post') : can('webhook.put');

  useEffect(() => {
    if (id !== null)
      api<Webhook>(`webhooks/${id}`).then(
        (w) => setDraft(draftOf(w)),
        (e: Error) => setLoadError(e.message),
      );
    if (can('users.get'))
      api<PageOf<User>>('users?size=1000').then(
        (p) => setUsers(p.items),
        () => setUsers([]),
      );
  }, [props.id]);

  if (loadError) return <Notice kind="error">{loadError}</Notice>;
  if (!draft) return <p class="loading">Loading…</p>;
  const update = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const text = (k: keyof Draft) => (e: Event) => update({ [k]: inputValue(e) });

  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    setSaved('');
    try {
      if (id === null) {
        const created = await api<Webhook & { secret: string }>('webhooks', { method: 'POST', body: payloadOf(draft) });
        setSecret(created.secret);
        setSaved(`Created webhook ${created.id}.`);
        setId(created.id);
        history.replaceState(null, '', href('webhooks', created.id));
      } else {
        setDraft(draftOf(await api<Webhook>(`webhooks/${id}`, { method: 'PUT', body: payloadOf(draft) })));
        setSaved('Saved.');
      }
    } catch (err) {
      fail(err);
    }
  };
  const rotate = async () =>
    setSecret((await api<{ secret: string }>(`webhooks/${id}/secret`, { method: 'POST' })).secret);

  return (
    <section aria-labelledby="wh-h">
      <p>
        <a href={href('webhooks')}>← Webhooks</a>
      </p>
      <h1 id="wh-h">{id === null ? 'New webhook' : `Webhook: ${draft.name}`}</h1>
      {secret && <ShownOnce label="Signing secret" value={secret} onDone={() => setSecret('')} />}
      {saved && <Notice>{saved}</Notice>}
      <form onSubmit={submit} aria-label="Webhook" class="webhook-form">
        <fieldset disabled={!editable}>
          <fieldset class="grid">
            <legend>Webhook</legend>
            <Field label="Name" name="name" errors={errors}>
              {(p) => <input {...p} required maxLength={50} value={draft.name} onInput={text('name')} />}
            </Field>
            <Field label="URL" name="url" errors={errors} hint="placeholders such as {device_id} allowed">
              {(p) => <input {...p} required value={draft.url} onInput={text('url')} inputMode="url" />}
            </Field>
            <Field label="Description" name="description" errors={errors}>
              {(p) => <textarea {...p} rows={2} value={draft.description} onInput={text('description')} />}
            </Field>
            <Check label="Enabled" name="enabled" checked={draft.enabled} onChange={(enabled) => update({ enabled })} />
          </fieldset>
          <TriggerFields draft={draft} errors={errors} update={update} choices={choices} />
          <RequestFields draft={draft} errors={errors} update={update} />
          <SignatureFields draft={draft} errors={errors} update={update} />
          <FailureFields draft={draft} users={users} errors={errors} update={update} />
          <FormError errors={errors} />
          {editable && (
            <div class="actions">
              <button type="submit">{id === null ? 'Create webhook' : 'Save'}</button>
            </div>
          )}
        </fieldset>
      </form>
      {id !== null && (
        <div class="row actions">
          <a href={href('webhooks', id, 'deliveries')}>Delivery log</a>
          {can('webhook.patch') && <TestButton id={id} />}
          {can('webhook.patch') && (
            <ConfirmButton
              label="Rotate signing secret"
              confirm="The old secret stays valid for 24 h."
              onConfirm={rotate}
            />
          )}
        </div>
      )}
    </section>
  );
}

function FailureFields(props: {
  draft: Draft;
  users: User[];
  errors: Record<string, string>;
  update: (p: Partial<Draft>) => void;
}) {
  const { draft: d, users, errors, update } = props;
  const toggle = (uid: number, on: boolean) =>
    update({ failureReceivers: on ? [...d.failureReceivers, uid] : d.failureReceivers.filter((x) => x !== uid) });
  return (
    <fieldset class="grid">
      <legend>Delivery and failures</legend>
      <Field
        label="At most this many callbacks per minute"
        name="rateLimitPerMinute"
        errors={errors}
        hint="empty: no limit; over it, deliveries wait their turn"
      >
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            value={d.rateLimit}
            placeholder="no limit"
            onInput={(e) => update({ rateLimit: inputValue(e) })}
          />
        )}
      </Field>
      <Field label="Disable after this many failed attempts in a row" name="failureLimit" errors={errors}>
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            value={d.failureLimit}
            onInput={(e) => update({ failureLimit: inputValue(e) })}
          />
        )}
      </Field>
      <fieldset class="toggles" data-field="failureReceivers">
        <legend>Notify when disabled</legend>
        {users.map((u) => (
          <Check
            key={u.id}
            label={`${u.name} <${u.email}>`}
            checked={d.failureReceivers.includes(u.id)}
            onChange={(on) => toggle(u.id, on)}
          />
        ))}
        {users.length === 0 && <small class="hint">No users to notify.</small>}
        {errors.failureReceivers && (
          <p class="field-error" role="alert">
            {errors.failureReceivers}
          </p>
        )}
      </fieldset>
    </fieldset>
  );
}
