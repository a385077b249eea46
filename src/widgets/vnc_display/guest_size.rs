//! Resizing the guest's display to the widget. With the `resize-guest` property on and the
//! picture fitted to the widget, the widget's size in device pixels is asked of the server
//! (RFB's SetDesktopSize) once the widget has kept one size for a moment, so dragging a window
//! edge asks once, not at every step. Only servers that announced the extended desktop size
//! extension are asked; QEMU forwards the request to the guest's graphics driver where it can
//! (virtio-gpu, QXL) and otherwise answers with the size it keeps.

use std::time::Duration;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::imp;
use crate::widgets::screen::scaling::Scaling;

/// How long the widget keeps one size before the guest is asked for it.
const SETTLE: Duration = Duration::from_millis(300);

/// Smaller than this is not asked for: guests refuse or misbehave at tiny modes.
const MIN_SIZE: (u32, u32) = (320, 200);

/// The guest size to ask for a widget of `width`×`height` logical pixels at `scale`.
pub(super) fn wanted_size(width: i32, height: i32, scale: i32) -> Option<(u32, u32)> {
    let device = |v: i32| u32::try_from(v.checked_mul(scale.max(1))?).ok();
    let (w, h) = (device(width)?, device(height)?);
    (w > 0 && h > 0).then(|| {
        (
            w.clamp(MIN_SIZE.0, u32::from(u16::MAX)),
            h.clamp(MIN_SIZE.1, u32::from(u16::MAX)),
        )
    })
}

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
        let id = glib::timeout_add_local_once(SETTLE, move || {
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
        let Some(wanted) = wanted_size(obj.width(), obj.height(), obj.scale_factor()) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_size_is_in_device_pixels_within_limits() {
        assert_eq!(wanted_size(800, 600, 1), Some((800, 600)));
        assert_eq!(wanted_size(800, 600, 2), Some((1600, 1200)));
        assert_eq!(wanted_size(100, 50, 1), Some((320, 200)));
        assert_eq!(wanted_size(0, 600, 1), None);
        assert_eq!(wanted_size(i32::MAX, 600, 2), None);
        assert_eq!(wanted_size(40_000, 30_000, 2), Some((65_535, 60_000)));
    }
}
