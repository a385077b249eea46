//! Compiles the GResource bundle and the GSettings schema into the build's output directory.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    glib_build_tools::compile_resources(
        &["resources", "data"],
        "resources/resources.gresource.xml",
        "hangar.gresource",
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    let status = Command::new("glib-compile-schemas")
        .arg("--strict")
        .arg("--targetdir")
        .arg(&out)
        .arg("data")
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("glib-compile-schemas failed: {s}"),
        Err(e) => panic!("glib-compile-schemas not found ({e}): install libglib2.0-dev-bin"),
    }
    println!("cargo:rerun-if-changed=data/dev.hangar.Hangar.gschema.xml");
}
