//! The guest's screen as both console displays (VNC and SPICE) keep and draw it: an RGB24
//! cairo image in our own memory (see [`memory`]), drawn 1:1 as tiles whose render nodes are
//! kept from frame to frame until the server changes part of them (GTK then repaints only the
//! damaged tiles), or scaled to fit with a filter (see [`scaling`]); the letterbox around it,
//! the "keyboard grabbed" hint over it, and copies of it (texture, pixel).
//!
//! Render nodes record paints of the image without copying its pixels (cairo's recordings
//! keep a copy-on-write reference that is only copied when the surface is flushed, marked
//! dirty or finished, which never happens while the pixels are written). A node therefore
//! draws the pixels as they are when GTK renders it, in the same frame as it was made: no
//! full-screen copy per frame.
//!
//! A screen can also show pixels another library keeps up to date, in place, without copying
//! them (see [`Screen::borrow_pixels`]); it takes a copy of them only when they go away, to
//! keep showing the last picture.

mod borrowed;
pub(crate) mod memory;
pub mod scaling;

use std::cell::RefCell;

use gtk::glib::translate::ToGlibPtr;
use gtk::prelude::*;
use gtk::{cairo, gdk, glib, graphene};

use scaling::{Placement, Scaling};

/// The signals both console displays have: `connected` (the guest's screen is shown),
/// `disconnected` (the reason, "" for a clean close), `auth-required` (`true` when a user
/// name is wanted too: answer with `set_credentials`, or `close`) and `resized` (the guest's
/// screen's new width and height); each display adds its own.
pub(crate) fn session_signals() -> Vec<glib::subclass::Signal> {
    use glib::subclass::Signal;
    vec![
        Signal::builder("connected").build(),
        Signal::builder("disconnected")
            .param_types([String::static_type()])
            .build(),
        Signal::builder("auth-required")
            .param_types([bool::static_type()])
            .build(),
        Signal::builder("resized")
            .param_types([u32::static_type(), u32::static_type()])
            .build(),
    ]
}

/// Connecting to the signals of [`session_signals`], for both console displays.
pub trait SessionSignals: IsA<glib::Object> + 'static {
    /// Runs `f` once the guest's screen is shown.
    fn connect_connected<F: Fn(&Self) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_local("connected", false, move |args| {
            f(&emitter::<Self>(args)?);
            None
        })
    }

    /// Runs `f` when the session ends, with the reason ("" for a clean close).
    fn connect_disconnected<F: Fn(&Self, &str) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_local("disconnected", false, move |args| {
            let reason = args.get(1)?.get::<String>().ok()?;
            f(&emitter::<Self>(args)?, &reason);
            None
        })
    }

    /// Runs `f` when the server wants a password (`true`: a user name too), or refused the
    /// one given.
    fn connect_auth_required<F: Fn(&Self, bool) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_local("auth-required", false, move |args| {
            let username = args.get(1)?.get::<bool>().ok()?;
            f(&emitter::<Self>(args)?, username);
            None
        })
    }
}

/// The object that emitted a signal, from its arguments.
fn emitter<T: IsA<glib::Object>>(args: &[glib::Value]) -> Option<T> {
    args.first()?
        .get::<glib::Object>()
        .ok()?
        .downcast::<T>()
        .ok()
}

/// Background when there is no picture: a neutral dark grey.
const IDLE_BACKGROUND: gdk::RGBA = gdk::RGBA::new(0.14, 0.14, 0.14, 1.0);
/// Around a letterboxed picture.
const LETTERBOX: gdk::RGBA = gdk::RGBA::BLACK;
/// Side of a square tile of the 1:1 picture, in guest pixels.
const TILE: u32 = 256;

/// The guest's screen: an RGB24 cairo image (little-endian words 0x00RRGGBB) and the render
/// nodes of its 1:1 tiles.
pub(crate) struct Screen {
    width: u32,
    height: u32,
    /// The screen's own pixels.
    surface: cairo::ImageSurface,
    /// Pixels shown instead of the own ones while another library keeps them.
    borrowed: RefCell<Option<borrowed::Borrowed>>,
    /// The drawn tiles, row by row; `None` for a tile changed since it was drawn.
    tiles: RefCell<Vec<Option<gtk::gsk::RenderNode>>>,
}

impl Screen {
    /// A black `width`×`height` screen, its pixels in memory suited to `display`.
    pub(crate) fn new(
        width: u32,
        height: u32,
        display: &gdk::Display,
    ) -> Result<Self, cairo::Error> {
        let (Ok(w), Ok(h)) = (i32::try_from(width), i32::try_from(height)) else {
            return Err(cairo::Error::InvalidSize);
        };
        Ok(Self::with_image(
            width,
            height,
            memory::framebuffer_image(display, w, h)?,
        ))
    }

    /// A screen of `width`×`height` whose own pixels are `surface`'s (of that size).
    fn with_image(width: u32, height: u32, surface: cairo::ImageSurface) -> Self {
        // Once, as cairo asks before direct access; never again while the pixels are written.
        surface.flush();
        let tiles = (width.div_ceil(TILE) * height.div_ceil(TILE)) as usize;
        Self {
            width,
            height,
            surface,
            borrowed: RefCell::new(None),
            tiles: RefCell::new(vec![None; tiles]),
        }
    }

    /// Width and height in guest pixels.
    pub(crate) fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The screen's own image (it lives as long as any clone of it).
    pub(crate) fn surface(&self) -> &cairo::ImageSurface {
        &self.surface
    }

    /// Bytes from one row of the own pixels to the next.
    pub(crate) fn stride(&self) -> usize {
        usize::try_from(self.surface.stride()).unwrap_or(0)
    }

    /// The own pixel memory: `stride * height` bytes, fixed for the image's life.
    pub(crate) fn data(&self) -> Option<*mut u8> {
        // SAFETY: reads the data pointer of an image surface we hold.
        let data =
            unsafe { cairo::ffi::cairo_image_surface_get_data(self.surface.to_glib_none().0) };
        (!data.is_null()).then_some(data)
    }

    /// The image drawn: the borrowed pixels' while borrowed, else the own.
    fn shown(&self) -> cairo::ImageSurface {
        match &*self.borrowed.borrow() {
            Some(b) => b.surface.clone(),
            None => self.surface.clone(),
        }
    }

    /// Reads the pixels shown, with the bytes from one row to the next.
    fn bytes(&self) -> Option<(&[u8], usize)> {
        let (data, stride) = match self.borrowed_pixels() {
            Some(p) => p,
            None => (self.data()?.cast_const(), self.stride()),
        };
        // SAFETY: own pixels: an image surface's data pointer stays valid for the surface's
        // life (at least as long as `self`) and covers `stride * height` bytes; borrowed ones
        // are valid while borrowed (`borrow_pixels`), and the borrow cannot end while `&self`
        // is lent out here since only `&self` methods on this thread end it, none of which
        // runs while the returned slice is used (callers read it and drop it at once). The
        // writers (`copy_from`, gvnc's framebuffer, spice-client-glib's decoder) run on this
        // thread and not while this borrow is held.
        Some((
            unsafe { std::slice::from_raw_parts(data, stride * self.height as usize) },
            stride,
        ))
    }

    /// Forgets all drawn tiles.
    fn forget_tiles(&self) {
        self.tiles.borrow_mut().iter_mut().for_each(|t| *t = None);
    }

    /// Copies the rectangle (`x`, `y`, `w`, `h`) of `src` (rows of `src_stride` bytes, 4
    /// bytes a pixel) into the own pixels and forgets the tiles it touches.
    pub(crate) fn copy_from(&self, src: &[u8], src_stride: usize, x: i32, y: i32, w: i32, h: i32) {
        let (width, height) = (self.width, self.height);
        let clip = |v: i32, max: u32| u32::try_from(v.max(0)).unwrap_or(0).min(max);
        let (x0, y0) = (clip(x, width), clip(y, height));
        let (x1, y1) = (
            clip(x.saturating_add(w), width),
            clip(y.saturating_add(h), height),
        );
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let stride = self.stride();
        let Some(data) = self.data() else {
            return;
        };
        // SAFETY: the pixel memory covers `stride * height` bytes for the image's life; the
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
        self.damage(x0 as i32, y0 as i32, (x1 - x0) as i32, (y1 - y0) as i32);
    }

    /// Forgets the drawn tiles that the rectangle (`x`, `y`, `w`, `h`) touches (clipped to the
    /// screen).
    pub(crate) fn damage(&self, x: i32, y: i32, w: i32, h: i32) {
        let Some((rows, cols)) = tiles_touched(self.width, self.height, x, y, w, h) else {
            return;
        };
        let per_row = self.width.div_ceil(TILE);
        let mut tiles = self.tiles.borrow_mut();
        for row in rows {
            for col in cols.clone() {
                if let Some(tile) = tiles.get_mut((row * per_row + col) as usize) {
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

    /// A render node of the tile at (`x`, `y`): a paint of that part of the image.
    fn draw_tile(&self, x: u32, y: u32) -> Option<gtk::gsk::RenderNode> {
        let w = TILE.min(self.width.checked_sub(x)?);
        let h = TILE.min(self.height.checked_sub(y)?);
        let snapshot = gtk::Snapshot::new();
        let rect = graphene::Rect::new(x as f32, y as f32, w as f32, h as f32);
        let cr = snapshot.append_cairo(&rect);
        let drawn = cr
            .set_source_surface(self.shown(), 0.0, 0.0)
            .and_then(|()| {
                cr.source().set_filter(cairo::Filter::Nearest);
                cr.rectangle(f64::from(x), f64::from(y), f64::from(w), f64::from(h));
                cr.fill()
            });
        drop(cr);
        if let Err(e) = drawn {
            tracing::debug!("cannot draw a tile of the screen: {e}");
            return None;
        }
        snapshot.to_node()
    }

    /// Paints the whole image on `cr` at its own size (the caller sets the transform).
    fn paint(&self, cr: &cairo::Context, filter: cairo::Filter) -> Result<(), cairo::Error> {
        cr.set_source_surface(self.shown(), 0.0, 0.0)?;
        cr.source().set_filter(filter);
        cr.paint()
    }

    /// The colour of the pixel at (`x`, `y`) as (red, green, blue).
    pub(crate) fn rgb_at(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let (bytes, stride) = self.bytes()?;
        let offset = y as usize * stride + x as usize * 4;
        let px = bytes.get(offset..offset + 4)?;
        Some((px[2], px[1], px[0]))
    }

    /// An RGB copy of the whole screen.
    pub(crate) fn to_texture(&self) -> Option<gdk::Texture> {
        let (w, h) = (self.width as usize, self.height as usize);
        let (bytes, stride) = self.bytes()?;
        let mut rgb = Vec::with_capacity(w * h * 3);
        for row in bytes.chunks_exact(stride).take(h) {
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

/// The rows and columns of the tiles of a `width`×`height` screen that the rectangle (`x`,
/// `y`, `w`, `h`) touches once clipped to the screen; `None` when it misses the screen.
fn tiles_touched(
    width: u32,
    height: u32,
    x: i32,
    y: i32,
    w: i32,
    h: i32,
) -> Option<(std::ops::RangeInclusive<u32>, std::ops::RangeInclusive<u32>)> {
    let (right, bottom) = (x.saturating_add(w), y.saturating_add(h));
    let misses = |start: i32, end: i32, size: u32| {
        size == 0 || end <= 0 || end <= start || i64::from(start) >= i64::from(size)
    };
    if misses(x, right, width) || misses(y, bottom, height) {
        return None;
    }
    let clip = |v: i32, size: u32| u32::try_from(v.max(0)).unwrap_or(0).min(size - 1);
    let (x0, y0) = (clip(x, width), clip(y, height));
    let (x1, y1) = (clip(right - 1, width), clip(bottom - 1, height));
    Some((y0 / TILE..=y1 / TILE, x0 / TILE..=x1 / TILE))
}

/// What a display widget showing a screen of `size` (none yet: `None`) in `mode` asks for
/// along `orientation`, as [`gtk::subclass::widget::WidgetImpl::measure`] returns it.
pub(crate) fn measure(
    widget: &gtk::Widget,
    mode: Scaling,
    size: Option<(u32, u32)>,
    orientation: gtk::Orientation,
) -> (i32, i32, i32, i32) {
    let Some((w, h)) = size else {
        return (0, 0, -1, -1);
    };
    let sf = widget.scale_factor();
    let (nat_w, nat_h) = scaling::requested_size(w, h, sf);
    let (min_w, min_h) = scaling::minimum_size(mode, w, h, sf);
    match orientation {
        gtk::Orientation::Horizontal => (min_w, nat_w, -1, -1),
        _ => (min_h, nat_h, -1, -1),
    }
}

/// Where a screen of `size` sits in `widget` as it is now, with the screen's width and height.
pub(crate) fn placement(
    widget: &gtk::Widget,
    mode: Scaling,
    size: Option<(u32, u32)>,
) -> Option<(Placement, u32, u32)> {
    let (fw, fh) = size?;
    let p = scaling::place(
        mode,
        fw,
        fh,
        f64::from(widget.width()),
        f64::from(widget.height()),
        f64::from(widget.scale_factor()),
    );
    Some((p, fw, fh))
}

/// Draws `screen` (none yet: a neutral background) in `widget`, placed for `mode`, with the
/// grab hint `hint` over it.
pub(crate) fn draw(
    widget: &gtk::Widget,
    snapshot: &gtk::Snapshot,
    screen: Option<&Screen>,
    mode: Scaling,
    hint: Option<&str>,
) {
    let (w, h) = (widget.width() as f32, widget.height() as f32);
    let all = graphene::Rect::new(0.0, 0.0, w, h);
    let placed = screen.and_then(|s| Some((s, placement(widget, mode, Some(s.size()))?)));
    let Some((screen, (p, fw, fh))) = placed else {
        snapshot.append_color(&IDLE_BACKGROUND, &all);
        return;
    };
    let area = graphene::Rect::new(
        p.x as f32,
        p.y as f32,
        (f64::from(fw) * p.scale) as f32,
        (f64::from(fh) * p.scale) as f32,
    );
    // The letterbox only where the picture leaves room: filling the whole widget under a
    // picture that covers it costs a full-window fill per frame in software renderers.
    if !area.contains_rect(&all) {
        snapshot.append_color(&LETTERBOX, &all);
    }
    if (p.scale * f64::from(widget.scale_factor()) - 1.0).abs() < 1e-9 {
        // 1:1 on device pixels: tiles, of which only damaged ones are drawn again.
        snapshot.save();
        snapshot.translate(&graphene::Point::new(p.x as f32, p.y as f32));
        snapshot.scale(p.scale as f32, p.scale as f32);
        screen.append_tiles(snapshot);
        snapshot.restore();
    } else {
        let cr = snapshot.append_cairo(&area);
        cr.translate(p.x, p.y);
        cr.scale(p.scale, p.scale);
        // Bilinear rather than cairo's "good" filter: scaling a full-screen frame down with
        // "good" (a convolution over every source pixel) costs several times as much per
        // frame, which caps the frame rate of a moving picture; bilinear stays smooth.
        let filter = if p.integer_scale || mode == Scaling::Native {
            cairo::Filter::Nearest
        } else {
            cairo::Filter::Bilinear
        };
        if let Err(e) = screen.paint(&cr, filter) {
            tracing::debug!("cannot draw the screen: {e}");
        }
    }
    if let Some(text) = hint {
        draw_grab_hint(widget, snapshot, w, text);
    }
}

/// Draws the "keyboard grabbed" hint `text` at the top of a display `width` wide.
fn draw_grab_hint(widget: &gtk::Widget, snapshot: &gtk::Snapshot, width: f32, text: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The tiles (row by row) of a `width`×`height` screen that a damage of `rect` forgets.
    fn damaged(width: u32, height: u32, rect: (i32, i32, i32, i32)) -> Vec<u32> {
        let Some((rows, cols)) = tiles_touched(width, height, rect.0, rect.1, rect.2, rect.3)
        else {
            return Vec::new();
        };
        let per_row = width.div_ceil(TILE);
        rows.flat_map(|r| cols.clone().map(move |c| r * per_row + c))
            .collect()
    }

    #[test]
    fn damage_forgets_exactly_the_tiles_it_touches() {
        // 1280×800: 5 columns, 4 rows of 256-pixel tiles.
        assert_eq!(damaged(1280, 800, (0, 0, 1, 1)), [0]);
        assert_eq!(damaged(1280, 800, (255, 255, 2, 2)), [0, 1, 5, 6]);
        assert_eq!(damaged(1280, 800, (256, 0, 256, 256)), [1]);
        assert_eq!(
            damaged(1280, 800, (0, 0, 1280, 800)),
            (0..20).collect::<Vec<_>>()
        );
        // Clipped to the screen; nothing for an empty rectangle or one outside the screen.
        assert_eq!(damaged(1280, 800, (-50, 790, 100, 100)), [15]);
        assert_eq!(damaged(1280, 800, (1200, 700, 500, 500)), [14, 19]);
        assert!(damaged(1280, 800, (10, 10, 0, 5)).is_empty());
        assert!(damaged(1280, 800, (5000, 5000, 10, 10)).is_empty());
        assert!(damaged(1280, 800, (-20, 0, 20, 10)).is_empty());
        assert!(damaged(0, 0, (0, 0, 10, 10)).is_empty());
        assert_eq!(
            damaged(300, 10, (i32::MAX - 1, 0, i32::MAX, 1)),
            Vec::<u32>::new()
        );
    }
}
