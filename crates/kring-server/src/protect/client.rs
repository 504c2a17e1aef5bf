//! Who the client is, for the rate limits.
//!
//! Without trusted proxies it is the TCP peer. Behind a reverse proxy the peer
//! is the proxy, and every client would share its allowance; a proxy appends
//! the address of its own peer to `X-Forwarded-For`. When the peer is one of
//! `Settings::trusted_proxies`, the header is read from the right: each entry
//! was written by the trusted proxy to its right, so the first entry that is
//! not itself a trusted proxy is the client as a trusted proxy saw it.
//! Everything left of it came from the client and is ignored, so a client
//! cannot choose its own address by sending the header itself.
//!
//! From a peer that is not trusted the header is ignored altogether. An entry
//! that is not an address (`unknown`) ends the walk at the last trusted proxy,
//! whose clients then share one allowance, as without the header; so does a
//! chain of trusted proxies only.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

const FORWARDED_FOR: &str = "x-forwarded-for";

pub(crate) struct ClientAddress {
    trusted: Vec<IpNet>,
}

impl ClientAddress {
    pub(crate) fn new(trusted_proxies: &[IpNet]) -> ClientAddress {
        ClientAddress {
            trusted: trusted_proxies.iter().map(IpNet::trunc).collect(),
        }
    }

    /// The client's address; `None` when the server does not know its peer.
    pub(crate) fn of(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?.to_canonical();
        if !self.trusts(peer) {
            return Some(peer);
        }
        // Several headers are one list, in order; read it from the right.
        let mut nearest = peer;
        for value in headers.get_all(FORWARDED_FOR).iter().rev() {
            let Ok(value) = value.to_str() else {
                return Some(nearest);
            };
            for entry in value.rsplit(',') {
                let Some(address) = parse(entry) else {
                    return Some(nearest);
                };
                if !self.trusts(address) {
                    return Some(address);
                }
                nearest = address;
            }
        }
        Some(nearest)
    }

    /// True when a trusted proxy passed the request on (it names a client in
    /// `X-Forwarded-For`): the request came from beyond the proxy.
    pub(crate) fn forwarded(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
        peer.is_some_and(|peer| self.trusts(peer.to_canonical()))
            && headers.contains_key(FORWARDED_FOR)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(&address))
    }
}

/// One entry of `X-Forwarded-For`: an address, possibly with a port
/// (`192.0.2.1:5000`, `[2001:db8::1]:443`) or in brackets.
fn parse(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let address = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse::<IpAddr>().ok())
        })?;
    Some(address.to_canonical())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(FORWARDED_FOR, HeaderValue::from_static(value));
        }
        headers
    }

    fn behind(nets: &[&str]) -> ClientAddress {
        let nets: Vec<IpNet> = nets.iter().map(|n| n.parse().unwrap()).collect();
        ClientAddress::new(&nets)
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let clients = behind(&[]);
        let headers = forwarded(&["198.51.100.7"]);
        assert_eq!(
            clients.of(Some(ip("10.0.0.2")), &headers),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(clients.of(None, &headers), None);
    }

    #[test]
    fn a_trusted_peer_is_believed_from_the_right() {
        let clients = behind(&["10.0.0.0/24", "2001:db8:ff::/48"]);
        let proxy = Some(ip("10.0.0.2"));
        for (values, client) in [
            (&["198.51.100.7"][..], "198.51.100.7"),
            (&[" 198.51.100.7 "], "198.51.100.7"),
            // What the client sent itself is left of what the proxy added.
            (&["203.0.113.9, 198.51.100.7"], "198.51.100.7"),
            (&["203.0.113.9", "198.51.100.7"], "198.51.100.7"),
            // Another trusted proxy in between is passed over.
            (&["203.0.113.9, 198.51.100.7, 10.0.0.3"], "198.51.100.7"),
            (&["198.51.100.7, 2001:db8:ff::1"], "198.51.100.7"),
            (&["198.51.100.7:5000"], "198.51.100.7"),
            (&["[2001:db8:1::1]:443"], "2001:db8:1::1"),
            (&["[2001:db8:1::1]"], "2001:db8:1::1"),
            (&["::ffff:198.51.100.7"], "198.51.100.7"),
            // No header, garbage from a trusted proxy, or only proxies: the
            // nearest trusted address.
            (&[], "10.0.0.2"),
            (&["unknown"], "10.0.0.2"),
            (&["198.51.100.7, unknown, 10.0.0.3"], "10.0.0.3"),
            (&["10.0.0.4, 10.0.0.3"], "10.0.0.4"),
        ] {
            assert_eq!(
                clients.of(proxy, &forwarded(values)),
                Some(ip(client)),
                "{values:?}"
            );
        }
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let clients = behind(&["10.0.0.0/24"]);
        for values in [&["10.0.0.3"][..], &["198.51.100.7"], &["1.2.3.4, 10.0.0.3"]] {
            assert_eq!(
                clients.of(Some(ip("192.0.2.1")), &forwarded(values)),
                Some(ip("192.0.2.1")),
                "{values:?}"
            );
        }
    }

    #[test]
    fn only_a_trusted_peer_with_the_header_forwarded_the_request() {
        let clients = behind(&["10.0.0.0/24"]);
        let header = forwarded(&["198.51.100.7"]);
        assert!(clients.forwarded(Some(ip("10.0.0.2")), &header));
        assert!(!clients.forwarded(Some(ip("10.0.0.2")), &HeaderMap::new()));
        assert!(!clients.forwarded(Some(ip("192.0.2.1")), &header));
        assert!(!clients.forwarded(None, &header));
        assert!(!behind(&[]).forwarded(Some(ip("10.0.0.2")), &header));
    }

    #[test]
    fn a_mapped_ipv4_peer_is_matched_as_ipv4() {
        let clients = behind(&["127.0.0.1/32"]);
        assert_eq!(
            clients.of(Some(ip("::ffff:127.0.0.1")), &forwarded(&["198.51.100.7"])),
            Some(ip("198.51.100.7"))
        );
    }
}
