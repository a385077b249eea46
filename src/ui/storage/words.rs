//! The storage page's messages to the user: the error line with its close button, and the
//! words of the questions asked before what cannot be undone.

use adw::prelude::*;
use relm4::Sender;

use super::page::{Question, StoragePageMsg};
use crate::i18n::{gettext, gettext_f, ngettext};

fn margins(w: &impl IsA<gtk::Widget>, n: i32) {
    w.set_margin_top(n);
    w.set_margin_bottom(n);
    w.set_margin_start(n);
    w.set_margin_end(n);
}

/// The error line with its close button: (box, label).
pub fn error_line(input: &Sender<StoragePageMsg>) -> (gtk::Box, gtk::Label) {
    let row = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    margins(&row, 6);
    let icon = gtk::Image::from_icon_name("dialog-error-symbolic");
    icon.add_css_class("error");
    let label = gtk::Label::new(None);
    label.set_wrap(true);
    label.set_xalign(0.0);
    label.set_hexpand(true);
    label.set_selectable(true);
    label.add_css_class("error");
    label.update_property(&[gtk::accessible::Property::Label(&gettext("Error"))]);
    let close = gtk::Button::from_icon_name("window-close-symbolic");
    close.add_css_class("flat");
    close.set_tooltip_text(Some(&gettext("Dismiss")));
    close.update_property(&[gtk::accessible::Property::Label(&gettext(
        "Dismiss the error",
    ))]);
    let input = input.clone();
    close.connect_clicked(move |_| input.emit(StoragePageMsg::DismissError));
    row.append(&icon);
    row.append(&label);
    row.append(&close);
    row.set_visible(false);
    (row, label)
}

/// The dialog's heading, body and accept label for `q`.
pub fn question_text(q: &Question) -> (String, String, String) {
    match q {
        Question::DeletePool(name) => (
            gettext_f("Delete the Storage of “{}”?", &[name.as_str()]),
            gettext(
                "The pool’s storage is removed from the host; for a directory pool, its directory, which must be empty. The definition stays.",
            ),
            gettext("_Delete"),
        ),
        Question::UndefinePool(name) => (
            gettext_f("Undefine “{}”?", &[name.as_str()]),
            gettext("The pool’s definition is removed. Its storage and volumes stay on the host."),
            gettext("_Undefine"),
        ),
        Question::WipeVolume { name, users, .. } => (
            gettext_f("Wipe “{}”?", &[name.as_str()]),
            if users.is_empty() {
                gettext("Every byte of the volume is overwritten with zeros. Its data cannot be brought back.")
            } else {
                gettext_f(
                    "Every byte of the volume is overwritten with zeros. It is a disk of {}, whose data on it is lost.",
                    &[&users.join(", ")],
                )
            },
            gettext("_Wipe"),
        ),
        Question::DeleteVolume { name, users, .. } if users.is_empty() => (
            gettext_f("Delete “{}”?", &[name.as_str()]),
            gettext("The volume and its data are removed from the host. This cannot be undone."),
            gettext("_Delete"),
        ),
        Question::DeleteVolume { name, users, .. } => (
            gettext_f("“{}” Is in Use", &[name.as_str()]),
            ngettext(
                "The virtual machine {} has a disk on this volume. Deleting it destroys that disk’s data, and the machine will not start until the disk is removed or replaced.",
                "The virtual machines {} have disks on this volume. Deleting it destroys their data, and the machines will not start until the disks are removed or replaced.",
                users.len() as u32,
            )
            .replacen("{}", &users.join(", "), 1),
            gettext("_Delete Anyway"),
        ),
    }
}
