import { useState } from 'preact/hooks';
import {
  atHandle,
  canModerate,
  ErrorAlert,
  formatDate,
  isActiveMember,
  isOwner,
  LIMITS,
  type MemberView,
  Notice,
  type PageProps,
  Person,
  roleLabel,
  SelectField,
  SkeletonList,
  SphereFrame,
  type SphereView,
  styles as s,
  TextField,
  toApiError,
  useAction,
  usePagedQuery,
  usePageMeta,
  useSphere,
  validateText,
  viewerDid,
  xrpcProcedure,
} from '../../../client';
import { membersQuery } from '../routes';

export function MembersPage({ params }: PageProps) {
  const slug = params.sphere ?? '';
  const sphere = useSphere(slug);
  return (
    <SphereFrame resource={sphere} current="members">
      {(view) => <Members sphere={view} onChange={() => void sphere.refetch()} />}
    </SphereFrame>
  );
}

const STATUS_LABEL: Record<string, string> = {
  active: 'Active',
  invited: 'Invited',
  revoked: 'Revoked',
  requested: 'Requested',
};

function Members({ sphere, onChange }: { sphere: SphereView; onChange: () => void }) {
  usePageMeta({ title: `Members · ${sphere.name}` });
  const list = usePagedQuery(membersQuery(sphere.slug), (out) => out.members);
  // Rows changed here (role, revoke, new invitations) until the list reloads.
  const [changed, setChanged] = useState<Record<string, MemberView>>({});
  const [added, setAdded] = useState<MemberView[]>([]);
  const manage = canModerate(sphere);
  const first = list.first;
  const rows = [...added.filter((a) => !list.items.value.some((m) => m.did === a.did)), ...list.items.value].map(
    (m) => changed[m.did] ?? m,
  );
  const update = (m: MemberView) => {
    setChanged((c) => ({ ...c, [m.did]: m }));
    onChange();
  };

  return (
    <div class={s.stack}>
      <h1>Members</h1>
      {manage && (
        <InviteForm
          sphere={sphere}
          onInvited={(m) => {
            setAdded((a) => [m, ...a.filter((x) => x.did !== m.did)]);
            update(m);
          }}
        />
      )}
      <section aria-labelledby="member-list-heading" class={s.stackSm}>
        <h2 id="member-list-heading">People</h2>
        {first.error.value && !first.data.value ? (
          <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
        ) : !first.data.value ? (
          <SkeletonList count={4} height="3.5rem" label="Loading members…" />
        ) : rows.length === 0 ? (
          <p>No members yet.</p>
        ) : (
          <ul class={s.list} data-testid="member-list">
            {rows.map((m) => (
              <MemberRow key={m.did} sphere={sphere} member={m} manage={manage} onUpdated={update} />
            ))}
          </ul>
        )}
        {list.moreError.value && <ErrorAlert error={list.moreError.value} retry={() => void list.loadMore()} />}
        {list.hasMore.value && (
          <div>
            <button
              type="button"
              class={s.button.secondary}
              disabled={list.loadingMore.value}
              onClick={() => void list.loadMore()}
            >
              {list.loadingMore.value ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>
      {isActiveMember(sphere) && !isOwner(sphere) && <LeaveSphere sphere={sphere} onLeft={onChange} />}
    </div>
  );
}

function InviteForm({ sphere, onInvited }: { sphere: SphereView; onInvited: (m: MemberView) => void }) {
  const [handle, setHandle] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [submitted, setSubmitted] = useState(false);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<string>();
  const invalid = validateText('Handle', handle.trim().replace(/^@/, ''), LIMITS.inviteMember, true);

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (invalid) return;
    setDone(undefined);
    const member = handle.trim().replace(/^@/, '');
    await run(
      () => xrpcProcedure('site.exosphere.sphere.inviteMember', { sphere: sphere.slug, member, role }),
      (out) => {
        onInvited(out.member);
        setDone(`Invited ${atHandle(out.member)}.`);
        setHandle('');
        setSubmitted(false);
      },
    );
  }

  return (
    <section aria-labelledby="invite-heading" class={s.card}>
      <h2 id="invite-heading">Invite someone</h2>
      <form class={s.stack} onSubmit={submit} noValidate data-testid="invite-form">
        <TextField
          label="Handle"
          value={handle}
          onInput={setHandle}
          placeholder="bob.example.com"
          hint="Their handle or DID. They accept from the Sphere’s invitation page."
          error={submitted ? invalid : undefined}
          required
        />
        {isOwner(sphere) && (
          <SelectField
            label="Role"
            value={role}
            onChange={setRole}
            options={[
              { value: 'member', label: 'Member' },
              { value: 'admin', label: 'Admin' },
            ]}
          />
        )}
        {error && <ErrorAlert error={error} />}
        {done && (
          <Notice tone="success" live>
            {done}
          </Notice>
        )}
        <div>
          <button type="submit" class={s.button.primary} disabled={busy}>
            {busy ? 'Inviting…' : 'Invite'}
          </button>
        </div>
      </form>
    </section>
  );
}

function MemberRow({
  sphere,
  member,
  manage,
  onUpdated,
}: {
  sphere: SphereView;
  member: MemberView;
  manage: boolean;
  onUpdated: (m: MemberView) => void;
}) {
  const name = atHandle(member);
  const [role, setRole] = useState<'member' | 'admin'>(member.role === 'admin' ? 'admin' : 'member');
  const { busy, error, run } = useAction();
  const self = member.did === viewerDid.value;
  const owner = member.role === 'owner';
  // Only the owner changes roles; owners and admins revoke (the API has the last word).
  const canChangeRole = manage && isOwner(sphere) && !owner && member.status !== 'revoked';
  const canRevoke =
    manage && !owner && !self && member.status !== 'revoked' && (isOwner(sphere) || member.role === 'member');

  async function send(input: { role?: 'member' | 'admin'; revoke?: boolean }) {
    await run(
      () => xrpcProcedure('site.exosphere.sphere.updateMember', { sphere: sphere.slug, member: member.did, ...input }),
      (out) => onUpdated(out.member),
    );
  }

  return (
    <li class={s.card} data-testid="member-row">
      <div class={s.spread}>
        <span class={s.stackSm} style={{ gap: 0 }}>
          <Person actor={member} />
          <span class={`${s.small} ${s.muted}`}>
            {member.joinedAt
              ? `Joined ${formatDate(member.joinedAt)}`
              : member.invitedAt
                ? `Invited ${formatDate(member.invitedAt)}`
                : ''}
          </span>
        </span>
        <span class={s.row}>
          <span class={s.badge.accent}>{roleLabel(member.role)}</span>
          <span class={member.status === 'active' ? s.badge.success : s.badge.neutral}>
            {STATUS_LABEL[member.status] ?? member.status}
          </span>
        </span>
      </div>
      {(canChangeRole || canRevoke) && (
        <div class={s.row} style={{ marginTop: '0.5rem', alignItems: 'flex-end' }}>
          {canChangeRole && (
            <>
              <SelectField
                label={`Role for ${name}`}
                hideLabel
                value={role}
                onChange={setRole}
                options={[
                  { value: 'member', label: 'Member' },
                  { value: 'admin', label: 'Admin' },
                ]}
              />
              <button
                type="button"
                class={s.button.secondary}
                disabled={busy || role === member.role}
                onClick={() => void send({ role })}
              >
                Change role
              </button>
            </>
          )}
          {canRevoke && (
            <button
              type="button"
              class={s.button.danger}
              disabled={busy}
              aria-label={`Revoke ${name}`}
              onClick={() => void send({ revoke: true })}
            >
              Revoke
            </button>
          )}
        </div>
      )}
      {error && <ErrorAlert error={error} />}
    </li>
  );
}

function LeaveSphere({ sphere, onLeft }: { sphere: SphereView; onLeft: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  return (
    <section aria-labelledby="leave-heading" class={s.card}>
      <h2 id="leave-heading">Leave this Sphere</h2>
      <p class={s.muted}>Your membership record is deleted from your repository.</p>
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        {!confirming ? (
          <button type="button" class={s.button.danger} onClick={() => setConfirming(true)}>
            Leave Sphere
          </button>
        ) : (
          <>
            <button
              type="button"
              class={s.button.danger}
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await xrpcProcedure('site.exosphere.sphere.leaveSphere', { sphere: sphere.slug });
                  onLeft();
                } catch (e) {
                  setError(toApiError(e));
                } finally {
                  setBusy(false);
                  setConfirming(false);
                }
              }}
            >
              Confirm: leave
            </button>
            <button type="button" class={s.button.secondary} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        )}
      </div>
    </section>
  );
}
