//! Staff sign-in, slowed down after failures without letting anyone lock an
//! account out for good.
//!
//! Failures count per client (a keyed hash of its network, as for receipts)
//! and per account (a keyed hash of the email). After a few free failures,
//! each further one makes the next attempt wait: 1 s, 2 s, 4 s… up to
//! fifteen minutes. An attempt made while it must wait is refused without
//! checking the password, so a guess inside the wait learns nothing.
//!
//! The account's wait would let an attacker with many addresses keep her
//! out; so it does not hold a browser she signed in from before (it keeps a
//! mark, a keyed hash of her email, in a cookie). That browser still waits
//! for its own client's failures. When an account's failures reach the
//! threshold, she is told, without content, once per window.
//!
//! Counts live in memory for a day after the last failure and are never
//! written or logged; a restart forgets them.

use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;

/// Failures answered in full before a client waits.
const CLIENT_FREE: u32 = 10;
/// Failures on one account before anyone but a known browser waits.
const ACCOUNT_FREE: u32 = 5;
/// The longest wait.
const CAP: SignedDuration = SignedDuration::from_mins(15);
/// Counts are forgotten this long after the last failure.
const FORGET: SignedDuration = SignedDuration::from_hours(24);
/// Past this many remembered keys, the oldest are dropped first.
const MAX_KEYS: usize = 200_000;

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Timestamp,
    /// When the account holder was last told.
    told: Option<Timestamp>,
}

impl Failures {
    /// When the next attempt may be answered.
    fn ready_at(&self, free: u32) -> Timestamp {
        if self.count < free {
            return self.last;
        }
        let doublings = (self.count - free).min(20);
        let wait = SignedDuration::from_secs(1i64 << doublings).min(CAP);
        self.last + wait
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Client(u64),
    Account(u64),
}

pub struct SignInThrottle {
    hasher: RandomState,
    counts: Mutex<HashMap<Key, Failures>>,
}

/// What a failure calls for.
#[derive(Debug, PartialEq, Eq)]
pub struct AfterFailure {
    /// Tell the account holder (her failures just reached the threshold).
    pub tell_holder: bool,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        Self { hasher: RandomState::new(), counts: Mutex::new(HashMap::new()) }
    }
}

impl SignInThrottle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn keys(&self, client: IpAddr, email: &str) -> (Key, Key) {
        (
            Key::Client(self.hasher.hash_one(crate::limits::network(client))),
            Key::Account(self.hasher.hash_one(email.trim().to_lowercase())),
        )
    }

    /// How long this attempt must still wait, if at all. `known_browser`: it
    /// carries the mark of an earlier sign-in to this account.
    pub fn wait(&self, client: IpAddr, email: &str, known_browser: bool, now: Timestamp) -> Option<SignedDuration> {
        let (client_key, account_key) = self.keys(client, email);
        let counts = self.lock();
        let mut ready = counts.get(&client_key).map(|f| f.ready_at(CLIENT_FREE));
        if !known_browser && let Some(account) = counts.get(&account_key) {
            let at = account.ready_at(ACCOUNT_FREE);
            ready = Some(ready.map_or(at, |r| r.max(at)));
        }
        ready.map(|r| r.duration_since(now)).filter(|w| w.is_positive())
    }

    /// Counts a wrong password.
    pub fn failed(&self, client: IpAddr, email: &str, now: Timestamp) -> AfterFailure {
        let (client_key, account_key) = self.keys(client, email);
        let mut counts = self.lock();
        if counts.len() >= MAX_KEYS {
            counts.retain(|_, f| now.duration_since(f.last) < FORGET);
            if counts.len() >= MAX_KEYS {
                // Still full of recent keys (many addresses): the oldest go.
                let mut lasts: Vec<Timestamp> = counts.values().map(|f| f.last).collect();
                lasts.sort_unstable();
                let cut = lasts[lasts.len() / 2];
                counts.retain(|_, f| f.last > cut);
            }
        }
        let mut bump = |key: Key| -> Failures {
            let entry = counts.entry(key).or_insert(Failures { count: 0, last: now, told: None });
            if now.duration_since(entry.last) >= FORGET {
                *entry = Failures { count: 0, last: now, told: None };
            }
            entry.count = entry.count.saturating_add(1);
            entry.last = now;
            *entry
        };
        bump(client_key);
        let account = bump(account_key);
        let tell_holder = account.count >= ACCOUNT_FREE && account.told.is_none_or(|t| now.duration_since(t) >= FORGET);
        if tell_holder && let Some(entry) = counts.get_mut(&account_key) {
            entry.told = Some(now);
        }
        AfterFailure { tell_holder }
    }

    /// The right password: this client's and this account's counts start over.
    pub fn succeeded(&self, client: IpAddr, email: &str) {
        let (client_key, account_key) = self.keys(client, email);
        let mut counts = self.lock();
        counts.remove(&client_key);
        counts.remove(&account_key);
    }
}

/// The cookie holding the marks of accounts this browser signed in to.
pub const DEVICE_COOKIE: &str = "ombud_device";
/// How many accounts' marks one browser keeps (a shared office computer).
const MAX_MARKS: usize = 8;
/// How long a browser stays known.
const DEVICE_DAYS: u64 = 90;

/// A staff sign-in refused.
pub enum Refused {
    /// Too many failures: try again after this long.
    Wait(SignedDuration),
    Service(ombud_service::ServiceError),
}

/// A staff sign-in that went through: her session's token, and the
/// cookie that marks this browser as hers from now on.
pub struct SignedIn {
    pub token: String,
    pub device_cookie: String,
}

/// Signs a staff member in through the throttle (the page and the API).
pub async fn sign_in(
    state: &crate::AppState,
    client: IpAddr,
    headers: &axum::http::HeaderMap,
    email: &str,
    password: &str,
) -> Result<SignedIn, Refused> {
    let ombud = &state.ombud;
    let now = ombud.clock().now();
    let mark = ombud.device_mark(email).map_err(Refused::Service)?;
    let marks: Vec<String> = crate::security::read_cookie(headers, DEVICE_COOKIE)
        .map(|v| v.split('.').filter(|m| !m.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let known = marks.iter().any(|m| ombud_crypto_eq(m, &mark));
    if let Some(wait) = state.sign_in_throttle.wait(client, email, known, now) {
        return Err(Refused::Wait(wait));
    }
    match ombud.staff_sign_in(email, password).await {
        Ok(session) => {
            state.sign_in_throttle.succeeded(client, email);
            let token = state.staff_sessions.insert(session).map_err(Refused::Service)?;
            let kept = std::iter::once(mark.clone()).chain(marks.into_iter().filter(|m| *m != mark)).take(MAX_MARKS);
            let value = kept.collect::<Vec<_>>().join(".");
            let device_cookie = crate::security::cookie(
                DEVICE_COOKIE,
                &value,
                state.config.secure_cookies,
                Some(DEVICE_DAYS * 24 * 60 * 60),
            );
            Ok(SignedIn { token, device_cookie })
        }
        Err(ombud_service::ServiceError::BadCredentials) => {
            if state.sign_in_throttle.failed(client, email, now).tell_holder
                && let Err(e) = ombud.notify_sign_in_failures(email).await
            {
                tracing::error!(error = %e, "the notice of failed sign-ins could not be queued");
            }
            Err(Refused::Service(ombud_service::ServiceError::BadCredentials))
        }
        Err(e) => Err(Refused::Service(e)),
    }
}

/// Compares two marks without leaking where they differ.
fn ombud_crypto_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).expect("time")
    }

    #[test]
    fn waits_grow_after_the_free_failures_and_stop_at_the_cap() {
        let t = SignInThrottle::default();
        let attacker: IpAddr = "203.0.113.9".parse().expect("ip");
        for i in 0..CLIENT_FREE {
            assert_eq!(t.wait(attacker, "li.na@example.cn", false, at(0)).is_some(), i >= ACCOUNT_FREE, "try {i}");
            t.failed(attacker, "li.na@example.cn", at(0));
        }
        assert_eq!(t.wait(attacker, "other@example.cn", false, at(0)), Some(SignedDuration::from_secs(1)));
        for _ in 0..30 {
            t.failed(attacker, "li.na@example.cn", at(0));
        }
        assert_eq!(t.wait(attacker, "li.na@example.cn", false, at(0)), Some(CAP), "never more than the cap");
        assert_eq!(t.wait(attacker, "li.na@example.cn", false, at(15 * 60)), None, "and it ends");
    }

    #[test]
    fn an_attack_on_her_account_does_not_hold_up_her_own_browser() {
        let t = SignInThrottle::default();
        for i in 0..50u8 {
            let ip: IpAddr = format!("198.51.100.{i}").parse().expect("ip");
            t.failed(ip, "li.na@example.cn", at(0));
        }
        let her: IpAddr = "192.0.2.7".parse().expect("ip");
        assert!(t.wait(her, "li.na@example.cn", false, at(1)).is_some(), "a new browser waits");
        assert_eq!(t.wait(her, "li.na@example.cn", true, at(1)), None, "her known browser does not");
    }

    #[test]
    fn the_holder_is_told_once_when_the_threshold_is_reached() {
        let t = SignInThrottle::default();
        let ip: IpAddr = "203.0.113.9".parse().expect("ip");
        let told: Vec<bool> = (0..12).map(|_| t.failed(ip, "li.na@example.cn", at(0)).tell_holder).collect();
        assert_eq!(told.iter().filter(|t| **t).count(), 1);
        assert!(told[ACCOUNT_FREE as usize - 1]);
        t.succeeded(ip, "li.na@example.cn");
        assert_eq!(t.wait(ip, "li.na@example.cn", false, at(0)), None, "the right password starts over");
    }
}
