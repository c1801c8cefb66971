//! A query's answer: its typed output, or the same output already written as
//! JSON. Lists that every reader gets alike (see [`crate::Db::read_shared`])
//! keep each item's view encoded once, and write an answer by copying those
//! bytes and adding the viewer's own state as each view's last field, instead
//! of cloning and encoding every view again for every reader.
//!
//! The written JSON must be exactly what the typed output encodes to: a
//! module that writes answers tests both ways against each other.

use serde::Serialize;

use super::{Error, XrpcResult};

/// What a query handler answers.
#[derive(Debug)]
pub enum Answer<O> {
    /// The output, to be encoded.
    Typed(O),
    /// The output already encoded (see [`AnswerWriter`]).
    Encoded(String),
}

impl<O> From<O> for Answer<O> {
    fn from(output: O) -> Self {
        Self::Typed(output)
    }
}

impl<O: Serialize> Answer<O> {
    /// The answer as JSON text.
    pub fn into_json(self) -> XrpcResult<String> {
        match self {
            Self::Typed(output) => encode(&output),
            Self::Encoded(json) => Ok(json),
        }
    }
}

/// A value as JSON text, as every answer is written. sonic-rs writes the
/// same bytes as serde_json (a test compares them) in about half the time:
/// an answer is mostly strings (URIs, CIDs, DIDs, text), and it escapes them
/// with SIMD where serde_json looks at every byte.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> XrpcResult<String> {
    sonic_rs::to_string(value).map_err(|e| Error::internal(anyhow::anyhow!("encoding the answer: {e}")))
}

/// A view (a JSON object) encoded once, to be written into many answers.
#[derive(Debug, Clone)]
pub struct EncodedView(String);

impl EncodedView {
    /// Encodes `view`, which must encode as a JSON object.
    pub fn new<T: Serialize>(view: &T) -> XrpcResult<Self> {
        let json = encode(view)?;
        if !(json.starts_with('{') && json.ends_with('}')) {
            return Err(Error::internal(anyhow::anyhow!("a view must encode as a JSON object")));
        }
        Ok(Self(json))
    }

    /// The view's JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Writes an answer object field by field, in the order of the output's
/// fields, leaving out what the typed output leaves out.
#[derive(Debug)]
pub struct AnswerWriter {
    out: String,
    empty: bool,
}

impl AnswerWriter {
    /// An answer of about `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        let mut out = String::with_capacity(capacity);
        out.push('{');
        Self { out, empty: true }
    }

    fn name(&mut self, name: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\":");
    }

    /// A field holding a list of views, each written with `state` as its
    /// last field when that is given (the viewer's own state: `None` leaves
    /// it out, as a typed view whose optional field is unset).
    pub fn views<'a, S, I>(&mut self, name: &str, state_field: &str, views: I) -> XrpcResult<()>
    where
        S: Serialize + 'a,
        I: IntoIterator<Item = (&'a EncodedView, Option<S>)>,
    {
        self.name(name);
        self.out.push('[');
        for (i, (view, state)) in views.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let json = view.as_str();
            match state {
                None => self.out.push_str(json),
                Some(state) => {
                    let body = &json[..json.len() - 1];
                    self.out.push_str(body);
                    if body.len() > 1 {
                        self.out.push(',');
                    }
                    self.out.push('"');
                    self.out.push_str(state_field);
                    self.out.push_str("\":");
                    self.out.push_str(&encode(&state)?);
                    self.out.push('}');
                }
            }
        }
        self.out.push(']');
        Ok(())
    }

    /// A field that the typed output leaves out when it is `None`.
    pub fn optional<T: Serialize>(&mut self, name: &str, value: Option<&T>) -> XrpcResult<()> {
        if let Some(value) = value {
            self.name(name);
            self.out.push_str(&encode(value)?);
        }
        Ok(())
    }

    /// The answer.
    pub fn finish<O>(mut self) -> Answer<O> {
        self.out.push('}');
        Answer::Encoded(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct State {
        voted: bool,
    }

    #[derive(Serialize)]
    struct View {
        uri: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        viewer: Option<State>,
    }

    #[derive(Serialize)]
    struct Output {
        items: Vec<View>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cursor: Option<String>,
    }

    fn written(states: [Option<bool>; 2], cursor: Option<&str>) -> anyhow::Result<String> {
        let views = [
            EncodedView::new(&View { uri: "a\"1", viewer: None })?,
            EncodedView::new(&View { uri: "b", viewer: None })?,
        ];
        let mut out = AnswerWriter::new(64);
        out.views(
            "items",
            "viewer",
            views.iter().zip(states).map(|(v, s)| (v, s.map(|voted| State { voted }))),
        )?;
        out.optional("cursor", cursor.map(str::to_owned).as_ref())?;
        Ok(out.finish::<Output>().into_json()?)
    }

    fn typed(states: [Option<bool>; 2], cursor: Option<&str>) -> anyhow::Result<String> {
        let items = ["a\"1", "b"]
            .into_iter()
            .zip(states)
            .map(|(uri, s)| View { uri, viewer: s.map(|voted| State { voted }) })
            .collect();
        Ok(Answer::from(Output { items, cursor: cursor.map(str::to_owned) }).into_json()?)
    }

    #[test]
    fn written_answers_are_the_typed_outputs_encoded() -> anyhow::Result<()> {
        for states in [[None, None], [Some(true), Some(false)], [Some(false), None]] {
            for cursor in [None, Some("c::1")] {
                assert_eq!(written(states, cursor)?, typed(states, cursor)?, "{states:?} {cursor:?}");
            }
        }
        Ok(())
    }

    #[test]
    fn a_view_must_be_an_object() {
        assert!(EncodedView::new(&[1, 2]).is_err());
        assert!(EncodedView::new(&View { uri: "a", viewer: None }).is_ok());
    }
}
