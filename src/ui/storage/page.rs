//! The storage page of the host window: the pools (start, stop, refresh, delete, undefine,
//! autostart, a new directory pool) and the volumes of the selected pool (new, resize, delete).
//! libvirt's pool events keep it current; all libvirt work runs as commands on tokio.

use adw::prelude::*;
use relm4::factory::FactoryVecDeque;
use relm4::prelude::*;
use virt_client::{Connection, ObjectEvent};

use super::forms::Forms;
use super::ops::{self, NewVolume, PoolEntry, PoolOp, VolumeEntry};
use super::rows::{PoolRow, PoolRowOutput, VolumeList};
use super::transfer::{Progress, Transfer};
use super::words;
use crate::i18n::{gettext, gettext_f};

mod long;
mod results;
mod work;

pub use super::activity::Activity;

use work::subscribe;

/// What the page is opened on.
#[derive(Debug, Clone)]
pub struct StoragePageInit {
    /// The connection whose storage it shows.
    pub conn: Connection,
}

/// A question the page asks before an operation that cannot be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Delete the storage of the inactive pool.
    DeletePool(String),
    /// Remove the definition of the pool.
    UndefinePool(String),
    /// Delete the volume at `path`; `users` are the VMs with a disk on it.
    DeleteVolume {
        /// The volume's name.
        name: String,
        /// Its path.
        path: String,
        /// The VMs using it.
        users: Vec<String>,
    },
    /// Overwrite the volume at `path` with zeros; `users` are the VMs with a disk on it.
    WipeVolume {
        /// The volume's name.
        name: String,
        /// Its path.
        path: String,
        /// The VMs using it.
        users: Vec<String>,
    },
}

/// Messages of the storage page.
#[derive(Debug)]
pub enum StoragePageMsg {
    /// Read the pools (and the selected pool's volumes) again.
    Reload,
    /// The selection in the pool list changed.
    PoolSelectionChanged,
    /// The selection in the volume list changed.
    VolumeSelectionChanged,
    /// Run an operation on the selected pool (delete and undefine ask first).
    Pool(PoolOp),
    /// Set whether the named pool starts with the host.
    SetAutostart(String, bool),
    /// Create the pool in the form.
    CreatePool,
    /// Create the volume in the form, in the selected pool.
    CreateVolume,
    /// Grow the selected volume to the size in the form.
    ResizeVolume,
    /// Delete the selected volume (asks first).
    DeleteVolume,
    /// Ask for a local file to upload into the selected volume, or into a new volume.
    ChooseUpload {
        /// Into the selected volume (else a new one named after the file).
        into_selected: bool,
    },
    /// Ask where to download the selected volume to.
    ChooseDownload,
    /// Run a transfer (holes as holes if the form says so).
    Transfer(Transfer),
    /// Stop the transfer under way.
    CancelTransfer,
    /// Overwrite the selected volume with zeros (asks first).
    WipeVolume,
    /// Clone the selected volume under the name in the form.
    CloneVolume,
    /// Define the selected pool anew from this XML (checked first).
    ApplyXml(String),
    /// The answer to the question on screen.
    Respond(bool),
    /// Hide the error.
    DismissError,
    /// The connection was made again (`Some`), or lost (`None`).
    Connection(Option<Connection>),
}

/// What the page tells its window.
#[derive(Debug, Clone)]
pub enum StoragePageOutput {
    /// An operation succeeded; a line for the user.
    Done(String),
}

/// Results of the page's libvirt work.
#[derive(Debug)]
pub enum StorageCmd {
    /// The pools, for the load numbered so.
    Pools(u64, Result<Vec<PoolEntry>, String>),
    /// The volumes of a pool, for the load numbered so.
    Volumes(u64, String, Result<Vec<VolumeEntry>, String>),
    /// An operation ended.
    Done(Result<String, String>),
    /// How far the long operation got.
    Progress(Progress),
    /// The XML tab's definition was applied, or refused.
    XmlDone(Result<String, String>),
    /// Pool events are subscribed.
    Subscribed,
    /// A pool event arrived (or the subscription failed).
    Event(Result<ObjectEvent, String>),
}

/// The storage page.
pub struct StoragePage {
    conn: Connection,
    pools: Vec<PoolEntry>,
    volumes: Vec<VolumeEntry>,
    pool_rows: FactoryVecDeque<PoolRow>,
    volume_list: VolumeList,
    selected_pool: Option<String>,
    selected_volume: Option<String>,
    /// The pool to select once the one being created exists.
    select_after: Option<String>,
    pools_loaded: u64,
    volumes_loaded: u64,
    pool_gen: u64,
    volume_gen: u64,
    loading_pools: bool,
    loading_volumes: bool,
    busy: bool,
    error: Option<String>,
    question: Option<(Question, Option<adw::MessageDialog>)>,
    activity: Option<Activity>,
    notice: Option<String>,
    xml_error: Option<String>,
    events: Option<Result<(), String>>,
    event_count: u64,
}

impl std::fmt::Debug for StoragePage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoragePage")
            .field("pools", &self.pools.len())
            .field("selected_pool", &self.selected_pool)
            .field("busy", &self.busy)
            .field("loading_pools", &self.loading_pools)
            .field("loading_volumes", &self.loading_volumes)
            .finish_non_exhaustive()
    }
}

/// The page's widgets.
#[derive(Debug)]
pub struct StorageWidgets {
    /// The error line and its box.
    pub error: gtk::Label,
    error_box: gtk::Box,
    /// The pool list.
    pub pools: gtk::ListBox,
    /// The volume list.
    pub volumes: VolumeList,
    /// The forms and action buttons.
    pub forms: Forms,
    spinner: gtk::Spinner,
}

impl StoragePage {
    /// The pools as last read.
    pub fn pools(&self) -> &[PoolEntry] {
        &self.pools
    }

    /// The volumes of the selected pool as last read.
    pub fn volumes(&self) -> &[VolumeEntry] {
        &self.volumes
    }

    /// The selected pool's name.
    pub fn selected_pool(&self) -> Option<&str> {
        self.selected_pool.as_deref()
    }

    /// The selected volume's name.
    pub fn selected_volume(&self) -> Option<&str> {
        self.selected_volume.as_deref()
    }

    /// The error shown.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether an operation or a load is under way.
    pub fn busy(&self) -> bool {
        self.busy || self.loading_pools || self.loading_volumes
    }

    /// The long operation under way (a transfer, a clone).
    pub fn activity(&self) -> Option<&Activity> {
        self.activity.as_ref()
    }

    /// What was wrong with the XML last applied.
    pub fn xml_error(&self) -> Option<&str> {
        self.xml_error.as_deref()
    }

    /// The line of the last operation that succeeded.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// How many loads of the pools finished.
    pub fn loads(&self) -> u64 {
        self.pools_loaded
    }

    /// How many volume listings finished.
    pub fn volume_loads(&self) -> u64 {
        self.volumes_loaded
    }

    /// The question on screen.
    pub fn question(&self) -> Option<&Question> {
        self.question.as_ref().map(|(q, _)| q)
    }

    /// Whether pool events are subscribed (`None` while subscribing), and how many arrived.
    pub fn events(&self) -> (Option<&Result<(), String>>, u64) {
        (self.events.as_ref(), self.event_count)
    }

    fn pool(&self) -> Option<&PoolEntry> {
        let name = self.selected_pool.as_deref()?;
        self.pools.iter().find(|p| p.name == name)
    }

    fn volume(&self) -> Option<&VolumeEntry> {
        let name = self.selected_volume.as_deref()?;
        self.volumes.iter().find(|v| v.name == name)
    }
}

impl Component for StoragePage {
    type CommandOutput = StorageCmd;
    type Input = StoragePageMsg;
    type Output = StoragePageOutput;
    type Init = StoragePageInit;
    type Root = gtk::Box;
    type Widgets = StorageWidgets;

    fn init_root() -> gtk::Box {
        gtk::Box::new(gtk::Orientation::Vertical, 0)
    }

    fn init(
        init: StoragePageInit,
        root: gtk::Box,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let pool_rows: FactoryVecDeque<PoolRow> = FactoryVecDeque::builder()
            .launch(gtk::ListBox::default())
            .forward(sender.input_sender(), |out| match out {
                PoolRowOutput::Autostart(name, on) => StoragePageMsg::SetAutostart(name, on),
            });
        let volumes = VolumeList::new();
        let pools = pool_rows.widget().clone();
        let input = sender.input_sender().clone();
        pools.connect_row_selected(move |_, _| input.emit(StoragePageMsg::PoolSelectionChanged));
        let input = sender.input_sender().clone();
        volumes
            .selection
            .connect_selected_notify(move |_| input.emit(StoragePageMsg::VolumeSelectionChanged));

        let forms = Forms::new(&pools, &volumes.stack, sender.input_sender());
        let (error_box, error) = words::error_line(sender.input_sender());
        let spinner = gtk::Spinner::new();
        spinner.update_property(&[gtk::accessible::Property::Label(&gettext("Working"))]);
        forms.place(&root, &error_box, &spinner);

        let conn = init.conn;
        subscribe(&sender, conn.clone());

        let mut model = StoragePage {
            conn,
            pools: Vec::new(),
            volumes: Vec::new(),
            pool_rows,
            volume_list: volumes.clone(),
            selected_pool: None,
            selected_volume: None,
            select_after: None,
            pools_loaded: 0,
            volumes_loaded: 0,
            pool_gen: 0,
            volume_gen: 0,
            loading_pools: false,
            loading_volumes: false,
            busy: false,
            error: None,
            question: None,
            activity: None,
            notice: None,
            xml_error: None,
            events: None,
            event_count: 0,
        };
        let widgets = StorageWidgets {
            error,
            error_box,
            pools,
            volumes,
            forms,
            spinner,
        };
        model.load(&sender);
        model.sync(&widgets);
        ComponentParts { model, widgets }
    }

    fn update_with_view(
        &mut self,
        widgets: &mut StorageWidgets,
        msg: StoragePageMsg,
        sender: ComponentSender<Self>,
        root: &gtk::Box,
    ) {
        match msg {
            StoragePageMsg::Reload => self.load(&sender),
            StoragePageMsg::PoolSelectionChanged => {
                let name = widgets
                    .pools
                    .selected_row()
                    .and_then(|r| self.pools.get(r.index() as usize))
                    .map(|p| p.name.clone());
                if name.is_some() && name != self.selected_pool {
                    self.selected_pool = name;
                    self.selected_volume = None;
                    self.xml_error = None;
                    self.volumes.clear();
                    widgets.volumes.set(&[], None);
                    self.load_volumes(&sender);
                }
            }
            StoragePageMsg::VolumeSelectionChanged => {
                let selected = widgets.volumes.selected().and_then(|i| self.volumes.get(i));
                self.selected_volume = selected.map(|v| v.name.clone());
                if let Some(v) = selected {
                    widgets.forms.show_volume_size(v.capacity);
                }
                self.propose_clone_name(widgets);
            }
            StoragePageMsg::Pool(op) => self.pool_op(op, root, &sender),
            StoragePageMsg::SetAutostart(name, on) => {
                let current = self.pools.iter().find(|p| p.name == name);
                if current.is_some_and(|p| p.autostart != on) {
                    let conn = self.conn.clone();
                    self.run(&sender, async move {
                        ops::pool_op(&conn, &name, PoolOp::Autostart(on)).await?;
                        Ok(if on {
                            gettext_f("“{}” now starts with the host.", &[&name])
                        } else {
                            gettext_f("“{}” no longer starts with the host.", &[&name])
                        })
                    });
                }
            }
            StoragePageMsg::CreatePool => {
                let (spec, start) = widgets.forms.new_pool();
                let conn = self.conn.clone();
                self.select_after = Some(spec.name.clone());
                self.run(&sender, async move {
                    ops::create_pool(&conn, &spec, start).await
                });
            }
            StoragePageMsg::CreateVolume => {
                let Some(pool) = self.selected_pool.clone() else {
                    return;
                };
                let spec: NewVolume = widgets.forms.new_volume();
                let conn = self.conn.clone();
                self.run(&sender, async move {
                    ops::create_volume(&conn, &pool, &spec).await
                });
            }
            StoragePageMsg::ResizeVolume => {
                let Some(v) = self.volume().cloned() else {
                    return;
                };
                let gib = widgets.forms.resize_gib();
                let conn = self.conn.clone();
                self.run(&sender, async move {
                    ops::resize_volume(&conn, &v.path, gib).await
                });
            }
            StoragePageMsg::DeleteVolume => {
                if let Some(v) = self.volume().cloned() {
                    self.ask(
                        Question::DeleteVolume {
                            name: v.name,
                            path: v.path,
                            users: v.users,
                        },
                        root,
                        &sender,
                    );
                }
            }
            StoragePageMsg::ChooseUpload { into_selected } => {
                self.choose_upload(into_selected, widgets, root, &sender);
            }
            StoragePageMsg::ChooseDownload => self.choose_download(root, &sender),
            StoragePageMsg::Transfer(t) => {
                let sparse = widgets.forms.tools.sparse.is_active();
                self.start_transfer(t, sparse, &sender);
            }
            StoragePageMsg::CancelTransfer => self.cancel_transfer(),
            StoragePageMsg::WipeVolume => {
                if let Some(v) = self.volume().cloned() {
                    self.ask(
                        Question::WipeVolume {
                            name: v.name,
                            path: v.path,
                            users: v.users,
                        },
                        root,
                        &sender,
                    );
                }
            }
            StoragePageMsg::CloneVolume => {
                let name = widgets.forms.tools.clone_name.text().trim().to_owned();
                self.start_clone(name, &sender);
            }
            StoragePageMsg::ApplyXml(text) => self.apply_xml(&text, &sender),
            StoragePageMsg::Respond(yes) => self.answer(yes, &sender),
            StoragePageMsg::DismissError => self.error = None,
            StoragePageMsg::Connection(Some(conn)) => {
                self.conn = conn.clone();
                self.error = None;
                self.events = None;
                subscribe(&sender, conn);
                self.load(&sender);
            }
            StoragePageMsg::Connection(None) => {
                self.error = Some(gettext(
                    "The connection to the host is lost. The page is brought up to date when it is back.",
                ));
            }
        }
        self.sync(widgets);
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut StorageWidgets,
        cmd: StorageCmd,
        sender: ComponentSender<Self>,
        _root: &gtk::Box,
    ) {
        self.handle(cmd, widgets, &sender);
        self.sync(widgets);
    }
}
