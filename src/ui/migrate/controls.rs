//! The migration dialog's form widgets: where to, how (live, storage, compression,
//! auto-converge, post-copy, bandwidth) and what happens to the definitions. Options that do
//! not apply to the VM as it is are off and insensitive, and a line below says why.

use adw::prelude::*;

use super::{MigrateForm, MigrateInit};
use crate::i18n::{gettext, gettext_f};

/// The form's widgets.
#[derive(Debug)]
pub struct Controls {
    pub group: adw::PreferencesGroup,
    pub dest: adw::ComboRow,
    pub live: gtk::Switch,
    pub storage: adw::ComboRow,
    pub compressed: gtk::Switch,
    pub auto_converge: gtk::Switch,
    pub post_copy: gtk::Switch,
    pub bandwidth: gtk::SpinButton,
    pub persistent: gtk::Switch,
    pub undefine: gtk::Switch,
    pub address: adw::EntryRow,
    live_rows: Vec<adw::ActionRow>,
}

fn switch_row(title: &str, subtitle: &str, on: bool) -> (adw::ActionRow, gtk::Switch) {
    let row = adw::ActionRow::builder()
        .title(title)
        .use_underline(true)
        .build();
    if !subtitle.is_empty() {
        row.set_subtitle(subtitle);
    }
    let switch = gtk::Switch::builder()
        .active(on)
        .valign(gtk::Align::Center)
        .build();
    row.add_suffix(&switch);
    row.set_activatable_widget(Some(&switch));
    (row, switch)
}

impl Controls {
    /// Builds the form for `init`.
    pub fn new(init: &MigrateInit) -> Self {
        let group = adw::PreferencesGroup::new();
        let labels: Vec<&str> = init.destinations.iter().map(|(l, _)| l.as_str()).collect();
        let dest = adw::ComboRow::builder()
            .title(gettext("_Destination"))
            .use_underline(true)
            .model(&gtk::StringList::new(&labels))
            .build();
        if init.chosen < dest.model().map_or(0, |m| m.n_items()) {
            dest.set_selected(init.chosen);
        }
        group.add(&dest);
        let (live_row, live) = switch_row(&gettext("_Live (keep it running)"), "", init.active);
        group.add(&live_row);
        let storage = adw::ComboRow::builder()
            .title(gettext("Copy _storage"))
            .use_underline(true)
            .model(&gtk::StringList::new(&[
                &gettext("No (shared storage)"),
                &gettext("All disks"),
                &gettext("Only changes to a shared base image"),
            ]))
            .build();
        group.add(&storage);
        let (compressed_row, compressed) = switch_row(
            &gettext("C_ompress"),
            &gettext("Less data on the network, more work for both hosts"),
            false,
        );
        group.add(&compressed_row);
        let (converge_row, auto_converge) = switch_row(
            &gettext("_Auto-converge"),
            &gettext("Slow the VM down if its memory changes faster than it is copied"),
            false,
        );
        group.add(&converge_row);
        let (post_row, post_copy) = switch_row(
            &gettext("Allow _post-copy"),
            &gettext("Lets you switch the VM over before all memory is copied"),
            false,
        );
        group.add(&post_row);
        let bandwidth_row = adw::ActionRow::builder()
            .title(gettext("_Bandwidth limit (MiB/s, 0 for none)"))
            .use_underline(true)
            .build();
        let bandwidth = gtk::SpinButton::with_range(0.0, 100_000.0, 1.0);
        bandwidth.set_valign(gtk::Align::Center);
        bandwidth_row.add_suffix(&bandwidth);
        bandwidth_row.set_activatable_widget(Some(&bandwidth));
        group.add(&bandwidth_row);
        let (persistent_row, persistent) =
            switch_row(&gettext("Define on the _destination"), "", true);
        group.add(&persistent_row);
        let (undefine_row, undefine) = switch_row(&gettext("_Remove from this host"), "", false);
        group.add(&undefine_row);
        let address = adw::EntryRow::builder()
            .title(gettext("Migration _address (optional, tcp://host:port)"))
            .use_underline(true)
            .build();
        group.add(&address);
        let controls = Controls {
            group,
            dest,
            live,
            storage: storage.clone(),
            compressed,
            auto_converge,
            post_copy,
            bandwidth,
            persistent,
            undefine,
            address,
            live_rows: vec![
                live_row,
                storage.upcast(),
                compressed_row,
                converge_row,
                post_row,
                bandwidth_row,
            ],
        };
        controls.fit(init);
        if init.active {
            let post = controls.post_copy.clone();
            let post_row = controls.live_rows[4].clone();
            controls.live.connect_active_notify(move |live| {
                // Post-copy runs the VM on the destination while memory follows: live only.
                post_row.set_sensitive(live.is_active());
                if !live.is_active() {
                    post.set_active(false);
                }
            });
        }
        controls
    }

    /// Makes what does not apply to a VM that runs (`active`) or not insensitive, and says why.
    fn fit(&self, init: &MigrateInit) {
        let from = gettext_f("From {}", &[&init.source_label]);
        if init.active {
            self.group.set_description(Some(&from));
            return;
        }
        for row in &self.live_rows {
            row.set_sensitive(false);
        }
        self.live.set_active(false);
        let why = gettext(
            "The VM does not run: only its definition moves. Live migration, storage copy, compression, auto-converge, post-copy and the bandwidth limit need a running VM.",
        );
        self.group.set_description(Some(&format!("{from}\n{why}")));
    }

    /// The choices made.
    pub fn form(&self) -> MigrateForm {
        MigrateForm {
            live: self.live.is_active(),
            storage: self.storage.selected(),
            compressed: self.compressed.is_active(),
            auto_converge: self.auto_converge.is_active(),
            post_copy: self.post_copy.is_active(),
            bandwidth_mib: u64::try_from(self.bandwidth.value_as_int()).unwrap_or(0),
            persistent: self.persistent.is_active(),
            undefine_source: self.undefine.is_active(),
            address: self.address.text().to_string(),
        }
    }
}
