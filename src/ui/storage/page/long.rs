//! The storage page's long operations: uploads and downloads with progress and cancel (run by
//! [`Activity`]), and clones with the new volume's growth as progress. One runs at a time,
//! shown in the activity bar; its end reloads the page like any other operation.

use adw::prelude::*;
use relm4::prelude::*;

use super::super::activity::{self, Activity, file_name};
use super::super::copy;
use super::super::transfer::Transfer;
use super::super::volume_tools::clone_name;
use super::{StorageCmd, StoragePage, StoragePageMsg, StorageWidgets};
use crate::i18n::gettext_f;

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
        self.activity = Some(Activity::start_transfer(
            sender,
            &self.conn,
            t,
            sparse,
            StorageCmd::Progress,
            StorageCmd::Done,
        ));
        self.busy = true;
        self.error = None;
    }

    pub(super) fn cancel_transfer(&mut self) {
        if let Some(a) = &mut self.activity {
            a.cancel();
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
        self.activity = Some(Activity::uncancellable(gettext_f(
            "Cloning “{}” as “{}”",
            &[&v.name, &name],
        )));
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
