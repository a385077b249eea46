//! Hangar, a native virtual machine manager.
//!
//! ```text
//! MainWindow (adw::ApplicationWindow)
//! ├── adw::HeaderBar: add connection, primary menu (shortcuts, about)
//! └── adw::ToastOverlay
//!     └── gtk::Stack
//!         ├── "empty": adw::StatusPage inviting to add a connection
//!         └── "connections": the saved connections
//! ```
//!
//! All I/O runs on tokio through relm4 commands; the GTK main thread only applies results.

pub mod cli;
pub mod clone;
pub mod cloudinit;
pub mod config;
pub mod i18n;
pub mod newvm;
pub mod osinfo;
pub mod session;
pub mod settings;
pub mod startup;
pub mod ui;
pub mod widgets;

use std::process::ExitCode;

use gtk::{gio, glib};

/// Parses `args` (including the program name) and runs Hangar until its last window closes.
pub fn run(args: Vec<String>) -> ExitCode {
    let options = match cli::parse(&args) {
        Ok(cli::Parsed::Run(options)) => options,
        Ok(cli::Parsed::Exit(text)) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("hangar: {e}\n{}", cli::usage_hint());
            return ExitCode::from(2);
        }
    };
    skip_unused_gl();
    init_logging();
    i18n::init();
    if let Err(e) = init_resources() {
        eprintln!("hangar: {e}");
        return ExitCode::FAILURE;
    }
    // The hosts' lists load while GTK starts; the window takes the sessions over.
    let settings = settings::AppSettings::open().ok();
    for start in ui::main_window::initial_connections(settings.as_ref(), &options) {
        if start.open {
            session::prestart::start(&start.uri);
        }
    }
    startup::mark("sessions-started");
    if startup::enabled() {
        // The same initialisation RelmApp does, split for the stage marks.
        let _ = gtk::init();
        startup::mark("gtk-init");
        let _ = adw::init();
        startup::mark("adw-init");
    }
    let app = relm4::RelmApp::new(config::APP_ID);
    startup::mark("app-made");
    // libadwaita loads `style.css` from the resource base path at startup; the application
    // RelmApp makes has none set.
    {
        use gtk::gio::prelude::ApplicationExt;
        relm4::main_application().set_resource_base_path(Some(config::RESOURCE_BASE));
    }
    // Arguments were parsed above; GApplication sees none.
    let app = app.with_args(vec![args.first().cloned().unwrap_or_default()]);
    app.allow_multiple_instances(true);
    app.run::<ui::MainWindow>(options);
    ExitCode::SUCCESS
}

/// Registers the resources embedded at build time (style, icons, shortcuts window).
pub fn init_resources() -> Result<(), glib::Error> {
    gio::resources_register_include!("hangar.gresource")
}

/// Initialises libadwaita and loads Hangar's stylesheet for a display that has no
/// `adw::Application` (which would load both itself), such as a widget test.
pub fn init_style_without_app() {
    let _ = adw::init();
    let provider = gtk::CssProvider::new();
    provider.load_from_resource(&format!("{}/style.css", config::RESOURCE_BASE));
    if let Some(display) = gtk::gdk::Display::default() {
        gtk::style_context_add_provider_for_display(
            &display,
            &provider,
            gtk::STYLE_PROVIDER_PRIORITY_APPLICATION,
        );
    }
}

/// With the cairo renderer chosen (`GSK_RENDERER=cairo`), nothing draws with OpenGL, yet GDK
/// would still load and probe the GL drivers when it opens the display (on X11, to pick the
/// window visual), which is a large part of its start-up on software GL: tell it not to.
fn skip_unused_gl() {
    const KEY: &str = "GDK_DEBUG";
    if std::env::var("GSK_RENDERER").is_ok_and(|r| r.eq_ignore_ascii_case("cairo")) {
        let flags = match std::env::var(KEY) {
            Ok(v) if v.split([',', ':', ' ']).any(|f| f.starts_with("gl-")) => return,
            Ok(v) if !v.is_empty() => format!("{v},gl-disable"),
            _ => "gl-disable".to_string(),
        };
        // SAFETY: called before anything in the process has started another thread.
        unsafe { std::env::set_var(KEY, flags) };
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("HANGAR_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
