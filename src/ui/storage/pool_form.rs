//! The storage page's form for a new pool: its type (directory, file system on a device,
//! network file system, LVM volume group, iSCSI target, partitioned disk) and the fields that
//! type needs, the others hidden; whether to start it now.

use adw::prelude::*;
use relm4::Sender;
use virt_xml::builder::{DISK_FORMATS, FS_FORMATS, NETFS_FORMATS, PoolSource, PoolSpec};

use super::page::StoragePageMsg;
use crate::i18n::gettext;

/// The pool types, in the order of the type list.
pub const KINDS: [&str; 6] = ["dir", "fs", "netfs", "logical", "iscsi", "disk"];

/// The fields (a clone shares them).
#[derive(Debug, Clone)]
pub struct PoolForm {
    /// The group holding them.
    pub group: adw::PreferencesGroup,
    /// The type ([`KINDS`]).
    pub kind: adw::ComboRow,
    /// The name.
    pub name: adw::EntryRow,
    /// Where its volumes appear on the host.
    pub target: adw::EntryRow,
    /// The device (fs, disk) or the physical volumes, separated by spaces (logical).
    pub device: adw::EntryRow,
    /// The server (netfs, iscsi).
    pub host: adw::EntryRow,
    /// The exported directory (netfs) or the target's IQN (iscsi).
    pub source_dir: adw::EntryRow,
    /// The volume group (logical).
    pub group_name: adw::EntryRow,
    /// The file system or partition table format (fs, netfs, disk).
    pub format: adw::ComboRow,
    /// Start the pool now and with the host.
    pub start: gtk::Switch,
    /// Creates it.
    pub create: gtk::Button,
}

fn entry(title: &str) -> adw::EntryRow {
    adw::EntryRow::builder().title(title).build()
}

impl PoolForm {
    /// The form for a directory pool; its button sends [`StoragePageMsg::CreatePool`].
    pub fn new(input: &Sender<StoragePageMsg>) -> PoolForm {
        let labels = [
            gettext("Directory"),
            gettext("File system on a device"),
            gettext("Network file system"),
            gettext("LVM volume group"),
            gettext("iSCSI target"),
            gettext("Partitioned disk"),
        ];
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let kind = adw::ComboRow::builder()
            .title(gettext("Type"))
            .model(&gtk::StringList::new(&labels))
            .build();
        let create = gtk::Button::with_mnemonic(&gettext("C_reate Pool"));
        create.add_css_class("suggested-action");
        let sender = input.clone();
        create.connect_clicked(move |_| sender.emit(StoragePageMsg::CreatePool));
        let start = gtk::Switch::new();
        start.set_active(true);
        start.set_valign(gtk::Align::Center);
        let start_row = adw::ActionRow::builder()
            .title(gettext("Start now and with the host"))
            .build();
        start_row.add_suffix(&start);
        start_row.set_activatable_widget(Some(&start));
        let format = adw::ComboRow::builder().title(gettext("Format")).build();
        let form = PoolForm {
            group: adw::PreferencesGroup::builder()
                .title(gettext("New Pool"))
                .header_suffix(&create)
                .build(),
            kind,
            name: entry(&gettext("Name")),
            target: entry(&gettext("Target directory")),
            device: entry(&gettext("Source device")),
            host: entry(&gettext("Server")),
            source_dir: entry(&gettext("Exported directory")),
            group_name: entry(&gettext("Volume group")),
            format,
            start,
            create,
        };
        for row in [
            form.kind.upcast_ref::<gtk::Widget>(),
            form.name.upcast_ref(),
            form.host.upcast_ref(),
            form.source_dir.upcast_ref(),
            form.group_name.upcast_ref(),
            form.device.upcast_ref(),
            form.format.upcast_ref(),
            form.target.upcast_ref(),
            start_row.upcast_ref(),
        ] {
            form.group.add(row);
        }
        let f = form.clone();
        form.kind.connect_selected_notify(move |_| f.show_kind());
        form.show_kind();
        form
    }

    /// The chosen type.
    pub fn kind(&self) -> &'static str {
        KINDS
            .get(self.kind.selected() as usize)
            .copied()
            .unwrap_or("dir")
    }

    /// Chooses the type `kind` (one of [`KINDS`]).
    pub fn set_kind(&self, kind: &str) {
        if let Some(i) = KINDS.iter().position(|k| *k == kind) {
            self.kind.set_selected(i as u32);
        }
    }

    /// Chooses `format` in the format list, if the type offers it.
    pub fn set_format(&self, format: &str) {
        if let Some(i) = self.formats().iter().position(|f| *f == format) {
            self.format.set_selected(i as u32);
        }
    }

    fn formats(&self) -> &'static [&'static str] {
        match self.kind() {
            "fs" => &FS_FORMATS,
            "netfs" => &NETFS_FORMATS,
            "disk" => &DISK_FORMATS,
            _ => &[],
        }
    }

    /// Shows the fields of the chosen type.
    fn show_kind(&self) {
        let kind = self.kind();
        self.device
            .set_visible(matches!(kind, "fs" | "disk" | "logical"));
        self.device.set_title(&if kind == "logical" {
            gettext("Physical volumes (optional, separated by spaces)")
        } else if kind == "disk" {
            gettext("Disk device")
        } else {
            gettext("Source device")
        });
        self.host.set_visible(matches!(kind, "netfs" | "iscsi"));
        self.source_dir
            .set_visible(matches!(kind, "netfs" | "iscsi"));
        self.source_dir.set_title(&if kind == "iscsi" {
            gettext("Target IQN")
        } else {
            gettext("Exported directory")
        });
        self.group_name.set_visible(kind == "logical");
        let formats = self.formats();
        self.format.set_visible(!formats.is_empty());
        self.format.set_model(Some(&gtk::StringList::new(formats)));
        self.target.set_title(&match kind {
            "logical" => gettext("Target path (empty: /dev/GROUP)"),
            "iscsi" => gettext("Target path (empty: /dev/disk/by-path)"),
            "disk" => gettext("Target path (empty: /dev)"),
            _ => gettext("Target directory"),
        });
    }

    /// The pool the form describes (checked when it is made).
    pub fn spec(&self) -> PoolSpec {
        let text = |e: &adw::EntryRow| e.text().trim().to_owned();
        let format = self
            .formats()
            .get(self.format.selected() as usize)
            .copied()
            .unwrap_or_default()
            .to_owned();
        let source = match self.kind() {
            "fs" => PoolSource::Fs {
                device: text(&self.device),
                format,
            },
            "netfs" => PoolSource::Netfs {
                host: text(&self.host),
                dir: text(&self.source_dir),
                format,
            },
            "logical" => PoolSource::Logical {
                group: text(&self.group_name),
                devices: text(&self.device)
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            },
            "iscsi" => PoolSource::Iscsi {
                host: text(&self.host),
                iqn: text(&self.source_dir),
            },
            "disk" => PoolSource::Disk {
                device: text(&self.device),
                format,
            },
            _ => PoolSource::Dir,
        };
        let mut target = text(&self.target);
        if target.is_empty() {
            target = match &source {
                PoolSource::Logical { group, .. } if !group.is_empty() => format!("/dev/{group}"),
                PoolSource::Iscsi { .. } => "/dev/disk/by-path".into(),
                PoolSource::Disk { .. } => "/dev".into(),
                _ => target,
            };
        }
        PoolSpec {
            // Not trimmed: a name with spaces at its ends is refused, not changed.
            name: self.name.text().to_string(),
            target,
            source,
        }
    }

    /// Whether to start the pool once defined.
    pub fn start_now(&self) -> bool {
        self.start.is_active()
    }
}
