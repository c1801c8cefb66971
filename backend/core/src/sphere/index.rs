//! How Sphere, membership and moderation records become rows: one function
//! per record type, used alike by the API's write-through, the Jetstream
//! consumer and rebuilds. Each is idempotent by URI + CID and runs inside
//! the caller's transaction.

use crate::db::sql::sql;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};

use super::store::{self, MemberRow, SphereRow};
use crate::lexicon::ValidationError;
use crate::lexicon::site::exosphere::{moderation, sphere, sphere_member, sphere_member_approval};
use crate::module::{IndexOutcome, RecordEvent, RecordOp, Source};
use crate::xrpc::{Error, ErrorKind};

/// The collections core indexes itself.
pub const CORE_COLLECTIONS: [&str; 4] =
    [sphere::NSID, sphere_member::NSID, sphere_member_approval::NSID, moderation::NSID];

/// The Lexicon check of one of [`CORE_COLLECTIONS`]; `None` for other collections.
pub fn core_validator(collection: &str) -> Option<crate::module::Validator> {
    use crate::module::validate_as;
    Some(match collection {
        sphere::NSID => validate_as::<sphere::Record>,
        sphere_member::NSID => validate_as::<sphere_member::Record>,
        sphere_member_approval::NSID => validate_as::<sphere_member_approval::Record>,
        moderation::NSID => validate_as::<moderation::Record>,
        _ => return None,
    })
}

/// Indexes a record of one of [`CORE_COLLECTIONS`]; `None` for other collections.
pub fn index_core_record(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
) -> Option<Result<IndexOutcome, Error>> {
    Some(match event.collection {
        sphere::NSID => index_sphere(conn, event),
        sphere_member::NSID => index_member(conn, event),
        sphere_member_approval::NSID => index_member_approval(conn, event),
        moderation::NSID => index_moderation(conn, event),
        _ => return None,
    })
}

/// Slugs: 2-48 of lowercase letters, digits and single inner hyphens.
pub fn check_slug(slug: &str) -> Result<(), ValidationError> {
    let ok = (2..=48).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "slug",
            "must be 2-48 lowercase letters, digits and single hyphens, not starting or ending with a hyphen",
        ))
    }
}

/// The Sphere a record names, if it is known here and takes records: a
/// suspended one takes none, except from a rebuild (which the operator runs).
fn open_sphere(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
    uri: &str,
) -> Result<Option<SphereRow>, Error> {
    Ok(store::sphere_by_uri(conn, uri)?.filter(|s| !s.is_suspended() || event.source == Source::Rebuild))
}

/// `site.exosphere.sphere`, published by its owner.
pub fn index_sphere(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    let existing = store::sphere_by_uri(conn, &uri)?;
    if existing.as_ref().is_some_and(SphereRow::is_suspended) && event.source != Source::Rebuild {
        return Ok(IndexOutcome::Ignored);
    }
    if event.op == RecordOp::Delete {
        return Ok(match existing {
            Some(sphere) => {
                sql("DELETE FROM spheres WHERE id = ?").bind::<BigInt, _>(sphere.id).execute(conn)?;
                IndexOutcome::Indexed
            }
            None => IndexOutcome::Ignored,
        });
    }
    let record: sphere::Record = crate::decode_or_return!(event);
    if let Err(e) = check_slug(&record.slug) {
        return Ok(IndexOutcome::Rejected(e));
    }
    if existing.as_ref().is_some_and(|s| s.cid == event.cid()) {
        return Ok(IndexOutcome::Unchanged);
    }
    // Only Spheres this instance knows are indexed: a Sphere record seen on
    // the network is not adopted by merely existing.
    if existing.is_none() && matches!(event.source, Source::Jetstream | Source::Requested) {
        return Ok(IndexOutcome::Ignored);
    }
    let taken: Option<SphereRow> = store::sphere_by_param(conn, &record.slug)?;
    if taken.is_some_and(|t| t.uri != uri) {
        return Err(Error::named(
            ErrorKind::Conflict,
            "SlugTaken",
            format!("the slug {:?} is already used here", record.slug),
        ));
    }
    let modules =
        serde_json::to_string(&record.modules.clone().unwrap_or_default()).map_err(Error::internal)?;
    sql(
        "INSERT INTO spheres (uri, cid, owner_did, slug, name, description, visibility, write_mode, modules, created_at, indexed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (uri) DO UPDATE SET cid = excluded.cid, slug = excluded.slug, name = excluded.name,
           description = excluded.description, visibility = excluded.visibility, write_mode = excluded.write_mode,
           modules = excluded.modules, indexed_at = excluded.indexed_at",
    )
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.slug)
    .bind::<Text, _>(&record.name)
    .bind::<Nullable<Text>, _>(&record.description)
    .bind::<Text, _>(&record.visibility)
    .bind::<Text, _>(&record.write_mode)
    .bind::<Text, _>(modules)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    if existing.is_none() {
        crate::accounts::know(conn, event.did)?;
        let sphere = store::sphere_by_uri(conn, &uri)?
            .ok_or_else(|| Error::internal(anyhow::anyhow!("sphere vanished")))?;
        seat_owner(conn, &sphere)?;
    }
    Ok(IndexOutcome::Indexed)
}

/// The Sphere's owner, an active member by the Sphere record itself.
pub fn seat_owner(conn: &mut SqliteConnection, sphere: &SphereRow) -> Result<(), Error> {
    sql(
        "INSERT INTO sphere_members (sphere_id, did, role, status, joined_at) VALUES (?, ?, 'owner', 'active', ?)
         ON CONFLICT (sphere_id, did) DO UPDATE SET role = 'owner', status = 'active'",
    )
    .bind::<BigInt, _>(sphere.id)
    .bind::<Text, _>(&sphere.owner_did)
    .bind::<Text, _>(&sphere.created_at)
    .execute(conn)?;
    Ok(())
}

/// Deletes everything that hangs off a Sphere's row, core's and every
/// module's: the rows of each table whose foreign key names `spheres(id)`,
/// and what cascades from them. The row itself stays, and keeps its id (a
/// rebuild's switch, so that a request that read the id before it still
/// finds the Sphere after).
pub fn clear_sphere(conn: &mut SqliteConnection, sphere_id: i64) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct Link {
        #[diesel(sql_type = Text)]
        tbl: String,
        #[diesel(sql_type = Text)]
        col: String,
    }
    let links: Vec<Link> =
        sql("SELECT m.name AS tbl, f.\"from\" AS col FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" = 'spheres'")
        .load(conn)?;
    for link in links {
        // Names from the schema itself, quoted: never input.
        sql(format!(
            "DELETE FROM \"{}\" WHERE \"{}\" = ?",
            link.tbl.replace('"', ""),
            link.col.replace('"', "")
        ))
        .bind::<BigInt, _>(sphere_id)
        .execute(conn)?;
    }
    Ok(())
}

/// The status both sides of a membership add up to.
fn status_of(row: &MemberRow) -> &'static str {
    match (row.role.as_str(), row.approval_uri.is_some(), row.member_uri.is_some()) {
        ("owner", _, _) => "active",
        (_, true, true) => "active",
        (_, true, false) => "invited",
        (_, false, true) if row.status == "requested" => "requested",
        _ => "revoked",
    }
}

fn save_member(conn: &mut SqliteConnection, row: &MemberRow) -> Result<(), Error> {
    let status = status_of(row);
    let joined_at = if status == "active" { row.joined_at.clone() } else { None };
    sql("INSERT INTO sphere_members (sphere_id, did, role, status, invited_by, invited_at, joined_at,
                                     approval_uri, approval_cid, member_uri, member_cid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sphere_id, did) DO UPDATE SET role = excluded.role, status = excluded.status,
           invited_by = excluded.invited_by, invited_at = excluded.invited_at, joined_at = excluded.joined_at,
           approval_uri = excluded.approval_uri, approval_cid = excluded.approval_cid,
           member_uri = excluded.member_uri, member_cid = excluded.member_cid")
    .bind::<BigInt, _>(row.sphere_id)
    .bind::<Text, _>(&row.did)
    .bind::<Text, _>(&row.role)
    .bind::<Text, _>(status)
    .bind::<Nullable<Text>, _>(&row.invited_by)
    .bind::<Nullable<Text>, _>(&row.invited_at)
    .bind::<Nullable<Text>, _>(joined_at)
    .bind::<Nullable<Text>, _>(&row.approval_uri)
    .bind::<Nullable<Text>, _>(&row.approval_cid)
    .bind::<Nullable<Text>, _>(&row.member_uri)
    .bind::<Nullable<Text>, _>(&row.member_cid)
    .execute(conn)?;
    Ok(())
}

fn blank_member(sphere_id: i64, did: &str) -> MemberRow {
    MemberRow {
        sphere_id,
        did: did.to_owned(),
        role: "member".into(),
        status: "revoked".into(),
        invited_by: None,
        invited_at: None,
        joined_at: None,
        approval_uri: None,
        approval_cid: None,
        member_uri: None,
        member_cid: None,
    }
}

fn member_by(conn: &mut SqliteConnection, column: &str, uri: &str) -> Result<Option<MemberRow>, Error> {
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = BigInt)]
        sphere_id: i64,
        #[diesel(sql_type = Text)]
        did: String,
    }
    let key: Option<Key> = sql(format!("SELECT sphere_id, did FROM sphere_members WHERE {column} = ?"))
        .bind::<Text, _>(uri)
        .get_result(conn)
        .optional()?;
    match key {
        Some(k) => store::member(conn, k.sphere_id, &k.did),
        None => Ok(None),
    }
}

/// `site.exosphere.sphereMemberApproval`, published by an owner or admin.
pub fn index_member_approval(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    if event.op == RecordOp::Delete {
        let Some(mut row) = member_by(conn, "approval_uri", &uri)? else { return Ok(IndexOutcome::Ignored) };
        row.approval_uri = None;
        row.approval_cid = None;
        save_member(conn, &row)?;
        return Ok(IndexOutcome::Indexed);
    }
    let record: sphere_member_approval::Record = crate::decode_or_return!(event);
    let Some(sphere) = open_sphere(conn, event, &record.sphere)? else { return Ok(IndexOutcome::Ignored) };
    if !store::may_moderate(conn, sphere.id, event.did)? {
        return Ok(IndexOutcome::Ignored);
    }
    if record.role == "owner" {
        return Ok(IndexOutcome::Rejected(ValidationError::new(
            "role",
            "the owner is the Sphere record's author: approvals grant admin or member",
        )));
    }
    crate::accounts::know(conn, &record.member)?;
    let mut row = store::member(conn, sphere.id, &record.member)?
        .unwrap_or_else(|| blank_member(sphere.id, &record.member));
    if row.role == "owner" {
        return Ok(IndexOutcome::Ignored);
    }
    if row.approval_uri.as_deref() == Some(uri.as_str()) && row.approval_cid.as_deref() == event.cid {
        return Ok(IndexOutcome::Unchanged);
    }
    row.role = record.role;
    row.invited_by = Some(event.did.to_owned());
    row.invited_at = Some(record.created_at.clone());
    row.approval_uri = Some(uri);
    row.approval_cid = Some(event.cid());
    if row.member_uri.is_some() && row.joined_at.is_none() {
        row.joined_at = Some(record.created_at);
    }
    save_member(conn, &row)?;
    Ok(IndexOutcome::Indexed)
}

/// `site.exosphere.sphereMember`, published by the member.
pub fn index_member(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    if event.op == RecordOp::Delete {
        let Some(mut row) = member_by(conn, "member_uri", &uri)? else { return Ok(IndexOutcome::Ignored) };
        row.member_uri = None;
        row.member_cid = None;
        row.joined_at = None;
        save_member(conn, &row)?;
        return Ok(IndexOutcome::Indexed);
    }
    let record: sphere_member::Record = crate::decode_or_return!(event);
    let Some(sphere) = open_sphere(conn, event, &record.sphere)? else { return Ok(IndexOutcome::Ignored) };
    let existing = store::member(conn, sphere.id, event.did)?;
    if existing.as_ref().is_some_and(|r| {
        r.member_uri.as_deref() == Some(uri.as_str()) && r.member_cid.as_deref() == event.cid
    }) {
        return Ok(IndexOutcome::Unchanged);
    }
    let mut row = existing.unwrap_or_else(|| {
        // The member's side before any approval: a request to join.
        let mut row = blank_member(sphere.id, event.did);
        row.status = "requested".into();
        row
    });
    row.member_uri = Some(uri);
    row.member_cid = Some(event.cid());
    row.joined_at = Some(record.created_at);
    save_member(conn, &row)?;
    Ok(IndexOutcome::Indexed)
}

/// `site.exosphere.moderation`, published by an owner or admin.
pub fn index_moderation(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    if event.op == RecordOp::Delete {
        #[derive(QueryableByName)]
        struct Subject {
            #[diesel(sql_type = Text)]
            subject_uri: String,
            #[diesel(sql_type = BigInt)]
            sphere_id: i64,
        }
        let subject: Option<Subject> =
            sql("SELECT subject_uri, sphere_id FROM moderation_actions WHERE uri = ?")
                .bind::<Text, _>(&uri)
                .get_result(conn)
                .optional()?;
        let Some(subject) = subject else { return Ok(IndexOutcome::Ignored) };
        sql("DELETE FROM moderation_actions WHERE uri = ?").bind::<Text, _>(&uri).execute(conn)?;
        refresh_states(conn, subject.sphere_id, &subject.subject_uri)?;
        return Ok(IndexOutcome::Indexed);
    }
    let record: moderation::Record = crate::decode_or_return!(event);
    let Some(sphere) = open_sphere(conn, event, &record.sphere)? else { return Ok(IndexOutcome::Ignored) };
    if !store::may_moderate(conn, sphere.id, event.did)? {
        return Ok(IndexOutcome::Ignored);
    }
    let changed = sql(
        "INSERT INTO moderation_actions (uri, cid, sphere_id, subject_uri, action, actor_did, reason, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (uri) DO UPDATE SET cid = excluded.cid, subject_uri = excluded.subject_uri,
           action = excluded.action, reason = excluded.reason, created_at = excluded.created_at
         WHERE moderation_actions.cid != excluded.cid",
    )
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(sphere.id)
    .bind::<Text, _>(&record.subject.uri)
    .bind::<Text, _>(&record.action)
    .bind::<Text, _>(event.did)
    .bind::<Nullable<Text>, _>(&record.reason)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    if changed == 0 {
        return Ok(IndexOutcome::Unchanged);
    }
    refresh_states(conn, sphere.id, &record.subject.uri)?;
    Ok(IndexOutcome::Indexed)
}

/// The pairs of moderation actions: the latest of a pair on a subject
/// decides its state (`None`: hidden, kept in hidden_subjects; otherwise the
/// subject_flags flag).
const PAIRS: [(&str, &str, Option<&str>); 3] =
    [("hide", "restore", None), ("lock", "unlock", Some("locked")), ("pin", "unpin", Some("pinned"))];

/// Brings a subject's hidden, locked and pinned states in line with its latest actions.
fn refresh_states(conn: &mut SqliteConnection, sphere_id: i64, subject: &str) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct Latest {
        #[diesel(sql_type = Text)]
        action: String,
        #[diesel(sql_type = Text)]
        created_at: String,
    }
    for (on, off, flag) in PAIRS {
        let latest: Option<Latest> = sql(
            "SELECT action, created_at FROM moderation_actions WHERE subject_uri = ? AND action IN (?, ?)
             ORDER BY created_at DESC, uri DESC LIMIT 1",
        )
        .bind::<Text, _>(subject)
        .bind::<Text, _>(on)
        .bind::<Text, _>(off)
        .get_result(conn)
        .optional()?;
        let set = latest.as_ref().filter(|l| l.action == on);
        match (flag, set) {
            (None, Some(_)) => {
                sql("INSERT OR IGNORE INTO hidden_subjects (subject_uri, sphere_id) VALUES (?, ?)")
                    .bind::<Text, _>(subject)
                    .bind::<BigInt, _>(sphere_id)
                    .execute(conn)?;
            }
            (None, None) => {
                sql("DELETE FROM hidden_subjects WHERE subject_uri = ?")
                    .bind::<Text, _>(subject)
                    .execute(conn)?;
            }
            // A state already set keeps the time it began.
            (Some(flag), Some(latest)) => {
                sql("INSERT OR IGNORE INTO subject_flags (subject_uri, flag, sphere_id, set_at, action_at)
                     VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)")
                .bind::<Text, _>(subject)
                .bind::<Text, _>(flag)
                .bind::<BigInt, _>(sphere_id)
                .bind::<Text, _>(&latest.created_at)
                .execute(conn)?;
            }
            (Some(flag), None) => {
                sql("DELETE FROM subject_flags WHERE subject_uri = ? AND flag = ?")
                    .bind::<Text, _>(subject)
                    .bind::<Text, _>(flag)
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for good in ["rust", "my-sphere", "a1", "x-2-y"] {
            assert!(check_slug(good).is_ok(), "{good}");
        }
        for bad in ["", "a", "Rust", "-a", "a-", "a--b", "a_b", "ünï", &"a".repeat(49)] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
