//! Translations through gettext, and a helper for strings with placeholders.

use gettextrs::{LocaleCategory, bind_textdomain_codeset, bindtextdomain, setlocale, textdomain};

use crate::config::{GETTEXT_PACKAGE, LOCALEDIR};

pub use gettextrs::{gettext, ngettext};

/// Sets the locale from the environment and binds Hangar's text domain.
pub fn init() {
    // SAFETY: called once at start-up, before Hangar starts any other thread, so nothing
    // reads the locale while it changes.
    unsafe {
        setlocale(LocaleCategory::LcAll, "");
    }
    // Missing translations are not an error: the strings then stay in English.
    let _ = bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    let _ = bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    let _ = textdomain(GETTEXT_PACKAGE);
}

/// Translates `format` and replaces its `{}` placeholders, in order, with `args`.
///
/// Translators can reorder nothing here, so keep one placeholder per string where the order
/// could differ between languages.
pub fn gettext_f(format: &str, args: &[&str]) -> String {
    fill(&gettext(format), args)
}

fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut args = args.iter();
    while let Some(pos) = rest.find("{}") {
        out.push_str(&rest[..pos]);
        out.push_str(args.next().copied().unwrap_or("{}"));
        rest = &rest[pos + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fills_placeholders_in_order() {
        assert_eq!(fill("{} on {}", &["vm", "host"]), "vm on host");
        assert_eq!(fill("no args", &[]), "no args");
        assert_eq!(fill("{} and {}", &["one"]), "one and {}");
    }
}
