//! Sessions live in process memory only: they hold unlocked keys, which must
//! never reach the disk. A restart signs everyone out, by design.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Sessions<T> {
    idle: Duration,
    map: Mutex<HashMap<String, (T, Instant)>>,
}

impl<T: Clone> Sessions<T> {
    pub fn new(idle: Duration) -> Self {
        Self { idle, map: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (T, Instant)>> {
        self.map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores a session and returns its token. Expired sessions are swept here.
    pub fn insert(&self, value: T) -> Result<String, ombud_service::ServiceError> {
        let token = ombud_service::random_token()?;
        let now = Instant::now();
        let mut map = self.lock();
        map.retain(|_, (_, last)| now.duration_since(*last) < self.idle);
        map.insert(token.clone(), (value, now));
        Ok(token)
    }

    /// The session for a token, if it has not been idle too long; touching it
    /// keeps it alive.
    pub fn get(&self, token: &str) -> Option<T> {
        let now = Instant::now();
        let mut map = self.lock();
        let (value, last) = map.get_mut(token)?;
        if now.duration_since(*last) >= self.idle {
            map.remove(token);
            return None;
        }
        *last = now;
        Some(value.clone())
    }

    pub fn remove(&self, token: &str) {
        self.lock().remove(token);
    }

    /// The value for a one-time token, once: it is removed whether or not
    /// it had expired, so it can never be used twice.
    pub fn take(&self, token: &str) -> Option<T> {
        let (value, last) = self.lock().remove(token)?;
        (last.elapsed() < self.idle).then_some(value)
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
}
