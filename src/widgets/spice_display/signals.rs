//! The SPICE display's signals: what they are and carry, and a typed `connect_` function for
//! each (for those both displays have, through
//! [`SessionSignals`](crate::widgets::screen::SessionSignals)).

use gtk::glib;
use gtk::glib::subclass::Signal;
use gtk::prelude::*;

use super::SpiceDisplay;

/// The signals, for the class: those both displays have
/// ([`session_signals`](crate::widgets::screen::session_signals)) and these.
pub(super) fn definitions() -> Vec<Signal> {
    let mut signals = crate::widgets::screen::session_signals();
    signals.extend([
        // A channel of an fd session wants a socket: answer with
        // `give_channel_fd` and the request number.
        Signal::builder("channel-fd-wanted")
            .param_types([u64::static_type()])
            .build(),
        // A USB device could not be given to the guest by itself; the argument
        // says why and what to do.
        Signal::builder("usb-error")
            .param_types([String::static_type()])
            .build(),
        // A USB device (or a shared disc image) came or went.
        Signal::builder("usb-devices-changed").build(),
        // Sending files to the guest ended: "" when all arrived, else why not.
        Signal::builder("transfer-finished")
            .param_types([String::static_type()])
            .build(),
        // The server offers one more monitor (a display channel after the first).
        Signal::builder("monitor-added")
            .param_types([crate::widgets::spice_monitor::SpiceMonitor::static_type()])
            .build(),
    ]);
    signals
}

impl SpiceDisplay {
    /// Runs `f` when a USB device (or a shared disc image) comes or goes.
    pub fn connect_usb_devices_changed<F: Fn(&Self) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_local("usb-devices-changed", false, move |args| {
            let obj = args.first()?.get::<Self>().ok()?;
            f(&obj);
            None
        })
    }

    /// Runs `f` when a USB device plugged in could not go to the guest by itself, with what
    /// went wrong and what to do.
    pub fn connect_usb_error<F: Fn(&Self, &str) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_local("usb-error", false, move |args| {
            let obj = args.first()?.get::<Self>().ok()?;
            let message = args.get(1)?.get::<String>().ok()?;
            f(&obj, &message);
            None
        })
    }

    /// Runs `f` when sending files ends, with "" when all arrived, else the reason.
    pub fn connect_transfer_finished<F: Fn(&Self, &str) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_local("transfer-finished", false, move |args| {
            let obj = args.first()?.get::<Self>().ok()?;
            let message = args.get(1)?.get::<String>().ok()?;
            f(&obj, &message);
            None
        })
    }

    /// Runs `f` when the server offers one more monitor (shown by the given widget).
    pub fn connect_monitor_added<
        F: Fn(&Self, &crate::widgets::spice_monitor::SpiceMonitor) + 'static,
    >(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_local("monitor-added", false, move |args| {
            let obj = args.first()?.get::<Self>().ok()?;
            let monitor = args.get(1)?.get().ok()?;
            f(&obj, &monitor);
            None
        })
    }

    /// Runs `f` when a channel of an fd session wants a socket, with the request number to
    /// answer [`Self::give_channel_fd`] with.
    pub fn connect_channel_fd_wanted<F: Fn(&Self, u64) + 'static>(
        &self,
        f: F,
    ) -> glib::SignalHandlerId {
        self.connect_local("channel-fd-wanted", false, move |args| {
            let obj = args.first()?.get::<Self>().ok()?;
            let id = args.get(1)?.get::<u64>().ok()?;
            f(&obj, id);
            None
        })
    }
}

impl crate::widgets::screen::SessionSignals for SpiceDisplay {}
