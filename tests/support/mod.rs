//! What the GUI tests share: one private settings and cache directory per test process,
//! resources and styles loaded once, and a main-loop pump. (`mod.rs`, not `support.rs`:
//! a file directly under `tests/` would be a test binary of its own.)

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Once;
use std::time::{Duration, Instant};

/// Points settings and caches at a private directory and loads resources and styles, once per
/// process, before GLib reads the environment.
pub fn init_gui() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let dir = tempfile::Builder::new()
            .prefix("hangar-gui-")
            .tempdir()
            .unwrap()
            .keep();
        // SAFETY: runs before any other thread of this test process reads the environment.
        unsafe {
            std::env::set_var("XDG_CONFIG_HOME", dir.join("config"));
            std::env::set_var("XDG_CACHE_HOME", dir.join("cache"));
            std::env::set_var("GSETTINGS_BACKEND", "memory");
        }
        hangar::init_resources().unwrap();
        hangar::init_style_without_app();
    });
}

/// Runs the main loop until `done` holds or `secs` pass; whether it held.
pub fn wait_until(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    let ctx = gtk::glib::MainContext::default();
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        while ctx.iteration(false) {}
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}
