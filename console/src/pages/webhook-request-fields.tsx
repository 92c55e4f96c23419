import { useRef, useState } from 'preact/hooks';
import { AUTH_LABELS, CONTENT_TYPE_LABELS } from '../labels';
import { Field, inputValue } from '../ui/form';
import { placeholdersFor } from './webhook-draft';
import type { DraftProps } from './webhook-trigger-fields';

/** Method, content type, body template with a placeholder picker, headers, and the callback's auth. */
export function RequestFields({ draft: d, errors, update }: DraftProps) {
  const text = (k: keyof typeof d) => (e: Event) => update({ [k]: inputValue(e) });
  const body = useRef<HTMLTextAreaElement>(null);
  const options = placeholdersFor(d.trigger);
  const [pick, setPick] = useState(options[0]);
  const insert = () => {
    const el = body.current;
    const token = `{${options.includes(pick) ? pick : options[0]}}`;
    const at = el?.selectionStart ?? d.body.length;
    const end = el?.selectionEnd ?? at;
    update({ body: d.body.slice(0, at) + token + d.body.slice(end) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + token.length, at + token.length);
    });
  };
  const setHeader = (i: number, k: 0 | 1, v: string) =>
    update({ headers: d.headers.map((h, j) => (j === i ? (k === 0 ? [v, h[1]] : [h[0], v]) : h)) });
  return (
    <fieldset>
      <legend>Request</legend>
      <div class="grid">
        <Field label="Method" name="method" errors={errors}>
          {(p) => (
            <select {...p} value={d.method} onChange={text('method')}>
              {['POST', 'PUT', 'PATCH', 'GET', 'DELETE'].map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Content type" name="contentType" errors={errors}>
          {(p) => (
            <select {...p} value={d.contentType} onChange={text('contentType')}>
              {Object.entries(CONTENT_TYPE_LABELS).map(([m, name]) => (
                <option key={m} value={m}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Body template" name="body" errors={errors} hint="empty: Kobiton's payload with the event's data">
        {(p) => <textarea {...p} ref={body} rows={4} value={d.body} onInput={text('body')} />}
      </Field>
      <div class="row picker">
        <label for="placeholder-pick">Placeholder</label>
        <select id="placeholder-pick" value={pick} onChange={(e) => setPick(inputValue(e))}>
          {options.map((o) => (
            <option key={o} value={o}>{`{${o}}`}</option>
          ))}
        </select>
        <button type="button" class="secondary" onClick={insert}>
          Insert into body
        </button>
      </div>
      <fieldset class="headers" data-field="headers">
        <legend>Headers</legend>
        {d.headers.map(([k, v], i) => (
          <div class="row" key={i}>
            <input aria-label={`Header ${i + 1} name`} value={k} onInput={(e) => setHeader(i, 0, inputValue(e))} />
            <input aria-label={`Header ${i + 1} value`} value={v} onInput={(e) => setHeader(i, 1, inputValue(e))} />
            <button
              type="button"
              class="secondary"
              onClick={() => update({ headers: d.headers.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </div>
        ))}
        <button type="button" class="secondary" onClick={() => update({ headers: [...d.headers, ['', '']] })}>
          Add header
        </button>
        {errors.headers && (
          <p class="field-error" role="alert">
            {errors.headers}
          </p>
        )}
      </fieldset>
      <AuthFields draft={d} errors={errors} update={update} />
    </fieldset>
  );
}

function AuthFields({ draft: d, errors, update }: DraftProps) {
  const text = (k: keyof typeof d) => (e: Event) => update({ [k]: inputValue(e) });
  return (
    <fieldset class="grid">
      <legend>Authentication</legend>
      <Field label="Auth type" name="authType" errors={errors}>
        {(p) => (
          <select {...p} value={d.authType} onChange={text('authType')}>
            {Object.entries(AUTH_LABELS).map(([m, name]) => (
              <option key={m} value={m}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {d.authType === 'BASIC' && (
        <>
          <Field label="Username" name="basicAuth" errors={errors}>
            {(p) => <input {...p} value={d.basicUser} onInput={text('basicUser')} autocomplete="off" />}
          </Field>
          <Field label="Password" name="basicAuth.password" errors={errors}>
            {(p) => (
              <input
                {...p}
                type="password"
                value={d.basicPass}
                onInput={text('basicPass')}
                autocomplete="new-password"
              />
            )}
          </Field>
        </>
      )}
      {d.authType === 'BEARER' && (
        <Field label="Bearer token" name="bearerToken" errors={errors}>
          {(p) => <input {...p} type="password" value={d.bearer} onInput={text('bearer')} autocomplete="off" />}
        </Field>
      )}
      {d.authType === 'OAUTH2' && (
        <>
          <Field label="Token URL" name="oAuth2Request" errors={errors} hint="OAuth2 client credentials">
            {(p) => <input {...p} value={d.oauthUrl} onInput={text('oauthUrl')} />}
          </Field>
          <Field label="Client id" name="oAuth2Request.clientId" errors={errors}>
            {(p) => <input {...p} value={d.oauthId} onInput={text('oauthId')} />}
          </Field>
          <Field label="Client secret" name="oAuth2Request.clientSecret" errors={errors}>
            {(p) => (
              <input {...p} type="password" value={d.oauthSecret} onInput={text('oauthSecret')} autocomplete="off" />
            )}
          </Field>
          <Field label="Scope" name="oAuth2Request.scope" errors={errors}>
            {(p) => <input {...p} value={d.oauthScope} onInput={text('oauthScope')} />}
          </Field>
        </>
      )}
    </fieldset>
  );
}
