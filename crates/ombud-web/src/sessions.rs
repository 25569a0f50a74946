//! Sessions live in process memory only: they hold unlocked keys, which must
//! never reach the disk. A restart signs everyone out, by design.
//!
//! A session ends after `idle` without a request, and `lifetime` after it
//! began however busy it is, so a session left open on a shared computer, or
//! a token copied once, does not work for ever.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Sessions<T> {
    idle: Duration,
    lifetime: Duration,
    map: Mutex<HashMap<String, Entry<T>>>,
}

struct Entry<T> {
    value: T,
    began: Instant,
    last: Instant,
}

impl<T> Entry<T> {
    fn live(&self, now: Instant, idle: Duration, lifetime: Duration) -> bool {
        now.duration_since(self.last) < idle && now.duration_since(self.began) < lifetime
    }
}

impl<T: Clone> Sessions<T> {
    /// Sessions that end only when idle (a one-time token, a reporter's).
    pub fn new(idle: Duration) -> Self {
        Self::with_lifetime(idle, Duration::MAX)
    }

    pub fn with_lifetime(idle: Duration, lifetime: Duration) -> Self {
        Self { idle, lifetime, map: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry<T>>> {
        self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores a session and returns its token. Expired sessions are swept here.
    pub fn insert(&self, value: T) -> Result<String, ombud_service::ServiceError> {
        let token = ombud_service::random_token()?;
        let now = Instant::now();
        let mut map = self.lock();
        map.retain(|_, e| e.live(now, self.idle, self.lifetime));
        map.insert(token.clone(), Entry { value, began: now, last: now });
        Ok(token)
    }

    /// The session for a token, if it has not been idle too long nor lived
    /// past its lifetime; touching it keeps it alive until then.
    pub fn get(&self, token: &str) -> Option<T> {
        let now = Instant::now();
        let mut map = self.lock();
        let entry = map.get_mut(token)?;
        if !entry.live(now, self.idle, self.lifetime) {
            map.remove(token);
            return None;
        }
        entry.last = now;
        Some(entry.value.clone())
    }

    pub fn remove(&self, token: &str) {
        self.lock().remove(token);
    }

    /// Ends every session whose value matches, e.g. all of one person's.
    pub fn remove_where(&self, matches: impl Fn(&T) -> bool) {
        self.lock().retain(|_, e| !matches(&e.value));
    }

    /// The value for a one-time token, once: it is removed whether or not
    /// it had expired, so it can never be used twice.
    pub fn take(&self, token: &str) -> Option<T> {
        let entry = self.lock().remove(token)?;
        entry.live(Instant::now(), self.idle, self.lifetime).then_some(entry.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_when_idle_and_end_on_removal() {
        let s = Sessions::new(Duration::from_millis(50));
        let t = s.insert(7).expect("insert");
        assert_eq!(s.get(&t), Some(7));
        assert_eq!(s.get("nope"), None);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(s.get(&t), None);
        let t2 = s.insert(8).expect("insert");
        s.remove(&t2);
        assert_eq!(s.get(&t2), None);
        let once = s.insert(9).expect("insert");
        assert_eq!(s.take(&once), Some(9));
        assert_eq!(s.take(&once), None, "a one-time token works once");
        let late = s.insert(10).expect("insert");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(s.take(&late), None, "and not after it expired");
    }

    #[test]
    fn a_busy_session_still_ends_at_its_lifetime() {
        let s = Sessions::with_lifetime(Duration::from_secs(60), Duration::from_millis(120));
        let t = s.insert(1).expect("insert");
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(20));
            assert_eq!(s.get(&t), Some(1), "used often, it is not idle");
        }
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(s.get(&t), None, "but it ends at its lifetime");
        let mine = s.insert(2).expect("insert");
        let theirs = s.insert(3).expect("insert");
        s.remove_where(|v| *v == 2);
        assert_eq!((s.get(&mine), s.get(&theirs)), (None, Some(3)));
    }
}
