//! The storage page's plumbing: loading pools and volumes as commands, running operations,
//! asking before the ones that cannot be undone, showing what was read, and following the
//! pool events.

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;

use super::super::ops::{self, PoolEntry, PoolOp, VolumeEntry};
use super::super::words;
use super::{Question, StorageCmd, StoragePage, StoragePageMsg, StorageWidgets};
use crate::i18n::{gettext, gettext_f};
use crate::ui::xml_pane;
use virt_xml::PoolXml;

impl StoragePage {
    pub(super) fn load(&mut self, sender: &ComponentSender<Self>) {
        self.pool_gen += 1;
        self.loading_pools = true;
        let generation = self.pool_gen;
        let conn = self.conn.clone();
        sender
            .oneshot_command(async move { StorageCmd::Pools(generation, ops::pools(&conn).await) });
    }

    pub(super) fn load_volumes(&mut self, sender: &ComponentSender<Self>) {
        self.volume_gen += 1;
        let Some(pool) = self.pool().filter(|p| p.active()).map(|p| p.name.clone()) else {
            self.volumes.clear();
            self.selected_volume = None;
            self.volume_list.set(&[], None);
            self.loading_volumes = false;
            return;
        };
        self.loading_volumes = true;
        let generation = self.volume_gen;
        let conn = self.conn.clone();
        sender.oneshot_command(async move {
            let r = ops::volumes(&conn, &pool).await;
            StorageCmd::Volumes(generation, pool, r)
        });
    }

    /// Runs `op` as a command; its result reloads the page.
    pub(super) fn run<F>(&mut self, sender: &ComponentSender<Self>, op: F)
    where
        F: std::future::Future<Output = Result<String, String>> + Send + 'static,
    {
        self.busy = true;
        self.error = None;
        sender.oneshot_command(async move { StorageCmd::Done(op.await) });
    }

    pub(super) fn ask(
        &mut self,
        question: Question,
        root: &gtk::Box,
        sender: &ComponentSender<Self>,
    ) {
        let (heading, body, accept) = words::question_text(&question);
        let parent = root.root().and_downcast::<gtk::Window>();
        let dialog = adw::MessageDialog::new(parent.as_ref(), Some(&heading), Some(&body));
        dialog.add_responses(&[("cancel", &gettext("_Cancel")), ("accept", &accept)]);
        dialog.set_response_appearance("accept", adw::ResponseAppearance::Destructive);
        dialog.set_default_response(Some("cancel"));
        dialog.set_close_response("cancel");
        let input = sender.input_sender().clone();
        dialog.connect_response(None, move |_, response| {
            input.emit(StoragePageMsg::Respond(response == "accept"));
        });
        dialog.present();
        self.question = Some((question, Some(dialog)));
    }

    pub(super) fn answer(&mut self, yes: bool, sender: &ComponentSender<Self>) {
        let Some((question, dialog)) = self.question.take() else {
            return;
        };
        if let Some(dialog) = dialog {
            dialog.destroy();
        }
        if !yes {
            return;
        }
        let conn = self.conn.clone();
        match question {
            Question::DeletePool(name) => self.run(sender, async move {
                ops::pool_op(&conn, &name, PoolOp::Delete).await?;
                Ok(gettext_f("Deleted the storage of “{}”.", &[&name]))
            }),
            Question::UndefinePool(name) => self.run(sender, async move {
                ops::pool_op(&conn, &name, PoolOp::Undefine).await?;
                Ok(gettext_f("Removed the storage pool “{}”.", &[&name]))
            }),
            Question::WipeVolume { path, .. } => self.run(sender, async move {
                super::super::copy::wipe_volume(&conn, &path).await
            }),
            Question::DeleteVolume { path, users, .. } => {
                let even_if_used = !users.is_empty();
                self.run(sender, async move {
                    ops::delete_volume(&conn, &path, even_if_used).await
                });
            }
        }
    }

    pub(super) fn pool_op(&mut self, op: PoolOp, root: &gtk::Box, sender: &ComponentSender<Self>) {
        let Some(pool) = self.pool().cloned() else {
            return;
        };
        match op {
            PoolOp::Delete => self.ask(Question::DeletePool(pool.name), root, sender),
            PoolOp::Undefine => self.ask(Question::UndefinePool(pool.name), root, sender),
            op => {
                let conn = self.conn.clone();
                self.run(sender, async move {
                    ops::pool_op(&conn, &pool.name, op).await?;
                    Ok(match op {
                        PoolOp::Start => gettext_f("Started “{}”.", &[&pool.name]),
                        PoolOp::Stop => gettext_f("Stopped “{}”.", &[&pool.name]),
                        _ => gettext_f("Refreshed “{}”.", &[&pool.name]),
                    })
                });
            }
        }
    }

    pub(super) fn show_pools(&mut self, pools: Vec<PoolEntry>, widgets: &StorageWidgets) {
        self.pools = pools;
        if self.pool().is_none() {
            self.selected_pool = self.pools.first().map(|p| p.name.clone());
        }
        {
            let mut rows = self.pool_rows.guard();
            rows.clear();
            for p in &self.pools {
                rows.push_back(p.clone());
            }
        }
        let index = self
            .selected_pool
            .as_deref()
            .and_then(|name| self.pools.iter().position(|p| p.name == name));
        match index.and_then(|i| widgets.pools.row_at_index(i as i32)) {
            Some(row) => widgets.pools.select_row(Some(&row)),
            None => widgets.pools.unselect_all(),
        }
    }

    pub(super) fn show_volumes(&mut self, volumes: Vec<VolumeEntry>, widgets: &StorageWidgets) {
        self.volumes = volumes;
        if self.volume().is_none() {
            self.selected_volume = None;
        }
        let index = self
            .selected_volume
            .as_deref()
            .and_then(|name| self.volumes.iter().position(|v| v.name == name));
        widgets.volumes.set(&self.volumes, index);
        widgets.forms.set_backing_choices(&self.volumes);
    }

    /// Checks `text` (it parses and keeps the pool's name) and defines the pool from it.
    pub(super) fn apply_xml(&mut self, text: &str, sender: &ComponentSender<Self>) {
        let Some(name) = self.selected_pool.clone() else {
            return;
        };
        let checked = xml_pane::checked(
            text,
            &name,
            PoolXml::parse,
            |doc| doc.root().name(doc).map(|n| n.into_owned()),
            &gettext_f(
                "The name must stay “{}”: a pool is renamed by defining a new one.",
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
                    StorageCmd::XmlDone(ops::redefine_pool(&conn, &name, &xml).await)
                });
            }
        }
    }

    pub(super) fn sync(&self, widgets: &StorageWidgets) {
        widgets.error_box.set_visible(self.error.is_some());
        widgets.error.set_label(self.error.as_deref().unwrap_or(""));
        widgets
            .spinner
            .set_spinning(self.busy() && self.activity.is_none());
        widgets
            .spinner
            .set_visible(self.busy() && self.activity.is_none());
        widgets.forms.xml.set_error(self.xml_error.as_deref());
        widgets.forms.activity.follow(self.activity.as_ref());
        widgets.forms.sync(
            self.pool(),
            self.volume(),
            self.busy || self.question.is_some(),
        );
    }
}

/// Follows the pool events of `conn` until the page or the connection ends.
pub(super) fn subscribe(sender: &ComponentSender<StoragePage>, conn: Connection) {
    sender.command(move |out, shutdown| {
        shutdown
            .register(async move {
                let mut events = match conn.pool_events().await {
                    Ok(events) => events,
                    Err(e) => {
                        let _ = out.send(StorageCmd::Event(Err(e.to_string())));
                        return;
                    }
                };
                let _ = out.send(StorageCmd::Subscribed);
                while let Some(ev) = events.next().await {
                    if out
                        .send(StorageCmd::Event(ev.map_err(|e| e.to_string())))
                        .is_err()
                    {
                        break;
                    }
                }
            })
            .drop_on_shutdown()
    });
}
