//! Time-stamped series trimmed to a time window, and the statistics series of one domain.
//!
//! Times are seconds as `f64` on a monotonic clock of the caller's choice (see [`Clock`]).
//! A point without a value is a gap: the VM was stopped, a key was missing or a counter
//! restarted, and a graph breaks its line there instead of drawing zeros.

mod counter;
mod domain;

use std::collections::VecDeque;
use std::time::Instant;

pub use counter::{Counter, CounterWidth};
pub use domain::{DomainSample, DomainSeries, HostInfo, SeriesKey};

/// How long a series remembers by default: ten minutes.
pub const DEFAULT_WINDOW_SECS: f64 = 600.0;

/// What a series' values measure, so a graph can label its axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Percent, usually 0 to 100.
    Percent,
    /// Bytes per second.
    BytesPerSecond,
    /// Bytes.
    Bytes,
    /// A plain number.
    Count,
}

/// One sample of a series: a time and a value, or a gap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Seconds on the series' clock.
    pub t: f64,
    /// The value, or `None` for a gap.
    pub v: Option<f64>,
}

/// Points in time order, trimmed by time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    points: VecDeque<Point>,
}

impl Series {
    /// An empty series.
    pub fn new() -> Series {
        Series::default()
    }

    /// A series from `(t, v)` pairs; pairs out of time order are dropped.
    pub fn from_points(points: impl IntoIterator<Item = (f64, Option<f64>)>) -> Series {
        let mut s = Series::new();
        for (t, v) in points {
            s.push(t, v);
        }
        s
    }

    /// Appends a point. A point older than the last one, or a non-finite time or value, is
    /// dropped (a non-finite value becomes a gap).
    pub fn push(&mut self, t: f64, v: Option<f64>) {
        if !t.is_finite() || self.points.back().is_some_and(|p| t < p.t) {
            return;
        }
        let v = v.filter(|v| v.is_finite());
        self.points.push_back(Point { t, v });
    }

    /// Drops points older than `cut`, keeping the newest of them so a line can still start
    /// at the window's left edge.
    pub fn trim_before(&mut self, cut: f64) {
        while self.points.len() >= 2 && self.points[1].t <= cut {
            self.points.pop_front();
        }
    }

    /// All points, oldest first.
    pub fn points(&self) -> impl DoubleEndedIterator<Item = Point> + ExactSizeIterator + '_ {
        self.points.iter().copied()
    }

    /// How many points (gaps included) the series holds.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the series has no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The newest point.
    pub fn last(&self) -> Option<Point> {
        self.points.back().copied()
    }

    /// The oldest point.
    pub fn first(&self) -> Option<Point> {
        self.points.front().copied()
    }

    /// The largest value among points with `from <= t <= to`.
    pub fn max_in(&self, from: f64, to: f64) -> Option<f64> {
        self.points
            .iter()
            .filter(|p| p.t >= from && p.t <= to)
            .filter_map(|p| p.v)
            .reduce(f64::max)
    }

    /// The point whose time is nearest to `t`.
    pub fn nearest(&self, t: f64) -> Option<Point> {
        let i = self.points.partition_point(|p| p.t < t);
        let after = self.points.get(i).copied();
        let before = i.checked_sub(1).and_then(|j| self.points.get(j)).copied();
        match (before, after) {
            (Some(b), Some(a)) => Some(if t - b.t <= a.t - t { b } else { a }),
            (b, a) => b.or(a),
        }
    }

    /// The runs of consecutive points that have values: what a graph draws as lines.
    pub fn segments(&self) -> Vec<Vec<(f64, f64)>> {
        let mut out = Vec::new();
        let mut run: Vec<(f64, f64)> = Vec::new();
        for p in &self.points {
            match p.v {
                Some(v) => run.push((p.t, v)),
                None if !run.is_empty() => out.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        if !run.is_empty() {
            out.push(run);
        }
        out
    }
}

/// Seconds since a fixed start on the monotonic clock, for stamping samples.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: Instant,
}

impl Clock {
    /// A clock that reads 0 now.
    pub fn new() -> Clock {
        Clock {
            start: Instant::now(),
        }
    }

    /// Seconds since the clock was made.
    pub fn now(&self) -> f64 {
        self.at(Instant::now())
    }

    /// Seconds between the clock's start and `instant` (0 for instants before it).
    pub fn at(&self, instant: Instant) -> f64 {
        instant
            .checked_duration_since(self.start)
            .map_or(0.0, |d| d.as_secs_f64())
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_by_time_keeping_one_point_before_the_window() {
        let mut s = Series::from_points((0..100).map(|i| (f64::from(i), Some(f64::from(i)))));
        s.trim_before(90.5);
        assert_eq!(s.first().map(|p| p.t), Some(90.0));
        assert_eq!(s.len(), 10);
        s.trim_before(1000.0);
        assert_eq!(s.len(), 1, "the newest point always stays");
    }

    #[test]
    fn drops_out_of_order_and_non_finite() {
        let mut s = Series::new();
        s.push(1.0, Some(1.0));
        s.push(0.5, Some(2.0));
        s.push(f64::NAN, Some(2.0));
        s.push(2.0, Some(f64::INFINITY));
        assert_eq!(
            s.points().collect::<Vec<_>>(),
            [
                Point {
                    t: 1.0,
                    v: Some(1.0)
                },
                Point { t: 2.0, v: None }
            ]
        );
    }

    #[test]
    fn segments_break_at_gaps() {
        let s = Series::from_points([
            (0.0, None),
            (1.0, Some(1.0)),
            (2.0, Some(2.0)),
            (3.0, None),
            (4.0, None),
            (5.0, Some(5.0)),
        ]);
        assert_eq!(
            s.segments(),
            vec![vec![(1.0, 1.0), (2.0, 2.0)], vec![(5.0, 5.0)]]
        );
    }

    #[test]
    fn nearest_and_max() {
        let s = Series::from_points([(0.0, Some(3.0)), (1.0, None), (2.0, Some(7.0))]);
        assert_eq!(s.nearest(1.6).map(|p| p.t), Some(2.0));
        assert_eq!(s.nearest(0.4).map(|p| p.t), Some(0.0));
        assert_eq!(s.nearest(-5.0).map(|p| p.t), Some(0.0));
        assert_eq!(s.nearest(9.0).map(|p| p.t), Some(2.0));
        assert_eq!(s.max_in(0.0, 1.5), Some(3.0));
        assert_eq!(s.max_in(0.0, 2.0), Some(7.0));
        assert_eq!(Series::new().nearest(1.0), None);
    }

    #[test]
    fn clock_counts_up() {
        let c = Clock::new();
        assert!(c.now() >= 0.0);
        assert_eq!(
            c.at(c.start - std::time::Duration::from_secs(1)),
            0.0,
            "instants before the start read 0"
        );
    }
}
