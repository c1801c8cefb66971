//! The Lexicons are valid together, and the committed generated code and
//! OpenAPI document are exactly what they produce.

use std::path::Path;

use exosphere_lexgen::rust::Owners;
use exosphere_lexgen::schema::{Corpus, Def};
use exosphere_lexgen::{Paths, Unit, differences, generate};

#[test]
fn committed_code_and_openapi_are_fresh() -> anyhow::Result<()> {
    let paths = Paths::workspace()?;
    let output = generate(&paths)?;
    let diffs = differences(&output, &paths)?;
    assert!(diffs.is_empty(), "stale generated files (run `cargo run -p exosphere-lexgen`): {diffs:#?}");
    Ok(())
}

/// Core's records, with the architecture's exact NSIDs; every other record
/// belongs to the module that claims it (and each module's tests check its
/// own NSIDs against the architecture's).
const CORE_RECORDS: [&str; 4] = [
    "site.exosphere.sphere",
    "site.exosphere.sphereMember",
    "site.exosphere.sphereMemberApproval",
    "site.exosphere.moderation",
];

fn records(corpus: &Corpus) -> Vec<&str> {
    corpus
        .docs
        .iter()
        .filter(|(_, d)| matches!(d.defs.get("main"), Some(Def::Record(_))))
        .map(|(id, _)| id.as_str())
        .collect()
}

#[test]
fn cores_records_are_defined_and_every_other_record_belongs_to_a_module() -> anyhow::Result<()> {
    let paths = Paths::workspace()?;
    let corpus = Corpus::load(&paths.lexicons)?;
    let owners = Owners::new(&paths.units);
    let records = records(&corpus);
    for seed in CORE_RECORDS {
        assert!(records.contains(&seed), "{seed} is not defined");
    }
    for record in &records {
        assert!(
            CORE_RECORDS.contains(record) || owners.of(record).is_some(),
            "{record} is neither core's nor claimed by a module's [package.metadata.exosphere]"
        );
    }
    assert!(records.iter().any(|r| owners.of(r).is_some()), "the modules' records are found");
    Ok(())
}

#[test]
fn sphere_scoped_records_name_their_sphere_and_reference_subjects_by_strong_ref() -> anyhow::Result<()> {
    let corpus = Corpus::load(&Paths::workspace()?.lexicons)?;
    for id in records(&corpus).into_iter().filter(|id| *id != "site.exosphere.sphere") {
        let Some(Def::Record(record)) = corpus.docs[id].defs.get("main") else {
            panic!("{id} is not a record")
        };
        let object = record.record.object();
        assert!(object.required.contains(&"sphere".to_owned()), "{id} must require sphere");
        match object.properties.get("sphere") {
            Some(Def::String(s)) => assert_eq!(s.format.as_deref(), Some("at-uri"), "{id}.sphere"),
            other => panic!("{id}.sphere is {other:?}"),
        }
        if let Some(subject) = object.properties.get("subject") {
            assert!(
                matches!(subject, Def::Ref(r) if r.target == "com.atproto.repo.strongRef"),
                "{id}.subject must be a strongRef"
            );
        }
    }
    let Some(Def::Record(moderation)) = corpus.docs["site.exosphere.moderation"].defs.get("main") else {
        panic!("site.exosphere.moderation")
    };
    assert!(
        moderation.record.object().required.contains(&"subject".to_owned()),
        "moderation needs a subject"
    );
    Ok(())
}

fn write(dir: &Path, id: &str, json: &str) -> anyhow::Result<()> {
    let path = dir.join(id.replace('.', "/") + ".json");
    std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
    std::fs::write(path, json)?;
    Ok(())
}

fn load_error(files: &[(&str, &str)]) -> String {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    for (id, json) in files {
        if let Err(e) = write(dir.path(), id, json) {
            panic!("write: {e}");
        }
    }
    match Corpus::load(dir.path()) {
        Ok(_) => String::new(),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn a_module_may_use_cores_lexicons_but_not_another_modules() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let object = |reference: &str| {
        format!(
            r#"{{"lexicon":1,"id":"ID","defs":{{"main":{{"type":"object","properties":{{"x":{{"type":"ref","ref":"{reference}"}}}}}}}}}}"#
        )
    };
    write(
        dir.path(),
        "x.core.defs",
        r#"{"lexicon":1,"id":"x.core.defs","defs":{"thing":{"type":"object","properties":{}}}}"#,
    )?;
    write(dir.path(), "x.ext.a", &object("x.core.defs#thing").replace("ID", "x.ext.a"))?;
    write(dir.path(), "x.ext.b", &object("x.ext.a").replace("ID", "x.ext.b"))?;
    let corpus = Corpus::load(dir.path())?;
    let unit = |module: &str, prefix: &str| Unit {
        module: Some(module.into()),
        prefixes: vec![prefix.into()],
        rust_out: Default::default(),
    };
    let owners = Owners::new(&[Unit::core(), unit("a", "x.ext.a"), unit("b", "x.ext.b")]);
    let a = exosphere_lexgen::rust::generate(&corpus, &owners, Some("a"))?;
    let a_code = a.get("x/ext/a.rs").map(String::as_str).unwrap_or_default();
    assert!(a_code.contains("exosphere_core::lexicon::generated::x::core::defs::Thing"), "{a_code}");
    assert!(a_code.contains("impl exosphere_core::lexicon::Validate"), "{a_code}");
    assert!(!a.contains_key("x/core/defs.rs"), "core's code stays in core");
    let core = exosphere_lexgen::rust::generate(&corpus, &owners, None)?;
    assert!(core.contains_key("x/core/defs.rs") && !core.contains_key("x/ext/a.rs"));
    let b = exosphere_lexgen::rust::generate(&corpus, &owners, Some("b")).err().map(|e| format!("{e:#}"));
    assert!(b.as_deref().is_some_and(|e| e.contains("belongs to module a")), "{b:?}");
    Ok(())
}

#[test]
fn invalid_lexicons_are_refused_with_a_reason() {
    let cases = [
        (r#"{"lexicon":1,"id":"x.y.other","defs":{}}"#, "does not match its path"),
        (r#"{"lexicon":2,"id":"x.y.z","defs":{}}"#, "is not 1"),
        (
            r##"{"lexicon":1,"id":"x.y.z","defs":{"main":{"type":"object","properties":{"a":{"type":"ref","ref":"#missing"}}}}}"##,
            "does not resolve",
        ),
        (
            r#"{"lexicon":1,"id":"x.y.z","defs":{"main":{"type":"object","required":["b"],"properties":{}}}}"#,
            "not a property",
        ),
        (
            r#"{"lexicon":1,"id":"x.y.z","defs":{"main":{"type":"object","properties":{"a":{"type":"string","format":"colour"}}}}}"#,
            "unknown string format",
        ),
        (
            r#"{"lexicon":1,"id":"x.y.z","defs":{"main":{"type":"object","properties":{"a":{"type":"string","maxLenght":3}}}}}"#,
            "not a valid Lexicon",
        ),
        (
            r#"{"lexicon":1,"id":"x.y.z","defs":{"other":{"type":"query","output":{"encoding":"application/json"}}}}"#,
            "must be the main definition",
        ),
        (
            r#"{"lexicon":1,"id":"x.y.z","defs":{"main":{"type":"string","minLength":5,"maxLength":2}}}"#,
            "over maximum",
        ),
    ];
    for (json, expected) in cases {
        let error = load_error(&[("x.y.z", json)]);
        assert!(error.contains(expected), "expected {expected:?} in {error:?}");
    }
    assert_eq!(load_error(&[("x.y.z", r#"{"lexicon":1,"id":"x.y.z","defs":{}}"#)]), "");
}
