//! The HTTP client atrium-oauth and the PDS client use: reqwest with rustls
//! (no OpenSSL), shared by the whole server.

use std::time::Duration;

use atrium_xrpc::HttpClient;
use atrium_xrpc::http::{Request, Response};

/// reqwest, as atrium's `HttpClient`.
#[derive(Clone)]
pub struct ReqwestClient(pub reqwest::Client);

impl ReqwestClient {
    /// A client with sensible timeouts and no redirects followed (OAuth must see them).
    pub fn build() -> anyhow::Result<reqwest::Client> {
        Ok(reqwest::Client::builder()
            .user_agent(concat!("exosphere/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()?)
    }
}

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
        Ok(builder.body(response.bytes().await?.to_vec())?)
    }
}
