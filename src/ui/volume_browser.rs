//! The storage browser: a dialog that chooses an ISO or disk image among the volumes of a
//! host's storage pools, on every connection. The active pools on the left, the selected
//! pool's volumes on the right (name, format from the volume's XML, capacity), a filter for
//! ISO or disk images, refresh, and “Upload a Local File…” into the selected pool (the storage
//! page's upload with its progress and cancel). A local file dialog is a second choice on a
//! local connection only. It tells its parent the volume chosen.
//!
//! ```text
//! adw::Window (modal)
//! └── gtk::Box
//!     ├── adw::HeaderBar: Cancel · title · Choose
//!     ├── toolbar: filter · refresh · spinner ·····  Upload a Local File… · Local File…
//!     ├── gtk::Paned: pool list │ volume list
//!     ├── activity bar (an upload under way)
//!     └── status line
//! ```

mod choice;
mod view;

use std::path::PathBuf;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;

use crate::i18n::gettext;
use crate::ui::storage::activity::{self, Activity, file_name};
use crate::ui::storage::ops::{self, PoolEntry, VolumeEntry};
use crate::ui::storage::transfer::{Progress, Transfer};

pub use choice::{Filter, PickedVolume};
pub use view::BrowserWidgets;

/// What the browser is opened on.
#[derive(Debug, Clone)]
pub struct VolumeBrowserInit {
    /// The connection whose pools it lists.
    pub conn: Connection,
}

/// Messages to the browser.
#[derive(Debug)]
pub enum VolumeBrowserMsg {
    /// Show the browser with `filter`, titled `title`, reading the pools again.
    Open {
        /// The volumes listed first.
        filter: Filter,
        /// The window's title.
        title: String,
    },
    /// Read the pools and the selected pool's volumes again.
    Refresh,
    /// The pool list's selection changed to this pool.
    PoolSelected(String),
    /// The volume list's selection changed.
    VolumeSelected,
    /// The filter drop-down changed.
    SetFilter(u32),
    /// Choose the selected volume.
    Pick,
    /// Ask for a local file to upload into the selected pool.
    ChooseUpload,
    /// Upload this local file into a new volume of the selected pool, named after the file.
    Upload(PathBuf),
    /// Stop the upload under way (the new volume is deleted).
    CancelUpload,
    /// Ask for a file on this computer instead (local connections only).
    ChooseLocal,
    /// Close without choosing.
    Close,
}

/// What the browser tells its parent.
#[derive(Debug, Clone)]
pub enum VolumeBrowserOutput {
    /// A volume was chosen.
    Picked(PickedVolume),
    /// A file on this computer was chosen (the host is this computer).
    LocalFile(PathBuf),
    /// The browser was closed without a choice.
    Closed,
}

/// Results of the browser's libvirt work.
#[derive(Debug)]
pub enum BrowserCmd {
    /// The pools, for the load numbered so.
    Pools(u64, Result<Vec<PoolEntry>, String>),
    /// The volumes of a pool, for the load numbered so.
    Volumes(u64, String, Result<Vec<VolumeEntry>, String>),
    /// How far the upload got.
    Progress(Progress),
    /// The upload ended: a line for the user, or what went wrong.
    Uploaded(Result<String, String>),
}

/// The storage browser.
pub struct VolumeBrowser {
    conn: Connection,
    local: bool,
    filter: Filter,
    title: String,
    pools: Vec<PoolEntry>,
    pool_volumes: Vec<VolumeEntry>,
    shown: Vec<VolumeEntry>,
    selected_pool: Option<String>,
    /// The volume to select once the pool's volumes are read (an upload's).
    select_after: Option<String>,
    pool_gen: u64,
    volume_gen: u64,
    loading: bool,
    loads: u64,
    /// Whether the volume list takes the focus once it shows volumes (after opening).
    focus_list: bool,
    activity: Option<Activity>,
    notice: Option<String>,
    error: Option<String>,
    chooser: Option<gtk::FileChooserNative>,
}

impl std::fmt::Debug for VolumeBrowser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VolumeBrowser")
            .field("filter", &self.filter)
            .field("pools", &self.pools.len())
            .field("selected_pool", &self.selected_pool)
            .field("loading", &self.loading)
            .finish_non_exhaustive()
    }
}

impl VolumeBrowser {
    /// The active pools as last read.
    pub fn pools(&self) -> &[PoolEntry] {
        &self.pools
    }

    /// The volumes listed (the selected pool's, under the filter).
    pub fn volumes(&self) -> &[VolumeEntry] {
        &self.shown
    }

    /// The selected pool.
    pub fn selected_pool(&self) -> Option<&str> {
        self.selected_pool.as_deref()
    }

    /// The filter in use.
    pub fn filter(&self) -> Filter {
        self.filter
    }

    /// Whether pools or volumes are being read.
    pub fn loading(&self) -> bool {
        self.loading
    }

    /// How many times a pool's volumes were read and shown (or found to be none, without an
    /// active pool).
    pub fn loads(&self) -> u64 {
        self.loads
    }

    /// The upload under way.
    pub fn activity(&self) -> Option<&Activity> {
        self.activity.as_ref()
    }

    /// What the last upload said.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// What went wrong last.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether the host is this computer, so that a local file can be chosen too.
    pub fn local(&self) -> bool {
        self.local
    }

    fn pool(&self) -> Option<&PoolEntry> {
        let name = self.selected_pool.as_deref()?;
        self.pools.iter().find(|p| p.name == name)
    }

    fn load_pools(&mut self, sender: &ComponentSender<Self>) {
        self.pool_gen += 1;
        self.loading = true;
        let generation = self.pool_gen;
        let conn = self.conn.clone();
        sender
            .oneshot_command(async move { BrowserCmd::Pools(generation, ops::pools(&conn).await) });
    }

    fn load_volumes(&mut self, sender: &ComponentSender<Self>) {
        self.volume_gen += 1;
        let Some(pool) = self.pool().map(|p| p.name.clone()) else {
            // No active pool: nothing to read, the (empty) list is as read.
            self.pool_volumes.clear();
            self.loading = false;
            self.loads += 1;
            return;
        };
        self.loading = true;
        let generation = self.volume_gen;
        let conn = self.conn.clone();
        sender.oneshot_command(async move {
            let r = ops::volumes(&conn, &pool).await;
            BrowserCmd::Volumes(generation, pool, r)
        });
    }

    /// Shows the volumes under the filter, keeping the selection (or selecting `select_after`).
    fn show_volumes(&mut self, widgets: &BrowserWidgets) {
        let keep = widgets
            .volumes
            .selected()
            .and_then(|i| self.shown.get(i))
            .map(|v| v.name.clone());
        let wanted = self.select_after.take().or(keep);
        self.shown = self
            .pool_volumes
            .iter()
            .filter(|v| self.filter.matches(v))
            .cloned()
            .collect();
        let index = wanted.and_then(|n| self.shown.iter().position(|v| v.name == n));
        widgets.volumes.set(&self.shown, index);
    }

    fn picked(&self, widgets: &BrowserWidgets) -> Option<PickedVolume> {
        let pool = self.selected_pool.clone()?;
        let v = self.shown.get(widgets.volumes.selected()?)?;
        Some(PickedVolume {
            pool,
            name: v.name.clone(),
            path: v.path.clone(),
            format: if v.format.is_empty() {
                "raw".to_owned()
            } else {
                v.format.clone()
            },
        })
    }

    fn close(&mut self, root: &adw::Window) {
        // Nothing runs for a hidden dialog: an upload stops (and its volume is deleted).
        if let Some(a) = &mut self.activity {
            a.cancel();
        }
        root.set_visible(false);
    }

    fn choose_local(&mut self, root: &adw::Window, sender: &ComponentSender<Self>) {
        if !self.local {
            return;
        }
        let chooser = crate::ui::file_chooser::modal(
            Some(root.upcast_ref()),
            &self.title,
            gtk::FileChooserAction::Open,
            &gettext("_Open"),
        );
        if self.filter == Filter::Iso {
            crate::ui::file_chooser::add_disc_image_filters(&chooser);
        }
        let s = sender.clone();
        let r = root.clone();
        crate::ui::file_chooser::pick_path(&chooser, move |path| {
            r.set_visible(false);
            let _ = s.output(VolumeBrowserOutput::LocalFile(path));
        });
        self.chooser = Some(chooser);
    }
}

impl Component for VolumeBrowser {
    type Init = VolumeBrowserInit;
    type Input = VolumeBrowserMsg;
    type Output = VolumeBrowserOutput;
    type CommandOutput = BrowserCmd;
    type Root = adw::Window;
    type Widgets = BrowserWidgets;

    fn init_root() -> adw::Window {
        let w = adw::Window::new();
        w.set_modal(true);
        w.set_default_size(860, 560);
        w
    }

    fn init(
        init: VolumeBrowserInit,
        root: adw::Window,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let local = crate::session::media::is_local(&init.conn);
        let widgets = BrowserWidgets::new(&root, local, sender.input_sender());
        let model = VolumeBrowser {
            conn: init.conn,
            local,
            filter: Filter::Iso,
            title: String::new(),
            pools: Vec::new(),
            pool_volumes: Vec::new(),
            shown: Vec::new(),
            selected_pool: None,
            select_after: None,
            pool_gen: 0,
            volume_gen: 0,
            loading: false,
            loads: 0,
            focus_list: false,
            activity: None,
            notice: None,
            error: None,
            chooser: None,
        };
        ComponentParts { model, widgets }
    }

    fn update_with_view(
        &mut self,
        widgets: &mut BrowserWidgets,
        msg: VolumeBrowserMsg,
        sender: ComponentSender<Self>,
        root: &adw::Window,
    ) {
        use VolumeBrowserMsg as M;
        match msg {
            M::Open { filter, title } => {
                self.filter = filter;
                self.title = title;
                root.set_title(Some(&self.title));
                widgets.filter.set_selected(filter.index());
                self.show_volumes(widgets);
                if self.activity.is_none() {
                    self.error = None;
                    self.notice = None;
                }
                self.load_pools(&sender);
                root.present();
                self.focus_list = !widgets.volumes.view.grab_focus();
            }
            M::Refresh => self.load_pools(&sender),
            M::PoolSelected(name) => {
                if self.selected_pool.as_deref() != Some(name.as_str()) {
                    self.selected_pool = Some(name);
                    self.pool_volumes.clear();
                    self.show_volumes(widgets);
                    self.load_volumes(&sender);
                }
            }
            M::VolumeSelected => {}
            M::SetFilter(i) => {
                let filter = Filter::ALL.get(i as usize).copied().unwrap_or(Filter::All);
                if filter != self.filter {
                    self.filter = filter;
                    self.show_volumes(widgets);
                }
            }
            M::Pick => {
                if let Some(picked) = self.picked(widgets) {
                    self.close(root);
                    let _ = sender.output(VolumeBrowserOutput::Picked(picked));
                }
            }
            M::ChooseUpload => {
                if self.pool().is_some() && self.activity.is_none() {
                    let input = sender.input_sender().clone();
                    activity::choose_upload(Some(root.upcast_ref()), move |file| {
                        input.emit(VolumeBrowserMsg::Upload(file));
                    });
                }
            }
            M::Upload(file) => {
                let Some(pool) = self.selected_pool.clone() else {
                    return;
                };
                if self.activity.is_some() {
                    return;
                }
                let name = file_name(&file);
                self.select_after = Some(name.clone());
                self.error = None;
                self.notice = None;
                let t = Transfer::UploadNew { pool, name, file };
                self.activity = Some(Activity::start_transfer(
                    &sender,
                    &self.conn,
                    t,
                    true,
                    BrowserCmd::Progress,
                    BrowserCmd::Uploaded,
                ));
            }
            M::CancelUpload => {
                if let Some(a) = &mut self.activity {
                    a.cancel();
                }
            }
            M::ChooseLocal => self.choose_local(root, &sender),
            M::Close => {
                self.close(root);
                let _ = sender.output(VolumeBrowserOutput::Closed);
            }
        }
        self.sync(widgets);
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut BrowserWidgets,
        cmd: BrowserCmd,
        sender: ComponentSender<Self>,
        _root: &adw::Window,
    ) {
        match cmd {
            BrowserCmd::Pools(generation, result) => {
                if generation != self.pool_gen {
                    return;
                }
                match result {
                    Ok(pools) => {
                        self.pools = pools.into_iter().filter(PoolEntry::active).collect();
                        if self.pool().is_none() {
                            self.selected_pool = self.pools.first().map(|p| p.name.clone());
                        }
                        widgets.show_pools(&self.pools, self.selected_pool.as_deref());
                        self.load_volumes(&sender);
                        if !self.loading {
                            self.show_volumes(widgets);
                        }
                    }
                    Err(e) => {
                        self.loading = false;
                        self.error = Some(e);
                    }
                }
            }
            BrowserCmd::Volumes(generation, pool, result) => {
                if generation != self.volume_gen || self.selected_pool.as_deref() != Some(&pool) {
                    return;
                }
                self.loading = false;
                match result {
                    Ok(volumes) => self.pool_volumes = volumes,
                    Err(e) => {
                        self.pool_volumes.clear();
                        self.error = Some(e);
                    }
                }
                self.show_volumes(widgets);
                self.loads += 1;
                // Keys work on the list at once: arrows move, Enter chooses.
                if self.focus_list && !self.shown.is_empty() {
                    self.focus_list = !widgets.volumes.view.grab_focus();
                }
            }
            BrowserCmd::Progress(p) => {
                if let Some(a) = &mut self.activity {
                    a.progress = Some(p);
                }
            }
            BrowserCmd::Uploaded(result) => {
                self.activity = None;
                match result {
                    Ok(line) => self.notice = Some(line),
                    Err(e) => {
                        self.select_after = None;
                        self.error = Some(e);
                    }
                }
                self.load_volumes(&sender);
            }
        }
        self.sync(widgets);
    }
}
