//! Clipboard text both ways, while the `share-clipboard` property is on: the guest's cut text
//! onto the host clipboard, and host clipboard changes to the guest while the display has the
//! focus (or when it gets it back). Off, nothing goes either way.
//!
//! QEMU's own VNC server (7.2) takes plain RFB cut text into its clipboard (and on to the
//! guest's agent through a `qemu-vdagent` channel), but sends clipboard text only to clients
//! that announce the extended clipboard pseudo-encoding, which libgvnc 1.3.1 neither announces
//! nor parses: the guest's copies reach the host only from VNC servers that send plain cut
//! text (tests/gui_vnc_clipboard.rs).

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::imp;

/// RFB cut text cannot carry NUL bytes; gvnc's binding would refuse the whole text.
fn sanitize(text: &str) -> String {
    text.replace('\0', "")
}

/// Sends `text` (UTF-8, as QEMU's clipboard takes it) as client cut text. The binding's
/// `client_cut_text` counts the C string's terminating NUL into the length and so sends it
/// to the guest; this sends exactly the text's bytes.
fn send_cut_text(conn: &gvnc::Connection, text: &str) {
    use gtk::glib::translate::ToGlibPtr;
    // SAFETY: gvnc only reads (the C parameter is `const void *`) and copies `text.len()`
    // bytes from the pointer into its send buffer before returning; `text` outlives the
    // call. The connection pointer is valid while `conn` is.
    let ok = unsafe {
        gvnc::ffi::vnc_connection_client_cut_text(
            conn.to_glib_none().0,
            text.as_ptr().cast_mut().cast(),
            text.len(),
        )
    };
    if ok == 0 {
        tracing::debug!("cannot send the clipboard text");
    }
}

impl imp::VncDisplay {
    pub(super) fn setup_clipboard(&self) {
        let obj = self.obj();
        let weak = obj.downgrade();
        let id = obj.clipboard().connect_changed(move |_| {
            if let Some(o) = weak.upgrade() {
                o.imp().on_local_clipboard_changed();
            }
        });
        self.clipboard_handler.replace(Some(id));
    }

    /// Turns sharing on or off; turned on, the host's current text goes over at the next
    /// chance.
    pub(super) fn set_share_clipboard_mode(&self, on: bool) {
        if self.share_clipboard.replace(on) == on {
            return;
        }
        self.server_clipboard.replace(None);
        if on {
            self.on_local_clipboard_changed();
        } else {
            self.clipboard_pending.set(false);
        }
    }

    /// The guest copied text: put it on the host clipboard.
    pub(super) fn on_server_cut_text(&self, text: &str) {
        if !self.share_clipboard.get() {
            return;
        }
        self.server_clipboard.replace(Some(text.to_owned()));
        self.obj().clipboard().set_text(text);
    }

    fn on_local_clipboard_changed(&self) {
        if !self.share_clipboard.get() {
            return;
        }
        // Our own `set_text` of the guest's text comes back here too; `send_local_clipboard`
        // drops it by comparing texts.
        if self.obj().has_focus() {
            self.send_local_clipboard();
        } else {
            self.clipboard_pending.set(true);
        }
    }

    pub(super) fn on_focus_in_clipboard(&self) {
        if self.clipboard_pending.replace(false) && self.share_clipboard.get() {
            self.send_local_clipboard();
        }
    }

    /// Reads the host clipboard and sends its text to the guest.
    fn send_local_clipboard(&self) {
        let obj = self.obj();
        let clipboard = obj.clipboard();
        let weak = obj.downgrade();
        glib::spawn_future_local(async move {
            let Ok(Some(text)) = clipboard.read_text_future().await else {
                return;
            };
            let Some(o) = weak.upgrade() else { return };
            let imp = o.imp();
            if !imp.share_clipboard.get() {
                return;
            }
            if imp.server_clipboard.borrow().as_deref() == Some(text.as_str()) {
                return;
            }
            imp.server_clipboard.replace(None);
            if let Some(conn) = imp.connection.borrow().clone() {
                send_cut_text(&conn, &sanitize(&text));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nul_bytes_are_dropped() {
        assert_eq!(super::sanitize("a\0b"), "ab");
        assert_eq!(super::sanitize("plain"), "plain");
    }
}
