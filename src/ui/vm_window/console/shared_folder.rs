//! The toolbar's "Shared Folder" menu for a SPICE display whose VM has a WebDAV channel: which
//! folder of this computer the guest sees as a network drive (none until one is chosen),
//! whether the guest may only read it, and a way to stop sharing. The choice is remembered
//! for the VM by the page.

use adw::prelude::*;
use relm4::Sender;

use super::ConsoleMsg;
use crate::i18n::gettext;
use crate::widgets::spice_display::SpiceDisplay;

/// The menu button for `spice`; choices go to the page as [`ConsoleMsg::SharedFolder`].
pub(super) fn button(spice: &SpiceDisplay, input: &Sender<ConsoleMsg>) -> gtk::MenuButton {
    let about = gtk::Label::builder()
        .label(gettext(
            "A folder of this computer that the guest opens as a network drive (with spice-webdavd running in the guest).",
        ))
        .wrap(true)
        .max_width_chars(36)
        .xalign(0.0)
        .css_classes(["dim-label"])
        .build();
    let current = gtk::Label::builder()
        .wrap(true)
        .max_width_chars(36)
        .xalign(0.0)
        .build();
    let read_only = gtk::CheckButton::with_label(&gettext("The guest may only read it"));
    let choose = gtk::Button::with_label(&gettext("Choose Folder…"));
    let stop = gtk::Button::with_label(&gettext("Stop Sharing"));
    let list = gtk::Box::builder()
        .orientation(gtk::Orientation::Vertical)
        .spacing(8)
        .margin_start(6)
        .margin_end(6)
        .margin_top(6)
        .margin_bottom(6)
        .build();
    for w in [
        about.upcast_ref::<gtk::Widget>(),
        current.upcast_ref(),
        read_only.upcast_ref(),
        choose.upcast_ref(),
        stop.upcast_ref(),
    ] {
        list.append(w);
    }
    let popover = gtk::Popover::builder().child(&list).build();
    let button = gtk::MenuButton::builder()
        .icon_name("folder-remote-symbolic")
        .tooltip_text(gettext("Shared Folder"))
        .popover(&popover)
        .build();
    crate::ui::a11y::name(&button, &gettext("Shared Folder"));
    spice
        .bind_property("has-shared-folder-channel", &button, "visible")
        .sync_create()
        .build();
    spice
        .bind_property("shared-folder-read-only", &read_only, "active")
        .sync_create()
        .build();
    let show = {
        let (current, stop) = (current.clone(), stop.clone());
        move |spice: &SpiceDisplay| {
            let folder = spice.shared_folder();
            current.set_label(&if folder.is_empty() {
                gettext("No folder is shared.")
            } else {
                folder.clone()
            });
            stop.set_sensitive(!folder.is_empty());
        }
    };
    show(spice);
    spice.connect_shared_folder_notify(show);

    let s = input.clone();
    let weak = spice.downgrade();
    read_only.connect_toggled(move |b| {
        // Applies to the folder shared now; kept for the next one otherwise.
        let Some(spice) = weak.upgrade() else { return };
        let folder = spice.shared_folder();
        if folder.is_empty() {
            spice.set_shared_folder_read_only(b.is_active());
        } else if spice.shared_folder_read_only() != b.is_active() {
            s.emit(ConsoleMsg::SharedFolder(Some((folder, b.is_active()))));
        }
    });
    let s = input.clone();
    let p = popover.clone();
    stop.connect_clicked(move |_| {
        p.popdown();
        s.emit(ConsoleMsg::SharedFolder(None));
    });
    let s = input.clone();
    let (p, r) = (popover, read_only);
    choose.connect_clicked(move |b| {
        p.popdown();
        use crate::ui::file_chooser;
        let chooser = file_chooser::modal(
            file_chooser::window_of(b).as_ref(),
            &gettext("Share a Folder with the VM"),
            gtk::FileChooserAction::SelectFolder,
            &gettext("Share"),
        );
        let (s, r) = (s.clone(), r.clone());
        file_chooser::pick_path(&chooser, move |path| {
            let path = path.to_string_lossy().into_owned();
            s.emit(ConsoleMsg::SharedFolder(Some((path, r.is_active()))));
        });
    });
    button
}
