//! Outgoing HTTP to hosts that someone else chose: handles' `.well-known`
//! files, `did:web` documents, the PDS that any DID document names, OAuth
//! metadata, PDS reads and writes. One client for all of them, which will not
//! connect to this server's own networks (loopback, private, link-local,
//! CGNAT, multicast, unspecified, IPv4 and IPv6 alike), so a DID document
//! naming `http://169.254.169.254` can't make Exosphere call the cloud's
//! metadata service or an internal host.
//!
//! - Names are checked after DNS resolution, by the resolver the client
//!   connects with: the addresses checked are the addresses used, so a name
//!   that resolves elsewhere the second time (DNS rebinding) gains nothing.
//! - Addresses written in the URL itself are checked before the request is
//!   made ([`Outbound::get`], [`Outbound::execute`]); there is no other way to
//!   send with this client.
//! - Redirects are not followed (OAuth must see them); a caller that follows
//!   one makes a new, checked request.
//! - Times and response sizes are bounded ([`read_limited`]).
//!
//! `EXOSPHERE_ALLOW_PRIVATE_NETWORKS` (CIDRs, or `loopback`) lets an operator
//! reach such addresses on purpose: a PDS on the same network, or the
//! loopback PDS of the tests. The services the operator configures by URL
//! (the PLC directory, the handle resolver, the relay) are the operator's
//! choice, not someone else's: their origins (scheme, host and port) are
//! reached as configured.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Largest response body read from another server (a DID document, a page of records).
pub const MAX_RESPONSE_BYTES: usize = 4 << 20;

/// Why a request was not made or its answer not read.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error(
        "refused to connect to {host}: {address} is {kind}, which this server does not call (EXOSPHERE_ALLOW_PRIVATE_NETWORKS allows it)"
    )]
    Refused { host: String, address: IpAddr, kind: &'static str },
    #[error("{0} is not an http(s) URL")]
    BadUrl(String),
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the answer is not the JSON expected: {0}")]
    Json(#[from] serde_json::Error),
    /// reqwest's own message leaves out its causes (a refusal of the resolver among them): they are kept here.
    #[error("{}", chain(.0))]
    Http(#[from] reqwest::Error),
}

/// An error with its causes, `outer: inner: innermost`; a refusal alone,
/// when one of them is (it says all there is to say).
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(refused @ OutboundError::Refused { .. }) = cause.downcast_ref::<OutboundError>() {
            return refused.to_string();
        }
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// An address range: `network/prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Self {
        Self { network: IpAddr::V4(Ipv4Addr::new(a, b, c, d)), prefix }
    }

    const fn v6(network: Ipv6Addr, prefix: u8) -> Self {
        Self { network: IpAddr::V6(network), prefix }
    }

    /// Whether `ip` is in the range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let network: IpAddr =
            address.trim().parse().map_err(|_| format!("{s:?} is not an IP address or CIDR range"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
            None => max,
        };
        Ok(Self { network, prefix })
    }
}

/// The ranges this server does not call, with what they are.
const REFUSED: [(Cidr, &str); 18] = [
    (Cidr::v4(0, 0, 0, 0, 8), "an unspecified address"),
    (Cidr::v4(10, 0, 0, 0, 8), "a private network address"),
    (Cidr::v4(100, 64, 0, 0, 10), "a carrier-grade NAT address"),
    (Cidr::v4(127, 0, 0, 0, 8), "a loopback address"),
    (Cidr::v4(169, 254, 0, 0, 16), "a link-local address"),
    (Cidr::v4(172, 16, 0, 0, 12), "a private network address"),
    (Cidr::v4(192, 0, 0, 0, 24), "an IETF protocol address"),
    (Cidr::v4(192, 168, 0, 0, 16), "a private network address"),
    (Cidr::v4(198, 18, 0, 0, 15), "a benchmarking network address"),
    (Cidr::v4(224, 0, 0, 0, 4), "a multicast address"),
    (Cidr::v4(255, 255, 255, 255, 32), "the broadcast address"),
    (Cidr::v4(240, 0, 0, 0, 4), "a reserved address"),
    (Cidr::v6(Ipv6Addr::UNSPECIFIED, 128), "an unspecified address"),
    (Cidr::v6(Ipv6Addr::LOCALHOST, 128), "a loopback address"),
    (Cidr::v6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10), "a link-local address"),
    (Cidr::v6(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7), "a private network address"),
    (Cidr::v6(Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8), "a multicast address"),
    (Cidr::v6(Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10), "a site-local address"),
];

/// What this server may connect to.
#[derive(Debug, Clone, Default)]
pub struct NetworkPolicy {
    allowed: Vec<Cidr>,
    /// Origins of the services the operator configured.
    trusted: Vec<url::Origin>,
}

impl NetworkPolicy {
    /// Refuses every range of [`REFUSED`].
    pub fn public_only() -> Self {
        Self::default()
    }

    /// Public addresses and the given ranges: a comma- or space-separated
    /// list of CIDRs (`10.1.0.0/16`, `fd00::/8`, a single address) and
    /// `loopback` (127.0.0.0/8 and ::1).
    pub fn allowing(spec: &str) -> Result<Self, String> {
        let mut allowed = Vec::new();
        for item in spec.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
            if item.eq_ignore_ascii_case("loopback") {
                allowed.push(Cidr::v4(127, 0, 0, 0, 8));
                allowed.push(Cidr::v6(Ipv6Addr::LOCALHOST, 128));
            } else {
                allowed.push(item.parse()?);
            }
        }
        Ok(Self { allowed, trusted: Vec::new() })
    }

    /// Trusts the origin of a URL the operator configured (ignored when it is not a URL).
    pub fn trusting(mut self, url: &str) -> Self {
        if let Ok(url) = reqwest::Url::parse(url) {
            self.trusted.push(url.origin());
        }
        self
    }

    /// Whether `url` is on the origin of a service the operator configured.
    pub fn trusts(&self, url: &reqwest::Url) -> bool {
        let origin = url.origin();
        origin.is_tuple() && self.trusted.contains(&origin)
    }

    /// What kind of refused address `ip` is, or `None` when it may be called.
    pub fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        // An IPv4 address inside IPv6 (::ffff:a.b.c.d, and NAT64's 64:ff9b::a.b.c.d) is that IPv4 address.
        let ip = match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None if v6.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] => {
                    let [.., a, b, c, d] = v6.octets();
                    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
                }
                None => ip,
            },
            v4 => v4,
        };
        let (_, kind) = REFUSED.iter().find(|(range, _)| range.contains(ip))?;
        (!self.allows(ip)).then_some(*kind)
    }

    fn allows(&self, ip: IpAddr) -> bool {
        self.allowed.iter().any(|range| range.contains(ip))
    }

    fn check(&self, host: &str, ip: IpAddr) -> Result<(), OutboundError> {
        match self.refusal(ip) {
            Some(kind) => Err(OutboundError::Refused { host: host.to_owned(), address: ip, kind }),
            None => Ok(()),
        }
    }
}

/// The client's resolver: the system's, keeping only the addresses the policy permits.
struct GuardedResolver {
    policy: Arc<NetworkPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let permitted: Vec<SocketAddr> = found
                .into_iter()
                .filter(|addr| match policy.check(&host, addr.ip()) {
                    Ok(()) => true,
                    Err(e) => {
                        refused.get_or_insert(e);
                        false
                    }
                })
                .collect();
            match refused {
                Some(e) if permitted.is_empty() => {
                    tracing::warn!(error = %e, "outbound request refused");
                    Err(Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
                }
                _ => Ok(Box::new(permitted.into_iter()) as Addrs),
            }
        })
    }
}

/// The one client for outgoing requests: guarded for hosts someone else
/// chose, as configured for the operator's own services.
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    /// For the origins the operator configured (no address is refused there).
    operator: reqwest::Client,
    policy: Arc<NetworkPolicy>,
}

impl Outbound {
    /// A client with timeouts, no redirects followed, and the policy checked at every connection.
    pub fn new(policy: NetworkPolicy) -> anyhow::Result<Self> {
        let policy = Arc::new(policy);
        let builder = || {
            reqwest::Client::builder()
                .user_agent(concat!("exosphere/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(Duration::from_secs(10))
                .timeout(Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
        };
        let client =
            builder().dns_resolver(Arc::new(GuardedResolver { policy: Arc::clone(&policy) })).build()?;
        Ok(Self { client, operator: builder().build()?, policy })
    }

    /// Checks a URL's scheme and, when its host is an address, that address.
    pub fn check_url(&self, url: &reqwest::Url) -> Result<(), OutboundError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(OutboundError::BadUrl(url.to_string()));
        }
        if self.policy.trusts(url) {
            return Ok(());
        }
        match url.host() {
            Some(url::Host::Ipv4(ip)) => self.policy.check(&ip.to_string(), IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => self.policy.check(&ip.to_string(), IpAddr::V6(ip)),
            // A name: the resolver checks what it resolves to.
            Some(url::Host::Domain(_)) => Ok(()),
            None => Err(OutboundError::BadUrl(url.to_string())),
        }
    }

    /// Checks `url` as [`Outbound::check_url`] does and, when its host is a
    /// name, the addresses it resolves to now: for a URL kept to be called
    /// later (a webhook's), so that a refused one is said when it is given.
    /// Every connection is checked again when it is made.
    pub async fn check_destination(&self, url: &reqwest::Url) -> Result<(), OutboundError> {
        self.check_url(url)?;
        if self.policy.trusts(url) {
            return Ok(());
        }
        if let Some(url::Host::Domain(host)) = url.host() {
            let port = url.port_or_known_default().unwrap_or(443);
            let addrs = tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| OutboundError::BadUrl(format!("{url} (its host does not resolve: {e})")))?;
            for addr in addrs {
                self.policy.check(host, addr.ip())?;
            }
        }
        Ok(())
    }

    /// A GET request to `url`, once its address is known to be permitted.
    pub fn get(&self, url: &str) -> Result<reqwest::RequestBuilder, OutboundError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| OutboundError::BadUrl(url.to_owned()))?;
        self.check_url(&parsed)?;
        Ok(self.client_for(&parsed).get(parsed))
    }

    /// Sends a request built elsewhere (atrium's), once its address is known to be permitted.
    pub async fn execute(&self, request: reqwest::Request) -> Result<reqwest::Response, OutboundError> {
        self.check_url(request.url())?;
        Ok(self.client_for(request.url()).execute(request).await?)
    }

    fn client_for(&self, url: &reqwest::Url) -> &reqwest::Client {
        if self.policy.trusts(url) { &self.operator } else { &self.client }
    }
}

/// A response's body, refused past `max` bytes (read as it arrives, never whole first).
pub async fn read_limited(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, OutboundError> {
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(OutboundError::TooLarge(max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > max {
            return Err(OutboundError::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A response's JSON body, at most [`MAX_RESPONSE_BYTES`].
pub async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, OutboundError> {
    let body = read_limited(response, MAX_RESPONSE_BYTES).await?;
    Ok(serde_json::from_slice(&body)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn refuses_this_servers_networks_and_lets_the_internet_through() {
        let policy = NetworkPolicy::public_only();
        for refused in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.5",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::10.0.0.1",
        ] {
            assert!(policy.refusal(ip(refused)).is_some(), "{refused} must be refused");
        }
        for permitted in
            ["1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "64:ff9b::8.8.8.8"]
        {
            assert_eq!(policy.refusal(ip(permitted)), None, "{permitted} must be permitted");
        }
    }

    #[test]
    fn an_allowance_lets_its_ranges_through_and_no_others() {
        let policy = NetworkPolicy::allowing("loopback, 10.1.0.0/16 fd00::/8").unwrap_or_default();
        for permitted in ["127.0.0.1", "::1", "::ffff:127.0.0.1", "10.1.2.3", "fd00::5"] {
            assert_eq!(policy.refusal(ip(permitted)), None, "{permitted}");
        }
        for refused in ["10.2.0.1", "192.168.0.1", "169.254.169.254", "fe80::1"] {
            assert!(policy.refusal(ip(refused)).is_some(), "{refused}");
        }
        let one = NetworkPolicy::allowing("127.0.0.1").unwrap_or_default();
        assert_eq!(one.refusal(ip("127.0.0.1")), None);
        assert!(one.refusal(ip("127.0.0.2")).is_some());
        assert!(NetworkPolicy::allowing("10.0.0.0/33").is_err());
        assert!(NetworkPolicy::allowing("intranet").is_err());
    }

    #[tokio::test]
    async fn addresses_in_urls_are_refused_before_any_connection() {
        let outbound = Outbound::new(NetworkPolicy::public_only()).unwrap_or_else(|e| panic!("{e}"));
        for url in [
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.5:5432/",
            "http://[::1]:1/",
            "http://[::ffff:7f00:1]/",
            "http://2130706433/",
            "http://0x7f.1/",
        ] {
            match outbound.get(url) {
                Err(OutboundError::Refused { .. }) => {}
                other => panic!("{url}: {other:?}"),
            }
        }
        assert!(matches!(outbound.get("file:///etc/passwd"), Err(OutboundError::BadUrl(_))));
    }

    #[test]
    fn the_operators_own_services_are_trusted() {
        let policy =
            NetworkPolicy::public_only().trusting("http://127.0.0.1:2582").trusting("https://plc.internal");
        let url = |s: &str| reqwest::Url::parse(s).unwrap_or_else(|e| panic!("{e}"));
        assert!(policy.trusts(&url("http://127.0.0.1:2582/did:plc:x")));
        assert!(
            !policy.trusts(&url("http://127.0.0.1:2583/")),
            "another port of the host is someone else's choice"
        );
        assert!(!policy.trusts(&url("https://127.0.0.1:2582/")));
        assert!(policy.trusts(&url("https://PLC.internal/x")));
        assert!(!policy.trusts(&url("https://plc.internal:8443/")));
    }

    /// A listener on loopback that answers one request, counting connections.
    fn receiver() -> (std::net::TcpListener, String) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let url = format!("http://{}/x", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
        (listener, url)
    }

    #[tokio::test]
    async fn a_refused_address_is_never_connected_to_and_the_allowance_lets_it_through() {
        let (listener, url) = receiver();
        let refused = Outbound::new(NetworkPolicy::public_only()).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(refused.get(&url), Err(OutboundError::Refused { .. })));
        // Nothing connected: a connection would be waiting in the backlog.
        listener.set_nonblocking(true).unwrap_or_else(|e| panic!("{e}"));
        assert!(listener.accept().is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock));

        listener.set_nonblocking(false).unwrap_or_else(|e| panic!("{e}"));
        let answer = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut stream, _) = listener.accept()?;
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request)?;
            stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
        });
        let allowed = Outbound::new(NetworkPolicy::allowing("loopback").unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        let response = allowed.get(&url).unwrap_or_else(|e| panic!("{e}")).send().await;
        assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(200));
        assert!(answer.join().is_ok_and(|r| r.is_ok()));
    }

    #[tokio::test]
    async fn names_are_refused_by_what_they_resolve_to() {
        // `localhost` resolves to loopback addresses only, without any DNS server.
        let outbound = Outbound::new(NetworkPolicy::public_only()).unwrap_or_else(|e| panic!("{e}"));
        let sent = outbound.get("http://localhost:1/").map(|r| r.send());
        let error = match sent {
            Ok(pending) => pending.await.err().map(|e| OutboundError::from(e).to_string()),
            Err(e) => Some(e.to_string()),
        };
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("refused to connect to localhost: ")
                    && e.contains("is a loopback address")),
            "{error:?}"
        );
    }
}
