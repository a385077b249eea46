//! The overview's "Guest" group: the running guest's addresses per network card, and when
//! its guest agent answers, its operating system, host name and file systems.
//!
//! It asks only while shown: when it becomes visible, on the VM's life cycle and guest agent
//! events, and every 10 s while the VM runs. Hidden, it has neither timer nor event
//! subscription; with the VM off or paused, no timer.

pub mod data;
pub mod rows;

use std::time::Duration;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::{DomainEvent, DomainEventId};

use crate::i18n::gettext;
use data::{AgentAnswer, GuestData};
use rows::{Line, lines};

/// How often a shown overview asks a running guest again.
pub const REFRESH: Duration = Duration::from_secs(10);

/// The VM and its connection.
#[derive(Debug, Clone)]
pub struct GuestInit {
    /// The VM's name.
    pub name: String,
    /// The connection to its host, while connected.
    pub connection: Option<virt_client::Connection>,
}

/// Messages to the group.
#[derive(Debug)]
pub enum GuestMsg {
    /// Whether the overview is on screen.
    Visible(bool),
    /// The connection changed.
    Connection(Option<virt_client::Connection>),
    /// Ask again (when shown): the VM's state changed.
    Refresh,
}

/// Background results.
#[derive(Debug)]
pub enum GuestCmd {
    /// The answer of one round of questions (`None`: the VM does not run).
    Fetched(Box<Result<Option<GuestData>, String>>),
    /// An event or the refresh timer.
    Refresh,
}

/// The "Guest" group of the overview.
#[derive(Debug)]
pub struct GuestGroup {
    name: String,
    connection: Option<virt_client::Connection>,
    visible: bool,
    fetching: bool,
    again: bool,
    fetches: u64,
    shown: Option<Result<Option<GuestData>, String>>,
    /// Stops the event and timer task; set while it runs, with whether it ticks.
    follow: Option<(tokio::sync::oneshot::Sender<()>, bool)>,
    rows: Vec<gtk::Widget>,
    lines: Vec<Line>,
}

impl GuestGroup {
    /// What the group shows: `None` before the first answer.
    pub fn shown(&self) -> Option<&Result<Option<GuestData>, String>> {
        self.shown.as_ref()
    }

    /// How many rounds of questions were asked.
    pub fn fetches(&self) -> u64 {
        self.fetches
    }

    /// Whether it follows events, and whether a refresh timer runs.
    pub fn following(&self) -> (bool, bool) {
        (
            self.follow.is_some(),
            self.follow.as_ref().is_some_and(|f| f.1),
        )
    }

    /// The rows as shown: title, subtitle and value of each, in order.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    fn fetch(&mut self, sender: &ComponentSender<Self>) {
        let Some(conn) = self.connection.clone() else {
            return;
        };
        if self.fetching {
            self.again = true;
            return;
        }
        self.fetching = true;
        self.fetches += 1;
        let name = self.name.clone();
        sender.oneshot_command(async move {
            GuestCmd::Fetched(Box::new(
                data::fetch(&conn, &name).await.map_err(|e| e.to_string()),
            ))
        });
    }

    /// Follows the VM's events (and ticks when `tick`) while shown; stops otherwise.
    fn follow(&mut self, sender: &ComponentSender<Self>) {
        let running = matches!(&self.shown, Some(Ok(Some(d))) if d.agent != AgentAnswer::Paused);
        let want = self.visible && self.connection.is_some();
        if !want {
            self.follow = None;
            return;
        }
        if self.follow.as_ref().is_some_and(|f| f.1 == running) {
            return;
        }
        let Some(conn) = self.connection.clone() else {
            return;
        };
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        self.follow = Some((stop, running));
        let name = self.name.clone();
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let Ok(dom) = virt_client::Domain::lookup_by_name(&conn, &name).await else {
                        return;
                    };
                    let ids = [DomainEventId::Lifecycle, DomainEventId::AgentLifecycle];
                    let mut events = match conn.domain_events(&ids, Some(&dom)).await {
                        Ok(e) => e,
                        Err(e) => {
                            tracing::warn!("guest changes not followed: {e}");
                            return;
                        }
                    };
                    loop {
                        let tick = async {
                            if running {
                                tokio::time::sleep(REFRESH).await
                            } else {
                                std::future::pending().await
                            }
                        };
                        tokio::select! {
                            _ = &mut stopped => break,
                            () = tick => {
                                if out.send(GuestCmd::Refresh).is_err() { break; }
                            }
                            ev = events.next() => match ev {
                                Some(Ok(DomainEvent::Lifecycle { .. } | DomainEvent::AgentLifecycle { .. }))
                                | Some(Err(_)) => {
                                    if out.send(GuestCmd::Refresh).is_err() { break; }
                                }
                                Some(_) => {}
                                None => break,
                            },
                        }
                    }
                    let _ = events.deregister().await;
                })
                .drop_on_shutdown()
        });
    }

    fn rebuild(&mut self, root: &adw::PreferencesGroup) {
        for w in self.rows.drain(..) {
            root.remove(&w);
        }
        self.lines = self.shown.as_ref().map(lines).unwrap_or_default();
        for l in &self.lines {
            let w = row(l);
            root.add(&w);
            self.rows.push(w);
        }
    }
}

/// A row with a subtitle and a selectable value on the right.
fn row(l: &Line) -> gtk::Widget {
    let r = adw::ActionRow::builder().title(&l.title).build();
    if !l.subtitle.is_empty() {
        r.set_subtitle(&l.subtitle);
    }
    if !l.value.is_empty() {
        let v = gtk::Label::builder()
            .label(&l.value)
            .selectable(true)
            .justify(gtk::Justification::Right)
            .xalign(1.0)
            .build();
        v.update_property(&[gtk::accessible::Property::Label(&format!(
            "{}: {}",
            l.title, l.value
        ))]);
        r.add_suffix(&v);
    }
    r.upcast()
}

#[relm4::component(pub)]
impl Component for GuestGroup {
    type Init = GuestInit;
    type Input = GuestMsg;
    type Output = ();
    type CommandOutput = GuestCmd;

    view! {
        adw::PreferencesGroup {
            set_title: &gettext("Guest"),
        }
    }

    fn init(
        init: GuestInit,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let model = GuestGroup {
            name: init.name,
            connection: init.connection,
            visible: false,
            fetching: false,
            again: false,
            fetches: 0,
            shown: None,
            follow: None,
            rows: Vec::new(),
            lines: Vec::new(),
        };
        let widgets = view_output!();
        let s = sender.input_sender().clone();
        root.connect_map(move |_| s.emit(GuestMsg::Visible(true)));
        let s = sender.input_sender().clone();
        root.connect_unmap(move |_| s.emit(GuestMsg::Visible(false)));
        ComponentParts { model, widgets }
    }

    fn update(&mut self, msg: GuestMsg, sender: ComponentSender<Self>, root: &Self::Root) {
        match msg {
            GuestMsg::Visible(v) => {
                let was = self.visible;
                self.visible = v;
                if v && !was {
                    self.fetch(&sender);
                }
            }
            GuestMsg::Connection(c) => {
                if c.is_none() && self.shown.take().is_some() {
                    self.rebuild(root);
                }
                self.connection = c;
                self.follow = None;
                if self.visible {
                    self.fetch(&sender);
                }
            }
            GuestMsg::Refresh => {
                if self.visible {
                    self.fetch(&sender);
                }
            }
        }
        self.follow(&sender);
    }

    fn update_cmd(&mut self, cmd: GuestCmd, sender: ComponentSender<Self>, root: &Self::Root) {
        match cmd {
            GuestCmd::Refresh => {
                if self.visible {
                    self.fetch(&sender);
                }
            }
            GuestCmd::Fetched(r) => {
                let r = *r;
                self.fetching = false;
                if self.shown.as_ref() != Some(&r) {
                    self.shown = Some(r);
                    self.rebuild(root);
                }
                if std::mem::take(&mut self.again) {
                    self.fetch(&sender);
                }
            }
        }
        self.follow(&sender);
    }
}
