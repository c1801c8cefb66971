// Accessibility of the module's pages as the server renders them (the checks of web/test/a11y.ts).
import { describeAccessibility } from '../../../../test/a11y';
import { alice, anonymous, anonymousSphere, moderatorSphere, poll, signedInAs, tally } from './fixtures';

const answers: Record<string, unknown> = {
  'site.exosphere.auth.getSession': signedInAs(alice),
  // An admin and the author: every control of the pages shows.
  'site.exosphere.sphere.getSphere': { sphere: { ...moderatorSphere, modules: ['polls'] } },
  'site.exosphere.poll.listPolls': {
    polls: [poll(2, { kind: 'ranked', tally: tally(2, [1, 1, 0]), closesAt: '2030-01-01T00:00:00Z' }), poll(1, { closed: true, hidden: true })],
    cursor: 'c',
  },
  'site.exosphere.poll.getPoll': {
    poll: poll(1, {
      kind: 'ranked',
      descriptionHtml: '<p>Rank <strong>them</strong></p>\n',
      viewer: { choices: [2, 0] },
      tally: {
        ...tally(3, [1, 1, 1]),
        runoff: {
          rounds: [
            { votes: [1, 1, 1], exhausted: 0, eliminated: 2 },
            { votes: [1, 2, 0], exhausted: 0 },
          ],
          winner: 1,
        },
      },
    }),
  },
};

describeAccessibility('accessibility of the Polls pages', ['/s/demo/polls', '/s/demo/polls/new', '/s/demo/polls/1'], answers);

describeAccessibility('accessibility of the Polls pages to an anonymous visitor', ['/s/demo/polls', '/s/demo/polls/1'], {
  ...answers,
  'site.exosphere.auth.getSession': anonymous,
  'site.exosphere.sphere.getSphere': { sphere: { ...anonymousSphere, modules: ['polls'] } },
  'site.exosphere.poll.getPoll': { poll: poll(1, { results: 'afterClose', tally: undefined, closesAt: '2030-01-01T00:00:00Z' }) },
});
