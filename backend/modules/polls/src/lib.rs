//! Polls: single, multiple and ranked-choice polls whose ballots are records
//! on their voters' PDSes.
//!
//! Under construction, and not registered yet: so far its Lexicons
//! (`site.exosphere.poll`, `site.exosphere.pollVote`), its [`rules`] and the [`tally`]
//! that turns ballots into results. Records, indexing, the XRPC methods and
//! the pages follow; until then no server runs it.

#[allow(clippy::all, missing_docs, unused_imports)]
#[rustfmt::skip]
pub mod generated;
pub mod rules;
pub mod tally;
