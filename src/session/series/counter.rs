//! Cumulative counters turned into per-second rates, surviving restarts and wraps.

/// How wide a counter is, which decides when a decrease is a wrap rather than a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CounterWidth {
    /// A 64-bit counter: a decrease is a restart unless the counter was in the top quarter
    /// of the 64-bit range.
    #[default]
    Bits64,
    /// A counter some drivers keep in 32 bits (network interfaces): a decrease from the top
    /// quarter of the 32-bit range to its bottom quarter is a wrap.
    Bits32,
}

/// The last reading of a cumulative counter.
#[derive(Debug, Clone, Default)]
pub struct Counter {
    width: CounterWidth,
    last: Option<(f64, u64)>,
}

impl Counter {
    /// A counter of `width` with no reading yet.
    pub fn new(width: CounterWidth) -> Counter {
        Counter { width, last: None }
    }

    /// Forgets the last reading: the next one starts a new rate.
    pub fn reset(&mut self) {
        self.last = None;
    }

    /// Takes a reading at `t` and returns the increase since the previous one with the
    /// seconds between them.
    ///
    /// Returns `None` (a gap) for the first reading, a missing reading (which also forgets
    /// the previous one), a counter that went down without wrapping (the VM restarted: the
    /// reading becomes the new start, so no negative spike) and time that did not advance.
    pub fn update(&mut self, t: f64, value: Option<u64>) -> Option<(u64, f64)> {
        let Some(value) = value else {
            self.last = None;
            return None;
        };
        let (t0, v0) = self.last.replace((t, value))?;
        let dt = t - t0;
        if dt.is_nan() || dt <= 0.0 {
            if dt == 0.0 {
                // A repeated reading: keep the earlier one as the base.
                self.last = Some((t0, v0));
            }
            return None;
        }
        increase(self.width, v0, value).map(|d| (d, dt))
    }

    /// Like [`update`](Self::update), but as a rate per second.
    pub fn rate(&mut self, t: f64, value: Option<u64>) -> Option<f64> {
        self.update(t, value).map(|(d, dt)| d as f64 / dt)
    }
}

/// The increase from `before` to `after`, or `None` when the counter restarted.
fn increase(width: CounterWidth, before: u64, after: u64) -> Option<u64> {
    if after >= before {
        return Some(after - before);
    }
    match width {
        CounterWidth::Bits32 => {
            const RANGE: u64 = 1 << 32;
            let top = (RANGE / 4 * 3..RANGE).contains(&before);
            (top && after < RANGE / 4).then(|| after + RANGE - before)
        }
        CounterWidth::Bits64 => {
            let top = before >= u64::MAX / 4 * 3;
            (top && after < u64::MAX / 4).then(|| after.wrapping_sub(before))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_per_second() {
        let mut c = Counter::new(CounterWidth::Bits64);
        assert_eq!(c.rate(0.0, Some(1000)), None, "first reading has no rate");
        assert_eq!(c.rate(2.0, Some(5000)), Some(2000.0));
        assert_eq!(c.rate(2.5, Some(5000)), Some(0.0));
    }

    #[test]
    fn restart_gives_a_gap_then_rates_from_the_new_start() {
        let mut c = Counter::new(CounterWidth::Bits64);
        c.rate(0.0, Some(10_000_000));
        assert_eq!(c.rate(1.0, Some(500)), None, "no negative spike");
        assert_eq!(c.rate(2.0, Some(1500)), Some(1000.0));
    }

    #[test]
    fn wraps_at_32_and_64_bits() {
        let mut c = Counter::new(CounterWidth::Bits32);
        c.rate(0.0, Some(u64::from(u32::MAX) - 99));
        assert_eq!(c.rate(1.0, Some(100)), Some(200.0));

        let mut c = Counter::new(CounterWidth::Bits64);
        c.rate(0.0, Some(u64::MAX - 49));
        assert_eq!(c.rate(1.0, Some(50)), Some(100.0));

        // A 32-bit looking drop on a 64-bit counter is a restart.
        let mut c = Counter::new(CounterWidth::Bits64);
        c.rate(0.0, Some(u64::from(u32::MAX) - 99));
        assert_eq!(c.rate(1.0, Some(100)), None);
        // A drop from low values on a 32-bit counter is a restart too.
        let mut c = Counter::new(CounterWidth::Bits32);
        c.rate(0.0, Some(1 << 20));
        assert_eq!(c.rate(1.0, Some(5)), None);
    }

    #[test]
    fn missing_reading_forgets_the_base() {
        let mut c = Counter::new(CounterWidth::Bits64);
        c.rate(0.0, Some(0));
        assert_eq!(c.rate(1.0, None), None);
        assert_eq!(c.rate(2.0, Some(100)), None, "rate restarts after a gap");
        assert_eq!(c.rate(3.0, Some(300)), Some(200.0));
    }

    #[test]
    fn time_must_advance() {
        let mut c = Counter::new(CounterWidth::Bits64);
        c.rate(1.0, Some(0));
        assert_eq!(c.rate(1.0, Some(50)), None, "same time: ignored");
        assert_eq!(c.rate(2.0, Some(100)), Some(100.0), "base kept");
        assert_eq!(c.rate(1.5, Some(200)), None, "time went back: new base");
        assert_eq!(c.rate(2.5, Some(300)), Some(100.0));
    }
}
