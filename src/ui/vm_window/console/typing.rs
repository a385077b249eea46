//! "Type Clipboard Text": the host clipboard's text typed into the guest as key presses, for
//! guests that share no clipboard (no agent, a login prompt, a firmware screen). Text with a
//! character no US key types is refused whole with a message; a long text is typed only after
//! the user confirms.

use adw::prelude::*;
use relm4::prelude::*;

use super::{ConsoleMsg, ConsolePage};
use crate::i18n::{gettext, gettext_f};
use crate::widgets::vnc_display::typing::{
    CHAR_INTERVAL, CONFIRM_ABOVE, TypingError, keys_for_text, type_paced,
};

/// What the page says when a text cannot be typed.
pub fn refusal(e: &TypingError) -> String {
    match e {
        TypingError::Untypable(c, pos) => gettext_f(
            "Nothing was typed: the character “{}” (number {}) has no key on a US keyboard",
            &[&c.escape_debug().to_string(), &pos.to_string()],
        ),
        TypingError::TooLong(n) => gettext_f(
            "Nothing was typed: the clipboard holds {} characters, more than can be typed",
            &[&n.to_string()],
        ),
    }
}

impl ConsolePage {
    /// Reads the host clipboard and hands its text back as [`ConsoleMsg::TypeText`].
    pub(super) fn type_clipboard(&self, sender: &ComponentSender<Self>) {
        let clipboard = self.graphical().clipboard();
        let s = sender.input_sender().clone();
        gtk::glib::spawn_future_local(async move {
            let text = clipboard.read_text_future().await.ok().flatten();
            s.emit(ConsoleMsg::TypeText {
                text: text.map(|t| t.to_string()).unwrap_or_default(),
                confirmed: false,
            });
        });
    }

    /// Types `text` into the display in use: refused with a message if it cannot be typed,
    /// asked about first if it is long and not `confirmed`.
    pub(super) fn type_text(
        &mut self,
        text: String,
        confirmed: bool,
        sender: &ComponentSender<Self>,
    ) {
        if self.typing {
            self.toast(&gettext("Still typing the previous text"));
            return;
        }
        if text.is_empty() {
            self.toast(&gettext("The clipboard holds no text"));
            return;
        }
        let groups = match keys_for_text(&text) {
            Ok(g) => g,
            Err(e) => {
                self.toast(&refusal(&e));
                return;
            }
        };
        if groups.len() > CONFIRM_ABOVE && !confirmed {
            self.confirm_long(text, groups.len(), sender);
            return;
        }
        self.typing = true;
        let s = sender.input_sender().clone();
        let done = move |r: Result<(), String>| s.emit(ConsoleMsg::TypingDone(r));
        if self.is_spice() {
            let display = self.spice.clone();
            type_paced(
                groups,
                move |keys| display.send_key_group(keys).map_err(|e| e.to_string()),
                done,
            );
        } else {
            let display = self.display.clone();
            type_paced(
                groups,
                move |keys| display.send_key_group(keys).map_err(|e| e.to_string()),
                done,
            );
        }
    }

    fn confirm_long(&self, text: String, chars: usize, sender: &ComponentSender<Self>) {
        let seconds = (CHAR_INTERVAL * u32::try_from(chars).unwrap_or(u32::MAX)).as_secs() + 1;
        let parent = self.graphical().root().and_downcast::<gtk::Window>();
        let dialog = adw::MessageDialog::new(
            parent.as_ref(),
            Some(&gettext_f("Type {} Characters?", &[&chars.to_string()])),
            Some(&gettext_f(
                "The clipboard’s text is typed into the VM key by key, which takes about {} seconds. Whatever has the focus in the VM receives it.",
                &[&seconds.to_string()],
            )),
        );
        dialog.add_response("cancel", &gettext("_Cancel"));
        dialog.add_response("type", &gettext("_Type"));
        dialog.set_response_appearance("type", adw::ResponseAppearance::Suggested);
        dialog.set_default_response(Some("cancel"));
        dialog.set_close_response("cancel");
        let s = sender.input_sender().clone();
        let text = std::cell::RefCell::new(Some(text));
        dialog.connect_response(None, move |_, response| {
            if response == "type"
                && let Some(text) = text.take()
            {
                s.emit(ConsoleMsg::TypeText {
                    text,
                    confirmed: true,
                });
            }
        });
        dialog.present();
    }
}
