import { useState } from 'preact/hooks';
import { logout, type PageProps, session, styles as s, TextField, toApiError, usePageMeta } from '../../../client';

/** Only paths on this site: anything else returns to the home page. */
export function safeRedirect(value: string | undefined): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : '/';
}

export function LoginPage({ query }: PageProps) {
  usePageMeta({ title: 'Sign in', description: 'Sign in with your AT Protocol account.' });
  const redirect = safeRedirect(query.redirect);
  const error = query.error || query.login_error;
  const [handle, setHandle] = useState('');
  const [missing, setMissing] = useState(false);
  const current = session.value;

  if (current?.loggedIn) return <SignedIn handle={current.handle ?? current.did ?? 'your account'} redirect={redirect} />;

  return (
    <div class={`${s.stack} ${s.card}`} style={{ maxWidth: '30rem' }}>
      <h1>Sign in</h1>
      <p class={s.muted}>
        Use your AT Protocol account: a Bluesky handle, your own domain, or your PDS’s address. You’ll confirm on your
        account’s server and come back here.
      </p>
      {error && (
        <div class={s.alert.error} role="alert" data-testid="login-error">
          {error}
        </div>
      )}
      {/* A plain GET form: signing in works before the page's script has loaded. */}
      <form
        method="get"
        action="/oauth/login"
        class={s.stack}
        noValidate
        onSubmit={(e) => {
          if (!handle.trim()) {
            e.preventDefault();
            setMissing(true);
          }
        }}
      >
        <TextField
          label="Handle"
          name="handle"
          value={handle}
          onInput={(v) => {
            setHandle(v);
            setMissing(false);
          }}
          placeholder="alice.bsky.social"
          autoComplete="username"
          error={missing ? 'Enter your handle.' : undefined}
          required
        />
        <input type="hidden" name="redirect" value={redirect} />
        <div>
          <button type="submit" class={s.button.primary}>
            Sign in
          </button>
        </div>
      </form>
    </div>
  );
}

function SignedIn({ handle, redirect }: { handle: string; redirect: string }) {
  const [error, setError] = useState<string>();
  return (
    <div class={`${s.stack} ${s.card}`} style={{ maxWidth: '30rem' }}>
      <h1>Signed in</h1>
      <p>
        You are signed in as <strong>{handle.startsWith('did:') ? handle : `@${handle}`}</strong>.
      </p>
      <div class={s.row}>
        <a class={s.button.primary} href={redirect}>
          Continue
        </a>
        <button
          type="button"
          class={s.button.secondary}
          onClick={() => logout().catch((e) => setError(toApiError(e).message))}
        >
          Sign out
        </button>
      </div>
      {error && (
        <p role="alert" class={s.fieldError}>
          {error}
        </p>
      )}
    </div>
  );
}
