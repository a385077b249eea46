//! When the screen was last drawn on: an X client that records every DAMAGE report on the
//! root window of the current display, so that an app's paints can be timed from outside it.
//!
//! Without a compositing manager (as under Xvfb) every window draws straight into the screen,
//! and damage on the root window includes the drawing of every window on it. libX11 and
//! libXdamage are loaded at run time so that the benchmark builds without their headers.

use std::ffi::{CStr, c_char, c_int, c_ulong, c_void};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The moment of each damage report, in order.
pub type Paints = Arc<Mutex<Vec<Instant>>>;

/// `XDamageReportRawRectangles`: one report per drawing request.
const REPORT_RAW_RECTANGLES: c_int = 0;

type OpenDisplay = unsafe extern "C" fn(*const c_char) -> *mut c_void;
type DefaultRoot = unsafe extern "C" fn(*mut c_void) -> c_ulong;
type NextEvent = unsafe extern "C" fn(*mut c_void, *mut [u64; 24]) -> c_int;
type Sync = unsafe extern "C" fn(*mut c_void, c_int) -> c_int;
type QueryExtension = unsafe extern "C" fn(*mut c_void, *mut c_int, *mut c_int) -> c_int;
type DamageCreate = unsafe extern "C" fn(*mut c_void, c_ulong, c_int) -> c_ulong;

fn symbol<T: Copy>(lib: *mut c_void, name: &CStr) -> Option<T> {
    // SAFETY: `lib` is a handle from dlopen and `name` is NUL-terminated; the caller names
    // the function's C signature as `T`, a function pointer type.
    unsafe {
        let p = libc::dlsym(lib, name.as_ptr());
        (!p.is_null()).then(|| std::mem::transmute_copy::<*mut c_void, T>(&p))
    }
}

fn open(name: &CStr) -> Option<*mut c_void> {
    // SAFETY: dlopen with a NUL-terminated name.
    let lib = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW) };
    (!lib.is_null()).then_some(lib)
}

/// Starts recording the display's paints; `None` when X or its DAMAGE extension is missing.
pub fn watch() -> Option<Paints> {
    let x11 = open(c"libX11.so.6")?;
    let xdamage = open(c"libXdamage.so.1")?;
    let open_display: OpenDisplay = symbol(x11, c"XOpenDisplay")?;
    let default_root: DefaultRoot = symbol(x11, c"XDefaultRootWindow")?;
    let next_event: NextEvent = symbol(x11, c"XNextEvent")?;
    let sync: Sync = symbol(x11, c"XSync")?;
    let query: QueryExtension = symbol(xdamage, c"XDamageQueryExtension")?;
    let create: DamageCreate = symbol(xdamage, c"XDamageCreate")?;
    // SAFETY: plain Xlib calls on a display this thread opened and alone uses.
    let (display, notify) = unsafe {
        let display = open_display(std::ptr::null());
        if display.is_null() {
            return None;
        }
        let (mut event_base, mut error_base) = (0, 0);
        if query(display, &mut event_base, &mut error_base) == 0 {
            return None;
        }
        create(display, default_root(display), REPORT_RAW_RECTANGLES);
        sync(display, 0);
        (display as usize, event_base)
    };
    let paints: Paints = Arc::default();
    let log = paints.clone();
    std::thread::spawn(move || {
        let display = display as *mut c_void;
        let mut event = [0u64; 24];
        loop {
            // SAFETY: XNextEvent fills the XEvent union (24 longs) of the display's next
            // event; its first int is the event type.
            let kind = unsafe {
                next_event(display, &mut event);
                event[0] as u32 as c_int
            };
            if kind == notify {
                log.lock().unwrap().push(Instant::now());
            }
        }
    });
    Some(paints)
}

/// The first paint at or after `after`, waiting up to `wait` for it.
pub fn first_after(paints: &Paints, after: Instant, wait: std::time::Duration) -> Option<Instant> {
    let deadline = Instant::now() + wait;
    loop {
        if let Some(t) = paints.lock().unwrap().iter().find(|t| **t >= after) {
            return Some(*t);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
