//! Records as they are written to a PDS: the typed value plus `$type`.

use serde::Serialize;

use super::{Validate, ValidationError};

/// A record type of a Lexicon (generated for every `"type": "record"`).
pub trait LexRecord: Serialize + Validate {
    /// The record's collection NSID, also its `$type`.
    const NSID: &'static str;
}

/// The JSON of a record as stored on a PDS: validated, with `$type` set.
pub fn record_json<R: LexRecord>(record: &R) -> Result<serde_json::Value, ValidationError> {
    record.validate()?;
    let mut value = serde_json::to_value(record)
        .map_err(|e| ValidationError::new("", format!("cannot encode record: {e}")))?;
    if let Some(object) = value.as_object_mut() {
        object.insert("$type".into(), serde_json::Value::String(R::NSID.into()));
    }
    Ok(value)
}

/// Decodes a record's JSON into its type and checks its Lexicon constraints.
pub fn decode_record<R: LexRecord + serde::de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<R, ValidationError> {
    let record: R = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ValidationError::new(if path == "." { String::new() } else { path }, e.into_inner().to_string())
    })?;
    record.validate()?;
    Ok(record)
}
