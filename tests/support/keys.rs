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
