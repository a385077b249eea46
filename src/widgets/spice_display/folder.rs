//! A folder of this machine shared with the guest over SPICE's WebDAV channel (spice-webdavd
//! in the guest offers it as a network drive). Nothing is shared until a folder is chosen with
//! the `shared-folder` property: the library's own default (the Public folder) is never served,
//! because the channel is only connected while a folder is set. `shared-folder-read-only`
//! keeps the guest from changing it. Both apply at once, also during a session.

use gtk::subclass::prelude::*;
use spice_client_glib::prelude::*;
use spice_client_glib::{Session, WebdavChannel};

use super::imp;

impl imp::SpiceDisplay {
    /// What a new session starts with: the chosen folder (or none) and its access.
    pub(super) fn setup_session_folder(&self, session: &Session) {
        let folder = self.shared_folder.borrow().clone();
        session.set_shared_dir(Some(folder.as_str()).filter(|f| !f.is_empty()));
        session.set_share_dir_ro(self.shared_folder_read_only.get());
    }

    /// The server offers the WebDAV channel: it is kept, and connected when a folder is set.
    pub(super) fn on_webdav_channel(&self, channel: &WebdavChannel) {
        if let Some(live) = self.live.borrow_mut().as_mut() {
            live.webdav = Some(channel.clone());
        }
        if !self.has_shared_folder_channel.replace(true) {
            self.obj().notify_has_shared_folder_channel();
        }
        self.apply_shared_folder();
    }

    /// Applies the folder and its access to the open session: connects the channel when a
    /// folder is set, closes it when none is.
    pub(super) fn apply_shared_folder(&self) {
        let (session, channel) = match self.live.borrow().as_ref() {
            Some(live) => (live.session.clone(), live.webdav.clone()),
            None => return,
        };
        self.setup_session_folder(&session);
        let Some(channel) = channel else { return };
        let shared = !self.shared_folder.borrow().is_empty();
        let open = self.shared_folder_open.get();
        if shared && !open {
            tracing::debug!("sharing a folder with the guest");
            ChannelExt::connect(&channel);
            self.shared_folder_open.set(true);
        } else if !shared && open {
            tracing::debug!("no folder shared with the guest any more");
            ChannelExt::disconnect(&channel, spice_client_glib::ChannelEvent::Closed);
            self.shared_folder_open.set(false);
        }
    }

    /// The session ended: no channel, nothing open.
    pub(super) fn forget_shared_folder_channel(&self) {
        self.shared_folder_open.set(false);
        if self.has_shared_folder_channel.replace(false) {
            self.obj().notify_has_shared_folder_channel();
        }
    }
}
