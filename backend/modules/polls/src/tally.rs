//! Results from ballots: per option counts for single and multiple-choice
//! polls, and instant-runoff rounds for ranked ones.
//!
//! Ballots come with a weight, so that identical ballots can be counted as
//! one (a poll keeps its ranked ballots grouped by their order). A ballot's
//! choices are option indexes; one out of range, or a repeat, is skipped
//! (the indexer refuses such ballots before they get here).
//!
//! **Instant runoff**, round by round:
//! 1. Every ballot counts for its most preferred option still in the race;
//!    a ballot with none left is *exhausted* and counts no more.
//! 2. An option with more than half of the ballots still counting wins, as
//!    does the last option left in the race.
//! 3. Otherwise the option with the fewest votes is eliminated, and its
//!    ballots pass to their next preference. A tie for fewest is broken by
//!    the earlier rounds, latest first: the tied option that had fewer votes
//!    in the latest round where they differ goes; when they never differed,
//!    the one listed last (the highest index) goes.
//!
//! Each ballot moves only when its option is eliminated, so the whole count
//! costs the ballots' length once, however many rounds it takes.
//!
//! **One ballot more or less** ([`Runoff::apply`]) needs no count from
//! scratch: with the same eliminations, the ballot adds to (or leaves) one
//! option's tally per round, and if every round's decision, made again on
//! the new tallies, is the one it made before, the result is exactly what a
//! count from scratch would give. Only when a decision changes is a full
//! count needed.

/// Counts for a single or multiple-choice poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Ballots counted (their weights).
    pub voters: u64,
    /// Per option, the ballots that chose it.
    pub per_option: Vec<u64>,
}

/// Counts every option each ballot chose.
pub fn count<'a>(options: usize, ballots: impl IntoIterator<Item = (&'a [u32], u64)>) -> Counts {
    let mut counts = Counts { voters: 0, per_option: vec![0; options] };
    for (choices, weight) in ballots {
        let mut seen = vec![false; options];
        for &choice in choices {
            if let Some(slot) = seen.get_mut(choice as usize).filter(|s| !**s) {
                *slot = true;
                counts.per_option[choice as usize] += weight;
            }
        }
        counts.voters += weight;
    }
    counts
}

/// One round of an instant runoff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Round {
    /// Per option, its votes this round; `None` once it is out of the race.
    pub tallies: Vec<Option<u64>>,
    /// Ballots with no preference left in the race.
    pub exhausted: u64,
    /// The option eliminated at the end of this round (none in the last).
    pub eliminated: Option<usize>,
}

/// An instant runoff's rounds and winner (none without ballots).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Runoff {
    pub rounds: Vec<Round>,
    pub winner: Option<usize>,
}

/// Counts ranked ballots by instant runoff (see the module's rules).
pub fn instant_runoff<C: Copy + Into<u32>>(options: usize, ballots: &[(&[C], u64)]) -> Runoff {
    // Every ballot's preferences in one buffer (repeats and unknown options
    // left out): ballot b's are prefs[starts[b]..starts[b + 1]].
    let mut prefs: Vec<u8> = Vec::with_capacity(ballots.len() * 4);
    let mut starts: Vec<u32> = Vec::with_capacity(ballots.len() + 1);
    let mut weights: Vec<u64> = Vec::with_capacity(ballots.len());
    starts.push(0);
    for (choices, weight) in ballots {
        let start = prefs.len();
        for &c in *choices {
            let c: u32 = c.into();
            if (c as usize) < options && c < 256 && !prefs[start..].contains(&(c as u8)) {
                prefs.push(c as u8);
            }
        }
        if prefs.len() == start || *weight == 0 {
            prefs.truncate(start);
            continue;
        }
        starts.push(prefs.len() as u32);
        weights.push(*weight);
    }
    if weights.is_empty() || options == 0 {
        return Runoff::default();
    }
    let mut in_race = vec![true; options];
    // Per option, the ballots counting for it now and where they are in their order.
    let mut piles: Vec<Vec<(u32, u32)>> = vec![Vec::new(); options];
    let mut votes = vec![0u64; options];
    let mut exhausted = 0u64;
    for (b, weight) in weights.iter().enumerate() {
        let first = starts[b] as usize;
        piles[prefs[first] as usize].push((b as u32, starts[b]));
        votes[prefs[first] as usize] += weight;
    }
    let mut runoff = Runoff::default();
    loop {
        let tallies: Vec<Option<u64>> = (0..options).map(|o| in_race[o].then_some(votes[o])).collect();
        let out = match decide(&tallies, &runoff.rounds) {
            Decision::Wins(winner) => {
                runoff.rounds.push(Round { tallies, exhausted, eliminated: None });
                runoff.winner = Some(winner);
                return runoff;
            }
            Decision::Out(out) => out,
        };
        runoff.rounds.push(Round { tallies, exhausted, eliminated: Some(out) });
        in_race[out] = false;
        votes[out] = 0;
        for (b, at) in std::mem::take(&mut piles[out]) {
            let (end, weight) = (starts[b as usize + 1], weights[b as usize]);
            match (at + 1..end).find(|&i| in_race[prefs[i as usize] as usize]) {
                Some(i) => {
                    piles[prefs[i as usize] as usize].push((b, i));
                    votes[prefs[i as usize] as usize] += weight;
                }
                None => exhausted += weight,
            }
        }
    }
}

/// What a round decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// This option wins: more than half of the ballots still counting, or the last one left.
    Wins(usize),
    /// No winner yet: this option is out.
    Out(usize),
}

/// The decision of a round with these tallies, after the `earlier` rounds
/// (for the tie-break: see the module's rules).
fn decide(tallies: &[Option<u64>], earlier: &[Round]) -> Decision {
    let counting: u64 = tallies.iter().flatten().sum();
    let left: Vec<usize> = (0..tallies.len()).filter(|&o| tallies[o].is_some()).collect();
    let votes = |o: usize| tallies[o].unwrap_or(0);
    if let Some(&winner) = left.iter().find(|&&o| votes(o) * 2 > counting) {
        return Decision::Wins(winner);
    }
    if left.len() == 1 {
        return Decision::Wins(left[0]);
    }
    let fewest = left.iter().map(|&o| votes(o)).min().unwrap_or(0);
    let mut tied: Vec<usize> = left.iter().copied().filter(|&o| votes(o) == fewest).collect();
    // Backwards through the earlier rounds while they can tell the tied apart.
    for round in earlier.iter().rev() {
        if tied.len() < 2 {
            break;
        }
        let then = |o: usize| round.tallies[o].unwrap_or(0);
        let least = tied.iter().map(|&o| then(o)).min().unwrap_or(0);
        tied.retain(|&o| then(o) == least);
    }
    Decision::Out(tied.iter().copied().max().unwrap_or(left[0]))
}

impl Runoff {
    /// Adds (`delta` 1) or takes away (-1) one ballot, its `order` of
    /// preference, keeping every round's elimination: true when the runoff
    /// is then exactly what a count from scratch gives; false when a round
    /// would now decide otherwise (or there is nothing to build on), and the
    /// ballots must be counted again ([`instant_runoff`]).
    pub fn apply(&mut self, order: &[u32], delta: i64) -> bool {
        if self.rounds.is_empty() {
            return false;
        }
        let options = self.rounds[0].tallies.len();
        let mut out = vec![false; options];
        for round in &mut self.rounds {
            let first = order.iter().map(|&c| c as usize).find(|&c| c < options && !out[c]);
            let slot = match first {
                Some(option) => match round.tallies[option].as_mut() {
                    Some(votes) => votes,
                    None => return false,
                },
                None => &mut round.exhausted,
            };
            match slot.checked_add_signed(delta) {
                Some(v) => *slot = v,
                None => return false,
            }
            if let Some(gone) = round.eliminated {
                out[gone] = true;
            }
        }
        // No ballots left: a count from scratch has no rounds.
        if self.rounds[0].tallies.iter().flatten().sum::<u64>() == 0 {
            return false;
        }
        let last = self.rounds.len() - 1;
        for (i, round) in self.rounds.iter().enumerate() {
            let decision = decide(&round.tallies, &self.rounds[..i]);
            let before = match round.eliminated {
                Some(gone) => Decision::Out(gone),
                None => match self.winner {
                    Some(winner) if i == last => Decision::Wins(winner),
                    _ => return false,
                },
            };
            if decision != before {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ballots as groups of identical ones, each with its count.
    fn ballots<'a>(groups: &'a [(&'a [u32], u64)]) -> Vec<(&'a [u32], u64)> {
        groups.to_vec()
    }

    fn round(tallies: &[Option<u64>], exhausted: u64, eliminated: Option<usize>) -> Round {
        Round { tallies: tallies.to_vec(), exhausted, eliminated }
    }

    #[test]
    fn counts_each_chosen_option_once_per_ballot() {
        let counted = count(3, [(&[0, 2][..], 2), (&[2, 2, 7][..], 1), (&[][..], 1)]);
        assert_eq!(counted, Counts { voters: 4, per_option: vec![2, 0, 3] });
    }

    #[test]
    fn a_first_round_majority_wins_at_once() {
        let out = instant_runoff(3, &ballots(&[(&[0, 1], 3), (&[1, 0], 1), (&[2], 1)]));
        assert_eq!(out.rounds, [round(&[Some(3), Some(1), Some(1)], 0, None)]);
        assert_eq!(out.winner, Some(0));
    }

    #[test]
    fn the_last_option_passes_its_ballots_on() {
        // A 4, B 3, C 2 of 9: no majority; C goes, its ballots to B, who has 5.
        let out = instant_runoff(3, &ballots(&[(&[0, 1], 4), (&[1, 0], 3), (&[2, 1], 2)]));
        assert_eq!(
            out.rounds,
            [round(&[Some(4), Some(3), Some(2)], 0, Some(2)), round(&[Some(4), Some(5), None], 0, None)]
        );
        assert_eq!(out.winner, Some(1));
    }

    #[test]
    fn exhausted_ballots_leave_the_count() {
        // C's two ballots name no one else: A's 4 of the 7 still counting is a majority.
        let out = instant_runoff(3, &ballots(&[(&[0], 4), (&[1], 3), (&[2], 2)]));
        assert_eq!(
            out.rounds,
            [round(&[Some(4), Some(3), Some(2)], 0, Some(2)), round(&[Some(4), Some(3), None], 2, None)]
        );
        assert_eq!(out.winner, Some(0));
    }

    #[test]
    fn a_tie_for_fewest_is_broken_by_the_earlier_rounds() {
        // Round 1: A 4, B 2, C 3, D 1; D goes, to B. Round 2: B and C tie at
        // 3, but B had fewer in round 1: B goes (the highest index would be C).
        let out = instant_runoff(4, &ballots(&[(&[0], 4), (&[1], 2), (&[2], 3), (&[3, 1], 1)]));
        assert_eq!(
            out.rounds,
            [
                round(&[Some(4), Some(2), Some(3), Some(1)], 0, Some(3)),
                round(&[Some(4), Some(3), Some(3), None], 0, Some(1)),
                round(&[Some(4), None, Some(3), None], 3, None),
            ]
        );
        assert_eq!(out.winner, Some(0));
    }

    #[test]
    fn a_tie_no_round_breaks_goes_against_the_option_listed_last() {
        // B and C tie at 2 in the first round: C, listed last, goes; its ballots make A's majority.
        let out = instant_runoff(3, &ballots(&[(&[0], 3), (&[1, 0], 2), (&[2, 0], 2)]));
        assert_eq!(out.rounds[0], round(&[Some(3), Some(2), Some(2)], 0, Some(2)));
        assert_eq!(out.rounds[1], round(&[Some(5), Some(2), None], 0, None));
        assert_eq!(out.winner, Some(0));
        // An even split of two: the one listed last goes, and the other is left alone in the race.
        let even = instant_runoff(2, &ballots(&[(&[0], 2), (&[1], 2)]));
        assert_eq!(even.rounds, [round(&[Some(2), Some(2)], 0, Some(1)), round(&[Some(2), None], 2, None)]);
        assert_eq!(even.winner, Some(0));
    }

    #[test]
    fn options_without_votes_go_one_a_round_and_bad_choices_are_skipped() {
        // Options 2 and 3 have no votes; the ballot [9, 1, 1] counts as [1].
        let out = instant_runoff(4, &ballots(&[(&[0, 1], 2), (&[9, 1, 1], 1), (&[1, 0], 1)]));
        assert_eq!(
            out.rounds,
            [
                round(&[Some(2), Some(2), Some(0), Some(0)], 0, Some(3)),
                round(&[Some(2), Some(2), Some(0), None], 0, Some(2)),
                round(&[Some(2), Some(2), None, None], 0, Some(1)),
                round(&[Some(3), None, None, None], 1, None),
            ]
        );
        assert_eq!(out.winner, Some(0));
    }

    #[test]
    fn no_ballots_no_rounds_and_weights_count_as_copies() {
        assert_eq!(instant_runoff::<u32>(3, &[]), Runoff::default());
        assert_eq!(instant_runoff(3, &ballots(&[(&[], 4)])), Runoff::default());
        let grouped = instant_runoff(3, &ballots(&[(&[0, 1], 4), (&[1, 0], 3), (&[2, 1], 2)]));
        let copies: Vec<(&[u32], u64)> = std::iter::repeat_n((&[0u32, 1][..], 1), 4)
            .chain(std::iter::repeat_n((&[1u32, 0][..], 1), 3))
            .chain(std::iter::repeat_n((&[2u32, 1][..], 1), 2))
            .collect();
        assert_eq!(instant_runoff(3, &copies), grouped);
    }

    /// A small deterministic generator (xorshift), for the property test.
    struct Dice(u64);

    impl Dice {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    #[test]
    fn one_ballot_more_or_less_gives_what_a_count_from_scratch_gives() {
        let mut kept_up = 0;
        for seed in 1..200u64 {
            let mut dice = Dice(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let options = 2 + dice.below(5) as usize;
            let mut ballots: Vec<Vec<u32>> = Vec::new();
            let mut runoff = Runoff::default();
            for _ in 0..60 {
                let removing = !ballots.is_empty() && dice.below(3) == 0;
                let (order, delta) = if removing {
                    (ballots.swap_remove(dice.below(ballots.len() as u64) as usize), -1)
                } else {
                    let mut order: Vec<u32> = (0..options as u32).collect();
                    for i in (1..order.len()).rev() {
                        order.swap(i, dice.below(i as u64 + 1) as usize);
                    }
                    order.truncate(1 + dice.below(options as u64) as usize);
                    ballots.push(order.clone());
                    (order, 1)
                };
                let groups: Vec<(&[u32], u64)> = ballots.iter().map(|b| (b.as_slice(), 1)).collect();
                let scratch = instant_runoff(options, &groups);
                if runoff.apply(&order, delta) {
                    kept_up += 1;
                    assert_eq!(runoff, scratch, "seed {seed}: {ballots:?}");
                } else {
                    runoff = scratch;
                }
            }
        }
        assert!(kept_up > 3000, "most changes keep the eliminations: {kept_up}");
    }
}
