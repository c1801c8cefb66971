// A module this build doesn't have, for tests of client/ and core's pages
// that need *some* module (tabs, settings, the Sphere's home, ModuleDisabled,
// ScopeMissing, server renders): `notes`, with one page, a feed and activity.
// Install it with installModules([notes]), or render on the server with
// notesServer (test/server.ts). No real module is named here.
import {
  type ClientModule,
  type PageProps,
  SphereFrame,
  type SphereView,
  sphereQuery,
  spherePath,
  usePageMeta,
  useSphere,
} from '../src/client';

export const NOTES = 'notes';
export const notesPath = (slug: string) => `${spherePath(slug)}/notes`;
export const notesFeed = (slug: string) => `${notesPath(slug)}/feed.atom`;

export function NotesPage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current={NOTES} module={NOTES}>
      {(view) => <Notes sphere={view} />}
    </SphereFrame>
  );
}

function Notes({ sphere }: { sphere: SphereView }) {
  usePageMeta({
    title: `Notes · ${sphere.name}`,
    feed: sphere.visibility === 'public' ? notesFeed(sphere.slug) : undefined,
  });
  return (
    <>
      <h1>Notes</h1>
      <p data-testid="notes">No notes in {sphere.name} yet.</p>
    </>
  );
}

export const notes: ClientModule = {
  name: NOTES,
  label: 'Notes',
  lexicons: ['site.exosphere.note'],
  tab: { label: 'Notes', path: notesPath },
  feed: notesFeed,
  activity: {
    kinds: { note: 'New note', pin: 'Pinned' },
    detail: (detail, kind) => (kind === 'pin' ? `Pinned to ${detail}` : detail),
  },
  routes: [
    {
      path: '/s/:sphere/notes',
      queries: ({ params }) => [sphereQuery(params.sphere ?? '')],
      component: NotesPage,
    },
  ],
};

/** Another module this build doesn't have, with a tab label of its own. */
export const events: ClientModule = {
  name: 'events',
  label: 'Events',
  lexicons: ['site.exosphere.event'],
  tab: { label: 'Calendar', path: (slug) => `${spherePath(slug)}/events` },
  routes: [],
};
