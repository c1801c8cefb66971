//! Jetstream v1 events, as JSON (see the README's dependency notes: the
//! jetstream-oxide crate drops records of custom collections, so we read the
//! documented wire format ourselves). A commit's `record` stays untyped
//! JSON until the module's typed validation decides what it is; it is
//! parsed here, on the socket reader's thread, so the single writer only writes.

use serde::Deserialize;

/// One Jetstream message.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub did: String,
    pub time_us: i64,
    pub kind: Kind,
    #[serde(default)]
    pub commit: Option<Commit>,
    #[serde(default)]
    pub identity: Option<Identity>,
    #[serde(default)]
    pub account: Option<Account>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Commit,
    Identity,
    Account,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

#[derive(Debug, Deserialize)]
pub struct Commit {
    #[serde(default)]
    pub rev: Option<String>,
    pub operation: Operation,
    pub collection: String,
    pub rkey: String,
    #[serde(default)]
    pub record: Option<serde_json::Value>,
    #[serde(default)]
    pub cid: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Identity {
    pub did: String,
    #[serde(default)]
    pub handle: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Account {
    pub did: String,
    pub active: bool,
    #[serde(default)]
    pub status: Option<String>,
}

/// What the socket reader hands the writer.
#[derive(Debug)]
pub enum Item {
    /// A well-formed event.
    Event(Box<Event>),
    /// A message that could not be read (counted, never fatal).
    Malformed(String),
    /// A record that breaks its Lexicon, found on the reader's side: counted
    /// as rejected, and its time moves the cursor, but it never reaches a
    /// write transaction (one would make the whole batch run again).
    Invalid { time_us: i64, did: String, collection: String, why: String },
}

impl Item {
    /// Checks a commit's record against its Lexicon (`registry` knows them
    /// all): an invalid one becomes [`Item::Invalid`].
    pub fn checked(self, registry: &exosphere_core::module::Registry) -> Self {
        let Item::Event(event) = &self else { return self };
        let Some(commit) = &event.commit else { return self };
        let Some(record) = &commit.record else { return self };
        if commit.operation == Operation::Delete {
            return self;
        }
        match registry.validate(&commit.collection, record) {
            Some(Err(why)) => Item::Invalid {
                time_us: event.time_us,
                did: event.did.clone(),
                collection: commit.collection.clone(),
                why: why.to_string(),
            },
            _ => self,
        }
    }
}

/// The largest message accepted (a Jetstream record is at most a few KB; PDS records at most 1 MB).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Parses one text message.
pub fn parse(text: &str) -> Item {
    if text.len() > MAX_MESSAGE_BYTES {
        return Item::Malformed(format!("message of {} bytes is over the limit", text.len()));
    }
    match serde_json::from_str::<Event>(text) {
        Ok(event) => {
            let complete = match event.kind {
                Kind::Commit => event.commit.is_some(),
                Kind::Identity => event.identity.is_some(),
                Kind::Account => event.account.is_some(),
            };
            if complete {
                Item::Event(Box::new(event))
            } else {
                Item::Malformed(format!("{:?} event without its body", event.kind))
            }
        }
        Err(e) => Item::Malformed(format!("unreadable event: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_shapes() {
        let commit = r#"{"did":"did:plc:a","time_us":1725911162329308,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"site.exosphere.example","rkey":"3k","record":{"$type":"site.exosphere.example","title":"x"},"cid":"bafy"}}"#;
        let Item::Event(e) = parse(commit) else { panic!("commit not parsed") };
        let e = *e;
        assert_eq!(e.kind, Kind::Commit);
        let c = e.commit.as_ref().map(|c| (c.operation, c.record.as_ref().and_then(|r| r["title"].as_str())));
        assert_eq!(c, Some((Operation::Create, Some("x"))));
        let delete = r#"{"did":"did:plc:a","time_us":2,"kind":"commit","commit":{"rev":"r","operation":"delete","collection":"c.d.e","rkey":"k"}}"#;
        assert!(
            matches!(parse(delete), Item::Event(e) if e.commit.as_ref().is_some_and(|c| c.record.is_none()))
        );
        let account = r#"{"did":"did:plc:a","time_us":3,"kind":"account","account":{"active":false,"did":"did:plc:a","seq":1,"status":"deactivated","time":"t"}}"#;
        assert!(matches!(parse(account), Item::Event(e) if e.account.as_ref().is_some_and(|a| !a.active)));
        let identity = r#"{"did":"did:plc:a","time_us":4,"kind":"identity","identity":{"did":"did:plc:a","handle":"a.test","seq":1,"time":"t"}}"#;
        assert!(matches!(parse(identity), Item::Event(_)));
    }

    #[test]
    fn malformed_input_is_reported_not_fatal() {
        for bad in [
            "not json",
            "{}",
            r#"{"did":"d","time_us":1,"kind":"commit"}"#,
            r#"{"did":"d","time_us":1,"kind":"weird"}"#,
        ] {
            assert!(matches!(parse(bad), Item::Malformed(_)), "{bad}");
        }
        assert!(matches!(parse(&"x".repeat(MAX_MESSAGE_BYTES + 1)), Item::Malformed(_)));
    }
}
