import { useState } from 'preact/hooks';
import {
  ErrorAlert,
  isActiveMember,
  isInvited,
  Notice,
  type PageProps,
  roleLabel,
  session,
  SphereFrame,
  type SphereView,
  spherePath,
  styles as s,
  toApiError,
  usePageMeta,
  useSignInHref,
  useSphere,
  xrpcProcedure,
} from '../../../client';

export function InvitePage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere}>
      {(view) => <Invitation sphere={view} reload={() => void sphere.refetch()} />}
    </SphereFrame>
  );
}

function Invitation({ sphere, reload }: { sphere: SphereView; reload: () => void }) {
  usePageMeta({ title: `Invitation · ${sphere.name}` });
  const [busy, setBusy] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  const current = session.value;
  const signIn = useSignInHref();

  let body;
  if (accepted) {
    body = (
      <Notice tone="success" live>
        Welcome to {sphere.name}! <a href={spherePath(sphere.slug)}>Go to the Sphere</a>
      </Notice>
    );
  } else if (current && !current.loggedIn) {
    body = (
      <p>
        <a href={signIn}>
          Sign in
        </a>{' '}
        to see your invitation.
      </p>
    );
  } else if (isInvited(sphere)) {
    body = (
      <div class={s.stack}>
        <p>
          You are invited to join <strong>{sphere.name}</strong>
          {sphere.viewer?.role ? ` as ${roleLabel(sphere.viewer.role).toLowerCase()}` : ''}.{' '}
          {sphere.visibility === 'public'
            ? 'Accepting publishes a membership record in your own repository.'
            : 'This Sphere is private: your membership is kept on this server, not in your repository.'}
        </p>
        {error && <ErrorAlert error={error} />}
        <div>
          <button
            type="button"
            class={s.button.primary}
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              try {
                await xrpcProcedure('site.exosphere.sphere.acceptInvite', { sphere: sphere.slug });
                setAccepted(true);
                reload();
              } catch (e) {
                setError(toApiError(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            {busy ? 'Accepting…' : 'Accept invitation'}
          </button>
        </div>
      </div>
    );
  } else if (isActiveMember(sphere)) {
    body = (
      <Notice>
        You are already a member. <a href={spherePath(sphere.slug)}>Go to the Sphere</a>
      </Notice>
    );
  } else {
    body = <Notice>There is no pending invitation for you in this Sphere.</Notice>;
  }

  return (
    <section class={s.stack} aria-labelledby="invite-heading">
      <h1 id="invite-heading">Invitation</h1>
      {body}
    </section>
  );
}
