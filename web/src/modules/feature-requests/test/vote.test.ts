import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../client';
import { createVoteState, threadComments } from '../model';

describe('optimistic votes', () => {
  it('counts the vote at once, then takes the server’s numbers', async () => {
    let confirm!: (v: { voted: boolean; voteCount: number }) => void;
    const send = vi.fn(() => new Promise<{ voted: boolean; voteCount: number }>((r) => (confirm = r)));
    const vote = createVoteState({ voted: false, voteCount: 4 }, send);
    const done = vote.toggle();
    expect(vote.current.value).toEqual({ voted: true, voteCount: 5 });
    expect(vote.pending.value).toBe(true);
    expect(send).toHaveBeenCalledWith(true);
    confirm({ voted: true, voteCount: 7 }); // others voted meanwhile
    await done;
    expect(vote.current.value).toEqual({ voted: true, voteCount: 7 });
    expect(vote.pending.value).toBe(false);
  });

  it('rolls back and keeps the API error when the server refuses', async () => {
    const vote = createVoteState({ voted: true, voteCount: 2 }, () =>
      Promise.reject(new ApiError(403, 'Forbidden', 'Only members may vote here')),
    );
    const done = vote.toggle();
    expect(vote.current.value).toEqual({ voted: false, voteCount: 1 });
    await done;
    expect(vote.current.value).toEqual({ voted: true, voteCount: 2 });
    expect(vote.error.value?.message).toBe('Only members may vote here');
  });

  it('ignores clicks while a vote is on its way', async () => {
    const send = vi.fn(() => new Promise<{ voted: boolean; voteCount: number }>(() => undefined));
    const vote = createVoteState({ voted: false, voteCount: 0 }, send);
    void vote.toggle();
    void vote.toggle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(vote.current.value).toEqual({ voted: true, voteCount: 1 });
  });
});

describe('threadComments', () => {
  it('nests replies under their parent and keeps orphans at the top', () => {
    const roots = threadComments([
      { uri: 'a' },
      { uri: 'b', parent: 'a' },
      { uri: 'c', parent: 'gone' },
      { uri: 'd', parent: 'b' },
    ]);
    expect(roots.map((n) => n.comment.uri)).toEqual(['a', 'c']);
    expect(roots[0]?.replies[0]?.comment.uri).toBe('b');
    expect(roots[0]?.replies[0]?.replies[0]?.comment.uri).toBe('d');
  });
});
