//! The display's password when the live XML does not give it: the one remembered in the
//! Secret Service for this VM, else asked with a "Remember" check. A remembered password is
//! forgotten when the display asks again after it was given, and a new one is stored once the
//! display connects with it.

use adw::prelude::*;
use relm4::Sender;

use super::ConsoleMsg;
use crate::i18n::gettext;
use crate::session::keyring::{self, SecretKey};

/// Where the page is in giving the display its password.
#[derive(Debug, Default)]
pub struct PasswordState {
    /// The keyring was asked since the display last connected.
    pub looked_up: bool,
    /// The password given came from the keyring.
    pub stored_used: bool,
    /// A password the user asked to remember, stored once the display connects.
    pub pending: Option<String>,
}

/// What to do when the display asks for its password.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Look in the keyring.
    LookUp,
    /// The remembered one was wrong: forget it and ask.
    ForgetAndAsk,
    /// Ask the user.
    Ask,
}

impl PasswordState {
    /// The display asked for a password.
    pub fn on_asked(&mut self) -> Next {
        if self.stored_used {
            self.stored_used = false;
            Next::ForgetAndAsk
        } else if !self.looked_up {
            self.looked_up = true;
            Next::LookUp
        } else {
            Next::Ask
        }
    }

    /// The display connected: the password to store, if the user asked to remember it.
    pub fn on_connected(&mut self) -> Option<String> {
        self.looked_up = false;
        self.stored_used = false;
        self.pending.take()
    }
}

/// The keyring entry of the display of VM `name` on the connection `uri`.
pub fn key(uri: &str, name: &str) -> SecretKey {
    SecretKey::new(&format!("{uri}#{name}"), "vnc-password", "")
}

/// The remembered password, if the keyring has one (a keyring that cannot be reached has none).
pub async fn lookup(key: SecretKey) -> Option<String> {
    match keyring::lookup(&key).await {
        Ok(found) => found,
        Err(e) => {
            tracing::debug!("no remembered display password: {e}");
            None
        }
    }
}

/// Stores the password that worked.
pub async fn store(key: SecretKey, password: String) {
    if let Err(e) = keyring::store(&key, &password).await {
        tracing::warn!("cannot remember the display password: {e}");
    }
}

/// Forgets a password that turned out wrong.
pub async fn forget(key: SecretKey) {
    if let Err(e) = keyring::forget(&key).await {
        tracing::warn!("cannot forget the display password: {e}");
    }
}

/// Asks for the display's password; the answer comes back as [`ConsoleMsg::Password`].
pub fn ask(display: &impl IsA<gtk::Widget>, sender: Sender<ConsoleMsg>) {
    let parent = display.root().and_downcast::<gtk::Window>();
    let dialog = adw::MessageDialog::new(
        parent.as_ref(),
        Some(&gettext("Display Password")),
        Some(&gettext("The VM's display asks for a password.")),
    );
    let entry = gtk::PasswordEntry::builder()
        .show_peek_icon(true)
        .activates_default(true)
        .build();
    let remember = gtk::CheckButton::with_mnemonic(&gettext("_Remember in the keyring"));
    let extra = gtk::Box::new(gtk::Orientation::Vertical, 6);
    extra.append(&entry);
    extra.append(&remember);
    dialog.set_extra_child(Some(&extra));
    dialog.add_response("cancel", &gettext("Cancel"));
    dialog.add_response("connect", &gettext("Connect"));
    dialog.set_response_appearance("connect", adw::ResponseAppearance::Suggested);
    dialog.set_default_response(Some("connect"));
    dialog.set_close_response("cancel");
    // Only the first response counts (closing the dialog afterwards answers "cancel").
    let answered = std::cell::Cell::new(false);
    dialog.connect_response(None, move |_, response| {
        if answered.replace(true) {
            return;
        }
        sender.emit(ConsoleMsg::Password {
            password: (response == "connect").then(|| entry.text().to_string()),
            remember: remember.is_active(),
        });
    });
    dialog.present();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_password_is_tried_once_then_forgotten() {
        let mut s = PasswordState::default();
        assert_eq!(s.on_asked(), Next::LookUp);
        // The keyring had one; the display asks again: it was wrong.
        s.stored_used = true;
        assert_eq!(s.on_asked(), Next::ForgetAndAsk);
        assert_eq!(s.on_asked(), Next::Ask);
        s.pending = Some("pw".into());
        assert_eq!(s.on_connected().as_deref(), Some("pw"));
        assert_eq!(s.on_asked(), Next::LookUp);
    }
}
