//! The host's virtual networks: a list with mode, state, bridge and autostart; starting,
//! stopping (confirmed when running VMs use the network), autostart and deleting (confirmed);
//! the selected network's DHCP leases; its XML, edited and checked with virt-xml before it
//! is defined; and a form for new NAT, routed, isolated, open and host-bridge networks. The
//! daemon's network events keep the list live.

mod edit;
pub mod form;
pub mod form_view;
pub mod ops;
mod queries;
mod view;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;
use virt_xml::NetworkXml;

pub use form::NetworkForm;
pub use ops::{Lease, NetInfo};

use crate::i18n::{gettext, gettext_f};
use crate::ui::xml_pane;
use ops::Op;

/// How often the leases of the network on screen are read again.
const LEASE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// What the page is asked to do.
#[derive(Debug, Clone)]
pub enum NetworksPageMsg {
    /// Read the list again.
    Refresh,
    /// Show this network (or none).
    Select(Option<String>),
    /// Start the selected network.
    Start,
    /// Stop the selected network (asks first when VMs use it).
    Stop,
    /// Stop network NAME, confirmed.
    StopConfirmed(String),
    /// Set the selected network's autostart.
    SetAutostart(bool),
    /// Delete the selected network (asks first).
    Delete,
    /// Delete network NAME, confirmed.
    DeleteConfirmed(String),
    /// Show the form for a new network.
    ShowNew,
    /// Show the selected network in the form, to edit it.
    EditInForm,
    /// Create the network of this form.
    Create(Box<NetworkForm>),
    /// Define the selected network from this XML.
    ApplyXml(String),
    /// Read the selected network's DHCP leases again.
    RefreshLeases,
    /// Use this connection from now on (the host was connected again).
    Reconnect(Connection),
}

/// What the page tells its window.
#[derive(Debug, Clone)]
pub enum NetworksPageOutput {
    /// The host's networks changed (their names).
    Changed(Vec<String>),
}

/// Results of the page's calls.
#[derive(Debug)]
pub enum NetworksCmd {
    /// The list, read anew.
    Listed(Result<Vec<NetInfo>, String>),
    /// A network's leases.
    Leases(String, Result<Vec<Lease>, String>),
    /// The host's bridges.
    Bridges(Vec<String>),
    /// The running VMs using a network, for stopping it.
    Users(String, Result<Vec<String>, String>),
    /// A change done (the network to select afterwards), or why not.
    Done(Result<Option<String>, String>),
    /// A network event arrived (on the connection of this generation).
    Event(u64),
    /// The events could not be subscribed (the page then reads after its own changes only).
    NoEvents(u64, String),
    /// The connection of this generation ended.
    Closed(u64),
}

/// The networks page of one connection.
pub struct NetworksPage {
    conn: Connection,
    nets: Vec<NetInfo>,
    selected: Option<String>,
    leases: Option<Result<Vec<Lease>, String>>,
    bridges: Vec<String>,
    busy: bool,
    loads: u64,
    events: bool,
    error: Option<String>,
    xml_error: Option<String>,
    form_error: Option<String>,
    confirm: Option<(String, adw::MessageDialog)>,
    editing: Option<String>,
    conn_gen: u64,
}

impl std::fmt::Debug for NetworksPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworksPage")
            .field("nets", &self.nets.len())
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl NetworksPage {
    /// Reads the list and the host's bridges, and follows the network events, on the
    /// current connection.
    fn start(&self, sender: &ComponentSender<Self>) {
        self.reload(sender);
        let conn = self.conn.clone();
        let c = conn.clone();
        sender.oneshot_command(async move { NetworksCmd::Bridges(ops::host_bridges(&c).await) });
        let generation = self.conn_gen;
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let mut events = match conn.network_events().await {
                        Ok(e) => e,
                        Err(e) => {
                            let _ = out.send(NetworksCmd::NoEvents(generation, e.to_string()));
                            return;
                        }
                    };
                    // Registered: read once more, for what changed before.
                    if out.send(NetworksCmd::Event(generation)).is_err() {
                        return;
                    }
                    // Lost events are made good by the full read each event causes.
                    while events.next().await.is_some() {
                        if out.send(NetworksCmd::Event(generation)).is_err() {
                            return;
                        }
                    }
                    let _ = out.send(NetworksCmd::Closed(generation));
                })
                .drop_on_shutdown()
        });
    }

    fn reload(&self, sender: &ComponentSender<Self>) {
        let conn = self.conn.clone();
        sender.oneshot_command(async move { NetworksCmd::Listed(ops::list(&conn).await) });
    }

    fn read_leases(&mut self, sender: &ComponentSender<Self>) {
        let Some(n) = self.selected_info().filter(|n| n.active) else {
            self.leases = None;
            return;
        };
        let (conn, name) = (self.conn.clone(), n.name.clone());
        sender.oneshot_command(async move {
            let l = ops::leases(&conn, &name).await;
            NetworksCmd::Leases(name, l)
        });
    }

    fn run(&mut self, sender: &ComponentSender<Self>, name: String, op: Op) {
        self.busy = true;
        self.error = None;
        let conn = self.conn.clone();
        sender.oneshot_command(async move {
            let keep = (op != Op::Delete).then(|| name.clone());
            NetworksCmd::Done(ops::apply(&conn, &name, &op).await.map(|()| keep))
        });
    }

    fn ask(
        &mut self,
        root: &gtk::Box,
        sender: &ComponentSender<Self>,
        heading: String,
        body: String,
        verb: &str,
        then: NetworksPageMsg,
    ) {
        let parent = root.root().and_then(|r| r.downcast::<gtk::Window>().ok());
        let d = adw::MessageDialog::new(parent.as_ref(), Some(&heading), Some(&body));
        d.add_response("cancel", &gettext("Cancel"));
        d.add_response("ok", verb);
        d.set_response_appearance("ok", adw::ResponseAppearance::Destructive);
        d.set_default_response(Some("cancel"));
        d.set_close_response("cancel");
        let s = sender.clone();
        d.connect_response(None, move |_, r| {
            if r == "ok" {
                s.input(then.clone());
            }
        });
        d.present();
        self.confirm = Some((heading, d));
    }

    fn selected_name(&self) -> Option<String> {
        self.selected_info().map(|n| n.name.clone())
    }
}

impl Component for NetworksPage {
    type Init = Connection;
    type Input = NetworksPageMsg;
    type Output = NetworksPageOutput;
    type CommandOutput = NetworksCmd;
    type Root = gtk::Box;
    type Widgets = view::PageWidgets;

    fn init_root() -> gtk::Box {
        gtk::Box::new(gtk::Orientation::Vertical, 0)
    }

    fn init(
        conn: Connection,
        root: gtk::Box,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let widgets = view::PageWidgets::new(&root, &sender);
        let model = NetworksPage {
            conn: conn.clone(),
            nets: Vec::new(),
            selected: None,
            leases: None,
            bridges: Vec::new(),
            busy: false,
            loads: 0,
            events: false,
            error: None,
            xml_error: None,
            form_error: None,
            confirm: None,
            editing: None,
            conn_gen: 0,
        };
        model.start(&sender);
        // Leases come and go without events: read them again while the page is on screen.
        let weak = root.downgrade();
        let s = sender.clone();
        gtk::glib::timeout_add_local(LEASE_INTERVAL, move || {
            let Some(root) = weak.upgrade() else {
                return gtk::glib::ControlFlow::Break;
            };
            if root.is_mapped()
                && s.input_sender()
                    .send(NetworksPageMsg::RefreshLeases)
                    .is_err()
            {
                return gtk::glib::ControlFlow::Break;
            }
            gtk::glib::ControlFlow::Continue
        });
        ComponentParts { model, widgets }
    }

    fn update_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        msg: NetworksPageMsg,
        sender: ComponentSender<Self>,
        root: &gtk::Box,
    ) {
        match msg {
            NetworksPageMsg::Refresh => self.reload(&sender),
            NetworksPageMsg::Select(name) => {
                if name != self.selected {
                    self.selected = name;
                    self.xml_error = None;
                    self.leases = None;
                    self.read_leases(&sender);
                    if self.editing.take().is_some() {
                        widgets.form.set(&NetworkForm::suggested());
                        widgets.form.set_editing(None);
                    }
                    if widgets.stack.visible_child_name().as_deref() == Some("new") {
                        widgets.stack.set_visible_child_name("details");
                    }
                }
            }
            NetworksPageMsg::Start => {
                if let Some(n) = self.selected_name() {
                    self.run(&sender, n, Op::Start);
                }
            }
            NetworksPageMsg::Stop => {
                if let Some(name) = self.selected_name() {
                    let (conn, n) = (self.conn.clone(), name.clone());
                    self.busy = true;
                    sender.oneshot_command(async move {
                        NetworksCmd::Users(name, ops::users(&conn, &n).await)
                    });
                }
            }
            NetworksPageMsg::StopConfirmed(name) => {
                self.confirm = None;
                self.run(&sender, name, Op::Stop);
            }
            NetworksPageMsg::SetAutostart(on) => {
                if let Some(n) = self.selected_info().filter(|n| n.autostart != on) {
                    let name = n.name.clone();
                    self.run(&sender, name, Op::Autostart(on));
                }
            }
            NetworksPageMsg::Delete => {
                if let Some(n) = self.selected_info() {
                    let name = n.name.clone();
                    let body = if n.active {
                        gettext(
                            "The network is stopped and its definition removed. Virtual machines on it lose their connection.",
                        )
                    } else {
                        gettext("Its definition is removed.")
                    };
                    self.ask(
                        root,
                        &sender,
                        gettext_f("Delete the network “{}”?", &[&name]),
                        body,
                        &gettext("Delete"),
                        NetworksPageMsg::DeleteConfirmed(name),
                    );
                }
            }
            NetworksPageMsg::DeleteConfirmed(name) => {
                self.confirm = None;
                self.run(&sender, name, Op::Delete);
            }
            NetworksPageMsg::ShowNew => {
                self.form_error = None;
                self.editing = None;
                widgets.form.set(&NetworkForm::suggested());
                widgets.form.set_editing(None);
                widgets.stack.set_visible_child_name("new");
            }
            NetworksPageMsg::EditInForm => {
                let Some(n) = self.selected_info() else {
                    return;
                };
                match NetworkXml::parse(&n.xml) {
                    Ok(doc) => {
                        widgets.form.set(&edit::form_of(&doc));
                        widgets.form.set_editing(Some(&n.name));
                        self.editing = Some(n.name.clone());
                        self.form_error = None;
                        widgets.stack.set_visible_child_name("new");
                    }
                    Err(e) => self.error = Some(e.to_string()),
                }
            }
            NetworksPageMsg::Create(form) => {
                let editing = self
                    .editing
                    .as_ref()
                    .and_then(|name| self.nets.iter().find(|n| n.name == *name));
                let taken: Vec<String> = self
                    .nets
                    .iter()
                    .filter(|n| Some(&n.name) != editing.map(|e| &e.name))
                    .map(|n| n.name.clone())
                    .collect();
                let built = match editing {
                    Some(e) if form.name.trim() != e.name => Err(gettext_f(
                        "The name must stay “{}”: a network is renamed by making a new one.",
                        &[&e.name],
                    )),
                    Some(e) => form
                        .validate(&taken)
                        .and_then(|spec| edit::merged(&e.xml, &spec)),
                    None => form.validate(&taken).and_then(|spec| {
                        virt_xml::builder::network(&spec)
                            .map(|x| x.to_string())
                            .map_err(|e| e.to_string())
                    }),
                };
                match built {
                    Err(e) => self.form_error = Some(e),
                    Ok(xml) => {
                        self.form_error = None;
                        self.busy = true;
                        let conn = self.conn.clone();
                        sender.oneshot_command(async move {
                            NetworksCmd::Done(ops::define(&conn, &xml).await.map(Some))
                        });
                    }
                }
            }
            NetworksPageMsg::RefreshLeases => self.read_leases(&sender),
            NetworksPageMsg::Reconnect(conn) => {
                self.conn = conn;
                self.conn_gen += 1;
                self.events = false;
                self.error = None;
                self.busy = false;
                self.start(&sender);
            }
            NetworksPageMsg::ApplyXml(text) => {
                let Some(n) = self.selected_info() else {
                    return;
                };
                let name = n.name.clone();
                let checked = xml_pane::checked(
                    &text,
                    &name,
                    NetworkXml::parse,
                    |doc| doc.root().name(doc).map(|n| n.into_owned()),
                    &gettext_f(
                        "The name must stay “{}”: a network is renamed by making a new one.",
                        &[&name],
                    ),
                );
                match checked {
                    Err(e) => self.xml_error = Some(e),
                    Ok(xml) => {
                        self.xml_error = None;
                        self.busy = true;
                        let conn = self.conn.clone();
                        sender.oneshot_command(async move {
                            NetworksCmd::Done(
                                ops::define(&conn, &xml)
                                    .await
                                    .map(Some)
                                    .map_err(|e| gettext_f("XML: {}", &[&e])),
                            )
                        });
                    }
                }
            }
        }
        widgets.update(self);
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        cmd: NetworksCmd,
        sender: ComponentSender<Self>,
        root: &gtk::Box,
    ) {
        match cmd {
            NetworksCmd::Listed(Ok(nets)) => {
                self.loads += 1;
                let changed = nets
                    .iter()
                    .map(|n| &n.name)
                    .ne(self.nets.iter().map(|n| &n.name));
                let was = self.selected_info().map(|n| n.active);
                self.nets = nets;
                if self.selected_info().is_none() {
                    self.selected = None;
                }
                if self.selected_info().map(|n| n.active) != was || self.leases.is_none() {
                    self.read_leases(&sender);
                }
                if changed {
                    let names = self.nets.iter().map(|n| n.name.clone()).collect();
                    let _ = sender.output(NetworksPageOutput::Changed(names));
                }
            }
            NetworksCmd::Listed(Err(e)) => self.error = Some(e),
            NetworksCmd::Leases(name, l) => {
                if self.selected.as_deref() == Some(name.as_str()) {
                    self.leases = Some(l);
                }
            }
            NetworksCmd::Bridges(b) => self.bridges = b,
            NetworksCmd::Users(name, users) => {
                self.busy = false;
                match users {
                    Ok(users) if !users.is_empty() => self.ask(
                        root,
                        &sender,
                        gettext_f("Stop the network “{}”?", &[&name]),
                        gettext_f(
                            "These running virtual machines use it and lose their connection: {}",
                            &[&users.join(", ")],
                        ),
                        &gettext("Stop"),
                        NetworksPageMsg::StopConfirmed(name),
                    ),
                    // Whether VMs use it is not known: ask too.
                    Err(e) => self.ask(
                        root,
                        &sender,
                        gettext_f("Stop the network “{}”?", &[&name]),
                        gettext_f("Whether virtual machines use it is not known: {}", &[&e]),
                        &gettext("Stop"),
                        NetworksPageMsg::StopConfirmed(name),
                    ),
                    Ok(_) => self.run(&sender, name, Op::Stop),
                }
            }
            NetworksCmd::Done(r) => {
                self.busy = false;
                match r {
                    Ok(select) => {
                        if let Some(name) = select {
                            if self.selected.as_deref() != Some(name.as_str()) {
                                self.selected = Some(name);
                                self.leases = None;
                            }
                            if widgets.stack.visible_child_name().as_deref() == Some("new") {
                                widgets.stack.set_visible_child_name("details");
                            }
                            if self.editing.take().is_some() {
                                widgets.form.set(&NetworkForm::suggested());
                                widgets.form.set_editing(None);
                            }
                        }
                        // Autostart changes send no event; the others are read again too
                        // in case events are not available.
                        self.reload(&sender);
                    }
                    Err(e) if widgets.stack.visible_child_name().as_deref() == Some("xml") => {
                        self.xml_error = Some(e);
                    }
                    Err(e) if widgets.stack.visible_child_name().as_deref() == Some("new") => {
                        self.form_error = Some(e);
                    }
                    Err(e) => {
                        self.error = Some(e);
                        // Show the true state again (the autostart switch, for one).
                        self.reload(&sender);
                    }
                }
            }
            NetworksCmd::Event(g) if g == self.conn_gen => {
                self.events = true;
                self.reload(&sender);
            }
            NetworksCmd::NoEvents(g, e) if g == self.conn_gen => {
                tracing::warn!("network events: {e}");
            }
            NetworksCmd::Closed(g) if g == self.conn_gen => {
                self.events = false;
                self.error = Some(gettext(
                    "The connection to the host is closed; the list shows what was last read.",
                ));
            }
            // From a connection replaced since.
            NetworksCmd::Event(_) | NetworksCmd::NoEvents(..) | NetworksCmd::Closed(_) => {}
        }
        widgets.update(self);
    }
}
