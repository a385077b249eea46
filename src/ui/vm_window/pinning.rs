//! The VM window's CPU pinning page: the pinning matrix for a VM's vCPUs and emulator
//! threads, loaded from libvirt, edited by hand, as text or with bulk actions, previewed and
//! applied to the running VM, its saved configuration or both.
//!
//! [`load`] reads the host and the pins, [`apply`] plans and pins, [`merge`] takes in changes
//! made elsewhere (a `Tunable` event) without losing unsaved edits, [`rows`] holds the
//! per-row text entries.

pub mod apply;
pub mod load;
pub mod merge;
pub mod rows;
mod state;
mod tasks;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;
use virt_xml::CpuSet;

pub use apply::{ApplyError, Change, Target};
pub use load::{Loaded, VmPins, topology_from_caps};

use crate::i18n::gettext;
use crate::widgets::pinning_matrix::{HangarPinningMatrix, PinningModel, RowKind};
use rows::RowWidgets;

/// What the page shows.
#[derive(Debug, Clone)]
pub struct PinningInit {
    /// The VM's name.
    pub name: String,
    /// The connection to its host, while connected.
    pub connection: Option<Connection>,
}

/// Messages to the pinning page.
#[derive(Debug)]
pub enum PinningMsg {
    /// The connection changed (reconnected, or gone).
    Connection(Option<Connection>),
    /// Read everything again, dropping edits.
    Reload,
    /// The matrix was edited.
    MatrixChanged,
    /// A row's text was edited.
    RowText(usize, String),
    /// Pin vCPU `i` to the `i`-th online CPU from this CPU on.
    OneToOne(u32),
    /// Let every vCPU run anywhere on this NUMA node.
    Spread(u32),
    /// Widen vCPUs to whole cores.
    KeepSiblings,
    /// Remove all pinning.
    Float,
    /// Give every vCPU the CPUs of this row.
    CopyRow(usize),
    /// Give every vCPU the CPUs of the row with the matrix's keyboard focus.
    CopyFocusedRow,
    /// Choose where Apply writes (the user's choice: it stays until the page is read anew
    /// for another VM state the choice does not fit).
    SetTarget(Target),
    /// Pin what changed.
    Apply,
    /// Drop the edits.
    Revert,
    /// Keep the edit of a row that changed elsewhere.
    KeepMine(usize),
    /// Take the change made elsewhere over the row's edit.
    TakeTheirs(usize),
    /// Ask where the vCPUs run now.
    Poll,
}

/// Results of background work.
#[derive(Debug)]
pub enum PinningCmd {
    /// The host and pins were read (for load number `.0`).
    Loaded(u64, Result<Box<Loaded>, String>),
    /// The pins were read again.
    Pins(u64, Result<VmPins, String>),
    /// Where each vCPU runs now.
    Placement(u64, Vec<Option<u32>>),
    /// Pins changed elsewhere, or the VM started or stopped.
    Event(u64, bool),
    /// Applying ended.
    Applied(u64, Result<(), ApplyError>),
}

/// The CPU pinning page.
#[derive(Debug)]
pub struct PinningPage {
    name: String,
    connection: Option<Connection>,
    generation: u64,
    loaded: Option<Loaded>,
    failure: Option<String>,
    matrix: HangarPinningMatrix,
    rows_grid: gtk::Grid,
    rows: Vec<RowWidgets>,
    conflicts: Vec<Option<CpuSet>>,
    /// Rows changed from their text since the matrix last reported a change: their text
    /// stays as typed when the matrix's change arrives.
    typed_rows: Vec<usize>,
    /// Where Apply writes while the VM runs: the user's choice, else the running VM.
    target: Option<Target>,
    /// Set while the page itself moves the target drop-down, so it reports no choice.
    showing_target: Rc<Cell<bool>>,
    busy: bool,
    polling: bool,
    message: Option<(String, bool)>,
    syncing: Rc<Cell<bool>>,
    events_stop: Option<tokio::sync::oneshot::Sender<()>>,
    timer: Option<gtk::glib::SourceId>,
}

#[relm4::component(pub)]
impl Component for PinningPage {
    type Init = PinningInit;
    type Input = PinningMsg;
    type Output = ();
    type CommandOutput = PinningCmd;

    view! {
        gtk::Box {
            set_orientation: gtk::Orientation::Vertical,
            set_spacing: 12,
            set_margin_all: 12,

            gtk::Box {
                set_spacing: 6,
                gtk::Label {
                    set_hexpand: true,
                    set_xalign: 0.0,
                    set_wrap: true,
                    add_css_class: "dim-label",
                    #[watch]
                    set_label: &model.status_text(),
                },
                #[name = "arrange"]
                gtk::MenuButton {
                    set_label: &gettext("Arrange"),
                    set_tooltip_text: Some(&gettext("Pin several rows at once")),
                    #[watch]
                    set_sensitive: model.loaded.is_some() && !model.busy,
                    #[wrap(Some)]
                    set_popover = &gtk::Popover {
                        #[name = "bulk"]
                        gtk::Box {
                            set_orientation: gtk::Orientation::Vertical,
                            set_spacing: 6,
                        },
                    },
                },
                gtk::Button {
                    set_label: &gettext("Revert"),
                    set_tooltip_text: Some(&gettext("Drop the changes not applied yet")),
                    #[watch]
                    set_sensitive: model.has_edits() && !model.busy,
                    connect_clicked => PinningMsg::Revert,
                },
                #[name = "target"]
                gtk::DropDown {
                    set_tooltip_text: Some(&gettext("Where to apply the pins")),
                    #[watch]
                    set_sensitive: model.is_running() && !model.busy,
                },
                gtk::Button {
                    set_label: &gettext("Apply"),
                    add_css_class: "suggested-action",
                    #[watch]
                    set_sensitive: model.can_apply(),
                    #[watch]
                    set_tooltip_text: model.blocked_reason().as_deref(),
                    connect_clicked => PinningMsg::Apply,
                },
            },

            gtk::ScrolledWindow {
                set_propagate_natural_height: true,
                set_max_content_height: 360,
                set_child: Some(&model.matrix),
            },

            gtk::Separator {},

            gtk::ScrolledWindow {
                set_vexpand: true,
                set_hscrollbar_policy: gtk::PolicyType::Never,
                set_child: Some(&model.rows_grid),
            },

            gtk::Label {
                set_xalign: 0.0,
                set_wrap: true,
                add_css_class: "warning",
                #[watch]
                set_visible: !model.warnings().is_empty(),
                #[watch]
                set_label: &model.warnings(),
            },
            gtk::Label {
                set_xalign: 0.0,
                set_wrap: true,
                set_selectable: true,
                #[watch]
                set_label: &model.preview_text(),
            },
            gtk::Label {
                set_xalign: 0.0,
                set_wrap: true,
                set_selectable: true,
                #[watch]
                set_visible: model.message.is_some() || model.failure.is_some(),
                #[watch]
                set_label: &model.message_text(),
                #[watch]
                set_css_classes: if model.message.as_ref().is_some_and(|m| !m.1) { &["success"] } else { &["error"] },
            },
        }
    }

    fn init(
        init: Self::Init,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let matrix = HangarPinningMatrix::new();
        matrix.set_halign(gtk::Align::Start);
        matrix.set_valign(gtk::Align::Start);
        let s = sender.input_sender().clone();
        matrix.connect_changed(move |_| s.emit(PinningMsg::MatrixChanged));
        let rows_grid = gtk::Grid::builder()
            .row_spacing(6)
            .column_spacing(12)
            .build();
        let mut model = PinningPage {
            name: init.name,
            connection: init.connection,
            generation: 0,
            loaded: None,
            failure: None,
            matrix,
            rows_grid,
            rows: Vec::new(),
            conflicts: Vec::new(),
            typed_rows: Vec::new(),
            target: None,
            showing_target: Rc::new(Cell::new(false)),
            busy: false,
            polling: false,
            message: None,
            syncing: Rc::new(Cell::new(false)),
            events_stop: None,
            timer: None,
        };
        let widgets = view_output!();
        crate::ui::a11y::name(&widgets.arrange, &gettext("Arrange"));
        crate::ui::a11y::name(&widgets.target, &gettext("Where to apply the pins"));
        state::build_bulk(&widgets.bulk, sender.input_sender());
        state::setup_target(
            &widgets.target,
            sender.input_sender(),
            &model.showing_target,
        );
        state::show_target(
            &widgets.target,
            model.effective_target(),
            &model.showing_target,
        );
        let weak = root.downgrade();
        let s = sender.input_sender().clone();
        model.timer = Some(gtk::glib::timeout_add_local(
            Duration::from_secs(2),
            move || match weak.upgrade() {
                Some(root) => {
                    if root.is_mapped() {
                        s.emit(PinningMsg::Poll);
                    }
                    gtk::glib::ControlFlow::Continue
                }
                None => gtk::glib::ControlFlow::Break,
            },
        ));
        model.start_load(&sender);
        ComponentParts { model, widgets }
    }

    fn update_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        msg: Self::Input,
        sender: ComponentSender<Self>,
        root: &Self::Root,
    ) {
        self.update(msg, sender.clone(), root);
        state::show_target(
            &widgets.target,
            self.effective_target(),
            &self.showing_target,
        );
        self.update_view(widgets, sender);
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>, _root: &Self::Root) {
        self.handle(msg, &sender);
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        msg: Self::CommandOutput,
        sender: ComponentSender<Self>,
        _root: &Self::Root,
    ) {
        self.handle_cmd(msg, &sender);
        state::show_target(
            &widgets.target,
            self.effective_target(),
            &self.showing_target,
        );
        self.update_view(widgets, sender);
    }

    fn shutdown(&mut self, _widgets: &mut Self::Widgets, _output: relm4::Sender<Self::Output>) {
        self.events_stop.take();
        if let Some(id) = self.timer.take() {
            id.remove();
        }
    }
}

impl PinningPage {
    /// The matrix.
    pub fn matrix(&self) -> &HangarPinningMatrix {
        &self.matrix
    }

    /// Whether the host and pins are loaded and nothing is being applied.
    pub fn is_ready(&self) -> bool {
        self.loaded.is_some() && !self.busy
    }

    /// Whether the VM runs (as last read).
    pub fn is_running(&self) -> bool {
        self.loaded.as_ref().is_some_and(|l| l.pins.live.is_some())
    }

    /// The pins as last read.
    pub fn pins(&self) -> Option<&VmPins> {
        self.loaded.as_ref().map(|l| &l.pins)
    }

    /// The text entry of row `row`.
    pub fn row_entry(&self, row: usize) -> Option<&gtk::Entry> {
        self.rows.get(row).map(|r| &r.entry)
    }

    /// The typing error shown for row `row`.
    pub fn row_error(&self, row: usize) -> Option<String> {
        let r = self.rows.get(row)?;
        r.error.is_visible().then(|| r.error.label().to_string())
    }

    /// The conflict text of row `row`, if it has one.
    pub fn row_conflict(&self, row: usize) -> Option<String> {
        let r = self.rows.get(row)?;
        r.conflict
            .is_visible()
            .then(|| r.conflict_label.label().to_string())
    }

    /// "on CPU 1" for a running vCPU.
    pub fn row_running(&self, row: usize) -> Option<String> {
        self.rows.get(row).map(|r| r.running.label().to_string())
    }

    /// The last result or failure shown.
    pub fn message_text(&self) -> String {
        match (&self.message, &self.failure) {
            (Some((m, _)), _) => m.clone(),
            (None, Some(f)) => f.clone(),
            (None, None) => String::new(),
        }
    }

    /// Where Apply writes, from the VM's state as last read: while it runs, the target the
    /// user chose or else the running VM; otherwise (or before the state is known) the saved
    /// configuration.
    pub fn effective_target(&self) -> Target {
        if self.is_running() {
            self.target.unwrap_or(Target::Live)
        } else {
            Target::Config
        }
    }

    fn edited_rows(&self) -> Vec<(RowKind, CpuSet)> {
        let m = self.matrix.model();
        m.rows()
            .iter()
            .enumerate()
            .map(|(i, k)| (*k, m.cpuset(i)))
            .collect()
    }

    /// What Apply would change.
    pub fn changes(&self) -> Vec<Change> {
        match &self.loaded {
            Some(l) => apply::plan(&self.edited_rows(), &l.pins, self.effective_target()),
            None => Vec::new(),
        }
    }

    fn baseline(&self) -> Vec<CpuSet> {
        let Some(p) = self.loaded.as_ref().and_then(|l| l.pins.primary()) else {
            return Vec::new();
        };
        let m = self.matrix.model();
        m.rows()
            .iter()
            .map(|k| match k {
                RowKind::Vcpu(n) => p.vcpus.get(*n as usize).cloned().unwrap_or_default(),
                RowKind::Emulator => p.emulator.clone(),
                RowKind::IoThread(_) => CpuSet::new(),
            })
            .collect()
    }

    /// Whether any row differs from what libvirt has.
    pub fn has_edits(&self) -> bool {
        let base = self.baseline();
        let m = self.matrix.model();
        base.iter().enumerate().any(|(i, b)| *b != m.cpuset(i))
    }

    /// Why Apply is not possible now, if it is not.
    pub fn blocked_reason(&self) -> Option<String> {
        state::blocked_reason(self)
    }

    /// Whether Apply can run.
    pub fn can_apply(&self) -> bool {
        self.is_ready() && self.blocked_reason().is_none() && !self.changes().is_empty()
    }

    /// The preview: one line per pin Apply would make.
    pub fn preview_text(&self) -> String {
        state::preview_text(self)
    }

    /// Warnings about the pins as edited (NUMA spans, memory bound elsewhere).
    pub fn warnings(&self) -> String {
        state::warnings(self)
    }

    fn status_text(&self) -> String {
        state::status_text(self)
    }

    fn show_loaded(&mut self, loaded: Loaded, sender: &ComponentSender<Self>) {
        let Some(primary) = loaded.pins.primary().cloned() else {
            self.failure = Some(gettext("The VM has no pins to show"));
            return;
        };
        let iothread_ids: Vec<u32> = primary.iothreads.iter().map(|(id, _)| *id).collect();
        let mut model = PinningModel::new(
            &loaded.topology,
            primary.vcpus.len() as u32,
            true,
            &iothread_ids,
        );
        for (i, set) in primary.vcpus.iter().enumerate() {
            let _ = model.set_cpuset(i, set);
        }
        if let Some(r) = model.row_of(RowKind::Emulator) {
            let _ = model.set_cpuset(r, &primary.emulator);
        }
        for (id, set) in &primary.iothreads {
            if let Some(r) = model.row_of(RowKind::IoThread(*id)) {
                let _ = model.set_cpuset(r, set);
            }
        }
        let kinds = model.rows().to_vec();
        self.matrix.set_model(model);
        self.rows = rows::build(
            &self.rows_grid,
            &kinds,
            &self.syncing,
            sender.input_sender(),
        );
        self.conflicts = vec![None; kinds.len()];
        self.loaded = Some(loaded);
        self.failure = None;
        self.sync_rows();
    }

    fn sync_rows(&self) {
        self.sync_rows_except(&[]);
    }

    fn sync_rows_except(&self, typed: &[usize]) {
        for (i, r) in self.rows.iter().enumerate() {
            if !typed.contains(&i) {
                r.sync_text(&self.matrix.row_text(i), &self.syncing);
            }
            r.show_conflict(self.conflicts.get(i).and_then(Option::as_ref));
        }
    }
}
