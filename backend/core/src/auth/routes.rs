//! Sign-in endpoints: `/oauth/login`, `/oauth/callback`, `/oauth/logout`,
//! the client metadata document and the JWKS; this service's DID document
//! (`/.well-known/did.json`); and the cross-site check that guards
//! cookie-authenticated writes.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use atrium_oauth::CallbackParams;
use serde::Deserialize;

use super::{SESSION_COOKIE, safe_return_path};
use crate::AppContext;
use crate::xrpc::{Error, ErrorKind};

/// Mounts the sign-in endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/oauth/login", web::get().to(login))
        .route("/oauth/callback", web::get().to(callback))
        .route("/oauth/logout", web::post().to(logout))
        .route("/oauth-client-metadata.json", web::get().to(client_metadata))
        .route("/oauth/jwks.json", web::get().to(jwks))
        .route("/.well-known/did.json", web::get().to(did_document));
}

/// The id and type of this server's entry in its DID document: what a
/// client names in `atproto-proxy: <service DID>#exosphere_appview`.
pub const SERVICE_ID: &str = "#exosphere_appview";
const SERVICE_TYPE: &str = "ExosphereAppView";

/// The `did:web` document of this server's service DID, with the service
/// entry PDSes look up to proxy calls here. 404 when the service DID is not
/// a `did:web` (its document then lives elsewhere, e.g. in the PLC directory).
async fn did_document(req: HttpRequest) -> Result<HttpResponse, Error> {
    let ctx = app(&req)?;
    let did = ctx.auth.service.service_did();
    if !did.starts_with("did:web:") {
        return Err(Error::new(
            ErrorKind::NotFound,
            format!("this server's service DID is {did}, whose document is not served here"),
        ));
    }
    let endpoint = reqwest::Url::parse(&ctx.config.public_url)
        .map(|u| u.origin().ascii_serialization())
        .map_err(Error::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "service": [{ "id": SERVICE_ID, "type": SERVICE_TYPE, "serviceEndpoint": endpoint }],
    })))
}

fn app(req: &HttpRequest) -> Result<&AppContext, Error> {
    req.app_data::<web::Data<AppContext>>()
        .map(|d| d.get_ref())
        .ok_or_else(|| Error::internal(anyhow::anyhow!("AppContext is not registered")))
}

/// Sends the browser back into the app with a readable error.
fn back_with_error(path: &str, message: &str) -> HttpResponse {
    let separator = if path.contains('?') { '&' } else { '?' };
    let encoded: String = form_urlencoded::byte_serialize(message.as_bytes()).collect();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{path}{separator}login_error={encoded}")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

#[derive(Deserialize)]
struct LoginQuery {
    handle: Option<String>,
    redirect: Option<String>,
}

async fn login(req: HttpRequest, query: web::Query<LoginQuery>) -> HttpResponse {
    let return_to = safe_return_path(query.redirect.as_deref());
    let ctx = match app(&req) {
        Ok(ctx) => ctx,
        Err(e) => return e.error_response(),
    };
    // Each attempt makes this server resolve an identity and call a PDS.
    if let Err(e) = ctx.limits.take(crate::limits::Kind::SignIn, &crate::limits::peer(&req)) {
        return e.error_response();
    }
    match ctx.auth.authorize_url(query.handle.as_deref().unwrap_or_default(), &return_to).await {
        Ok(url) => HttpResponse::Found()
            .insert_header((header::LOCATION, url))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        Err(e) => {
            tracing::info!(error = %e, "sign-in could not start");
            back_with_error(&return_to, e.message())
        }
    }
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(req: HttpRequest, query: web::Query<CallbackQuery>) -> HttpResponse {
    let ctx = match app(&req) {
        Ok(ctx) => ctx,
        Err(e) => return e.error_response(),
    };
    let query = query.into_inner();
    let return_to = match &query.state {
        Some(state) => ctx.auth.pending_return_path(state).await,
        None => "/".to_owned(),
    };
    if let Some(error) = &query.error {
        let message = match (error.as_str(), query.error_description.as_deref()) {
            ("access_denied", _) => "Sign-in was cancelled: access was not granted.".to_owned(),
            (_, Some(description)) => format!("Sign-in failed: {description}"),
            (code, None) => format!("Sign-in failed ({code})."),
        };
        return back_with_error(&return_to, &message);
    }
    let Some(code) = query.code else {
        return back_with_error(&return_to, "Sign-in failed: the authorization server sent no code.");
    };
    match ctx.auth.complete(CallbackParams { code, state: query.state, iss: query.iss }).await {
        Ok((sid, return_to)) => {
            let cookie = Cookie::build(SESSION_COOKIE, sid)
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(ctx.auth.secure_cookies())
                .max_age(CookieDuration::days(30))
                .finish();
            HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, return_to))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish()
        }
        Err(e) => {
            tracing::warn!(error = %e, "sign-in could not complete");
            back_with_error(&return_to, e.message())
        }
    }
}

async fn logout(req: HttpRequest) -> Result<HttpResponse, Error> {
    let ctx = app(&req)?;
    if let Some(sid) = req.cookie(SESSION_COOKIE) {
        ctx.auth.logout(sid.value()).await?;
    }
    let mut gone =
        Cookie::build(SESSION_COOKIE, "").path("/").http_only(true).same_site(SameSite::Lax).finish();
    gone.make_removal();
    Ok(HttpResponse::Ok().cookie(gone).json(serde_json::json!({ "loggedIn": false })))
}

async fn client_metadata(req: HttpRequest) -> Result<HttpResponse, Error> {
    Ok(HttpResponse::Ok().json(app(&req)?.auth.client_metadata()?))
}

async fn jwks(req: HttpRequest) -> Result<HttpResponse, Error> {
    Ok(HttpResponse::Ok().json(app(&req)?.auth.jwks()?))
}

/// Refuses state-changing requests that carry the session cookie but come
/// from another site (CSRF). Browsers send `Sec-Fetch-Site` (or at least
/// `Origin`) on such requests; clients that send neither are not browsers
/// and hold no ambient cookie to abuse.
pub async fn reject_cross_site(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let safe_method = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A Bearer call to XRPC is its token's issuer, never the cookie's (see
    // `XrpcContext::viewer`): no ambient credential to abuse.
    let by_token = req.path().starts_with("/xrpc/") && crate::xrpc::bearer_token(req.request()).is_some();
    if !safe_method && !by_token && req.cookie(SESSION_COOKIE).is_some() {
        let public_origin = req
            .app_data::<web::Data<AppContext>>()
            .and_then(|ctx| reqwest::Url::parse(&ctx.config.public_url).ok())
            .map(|u| u.origin().ascii_serialization());
        if let Some(reason) = cross_site_reason(req.request(), public_origin.as_deref()) {
            tracing::info!(path = req.path(), reason, "refused a cross-site request");
            let response = Error::new(ErrorKind::Forbidden, format!("cross-site request refused: {reason}"))
                .error_response()
                .map_into_right_body();
            return Ok(req.into_response(response));
        }
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}

fn cross_site_reason(req: &HttpRequest, public_origin: Option<&str>) -> Option<&'static str> {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return match site {
            "same-origin" | "none" => None,
            _ => Some("Sec-Fetch-Site is not same-origin"),
        };
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())?;
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let same = Some(origin) == public_origin
        || origin == format!("http://{host}")
        || origin == format!("https://{host}");
    (!same).then_some("Origin is another site")
}
