//! The storage page's long operations: uploads and downloads with progress and cancel, and
//! clones with the new volume's growth as progress. One runs at a time, shown in the
//! activity bar; its end reloads the page like any other operation.

use std::path::Path;

use adw::prelude::*;
use relm4::prelude::*;
use tokio::sync::watch;

use super::super::activity;
use super::super::copy;
use super::super::transfer::{self, Progress, Transfer};
use super::super::volume_tools::clone_name;
use super::{StorageCmd, StoragePage, StoragePageMsg, StorageWidgets};
use crate::i18n::{gettext, gettext_f};

/// A long operation under way.
#[derive(Debug)]
pub struct Activity {
    /// What runs, for people.
    pub title: String,
    /// How far it got, once reported.
    pub progress: Option<Progress>,
    /// Stops it (only a transfer can be stopped).
    pub(super) cancel: Option<watch::Sender<bool>>,
}

impl Activity {
    /// Whether it can be cancelled.
    pub fn cancellable(&self) -> bool {
        self.cancel.is_some()
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl StoragePage {
    pub(super) fn choose_upload(
        &mut self,
        into_selected: bool,
        widgets: &StorageWidgets,
        root: &gtk::Box,
        sender: &ComponentSender<Self>,
    ) {
        let parent = root.root().and_downcast::<gtk::Window>();
        let input = sender.input_sender().clone();
        if into_selected {
            let Some(path) = self.volume().map(|v| v.path.clone()) else {
                return;
            };
            activity::choose_upload(parent.as_ref(), move |file| {
                input.emit(StoragePageMsg::Transfer(Transfer::UploadInto {
                    path: path.clone(),
                    file,
                }));
            });
        } else {
            let Some(pool) = self.selected_pool.clone() else {
                return;
            };
            // The name in the new-volume form, else the file's own.
            let typed = widgets.forms.volume_name.text().trim().to_owned();
            activity::choose_upload(parent.as_ref(), move |file| {
                let name = if typed.is_empty() {
                    file_name(&file)
                } else {
                    typed.clone()
                };
                input.emit(StoragePageMsg::Transfer(Transfer::UploadNew {
                    pool: pool.clone(),
                    name,
                    file,
                }));
            });
        }
    }

    pub(super) fn choose_download(&mut self, root: &gtk::Box, sender: &ComponentSender<Self>) {
        let Some(v) = self.volume().cloned() else {
            return;
        };
        let parent = root.root().and_downcast::<gtk::Window>();
        let input = sender.input_sender().clone();
        activity::choose_download(parent.as_ref(), &v.name, move |file| {
            input.emit(StoragePageMsg::Transfer(Transfer::Download {
                path: v.path.clone(),
                file,
            }));
        });
    }

    pub(super) fn start_transfer(
        &mut self,
        t: Transfer,
        sparse: bool,
        sender: &ComponentSender<Self>,
    ) {
        if self.busy || self.activity.is_some() {
            return;
        }
        let file = file_name(t.file());
        let title = match &t {
            Transfer::UploadNew { name, .. } => {
                gettext_f("Uploading {} into the new volume “{}”", &[&file, name])
            }
            Transfer::UploadInto { path, .. } => gettext_f("Uploading {} into {}", &[&file, path]),
            Transfer::Download { path, .. } => gettext_f("Downloading {} to {}", &[path, &file]),
        };
        let (tx, rx) = watch::channel(false);
        self.activity = Some(Activity {
            title,
            progress: None,
            cancel: Some(tx),
        });
        self.busy = true;
        self.error = None;
        let conn = self.conn.clone();
        // Not tied to the page's shutdown: the page going away drops the cancel sender, and
        // the transfer then stops and cleans up by itself.
        sender.command(move |out, _shutdown| async move {
            let progress = out.clone();
            let r = transfer::run(&conn, &t, sparse, rx, move |p| {
                let _ = progress.send(StorageCmd::Progress(p));
            })
            .await;
            let _ = out.send(StorageCmd::Done(r));
        });
    }

    pub(super) fn cancel_transfer(&mut self) {
        if let Some(cancel) = self.activity.as_ref().and_then(|a| a.cancel.as_ref()) {
            let _ = cancel.send(true);
            if let Some(a) = &mut self.activity {
                a.title = gettext("Cancelling…");
            }
        }
    }

    pub(super) fn propose_clone_name(&self, widgets: &StorageWidgets) {
        let proposal = self
            .volume()
            .map(|v| clone_name(&v.name, self.volumes.iter().map(|v| v.name.as_str())))
            .unwrap_or_default();
        widgets.forms.tools.clone_name.set_text(&proposal);
    }

    pub(super) fn start_clone(&mut self, name: String, sender: &ComponentSender<Self>) {
        let Some(v) = self.volume().cloned() else {
            return;
        };
        if self.busy || self.activity.is_some() {
            return;
        }
        self.activity = Some(Activity {
            title: gettext_f("Cloning “{}” as “{}”", &[&v.name, &name]),
            progress: None,
            cancel: None,
        });
        self.busy = true;
        self.error = None;
        let conn = self.conn.clone();
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let progress = out.clone();
                    let r = copy::clone_volume(&conn, &v.path, &name, move |p| {
                        let _ = progress.send(StorageCmd::Progress(p));
                    })
                    .await;
                    let _ = out.send(StorageCmd::Done(r));
                })
                .drop_on_shutdown()
        });
    }
}
