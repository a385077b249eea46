//! Waiting on conditions instead of sleeping for a fixed time.
//!
//! Tests synchronise with what they start (a daemon, a child process, a background task) by
//! polling the condition they need: [`until`] waits for it to hold, [`settled`] for a value that
//! stops changing. [`holds_for`] is the other kind of wait, an observation window: a condition
//! that must hold throughout (“no calls during 1.5 s”), checked at every poll and failing at the
//! first violation.
//!
//! Each has a `_with` variant taking a `tick` run before every check, so GUI tests can turn the
//! GTK main loop while they wait (this crate knows nothing of GTK).

use std::time::{Duration, Instant};

/// How long the helpers sleep between two checks.
pub const POLL: Duration = Duration::from_millis(5);

/// Polls `cond` until it holds or `limit` passes; whether it held. `cond` is checked at least
/// once, and once more at the limit.
pub fn until(limit: Duration, cond: impl FnMut() -> bool) -> bool {
    until_with(limit, || {}, cond)
}

/// [`until`] running `tick` before every check (e.g. turning a main loop).
pub fn until_with(limit: Duration, mut tick: impl FnMut(), mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        tick();
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
}

/// Reads a value until it has stayed the same for `quiet`; that value, or `None` if it still
/// changed when `limit` passed.
pub fn settled<T: PartialEq>(
    limit: Duration,
    quiet: Duration,
    read: impl FnMut() -> T,
) -> Option<T> {
    settled_with(limit, quiet, || {}, read)
}

/// [`settled`] running `tick` before every read.
pub fn settled_with<T: PartialEq>(
    limit: Duration,
    quiet: Duration,
    mut tick: impl FnMut(),
    mut read: impl FnMut() -> T,
) -> Option<T> {
    let deadline = Instant::now() + limit;
    tick();
    let mut last = read();
    let mut since = Instant::now();
    loop {
        if since.elapsed() >= quiet {
            return Some(last);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(POLL);
        tick();
        let now = read();
        if now != last {
            last = now;
            since = Instant::now();
        }
    }
}

/// Checks that `cond` holds throughout `window`, polling it; false at the first poll where it
/// does not. An observation window, not a synchronisation: the whole window is always spent
/// when the condition holds.
pub fn holds_for(window: Duration, cond: impl FnMut() -> bool) -> bool {
    holds_for_with(window, || {}, cond)
}

/// [`holds_for`] running `tick` before every check.
pub fn holds_for_with(
    window: Duration,
    mut tick: impl FnMut(),
    mut cond: impl FnMut() -> bool,
) -> bool {
    let end = Instant::now() + window;
    loop {
        tick();
        if !cond() {
            return false;
        }
        if Instant::now() >= end {
            return true;
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn until_sees_a_condition_that_comes_true() {
        let start = Instant::now();
        assert!(until(Duration::from_secs(5), || start.elapsed()
            >= Duration::from_millis(30)));
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(!until(Duration::from_millis(30), || false));
    }

    #[test]
    fn until_with_ticks_before_each_check() {
        let ticks = Cell::new(0);
        assert!(until_with(
            Duration::from_secs(5),
            || ticks.set(ticks.get() + 1),
            || ticks.get() >= 3
        ));
        assert_eq!(ticks.get(), 3);
    }

    #[test]
    fn settled_returns_the_value_once_it_stops_changing() {
        let start = Instant::now();
        let v = settled(Duration::from_secs(5), Duration::from_millis(50), || {
            start.elapsed().min(Duration::from_millis(40)).as_millis() / 10
        });
        assert_eq!(v, Some(4));
        assert_eq!(
            settled(Duration::from_millis(50), Duration::from_millis(30), || {
                start.elapsed()
            }),
            None,
            "a value that keeps changing never settles"
        );
    }

    #[test]
    fn holds_for_fails_at_the_first_violation() {
        let start = Instant::now();
        assert!(holds_for(Duration::from_millis(30), || true));
        assert!(start.elapsed() >= Duration::from_millis(30));
        let start = Instant::now();
        assert!(!holds_for(Duration::from_secs(5), || start.elapsed()
            < Duration::from_millis(20)));
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
