//! The About window.

use adw::prelude::*;

use crate::config::{APP_ID, VERSION};
use crate::i18n::gettext;

/// Shows Hangar's About window over `parent`.
pub fn show(parent: &impl IsA<gtk::Window>) {
    let about = adw::AboutWindow::builder()
        .transient_for(parent)
        .modal(true)
        .application_name("Hangar")
        .application_icon(APP_ID)
        .version(VERSION)
        .developer_name(gettext("The Hangar developers"))
        .comments(gettext(
            "Create and run virtual machines on this computer and on remote hosts.",
        ))
        .license_type(gtk::License::Gpl30)
        .build();
    about.present();
}
