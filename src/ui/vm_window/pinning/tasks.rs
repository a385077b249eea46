//! The pinning page's background work: loading, following events, reading pins again.

use relm4::prelude::*;
use virt_client::{DomainEvent, DomainEventId};

use super::{PinningCmd, PinningPage, load};
use crate::i18n::gettext;

impl PinningPage {
    pub(super) fn start_load(&mut self, sender: &ComponentSender<Self>) {
        self.generation += 1;
        self.events_stop.take();
        let Some(conn) = self.connection.clone() else {
            self.failure = Some(gettext("Not connected to the host"));
            return;
        };
        let (gen_, name) = (self.generation, self.name.clone());
        sender.oneshot_command(async move {
            let r = load::load(&conn, &name).await;
            PinningCmd::Loaded(gen_, r.map(Box::new).map_err(|e| e.to_string()))
        });
    }

    pub(super) fn start_events(&mut self, sender: &ComponentSender<Self>) {
        let (Some(conn), Some(l)) = (self.connection.clone(), self.loaded.as_ref()) else {
            return;
        };
        let dom = l.domain.clone();
        let gen_ = self.generation;
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        self.events_stop = Some(stop);
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    // Pins changed elsewhere, and the VM starting or stopping (which changes
                    // what can be pinned). Other pages of this VM share these registrations.
                    let ids = [DomainEventId::Tunable, DomainEventId::Lifecycle];
                    let mut events = match conn.domain_events(&ids, Some(&dom)).await {
                        Ok(e) => e,
                        Err(e) => {
                            tracing::warn!("pinning changes made elsewhere not followed: {e}");
                            return;
                        }
                    };
                    loop {
                        tokio::select! {
                            _ = &mut stopped => break,
                            ev = events.next() => match ev {
                                Some(Ok(DomainEvent::Tunable { .. })) => {
                                    let _ = out.send(PinningCmd::Event(gen_, false));
                                }
                                Some(Ok(DomainEvent::Lifecycle { .. })) => {
                                    let _ = out.send(PinningCmd::Event(gen_, true));
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

    pub(super) fn reload_pins(&self, sender: &ComponentSender<Self>) {
        let Some(l) = &self.loaded else { return };
        let (dom, maplen, online, gen_) = (
            l.domain.clone(),
            l.maplen,
            l.online.clone(),
            self.generation,
        );
        sender.oneshot_command(async move {
            let r = load::load_pins(&dom, maplen, &online).await;
            PinningCmd::Pins(gen_, r.map_err(|e| e.to_string()))
        });
    }
}
