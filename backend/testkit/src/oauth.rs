//! A scripted browser for the OAuth sign-in: Exosphere's `/oauth/login`,
//! the PDS's authorization page and its sign-in/consent JSON API (what its
//! own web UI calls), the redirect back to Exosphere's `/oauth/callback`.
//! reqwest is used because it sends `Sec-Fetch-*` headers as given, which
//! the authorization server checks.

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use reqwest::header::{HeaderMap, HeaderValue, LOCATION, SET_COOKIE};
use reqwest::{Client, Response, Url};
use serde_json::{Value, json};

/// How a sign-in ended.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The `sid` cookie Exosphere set, when the sign-in succeeded.
    pub sid: Option<String>,
    /// Where Exosphere finally sent the browser.
    pub location: String,
}

#[derive(Default)]
struct Jar(BTreeMap<String, String>);

impl Jar {
    fn keep(&mut self, response: &Response) {
        for value in response.headers().get_all(SET_COOKIE) {
            let pair = value.to_str().unwrap_or_default().split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.0.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }

    fn header(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }
}

fn location(response: &Response) -> anyhow::Result<String> {
    Ok(response
        .headers()
        .get(LOCATION)
        .with_context(|| format!("expected a redirect, got HTTP {}", response.status()))?
        .to_str()?
        .to_owned())
}

fn headers(pairs: &[(&'static str, String)]) -> anyhow::Result<HeaderMap> {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value)?);
    }
    Ok(map)
}

/// Signs `handle` in through Exosphere at `exosphere` (its base URL). With
/// `consent` false, the person refuses on the consent step.
pub async fn sign_in(exosphere: &str, handle: &str, password: &str, consent: bool) -> anyhow::Result<SignIn> {
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build()?;
    let exosphere_url = Url::parse(exosphere)?;

    // 1. Exosphere sends the browser to the account's authorization server.
    let start = client
        .get(format!("{exosphere}/oauth/login"))
        .query(&[("handle", handle), ("redirect", "/after-login")])
        .send()
        .await?;
    let authorize = location(&start)?;
    if start.status().as_u16() != 302 {
        return Ok(SignIn { sid: None, location: authorize });
    }
    let authorize_url = Url::parse(&authorize).context("authorization URL")?;
    let issuer = authorize_url.origin().ascii_serialization();

    // 2. The authorization page sets the device and CSRF cookies.
    let mut jar = Jar::default();
    let page = client
        .get(authorize_url.clone())
        .headers(headers(&[
            ("sec-fetch-mode", "navigate".into()),
            ("sec-fetch-dest", "document".into()),
            ("sec-fetch-site", "cross-site".into()),
            ("user-agent", "exosphere-testkit".into()),
        ])?)
        .send()
        .await?;
    if !page.status().is_success() {
        bail!("authorization page: HTTP {}: {}", page.status(), page.text().await?);
    }
    jar.keep(&page);

    // 3. Sign in and consent (or refuse) through the page's JSON API.
    let api = |endpoint: &'static str, body: Value, bearer: Option<String>, jar: &Jar| {
        let mut pairs = vec![
            ("content-type", "application/json".to_owned()),
            ("origin", issuer.clone()),
            ("referer", authorize.clone()),
            ("sec-fetch-mode", "same-origin".to_owned()),
            ("sec-fetch-site", "same-origin".to_owned()),
            ("sec-fetch-dest", "empty".to_owned()),
            ("x-csrf-token", jar.0.get("csrf-token").cloned().unwrap_or_default()),
            ("cookie", jar.header()),
            ("user-agent", "exosphere-testkit".to_owned()),
        ];
        if let Some(token) = bearer {
            pairs.push(("authorization", format!("Bearer {token}")));
        }
        let request = headers(&pairs).map(|h| {
            client
                .post(format!("{issuer}/@atproto/oauth-provider/~api{endpoint}"))
                .headers(h)
                .body(body.to_string())
        });
        async move {
            let response = request?.send().await?;
            let status = response.status();
            let text = response.text().await?;
            if !status.is_success() {
                bail!("{endpoint}: HTTP {status}: {text}");
            }
            Ok::<Value, anyhow::Error>(serde_json::from_str(&text)?)
        }
    };
    let signed_in = api(
        "/sign-in",
        json!({ "locale": "en", "username": handle, "password": password, "remember": false }),
        None,
        &jar,
    )
    .await?;
    let next = if consent {
        let did = signed_in["account"]["did"].as_str().context("sign-in answered no DID")?.to_owned();
        let token = signed_in["ephemeralToken"].as_str().map(str::to_owned);
        api("/consent", json!({ "did": did }), token, &jar).await?
    } else {
        api("/reject", json!({}), None, &jar).await?
    };
    let mut url = next["url"].as_str().context("no redirect URL after consent")?.to_owned();

    // 4. Follow redirects until the browser is back on Exosphere.
    for _ in 0..5 {
        let parsed = Url::parse(&url)?;
        if parsed.origin() == exosphere_url.origin() {
            break;
        }
        let response = client
            .get(parsed)
            .headers(headers(&[
                ("sec-fetch-mode", "navigate".into()),
                ("sec-fetch-dest", "document".into()),
                ("sec-fetch-site", "same-origin".into()),
                ("referer", authorize.clone()),
                ("cookie", jar.header()),
                ("user-agent", "exosphere-testkit".into()),
            ])?)
            .send()
            .await?;
        jar.keep(&response);
        url = location(&response)?;
    }

    // 5. Exosphere's callback finishes the sign-in.
    let done = client.get(&url).send().await?;
    let sid = done.headers().get_all(SET_COOKIE).iter().find_map(|v| {
        let text = v.to_str().ok()?;
        let value = text.strip_prefix("sid=")?.split(';').next()?;
        (!value.is_empty()).then(|| value.to_owned())
    });
    Ok(SignIn { sid, location: location(&done)? })
}
