//! What keeps the preview to the editor's own browser: connections and
//! requests the server refuses, and the headers every response carries.
//!
//! Steps: accept at most [`MAX_CONNECTIONS`] connections at once; close one
//! whose request headers take longer than [`HEADER_TIMEOUT`], or that stays
//! idle between requests as long; answer only requests addressed to this
//! machine by a name a web page cannot borrow ([`Hosts`]), so that a page
//! whose domain is pointed at 127.0.0.1 (DNS rebinding) cannot read the
//! preview; and mark every response, refusals and the event stream included,
//! so that no other site can frame it or learn its address, and a browser
//! runs no script in it but the reload script and the site's own files.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long a client may take to send a request's headers, counted from
/// when the connection opens or its last response ends: slow senders and
/// idle kept-alive connections are closed after this.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections served at once; more wait in the system's queue. Each open tab
/// holds one for its event stream and a browser opens about six more, so this
/// only stops a flood from taking every file descriptor the builds need.
const MAX_CONNECTIONS: usize = 512;

/// The policy pages are shown under. Scripts only from the preview itself
/// (the reload script; the site has none of its own unless an editor added
/// files), so a script slipped into content does not run; styles as the site
/// writes them (inline `style` attributes in charts); pictures, media and
/// embeds from the site or over HTTPS, as a published page may show them; no
/// plugins, forms, `<base>` or framing by other sites.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; media-src 'self' https:; \
    font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-src https:; \
    object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// On every response.
const HEADERS: [(HeaderName, &str); 5] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    // Other sites' pages cannot pull the preview's files in as pictures or scripts.
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    ),
];

/// Serves `app` on `listener` until accepting fails for good.
pub(super) async fn run(listener: TcpListener, app: Router, hosts: Hosts) -> io::Result<()> {
    let app = app.layer(middleware::from_fn_with_state(Arc::new(hosts), guard));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return Ok(()); // never closed
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // The client gave up before it was accepted.
            Err(e) if is_connection_error(&e) => continue,
            // Out of file descriptors, most likely: wait for some to close.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            // A connection's failure (a timeout, a client gone) is its own.
            let _ = connection.await;
            drop(slot);
        });
    }
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Refuses requests for other hosts, and marks every response.
async fn guard(State(hosts): State<Arc<Hosts>>, request: Request, next: Next) -> Response {
    let mut response = if hosts.allow(&request) {
        next.run(request).await
    } else {
        refused()
    };
    let headers = response.headers_mut();
    for (name, value) in HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn refused() -> Response {
    let reason = "This preview answers only requests for localhost, the address it listens on, \
        or the name given with --interface.\n";
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (StatusCode::MISDIRECTED_REQUEST, headers, reason).into_response()
}

/// The host names a request may be addressed to.
#[derive(Debug, Clone)]
pub(super) struct Hosts {
    /// The address listened on.
    address: IpAddr,
    /// `--interface` when it is a name, in lower case.
    name: Option<String>,
}

impl Hosts {
    /// For a server listening on `address`, as `--interface` named it.
    pub(super) fn new(interface: &str, address: SocketAddr) -> Hosts {
        let name = (interface.parse::<IpAddr>().is_err()).then(|| interface.to_ascii_lowercase());
        Hosts {
            address: address.ip(),
            name,
        }
    }

    /// Whether `request` is addressed to this server: the host in its target
    /// (`GET http://host/ HTTP/1.1`), or else its `Host` header. A request
    /// with neither is refused: every browser sends one.
    fn allow(&self, request: &Request) -> bool {
        let host = match request.uri().authority() {
            Some(authority) => Some(authority.clone()),
            None => (request.headers().get(header::HOST))
                .and_then(|value| Authority::try_from(value.as_bytes()).ok()),
        };
        host.is_some_and(|host| self.allows(host.host()))
    }

    /// Whether `host` (a name or an IP address, IPv6 in brackets; any port)
    /// names this server. An IP address cannot be rebound to another site, so
    /// any of the machine's own will do when listening on all of them.
    fn allows(&self, host: &str) -> bool {
        let ip = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(v6) => v6.parse::<IpAddr>().ok(),
            None => host.parse::<Ipv4Addr>().ok().map(IpAddr::from),
        };
        match ip {
            Some(ip) => ip.is_loopback() || ip == self.address || self.address.is_unspecified(),
            None => {
                host.eq_ignore_ascii_case("localhost")
                    || self
                        .name
                        .as_deref()
                        .is_some_and(|name| host.eq_ignore_ascii_case(name))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(interface: &str, address: &str) -> Hosts {
        Hosts::new(interface, address.parse().expect("address"))
    }

    #[test]
    fn loopback_names_and_the_address_listened_on_are_allowed() {
        let local = hosts("127.0.0.1", "127.0.0.1:1111");
        for host in ["localhost", "LocalHost", "127.0.0.1", "[::1]", "127.0.0.2"] {
            assert!(local.allows(host), "{host}");
        }
        let lan = hosts("192.168.1.20", "192.168.1.20:1111");
        assert!(lan.allows("192.168.1.20"));
        assert!(lan.allows("localhost"));
        assert!(!lan.allows("192.168.1.21"));
    }

    #[test]
    fn other_names_are_refused_whatever_they_resolve_to() {
        let local = hosts("127.0.0.1", "127.0.0.1:1111");
        for host in [
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "localhost.",
            "[::1",
            "::1",
            "",
            "10.0.0.1",
        ] {
            assert!(!local.allows(host), "{host}");
        }
    }

    #[test]
    fn the_name_given_with_interface_is_allowed() {
        let named = hosts("Preview.Local", "192.168.1.20:1111");
        assert!(named.allows("preview.local"));
        assert!(named.allows("192.168.1.20"));
        assert!(!named.allows("other.local"));
    }

    #[test]
    fn listening_everywhere_allows_any_address_but_no_other_name() {
        for everywhere in ["0.0.0.0:1111", "[::]:1111"] {
            let all = hosts("0.0.0.0", everywhere);
            assert!(all.allows("192.168.1.20"), "{everywhere}");
            assert!(all.allows("[fe80::1]"), "{everywhere}");
            assert!(!all.allows("evil.example"), "{everywhere}");
        }
    }

    fn request(target: &str, host: Option<&str>) -> Request {
        let mut request = Request::builder().uri(target);
        if let Some(host) = host {
            request = request.header(header::HOST, host);
        }
        request.body(axum::body::Body::empty()).expect("request")
    }

    #[test]
    fn the_host_is_read_from_the_target_then_the_header_with_any_port() {
        let local = hosts("127.0.0.1", "127.0.0.1:1111");
        assert!(local.allow(&request("/", Some("localhost:1111"))));
        assert!(local.allow(&request("/", Some("127.0.0.1:8080"))));
        assert!(local.allow(&request("/", Some("[::1]:1111"))));
        assert!(local.allow(&request("/", Some("localhost"))));
        assert!(!local.allow(&request("/", Some("evil.example:1111"))));
        assert!(!local.allow(&request("/", None)));
        assert!(!local.allow(&request("/", Some("localhost:1111:2"))));
        let absolute = request("http://evil.example/", Some("localhost:1111"));
        assert!(!local.allow(&absolute), "the target's host wins");
        assert!(local.allow(&request("http://localhost:1111/", Some("evil.example"))));
    }
}
