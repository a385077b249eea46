//! Where the framebuffer's pixels live: a cairo image surface that owns them.
//!
//! On X11 that image is in memory shared with the X server, taken from cairo-xlib's
//! shared-memory pool. GTK 4's X11 cairo context draws each frame into an image and sends it
//! to the X server through that same pool, and cairo-xlib destroys a pool as soon as nothing in
//! it is in use: without an image that stays, every full-window frame made a new 64 MB
//! segment that both processes mapped, faulted in page by page and unmapped again. The
//! framebuffer, which lives as long as the console shows it, keeps the pool, so frames reuse
//! its segment. Elsewhere (Wayland, or no shared memory) it is a plain image.

use std::ffi::{CStr, c_int, c_ulong, c_void};

use gtk::cairo;
use gtk::gdk;
use gtk::glib::translate::ToGlibPtr;
use gtk::prelude::*;

/// An RGB24 image of `width`×`height` for the framebuffer, black, in the X server's shared
/// memory when `display` is an X11 display that offers it.
pub(crate) fn framebuffer_image(
    display: &gdk::Display,
    width: i32,
    height: i32,
) -> Result<cairo::ImageSurface, cairo::Error> {
    if let Some(image) = x11_shared_image(display, width, height) {
        return Ok(image);
    }
    cairo::ImageSurface::create(cairo::Format::Rgb24, width, height)
}

type GetXDisplay = unsafe extern "C" fn(*mut gdk::ffi::GdkDisplay) -> *mut c_void;
type DefaultScreen = unsafe extern "C" fn(*mut c_void) -> c_int;
type RootWindow = unsafe extern "C" fn(*mut c_void, c_int) -> c_ulong;
type DefaultVisual = unsafe extern "C" fn(*mut c_void, c_int) -> *mut c_void;
type XlibSurfaceCreate = unsafe extern "C" fn(
    *mut c_void,
    c_ulong,
    *mut c_void,
    c_int,
    c_int,
) -> *mut cairo::ffi::cairo_surface_t;

/// A function of a library already loaded in this process (GTK's X11 backend, Xlib, cairo's
/// xlib backend); `None` when this build of them lacks it.
fn loaded(name: &CStr) -> Option<*mut c_void> {
    // SAFETY: `dlsym` with RTLD_DEFAULT only looks the name up; `name` is NUL-terminated.
    let ptr = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!ptr.is_null()).then_some(ptr)
}

/// cairo-xlib's "similar image" of a surface on the display's root window: a shared-memory
/// image when the X server supports MIT-SHM, else a plain one.
fn x11_shared_image(
    display: &gdk::Display,
    width: i32,
    height: i32,
) -> Option<cairo::ImageSurface> {
    if display.type_().name() != "GdkX11Display" {
        return None;
    }
    // SAFETY: each pointer comes from the process's own libraries under its documented C
    // name, and is cast to that function's C signature (GDK's X11 API, Xlib, cairo-xlib).
    let (get_xdisplay, default_screen, root_window, default_visual, xlib_surface) = unsafe {
        (
            std::mem::transmute::<*mut c_void, GetXDisplay>(loaded(
                c"gdk_x11_display_get_xdisplay",
            )?),
            std::mem::transmute::<*mut c_void, DefaultScreen>(loaded(c"XDefaultScreen")?),
            std::mem::transmute::<*mut c_void, RootWindow>(loaded(c"XRootWindow")?),
            std::mem::transmute::<*mut c_void, DefaultVisual>(loaded(c"XDefaultVisual")?),
            std::mem::transmute::<*mut c_void, XlibSurfaceCreate>(loaded(
                c"cairo_xlib_surface_create",
            )?),
        )
    };
    // SAFETY: `display` is a live GdkX11Display, so it has an open Xlib connection; the root
    // window and default visual of its default screen exist as long as that connection. The
    // 1×1 surface on the root window is only asked for a similar image, never drawn on; the
    // image holds its own reference to cairo's device for the display.
    let anchor = unsafe {
        let xdisplay = get_xdisplay(display.to_glib_none().0);
        if xdisplay.is_null() {
            return None;
        }
        let screen = default_screen(xdisplay);
        let raw = xlib_surface(
            xdisplay,
            root_window(xdisplay, screen),
            default_visual(xdisplay, screen),
            1,
            1,
        );
        cairo::Surface::from_raw_full(raw).ok()?
    };
    let image = anchor
        .create_similar_image(cairo::Format::Rgb24, width, height)
        .ok()?;
    (image.format() == cairo::Format::Rgb24 && image.width() == width && image.height() == height)
        .then_some(image)
}
