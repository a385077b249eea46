//! Long storage operations on screen, shared by the storage page and the storage browser: a
//! transfer under way with its cancel switch ([`Activity`]), the bar with what runs, its
//! progress, rate and a cancel button; and the file choosers that start uploads and downloads.

use std::path::{Path, PathBuf};

use adw::prelude::*;
use relm4::prelude::*;
use tokio::sync::watch;
use virt_client::Connection;

use super::transfer::{self, Progress, Transfer};
use crate::i18n::{gettext, gettext_f};
use crate::ui::file_chooser;

/// A long operation under way.
#[derive(Debug)]
pub struct Activity {
    /// What runs, for people.
    pub title: String,
    /// How far it got, once reported.
    pub progress: Option<Progress>,
    /// Stops it (only a transfer can be stopped).
    pub cancel: Option<watch::Sender<bool>>,
}

impl Activity {
    /// An operation that cannot be stopped.
    pub fn uncancellable(title: String) -> Activity {
        Activity {
            title,
            progress: None,
            cancel: None,
        }
    }

    /// Whether it can be cancelled.
    pub fn cancellable(&self) -> bool {
        self.cancel.is_some()
    }

    /// Asks a transfer to stop; it ends with its usual result, saying what it left.
    pub fn cancel(&mut self) {
        if let Some(cancel) = &self.cancel {
            let _ = cancel.send(true);
            self.title = gettext("Cancelling…");
        }
    }

    /// Starts transfer `t` on `conn` as a command of the component `sender` belongs to:
    /// `progress` wraps each report, `done` the result. Not tied to the component's shutdown:
    /// the component going away drops the cancel switch, and the transfer then stops and
    /// cleans up by itself.
    pub fn start_transfer<C: Component>(
        sender: &ComponentSender<C>,
        conn: &Connection,
        t: Transfer,
        sparse: bool,
        progress: fn(Progress) -> C::CommandOutput,
        done: fn(Result<String, String>) -> C::CommandOutput,
    ) -> Activity {
        let file = file_name(t.file());
        let title = match &t {
            Transfer::UploadNew { name, .. } => {
                gettext_f("Uploading {} into the new volume “{}”", &[&file, name])
            }
            Transfer::UploadInto { path, .. } => gettext_f("Uploading {} into {}", &[&file, path]),
            Transfer::Download { path, .. } => gettext_f("Downloading {} to {}", &[path, &file]),
        };
        let (tx, rx) = watch::channel(false);
        let conn = conn.clone();
        sender.command(move |out, _shutdown| async move {
            let reports = out.clone();
            let r = transfer::run(&conn, &t, sparse, rx, move |p| {
                let _ = reports.send(progress(p));
            })
            .await;
            let _ = out.send(done(r));
        });
        Activity {
            title,
            progress: None,
            cancel: Some(tx),
        }
    }
}

/// The last part of `path`, for people.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The bar of the operation under way (hidden when none).
#[derive(Debug, Clone)]
pub struct ActivityBar {
    /// The bar's box.
    pub root: gtk::Box,
    /// What runs.
    pub title: gtk::Label,
    /// Bytes done, in all and per second.
    pub detail: gtk::Label,
    /// The progress.
    pub progress: gtk::ProgressBar,
    /// Stops it.
    pub cancel: gtk::Button,
}

impl ActivityBar {
    /// A hidden bar whose cancel button calls `on_cancel`.
    pub fn new(on_cancel: impl Fn() + 'static) -> ActivityBar {
        let root = gtk::Box::new(gtk::Orientation::Vertical, 4);
        let line = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        let title = gtk::Label::new(None);
        title.set_xalign(0.0);
        title.set_hexpand(true);
        title.set_ellipsize(gtk::pango::EllipsizeMode::Middle);
        let detail = gtk::Label::new(None);
        detail.add_css_class("dim-label");
        detail.add_css_class("numeric");
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        cancel.set_valign(gtk::Align::Center);
        cancel.connect_clicked(move |_| on_cancel());
        line.append(&title);
        line.append(&detail);
        line.append(&cancel);
        let progress = gtk::ProgressBar::new();
        progress.update_property(&[gtk::accessible::Property::Label(&gettext("Progress"))]);
        root.append(&line);
        root.append(&progress);
        root.set_visible(false);
        ActivityBar {
            root,
            title,
            detail,
            progress,
            cancel,
        }
    }

    /// Shows `activity`, or hides the bar when there is none.
    pub fn follow(&self, activity: Option<&Activity>) {
        match activity {
            Some(a) => self.show(&a.title, a.progress.as_ref(), a.cancellable()),
            None => self.hide(),
        }
    }

    /// Shows `title` with `progress`: a fraction when the total is known, else a pulse per
    /// report (so the bar moves only while reports come). `cancellable` shows the button.
    pub fn show(&self, title: &str, progress: Option<&Progress>, cancellable: bool) {
        self.root.set_visible(true);
        self.title.set_label(title);
        self.cancel.set_visible(cancellable);
        match progress {
            Some(p) if p.total > 0 => {
                self.progress.set_fraction(p.fraction());
                self.detail.set_label(&p.label());
            }
            Some(p) => {
                self.progress.pulse();
                self.detail.set_label(&p.label());
            }
            None => {
                self.progress.set_fraction(0.0);
                self.detail.set_label("");
            }
        }
    }

    /// Hides the bar.
    pub fn hide(&self) {
        self.root.set_visible(false);
        self.progress.set_fraction(0.0);
    }
}

/// Asks for a local file to upload, then calls `chosen` with its path.
pub fn choose_upload(parent: Option<&gtk::Window>, chosen: impl Fn(PathBuf) + 'static) {
    let chooser = file_chooser::modal(
        parent,
        &gettext("Upload File"),
        gtk::FileChooserAction::Open,
        &gettext("_Upload"),
    );
    file_chooser::pick_path(&chooser, chosen);
}

/// Asks where to save a download of `volume`, then calls `chosen` with the path.
pub fn choose_download(
    parent: Option<&gtk::Window>,
    volume: &str,
    chosen: impl Fn(PathBuf) + 'static,
) {
    let chooser = file_chooser::modal(
        parent,
        &gettext("Download Volume"),
        gtk::FileChooserAction::Save,
        &gettext("_Save"),
    );
    chooser.set_current_name(volume);
    file_chooser::pick_path(&chooser, chosen);
}
