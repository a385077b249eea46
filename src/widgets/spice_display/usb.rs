//! USB redirection: the host's USB devices offered to the guest over the session's usbredir
//! channels, through spice-client-glib's USB device manager (libusb). Made the first time it
//! is asked for (at once when new devices are redirected automatically), the manager opens the
//! usbredir channels. A device the user may not open fails with the manager's error, which
//! [`explain_usb_error`] turns into what went wrong and what to do.

use std::cell::RefCell;
use std::rc::Rc;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use spice_client_glib::{UsbDevice, UsbDeviceManager};

use super::imp;
use super::session::on_current;
use crate::i18n::{gettext, gettext_f};

/// The program spice-client-glib runs to get write access to a device node (through polkit).
const ACL_HELPER: &str = "spice-client-glib-usb-acl-helper";

/// How long a shared disc image may take to be listed as a USB drive.
const DISC_SHOWS_UP: std::time::Duration = std::time::Duration::from_secs(10);

/// The outcome of sharing a disc image.
type Done = Box<dyn FnOnce(Result<(), String>)>;

/// A disc image being added as a USB drive, until the manager lists it (or fails to in time).
struct PendingDisc {
    manager: UsbDeviceManager,
    display: glib::WeakRef<super::SpiceDisplay>,
    handler: Option<glib::SignalHandlerId>,
    timeout: Option<glib::SourceId>,
    done: Option<Done>,
}

impl PendingDisc {
    /// Stops waiting (the manager redirects new devices automatically again if the display
    /// does) and hands back the outcome's callback, once.
    fn end(&mut self) -> Option<Done> {
        if let Some(id) = self.handler.take() {
            self.manager.disconnect(id);
        }
        if let Some(id) = self.timeout.take() {
            id.remove();
        }
        if let Some(display) = self.display.upgrade() {
            self.manager
                .set_auto_connect(display.imp().usb_auto_redirect.get());
        }
        self.done.take()
    }
}

/// What went wrong giving a USB device to the guest, in words the user can act on, from
/// spice-client-glib's error `message`: the device node not writable, the access helper
/// missing or failing, polkit refusing or absent. Other errors are said as they are.
pub fn explain_usb_error(message: &str) -> String {
    let udev = gettext(
        "Or give your user write access to the device with a udev rule (for example TAG+=\"uaccess\" for its vendor and product ID), then plug it in again.",
    );
    let explained = if message.contains(ACL_HELPER) {
        // GLib could not run the helper.
        gettext_f(
            "Hangar may not open the device, and the helper that grants access ({}) is not installed: install it (Debian and Ubuntu package it as spice-client-glib-usb-acl-helper).",
            &[ACL_HELPER],
        )
    } else if message.contains("ACL: 'Not authorized'") {
        gettext(
            "The system refused access to the device: polkit did not authorize “org.spice-space.lowlevelusbaccess” for your user. Ask an administrator to allow it.",
        )
    } else if message.contains("PoliciKit error") || message.contains("PolicyKit error") {
        gettext(
            "The helper that grants access to the device could not ask polkit: make sure the polkit service is installed and running.",
        )
    } else if message.contains("Unexpected EOF reading from acl helper") {
        gettext_f(
            "The helper that grants access to the device ({}) stopped without an answer: it has to be installed setuid root.",
            &[ACL_HELPER],
        )
    } else if message.contains("Error libusb_open") && message.contains("[-3]") {
        gettext(
            "Hangar may not open the device: its node under /dev/bus/usb is not writable for your user.",
        )
    } else if message.contains("Error libusb_open") && message.contains("[-6]") {
        return gettext(
            "The device is busy: another program or a driver on this computer holds it. Close that program and try again.",
        );
    } else if message.contains("no free USB channels") {
        return gettext(
            "All of the VM’s USB redirection ports are taken: take a device back first, or give the VM another port (its hardware’s Add a Device, USB redirection port).",
        );
    } else {
        return message.to_string();
    };
    format!("{explained} {udev}")
}

/// A host USB device as the redirection menu shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbDeviceEntry {
    /// Maker, product and bus address; for a shared disc image, its file name.
    pub description: String,
    /// Whether the guest has it now.
    pub connected: bool,
    /// Whether it is a disc image shared as a USB CD drive.
    pub disc_image: bool,
}

/// What the menu calls `device`.
fn describe(manager: &UsbDeviceManager, device: &UsbDevice) -> String {
    let mut device = device.clone();
    let description = device
        .description(None)
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if !manager.is_device_shared_cd(&device) {
        return description;
    }
    // spice-client-glib names it "SPICE CD (FILE) [ids] at bus-address".
    let file = description
        .split_once('(')
        .and_then(|(_, rest)| rest.rsplit_once(')'))
        .map_or(description.as_str(), |(file, _)| file);
    gettext_f("Disc image {}", &[file])
}

impl imp::SpiceDisplay {
    /// The session's USB device manager, made (and told whether to redirect new devices) the
    /// first time.
    pub(super) fn usb_manager(&self) -> Result<UsbDeviceManager, String> {
        let (id, session) = match self.live.borrow().as_ref() {
            Some(live) => match &live.usb {
                Some(manager) => return Ok(manager.clone()),
                None => (live.id, live.session.clone()),
            },
            None => return Err(gettext("The display is not connected")),
        };
        // Made without a borrow: it connects the usbredir channels, which in an fd session
        // ask for their sockets at once.
        let manager = UsbDeviceManager::get(&session).map_err(|e| e.to_string())?;
        manager.set_auto_connect(self.usb_auto_redirect.get());
        let weak = self.obj().downgrade();
        manager.connect_auto_connect_failed(move |manager, device, error| {
            let name = describe(manager, device);
            let message = gettext_f(
                "{} could not go to the VM: {}",
                &[&name, &explain_usb_error(error.message())],
            );
            on_current(&weak, id, |imp| {
                imp.obj().emit_by_name::<()>("usb-error", &[&message]);
            });
        });
        for signal in ["device-added", "device-removed"] {
            let weak = self.obj().downgrade();
            manager.connect_local(signal, false, move |_| {
                on_current(&weak, id, |imp| {
                    imp.obj().emit_by_name::<()>("usb-devices-changed", &[]);
                });
                None
            });
        }
        if let Some(live) = self.live.borrow_mut().as_mut() {
            live.usb = Some(manager.clone());
        }
        Ok(manager)
    }

    pub(super) fn set_usb_auto_redirect_mode(&self, on: bool) {
        if self.usb_auto_redirect.replace(on) == on {
            return;
        }
        let manager = self.live.borrow().as_ref().and_then(|l| l.usb.clone());
        if let Some(manager) = manager {
            manager.set_auto_connect(on);
        } else if on
            && self.has_usb.get()
            && let Err(e) = self.usb_manager()
        {
            tracing::info!("no USB redirection: {e}");
        }
    }

    pub(super) fn usb_manager_auto_connect(&self) -> Option<bool> {
        let live = self.live.borrow();
        live.as_ref()?.usb.as_ref().map(|m| m.is_auto_connect())
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
            .map(|d| UsbDeviceEntry {
                description: describe(&manager, &d),
                connected: manager.is_device_connected(&d),
                disc_image: manager.is_device_shared_cd(&d),
            })
            .collect())
    }

    /// Offers disc image `path` as a USB CD drive and gives it to the guest; `done` gets the
    /// outcome.
    pub(super) fn share_disc_image(
        &self,
        path: &std::path::Path,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        let manager = match self.usb_manager() {
            Ok(m) => m,
            Err(e) => return done(Err(e)),
        };
        let Some(file) = path.to_str() else {
            return done(Err(gettext(
                "The disc image’s name is not valid UTF-8: rename it",
            )));
        };
        // The manager adds the drive from its main loop and, while it redirects new devices
        // automatically, would give it to the guest itself without telling how that went:
        // it is given here instead, with its outcome.
        manager.set_auto_connect(false);
        let pending = Rc::new(RefCell::new(PendingDisc {
            manager: manager.clone(),
            display: self.obj().downgrade(),
            handler: None,
            timeout: None,
            done: Some(Box::new(done)),
        }));
        // Its name as spice-client-glib puts it in the drive's description.
        let name = format!(
            "({})",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let p = pending.clone();
        let handler = manager.connect_device_added(move |manager, device| {
            let mut described = device.clone();
            let ours = manager.is_device_shared_cd(device)
                && described
                    .description(None)
                    .is_some_and(|d| d.contains(name.as_str()));
            if !ours {
                return;
            }
            let done = p.borrow_mut().end();
            if let Some(done) = done {
                redirect(manager, device, true, done);
            }
        });
        let p = pending.clone();
        let timeout = glib::timeout_add_local_once(DISC_SHOWS_UP, move || {
            // Fired: the source is gone, only forget its id.
            p.borrow_mut().timeout = None;
            let done = p.borrow_mut().end();
            if let Some(done) = done {
                done(Err(gettext(
                    "the disc image did not show up as a USB drive",
                )));
            }
        });
        {
            let mut p = pending.borrow_mut();
            p.handler = Some(handler);
            p.timeout = Some(timeout);
        }
        if let Err(e) = manager.create_shared_cd_device(file) {
            let done = pending.borrow_mut().end();
            if let Some(done) = done {
                done(Err(gettext_f(
                    "the disc image cannot be read ({})",
                    &[e.message()],
                )));
            }
        }
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
        redirect(&manager, device, on, done);
    }
}

/// Gives `device` to the guest (`on`) or takes it back; `done` gets the outcome, explained.
fn redirect(
    manager: &UsbDeviceManager,
    device: &UsbDevice,
    on: bool,
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    let map = |r: Result<(), glib::Error>| r.map_err(|e| explain_usb_error(e.message()));
    if on {
        if let Err(e) = manager.can_redirect_device(device) {
            return done(Err(explain_usb_error(e.message())));
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

#[cfg(test)]
mod tests {
    use super::explain_usb_error;

    #[test]
    fn a_missing_helper_is_named_with_its_package() {
        let m = explain_usb_error(
            "Failed to execute child process “/usr/libexec/spice-client-glib-usb-acl-helper” (No such file or directory)",
        );
        assert!(m.contains("not installed"), "{m}");
        assert!(m.contains("spice-client-glib-usb-acl-helper"), "{m}");
        assert!(m.contains("udev"), "{m}");
    }

    #[test]
    fn a_polkit_refusal_names_the_action() {
        let m = explain_usb_error("Error setting USB device node ACL: 'Not authorized'");
        assert!(m.contains("org.spice-space.lowlevelusbaccess"), "{m}");
        assert!(m.contains("administrator"), "{m}");
        let m = explain_usb_error(
            "Error setting USB device node ACL: 'Error PoliciKit error: Cannot connect'",
        );
        assert!(m.contains("polkit service"), "{m}");
    }

    #[test]
    fn an_unwritable_node_and_a_busy_device_are_told_apart() {
        let m =
            explain_usb_error("Error libusb_open: Access denied (insufficient permissions) [-3]");
        assert!(
            m.contains("/dev/bus/usb") && m.contains("not writable"),
            "{m}"
        );
        let m = explain_usb_error("Error libusb_open: Resource busy [-6]");
        assert!(m.contains("busy") && !m.contains("udev"), "{m}");
        let m = explain_usb_error("Unexpected EOF reading from acl helper stdout");
        assert!(m.contains("setuid"), "{m}");
    }

    #[test]
    fn no_free_port_says_how_to_get_one() {
        let m = explain_usb_error("There are no free USB channels");
        assert!(
            m.contains("ports are taken") && m.contains("take a device back"),
            "{m}"
        );
    }

    #[test]
    fn other_errors_are_said_as_they_are() {
        let m = "Device is already connected";
        assert_eq!(explain_usb_error(m), m);
    }
}
