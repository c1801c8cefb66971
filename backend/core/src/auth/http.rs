//! The HTTP client atrium-oauth and the PDS client use: the server's one
//! outbound client (rustls, timeouts, no redirects followed, never to this
//! server's own networks; see [`crate::outbound`]).

use atrium_xrpc::HttpClient;
use atrium_xrpc::http::{Request, Response};

use crate::outbound::{MAX_RESPONSE_BYTES, Outbound, read_limited};

/// The outbound client, as atrium's `HttpClient`.
#[derive(Clone)]
pub struct ReqwestClient(pub Outbound);

impl HttpClient for ReqwestClient {
    async fn send_http(
        &self,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, Box<dyn std::error::Error + Send + Sync + 'static>> {
        let response = self.0.execute(reqwest::Request::try_from(request)?).await?;
        let mut builder = Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        Ok(builder.body(read_limited(response, MAX_RESPONSE_BYTES).await?)?)
    }
}
