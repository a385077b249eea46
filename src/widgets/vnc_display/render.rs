//! The framebuffer in our own memory, drawing it (cairo, scaled and filtered), the grab hint,
//! the remote cursor, and copies of the screen (texture, pixel, PNG).
//!
//! Shown 1:1, the picture is drawn as tiles whose render nodes are kept from frame to frame
//! until the server updates part of them: GTK then repaints only the damaged tiles.
//!
//! The framebuffer's memory is a cairo image surface (see `memory`), referenced by gvnc's
//! framebuffer object and by every render node that paints it, so it lives as long as any of
//! them. Render nodes record paints of it without copying the pixels (cairo's recordings keep
//! a copy-on-write reference that is only copied when the surface is flushed, marked dirty or
//! finished, which we never do while gvnc writes to it). A node therefore draws the pixels as
//! they are when GTK renders it, in the same frame as it was made: no 8 MB copy per
//! full-screen frame.

use gtk::glib::translate::{FromGlibPtrFull, ToGlibPtr};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{cairo, gdk, glib, graphene};

use gvnc::FramebufferManualExt;

use super::scaling::{self, Scaling};
use super::{VncError, imp};

/// Background when there is no picture: a neutral dark grey.
const IDLE_BACKGROUND: gdk::RGBA = gdk::RGBA::new(0.14, 0.14, 0.14, 1.0);
/// Around a letterboxed picture.
const LETTERBOX: gdk::RGBA = gdk::RGBA::BLACK;

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

/// Side of a square tile of the 1:1 picture, in framebuffer pixels.
const TILE: u16 = 256;

/// A gvnc framebuffer over the memory of a cairo image surface.
pub(super) struct Framebuffer {
    fb: gvnc::BaseFramebuffer,
    width: u16,
    height: u16,
    /// The pixels, which gvnc writes and render nodes paint.
    surface: cairo::ImageSurface,
    /// The drawn tiles, row by row; `None` for a tile changed since it was drawn.
    tiles: std::cell::RefCell<Vec<Option<gtk::gsk::RenderNode>>>,
}

impl Framebuffer {
    /// A black `width`×`height` framebuffer in [`local_format`] that converts from `remote`,
    /// its pixels in memory suited to `display` (see [`memory`](super::memory)).
    pub(super) fn new(
        width: u16,
        height: u16,
        remote: &gvnc::PixelFormat,
        display: &gdk::Display,
    ) -> Result<Self, VncError> {
        let surface =
            super::memory::framebuffer_image(display, i32::from(width), i32::from(height))
                .map_err(|e| VncError::Framebuffer(e.to_string()))?;
        let stride = surface.stride();
        let local = local_format()?;
        // SAFETY: an image surface's data pointer stays valid and fixed for the surface's
        // life; `flush` first, as cairo asks before direct access.
        let pixels = unsafe {
            surface.flush();
            cairo::ffi::cairo_image_surface_get_data(surface.to_raw_none())
        };
        if pixels.is_null() {
            return Err(VncError::Framebuffer("no memory for the picture".into()));
        }
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
        let tiles = usize::from(width.div_ceil(TILE)) * usize::from(height.div_ceil(TILE));
        Ok(Self {
            fb,
            width,
            height,
            surface,
            tiles: std::cell::RefCell::new(vec![None; tiles]),
        })
    }

    /// Forgets the drawn tiles that the rectangle (`x`, `y`, `w`, `h`) touches.
    pub(super) fn damage(&self, x: i32, y: i32, w: i32, h: i32) {
        let cols = i32::from(self.width.div_ceil(TILE));
        let rows = i32::from(self.height.div_ceil(TILE));
        let t = i32::from(TILE);
        let (x0, y0) = ((x.max(0)) / t, (y.max(0)) / t);
        let (x1, y1) = (
            ((x + w - 1).max(0) / t).min(cols - 1),
            ((y + h - 1).max(0) / t).min(rows - 1),
        );
        let mut tiles = self.tiles.borrow_mut();
        for row in y0..=y1 {
            for col in x0..=x1 {
                if let Some(tile) = usize::try_from(row * cols + col)
                    .ok()
                    .and_then(|i| tiles.get_mut(i))
                {
                    *tile = None;
                }
            }
        }
    }

    /// Appends the picture at its own size as tiles, drawing again only the damaged ones.
    fn append_tiles(&self, snapshot: &gtk::Snapshot) {
        let cols = self.width.div_ceil(TILE);
        let mut tiles = self.tiles.borrow_mut();
        for (i, tile) in tiles.iter_mut().enumerate() {
            let (Ok(col), Ok(row)) = (
                u16::try_from(i % usize::from(cols)),
                u16::try_from(i / usize::from(cols)),
            ) else {
                continue;
            };
            if tile.is_none() {
                *tile = self.draw_tile(col * TILE, row * TILE);
            }
            if let Some(node) = tile {
                snapshot.append_node(node);
            }
        }
    }

    /// A render node of the tile at (`x`, `y`): a paint of that part of the framebuffer.
    fn draw_tile(&self, x: u16, y: u16) -> Option<gtk::gsk::RenderNode> {
        let w = TILE.min(self.width.checked_sub(x)?);
        let h = TILE.min(self.height.checked_sub(y)?);
        let snapshot = gtk::Snapshot::new();
        let rect = graphene::Rect::new(f32::from(x), f32::from(y), f32::from(w), f32::from(h));
        let cr = snapshot.append_cairo(&rect);
        let drawn = cr
            .set_source_surface(&self.surface, 0.0, 0.0)
            .and_then(|()| {
                cr.source().set_filter(cairo::Filter::Nearest);
                cr.rectangle(f64::from(x), f64::from(y), f64::from(w), f64::from(h));
                cr.fill()
            });
        drop(cr);
        if let Err(e) = drawn {
            tracing::debug!("cannot draw a framebuffer tile: {e}");
            return None;
        }
        snapshot.to_node()
    }

    pub(super) fn gvnc(&self) -> &gvnc::BaseFramebuffer {
        &self.fb
    }

    pub(super) fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// The pixels: `height` rows of `stride` bytes, each pixel a little-endian u32 0x00RRGGBB.
    fn bytes(&self) -> &[u8] {
        self.fb.buffer()
    }

    fn rgb_at(&self, x: u16, y: u16) -> Option<(u8, u8, u8)> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let offset =
            usize::from(y) * usize::try_from(self.surface.stride()).ok()? + usize::from(x) * 4;
        let px = self.bytes().get(offset..offset + 4)?;
        Some((px[2], px[1], px[0]))
    }

    /// Paints the framebuffer on `cr` at its own size (the caller sets the transform).
    fn paint(&self, cr: &cairo::Context, filter: cairo::Filter) -> Result<(), cairo::Error> {
        cr.set_source_surface(&self.surface, 0.0, 0.0)?;
        cr.source().set_filter(filter);
        cr.paint()
    }

    /// An RGB copy of the whole screen.
    fn to_texture(&self) -> Option<gdk::Texture> {
        let (w, h) = (usize::from(self.width), usize::from(self.height));
        let stride = usize::try_from(self.surface.stride()).ok()?;
        let bytes = self.bytes();
        let mut rgb = Vec::with_capacity(w * h * 3);
        for row in bytes.chunks_exact(stride).take(h) {
            for px in row[..w * 4].chunks_exact(4) {
                rgb.extend_from_slice(&[px[2], px[1], px[0]]);
            }
        }
        let texture = gdk::MemoryTexture::new(
            i32::from(self.width),
            i32::from(self.height),
            gdk::MemoryFormat::R8g8b8,
            &glib::Bytes::from_owned(rgb),
            w * 3,
        );
        Some(texture.upcast())
    }
}

impl imp::VncDisplay {
    pub(super) fn measure_framebuffer(
        &self,
        orientation: gtk::Orientation,
    ) -> (i32, i32, i32, i32) {
        let obj = self.obj();
        let Some((w, h)) = self.framebuffer_size() else {
            return (0, 0, -1, -1);
        };
        let sf = obj.scale_factor();
        let (nat_w, nat_h) = scaling::requested_size(w, h, sf);
        let (min_w, min_h) = scaling::minimum_size(self.scaling.get(), w, h, sf);
        match orientation {
            gtk::Orientation::Horizontal => (min_w, nat_w, -1, -1),
            _ => (min_h, nat_h, -1, -1),
        }
    }

    /// The picture's placement in the widget as it is now.
    pub(super) fn placement(&self) -> Option<(scaling::Placement, u32, u32)> {
        let (fw, fh) = self.framebuffer_size()?;
        let obj = self.obj();
        let p = scaling::place(
            self.scaling.get(),
            fw,
            fh,
            f64::from(obj.width()),
            f64::from(obj.height()),
            f64::from(obj.scale_factor()),
        );
        Some((p, fw, fh))
    }

    pub(super) fn draw(&self, snapshot: &gtk::Snapshot) {
        self.frame_drawn();
        let obj = self.obj();
        let (w, h) = (obj.width() as f32, obj.height() as f32);
        let all = graphene::Rect::new(0.0, 0.0, w, h);
        let fb = self.framebuffer.borrow();
        let (Some(fb), Some((p, fw, fh))) = (fb.as_ref(), self.placement()) else {
            snapshot.append_color(&IDLE_BACKGROUND, &all);
            return;
        };
        let pic = graphene::Rect::new(
            p.x as f32,
            p.y as f32,
            (f64::from(fw) * p.scale) as f32,
            (f64::from(fh) * p.scale) as f32,
        );
        // The letterbox only where the picture leaves room: filling the whole widget under a
        // picture that covers it costs a full-window fill per frame in software renderers.
        if !pic.contains_rect(&all) {
            snapshot.append_color(&LETTERBOX, &all);
        }
        if (p.scale * f64::from(obj.scale_factor()) - 1.0).abs() < 1e-9 {
            // 1:1 on device pixels: tiles, of which only damaged ones are drawn again.
            snapshot.save();
            snapshot.translate(&graphene::Point::new(p.x as f32, p.y as f32));
            snapshot.scale(p.scale as f32, p.scale as f32);
            fb.append_tiles(snapshot);
            snapshot.restore();
            if self.hint_visible.get() {
                self.draw_hint(snapshot, w);
            }
            return;
        }
        let cr = snapshot.append_cairo(&pic);
        cr.translate(p.x, p.y);
        cr.scale(p.scale, p.scale);
        // Bilinear rather than cairo's "good" filter: scaling a full-screen frame down with
        // "good" (a convolution over every source pixel) costs several times as much per
        // frame, which caps the frame rate of a moving picture; bilinear stays smooth.
        let filter = if p.integer_scale || self.scaling.get() == Scaling::Native {
            cairo::Filter::Nearest
        } else {
            cairo::Filter::Bilinear
        };
        if let Err(e) = fb.paint(&cr, filter) {
            tracing::debug!("cannot draw the framebuffer: {e}");
        }
        drop(cr);
        if self.hint_visible.get() {
            self.draw_hint(snapshot, w);
        }
    }

    /// The "keyboard grabbed" hint at the top of the display.
    fn draw_hint(&self, snapshot: &gtk::Snapshot, width: f32) {
        let text = grab_hint_text(self.release.borrow().keys());
        draw_grab_hint(self.obj().upcast_ref(), snapshot, width, &text);
    }

    /// Shows the guest's cursor shape over the display (`None`: the default arrow).
    pub(super) fn set_remote_cursor(&self, cursor: Option<&gvnc::Cursor>) {
        let gdk_cursor = cursor.and_then(cursor_from_vnc);
        self.obj().set_cursor(gdk_cursor.as_ref());
        self.remote_cursor.replace(gdk_cursor);
    }

    pub(super) fn texture(&self) -> Option<gdk::Texture> {
        self.framebuffer.borrow().as_ref()?.to_texture()
    }

    pub(super) fn pixel(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        let (x, y) = (u16::try_from(x).ok()?, u16::try_from(y).ok()?);
        self.framebuffer.borrow().as_ref()?.rgb_at(x, y)
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

/// The "keyboard grabbed" hint's text for the release keys `keys`.
pub(crate) fn grab_hint_text(keys: &crate::widgets::release_keys::ReleaseKeys) -> String {
    crate::i18n::gettext_f(
        "Keyboard grabbed — press {} to release it",
        &[&keys.label()],
    )
}

/// Draws the "keyboard grabbed" hint `text` at the top of a display `width` wide.
pub(crate) fn draw_grab_hint(
    widget: &gtk::Widget,
    snapshot: &gtk::Snapshot,
    width: f32,
    text: &str,
) {
    let layout = widget.create_pango_layout(Some(text));
    let pad = 8.0;
    let max_text = ((width - 6.0 * pad).max(40.0) * gtk::pango::SCALE as f32) as i32;
    layout.set_width(max_text);
    layout.set_wrap(gtk::pango::WrapMode::WordChar);
    layout.set_alignment(gtk::pango::Alignment::Center);
    let (_, logical) = layout.pixel_extents();
    let (tx, tw, th) = (
        logical.x() as f32,
        logical.width() as f32,
        logical.height() as f32,
    );
    let x = ((width - tw) / 2.0).max(pad);
    let y = pad * 2.0;
    let bg = graphene::Rect::new(x - pad, y - pad / 2.0, tw + 2.0 * pad, th + pad);
    let rounded = gtk::gsk::RoundedRect::from_rect(bg, 6.0);
    snapshot.push_rounded_clip(&rounded);
    snapshot.append_color(&gdk::RGBA::new(0.0, 0.0, 0.0, 0.7), &bg);
    snapshot.pop();
    snapshot.save();
    snapshot.translate(&graphene::Point::new(x - tx, y));
    snapshot.append_layout(&layout, &gdk::RGBA::WHITE);
    snapshot.restore();
}
