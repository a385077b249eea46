//! The VM window's snapshots page: the VM's snapshots as a tree (an indented list, the current
//! one marked) with when each was taken, the VM's state then and its description; creating
//! (internal with memory, or disk-only external where internal snapshots cannot work, saying
//! why), reverting (saying what is lost, running or paused afterwards), deleting (this one,
//! with its children, or libvirt's record only) and each snapshot's XML, read-only.
//!
//! [`model`] holds what is not GTK (reading snapshots, the tree, the words of the
//! confirmations), [`tasks`] the calls on tokio, [`dialogs`] the questions asked. The page
//! reads everything again after each operation and on each life-cycle event of the VM.

pub mod dialogs;
pub mod model;
mod rows;
pub mod tasks;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;

pub use model::{After, Blocker, CreateRequest, Kind, Scope, SnapInfo};
pub use tasks::Loaded;

use crate::i18n::{gettext, gettext_f, ngettext};

/// What the page shows.
#[derive(Debug, Clone)]
pub struct SnapshotsInit {
    /// The VM's name.
    pub name: String,
    /// The connection to its host, while connected.
    pub connection: Option<Connection>,
}

/// Messages to the snapshots page.
#[derive(Debug)]
pub enum SnapshotsMsg {
    /// The connection changed (reconnected, or gone).
    Connection(Option<Connection>),
    /// Read everything again.
    Reload,
    /// The row with this snapshot was selected (or none).
    Select(Option<String>),
    /// Ask for a new snapshot.
    AskCreate,
    /// Ask before reverting to the selected snapshot.
    AskRevert,
    /// Ask before deleting the selected snapshot.
    AskDelete(Scope),
    /// Create this snapshot.
    Create(CreateRequest),
    /// Revert to this snapshot.
    Revert(String, After),
    /// Delete this snapshot.
    Delete(String, Scope),
}

/// Results of background work.
#[derive(Debug)]
pub enum SnapshotsCmd {
    /// The VM and its snapshots were read (for load number `.0`).
    Loaded(u64, Result<Box<Loaded>, String>),
    /// An operation ended: what to tell the user, or libvirt's reason.
    Done(Result<String, String>),
    /// The VM started, stopped, paused or was defined anew (e.g. by a revert elsewhere).
    Event,
}

/// The snapshots page.
#[derive(Debug)]
pub struct SnapshotsPage {
    name: String,
    connection: Option<Connection>,
    generation: u64,
    loaded: Option<Loaded>,
    blockers: Vec<Blocker>,
    failure: Option<String>,
    message: Option<(String, bool)>,
    selected: Option<String>,
    busy: bool,
    list: gtk::ListBox,
    xml_view: gtk::TextView,
    events_stop: Option<tokio::sync::oneshot::Sender<()>>,
}

#[relm4::component(pub)]
impl Component for SnapshotsPage {
    type Init = SnapshotsInit;
    type Input = SnapshotsMsg;
    type Output = ();
    type CommandOutput = SnapshotsCmd;

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
                gtk::Button {
                    set_icon_name: "view-refresh-symbolic",
                    set_tooltip_text: Some(&gettext("Read the snapshots again")),
                    update_property: &[gtk::accessible::Property::Label(&gettext("Refresh"))],
                    #[watch]
                    set_sensitive: !model.busy && model.connection.is_some(),
                    connect_clicked => SnapshotsMsg::Reload,
                },
                gtk::Button {
                    set_label: &gettext("Create…"),
                    add_css_class: "suggested-action",
                    #[watch]
                    set_sensitive: model.is_ready(),
                    connect_clicked => SnapshotsMsg::AskCreate,
                },
                gtk::Button {
                    set_label: &gettext("Revert…"),
                    #[watch]
                    set_sensitive: model.is_ready() && model.selected_info().is_some(),
                    connect_clicked => SnapshotsMsg::AskRevert,
                },
                #[name = "delete_button"]
                gtk::MenuButton {
                    set_label: &gettext("Delete"),
                    #[watch]
                    set_sensitive: model.is_ready() && model.selected_info().is_some(),
                    #[wrap(Some)]
                    #[name = "delete_menu"]
                    set_popover = &gtk::Popover {
                        gtk::Box {
                            set_orientation: gtk::Orientation::Vertical,
                            set_spacing: 6,
                            gtk::Button {
                                set_label: &gettext("This Snapshot…"),
                                add_css_class: "flat",
                                connect_clicked => SnapshotsMsg::AskDelete(Scope::This),
                            },
                            gtk::Button {
                                set_label: &gettext("This Snapshot and Its Children…"),
                                add_css_class: "flat",
                                #[watch]
                                set_sensitive: model.selected_descendants() > 0,
                                connect_clicked => SnapshotsMsg::AskDelete(Scope::WithChildren),
                            },
                            gtk::Button {
                                set_label: &gettext("Only libvirt's Record (Keep the Data)…"),
                                add_css_class: "flat",
                                connect_clicked => SnapshotsMsg::AskDelete(Scope::MetadataOnly),
                            },
                        },
                    },
                },
            },

            gtk::Label {
                set_xalign: 0.0,
                set_wrap: true,
                add_css_class: "warning",
                #[watch]
                set_visible: !model.blockers.is_empty() && model.loaded.is_some(),
                #[watch]
                set_label: &model.blockers_text(),
            },

            gtk::ScrolledWindow {
                set_vexpand: true,
                set_hscrollbar_policy: gtk::PolicyType::Never,
                set_child: Some(&model.list),
            },

            #[name = "xml_expander"]
            gtk::Expander {
                set_label: Some(&gettext("Snapshot XML")),
                #[watch]
                set_sensitive: model.selected_info().is_some(),
                gtk::ScrolledWindow {
                    set_min_content_height: 160,
                    set_child: Some(&model.xml_view),
                },
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
        let list = gtk::ListBox::new();
        list.add_css_class("boxed-list");
        list.set_valign(gtk::Align::Start);
        list.update_property(&[gtk::accessible::Property::Label(&gettext("Snapshots"))]);
        let empty = gtk::Label::new(Some(&gettext("No snapshots yet")));
        empty.add_css_class("dim-label");
        empty.set_margin_all(24);
        list.set_placeholder(Some(&empty));
        let s = sender.input_sender().clone();
        list.connect_row_selected(move |_, row| {
            s.emit(SnapshotsMsg::Select(
                row.map(|r| r.widget_name().to_string()),
            ));
        });
        let xml_view = gtk::TextView::new();
        xml_view.set_editable(false);
        xml_view.set_monospace(true);
        xml_view.set_wrap_mode(gtk::WrapMode::None);
        xml_view.update_property(&[gtk::accessible::Property::Label(&gettext("Snapshot XML"))]);
        let mut model = SnapshotsPage {
            name: init.name,
            connection: init.connection,
            generation: 0,
            loaded: None,
            blockers: Vec::new(),
            failure: None,
            message: None,
            selected: None,
            busy: false,
            list,
            xml_view,
            events_stop: None,
        };
        let widgets = view_output!();
        crate::ui::a11y::name(&widgets.delete_button, &gettext("Delete"));
        crate::ui::a11y::name(&widgets.xml_expander, &gettext("Snapshot XML"));
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
        if matches!(msg, SnapshotsMsg::AskDelete(_)) {
            widgets.delete_menu.popdown();
        }
        self.update(msg, sender.clone(), root);
        self.update_view(widgets, sender);
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>, root: &Self::Root) {
        let window = root.root().and_downcast::<gtk::Window>();
        match msg {
            SnapshotsMsg::Connection(conn) => {
                self.events_stop.take();
                self.connection = conn;
                self.start_load(&sender);
            }
            SnapshotsMsg::Reload => self.start_load(&sender),
            SnapshotsMsg::Select(name) => {
                self.selected = name;
                let xml = self
                    .selected_info()
                    .map(|s| s.xml.clone())
                    .unwrap_or_default();
                self.xml_view.buffer().set_text(&xml);
            }
            SnapshotsMsg::AskCreate => {
                let active = self.loaded.as_ref().is_some_and(|l| l.active);
                let s = sender.input_sender().clone();
                dialogs::ask_create(window.as_ref(), active, &self.blockers, move |req| {
                    s.emit(SnapshotsMsg::Create(req))
                });
            }
            SnapshotsMsg::AskRevert => {
                let active = self.loaded.as_ref().is_some_and(|l| l.active);
                if let Some(snap) = self.selected_info() {
                    let (s, name) = (sender.input_sender().clone(), snap.name.clone());
                    dialogs::ask_revert(window.as_ref(), snap, active, move |after| {
                        s.emit(SnapshotsMsg::Revert(name.clone(), after))
                    });
                }
            }
            SnapshotsMsg::AskDelete(scope) => {
                if let (Some(snap), Some(l)) = (self.selected_info(), self.loaded.as_ref()) {
                    let below = model::descendants(&l.snapshots, &snap.name);
                    let (s, name) = (sender.input_sender().clone(), snap.name.clone());
                    dialogs::ask_delete(window.as_ref(), snap, scope, below, move || {
                        s.emit(SnapshotsMsg::Delete(name.clone(), scope))
                    });
                }
            }
            SnapshotsMsg::Create(req) => self.run(&sender, move |dom| async move {
                tasks::create_snapshot(&dom, &req).await
            }),
            SnapshotsMsg::Revert(name, after) => self.run(&sender, move |dom| async move {
                tasks::revert_to(&dom, &name, after).await
            }),
            SnapshotsMsg::Delete(name, scope) => self.run(&sender, move |dom| async move {
                tasks::delete_snapshot(&dom, &name, scope).await
            }),
        }
    }

    fn update_cmd(
        &mut self,
        msg: Self::CommandOutput,
        sender: ComponentSender<Self>,
        _: &Self::Root,
    ) {
        match msg {
            SnapshotsCmd::Loaded(gen_, _) if gen_ != self.generation => {}
            SnapshotsCmd::Loaded(_, Ok(loaded)) => {
                self.blockers = model::internal_blockers(&loaded.xml);
                self.failure = None;
                self.loaded = Some(*loaded);
                self.rebuild_rows();
                self.start_events(&sender);
            }
            SnapshotsCmd::Loaded(_, Err(e)) => {
                self.failure = Some(e);
            }
            SnapshotsCmd::Done(r) => {
                self.busy = false;
                self.message = Some(match r {
                    Ok(m) => (m, false),
                    Err(e) => (e, true),
                });
                self.start_load(&sender);
            }
            SnapshotsCmd::Event => {
                if !self.busy {
                    self.start_load(&sender);
                }
            }
        }
    }

    fn shutdown(&mut self, _widgets: &mut Self::Widgets, _output: relm4::Sender<Self::Output>) {
        self.events_stop.take();
    }
}

impl SnapshotsPage {
    /// Runs an operation on the VM; the page reads everything again when it ends.
    fn run<F, Fut>(&mut self, sender: &ComponentSender<Self>, op: F)
    where
        F: FnOnce(virt_client::Domain) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = virt_client::Result<String>> + Send + 'static,
    {
        let Some(dom) = self.loaded.as_ref().map(|l| l.domain.clone()) else {
            return;
        };
        if self.busy {
            return;
        }
        self.busy = true;
        self.message = None;
        sender.oneshot_command(async move {
            SnapshotsCmd::Done(op(dom).await.map_err(|e| match e {
                virt_client::Error::Libvirt { message, .. } => message,
                other => other.to_string(),
            }))
        });
    }

    fn rebuild_rows(&mut self) {
        let keep = self.selected.clone();
        while let Some(row) = self.list.row_at_index(0) {
            self.list.remove(&row);
        }
        let Some(l) = &self.loaded else { return };
        let mut select = None;
        for s in &l.snapshots {
            let row = rows::row_for(s);
            self.list.append(&row);
            if keep.as_deref() == Some(s.name.as_str()) {
                select = Some(row);
            }
        }
        match select {
            Some(row) => self.list.select_row(Some(&row)),
            None => {
                self.selected = None;
                self.xml_view.buffer().set_text("");
            }
        }
    }

    /// Whether the snapshots are read and nothing is running.
    pub fn is_ready(&self) -> bool {
        self.loaded.is_some() && !self.busy && self.connection.is_some()
    }

    /// Whether an operation is running.
    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// The snapshots in tree order, as last read.
    pub fn snapshots(&self) -> &[SnapInfo] {
        self.loaded.as_ref().map_or(&[], |l| &l.snapshots)
    }

    /// The current snapshot's name.
    pub fn current(&self) -> Option<&str> {
        self.snapshots()
            .iter()
            .find(|s| s.current)
            .map(|s| s.name.as_str())
    }

    /// Why internal snapshots cannot work for the VM.
    pub fn blockers(&self) -> &[Blocker] {
        &self.blockers
    }

    /// The selected snapshot.
    pub fn selected_info(&self) -> Option<&SnapInfo> {
        let name = self.selected.as_deref()?;
        self.snapshots().iter().find(|s| s.name == name)
    }

    /// How many snapshots are below the selected one.
    pub fn selected_descendants(&self) -> usize {
        self.selected_info()
            .map_or(0, |s| model::descendants(self.snapshots(), &s.name))
    }

    /// The list's rows.
    pub fn list(&self) -> &gtk::ListBox {
        &self.list
    }

    /// The XML shown.
    pub fn xml_text(&self) -> String {
        let b = self.xml_view.buffer();
        b.text(&b.start_iter(), &b.end_iter(), false).to_string()
    }

    /// The last result or failure shown, and whether it is an error.
    pub fn message(&self) -> Option<(&str, bool)> {
        match (&self.message, &self.failure) {
            (Some((m, e)), _) => Some((m.as_str(), *e)),
            (None, Some(f)) => Some((f.as_str(), true)),
            (None, None) => None,
        }
    }

    fn message_text(&self) -> String {
        self.message().map(|m| m.0.to_string()).unwrap_or_default()
    }

    fn blockers_text(&self) -> String {
        let mut t = gettext("Internal snapshots are not possible for this VM:");
        for b in &self.blockers {
            t.push_str("\n• ");
            t.push_str(&b.text());
        }
        if !self.blockers.contains(&Blocker::NoDisk) {
            t.push('\n');
            t.push_str(&gettext(
                "Create offers disk-only (external) snapshots instead.",
            ));
        }
        t
    }

    fn status_text(&self) -> String {
        if self.connection.is_none() {
            return gettext("Not connected to the host");
        }
        if self.busy {
            return gettext("Working…");
        }
        match &self.loaded {
            None => gettext("Reading snapshots…"),
            Some(l) if l.snapshots.is_empty() => gettext("No snapshots yet"),
            Some(l) => {
                let n = l.snapshots.len();
                let count = ngettext("{} snapshot", "{} snapshots", n as u32).replacen(
                    "{}",
                    &n.to_string(),
                    1,
                );
                match self.current() {
                    Some(c) => gettext_f("{}; current: “{}”", &[&count, c]),
                    None => count,
                }
            }
        }
    }
}
