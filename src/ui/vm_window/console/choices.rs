//! What the console page remembers per VM (keyed by the connection's URI and the VM's UUID
//! in the settings) and applies to its displays: clipboard sharing, USB auto-redirection,
//! microphone sharing and the shared folder; and the keys that end the keyboard grab.

use super::ConsolePage;
use crate::settings::AppSettings;

impl ConsolePage {
    /// The settings and the VM's UUID, once the VM is read and when the settings open.
    fn vm_settings(&self) -> Option<(AppSettings, String)> {
        let info = self.info.as_ref()?;
        let settings = AppSettings::open().ok()?;
        Some((settings, info.domain.uuid().to_string()))
    }

    /// Sets the displays' clipboard sharing to the VM's remembered choice, or the default.
    pub(super) fn apply_clipboard_choice(&self) {
        let on = self
            .vm_settings()
            .is_some_and(|(s, uuid)| s.clipboard_shared(&self.uri, &uuid));
        self.display.set_share_clipboard(on);
    }

    /// Sets the SPICE display's USB auto-redirection, microphone sharing and shared folder to
    /// the VM's remembered choices (all off unless chosen).
    pub(super) fn apply_spice_choices(&self) {
        let (usb, mic, folder) = match self.vm_settings() {
            Some((s, uuid)) => (
                s.usb_auto_redirect(&self.uri, &uuid),
                s.microphone_shared(&self.uri, &uuid),
                s.shared_folder(&self.uri, &uuid),
            ),
            None => (false, false, None),
        };
        self.spice.set_usb_auto_redirect(usb);
        self.spice.set_share_microphone(mic);
        self.apply_shared_folder(folder);
    }

    /// Remembers the folder shared with this VM (none: `None`) and applies it.
    pub(super) fn set_shared_folder(&self, folder: Option<(String, bool)>) {
        if let Some((settings, uuid)) = self.vm_settings() {
            settings.set_shared_folder(&self.uri, &uuid, folder.clone());
        }
        self.apply_shared_folder(folder);
    }

    pub(super) fn apply_shared_folder(&self, folder: Option<(String, bool)>) {
        let (path, read_only) = folder.unwrap_or_default();
        self.spice.set_shared_folder_read_only(read_only);
        self.spice.set_shared_folder(path);
    }

    /// Remembers whether the SPICE display of this VM redirects new USB devices (`usb`) or
    /// shares the microphone (`!usb`), and applies it.
    pub(super) fn set_spice_choice(&self, usb: bool, on: bool) {
        if let Some((settings, uuid)) = self.vm_settings() {
            if usb {
                settings.set_usb_auto_redirect(&self.uri, &uuid, on);
            } else {
                settings.set_microphone_shared(&self.uri, &uuid, on);
            }
        }
        if usb {
            self.spice.set_usb_auto_redirect(on);
        } else {
            self.spice.set_share_microphone(on);
        }
    }

    /// Gives both displays the keys that end the keyboard grab, from the settings.
    pub(super) fn apply_release_keys(&self) {
        if let Ok(settings) = AppSettings::open() {
            let keys = settings.release_keys();
            self.display.set_release_keys(keys.clone());
            self.spice.set_release_keys(keys);
        }
    }

    /// Remembers the choice to share the clipboard with this VM, and applies it. The toolbar's
    /// toggle follows the display, so a change that the display already shows is no choice.
    pub(super) fn set_clipboard_choice(&self, on: bool) {
        if self.display.share_clipboard() == on {
            return;
        }
        if let Some((settings, uuid)) = self.vm_settings() {
            settings.set_clipboard_shared(&self.uri, &uuid, on);
        }
        self.display.set_share_clipboard(on);
    }
}
