//! Staff sign-in, slowed down after failures without letting anyone lock an
//! account out for good.
//!
//! Failures count per client (a keyed hash of its network, as for receipts)
//! and per account (a keyed hash of the email). After a few free failures,
//! each further one makes the next attempt wait: 1 s, 2 s, 4 s… up to
//! fifteen minutes. An attempt made while it must wait is refused without
//! checking the password, so a guess inside the wait learns nothing.
//!
//! Every attempt is counted as a failure before its password is checked,
//! and given back only if it was right: a burst of parallel guesses cannot
//! all slip in before the first is counted. A right password gives back its
//! own attempt and ends the account's count, never the client's, so someone
//! who signs in to his own account between guesses at another's gains nothing.
//!
//! The account's wait would let an attacker with many addresses keep her
//! out; so it does not hold a browser she signed in from before, or chose
//! her password in (it keeps a mark, a keyed hash of her email and her
//! public key, in a cookie: a reset makes it new). That browser still waits
//! for its own client's failures. When an account's failures reach the
//! threshold, she is told, without content, once per window.
//!
//! Changing a password checks the current one: that is throttled the same
//! way, per client and per account.
//!
//! Counts live in memory for an hour after the last failure and are never
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
const FORGET: SignedDuration = SignedDuration::from_hours(1);
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

/// An attempt let through, counted as a failure until it proves right.
#[derive(Debug, PartialEq, Eq)]
#[must_use]
pub struct Attempt {
    /// If it fails, tell the account holder (her failures reach the threshold).
    pub tell_if_wrong: bool,
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

    /// Lets an attempt through, counted, or says how long it must still
    /// wait. `known_browser`: it carries the mark of this account.
    pub fn attempt(
        &self,
        client: IpAddr,
        email: &str,
        known_browser: bool,
        now: Timestamp,
    ) -> Result<Attempt, SignedDuration> {
        let (client_key, account_key) = self.keys(client, email);
        let mut counts = self.lock();
        let live = |f: &&Failures| now.duration_since(f.last) < FORGET;
        let mut ready = counts.get(&client_key).filter(live).map(|f| f.ready_at(CLIENT_FREE));
        if !known_browser && let Some(account) = counts.get(&account_key).filter(live) {
            let at = account.ready_at(ACCOUNT_FREE);
            ready = Some(ready.map_or(at, |r| r.max(at)));
        }
        if let Some(wait) = ready.map(|r| r.duration_since(now)).filter(|w| w.is_positive()) {
            return Err(wait);
        }
        make_room(&mut counts, now);
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
        let tell_if_wrong =
            account.count >= ACCOUNT_FREE && account.told.is_none_or(|t| now.duration_since(t) >= FORGET);
        if tell_if_wrong && let Some(entry) = counts.get_mut(&account_key) {
            entry.told = Some(now);
        }
        Ok(Attempt { tell_if_wrong })
    }

    /// The password was right but a code is still owed: the client's
    /// attempt is given back, the account's count stays until the code is
    /// right (someone who has her password gains nothing by typing it again).
    pub fn give_back_client(&self, client: IpAddr, email: &str) {
        let (client_key, _) = self.keys(client, email);
        if let Some(entry) = self.lock().get_mut(&client_key) {
            entry.count = entry.count.saturating_sub(1);
        }
    }

    /// The password was right: its attempt is given back, and the account's
    /// count ends; the client's earlier failures stay.
    pub fn succeeded(&self, client: IpAddr, email: &str) {
        let (client_key, account_key) = self.keys(client, email);
        let mut counts = self.lock();
        if let Some(entry) = counts.get_mut(&client_key) {
            entry.count = entry.count.saturating_sub(1);
        }
        counts.remove(&account_key);
    }
}

/// Keeps the counts bounded: past `MAX_KEYS`, the forgotten go, then the
/// older half (many addresses at once).
fn make_room(counts: &mut HashMap<Key, Failures>, now: Timestamp) {
    if counts.len() < MAX_KEYS {
        return;
    }
    counts.retain(|_, f| now.duration_since(f.last) < FORGET);
    if counts.len() >= MAX_KEYS {
        let mut lasts: Vec<Timestamp> = counts.values().map(|f| f.last).collect();
        lasts.sort_unstable();
        let cut = lasts[lasts.len() / 2];
        counts.retain(|_, f| f.last > cut);
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
    /// Where her work starts: the administrator's staff list, or her cases.
    pub home: &'static str,
}

/// Where a sign-in stands after her password.
pub enum Step {
    Done(SignedIn),
    /// Her code is owed: the token of her half sign-in.
    Code(String),
    /// She sets up the second factor her role needs: the same.
    Setup(String),
}

/// Wrong codes one half sign-in takes before she types her password again.
const HALF_TRIES: u32 = 5;

/// The marks this browser carries.
fn marks(headers: &axum::http::HeaderMap) -> Vec<String> {
    crate::security::read_cookie(headers, DEVICE_COOKIE)
        .map(|v| v.split('.').filter(|m| !m.is_empty()).take(MAX_MARKS).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The cookie that marks this browser as one she signed in from: her
/// account's mark first, then the others it carried.
pub async fn device_cookie(state: &crate::AppState, headers: &axum::http::HeaderMap, email: &str) -> Option<String> {
    let mark = state.ombud.device_mark(email).await.ok()?;
    let others = marks(headers).into_iter().filter(|m| *m != mark);
    let value = std::iter::once(mark.clone()).chain(others).take(MAX_MARKS).collect::<Vec<_>>().join(".");
    Some(crate::security::cookie(DEVICE_COOKIE, &value, state.config.secure_cookies, Some(DEVICE_DAYS * 24 * 60 * 60)))
}

async fn known_browser(state: &crate::AppState, headers: &axum::http::HeaderMap, email: &str) -> bool {
    match state.ombud.device_mark(email).await {
        Ok(mark) => marks(headers).iter().any(|m| same(m, &mark)),
        Err(_) => false,
    }
}

/// Signs a staff member in through the throttle (the page and the API).
/// With `code`, a second factor is checked in the same request.
pub async fn sign_in(
    state: &crate::AppState,
    client: IpAddr,
    headers: &axum::http::HeaderMap,
    email: &str,
    password: &str,
    code: Option<&str>,
) -> Result<Step, Refused> {
    use ombud_service::{ServiceError, SignIn};
    let ombud = &state.ombud;
    let known = known_browser(state, headers, email).await;
    let attempt = state.sign_in_throttle.attempt(client, email, known, ombud.clock().now()).map_err(Refused::Wait)?;
    match ombud.staff_sign_in(email, password, code).await {
        Ok(SignIn::Done(session)) => {
            state.sign_in_throttle.succeeded(client, email);
            signed_in(state, headers, session).await.map(Step::Done)
        }
        Ok(SignIn::NeedsCode(half)) => {
            state.sign_in_throttle.give_back_client(client, email);
            let token = state.begin_half(&half, false, 0).await.map_err(Refused::Service)?;
            Ok(Step::Code(token))
        }
        Ok(SignIn::NeedsSetup(half)) => {
            state.sign_in_throttle.succeeded(client, email);
            let token = state.begin_half(&half, true, 0).await.map_err(Refused::Service)?;
            Ok(Step::Setup(token))
        }
        Err(e @ (ServiceError::BadCredentials | ServiceError::SecondFactorWrong)) => {
            if attempt.tell_if_wrong
                && let Err(e) = ombud.notify_sign_in_failures(email).await
            {
                tracing::error!(error = %e, "the notice of failed sign-ins could not be queued");
            }
            Err(Refused::Service(e))
        }
        // A fault is no failure of hers, and no proof either: only the
        // client's attempt is given back, the account's count stays.
        Err(e) => {
            state.sign_in_throttle.give_back_client(client, email);
            Err(Refused::Service(e))
        }
    }
}

/// Her session, begun: its token, her browser's mark, where she starts.
pub async fn signed_in(
    state: &crate::AppState,
    headers: &axum::http::HeaderMap,
    session: ombud_service::StaffSession,
) -> Result<SignedIn, Refused> {
    let home = if session.role == ombud_domain::Role::Admin { "/admin/staff" } else { "/staff/cases" };
    let email = session.email.clone();
    let token = state.begin_staff_session(session).await.map_err(Refused::Service)?;
    let device_cookie = device_cookie(state, headers, &email).await.unwrap_or_default();
    Ok(SignedIn { token, device_cookie, home })
}

/// A code refused at the second step.
pub enum CodeRefused {
    /// Too many failures: try again after this long, on this half sign-in.
    Wait(SignedDuration, String),
    /// Wrong or used: try again on this half sign-in, or (None) from the
    /// password again.
    Wrong(Option<String>),
    /// The half sign-in expired or was never made: from the password again.
    Expired,
    Service(ombud_service::ServiceError),
}

/// Her code, after her password: through the same throttle, so guessing
/// codes slows down as guessing passwords does, and tells her.
pub async fn second_step(
    state: &crate::AppState,
    client: IpAddr,
    headers: &axum::http::HeaderMap,
    pending: &str,
    code: &str,
) -> Result<SignedIn, CodeRefused> {
    let Some((half, tries)) = state.take_code_half(pending).await else {
        return Err(CodeRefused::Expired);
    };
    let email = half.email().to_owned();
    let ombud = &state.ombud;
    // Taken, so that two requests cannot both try it: kept again, under a
    // new token, for her next try.
    let keep = async |tries: u32| state.begin_half(&half, false, tries).await.map_err(CodeRefused::Service);
    let known = known_browser(state, headers, &email).await;
    let attempt = match state.sign_in_throttle.attempt(client, &email, known, ombud.clock().now()) {
        Ok(attempt) => attempt,
        Err(wait) => return Err(CodeRefused::Wait(wait, keep(tries).await?)),
    };
    match ombud.second_step(&half, code).await {
        Ok(session) => {
            state.sign_in_throttle.succeeded(client, &email);
            signed_in(state, headers, session).await.map_err(|e| match e {
                Refused::Service(e) => CodeRefused::Service(e),
                Refused::Wait(_) => CodeRefused::Expired,
            })
        }
        Err(ombud_service::ServiceError::SecondFactorWrong) => {
            if attempt.tell_if_wrong
                && let Err(e) = ombud.notify_sign_in_failures(&email).await
            {
                tracing::error!(error = %e, "the notice of failed sign-ins could not be queued");
            }
            let tries = tries + 1;
            let again = if tries < HALF_TRIES { Some(keep(tries).await?) } else { None };
            Err(CodeRefused::Wrong(again))
        }
        Err(ombud_service::ServiceError::BadCredentials) => Err(CodeRefused::Expired),
        Err(e) => {
            state.sign_in_throttle.give_back_client(client, &email);
            Err(CodeRefused::Service(e))
        }
    }
}

/// Changes her own password through the same throttle: a wrong current
/// password counts as a failed sign-in on her account.
pub async fn change_password(
    state: &crate::AppState,
    client: IpAddr,
    session: &ombud_service::StaffSession,
    current: &str,
    new: &str,
) -> Result<(), Refused> {
    let now = state.ombud.clock().now();
    let _attempt = state.sign_in_throttle.attempt(client, &session.email, true, now).map_err(Refused::Wait)?;
    let result = state.ombud.staff(session).change_password(current, new).await;
    let wrong_current = matches!(&result, Err(ombud_service::ServiceError::Invalid(errors))
        if errors.iter().any(|e| e.field == "current_password"));
    if !wrong_current {
        state.sign_in_throttle.succeeded(client, &session.email);
    }
    result.map_err(Refused::Service)
}

/// Compares two marks without leaking where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).expect("time")
    }

    /// An attempt that turns out wrong (it was counted when let through).
    fn wrong(t: &SignInThrottle, ip: IpAddr, email: &str, now: Timestamp) -> Result<Attempt, SignedDuration> {
        t.attempt(ip, email, false, now)
    }

    #[test]
    fn waits_grow_after_the_free_failures_and_stop_at_the_cap() {
        let t = SignInThrottle::default();
        let attacker: IpAddr = "203.0.113.9".parse().expect("ip");
        for i in 0..ACCOUNT_FREE {
            assert!(wrong(&t, attacker, "li.na@example.cn", at(0)).is_ok(), "try {i} is answered");
        }
        assert_eq!(wrong(&t, attacker, "li.na@example.cn", at(0)), Err(SignedDuration::from_secs(1)));
        for i in 0..(CLIENT_FREE - ACCOUNT_FREE) {
            assert!(wrong(&t, attacker, &format!("other{i}@example.cn"), at(0)).is_ok());
        }
        assert_eq!(
            wrong(&t, attacker, "third@example.cn", at(0)),
            Err(SignedDuration::from_secs(1)),
            "the client waits"
        );
        let mut now = 0;
        for _ in 0..30 {
            now += 15 * 60;
            assert!(wrong(&t, attacker, "li.na@example.cn", at(now)).is_ok(), "one more after each wait");
        }
        assert_eq!(wrong(&t, attacker, "li.na@example.cn", at(now)), Err(CAP), "never more than the cap");
        assert!(wrong(&t, attacker, "li.na@example.cn", at(now + 15 * 60)).is_ok(), "and it ends");
    }

    #[test]
    fn a_burst_is_counted_before_any_password_is_checked() {
        let t = SignInThrottle::default();
        let ip: IpAddr = "203.0.113.9".parse().expect("ip");
        let let_through = (0..100).filter(|_| wrong(&t, ip, "li.na@example.cn", at(0)).is_ok()).count();
        assert_eq!(let_through, ACCOUNT_FREE as usize, "only the free attempts, however many arrive at once");
    }

    #[test]
    fn an_attack_on_her_account_does_not_hold_up_her_own_browser() {
        let t = SignInThrottle::default();
        for i in 0..50u8 {
            let ip: IpAddr = format!("198.51.100.{i}").parse().expect("ip");
            let _ = wrong(&t, ip, "li.na@example.cn", at(0));
        }
        let her: IpAddr = "192.0.2.7".parse().expect("ip");
        assert!(t.attempt(her, "li.na@example.cn", false, at(0)).is_err(), "a new browser waits");
        assert!(t.attempt(her, "li.na@example.cn", true, at(0)).is_ok(), "her known browser does not");
    }

    #[test]
    fn the_holder_is_told_once_and_her_own_sign_in_does_not_clear_the_client() {
        let t = SignInThrottle::default();
        let ip: IpAddr = "203.0.113.9".parse().expect("ip");
        let told: Vec<bool> = (0..ACCOUNT_FREE)
            .map(|_| wrong(&t, ip, "li.na@example.cn", at(0)).expect("let through").tell_if_wrong)
            .collect();
        assert_eq!(told.iter().filter(|t| **t).count(), 1);
        // An insider alternates his own sign-in with guesses at others: his
        // successes give back only their own attempts.
        for i in 0..20 {
            if t.attempt(ip, "me@example.cn", true, at(0)).is_ok() {
                t.succeeded(ip, "me@example.cn");
            }
            let _ = wrong(&t, ip, &format!("victim{i}@example.cn"), at(0));
        }
        assert!(wrong(&t, ip, "victim99@example.cn", at(0)).is_err(), "the client still waits");
    }
}
