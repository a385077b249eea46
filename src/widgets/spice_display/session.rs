//! The SPICE session: opening it from an fd or a host (plain or TLS), the channels it
//! announces (main, display and inputs opened, audio by the audio back-end; cursor, USB
//! redirection and others only noted), sockets for the channels of an fd session, the mouse mode, and the end of the
//! session with its reason.

use std::os::fd::{IntoRawFd, OwnedFd};

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use spice_client_glib::prelude::*;
use spice_client_glib::{
    Channel, ChannelEvent, DisplayChannel, InputsChannel, MainChannel, Session, SessionVerify,
};

use super::imp::{self, Live};
use super::{DisplayState, SpiceError, SpiceTls};
use crate::i18n::gettext;

/// SPICE's mouse modes (`SPICE_MOUSE_MODE_*`).
const MOUSE_MODE_CLIENT: i32 = 2;

/// Runs `f` with the display if it still exists and session `id` is still its session
/// (signals of a closed session can arrive late).
pub(super) fn on_current(
    weak: &glib::WeakRef<super::SpiceDisplay>,
    id: u64,
    f: impl FnOnce(&imp::SpiceDisplay),
) {
    if let Some(obj) = weak.upgrade() {
        let imp = obj.imp();
        let current = imp.live.borrow().as_ref().map(|l| l.id);
        if current == Some(id) {
            f(imp);
        }
    }
}

impl imp::SpiceDisplay {
    pub(super) fn open_fd(&self, fd: OwnedFd) -> Result<(), SpiceError> {
        let session = self.new_session()?;
        // On success the main channel's socket owns the fd.
        let raw = fd.into_raw_fd();
        if !session.open_fd(raw) {
            // SAFETY: the session refused the fd, so it is still ours to close.
            drop(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(raw) });
            self.live.replace(None);
            return Err(SpiceError::Open(gettext("the session refused the socket")));
        }
        self.started();
        Ok(())
    }

    pub(super) fn open_host(&self, host: &str, port: u16) -> Result<(), SpiceError> {
        let session = self.new_session()?;
        session.set_port(Some(&port.to_string()));
        self.connect_host(&session, host)
    }

    /// Opens a session to `host` whose channels go over TLS on `tls.port` (and plain on `port`
    /// where the server lets them), the server's certificate checked against `tls.ca_file`
    /// and naming `host`.
    pub(super) fn open_host_tls(
        &self,
        host: &str,
        port: Option<u16>,
        tls: &SpiceTls,
    ) -> Result<(), SpiceError> {
        if !tls.ca_file.is_file() {
            return Err(SpiceError::Open(crate::i18n::gettext_f(
                "no CA certificate at {}",
                &[&tls.ca_file.display().to_string()],
            )));
        }
        let session = self.new_session()?;
        if let Some(port) = port {
            session.set_port(Some(&port.to_string()));
        }
        session.set_tls_port(Some(&tls.port.to_string()));
        session.set_ca_file(tls.ca_file.to_str());
        session.set_verify(SessionVerify::HOSTNAME);
        self.connect_host(&session, host)
    }

    fn connect_host(&self, session: &Session, host: &str) -> Result<(), SpiceError> {
        session.set_host(Some(host));
        if !session.connect() {
            self.live.replace(None);
            return Err(SpiceError::Open(host.to_string()));
        }
        self.started();
        Ok(())
    }

    /// A new session, registered as the display's, with its signals connected.
    fn new_session(&self) -> Result<Session, SpiceError> {
        if self.live.borrow().is_some() {
            return Err(SpiceError::AlreadyOpen);
        }
        let session = Session::new();
        // Audio and USB redirection channels are made (so that they are known) but not opened;
        // no smartcard.
        session.set_enable_audio(true);
        session.set_enable_usbredir(true);
        session.set_enable_smartcard(false);
        session.set_password(self.password.borrow().as_deref());
        self.setup_session_folder(&session);
        let id = self.sessions.get() + 1;
        self.sessions.set(id);
        let weak = self.obj().downgrade();
        let w = weak.clone();
        session.connect_channel_new(move |_, channel| {
            on_current(&w, id, |imp| imp.on_channel_new(id, channel));
        });
        session.connect_disconnected(move |_| {
            on_current(&weak, id, |imp| {
                let reason = imp
                    .last_error
                    .take()
                    .unwrap_or_else(|| gettext("The SPICE server closed the connection"));
                imp.shutdown(Some(reason));
            });
        });
        self.live.replace(Some(Live {
            id,
            session: session.clone(),
            main: None,
            display: None,
            inputs: None,
            fd_wanted: Default::default(),
            offered: Vec::new(),
            audio: None,
            playback: None,
            record: None,
            usb: None,
            webdav: None,
            monitors: Vec::new(),
        }));
        Ok(session)
    }

    fn started(&self) {
        self.last_error.replace(None);
        self.set_state(DisplayState::Connecting);
        self.obj().queue_draw();
    }

    /// A channel the server offers (noted): the main channel is already connecting; the first
    /// display and the inputs channel are connected, audio goes to the audio back-end, the
    /// others (cursor, USB redirection, …) are left alone.
    fn on_channel_new(&self, id: u64, channel: &Channel) {
        if let Some(live) = self.live.borrow_mut().as_mut() {
            let kind = Channel::type_to_string(channel.channel_type());
            live.offered
                .push(kind.map_or_else(|| channel.channel_type().to_string(), |k| k.to_string()));
        }
        let weak = self.obj().downgrade();
        let w = weak.clone();
        channel.connect_open_fd(move |c, _tls| {
            on_current(&w, id, |imp| imp.want_fd(c.upcast_ref()));
        });
        if let Some(main) = channel.downcast_ref::<MainChannel>() {
            let w = weak.clone();
            main.connect_channel_event(move |_, event| {
                on_current(&w, id, |imp| imp.on_main_event(event));
            });
            let w = weak.clone();
            main.connect_main_mouse_update(move |m| {
                on_current(&w, id, |imp| imp.on_mouse_mode(m.mouse_mode()));
            });
            self.connect_main_clipboard(id, main);
            self.connect_main_transfers(main);
            // The agent came, went, or said what it can do.
            let w = weak.clone();
            main.connect_main_agent_update(move |m| {
                on_current(&w, id, |imp| {
                    imp.set_has_agent(m.is_agent_connected());
                    imp.on_agent_update_for_size();
                });
            });
            let w = weak.clone();
            main.connect_agent_connected_notify(move |_| {
                on_current(&w, id, |imp| imp.on_agent_connected());
            });
            if let Some(live) = self.live.borrow_mut().as_mut() {
                live.main = Some(main.clone());
            }
        } else if let Some(display) = channel.downcast_ref::<DisplayChannel>() {
            // Display channel 0 (the first monitor) is this widget's; each further one is a
            // monitor of its own. The server may announce them in any order.
            let number = u32::try_from(display.channel_id()).unwrap_or(0);
            if number != 0 {
                self.add_monitor(display, number);
                return;
            }
            if self
                .live
                .borrow()
                .as_ref()
                .is_some_and(|l| l.display.is_some())
            {
                return;
            }
            let w = weak.clone();
            display.connect_display_primary_create(move |d| {
                on_current(&w, id, |imp| imp.on_primary_create(d));
            });
            let w = weak.clone();
            display.connect_display_primary_destroy(move |_| {
                on_current(&w, id, |imp| imp.on_primary_destroy());
            });
            display.connect_display_invalidate(move |d, x, y, width, height| {
                on_current(&weak, id, |imp| imp.on_invalidate(d, x, y, width, height));
            });
            if let Some(live) = self.live.borrow_mut().as_mut() {
                live.display = Some(display.clone());
            }
            ChannelExt::connect(display);
        } else if let Some(inputs) = channel.downcast_ref::<InputsChannel>() {
            // Keys and pointer go out once the channel is up (before, they would be dropped).
            inputs.connect_channel_event(move |c, event| {
                on_current(&weak, id, |imp| {
                    if let Some(live) = imp.live.borrow_mut().as_mut() {
                        live.inputs = (event == ChannelEvent::Opened).then(|| c.clone());
                    }
                });
            });
            ChannelExt::connect(inputs);
        } else if channel.is::<spice_client_glib::UsbredirChannel>() {
            if !self.has_usb.replace(true) {
                self.obj().notify_has_usb();
            }
            // Devices plugged in later go to the guest only through the manager.
            if self.usb_auto_redirect.get()
                && let Err(e) = self.usb_manager()
            {
                tracing::info!("no USB redirection: {e}");
            }
        } else if let Some(webdav) = channel.downcast_ref::<spice_client_glib::WebdavChannel>() {
            self.on_webdav_channel(webdav);
        } else if channel.is::<spice_client_glib::PlaybackChannel>()
            || channel.is::<spice_client_glib::RecordChannel>()
        {
            self.on_audio_channel(id, channel);
        }
    }

    /// One more monitor: a widget of its own for `channel`, announced once made.
    fn add_monitor(&self, channel: &DisplayChannel, number: u32) {
        let obj = self.obj();
        let monitor = {
            let mut live = self.live.borrow_mut();
            let Some(live) = live.as_mut() else { return };
            let monitor = crate::widgets::spice_monitor::SpiceMonitor::new(&obj, channel, number);
            live.monitors.push(monitor.clone());
            live.monitors.sort_by_key(|m| m.number());
            monitor
        };
        ChannelExt::connect(channel);
        obj.emit_by_name::<()>("monitor-added", &[&monitor]);
    }

    /// A channel of an fd session wants its socket: ask the app for one.
    fn want_fd(&self, channel: &Channel) {
        let request = self.fd_requests.get() + 1;
        self.fd_requests.set(request);
        if let Some(live) = self.live.borrow_mut().as_mut() {
            live.fd_wanted.insert(request, channel.clone());
        }
        self.obj()
            .emit_by_name::<()>("channel-fd-wanted", &[&request]);
    }

    pub(super) fn give_channel_fd(&self, request: u64, fd: Result<OwnedFd, String>) {
        let channel = self
            .live
            .borrow_mut()
            .as_mut()
            .and_then(|l| l.fd_wanted.remove(&request));
        let Some(channel) = channel else { return };
        match fd {
            Ok(fd) => {
                let raw = fd.into_raw_fd();
                if !channel.open_fd(raw) {
                    // SAFETY: the channel refused the fd, so it is still ours to close.
                    drop(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(raw) });
                    tracing::debug!("a SPICE channel refused its socket");
                }
            }
            Err(e) => self.shutdown(Some(e)),
        }
    }

    fn on_main_event(&self, event: ChannelEvent) {
        let reason = match event {
            ChannelEvent::Opened => {
                // Absolute positions when the guest can take them (a tablet or the agent).
                if let Some(main) = self.live.borrow().as_ref().and_then(|l| l.main.clone()) {
                    main.request_mouse_mode(MOUSE_MODE_CLIENT);
                    self.on_mouse_mode(main.mouse_mode());
                }
                return;
            }
            ChannelEvent::ErrorAuth => {
                // Not an error to retry with the same password: ask for another.
                self.password.replace(None);
                self.shutdown(None);
                self.obj().emit_by_name::<()>("auth-required", &[&false]);
                return;
            }
            ChannelEvent::ErrorConnect => gettext("Cannot connect to the SPICE server"),
            ChannelEvent::ErrorTls => gettext(
                "TLS with the SPICE server failed: its certificate is not signed by the connection’s CA or does not name the host",
            ),
            ChannelEvent::ErrorLink => gettext("The SPICE server refused the connection"),
            ChannelEvent::ErrorIo | ChannelEvent::Closed => {
                gettext("The SPICE server closed the connection")
            }
            _ => return,
        };
        self.shutdown(Some(reason));
    }

    fn on_mouse_mode(&self, mode: i32) {
        let absolute = mode == MOUSE_MODE_CLIENT;
        self.relative_from.set(None);
        if self.absolute_pointer.replace(absolute) != absolute {
            self.obj().notify_absolute_pointer();
        }
    }

    /// The inputs channel, when the session has one.
    pub(super) fn inputs(&self) -> Option<InputsChannel> {
        self.live.borrow().as_ref()?.inputs.clone()
    }

    /// Ends the session: `reason` `None` for a clean close, else what went wrong.
    pub(super) fn shutdown(&self, reason: Option<String>) {
        let Some(live) = self.live.take() else { return };
        for monitor in &live.monitors {
            monitor.close();
        }
        self.cancel_transfer();
        self.release_held_keys_with(live.inputs.as_ref());
        self.release_keyboard();
        live.session.disconnect();
        self.audio_ended();
        if self.has_usb.replace(false) {
            self.obj().notify_has_usb();
        }
        self.picture.replace(None);
        self.forget_guest_size();
        self.set_has_agent(false);
        self.forget_shared_folder_channel();
        self.button_mask.set(0);
        self.relative_from.set(None);
        self.set_state(DisplayState::Disconnected {
            reason: reason.clone(),
        });
        let obj = self.obj();
        obj.queue_resize();
        obj.queue_draw();
        obj.emit_by_name::<()>("disconnected", &[&reason.unwrap_or_default()]);
    }
}
