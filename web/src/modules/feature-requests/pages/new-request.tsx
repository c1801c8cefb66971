import { useState } from 'preact/hooks';
import {
  canWrite,
  ErrorAlert,
  MarkdownField,
  Notice,
  type PageProps,
  session,
  SphereFrame,
  type SphereView,
  styles as s,
  TextField,
  toApiError,
  useLocation,
  usePageMeta,
  useSignInHref,
  useSphere,
  validateText,
  xrpcProcedure,
} from '../../../client';
import { SimilarRequests } from '../components/similar-requests';
import { BOARD_LIMITS } from '../limits';
import { boardPath, MODULE_NAME, requestPath } from '../model';

export function NewRequestPage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => <NewRequest sphere={view} />}
    </SphereFrame>
  );
}

export function validateRequest(title: string, description: string) {
  return {
    title: validateText('Title', title, BOARD_LIMITS.requestTitle, true),
    description: validateText('Description', description, BOARD_LIMITS.requestDescription),
  };
}

function NewRequest({ sphere }: { sphere: SphereView }) {
  usePageMeta({ title: `New request · ${sphere.name}` });
  const current = session.value;
  const signIn = useSignInHref();
  if (!canWrite(sphere)) {
    return (
      <>
        <h1>New feature request</h1>
        {current && !current.loggedIn ? (
          <Notice>
            <a href={signIn}>
              Sign in
            </a>{' '}
            to post a request.
          </Notice>
        ) : (
          <Notice>Only members of this Sphere can post requests.</Notice>
        )}
      </>
    );
  }
  return <RequestForm sphere={sphere} />;
}

export function RequestForm({ sphere }: { sphere: SphereView }) {
  const { route } = useLocation();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  const errors = validateRequest(title, description);
  // Too-long text shows at once; a missing title only after trying to post.
  const titleError = submitted || title ? errors.title : undefined;

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (errors.title || errors.description) return;
    setBusy(true);
    setError(undefined);
    try {
      const out = await xrpcProcedure('site.exosphere.featureRequest.createRequest', {
        sphere: sphere.slug,
        title: title.trim(),
        description: description.trim() || undefined,
      });
      route(requestPath(sphere.slug, out.request.number));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <form class={s.stack} onSubmit={submit} noValidate data-testid="new-request-form">
      <h1>New feature request</h1>
      <TextField
        label="Title"
        value={title}
        onInput={setTitle}
        limit={BOARD_LIMITS.requestTitle}
        error={titleError}
        hint="One sentence: what should change?"
        required
      />
      <SimilarRequests slug={sphere.slug} title={title} />
      <MarkdownField
        label="Description"
        value={description}
        onInput={setDescription}
        limit={BOARD_LIMITS.requestDescription}
        error={errors.description}
        hint="Why it matters, and how you would use it."
        rows={8}
        headingBase={2}
      />
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Posting…' : 'Post request'}
        </button>
        <a class={s.button.secondary} href={boardPath(sphere.slug)}>
          Cancel
        </a>
      </div>
    </form>
  );
}
