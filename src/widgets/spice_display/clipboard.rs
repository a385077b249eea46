//! Clipboard text and images both ways through the SPICE agent (spice-vdagent in the guest),
//! while the `share-clipboard` property is on. Off, nothing goes either way: the guest's grabs
//! are not answered and its requests are refused.
//!
//! Guest → host: the agent grabs the clipboard with its types; for UTF-8 text (or else a PNG
//! image) the display asks for the data and puts it on the host clipboard. Host → guest: a host
//! clipboard change while the display has the focus (or when it gets it back) grabs the guest's
//! clipboard for an image when the host holds one, else for text; the data itself goes only
//! when the guest asks for it (a paste in the guest). Images travel as PNG.

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use spice_client_glib::MainChannel;

use super::imp;

/// `VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD`: the clipboard (not the primary selection).
pub(super) const SELECTION_CLIPBOARD: u32 = 0;
/// `VD_AGENT_CLIPBOARD_UTF8_TEXT`.
pub(super) const TYPE_UTF8_TEXT: u32 = 1;
/// `VD_AGENT_CLIPBOARD_IMAGE_PNG`.
pub(super) const TYPE_IMAGE_PNG: u32 = 2;

/// Which of the guest's offered clipboard types the display takes: text first, else a PNG.
pub(super) fn wanted_type(types: &[u32]) -> Option<u32> {
    [TYPE_UTF8_TEXT, TYPE_IMAGE_PNG]
        .into_iter()
        .find(|t| types.contains(t))
}

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
        self.guest_image.replace(None);
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
                    && let Some(kind) = wanted_type(types)
                {
                    // The guest owns the clipboard now.
                    imp.clipboard_grabbed.set(false);
                    m.clipboard_selection_request(SELECTION_CLIPBOARD, kind);
                }
            });
        });
        let w = weak.clone();
        main.connect_main_clipboard_selection(move |_, selection, kind, data| {
            super::session::on_current(&w, id, |imp| {
                if !imp.share_clipboard.get() || selection != SELECTION_CLIPBOARD {
                    return;
                }
                if kind == TYPE_UTF8_TEXT {
                    let text = text_of(data);
                    imp.guest_clipboard.replace(Some(text.clone()));
                    imp.obj().clipboard().set_text(&text);
                } else if kind == TYPE_IMAGE_PNG {
                    match gtk::gdk::Texture::from_bytes(&glib::Bytes::from(data)) {
                        Ok(texture) => {
                            let provider =
                                gtk::gdk::ContentProvider::for_value(&texture.to_value());
                            if let Err(e) = imp.obj().clipboard().set_content(Some(&provider)) {
                                tracing::info!(
                                    "cannot put the guest's picture on the clipboard: {e}"
                                );
                            }
                            imp.guest_image.replace(Some(provider));
                        }
                        Err(e) => tracing::info!("the guest's clipboard image is not a PNG: {e}"),
                    }
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
                || ![TYPE_UTF8_TEXT, TYPE_IMAGE_PNG].contains(&kind)
            {
                return false;
            }
            let clipboard = o.clipboard();
            let (m, weak) = (m.clone(), o.downgrade());
            glib::spawn_future_local(async move {
                let data = if kind == TYPE_IMAGE_PNG {
                    let texture = clipboard.read_texture_future().await.ok().flatten();
                    texture.map(|t| t.save_to_png_bytes().to_vec())
                } else {
                    let text = clipboard.read_text_future().await.ok().flatten();
                    text.map(|t| t.as_bytes().to_vec())
                };
                // Sharing may have stopped while the data was read.
                let shared = weak
                    .upgrade()
                    .is_some_and(|o| o.imp().share_clipboard.get());
                let data = data.filter(|_| shared).unwrap_or_default();
                m.clipboard_selection_notify(SELECTION_CLIPBOARD, kind, &data);
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

    /// Offers the host's image or text to the guest (when the host clipboard holds one that is
    /// not the guest's own, and the agent runs).
    fn grab_guest_clipboard(&self) {
        let obj = self.obj();
        let clipboard = obj.clipboard();
        let weak = obj.downgrade();
        glib::spawn_future_local(async move {
            let image = clipboard
                .formats()
                .contains_type(gtk::gdk::Texture::static_type());
            let kind = if image {
                // The guest's own picture, put there by us, is recognised without reading it.
                let Some(o) = weak.upgrade() else { return };
                if clipboard
                    .content()
                    .is_some_and(|c| o.imp().guest_image.borrow().as_ref() == Some(&c))
                {
                    return;
                }
                TYPE_IMAGE_PNG
            } else {
                let Ok(Some(text)) = clipboard.read_text_future().await else {
                    return;
                };
                let Some(o) = weak.upgrade() else { return };
                if o.imp().guest_clipboard.borrow().as_deref() == Some(text.as_str()) {
                    return;
                }
                TYPE_UTF8_TEXT
            };
            let Some(o) = weak.upgrade() else { return };
            let imp = o.imp();
            if !imp.share_clipboard.get() {
                return;
            }
            imp.guest_clipboard.replace(None);
            imp.guest_image.replace(None);
            match imp.main_channel() {
                Some(main) if main.is_agent_connected() => {
                    main.clipboard_selection_grab(SELECTION_CLIPBOARD, &[kind]);
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
    fn text_is_taken_before_an_image() {
        use super::{TYPE_IMAGE_PNG, TYPE_UTF8_TEXT, wanted_type};
        assert_eq!(
            wanted_type(&[TYPE_IMAGE_PNG, TYPE_UTF8_TEXT]),
            Some(TYPE_UTF8_TEXT)
        );
        assert_eq!(wanted_type(&[TYPE_IMAGE_PNG]), Some(TYPE_IMAGE_PNG));
        assert_eq!(wanted_type(&[5, 6]), None);
    }

    #[test]
    fn agent_text_ends_at_its_nul() {
        assert_eq!(super::text_of(b"abc\0"), "abc");
        assert_eq!(super::text_of(b"abc"), "abc");
        assert_eq!(super::text_of(b""), "");
    }
}
