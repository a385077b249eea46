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
    compile_translations(&out);
}

/// Compiles `po/LL.po` into `OUT_DIR/locale/LL/LC_MESSAGES/hangar.mo`, so that a build run from
/// the source tree is translated too. Without msgfmt the build goes on in English.
fn compile_translations(out: &std::path::Path) {
    println!("cargo:rerun-if-changed=po");
    let Ok(linguas) = std::fs::read_to_string("po/LINGUAS") else {
        return;
    };
    for lang in linguas.split_whitespace() {
        let dir = out.join("locale").join(lang).join("LC_MESSAGES");
        let ok = std::fs::create_dir_all(&dir).is_ok()
            && Command::new("msgfmt")
                .arg("-o")
                .arg(dir.join("hangar.mo"))
                .arg(format!("po/{lang}.po"))
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
        if !ok {
            println!("cargo:warning=translation {lang} not compiled (is msgfmt installed?)");
        }
    }
}
