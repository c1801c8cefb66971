// The signed-in person's account page, /account: who they are signed in as,
// and their personal access tokens, which scripts and AI agents (MCP) send as
// `Authorization: Bearer exo_…` to act as them. A token's secret is shown
// once, right after it is made; the list shows each token's access, expiry
// and last use, and revokes it.
import { useState } from 'preact/hooks';
import {
  atHandle,
  CopyButton,
  ErrorAlert,
  formatDate,
  LIMITS,
  Notice,
  RadioGroup,
  type Schemas,
  SelectField,
  session,
  Skeleton,
  SkeletonList,
  styles as s,
  TextField,
  useAction,
  usePageMeta,
  useQuery,
  useSignInHref,
  validateText,
  xrpcProcedure,
} from '../../../client';
import { tokensQuery } from '../routes';
import * as css from './admin.css';

type Token = Schemas['site.exosphere.auth.defs.tokenView'];
type Access = 'read' | 'write';
type Expiry = '30' | '90' | '365' | 'never';

const TITLE = 'Your account';

const ACCESS_OPTIONS = [
  { value: 'read', label: 'Read only', hint: 'reads what you can read here; cannot post, vote or change anything' },
  { value: 'write', label: 'Read and write', hint: 'can also do everything you can do here: post, vote, moderate' },
] as const satisfies readonly { value: Access; label: string; hint: string }[];

const EXPIRY_OPTIONS = [
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
  { value: 'never', label: 'Never' },
] as const satisfies readonly { value: Expiry; label: string }[];

export function AccountPage() {
  usePageMeta({ title: TITLE, description: 'Your account and personal access tokens.' });
  const current = session.value;
  return (
    <div class={s.stack}>
      <h1>{TITLE}</h1>
      {!current ? (
        <div role="status" aria-live="polite">
          <span class={s.visuallyHidden}>Loading…</span>
          <Skeleton height="12rem" />
        </div>
      ) : !current.loggedIn ? (
        <SignedOut />
      ) : (
        <>
          <p style={{ margin: 0 }} data-testid="account-identity">
            Signed in as <strong>{atHandle(current)}</strong>
            {current.handle && <span class={`${s.small} ${s.muted} ${css.code}`}> ({current.did})</span>}
          </p>
          <TokensSection />
        </>
      )}
    </div>
  );
}

function SignedOut() {
  const href = useSignInHref();
  return (
    <Notice>
      <a href={href}>Sign in</a> to see your account and manage your access tokens.
    </Notice>
  );
}

function TokensSection() {
  const list = useQuery(tokensQuery());
  const [added, setAdded] = useState<Token[]>([]);
  const [removed, setRemoved] = useState<string[]>([]);
  const [created, setCreated] = useState<{ secret: string; token: Token }>();
  const data = list.data.value;
  const error = list.error.value;
  const listed = new Set((data?.tokens ?? []).map((t) => t.id));
  const rows = [...added.filter((t) => !listed.has(t.id)), ...(data?.tokens ?? [])].filter((t) => !removed.includes(t.id));
  return (
    <section aria-labelledby="tokens-heading" class={`${s.card} ${s.stack}`}>
      <h2 id="tokens-heading" style={{ margin: 0 }}>
        Access tokens
      </h2>
      <p style={{ margin: 0 }}>
        A personal access token lets a script or an AI agent act as you on this server: it sends the token as{' '}
        <code class={css.code}>Authorization: Bearer …</code>, to the XRPC API or to the agents’ endpoint{' '}
        <code class={css.code}>/mcp</code>. Give each program its own token, so you can revoke one without the others.
      </p>
      <TokenForm
        onCreated={(secret, token) => {
          setCreated({ secret, token });
          setAdded((a) => [token, ...a]);
        }}
      />
      {created && <NewToken secret={created.secret} token={created.token} />}
      <h3 style={{ margin: 0 }}>Your tokens</h3>
      {error && !data ? (
        <ErrorAlert error={error} retry={() => void list.refetch()} />
      ) : !data ? (
        <SkeletonList count={2} height="2.5rem" label="Loading your tokens…" />
      ) : rows.length === 0 ? (
        <p style={{ margin: 0 }} data-testid="no-tokens">
          You have no access tokens.
        </p>
      ) : (
        <ul class={s.list} data-testid="token-list">
          {rows.map((token) => (
            <TokenRow key={token.id} token={token} onRevoked={() => setRemoved((r) => [...r, token.id])} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TokenForm({ onCreated }: { onCreated: (secret: string, token: Token) => void }) {
  const [name, setName] = useState('');
  const [access, setAccess] = useState<Access>('read');
  const [expiry, setExpiry] = useState<Expiry>('90');
  const [submitted, setSubmitted] = useState(false);
  const { busy, error, run } = useAction();
  const invalid = validateText('Name', name.trim(), LIMITS.tokenName, true);

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (invalid) return;
    await run(
      () =>
        xrpcProcedure('site.exosphere.auth.createToken', {
          name: name.trim(),
          access,
          expiresInDays: expiry === 'never' ? undefined : Number(expiry),
        }),
      (out) => {
        onCreated(out.token, out.info);
        setName('');
        setSubmitted(false);
      },
    );
  }

  return (
    <form class={s.stackSm} onSubmit={submit} noValidate aria-label="Create an access token" data-testid="token-form">
      <TextField
        label="Name"
        value={name}
        onInput={setName}
        limit={LIMITS.tokenName}
        placeholder="Claude on my laptop"
        hint="What the token is for, to recognise it later."
        error={submitted ? invalid : undefined}
        required
      />
      <RadioGroup legend="Access" name="token-access" value={access} options={ACCESS_OPTIONS} onChange={setAccess} />
      <SelectField label="Expires" value={expiry} options={EXPIRY_OPTIONS} onChange={setExpiry} testId="token-expiry" />
      {error && <ErrorAlert error={error} />}
      <div>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}

/** The secret just made: shown this once, with a Copy button where the browser allows it. */
function NewToken({ secret, token }: { secret: string; token: Token }) {
  const origin = typeof location !== 'undefined' ? location.origin : '';
  return (
    <div class={`${s.alert.success} ${s.stackSm}`} data-testid="new-token">
      <span role="status">
        New token “{token.name}”. Copy it now: it is shown only this once, and this server keeps only its hash.
      </span>
      <div class={s.row}>
        <code class={css.code} data-testid="new-token-value">
          {secret}
        </code>
        <CopyButton text={secret} what="the token" />
      </div>
      <span class={s.small}>
        For an MCP client, the server is <code class={css.code}>{origin}/mcp</code> with the header{' '}
        <code class={css.code}>Authorization: Bearer {secret.slice(0, 8)}…</code>
      </span>
    </div>
  );
}

function TokenRow({ token, onRevoked }: { token: Token; onRevoked: () => void }) {
  const { busy, error, run } = useAction();
  const expired = token.expiresAt !== undefined && Date.parse(token.expiresAt) <= Date.now();
  return (
    <li class={s.card} data-testid="token-row" data-token-id={token.id}>
      <div class={s.spread}>
        <span class={s.stackSm} style={{ gap: 0 }}>
          <strong>{token.name}</strong>
          <span class={`${s.small} ${s.muted}`}>
            Created {formatDate(token.createdAt)} ·{' '}
            {token.expiresAt ? `${expired ? 'expired' : 'expires'} ${formatDate(token.expiresAt)}` : 'never expires'} ·{' '}
            <span data-testid="token-last-used">
              {token.lastUsedAt ? `last used ${formatDate(token.lastUsedAt)}` : 'never used'}
            </span>
          </span>
        </span>
        <span class={s.row}>
          <span class={token.access === 'write' ? s.badge.warning : s.badge.neutral}>
            {token.access === 'write' ? 'Read and write' : 'Read only'}
          </span>
          {expired && <span class={s.badge.danger}>Expired</span>}
          <button
            type="button"
            class={s.button.danger}
            disabled={busy}
            aria-label={`Revoke ${token.name}`}
            onClick={() => run(() => xrpcProcedure('site.exosphere.auth.revokeToken', { id: token.id }), onRevoked)}
          >
            Revoke
          </button>
        </span>
      </div>
      {error && <ErrorAlert error={error} />}
    </li>
  );
}
