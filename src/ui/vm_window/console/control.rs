//! The console page's message handling: loading the VM, following its events, opening and
//! reopening the display and the serial session.

use std::time::Duration;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::{DomainEvent, DomainEventId};

use super::{
    ConsoleCmd, ConsoleMode, ConsoleMsg, ConsoleOutput, ConsolePage, Route, SerialState, graphics,
    password, view,
};
use crate::i18n::{gettext, gettext_f};
use crate::widgets::spice_display::SpiceTls;
use crate::widgets::vnc_display::DisplayState;

impl ConsolePage {
    pub(super) fn start_load(&mut self, sender: &ComponentSender<Self>) {
        self.generation += 1;
        let Some(conn) = self.connection.clone() else {
            self.info = None;
            return;
        };
        let (gen_, name) = (self.generation, self.name.clone());
        sender.oneshot_command(async move {
            let r = graphics::load(&conn, &name).await;
            ConsoleCmd::Loaded(gen_, r.map(Box::new).map_err(|e| e.to_string()))
        });
    }

    pub(super) fn start_events(&mut self, sender: &ComponentSender<Self>) {
        let (Some(conn), Some(info)) = (self.connection.clone(), self.info.as_ref()) else {
            return;
        };
        if self.events_stop.is_some() {
            return;
        }
        let dom = info.domain.clone();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        self.events_stop = Some(stop);
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let ids = [DomainEventId::Lifecycle, DomainEventId::Reboot];
                    let Ok(mut events) = conn.domain_events(&ids, Some(&dom)).await else {
                        return;
                    };
                    loop {
                        tokio::select! {
                            _ = &mut stopped => break,
                            ev = events.next() => match ev {
                                Some(Ok(DomainEvent::Lifecycle { .. } | DomainEvent::Reboot { .. })) => {
                                    let _ = out.send(ConsoleCmd::Event);
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

    pub(super) fn handle(&mut self, msg: ConsoleMsg, sender: &ComponentSender<Self>) {
        match msg {
            ConsoleMsg::Connection(conn) => {
                self.events_stop.take();
                self.stop_serial();
                self.close_displays();
                self.channel = None;
                self.spice_channels.clear();
                self.connection = conn;
                self.info = None;
                self.start_load(sender);
            }
            ConsoleMsg::Reload => self.start_load(sender),
            ConsoleMsg::Mode(mode) => {
                self.mode = mode;
                self.open_missing(sender);
            }
            ConsoleMsg::SerialDevice(i) => {
                if i != self.serial_index {
                    self.serial_index = i;
                    self.serial.clear();
                    self.serial_state = SerialState::Closed;
                    self.open_missing(sender);
                }
            }
            ConsoleMsg::TakeOver => self.open_serial(sender, true),
            ConsoleMsg::Run => {
                let _ = sender.output(ConsoleOutput::Run);
            }
            ConsoleMsg::ShowHardware => {
                let _ = sender.output(ConsoleOutput::ShowHardware);
            }
            ConsoleMsg::SendKeys(combo) => {
                let sent = if self.is_spice() {
                    self.spice.send_keys(combo).map_err(|e| e.to_string())
                } else {
                    self.display.send_keys(combo).map_err(|e| e.to_string())
                };
                if let Err(e) = sent {
                    self.toast(&e);
                }
            }
            ConsoleMsg::ShareClipboard(on) => self.set_clipboard_choice(on),
            ConsoleMsg::ClipboardDefaultChanged => self.apply_clipboard_choice(),
            ConsoleMsg::UsbAutoRedirect(on) if self.spice.usb_auto_redirect() != on => {
                self.set_spice_choice(true, on)
            }
            ConsoleMsg::ShareMicrophone(on) if self.spice.share_microphone() != on => {
                self.set_spice_choice(false, on)
            }
            ConsoleMsg::UsbAutoRedirect(_) | ConsoleMsg::ShareMicrophone(_) => {}
            ConsoleMsg::SharedFolder(folder) => self.set_shared_folder(folder),
            ConsoleMsg::UsbNotice(e) => self.toast(&e),
            ConsoleMsg::ReleaseKeysChanged => self.apply_release_keys(),
            ConsoleMsg::TypeClipboard => self.type_clipboard(sender),
            ConsoleMsg::TypeText { text, confirmed } => self.type_text(text, confirmed, sender),
            ConsoleMsg::TypingDone(r) => {
                self.typing = false;
                if let Err(e) = r {
                    self.toast(&gettext_f("Typing stopped: {}", &[&e]));
                }
            }
            ConsoleMsg::Screenshot if self.is_spice() => {
                view::screenshot(&self.spice, &self.name, &self.toast)
            }
            ConsoleMsg::Screenshot => view::screenshot(&self.display, &self.name, &self.toast),
            ConsoleMsg::Fullscreen(on) => match (on, self.fullscreen.take()) {
                (true, None) => {
                    self.fullscreen = Some(view::Fullscreen::enter(
                        &self.graphical(),
                        sender.input_sender(),
                    ));
                }
                (false, Some(f)) => f.leave(&self.graphical()),
                (_, f) => self.fullscreen = f,
            },
            ConsoleMsg::DisplayConnected => {
                self.retries = 0;
                self.display_failure = None;
                if let Some(p) = self.password.on_connected() {
                    let key = password::key(&self.uri, &self.name);
                    sender.oneshot_command(async move {
                        password::store(key, p).await;
                        ConsoleCmd::KeyringDone
                    });
                }
                // Typing goes to the guest once it shows.
                let shown = self.graphical();
                if shown.is_mapped() {
                    shown.grab_focus();
                }
            }
            ConsoleMsg::PointerRelative => {
                if !self.pointer_hint_shown {
                    self.pointer_hint_shown = true;
                    self.toast(&gettext(
                        "No tablet: the VM’s pointer can drift from yours. Add one in Hardware → Input.",
                    ));
                }
            }
            ConsoleMsg::SpiceFdWanted(id) => self.want_spice_fd(id, sender),
            ConsoleMsg::AuthRequired => {
                let key = password::key(&self.uri, &self.name);
                match self.password.on_asked() {
                    password::Next::LookUp => sender.oneshot_command(async move {
                        ConsoleCmd::Remembered(password::lookup(key).await)
                    }),
                    password::Next::ForgetAndAsk => {
                        sender.oneshot_command(async move {
                            password::forget(key).await;
                            ConsoleCmd::KeyringDone
                        });
                        password::ask(&self.graphical(), sender.input_sender().clone());
                    }
                    password::Next::Ask => {
                        password::ask(&self.graphical(), sender.input_sender().clone())
                    }
                }
            }
            ConsoleMsg::Password { password, remember } => match password {
                Some(p) => {
                    self.set_credentials(&p);
                    self.password.pending = remember.then_some(p);
                    self.reopen_spice(sender);
                }
                None => self.close_displays(),
            },
            ConsoleMsg::DisplayDisconnected(reason) => {
                // The VM may have stopped or rebooted: look again shortly.
                if !reason.is_empty() && self.retries < 5 {
                    self.retries += 1;
                    let gen_ = self.generation;
                    sender.oneshot_command(async move {
                        tokio::time::sleep(Duration::from_millis(700)).await;
                        ConsoleCmd::Retry(gen_)
                    });
                }
            }
        }
    }

    pub(super) fn handle_cmd(&mut self, msg: ConsoleCmd, sender: &ComponentSender<Self>) {
        match msg {
            ConsoleCmd::Loaded(gen_, r) if gen_ == self.generation => match r {
                Ok(info) => {
                    let was_running = self.info.as_ref().is_some_and(|i| i.running);
                    let info = *info;
                    if !info.running || !was_running {
                        self.close_displays();
                        self.stop_serial();
                        self.serial_state = SerialState::Closed;
                    }
                    // A VM without a display shows its serial console first.
                    if self.info.is_none() && info.graphics.is_none() && !info.serials.is_empty() {
                        self.mode = ConsoleMode::Serial;
                    }
                    if self.serial_index >= info.serials.len() {
                        self.serial_index = 0;
                    }
                    self.info = Some(info);
                    self.apply_clipboard_choice();
                    self.apply_spice_choices();
                    self.failure = None;
                    self.display_failure = None;
                    self.start_events(sender);
                    self.open_missing(sender);
                }
                Err(e) => {
                    self.info = None;
                    self.failure = Some(e);
                }
            },
            ConsoleCmd::Loaded(..) => {}
            ConsoleCmd::GraphicsFd(gen_, r) if gen_ == self.generation => match r {
                Ok(fd) => self.open_display_fd(fd),
                Err(e) => {
                    tracing::info!("no display socket from libvirt ({e}); trying TCP");
                    self.open_tcp();
                }
            },
            ConsoleCmd::GraphicsFd(..) => {}
            // Request numbers are never reused: one for a closed session is ignored.
            ConsoleCmd::SpiceChannelFd(id, fd) => self.spice.give_channel_fd(id, fd),
            ConsoleCmd::GraphicsChannel(gen_, r) if gen_ == self.generation => match r {
                Ok(mut channel) => {
                    // Replacing the old channels stops their ssh.
                    self.spice_channels.clear();
                    if let Some(fd) = channel.take_fd() {
                        self.open_display_fd(fd);
                    }
                    self.channel = Some(channel);
                }
                Err(e) => {
                    // The page says why (no toast to say it twice) until the user tries
                    // again or the VM changes.
                    tracing::warn!("no channel to the display: {e}");
                    self.display_failure = Some(e);
                }
            },
            ConsoleCmd::GraphicsChannel(..) => {}
            ConsoleCmd::SpiceSshChannel(id, r) => match r.and_then(|mut c| {
                let fd = c
                    .take_fd()
                    .ok_or_else(|| gettext("The ssh channel has no socket"))?;
                Ok((c, fd))
            }) {
                Ok((channel, fd)) => {
                    self.spice_channels.push(*channel);
                    self.spice.give_channel_fd(id, Ok(fd));
                }
                Err(e) => self.spice.give_channel_fd(id, Err(e)),
            },
            ConsoleCmd::Event => {
                // A reboot keeps the sessions; the reload reopens what ended.
                self.start_load(sender);
            }
            ConsoleCmd::Serial(gen_, state) if gen_ == self.serial_gen => {
                self.serial.set_input_enabled(state == SerialState::Open);
                self.serial_state = state;
            }
            ConsoleCmd::Serial(..) => {}
            ConsoleCmd::SerialData(gen_, bytes) if gen_ == self.serial_gen => {
                self.serial.feed(&bytes);
            }
            ConsoleCmd::SerialData(..) => {}
            ConsoleCmd::Retry(gen_) if gen_ == self.generation => self.start_load(sender),
            ConsoleCmd::Retry(_) => {}
            ConsoleCmd::Remembered(Some(p)) => {
                self.password.stored_used = true;
                self.set_credentials(&p);
                self.reopen_spice(sender);
            }
            ConsoleCmd::Remembered(None) => {
                password::ask(&self.graphical(), sender.input_sender().clone())
            }
            ConsoleCmd::KeyringDone => {}
        }
    }

    /// Opens the console shown if the VM runs and it is not open.
    pub(super) fn open_missing(&mut self, sender: &ComponentSender<Self>) {
        let Some(info) = &self.info else { return };
        if !info.running {
            return;
        }
        match self.mode {
            ConsoleMode::Graphical => {
                let idle = matches!(
                    self.display_state(),
                    DisplayState::Idle | DisplayState::Disconnected { .. }
                );
                let Some(g) = &info.graphics else { return };
                if !idle || !graphics::SHOWN_KINDS.contains(&g.kind.as_str()) {
                    return;
                }
                if let Some(p) = &g.passwd {
                    self.set_credentials(p);
                }
                let route = graphics::route(&self.uri, g);
                match &route {
                    Route::Fd => {
                        let (gen_, dom) = (self.generation, info.domain.clone());
                        sender.oneshot_command(async move {
                            ConsoleCmd::GraphicsFd(gen_, graphics::graphics_fd(dom).await)
                        });
                    }
                    Route::Tcp(..) => self.open_tcp(),
                    Route::Ssh(_) | Route::SshTls(_) => {
                        let (Some(conn), Some((target, tls))) =
                            (self.connection.clone(), route.through_ssh())
                        else {
                            return;
                        };
                        let (gen_, vnc) = (self.generation, !self.is_spice());
                        sender.oneshot_command(async move {
                            let r = graphics::ssh_channel(conn, target, tls, vnc)
                                .await
                                .map(Box::new);
                            ConsoleCmd::GraphicsChannel(gen_, r)
                        });
                    }
                    Route::Unavailable => {}
                }
            }
            ConsoleMode::Serial => {
                let closed = matches!(
                    self.serial_state,
                    SerialState::Closed | SerialState::Ended(_)
                );
                if closed && !info.serials.is_empty() {
                    self.open_serial(sender, false);
                }
            }
        }
    }

    /// Opens the display in use (SPICE or VNC) on a connected socket.
    fn open_display_fd(&self, fd: std::os::fd::OwnedFd) {
        let opened = if self.is_spice() {
            self.spice.open_fd(fd).map_err(|e| e.to_string())
        } else {
            self.display.open_fd(fd).map_err(|e| e.to_string())
        };
        if let Err(e) = opened {
            tracing::warn!("display not opened: {e}");
        }
    }

    pub(super) fn open_tcp(&self) {
        let Some(g) = self.info.as_ref().and_then(|i| i.graphics.as_ref()) else {
            return;
        };
        let uri = virt_client::ConnectUri::parse(&self.uri).ok();
        if let Route::Tcp(host, port) = graphics::tcp_route(uri.as_ref(), g) {
            let opened = if let (true, Some(tls_port)) = (self.is_spice(), g.tls_port) {
                let tls = SpiceTls {
                    port: tls_port,
                    ca_file: graphics::ca_file(uri.as_ref()),
                };
                self.spice
                    .open_host_tls(&host, g.port, &tls)
                    .map_err(|e| e.to_string())
            } else if self.is_spice() {
                self.spice.open_host(&host, port).map_err(|e| e.to_string())
            } else {
                self.display
                    .open_host(&host, port)
                    .map_err(|e| e.to_string())
            };
            if let Err(e) = opened {
                tracing::warn!("display not opened: {e}");
                self.toast(&e);
            }
        }
    }

    /// Gives the display in use its password.
    fn set_credentials(&self, password: &str) {
        if self.is_spice() {
            self.spice.set_credentials(None, password);
        } else {
            self.display.set_credentials(None, password);
        }
    }

    /// SPICE sends the password when the session opens: a refused session opens again with
    /// the new one. (A VNC session waits for it instead.)
    fn reopen_spice(&mut self, sender: &ComponentSender<Self>) {
        if self.is_spice() {
            self.retries = 0;
            self.open_missing(sender);
        }
    }

    /// A SPICE channel wants a socket: libvirt gives one per call, or the ssh master one
    /// channel per call (with TLS ended here for a display that only has a TLS port).
    fn want_spice_fd(&self, id: u64, sender: &ComponentSender<Self>) {
        let Some(info) = &self.info else {
            self.spice
                .give_channel_fd(id, Err(gettext("The VM is gone")));
            return;
        };
        let through_ssh = info
            .graphics
            .as_ref()
            .and_then(|g| graphics::route(&self.uri, g).through_ssh());
        let Some((target, tls)) = through_ssh else {
            let dom = info.domain.clone();
            sender.oneshot_command(async move {
                ConsoleCmd::SpiceChannelFd(id, graphics::graphics_fd(dom).await)
            });
            return;
        };
        let Some(conn) = self.connection.clone() else {
            self.spice
                .give_channel_fd(id, Err(gettext("The connection is closed")));
            return;
        };
        sender.oneshot_command(async move {
            let r = graphics::ssh_channel(conn, target, tls, false).await;
            ConsoleCmd::SpiceSshChannel(id, r.map(Box::new))
        });
    }

    pub(super) fn toast(&self, text: &str) {
        crate::ui::a11y::add_toast(&self.toast, adw::Toast::new(text));
    }
}
