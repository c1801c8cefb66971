//! What core knows, for a module's own queries: handles, hidden content,
//! inactive accounts and a Sphere's record URI, as SQL expressions over the
//! module's columns.
//!
//! A module's SQL names only its own tables; where a query needs core's
//! knowledge it puts one of these expressions in, so that a page of content
//! stays one query (paging must filter hidden rows inside SQL, not after).
//! Column arguments are the module's own column names (`'static` literals,
//! never input). The one schema-level link a module's migrations may make
//! is `sphere_id INTEGER NOT NULL REFERENCES spheres(id) ON DELETE CASCADE`,
//! so that a Sphere's rows go with it.

use diesel::deserialize::FromSql;
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};

use crate::lexicon::site::exosphere::defs::ActorView;

/// The handle last seen for the account in `did_column` (NULL when unknown).
pub fn handle(did_column: &'static str) -> String {
    format!("(SELECT handle FROM actors WHERE did = {did_column})")
}

/// The account in `did_column` as an `actorView`: its DID, handle, and the
/// display name and avatar of its profile (see [`crate::profiles`]), one
/// JSON value that a row reads straight into an [`ActorView`] field
/// (`#[diesel(sql_type = Text)] author: ActorView`). The profile's row is
/// looked up once (by the account's id, found by its DID); without one, the
/// handle alone.
pub fn actor(did_column: &'static str) -> String {
    format!(
        "coalesce((SELECT json_object('did', k.did, 'handle', {}, 'displayName', p.display_name,
                                      'avatar', '/avatars/' || p.avatar_cid)
                   FROM known_accounts k JOIN profiles p ON p.account = k.id WHERE k.did = {did_column}),
                  json_object('did', {did_column}, 'handle', {}))",
        handle("k.did"),
        handle(did_column),
    )
}

impl diesel::deserialize::Queryable<Text, Sqlite> for ActorView {
    type Row = String;

    fn build(json: String) -> diesel::deserialize::Result<Self> {
        Ok(serde_json::from_str(&json)?)
    }
}

impl FromSql<Text, Sqlite> for ActorView {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> diesel::deserialize::Result<Self> {
        <Self as diesel::deserialize::Queryable<Text, Sqlite>>::build(
            <String as FromSql<Text, Sqlite>>::from_sql(value)?,
        )
    }
}

/// The id ([`crate::accounts::id`]) of the account whose DID is in
/// `did_column` (a column or a `?`), or NULL when it isn't known here.
pub fn account_id(did_column: &'static str) -> String {
    format!("(SELECT id FROM known_accounts WHERE did = {did_column})")
}

/// True when a moderator of the Sphere has hidden the content whose AT URI is in `uri_column`.
pub fn hidden(uri_column: &'static str) -> String {
    format!("EXISTS (SELECT 1 FROM hidden_subjects WHERE subject_uri = {uri_column})")
}

/// True unless the content whose AT URI is in `uri_column` is hidden.
pub fn not_hidden(uri_column: &'static str) -> String {
    format!("NOT EXISTS (SELECT 1 FROM hidden_subjects WHERE subject_uri = {uri_column})")
}

/// True unless the account in `did_column` is deactivated, suspended or
/// taken down on its PDS: its content is shown to no one until it returns.
pub fn author_active(did_column: &'static str) -> String {
    format!("NOT EXISTS (SELECT 1 FROM inactive_accounts WHERE did = {did_column})")
}

/// True when the subject whose AT URI is in `uri_column` has the moderation
/// flag `flag` (a `'static` literal: `locked`, `pinned`).
pub fn flagged(uri_column: &'static str, flag: &'static str) -> String {
    format!("EXISTS (SELECT 1 FROM subject_flags WHERE subject_uri = {uri_column} AND flag = '{flag}')")
}

/// When this server began to hold the subject in `uri_column` flagged
/// `flag` (NULL when it isn't): content seen after it may be left out.
pub fn flag_set_at(uri_column: &'static str, flag: &'static str) -> String {
    format!("(SELECT set_at FROM subject_flags WHERE subject_uri = {uri_column} AND flag = '{flag}')")
}

/// The AT URIs of a Sphere's subjects flagged `flag`, as a subquery taking
/// one `?`, the Sphere's id (`t.uri IN (…)`): pinned threads are few, and
/// asking for them first beats testing every row.
pub fn flagged_subjects(flag: &'static str) -> String {
    format!("(SELECT subject_uri FROM subject_flags WHERE sphere_id = ? AND flag = '{flag}')")
}

/// The `createdAt` of the moderation record behind the flag (NULL when unflagged).
pub fn flag_action_at(uri_column: &'static str, flag: &'static str) -> String {
    format!("(SELECT action_at FROM subject_flags WHERE subject_uri = {uri_column} AND flag = '{flag}')")
}

/// True when the account in `did_column` is an active owner or admin of the
/// Sphere whose internal id is in `sphere_id_column`.
pub fn moderates(did_column: &'static str, sphere_id_column: &'static str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM sphere_members WHERE sphere_id = {sphere_id_column} AND did = {did_column}
                 AND status = 'active' AND role IN ('owner', 'admin'))"
    )
}

/// The AT URI of the Sphere record whose internal id is in `sphere_id_column`.
pub fn sphere_uri(sphere_id_column: &'static str) -> String {
    format!("(SELECT uri FROM spheres WHERE id = {sphere_id_column})")
}

/// The slug of the Sphere whose id is in `sphere_id_column`.
pub fn sphere_slug(sphere_id_column: &'static str) -> String {
    format!("(SELECT slug FROM spheres WHERE id = {sphere_id_column})")
}

/// A full-text query made safe for FTS5: each word quoted, prefix-matched, all required.
pub fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(16)
        .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// A full-text query for "what is like this text": any word may match
/// (FTS5's bm25 ranks rows with more and rarer words first), words of one
/// letter are left out, and only the last word, perhaps still being typed,
/// is prefix-matched.
pub fn fts_any_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let last = words.len().saturating_sub(1);
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .filter(|(i, w)| *i == last || w.chars().count() > 1)
        .map(|(i, w)| format!("\"{}\"{}", w.replace('"', "\"\""), if i == last { "*" } else { "" }))
        .collect();
    // The last 16 words: the end of the text is what was just typed.
    let kept = &terms[terms.len().saturating_sub(16)..];
    (!kept.is_empty()).then(|| kept.join(" OR "))
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{Bool, Nullable, Text};
    use diesel::{QueryableByName, RunQueryDsl};

    use super::*;
    use crate::Db;
    use crate::db::sql::sql;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = Text)]
        uri: String,
        #[diesel(sql_type = Nullable<Text>)]
        handle: Option<String>,
        #[diesel(sql_type = Bool)]
        hidden: bool,
        #[diesel(sql_type = Text)]
        actor: ActorView,
    }

    fn person(did: &str, handle: Option<&str>, name: Option<&str>, avatar: Option<&str>) -> ActorView {
        ActorView {
            did: did.into(),
            handle: handle.map(Into::into),
            display_name: name.map(Into::into),
            avatar: avatar.map(Into::into),
        }
    }

    #[test]
    fn search_terms_are_quoted() {
        assert_eq!(fts_query("dark mode").as_deref(), Some("\"dark\"* \"mode\"*"));
        assert_eq!(fts_query("\"unbalanced OR ("), Some("\"unbalanced\"* \"OR\"*".to_owned()));
        assert_eq!(fts_query("  !! "), None);
        assert_eq!(
            fts_any_query("Dark mode, a \"theme\" o").as_deref(),
            Some("\"Dark\" OR \"mode\" OR \"theme\" OR \"o\"*")
        );
        assert_eq!(fts_any_query("x").as_deref(), Some("\"x\"*"));
        assert_eq!(fts_any_query(" ?! "), None);
        let long = (0..20).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(fts_any_query(&long).map(|q| q.matches(" OR ").count()), Some(15));
        assert!(fts_any_query(&long).is_some_and(|q| q.starts_with("\"w4\" OR") && q.ends_with("\"w19\"*")));
    }

    #[tokio::test]
    async fn expressions_answer_from_cores_tables() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        let mut conn = db.conn()?;
        crate::db::migrations::run(&mut conn, "core", crate::module::CORE_MIGRATIONS)?;
        conn.batch_execute(
            "INSERT INTO actors (did, handle, updated_at) VALUES ('did:plc:a', 'a.test', '2026-01-01');
             INSERT INTO known_accounts (id, did) VALUES (7, 'did:plc:a'), (8, 'did:plc:b');
             INSERT INTO profiles (account, display_name, avatar_cid, avatar_mime) VALUES (7, 'Ann \"A\"', 'bafkav', 'image/png');
             INSERT INTO profiles (account) VALUES (8);
             INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
             VALUES (1, 'at://o/s/1', 'c', 'did:plc:o', 's', 'S', 'public', 'open', '[]', '2026-01-01', '2026-01-01');
             INSERT INTO hidden_subjects (subject_uri, sphere_id) VALUES ('at://b/x/2', 1);
             INSERT INTO inactive_accounts (did, status, since) VALUES ('did:plc:c', 'deactivated', '2026-01-01');
             CREATE TEMP TABLE things (uri TEXT, did TEXT, sphere_id INTEGER);
             INSERT INTO things VALUES ('at://a/x/1', 'did:plc:a', 1), ('at://b/x/2', 'did:plc:b', 1), ('at://c/x/3', 'did:plc:c', 1);",
        )?;
        let rows: Vec<Row> = sql(format!(
            "SELECT t.uri, {} AS handle, {} AS hidden, {} AS actor FROM things t WHERE {} AND {} = 'at://o/s/1' ORDER BY t.uri",
            handle("t.did"),
            hidden("t.uri"),
            actor("t.did"),
            author_active("t.did"),
            sphere_uri("t.sphere_id"),
        ))
        .load(&mut conn)?;
        assert_eq!(
            rows,
            [
                Row {
                    uri: "at://a/x/1".into(),
                    handle: Some("a.test".into()),
                    hidden: false,
                    actor: person("did:plc:a", Some("a.test"), Some("Ann \"A\""), Some("/avatars/bafkav")),
                },
                Row {
                    uri: "at://b/x/2".into(),
                    handle: None,
                    hidden: true,
                    actor: person("did:plc:b", None, None, None),
                },
            ]
        );
        let shown: Vec<Row> = sql(format!(
            "SELECT uri, NULL AS handle, false AS hidden, {} AS actor FROM things t WHERE {}",
            actor("t.did"),
            not_hidden("t.uri")
        ))
        .load(&mut conn)?;
        assert_eq!(shown.len(), 2);
        Ok(())
    }
}
