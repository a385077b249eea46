//! USB redirection: the host's USB devices offered to the guest over the session's usbredir
//! channels, through spice-client-glib's USB device manager (libusb). Made the first time it
//! is asked for, the manager opens the usbredir channels. A device the user may not open
//! fails with the manager's error, which says so.

use gtk::glib;
use spice_client_glib::{UsbDevice, UsbDeviceManager};

use super::imp;
use crate::i18n::gettext;

/// A host USB device as the redirection menu shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbDeviceEntry {
    /// Maker, product and bus address.
    pub description: String,
    /// Whether the guest has it now.
    pub connected: bool,
}

impl imp::SpiceDisplay {
    fn usb_manager(&self) -> Result<UsbDeviceManager, String> {
        let session = self
            .live
            .borrow()
            .as_ref()
            .map(|l| l.session.clone())
            .ok_or_else(|| gettext("The display is not connected"))?;
        UsbDeviceManager::get(&session).map_err(|e| e.to_string())
    }

    fn usb_device_list(&self) -> Result<(UsbDeviceManager, Vec<UsbDevice>), String> {
        let manager = self.usb_manager()?;
        let devices = manager.devices();
        Ok((manager, devices))
    }

    pub(super) fn usb_devices(&self) -> Result<Vec<UsbDeviceEntry>, String> {
        let (manager, devices) = self.usb_device_list()?;
        Ok(devices
            .into_iter()
            .map(|mut d| UsbDeviceEntry {
                description: d
                    .description(None)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                connected: manager.is_device_connected(&d),
            })
            .collect())
    }

    pub(super) fn usb_free_channels(&self) -> Result<i32, String> {
        Ok(self.usb_manager()?.free_channels())
    }

    pub(super) fn set_usb_redirected(
        &self,
        index: usize,
        on: bool,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        let (manager, devices) = match self.usb_device_list() {
            Ok(l) => l,
            Err(e) => return done(Err(e)),
        };
        let Some(device) = devices.get(index) else {
            return done(Err(gettext("The USB device is gone")));
        };
        let map = |r: Result<(), glib::Error>| r.map_err(|e| e.to_string());
        if on {
            if let Err(e) = manager.can_redirect_device(device) {
                return done(Err(e.to_string()));
            }
            manager.connect_device_async(device, None::<&gtk::gio::Cancellable>, move |r| {
                done(map(r))
            });
        } else {
            manager.disconnect_device_async(device, None::<&gtk::gio::Cancellable>, move |r| {
                done(map(r))
            });
        }
    }
}
