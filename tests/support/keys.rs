//! Real key events for keyboard tests: XTEST through `xdotool` on the test's X server.

use std::process::Command;

use super::{drain, wait_until};

/// Sends `keys` (xdotool's names: "Tab", "space", "Return", "shift+Tab") to the X window
/// that has the input focus.
pub fn key(keys: &str) {
    let out = Command::new("xdotool")
        .args(["key", "--delay", "20", keys])
        .output()
        .expect("xdotool (apt-get install xdotool)");
    assert!(
        out.status.success(),
        "xdotool key {keys}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    drain();
}

/// Gives the X input focus to the window titled `title` (there is no window manager on the
/// test's X server to do it).
pub fn focus_window(title: &str) {
    let mut id = String::new();
    assert!(
        wait_until(10, || {
            let out = Command::new("xdotool")
                .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
                .output()
                .expect("xdotool (apt-get install xdotool)");
            id = String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            !id.is_empty()
        }),
        "no X window titled {title}"
    );
    let out = Command::new("xdotool")
        .args(["windowfocus", "--sync", &id])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drain();
}

/// Drags with the first mouse button, in small steps, from `from` to `to` (points of the X
/// window titled `title`, in its surface's coordinates), turning the main loop between steps
/// as a person's drag leaves it time to.
pub fn drag(title: &str, from: (f64, f64), to: (f64, f64)) {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
        .output()
        .expect("xdotool (apt-get install xdotool)");
    let id = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(!id.is_empty(), "no X window titled {title}");
    let run = |args: &[&str]| {
        let out = Command::new("xdotool").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Each step's events (and the drag protocol's answers) are handled before the next.
        let until = std::time::Instant::now() + std::time::Duration::from_millis(60);
        while std::time::Instant::now() < until {
            drain();
        }
    };
    let at = |(x, y): (f64, f64)| {
        (
            format!("{}", x.round() as i64),
            format!("{}", y.round() as i64),
        )
    };
    let (x, y) = at(from);
    run(&["mousemove", "--window", &id, &x, &y]);
    run(&["mousedown", "1"]);
    let steps = 12;
    for i in 1..=steps {
        let t = f64::from(i) / f64::from(steps);
        let (x, y) = at((from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t));
        run(&["mousemove", "--window", &id, &x, &y]);
    }
    run(&["mouseup", "1"]);
}
