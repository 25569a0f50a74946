//! Limits on failed receipt attempts. Only failures count, so a reporter who
//! knows her receipt is never slowed down, while guessing is.
//!
//! A client is known by a keyed hash of its address, held in memory for one
//! window and never written or logged; behind a proxy or Tor every client
//! looks alike, which is why a global ceiling exists as well.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct FailureLimiter {
    per_client: u32,
    global: u32,
    window: Duration,
    /// Keys the client hash with a per-process random key.
    hasher: RandomState,
    state: Mutex<State>,
}

struct State {
    window_start: Instant,
    global: u32,
    clients: HashMap<u64, u32>,
}

impl FailureLimiter {
    pub fn new(per_client: u32, global: u32, window: Duration) -> Self {
        Self {
            per_client,
            global,
            window,
            hasher: RandomState::new(),
            state: Mutex::new(State { window_start: Instant::now(), global: 0, clients: HashMap::new() }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.window_start.elapsed() >= self.window {
            *state = State { window_start: Instant::now(), global: 0, clients: HashMap::new() };
        }
        state
    }

    /// Whether this client may try a receipt now.
    pub fn allowed(&self, client: Option<IpAddr>) -> bool {
        let key = client.map(|ip| self.hasher.hash_one(ip));
        let state = self.state();
        state.global < self.global && key.is_none_or(|k| state.clients.get(&k).copied().unwrap_or(0) < self.per_client)
    }

    pub fn record_failure(&self, client: Option<IpAddr>) {
        let key = client.map(|ip| self.hasher.hash_one(ip));
        let mut state = self.state();
        state.global = state.global.saturating_add(1);
        if let Some(k) = key {
            *state.clients.entry(k).or_insert(0) += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_limited_per_client_and_globally() {
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let l = FailureLimiter::new(2, 3, Duration::from_secs(60));
        assert!(l.allowed(Some(a)));
        l.record_failure(Some(a));
        l.record_failure(Some(a));
        assert!(!l.allowed(Some(a)));
        assert!(l.allowed(Some(b)));
        l.record_failure(Some(b));
        assert!(!l.allowed(Some(b)), "the global ceiling applies to everyone");
    }

    #[test]
    fn a_new_window_forgets() {
        let a: IpAddr = [127, 0, 0, 1].into();
        let l = FailureLimiter::new(1, 10, Duration::from_millis(20));
        l.record_failure(Some(a));
        assert!(!l.allowed(Some(a)));
        std::thread::sleep(Duration::from_millis(30));
        assert!(l.allowed(Some(a)));
    }
}
