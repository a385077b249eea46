//! The storage page's handling of what its commands bring back: listings (the current ones
//! only), the ends and progress of operations, and pool events.

use relm4::prelude::*;

use super::{StorageCmd, StoragePage, StoragePageOutput, StorageWidgets};

impl StoragePage {
    /// Takes in `cmd`'s result.
    pub(super) fn handle(
        &mut self,
        cmd: StorageCmd,
        widgets: &StorageWidgets,
        sender: &ComponentSender<Self>,
    ) {
        match cmd {
            StorageCmd::Pools(generation, result) => {
                if generation == self.pool_gen {
                    self.loading_pools = false;
                    match result {
                        Ok(pools) => {
                            self.show_pools(pools, widgets);
                            self.load_volumes(sender);
                        }
                        Err(e) => self.error = Some(e),
                    }
                    self.pools_loaded += 1;
                }
            }
            StorageCmd::Volumes(generation, pool, result) => {
                if generation == self.volume_gen && Some(&pool) == self.selected_pool.as_ref() {
                    self.loading_volumes = false;
                    self.volumes_loaded += 1;
                    match result {
                        Ok(volumes) => self.show_volumes(volumes, widgets),
                        Err(e) => self.error = Some(e),
                    }
                }
            }
            StorageCmd::XmlDone(result) => {
                self.busy = false;
                match result {
                    Ok(line) => {
                        self.xml_error = None;
                        self.notice = Some(line.clone());
                        let _ = sender.output(StoragePageOutput::Done(line));
                    }
                    Err(e) => self.xml_error = Some(e),
                }
                self.load(sender);
            }
            StorageCmd::Progress(p) => {
                if let Some(a) = &mut self.activity {
                    a.progress = Some(p);
                }
            }
            StorageCmd::Done(result) => {
                self.busy = false;
                self.activity = None;
                let select = self.select_after.take();
                match result {
                    Ok(line) => {
                        if select.is_some() {
                            self.selected_pool = select;
                        }
                        self.notice = Some(line.clone());
                        let _ = sender.output(StoragePageOutput::Done(line));
                    }
                    Err(e) => self.error = Some(e),
                }
                self.load(sender);
            }
            StorageCmd::Subscribed => self.events = Some(Ok(())),
            StorageCmd::Event(Ok(event)) => {
                self.event_count += 1;
                tracing::debug!("storage event: {event:?}");
                self.load(sender);
            }
            StorageCmd::Event(Err(e)) => {
                tracing::warn!("storage pool events: {e}");
                self.events = Some(Err(e));
            }
        }
    }
}
