//! Boundaries the build enforces: a module crate depends on core only
//! (never on another module, the app or the indexer; its tests may run the
//! assembled server), core depends on no other workspace crate, nothing
//! outside a module's own places names it but the registries, and a
//! module's SQL touches only its own tables.

use std::process::Command;

use serde_json::Value;

/// Workspace-internal dependency edges that break the rules, as messages.
fn violations(metadata: &Value) -> Vec<String> {
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let workspace_names: Vec<String> =
        packages.iter().filter_map(|p| p["name"].as_str().map(str::to_owned)).collect();
    let mut found = Vec::new();
    for package in &packages {
        let name = package["name"].as_str().unwrap_or_default();
        let manifest = package["manifest_path"].as_str().unwrap_or_default();
        let is_module = manifest.contains("/backend/modules/");
        let is_core = manifest.ends_with("/backend/core/Cargo.toml");
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            let dep_name = dep["name"].as_str().unwrap_or_default();
            if !workspace_names.iter().any(|n| n == dep_name) {
                continue;
            }
            // A module's tests may run the assembled server (app, indexer, test kit), never another module.
            let dev = dep["kind"].as_str() == Some("dev");
            let test_harness = ["exosphere", "exosphere-indexer", "exosphere-testkit"].contains(&dep_name);
            if is_module && dep_name != "exosphere-core" && !(dev && test_harness) {
                found.push(format!(
                    "module {name} depends on {dep_name}: modules may depend on exosphere-core only"
                ));
            }
            if is_core {
                found.push(format!(
                    "exosphere-core depends on {dep_name}: core depends on no workspace crate"
                ));
            }
        }
    }
    found
}

#[test]
fn the_workspace_keeps_its_boundaries() -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let metadata: Value = serde_json::from_slice(&out.stdout)?;
    let modules = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["manifest_path"].as_str().is_some_and(|m| m.contains("/backend/modules/")))
        .count();
    assert!(modules >= 1, "the check must see the module crates");
    assert_eq!(violations(&metadata), Vec::<String>::new());
    Ok(())
}

#[test]
fn a_module_depending_on_another_module_is_caught() {
    let metadata = serde_json::json!({ "packages": [
        { "name": "exosphere-core", "manifest_path": "/w/backend/core/Cargo.toml", "dependencies": [] },
        { "name": "exosphere-wiki", "manifest_path": "/w/backend/modules/wiki/Cargo.toml",
          "dependencies": [{ "name": "exosphere-core" }, { "name": "exosphere-notes" }, { "name": "serde" },
                           { "name": "exosphere", "kind": "dev" }, { "name": "exosphere-testkit", "kind": "dev" }] },
        { "name": "exosphere-notes", "manifest_path": "/w/backend/modules/notes/Cargo.toml",
          "dependencies": [{ "name": "exosphere-core" }, { "name": "exosphere-wiki", "kind": "dev" },
                           { "name": "exosphere", "kind": null }] },
        { "name": "exosphere", "manifest_path": "/w/backend/app/Cargo.toml", "dependencies": [] },
        { "name": "exosphere-testkit", "manifest_path": "/w/backend/testkit/Cargo.toml", "dependencies": [] },
    ]});
    assert_eq!(
        violations(&metadata),
        vec![
            "module exosphere-wiki depends on exosphere-notes: modules may depend on exosphere-core only",
            "module exosphere-notes depends on exosphere-wiki: modules may depend on exosphere-core only",
            "module exosphere-notes depends on exosphere: modules may depend on exosphere-core only",
        ],
        "a module's tests may run the server, never another module; its code depends on core only"
    );
}

#[test]
fn core_depending_on_a_module_is_caught() {
    let metadata = serde_json::json!({ "packages": [
        { "name": "exosphere-core", "manifest_path": "/w/backend/core/Cargo.toml",
          "dependencies": [{ "name": "exosphere-notes" }] },
        { "name": "exosphere-notes", "manifest_path": "/w/backend/modules/notes/Cargo.toml",
          "dependencies": [{ "name": "exosphere-core" }] },
    ]});
    assert_eq!(violations(&metadata).len(), 1);
}

/// A module as the workspace declares it (`[package.metadata.exosphere]`).
struct DeclaredModule {
    name: String,
    crate_dir: String,
    /// What names the module in text: its name, crate and NSID prefixes.
    names: Vec<String>,
    prefixes: Vec<String>,
}

fn declared_modules(metadata: &Value, root: &str) -> Vec<DeclaredModule> {
    let mut found = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let meta = &package["metadata"]["exosphere"];
        let Some(name) = meta["module"].as_str() else { continue };
        let crate_name = package["name"].as_str().unwrap_or_default();
        let manifest = package["manifest_path"].as_str().unwrap_or_default();
        let crate_dir = manifest
            .strip_prefix(root)
            .unwrap_or(manifest)
            .trim_start_matches('/')
            .trim_end_matches("Cargo.toml")
            .to_owned();
        let prefixes: Vec<String> = meta["lexicons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect();
        let mut names = vec![name.to_owned(), crate_name.to_owned(), crate_name.replace('-', "_")];
        for prefix in &prefixes {
            names.push(prefix.clone());
            // The camelCase record name alone, as code and web paths spell it.
            if let Some(last) = prefix.rsplit('.').next() {
                names.push(last.to_owned());
            }
        }
        found.push(DeclaredModule { name: name.to_owned(), crate_dir, names, prefixes });
    }
    found
}

/// Whether `line` has `name` as a word of its own: not inside a longer word
/// ("wikipedia" does not name a module "wiki"), though a camelCase
/// continuation does ("wikiPage" names it).
fn names(line: &str, name: &str) -> bool {
    line.match_indices(name).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_lowercase() || c.is_ascii_digit() || c == '_')
    })
}

/// Files outside their own places that name a module, beyond the allowance.
fn naming_violations(files: &[(String, String)], modules: &[DeclaredModule]) -> Vec<String> {
    // The registries: the Cargo manifests, the backend registry and the web registry.
    const ALLOWED: [&str; 4] =
        ["Cargo.toml", "backend/app/Cargo.toml", "backend/app/src/modules.rs", "web/src/modules/registry.ts"];
    // Generated from every Lexicon, so every module's methods are in them.
    const GENERATED: [&str; 2] = ["openapi/openapi.json", "web/src/client/schema.d.ts"];
    let mut found = Vec::new();
    for (path, text) in files {
        if path.ends_with(".md")
            || path.ends_with("Cargo.lock")
            || path.ends_with("package-lock.json")
            || ALLOWED.contains(&path.as_str())
            || GENERATED.contains(&path.as_str())
        {
            continue;
        }
        for module in modules {
            let own = path.starts_with(&module.crate_dir)
                || path.starts_with(&format!("web/src/modules/{}/", module.name))
                || module.prefixes.iter().any(|p| {
                    let lexicon = format!("lexicons/{}", p.replace('.', "/"));
                    path.starts_with(&format!("{lexicon}/")) || path.starts_with(&lexicon)
                });
            if own {
                continue;
            }
            for (number, line) in text.lines().enumerate() {
                if let Some(name) = module.names.iter().find(|n| names(line, n)) {
                    found.push(format!("{path}:{}: names module {} ({name:?})", number + 1, module.name));
                    break;
                }
            }
        }
    }
    found
}

fn repository_files(root: &str) -> anyhow::Result<Vec<(String, String)>> {
    let out = Command::new("git")
        .args(["ls-files", "--cached", "--others", "--exclude-standard"])
        .current_dir(root)
        .output()?;
    anyhow::ensure!(out.status.success(), "git ls-files: {}", String::from_utf8_lossy(&out.stderr));
    let mut files = Vec::new();
    for path in String::from_utf8(out.stdout)?.lines() {
        // Binary and deleted files have no text to read.
        if let Ok(text) = std::fs::read_to_string(std::path::Path::new(root).join(path)) {
            files.push((path.to_owned(), text));
        }
    }
    Ok(files)
}

fn workspace() -> anyhow::Result<(Value, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()?;
    anyhow::ensure!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let metadata: Value = serde_json::from_slice(&out.stdout)?;
    let root = metadata["workspace_root"].as_str().unwrap_or_default().to_owned();
    Ok((metadata, root))
}

#[test]
fn nothing_outside_a_module_names_it_but_the_registries() -> anyhow::Result<()> {
    let (metadata, root) = workspace()?;
    let modules = declared_modules(&metadata, &root);
    assert!(!modules.is_empty(), "the modules must be found");
    let files = repository_files(&root)?;
    assert!(files.len() > 100, "the repository's files must be found");
    let found = naming_violations(&files, &modules);
    assert!(found.is_empty(), "files outside a module's own places that name it:\n{}", found.join("\n"));
    Ok(())
}

#[test]
fn a_file_naming_a_module_outside_its_places_is_caught() {
    let module = DeclaredModule {
        name: "wikis".into(),
        crate_dir: "backend/modules/wiki/".into(),
        names: vec!["wikis".into(), "exosphere_wikis".into(), "site.exosphere.wiki".into(), "wiki".into()],
        prefixes: vec!["site.exosphere.wiki".into()],
    };
    let file = |path: &str, text: &str| (path.to_owned(), text.to_owned());
    let files = [
        file("backend/modules/wiki/src/lib.rs", "exosphere_wikis"),
        file("web/src/modules/wikis/index.ts", "wikis"),
        file("lexicons/site/exosphere/wikiPage.json", "site.exosphere.wiki"),
        file("lexicons/site/exosphere/wiki/edit.json", "site.exosphere.wiki"),
        file("backend/app/src/modules.rs", "exosphere_wikis::Wikis"),
        file("README.md", "wikis"),
        file("backend/core/src/sphere/api.rs", "fn x() {}\nlet m = \"wikis\";"),
        file("web/src/client/sphere.tsx", "a wiki tab"),
        // Inside longer words, nothing is named; a camelCase continuation is.
        file("backend/core/src/db/mod.rs", "wikipedia, mywiki, wiki_like\nsite.exosphere.wikiPage"),
    ];
    assert_eq!(
        naming_violations(&files, &[module]),
        [
            "backend/core/src/sphere/api.rs:2: names module wikis (\"wikis\")",
            "web/src/client/sphere.tsx:1: names module wikis (\"wiki\")",
            "backend/core/src/db/mod.rs:2: names module wikis (\"site.exosphere.wiki\")",
        ]
    );
}

/// Core's tables: a module's own SQL never names them (it uses `exosphere_core::read`).
const CORE_TABLES: [&str; 10] = [
    "spheres",
    "subject_flags",
    "sphere_members",
    "actors",
    "hidden_subjects",
    "inactive_accounts",
    "moderation_actions",
    "auth_sessions",
    "indexer_state",
    "schema_migrations",
];

/// `FROM t`, `JOIN t`, `INTO t`, `UPDATE t` of a core table in `sql` (a module's code or migration).
fn core_table_uses(sql: &str) -> Vec<String> {
    let upper = sql.to_ascii_uppercase();
    let mut found = Vec::new();
    for keyword in ["FROM ", "JOIN ", "INTO ", "UPDATE "] {
        let mut start = 0;
        while let Some(at) = upper[start..].find(keyword) {
            let after = start + at + keyword.len();
            let word: String = sql[after..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let word = word.to_ascii_lowercase();
            if CORE_TABLES.contains(&word.as_str()) {
                found.push(format!("{}{word}", keyword.trim_end().to_owned() + " "));
            }
            start = after;
        }
    }
    found
}

#[test]
fn a_modules_sql_touches_only_its_own_tables() -> anyhow::Result<()> {
    let (metadata, root) = workspace()?;
    let files = repository_files(&root)?;
    let mut found = Vec::new();
    for module in declared_modules(&metadata, &root) {
        for (path, text) in &files {
            let in_code = path.starts_with(&format!("{}src/", module.crate_dir))
                && !path.contains("/src/generated/")
                && path.ends_with(".rs");
            let in_migrations = path.starts_with(&format!("{}migrations/", module.crate_dir));
            if !in_code && !in_migrations {
                continue;
            }
            // A module's unit tests may set up core's rows; its production code may not read them.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for used in core_table_uses(code) {
                found.push(format!("{path}: {used}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "module SQL naming core's tables (use exosphere_core::read):\n{}",
        found.join("\n")
    );
    Ok(())
}

#[test]
fn core_tables_in_module_sql_are_caught() {
    assert_eq!(
        core_table_uses(
            "SELECT r.id FROM fr_requests r JOIN spheres s ON s.id = r.sphere_id LEFT JOIN  actors a"
        ),
        ["JOIN spheres", "JOIN actors"]
    );
    assert!(
        core_table_uses("sphere_id INTEGER NOT NULL REFERENCES spheres(id) ON DELETE CASCADE").is_empty()
    );
    assert!(core_table_uses("DELETE FROM fr_votes WHERE uri = ?").is_empty());
    assert_eq!(core_table_uses("insert into hidden_subjects (x)"), ["INTO hidden_subjects"]);
}
