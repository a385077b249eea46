//! What the console page holds and shows, for its window, its own modules and tests: its
//! displays and serial console, which of them is in use and its state, and the choices shown.

use gtk::prelude::*;

use super::{ConsoleInfo, ConsoleMode, ConsolePage, SerialState, Status, view};
use crate::widgets::serial_console::SerialConsole;
use crate::widgets::spice_display::SpiceDisplay;
use crate::widgets::vnc_display::{DisplayState, VncDisplay};

impl ConsolePage {
    /// The VNC display (used when the VM's display is VNC).
    pub fn display(&self) -> &VncDisplay {
        &self.display
    }

    /// The SPICE display (used when the VM's display is SPICE).
    pub fn spice_display(&self) -> &SpiceDisplay {
        &self.spice
    }

    /// Whether the VM's display is SPICE (else the VNC display is used).
    pub fn is_spice(&self) -> bool {
        self.info
            .as_ref()
            .and_then(|i| i.graphics.as_ref())
            .is_some_and(|g| g.kind == "spice")
    }

    /// The display in use, as a widget.
    pub fn graphical(&self) -> gtk::Widget {
        if self.is_spice() {
            self.spice.clone().upcast()
        } else {
            self.display.clone().upcast()
        }
    }

    /// The state of the display in use.
    pub fn display_state(&self) -> DisplayState {
        if self.is_spice() {
            self.spice.state()
        } else {
            self.display.state()
        }
    }

    pub(super) fn close_displays(&self) {
        self.display.close();
        self.spice.close();
    }

    /// The serial console.
    pub fn serial(&self) -> &SerialConsole {
        &self.serial
    }

    /// The serial session's state.
    pub fn serial_state(&self) -> &SerialState {
        &self.serial_state
    }

    /// The console shown.
    pub fn mode(&self) -> ConsoleMode {
        self.mode
    }

    /// Whether the page has said that the guest's pointer moves by steps (no tablet).
    pub fn pointer_hint_shown(&self) -> bool {
        self.pointer_hint_shown
    }

    /// Whether the displays share the clipboard with the VM (the VM's remembered choice, else
    /// the default from the settings, which is off unless changed).
    pub fn shares_clipboard(&self) -> bool {
        self.display.share_clipboard()
    }

    /// Whether text is being typed into the display.
    pub fn is_typing(&self) -> bool {
        self.typing
    }

    /// Whether the page is fullscreen.
    pub fn is_fullscreen(&self) -> bool {
        self.fullscreen.is_some()
    }

    /// What the VM was last read as.
    pub fn info(&self) -> Option<&ConsoleInfo> {
        self.info.as_ref()
    }

    pub(super) fn display_connected(&self) -> bool {
        matches!(self.display_state(), DisplayState::Connected { .. })
    }

    /// What the page shows instead of the console, if anything.
    pub fn status(&self) -> Option<Status> {
        view::status(self)
    }
}
