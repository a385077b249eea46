//! Clipboard text both ways through the SPICE agent (spice-vdagent in the guest), while the
//! `share-clipboard` property is on. Off, nothing goes either way: the guest's grabs are not
//! answered and its requests are refused.
//!
//! Guest → host: the agent grabs the clipboard with its types; for UTF-8 text the display asks
//! for the data and puts it on the host clipboard. Host → guest: a host clipboard change while
//! the display has the focus (or when it gets it back) grabs the guest's clipboard for text;
//! the text itself goes only when the guest asks for it (a paste in the guest).

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use spice_client_glib::MainChannel;

use super::imp;

/// `VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD`: the clipboard (not the primary selection).
pub(super) const SELECTION_CLIPBOARD: u32 = 0;
/// `VD_AGENT_CLIPBOARD_UTF8_TEXT`.
pub(super) const TYPE_UTF8_TEXT: u32 = 1;

/// The text of the agent's clipboard data (which may end in a NUL).
pub(super) fn text_of(data: &[u8]) -> String {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    String::from_utf8_lossy(&data[..end]).into_owned()
}

impl imp::SpiceDisplay {
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

    /// Turns sharing on or off.
    pub(super) fn set_share_clipboard_mode(&self, on: bool) {
        if self.share_clipboard.replace(on) == on {
            return;
        }
        self.guest_clipboard.replace(None);
        if on {
            self.on_local_clipboard_changed();
        } else {
            self.clipboard_pending.set(false);
            if self.clipboard_grabbed.replace(false)
                && let Some(main) = self.main_channel()
            {
                main.clipboard_selection_release(SELECTION_CLIPBOARD);
            }
        }
    }

    pub(super) fn main_channel(&self) -> Option<MainChannel> {
        self.live.borrow().as_ref().and_then(|l| l.main.clone())
    }

    /// Connects the main channel's clipboard signals (for session `id`).
    pub(super) fn connect_main_clipboard(&self, id: u64, main: &MainChannel) {
        let weak = self.obj().downgrade();
        let w = weak.clone();
        main.connect_main_clipboard_selection_grab(move |m, selection, types| {
            super::session::on_current(&w, id, |imp| {
                if imp.share_clipboard.get()
                    && selection == SELECTION_CLIPBOARD
                    && types.contains(&TYPE_UTF8_TEXT)
                {
                    // The guest owns the clipboard now.
                    imp.clipboard_grabbed.set(false);
                    m.clipboard_selection_request(SELECTION_CLIPBOARD, TYPE_UTF8_TEXT);
                }
            });
        });
        let w = weak.clone();
        main.connect_main_clipboard_selection(move |_, selection, kind, data| {
            super::session::on_current(&w, id, |imp| {
                if imp.share_clipboard.get()
                    && selection == SELECTION_CLIPBOARD
                    && kind == TYPE_UTF8_TEXT
                {
                    let text = text_of(data);
                    imp.guest_clipboard.replace(Some(text.clone()));
                    imp.obj().clipboard().set_text(&text);
                }
            });
        });
        main.connect_main_clipboard_selection_request(move |m, selection, kind| {
            let Some(o) = weak.upgrade() else {
                return false;
            };
            let imp = o.imp();
            if !imp.share_clipboard.get()
                || selection != SELECTION_CLIPBOARD
                || kind != TYPE_UTF8_TEXT
            {
                return false;
            }
            let clipboard = o.clipboard();
            let (m, weak) = (m.clone(), o.downgrade());
            glib::spawn_future_local(async move {
                let text = clipboard.read_text_future().await.ok().flatten();
                // Sharing may have stopped while the text was read.
                let shared = weak
                    .upgrade()
                    .is_some_and(|o| o.imp().share_clipboard.get());
                let data = match text {
                    Some(t) if shared => t.as_bytes().to_vec(),
                    _ => Vec::new(),
                };
                m.clipboard_selection_notify(SELECTION_CLIPBOARD, TYPE_UTF8_TEXT, &data);
            });
            true
        });
    }

    fn on_local_clipboard_changed(&self) {
        if !self.share_clipboard.get() {
            return;
        }
        if self.obj().has_focus() {
            self.grab_guest_clipboard();
        } else {
            self.clipboard_pending.set(true);
        }
    }

    /// The guest's agent came (or went): offer the host's text that waited for it.
    pub(super) fn on_agent_connected(&self) {
        if self.obj().has_focus() {
            self.on_focus_in_clipboard();
        }
    }

    pub(super) fn on_focus_in_clipboard(&self) {
        if self.clipboard_pending.replace(false) && self.share_clipboard.get() {
            self.grab_guest_clipboard();
        }
    }

    /// Offers the host's text to the guest (when the host clipboard has text that is not the
    /// guest's own, and the agent runs).
    fn grab_guest_clipboard(&self) {
        let obj = self.obj();
        let clipboard = obj.clipboard();
        let weak = obj.downgrade();
        glib::spawn_future_local(async move {
            let Ok(Some(text)) = clipboard.read_text_future().await else {
                return;
            };
            let Some(o) = weak.upgrade() else { return };
            let imp = o.imp();
            if !imp.share_clipboard.get()
                || imp.guest_clipboard.borrow().as_deref() == Some(text.as_str())
            {
                return;
            }
            imp.guest_clipboard.replace(None);
            match imp.main_channel() {
                Some(main) if main.is_agent_connected() => {
                    main.clipboard_selection_grab(SELECTION_CLIPBOARD, &[TYPE_UTF8_TEXT]);
                    imp.clipboard_grabbed.set(true);
                }
                _ => imp.clipboard_pending.set(true),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn agent_text_ends_at_its_nul() {
        assert_eq!(super::text_of(b"abc\0"), "abc");
        assert_eq!(super::text_of(b"abc"), "abc");
        assert_eq!(super::text_of(b""), "");
    }
}
