//! Which addresses a source may reach (SSRF protection).
//!
//! Sources are URLs typed by users, so a fetch could be aimed at the
//! server's own loopback services, a cloud metadata endpoint
//! (`169.254.169.254`) or the private network behind it. [`classify`] names
//! the kind of every special-purpose address; [`AddressPolicy::check`]
//! refuses every kind except public unicast, unless an administrator allows
//! private addresses ([`AddressPolicy::allow_private`]) or a test allows
//! loopback ([`AddressPolicy::allow_loopback`]).
//!
//! The check runs twice for every request of a redirect chain: on the URL's
//! host when it is an IP literal (reqwest connects to those without asking
//! any resolver), and on every address a host name resolves to, inside the
//! resolver reqwest connects through ([`PolicyResolver`]), so a name that
//! resolves to a private address is refused after DNS and before connecting
//! (no time-of-check/time-of-use gap: the addresses checked are the ones
//! connected to).
//!
//! Ranges: IANA's IPv4 and IPv6 Special-Purpose Address Registries
//! (RFC 6890 and its updates).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Which special addresses a fetch may reach. The default refuses them all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Private networks (RFC 1918, IPv6 unique local `fc00::/7`, shared
    /// address space `100.64.0.0/10`): an administrator's setting for
    /// instances that watch intranet sources.
    pub allow_private: bool,
    /// Loopback (`127.0.0.0/8`, `::1`): for tests only, which serve feeds on
    /// `127.0.0.1`.
    pub allow_loopback: bool,
}

/// The kind of an address, as far as fetching is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    /// Public unicast: always allowed.
    Public,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918, `fc00::/7`, `100.64.0.0/10` (carrier-grade NAT).
    Private,
    /// `169.254.0.0/16`, `fe80::/10` (cloud metadata endpoints live here).
    LinkLocal,
    /// `0.0.0.0/8`, `::`: "this host", which reaches loopback services on
    /// many systems.
    Unspecified,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    Broadcast,
    /// Documentation and benchmarking ranges (`192.0.2.0/24`,
    /// `198.51.100.0/24`, `203.0.113.0/24`, `198.18.0.0/15`, `2001:db8::/32`).
    Documentation,
    /// Everything else that is not globally routable: `240.0.0.0/4`,
    /// `192.0.0.0/24` (IETF protocol assignments), `64:ff9b:1::/48`,
    /// `100::/64` (discard), and the deprecated site-local `fec0::/10`.
    Reserved,
}

impl AddressKind {
    /// How a person would name it.
    pub fn describe(self) -> &'static str {
        match self {
            AddressKind::Public => "public",
            AddressKind::Loopback => "a loopback address",
            AddressKind::Private => "private",
            AddressKind::LinkLocal => "link-local",
            AddressKind::Unspecified => "unspecified (0.0.0.0 or ::)",
            AddressKind::Multicast => "a multicast address",
            AddressKind::Broadcast => "the broadcast address",
            AddressKind::Documentation => "reserved for documentation",
            AddressKind::Reserved => "reserved (not globally routable)",
        }
    }
}

impl fmt::Display for AddressKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The kind of `ip`. IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible
/// IPv6 addresses, and NAT64 (`64:ff9b::/96`), are judged by the IPv4
/// address they carry.
pub fn classify(ip: IpAddr) -> AddressKind {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressKind {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        AddressKind::Loopback
    } else if a == 0 {
        AddressKind::Unspecified
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        AddressKind::Private
    } else if ip.is_link_local() {
        AddressKind::LinkLocal
    } else if ip.is_broadcast() {
        AddressKind::Broadcast
    } else if ip.is_multicast() {
        AddressKind::Multicast
    } else if ip.is_documentation() || (a == 198 && (b == 18 || b == 19)) {
        AddressKind::Documentation
    } else if a >= 240 || (a == 192 && b == 0 && c == 0) {
        AddressKind::Reserved
    } else {
        AddressKind::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressKind {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    // IPv4-compatible (deprecated, ::a.b.c.d) and NAT64 (64:ff9b::/96).
    if (s[..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1))
        || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
    {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return classify_v4(Ipv4Addr::new(a, b, c, d));
    }
    if ip.is_loopback() {
        AddressKind::Loopback
    } else if ip.is_unspecified() {
        AddressKind::Unspecified
    } else if s[0] & 0xfe00 == 0xfc00 {
        AddressKind::Private
    } else if s[0] & 0xffc0 == 0xfe80 {
        AddressKind::LinkLocal
    } else if s[0] & 0xff00 == 0xff00 {
        AddressKind::Multicast
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        AddressKind::Documentation
    } else if s[0] & 0xffc0 == 0xfec0
        || (s[0] == 0x0064 && s[1] == 0xff9b && s[2] == 1)
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])
    {
        AddressKind::Reserved
    } else {
        AddressKind::Public
    }
}

/// A refused address, with what it is and what would allow it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", blocked_message(.host, *.addr, *.kind))]
pub struct BlockedAddress {
    /// The host name of the URL, or the address itself when it was one.
    pub host: String,
    pub addr: IpAddr,
    pub kind: AddressKind,
}

fn blocked_message(host: &str, addr: IpAddr, kind: AddressKind) -> String {
    let what = if host == addr.to_string() || host.trim_matches(['[', ']']) == addr.to_string() {
        format!("address {addr} is {kind}")
    } else {
        format!("{host} resolves to {addr}, which is {kind}")
    };
    match kind {
        AddressKind::Private | AddressKind::Loopback => {
            format!("{what}; an administrator can allow private and loopback addresses")
        }
        _ => format!("{what}; relais only fetches sources on public addresses"),
    }
}

impl AddressPolicy {
    /// Whether `addr` may be reached; `host` names it in the error.
    pub fn check(&self, host: &str, addr: IpAddr) -> Result<(), BlockedAddress> {
        let kind = classify(addr);
        let allowed = match kind {
            AddressKind::Public => true,
            AddressKind::Private => self.allow_private,
            AddressKind::Loopback => self.allow_loopback,
            _ => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(BlockedAddress {
                host: host.to_owned(),
                addr,
                kind,
            })
        }
    }
}

/// A `reqwest` resolver that resolves with the system's resolver
/// (`getaddrinfo`, through tokio) and keeps only the addresses the policy
/// allows; when none is left, resolution fails with the [`BlockedAddress`]
/// of the first address, which [`crate::FetchError`] finds in the error's
/// source chain.
#[derive(Debug, Clone)]
pub(crate) struct PolicyResolver {
    pub(crate) policy: AddressPolicy,
}

/// No address at all for a host name.
#[derive(Debug, thiserror::Error)]
#[error("{host} has no address")]
pub(crate) struct NoAddress {
    host: String,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            // The port is replaced by reqwest with the URL's.
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut first_refusal = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|sa| match policy.check(&host, sa.ip()) {
                    Ok(()) => true,
                    Err(refused) => {
                        first_refusal.get_or_insert(refused);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                return Err(match first_refusal {
                    Some(refused) => Box::new(refused) as Box<dyn std::error::Error + Send + Sync>,
                    None => Box::new(NoAddress { host }),
                });
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_addresses() {
        let table: &[(&str, AddressKind)] = &[
            ("8.8.8.8", AddressKind::Public),
            ("93.184.216.34", AddressKind::Public),
            ("127.0.0.1", AddressKind::Loopback),
            ("127.255.255.254", AddressKind::Loopback),
            ("10.0.0.3", AddressKind::Private),
            ("172.16.0.1", AddressKind::Private),
            ("172.31.255.255", AddressKind::Private),
            ("172.32.0.1", AddressKind::Public),
            ("192.168.1.1", AddressKind::Private),
            ("100.64.0.1", AddressKind::Private),
            ("100.127.255.255", AddressKind::Private),
            ("100.128.0.1", AddressKind::Public),
            ("169.254.169.254", AddressKind::LinkLocal),
            ("0.0.0.0", AddressKind::Unspecified),
            ("0.1.2.3", AddressKind::Unspecified),
            ("224.0.0.1", AddressKind::Multicast),
            ("239.255.255.250", AddressKind::Multicast),
            ("255.255.255.255", AddressKind::Broadcast),
            ("192.0.2.1", AddressKind::Documentation),
            ("198.51.100.7", AddressKind::Documentation),
            ("203.0.113.9", AddressKind::Documentation),
            ("198.18.0.1", AddressKind::Documentation),
            ("240.0.0.1", AddressKind::Reserved),
            ("192.0.0.8", AddressKind::Reserved),
            ("2606:4700::1111", AddressKind::Public),
            ("::1", AddressKind::Loopback),
            ("::", AddressKind::Unspecified),
            ("fc00::1", AddressKind::Private),
            ("fd12:3456::1", AddressKind::Private),
            ("fe80::1", AddressKind::LinkLocal),
            ("ff02::1", AddressKind::Multicast),
            ("2001:db8::1", AddressKind::Documentation),
            ("fec0::1", AddressKind::Reserved),
            // IPv4 carried in IPv6 is judged as the IPv4 address.
            ("::ffff:127.0.0.1", AddressKind::Loopback),
            ("::ffff:10.1.2.3", AddressKind::Private),
            ("::ffff:169.254.169.254", AddressKind::LinkLocal),
            ("::ffff:8.8.8.8", AddressKind::Public),
            ("::10.1.2.3", AddressKind::Private),
            ("64:ff9b::a9fe:a9fe", AddressKind::LinkLocal),
            ("64:ff9b::808:808", AddressKind::Public),
        ];
        for (text, kind) in table {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(classify(ip), *kind, "{text}");
        }
    }

    #[test]
    fn the_policy_allows_only_what_it_says() {
        let strict = AddressPolicy::default();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(strict.check("example.com", ip("93.184.216.34")).is_ok());
        assert!(strict.check("x", ip("127.0.0.1")).is_err());
        assert!(strict.check("x", ip("10.0.0.1")).is_err());
        let tests = AddressPolicy {
            allow_loopback: true,
            allow_private: false,
        };
        assert!(tests.check("x", ip("127.0.0.1")).is_ok());
        assert!(tests.check("x", ip("10.0.0.1")).is_err());
        assert!(tests.check("x", ip("169.254.169.254")).is_err());
        let intranet = AddressPolicy {
            allow_loopback: false,
            allow_private: true,
        };
        assert!(intranet.check("x", ip("10.0.0.1")).is_ok());
        assert!(intranet.check("x", ip("fd00::1")).is_ok());
        assert!(intranet.check("x", ip("127.0.0.1")).is_err());
        // Link-local (metadata endpoints) is never allowed.
        assert!(intranet.check("x", ip("169.254.169.254")).is_err());
    }

    #[test]
    fn refusals_say_what_to_do() {
        let e = AddressPolicy::default()
            .check("10.0.0.3", "10.0.0.3".parse().unwrap())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "address 10.0.0.3 is private; an administrator can allow private and loopback addresses"
        );
        let e = AddressPolicy::default()
            .check("intranet.example", "192.168.0.2".parse().unwrap())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "intranet.example resolves to 192.168.0.2, which is private; an administrator can allow private and loopback addresses"
        );
    }
}
