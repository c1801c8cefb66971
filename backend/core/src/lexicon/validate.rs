//! Lexicon constraint checks used by the generated `validate()` methods.
//!
//! Lexicon length limits count UTF-8 bytes (`maxLength`) and grapheme
//! clusters (`maxGraphemes`); the `validator` crate counts chars, which is
//! neither, so these checks are our own.

use std::fmt;

use unicode_segmentation::UnicodeSegmentation;

use super::Format;
use crate::xrpc::QueryPairs;

/// A broken constraint: where (a field path like `subject.uri`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Dotted path of the field, empty for the value itself.
    pub path: String,
    /// What is wrong, naming the constraint.
    pub message: String,
}

impl ValidationError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }

    /// A required field that is absent.
    pub fn required(path: &str) -> Self {
        Self::new(path, "is required")
    }

    /// The same error, seen from the object holding `field`.
    pub fn within(mut self, field: &str) -> Self {
        self.path = if self.path.is_empty() { field.to_owned() } else { format!("{field}.{}", self.path) };
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ValidationError {}

/// A value that can check its Lexicon constraints.
pub trait Validate {
    /// Checks every constraint; the first failure is returned.
    fn validate(&self) -> Result<(), ValidationError>;
}

/// XRPC query parameters decoded from a query string.
pub trait FromQuery: Sized {
    /// Reads the parameters, failing on a missing required one or a bad type.
    fn from_query(query: &QueryPairs) -> Result<Self, ValidationError>;
}

/// The individual checks, one per Lexicon constraint.
pub mod check {
    use super::*;

    type Result = std::result::Result<(), ValidationError>;

    /// `maxLength` of a string: UTF-8 bytes.
    pub fn max_length(path: &str, value: &str, max: usize) -> Result {
        if value.len() > max {
            return Err(ValidationError::new(
                path,
                format!("must be at most {max} bytes long (maxLength), got {}", value.len()),
            ));
        }
        Ok(())
    }

    /// `minLength` of a string: UTF-8 bytes.
    pub fn min_length(path: &str, value: &str, min: usize) -> Result {
        if value.len() < min {
            return Err(ValidationError::new(
                path,
                format!("must be at least {min} bytes long (minLength), got {}", value.len()),
            ));
        }
        Ok(())
    }

    /// `maxGraphemes` of a string.
    pub fn max_graphemes(path: &str, value: &str, max: usize) -> Result {
        // Cheap exit: a string has no more graphemes than bytes.
        if value.len() <= max {
            return Ok(());
        }
        let count = value.graphemes(true).count();
        if count > max {
            return Err(ValidationError::new(
                path,
                format!("must be at most {max} graphemes long (maxGraphemes), got {count}"),
            ));
        }
        Ok(())
    }

    /// `minGraphemes` of a string.
    pub fn min_graphemes(path: &str, value: &str, min: usize) -> Result {
        let count = value.graphemes(true).count();
        if count < min {
            return Err(ValidationError::new(
                path,
                format!("must be at least {min} graphemes long (minGraphemes), got {count}"),
            ));
        }
        Ok(())
    }

    /// Closed `enum` of a string.
    pub fn one_of(path: &str, value: &str, allowed: &[&str]) -> Result {
        if !allowed.contains(&value) {
            return Err(ValidationError::new(
                path,
                format!("must be one of {} (enum), got {value:?}", allowed.join(", ")),
            ));
        }
        Ok(())
    }

    /// `const` of a string.
    pub fn equals(path: &str, value: &str, expected: &str) -> Result {
        if value != expected {
            return Err(ValidationError::new(path, format!("must be {expected:?} (const), got {value:?}")));
        }
        Ok(())
    }

    /// `minimum` of an integer.
    pub fn minimum(path: &str, value: i64, min: i64) -> Result {
        if value < min {
            return Err(ValidationError::new(path, format!("must be at least {min} (minimum), got {value}")));
        }
        Ok(())
    }

    /// `maximum` of an integer.
    pub fn maximum(path: &str, value: i64, max: i64) -> Result {
        if value > max {
            return Err(ValidationError::new(path, format!("must be at most {max} (maximum), got {value}")));
        }
        Ok(())
    }

    /// `maxLength` of an array: items.
    pub fn max_items(path: &str, len: usize, max: usize) -> Result {
        if len > max {
            return Err(ValidationError::new(
                path,
                format!("must have at most {max} items (maxLength), got {len}"),
            ));
        }
        Ok(())
    }

    /// `minLength` of an array: items.
    pub fn min_items(path: &str, len: usize, min: usize) -> Result {
        if len < min {
            return Err(ValidationError::new(
                path,
                format!("must have at least {min} items (minLength), got {len}"),
            ));
        }
        Ok(())
    }

    /// `format` of a string.
    pub fn format(path: &str, value: &str, format: Format) -> Result {
        if !format.matches(value) {
            return Err(ValidationError::new(
                path,
                format!("must be a valid {} (format), got {:?}", format.name(), truncate(value)),
            ));
        }
        Ok(())
    }

    fn truncate(value: &str) -> &str {
        match value.char_indices().nth(64) {
            Some((end, _)) => &value[..end],
            None => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check::*;
    use super::*;

    #[test]
    fn lengths_count_bytes_and_graphemes_separately() {
        // "é" as e + combining accent: 3 bytes, 1 grapheme.
        let accented = "e\u{301}";
        assert!(max_length("t", accented, 2).is_err());
        assert!(max_length("t", accented, 3).is_ok());
        assert!(max_graphemes("t", accented, 1).is_ok());
        assert!(max_graphemes("t", &accented.repeat(2), 1).is_err());
        assert!(min_graphemes("t", "", 1).is_err());
        assert!(min_length("t", "ab", 3).is_err());
    }

    #[test]
    fn messages_name_the_field_and_constraint() {
        let err = max_graphemes("title", &"x".repeat(301), 300).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("title: must be at most 300 graphemes long (maxGraphemes), got 301"));
        let nested = ValidationError::new("uri", "bad").within("subject");
        assert_eq!(nested.to_string(), "subject.uri: bad");
    }

    #[test]
    fn numbers_enums_and_arrays() {
        assert!(minimum("n", 0, 1).is_err());
        assert!(maximum("n", 101, 100).is_err());
        assert!(maximum("n", 100, 100).is_ok());
        assert!(one_of("s", "x", &["a", "b"]).is_err());
        assert!(equals("s", "a", "a").is_ok());
        assert!(max_items("a", 3, 2).is_err());
        assert!(min_items("a", 0, 1).is_err());
    }
}
