import {
  canModerate,
  ConfirmButton,
  canWrite,
  ErrorAlert,
  Markdown,
  ModerateButton,
  Notice,
  type PageProps,
  Person,
  RelativeTime,
  session,
  Skeleton,
  SphereFrame,
  type SphereView,
  styles as s,
  useLocation,
  usePageMeta,
  useQuery,
  useSignInHref,
  useSphere,
  viewerDid,
  xrpcProcedure,
} from '../../../client';
import { Ballot } from '../components/ballot';
import { Countdown } from '../components/countdown';
import { PollBadges } from '../components/poll-list';
import { Results } from '../components/results';
import { hiddenResultsNote, listPath, MODULE_NAME, parseNumber, pollQuery } from '../model';
import type { PollView } from '../types';

export function PollPage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  const number = parseNumber(params.number);
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => (number === undefined ? <NoSuchPoll /> : <Poll sphere={view} number={number} />)}
    </SphereFrame>
  );
}

function NoSuchPoll({ message }: { message?: string }) {
  usePageMeta({ title: 'Poll not found', status: 404 });
  return (
    <>
      <h1>Poll not found</h1>
      <Notice>{message ?? 'There is no poll with that number here.'}</Notice>
    </>
  );
}

function Poll({ sphere, number }: { sphere: SphereView; number: number }) {
  const resource = useQuery(pollQuery(sphere.slug, number));
  const data = resource.data.value;
  const error = resource.error.value;
  if (!data && error) {
    if (error.notFound && !error.moduleDisabled) return <NoSuchPoll message={error.message} />;
    return <ErrorAlert error={error} retry={() => void resource.refetch()} />;
  }
  if (!data) {
    return (
      <div class={s.stack} role="status" aria-live="polite" data-testid="loading">
        <span class={s.visuallyHidden}>Loading the poll…</span>
        <Skeleton height="2rem" width="70%" />
        <Skeleton height="8rem" />
      </div>
    );
  }
  return <PollBody sphere={sphere} poll={data.poll} onChange={(poll) => resource.set({ poll })} />;
}

function PollBody({ sphere, poll, onChange }: { sphere: SphereView; poll: PollView; onChange: (poll: PollView) => void }) {
  usePageMeta({ title: `${poll.question} · ${sphere.name}`, description: `A poll of ${sphere.name}: ${poll.options.join(', ')}` });
  const mine = poll.author.did === viewerDid.value;
  const current = session.value;
  return (
    <article class={s.stack} aria-labelledby="poll-question">
      <div class={s.stackSm}>
        <h1 id="poll-question" style={{ margin: 0 }}>
          {poll.question}
        </h1>
        <p class={s.row} style={{ margin: 0 }}>
          <PollBadges poll={poll} />
        </p>
        <p class={`${s.row} ${s.small} ${s.muted}`} style={{ margin: 0 }}>
          <span>#{poll.number}</span>
          <span>
            by <Person actor={poll.author} /> · <RelativeTime iso={poll.createdAt} />
          </span>
          <Countdown poll={poll} />
        </p>
      </div>
      {poll.descriptionHtml && <Markdown html={poll.descriptionHtml} testId="poll-description" />}
      {poll.closed ? (
        poll.viewer?.choices && (
          <p style={{ margin: 0 }} data-testid="your-vote">
            You voted for {poll.viewer.choices.map((c) => poll.options[c]).join(', ')}.
          </p>
        )
      ) : canWrite(sphere) ? (
        <Ballot sphere={sphere} poll={poll} onChange={onChange} />
      ) : (
        <SignInToVote signedIn={current?.loggedIn === true} />
      )}
      {poll.tally ? (
        <Results poll={poll} tally={poll.tally} />
      ) : (
        <Notice>
          <span data-testid="results-hidden">{hiddenResultsNote(poll, current?.loggedIn === true)}</span>
        </Notice>
      )}
      {mine && <AuthorActions slug={sphere.slug} poll={poll} onChange={onChange} />}
      {canModerate(sphere) && (
        <div class={s.row} role="group" aria-label="Moderation">
          <ModerateButton
            sphere={sphere.slug}
            subject={poll.uri}
            action={poll.hidden ? 'restore' : 'hide'}
            label={poll.hidden ? 'Restore poll' : 'Hide poll'}
            onDone={(out) => onChange({ ...poll, hidden: out.hidden ?? !poll.hidden })}
          />
        </div>
      )}
    </article>
  );
}

function SignInToVote({ signedIn }: { signedIn: boolean }) {
  const signIn = useSignInHref();
  return signedIn ? (
    <Notice>Only members of this Sphere can vote.</Notice>
  ) : (
    <Notice>
      <a href={signIn}>Sign in</a> to vote.
    </Notice>
  );
}

/** The author closes the poll early, or deletes it. */
function AuthorActions({ slug, poll, onChange }: { slug: string; poll: PollView; onChange: (poll: PollView) => void }) {
  const { route } = useLocation();
  return (
    <div class={s.row} data-testid="poll-actions">
      {!poll.closed && (
        <ConfirmButton
          label="Close poll now"
          confirmLabel="Confirm close"
          variant="danger"
          testId="close-poll"
          action={async () => {
            const out = await xrpcProcedure('site.exosphere.poll.updatePoll', { sphere: slug, number: poll.number, close: true });
            onChange(out.poll);
          }}
        />
      )}
      <ConfirmButton
        label="Delete poll"
        variant="danger"
        testId="delete-poll"
        action={async () => {
          await xrpcProcedure('site.exosphere.poll.deletePoll', { sphere: slug, number: poll.number });
          route(listPath(slug));
        }}
      />
    </div>
  );
}
