//! Limits on receipts that match no case. Only those count, and only they
//! are ever refused, so a reporter who has her receipt is never slowed down
//! or locked out, while guessing is throttled per client.
//!
//! A client is known by a keyed hash of its address, held in memory for one
//! window and never written or logged. There is no global ceiling: with one,
//! anyone could lock every reporter out. Behind a proxy the client's address
//! comes from the forwarding headers, but only from a proxy Ombud trusts.

use axum::http::HeaderMap;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The largest JSON or small-form body read (the API, SCIM, staff forms).
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// How many clients one window remembers. Past it, every new client shares
/// one count, so many addresses cannot grow memory without bound (and share
/// a limit rather than escape it).
const MAX_CLIENTS: usize = 100_000;

pub struct FailureLimiter {
    per_client: u32,
    window: Duration,
    /// Keys the client hash with a per-process random key.
    hasher: RandomState,
    state: Mutex<State>,
}

struct State {
    window_start: Instant,
    clients: HashMap<u64, u32>,
}

/// The count every client beyond `MAX_CLIENTS` shares.
const OVERFLOW: u64 = 0;

impl FailureLimiter {
    pub fn new(per_client: u32, window: Duration) -> Self {
        Self {
            per_client,
            window,
            hasher: RandomState::new(),
            state: Mutex::new(State { window_start: Instant::now(), clients: HashMap::new() }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.window_start.elapsed() >= self.window {
            *state = State { window_start: Instant::now(), clients: HashMap::new() };
        }
        state
    }

    fn key(&self, state: &State, client: IpAddr) -> u64 {
        let key = self.hasher.hash_one(network(client)).max(1);
        if state.clients.contains_key(&key) || state.clients.len() < MAX_CLIENTS { key } else { OVERFLOW }
    }

    /// Whether this client may have another wrong receipt answered now.
    pub fn allowed(&self, client: IpAddr) -> bool {
        let state = self.state();
        let key = self.key(&state, client);
        state.clients.get(&key).copied().unwrap_or(0) < self.per_client
    }

    pub fn record_failure(&self, client: IpAddr) {
        let mut state = self.state();
        let key = self.key(&state, client);
        *state.clients.entry(key).or_insert(0) += 1;
    }
}

/// What one client holds: an IPv4 address, or an IPv6 /64 (a single host
/// is usually given a whole /64, so its addresses count as one).
pub(crate) fn network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
    }
}

/// The client's address: the connection's, unless it comes from a trusted
/// proxy, which names the client in `X-Forwarded-For` or `Forwarded`. The
/// nearest address not itself a trusted proxy is the client; a header from
/// anyone else is ignored (a client could write anything in it).
pub fn client_address(config: &crate::WebConfig, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let trusted = |ip: &IpAddr| config.trusted_proxies.contains(ip);
    if !trusted(&peer.ip()) {
        return peer.ip();
    }
    let forwarded: Vec<IpAddr> = forwarded_for(headers);
    forwarded.iter().rev().find(|ip| !trusted(ip)).or(forwarded.first()).copied().unwrap_or(peer.ip())
}

/// The addresses a request passed through, nearest last: `X-Forwarded-For`
/// when present, else the `for=` parameters of `Forwarded` (RFC 7239).
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| -> Vec<String> {
        headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    };
    let xff: Vec<IpAddr> =
        values("x-forwarded-for").iter().flat_map(|v| v.split(',')).filter_map(|a| parse_node(a.trim())).collect();
    if !xff.is_empty() {
        return xff;
    }
    values("forwarded")
        .iter()
        .flat_map(|v| v.split(','))
        .flat_map(|element| element.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
        .filter_map(|(_, v)| parse_node(v.trim().trim_matches('"')))
        .collect()
}

/// One address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`,
/// `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| node.strip_prefix('[').and_then(|n| n.split(']').next()).and_then(|n| n.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_limited_per_client_only() {
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let l = FailureLimiter::new(2, Duration::from_secs(60));
        assert!(l.allowed(a));
        l.record_failure(a);
        l.record_failure(a);
        assert!(!l.allowed(a));
        for _ in 0..1000 {
            l.record_failure(b);
        }
        assert!(l.allowed([127, 0, 0, 3].into()), "no one else's failures limit a third client");
        let one: IpAddr = "2001:db8:1:2::1".parse().expect("ip");
        let same_host: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        l.record_failure(one);
        l.record_failure(one);
        assert!(!l.allowed(same_host), "addresses of one /64 are one client");
    }

    #[test]
    fn a_new_window_forgets() {
        let a: IpAddr = [127, 0, 0, 1].into();
        let l = FailureLimiter::new(1, Duration::from_millis(20));
        l.record_failure(a);
        assert!(!l.allowed(a));
        std::thread::sleep(Duration::from_millis(30));
        assert!(l.allowed(a));
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy: SocketAddr = "127.0.0.1:50000".parse().expect("addr");
        let stranger: SocketAddr = "203.0.113.9:50000".parse().expect("addr");
        let config = crate::WebConfig { trusted_proxies: vec!["127.0.0.1".parse().expect("ip")], ..Default::default() };
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "198.51.100.7, 10.0.0.1, 127.0.0.1".parse().expect("header"));
        let trusting_ten = crate::WebConfig {
            trusted_proxies: vec!["127.0.0.1".parse().expect("ip"), "10.0.0.1".parse().expect("ip")],
            ..Default::default()
        };
        assert_eq!(client_address(&trusting_ten, proxy, &h), "198.51.100.7".parse::<IpAddr>().expect("ip"));
        assert_eq!(
            client_address(&config, proxy, &h),
            "10.0.0.1".parse::<IpAddr>().expect("ip"),
            "the nearest untrusted hop"
        );
        assert_eq!(client_address(&config, stranger, &h), stranger.ip(), "a client cannot name itself");
        let mut f = HeaderMap::new();
        f.insert("forwarded", "for=\"[2001:db8::1]:4711\";proto=https".parse().expect("header"));
        assert_eq!(client_address(&config, proxy, &f), "2001:db8::1".parse::<IpAddr>().expect("ip"));
        assert_eq!(client_address(&config, proxy, &HeaderMap::new()), proxy.ip());
    }
}
