//! Lexicon types and their validation.
//!
//! [`generated`] is written by `backend/lexgen` from `lexicons/` (do not edit
//! it by hand: run `cargo run -p exosphere-lexgen`). The rest of this module
//! is the small runtime those types call: constraint checks, string formats
//! and record helpers.

pub mod format;
#[allow(clippy::all, missing_docs, unused_imports)]
#[rustfmt::skip]
pub mod generated;
mod record;
mod validate;

pub use format::Format;
pub use generated::*;
pub use record::{LexRecord, decode_record, record_json};
pub use validate::{FromQuery, Validate, ValidationError, check};
