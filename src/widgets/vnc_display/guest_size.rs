//! Resizing the guest's display to the widget. With the `resize-guest` property on and the
//! picture fitted to the widget, the widget's size in device pixels is asked of the server
//! (RFB's SetDesktopSize) once the widget has kept one size for a moment, so dragging a window
//! edge asks once, not at every step. Only servers that announced the extended desktop size
//! extension are asked; QEMU forwards the request to the guest's graphics driver where it can
//! (virtio-gpu, QXL) and otherwise answers with the size it keeps.

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::imp;
use crate::widgets::screen::scaling::{GUEST_RESIZE_SETTLE, Scaling, wanted_guest_size};

impl imp::VncDisplay {
    /// The widget's size, scaling or setting changed, or a connection is up: asks the guest
    /// for the widget's size once it has settled, when that applies.
    pub(super) fn schedule_guest_resize(&self) {
        if let Some(id) = self.guest_resize_timer.take() {
            id.remove();
        }
        if !self.resize_guest.get()
            || self.scaling.get() != Scaling::Fit
            || self.connection.borrow().is_none()
        {
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

    fn ask_guest_size(&self) {
        let obj = self.obj();
        let (Some(conn), Some(current)) =
            (self.connection.borrow().clone(), self.framebuffer_size())
        else {
            return;
        };
        let Some(wanted) = wanted_guest_size(obj.width(), obj.height(), obj.scale_factor()) else {
            return;
        };
        if wanted == current || self.guest_size_asked.get() == Some(wanted) {
            return;
        }
        // gvnc 1.3 answers "unsupported" when the server never announced the extension;
        // any other answer means the request went out (its success value is not reliable).
        match conn.set_size(wanted.0, wanted.1) {
            gvnc::ConnectionResizeStatus::Unsupported => {
                tracing::debug!("the VNC server cannot resize the guest's display");
            }
            _ => {
                tracing::debug!("asked the guest for a {}x{} display", wanted.0, wanted.1);
                self.guest_size_asked.set(Some(wanted));
            }
        }
    }
}
