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
import { ThreadForm } from '../components/thread-form';
import { listPath, MODULE_NAME, threadPath } from '../model';

export function NewThreadPage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => <NewThread sphere={view} />}
    </SphereFrame>
  );
}

function NewThread({ sphere }: { sphere: SphereView }) {
  usePageMeta({ title: `New thread · ${sphere.name}` });
  const { route } = useLocation();
  const current = session.value;
  const signIn = useSignInHref();
  if (!canWrite(sphere)) {
    return (
      <>
        <h1>New thread</h1>
        {current && !current.loggedIn ? (
          <Notice>
            <a href={signIn}>Sign in</a> to start a thread.
          </Notice>
        ) : (
          <Notice>Only members of this Sphere can start threads.</Notice>
        )}
      </>
    );
  }
  return (
    <ThreadForm
      submitLabel="Post thread"
      busyLabel="Posting…"
      testId="new-thread-form"
      cancel={{ href: listPath(sphere.slug) }}
      onSubmit={async (draft) => {
        const out = await xrpcProcedure('site.exosphere.discussion.createThread', {
          sphere: sphere.slug,
          title: draft.title,
          body: draft.body || undefined,
          tags: draft.tags.length ? draft.tags : undefined,
        });
        route(threadPath(sphere.slug, out.thread.number));
      }}
    >
      <h1 style={{ margin: 0 }}>New thread</h1>
    </ThreadForm>
  );
}
