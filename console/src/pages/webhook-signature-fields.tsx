import { Check, Field, inputValue } from '../ui/form';
import type { Draft } from './webhook-draft';
import type { DraftProps } from './webhook-trigger-fields';

/** Standard Webhooks by default, or the HMAC-SHA256 header an existing receiver already checks. */
export function SignatureFields({ draft: d, errors, update }: DraftProps) {
  const text = (k: keyof Draft) => (e: Event) => update({ [k]: inputValue(e) });
  const own = d.sigType === 'HMAC_SHA256';
  return (
    <fieldset class="grid">
      <legend>Signature</legend>
      <Field
        label="Signature scheme"
        name="signature"
        errors={errors}
        hint="HMAC keys: the signing secret's text as shown (whsec_… included)"
      >
        {(p) => (
          <select {...p} value={d.sigType} onChange={(e) => update({ sigType: inputValue(e) as Draft['sigType'] })}>
            <option value="STANDARD_WEBHOOKS">Standard Webhooks (webhook-signature)</option>
            <option value="HMAC_SHA256">HMAC-SHA256 of the body in a header of its own</option>
          </select>
        )}
      </Field>
      {own && (
        <>
          <Field label="Signature header" name="signature.header" errors={errors} hint="e.g. X-Hub-Signature-256">
            {(p) => <input {...p} required value={d.sigHeader} onInput={text('sigHeader')} />}
          </Field>
          <Field label="Encoding" name="signature.encoding" errors={errors}>
            {(p) => (
              <select
                {...p}
                value={d.sigEncoding}
                onChange={(e) => update({ sigEncoding: inputValue(e) as Draft['sigEncoding'] })}
              >
                <option value="hex">hex</option>
                <option value="base64">base64</option>
              </select>
            )}
          </Field>
          <Field label="Prefix" name="signature.prefix" errors={errors} hint="before the signature, e.g. sha256=">
            {(p) => <input {...p} value={d.sigPrefix} onInput={text('sigPrefix')} />}
          </Field>
          <Field
            label="Timestamp header"
            name="signature.timestampHeader"
            errors={errors}
            hint="optional: Unix seconds"
          >
            {(p) => <input {...p} value={d.sigTimestampHeader} onInput={text('sigTimestampHeader')} />}
          </Field>
          {d.sigTimestampHeader.trim() !== '' && (
            <Check
              label="Sign “timestamp.body” instead of the body"
              name="signature.signTimestamp"
              checked={d.sigSignTimestamp}
              onChange={(sigSignTimestamp) => update({ sigSignTimestamp })}
            />
          )}
        </>
      )}
    </fieldset>
  );
}
