//! Asking for the file on the host that Save to File writes and Restore from File reads.

use adw::prelude::*;

use crate::i18n::{gettext, gettext_f};

/// Where a save file of the VM `name` goes by default on the host of `uri`: next to libvirt's
/// own saved states on a system connection, nowhere in particular otherwise.
pub fn default_save_path(uri: &str, name: &str) -> String {
    if uri.contains("/system") {
        format!("/var/lib/libvirt/qemu/save/{name}.save")
    } else {
        format!("{name}.save")
    }
}

/// What the path prompt asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPrompt {
    /// Save to File.
    Save,
    /// Restore from File.
    Restore,
}

/// Asks for a file on the host for `prompt` on the VM `name`, proposing `path`; `on_path` gets
/// an absolute path.
pub fn ask_path(
    parent: &impl IsA<gtk::Window>,
    prompt: PathPrompt,
    name: &str,
    path: &str,
    on_path: impl Fn(String) + 'static,
) -> adw::MessageDialog {
    let (heading, body, accept) = match prompt {
        PathPrompt::Save => (
            gettext_f("Save “{}” to a File", &[name]),
            gettext(
                "The guest's memory is written to this file on the host and the virtual machine stops. Restore from File starts it again where it was.",
            ),
            gettext("_Save"),
        ),
        PathPrompt::Restore => (
            gettext_f("Restore “{}” from a File", &[name]),
            gettext(
                "The virtual machine saved in this file on the host starts again where it was.",
            ),
            gettext("_Restore"),
        ),
    };
    let dialog = adw::MessageDialog::new(Some(parent), Some(&heading), Some(&body));
    let entry = gtk::Entry::new();
    entry.set_text(path);
    entry.set_activates_default(true);
    entry.update_property(&[gtk::accessible::Property::Label(&gettext(
        "File on the host",
    ))]);
    dialog.set_extra_child(Some(&entry));
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("go", &accept);
    dialog.set_response_appearance("go", adw::ResponseAppearance::Suggested);
    dialog.set_default_response(Some("go"));
    dialog.set_close_response("cancel");
    dialog.set_response_enabled("go", usable_path(path));
    let weak_dialog = dialog.downgrade();
    entry.connect_changed(move |e| {
        if let Some(d) = weak_dialog.upgrade() {
            d.set_response_enabled("go", usable_path(&e.text()));
        }
    });
    dialog.connect_response(None, move |_, response| {
        let path = entry.text().trim().to_string();
        if response == "go" && usable_path(&path) {
            on_path(path);
        }
    });
    dialog.present();
    dialog
}

/// Whether `path` names a file by an absolute path (the daemon resolves nothing else).
pub fn usable_path(path: &str) -> bool {
    let path = path.trim();
    path.starts_with('/') && !path.ends_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_paths() {
        assert_eq!(
            default_save_path("qemu:///system", "web"),
            "/var/lib/libvirt/qemu/save/web.save"
        );
        assert!(usable_path("/tmp/web.save"));
        assert!(!usable_path("web.save"));
        assert!(!usable_path("/tmp/"));
        assert!(!usable_path(""));
    }
}
