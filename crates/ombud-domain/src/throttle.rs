//! How failed sign-ins slow the next attempt, without letting anyone lock an
//! account out for good. The same rule counts a client's failures (in each
//! instance's memory) and an account's (shared through the database).
//!
//! After a few free failures, each further one makes the next attempt wait:
//! 1 s, 2 s, 4 s… up to fifteen minutes. A count is forgotten an hour after
//! its last failure.

use jiff::{SignedDuration, Timestamp};

/// Failures answered in full before a client waits.
pub const CLIENT_FREE: u32 = 10;
/// Failures on one account before anyone but a known browser waits.
pub const ACCOUNT_FREE: u32 = 5;
/// The longest wait.
pub const CAP: SignedDuration = SignedDuration::from_mins(15);
/// Counts are forgotten this long after the last failure.
pub const FORGET: SignedDuration = SignedDuration::from_hours(1);

/// Failures of one client or one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last: Timestamp,
    /// When the account holder was last told.
    pub told: Option<Timestamp>,
}

impl Failures {
    /// Whether the count still holds at `now`.
    pub fn live(&self, now: Timestamp) -> bool {
        now.duration_since(self.last) < FORGET
    }

    /// When the next attempt may be answered, after `free` failures free.
    pub fn ready_at(&self, free: u32) -> Timestamp {
        if self.count < free {
            return self.last;
        }
        let doublings = (self.count - free).min(20);
        let wait = SignedDuration::from_secs(1i64 << doublings).min(CAP);
        self.last + wait
    }

    /// How long an attempt at `now` must still wait, if it must.
    pub fn wait(this: Option<&Failures>, free: u32, now: Timestamp) -> Option<SignedDuration> {
        let ready = this.filter(|f| f.live(now))?.ready_at(free);
        Some(ready.duration_since(now)).filter(|w| w.is_positive())
    }

    /// The count after one more attempt at `now` (a forgotten one starts again).
    pub fn counted(this: Option<&Failures>, now: Timestamp) -> Failures {
        let kept = this.filter(|f| f.live(now)).copied();
        let mut next = kept.unwrap_or(Failures { count: 0, last: now, told: None });
        next.count = next.count.saturating_add(1);
        next.last = now;
        next
    }

    /// Whether the account holder is told of this failure: her failures
    /// reach the threshold and she was not told within the hour. Marks it.
    pub fn tell(&mut self, now: Timestamp) -> bool {
        let tell = self.count >= ACCOUNT_FREE && self.told.is_none_or(|t| now.duration_since(t) >= FORGET);
        if tell {
            self.told = Some(now);
        }
        tell
    }

    /// One attempt given back (it proved right, or was never checked).
    pub fn given_back(&mut self) {
        self.count = self.count.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).expect("time")
    }

    #[test]
    fn waits_double_after_the_free_failures_and_stop_at_the_cap() {
        let mut f: Option<Failures> = None;
        for _ in 0..ACCOUNT_FREE {
            assert_eq!(Failures::wait(f.as_ref(), ACCOUNT_FREE, at(0)), None);
            f = Some(Failures::counted(f.as_ref(), at(0)));
        }
        assert_eq!(Failures::wait(f.as_ref(), ACCOUNT_FREE, at(0)), Some(SignedDuration::from_secs(1)));
        f = Some(Failures::counted(f.as_ref(), at(1)));
        assert_eq!(Failures::wait(f.as_ref(), ACCOUNT_FREE, at(1)), Some(SignedDuration::from_secs(2)));
        for _ in 0..30 {
            f = Some(Failures::counted(f.as_ref(), at(1)));
        }
        assert_eq!(Failures::wait(f.as_ref(), ACCOUNT_FREE, at(1)), Some(CAP));
        assert_eq!(Failures::wait(f.as_ref(), ACCOUNT_FREE, at(1) + FORGET), None, "forgotten after an hour");
        assert_eq!(Failures::counted(f.as_ref(), at(1) + FORGET).count, 1, "and counted from one again");
    }

    #[test]
    fn the_holder_is_told_once_an_hour() {
        let mut f = Failures { count: ACCOUNT_FREE - 1, last: at(0), told: None };
        assert!(!f.tell(at(0)));
        f.count += 1;
        assert!(f.tell(at(0)));
        f.count += 1;
        assert!(!f.tell(at(60)), "not again within the hour");
        assert!(f.tell(at(3600)), "again an hour later");
    }
}
