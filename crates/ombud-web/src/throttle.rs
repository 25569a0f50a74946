//! Staff sign-in, slowed down after failures without letting anyone lock an
//! account out for good (the rule is `ombud_domain::throttle`).
//!
//! Failures count per client (a keyed hash of its network, as for receipts),
//! in this instance's memory, and per account (a keyed hash of the email), in
//! the database, so that every instance counts an account's failures
//! together (DECISIONS #21). No client address reaches the database.
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
//! A client's counts live in memory for an hour after its last failure and
//! are never written or logged; a restart forgets them.

use jiff::{SignedDuration, Timestamp};
use ombud_domain::throttle::{CLIENT_FREE, FORGET, Failures};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;

/// Past this many remembered clients, the oldest are dropped first.
const MAX_KEYS: usize = 200_000;

/// The failures of each client, in this instance's memory.
pub struct SignInThrottle {
    hasher: RandomState,
    counts: Mutex<HashMap<u64, Failures>>,
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
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Failures>> {
        self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn key(&self, client: IpAddr) -> u64 {
        self.hasher.hash_one(crate::limits::network(client))
    }

    /// Counts an attempt from a client, or says how long it must still wait.
    pub fn attempt(&self, client: IpAddr, now: Timestamp) -> Result<(), SignedDuration> {
        let key = self.key(client);
        let mut counts = self.lock();
        if let Some(wait) = Failures::wait(counts.get(&key), CLIENT_FREE, now) {
            return Err(wait);
        }
        make_room(&mut counts, now);
        let counted = Failures::counted(counts.get(&key), now);
        counts.insert(key, counted);
        Ok(())
    }

    /// The attempt proved right, or was never checked: it is given back.
    pub fn give_back(&self, client: IpAddr) {
        let key = self.key(client);
        if let Some(entry) = self.lock().get_mut(&key) {
            entry.given_back();
        }
    }
}

/// Keeps the counts bounded: past `MAX_KEYS`, the forgotten go, then the
/// older half (many addresses at once).
fn make_room(counts: &mut HashMap<u64, Failures>, now: Timestamp) {
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

/// Counts an attempt on the client and on the account, or says how long it
/// must wait. When the database cannot count it, it is refused: fail closed.
async fn attempt(
    state: &crate::AppState,
    client: IpAddr,
    email: &str,
    known_browser: bool,
) -> Result<Attempt, Refused> {
    let throttle = &state.sign_in_throttle;
    throttle.attempt(client, state.ombud.clock().now()).map_err(Refused::Wait)?;
    match state.ombud.count_sign_in_attempt(email, known_browser).await {
        Ok(Ok(tell_if_wrong)) => Ok(Attempt { tell_if_wrong }),
        Ok(Err(wait)) => {
            throttle.give_back(client);
            Err(Refused::Wait(wait))
        }
        Err(e) => {
            throttle.give_back(client);
            Err(Refused::Service(e))
        }
    }
}

/// The password (and code) was right: the client's attempt is given back
/// and the account's failures end. Not ending them is no risk to her (her
/// browser is known from now on), so a fault here is logged, not answered.
async fn succeeded(state: &crate::AppState, client: IpAddr, email: &str) {
    state.sign_in_throttle.give_back(client);
    if let Err(e) = state.ombud.sign_in_succeeded(email).await {
        tracing::error!(error = %e, "the failed sign-ins of an account could not be cleared");
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
    let attempt = attempt(state, client, email, known).await?;
    match ombud.staff_sign_in(email, password, code).await {
        Ok(SignIn::Done(session)) => {
            succeeded(state, client, email).await;
            signed_in(state, headers, session).await.map(Step::Done)
        }
        Ok(SignIn::NeedsCode(half)) => {
            // The password was right but a code is still owed: the client's
            // attempt is given back, the account's count stays until the
            // code is right (someone who has her password gains nothing by
            // typing it again).
            state.sign_in_throttle.give_back(client);
            let token = state.begin_half(&half, false, 0).await.map_err(Refused::Service)?;
            Ok(Step::Code(token))
        }
        Ok(SignIn::NeedsSetup(half)) => {
            succeeded(state, client, email).await;
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
            state.sign_in_throttle.give_back(client);
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
    let attempt = match attempt(state, client, &email, known).await {
        Ok(attempt) => attempt,
        Err(Refused::Wait(wait)) => return Err(CodeRefused::Wait(wait, keep(tries).await?)),
        Err(Refused::Service(e)) => return Err(CodeRefused::Service(e)),
    };
    match ombud.second_step(&half, code).await {
        Ok(session) => {
            succeeded(state, client, &email).await;
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
            state.sign_in_throttle.give_back(client);
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
    let _attempt = attempt(state, client, &session.email, true).await?;
    let result = state.ombud.staff(session).change_password(current, new).await;
    let wrong_current = matches!(&result, Err(ombud_service::ServiceError::Invalid(errors))
        if errors.iter().any(|e| e.field == "current_password"));
    if !wrong_current {
        succeeded(state, client, &session.email).await;
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

    #[test]
    fn a_client_waits_after_its_free_failures_whatever_accounts_it_tries() {
        let t = SignInThrottle::default();
        let attacker: IpAddr = "2001:db8:1:2::9".parse().expect("ip");
        for i in 0..CLIENT_FREE {
            assert!(t.attempt(attacker, at(0)).is_ok(), "try {i} is answered");
        }
        assert_eq!(t.attempt(attacker, at(0)), Err(SignedDuration::from_secs(1)), "the client waits");
        let neighbour: IpAddr = "2001:db8:1:2::77".parse().expect("ip");
        assert!(t.attempt(neighbour, at(0)).is_err(), "so does the rest of its /64");
        let elsewhere: IpAddr = "2001:db8:1:3::9".parse().expect("ip");
        assert!(t.attempt(elsewhere, at(0)).is_ok(), "another network does not");
        assert!(t.attempt(attacker, at(1)).is_ok(), "one more after the wait");
    }

    #[test]
    fn a_burst_is_counted_before_any_password_is_checked() {
        let t = SignInThrottle::default();
        let ip: IpAddr = "203.0.113.9".parse().expect("ip");
        let let_through = (0..100).filter(|_| t.attempt(ip, at(0)).is_ok()).count();
        assert_eq!(let_through, CLIENT_FREE as usize, "only the free attempts, however many arrive at once");
    }

    #[test]
    fn an_insiders_own_sign_ins_give_back_only_their_own_attempts() {
        let t = SignInThrottle::default();
        let ip: IpAddr = "203.0.113.9".parse().expect("ip");
        // He alternates his own sign-in with guesses at others.
        for _ in 0..20 {
            if t.attempt(ip, at(0)).is_ok() {
                t.give_back(ip);
            }
            let _ = t.attempt(ip, at(0));
        }
        assert!(t.attempt(ip, at(0)).is_err(), "the client still waits");
    }
}
