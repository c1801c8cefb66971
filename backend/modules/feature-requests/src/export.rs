//! The board as CSV, for owners and admins: `GET /s/:sphere/feature-requests/export.csv`
//! (the session cookie or an `Authorization: Bearer` token, as for XRPC).
//! Columns after Fider's export; one row per request, by number, hidden
//! ones included (their moderators are the ones asking). Tags are listed
//! by name, separated by `; `.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{QueryableByName, RunQueryDsl};
use exosphere_core::db::sql::sql;
use exosphere_core::read;
use exosphere_core::sphere::{Access, Action};
use exosphere_core::xrpc::{XrpcContext, XrpcResult};

use crate::store::{TAGS_OF_REQUEST, TagRow};

/// The header, as the columns are written.
pub const COLUMNS: [&str; 13] = [
    "number",
    "title",
    "description",
    "created_at",
    "author",
    "votes",
    "comments",
    "status",
    "status_by",
    "status_at",
    "status_note",
    "duplicate_of",
    "tags",
];

/// Mounts the export under the module's path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(&format!("/s/{{sphere}}/{}/export.csv", crate::generated::MODULE), web::get().to(export));
}

async fn export(req: HttpRequest) -> XrpcResult<HttpResponse> {
    let slug = req.match_info().get("sphere").unwrap_or_default().to_owned();
    let ctx = XrpcContext::new(req).with_module(Some(crate::generated::MODULE));
    let caller = ctx.caller().await?;
    let (name, csv) = ctx
        .app()?
        .db
        .read(move |c| {
            let access = Access::resolve(c, &caller, &slug)?;
            access.require(Action::Moderate)?;
            Ok((access.sphere.slug.clone(), csv(c, access.sphere.id)?))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}-feature-requests.csv\"", name.replace('"', "")),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(csv))
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    number: i64,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    description: Option<String>,
    #[diesel(sql_type = Text)]
    created_at: String,
    #[diesel(sql_type = Text)]
    author_did: String,
    #[diesel(sql_type = Nullable<Text>)]
    author_handle: Option<String>,
    #[diesel(sql_type = BigInt)]
    vote_count: i64,
    #[diesel(sql_type = BigInt)]
    comment_count: i64,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    status_by: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    status_by_handle: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    status_at: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    status_note: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    duplicate_of: Option<i64>,
    /// As [`TAGS_OF_REQUEST`] gives them.
    #[diesel(sql_type = Text)]
    tags: String,
}

/// The Sphere's requests as CSV (RFC 4180: CRLF line ends, fields quoted when they need it).
pub fn csv(conn: &mut SqliteConnection, sphere_id: i64) -> Result<String, exosphere_core::Error> {
    let rows: Vec<Row> = sql(format!(
        "SELECT r.number, r.title, r.description, r.created_at, r.author_did, {} AS author_handle,
                r.vote_count, r.comment_count, r.status,
                st.actor_did AS status_by, {} AS status_by_handle, st.created_at AS status_at, st.note AS status_note,
                (SELECT o.number FROM fr_requests o WHERE o.id = r.duplicate_of) AS duplicate_of,
                {} AS tags
         FROM fr_requests r
         LEFT JOIN fr_statuses st ON st.uri = (SELECT l.uri FROM fr_statuses l WHERE l.request_id = r.id
                                               ORDER BY l.created_at DESC, l.uri DESC LIMIT 1)
         WHERE r.sphere_id = ? ORDER BY r.number",
        read::handle("r.author_did"),
        read::handle("st.actor_did"),
        TAGS_OF_REQUEST,
    ))
    .bind::<BigInt, _>(sphere_id)
    .load(conn)?;
    let mut out = String::new();
    line(&mut out, COLUMNS.iter().map(|c| (*c).to_owned()));
    for r in rows {
        line(
            &mut out,
            [
                r.number.to_string(),
                r.title,
                r.description.unwrap_or_default(),
                r.created_at,
                person(&r.author_did, r.author_handle.as_deref()),
                r.vote_count.to_string(),
                r.comment_count.to_string(),
                r.status,
                r.status_by
                    .as_deref()
                    .map(|did| person(did, r.status_by_handle.as_deref()))
                    .unwrap_or_default(),
                r.status_at.unwrap_or_default(),
                r.status_note.unwrap_or_default(),
                r.duplicate_of.map(|n| n.to_string()).unwrap_or_default(),
                TagRow::parse_list(&r.tags).into_iter().map(|t| t.name).collect::<Vec<_>>().join("; "),
            ],
        );
    }
    Ok(out)
}

/// An account as the export names it: `handle (did)`, or the DID alone.
fn person(did: &str, handle: Option<&str>) -> String {
    match handle {
        Some(handle) => format!("{handle} ({did})"),
        None => did.to_owned(),
    }
}

fn line(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quote(&field));
    }
    out.push_str("\r\n");
}

/// A field as CSV writes it: quoted (its quotes doubled) when it holds a
/// comma, a quote, a line break, or space at either end.
pub fn quote(field: &str) -> std::borrow::Cow<'_, str> {
    let needs = field.contains([',', '"', '\n', '\r']) || field.starts_with(' ') || field.ends_with(' ');
    if needs { format!("\"{}\"", field.replace('"', "\"\"")).into() } else { field.into() }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn fields_are_quoted_when_they_need_it() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a, b"), "\"a, b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote("cr\r"), "\"cr\r\"");
        assert_eq!(quote(" padded"), "\" padded\"");
        assert_eq!(quote(""), "");
        assert_eq!(quote("Crème brûlée"), "Crème brûlée");
    }
}
