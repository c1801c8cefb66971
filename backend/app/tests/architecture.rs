//! Boundaries the build enforces: a module crate depends on core only
//! (never on another module, the app or the indexer), and core depends on
//! no other workspace crate.

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
            if is_module && dep_name != "exosphere-core" {
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
        { "name": "exosphere-polls", "manifest_path": "/w/backend/modules/polls/Cargo.toml",
          "dependencies": [{ "name": "exosphere-core" }, { "name": "exosphere-feature-requests" }, { "name": "serde" }] },
        { "name": "exosphere-feature-requests", "manifest_path": "/w/backend/modules/feature-requests/Cargo.toml",
          "dependencies": [{ "name": "exosphere-core" }] },
    ]});
    assert_eq!(
        violations(&metadata),
        vec![
            "module exosphere-polls depends on exosphere-feature-requests: modules may depend on exosphere-core only"
        ]
    );
}

#[test]
fn core_depending_on_a_module_is_caught() {
    let metadata = serde_json::json!({ "packages": [
        { "name": "exosphere-core", "manifest_path": "/w/backend/core/Cargo.toml",
          "dependencies": [{ "name": "exosphere-feature-requests" }] },
        { "name": "exosphere-feature-requests", "manifest_path": "/w/backend/modules/feature-requests/Cargo.toml",
          "dependencies": [{ "name": "exosphere-core" }] },
    ]});
    assert_eq!(violations(&metadata).len(), 1);
}
