//! The "Migrate" dialog: moves a VM to the host of another open connection, live or offline,
//! with or without its storage. Progress comes from the migration job's statistics; Cancel
//! aborts the job, and a failure says where the VM runs afterwards.

use std::time::Duration;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::{Connection, Domain, Error};

use crate::i18n::{gettext, gettext_f};

mod controls;
mod form;

use controls::Controls;
use form::libvirt_message;
pub use form::{MigrateForm, failure_text, progress};

/// What the dialog starts with.
#[derive(Debug, Clone)]
pub struct MigrateInit {
    /// The VM's name.
    pub name: String,
    /// The VM's UUID.
    pub uuid: String,
    /// The source host, as the user knows it.
    pub source_label: String,
    /// The connection to the source host.
    pub source: Connection,
    /// Whether the VM runs (live migration) or not (its definition moves, offline).
    pub active: bool,
    /// The other open connections: (label, connection).
    pub destinations: Vec<(String, Connection)>,
    /// Which destination is chosen at first.
    pub chosen: u32,
}

/// The dialog.
pub struct MigrateDialog {
    init: MigrateInit,
    running: bool,
    window: adw::Window,
    controls: Controls,
    progress: gtk::ProgressBar,
    post_copy: gtk::Button,
    status: gtk::Label,
    start: gtk::Button,
}

impl std::fmt::Debug for MigrateDialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MigrateDialog")
            .field("vm", &self.init.name)
            .field("running", &self.running)
            .finish_non_exhaustive()
    }
}

/// Messages to the dialog.
#[derive(Debug)]
pub enum MigrateMsg {
    /// Start migrating with the form's choices.
    Start,
    /// Abort the running migration, or close the dialog.
    Cancel,
    /// Switch the running migration to post-copy.
    StartPostCopy,
}

/// What the dialog tells its parent.
#[derive(Debug)]
pub enum MigrateOutput {
    /// The VM moved to the destination with this label.
    Migrated {
        /// The VM's name.
        name: String,
        /// The destination's label.
        dest: String,
    },
    /// The dialog was closed.
    Closed,
}

/// Results of the background work.
#[derive(Debug)]
pub enum MigrateCmd {
    /// Progress from the job's statistics.
    Progress(f64, String),
    /// The migration ended: `Err` carries the words to show.
    Finished(Result<(), String>),
    /// Aborting failed.
    AbortFailed(String),
    /// Switching to post-copy worked, or failed with these words.
    PostCopy(Result<(), String>),
}

impl Component for MigrateDialog {
    type Init = MigrateInit;
    type Input = MigrateMsg;
    type Output = MigrateOutput;
    type CommandOutput = MigrateCmd;
    type Root = adw::Window;
    type Widgets = ();

    fn init_root() -> adw::Window {
        adw::Window::builder()
            .modal(true)
            .default_width(480)
            .resizable(false)
            .build()
    }

    fn init(
        init: MigrateInit,
        root: adw::Window,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        root.set_title(Some(&gettext_f("Migrate “{}”", &[&init.name])));
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        let header = adw::HeaderBar::new();
        header.set_show_end_title_buttons(false);
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        let s = sender.clone();
        cancel.connect_clicked(move |_| s.input(MigrateMsg::Cancel));
        let start = gtk::Button::with_mnemonic(&gettext("_Migrate"));
        start.add_css_class("suggested-action");
        let s = sender.clone();
        start.connect_clicked(move |_| s.input(MigrateMsg::Start));
        header.pack_start(&cancel);
        header.pack_end(&start);
        content.append(&header);

        let body = gtk::Box::new(gtk::Orientation::Vertical, 12);
        body.set_margin_top(12);
        body.set_margin_bottom(12);
        body.set_margin_start(12);
        body.set_margin_end(12);
        let controls = Controls::new(&init);
        body.append(&controls.group);
        let progress = gtk::ProgressBar::builder()
            .show_text(true)
            .visible(false)
            .build();
        body.append(&progress);
        let post_copy = gtk::Button::builder()
            .label(gettext("Switch to _Post-Copy"))
            .use_underline(true)
            .tooltip_text(gettext(
                "Run the VM on the destination now and copy the rest of its memory afterwards",
            ))
            .halign(gtk::Align::Start)
            .visible(false)
            .build();
        let s = sender.clone();
        post_copy.connect_clicked(move |_| s.input(MigrateMsg::StartPostCopy));
        body.append(&post_copy);
        let status = gtk::Label::builder()
            .wrap(true)
            .xalign(0.0)
            .visible(false)
            .build();
        status.add_css_class("error");
        body.append(&status);
        content.append(&body);
        root.set_content(Some(&content));
        let s = sender.clone();
        root.connect_close_request(move |_| {
            s.input(MigrateMsg::Cancel);
            gtk::glib::Propagation::Stop
        });
        if init.destinations.is_empty() {
            start.set_sensitive(false);
            status.set_label(&gettext(
                "Connect to another host first: a VM migrates to another open connection’s host.",
            ));
            status.set_visible(true);
        }
        let model = MigrateDialog {
            init,
            running: false,
            window: root,
            controls,
            progress,
            post_copy,
            status,
            start,
        };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: MigrateMsg, sender: ComponentSender<Self>, _root: &adw::Window) {
        match msg {
            MigrateMsg::Start => self.start(&sender),
            MigrateMsg::Cancel if self.running => {
                self.status.set_visible(false);
                self.progress.set_text(Some(&gettext("Cancelling…")));
                let src = self.init.source.clone();
                let uuid = self.init.uuid.clone();
                sender.oneshot_command(async move {
                    let r = match uuid.parse() {
                        Ok(uuid) => match Domain::lookup_by_uuid(&src, uuid).await {
                            Ok(dom) => dom.abort_job(0).await,
                            Err(e) => Err(e),
                        },
                        Err(_) => return MigrateCmd::AbortFailed(uuid),
                    };
                    match r {
                        Ok(()) => MigrateCmd::Progress(0.0, gettext("Cancelling…")),
                        Err(e) => MigrateCmd::AbortFailed(libvirt_message(&e)),
                    }
                });
            }
            MigrateMsg::StartPostCopy if self.running => {
                self.post_copy.set_sensitive(false);
                let src = self.init.source.clone();
                let uuid = self.init.uuid.clone();
                sender.oneshot_command(async move {
                    let r = match uuid.parse() {
                        Ok(uuid) => match Domain::lookup_by_uuid(&src, uuid).await {
                            Ok(dom) => dom.migrate_start_post_copy().await,
                            Err(e) => Err(e),
                        },
                        Err(_) => Err(Error::InvalidArgument(uuid)),
                    };
                    MigrateCmd::PostCopy(r.map_err(|e| libvirt_message(&e)))
                });
            }
            MigrateMsg::StartPostCopy => {}
            MigrateMsg::Cancel => {
                self.window.set_visible(false);
                let _ = sender.output(MigrateOutput::Closed);
            }
        }
    }

    fn update_cmd(&mut self, cmd: MigrateCmd, sender: ComponentSender<Self>, _root: &adw::Window) {
        match cmd {
            MigrateCmd::Progress(fraction, text) => {
                if self.running {
                    self.progress.set_fraction(fraction);
                    self.progress.set_text(Some(&text));
                }
            }
            MigrateCmd::Finished(Ok(())) => {
                self.running = false;
                self.window.set_visible(false);
                let dest = self.dest_label();
                let _ = sender.output(MigrateOutput::Migrated {
                    name: self.init.name.clone(),
                    dest,
                });
            }
            MigrateCmd::Finished(Err(text)) => {
                self.set_running(false);
                self.status.set_label(&text);
                self.status.set_visible(true);
            }
            MigrateCmd::PostCopy(Ok(())) => {
                self.post_copy
                    .set_label(&gettext("Post-copy: the VM runs on the destination"));
            }
            MigrateCmd::PostCopy(Err(text)) => {
                self.post_copy.set_sensitive(self.running);
                self.status
                    .set_label(&gettext_f("Could not switch to post-copy: {}", &[&text]));
                self.status.set_visible(true);
            }
            MigrateCmd::AbortFailed(text) => {
                self.status
                    .set_label(&gettext_f("Could not cancel the migration: {}", &[&text]));
                self.status.set_visible(true);
            }
        }
    }
}

impl MigrateDialog {
    /// The dialog's window.
    pub fn window(&self) -> &adw::Window {
        &self.window
    }

    /// Whether a migration runs.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// The error or note shown, if any.
    pub fn status_text(&self) -> Option<String> {
        self.status
            .is_visible()
            .then(|| self.status.label().to_string())
    }

    /// What the progress bar says and how full it is.
    pub fn progress_text(&self) -> (f64, String) {
        (
            self.progress.fraction(),
            self.progress
                .text()
                .map(|t| t.to_string())
                .unwrap_or_default(),
        )
    }

    /// The migration address field.
    pub fn address_row(&self) -> &adw::EntryRow {
        &self.controls.address
    }

    /// The destination choice.
    pub fn destination_row(&self) -> &adw::ComboRow {
        &self.controls.dest
    }

    /// The choices the form holds now.
    pub fn form(&self) -> MigrateForm {
        self.controls.form()
    }

    /// The switches for compression, auto-converge and post-copy.
    pub fn option_switches(&self) -> [&gtk::Switch; 3] {
        [
            &self.controls.compressed,
            &self.controls.auto_converge,
            &self.controls.post_copy,
        ]
    }

    /// The "Switch to Post-Copy" button, shown while a migration that allows it runs.
    pub fn post_copy_button(&self) -> &gtk::Button {
        &self.post_copy
    }

    fn dest_label(&self) -> String {
        self.init
            .destinations
            .get(self.controls.dest.selected() as usize)
            .map(|(l, _)| l.clone())
            .unwrap_or_default()
    }

    fn set_running(&mut self, running: bool) {
        self.running = running;
        self.controls.group.set_sensitive(!running);
        self.start.set_sensitive(!running);
        self.progress.set_visible(running);
        self.post_copy
            .set_visible(running && self.controls.form().options(self.init.active).post_copy);
        self.post_copy.set_sensitive(running);
        self.post_copy.set_label(&gettext("Switch to _Post-Copy"));
        if running {
            self.progress.set_fraction(0.0);
            self.progress.set_text(Some(&gettext("Preparing…")));
        }
    }

    fn start(&mut self, sender: &ComponentSender<Self>) {
        if self.running {
            return;
        }
        let Some((dest_label, dest)) = self
            .init
            .destinations
            .get(self.controls.dest.selected() as usize)
            .cloned()
        else {
            return;
        };
        let form = self.controls.form();
        let opts = form.options(self.init.active);
        self.status.set_visible(false);
        self.set_running(true);
        let src = self.init.source.clone();
        let uuid = self.init.uuid.clone();
        let source_label = self.init.source_label.clone();
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let dom = match uuid.parse() {
                        Ok(uuid) => Domain::lookup_by_uuid(&src, uuid).await,
                        Err(_) => Err(Error::InvalidArgument(uuid)),
                    };
                    let dom = match dom {
                        Ok(d) => d,
                        Err(e) => {
                            let text = failure_text(&e, &source_label, &dest_label);
                            let _ = out.send(MigrateCmd::Finished(Err(text)));
                            return;
                        }
                    };
                    let migration = dom.migrate(&dest, &opts);
                    let mut migration = std::pin::pin!(migration);
                    let mut tick = tokio::time::interval(Duration::from_millis(500));
                    let result = loop {
                        tokio::select! {
                            r = &mut migration => break r,
                            _ = tick.tick() => {
                                if let Ok(s) = dom.job_stats(0).await
                                    && s.job_type.is_active()
                                {
                                    let (f, text) = progress(&s);
                                    let _ = out.send(MigrateCmd::Progress(f, text));
                                }
                            }
                        }
                    };
                    let done = result
                        .map(|_| ())
                        .map_err(|e| failure_text(&e, &source_label, &dest_label));
                    let _ = out.send(MigrateCmd::Finished(done));
                })
                .drop_on_shutdown()
        });
    }
}
