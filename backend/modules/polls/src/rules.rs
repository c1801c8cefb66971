//! A poll's rules, the same for the API and the indexer: which ballots fit
//! a poll, which count given when the poll closes, which edits a poll may
//! take once it has ballots, and who sees its results.

use chrono::{DateTime, Utc};

use crate::generated::site::exosphere::poll;

/// What a ballot must fit: the poll's kind, its number of options and, for
/// `multiple`, how many a ballot may choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form<'a> {
    pub kind: &'a str,
    pub options: usize,
    pub max_choices: Option<i64>,
}

impl<'a> Form<'a> {
    /// The form of a poll record.
    pub fn of(poll: &'a poll::Record) -> Self {
        Self { kind: &poll.kind, options: poll.options.len(), max_choices: poll.max_choices }
    }
}

/// Why a ballot does not fit its poll, or nothing when it does: every
/// choice an option of the poll, none twice; one for `single`, up to
/// `maxChoices` (all options when absent) for `multiple`, an order of some
/// or all options for `ranked`.
pub fn check_ballot(form: Form<'_>, choices: &[i64]) -> Result<(), String> {
    let options = form.options as i64;
    if choices.is_empty() {
        return Err("choices: a ballot chooses at least one option".into());
    }
    for (i, choice) in choices.iter().enumerate() {
        if !(0..options).contains(choice) {
            return Err(format!("choices: {choice} is not an option of this poll (it has {options})"));
        }
        if choices[..i].contains(choice) {
            return Err(format!("choices: option {choice} is chosen twice"));
        }
    }
    let most = match form.kind {
        "single" => 1,
        "multiple" => form.max_choices.unwrap_or(options).min(options),
        "ranked" => options,
        other => return Err(format!("the poll's kind {other:?} is not one this server counts")),
    };
    if choices.len() as i64 > most {
        return Err(format!("choices: this poll takes at most {most}, not {}", choices.len()));
    }
    Ok(())
}

/// A datetime as an instant (`None` when it isn't one).
pub fn instant(datetime: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(datetime).ok().map(|d| d.with_timezone(&Utc))
}

/// An instant as microseconds since the epoch.
pub fn micros(datetime: &str) -> Option<i64> {
    instant(datetime).map(|d| d.timestamp_micros())
}

/// Whether a ballot made at `created_at` (its record's claim) and seen here
/// at `received_us` counts: both at or before the poll's close, when it has
/// one. A backdated record that arrives after the close does not.
pub fn counts(closes_us: Option<i64>, created_at: &str, received_us: i64) -> bool {
    let Some(close) = closes_us else { return true };
    micros(created_at).is_some_and(|created| created <= close && received_us <= close)
}

/// Whether a poll closing at `closes_us` is closed at `now_us`.
pub fn closed(closes_us: Option<i64>, now_us: i64) -> bool {
    closes_us.is_some_and(|close| now_us > close)
}

/// Why `after` may not replace `before`, or nothing when it may: before the
/// first ballot anything may change; after it, only the description and
/// `closesAt` (and `updatedAt`), since ballots name options by index.
pub fn check_edit(before: &poll::Record, after: &poll::Record, has_ballots: bool) -> Result<(), String> {
    if after.sphere != before.sphere {
        return Err("sphere: a poll stays in its Sphere".into());
    }
    if !has_ballots {
        return Ok(());
    }
    let changed = [
        ("question", before.question != after.question),
        ("options", before.options != after.options),
        ("kind", before.kind != after.kind),
        ("maxChoices", before.max_choices != after.max_choices),
        ("results", before.results != after.results),
        ("createdAt", before.created_at != after.created_at),
    ];
    match changed.iter().find(|(_, changed)| *changed) {
        Some((field, _)) => Err(format!(
            "{field}: the poll has ballots; only its description and closing time may change now"
        )),
        None => Ok(()),
    }
}

/// Who is looking at a poll's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// The poll's author, or an owner or admin of its Sphere: they always see them.
    pub privileged: bool,
    /// Their ballot counts in the poll.
    pub voted: bool,
}

/// Whether `viewer` sees the results of a poll in `results` mode, `closed`
/// or not: `always` everyone; `afterVote` those who voted, and everyone
/// once it is closed; `afterClose` everyone once it is closed.
pub fn results_visible(results: &str, closed: bool, viewer: Viewer) -> bool {
    viewer.privileged
        || match results {
            "always" => true,
            "afterVote" => viewer.voted || closed,
            _ => closed,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(kind: &str, options: usize, max_choices: Option<i64>) -> poll::Record {
        poll::Record {
            sphere: "at://did:plc:o/site.exosphere.sphere/s".into(),
            question: "Which?".into(),
            description: None,
            options: (0..options).map(|i| format!("option {i}")).collect(),
            kind: kind.into(),
            max_choices,
            closes_at: None,
            results: "always".into(),
            created_at: "2026-12-01T00:00:00.000Z".into(),
            updated_at: None,
        }
    }

    #[test]
    fn ballots_fit_their_polls_kind() {
        let single = poll("single", 3, None);
        assert_eq!(check_ballot(Form::of(&single), &[2]), Ok(()));
        assert!(check_ballot(Form::of(&single), &[0, 1]).is_err_and(|e| e.contains("at most 1")));
        assert!(check_ballot(Form::of(&single), &[3]).is_err_and(|e| e.contains("not an option")));
        assert!(check_ballot(Form::of(&single), &[-1]).is_err_and(|e| e.contains("not an option")));
        assert!(check_ballot(Form::of(&single), &[]).is_err_and(|e| e.contains("at least one")));
        let multiple = poll("multiple", 4, Some(2));
        assert_eq!(check_ballot(Form::of(&multiple), &[3, 0]), Ok(()));
        assert!(check_ballot(Form::of(&multiple), &[0, 1, 2]).is_err_and(|e| e.contains("at most 2")));
        assert!(check_ballot(Form::of(&multiple), &[1, 1]).is_err_and(|e| e.contains("twice")));
        assert_eq!(check_ballot(Form::of(&poll("multiple", 3, None)), &[0, 1, 2]), Ok(()));
        let ranked = poll("ranked", 3, None);
        assert_eq!(check_ballot(Form::of(&ranked), &[2, 0, 1]), Ok(()));
        assert_eq!(check_ballot(Form::of(&ranked), &[1]), Ok(()), "a partial order is a ballot");
        assert!(check_ballot(Form::of(&ranked), &[2, 0, 2]).is_err_and(|e| e.contains("twice")));
        assert!(check_ballot(Form::of(&poll("approval", 3, None)), &[0]).is_err_and(|e| e.contains("kind")));
    }

    #[test]
    fn a_ballot_counts_only_made_and_seen_by_the_close() {
        let us = |d: &str| micros(d).unwrap_or_default();
        let close = Some(us("2026-12-10T12:00:00.000Z"));
        let before = "2026-12-10T11:59:59.000Z";
        assert!(counts(close, before, us(before)));
        assert!(counts(close, "2026-12-10T12:00:00Z", us("2026-12-10T12:00:00Z")), "at the close is in time");
        assert!(!counts(close, "2026-12-10T12:00:01Z", us("2026-12-10T12:00:01Z")));
        // Backdated, but it reached this server after the close.
        assert!(!counts(close, before, us("2026-12-11T00:00:00Z")));
        assert!(counts(None, "2030-01-01T00:00:00Z", us("2031-01-01T00:00:00Z")));
        assert!(!counts(close, "yesterday", us(before)));
        assert!(closed(close, us("2026-12-10T12:00:01Z")) && !closed(close, us(before)) && !closed(None, 0));
    }

    #[test]
    fn after_the_first_ballot_only_description_and_close_change() {
        let before = poll("single", 3, None);
        let mut reworded = before.clone();
        reworded.question = "Which one?".into();
        assert_eq!(check_edit(&before, &reworded, false), Ok(()));
        assert!(check_edit(&before, &reworded, true).is_err_and(|e| e.starts_with("question:")));
        let mut reordered = before.clone();
        reordered.options.swap(0, 1);
        assert!(check_edit(&before, &reordered, true).is_err_and(|e| e.starts_with("options:")));
        let mut explained = before.clone();
        explained.description = Some("More".into());
        explained.closes_at = Some("2026-12-02T00:00:00Z".into());
        explained.updated_at = Some("2026-12-01T01:00:00Z".into());
        assert_eq!(check_edit(&before, &explained, true), Ok(()));
        let mut moved = before.clone();
        moved.sphere = "at://did:plc:o/site.exosphere.sphere/t".into();
        assert!(check_edit(&before, &moved, false).is_err());
    }

    #[test]
    fn results_show_as_the_poll_says() {
        let nobody = Viewer { privileged: false, voted: false };
        let voter = Viewer { privileged: false, voted: true };
        let author = Viewer { privileged: true, voted: false };
        let all = [nobody, voter, author];
        assert_eq!(all.map(|v| results_visible("always", false, v)), [true, true, true]);
        assert_eq!(all.map(|v| results_visible("afterVote", false, v)), [false, true, true]);
        assert_eq!(all.map(|v| results_visible("afterClose", false, v)), [false, false, true]);
        assert_eq!(all.map(|v| results_visible("afterClose", true, v)), [true, true, true]);
        assert_eq!(all.map(|v| results_visible("afterVote", true, v)), [true, true, true]);
    }
}
