//! `exosphere-lexgen`: reads `lexicons/` and writes the committed Rust code
//! and `openapi/openapi.json`.
//!
//! Core's Lexicons (Sphere, membership, moderation, auth, shared defs and
//! `com.atproto.*`) become `backend/core/src/lexicon/generated/`. A module
//! crate claims its own Lexicons in its `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.exosphere]
//! module = "notes"
//! lexicons = ["site.exosphere.note"]
//! ```
//!
//! Every NSID that is a prefix or starts with one followed by `.` or a
//! capital letter (`site.exosphere.noteComment`,
//! `site.exosphere.note.comment`) is the module's, and its code is
//! written to the module's `src/generated/`. One OpenAPI document covers all.
//!
//! The same [`generate`] runs in the freshness test, which fails when the
//! committed output differs from what the Lexicons produce.

pub mod openapi;
pub mod rust;
pub mod schema;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// One crate that receives generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The module's name (`None`: core).
    pub module: Option<String>,
    /// The NSID prefixes the module claims (empty for core: it has the rest).
    pub prefixes: Vec<String>,
    /// Where its generated files go, relative to the workspace root.
    pub rust_out: PathBuf,
}

impl Unit {
    /// Core's unit.
    pub fn core() -> Self {
        Self {
            module: None,
            prefixes: Vec::new(),
            rust_out: PathBuf::from("backend/core/src/lexicon/generated"),
        }
    }

    /// Whether this module claims `nsid`.
    pub fn claims(&self, nsid: &str) -> bool {
        self.prefixes.iter().any(|prefix| {
            nsid.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with('.') || rest.starts_with(|c: char| c.is_ascii_uppercase())
            })
        })
    }
}

/// Where things live, relative to the workspace root.
pub struct Paths {
    pub root: PathBuf,
    pub lexicons: PathBuf,
    pub openapi_out: PathBuf,
    /// Core first, then each module crate that claims Lexicons.
    pub units: Vec<Unit>,
}

impl Paths {
    /// The standard layout under `root`, with the module crates its Cargo workspace declares.
    pub fn under(root: &Path) -> anyhow::Result<Self> {
        let mut units = vec![Unit::core()];
        units.extend(module_units(root)?);
        Ok(Self {
            root: root.to_owned(),
            lexicons: root.join("lexicons"),
            openapi_out: root.join("openapi/openapi.json"),
            units,
        })
    }

    /// The workspace this crate is part of.
    pub fn workspace() -> anyhow::Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        Self::under(&root.canonicalize().unwrap_or(root))
    }
}

/// The module crates of the workspace at `root` that claim Lexicons
/// (`[package.metadata.exosphere]`), read with `cargo metadata`.
fn module_units(root: &Path) -> anyhow::Result<Vec<Unit>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root)
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut units = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let meta = &package["metadata"]["exosphere"];
        if meta.is_null() {
            continue;
        }
        let name = package["name"].as_str().unwrap_or_default();
        let Some(module) = meta["module"].as_str() else {
            bail!("{name}: [package.metadata.exosphere] needs `module`, the module's name");
        };
        let prefixes: Vec<String> = meta["lexicons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect();
        if prefixes.is_empty() {
            bail!("{name}: [package.metadata.exosphere] needs `lexicons`, the NSID prefixes the module owns");
        }
        let manifest = Path::new(package["manifest_path"].as_str().unwrap_or_default());
        let dir = manifest.parent().context("a manifest without a folder")?;
        let dir = dir.strip_prefix(root.canonicalize().unwrap_or(root.to_owned())).unwrap_or(dir);
        units.push(Unit { module: Some(module.to_owned()), prefixes, rust_out: dir.join("src/generated") });
    }
    units.sort_by(|a, b| a.module.cmp(&b.module));
    Ok(units)
}

/// Everything the generator writes.
pub struct Output {
    /// Rust files relative to the workspace root.
    pub rust: BTreeMap<PathBuf, String>,
    /// The OpenAPI document.
    pub openapi: String,
}

/// Generates everything from the Lexicons, split between the units.
pub fn generate(paths: &Paths) -> anyhow::Result<Output> {
    let corpus = schema::Corpus::load(&paths.lexicons)?;
    let owners = rust::Owners::new(&paths.units);
    let mut rust = BTreeMap::new();
    for unit in &paths.units {
        for (path, text) in rust::generate(&corpus, &owners, unit.module.as_deref())? {
            let formatted =
                rustfmt(&text, &paths.root).with_context(|| format!("formatting {path} of {unit:?}"))?;
            rust.insert(unit.rust_out.join(path), formatted);
        }
    }
    let openapi = openapi::generate(&corpus, env!("CARGO_PKG_VERSION"))?;
    Ok(Output { rust, openapi })
}

/// Formats with the toolchain's rustfmt, so the committed code passes `cargo fmt --check`.
/// Runs in `root` so the workspace's `rustfmt.toml` applies, as with `cargo fmt`.
fn rustfmt(source: &str, root: &Path) -> anyhow::Result<String> {
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    child.stdin.take().context("rustfmt stdin")?.write_all(source.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("rustfmt failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// Files whose committed content differs from `output` (missing, changed or stale).
pub fn differences(output: &Output, paths: &Paths) -> anyhow::Result<Vec<String>> {
    let mut diffs = Vec::new();
    for (file, text) in &output.rust {
        let path = paths.root.join(file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            diffs.push(path.display().to_string());
        }
    }
    for file in existing_rust_files(paths)? {
        if !output.rust.contains_key(&file) {
            diffs.push(format!("{} (stale)", paths.root.join(file).display()));
        }
    }
    if std::fs::read_to_string(&paths.openapi_out).ok().as_deref() != Some(output.openapi.as_str()) {
        diffs.push(paths.openapi_out.display().to_string());
    }
    Ok(diffs)
}

/// Writes `output`, removing generated files that no Lexicon produces any more.
pub fn write(output: &Output, paths: &Paths) -> anyhow::Result<()> {
    for file in existing_rust_files(paths)? {
        if !output.rust.contains_key(&file) {
            std::fs::remove_file(paths.root.join(&file))?;
        }
    }
    for (file, text) in &output.rust {
        let path = paths.root.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(parent) = paths.openapi_out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&paths.openapi_out, &output.openapi)?;
    Ok(())
}

/// The generated Rust files now in every unit's folder, relative to the root.
fn existing_rust_files(paths: &Paths) -> anyhow::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        if !dir.exists() {
            return Ok(());
        }
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for unit in &paths.units {
        let mut found = Vec::new();
        walk(&paths.root.join(&unit.rust_out), &mut found)?;
        out.extend(found.into_iter().filter_map(|p| p.strip_prefix(&paths.root).ok().map(Path::to_owned)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_claims_its_prefix_and_nothing_that_merely_starts_like_it() {
        let unit = Unit {
            module: Some("wikis".into()),
            prefixes: vec!["site.exosphere.wiki".into()],
            rust_out: PathBuf::new(),
        };
        for claimed in ["site.exosphere.wiki", "site.exosphere.wikiPage", "site.exosphere.wiki.edit"] {
            assert!(unit.claims(claimed), "{claimed}");
        }
        for other in ["site.exosphere.wikipedia", "site.exosphere.sphere", "site.exosphere.wik"] {
            assert!(!unit.claims(other), "{other}");
        }
    }
}
