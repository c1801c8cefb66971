//! A poll's rules, the same for the API and the indexer: which ballots fit
//! a poll, which count given when the poll closes, which edits a poll may
//! take once it has ballots, and who sees its results.

use chrono::{DateTime, Utc};

use crate::generated::site::exosphere::poll;

/// Why a ballot does not fit its poll, or nothing when it does: every
/// choice an option of the poll, none twice; one for `single`, up to
/// `maxChoices` (all options when absent) for `multiple`, an order of some
/// or all options for `ranked`.
pub fn check_ballot(poll: &poll::Record, choices: &[i64]) -> Result<(), String> {
    let options = poll.options.len() as i64;
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
    let most = match poll.kind.as_str() {
        "single" => 1,
        "multiple" => poll.max_choices.unwrap_or(options).min(options),
        "ranked" => options,
        other => return Err(format!("the poll's kind {other:?} is not one this server counts")),
    };
    if choices.len() as i64 > most {
        return Err(format!("choices: this poll takes at most {most}, not {}", choices.len()));
    }
    Ok(())
}

fn instant(datetime: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(datetime).ok().map(|d| d.with_timezone(&Utc))
}

/// Whether a ballot made at `created_at` (its record's claim) and seen here
/// at `received_at` counts: both at or before the poll's `closesAt`, when
/// it has one. A backdated record that arrives after the close does not.
pub fn counts(closes_at: Option<&str>, created_at: &str, received_at: DateTime<Utc>) -> bool {
    let Some(closes_at) = closes_at else { return true };
    match (instant(closes_at), instant(created_at)) {
        (Some(close), Some(created)) => created <= close && received_at <= close,
        _ => false,
    }
}

/// Whether the poll is closed at `now`.
pub fn closed(poll: &poll::Record, now: DateTime<Utc>) -> bool {
    poll.closes_at.as_deref().and_then(instant).is_some_and(|close| now > close)
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

/// Whether `viewer` sees the results, by the poll's `results` mode:
/// `always` everyone; `afterVote` those who voted, and everyone once it is
/// closed; `afterClose` everyone once it is closed.
pub fn results_visible(poll: &poll::Record, viewer: Viewer, now: DateTime<Utc>) -> bool {
    if viewer.privileged {
        return true;
    }
    match poll.results.as_str() {
        "always" => true,
        "afterVote" => viewer.voted || closed(poll, now),
        _ => closed(poll, now),
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

    fn at(datetime: &str) -> DateTime<Utc> {
        instant(datetime).unwrap_or_default()
    }

    #[test]
    fn ballots_fit_their_polls_kind() {
        let single = poll("single", 3, None);
        assert_eq!(check_ballot(&single, &[2]), Ok(()));
        assert!(check_ballot(&single, &[0, 1]).is_err_and(|e| e.contains("at most 1")));
        assert!(check_ballot(&single, &[3]).is_err_and(|e| e.contains("not an option")));
        assert!(check_ballot(&single, &[-1]).is_err_and(|e| e.contains("not an option")));
        assert!(check_ballot(&single, &[]).is_err_and(|e| e.contains("at least one")));
        let multiple = poll("multiple", 4, Some(2));
        assert_eq!(check_ballot(&multiple, &[3, 0]), Ok(()));
        assert!(check_ballot(&multiple, &[0, 1, 2]).is_err_and(|e| e.contains("at most 2")));
        assert!(check_ballot(&multiple, &[1, 1]).is_err_and(|e| e.contains("twice")));
        assert_eq!(check_ballot(&poll("multiple", 3, None), &[0, 1, 2]), Ok(()));
        let ranked = poll("ranked", 3, None);
        assert_eq!(check_ballot(&ranked, &[2, 0, 1]), Ok(()));
        assert_eq!(check_ballot(&ranked, &[1]), Ok(()), "a partial order is a ballot");
        assert!(check_ballot(&ranked, &[2, 0, 2]).is_err_and(|e| e.contains("twice")));
        assert!(check_ballot(&poll("approval", 3, None), &[0]).is_err_and(|e| e.contains("kind")));
    }

    #[test]
    fn a_ballot_counts_only_made_and_seen_by_the_close() {
        let close = Some("2026-12-10T12:00:00.000Z");
        let before = "2026-12-10T11:59:59.000Z";
        assert!(counts(close, before, at(before)));
        assert!(counts(close, "2026-12-10T12:00:00Z", at("2026-12-10T12:00:00Z")), "at the close is in time");
        assert!(!counts(close, "2026-12-10T12:00:01Z", at("2026-12-10T12:00:01Z")));
        // Backdated, but it reached this server after the close.
        assert!(!counts(close, before, at("2026-12-11T00:00:00Z")));
        assert!(counts(None, "2030-01-01T00:00:00Z", at("2031-01-01T00:00:00Z")));
        assert!(!counts(close, "yesterday", at(before)));
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
        let now = at("2026-12-05T00:00:00Z");
        let nobody = Viewer { privileged: false, voted: false };
        let voter = Viewer { privileged: false, voted: true };
        let author = Viewer { privileged: true, voted: false };
        let mut p = poll("single", 2, None);
        assert!(results_visible(&p, nobody, now));
        p.results = "afterVote".into();
        assert_eq!([nobody, voter, author].map(|v| results_visible(&p, v, now)), [false, true, true]);
        p.results = "afterClose".into();
        assert_eq!([nobody, voter, author].map(|v| results_visible(&p, v, now)), [false, false, true]);
        p.closes_at = Some("2026-12-04T00:00:00Z".into());
        assert_eq!([nobody, voter].map(|v| results_visible(&p, v, now)), [true, true]);
        p.results = "afterVote".into();
        assert!(results_visible(&p, nobody, now), "once closed, everyone sees them");
    }
}
