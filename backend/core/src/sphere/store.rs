//! Reading Spheres, memberships and moderation state from SQLite.

use crate::db::sql::sql;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, Queryable, QueryableByName, RunQueryDsl};

use crate::Error;
use crate::lexicon::site::exosphere::defs::ActorView;

/// A Sphere as indexed.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName)]
pub struct SphereRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub uri: String,
    #[diesel(sql_type = Text)]
    pub cid: String,
    #[diesel(sql_type = Text)]
    pub owner_did: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
    #[diesel(sql_type = Text)]
    pub visibility: String,
    #[diesel(sql_type = Text)]
    pub write_mode: String,
    #[diesel(sql_type = Text)]
    pub modules: String,
    #[diesel(sql_type = Text)]
    pub created_at: String,
    /// `hidden` or `suspended` by an instance administrator (`None`: listed).
    #[diesel(sql_type = Nullable<Text>)]
    pub standing: Option<String>,
}

impl SphereRow {
    /// An instance administrator suspended it: it exists for them only, and
    /// the indexer ignores its records.
    pub fn is_suspended(&self) -> bool {
        self.standing.as_deref() == Some("suspended")
    }

    /// Public Spheres are readable by anyone and keep content on PDSes.
    /// Any visibility other than `public` is treated as private.
    pub fn is_public(&self) -> bool {
        self.visibility == "public"
    }

    /// Open Spheres let any signed-in account write. Any write mode other
    /// than `open` is treated as members-only, and private Spheres are never open.
    pub fn is_open(&self) -> bool {
        self.is_public() && self.write_mode == "open"
    }

    /// The enabled modules.
    pub fn module_list(&self) -> Vec<String> {
        serde_json::from_str(&self.modules).unwrap_or_default()
    }

    /// Whether the Sphere runs `module`.
    pub fn enables(&self, module: &str) -> bool {
        self.module_list().iter().any(|m| m == module)
    }
}

/// One account's membership of a Sphere.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName)]
pub struct MemberRow {
    #[diesel(sql_type = BigInt)]
    pub sphere_id: i64,
    #[diesel(sql_type = Text)]
    pub did: String,
    #[diesel(sql_type = Text)]
    pub role: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub invited_by: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub invited_at: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub joined_at: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub approval_uri: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub approval_cid: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub member_uri: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub member_cid: Option<String>,
}

impl MemberRow {
    /// Both sides of the membership exist (or this is the owner).
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }

    /// An active owner or admin.
    pub fn is_moderator(&self) -> bool {
        self.is_active() && (self.role == "owner" || self.role == "admin")
    }
}

const SPHERE_COLUMNS: &str =
    "id, uri, cid, owner_did, slug, name, description, visibility, write_mode, modules, created_at, standing";
/// Spheres with their standing (the joined table shares no column name with `spheres`).
const SPHERES: &str = "spheres LEFT JOIN sphere_standing ON sphere_standing.sphere_uri = spheres.uri";
/// The SQL types of `SPHERE_COLUMNS`, in order (the fields of [`SphereRow`]): the hot lookups read by position.
type SphereColumns =
    (BigInt, Text, Text, Text, Text, Text, Nullable<Text>, Text, Text, Text, Text, Nullable<Text>);
const MEMBER_COLUMNS: &str = "sphere_id, did, role, status, invited_by, invited_at, joined_at, approval_uri, approval_cid, member_uri, member_cid";
/// The SQL types of `MEMBER_COLUMNS`, in order (the fields of [`MemberRow`]).
type MemberColumns = (
    BigInt,
    Text,
    Text,
    Text,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
    Nullable<Text>,
);

/// A Sphere by its slug or the AT URI of its record.
pub fn sphere_by_param(conn: &mut SqliteConnection, param: &str) -> Result<Option<SphereRow>, Error> {
    let column = if param.starts_with("at://") { "uri" } else { "slug" };
    Ok(sql(format!("SELECT {SPHERE_COLUMNS} FROM {SPHERES} WHERE {column} = ?"))
        .bind::<Text, _>(param)
        .typed::<SphereColumns>()
        .get_result(conn)
        .optional()?)
}

/// A Sphere by its record's AT URI.
pub fn sphere_by_uri(conn: &mut SqliteConnection, uri: &str) -> Result<Option<SphereRow>, Error> {
    Ok(sql(format!("SELECT {SPHERE_COLUMNS} FROM {SPHERES} WHERE uri = ?"))
        .bind::<Text, _>(uri)
        .typed::<SphereColumns>()
        .get_result(conn)
        .optional()?)
}

/// A Sphere by its internal id.
pub fn sphere_by_id(conn: &mut SqliteConnection, id: i64) -> Result<Option<SphereRow>, Error> {
    Ok(sql(format!("SELECT {SPHERE_COLUMNS} FROM {SPHERES} WHERE id = ?"))
        .bind::<BigInt, _>(id)
        .typed::<SphereColumns>()
        .get_result(conn)
        .optional()?)
}

/// Which Spheres a list holds.
#[derive(Debug, Clone, Copy)]
pub enum Listing<'a> {
    /// The instance's list: listed public Spheres, and listed private ones
    /// where `viewer` is a member or invited; with `only`, that Sphere alone
    /// (a single-community instance).
    Visible { viewer: Option<&'a str>, only: Option<&'a str> },
    /// Every Sphere, whatever its visibility and standing (instance administrators).
    All,
}

/// Spheres newest first, after a `(created_at, id)` cursor.
pub fn list_spheres(
    conn: &mut SqliteConnection,
    listing: Listing<'_>,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<SphereRow>, Error> {
    let (created, id) = after.unwrap_or_else(|| ("9999".into(), i64::MAX));
    let (all, viewer, only) = match listing {
        Listing::Visible { viewer, only } => (0, viewer, only),
        Listing::All => (1, None, None),
    };
    Ok(sql(format!(
        "SELECT {SPHERE_COLUMNS} FROM {SPHERES}
         WHERE (spheres.created_at, spheres.id) < (?, ?)
           AND (? OR (standing IS NULL AND (? IS NULL OR spheres.slug = ?)
             AND (spheres.visibility = 'public' OR EXISTS (
                SELECT 1 FROM sphere_members m WHERE m.sphere_id = spheres.id AND m.did = ?
                  AND m.status IN ('active', 'invited')))))
         ORDER BY spheres.created_at DESC, spheres.id DESC LIMIT ?"
    ))
    .bind::<Text, _>(created)
    .bind::<BigInt, _>(id)
    .bind::<BigInt, _>(all)
    .bind::<Nullable<Text>, _>(only)
    .bind::<Nullable<Text>, _>(only)
    .bind::<Text, _>(viewer.unwrap_or_default())
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// How many Spheres this instance holds, whatever their visibility and standing.
pub fn count(conn: &mut SqliteConnection) -> Result<i64, Error> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = sql("SELECT count(*) AS n FROM spheres").get_result(conn)?;
    Ok(n.n)
}

/// One account's membership row.
pub fn member(conn: &mut SqliteConnection, sphere_id: i64, did: &str) -> Result<Option<MemberRow>, Error> {
    Ok(sql(format!("SELECT {MEMBER_COLUMNS} FROM sphere_members WHERE sphere_id = ? AND did = ?"))
        .bind::<BigInt, _>(sphere_id)
        .bind::<Text, _>(did)
        .typed::<MemberColumns>()
        .get_result(conn)
        .optional()?)
}

/// Whether an account may read a Sphere right now: public Spheres anyone,
/// private ones their active members.
pub fn may_read(conn: &mut SqliteConnection, sphere: &SphereRow, did: &str) -> Result<bool, Error> {
    Ok(sphere.is_public() || member(conn, sphere.id, did)?.is_some_and(|m| m.is_active()))
}

/// Whether an account may write in a Sphere right now (the rule the API and
/// the indexer share): open Spheres take anyone, others active members.
pub fn may_write(conn: &mut SqliteConnection, sphere: &SphereRow, did: &str) -> Result<bool, Error> {
    Ok(sphere.is_open() || member(conn, sphere.id, did)?.is_some_and(|m| m.is_active()))
}

/// Whether an account is an active owner or admin of a Sphere.
pub fn may_moderate(conn: &mut SqliteConnection, sphere_id: i64, did: &str) -> Result<bool, Error> {
    Ok(member(conn, sphere_id, did)?.is_some_and(|m| m.is_moderator()))
}

/// A page of members with their handles, ordered by DID, after `after`.
pub fn list_members(
    conn: &mut SqliteConnection,
    sphere_id: i64,
    statuses: &[&str],
    after: &str,
    limit: i64,
) -> Result<Vec<(MemberRow, ActorView)>, Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(embed)]
        member: MemberRow,
        #[diesel(sql_type = Text)]
        actor: ActorView,
    }
    let placeholders = statuses.iter().map(|_| "?").collect::<Vec<_>>().join(", ");
    let columns = MEMBER_COLUMNS.split(", ").map(|c| format!("m.{c}")).collect::<Vec<_>>().join(", ");
    let actor = crate::read::actor("m.did");
    let mut query = sql(format!(
        "SELECT {columns}, {actor} AS actor FROM sphere_members m
         WHERE m.sphere_id = ? AND m.did > ? AND m.status IN ({placeholders}) ORDER BY m.did LIMIT ?"
    ));
    query = query.bind::<BigInt, _>(sphere_id).bind::<Text, _>(after.to_owned());
    for status in statuses {
        query = query.bind::<Text, _>((*status).to_owned());
    }
    let rows: Vec<Row> = query.bind::<BigInt, _>(limit).load(conn)?;
    Ok(rows.into_iter().map(|r| (r.member, r.actor)).collect())
}

/// Active members of a Sphere.
pub fn member_count(conn: &mut SqliteConnection, sphere_id: i64) -> Result<i64, Error> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    Ok(sql("SELECT count(*) AS n FROM sphere_members WHERE sphere_id = ? AND status = 'active'")
        .bind::<BigInt, _>(sphere_id)
        .get_result::<Count>(conn)?
        .n)
}

/// The handle last seen for an account.
pub fn handle_of(conn: &mut SqliteConnection, did: &str) -> Result<Option<String>, Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<Text>)]
        handle: Option<String>,
    }
    Ok(sql("SELECT handle FROM actors WHERE did = ?")
        .bind::<Text, _>(did)
        .get_result::<Row>(conn)
        .optional()?
        .and_then(|r| r.handle))
}

/// Remembers an account's handle (at sign-in, or when the account's
/// identity changes), and asks for its profile to be read again.
pub fn remember_handle(conn: &mut SqliteConnection, did: &str, handle: Option<&str>) -> Result<(), Error> {
    sql("INSERT INTO actors (did, handle, updated_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (did) DO UPDATE SET handle = excluded.handle, updated_at = excluded.updated_at")
    .bind::<Text, _>(did)
    .bind::<Nullable<Text>, _>(handle)
    .execute(conn)?;
    crate::accounts::know(conn, did)?;
    crate::profiles::mark_due(conn, did)
}

/// Whether a subject has a moderation flag (`locked`, `pinned`).
pub fn has_flag(conn: &mut SqliteConnection, uri: &str, flag: &str) -> Result<bool, Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    Ok(sql("SELECT count(*) AS n FROM subject_flags WHERE subject_uri = ? AND flag = ?")
        .bind::<Text, _>(uri)
        .bind::<Text, _>(flag)
        .get_result::<Row>(conn)?
        .n
        > 0)
}

/// Whether a moderator has hidden this content.
pub fn is_hidden(conn: &mut SqliteConnection, uri: &str) -> Result<bool, Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    Ok(sql("SELECT count(*) AS n FROM hidden_subjects WHERE subject_uri = ?")
        .bind::<Text, _>(uri)
        .get_result::<Row>(conn)?
        .n
        > 0)
}
