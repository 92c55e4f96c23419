import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../api';

export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleString() : '—');

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('Copied');
    } catch {
      setState('Select the text and copy it');
    }
  };
  return (
    <span class="copy">
      <button type="button" class="secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" class="copy-state">
        {state}
      </span>
    </span>
  );
}

/** A secret the API shows once: in a box to copy, with a warning it will not be shown again. */
export function ShownOnce({ label, value, onDone }: { label: string; value: string; onDone?: () => void }) {
  return (
    <section class="shown-once" aria-label={label}>
      <p>
        <strong>{label}</strong> — shown once; copy it now.
      </p>
      <code class="secret" data-testid="secret">
        {value}
      </code>
      <div class="row">
        <CopyButton text={value} />
        {onDone && (
          <button type="button" class="secondary" onClick={onDone}>
            Done
          </button>
        )}
      </div>
    </section>
  );
}

/** A destructive action behind a second, explicit confirmation click. */
export function ConfirmButton(props: { label: string; confirm: string; onConfirm: () => Promise<unknown> | void }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState('');
  if (!asking)
    return (
      <button type="button" class="danger" onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  const run = async () => {
    try {
      await props.onConfirm();
      setAsking(false);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <span class="confirm" role="group" aria-label={props.confirm}>
      <span>{props.confirm}</span>
      <button type="button" class="danger" onClick={run}>
        Yes, {props.label.toLowerCase()}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
      {error && <span role="alert">{error}</span>}
    </span>
  );
}

export function Pager(props: { page: number; size: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(props.total / props.size));
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" class="secondary" disabled={props.page === 0} onClick={() => props.onPage(props.page - 1)}>
        Previous
      </button>
      <span>
        Page {props.page + 1} of {pages} ({props.total})
      </span>
      <button
        type="button"
        class="secondary"
        disabled={props.page + 1 >= pages}
        onClick={() => props.onPage(props.page + 1)}
      >
        Next
      </button>
    </nav>
  );
}

export function Notice({ children, kind = 'info' }: { children: ComponentChildren; kind?: 'info' | 'error' }) {
  return (
    <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

export const TableWrap = ({ children, label }: { children: ComponentChildren; label: string }) => (
  <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
    {children}
  </div>
);
