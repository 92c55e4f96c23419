import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { useCan } from '../me';
import type { Notification as Note, PageOf, User } from '../types';
import { Field, FormError, inputValue, useFieldErrors } from '../ui/form';
import { ConfirmButton, Notice, when } from '../ui/widgets';

export function Users() {
  const can = useCan();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    api<PageOf<User>>('users?size=1000').then(
      (p) => setUsers(p.items),
      (e: Error) => setError(e.message),
    );
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="users-h">
      <h1 id="users-h">Users</h1>
      <p class="hint">Users named as a webhook's failure receivers are notified when it is disabled.</p>
      {can('users.post') && <NewUser onCreated={load} />}
      {error && <Notice kind="error">{error}</Notice>}
      <ul class="cards" aria-label="Users">
        {users?.map((u) => (
          <li key={u.id} class="card">
            <h2>
              {u.name} <small class="muted">{u.email}</small>
            </h2>
            {can('user.get') && <Notifications userId={u.id} />}
            {can('user.delete') && (
              <ConfirmButton
                label="Delete"
                confirm={`Delete ${u.email}?`}
                onConfirm={async () => {
                  await api(`users/${u.id}`, { method: 'DELETE' });
                  await load();
                }}
              />
            )}
          </li>
        ))}
      </ul>
      {users?.length === 0 && <p>No users yet.</p>}
    </section>
  );
}

function Notifications({ userId }: { userId: number }) {
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [error, setError] = useState('');
  const open = (e: Event) => {
    if ((e.currentTarget as HTMLDetailsElement).open && !notes)
      api<Note[]>(`users/${userId}/notifications`).then(setNotes, (err) => setError(errorText(err)));
  };
  return (
    <details onToggle={open}>
      <summary>Failure notifications</summary>
      {error && <Notice kind="error">{error}</Notice>}
      <ul>
        {notes?.map((n) => (
          <li key={n.id}>
            <time>{when(n.createdAt)}</time> <strong>{n.title}</strong> — {n.message}
          </li>
        ))}
      </ul>
      {notes?.length === 0 && <p>None.</p>}
    </details>
  );
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [f, setF] = useState({ email: '', name: '' });
  const { errors, fail, clear } = useFieldErrors(['email', 'name']);
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    try {
      await api('users', { method: 'POST', body: f });
      setF({ email: '', name: '' });
      onCreated();
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="panel grid" onSubmit={submit} aria-label="New user">
      <Field label="E-mail" name="email" errors={errors}>
        {(p) => (
          <input {...p} type="email" required value={f.email} onInput={(e) => setF({ ...f, email: inputValue(e) })} />
        )}
      </Field>
      <Field label="Name" name="name" errors={errors}>
        {(p) => <input {...p} required value={f.name} onInput={(e) => setF({ ...f, name: inputValue(e) })} />}
      </Field>
      <FormError errors={errors} />
      <div class="actions">
        <button type="submit">Add user</button>
      </div>
    </form>
  );
}
