// Who may create Spheres on this instance: the policy the operator set, the
// accounts administrators allowed, and single-use invite codes.
import { useState } from 'preact/hooks';
import {
  atHandle,
  CopyButton,
  ErrorAlert,
  formatDate,
  LIMITS,
  Notice,
  type Schemas,
  SkeletonList,
  styles as s,
  TextField,
  useAction,
  usePagedQuery,
  validateText,
  xrpcProcedure,
} from '../../../client';
import { creatorsQuery, inviteCodesQuery } from '../routes';
import { LoadMore } from './admin-spheres';
import * as css from './admin.css';

type Creator = Schemas['site.exosphere.instance.defs.creatorView'];
type Invite = Schemas['site.exosphere.instance.defs.inviteView'];

const POLICY: Record<string, string> = {
  admins: 'Only this instance’s administrators, and the accounts they allow below, may create Spheres.',
  anyone: 'Anyone signed in may create a Sphere.',
  invite:
    'Creating a Sphere takes an invite code from an administrator; administrators and the accounts allowed below need none.',
};

const ENV = 'EXOSPHERE_SPHERE_CREATION';

/** The rows of a list with what this page added (first) and removed, until it reloads. */
function edited<T>(items: T[], added: T[], removed: string[], id: (item: T) => string): T[] {
  const listed = new Set(items.map(id));
  return [...added.filter((a) => !listed.has(id(a))), ...items].filter((item) => !removed.includes(id(item)));
}

export function CreationSection({ policy }: { policy: string }) {
  const list = usePagedQuery(creatorsQuery(), (out) => out.creators);
  const [added, setAdded] = useState<Creator[]>([]);
  const [removed, setRemoved] = useState<string[]>([]);
  const first = list.first;
  const rows = edited(list.items.value, added, removed, (c) => c.did);
  return (
    <section aria-labelledby="creation-heading" class={`${s.card} ${s.stack}`}>
      <h2 id="creation-heading" style={{ margin: 0 }}>
        Who may create Spheres
      </h2>
      <p style={{ margin: 0 }} data-testid="creation-policy">
        {POLICY[policy] ?? `The policy is “${policy}”.`}{' '}
        <span class={s.muted}>
          The operator sets it with <code class={css.code}>{ENV}</code> (admins, anyone or invite).
        </span>
      </p>
      <GrantForm
        onGranted={(c) => {
          setAdded((a) => [c, ...a.filter((x) => x.did !== c.did)]);
          setRemoved((r) => r.filter((did) => did !== c.did));
        }}
      />
      <h3 style={{ margin: 0 }}>Allowed accounts</h3>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={2} height="2.5rem" label="Loading allowed accounts…" />
      ) : rows.length === 0 ? (
        <p style={{ margin: 0 }} data-testid="no-creators">
          No accounts allowed yet.
        </p>
      ) : (
        <ul class={s.list} data-testid="creator-list">
          {rows.map((c) => (
            <CreatorRow key={c.did} creator={c} onRevoked={() => setRemoved((r) => [...r, c.did])} />
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </section>
  );
}

function GrantForm({ onGranted }: { onGranted: (c: Creator) => void }) {
  const [account, setAccount] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<string>();
  const clean = account.trim().replace(/^@/, '');
  const invalid = validateText('Handle or DID', clean, {}, true);

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (invalid) return;
    setDone(undefined);
    await run(
      () => xrpcProcedure('site.exosphere.instance.grantCreation', { account: clean }),
      (out) => {
        onGranted(out.creator);
        setDone(`${atHandle(out.creator)} may now create Spheres.`);
        setAccount('');
        setSubmitted(false);
      },
    );
  }

  return (
    <form class={s.stackSm} onSubmit={submit} noValidate aria-label="Allow an account" data-testid="grant-form">
      <TextField
        label="Handle or DID"
        value={account}
        onInput={setAccount}
        placeholder="dave.example.com"
        hint="Allow an account to create Spheres here."
        error={submitted ? invalid : undefined}
        required
      />
      {error && <ErrorAlert error={error} />}
      <div>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Allowing…' : 'Allow'}
        </button>
      </div>
      {/* After the button, as the new invite code: what the press did follows it. */}
      {done && (
        <Notice tone="success" live>
          {done}
        </Notice>
      )}
    </form>
  );
}

function CreatorRow({ creator, onRevoked }: { creator: Creator; onRevoked: () => void }) {
  const name = atHandle(creator);
  const { busy, error, run } = useAction();
  return (
    <li class={s.card} data-testid="creator-row">
      <div class={s.spread}>
        <span>
          <strong>{name}</strong>{' '}
          <span class={`${s.small} ${s.muted}`}>allowed {formatDate(creator.grantedAt)}</span>
        </span>
        <button
          type="button"
          class={s.button.danger}
          disabled={busy}
          aria-label={`Revoke ${name}`}
          onClick={() => run(() => xrpcProcedure('site.exosphere.instance.revokeCreation', { did: creator.did }), onRevoked)}
        >
          Revoke
        </button>
      </div>
      {error && <ErrorAlert error={error} />}
    </li>
  );
}

export function InvitesSection({ policy }: { policy: string }) {
  const list = usePagedQuery(inviteCodesQuery(), (out) => out.invites);
  const [added, setAdded] = useState<Invite[]>([]);
  const [removed, setRemoved] = useState<string[]>([]);
  const [created, setCreated] = useState<Invite>();
  const first = list.first;
  const rows = edited(list.items.value, added, removed, (i) => i.code);
  return (
    <section aria-labelledby="invites-heading" class={`${s.card} ${s.stack}`}>
      <h2 id="invites-heading" style={{ margin: 0 }}>
        Invite codes
      </h2>
      <p style={{ margin: 0 }}>An invite code lets whoever holds it create one Sphere here.</p>
      {policy !== 'invite' && (
        <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }} data-testid="invite-policy-note">
          Codes only matter when the server runs with <code class={css.code}>{ENV}=invite</code>; this one uses{' '}
          <code class={css.code}>{policy}</code>.
        </p>
      )}
      <InviteForm
        onCreated={(invite) => {
          setCreated(invite);
          setAdded((a) => [invite, ...a]);
        }}
      />
      {created && <NewCode invite={created} />}
      <h3 style={{ margin: 0 }}>Codes</h3>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={2} height="2.5rem" label="Loading invite codes…" />
      ) : rows.length === 0 ? (
        <p style={{ margin: 0 }} data-testid="no-invite-codes">
          No invite codes yet.
        </p>
      ) : (
        <ul class={s.list} data-testid="invite-code-list">
          {rows.map((invite) => (
            <InviteRow key={invite.code} invite={invite} onRevoked={() => setRemoved((r) => [...r, invite.code])} />
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </section>
  );
}

function InviteForm({ onCreated }: { onCreated: (invite: Invite) => void }) {
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  const invalid = validateText('Note', note, LIMITS.inviteNote);

  async function submit(e: Event) {
    e.preventDefault();
    if (invalid) return;
    await run(
      () => xrpcProcedure('site.exosphere.instance.createInviteCode', { note: note.trim() || undefined }),
      (out) => {
        onCreated(out.invite);
        setNote('');
      },
    );
  }

  return (
    <form class={s.stackSm} onSubmit={submit} noValidate aria-label="Create an invite code" data-testid="invite-code-form">
      <TextField
        label="Note"
        value={note}
        onInput={setNote}
        limit={LIMITS.inviteNote}
        hint="Optional: whom it is for, as a reminder."
        error={invalid}
      />
      {error && <ErrorAlert error={error} />}
      <div>
        <button type="submit" class={s.button.primary} disabled={busy || !!invalid}>
          {busy ? 'Creating…' : 'Create invite code'}
        </button>
      </div>
    </form>
  );
}

/** The code just made, to hand over: large, in monospace, with a Copy button where the browser allows it. */
function NewCode({ invite }: { invite: Invite }) {
  return (
    <div class={`${s.alert.success} ${s.stackSm}`} data-testid="new-invite-code">
      <span role="status">New invite code{invite.note ? ` (${invite.note})` : ''}:</span>
      <div class={s.row}>
        <code class={css.newCode} data-testid="new-invite-code-value">
          {invite.code}
        </code>
        <CopyButton text={invite.code} what="the invite code" />
      </div>
      <span class={s.small}>It works once: whoever creates a Sphere with it uses it up.</span>
    </div>
  );
}

function InviteRow({ invite, onRevoked }: { invite: Invite; onRevoked: () => void }) {
  const { busy, error, run } = useAction();
  const used = invite.usedBy !== undefined;
  return (
    <li class={s.card} data-testid="invite-code" data-code={invite.code}>
      <div class={s.spread}>
        <span class={s.stackSm} style={{ gap: 0 }}>
          <code class={css.code}>{invite.code}</code>
          {invite.note && <span>{invite.note}</span>}
          <span class={`${s.small} ${s.muted}`}>
            Created {formatDate(invite.createdAt)}
            {used
              ? ` · used by ${invite.usedBy}${invite.usedAt ? ` on ${formatDate(invite.usedAt)}` : ''}`
              : ''}
          </span>
        </span>
        <span class={s.row}>
          <span class={used ? s.badge.neutral : s.badge.success}>{used ? 'Used' : 'Unused'}</span>
          {!used && (
            <button
              type="button"
              class={s.button.danger}
              disabled={busy}
              aria-label={`Revoke invite code ${invite.code}`}
              onClick={() =>
                run(() => xrpcProcedure('site.exosphere.instance.revokeInviteCode', { code: invite.code }), onRevoked)
              }
            >
              Revoke
            </button>
          )}
        </span>
      </div>
      {error && <ErrorAlert error={error} />}
    </li>
  );
}
