import { useState } from 'preact/hooks';
import { inputValue } from '../ui/form';

export function SignIn({ onSignIn, error }: { onSignIn: (token: string) => Promise<void>; error: string }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    await onSignIn(token.trim());
    setBusy(false);
  };
  return (
    <main id="main" class="sign-in">
      <h1>Device gateway console</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <div class="field">
          <label for="token">API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="off"
            required
            value={token}
            onInput={(e) => setToken(inputValue(e))}
            aria-describedby="token-hint"
          />
          <small id="token-hint" class="hint">
            Kept in this tab only (sessionStorage) until you sign out or close it.
          </small>
        </div>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
    </main>
  );
}
