//! The address guard (SSRF): sources are addresses typed by users, so by
//! default listening refuses to reach loopback, private, link-local and
//! other non-public addresses, whether the host is written as an IP
//! address or as a name that resolves to one, and at every redirect. An
//! administrator setting allows them (tests allow loopback explicitly).

use super::ListenError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use url::{Host, Url};

/// Whether `ip` is an address of the public internet: not loopback,
/// private (RFC 1918, unique local `fc00::/7`), link-local, shared
/// (`100.64.0.0/10`), unspecified, broadcast, multicast, documentation or
/// benchmarking ranges. IPv4-mapped IPv6 addresses are judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8
        || first == 0x0064 && ip.segments()[1] == 0xff9b)
}

fn forbidden(url: &str, reason: String) -> ListenError {
    ListenError::Forbidden {
        url: url.to_string(),
        reason,
    }
}

/// Refuses a URL whose host is a non-public IP literal (names are checked
/// when they are resolved).
pub(crate) fn check_literal(url: &Url, allow_private: bool) -> Result<(), ListenError> {
    if allow_private {
        return Ok(());
    }
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if is_public(ip) {
        Ok(())
    } else {
        Err(forbidden(
            url.as_str(),
            format!("{ip} is not a public address"),
        ))
    }
}

/// The addresses to connect to for `url`, non-public ones removed unless
/// allowed; an error when none is left.
pub(crate) async fn resolve(
    url: &Url,
    allow_private: bool,
    shown: &str,
) -> Result<Vec<SocketAddr>, ListenError> {
    let port = url.port_or_known_default().unwrap_or(443);
    let all: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(v4)) => vec![SocketAddr::new(IpAddr::V4(v4), port)],
        Some(Host::Ipv6(v6)) => vec![SocketAddr::new(IpAddr::V6(v6), port)],
        Some(Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| ListenError::Connect {
                url: shown.to_string(),
                reason: format!("cannot resolve {name}: {e}"),
            })?
            .collect(),
        None => {
            return Err(ListenError::InvalidUrl {
                url: shown.to_string(),
                reason: "no host".into(),
            })
        }
    };
    if allow_private {
        return Ok(all);
    }
    let public: Vec<SocketAddr> = all.iter().copied().filter(|a| is_public(a.ip())).collect();
    if public.is_empty() {
        let listed: Vec<String> = all.iter().map(|a| a.ip().to_string()).collect();
        return Err(forbidden(
            shown,
            format!(
                "it resolves to {} only, not a public address",
                listed.join(", ")
            ),
        ));
    }
    Ok(public)
}

/// The HTTP client of the Mastodon timelines, with its address policy.
#[derive(Debug, Clone)]
pub struct HttpClient {
    pub(crate) client: reqwest::Client,
    pub(crate) allow_private: bool,
}

/// A resolver that drops non-public addresses (reqwest asks it for every
/// name, redirects included).
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> =
                all.iter().copied().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!(
                    "{host} resolves to no public address (refused: private addresses are not allowed)"
                )
                .into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

impl HttpClient {
    /// A client with `options`' time-out and User-Agent that follows at
    /// most 5 redirects and, unless `allow_private`, refuses non-public
    /// addresses: IP literals (first request and redirects) and names
    /// (through its resolver).
    pub fn new(options: &crate::ClientOptions, allow_private: bool) -> Result<Self, ListenError> {
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                return attempt.error("more than 5 redirects");
            }
            match check_literal(attempt.url(), allow_private) {
                Ok(()) => attempt.follow(),
                Err(e) => attempt.error(e.to_string()),
            }
        });
        let mut builder = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            .user_agent(options.user_agent.clone())
            .redirect(redirects);
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly)).no_proxy();
        }
        let client = builder.build().map_err(|e| ListenError::Connect {
            url: String::new(),
            reason: format!("cannot build the HTTP client: {e}"),
        })?;
        Ok(HttpClient {
            client,
            allow_private,
        })
    }

    /// Wraps a client made elsewhere (the caller's polite fetcher): IP
    /// literals are still refused unless `allow_private`, but names are
    /// resolved by that client's own resolver, which must apply the policy.
    pub fn from_reqwest(client: reqwest::Client, allow_private: bool) -> Self {
        HttpClient {
            client,
            allow_private,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_non_public_addresses() {
        let public = ["1.1.1.1", "8.8.8.8", "2606:4700::1111", "100.128.0.1"];
        let not = [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ];
        for ip in public {
            assert!(
                is_public(ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))),
                "{ip}"
            );
        }
        for ip in not {
            assert!(
                !is_public(ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))),
                "{ip}"
            );
        }
    }

    #[test]
    fn literals_are_checked_unless_allowed() {
        let u = |s: &str| {
            Url::parse(s)
                .unwrap_or_else(|_| Url::parse("http://1.1.1.1").unwrap_or_else(|_| unreachable!()))
        };
        assert!(check_literal(&u("http://127.0.0.1:80/"), false).is_err());
        assert!(check_literal(&u("http://[::1]:80/"), false).is_err());
        assert!(check_literal(&u("http://127.0.0.1:80/"), true).is_ok());
        assert!(check_literal(&u("http://1.1.1.1/"), false).is_ok());
        assert!(check_literal(&u("http://example.com/"), false).is_ok());
    }
}
