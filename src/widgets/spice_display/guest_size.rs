//! Resizing the guest's display to the widget through the guest's SPICE agent. With the
//! `resize-guest` property on and the picture fitted to the widget, the widget's size in device
//! pixels goes to the agent as the configuration of the first monitor once the widget has kept
//! one size for a moment. Only an agent that announced it can configure monitors is asked; the
//! agent changes the guest's mode and the server then sends a new primary surface.

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::imp;
use crate::widgets::screen::scaling::{GUEST_RESIZE_SETTLE, Scaling, wanted_guest_size};

/// `VD_AGENT_CAP_MONITORS_CONFIG`: the agent takes monitor configurations.
const CAP_MONITORS_CONFIG: u32 = 1;

impl imp::SpiceDisplay {
    /// The widget's size, scaling or setting changed, or the agent came: asks the guest for
    /// the widget's size once it has settled, when that applies.
    pub(super) fn schedule_guest_resize(&self) {
        if let Some(id) = self.guest_resize_timer.take() {
            id.remove();
        }
        if !self.resize_guest.get() || self.scaling.get() != Scaling::Fit {
            return;
        }
        if !self.main_channel().is_some_and(|m| m.is_agent_connected()) {
            return;
        }
        let weak = self.obj().downgrade();
        let id = glib::timeout_add_local_once(GUEST_RESIZE_SETTLE, move || {
            if let Some(obj) = weak.upgrade() {
                let imp = obj.imp();
                // Fired: the source is gone, only forget its id.
                imp.guest_resize_timer.replace(None);
                imp.ask_guest_size();
            }
        });
        self.guest_resize_timer.replace(Some(id));
    }

    /// The guest's agent came, went or announced what it can do: the widget's size is asked
    /// of a new one; nothing asked of one that left stands.
    pub(super) fn on_agent_update_for_size(&self) {
        if self.main_channel().is_some_and(|m| m.is_agent_connected()) {
            self.schedule_guest_resize();
        } else {
            self.forget_guest_size();
        }
    }

    /// The agent went or the session ended: nothing asked stands.
    pub(super) fn forget_guest_size(&self) {
        if let Some(id) = self.guest_resize_timer.take() {
            id.remove();
        }
        self.guest_size_asked.set(None);
    }

    fn ask_guest_size(&self) {
        let obj = self.obj();
        let Some(main) = self.main_channel().filter(|m| m.is_agent_connected()) else {
            return;
        };
        if !main.agent_test_capability(CAP_MONITORS_CONFIG) {
            tracing::debug!("the guest's SPICE agent does not configure monitors");
            return;
        }
        let Some(wanted) = wanted_guest_size(obj.width(), obj.height(), obj.scale_factor()) else {
            return;
        };
        let current = self.picture.borrow().as_ref().map(|p| p.size());
        if current == Some(wanted) || self.guest_size_asked.get() == Some(wanted) {
            return;
        }
        let (Ok(w), Ok(h)) = (i32::try_from(wanted.0), i32::try_from(wanted.1)) else {
            return;
        };
        main.update_display_enabled(0, true, false);
        main.update_display(0, 0, 0, w, h, false);
        if main.send_monitor_config() {
            tracing::debug!("asked the guest for a {w}x{h} display");
            self.guest_size_asked.set(Some(wanted));
        }
    }
}
