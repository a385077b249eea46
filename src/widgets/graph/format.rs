//! Text for graph axes and readouts: values with units, times relative to now, nice scales.

use gtk::glib;

use crate::i18n::{gettext, gettext_f};
use crate::session::series::Unit;

/// A value with its unit, as an axis label or readout shows it: "42%", "1.2 MB/s".
pub fn value(unit: Unit, v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    match unit {
        Unit::Percent => {
            let digits = if v.abs() < 10.0 && v.fract() != 0.0 {
                1
            } else {
                0
            };
            gettext_f("{}%", &[&format!("{v:.digits$}")])
        }
        Unit::Bytes => glib::format_size(v.max(0.0) as u64).to_string(),
        Unit::BytesPerSecond => gettext_f("{}/s", &[&glib::format_size(v.max(0.0) as u64)]),
        Unit::Count => {
            if v.fract() == 0.0 || v.abs() >= 100.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        }
    }
}

/// The axis unit for a window: minutes for two minutes and more, else seconds.
pub fn time_step(window: f64) -> f64 {
    if window >= 120.0 { 60.0 } else { 1.0 }
}

/// An x axis label: `x` is in [`time_step`] units before now (so not above 0).
pub fn axis_time(x: f64, step: f64) -> String {
    let ago = (-x).max(0.0);
    if ago < 1e-9 {
        return gettext("now");
    }
    let n = if ago.fract().abs() < 1e-6 {
        format!("{ago:.0}")
    } else {
        format!("{ago:.1}")
    };
    if step >= 60.0 {
        gettext_f("−{} min", &[&n])
    } else {
        gettext_f("−{} s", &[&n])
    }
}

/// A readout's time: how long before now, as "1:05 ago", or "now".
pub fn readout_time(seconds_ago: f64) -> String {
    let s = seconds_ago.max(0.0).round() as u64;
    if s == 0 {
        return gettext("now");
    }
    gettext_f("{} ago", &[&format!("{}:{:02}", s / 60, s % 60)])
}

/// The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) not below `v`.
pub fn nice_ceil(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= v * (1.0 - 1e-9) {
            return m * mag;
        }
    }
    10.0 * mag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_ceil(0.7), 1.0);
        assert_eq!(nice_ceil(100.0), 100.0);
        assert_eq!(nice_ceil(101.0), 200.0);
        assert_eq!(nice_ceil(2100.0), 2500.0);
        assert_eq!(nice_ceil(3.0e6), 5.0e6);
        assert_eq!(nice_ceil(0.0), 1.0);
        assert_eq!(nice_ceil(f64::NAN), 1.0);
    }

    #[test]
    fn values_and_times() {
        assert_eq!(value(Unit::Percent, 42.0), "42%");
        assert_eq!(value(Unit::Percent, 2.5), "2.5%");
        assert_eq!(value(Unit::Count, 3.0), "3");
        assert!(value(Unit::BytesPerSecond, 1.5e6).ends_with("/s"));
        assert_eq!(axis_time(0.0, 60.0), "now");
        assert_eq!(axis_time(-10.0, 60.0), "−10 min");
        assert_eq!(axis_time(-30.0, 1.0), "−30 s");
        assert_eq!(readout_time(65.0), "1:05 ago");
        assert_eq!(readout_time(0.2), "now");
    }
}
