//! Images for disks and CD-ROMs chosen in the storage browser: the path of an existing image to
//! add (its format then comes from the volume's XML), or a CD-ROM's medium inserted at once.

use std::rc::Rc;

use adw::prelude::*;
use relm4::prelude::*;

use super::{BrowseFor, HardwareEditor, HardwareEditorMsg as Msg, Tx};
use crate::i18n::gettext;
use crate::ui::volume_browser::{
    Filter, VolumeBrowser, VolumeBrowserInit, VolumeBrowserMsg, VolumeBrowserOutput,
};

/// A Browse button for `row` that sends `what()`; the chosen path goes into `row`.
pub fn button(row: &adw::EntryRow, tx: &Tx, what: impl Fn() -> BrowseFor + 'static) -> gtk::Button {
    let b = crate::ui::a11y::icon_button("document-open-symbolic", &gettext("Browse…"));
    b.set_valign(gtk::Align::Center);
    b.add_css_class("flat");
    let weak = row.downgrade();
    let tx = tx.clone();
    b.connect_clicked(move |_| {
        tx.browse_entry.replace(Some(weak.clone()));
        tx.send(Msg::Browse(what()));
    });
    b
}

impl HardwareEditor {
    /// Opens the storage browser on the VM's host for `what`.
    pub(super) fn browse(
        &mut self,
        what: BrowseFor,
        root: &gtk::Box,
        sender: &ComponentSender<Self>,
    ) {
        let iso = match &what {
            BrowseFor::Existing(iso) => *iso,
            BrowseFor::Media(_) => true,
        };
        let (filter, title) = if iso {
            (Filter::Iso, gettext("Choose an ISO Image"))
        } else {
            (Filter::Disk, gettext("Choose a Disk Image"))
        };
        self.browsing = Some(what);
        let conn = self.domain.connection().clone();
        let browser = self.browser.get_or_insert_with(|| {
            Rc::new(
                VolumeBrowser::builder()
                    .transient_for(root)
                    .launch(VolumeBrowserInit { conn })
                    .forward(sender.input_sender(), Msg::Browsed),
            )
        });
        browser.emit(VolumeBrowserMsg::Open { filter, title });
    }

    /// Takes the browser's choice: fills the existing image's entry, or returns the edit that
    /// inserts the chosen medium.
    pub(super) fn browsed(&mut self, out: VolumeBrowserOutput) -> Option<Msg> {
        let what = self.browsing.take()?;
        let (path, picked) = match out {
            VolumeBrowserOutput::Picked(v) => (v.path.clone(), Some(v)),
            VolumeBrowserOutput::LocalFile(p) => (p.display().to_string(), None),
            VolumeBrowserOutput::Closed => return None,
        };
        match what {
            BrowseFor::Existing(_) => {
                let entry = self
                    .browse_entry
                    .borrow()
                    .as_ref()
                    .and_then(|w| w.upgrade());
                if let Some(entry) = entry {
                    entry.set_text(&path);
                }
                self.picked = picked;
                None
            }
            BrowseFor::Media(i) => Some(Msg::SetDiskMedia(i, Some(path))),
        }
    }

    /// Adding the disk image last chosen in the browser takes its format from the volume's
    /// XML as the browser read it; another path is probed on the host first.
    pub(super) fn known_format(&self, path: String, device: String, bus: String) -> Msg {
        match &self.picked {
            Some(v) if device != "cdrom" && v.path == path.trim() => {
                Msg::AddDiskAs(v.path.clone(), device, bus, v.format.clone())
            }
            _ => Msg::AddDisk(path, device, bus),
        }
    }
}

impl HardwareEditor {
    /// The storage browser, once opened.
    pub fn browser(&self) -> Option<Rc<Controller<VolumeBrowser>>> {
        self.browser.clone()
    }
}
