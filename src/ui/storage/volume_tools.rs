//! The storage page's controls for a volume's contents: upload a local file into a new volume
//! or into the selected one, download the selected one, wipe it, and clone it under a name
//! that no volume of the pool has.

use adw::prelude::*;
use relm4::Sender;

use super::page::StoragePageMsg;
use crate::i18n::gettext;

/// The buttons and fields (a clone shares them).
#[derive(Debug, Clone)]
pub struct VolumeTools {
    /// Uploads a local file into a new volume of the selected pool.
    pub upload_new: gtk::Button,
    /// Uploads a local file over the selected volume.
    pub upload_into: gtk::Button,
    /// Downloads the selected volume into a local file.
    pub download: gtk::Button,
    /// Whether transfers send holes as holes.
    pub sparse: gtk::Switch,
    /// Overwrites the selected volume with zeros (asks first).
    pub wipe: gtk::Button,
    /// The clone's name.
    pub clone_name: adw::EntryRow,
    /// Clones the selected volume.
    pub clone: gtk::Button,
    /// The group holding them.
    pub group: adw::PreferencesGroup,
}

fn button(label: &str, input: &Sender<StoragePageMsg>, msg: fn() -> StoragePageMsg) -> gtk::Button {
    let b = gtk::Button::with_mnemonic(label);
    b.set_valign(gtk::Align::Center);
    let input = input.clone();
    b.connect_clicked(move |_| input.emit(msg()));
    b
}

impl VolumeTools {
    /// The controls, sending their messages to `input`.
    pub fn new(input: &Sender<StoragePageMsg>) -> VolumeTools {
        let upload_new = button(&gettext("Upload as New _Volume…"), input, || {
            StoragePageMsg::ChooseUpload {
                into_selected: false,
            }
        });
        upload_new.set_tooltip_text(Some(&gettext(
            "Make a raw volume the size of a local file and copy the file into it",
        )));
        let upload_into = button(&gettext("U_pload Into…"), input, || {
            StoragePageMsg::ChooseUpload {
                into_selected: true,
            }
        });
        upload_into.set_tooltip_text(Some(&gettext(
            "Write a local file over the start of the selected volume",
        )));
        let download = button(&gettext("Do_wnload…"), input, || {
            StoragePageMsg::ChooseDownload
        });
        let wipe = button(&gettext("_Wipe…"), input, || StoragePageMsg::WipeVolume);
        wipe.add_css_class("destructive-action");
        let clone = button(&gettext("_Clone"), input, || StoragePageMsg::CloneVolume);
        let sparse = gtk::Switch::new();
        sparse.set_active(true);
        sparse.set_valign(gtk::Align::Center);
        sparse.update_property(&[gtk::accessible::Property::Label(&gettext(
            "Transfer holes as holes",
        ))]);
        let clone_name = adw::EntryRow::builder()
            .title(gettext("Clone name"))
            .build();
        clone_name.add_suffix(&clone);

        let group = adw::PreferencesGroup::builder()
            .title(gettext("Contents"))
            .build();
        let transfers = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        transfers.set_valign(gtk::Align::Center);
        for b in [&upload_into, &download, &wipe] {
            transfers.append(b);
        }
        let row = adw::ActionRow::builder()
            .title(gettext("Selected volume"))
            .build();
        row.add_suffix(&transfers);
        group.add(&row);
        let row = adw::ActionRow::builder()
            .title(gettext("Keep holes (sparse transfer)"))
            .subtitle(gettext(
                "Unwritten ranges travel as lengths, not as zeros, where the host allows it",
            ))
            .build();
        row.add_suffix(&sparse);
        row.set_activatable_widget(Some(&sparse));
        group.add(&row);
        group.add(&clone_name);
        let row = adw::ActionRow::builder()
            .title(gettext("New volume from a local file"))
            .build();
        row.add_suffix(&upload_new);
        group.add(&row);
        VolumeTools {
            upload_new,
            upload_into,
            download,
            sparse,
            wipe,
            clone_name,
            clone,
            group,
        }
    }

    /// Enables what applies: `active` pool, `selected` volume, nothing while `busy`.
    pub fn sync(&self, active: bool, selected: bool, busy: bool) {
        let on = !busy && active;
        self.upload_new.set_sensitive(on);
        for b in [&self.upload_into, &self.download, &self.wipe, &self.clone] {
            b.set_sensitive(on && selected);
        }
    }
}

/// A name for a clone of `name` that none of `taken` has: `disk-clone.qcow2`, then
/// `disk-clone-2.qcow2`, and so on (the extension stays last).
pub fn clone_name<'a>(name: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => (stem, Some(ext)),
        _ => (name, None),
    };
    let make = |n: u32| {
        let suffix = if n == 1 {
            "-clone".to_owned()
        } else {
            format!("-clone-{n}")
        };
        match ext {
            Some(ext) => format!("{stem}{suffix}.{ext}"),
            None => format!("{stem}{suffix}"),
        }
    };
    (1..)
        .map(make)
        .find(|candidate| !taken.clone().any(|t| t == candidate))
        .unwrap_or_else(|| make(1))
}

#[cfg(test)]
mod tests {
    use super::clone_name;

    #[test]
    fn clone_names_never_collide() {
        let taken = [
            "disk.qcow2",
            "disk-clone.qcow2",
            "disk-clone-2.qcow2",
            "plain",
        ];
        assert_eq!(
            clone_name("disk.qcow2", taken.iter().copied()),
            "disk-clone-3.qcow2"
        );
        assert_eq!(clone_name("plain", taken.iter().copied()), "plain-clone");
        assert_eq!(
            clone_name(".hidden", taken.iter().copied()),
            ".hidden-clone"
        );
        assert_eq!(clone_name("a.b.raw", [].into_iter()), "a.b-clone.raw");
    }
}
