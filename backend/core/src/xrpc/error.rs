//! The one error type of the server, and its XRPC wire format
//! `{"error": "Name", "message": "..."}`.

use std::borrow::Cow;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::lexicon::ValidationError;

/// Result of an XRPC handler.
pub type XrpcResult<T> = Result<T, Error>;

/// What went wrong, which decides the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: the request is malformed or breaks a Lexicon constraint.
    InvalidRequest,
    /// 401: the method needs a signed-in viewer.
    AuthRequired,
    /// 403: the viewer may not do this.
    Forbidden,
    /// 404: the thing asked for does not exist (or the viewer may not know it does).
    NotFound,
    /// 405: the method exists but not for this HTTP verb.
    MethodNotAllowed,
    /// 409: the request conflicts with the current state.
    Conflict,
    /// 413: the body is over the limit.
    PayloadTooLarge,
    /// 429: too many requests of a kind (see [`crate::limits`]); `Retry-After` says when to try again.
    RateLimited,
    /// 500: a bug or a failure of this server; details are logged, not sent.
    Internal,
    /// 501: no such XRPC method here.
    MethodNotImplemented,
    /// 502: a PDS or another upstream service failed.
    UpstreamFailure,
}

impl ErrorKind {
    fn status(self) -> StatusCode {
        match self {
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::AuthRequired => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::MethodNotImplemented => StatusCode::NOT_IMPLEMENTED,
            Self::UpstreamFailure => StatusCode::BAD_GATEWAY,
        }
    }

    fn default_name(self) -> &'static str {
        match self {
            Self::InvalidRequest => "InvalidRequest",
            Self::AuthRequired => "AuthRequired",
            Self::Forbidden => "Forbidden",
            Self::NotFound => "NotFound",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::Conflict => "Conflict",
            Self::PayloadTooLarge => "PayloadTooLarge",
            Self::RateLimited => "RateLimitExceeded",
            Self::Internal => "InternalServerError",
            Self::MethodNotImplemented => "MethodNotImplemented",
            Self::UpstreamFailure => "UpstreamFailure",
        }
    }
}

/// An error answered as XRPC JSON with the status of its [`ErrorKind`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("{name}: {message}")]
pub struct Error {
    kind: ErrorKind,
    name: Cow<'static, str>,
    message: String,
    /// Seconds after which a rate-limited request may be tried again.
    retry_after: Option<u64>,
    /// What went wrong inside, for an internal error (logged, never answered).
    cause: Option<String>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: &'a str,
}

impl Error {
    /// An error of `kind` with its generic name.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            name: Cow::Borrowed(kind.default_name()),
            message: message.into(),
            retry_after: None,
            cause: None,
        }
    }

    /// An error with a method-specific name from the Lexicon's `errors`,
    /// e.g. `SphereNotFound`.
    pub fn named(kind: ErrorKind, name: &'static str, message: impl Into<String>) -> Self {
        Self { kind, name: Cow::Borrowed(name), message: message.into(), retry_after: None, cause: None }
    }

    /// 400 `InvalidRequest`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }

    /// 401 `AuthRequired`.
    pub fn auth_required() -> Self {
        Self::new(ErrorKind::AuthRequired, "sign in to do this")
    }

    /// 403 `Forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }

    /// 429 `RateLimitExceeded`, to be tried again after `seconds`.
    pub fn rate_limited(message: impl Into<String>, seconds: u64) -> Self {
        Self { retry_after: Some(seconds.max(1)), ..Self::new(ErrorKind::RateLimited, message) }
    }

    /// 501 `MethodNotImplemented` for an NSID.
    pub fn method_not_implemented(nsid: &str) -> Self {
        Self::new(ErrorKind::MethodNotImplemented, format!("method {nsid} is not implemented by this server"))
    }

    /// 500: logs the cause, answers a generic message.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let cause = format!("{:#}", cause.into());
        tracing::error!(error = %cause, "internal error");
        Self { cause: Some(cause), ..Self::new(ErrorKind::Internal, "internal server error") }
    }

    /// What went wrong, for this server's operators: an internal error's
    /// cause (which clients are never told), else the message.
    pub fn detail(&self) -> &str {
        self.cause.as_deref().unwrap_or(&self.message)
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The `error` field of the wire format.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `message` field of the wire format.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        self.kind.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after {
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(Body { error: &self.name, message: &self.message })
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Self::invalid_request(e.to_string())
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Self::new(ErrorKind::NotFound, "not found"),
            other => Self::internal(other),
        }
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Self::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::MessageBody;

    use super::*;

    #[test]
    fn every_kind_has_its_status_and_json_body() -> anyhow::Result<()> {
        let cases = [
            (ErrorKind::InvalidRequest, 400),
            (ErrorKind::AuthRequired, 401),
            (ErrorKind::Forbidden, 403),
            (ErrorKind::NotFound, 404),
            (ErrorKind::MethodNotAllowed, 405),
            (ErrorKind::Conflict, 409),
            (ErrorKind::PayloadTooLarge, 413),
            (ErrorKind::Internal, 500),
            (ErrorKind::MethodNotImplemented, 501),
            (ErrorKind::UpstreamFailure, 502),
        ];
        for (kind, status) in cases {
            let response = Error::new(kind, "why").error_response();
            assert_eq!(response.status().as_u16(), status);
            let bytes =
                response.into_body().try_into_bytes().map_err(|_| anyhow::anyhow!("streaming body"))?;
            let json: serde_json::Value = serde_json::from_slice(&bytes)?;
            assert_eq!(json["error"], kind.default_name());
            assert_eq!(json["message"], "why");
        }
        Ok(())
    }

    #[test]
    fn diesel_not_found_is_404() {
        assert_eq!(Error::from(diesel::result::Error::NotFound).kind(), ErrorKind::NotFound);
    }
}
