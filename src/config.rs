//! Build-time configuration: application ID, version, install locations.

/// The application ID (also the GSettings schema ID and the resource base path's origin).
pub const APP_ID: &str = "dev.hangar.Hangar";
/// The resource base path of [`APP_ID`].
pub const RESOURCE_BASE: &str = "/dev/hangar/Hangar";
/// The gettext domain.
pub const GETTEXT_PACKAGE: &str = "hangar";
/// Hangar's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where compiled translations are: `HANGAR_LOCALEDIR` at build time (an installed build sets
/// it, e.g. to `/usr/share/locale`), else the ones compiled into the build directory.
pub const LOCALEDIR: &str = match option_env!("HANGAR_LOCALEDIR") {
    Some(dir) => dir,
    None => concat!(env!("OUT_DIR"), "/locale"),
};
