//! The wizard's third step: name, memory, processors, disk, network and firmware, with what the
//! host offers (storage pools, virtual networks, firmware) loaded from the connection.

use adw::prelude::*;
use virt_client::Connection;
use virt_xml::DomainCapsXml;
use virt_xml::domcaps::FirmwareSupport;

use super::{NewVmWizardMsg as Msg, Tx};
use crate::i18n::gettext;
use crate::ui::volumes::default_pool::{self, DefaultPool};

/// What the host offers for a new VM.
#[derive(Debug, Clone, Default)]
pub struct HostChoices {
    /// `kvm` when the host has it, else `qemu` (emulation).
    pub virt_type: String,
    /// The UEFI firmware the host has (OVMF, with or without Secure Boot).
    pub firmware: FirmwareSupport,
    /// Whether the host can emulate a TPM 2.0 (swtpm).
    pub tpm: bool,
    /// The machine type new VMs get: `q35` when the host offers it.
    pub machine: Option<String>,
    /// Active storage pools.
    pub pools: Vec<String>,
    /// With no active pool: what a new disk makes first (the pool `default`).
    pub default_pool: Option<DefaultPool>,
    /// Virtual networks.
    pub networks: Vec<String>,
    /// The host's bridges.
    pub bridges: Vec<String>,
    /// The names of the VMs already on the host.
    pub names: Vec<String>,
}

impl HostChoices {
    /// Takes firmware, TPM and machine type from the domain capabilities for `machine`
    /// (`None`: the emulator's default machine type).
    pub fn read_caps(&mut self, caps: &DomainCapsXml, machine: Option<&str>) {
        let root = caps.root();
        self.firmware = root.firmware_support(caps);
        self.tpm = root.tpm_emulator(caps);
        self.machine = machine.map(str::to_owned);
    }
}

/// Asks the host what it offers; parts that fail are left empty.
pub async fn load_host_choices(conn: &Connection) -> HostChoices {
    let mut out = HostChoices::default();
    // Q35 first (PCIe, SMM for Secure Boot), else the emulator's default machine type.
    'found: for virt_type in ["kvm", "qemu"] {
        for machine in [Some("q35"), None] {
            if let Ok(xml) = conn
                .domain_capabilities(None, Some("x86_64"), machine, Some(virt_type), 0)
                .await
            {
                out.virt_type = virt_type.to_owned();
                if let Ok(caps) = DomainCapsXml::parse(&xml) {
                    out.read_caps(&caps, machine);
                }
                break 'found;
            }
        }
    }
    if out.virt_type.is_empty() {
        out.virt_type = "qemu".into();
    }
    if let Ok(pools) = conn
        .list_all_storage_pools(crate::ui::volumes::LIST_POOLS_ACTIVE)
        .await
    {
        for pool in pools {
            out.pools.push(pool.name().to_owned());
        }
    }
    out.pools.sort();
    if out.pools.is_empty() {
        out.default_pool = Some(default_pool::plan(conn, default_pool::local_data_home()).await);
    }
    if let Ok(nets) = conn.list_all_networks(0).await {
        out.networks = nets.iter().map(|n| n.name().to_owned()).collect();
        out.networks.sort();
    }
    out.bridges = crate::ui::networks::ops::host_bridges(conn).await;
    if let Ok(domains) = conn.list_all_domains(0).await {
        out.names = domains.iter().map(|d| d.name().to_owned()).collect();
    }
    out
}

/// The resources page's widgets.
#[derive(Debug)]
pub struct ResourcesPage {
    /// The page.
    pub root: adw::PreferencesPage,
    /// The VM's name.
    pub name: adw::EntryRow,
    /// Memory in MiB.
    pub memory: gtk::SpinButton,
    /// vCPUs.
    pub vcpus: gtk::SpinButton,
    /// Whether to create a disk.
    pub disk_switch: gtk::Switch,
    /// Disk size in GiB.
    pub disk_size: gtk::SpinButton,
    /// The disk size row.
    pub disk_size_row: adw::ActionRow,
    /// The storage pool.
    pub pool: adw::ComboRow,
    /// The network choice.
    pub network: adw::ComboRow,
    /// A bridge name, typed when the host lists no bridges.
    pub bridge: adw::EntryRow,
    /// The host's bridges, when it lists some.
    pub bridge_pick: adw::ComboRow,
    /// BIOS, UEFI or UEFI with Secure Boot.
    pub firmware: adw::ComboRow,
    /// Whether to add an emulated TPM 2.0.
    pub tpm: gtk::Switch,
    /// What the host lacks for the firmware or TPM chosen.
    pub firmware_note: gtk::Label,
    /// Customize before install.
    pub customize: gtk::CheckButton,
}

fn spin_row(
    group: &adw::PreferencesGroup,
    title: &str,
    subtitle: &str,
    range: (f64, f64, f64),
) -> (adw::ActionRow, gtk::SpinButton) {
    let row = adw::ActionRow::new();
    row.set_title(title);
    row.set_subtitle(subtitle);
    let spin = gtk::SpinButton::with_range(range.0, range.1, range.2);
    spin.set_valign(gtk::Align::Center);
    spin.set_numeric(true);
    row.add_suffix(&spin);
    row.set_activatable_widget(Some(&spin));
    group.add(&row);
    (row, spin)
}

impl ResourcesPage {
    /// Builds the page.
    pub fn new(tx: &Tx) -> ResourcesPage {
        let root = adw::PreferencesPage::new();
        let g = adw::PreferencesGroup::new();
        g.set_title(&gettext("Name and Resources"));
        let name = adw::EntryRow::new();
        name.set_title(&gettext("Name"));
        let s = tx.clone();
        name.connect_changed(move |r| s.send(Msg::SetName(r.text().to_string())));
        g.add(&name);
        let (_, memory) = spin_row(
            &g,
            &gettext("Memory"),
            &gettext("MiB"),
            (64.0, 1048576.0, 256.0),
        );
        let s = tx.clone();
        memory.connect_value_changed(move |b| s.send(Msg::SetMemory(b.value() as u64)));
        let (_, vcpus) = spin_row(
            &g,
            &gettext("Processors"),
            &gettext("Virtual CPUs"),
            (1.0, 512.0, 1.0),
        );
        let s = tx.clone();
        vcpus.connect_value_changed(move |b| s.send(Msg::SetVcpus(b.value() as u32)));
        root.add(&g);

        let g = adw::PreferencesGroup::new();
        g.set_title(&gettext("Storage"));
        let disk_row = adw::ActionRow::new();
        disk_row.set_title(&gettext("Create a disk"));
        disk_row.set_subtitle(&gettext("A new qcow2 image that grows as it is used"));
        let disk_switch = gtk::Switch::new();
        disk_switch.set_valign(gtk::Align::Center);
        disk_row.add_suffix(&disk_switch);
        disk_row.set_activatable_widget(Some(&disk_switch));
        let s = tx.clone();
        disk_switch.connect_active_notify(move |w| s.send(Msg::SetDisk(w.is_active())));
        g.add(&disk_row);
        let (disk_size_row, disk_size) = spin_row(
            &g,
            &gettext("Disk size"),
            &gettext("GiB"),
            (1.0, 65536.0, 1.0),
        );
        let s = tx.clone();
        disk_size.connect_value_changed(move |b| s.send(Msg::SetDiskSize(b.value() as u64)));
        let pool = adw::ComboRow::new();
        pool.set_title(&gettext("Storage pool"));
        let s = tx.clone();
        pool.connect_selected_notify(move |r| s.send(Msg::SetPool(r.selected())));
        g.add(&pool);
        root.add(&g);

        let g = adw::PreferencesGroup::new();
        g.set_title(&gettext("Network and Firmware"));
        let network = adw::ComboRow::new();
        network.set_title(&gettext("Network"));
        let s = tx.clone();
        network.connect_selected_notify(move |r| s.send(Msg::SetNetwork(r.selected())));
        g.add(&network);
        let bridge = adw::EntryRow::new();
        bridge.set_title(&gettext("Bridge device"));
        let s = tx.clone();
        bridge.connect_changed(move |r| s.send(Msg::SetBridge(r.text().to_string())));
        g.add(&bridge);
        let bridge_pick = adw::ComboRow::new();
        bridge_pick.set_title(&gettext("Bridge device"));
        let s = tx.clone();
        bridge_pick.connect_selected_notify(move |r| {
            if let Some(item) = r.selected_item().and_downcast::<gtk::StringObject>() {
                s.send(Msg::SetBridge(item.string().to_string()));
            }
        });
        g.add(&bridge_pick);
        let firmware = adw::ComboRow::new();
        firmware.set_title(&gettext("Firmware"));
        let s = tx.clone();
        firmware.connect_selected_notify(move |r| s.send(Msg::SetFirmware(r.selected())));
        g.add(&firmware);
        let tpm_row = adw::ActionRow::new();
        tpm_row.set_title(&gettext("TPM 2.0"));
        tpm_row.set_subtitle(&gettext("An emulated Trusted Platform Module (swtpm)"));
        let tpm = gtk::Switch::new();
        tpm.set_valign(gtk::Align::Center);
        tpm_row.add_suffix(&tpm);
        tpm_row.set_activatable_widget(Some(&tpm));
        let s = tx.clone();
        tpm.connect_active_notify(move |w| s.send(Msg::SetTpm(w.is_active())));
        g.add(&tpm_row);
        let firmware_note = gtk::Label::new(None);
        firmware_note.set_wrap(true);
        firmware_note.set_xalign(0.0);
        firmware_note.set_margin_top(6);
        firmware_note.add_css_class("dim-label");
        g.add(&firmware_note);
        root.add(&g);

        let g = adw::PreferencesGroup::new();
        let row = adw::ActionRow::new();
        row.set_title(&gettext("Customize before install"));
        row.set_subtitle(&gettext(
            "Open the hardware settings instead of starting the virtual machine",
        ));
        let customize = gtk::CheckButton::new();
        row.add_prefix(&customize);
        row.set_activatable_widget(Some(&customize));
        let s = tx.clone();
        customize.connect_toggled(move |c| s.send(Msg::SetCustomize(c.is_active())));
        g.add(&row);
        root.add(&g);

        ResourcesPage {
            root,
            name,
            memory,
            vcpus,
            disk_switch,
            disk_size,
            disk_size_row,
            pool,
            network,
            bridge,
            bridge_pick,
            firmware,
            tpm,
            firmware_note,
            customize,
        }
    }
}

/// A string list model for a combo row.
pub fn string_model(items: &[String]) -> gtk::StringList {
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    gtk::StringList::new(&refs)
}
