//! The Clone dialog: a name (a free `NAME-clone…` proposed), full or linked copies (linked only
//! for a shut-off VM), what happens to the disks and the NVRAM, then progress disk by disk with
//! Cancel. The work itself is [`crate::clone`].

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;

use crate::clone::{self, Cancel, CloneMode, ClonePlan, Cloned, NvramOutcome, NvramPlan, Progress};
use crate::i18n::{gettext, gettext_f, ngettext};

/// What the dialog is started with.
#[derive(Debug)]
pub struct CloneDialogInit {
    /// The source's connection.
    pub conn: Connection,
    /// The source VM's name.
    pub source: String,
}

/// Messages to the dialog.
#[derive(Debug)]
pub enum CloneDialogMsg {
    /// The name entry changed.
    Name(String),
    /// Linked (true) or full.
    Linked(bool),
    /// Start cloning.
    Start,
    /// Cancel: close, or stop the clone under way.
    Cancel,
}

/// Background results.
#[derive(Debug)]
pub enum CloneDialogCmd {
    /// The source was looked at.
    Prepared(Result<Box<ClonePlan>, String>),
    /// A step of the clone.
    Progress(Progress),
    /// The clone ended.
    Finished(Result<Cloned, String>),
}

/// What the dialog tells its owner.
#[derive(Debug)]
pub enum CloneDialogOutput {
    /// The clone exists; a note to show, if any.
    Cloned {
        /// The clone's name.
        name: String,
        /// The clone's UUID.
        uuid: String,
        /// Something the user should know (a fresh NVRAM).
        note: Option<String>,
    },
    /// Closed without a clone.
    Closed,
}

/// The widgets the dialog updates.
#[derive(Debug)]
pub struct CloneDialogWidgets {
    name: gtk::Entry,
    linked: gtk::CheckButton,
    details: gtk::Label,
    error: gtk::Label,
    progress: gtk::ProgressBar,
    start: gtk::Button,
    /// Whether the proposed name is in the entry: from then on the entry is the user's (writing
    /// the model back into it at every update would race with their typing).
    proposed: bool,
}

/// The Clone dialog.
#[derive(Debug)]
pub struct CloneDialog {
    conn: Connection,
    plan: Option<ClonePlan>,
    name: String,
    linked: bool,
    running: Option<Cancel>,
    /// Cancel was pressed while the clone ran: the dialog closes once it is undone.
    cancelling: bool,
    status: String,
    fraction: f64,
    error: Option<String>,
}

impl CloneDialog {
    fn problem(&self) -> Option<String> {
        let plan = self.plan.as_ref()?;
        plan.check_name(&self.name).err().map(|e| e.to_string())
    }

    fn details(&self) -> String {
        let Some(plan) = &self.plan else {
            return gettext("Looking at the virtual machine…");
        };
        let volumes = plan.volume_names(&self.name).join(", ");
        let mut text = if plan.disks.is_empty() {
            gettext("The virtual machine has no disks to copy.")
        } else {
            ngettext("New volume: {}", "New volumes: {}", plan.disks.len() as u32)
                .replace("{}", &volumes)
        };
        match &plan.nvram {
            NvramPlan::None => {}
            NvramPlan::Volume(_) | NvramPlan::Directory { .. } => {
                text.push('\n');
                text.push_str(&gettext("The UEFI variables are copied."));
            }
            NvramPlan::Fresh(_) => {
                text.push('\n');
                text.push_str(&gettext(
                    "The UEFI variables cannot be copied through a storage pool: the clone starts with fresh ones from the firmware's template.",
                ));
            }
        }
        text
    }
}

impl Component for CloneDialog {
    type Init = CloneDialogInit;
    type Input = CloneDialogMsg;
    type Output = CloneDialogOutput;
    type CommandOutput = CloneDialogCmd;
    type Root = adw::Window;
    type Widgets = CloneDialogWidgets;

    fn init_root() -> adw::Window {
        let w = adw::Window::new();
        w.set_modal(true);
        w.set_default_width(460);
        w
    }

    fn init(
        init: CloneDialogInit,
        root: adw::Window,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        root.set_title(Some(&gettext_f("Clone “{}”", &[&init.source])));
        let header = adw::HeaderBar::new();
        header.set_show_end_title_buttons(false);
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        let start = gtk::Button::with_mnemonic(&gettext("C_lone"));
        start.add_css_class("suggested-action");
        start.set_sensitive(false);
        header.pack_start(&cancel);
        header.pack_end(&start);
        let body = gtk::Box::new(gtk::Orientation::Vertical, 12);
        body.set_margin_top(12);
        body.set_margin_bottom(18);
        body.set_margin_start(18);
        body.set_margin_end(18);
        let name_label = gtk::Label::with_mnemonic(&gettext("_Name"));
        name_label.set_xalign(0.0);
        let name = gtk::Entry::new();
        name.set_activates_default(true);
        name.set_sensitive(false);
        name_label.set_mnemonic_widget(Some(&name));
        let full = gtk::CheckButton::with_mnemonic(&gettext("_Full copy of every disk"));
        full.set_active(true);
        let linked = gtk::CheckButton::with_mnemonic(&gettext(
            "_Linked clone: small overlays on the original disks",
        ));
        linked.set_group(Some(&full));
        linked.set_sensitive(false);
        let details = gtk::Label::new(Some(&gettext("Looking at the virtual machine…")));
        details.set_xalign(0.0);
        details.set_wrap(true);
        details.add_css_class("dim-label");
        let error = gtk::Label::new(None);
        error.set_xalign(0.0);
        error.set_wrap(true);
        error.add_css_class("error");
        error.set_visible(false);
        let progress = gtk::ProgressBar::new();
        progress.set_show_text(true);
        progress.set_visible(false);
        for w in [
            name_label.upcast_ref::<gtk::Widget>(),
            name.upcast_ref(),
            full.upcast_ref(),
            linked.upcast_ref(),
            details.upcast_ref(),
            error.upcast_ref(),
            progress.upcast_ref(),
        ] {
            body.append(w);
        }
        let toolbar = gtk::Box::new(gtk::Orientation::Vertical, 0);
        toolbar.append(&header);
        toolbar.append(&body);
        root.set_content(Some(&toolbar));
        root.set_default_widget(Some(&start));

        let s = sender.clone();
        name.connect_changed(move |e| s.input(CloneDialogMsg::Name(e.text().to_string())));
        let s = sender.clone();
        linked.connect_toggled(move |b| s.input(CloneDialogMsg::Linked(b.is_active())));
        let s = sender.clone();
        start.connect_clicked(move |_| s.input(CloneDialogMsg::Start));
        let s = sender.clone();
        cancel.connect_clicked(move |_| s.input(CloneDialogMsg::Cancel));
        let s = sender.clone();
        root.connect_close_request(move |_| {
            s.input(CloneDialogMsg::Cancel);
            gtk::glib::Propagation::Stop
        });

        let conn = init.conn.clone();
        let source = init.source.clone();
        sender.oneshot_command(async move {
            CloneDialogCmd::Prepared(
                clone::prepare(&conn, &source)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string()),
            )
        });
        let model = CloneDialog {
            conn: init.conn,
            plan: None,
            name: String::new(),
            linked: false,
            running: None,
            cancelling: false,
            status: String::new(),
            fraction: 0.0,
            error: None,
        };
        let widgets = CloneDialogWidgets {
            name,
            linked,
            details,
            error,
            progress,
            start,
            proposed: false,
        };
        ComponentParts { model, widgets }
    }

    fn update(&mut self, msg: CloneDialogMsg, sender: ComponentSender<Self>, root: &adw::Window) {
        match msg {
            CloneDialogMsg::Name(n) => self.name = n,
            CloneDialogMsg::Linked(on) => self.linked = on,
            CloneDialogMsg::Cancel => match &self.running {
                Some(cancel) => {
                    cancel.cancel();
                    self.cancelling = true;
                    self.status = gettext("Cancelling after the current step…");
                }
                None => {
                    root.set_visible(false);
                    let _ = sender.output(CloneDialogOutput::Closed);
                }
            },
            CloneDialogMsg::Start => {
                let Some(plan) = self.plan.clone() else {
                    return;
                };
                if self.running.is_some() || self.problem().is_some() {
                    return;
                }
                let cancel = Cancel::default();
                self.running = Some(cancel.clone());
                self.error = None;
                self.status = gettext("Starting…");
                let conn = self.conn.clone();
                let name = self.name.clone();
                let mode = if self.linked {
                    CloneMode::Linked
                } else {
                    CloneMode::Full
                };
                sender.command(move |out, _shutdown| async move {
                    let progress = |p| {
                        let _ = out.send(CloneDialogCmd::Progress(p));
                    };
                    let r = clone::run(&conn, &plan, &name, mode, &cancel, &progress).await;
                    let _ = out.send(CloneDialogCmd::Finished(r.map_err(|e| e.to_string())));
                });
            }
        }
    }

    fn update_cmd(
        &mut self,
        msg: CloneDialogCmd,
        sender: ComponentSender<Self>,
        root: &adw::Window,
    ) {
        match msg {
            CloneDialogCmd::Prepared(Ok(plan)) => {
                self.name = plan.proposed_name();
                self.plan = Some(*plan);
            }
            CloneDialogCmd::Prepared(Err(e)) => self.error = Some(e),
            CloneDialogCmd::Progress(p) => {
                let (status, fraction) = progress_text(&p);
                self.fraction = fraction;
                if !self.cancelling || p == Progress::CleaningUp {
                    self.status = status;
                }
            }
            CloneDialogCmd::Finished(Ok(done)) => {
                self.running = None;
                root.set_visible(false);
                let note = match &done.nvram {
                    NvramOutcome::Fresh(_) => Some(gettext_f(
                        "“{}” starts with fresh UEFI variables: the original's could not be copied.",
                        &[&done.name],
                    )),
                    _ => None,
                };
                let _ = sender.output(CloneDialogOutput::Cloned {
                    name: done.name,
                    uuid: done.uuid,
                    note,
                });
            }
            CloneDialogCmd::Finished(Err(_)) if self.cancelling => {
                self.running = None;
                root.set_visible(false);
                let _ = sender.output(CloneDialogOutput::Closed);
            }
            CloneDialogCmd::Finished(Err(e)) => {
                self.running = None;
                self.status.clear();
                self.error = Some(e);
            }
        }
    }

    fn update_view(&self, w: &mut CloneDialogWidgets, _sender: ComponentSender<Self>) {
        let ready = self.plan.is_some() && self.running.is_none();
        if !w.proposed && self.plan.is_some() {
            w.proposed = true;
            w.name.set_text(&self.name);
        }
        w.name.set_sensitive(ready);
        w.linked
            .set_sensitive(ready && self.plan.as_ref().is_some_and(|p| p.shut_off));
        w.details.set_text(&self.details());
        let problem = self.error.clone().or_else(|| self.problem());
        w.error.set_visible(problem.is_some());
        w.error.set_text(problem.as_deref().unwrap_or(""));
        w.start
            .set_sensitive(ready && self.problem().is_none() && !self.name.is_empty());
        w.progress.set_visible(self.running.is_some());
        w.progress.set_text(Some(&self.status));
        w.progress.set_fraction(self.fraction);
    }
}

/// The progress bar's text and fraction for a step.
fn progress_text(p: &Progress) -> (String, f64) {
    match p {
        Progress::Disk {
            index,
            count,
            done,
            total,
            ..
        } => {
            let i = index.to_string();
            let n = count.to_string();
            let part = if *total > 0 {
                (*done as f64 / *total as f64).min(1.0)
            } else {
                0.0
            };
            (
                gettext_f("Disk {} of {}", &[&i, &n]),
                ((*index - 1) as f64 + part) / (*count as f64).max(1.0),
            )
        }
        Progress::Nvram => (gettext("Copying the UEFI variables"), 1.0),
        Progress::Defining => (gettext("Defining the clone"), 1.0),
        Progress::CleaningUp => (gettext("Removing what was made"), 1.0),
    }
}
