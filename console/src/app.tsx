import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, errorText } from './api';
import { live } from './live';
import { MeContext } from './me';
import { href, useRoute } from './router';
import { allows, type Me, session } from './session';
import { Page } from './pages/pages';
import { SignIn } from './pages/sign-in';

const SECTIONS: [string, string, string][] = [
  ['devices', 'Devices', 'devices.get'],
  ['webhooks', 'Webhooks', 'webhooks.get'],
  ['inbound', 'Inbound webhooks', 'webhooks.get'],
  ['users', 'Users', 'users.get'],
  ['tokens', 'API tokens', 'tokens.get'],
  ['events', 'Live events', 'events.get'],
];

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(!!session.token());
  const [error, setError] = useState('');

  const signIn = async (token: string) => {
    setError('');
    try {
      const who = await api<Me>('tokens/current', { token });
      session.save(token);
      setMe(who);
      if (allows(who.scopes, 'events.get')) live.start();
    } catch (e) {
      session.clear();
      setError(
        e instanceof ApiFailure && e.status === 401 ? 'That token is not valid (or was revoked).' : errorText(e),
      );
    } finally {
      setChecking(false);
    }
  };
  const signOut = () => {
    live.stop();
    session.clear();
    setMe(null);
    location.hash = '';
  };
  useEffect(() => {
    const saved = session.token();
    if (saved) void signIn(saved);
  }, []);

  if (checking) return <p class="loading">Checking the saved token…</p>;
  if (!me) return <SignIn onSignIn={signIn} error={error} />;
  return (
    <MeContext.Provider value={me}>
      <Shell me={me} onSignOut={signOut} />
    </MeContext.Provider>
  );
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const route = useRoute();
  const [connected, setConnected] = useState(live.connected);
  useEffect(() => {
    live.onState = setConnected;
    // The stream may have connected between the first render and this effect.
    setConnected(live.connected);
    return () => (live.onState = () => {});
  }, []);
  const sections = SECTIONS.filter(([, , scope]) => allows(me.scopes, scope));
  const current = route[0] ?? sections[0]?.[0] ?? '';
  return (
    <>
      <a class="skip" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header class="top">
        <strong class="brand">Device gateway</strong>
        <nav aria-label="Sections">
          {sections.map(([id, label]) => (
            <a key={id} href={href(id)} aria-current={current === id ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class={`live ${connected ? 'on' : 'off'}`} role="status">
            {connected ? 'Live' : 'Not live'}
          </span>
          <span title={me.scopes.join(', ')}>
            {me.name || 'token'} · org {me.orgId}
          </span>
          <button type="button" class="secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route.length ? route : [current]} />
      </main>
    </>
  );
}

function skipToMain(e: Event) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}
