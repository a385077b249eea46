//! What the GUI tests share: one private settings and cache directory per test process,
//! resources and styles loaded once, counts of GLib criticals and GTK warnings, and a
//! main-loop pump.
//! (`mod.rs`, not `support.rs`: a file directly under `tests/` would be a test binary of its
//! own.)

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod browser;
pub mod guest;
pub mod hardware;
pub mod idle;
pub mod keys;
pub mod migrate;
pub mod session;
pub mod spice_agent;
pub mod storage;

use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Points settings and caches at a private directory and loads resources and styles, once per
/// process, before GLib reads the environment.
pub fn init_gui() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // A short name: a session daemon puts its VMs' channel sockets under the config
        // directory, and a UNIX socket path must fit in 108 bytes.
        let dir = tempfile::Builder::new()
            .prefix("hg-")
            .tempdir()
            .unwrap()
            .keep();
        // SAFETY: runs before any other thread of this test process reads the environment.
        unsafe {
            std::env::set_var("XDG_CONFIG_HOME", dir.join("config"));
            std::env::set_var("XDG_CACHE_HOME", dir.join("cache"));
            std::env::set_var("GSETTINGS_BACKEND", "memory");
        }
        gtk::glib::log_set_writer_func(|level, fields| {
            if level == gtk::glib::LogLevel::Critical {
                CRITICALS.fetch_add(1, Ordering::SeqCst);
            }
            let toolkit = fields
                .iter()
                .any(|f| f.key() == "GLIB_DOMAIN" && matches!(f.value_str(), Some("Gtk" | "Gdk")));
            if level == gtk::glib::LogLevel::Warning && toolkit {
                GTK_WARNINGS.fetch_add(1, Ordering::SeqCst);
            }
            gtk::glib::log_writer_default(level, fields)
        });
        hangar::init_resources().unwrap();
        hangar::init_style_without_app();
    });
}

static CRITICALS: AtomicUsize = AtomicUsize::new(0);
static GTK_WARNINGS: AtomicUsize = AtomicUsize::new(0);

/// How many warnings GTK and GDK have logged in this test process so far (counted once
/// [`init_gui`] ran).
pub fn gtk_warnings() -> usize {
    GTK_WARNINGS.load(Ordering::SeqCst)
}

/// How many GLib criticals this test process has logged so far (counted once [`init_gui`] ran).
pub fn criticals() -> usize {
    CRITICALS.load(Ordering::SeqCst)
}

/// Runs the main loop until `done` holds or `secs` pass; whether it held.
pub fn wait_until(secs: u64, done: impl FnMut() -> bool) -> bool {
    let ctx = gtk::glib::MainContext::default();
    testbed::wait::until_with(
        Duration::from_secs(secs),
        || while ctx.iteration(false) {},
        done,
    )
}

/// Runs the main loop until it has had nothing to dispatch for 50 ms (at most 5 s), so what
/// the last action queued (signal handlers, idle callbacks, disposal, layout) has run.
pub fn drain() {
    let ctx = gtk::glib::MainContext::default();
    let dispatched = std::cell::Cell::new(0u64);
    testbed::wait::settled_with(
        Duration::from_secs(5),
        Duration::from_millis(50),
        || {
            while ctx.iteration(false) {
                dispatched.set(dispatched.get() + 1);
            }
        },
        || dispatched.get(),
    );
}

/// Turns the main loop for all of `window` while `cond` holds; false at the first moment it
/// does not. An observation window ("nothing happens meanwhile"), not a synchronisation.
pub fn holds_for(window: Duration, cond: impl FnMut() -> bool) -> bool {
    let ctx = gtk::glib::MainContext::default();
    testbed::wait::holds_for_with(window, || while ctx.iteration(false) {}, cond)
}

/// Turns the main loop for all of `window`: a measuring window (e.g. of CPU time), not a
/// synchronisation.
pub fn observe(window: Duration) {
    holds_for(window, || true);
}

/// Turns the main loop until `read` has stayed the same for `quiet`; that value, or `None` if
/// it still changed after `secs`.
pub fn settled<T: PartialEq>(secs: u64, quiet: Duration, read: impl FnMut() -> T) -> Option<T> {
    let ctx = gtk::glib::MainContext::default();
    testbed::wait::settled_with(
        Duration::from_secs(secs),
        quiet,
        || while ctx.iteration(false) {},
        read,
    )
}

/// Runs `fut` on relm4's runtime, where the app's components run their commands (a
/// connection's I/O task lives on the runtime that opened it), turning the main loop until it
/// is done.
pub fn block<T: Send + 'static>(fut: impl std::future::Future<Output = T> + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    relm4::spawn(async move {
        let _ = tx.send(fut.await);
    });
    let mut out = None;
    assert!(wait_until(30, || {
        out = rx.try_recv().ok();
        out.is_some()
    }));
    out.unwrap()
}

/// Opens a connection on relm4's runtime (see [`block`]).
pub fn connect(uri: &str) -> virt_client::Connection {
    let uri = uri.to_string();
    block(async move { virt_client::Connection::open(&uri).await }).unwrap()
}

/// The console page of running SPICE VM `name` on the shared daemon's QEMU connection, once
/// its SPICE display is connected, with that display.
pub fn spice_page(
    name: &str,
) -> (
    adw::Window,
    relm4::Controller<hangar::ui::vm_window::console::ConsolePage>,
    hangar::widgets::spice_display::SpiceDisplay,
) {
    use hangar::widgets::spice_display::DisplayState;
    use relm4::ComponentController;
    let uri = testbed::Libvirtd::shared().qemu_uri();
    let (window, page) = console_page(name, &uri, connect(&uri));
    assert!(
        wait_until(40, || {
            let m = page.model();
            m.is_spice() && matches!(m.spice_display().state(), DisplayState::Connected { .. })
        }),
        "SPICE display not shown; status {:?}",
        page.model().status()
    );
    let display = page.model().spice_display().clone();
    (window, page, display)
}

/// A console page on VM `name` of `uri` over `connection`, in a window of its own.
pub fn console_page(
    name: &str,
    uri: &str,
    connection: virt_client::Connection,
) -> (
    adw::Window,
    relm4::Controller<hangar::ui::vm_window::console::ConsolePage>,
) {
    use adw::prelude::*;
    use hangar::ui::vm_window::console::{ConsoleInit, ConsolePage};
    use relm4::prelude::*;
    let page = ConsolePage::builder()
        .launch(ConsoleInit {
            name: name.to_string(),
            uri: uri.to_string(),
            connection: Some(connection),
        })
        .detach();
    let win = adw::Window::new();
    win.set_default_size(860, 560);
    win.set_content(Some(page.widget()));
    win.present();
    (win, page)
}
