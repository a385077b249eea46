//! The guest's screen: the display channel's primary surface shown in place by a [`Screen`]
//! (its invalidated rectangles forget the tiles they touch), which draws it (scaled to fit, or
//! 1:1 as tiles kept from frame to frame until damaged) and copies it (texture, pixel, PNG).
//!
//! spice-client-glib owns the primary surface's memory and frees it when the server destroys
//! the surface or the channel goes away. The screen keeps the channel alive while it shows the
//! memory, and the primary-destroy signal, which comes before the memory is freed, makes it
//! take a copy of the last picture ([`Screen::return_pixels`]); dropping the screen ends the
//! borrow too. So no render node ever paints freed memory, and no frame costs a copy.

use gtk::gdk;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use spice_client_glib::{DisplayChannel, SurfaceFormat};

use super::{DisplayState, SpiceError, imp};
use crate::i18n::gettext;
use crate::widgets::screen::{self, Screen};

/// Largest screen side taken from a server.
const MAX_SIDE: u32 = 16384;

/// A picture of `channel`'s primary surface with its pixels, in memory suited to `display`:
/// `Ok(None)` while there is no primary surface, an error (for the user) when the server sends
/// a pixel format or size Hangar does not show.
pub(crate) fn primary_picture(
    channel: &DisplayChannel,
    display: &gdk::Display,
) -> Result<Option<Screen>, String> {
    let Some(primary) = channel.primary(0) else {
        return Ok(None);
    };
    if !matches!(
        primary.format(),
        Ok(SurfaceFormat::_32XRGB | SurfaceFormat::_32ARGB)
    ) {
        return Err(gettext(
            "The SPICE server sends a pixel format Hangar does not show",
        ));
    }
    let (width, height) = (primary.width(), primary.height());
    let side = |v: usize| u32::try_from(v).ok().filter(|v| (1..=MAX_SIDE).contains(v));
    let (Some(w), Some(h)) = (side(width), side(height)) else {
        return Err(
            SpiceError::Picture(format!("unusable screen size {width}x{height}")).to_string(),
        );
    };
    // RGB24, 0x00RRGGBB little-endian words, as SPICE's 32-bit xRGB surfaces are.
    let picture =
        Screen::new(w, h, display).map_err(|e| SpiceError::Picture(e.to_string()).to_string())?;
    let data = primary.data();
    // SAFETY: the primary surface's memory (`stride * height` bytes) lives until the server
    // destroys the surface or the channel is finalized. The screen holds the channel, so only
    // the former can happen while it is borrowed, and the caller returns the pixels on the
    // primary-destroy signal that spice-client-glib emits (on this thread) before freeing them.
    // spice-client-glib writes them in its coroutines, which run on this thread too.
    let borrowed = unsafe {
        picture.borrow_pixels(
            data.as_ptr().cast_mut(),
            primary.stride(),
            channel.clone().upcast(),
        )
    };
    if let Err(e) = borrowed {
        tracing::debug!("copying the SPICE screen instead of showing it in place: {e}");
        // Within MAX_SIDE, so the casts hold.
        picture.copy_from(data, primary.stride(), 0, 0, w as i32, h as i32);
    }
    Ok(Some(picture))
}

/// Takes the rectangle (`x`, `y`, `w`, `h`) of `channel`'s primary surface into `picture`
/// (shown in place: forgets its tiles there; else copies it), when the surface still has the
/// picture's size; returns whether it did.
pub(crate) fn take_invalidated(
    picture: &Screen,
    channel: &DisplayChannel,
    (x, y, w, h): (i32, i32, i32, i32),
) -> bool {
    if picture.is_borrowed() {
        picture.damage(x, y, w, h);
        return true;
    }
    let Some(primary) = channel.primary(0) else {
        return false;
    };
    let (width, height) = picture.size();
    if primary.width() != width as usize || primary.height() != height as usize {
        return false;
    }
    picture.copy_from(primary.data(), primary.stride(), x, y, w, h);
    true
}

/// The primary surface of the channel `picture` shows is about to be freed: `picture` keeps a
/// copy of it (the last picture stays until the next).
pub(crate) fn keep_last_picture(picture: Option<&Screen>) {
    if let Some(p) = picture {
        p.return_pixels();
    }
}

impl imp::SpiceDisplay {
    /// The server made its primary surface: a picture of its size with its pixels.
    pub(super) fn on_primary_create(&self, channel: &DisplayChannel) {
        let picture = match primary_picture(channel, &self.obj().display()) {
            Ok(Some(p)) => p,
            Ok(None) => return,
            Err(e) => {
                self.shutdown(Some(e));
                return;
            }
        };
        let (width, height) = picture.size();
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

    /// The primary surface goes away; the last picture stays until the next one.
    pub(super) fn on_primary_destroy(&self) {
        keep_last_picture(self.picture.borrow().as_ref());
        self.obj().queue_draw();
    }

    /// Part of the primary surface changed: redraw it.
    pub(super) fn on_invalidate(&self, channel: &DisplayChannel, x: i32, y: i32, w: i32, h: i32) {
        let picture = self.picture.borrow();
        if picture
            .as_ref()
            .is_some_and(|p| take_invalidated(p, channel, (x, y, w, h)))
        {
            self.obj().queue_draw();
        }
    }

    pub(super) fn picture_size(&self) -> Option<(u32, u32)> {
        let p = self.picture.borrow();
        p.as_ref().map(Screen::size)
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
            picture.as_ref(),
            self.scaling.get(),
            hint.as_deref(),
        );
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
