//! Request helpers called by the generated route table: decode, validate,
//! call the handler, encode. Handlers only ever see valid input.

use std::future::Future;

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, Resource, web};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::answer::{Answer, encode};
use super::{Error, ErrorKind, QueryPairs, XrpcResult};
use crate::AppContext;
use crate::auth::{SESSION_COOKIE, Viewer};
use crate::lexicon::{FromQuery, Validate};
use crate::limits::{self, Kind};
use crate::pds::PdsClient;

/// The request an XRPC handler is serving.
#[derive(Clone)]
pub struct XrpcContext {
    request: HttpRequest,
    module: Option<&'static str>,
}

/// Who is calling, and through which module's method: what
/// [`Access`](crate::sphere::Access) needs to decide. A module's methods
/// carry its name, so a Sphere that does not enable the module answers
/// `ModuleDisabled` before any module code reads it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The signed-in viewer, if any.
    pub viewer: Option<Viewer>,
    /// The module whose method this is (`None`: one of core's).
    pub module: Option<&'static str>,
    /// The viewer administers this instance (they see suspended Spheres).
    pub instance_admin: bool,
}

/// How the viewer of a request proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// The browser session cookie (`sid`), from an OAuth sign-in here.
    Cookie,
    /// An atproto service-auth token (`Authorization: Bearer`), signed by
    /// the account's PDS for this one call (see [`crate::auth::service`]).
    ServiceToken,
    /// A personal access token (`Authorization: Bearer exo_…`, see
    /// [`crate::auth::tokens`]); `write: false` allows queries only.
    AccessToken { write: bool },
}

/// The viewer of a request, once looked up (see [`XrpcContext::viewer`]).
#[derive(Clone)]
struct SeenViewer(Option<(Viewer, Credential)>);

/// 403 `ReadOnlyToken`: a read-only access token calling a procedure.
pub fn read_only() -> Error {
    Error::named(
        ErrorKind::Forbidden,
        "ReadOnlyToken",
        "this access token is read-only: it may call queries, not procedures",
    )
}

/// Settles who the viewer of `request` is, for every context of it: what
/// an in-process caller (the MCP endpoint) authenticated itself.
pub(crate) fn assume_viewer(request: &HttpRequest, seen: Option<(Viewer, Credential)>) {
    request.extensions_mut().insert(SeenViewer(seen));
}

/// Counts a write against an account (or, without one, the caller's address).
pub(crate) fn limit_write_for(req: &HttpRequest, account: Option<&str>) -> XrpcResult<()> {
    limit(req, Kind::Write, account)
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer_token(request: &HttpRequest) -> Option<&str> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl XrpcContext {
    /// Wraps the HTTP request (a core method's context).
    pub fn new(request: HttpRequest) -> Self {
        Self { request, module: None }
    }

    /// The same request, serving a method of `module` (set by the generated routes).
    pub fn with_module(mut self, module: Option<&'static str>) -> Self {
        self.module = module;
        self
    }

    /// The module whose method is being served (`None`: core's).
    pub fn module(&self) -> Option<&'static str> {
        self.module
    }

    /// The viewer and the module: what resolving access to a Sphere needs.
    pub async fn caller(&self) -> XrpcResult<Caller> {
        let viewer = self.viewer().await?;
        let instance_admin = self.app()?.instance.is_admin(viewer.as_ref());
        Ok(Caller { viewer, module: self.module, instance_admin })
    }

    /// The caller asked for answers computed afresh (`Cache-Control:
    /// no-cache`): no response cache, no shared reads ([`crate::Db::read_shared`]).
    pub fn fresh(&self) -> bool {
        super::cache::no_cache(self.request.headers())
    }

    /// The underlying HTTP request (headers, cookies, app data).
    pub fn request(&self) -> &HttpRequest {
        &self.request
    }

    /// The application state.
    pub fn app(&self) -> XrpcResult<&AppContext> {
        self.request
            .app_data::<web::Data<AppContext>>()
            .map(|d| d.get_ref())
            .ok_or_else(|| Error::internal(anyhow::anyhow!("AppContext is not registered")))
    }

    /// The signed-in viewer, if any: looked up once per HTTP request, and
    /// remembered there for every context of it (the rate limit of a write
    /// and its handler, the queries a server-rendered page prefetches).
    ///
    /// An XRPC call with `Authorization: Bearer` is its token's issuer, or
    /// refused (401) when the token does not hold; it never falls back to
    /// a cookie. Anything else is the `sid` cookie's session, if any.
    pub async fn viewer(&self) -> XrpcResult<Option<Viewer>> {
        Ok(self.authenticated().await?.map(|(viewer, _)| viewer))
    }

    /// The viewer and how they proved who they are.
    pub async fn authenticated(&self) -> XrpcResult<Option<(Viewer, Credential)>> {
        if let Some(SeenViewer(seen)) = self.request.extensions().get::<SeenViewer>() {
            return Ok(seen.clone());
        }
        let method = self.request.path().strip_prefix("/xrpc/");
        let seen = match (bearer_token(&self.request), method) {
            (Some(token), Some(_)) if token.starts_with(crate::auth::tokens::PREFIX) => {
                let holder = crate::auth::tokens::authenticate(&self.app()?.db, token).await?;
                if !holder.write && self.request.method() == actix_web::http::Method::POST {
                    return Err(read_only());
                }
                Some((holder.viewer, Credential::AccessToken { write: holder.write }))
            }
            (Some(token), Some(method)) => {
                let viewer = self.app()?.auth.service.verify(token, method).await?;
                Some((viewer, Credential::ServiceToken))
            }
            _ => match self.request.cookie(SESSION_COOKIE) {
                Some(sid) => self.app()?.auth.viewer(sid.value()).await?.map(|v| (v, Credential::Cookie)),
                None => None,
            },
        };
        self.request.extensions_mut().insert(SeenViewer(seen.clone()));
        Ok(seen)
    }

    /// The OAuth session through which this server writes to the viewer's
    /// PDS. A caller with a service token proved who they are but gave this
    /// server no right to write as them: without a session from an earlier
    /// sign-in here, 403 `PdsSessionRequired` says what to do instead.
    pub async fn pds_session(&self, viewer: &Viewer) -> XrpcResult<crate::auth::PdsSession> {
        let by_token = matches!(
            self.authenticated().await?,
            Some((_, Credential::ServiceToken | Credential::AccessToken { .. }))
        );
        match self.app()?.auth.pds_session(&viewer.did).await {
            Err(e) if by_token && e.kind() == ErrorKind::AuthRequired => Err(Error::named(
                ErrorKind::Forbidden,
                "PdsSessionRequired",
                "this server holds no sign-in session for your account, so it cannot write to your PDS: \
                 write the record to your own repo, then call site.exosphere.sphere.indexRecord with its URI \
                 (or sign in here once, with OAuth)",
            )),
            other => other,
        }
    }

    /// The signed-in viewer, or 401 `AuthRequired`.
    pub async fn require_viewer(&self) -> XrpcResult<Viewer> {
        self.viewer().await?.ok_or_else(Error::auth_required)
    }

    /// A client for the signed-in viewer's own PDS repo (401 when not signed in).
    pub async fn viewer_pds(&self) -> XrpcResult<PdsClient> {
        let viewer = self.require_viewer().await?;
        let session = self.pds_session(&viewer).await?;
        Ok(PdsClient::new(viewer.did, session))
    }
}

/// The largest accepted request body, set once as app data by the server.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// The actix resource for one NSID at `/xrpc/<nsid>`; other HTTP verbs than
/// the one routed get 405 in XRPC JSON.
pub fn resource(nsid: &str) -> Resource {
    web::resource(format!("/xrpc/{nsid}")).default_service(web::to(method_not_allowed))
}

/// 405 for a known method called with the wrong HTTP verb.
pub async fn method_not_allowed(req: HttpRequest) -> XrpcResult<HttpResponse> {
    Err(Error::new(
        ErrorKind::MethodNotAllowed,
        format!("{} is not allowed here: queries use GET, procedures POST", req.method()),
    ))
}

/// 501 for any `/xrpc/<nsid>` no module serves.
pub async fn method_not_implemented(req: HttpRequest) -> XrpcResult<HttpResponse> {
    let nsid = req.match_info().get("nsid").unwrap_or_default();
    Err(Error::method_not_implemented(nsid))
}

/// Serves a query of `module` (`None`: core): parameters from the query
/// string, validated, then the handler.
pub async fn serve_query<P, O, F, Fut>(
    req: HttpRequest,
    module: Option<&'static str>,
    handler: F,
) -> XrpcResult<HttpResponse>
where
    P: FromQuery + Validate,
    O: Serialize,
    F: FnOnce(XrpcContext, P) -> Fut,
    Fut: Future<Output = XrpcResult<Answer<O>>>,
{
    let pairs = QueryPairs::parse(req.query_string());
    if pairs.string("q").is_some_and(|q| !q.trim().is_empty()) {
        limit(&req, Kind::Search, None)?;
    }
    let params = P::from_query(&pairs)?;
    params.validate()?;
    let answer = handler(XrpcContext::new(req).with_module(module), params).await?;
    Ok(json_text(answer.into_json()?))
}

/// A method's answer as JSON (see [`encode`]; a list of 50 requests is ~28 KB).
fn json_ok<O: Serialize>(output: &O) -> XrpcResult<HttpResponse> {
    Ok(json_text(encode(output)?))
}

fn json_text(json: String) -> HttpResponse {
    HttpResponse::Ok().insert_header(header::ContentType::json()).body(json)
}

/// Serves a procedure of `module` with a JSON output.
pub async fn serve_procedure<I, O, F, Fut>(
    req: HttpRequest,
    payload: web::Payload,
    module: Option<&'static str>,
    handler: F,
) -> XrpcResult<HttpResponse>
where
    I: DeserializeOwned + Validate,
    O: Serialize,
    F: FnOnce(XrpcContext, I) -> Fut,
    Fut: Future<Output = XrpcResult<O>>,
{
    limit_write(&req).await?;
    let input = read_input::<I>(&req, payload).await?;
    let output = handler(XrpcContext::new(req).with_module(module), input).await?;
    json_ok(&output)
}

/// Serves a procedure of `module` without output: 200 with an empty body.
pub async fn serve_procedure_no_output<I, F, Fut>(
    req: HttpRequest,
    payload: web::Payload,
    module: Option<&'static str>,
    handler: F,
) -> XrpcResult<HttpResponse>
where
    I: DeserializeOwned + Validate,
    F: FnOnce(XrpcContext, I) -> Fut,
    Fut: Future<Output = XrpcResult<()>>,
{
    limit_write(&req).await?;
    let input = read_input::<I>(&req, payload).await?;
    handler(XrpcContext::new(req).with_module(module), input).await?;
    Ok(HttpResponse::Ok().finish())
}

/// Counts a request of `kind` against its client (`account`, or the IP address).
fn limit(req: &HttpRequest, kind: Kind, account: Option<&str>) -> XrpcResult<()> {
    let Some(app) = req.app_data::<web::Data<AppContext>>() else { return Ok(()) };
    match account {
        Some(did) => app.limits.take(kind, did),
        None => app.limits.take(kind, &limits::peer(req)),
    }
}

/// Counts a write against its signed-in account (or, without one, its IP address).
async fn limit_write(req: &HttpRequest) -> XrpcResult<()> {
    let viewer = XrpcContext::new(req.clone()).viewer().await?;
    limit(req, Kind::Write, viewer.as_ref().map(|v| v.did.as_str()))
}

async fn read_input<I: DeserializeOwned + Validate>(
    req: &HttpRequest,
    payload: web::Payload,
) -> XrpcResult<I> {
    if let Some(content_type) = req.headers().get(header::CONTENT_TYPE) {
        let essence = content_type.to_str().unwrap_or_default().split(';').next().unwrap_or_default();
        if !essence.trim().eq_ignore_ascii_case("application/json") {
            return Err(Error::invalid_request(format!(
                "expected Content-Type application/json, got {}",
                content_type.to_str().unwrap_or("a non-text value")
            )));
        }
    }
    let limit = req.app_data::<BodyLimit>().map_or(DEFAULT_BODY_LIMIT, |l| l.0);
    let too_large =
        || Error::new(ErrorKind::PayloadTooLarge, format!("request body is over the limit of {limit} bytes"));
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let body = payload
        .to_bytes_limited(limit)
        .await
        .map_err(|_| too_large())?
        .map_err(|e| Error::invalid_request(format!("could not read the request body: {e}")))?;
    let input = decode_json::<I>(&body)?;
    input.validate()?;
    Ok(input)
}

/// Decodes JSON, naming the path of the first bad field in the error.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> XrpcResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::invalid_request("request body is empty: expected a JSON object"));
    }
    // serde's derived structs also accept arrays; XRPC bodies are objects.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Error::invalid_request("request body must be a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            Error::invalid_request(format!("invalid request body: {inner}"))
        } else {
            Error::invalid_request(format!("{path}: {inner}"))
        }
    })?;
    de.end().map_err(|e| Error::invalid_request(format!("invalid request body: {e}")))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        count: i64,
    }

    #[test]
    fn json_errors_name_the_field() {
        let err = decode_json::<Outer>(br#"{"inner":{"count":"x"}}"#).err().map(|e| e.to_string());
        assert!(err.is_some_and(|m| m.contains("inner.count")));
        let err = decode_json::<Outer>(br#"{"inner":{}}"#).err().map(|e| e.to_string());
        assert!(err.is_some_and(|m| m.contains("inner") && m.contains("missing field `count`")));
        assert!(decode_json::<Outer>(b"  ").is_err());
        assert!(decode_json::<Outer>(br#"{"inner":{"count":1}} trailing"#).is_err());
    }

    #[actix_web::test]
    async fn answers_are_the_json_serde_json_writes() -> anyhow::Result<()> {
        // Every character up to U+0800, the line separators, astral ones, and the numbers JSON can carry.
        let text: String =
            (0u32..0x800).filter_map(char::from_u32).chain("\u{2028}\u{2029}</script>😀".chars()).collect();
        let value = serde_json::json!({
            "text": text,
            "numbers": [0, -1, i64::MAX, i64::MIN, 0.1, 1e300, -0.0, 1.5e-7, 3.0],
            "nested": { "empty": {}, "list": [], "null": null, "yes": true },
        });
        let response = json_ok(&value).map_err(|e| anyhow::anyhow!("{}", e.message()))?;
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        let body =
            actix_web::body::to_bytes(response.into_body()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        assert_eq!(body, serde_json::to_vec(&value)?);
        Ok(())
    }
}
