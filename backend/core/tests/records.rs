//! Every record Lexicon of core accepts a valid example, round-trips it through its
//! generated type unchanged, and rejects broken variants naming the field.

use exosphere_core::lexicon::{self, LexRecord, RECORD_COLLECTIONS, decode_record, record_json};
use serde_json::{Value, json};

const SPHERE: &str = "at://did:plc:alice123/site.exosphere.sphere/3kxyzsphere22";
/// Any record can be a moderation subject, a module's above all.
const REQUEST: &str = "at://did:plc:bob456/site.exosphere.example/3kxyzreq22222";
const CID: &str = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm";
const NOW: &str = "2026-11-23T10:00:00.000Z";

fn examples() -> Vec<(&'static str, Value)> {
    let strong = json!({ "uri": REQUEST, "cid": CID });
    vec![
        (
            "site.exosphere.sphere",
            json!({
            "$type": "site.exosphere.sphere", "name": "Exosphere feedback", "slug": "exosphere",
            "description": "Tell us what to build.", "visibility": "public", "writeMode": "open",
            "modules": ["notes"], "createdAt": NOW }),
        ),
        (
            "site.exosphere.sphereMember",
            json!({ "$type": "site.exosphere.sphereMember", "sphere": SPHERE, "createdAt": NOW }),
        ),
        (
            "site.exosphere.sphereMemberApproval",
            json!({
            "$type": "site.exosphere.sphereMemberApproval", "sphere": SPHERE, "member": "did:plc:bob456",
            "role": "member", "createdAt": NOW }),
        ),
        (
            "site.exosphere.moderation",
            json!({
            "$type": "site.exosphere.moderation", "sphere": SPHERE, "subject": strong,
            "action": "hide", "reason": "spam", "createdAt": NOW }),
        ),
    ]
}

#[test]
fn there_is_an_example_for_every_record_collection() {
    let mut with_example: Vec<&str> = examples().iter().map(|(id, _)| *id).collect();
    with_example.sort();
    let mut collections = RECORD_COLLECTIONS.to_vec();
    collections.sort();
    assert_eq!(with_example, collections);
}

#[test]
fn valid_examples_pass_and_round_trip() {
    for (collection, example) in examples() {
        assert_eq!(lexicon::validate_record(collection, &example), Some(Ok(())), "{collection}");
    }
    fn round_trip<R: LexRecord + serde::de::DeserializeOwned>(example: &Value) {
        let typed: R = match decode_record(example) {
            Ok(r) => r,
            Err(e) => panic!("{}: {e}", R::NSID),
        };
        assert_eq!(record_json(&typed).as_ref(), Ok(example), "{}", R::NSID);
    }
    use lexicon::site::exosphere as x;
    for (collection, example) in examples() {
        match collection {
            "site.exosphere.sphere" => round_trip::<x::sphere::Record>(&example),
            "site.exosphere.sphereMember" => round_trip::<x::sphere_member::Record>(&example),
            "site.exosphere.sphereMemberApproval" => {
                round_trip::<x::sphere_member_approval::Record>(&example)
            }
            "site.exosphere.moderation" => round_trip::<x::moderation::Record>(&example),
            other => panic!("no round trip for {other}"),
        }
    }
}

fn error_of(collection: &str, record: Value) -> String {
    match lexicon::validate_record(collection, &record) {
        Some(Err(e)) => e.to_string(),
        other => panic!("{collection}: expected a validation error, got {other:?}"),
    }
}

#[test]
fn broken_records_are_rejected_naming_field_and_constraint() {
    let mut bad_sphere = examples()[1].1.clone();
    bad_sphere["sphere"] = json!("https://example.com/not-an-at-uri");
    assert!(
        error_of("site.exosphere.sphereMember", bad_sphere).starts_with("sphere: must be a valid at-uri")
    );

    let mut bad_subject = examples()[3].1.clone();
    bad_subject["subject"]["cid"] = json!("not a cid");
    assert!(error_of("site.exosphere.moderation", bad_subject).starts_with("subject.cid:"));

    let mut bad_date = examples()[2].1.clone();
    bad_date["createdAt"] = json!("yesterday");
    assert!(
        error_of("site.exosphere.sphereMemberApproval", bad_date)
            .starts_with("createdAt: must be a valid datetime")
    );

    let mut too_many_modules = examples()[0].1.clone();
    too_many_modules["modules"] = json!(vec!["notes"; 33]);
    assert!(error_of("site.exosphere.sphere", too_many_modules).contains("(maxLength)"));

    // A module name this build doesn't run is still a valid record (modules' names are open).
    let mut other_module = examples()[0].1.clone();
    other_module["modules"] = json!(["notes", "something-new"]);
    assert_eq!(lexicon::validate_record("site.exosphere.sphere", &other_module), Some(Ok(())));

    // A module's collection is not core's to validate.
    assert_eq!(lexicon::validate_record("site.exosphere.example", &json!({})), None);
    assert_eq!(lexicon::validate_record("app.bsky.feed.post", &json!({})), None);
}
