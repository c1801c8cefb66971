//! Notifications: what happened for a signed-in person, in the Spheres they
//! read (`site.exosphere.notification.*`). Each module says what concerns
//! whom ([`crate::Module::notifications`]): the board, a status change or a
//! comment on a request they follow, a reply to their comment, a mention of
//! their handle. They are derived from records when they are read, never
//! stored, so a rebuild gives the same notifications; this server keeps only
//! when each person last marked them read (`notification_seen`).

pub mod api;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;

use crate::Error;
use crate::db::sql::sql;

/// A Sphere whose notifications a person may get: they may read it, it is
/// not suspended, and it enables the module asked.
#[derive(Debug, Clone, QueryableByName)]
pub struct ReadableSphere {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub uri: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub name: String,
}

/// What a module is asked for: `viewer`'s notifications in `spheres`,
/// newest first, strictly before `before` and strictly after `after`
/// (`(createdAt, uri)` and `createdAt`), `limit` at most.
#[derive(Debug, Clone)]
pub struct NotificationQuery {
    /// Their DID.
    pub viewer: String,
    /// Their handle, lowercased, for mentions (`None`: none known).
    pub handle: Option<String>,
    pub spheres: Vec<ReadableSphere>,
    pub before: Option<(String, String)>,
    pub after: Option<String>,
    pub limit: i64,
}

impl NotificationQuery {
    /// The Spheres' ids as a JSON array, for `IN (SELECT value FROM json_each(?))`.
    pub fn sphere_ids(&self) -> String {
        serde_json::to_string(&self.spheres.iter().map(|s| s.id).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into())
    }

    /// The Sphere of an id, as notifications name it.
    pub fn sphere(&self, id: i64) -> Option<&ReadableSphere> {
        self.spheres.iter().find(|s| s.id == id)
    }
}

/// The Spheres `viewer` reads that enable `module`.
pub fn readable_spheres(
    conn: &mut SqliteConnection,
    viewer: &str,
    module: &str,
) -> Result<Vec<ReadableSphere>, Error> {
    Ok(sql("SELECT s.id, s.uri, s.slug, s.name FROM spheres s
            WHERE EXISTS (SELECT 1 FROM json_each(s.modules) WHERE value = ?)
              AND NOT EXISTS (SELECT 1 FROM sphere_standing st WHERE st.sphere_uri = s.uri AND st.standing = 'suspended')
              AND (s.visibility = 'public' OR s.owner_did = ?
                   OR EXISTS (SELECT 1 FROM sphere_members m WHERE m.sphere_id = s.id AND m.did = ? AND m.status = 'active'))")
    .bind::<Text, _>(module)
    .bind::<Text, _>(viewer)
    .bind::<Text, _>(viewer)
    .load(conn)?)
}

/// When `viewer` last marked their notifications read.
pub fn seen_at(conn: &mut SqliteConnection, viewer: &str) -> Result<Option<String>, Error> {
    #[derive(QueryableByName)]
    struct Seen {
        #[diesel(sql_type = Text)]
        seen_at: String,
    }
    Ok(sql("SELECT seen_at FROM notification_seen WHERE did = ?")
        .bind::<Text, _>(viewer)
        .get_result::<Seen>(conn)
        .optional()?
        .map(|s| s.seen_at))
}
