import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiFailure, errorText } from '../api';

export type FieldErrors = Record<string, string>;

/**
 * Holds a form's API errors by field. Each message goes to the most specific known field its path starts
 * with ("dataTrigger.condition.value must …" → dataTrigger.condition.value, else dataTrigger…), the rest to
 * the form as a whole (key '').
 */
export function useFieldErrors(known: readonly string[]) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const fail = (e: unknown) => {
    const out: FieldErrors = {};
    const add = (field: string, message: string) => (out[field] = out[field] ? `${out[field]}; ${message}` : message);
    if (!(e instanceof ApiFailure)) return setErrors({ '': errorText(e) });
    for (const { field, message } of e.fieldMessages()) {
      const target = [...known]
        .sort((a, b) => b.length - a.length)
        .find((k) => field === k || field.startsWith(`${k}.`));
      add(target ?? '', message);
    }
    setErrors(out);
  };
  return { errors, fail, clear: () => setErrors({}) };
}

let nextId = 0;
const uid = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}-${++nextId}`;

export interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

/** A labelled control with the API's message for it right below (announced, and linked by aria-describedby). */
export function Field(props: {
  label: string;
  name: string;
  errors?: FieldErrors;
  hint?: string;
  children: (control: ControlProps) => ComponentChildren;
}) {
  const [id] = useState(() => uid(props.name));
  const error = props.errors?.[props.name];
  const described = [error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' invalid' : ''}`} data-field={props.name}>
      <label for={id}>{props.label}</label>
      {props.children({ id, name: props.name, 'aria-invalid': !!error, 'aria-describedby': described || undefined })}
      {props.hint && (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function FormError({ errors }: { errors: FieldErrors }) {
  return errors[''] ? (
    <p class="form-error" role="alert">
      {errors['']}
    </p>
  ) : null;
}

export const inputValue = (e: Event) => (e.currentTarget as HTMLInputElement).value;
export const checked = (e: Event) => (e.currentTarget as HTMLInputElement).checked;

export function Check(props: { label: string; checked: boolean; onChange: (v: boolean) => void; name?: string }) {
  return (
    <label class="check">
      <input type="checkbox" name={props.name} checked={props.checked} onChange={(e) => props.onChange(checked(e))} />
      {props.label}
    </label>
  );
}
