//! Following the VM's state while the editor is open: which edits reach the running VM at
//! once depends on whether it runs, so a start or a stop is taken in as it happens. Without
//! edits the editor reads the VM again; with edits it keeps them and re-plans: a stopped VM
//! takes them all through its definition, a started one after its next restart.

use relm4::prelude::*;
use virt_client::{DomainEvent, DomainEventId, LifecycleEvent};

use super::{EditorCmd, HardwareEditor};

impl HardwareEditor {
    /// Follows the VM's lifecycle events for as long as the editor lives.
    pub(super) fn follow_state(&self, sender: &ComponentSender<Self>) {
        let domain = self.domain.clone();
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let conn = domain.connection().clone();
                    let ids = [DomainEventId::Lifecycle];
                    let mut events = match conn.domain_events(&ids, Some(&domain)).await {
                        Ok(e) => e,
                        Err(e) => {
                            tracing::warn!("the VM's state is not followed: {e}");
                            return;
                        }
                    };
                    while let Some(ev) = events.next().await {
                        let running = match ev {
                            Ok(DomainEvent::Lifecycle { event, .. }) => match event {
                                LifecycleEvent::Started => true,
                                LifecycleEvent::Stopped => false,
                                _ => continue,
                            },
                            _ => continue,
                        };
                        if out.send(EditorCmd::Running(running)).is_err() {
                            break;
                        }
                    }
                    let _ = events.deregister().await;
                })
                .drop_on_shutdown()
        });
    }

    /// Takes in that the VM now runs (`running`) or not; after the load or apply under way,
    /// if one is.
    pub(super) fn state_changed(&mut self, running: bool, sender: &ComponentSender<Self>) {
        if self.busy {
            self.running_later = Some(running);
            return;
        }
        if running == self.active {
            return;
        }
        if !self.dirty {
            self.reload(sender);
            return;
        }
        self.active = running;
        self.live = None;
        if running {
            // The edits so far went to the definition only.
            self.restart_needed = true;
        } else {
            self.live_ops.clear();
            self.restart_needed = false;
        }
        self.generation += 1;
    }
}
