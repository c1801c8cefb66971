//! Seeding the benchmarks' databases the way real data arrives: records go
//! through the registry's indexing functions (the path of the API, Jetstream
//! and rebuilds), and readers sign in with a session row the server looks
//! up like any other.

use exosphere_core::{AppContext, IndexOutcome, RecordEvent, RecordOp, Source};

/// One record as a PDS would hold it.
pub struct Record {
    pub did: String,
    pub collection: &'static str,
    pub rkey: String,
    pub cid: String,
    pub value: serde_json::Value,
}

/// A benchmark's setting from the environment (`BENCH_SECONDS`, …), or `default`.
pub fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// A `datetime` `seconds` into generated time (2026, months of 28 days):
/// distinct, ordered and valid for every `seconds` a seed uses.
pub fn datetime(seconds: u64) -> String {
    let (d, s) = (seconds / 86_400, seconds % 86_400);
    format!(
        "2026-{:02}-{:02}T{:02}:{:02}:{:02}.000Z",
        1 + (d / 28) % 12,
        1 + d % 28,
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// The AT URI of the record `rkey` of `collection` in `did`'s repository.
pub fn uri(did: &str, collection: &str, rkey: &str) -> String {
    format!("at://{did}/{collection}/{rkey}")
}

/// Indexes records in one write transaction and answers how many; fails on
/// the first record that the indexing rules refuse or that changes nothing.
pub async fn index(ctx: &AppContext, batch: Vec<Record>) -> anyhow::Result<usize> {
    let registry = ctx.registry.clone();
    Ok(ctx
        .db
        .write_alone(move |c| {
            let mut indexed = 0;
            let mut spheres = exosphere_core::module::SphereMemo::default();
            for r in &batch {
                let event = RecordEvent {
                    source: Source::Rebuild,
                    did: &r.did,
                    collection: r.collection,
                    rkey: &r.rkey,
                    op: RecordOp::Create,
                    cid: Some(&r.cid),
                    record: Some(&r.value),
                    seen_us: None,
                };
                match registry.index_in(c, &event, &mut spheres)? {
                    IndexOutcome::Indexed => indexed += 1,
                    // A seed whose records don't all land measures less than it says.
                    other => {
                        return Err(exosphere_core::Error::internal(anyhow::anyhow!(
                            "the seed's record {} was not indexed: {other:?}",
                            event.uri()
                        )));
                    }
                }
            }
            Ok(indexed)
        })
        .await?)
}

/// Indexes records from an iterator in transactions of `batch` records.
pub async fn index_all(
    ctx: &AppContext,
    records: impl IntoIterator<Item = Record>,
    batch: usize,
) -> anyhow::Result<usize> {
    let (mut indexed, mut pending) = (0, Vec::with_capacity(batch));
    for record in records {
        pending.push(record);
        if pending.len() >= batch {
            indexed += index(ctx, std::mem::replace(&mut pending, Vec::with_capacity(batch))).await?;
        }
    }
    Ok(indexed + index(ctx, pending).await?)
}

/// Every known account's profile as read, as a server in steady state has
/// them. Otherwise the profile refresher spends the benchmark failing to
/// reach the seeded accounts' PDSes (none exists here), a write for every
/// sixteen accounts, which a long-running server does once, not on every
/// request: beside it, the board's reads ran at a quarter to a seventh of
/// their rate in one run (a freshly seeded database).
pub async fn profiles_read(ctx: &AppContext) -> anyhow::Result<()> {
    use diesel::connection::SimpleConnection;
    ctx.db
        .write(|c| Ok(c.batch_execute("UPDATE profiles SET refresh_after = '9999-12-31T00:00:00.000Z'")?))
        .await?;
    Ok(())
}

/// A signed-in session of `did` for the cookie `sid=<sid>`: the row sign-in
/// leaves, found by the server's session lookup like any other.
pub async fn session(ctx: &AppContext, sid: &str, did: &str, handle: &str) -> anyhow::Result<()> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::Text;
    let (hash, did, handle) = (exosphere_core::auth::hash_sid(sid), did.to_owned(), handle.to_owned());
    ctx.db
        .write(move |c| {
            diesel::sql_query(
                "INSERT OR REPLACE INTO auth_sessions (sid_hash, did, handle, created_at, expires_at)
                 VALUES (?1, ?2, ?3, unixepoch(), unixepoch() + 86400 * 365)",
            )
            .bind::<Text, _>(hash)
            .bind::<Text, _>(did)
            .bind::<Text, _>(handle)
            .execute(c)?;
            Ok(())
        })
        .await?;
    Ok(())
}

/// Request headers carrying the session cookie `sid`.
pub fn cookie(sid: &str) -> anyhow::Result<reqwest::header::HeaderMap> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, format!("sid={sid}").parse()?);
    Ok(headers)
}
