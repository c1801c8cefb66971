//! `exosphere-lexgen`: reads `lexicons/` and writes the committed Rust code
//! (`backend/core/src/lexicon/generated/`) and `openapi/openapi.json`.
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

/// Where things live, relative to the workspace root.
pub struct Paths {
    pub lexicons: PathBuf,
    pub rust_out: PathBuf,
    pub openapi_out: PathBuf,
}

impl Paths {
    /// The standard layout under `root`.
    pub fn under(root: &Path) -> Self {
        Self {
            lexicons: root.join("lexicons"),
            rust_out: root.join("backend/core/src/lexicon/generated"),
            openapi_out: root.join("openapi/openapi.json"),
        }
    }

    /// The workspace this crate is part of.
    pub fn workspace() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        Self::under(&root.canonicalize().unwrap_or(root))
    }
}

/// Everything the generator writes.
pub struct Output {
    /// Rust files relative to the output folder.
    pub rust: BTreeMap<String, String>,
    /// The OpenAPI document.
    pub openapi: String,
}

/// Generates everything from the Lexicons in `lexicons`.
pub fn generate(lexicons: &Path) -> anyhow::Result<Output> {
    let corpus = schema::Corpus::load(lexicons)?;
    let mut rust = BTreeMap::new();
    for (path, text) in rust::generate(&corpus)? {
        let formatted = rustfmt(&text, lexicons.parent().unwrap_or(lexicons))
            .with_context(|| format!("formatting {path}"))?;
        rust.insert(path, formatted);
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
        let path = paths.rust_out.join(file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            diffs.push(path.display().to_string());
        }
    }
    for file in existing_rust_files(&paths.rust_out)? {
        if !output.rust.contains_key(&file) {
            diffs.push(format!("{} (stale)", paths.rust_out.join(file).display()));
        }
    }
    if std::fs::read_to_string(&paths.openapi_out).ok().as_deref() != Some(output.openapi.as_str()) {
        diffs.push(paths.openapi_out.display().to_string());
    }
    Ok(diffs)
}

/// Writes `output`, removing generated files that no Lexicon produces any more.
pub fn write(output: &Output, paths: &Paths) -> anyhow::Result<()> {
    for file in existing_rust_files(&paths.rust_out)? {
        if !output.rust.contains_key(&file) {
            std::fs::remove_file(paths.rust_out.join(&file))?;
        }
    }
    for (file, text) in &output.rust {
        let path = paths.rust_out.join(file);
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

fn existing_rust_files(dir: &Path) -> anyhow::Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
        if !dir.exists() {
            return Ok(());
        }
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(rel) = path.strip_prefix(root)
            {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}
