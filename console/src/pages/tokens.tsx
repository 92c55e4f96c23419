import { useContext, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { MeContext, useCan } from '../me';
import type { ApiToken as Token, PageOf } from '../types';
import { Check, Field, FormError, inputValue, useFieldErrors } from '../ui/form';
import { ConfirmButton, Notice, ShownOnce, when } from '../ui/widgets';

const PRESETS = [
  'all.Organization',
  'all.Organization.read',
  'devices.*',
  'device.*',
  'webhooks.*',
  'webhook.*',
  'events.get',
  'mqtt.*',
];

export function Tokens() {
  const can = useCan();
  const me = useContext(MeContext);
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    api<PageOf<Token>>('tokens?size=1000').then(
      (p) => setTokens(p.items),
      (e: Error) => setError(e.message),
    );
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="tokens-h">
      <h1 id="tokens-h">API tokens</h1>
      {can('tokens.post') && <NewToken onCreated={load} />}
      {error && <Notice kind="error">{error}</Notice>}
      <ul class="cards" aria-label="API tokens">
        {tokens?.map((t) => (
          <li key={t.id} class="card" data-token={t.name}>
            <h2>
              {t.name} {t.id === me.id && <small class="badge">this session</small>}
            </h2>
            <p>
              {t.scopes.map((s) => (
                <code key={s} class="scope">
                  {s}
                </code>
              ))}
            </p>
            <p class="muted">created {when(t.createdAt)}</p>
            {can('token.delete') && t.id !== me.id && (
              <ConfirmButton
                label="Revoke"
                confirm={`Revoke ${t.name}? Anything using it stops working.`}
                onConfirm={async () => {
                  await api(`tokens/${t.id}`, { method: 'DELETE' });
                  await load();
                }}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewToken({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [extra, setExtra] = useState('');
  const [created, setCreated] = useState('');
  const { errors, fail, clear } = useFieldErrors(['name', 'scopes']);
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    const scopes = [...picked, ...extra.split(/[\s,]+/).filter(Boolean)];
    try {
      setCreated((await api<{ token: string }>('tokens', { method: 'POST', body: { name, scopes } })).token);
      setName('');
      setPicked([]);
      setExtra('');
      onCreated();
    } catch (err) {
      fail(err);
    }
  };
  return (
    <div class="panel">
      <form class="grid" onSubmit={submit} aria-label="New API token">
        <Field label="Name" name="name" errors={errors}>
          {(p) => <input {...p} required value={name} onInput={(e) => setName(inputValue(e))} />}
        </Field>
        <fieldset class="toggles">
          <legend>Scopes</legend>
          {PRESETS.map((s) => (
            <Check
              key={s}
              label={s}
              checked={picked.includes(s)}
              onChange={(on) => setPicked(on ? [...picked, s] : picked.filter((x) => x !== s))}
            />
          ))}
        </fieldset>
        <Field label="More scopes" name="scopes" errors={errors} hint="comma-separated, e.g. devices.get, device.patch">
          {(p) => <input {...p} value={extra} onInput={(e) => setExtra(inputValue(e))} />}
        </Field>
        <FormError errors={errors} />
        <div class="actions">
          <button type="submit">Create token</button>
        </div>
      </form>
      {created && <ShownOnce label="API token" value={created} onDone={() => setCreated('')} />}
    </div>
  );
}
