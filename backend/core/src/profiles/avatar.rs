//! `GET /avatars/{cid}`: a person's avatar, as `actorView.avatar` names it.
//!
//! Only CIDs that some known account's profile names are served, and only
//! from that account's PDS (`com.atproto.sync.getBlob`): this is no proxy
//! for anything else. The bytes must hash to the CID, so whichever of the
//! accounts' PDSes answers, the image is the one named. Kept once fetched;
//! a CID never changes what it names, so browsers may keep it for a year.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel::prelude::*;
use diesel::sql_types::{Binary, Text};

use crate::db::sql::sql;
use crate::lexicon::format::is_cid;
use crate::xrpc::{Error, ErrorKind};
use crate::{AppContext, ids, outbound};

/// The largest avatar kept (atproto's profile Lexicon allows 1,000,000 bytes).
pub const MAX_BYTES: usize = 1_000_000;
/// Upper bound for fetching one avatar.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Accounts whose PDS is asked for a CID before giving up.
const TRIES: i64 = 3;

/// Mounts `/avatars/{cid}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/avatars/{cid}", web::get().to(serve));
}

#[derive(QueryableByName)]
struct Image {
    #[diesel(sql_type = Text)]
    mime: String,
    #[diesel(sql_type = Binary)]
    bytes: Vec<u8>,
}

#[derive(QueryableByName)]
struct Owner {
    #[diesel(sql_type = Text)]
    did: String,
    #[diesel(sql_type = Text)]
    mime: String,
}

fn no_avatar(cid: &str) -> Error {
    Error::named(ErrorKind::NotFound, "AvatarNotFound", format!("no known profile has the avatar {cid}"))
}

async fn serve(req: HttpRequest, ctx: web::Data<AppContext>) -> Result<HttpResponse, Error> {
    let cid = req.match_info().get("cid").unwrap_or_default().to_owned();
    if !is_cid(&cid) {
        return Err(no_avatar(&cid));
    }
    let key = cid.clone();
    let kept = ctx
        .db
        .read(move |c| {
            Ok(sql("SELECT mime, bytes FROM profile_avatars WHERE cid = ?")
                .bind::<Text, _>(key)
                .get_result::<Image>(c)
                .optional()?)
        })
        .await?;
    let image = match kept {
        Some(image) => image,
        None => fetch(&ctx, &cid).await?,
    };
    Ok(HttpResponse::Ok()
        .content_type(image.mime)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        .body(image.bytes))
}

/// Fetches the avatar from the PDS of an account whose profile names it, and keeps it.
async fn fetch(ctx: &AppContext, cid: &str) -> Result<Image, Error> {
    let key = cid.to_owned();
    let owners = ctx
        .db
        .read(move |c| {
            Ok(sql("SELECT k.did, p.avatar_mime AS mime FROM profiles p JOIN known_accounts k ON k.id = p.account
                     WHERE p.avatar_cid = ? AND p.avatar_mime IS NOT NULL LIMIT ?")
                .bind::<Text, _>(key)
                .bind::<diesel::sql_types::BigInt, _>(TRIES)
                .load::<Owner>(c)?)
        })
        .await?;
    if owners.is_empty() {
        return Err(no_avatar(cid));
    }
    let mut why = String::new();
    for owner in owners {
        match get_blob(ctx, &owner.did, cid).await {
            Ok(bytes) => {
                let image = Image { mime: owner.mime, bytes };
                let (key, mime, bytes) = (cid.to_owned(), image.mime.clone(), image.bytes.clone());
                ctx.db
                    .write(move |c| {
                        sql("INSERT OR IGNORE INTO profile_avatars (cid, mime, bytes) VALUES (?, ?, ?)")
                            .bind::<Text, _>(key)
                            .bind::<Text, _>(mime)
                            .bind::<Binary, _>(bytes)
                            .execute(c)?;
                        Ok(())
                    })
                    .await?;
                return Ok(image);
            }
            Err(e) => {
                tracing::info!(did = owner.did, cid, error = e, "avatar not fetched");
                why = e;
            }
        }
    }
    Err(Error::new(ErrorKind::UpstreamFailure, format!("the avatar {cid} could not be fetched: {why}")))
}

/// The blob's bytes from the account's PDS, checked against the CID.
async fn get_blob(ctx: &AppContext, did: &str, cid: &str) -> Result<Vec<u8>, String> {
    let pds = ctx.identity.resolve(did).await.map_err(|e| e.to_string())?.pds;
    let response = ctx
        .http
        .get(&format!("{pds}/xrpc/com.atproto.sync.getBlob"))
        .map_err(|e| e.to_string())?
        .query(&[("did", did), ("cid", cid)])
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("{pds}: {}", outbound::chain(&e)))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(format!("{pds} answered getBlob with HTTP {status}"));
    }
    let bytes = outbound::read_limited(response, MAX_BYTES).await.map_err(|e| e.to_string())?;
    if ids::blob_cid(&bytes) != cid {
        return Err(format!("{pds} sent bytes that are not {cid}"));
    }
    Ok(bytes)
}
