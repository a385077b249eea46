//! The wizard's first step: where the guest system comes from (ISO image, existing disk image,
//! network boot, a kernel and initrd on the host, or a cloud image).

use adw::prelude::*;

use super::cloud_form::CloudForm;
use super::finish::SourceKind;
use super::{NewVmWizardMsg as Msg, PathField, Tx};
use crate::i18n::gettext;

/// The source page's widgets.
#[derive(Debug)]
pub struct SourcePage {
    /// The page.
    pub root: adw::PreferencesPage,
    /// One radio button per [`SourceKind`], in the order of [`KINDS`].
    pub kinds: Vec<gtk::CheckButton>,
    /// The ISO group.
    pub iso_group: adw::PreferencesGroup,
    /// The ISO path.
    pub iso_row: adw::EntryRow,
    /// What the image was recognised as.
    pub detected: adw::ActionRow,
    /// The import group.
    pub import_group: adw::PreferencesGroup,
    /// The disk image path.
    pub import_row: adw::EntryRow,
    /// The kernel group.
    pub kernel_group: adw::PreferencesGroup,
    /// The kernel path.
    pub kernel_row: adw::EntryRow,
    /// The initrd path.
    pub initrd_row: adw::EntryRow,
    /// The kernel command line.
    pub cmdline_row: adw::EntryRow,
    /// The network boot explanation.
    pub pxe_group: adw::PreferencesGroup,
    /// The cloud image group.
    pub cloud: CloudForm,
}

/// The sources in the order the page offers them.
pub const KINDS: [SourceKind; 5] = [
    SourceKind::Iso,
    SourceKind::Import,
    SourceKind::Network,
    SourceKind::Kernel,
    SourceKind::Cloud,
];

fn kind_row(
    group: &adw::PreferencesGroup,
    title: &str,
    subtitle: &str,
    leader: Option<&gtk::CheckButton>,
) -> gtk::CheckButton {
    let check = gtk::CheckButton::new();
    check.set_group(leader);
    let row = adw::ActionRow::new();
    row.set_title(title);
    row.set_subtitle(subtitle);
    row.add_prefix(&check);
    row.set_activatable_widget(Some(&check));
    group.add(&row);
    check
}

/// An entry row for a path on the host, with a Browse button that opens the storage browser.
pub fn path_row(title: &str, field: PathField, tx: &Tx) -> adw::EntryRow {
    let row = adw::EntryRow::new();
    row.set_title(title);
    let button = crate::ui::a11y::icon_button("document-open-symbolic", &gettext("Browse…"));
    button.set_valign(gtk::Align::Center);
    button.add_css_class("flat");
    let s = tx.clone();
    button.connect_clicked(move |_| s.send(Msg::Browse(field)));
    row.add_suffix(&button);
    let s = tx.clone();
    row.connect_changed(move |r| s.send(Msg::SetPath(field, r.text().to_string())));
    row
}

impl SourcePage {
    /// Builds the page.
    pub fn new(tx: &Tx) -> SourcePage {
        let root = adw::PreferencesPage::new();
        let kinds_group = adw::PreferencesGroup::new();
        kinds_group.set_title(&gettext("How Will the System Be Installed?"));
        let iso = kind_row(
            &kinds_group,
            &gettext("Local install media"),
            &gettext("An ISO image of an installer or live system"),
            None,
        );
        let import = kind_row(
            &kinds_group,
            &gettext("Import an existing disk image"),
            &gettext("A disk image that already holds an installed system"),
            Some(&iso),
        );
        let pxe = kind_row(
            &kinds_group,
            &gettext("Network boot (PXE)"),
            &gettext("Boot an installer from a server on the network"),
            Some(&iso),
        );
        let kernel = kind_row(
            &kinds_group,
            &gettext("Direct kernel boot"),
            &gettext("Boot a kernel and initrd stored on the host"),
            Some(&iso),
        );
        let cloud = kind_row(
            &kinds_group,
            &gettext("Cloud image"),
            &gettext("A ready system image, set up by cloud-init at the first start"),
            Some(&iso),
        );
        iso.set_active(true);
        let kinds = vec![iso, import, pxe, kernel, cloud];
        for (check, kind) in kinds.iter().zip(KINDS) {
            let s = tx.clone();
            check.connect_toggled(move |c| {
                if c.is_active() {
                    s.send(Msg::SetSource(kind));
                }
            });
        }
        root.add(&kinds_group);

        let iso_group = adw::PreferencesGroup::new();
        iso_group.set_title(&gettext("Install Media"));
        let iso_row = path_row(&gettext("ISO image"), PathField::Iso, tx);
        iso_group.add(&iso_row);
        let detected = adw::ActionRow::new();
        detected.set_title(&gettext("Detected system"));
        detected.add_css_class("property");
        iso_group.add(&detected);
        root.add(&iso_group);

        let import_group = adw::PreferencesGroup::new();
        import_group.set_title(&gettext("Disk Image"));
        import_group.set_description(Some(&gettext(
            "The image is used in place; it is not copied.",
        )));
        let import_row = path_row(&gettext("Disk image"), PathField::Import, tx);
        import_group.add(&import_row);
        root.add(&import_group);

        let kernel_group = adw::PreferencesGroup::new();
        kernel_group.set_title(&gettext("Kernel and Initrd"));
        let kernel_row = path_row(&gettext("Kernel"), PathField::Kernel, tx);
        let initrd_row = path_row(&gettext("Initrd"), PathField::Initrd, tx);
        let cmdline_row = adw::EntryRow::new();
        cmdline_row.set_title(&gettext("Kernel command line"));
        let s = tx.clone();
        cmdline_row.connect_changed(move |r| s.send(Msg::SetCmdline(r.text().to_string())));
        kernel_group.add(&kernel_row);
        kernel_group.add(&initrd_row);
        kernel_group.add(&cmdline_row);
        root.add(&kernel_group);

        let pxe_group = adw::PreferencesGroup::new();
        pxe_group.set_title(&gettext("Network Boot"));
        pxe_group.set_description(Some(&gettext(
            "The virtual machine boots from its network card first. The network you choose later needs a PXE server.",
        )));
        root.add(&pxe_group);
        let cloud = CloudForm::new(tx);
        root.add(&cloud.group);

        SourcePage {
            root,
            kinds,
            iso_group,
            iso_row,
            detected,
            import_group,
            import_row,
            kernel_group,
            kernel_row,
            initrd_row,
            cmdline_row,
            pxe_group,
            cloud,
        }
    }

    /// Shows the group of the chosen source only.
    pub fn show_kind(&self, kind: SourceKind) {
        self.iso_group.set_visible(kind == SourceKind::Iso);
        self.import_group.set_visible(kind == SourceKind::Import);
        self.kernel_group.set_visible(kind == SourceKind::Kernel);
        self.pxe_group.set_visible(kind == SourceKind::Network);
        self.cloud.group.set_visible(kind == SourceKind::Cloud);
    }
}

/// Sets an entry's text when it differs, even while it has the focus (a path the user chose
/// in a dialog, not one being typed).
pub fn put_text(row: &adw::EntryRow, text: &str) {
    if row.text() != text {
        row.set_text(text);
    }
}

/// Sets an entry's text only when it differs, so no change signal loops back, and never
/// while the user types in it: the model then follows the entry, and a value of the model
/// that is a keystroke old (typing over a selection sends "" and then the new text) would
/// replace what was typed and put the cursor back at the start.
pub fn set_text(row: &adw::EntryRow, text: &str) {
    let typing = row.state_flags().contains(gtk::StateFlags::FOCUS_WITHIN);
    if row.text() != text && !typing {
        row.set_text(text);
    }
}
