//! The framebuffer: gvnc's framebuffer object writing into the pixels of a [`Screen`], which
//! draws them (scaled, or 1:1 as tiles) and copies them; the remote cursor.
//!
//! The pixels are a cairo image surface (see [`crate::widgets::screen::memory`]), referenced
//! by gvnc's framebuffer object and by every render node that paints it, so it lives as long
//! as any of them.

use gtk::glib::translate::{FromGlibPtrFull, ToGlibPtr};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{cairo, gdk, glib};

use super::{VncError, imp};
use crate::widgets::screen::{self, Screen};

/// Our local pixel format: 32 bits per pixel, little endian, red/green/blue 8 bits at shifts
/// 16/8/0. That is cairo's `Rgb24` on a little-endian machine, so the framebuffer can be drawn
/// as it is.
pub(super) fn local_format() -> Result<gvnc::PixelFormat, VncError> {
    gvnc::PixelFormat::new_with(
        (255, 255, 255),
        (16, 8, 0),
        24,
        32,
        gvnc::ByteOrder::Little,
        1,
    )
    .map_err(VncError::Framebuffer)
}

/// A gvnc framebuffer over the memory of a screen.
pub(super) struct Framebuffer {
    fb: gvnc::BaseFramebuffer,
    /// The pixels, which gvnc writes and render nodes paint.
    screen: Screen,
}

impl Framebuffer {
    /// A black `width`×`height` framebuffer in [`local_format`] that converts from `remote`,
    /// its pixels in memory suited to `display`.
    pub(super) fn new(
        width: u16,
        height: u16,
        remote: &gvnc::PixelFormat,
        display: &gdk::Display,
    ) -> Result<Self, VncError> {
        let screen = Screen::new(u32::from(width), u32::from(height), display)
            .map_err(|e| VncError::Framebuffer(e.to_string()))?;
        let surface: &cairo::ImageSurface = screen.surface();
        let stride = surface.stride();
        let local = local_format()?;
        let Some(pixels) = screen.data() else {
            return Err(VncError::Framebuffer("no memory for the picture".into()));
        };
        // SAFETY: `vnc_base_framebuffer_new` keeps a raw pointer to `pixels`, the surface's
        // `stride * height` bytes as the call's size arguments say, and copies both pixel
        // formats. The framebuffer object keeps a reference to the surface in its own data, so
        // the pixels live until it is finalized: after the connection, which holds its own
        // reference to it, let it go. Nothing else reads the key "hangar-pixels".
        let fb = unsafe {
            let raw = gvnc::ffi::vnc_base_framebuffer_new(
                pixels,
                width,
                height,
                stride,
                local.to_glib_none().0,
                remote.to_glib_none().0,
            );
            let fb = gvnc::BaseFramebuffer::from_glib_full(raw);
            fb.set_data("hangar-pixels", surface.clone());
            fb
        };
        Ok(Self { fb, screen })
    }

    /// Forgets the drawn tiles that the rectangle (`x`, `y`, `w`, `h`) touches.
    pub(super) fn damage(&self, x: i32, y: i32, w: i32, h: i32) {
        self.screen.damage(x, y, w, h);
    }

    pub(super) fn gvnc(&self) -> &gvnc::BaseFramebuffer {
        &self.fb
    }

    pub(super) fn size(&self) -> (u16, u16) {
        // Made from a u16 size.
        let (w, h) = self.screen.size();
        (
            u16::try_from(w).unwrap_or(u16::MAX),
            u16::try_from(h).unwrap_or(u16::MAX),
        )
    }
}

impl imp::VncDisplay {
    pub(super) fn measure_framebuffer(
        &self,
        orientation: gtk::Orientation,
    ) -> (i32, i32, i32, i32) {
        let obj = self.obj();
        screen::measure(
            obj.upcast_ref(),
            self.scaling.get(),
            self.framebuffer_size(),
            orientation,
        )
    }

    /// The picture's placement in the widget as it is now.
    pub(super) fn placement(&self) -> Option<(screen::scaling::Placement, u32, u32)> {
        let obj = self.obj();
        screen::placement(
            obj.upcast_ref(),
            self.scaling.get(),
            self.framebuffer_size(),
        )
    }

    pub(super) fn draw(&self, snapshot: &gtk::Snapshot) {
        self.frame_drawn();
        let obj = self.obj();
        let fb = self.framebuffer.borrow();
        let hint = self.grab.hint();
        screen::draw(
            obj.upcast_ref(),
            snapshot,
            fb.as_ref().map(|fb| &fb.screen),
            self.scaling.get(),
            hint.as_deref(),
        );
    }

    /// Shows the guest's cursor shape over the display (`None`: the default arrow).
    pub(super) fn set_remote_cursor(&self, cursor: Option<&gvnc::Cursor>) {
        let gdk_cursor = cursor.and_then(cursor_from_vnc);
        self.obj().set_cursor(gdk_cursor.as_ref());
        self.remote_cursor.replace(gdk_cursor);
    }

    pub(super) fn texture(&self) -> Option<gdk::Texture> {
        self.framebuffer.borrow().as_ref()?.screen.to_texture()
    }

    pub(super) fn pixel(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        self.framebuffer.borrow().as_ref()?.screen.rgb_at(x, y)
    }

    pub(super) fn save_screenshot(&self, path: &std::path::Path) -> Result<(), VncError> {
        let texture = self.texture().ok_or(VncError::NotConnected)?;
        texture
            .save_to_png(path)
            .map_err(|e| VncError::Framebuffer(format!("{}: {}", path.display(), e.message)))
    }
}

/// A GDK cursor from a VNC cursor (RGBA pixels). An empty cursor hides the pointer (the
/// guest draws its own or none); one too big for the binding gives the default arrow.
fn cursor_from_vnc(cursor: &gvnc::Cursor) -> Option<gdk::Cursor> {
    let (w, h) = (cursor.width(), cursor.height());
    if w == 0 || h == 0 {
        return gdk::Cursor::from_name("none", None);
    }
    // The binding computes the data length in u16: stay within it.
    if u32::from(w) * u32::from(h) * 4 > u32::from(u16::MAX) {
        return None;
    }
    let data = cursor.data();
    let texture = gdk::MemoryTexture::new(
        i32::from(w),
        i32::from(h),
        gdk::MemoryFormat::R8g8b8a8,
        &glib::Bytes::from(data),
        usize::from(w) * 4,
    );
    Some(gdk::Cursor::from_texture(
        &texture,
        i32::from(cursor.hotx()),
        i32::from(cursor.hoty()),
        None,
    ))
}
