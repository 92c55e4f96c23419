import { label, OP_LABELS, STATUS_LABELS, TRIGGER_LABELS } from '../labels';
import { Check, Field, type FieldErrors, inputValue } from '../ui/form';
import { Picker } from '../ui/picker';
import type { WebhookChoices } from './webhook-choices';
import {
  type Draft,
  isDatastream,
  isLogEvent,
  OPS,
  scopeFor,
  STATUSES,
  THRESHOLD_OPS,
  TRIGGERS,
} from './webhook-draft';

export interface DraftProps {
  draft: Draft;
  errors: FieldErrors;
  update: (patch: Partial<Draft>) => void;
}

/**
 * Trigger type, Kobiton's status toggles, the device/template scope, datastream or event code, condition. The
 * device, template and datastream are picked from the API's lists (typing filters them; the id stays visible).
 */
export function TriggerFields({ draft: d, errors, update, choices }: DraftProps & { choices: WebhookChoices }) {
  const text = (k: keyof Draft) => (e: Event) => update({ [k]: inputValue(e) });
  const needsScope = isDatastream(d.trigger) || isLogEvent(d.trigger);
  const scopeKind = needsScope ? scopeFor(d.trigger) : d.scopeKind;
  const scopeName = scopeKind ? `dataTrigger.${scopeKind}` : 'dataTrigger';
  return (
    <fieldset>
      <legend>Trigger</legend>
      <Field label="Trigger type" name="trigger" errors={errors}>
        {(p) => (
          <select
            {...p}
            value={d.trigger}
            onChange={(e) => {
              const trigger = inputValue(e);
              const kind = isDatastream(trigger) || isLogEvent(trigger) ? scopeFor(trigger) : d.scopeKind;
              // A template id is no device id (nor the other way round): a new kind of scope starts empty.
              update({ trigger, scopeKind: kind, scopeId: kind === scopeKind ? d.scopeId : '' });
            }}
          >
            {TRIGGERS.map((t) => (
              <option key={t} value={t}>
                {label(TRIGGER_LABELS, t)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {d.trigger === 'DEVICE_STATUS' && (
        <fieldset class="toggles" data-field="dataTrigger.statuses">
          <legend>Fire on status</legend>
          {STATUSES.map((s) => (
            <Check
              key={s}
              name={`status-${s}`}
              label={STATUS_LABELS[s]}
              checked={d.statuses[s]}
              onChange={(v) => update({ statuses: { ...d.statuses, [s]: v } })}
            />
          ))}
          {errors['dataTrigger.statuses'] && (
            <p class="field-error" role="alert">
              {errors['dataTrigger.statuses']}
            </p>
          )}
        </fieldset>
      )}
      <div class="grid">
        {!needsScope && (
          <Field label="Scope" name="scopeKind">
            {(p) => (
              <select
                {...p}
                value={d.scopeKind}
                onChange={(e) => update({ scopeKind: inputValue(e) as Draft['scopeKind'] })}
              >
                <option value="">every device</option>
                <option value="deviceId">one device</option>
                <option value="templateId">one template</option>
              </select>
            )}
          </Field>
        )}
        {scopeKind && (
          <Field
            label={scopeKind === 'deviceId' ? 'Device' : 'Template'}
            name={scopeName}
            errors={errors}
            hint="type to filter by name or id"
          >
            {(p) => (
              <Picker
                control={p}
                value={d.scopeId}
                choices={scopeKind === 'deviceId' ? choices.devices : choices.templates}
                onChange={(scopeId) => update({ scopeId })}
              />
            )}
          </Field>
        )}
        {isDatastream(d.trigger) && (
          <Field label="Datastream" name="dataTrigger.dataStream" errors={errors}>
            {(p) => (
              <Picker
                control={p}
                value={d.dataStream}
                choices={choices.datastreams(scopeKind, d.scopeId)}
                onChange={(dataStream) => update({ dataStream })}
              />
            )}
          </Field>
        )}
        {isLogEvent(d.trigger) && (
          <Field label="Event code" name="dataTrigger.eventCode" errors={errors}>
            {(p) => <input {...p} value={d.eventCode} onInput={text('eventCode')} />}
          </Field>
        )}
      </div>
      {isDatastream(d.trigger) && <ConditionBuilder draft={d} errors={errors} update={update} />}
      {errors.dataTrigger && (
        <p class="field-error" role="alert">
          {errors.dataTrigger}
        </p>
      )}
    </fieldset>
  );
}

function ConditionBuilder({ draft: d, errors, update }: DraftProps) {
  const text = (k: keyof Draft) => (e: Event) => update({ [k]: inputValue(e) });
  const threshold = THRESHOLD_OPS.has(d.op);
  const range = d.op === 'between' || d.op === 'outside';
  return (
    <fieldset class="grid condition">
      <legend>Condition</legend>
      <Field label="Fire when the value" name="dataTrigger.condition" errors={errors}>
        {(p) => (
          <select {...p} value={d.op} onChange={text('op')}>
            <option value="">is updated (no condition)</option>
            {OPS.map((op) => (
              <option key={op} value={op}>
                {label(OP_LABELS, op)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {d.op && d.op !== 'any' && d.op !== 'changed' && (
        <Field label={range ? 'From' : 'Value'} name="dataTrigger.condition.value" errors={errors}>
          {(p) => (
            <input {...p} value={d.value} onInput={text('value')} inputMode={threshold ? 'decimal' : undefined} />
          )}
        </Field>
      )}
      {range && (
        <Field label="To" name="dataTrigger.condition.value2" errors={errors}>
          {(p) => <input {...p} value={d.value2} onInput={text('value2')} inputMode="decimal" />}
        </Field>
      )}
      {threshold && (
        <Field
          label="Hysteresis"
          name="dataTrigger.condition.hysteresis"
          errors={errors}
          hint="re-arms this far past the threshold"
        >
          {(p) => <input {...p} value={d.hysteresis} onInput={text('hysteresis')} inputMode="decimal" />}
        </Field>
      )}
      {d.op && (
        <Field label="Must hold for (ms)" name="dataTrigger.condition.forMs" errors={errors}>
          {(p) => <input {...p} value={d.forMs} onInput={text('forMs')} inputMode="numeric" />}
        </Field>
      )}
      <Field label="At most once per (ms)" name="dataTrigger.throttleMs" errors={errors}>
        {(p) => <input {...p} value={d.throttleMs} onInput={text('throttleMs')} inputMode="numeric" />}
      </Field>
    </fieldset>
  );
}
