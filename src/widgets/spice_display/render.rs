//! The guest's screen in our own memory: the display channel's primary surface copied into a
//! cairo image rectangle by invalidated rectangle, drawn scaled to fit or 1:1 (as tiles kept
//! from frame to frame until damaged), and copies of it (texture, pixel, PNG).
//!
//! spice-client-glib owns the primary surface's memory and frees it when the server destroys
//! the surface, while GTK may still hold render nodes of the last frame: so nodes paint our
//! copy, never the library's memory. Only invalidated rectangles are copied.

use gtk::glib::translate::ToGlibPtr;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{cairo, gdk, glib, graphene};
use spice_client_glib::{DisplayChannel, SurfaceFormat};

use super::{DisplayState, SpiceError, imp};
use crate::i18n::gettext;
use crate::widgets::vnc_display::scaling::{self, Scaling};

/// Background when there is no picture: a neutral dark grey.
const IDLE_BACKGROUND: gdk::RGBA = gdk::RGBA::new(0.14, 0.14, 0.14, 1.0);
/// Around a letterboxed picture.
const LETTERBOX: gdk::RGBA = gdk::RGBA::BLACK;
/// Side of a square tile of the 1:1 picture, in guest pixels.
const TILE: u32 = 256;
/// Largest screen side taken from a server.
const MAX_SIDE: u32 = 16384;

/// The guest's screen: an RGB24 cairo image (0x00RRGGBB little-endian words, as SPICE's
/// 32-bit xRGB surfaces are) and the render nodes of its 1:1 tiles.
pub(super) struct Picture {
    width: u32,
    height: u32,
    surface: cairo::ImageSurface,
    tiles: std::cell::RefCell<Vec<Option<gtk::gsk::RenderNode>>>,
}

impl Picture {
    fn new(width: u32, height: u32, display: &gdk::Display) -> Result<Self, SpiceError> {
        let too_big = || SpiceError::Picture(format!("unusable screen size {width}x{height}"));
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(too_big());
        }
        let (w, h) = (
            i32::try_from(width).map_err(|_| too_big())?,
            i32::try_from(height).map_err(|_| too_big())?,
        );
        let surface = crate::widgets::vnc_display::memory::framebuffer_image(display, w, h)
            .map_err(|e| SpiceError::Picture(e.to_string()))?;
        surface.flush();
        let tiles = (width.div_ceil(TILE) * height.div_ceil(TILE)) as usize;
        Ok(Self {
            width,
            height,
            surface,
            tiles: std::cell::RefCell::new(vec![None; tiles]),
        })
    }

    fn stride(&self) -> usize {
        usize::try_from(self.surface.stride()).unwrap_or(0)
    }

    /// The surface's pixel memory: `stride * height` bytes.
    fn data(&self) -> Option<*mut u8> {
        // SAFETY: reads the data pointer of an image surface we own.
        let data =
            unsafe { cairo::ffi::cairo_image_surface_get_data(self.surface.to_glib_none().0) };
        (!data.is_null()).then_some(data)
    }

    /// Reads the pixels.
    fn bytes(&self) -> Option<&[u8]> {
        // SAFETY: an image surface's data pointer stays valid for the surface's life (as long
        // as `self`) and covers `stride * height` bytes; writes only happen in `copy_from`,
        // which takes no shared borrow while it writes.
        self.data()
            .map(|d| unsafe { std::slice::from_raw_parts(d, self.stride() * self.height as usize) })
    }

    /// Copies the rectangle (`x`, `y`, `w`, `h`) of `src` (rows of `src_stride` bytes, 4
    /// bytes a pixel) and forgets the tiles it touches.
    fn copy_from(&self, src: &[u8], src_stride: usize, x: i32, y: i32, w: i32, h: i32) {
        let clip = |v: i32, max: u32| u32::try_from(v.max(0)).unwrap_or(0).min(max);
        let (x0, y0) = (clip(x, self.width), clip(y, self.height));
        let (x1, y1) = (
            clip(x.saturating_add(w), self.width),
            clip(y.saturating_add(h), self.height),
        );
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let stride = self.stride();
        let Some(data) = self.data() else { return };
        // SAFETY: as in `bytes`; the surface was flushed when made and is never marked dirty,
        // so cairo holds no other copy of these pixels, and render nodes that paint it run
        // while GTK renders, not during this copy on the same thread.
        let dst = unsafe { std::slice::from_raw_parts_mut(data, stride * self.height as usize) };
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
        self.damage(x0, y0, x1, y1);
    }

    /// Forgets the drawn tiles that the pixels [`x0`, `x1`) × [`y0`, `y1`) touch.
    fn damage(&self, x0: u32, y0: u32, x1: u32, y1: u32) {
        let cols = self.width.div_ceil(TILE);
        let mut tiles = self.tiles.borrow_mut();
        for row in y0 / TILE..=(y1 - 1) / TILE {
            for col in x0 / TILE..=(x1 - 1) / TILE {
                if let Some(tile) = tiles.get_mut((row * cols + col) as usize) {
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
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if tile.is_none() {
                *tile = self.draw_tile((i % cols) * TILE, (i / cols) * TILE);
            }
            if let Some(node) = tile {
                snapshot.append_node(node);
            }
        }
    }

    fn draw_tile(&self, x: u32, y: u32) -> Option<gtk::gsk::RenderNode> {
        let w = TILE.min(self.width.checked_sub(x)?);
        let h = TILE.min(self.height.checked_sub(y)?);
        let snapshot = gtk::Snapshot::new();
        let rect = graphene::Rect::new(x as f32, y as f32, w as f32, h as f32);
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
            tracing::debug!("cannot draw a tile of the picture: {e}");
            return None;
        }
        snapshot.to_node()
    }

    fn rgb_at(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let offset = y as usize * self.stride() + x as usize * 4;
        let px = self.bytes()?.get(offset..offset + 4)?;
        Some((px[2], px[1], px[0]))
    }

    fn to_texture(&self) -> Option<gdk::Texture> {
        let (w, h) = (self.width as usize, self.height as usize);
        let stride = self.stride();
        let mut rgb = Vec::with_capacity(w * h * 3);
        for row in self.bytes()?.chunks_exact(stride).take(h) {
            for px in row[..w * 4].chunks_exact(4) {
                rgb.extend_from_slice(&[px[2], px[1], px[0]]);
            }
        }
        let texture = gdk::MemoryTexture::new(
            i32::try_from(self.width).ok()?,
            i32::try_from(self.height).ok()?,
            gdk::MemoryFormat::R8g8b8,
            &glib::Bytes::from_owned(rgb),
            w * 3,
        );
        Some(texture.upcast())
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
        if primary.width() != picture.width as usize || primary.height() != picture.height as usize
        {
            return;
        }
        picture.copy_from(primary.data(), primary.stride(), x, y, w, h);
        self.obj().queue_draw();
    }

    pub(super) fn picture_size(&self) -> Option<(u32, u32)> {
        let p = self.picture.borrow();
        p.as_ref().map(|p| (p.width, p.height))
    }

    pub(super) fn measure_picture(&self, orientation: gtk::Orientation) -> (i32, i32, i32, i32) {
        let Some((w, h)) = self.picture_size() else {
            return (0, 0, -1, -1);
        };
        let sf = self.obj().scale_factor();
        let (nat_w, nat_h) = scaling::requested_size(w, h, sf);
        let (min_w, min_h) = scaling::minimum_size(self.scaling.get(), w, h, sf);
        match orientation {
            gtk::Orientation::Horizontal => (min_w, nat_w, -1, -1),
            _ => (min_h, nat_h, -1, -1),
        }
    }

    /// The picture's placement in the widget as it is now.
    pub(super) fn placement(&self) -> Option<(scaling::Placement, u32, u32)> {
        let (fw, fh) = self.picture_size()?;
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
        let obj = self.obj();
        let (w, h) = (obj.width() as f32, obj.height() as f32);
        let all = graphene::Rect::new(0.0, 0.0, w, h);
        let picture = self.picture.borrow();
        let (Some(pic), Some((p, fw, fh))) = (picture.as_ref(), self.placement()) else {
            snapshot.append_color(&IDLE_BACKGROUND, &all);
            return;
        };
        let area = graphene::Rect::new(
            p.x as f32,
            p.y as f32,
            (f64::from(fw) * p.scale) as f32,
            (f64::from(fh) * p.scale) as f32,
        );
        if !area.contains_rect(&all) {
            snapshot.append_color(&LETTERBOX, &all);
        }
        if (p.scale * f64::from(obj.scale_factor()) - 1.0).abs() < 1e-9 {
            snapshot.save();
            snapshot.translate(&graphene::Point::new(p.x as f32, p.y as f32));
            snapshot.scale(p.scale as f32, p.scale as f32);
            pic.append_tiles(snapshot);
            snapshot.restore();
        } else {
            let cr = snapshot.append_cairo(&area);
            cr.translate(p.x, p.y);
            cr.scale(p.scale, p.scale);
            let filter = if p.integer_scale || self.scaling.get() == Scaling::Native {
                cairo::Filter::Nearest
            } else {
                cairo::Filter::Bilinear
            };
            let painted = cr
                .set_source_surface(&pic.surface, 0.0, 0.0)
                .and_then(|()| {
                    cr.source().set_filter(filter);
                    cr.paint()
                });
            if let Err(e) = painted {
                tracing::debug!("cannot draw the picture: {e}");
            }
        }
        if self.hint_visible.get() {
            let text = crate::widgets::vnc_display::grab_hint_text(self.release.borrow().keys());
            crate::widgets::vnc_display::draw_grab_hint(obj.upcast_ref(), snapshot, w, &text);
        }
    }

    pub(super) fn texture(&self) -> Option<gdk::Texture> {
        self.picture.borrow().as_ref()?.to_texture()
    }

    pub(super) fn pixel(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        self.picture.borrow().as_ref()?.rgb_at(x, y)
    }

    pub(super) fn save_screenshot(&self, path: &std::path::Path) -> Result<(), SpiceError> {
        let texture = self.texture().ok_or(SpiceError::NotConnected)?;
        texture
            .save_to_png(path)
            .map_err(|e| SpiceError::Picture(format!("{}: {}", path.display(), e.message)))
    }
}
