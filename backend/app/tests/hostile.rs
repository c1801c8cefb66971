//! Hostile input, generated: every XRPC method of `openapi/openapi.json`
//! called with parameters and bodies made from its own schema and then
//! broken (wrong types, out-of-range numbers, huge and strange strings,
//! missing and unknown fields, raw garbage), anonymously and as a signed-in
//! owner of a seeded private Sphere (whose writes stay here) and a seeded
//! public one (read); and records of every collection, broken the same way,
//! through the Jetstream parser and the indexing functions. Any 5xx, a
//! non-XRPC error body, or an indexing error fails.
//!
//! Bounded by count, seeded, so a failure repeats: `FUZZ_ROUNDS` (default
//! 12 per method and mode) and `FUZZ_SEED` change them.

mod common;

use common::TestServer;
use diesel::connection::SimpleConnection;
use exosphere_core::{RecordEvent, RecordOp, Source};
use exosphere_indexer::event::Operation;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};

const SID: &str = "hostile-owner-session";
const OWNER: &str = "did:plc:hostileowner";
const PRIVATE: &str = "at://did:plc:hostileowner/site.exosphere.sphere/vault";
const PUBLIC: &str = "at://did:plc:hostileowner/site.exosphere.sphere/garden";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Strings an attacker tries.
const NASTY: [&str; 16] = [
    "",
    " ",
    "\0",
    "../../etc/passwd",
    "'; DROP TABLE spheres; --",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "%00%0d%0a",
    "\u{202e}\u{200b}\u{feff}",
    "👩‍👩‍👧‍👦👩‍👩‍👧‍👦👩‍👩‍👧‍👦",
    "at://did:plc:hostileowner/site.exosphere.sphere/vault",
    "at://did:plc:x/site.exosphere.moderation/zz",
    "at://",
    "did:plc:",
    "vault",
    "garden",
];

struct Gen<'a> {
    rng: StdRng,
    schemas: &'a Map<String, Value>,
}

impl Gen<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => self.schemas.get(r.trim_start_matches("#/components/schemas/")).unwrap_or(schema),
            None => schema,
        }
    }

    fn string(&mut self, schema: &Value) -> String {
        let max = schema.get("maxLength").and_then(Value::as_u64).unwrap_or(64) as usize;
        match self.rng.gen_range(0..10) {
            0..=3 => NASTY[self.rng.gen_range(0..NASTY.len())].to_owned(),
            4 => "x".repeat(max + 1),
            5 => "é".repeat(self.rng.gen_range(1..2000)),
            6 => schema
                .get("enum")
                .or_else(|| schema.get("examples"))
                .and_then(Value::as_array)
                .and_then(|v| v.first())
                .and_then(Value::as_str)
                .unwrap_or("2026-01-01T00:00:00Z")
                .to_owned(),
            7 => format!("{}", self.rng.r#gen::<i64>()),
            8 => (0..self.rng.gen_range(1..40)).map(|_| self.rng.gen_range(' '..='~')).collect(),
            _ => "2026-13-45T99:99:99Z".to_owned(),
        }
    }

    fn value(&mut self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema).clone();
        if depth > 4 || self.rng.gen_ratio(1, 12) {
            // The wrong type, whatever the schema says.
            return [json!(null), json!(-1), json!(1e308), json!("x"), json!([]), json!({}), json!(true)]
                [self.rng.gen_range(0..7)]
            .clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => Value::String(self.string(&schema)),
            Some("integer") => {
                let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
                let max = schema.get("maximum").and_then(Value::as_i64).unwrap_or(1000);
                json!(
                    [min - 1, min, max, max + 1, i64::MAX, i64::MIN, self.rng.gen_range(min..=max.max(min))]
                        [self.rng.gen_range(0..7)]
                )
            }
            Some("boolean") => json!(self.rng.r#gen::<bool>()),
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                let n = [0, 1, 3, 200][self.rng.gen_range(0..4)];
                Value::Array((0..n).map(|_| self.value(&items, depth + 1)).collect())
            }
            _ => self.object(&schema, depth),
        }
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Value {
        let mut out = Map::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                // Leave out some fields, required ones included.
                if self.rng.gen_ratio(1, 6) {
                    continue;
                }
                out.insert(name.clone(), self.value(prop, depth + 1));
            }
        }
        if self.rng.gen_ratio(1, 8) {
            out.insert("$unknown".into(), json!({ "deep": [1, 2, { "x": "y" }] }));
        }
        Value::Object(out)
    }
}

/// A method of the document: its NSID, its query parameters' schemas (queries) or its body's (procedures).
struct Method {
    nsid: String,
    params: Vec<(String, Value)>,
    body: Option<Value>,
}

/// Every method of the document.
fn methods(doc: &Value) -> Vec<Method> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let Some(nsid) = path.strip_prefix("/xrpc/") else { continue };
        if let Some(get) = item.get("get") {
            let params = get["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| Some((p["name"].as_str()?.to_owned(), p["schema"].clone())))
                .collect();
            out.push(Method { nsid: nsid.to_owned(), params, body: None });
        }
        if let Some(post) = item.get("post") {
            let body = post["requestBody"]["content"]["application/json"]["schema"].clone();
            out.push(Method { nsid: nsid.to_owned(), params: Vec::new(), body: Some(body) });
        }
    }
    out
}

async fn seed(server: &TestServer) -> anyhow::Result<()> {
    let modules = common::all_modules();
    let setup = format!(
        "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at) VALUES
           (901, '{PRIVATE}', 'bafyvault', '{OWNER}', 'vault', 'Vault', 'private', 'members', '{modules}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
           (902, '{PUBLIC}', 'bafygarden', '{OWNER}', 'garden', 'Garden', 'public', 'open', '{modules}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
         INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (901, '{OWNER}', 'owner', 'active'), (902, '{OWNER}', 'owner', 'active');
         INSERT INTO auth_sessions (sid_hash, did, handle, created_at, expires_at) VALUES ('{}', '{OWNER}', 'owner.test', 0, 9999999999);",
        exosphere_core::auth::hash_sid(SID)
    );
    server.running.ctx.db.write(move |c| Ok(c.batch_execute(&setup)?)).await?;
    Ok(())
}

/// A DID directory that knows no one (404 for every DID): hostile input
/// naming DIDs then meets the answer a real directory gives, not an
/// unreachable one (an outage is an honest 502, not what this test is about).
async fn empty_directory() -> anyhow::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let body = r#"{"message":"DID not registered"}"#;
                let answer = format!(
                    "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    Ok(url)
}

#[tokio::test]
async fn generated_hostile_requests_never_get_a_5xx() -> anyhow::Result<()> {
    let directory = empty_directory().await?;
    let server = TestServer::start_with(|c| {
        // The fuzzer writes faster than any person; the limits are tested elsewhere.
        c.rate_writes = 0;
        c.rate_searches = 0;
        c.plc_url = directory;
    })
    .await?;
    seed(&server).await?;
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(common::repo_root().join("openapi/openapi.json"))?)?;
    let schemas = doc["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let seed_value = env("FUZZ_SEED", 7);
    let rounds = env("FUZZ_ROUNDS", 12);
    let mut g = Gen { rng: StdRng::seed_from_u64(seed_value), schemas: &schemas };
    let mut sent = 0;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for Method { nsid, params, body } in methods(&doc) {
        let is_procedure = body.is_some();
        for round in 0..rounds * 2 {
            let signed_in = round % 2 == 0;
            let url = server.url(&format!("/xrpc/{nsid}"));
            let mut request = if is_procedure {
                let mut input = body.as_ref().map(|b| g.value(b, 0)).unwrap_or(json!({}));
                // Writes go to the private Sphere (kept here) or to nonsense, never to the public one's PDS.
                if let Some(o) = input.as_object_mut()
                    && o.contains_key("sphere")
                    && g.rng.gen_ratio(3, 4)
                {
                    o.insert("sphere".into(), json!(["vault", PRIVATE][g.rng.gen_range(0..2)]));
                }
                if input.get("sphere").and_then(Value::as_str).is_some_and(|s| s == "garden" || s == PUBLIC) {
                    input["sphere"] = json!("vault");
                }
                let raw = match g.rng.gen_range(0..20) {
                    0 => "{\"unterminated\": ".to_owned(),
                    1 => "[]".to_owned(),
                    2 => "\u{0}\u{1}garbage".to_owned(),
                    _ => input.to_string(),
                };
                server.client.post(&url).header("content-type", "application/json").body(raw)
            } else {
                let mut query = Vec::new();
                for (name, schema) in &params {
                    if g.rng.gen_ratio(1, 5) {
                        continue;
                    }
                    let value = match g.value(schema, 1) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    let value =
                        if name == "sphere" && g.rng.gen_ratio(1, 2) { "garden".to_owned() } else { value };
                    // Within what an HTTP client sends as a URL at all.
                    let value: String = value.chars().take(3000).collect();
                    query.push((name.clone(), value));
                }
                server.client.get(&url).query(&query)
            };
            if signed_in {
                request = request.header("cookie", format!("sid={SID}"));
            }
            let response = request.send().await?;
            let status = response.status().as_u16();
            *statuses.entry(status).or_default() += 1;
            sent += 1;
            let text = response.text().await?;
            assert!(status < 500, "{nsid} (signed in: {signed_in}) answered {status}: {text}");
            if status >= 400 {
                let body: Value = serde_json::from_str(&text).map_err(|e| {
                    anyhow::anyhow!("{nsid} answered {status} with a non-JSON body {text:?}: {e}")
                })?;
                assert!(body["error"].is_string() && body["message"].is_string(), "{nsid}: {body}");
            }
        }
    }
    println!("{sent} hostile requests (seed {seed_value}), by status: {statuses:?}");
    assert!(statuses.keys().any(|s| *s < 300), "some requests got through to their handlers");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn generated_hostile_records_are_rejected_never_fatal() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    seed(&server).await?;
    let ctx = server.running.ctx.clone();
    let collections: Vec<&'static str> = ctx
        .registry
        .modules()
        .iter()
        .flat_map(|m| m.collections().iter().map(|c| c.nsid))
        .chain(["site.exosphere.sphere", "site.exosphere.sphereMember", "site.exosphere.moderation"])
        .collect();
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(common::repo_root().join("openapi/openapi.json"))?)?;
    let schemas = doc["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let mut g = Gen { rng: StdRng::seed_from_u64(env("FUZZ_SEED", 7)), schemas: &schemas };
    let rounds = env("FUZZ_ROUNDS", 12) * 10;
    let mut events = Vec::new();
    for collection in &collections {
        let schema =
            schemas.get(&format!("{collection}.Record")).cloned().unwrap_or(json!({ "type": "object" }));
        for i in 0..rounds {
            let mut record = g.value(&schema, 0);
            if let Some(o) = record.as_object_mut() {
                o.insert("$type".into(), json!(collection));
                if g.rng.gen_ratio(2, 3) {
                    o.insert(
                        "sphere".into(),
                        json!([PUBLIC, PRIVATE, "at://nowhere"][g.rng.gen_range(0..3)]),
                    );
                }
            }
            let did =
                ["did:plc:hostileowner", "did:plc:stranger", "did:web:evil.example"][g.rng.gen_range(0..3)];
            let op = ["create", "update", "delete"][g.rng.gen_range(0..3)];
            let line = json!({ "did": did, "time_us": 1_000_000 + i, "kind": "commit",
                "commit": { "rev": "r", "operation": op, "collection": collection, "rkey": format!("k{i}"),
                            "record": record, "cid": "bafyhostile" } })
            .to_string();
            // Some messages are cut short, or not JSON at all.
            let line = match g.rng.gen_range(0..15) {
                0 => line[..line.len() / 2].to_owned(),
                1 => "\u{0}not json".to_owned(),
                _ => line,
            };
            events.push(line);
        }
    }
    let registry = ctx.registry.clone();
    let (mut indexed, mut refused, mut malformed) = (0, 0, 0);
    for line in &events {
        let event = match exosphere_indexer::event::parse(line) {
            exosphere_indexer::event::Item::Event(e) => e,
            exosphere_indexer::event::Item::Malformed(_) => {
                malformed += 1;
                continue;
            }
            // Only the reader's Lexicon check makes these; the indexing functions check again here.
            exosphere_indexer::event::Item::Invalid { .. } => {
                refused += 1;
                continue;
            }
        };
        let Some(commit) = event.commit.as_ref() else { continue };
        let op = match commit.operation {
            Operation::Create => RecordOp::Create,
            Operation::Update => RecordOp::Update,
            Operation::Delete => RecordOp::Delete,
        };
        let (did, collection, rkey) = (event.did.clone(), commit.collection.clone(), commit.rkey.clone());
        let (cid, record) = (commit.cid.clone(), commit.record.clone());
        let registry = registry.clone();
        let outcome = ctx
            .db
            .write(move |c| {
                let event = RecordEvent {
                    source: Source::Jetstream,
                    did: &did,
                    collection: &collection,
                    rkey: &rkey,
                    op,
                    cid: cid.as_deref(),
                    record: record.as_ref(),
                    seen_us: None,
                };
                registry.index(c, &event)
            })
            .await;
        match outcome {
            Ok(exosphere_core::IndexOutcome::Indexed) => indexed += 1,
            Ok(_) => refused += 1,
            Err(e) => panic!("indexing a hostile record failed instead of refusing it: {e}\n{line}"),
        }
    }
    println!("{} hostile events: {indexed} indexed, {refused} refused, {malformed} unreadable", events.len());
    assert!(refused > 0 && malformed > 0);
    server.stop().await;
    Ok(())
}
