//! Query-string parameters of XRPC queries.
//!
//! XRPC encodes arrays as repeated keys (`?status=open&status=planned`),
//! which serde's URL-encoded deserializer does not support, so the generated
//! `Params` types read their fields through this.

use crate::lexicon::ValidationError;

/// The decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Default)]
pub struct QueryPairs {
    pairs: Vec<(String, String)>,
}

impl QueryPairs {
    /// Decodes a raw query string (without the `?`).
    pub fn parse(query: &str) -> Self {
        Self { pairs: form_urlencoded::parse(query.as_bytes()).into_owned().collect() }
    }

    fn first(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A string parameter.
    pub fn string(&self, name: &str) -> Option<String> {
        self.first(name).map(str::to_owned)
    }

    /// An integer parameter; a non-integer value is an error naming the field.
    pub fn integer(&self, name: &str) -> Result<Option<i64>, ValidationError> {
        self.first(name).map(|v| parse_integer(name, v)).transpose()
    }

    /// A boolean parameter (`true` or `false`).
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ValidationError> {
        self.first(name)
            .map(|v| match v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ValidationError::new(name, "must be true or false")),
            })
            .transpose()
    }

    /// Every value of a repeated string parameter.
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.all(name).map(str::to_owned).collect()
    }

    /// Every value of a repeated integer parameter.
    pub fn integers(&self, name: &str) -> Result<Vec<i64>, ValidationError> {
        self.all(name).map(|v| parse_integer(name, v)).collect()
    }
}

fn parse_integer(name: &str, value: &str) -> Result<i64, ValidationError> {
    value.parse().map_err(|_| ValidationError::new(name, "must be an integer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_scalars_and_repeated_keys() -> Result<(), ValidationError> {
        let q = QueryPairs::parse("sphere=my%20sphere&limit=5&status=open&status=done&x=true");
        assert_eq!(q.string("sphere").as_deref(), Some("my sphere"));
        assert_eq!(q.integer("limit")?, Some(5));
        assert_eq!(q.strings("status"), vec!["open", "done"]);
        assert_eq!(q.boolean("x")?, Some(true));
        assert_eq!(q.integer("absent")?, None);
        Ok(())
    }

    #[test]
    fn bad_numbers_name_the_field() {
        let q = QueryPairs::parse("limit=lots&flag=yes");
        assert_eq!(q.integer("limit").map_err(|e| e.to_string()), Err("limit: must be an integer".into()));
        assert!(q.boolean("flag").is_err());
    }
}
