//! The VNC session: opening it, the handshake (pixel format, encodings, framebuffer,
//! authentication), framebuffer updates, resizes and the end of the session.

use std::os::fd::{AsRawFd, IntoRawFd, OwnedFd};

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::render::{Framebuffer, local_format};
use super::{DisplayState, VncError, imp};
use crate::i18n::{gettext, gettext_f};

/// Encodings we ask for, best first. Pixel encodings are all lossless; the pseudo-encodings
/// ask for resizes, a local cursor, pointer mode changes, QEMU's extended key events and
/// lock-key state.
const ENCODINGS: &[i32] = &[
    gvnc::ffi::VNC_CONNECTION_ENCODING_TIGHT,
    gvnc::ffi::VNC_CONNECTION_ENCODING_ZRLE,
    gvnc::ffi::VNC_CONNECTION_ENCODING_HEXTILE,
    gvnc::ffi::VNC_CONNECTION_ENCODING_COPY_RECT,
    gvnc::ffi::VNC_CONNECTION_ENCODING_RAW,
    gvnc::ffi::VNC_CONNECTION_ENCODING_DESKTOP_RESIZE,
    gvnc::ffi::VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
    gvnc::ffi::VNC_CONNECTION_ENCODING_WMVi,
    gvnc::ffi::VNC_CONNECTION_ENCODING_LAST_RECT,
    gvnc::ffi::VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
    gvnc::ffi::VNC_CONNECTION_ENCODING_RICH_CURSOR,
    gvnc::ffi::VNC_CONNECTION_ENCODING_XCURSOR,
    gvnc::ffi::VNC_CONNECTION_ENCODING_POINTER_CHANGE,
    gvnc::ffi::VNC_CONNECTION_ENCODING_EXT_KEY_EVENT,
    gvnc::ffi::VNC_CONNECTION_ENCODING_LED_STATE,
    gvnc::ffi::VNC_CONNECTION_ENCODING_DESKTOP_NAME,
];

/// Runs `f` with the display if it still exists and `conn` is still its connection (signals
/// of a closed connection can arrive late).
fn on_current(
    weak: &glib::WeakRef<super::VncDisplay>,
    conn: &gvnc::Connection,
    f: impl FnOnce(&imp::VncDisplay),
) {
    if let Some(obj) = weak.upgrade() {
        let imp = obj.imp();
        if imp.connection.borrow().as_ref() == Some(conn) {
            f(imp);
        }
    }
}

impl imp::VncDisplay {
    pub(super) fn open_fd(&self, fd: OwnedFd) -> Result<(), VncError> {
        let conn = self.new_connection()?;
        // On success gvnc's socket owns the fd and closes it when the session ends; on
        // failure it stays ours and `fd` closes it when dropped here.
        conn.open_fd(fd.as_raw_fd())
            .map_err(|e| VncError::Open(e.message.to_string()))?;
        let _owned_by_gvnc = fd.into_raw_fd();
        self.start(conn);
        Ok(())
    }

    pub(super) fn open_host(&self, host: &str, port: u16) -> Result<(), VncError> {
        let conn = self.new_connection()?;
        conn.open_host(host, &port.to_string())
            .map_err(|e| VncError::Open(e.message.to_string()))?;
        self.start(conn);
        Ok(())
    }

    fn new_connection(&self) -> Result<gvnc::Connection, VncError> {
        if self.connection.borrow().is_some() {
            return Err(VncError::AlreadyOpen);
        }
        let conn = gvnc::Connection::new();
        // Shared: other viewers of the VM (and their clipboard peers in QEMU) stay connected.
        if let Err(e) = conn.set_shared(true) {
            tracing::debug!("cannot ask for a shared session: {e}");
        }
        self.connect_signals(&conn);
        Ok(conn)
    }

    fn start(&self, conn: gvnc::Connection) {
        self.last_error.replace(None);
        self.extended_keys.set(false);
        self.connection.replace(Some(conn));
        self.set_state(DisplayState::Connecting);
        self.obj().queue_draw();
    }

    fn connect_signals(&self, conn: &gvnc::Connection) {
        let weak = self.obj().downgrade();
        let w = weak.clone();
        conn.connect_vnc_initialized(move |c| on_current(&w, c, |imp| imp.on_initialized(c)));
        let w = weak.clone();
        conn.connect_vnc_framebuffer_update(move |c, x, y, width, height| {
            on_current(&w, c, |imp| imp.on_update(x, y, width, height));
        });
        let w = weak.clone();
        conn.connect_vnc_desktop_resize(move |c, width, height| {
            on_current(&w, c, |imp| imp.on_resize(c, width, height));
        });
        let w = weak.clone();
        conn.connect_vnc_pixel_format_changed(move |c, _| {
            on_current(&w, c, |imp| {
                if imp.framebuffer.borrow().is_some() {
                    imp.reinstall_framebuffer(c, c.width(), c.height());
                }
            });
        });
        let w = weak.clone();
        conn.connect_vnc_cursor_changed(move |c, cursor| {
            on_current(&w, c, |imp| imp.set_remote_cursor(cursor));
        });
        let w = weak.clone();
        conn.connect_vnc_pointer_mode_changed(move |c, absolute| {
            on_current(&w, c, |imp| {
                imp.relative_from.set(None);
                if imp.absolute_pointer.replace(absolute) != absolute {
                    imp.obj().notify_absolute_pointer();
                }
            });
        });
        let w = weak.clone();
        conn.connect_vnc_auth_choose_type(move |c, types| {
            on_current(&w, c, |imp| imp.choose_auth(c, types));
        });
        let w = weak.clone();
        conn.connect_vnc_auth_credential(move |c, wanted| {
            on_current(&w, c, |imp| imp.on_credentials_wanted(wanted));
        });
        let w = weak.clone();
        conn.connect_vnc_auth_failure(move |c, msg| {
            on_current(&w, c, |imp| {
                imp.credentials.borrow_mut().password = None;
                imp.last_error
                    .replace(Some(gettext_f("Authentication failed: {}", &[msg])));
            });
        });
        let w = weak.clone();
        conn.connect_vnc_auth_unsupported(move |c, _| {
            on_current(&w, c, |imp| {
                imp.last_error.replace(Some(gettext(
                    "The VNC server asks for an authentication method Hangar does not support",
                )));
            });
        });
        let w = weak.clone();
        conn.connect_vnc_error(move |c, msg| {
            on_current(&w, c, |imp| {
                tracing::debug!("vnc error: {msg}");
                imp.last_error.replace(Some(msg.to_string()));
            });
        });
        let w = weak.clone();
        conn.connect_vnc_disconnected(move |c| {
            on_current(&w, c, |imp| {
                let reason = imp
                    .last_error
                    .take()
                    .unwrap_or_else(|| gettext("The VNC server closed the connection"));
                imp.shutdown_connection(Some(reason));
            });
        });
        let w = weak.clone();
        conn.connect_vnc_server_cut_text(move |c, text| {
            on_current(&w, c, |imp| imp.on_server_cut_text(text));
        });
        conn.connect_vnc_bell(move |c| {
            on_current(&weak, c, |imp| {
                let obj = imp.obj();
                obj.display().beep();
                obj.emit_by_name::<()>("bell", &[]);
            });
        });
    }

    /// The handshake finished: our pixel format, our encodings, our framebuffer, a first
    /// full update.
    fn on_initialized(&self, conn: &gvnc::Connection) {
        let result = local_format()
            .and_then(|fmt| {
                conn.set_pixel_format(&fmt)
                    .map_err(|e| VncError::Send(e.message.to_string()))
            })
            .and_then(|()| {
                conn.set_encodings(ENCODINGS)
                    .map_err(|e| VncError::Send(e.message.to_string()))
            })
            .and_then(|()| self.install_framebuffer(conn, conn.width(), conn.height()));
        if let Err(e) = result {
            self.shutdown_connection(Some(e.to_string()));
            return;
        }
        self.absolute_pointer.set(conn.is_abs_pointer());
        self.obj().notify_absolute_pointer();
        self.obj().emit_by_name::<()>("connected", &[]);
        self.schedule_guest_resize();
    }

    /// Creates a framebuffer of the connection's size, hands it to the connection and asks
    /// for the whole screen.
    fn install_framebuffer(
        &self,
        conn: &gvnc::Connection,
        width: i32,
        height: i32,
    ) -> Result<(), VncError> {
        let (w, h) = framebuffer_size(width, height)?;
        let remote = conn
            .pixel_format()
            .ok_or_else(|| VncError::Framebuffer("no pixel format".into()))?;
        let fb = Framebuffer::new(w, h, &remote, &self.obj().display())?;
        conn.set_framebuffer(fb.gvnc())
            .map_err(|e| VncError::Framebuffer(e.message.to_string()))?;
        self.framebuffer.replace(Some(fb));
        conn.framebuffer_update_request(false, 0, 0, w, h)
            .map_err(|e| VncError::Send(e.message.to_string()))?;
        self.set_state(DisplayState::Connected {
            width: u32::from(w),
            height: u32::from(h),
        });
        let obj = self.obj();
        obj.emit_by_name::<()>("resized", &[&u32::from(w), &u32::from(h)]);
        obj.queue_resize();
        obj.queue_draw();
        Ok(())
    }

    fn on_resize(&self, conn: &gvnc::Connection, width: i32, height: i32) {
        // A server that keeps its size in answer to a resize request (QEMU with a VGA card)
        // says so with the size it has: keep the picture, and keep the updates coming.
        let same = (u32::try_from(width).ok(), u32::try_from(height).ok());
        if let (Some(size), (Some(w), Some(h))) = (self.framebuffer_size(), same)
            && size == (w, h)
        {
            self.request_update();
            return;
        }
        self.reinstall_framebuffer(conn, width, height);
    }

    /// A new framebuffer for the server's size and pixel format.
    fn reinstall_framebuffer(&self, conn: &gvnc::Connection, width: i32, height: i32) {
        if let Err(e) = self.install_framebuffer(conn, width, height) {
            self.shutdown_connection(Some(e.to_string()));
        }
    }

    /// Part of the screen changed: redraw, and ask for the next incremental update once the
    /// current batch of rectangles has been handled. The request goes out before the frame
    /// is drawn (its idle runs ahead of GTK's redraw), so the server sends the next update
    /// while this one is painted; at most one request runs ahead of the frames drawn.
    fn on_update(&self, x: i32, y: i32, width: i32, height: i32) {
        if let Some(fb) = self.framebuffer.borrow().as_ref() {
            fb.damage(x, y, width, height);
        }
        self.obj().queue_draw();
        if self.update_queued.replace(true) {
            return;
        }
        let weak = self.obj().downgrade();
        glib::idle_add_local_full(glib::Priority::HIGH_IDLE, move || {
            if let Some(obj) = weak.upgrade() {
                let imp = obj.imp();
                imp.update_queued.set(false);
                // A visible display asks again once the last answer has been drawn.
                if imp.awaiting_paint.get() && obj.is_mapped() {
                    imp.request_after_paint.set(true);
                } else {
                    imp.request_update();
                }
            }
            glib::ControlFlow::Break
        });
    }

    /// Asks for the next incremental update.
    pub(super) fn request_update(&self) {
        let Some(conn) = self.connection.borrow().clone() else {
            return;
        };
        // A server that announced QEMU's extended key events has answered our encodings.
        self.extended_keys.set(conn.is_ext_key_event());
        if let Some((w, h)) = self.framebuffer_size_u16() {
            if conn.framebuffer_update_request(true, 0, 0, w, h).is_err() {
                tracing::debug!("cannot request a framebuffer update");
            }
            self.awaiting_paint.set(true);
        }
    }

    /// A frame was drawn: send the request that waited for it.
    pub(super) fn frame_drawn(&self) {
        self.awaiting_paint.set(false);
        if self.request_after_paint.replace(false) {
            let weak = self.obj().downgrade();
            glib::idle_add_local_full(glib::Priority::HIGH_IDLE, move || {
                if let Some(obj) = weak.upgrade() {
                    obj.imp().request_update();
                }
                glib::ControlFlow::Break
            });
        }
    }

    /// Picks no authentication when offered, else the VNC password.
    fn choose_auth(&self, conn: &gvnc::Connection, types: &glib::ValueArray) {
        let offered: Vec<gvnc::ConnectionAuth> = types
            .iter()
            .filter_map(|v| v.get::<gvnc::ConnectionAuth>().ok())
            .collect();
        let choice = [gvnc::ConnectionAuth::None, gvnc::ConnectionAuth::Vnc]
            .into_iter()
            .find(|t| offered.contains(t));
        match choice {
            Some(t) => {
                let code = u32::try_from(t.into_glib()).unwrap_or_default();
                if conn.set_auth_type(code).is_err() {
                    self.shutdown_connection(Some(gettext("Cannot choose an authentication")));
                }
            }
            None => {
                self.shutdown_connection(Some(gettext(
                    "The VNC server asks for an authentication method Hangar does not support",
                )));
            }
        }
    }

    fn on_credentials_wanted(&self, wanted: &glib::ValueArray) {
        let wanted: Vec<gvnc::ConnectionCredential> = wanted
            .iter()
            .filter_map(|v| v.get::<gvnc::ConnectionCredential>().ok())
            .collect();
        self.wanted_credentials.replace(wanted);
        if !self.answer_credentials() {
            let needs_username = self
                .wanted_credentials
                .borrow()
                .contains(&gvnc::ConnectionCredential::Username);
            self.obj()
                .emit_by_name::<()>("auth-required", &[&needs_username]);
        }
    }

    pub(super) fn set_credentials(&self, username: Option<&str>, password: &str) {
        self.credentials.replace(super::imp::Credentials {
            username: username.map(str::to_owned),
            password: Some(password.to_owned()),
        });
        if !self.wanted_credentials.borrow().is_empty() {
            self.answer_credentials();
        }
    }

    /// Answers the credentials the server asked for; false when some are missing.
    fn answer_credentials(&self) -> bool {
        use gvnc::ConnectionCredential as Cred;
        let Some(conn) = self.connection.borrow().clone() else {
            return false;
        };
        let wanted = self.wanted_credentials.borrow().clone();
        let creds = self.credentials.borrow();
        let mut answers = Vec::new();
        for cred in &wanted {
            let value = match cred {
                Cred::Password => creds.password.clone(),
                Cred::Username => creds.username.clone(),
                Cred::Clientname => Some(crate::config::APP_ID.to_owned()),
                _ => None,
            };
            match value {
                Some(v) => answers.push((*cred, v)),
                None => return false,
            }
        }
        drop(creds);
        self.wanted_credentials.replace(Vec::new());
        for (cred, value) in answers {
            if conn.set_credential(cred.into_glib(), &value).is_err() {
                self.shutdown_connection(Some(gettext("Cannot send the credentials")));
                return true;
            }
        }
        true
    }

    /// Ends the session: `reason` is `None` for a close we asked for.
    pub(super) fn shutdown_connection(&self, reason: Option<String>) {
        let conn = self.connection.take();
        if let Some(conn) = &conn {
            conn.shutdown();
        }
        self.framebuffer.replace(None);
        self.guest_size_asked.set(None);
        if let Some(id) = self.guest_resize_timer.take() {
            id.remove();
        }
        self.wanted_credentials.replace(Vec::new());
        self.update_queued.set(false);
        self.awaiting_paint.set(false);
        self.request_after_paint.set(false);
        self.extended_keys.set(false);
        self.held_keys.replace(Vec::new());
        self.button_mask.set(0);
        self.relative_from.set(None);
        self.set_remote_cursor(None);
        self.release_keyboard();
        if conn.is_none() {
            return;
        }
        let obj = self.obj();
        self.set_state(DisplayState::Disconnected {
            reason: reason.clone(),
        });
        obj.queue_resize();
        obj.queue_draw();
        obj.emit_by_name::<()>("disconnected", &[&reason.unwrap_or_default()]);
    }

    pub(super) fn framebuffer_size(&self) -> Option<(u32, u32)> {
        self.framebuffer_size_u16()
            .map(|(w, h)| (u32::from(w), u32::from(h)))
    }

    pub(super) fn framebuffer_size_u16(&self) -> Option<(u16, u16)> {
        self.framebuffer.borrow().as_ref().map(Framebuffer::size)
    }
}

use gtk::glib::translate::IntoGlib;

/// Longest side of a framebuffer we make.
const FRAMEBUFFER_MAX_SIDE: u16 = 16384;
/// Most memory a framebuffer may take (4 bytes a pixel): 8192×8192 worth, room for 8K screens.
const FRAMEBUFFER_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The size a server announces, checked before anything is allocated: a server may claim up
/// to 65535×65535 (16 GiB of pixels).
fn framebuffer_size(width: i32, height: i32) -> Result<(u16, u16), VncError> {
    let (w, h) = match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) if w > 0 && h > 0 => (w, h),
        _ => {
            return Err(VncError::Framebuffer(format!(
                "unusable size {width}x{height}"
            )));
        }
    };
    let bytes = u64::from(w) * u64::from(h) * 4;
    if w > FRAMEBUFFER_MAX_SIDE || h > FRAMEBUFFER_MAX_SIDE || bytes > FRAMEBUFFER_MAX_BYTES {
        return Err(VncError::Framebuffer(format!(
            "the server's screen of {w}x{h} is larger than this display accepts (at most \
             {FRAMEBUFFER_MAX_SIDE} pixels a side and {} MiB)",
            FRAMEBUFFER_MAX_BYTES / (1024 * 1024)
        )));
    }
    Ok((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framebuffer_size_is_capped_before_allocating() {
        assert_eq!(framebuffer_size(1920, 1080).unwrap(), (1920, 1080));
        assert_eq!(framebuffer_size(7680, 4320).unwrap(), (7680, 4320));
        assert_eq!(framebuffer_size(8192, 8192).unwrap(), (8192, 8192));
        assert_eq!(framebuffer_size(16384, 1024).unwrap(), (16384, 1024));
        for (w, h) in [
            (16385, 100),
            (100, 16385),
            (16384, 16384),
            (8193, 8192),
            (65535, 65535),
        ] {
            let err = framebuffer_size(w, h).unwrap_err().to_string();
            assert!(
                err.contains(&format!("{w}x{h}")) && err.contains("larger"),
                "{err}"
            );
        }
        for (w, h) in [(0, 10), (10, 0), (-1, 10), (70000, 10)] {
            assert!(
                framebuffer_size(w, h)
                    .unwrap_err()
                    .to_string()
                    .contains("unusable")
            );
        }
    }
}
