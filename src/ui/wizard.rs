//! The new-VM wizard: source, operating system, resources, then a summary that creates,
//! defines and starts the VM, rolling back what it made if a step fails.
//!
//! ```text
//! adw::Window
//! └── gtk::Box
//!     ├── adw::HeaderBar: Cancel/Back · "New Virtual Machine, Step n of 4" · Forward/Create
//!     ├── gtk::Stack: source · os · resources · finish (adw::PreferencesPage each)
//!     └── error label
//! ```

mod finish;
mod os;
mod resources;
mod source;
mod view;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;
use virt_xml::builder::{Firmware, NetSource};

pub use finish::{
    Created, DiskPlan, Plan, Progress, SourceKind, domain_xml, message as finish_message,
};
pub use resources::HostChoices;

use crate::i18n::{gettext, gettext_f};
use crate::osinfo::{IsoInfo, OsDb, VmDefaults};

/// What the wizard needs: the connection to create the VM on.
#[derive(Debug, Clone)]
pub struct NewVmWizardInit {
    /// The connection.
    pub conn: Connection,
    /// Its URI (shown in the title).
    pub uri: String,
    /// The emulator binary for the new VM; `None` lets libvirt choose.
    pub emulator: Option<String>,
    /// The virtualization type (`qemu` for plain emulation); `None` picks `kvm` when the
    /// host offers it.
    pub virt_type: Option<String>,
}

/// Which path a file chooser or entry sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathField {
    /// The install ISO.
    Iso,
    /// The disk image to import.
    Import,
    /// The kernel.
    Kernel,
    /// The initrd.
    Initrd,
}

/// Messages to the wizard.
#[derive(Debug)]
pub enum NewVmWizardMsg {
    /// Choose how the system is installed.
    SetSource(SourceKind),
    /// A path field changed.
    SetPath(PathField, String),
    /// Open a file chooser for a path field.
    Browse(PathField),
    /// Use the ISO volume at this index of the host's list (0 = none).
    PickIsoVolume(u32),
    /// The kernel command line changed.
    SetCmdline(String),
    /// The OS search changed.
    OsQuery(String),
    /// Choose a system by osinfo id (`None` = generic).
    ChooseOs(Option<String>),
    /// The name changed.
    SetName(String),
    /// Memory in MiB.
    SetMemory(u64),
    /// Number of vCPUs.
    SetVcpus(u32),
    /// Whether to create a disk.
    SetDisk(bool),
    /// The new disk's size in GiB.
    SetDiskSize(u64),
    /// The storage pool, by index.
    SetPool(u32),
    /// The network choice, by index (networks, then bridge, user mode, none).
    SetNetwork(u32),
    /// The bridge device.
    SetBridge(String),
    /// The firmware, by index (BIOS, then UEFI when offered).
    SetFirmware(u32),
    /// Customize before install.
    SetCustomize(bool),
    /// Previous step.
    Back,
    /// Next step (after checking this one).
    Forward,
    /// Create the VM.
    Create,
    /// Close without creating.
    Cancel,
}

/// What the wizard tells its parent.
#[derive(Debug, Clone)]
pub enum NewVmWizardOutput {
    /// The VM was created and started; open its console if `open_console`.
    Created {
        /// Its UUID.
        uuid: String,
        /// Its name.
        name: String,
        /// Whether to show its console now.
        open_console: bool,
    },
    /// The VM was defined but not started: open its hardware editor, the user starts it
    /// from there.
    CustomizeBeforeStart {
        /// Its UUID.
        uuid: String,
        /// Its name.
        name: String,
    },
    /// The user closed the wizard.
    Cancelled,
}

/// Results of work done off the main thread.
#[derive(Debug)]
pub enum WizardCmd {
    /// The OS database loaded (or failed), with the time it took in ms.
    OsDb(Result<Arc<OsDb>, String>, f64),
    /// What the host offers.
    Host(HostChoices),
    /// The identification of the ISO at this path.
    Iso(String, Option<IsoInfo>),
    /// Whether the name is taken.
    NameChecked(String, Result<bool, String>),
    /// Creation progress.
    Progress(Progress),
    /// Creation ended.
    Done(Result<Created, String>),
}

/// Sends messages from widget signals, except while the view itself updates widgets.
#[derive(Clone)]
pub struct Tx {
    sender: ComponentSender<NewVmWizard>,
    quiet: Rc<Cell<bool>>,
}

impl Tx {
    /// Sends `msg` unless the change came from the view.
    pub fn send(&self, msg: NewVmWizardMsg) {
        if !self.quiet.get() {
            self.sender.input(msg);
        }
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tx")
    }
}

/// The steps, in order.
pub const STEPS: [&str; 4] = ["source", "os", "resources", "finish"];

/// The wizard's state.
pub struct NewVmWizard {
    conn: Connection,
    uri: String,
    emulator: Option<String>,
    virt_type: Option<String>,
    step: usize,
    source: SourceKind,
    iso: String,
    import: String,
    kernel: String,
    initrd: String,
    cmdline: String,
    iso_info: Option<IsoInfo>,
    db: Option<Arc<OsDb>>,
    db_load_ms: Option<f64>,
    detected: Option<String>,
    os: Option<String>,
    os_query: String,
    os_list_gen: u64,
    name: String,
    name_edited: bool,
    memory_mib: u64,
    vcpus: u32,
    disk: bool,
    disk_gib: u64,
    virtio: bool,
    host: HostChoices,
    host_gen: u64,
    pool: u32,
    network: u32,
    bridge: String,
    firmware: u32,
    customize: bool,
    busy: bool,
    progress: (String, f64),
    error: Option<String>,
    created: Option<Created>,
    chooser: Option<gtk::FileChooserNative>,
}

impl std::fmt::Debug for NewVmWizard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewVmWizard")
            .field("step", &self.step)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl NewVmWizard {
    /// The current step (0 = source … 3 = finish).
    pub fn step(&self) -> usize {
        self.step
    }

    /// The message shown to the user, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether the OS database has loaded, and how long it took (ms).
    pub fn os_db_load_ms(&self) -> Option<f64> {
        self.db_load_ms
    }

    /// The osinfo id the install media was recognised as.
    pub fn detected_os(&self) -> Option<&str> {
        self.detected.as_deref()
    }

    /// The chosen system's osinfo id.
    pub fn chosen_os(&self) -> Option<&str> {
        self.os.as_deref()
    }

    /// Memory (MiB), vCPUs and disk size (GiB) as chosen.
    pub fn resources(&self) -> (u64, u32, u64) {
        (self.memory_mib, self.vcpus, self.disk_gib)
    }

    /// The VM's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the host's pools, networks and firmware have been read.
    pub fn host_loaded(&self) -> bool {
        self.host_gen > 0
    }

    /// What the host offers (pools, networks, firmware, VM names).
    pub fn host(&self) -> &HostChoices {
        &self.host
    }

    /// Whether creation is under way.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// The VM created, once done.
    pub fn created(&self) -> Option<&Created> {
        self.created.as_ref()
    }

    fn network_choices(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .host
            .networks
            .iter()
            .map(|n| gettext_f("Virtual network “{}”", &[n]))
            .collect();
        v.push(gettext("Host bridge"));
        v.push(gettext("User-mode networking"));
        v.push(gettext("Not connected"));
        v
    }

    fn net_source(&self) -> Option<NetSource> {
        let i = self.network as usize;
        let n = self.host.networks.len();
        if i < n {
            Some(NetSource::Network(self.host.networks[i].clone()))
        } else if i == n {
            Some(NetSource::Bridge(self.bridge.trim().to_owned()))
        } else if i == n + 1 {
            Some(NetSource::User)
        } else {
            None
        }
    }

    fn firmware_choices(&self) -> Vec<String> {
        let mut v = vec![gettext("BIOS")];
        if self.host.uefi {
            v.push(gettext("UEFI"));
        }
        v
    }

    fn chosen_firmware(&self) -> Firmware {
        if self.firmware == 1 && self.host.uefi {
            Firmware::Uefi
        } else {
            Firmware::Bios
        }
    }

    fn os_name(&self) -> String {
        self.os
            .as_deref()
            .and_then(|id| self.db.as_ref()?.get(id))
            .map_or_else(|| gettext("Generic operating system"), |o| o.name.clone())
    }

    fn apply_defaults(&mut self) {
        let defaults = match &self.db {
            Some(db) => db.defaults(self.os.as_deref().and_then(|id| db.get(id)), "x86_64"),
            None => VmDefaults::generic(),
        };
        self.memory_mib = defaults.memory_mib;
        self.vcpus = defaults.vcpus;
        self.disk_gib = defaults.disk_gib;
        self.virtio = defaults.virtio;
        if defaults.needs_uefi && self.host.uefi {
            self.firmware = 1;
        }
        if !self.name_edited {
            self.name = self.unique_name();
        }
    }

    fn unique_name(&self) -> String {
        let base = self
            .os
            .as_deref()
            .and_then(|id| self.db.as_ref()?.get(id))
            .map_or_else(|| "vm".to_owned(), |o| o.short_id().to_owned());
        let mut name = base.clone();
        let mut n = 2;
        while self.host.names.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }

    fn detect(&mut self) {
        let found = match (&self.db, &self.iso_info) {
            (Some(db), Some(info)) => db.detect(info, "x86_64").map(|o| o.id.clone()),
            _ => None,
        };
        if found != self.detected {
            self.detected = found.clone();
            if found.is_some() {
                self.os = found;
                self.apply_defaults();
            }
        }
    }

    /// Checks the current step; the message for the user when it is not complete.
    fn check_step(&self) -> Result<(), String> {
        match self.step {
            0 => {
                let missing = match self.source {
                    SourceKind::Iso => self.iso.trim().is_empty(),
                    SourceKind::Import => self.import.trim().is_empty(),
                    SourceKind::Kernel => self.kernel.trim().is_empty(),
                    SourceKind::Network => false,
                };
                if missing {
                    return Err(match self.source {
                        SourceKind::Iso => gettext("Choose an ISO image to install from."),
                        SourceKind::Import => gettext("Choose the disk image to import."),
                        _ => gettext("Choose the kernel to boot."),
                    });
                }
                Ok(())
            }
            2 => check_resources(self),
            _ => Ok(()),
        }
    }

    fn plan(&self) -> Plan {
        let disk = match self.source {
            SourceKind::Import => DiskPlan::Existing {
                path: self.import.trim().to_owned(),
                format: image_format(self.import.trim()),
            },
            _ if self.disk => DiskPlan::New {
                pool: self
                    .host
                    .pools
                    .get(self.pool as usize)
                    .cloned()
                    .unwrap_or_default(),
                gib: self.disk_gib,
            },
            _ => DiskPlan::None,
        };
        Plan {
            name: self.name.trim().to_owned(),
            virt_type: self
                .virt_type
                .clone()
                .unwrap_or_else(|| self.host.virt_type.clone()),
            memory_mib: self.memory_mib,
            vcpus: self.vcpus,
            source: self.source,
            iso: Some(self.iso.trim().to_owned()).filter(|s| !s.is_empty()),
            kernel: Some((
                self.kernel.trim().to_owned(),
                self.initrd.trim().to_owned(),
                self.cmdline.trim().to_owned(),
            )),
            disk,
            virtio: self.virtio,
            network: self.net_source(),
            firmware: self.chosen_firmware(),
            emulator: self.emulator.clone(),
            os_id: self.os.clone(),
            customize: self.customize,
        }
    }
}

/// Checks name, memory, processors, disk and network; the first problem found.
fn check_resources(w: &NewVmWizard) -> Result<(), String> {
    let name = w.name.trim();
    if name.is_empty() {
        return Err(gettext("Give the virtual machine a name."));
    }
    if name.contains('/') {
        return Err(gettext("A name cannot contain “/”."));
    }
    if w.host.names.iter().any(|n| n == name) {
        return Err(gettext_f(
            "A virtual machine called “{}” already exists.",
            &[name],
        ));
    }
    if w.memory_mib < 64 {
        return Err(gettext(
            "Give the virtual machine at least 64 MiB of memory.",
        ));
    }
    if w.vcpus == 0 {
        return Err(gettext("Give the virtual machine at least one processor."));
    }
    if w.disk && w.source != SourceKind::Import && w.host.pools.get(w.pool as usize).is_none() {
        return Err(gettext("There is no active storage pool for the new disk."));
    }
    if let Some(NetSource::Bridge(b)) = w.net_source()
        && b.is_empty()
    {
        return Err(gettext("Enter the name of the host bridge."));
    }
    Ok(())
}

/// The format of the image at `path`: qcow2 when its header says so, else raw.
pub fn image_format(path: &str) -> String {
    use std::io::Read;
    let mut magic = [0u8; 4];
    let qcow = std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map(|()| &magic == b"QFI\xfb")
        .unwrap_or_else(|_| path.ends_with(".qcow2"));
    if qcow { "qcow2" } else { "raw" }.to_owned()
}

impl Component for NewVmWizard {
    type Init = NewVmWizardInit;
    type Input = NewVmWizardMsg;
    type Output = NewVmWizardOutput;
    type CommandOutput = WizardCmd;
    type Root = adw::Window;
    type Widgets = view::WizardWidgets;

    fn init_root() -> adw::Window {
        let w = adw::Window::new();
        w.set_title(Some(&gettext("New Virtual Machine")));
        w.set_default_size(640, 720);
        w
    }

    fn init(
        init: NewVmWizardInit,
        root: adw::Window,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let tx = Tx {
            sender: sender.clone(),
            quiet: Rc::new(Cell::new(false)),
        };
        let widgets = view::WizardWidgets::new(&root, &tx);
        let s = sender.clone();
        root.connect_close_request(move |_| {
            s.input(NewVmWizardMsg::Cancel);
            gtk::glib::Propagation::Stop
        });
        sender.spawn_oneshot_command(|| {
            let start = std::time::Instant::now();
            let db = OsDb::load_system().map(Arc::new).map_err(|e| e.to_string());
            WizardCmd::OsDb(db, start.elapsed().as_secs_f64() * 1e3)
        });
        let conn = init.conn.clone();
        sender.oneshot_command(async move {
            WizardCmd::Host(resources::load_host_choices(&conn).await)
        });
        let mut model = NewVmWizard {
            conn: init.conn,
            uri: init.uri,
            emulator: init.emulator,
            virt_type: init.virt_type,
            step: 0,
            source: SourceKind::Iso,
            iso: String::new(),
            import: String::new(),
            kernel: String::new(),
            initrd: String::new(),
            cmdline: String::new(),
            iso_info: None,
            db: None,
            db_load_ms: None,
            detected: None,
            os: None,
            os_query: String::new(),
            os_list_gen: 1,
            name: String::new(),
            name_edited: false,
            memory_mib: 0,
            vcpus: 0,
            disk: true,
            disk_gib: 0,
            virtio: true,
            host: HostChoices::default(),
            host_gen: 0,
            pool: 0,
            network: 0,
            bridge: String::new(),
            firmware: 0,
            customize: false,
            busy: false,
            progress: (String::new(), 0.0),
            error: None,
            created: None,
            chooser: None,
        };
        model.apply_defaults();
        ComponentParts { model, widgets }
    }

    fn update(&mut self, msg: NewVmWizardMsg, sender: ComponentSender<Self>, root: &adw::Window) {
        use NewVmWizardMsg as M;
        if self.busy && !matches!(msg, M::Cancel) {
            return;
        }
        match msg {
            M::SetSource(kind) => {
                self.source = kind;
                self.error = None;
            }
            M::SetPath(field, path) => self.set_path(field, path, &sender),
            M::Browse(field) => self.browse(field, root, &sender),
            M::PickIsoVolume(i) => {
                if let Some((_, path)) = i
                    .checked_sub(1)
                    .and_then(|i| self.host.isos.get(i as usize))
                {
                    let path = path.clone();
                    self.set_path(PathField::Iso, path, &sender);
                }
            }
            M::SetCmdline(c) => self.cmdline = c,
            M::OsQuery(q) => {
                self.os_query = q;
                self.os_list_gen += 1;
            }
            M::ChooseOs(id) => {
                self.os = id;
                self.apply_defaults();
            }
            M::SetName(n) => {
                if n != self.name {
                    self.name = n;
                    self.name_edited = true;
                    self.error = None;
                }
            }
            M::SetMemory(m) => self.memory_mib = m,
            M::SetVcpus(v) => self.vcpus = v,
            M::SetDisk(on) => self.disk = on,
            M::SetDiskSize(g) => self.disk_gib = g,
            M::SetPool(i) => self.pool = i,
            M::SetNetwork(i) => self.network = i,
            M::SetBridge(b) => self.bridge = b,
            M::SetFirmware(i) => self.firmware = i,
            M::SetCustomize(c) => self.customize = c,
            M::Back => {
                self.error = None;
                self.step = self.step.saturating_sub(1);
            }
            M::Forward => match self.check_step() {
                Err(e) => self.error = Some(e),
                Ok(()) if self.step == 2 => {
                    // The name list may be stale: ask the host before going on.
                    self.error = None;
                    let conn = self.conn.clone();
                    let name = self.name.trim().to_owned();
                    sender.oneshot_command(async move {
                        let taken = finish::name_taken(&conn, &name).await;
                        WizardCmd::NameChecked(name, taken)
                    });
                }
                Ok(()) => {
                    self.error = None;
                    self.step = (self.step + 1).min(STEPS.len() - 1);
                }
            },
            M::Create => self.create(&sender),
            M::Cancel => {
                if !self.busy {
                    root.set_visible(false);
                    let _ = sender.output(NewVmWizardOutput::Cancelled);
                }
            }
        }
    }

    fn update_cmd(&mut self, cmd: WizardCmd, sender: ComponentSender<Self>, root: &adw::Window) {
        match cmd {
            WizardCmd::OsDb(result, ms) => {
                self.db_load_ms = Some(ms);
                match result {
                    Ok(db) => {
                        tracing::debug!("osinfo-db: {} systems in {ms:.1} ms", db.all().len());
                        self.db = Some(db);
                    }
                    Err(e) => tracing::warn!("osinfo-db: {e}"),
                }
                self.os_list_gen += 1;
                self.detect();
            }
            WizardCmd::Host(host) => {
                self.host = host;
                self.host_gen += 1;
                self.network = default_network(&self.host);
                if !self.name_edited {
                    self.name = self.unique_name();
                }
            }
            WizardCmd::Iso(path, info) => {
                if path == self.iso.trim() {
                    self.iso_info = info;
                    self.detect();
                }
            }
            WizardCmd::NameChecked(name, result) => {
                if name != self.name.trim() || self.step != 2 {
                    return;
                }
                match result {
                    Ok(true) => {
                        self.error = Some(gettext_f(
                            "A virtual machine called “{}” already exists.",
                            &[&name],
                        ));
                    }
                    Ok(false) => self.step = 3,
                    Err(e) => self.error = Some(e),
                }
            }
            WizardCmd::Progress(Progress::Step(text, fraction)) => self.progress = (text, fraction),
            WizardCmd::Done(result) => {
                self.busy = false;
                match result {
                    Ok(created) => {
                        let out = if created.started {
                            NewVmWizardOutput::Created {
                                uuid: created.uuid.clone(),
                                name: created.name.clone(),
                                open_console: true,
                            }
                        } else {
                            NewVmWizardOutput::CustomizeBeforeStart {
                                uuid: created.uuid.clone(),
                                name: created.name.clone(),
                            }
                        };
                        self.created = Some(created);
                        root.set_visible(false);
                        let _ = sender.output(out);
                    }
                    Err(e) => {
                        self.progress = (String::new(), 0.0);
                        self.error = Some(e);
                    }
                }
            }
        }
    }

    fn update_view(&self, widgets: &mut Self::Widgets, _sender: ComponentSender<Self>) {
        widgets.refresh(self);
    }
}

/// The "default" network when the host has one, else user-mode networking.
fn default_network(host: &HostChoices) -> u32 {
    let n = host.networks.len();
    let i = host
        .networks
        .iter()
        .position(|x| x == "default")
        .unwrap_or(n + 1);
    u32::try_from(i).unwrap_or(0)
}

impl NewVmWizard {
    fn set_path(&mut self, field: PathField, path: String, sender: &ComponentSender<Self>) {
        self.error = None;
        match field {
            PathField::Iso => {
                if path == self.iso {
                    return;
                }
                self.iso = path.clone();
                self.iso_info = None;
                let p = path.trim().to_owned();
                sender.spawn_oneshot_command(move || {
                    let info = crate::osinfo::read_iso_info(std::path::Path::new(&p)).ok();
                    WizardCmd::Iso(p, info)
                });
            }
            PathField::Import => self.import = path,
            PathField::Kernel => self.kernel = path,
            PathField::Initrd => self.initrd = path,
        }
    }

    fn browse(&mut self, field: PathField, root: &adw::Window, sender: &ComponentSender<Self>) {
        let title = match field {
            PathField::Iso => gettext("Choose an ISO Image"),
            PathField::Import => gettext("Choose a Disk Image"),
            PathField::Kernel => gettext("Choose a Kernel"),
            PathField::Initrd => gettext("Choose an Initrd"),
        };
        let chooser = gtk::FileChooserNative::new(
            Some(&title),
            Some(root),
            gtk::FileChooserAction::Open,
            Some(&gettext("_Open")),
            Some(&gettext("_Cancel")),
        );
        chooser.set_modal(true);
        if field == PathField::Iso {
            let filter = gtk::FileFilter::new();
            filter.set_name(Some(&gettext("ISO images")));
            filter.add_pattern("*.iso");
            filter.add_pattern("*.ISO");
            chooser.add_filter(&filter);
        }
        let s = sender.clone();
        chooser.connect_response(move |c, response| {
            if response == gtk::ResponseType::Accept
                && let Some(path) = c.file().and_then(|f| f.path())
            {
                s.input(NewVmWizardMsg::SetPath(field, path.display().to_string()));
            }
        });
        chooser.show();
        self.chooser = Some(chooser);
    }

    fn create(&mut self, sender: &ComponentSender<Self>) {
        self.step = 3;
        if let Err(e) = check_resources(self) {
            self.error = Some(e);
            return;
        }
        self.busy = true;
        self.error = None;
        let conn = self.conn.clone();
        let plan = self.plan();
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let progress_out = out.clone();
                    let result = finish::create(&conn, &plan, move |p| {
                        let _ = progress_out.send(WizardCmd::Progress(p));
                    })
                    .await;
                    let _ = out.send(WizardCmd::Done(result));
                })
                .drop_on_shutdown()
        });
    }
}
