import {
  canWrite,
  Notice,
  type PageProps,
  session,
  SphereFrame,
  type SphereView,
  useLocation,
  usePageMeta,
  useSignInHref,
  useSphere,
  xrpcProcedure,
} from '../../../client';
import { PollForm } from '../components/poll-form';
import { listPath, MODULE_NAME, pollInput, pollPath } from '../model';

export function NewPollPage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => <NewPoll sphere={view} />}
    </SphereFrame>
  );
}

function NewPoll({ sphere }: { sphere: SphereView }) {
  usePageMeta({ title: `New poll · ${sphere.name}` });
  const { route } = useLocation();
  const current = session.value;
  const signIn = useSignInHref();
  if (!canWrite(sphere)) {
    return (
      <>
        <h1>New poll</h1>
        {current && !current.loggedIn ? (
          <Notice>
            <a href={signIn}>Sign in</a> to start a poll.
          </Notice>
        ) : (
          <Notice>Only members of this Sphere can start polls.</Notice>
        )}
      </>
    );
  }
  return (
    <PollForm
      cancelHref={listPath(sphere.slug)}
      onSubmit={async (draft) => {
        const out = await xrpcProcedure('site.exosphere.poll.createPoll', pollInput(sphere.slug, draft));
        route(pollPath(sphere.slug, out.poll.number));
      }}
    >
      <h1 style={{ margin: 0 }}>New poll</h1>
    </PollForm>
  );
}
