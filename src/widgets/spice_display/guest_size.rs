//! Resizing the guest's displays to their widgets through the guest's SPICE agent. With the
//! `resize-guest` property on and the picture fitted to the widget, each monitor's widget size
//! in device pixels goes to the agent as that monitor's configuration once the sizes have kept
//! still for a moment: the first monitor is this widget, each further one its
//! [`SpiceMonitor`](crate::widgets::spice_monitor::SpiceMonitor) while shown (laid out left to
//! right); a further monitor whose window is hidden is turned off in the guest. Only an agent
//! that announced it can configure monitors is asked; the agent changes the guest's modes and
//! the server then sends new primary surfaces. (With a virtio-gpu card QEMU takes the
//! configuration itself and hands the sizes to the guest's driver.)

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::imp;
use crate::widgets::screen::scaling::{GUEST_RESIZE_SETTLE, Scaling, wanted_guest_size};

/// `VD_AGENT_CAP_MONITORS_CONFIG`: the agent takes monitor configurations.
const CAP_MONITORS_CONFIG: u32 = 1;

/// What is asked of the guest, monitor by monitor (the first, then the further ones by
/// number): its number and its size, `None` to turn it off.
pub(super) type Layout = Vec<(u32, Option<(u32, u32)>)>;

impl imp::SpiceDisplay {
    /// A widget's size, the scaling or setting changed, a further monitor was shown or hidden,
    /// or the agent came: asks the guest for the widgets' sizes once they have settled, when
    /// that applies.
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

    /// The guest's agent came, went or announced what it can do: the widgets' sizes are asked
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
        self.guest_size_asked.replace(None);
    }

    /// Each monitor's wanted size: this widget's, then each further monitor's while its
    /// widget is shown. `None` while this widget has no size yet.
    fn wanted_layout(&self) -> Option<Layout> {
        let obj = self.obj();
        let first = wanted_guest_size(obj.width(), obj.height(), obj.scale_factor())?;
        let mut layout = vec![(0, Some(first))];
        for monitor in self.obj().monitors() {
            let size = if monitor.is_mapped() {
                wanted_guest_size(monitor.width(), monitor.height(), monitor.scale_factor())
            } else {
                None
            };
            layout.push((monitor.number(), size));
        }
        Some(layout)
    }

    /// Each monitor's picture size now, in the order of [`Self::wanted_layout`].
    fn current_layout(&self) -> Layout {
        let first = self.picture.borrow().as_ref().map(|p| p.size());
        let mut layout = vec![(0, first)];
        for monitor in self.obj().monitors() {
            layout.push((monitor.number(), monitor.framebuffer_size()));
        }
        layout
    }

    fn ask_guest_size(&self) {
        let Some(main) = self.main_channel().filter(|m| m.is_agent_connected()) else {
            return;
        };
        if !main.agent_test_capability(CAP_MONITORS_CONFIG) {
            tracing::debug!("the guest's SPICE agent does not configure monitors");
            return;
        }
        let Some(wanted) = self.wanted_layout() else {
            return;
        };
        let asked = self.guest_size_asked.borrow().clone();
        if asked.as_ref() == Some(&wanted) || asked.is_none() && self.current_layout() == wanted {
            return;
        }
        // Side by side, left to right, in the order of their numbers.
        let mut x = 0;
        for &(number, size) in &wanted {
            let Ok(id) = i32::try_from(number) else {
                continue;
            };
            let size =
                size.and_then(|(w, h)| Some((i32::try_from(w).ok()?, i32::try_from(h).ok()?)));
            main.update_display_enabled(id, size.is_some(), false);
            if let Some((w, h)) = size {
                main.update_display(id, x, 0, w, h, false);
                x = x.saturating_add(w);
            }
        }
        if main.send_monitor_config() {
            tracing::debug!("asked the guest for displays {wanted:?}");
            self.guest_size_asked.replace(Some(wanted));
        }
    }
}
