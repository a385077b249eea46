//! Pixels of another library shown by a [`Screen`] in place, without copying them: the
//! display channel's primary surface that spice-client-glib decodes into. The screen keeps the
//! pixels' owner alive while it shows them; when they are about to go away it takes a copy of
//! them as its own ([`Screen::return_pixels`]), and whenever a borrow ends cairo gives every
//! recording that still refers to them (GTK's render nodes of the tiles) its own copy, so no
//! render node reads them once they are gone.

use gtk::cairo;
use gtk::glib;
use gtk::glib::translate::ToGlibPtr;

use super::Screen;

/// Pixels of another owner, shown in place (see [`Screen::borrow_pixels`]).
pub(super) struct Borrowed {
    /// A cairo image over them, not owning them.
    pub(super) surface: cairo::ImageSurface,
    /// Keeps their owner alive while they are shown.
    _owner: glib::Object,
}

impl Drop for Screen {
    fn drop(&mut self) {
        self.end_borrow();
    }
}

impl Screen {
    /// Shows the pixels at `data` (rows of `stride` bytes, `stride * height` bytes in all, in
    /// the screen's format) instead of its own, without copying them: the caller then only
    /// reports changed rectangles with [`Screen::damage`]. `owner` is kept alive meanwhile.
    ///
    /// # Safety
    /// The pixels must stay valid, and be written only on this thread, until
    /// [`Screen::return_pixels`] is called or the screen is dropped.
    pub(crate) unsafe fn borrow_pixels(
        &self,
        data: *mut u8,
        stride: usize,
        owner: glib::Object,
    ) -> Result<(), cairo::Error> {
        let (Ok(w), Ok(h), Ok(s)) = (
            i32::try_from(self.width),
            i32::try_from(self.height),
            i32::try_from(stride),
        ) else {
            return Err(cairo::Error::InvalidStride);
        };
        if data.is_null() || stride < self.width as usize * 4 {
            return Err(cairo::Error::InvalidStride);
        }
        // SAFETY: the caller vouches for `stride * height` bytes at `data` until the borrow
        // ends; cairo neither frees nor resizes memory it is given.
        let surface = unsafe {
            cairo::ImageSurface::create_for_data_unsafe(data, cairo::Format::Rgb24, w, h, s)?
        };
        self.end_borrow();
        self.borrowed.replace(Some(Borrowed {
            surface,
            _owner: owner,
        }));
        self.forget_tiles();
        Ok(())
    }

    /// Whether the screen shows borrowed pixels.
    pub(crate) fn is_borrowed(&self) -> bool {
        self.borrowed.borrow().is_some()
    }

    /// The borrowed pixels are about to go away: keeps a copy of them as the screen's own and
    /// shows that from now on. The caller redraws.
    pub(crate) fn return_pixels(&self) {
        if let Some((data, stride)) = self.borrowed_pixels() {
            // SAFETY: the borrowed pixels are still valid (the borrow has not ended) and cover
            // `stride * height` bytes.
            let src = unsafe { std::slice::from_raw_parts(data, stride * self.height as usize) };
            // Within the screen's size (at most 16384 pixels a side), so the casts hold.
            self.copy_from(src, stride, 0, 0, self.width as i32, self.height as i32);
        }
        self.end_borrow();
        self.forget_tiles();
    }

    /// Ends a borrow: cairo gives every recording that still refers to the borrowed pixels
    /// its own copy of them, so no render node reads them once they are gone.
    pub(super) fn end_borrow(&self) {
        if let Some(b) = self.borrowed.borrow_mut().take() {
            b.surface.finish();
        }
    }

    /// The borrowed pixels' address and stride, while borrowed.
    pub(super) fn borrowed_pixels(&self) -> Option<(*const u8, usize)> {
        let borrowed = self.borrowed.borrow();
        let surface = &borrowed.as_ref()?.surface;
        // SAFETY: reads the data pointer of an image surface we hold.
        let data = unsafe { cairo::ffi::cairo_image_surface_get_data(surface.to_glib_none().0) };
        let stride = usize::try_from(surface.stride()).ok()?;
        (!data.is_null()).then_some((data.cast_const(), stride))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4×3 screen in plain memory.
    fn screen() -> Screen {
        let image = cairo::ImageSurface::create(cairo::Format::Rgb24, 4, 3).unwrap();
        Screen::with_image(4, 3, image)
    }

    /// Pixels of a 4×3 screen in rows of 20 bytes (wider than the screen), all 0x00RRGGBB.
    fn pixels(rgb: u32) -> Vec<u8> {
        std::iter::repeat_n(rgb.to_le_bytes(), 15)
            .flatten()
            .collect()
    }

    fn owner() -> glib::Object {
        glib::Object::new::<glib::Object>()
    }

    /// The colour at (`x`, `y`) that `recording` draws, replayed into a new image.
    fn replayed(recording: &cairo::RecordingSurface, x: i32, y: i32) -> (u8, u8, u8) {
        let image = cairo::ImageSurface::create(cairo::Format::Rgb24, 4, 3).unwrap();
        let cr = cairo::Context::new(&image).unwrap();
        cr.set_source_surface(recording, 0.0, 0.0).unwrap();
        cr.paint().unwrap();
        drop(cr);
        let mut image = image;
        let stride = image.stride() as usize;
        let data = image.data().unwrap();
        let px = &data[y as usize * stride + x as usize * 4..][..4];
        (px[2], px[1], px[0])
    }

    /// A recording of the screen painted, as a tile's render node keeps it.
    fn recording_of(screen: &Screen) -> cairo::RecordingSurface {
        let recording = cairo::RecordingSurface::create(cairo::Content::Color, None).unwrap();
        let cr = cairo::Context::new(&recording).unwrap();
        cr.set_source_surface(screen.shown(), 0.0, 0.0).unwrap();
        cr.paint().unwrap();
        recording
    }

    #[test]
    fn borrowed_pixels_are_shown_in_place() {
        let screen = screen();
        let mut memory = pixels(0x0011_2233);
        // SAFETY: `memory` outlives the screen and is written only below, on this thread.
        unsafe { screen.borrow_pixels(memory.as_mut_ptr(), 20, owner()) }.unwrap();
        assert!(screen.is_borrowed());
        assert_eq!(screen.rgb_at(3, 2), Some((0x11, 0x22, 0x33)));
        // A change of the owner's pixels is seen without a copy.
        memory[2 * 20 + 3 * 4..][..4].copy_from_slice(&0x00aa_bbccu32.to_le_bytes());
        assert_eq!(screen.rgb_at(3, 2), Some((0xaa, 0xbb, 0xcc)));
        assert_eq!(screen.rgb_at(0, 0), Some((0x11, 0x22, 0x33)));
        assert!(screen.to_texture().is_some());
        drop(screen);
    }

    #[test]
    fn returned_pixels_stay_when_their_memory_changes() {
        let screen = screen();
        let mut memory = pixels(0x0011_2233);
        // SAFETY: as above.
        unsafe { screen.borrow_pixels(memory.as_mut_ptr(), 20, owner()) }.unwrap();
        let recording = recording_of(&screen);
        screen.return_pixels();
        assert!(!screen.is_borrowed());
        // The owner frees or reuses its memory: the screen and the recording made while
        // borrowed both keep the last picture.
        memory.fill(0xff);
        assert_eq!(screen.rgb_at(1, 1), Some((0x11, 0x22, 0x33)));
        assert_eq!(replayed(&recording, 1, 1), (0x11, 0x22, 0x33));
        assert_eq!(replayed(&recording_of(&screen), 2, 2), (0x11, 0x22, 0x33));
    }

    #[test]
    fn a_dropped_screen_leaves_recordings_their_own_copy() {
        let screen = screen();
        let mut memory = pixels(0x0044_5566);
        // SAFETY: as above.
        unsafe { screen.borrow_pixels(memory.as_mut_ptr(), 20, owner()) }.unwrap();
        let recording = recording_of(&screen);
        drop(screen);
        memory.fill(0xff);
        assert_eq!(replayed(&recording, 0, 2), (0x44, 0x55, 0x66));
    }

    #[test]
    fn unusable_memory_is_refused() {
        let screen = screen();
        let mut memory = pixels(0);
        // SAFETY: nothing is borrowed: each call is refused before the memory is used.
        unsafe {
            assert!(
                screen
                    .borrow_pixels(memory.as_mut_ptr(), 12, owner())
                    .is_err()
            );
            assert!(
                screen
                    .borrow_pixels(std::ptr::null_mut(), 20, owner())
                    .is_err()
            );
        }
        assert!(!screen.is_borrowed());
        assert_eq!(screen.rgb_at(0, 0), Some((0, 0, 0)));
    }
}
