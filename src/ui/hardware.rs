//! The hardware editor of one VM: overview, processors, memory, boot, disks, network cards,
//! other devices and the full XML. Edits go through virt-xml's typed views on the persistent
//! (inactive) definition, so nothing else in it changes; Apply defines the edited document and
//! makes the changes a running VM can take at once live. A page widget, not a window.
//!
//! ```text
//! gtk::Box (root)
//! ├── gtk::Box: gtk::StackSidebar │ gtk::Stack of adw::PreferencesPage (one per section)
//! └── gtk::ActionBar: status · Revert · Apply
//! ```

mod apply;
mod boot;
mod browse;
mod cpu;
mod device_form;
mod devices;
mod disks;
mod display;
mod edit;
mod firmware;
mod follow;
mod hostdevs;
mod memory;
mod new_disk;
pub mod nics;
mod overview;
mod queries;
mod results;
mod rows;
mod steps;
mod xml_tab;

use std::cell::Cell;
use std::rc::Rc;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Domain;
use virt_xml::DomainXml;
use virt_xml::domain::{DeviceSpec, Firmware, InterfaceSource};

pub use apply::{AFFECT_LIVE, ApplyPlan, LiveOp, Loaded, XML_INACTIVE};
pub use firmware::HostFirmware;
pub use hostdevs::HostDevice;
pub use new_disk::NewDisk;
pub use rows::Tx;

use crate::i18n::gettext;
use crate::ui::volume_browser::{PickedVolume, VolumeBrowser, VolumeBrowserOutput};
use crate::ui::volumes::PoolVolumes;
use crate::ui::volumes::default_pool::DefaultPool;

/// What the editor needs: the VM and whether it runs.
#[derive(Debug, Clone)]
pub struct HardwareEditorInit {
    /// The VM.
    pub domain: Domain,
    /// Whether it is running (refreshed on every load).
    pub active: bool,
}

/// What an image chosen in the storage browser is for.
#[derive(Debug, Clone)]
pub enum BrowseFor {
    /// The path of the existing image to add (into the entry whose Browse button was
    /// clicked); `true` lists ISO images (for a CD-ROM), else disk images.
    Existing(bool),
    /// The medium of the CD-ROM or floppy at this index, inserted at once.
    Media(usize),
}

/// Messages to the editor. Indexes count disks or interfaces in document order.
#[derive(Debug, Clone)]
pub enum HardwareEditorMsg {
    /// A section came on screen: built then if what it shows changed while it was hidden.
    SectionShown,
    /// Read the VM again, dropping edits.
    Reload,
    /// The name (only while shut off).
    SetName(String),
    /// The title.
    SetTitle(String),
    /// The description.
    SetDescription(String),
    /// Start with the host.
    SetAutostart(bool),
    /// Maximum vCPUs.
    SetVcpusMax(u32),
    /// vCPUs present at boot.
    SetVcpusCurrent(u32),
    /// The CPU mode (`host-passthrough`, `host-model`, `custom`, `maximum`).
    SetCpuMode(String),
    /// The CPU model (for `custom`).
    SetCpuModel(String),
    /// Sockets, cores and threads; `None` removes the topology.
    SetTopology(Option<(u32, u32, u32)>),
    /// Maximum memory in MiB.
    SetMemoryMax(u64),
    /// Current memory (balloon) in MiB; live while running.
    SetMemoryCurrent(u64),
    /// Boot devices in order (`hd`, `cdrom`, `network`, `fd`).
    SetBootOrder(Vec<String>),
    /// Show the boot menu.
    SetBootMenu(bool),
    /// The firmware (takes effect at the next start).
    SetFirmware(Firmware),
    /// Add an emulated TPM 2.0, or remove every TPM (takes effect at the next start).
    SetTpm(bool),
    /// Direct kernel boot: kernel, initrd, command line (empty removes).
    SetKernelBoot(String, String, String),
    /// Insert (`Some`) or eject (`None`) the medium of a CD-ROM; live while running.
    SetDiskMedia(usize, Option<String>),
    /// A disk's bus (takes effect after restart).
    SetDiskBus(usize, String),
    /// A disk's cache mode (`default` removes it).
    SetDiskCache(usize, String),
    /// Add a disk: path, `disk` or `cdrom`, bus. A disk's format is read from the host first.
    AddDisk(String, String, String),
    /// Add a disk whose image format is known: path, `disk` or `cdrom`, bus, format.
    AddDiskAs(String, String, String, String),
    /// Open the storage browser to choose an image for this.
    Browse(BrowseFor),
    /// What the storage browser chose.
    Browsed(VolumeBrowserOutput),
    /// Remove a disk.
    RemoveDisk(usize),
    /// Create a volume and attach it as a new disk, at once (refused while other edits wait).
    AddNewDisk(NewDisk),
    /// Connect an interface elsewhere.
    SetNicSource(usize, InterfaceSource),
    /// An interface's model.
    SetNicModel(usize, String),
    /// An interface's MAC address.
    SetNicMac(usize, String),
    /// Link up or down; live while running.
    SetNicLink(usize, bool),
    /// Add an interface.
    AddNic(InterfaceSource),
    /// Remove an interface.
    RemoveNic(usize),
    /// The display's listen address.
    SetDisplayListen(String),
    /// The display's password (empty removes it).
    SetDisplayPassword(String),
    /// Switch the display to this protocol (`vnc` or `spice`).
    SetDisplayKind(String),
    /// Add a display of this protocol to a VM without one.
    AddDisplay(String),
    /// Remove the device at this index of the other devices (hot-unplugged while running
    /// where libvirt can).
    RemoveDevice(usize),
    /// Add a video, serial, console, input, sound, TPM, RNG or watchdog device (hot-plugged
    /// while running where libvirt can).
    AddDevice(DeviceSpec),
    /// Change the device at this index of the other devices (takes effect after restart).
    EditDevice(usize, DeviceSpec),
    /// Add a host device (USB `vendor:product` or PCI `domain:bus:slot.function`).
    AddHostdev(String),
    /// The XML tab's text changed.
    XmlChanged(String),
    /// Define the XML tab's text.
    ApplyXml,
    /// Send the edits.
    Apply,
    /// Drop the edits.
    Revert,
}

/// What the editor tells its parent.
#[derive(Debug, Clone)]
pub enum HardwareEditorOutput {
    /// The VM's definition changed (it may have a new name).
    Changed,
}

/// Results of calls to the daemon.
#[derive(Debug)]
pub enum EditorCmd {
    /// The VM as read.
    Loaded(Result<Box<Loaded>, String>),
    /// An apply ended.
    Applied(Result<(), String>),
    /// The host's USB and PCI devices.
    HostDevices(Result<Vec<HostDevice>, String>),
    /// The active storage pools and their volumes; with none, what making the pool `default`
    /// would do.
    Pools(Result<Vec<PoolVolumes>, String>, Option<DefaultPool>),
    /// The pool `default` was made or started for a new disk: the line telling the user.
    PoolMade(String),
    /// A step of adding a new disk started: its description and the fraction done.
    Progress(String, f64),
    /// The VM started (`true`) or stopped.
    Running(bool),
    /// A disk image's format was read for adding it: the edit that adds it, or why it could
    /// not be read.
    Probed(Result<HardwareEditorMsg, String>),
    /// The host's networks and bridges, for the network cards.
    NetChoices(nics::NetChoices),
    /// What firmware and TPM the host offers the VM (`None`: the host did not say).
    HostFirmware(Option<HostFirmware>),
}

/// The editor's state.
#[derive(Debug)]
pub struct HardwareEditor {
    domain: Domain,
    active: bool,
    autostart: bool,
    original: Option<DomainXml>,
    edited: Option<DomainXml>,
    live: Option<DomainXml>,
    new_autostart: Option<bool>,
    live_ops: Vec<LiveOp>,
    restart_needed: bool,
    dirty: bool,
    generation: u64,
    xml_text: String,
    xml_error: Option<String>,
    busy: bool,
    status: Option<String>,
    error: Option<String>,
    reload_after_apply_note: Option<String>,
    host_devices: Option<Result<Vec<HostDevice>, String>>,
    net_choices: Option<nics::NetChoices>,
    /// The host's firmware and TPM for this VM, once asked (the inner `None`: not known).
    host_firmware: Option<Option<HostFirmware>>,
    pools: Option<Result<Vec<PoolVolumes>, String>>,
    /// With no active pool: how the pool `default` would be made for a new disk.
    default_pool: Option<DefaultPool>,
    /// Times the pool list arrived.
    pools_generation: u64,
    progress: Option<(String, f64)>,
    /// Messages that arrived while a load or an apply ran, handled once it is done.
    queued: Vec<HardwareEditorMsg>,
    /// The VM started or stopped while a load or an apply ran.
    running_later: Option<bool>,
    /// The storage browser, made when first opened.
    browser: Option<Rc<Controller<VolumeBrowser>>>,
    /// What the browser is open for.
    browsing: Option<BrowseFor>,
    /// The entry of the existing image's path, whose Browse button opened the browser.
    browse_entry: rows::BrowseEntry,
    /// The volume last chosen for an existing image: its format, from its XML, is used when
    /// that path is added.
    picked: Option<PickedVolume>,
}

/// The section pages: (name, title).
pub fn sections() -> Vec<(&'static str, String)> {
    vec![
        ("overview", gettext("Overview")),
        ("cpu", gettext("Processors")),
        ("memory", gettext("Memory")),
        ("boot", gettext("Boot Options")),
        ("disks", gettext("Disks")),
        ("nics", gettext("Network")),
        ("devices", gettext("Devices")),
        ("xml", gettext("XML")),
    ]
}

/// The editor's widgets.
#[derive(Debug)]
pub struct HardwareEditorWidgets {
    tx: Tx,
    /// The sections.
    pub stack: gtk::Stack,
    /// What happened last.
    pub status: gtk::Label,
    /// Drop edits.
    pub revert: gtk::Button,
    /// Send edits.
    pub apply: gtk::Button,
    /// The XML tab.
    pub xml: xml_tab::XmlTab,
    /// The holders of the section pages (all but the XML tab), by name.
    pages: Vec<(&'static str, adw::Bin)>,
    /// Hidden sections whose content is out of date: built when they come on screen.
    stale: std::collections::HashSet<&'static str>,
    generation: u64,
    /// Whether the devices page shows the host's devices yet.
    host_devices_shown: bool,
    /// Whether the network page shows the host's networks and bridges yet.
    net_choices_shown: bool,
    /// Whether the boot page shows what firmware the host offers yet.
    firmware_shown: bool,
    /// The pool list the disks page shows.
    pools_shown: u64,
    /// How far adding a new disk got.
    pub progress: gtk::ProgressBar,
}

impl Component for HardwareEditor {
    type Init = HardwareEditorInit;
    type Input = HardwareEditorMsg;
    type Output = HardwareEditorOutput;
    type CommandOutput = EditorCmd;
    type Root = gtk::Box;
    type Widgets = HardwareEditorWidgets;

    fn init_root() -> gtk::Box {
        gtk::Box::new(gtk::Orientation::Vertical, 0)
    }

    fn init(
        init: HardwareEditorInit,
        root: gtk::Box,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let browse_entry = rows::BrowseEntry::default();
        let tx = Tx {
            sender: sender.clone(),
            quiet: Rc::new(Cell::new(false)),
            browse_entry: browse_entry.clone(),
        };
        let body = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        body.set_vexpand(true);
        let stack = gtk::Stack::new();
        stack.set_hexpand(true);
        // Only the section on screen is measured at each layout.
        stack.set_hhomogeneous(false);
        stack.set_vhomogeneous(false);
        let sidebar = gtk::StackSidebar::new();
        sidebar.set_stack(&stack);
        sidebar.set_width_request(180);
        body.append(&sidebar);
        body.append(&gtk::Separator::new(gtk::Orientation::Vertical));
        body.append(&stack);
        root.append(&body);
        let bar = gtk::ActionBar::new();
        let status = gtk::Label::new(None);
        status.set_wrap(true);
        // An action bar gives its start widgets only their natural width: ask for a wide one.
        status.set_width_chars(50);
        status.set_max_width_chars(90);
        status.set_xalign(0.0);
        bar.pack_start(&status);
        let progress = gtk::ProgressBar::new();
        progress.set_valign(gtk::Align::Center);
        progress.set_visible(false);
        bar.pack_start(&progress);
        let apply = gtk::Button::with_mnemonic(&gettext("_Apply"));
        apply.add_css_class("suggested-action");
        let s = tx.clone();
        apply.connect_clicked(move |_| s.send(HardwareEditorMsg::Apply));
        let revert = gtk::Button::with_mnemonic(&gettext("_Revert"));
        let s = tx.clone();
        revert.connect_clicked(move |_| s.send(HardwareEditorMsg::Revert));
        bar.pack_end(&apply);
        bar.pack_end(&revert);
        root.append(&bar);
        let xml = xml_tab::XmlTab::new(&tx);
        let mut pages = Vec::new();
        for (name, title) in sections() {
            let child: gtk::Widget = if name == "xml" {
                xml.root.clone().upcast()
            } else {
                let bin = adw::Bin::new();
                bin.set_child(Some(&adw::PreferencesPage::new()));
                pages.push((name, bin.clone()));
                bin.upcast()
            };
            stack.add_titled(&child, Some(name), &title);
        }
        // The stack also notifies while it is torn down, after the editor is gone: no panic then.
        let s = sender.input_sender().clone();
        stack.connect_visible_child_name_notify(move |_| {
            let _ = s.send(HardwareEditorMsg::SectionShown);
        });
        let mut model = HardwareEditor {
            domain: init.domain,
            active: init.active,
            autostart: false,
            original: None,
            edited: None,
            live: None,
            new_autostart: None,
            live_ops: Vec::new(),
            restart_needed: false,
            dirty: false,
            generation: 0,
            xml_text: String::new(),
            xml_error: None,
            busy: false,
            status: None,
            error: None,
            reload_after_apply_note: None,
            host_devices: None,
            net_choices: None,
            host_firmware: None,
            pools: None,
            default_pool: None,
            pools_generation: 0,
            progress: None,
            queued: Vec::new(),
            running_later: None,
            browser: None,
            browsing: None,
            browse_entry,
            picked: None,
        };
        model.reload(&sender);
        model.follow_state(&sender);
        let conn = model.domain.connection().clone();
        let c = conn.clone();
        sender.oneshot_command(async move { EditorCmd::HostDevices(hostdevs::list(&c).await) });
        sender.oneshot_command(async move {
            EditorCmd::NetChoices(nics::NetChoices::load(&conn).await)
        });
        model.load_pools(&sender);
        let widgets = HardwareEditorWidgets {
            tx,
            stack,
            status,
            revert,
            apply,
            xml,
            pages,
            stale: std::collections::HashSet::new(),
            generation: 0,
            host_devices_shown: false,
            net_choices_shown: false,
            firmware_shown: false,
            pools_shown: 0,
            progress,
        };
        ComponentParts { model, widgets }
    }

    fn update(&mut self, msg: HardwareEditorMsg, sender: ComponentSender<Self>, root: &gtk::Box) {
        use HardwareEditorMsg as M;
        let msg = match msg {
            M::SectionShown => return,
            M::Browse(what) => return self.browse(what, root, &sender),
            M::Browsed(out) => match self.browsed(out) {
                Some(msg) => msg,
                None => return,
            },
            M::AddDisk(path, device, bus) => self.known_format(path, device, bus),
            msg => msg,
        };
        if self.busy {
            // The sections are insensitive meanwhile; what still arrives waits its turn.
            self.queued.push(msg);
            return;
        }
        match msg {
            M::Reload | M::Revert => {
                self.status = None;
                self.error = None;
                self.reload(&sender);
            }
            M::Apply => self.apply(&sender),
            M::XmlChanged(t) => {
                self.xml_text = t;
                self.xml_error = None;
            }
            M::ApplyXml => self.apply_xml(&sender),
            M::AddNewDisk(disk) => self.add_new_disk(disk, &sender),
            M::AddDisk(path, device, bus) if device != "cdrom" => {
                // The image is on the host: its format comes from there, off the GTK thread.
                // Edits that come meanwhile wait, so that they land after the disk.
                let conn = self.domain.connection().clone();
                self.busy = true;
                sender.oneshot_command(async move {
                    let path = path.trim().to_owned();
                    let found = if path.is_empty() {
                        Err(crate::i18n::gettext("Enter the path of the disk image."))
                    } else {
                        crate::session::media::image_format(&conn, &path).await
                    };
                    EditorCmd::Probed(
                        found.map(|format| HardwareEditorMsg::AddDiskAs(path, device, bus, format)),
                    )
                });
            }
            other => {
                let structural = matches!(
                    other,
                    M::AddDisk(..)
                        | M::AddDiskAs(..)
                        | M::RemoveDisk(_)
                        | M::AddNic(_)
                        | M::RemoveNic(_)
                        | M::RemoveDevice(_)
                        | M::AddHostdev(_)
                        | M::AddDevice(_)
                        | M::SetDiskMedia(..)
                );
                match self.edit(other) {
                    Ok(()) => {
                        self.error = None;
                        if structural {
                            self.generation += 1;
                        }
                    }
                    Err(e) => self.error = Some(e),
                }
            }
        }
    }

    fn update_cmd(&mut self, cmd: EditorCmd, sender: ComponentSender<Self>, root: &gtk::Box) {
        self.on_result(cmd, &sender, root);
    }

    fn update_view(&self, widgets: &mut HardwareEditorWidgets, _sender: ComponentSender<Self>) {
        widgets.tx.quiet.set(true);
        let all = widgets.generation != self.generation;
        let devices = widgets.host_devices_shown != self.host_devices.is_some();
        let pools = widgets.pools_shown != self.pools_generation;
        let nets = widgets.net_choices_shown != self.net_choices.is_some();
        let fw = widgets.firmware_shown != self.host_firmware.is_some();
        if all || devices || pools || nets || fw {
            widgets.net_choices_shown = self.net_choices.is_some();
            widgets.firmware_shown = self.host_firmware.is_some();
            widgets.generation = self.generation;
            widgets.host_devices_shown = self.host_devices.is_some();
            widgets.pools_shown = self.pools_generation;
            // The stack's children stay; only their content is replaced. Removing and adding
            // stack pages instead makes GTK 4.8's sidebar disconnect from pages already freed.
            // Only the section on screen is built now; the others when they show.
            for (name, _) in &widgets.pages {
                let wanted = all
                    || (devices && *name == "devices")
                    || (pools && *name == "disks")
                    || (nets && *name == "nics")
                    || (fw && *name == "boot");
                if wanted {
                    widgets.stale.insert(name);
                }
            }
        }
        let shown = widgets.stack.visible_child_name();
        if let Some((name, bin)) = widgets
            .pages
            .iter()
            .find(|(name, _)| shown.as_deref() == Some(*name))
            && widgets.stale.remove(name)
        {
            let page = match *name {
                "overview" => overview::page(self, &widgets.tx),
                "cpu" => cpu::page(self, &widgets.tx),
                "memory" => memory::page(self, &widgets.tx),
                "boot" => boot::page(self, &widgets.tx),
                "disks" => disks::page(self, &widgets.tx),
                "nics" => nics::page(self, &widgets.tx),
                _ => devices::page(self, &widgets.tx),
            };
            bin.set_child(Some(&page));
        }
        widgets.xml.refresh(self);
        let (text, error) = match (&self.error, &self.status) {
            (Some(e), _) => (e.clone(), true),
            (None, _) if self.busy => match &self.progress {
                Some((step, _)) => (step.clone(), false),
                None => (gettext("Working…"), false),
            },
            (None, _) if self.dirty => (gettext("Unsaved changes"), false),
            (None, Some(s)) => (s.clone(), false),
            (None, None) => (String::new(), false),
        };
        widgets.status.set_label(&text);
        if error {
            widgets.status.add_css_class("error");
        } else {
            widgets.status.remove_css_class("error");
        }
        widgets.progress.set_visible(self.progress.is_some());
        if let Some((_, fraction)) = &self.progress {
            widgets.progress.set_fraction(*fraction);
        }
        // While a load or an apply runs the sections take no edits (they would be lost:
        // the result replaces the edited document).
        widgets.stack.set_sensitive(!self.busy);
        widgets.apply.set_sensitive(self.dirty && !self.busy);
        widgets.revert.set_sensitive(self.dirty && !self.busy);
        widgets.tx.quiet.set(false);
    }
}
