//! Every record Lexicon of the board accepts a valid example, round-trips it through its
//! generated type unchanged, and rejects broken variants naming the field.

use exosphere_core::lexicon::{LexRecord, decode_record, record_json};
use exosphere_feature_requests::generated::{self as lexicon, RECORD_COLLECTIONS};
use serde_json::{Value, json};

const SPHERE: &str = "at://did:plc:alice123/site.exosphere.sphere/3kxyzsphere22";
const REQUEST: &str = "at://did:plc:bob456/site.exosphere.featureRequest/3kxyzreq22222";
const CID: &str = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm";
const NOW: &str = "2026-11-23T10:00:00.000Z";

fn examples() -> Vec<(&'static str, Value)> {
    let strong = json!({ "uri": REQUEST, "cid": CID });
    vec![
        (
            "site.exosphere.featureRequest",
            json!({
            "$type": "site.exosphere.featureRequest", "sphere": SPHERE, "title": "Dark mode 🌙",
            "description": "Please.", "createdAt": NOW }),
        ),
        (
            "site.exosphere.featureRequestVote",
            json!({
            "$type": "site.exosphere.featureRequestVote", "sphere": SPHERE, "subject": strong, "createdAt": NOW }),
        ),
        (
            "site.exosphere.featureRequestComment",
            json!({
            "$type": "site.exosphere.featureRequestComment", "sphere": SPHERE, "subject": strong,
            "text": "Yes, for night reading.", "createdAt": NOW, "updatedAt": NOW }),
        ),
        (
            "site.exosphere.featureRequestCommentVote",
            json!({
            "$type": "site.exosphere.featureRequestCommentVote", "sphere": SPHERE,
            "subject": { "uri": "at://did:plc:bob456/site.exosphere.featureRequestComment/3kxyzcom22222", "cid": CID },
            "createdAt": NOW }),
        ),
        (
            "site.exosphere.featureRequestStatus",
            json!({
            "$type": "site.exosphere.featureRequestStatus", "sphere": SPHERE, "subject": strong,
            "status": "planned", "note": "Next release.", "createdAt": NOW }),
        ),
        (
            "site.exosphere.featureRequestTag",
            json!({
            "$type": "site.exosphere.featureRequestTag", "sphere": SPHERE, "name": "Accessibility",
            "color": "#1d4ed8", "createdAt": NOW }),
        ),
        (
            "site.exosphere.featureRequestTagging",
            json!({
            "$type": "site.exosphere.featureRequestTagging", "sphere": SPHERE, "subject": strong,
            "tag": { "uri": "at://did:plc:alice123/site.exosphere.featureRequestTag/3kxyztag22222", "cid": CID },
            "action": "add", "createdAt": NOW }),
        ),
        (
            "site.exosphere.featureRequestSubscription",
            json!({
            "$type": "site.exosphere.featureRequestSubscription", "sphere": SPHERE, "subject": strong,
            "subscribed": false, "createdAt": NOW }),
        ),
    ]
}

/// Records the board added since, beside the seed's: its tags (definitions
/// and taggings by admins), and following a request.
const ADDED_RECORDS: [&str; 3] = [
    "site.exosphere.featureRequestTag",
    "site.exosphere.featureRequestTagging",
    "site.exosphere.featureRequestSubscription",
];

/// The board's five records, with the architecture's exact NSIDs.
const SEED_RECORDS: [&str; 5] = [
    "site.exosphere.featureRequest",
    "site.exosphere.featureRequestVote",
    "site.exosphere.featureRequestComment",
    "site.exosphere.featureRequestCommentVote",
    "site.exosphere.featureRequestStatus",
];

#[test]
fn the_board_has_the_seeds_records_and_its_own_and_each_but_requests_and_tags_has_a_subject()
-> anyhow::Result<()> {
    let mut collections = RECORD_COLLECTIONS.to_vec();
    collections.sort();
    let mut expected = [SEED_RECORDS.as_slice(), ADDED_RECORDS.as_slice()].concat();
    expected.sort();
    assert_eq!(collections, expected);
    let lexicons = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../lexicons");
    for nsid in SEED_RECORDS[1..].iter().chain(&ADDED_RECORDS[1..]) {
        let file = lexicons.join(nsid.replace('.', "/") + ".json");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
        let required = &doc["defs"]["main"]["record"]["required"];
        assert!(required.as_array().is_some_and(|r| r.contains(&json!("subject"))), "{nsid} needs a subject");
    }
    Ok(())
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
            "site.exosphere.featureRequest" => round_trip::<x::feature_request::Record>(&example),
            "site.exosphere.featureRequestVote" => round_trip::<x::feature_request_vote::Record>(&example),
            "site.exosphere.featureRequestComment" => {
                round_trip::<x::feature_request_comment::Record>(&example)
            }
            "site.exosphere.featureRequestCommentVote" => {
                round_trip::<x::feature_request_comment_vote::Record>(&example)
            }
            "site.exosphere.featureRequestStatus" => {
                round_trip::<x::feature_request_status::Record>(&example)
            }
            "site.exosphere.featureRequestTag" => round_trip::<x::feature_request_tag::Record>(&example),
            "site.exosphere.featureRequestTagging" => {
                round_trip::<x::feature_request_tagging::Record>(&example)
            }
            "site.exosphere.featureRequestSubscription" => {
                round_trip::<x::feature_request_subscription::Record>(&example)
            }
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
    let mut long_title = examples()[0].1.clone();
    long_title["title"] = json!("x".repeat(301));
    assert_eq!(
        error_of("site.exosphere.featureRequest", long_title),
        "title: must be at most 300 graphemes long (maxGraphemes), got 301"
    );

    let mut missing = examples()[0].1.clone();
    missing.as_object_mut().map(|o| o.remove("title"));
    assert!(error_of("site.exosphere.featureRequest", missing).contains("missing field `title`"));

    let mut bad_sphere = examples()[0].1.clone();
    bad_sphere["sphere"] = json!("https://example.com/not-an-at-uri");
    assert!(
        error_of("site.exosphere.featureRequest", bad_sphere).starts_with("sphere: must be a valid at-uri")
    );

    let mut bad_subject = examples()[1].1.clone();
    bad_subject["subject"]["cid"] = json!("not a cid");
    assert!(error_of("site.exosphere.featureRequestVote", bad_subject).starts_with("subject.cid:"));

    // knownValues are open: a status this build doesn't know still validates.
    let mut new_status = examples()[4].1.clone();
    new_status["status"] = json!("under-review");
    assert_eq!(lexicon::validate_record("site.exosphere.featureRequestStatus", &new_status), Some(Ok(())));

    // Core's collections are core's to validate.
    assert_eq!(lexicon::validate_record("site.exosphere.sphere", &json!({})), None);
}
