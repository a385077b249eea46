//! The guest's screen in our own memory: the display channel's primary surface copied into a
//! [`Screen`] rectangle by invalidated rectangle, which draws it (scaled to fit, or 1:1 as
//! tiles kept from frame to frame until damaged) and copies it (texture, pixel, PNG).
//!
//! spice-client-glib owns the primary surface's memory and frees it when the server destroys
//! the surface, while GTK may still hold render nodes of the last frame: so nodes paint our
//! copy, never the library's memory. Only invalidated rectangles are copied.

use gtk::gdk;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use spice_client_glib::{DisplayChannel, SurfaceFormat};

use super::{DisplayState, SpiceError, imp};
use crate::i18n::gettext;
use crate::widgets::screen::{self, Screen};

/// Largest screen side taken from a server.
const MAX_SIDE: u32 = 16384;

/// The guest's screen: an RGB24 image (0x00RRGGBB little-endian words, as SPICE's 32-bit xRGB
/// surfaces are).
pub(super) struct Picture {
    screen: Screen,
}

impl Picture {
    fn new(width: u32, height: u32, display: &gdk::Display) -> Result<Self, SpiceError> {
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(SpiceError::Picture(format!(
                "unusable screen size {width}x{height}"
            )));
        }
        let screen =
            Screen::new(width, height, display).map_err(|e| SpiceError::Picture(e.to_string()))?;
        Ok(Self { screen })
    }

    /// Copies the rectangle (`x`, `y`, `w`, `h`) of `src` (rows of `src_stride` bytes, 4
    /// bytes a pixel) and forgets the tiles it touches.
    fn copy_from(&self, src: &[u8], src_stride: usize, x: i32, y: i32, w: i32, h: i32) {
        let (width, height) = self.screen.size();
        let clip = |v: i32, max: u32| u32::try_from(v.max(0)).unwrap_or(0).min(max);
        let (x0, y0) = (clip(x, width), clip(y, height));
        let (x1, y1) = (
            clip(x.saturating_add(w), width),
            clip(y.saturating_add(h), height),
        );
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let stride = self.screen.stride();
        let Some(data) = self.screen.data() else {
            return;
        };
        // SAFETY: the screen's pixel memory covers `stride * height` bytes for its life; the
        // surface was flushed when made and is never marked dirty, so cairo holds no other copy
        // of these pixels, and render nodes that paint it run while GTK renders, not during
        // this copy on the same thread (which takes no other borrow of the pixels).
        let dst = unsafe { std::slice::from_raw_parts_mut(data, stride * height as usize) };
        let (bx0, bx1) = (x0 as usize * 4, x1 as usize * 4);
        for row in y0 as usize..y1 as usize {
            let (Some(s), Some(d)) = (
                src.get(row * src_stride + bx0..row * src_stride + bx1),
                dst.get_mut(row * stride + bx0..row * stride + bx1),
            ) else {
                break;
            };
            d.copy_from_slice(s);
        }
        // Within the screen, so the casts hold.
        self.screen
            .damage(x0 as i32, y0 as i32, (x1 - x0) as i32, (y1 - y0) as i32);
    }
}

impl imp::SpiceDisplay {
    /// The server made its primary surface: a picture of its size with its pixels.
    pub(super) fn on_primary_create(&self, channel: &DisplayChannel) {
        let Some(primary) = channel.primary(0) else {
            return;
        };
        if !matches!(
            primary.format(),
            Ok(SurfaceFormat::_32XRGB | SurfaceFormat::_32ARGB)
        ) {
            self.shutdown(Some(gettext(
                "The SPICE server sends a pixel format Hangar does not show",
            )));
            return;
        }
        let (Ok(width), Ok(height)) = (
            u32::try_from(primary.width()),
            u32::try_from(primary.height()),
        ) else {
            return;
        };
        let picture = match Picture::new(width, height, &self.obj().display()) {
            Ok(p) => p,
            Err(e) => {
                self.shutdown(Some(e.to_string()));
                return;
            }
        };
        let (w, h) = (
            i32::try_from(width).unwrap_or(0),
            i32::try_from(height).unwrap_or(0),
        );
        picture.copy_from(primary.data(), primary.stride(), 0, 0, w, h);
        self.picture.replace(Some(picture));
        let first = !matches!(*self.state.borrow(), DisplayState::Connected { .. });
        self.set_state(DisplayState::Connected { width, height });
        let obj = self.obj();
        obj.emit_by_name::<()>("resized", &[&width, &height]);
        if first {
            obj.emit_by_name::<()>("connected", &[]);
        }
        obj.queue_resize();
        obj.queue_draw();
    }

    /// The primary surface went away; the last picture stays until the next one.
    pub(super) fn on_primary_destroy(&self) {}

    /// Part of the primary surface changed: copy that part and redraw.
    pub(super) fn on_invalidate(&self, channel: &DisplayChannel, x: i32, y: i32, w: i32, h: i32) {
        let picture = self.picture.borrow();
        let (Some(picture), Some(primary)) = (picture.as_ref(), channel.primary(0)) else {
            return;
        };
        let (width, height) = picture.screen.size();
        if primary.width() != width as usize || primary.height() != height as usize {
            return;
        }
        picture.copy_from(primary.data(), primary.stride(), x, y, w, h);
        self.obj().queue_draw();
    }

    pub(super) fn picture_size(&self) -> Option<(u32, u32)> {
        let p = self.picture.borrow();
        p.as_ref().map(|p| p.screen.size())
    }

    pub(super) fn measure_picture(&self, orientation: gtk::Orientation) -> (i32, i32, i32, i32) {
        let obj = self.obj();
        screen::measure(
            obj.upcast_ref(),
            self.scaling.get(),
            self.picture_size(),
            orientation,
        )
    }

    /// The picture's placement in the widget as it is now.
    pub(super) fn placement(&self) -> Option<(screen::scaling::Placement, u32, u32)> {
        let obj = self.obj();
        screen::placement(obj.upcast_ref(), self.scaling.get(), self.picture_size())
    }

    pub(super) fn draw(&self, snapshot: &gtk::Snapshot) {
        let obj = self.obj();
        let picture = self.picture.borrow();
        let hint = self.grab.hint();
        screen::draw(
            obj.upcast_ref(),
            snapshot,
            picture.as_ref().map(|p| &p.screen),
            self.scaling.get(),
            hint.as_deref(),
        );
    }

    pub(super) fn texture(&self) -> Option<gdk::Texture> {
        self.picture.borrow().as_ref()?.screen.to_texture()
    }

    pub(super) fn pixel(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        self.picture.borrow().as_ref()?.screen.rgb_at(x, y)
    }

    pub(super) fn save_screenshot(&self, path: &std::path::Path) -> Result<(), SpiceError> {
        let texture = self.texture().ok_or(SpiceError::NotConnected)?;
        texture
            .save_to_png(path)
            .map_err(|e| SpiceError::Picture(format!("{}: {}", path.display(), e.message)))
    }
}
