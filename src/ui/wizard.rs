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

pub mod cloud;
pub mod cloud_form;
mod commands;
mod finish;
mod model;
mod os;
pub mod plan;
mod resources;
mod source;
mod view;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;

pub use finish::{
    Created, DiskPlan, Plan, Progress, SourceKind, create, domain_xml, domain_xml_seeded,
    message as finish_message,
};
pub use model::{default_network, default_pool};
pub use resources::{HostChoices, load_host_choices};

use crate::i18n::gettext;
use crate::osinfo::{IsoInfo, OsDb};
use crate::ui::volume_browser::{VolumeBrowser, VolumeBrowserOutput};

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
    /// The cloud image (`POOL/VOLUME`).
    Cloud,
}

/// Messages to the wizard.
#[derive(Debug)]
pub enum NewVmWizardMsg {
    /// Choose how the system is installed.
    SetSource(SourceKind),
    /// A path field changed.
    SetPath(PathField, String),
    /// Open the storage browser for a path field.
    Browse(PathField),
    /// What the storage browser chose for the field it was opened for.
    Browsed(VolumeBrowserOutput),
    /// The kernel command line changed.
    SetCmdline(String),
    /// A choice for the cloud image changed.
    Cloud(cloud_form::CloudMsg),
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
    /// The firmware, by index (BIOS, UEFI, UEFI with Secure Boot).
    SetFirmware(u32),
    /// Whether to add an emulated TPM 2.0.
    SetTpm(bool),
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
        /// What was made besides, to tell the user (the storage pool for the disk).
        note: Option<String>,
    },
    /// The VM was defined but not started: open its hardware editor, the user starts it
    /// from there.
    CustomizeBeforeStart {
        /// Its UUID.
        uuid: String,
        /// Its name.
        name: String,
        /// What was made besides, to tell the user (the storage pool for the disk).
        note: Option<String>,
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
    /// The format of the disk image to import at this path, or why it is unknown.
    ImportFormat(String, Result<String, String>),
    /// Whether the name is taken.
    NameChecked(String, Result<bool, String>),
    /// This computer's SSH public keys: (file name, key).
    LocalKeys(Vec<(String, String)>),
    /// The format of the cloud image at this `POOL/VOLUME`, or why it is none.
    CloudBase(String, Result<String, String>),
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
    cloud: cloud_form::CloudChoice,
    iso_info: Option<IsoInfo>,
    /// The format of the image to import (read from the host), once known.
    import_format: Option<Result<String, String>>,
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
    tpm: bool,
    customize: bool,
    busy: bool,
    progress: (String, f64),
    error: Option<String>,
    created: Option<Created>,
    /// The storage browser, made when first opened.
    browser: Option<Rc<Controller<VolumeBrowser>>>,
    /// The field the browser was opened for.
    browsing: Option<PathField>,
    /// Times the browser set a path (the entry then shows it even while focused).
    browsed_gen: u64,
}

impl std::fmt::Debug for NewVmWizard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewVmWizard")
            .field("step", &self.step)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
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
        // Escape closes the wizard, as it does a dialog (a popover or entry that uses Escape
        // itself gets it first).
        let keys = gtk::ShortcutController::new();
        keys.add_shortcut(gtk::Shortcut::new(
            gtk::ShortcutTrigger::parse_string("Escape"),
            Some(gtk::NamedAction::new("window.close")),
        ));
        root.add_controller(keys);
        sender.spawn_oneshot_command(|| {
            let start = std::time::Instant::now();
            let db = OsDb::load_system().map(Arc::new).map_err(|e| e.to_string());
            WizardCmd::OsDb(db, start.elapsed().as_secs_f64() * 1e3)
        });
        let conn = init.conn.clone();
        sender.oneshot_command(async move {
            WizardCmd::Host(resources::load_host_choices(&conn).await)
        });
        if crate::session::media::is_local(&init.conn) {
            // Keys for a cloud image's user; the host is this computer, so the VM is reached
            // from here.
            sender.spawn_oneshot_command(|| WizardCmd::LocalKeys(cloud_form::local_keys()));
        }
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
            cloud: cloud_form::CloudChoice::default(),
            iso_info: None,
            import_format: None,
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
            tpm: false,
            customize: false,
            busy: false,
            progress: (String::new(), 0.0),
            error: None,
            created: None,
            browser: None,
            browsing: None,
            browsed_gen: 0,
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
            M::Browsed(out) => self.browsed(out, &sender),
            M::SetCmdline(c) => self.cmdline = c,
            M::Cloud(c) => {
                self.cloud.update(c);
                self.error = None;
            }
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
            M::SetNetwork(i) => {
                self.network = i;
                // A host bridge: the first the host lists, unless one is chosen.
                if i as usize == self.host.networks.len()
                    && !self.host.bridges.contains(&self.bridge)
                    && let Some(b) = self.host.bridges.first()
                {
                    self.bridge = b.clone();
                }
            }
            M::SetBridge(b) => self.bridge = b,
            M::SetFirmware(i) => {
                self.firmware = i;
                self.error = None;
            }
            M::SetTpm(on) => {
                self.tpm = on;
                self.error = None;
            }
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
        self.apply_cmd(cmd, sender, root);
    }

    fn update_view(&self, widgets: &mut Self::Widgets, _sender: ComponentSender<Self>) {
        widgets.refresh(self);
    }
}
