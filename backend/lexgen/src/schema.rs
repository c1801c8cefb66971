//! The Lexicon v1 language as serde types, and the checks that make a set of
//! Lexicon files valid together (ids match paths, references resolve,
//! required fields exist, constraints make sense).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indexmap::IndexMap;
use serde::Deserialize;

/// One Lexicon file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Doc {
    pub lexicon: u32,
    pub id: String,
    #[serde(default)]
    pub revision: Option<u32>,
    #[serde(default)]
    pub description: Option<String>,
    pub defs: IndexMap<String, Def>,
}

/// A definition or a field type.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Def {
    Record(Record),
    Query(Method),
    Procedure(Method),
    Object(Object),
    String(StringType),
    Integer(IntegerType),
    Boolean(BooleanType),
    Array(ArrayType),
    Ref(RefType),
    Union(UnionType),
    Unknown(Described),
    Token(Described),
    CidLink(Described),
    Blob(Blob),
    Bytes(Bytes),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Described {
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Blob {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub accept: Vec<String>,
    #[serde(default)]
    pub max_size: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Bytes {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    #[serde(default)]
    pub description: Option<String>,
    pub key: String,
    pub record: ObjectDef,
}

/// `record.record` must be an object.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ObjectDef {
    Object(Object),
}

impl ObjectDef {
    pub fn object(&self) -> &Object {
        match self {
            Self::Object(o) => o,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub parameters: Option<ParamsDef>,
    #[serde(default)]
    pub input: Option<Body>,
    #[serde(default)]
    pub output: Option<Body>,
    #[serde(default)]
    pub errors: Vec<ErrorDef>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ParamsDef {
    Params(Object),
}

impl ParamsDef {
    pub fn object(&self) -> &Object {
        match self {
            Self::Params(o) => o,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    #[serde(default)]
    pub description: Option<String>,
    pub encoding: String,
    #[serde(default)]
    pub schema: Option<Box<Def>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDef {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Object {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub nullable: Vec<String>,
    #[serde(default)]
    pub properties: IndexMap<String, Def>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StringType {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_graphemes: Option<usize>,
    #[serde(default)]
    pub min_graphemes: Option<usize>,
    #[serde(default)]
    pub known_values: Vec<String>,
    #[serde(default, rename = "enum")]
    pub enumeration: Option<Vec<String>>,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default, rename = "const")]
    pub constant: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegerType {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    #[serde(default, rename = "enum")]
    pub enumeration: Option<Vec<i64>>,
    #[serde(default)]
    pub default: Option<i64>,
    #[serde(default, rename = "const")]
    pub constant: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BooleanType {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub default: Option<bool>,
    #[serde(default, rename = "const")]
    pub constant: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArrayType {
    #[serde(default)]
    pub description: Option<String>,
    pub items: Box<Def>,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefType {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "ref")]
    pub target: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionType {
    #[serde(default)]
    pub description: Option<String>,
    pub refs: Vec<String>,
    #[serde(default)]
    pub closed: Option<bool>,
}

impl Def {
    pub fn description(&self) -> Option<&str> {
        match self {
            Def::Record(r) => r.description.as_deref(),
            Def::Query(m) | Def::Procedure(m) => m.description.as_deref(),
            Def::Object(o) => o.description.as_deref(),
            Def::String(s) => s.description.as_deref(),
            Def::Integer(i) => i.description.as_deref(),
            Def::Boolean(b) => b.description.as_deref(),
            Def::Array(a) => a.description.as_deref(),
            Def::Ref(r) => r.description.as_deref(),
            Def::Union(u) => u.description.as_deref(),
            Def::Unknown(d) | Def::Token(d) | Def::CidLink(d) => d.description.as_deref(),
            Def::Blob(b) => b.description.as_deref(),
            Def::Bytes(b) => b.description.as_deref(),
        }
    }
}

/// Every Lexicon document of a folder, keyed by id.
pub struct Corpus {
    pub docs: BTreeMap<String, Doc>,
}

/// Formats the generator knows (the atproto string formats).
pub const FORMATS: &[&str] = &[
    "at-identifier",
    "at-uri",
    "cid",
    "datetime",
    "did",
    "handle",
    "language",
    "nsid",
    "record-key",
    "tid",
    "uri",
];

impl Corpus {
    /// Reads every `*.json` under `dir` and checks the set.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let mut files = Vec::new();
        collect_json(dir, &mut files)?;
        files.sort();
        let mut docs = BTreeMap::new();
        for file in files {
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let doc: Doc = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a valid Lexicon document", file.display()))?;
            let expected = file
                .strip_prefix(dir)
                .ok()
                .and_then(|p| p.with_extension("").to_str().map(|s| s.replace('/', ".")))
                .unwrap_or_default();
            if doc.id != expected {
                bail!("{}: id {} does not match its path (expected {expected})", file.display(), doc.id);
            }
            if doc.lexicon != 1 {
                bail!("{}: lexicon version {} is not 1", doc.id, doc.lexicon);
            }
            if docs.insert(doc.id.clone(), doc).is_some() {
                bail!("{expected} is defined twice");
            }
        }
        let corpus = Self { docs };
        corpus.check()?;
        Ok(corpus)
    }

    /// Resolves a reference made from document `from`: `#def`, `nsid` or `nsid#def`.
    pub fn resolve<'a>(&'a self, from: &str, reference: &str) -> Option<(&'a str, &'a str, &'a Def)> {
        let (doc_id, def) = match reference.split_once('#') {
            Some(("", def)) => (from, def),
            Some((doc, def)) => (doc, def),
            None => (reference, "main"),
        };
        let (id, doc) = self.docs.get_key_value(doc_id)?;
        let (name, def) = doc.defs.get_key_value(def)?;
        Some((id.as_str(), name.as_str(), def))
    }

    fn check(&self) -> anyhow::Result<()> {
        for (id, doc) in &self.docs {
            for (name, def) in &doc.defs {
                let at = format!("{id}#{name}");
                match def {
                    Def::Record(_) | Def::Query(_) | Def::Procedure(_) if name != "main" => {
                        bail!("{at}: records, queries and procedures must be the main definition")
                    }
                    Def::Record(r) => {
                        if !["tid", "any", "nsid"].contains(&r.key.as_str()) && !r.key.starts_with("literal:")
                        {
                            bail!("{at}: unknown record key type {}", r.key);
                        }
                        self.check_object(id, &at, r.record.object())?;
                    }
                    Def::Query(m) | Def::Procedure(m) => {
                        let is_query = matches!(def, Def::Query(_));
                        if is_query && m.input.is_some() {
                            bail!("{at}: a query has no input");
                        }
                        if let Some(p) = &m.parameters {
                            self.check_object(id, &format!("{at} parameters"), p.object())?;
                            for (field, d) in &p.object().properties {
                                let ok = match d {
                                    Def::String(_) | Def::Integer(_) | Def::Boolean(_) | Def::Unknown(_) => {
                                        true
                                    }
                                    Def::Array(a) => {
                                        matches!(*a.items, Def::String(_) | Def::Integer(_) | Def::Boolean(_))
                                    }
                                    _ => false,
                                };
                                if !ok {
                                    bail!(
                                        "{at}: parameter {field} must be a boolean, integer, string or array of those"
                                    );
                                }
                            }
                        }
                        for body in [&m.input, &m.output].into_iter().flatten() {
                            if body.encoding != "application/json" {
                                bail!(
                                    "{at}: only application/json bodies are supported, got {}",
                                    body.encoding
                                );
                            }
                            if let Some(schema) = &body.schema {
                                self.check_def(id, &at, schema)?;
                            }
                        }
                    }
                    other => self.check_def(id, &at, other)?,
                }
            }
        }
        Ok(())
    }

    fn check_object(&self, id: &str, at: &str, object: &Object) -> anyhow::Result<()> {
        for field in object.required.iter().chain(&object.nullable) {
            if !object.properties.contains_key(field) {
                bail!("{at}: {field} is listed as required or nullable but is not a property");
            }
        }
        for (field, def) in &object.properties {
            self.check_def(id, &format!("{at}.{field}"), def)?;
        }
        Ok(())
    }

    fn check_def(&self, id: &str, at: &str, def: &Def) -> anyhow::Result<()> {
        match def {
            Def::Object(o) => self.check_object(id, at, o)?,
            Def::Array(a) => {
                check_range(at, a.min_length, a.max_length)?;
                self.check_def(id, &format!("{at}[]"), &a.items)?;
            }
            Def::Ref(r) => {
                if self.resolve(id, &r.target).is_none() {
                    bail!("{at}: reference {} does not resolve", r.target);
                }
            }
            Def::Union(u) => {
                for target in &u.refs {
                    if self.resolve(id, target).is_none() {
                        bail!("{at}: union member {target} does not resolve");
                    }
                }
            }
            Def::String(s) => {
                check_range(at, s.min_length, s.max_length)?;
                check_range(at, s.min_graphemes, s.max_graphemes)?;
                if let Some(f) = &s.format
                    && !FORMATS.contains(&f.as_str())
                {
                    bail!("{at}: unknown string format {f}");
                }
                if let (Some(values), Some(default)) = (&s.enumeration, &s.default)
                    && !values.contains(default)
                {
                    bail!("{at}: default {default} is not in the enum");
                }
            }
            Def::Integer(i) => {
                if let (Some(min), Some(max)) = (i.minimum, i.maximum)
                    && min > max
                {
                    bail!("{at}: minimum {min} is over maximum {max}");
                }
            }
            Def::Record(_) | Def::Query(_) | Def::Procedure(_) => {
                bail!("{at}: records and methods can't be nested")
            }
            Def::Boolean(_)
            | Def::Unknown(_)
            | Def::Token(_)
            | Def::CidLink(_)
            | Def::Blob(_)
            | Def::Bytes(_) => {}
        }
        Ok(())
    }
}

fn check_range(at: &str, min: Option<usize>, max: Option<usize>) -> anyhow::Result<()> {
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        bail!("{at}: minimum length {min} is over maximum length {max}");
    }
    Ok(())
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}
