//! Frames shown on screen, counted the same way for any application: a separate X client
//! finds the largest window whose `_NET_WM_PID` is the application's process, watches it
//! with the DAMAGE extension (one notification each time its contents go from unchanged to
//! changed, cleared at once) and prints the count. Each drawn frame reaches the window as one
//! copy from the toolkit's back buffer, so one notification is one frame shown.

use std::ffi::{CString, c_char, c_int, c_long, c_uchar, c_uint, c_ulong, c_void};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

type Display = c_void;
type Xid = c_ulong;

#[link(name = "X11")]
unsafe extern "C" {
    fn XOpenDisplay(name: *const c_char) -> *mut Display;
    fn XDefaultRootWindow(dpy: *mut Display) -> Xid;
    fn XInternAtom(dpy: *mut Display, name: *const c_char, only_if_exists: c_int) -> Xid;
    fn XQueryTree(
        dpy: *mut Display,
        w: Xid,
        root: *mut Xid,
        parent: *mut Xid,
        children: *mut *mut Xid,
        n: *mut c_uint,
    ) -> c_int;
    fn XGetWindowProperty(
        dpy: *mut Display,
        w: Xid,
        property: Xid,
        offset: c_long,
        length: c_long,
        delete: c_int,
        req_type: Xid,
        actual_type: *mut Xid,
        actual_format: *mut c_int,
        nitems: *mut c_ulong,
        bytes_after: *mut c_ulong,
        prop: *mut *mut c_uchar,
    ) -> c_int;
    fn XGetGeometry(
        dpy: *mut Display,
        d: Xid,
        root: *mut Xid,
        x: *mut c_int,
        y: *mut c_int,
        w: *mut c_uint,
        h: *mut c_uint,
        border: *mut c_uint,
        depth: *mut c_uint,
    ) -> c_int;
    fn XSelectInput(dpy: *mut Display, w: Xid, mask: c_long) -> c_int;
    fn XNextEvent(dpy: *mut Display, event: *mut [c_long; 24]) -> c_int;
    fn XFree(data: *mut c_void) -> c_int;
    fn XFetchName(dpy: *mut Display, w: Xid, name: *mut *mut c_char) -> c_int;
    fn XFlush(dpy: *mut Display) -> c_int;
}

#[link(name = "Xdamage")]
unsafe extern "C" {
    fn XDamageQueryExtension(dpy: *mut Display, event_base: *mut c_int, error: *mut c_int)
    -> c_int;
    fn XDamageCreate(dpy: *mut Display, d: Xid, level: c_int) -> Xid;
    fn XDamageSubtract(dpy: *mut Display, damage: Xid, repair: Xid, parts: Xid);
}

const XA_CARDINAL: Xid = 6;
const DAMAGE_REPORT_NON_EMPTY: c_int = 3;
const STRUCTURE_NOTIFY_MASK: c_long = 1 << 17;
const CONFIGURE_NOTIFY: c_int = 22;

/// Windows under `w` (and `w`) whose `_NET_WM_PID` is `pid`, with their size.
///
/// # Safety
/// `dpy` is an open display.
unsafe fn windows_of(
    dpy: *mut Display,
    w: Xid,
    pid: c_ulong,
    atom: Xid,
    out: &mut Vec<(Xid, u32, u32)>,
) {
    unsafe {
        let (mut ty, mut format, mut n, mut after) = (0, 0, 0, 0);
        let mut prop: *mut c_uchar = std::ptr::null_mut();
        let ok = XGetWindowProperty(
            dpy,
            w,
            atom,
            0,
            1,
            0,
            XA_CARDINAL,
            &mut ty,
            &mut format,
            &mut n,
            &mut after,
            &mut prop,
        ) == 0;
        if ok && !prop.is_null() {
            if format == 32 && n == 1 && *prop.cast::<c_ulong>() == pid {
                let (mut root, mut x, mut y, mut width, mut height, mut b, mut d) =
                    (0, 0, 0, 0, 0, 0, 0);
                XGetGeometry(
                    dpy,
                    w,
                    &mut root,
                    &mut x,
                    &mut y,
                    &mut width,
                    &mut height,
                    &mut b,
                    &mut d,
                );
                out.push((w, width, height));
            }
            XFree(prop.cast());
        }
        let (mut root, mut parent, mut n) = (0, 0, 0u32);
        let mut children: *mut Xid = std::ptr::null_mut();
        if XQueryTree(dpy, w, &mut root, &mut parent, &mut children, &mut n) != 0
            && !children.is_null()
        {
            for &c in std::slice::from_raw_parts(children, n as usize) {
                windows_of(dpy, c, pid, atom, out);
            }
            XFree(children.cast());
        }
    }
}

/// The name (`WM_NAME`) of window `w`.
///
/// # Safety
/// `dpy` is an open display.
unsafe fn window_name(dpy: *mut Display, w: Xid) -> Option<String> {
    unsafe {
        let mut name: *mut c_char = std::ptr::null_mut();
        if XFetchName(dpy, w, &mut name) == 0 || name.is_null() {
            return None;
        }
        let text = std::ffi::CStr::from_ptr(name)
            .to_string_lossy()
            .into_owned();
        XFree(name.cast());
        Some(text)
    }
}

/// The counter process: waits up to 10 s for a window of `pid` (whose name contains
/// `BENCH_DAMAGE_TITLE` when that is set), then prints "damage COUNT WIDTHxHEIGHT" every
/// 100 ms until its output is closed.
pub fn count(pid: u32) {
    let title = std::env::var("BENCH_DAMAGE_TITLE").ok();
    let shown = Arc::new(AtomicU64::new(0));
    let size = Arc::new(AtomicI64::new(0));
    let (s, z) = (shown.clone(), size.clone());
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let wh = z.load(Ordering::Relaxed);
            println!(
                "damage {} {}x{}",
                s.load(Ordering::Relaxed),
                wh >> 32,
                wh & 0xffff_ffff
            );
            if std::io::stdout().flush().is_err() {
                std::process::exit(0);
            }
        }
    });
    // SAFETY: plain Xlib calls on one display connection used by this thread only; event
    // structures are read as the 24 longs Xlib defines `XEvent` as.
    unsafe {
        let dpy = XOpenDisplay(std::ptr::null());
        if dpy.is_null() {
            eprintln!("damage counter: no display");
            return;
        }
        let (mut event_base, mut error_base) = (0, 0);
        if XDamageQueryExtension(dpy, &mut event_base, &mut error_base) == 0 {
            eprintln!("damage counter: no DAMAGE extension");
            return;
        }
        let name = CString::new("_NET_WM_PID").unwrap_or_default();
        let atom = XInternAtom(dpy, name.as_ptr(), 0);
        let root = XDefaultRootWindow(dpy);
        let start = Instant::now();
        let window = loop {
            let mut found = Vec::new();
            windows_of(dpy, root, c_ulong::from(pid), atom, &mut found);
            if let Some(title) = &title {
                found.retain(|&(w, _, _)| window_name(dpy, w).is_some_and(|n| n.contains(title)));
            }
            if let Some(&(w, width, height)) = found
                .iter()
                .max_by_key(|(_, w, h)| u64::from(*w) * u64::from(*h))
                && width > 64
            {
                size.store(
                    i64::from(width) << 32 | i64::from(height),
                    Ordering::Relaxed,
                );
                break w;
            }
            if start.elapsed() > Duration::from_secs(10) {
                eprintln!("damage counter: no window of process {pid}");
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        XSelectInput(dpy, window, STRUCTURE_NOTIFY_MASK);
        let damage = XDamageCreate(dpy, window, DAMAGE_REPORT_NON_EMPTY);
        XFlush(dpy);
        let mut event = [0 as c_long; 24];
        loop {
            XNextEvent(dpy, &mut event);
            let ty = *event.as_ptr().cast::<c_int>();
            if ty == event_base {
                shown.fetch_add(1, Ordering::Relaxed);
                XDamageSubtract(dpy, damage, 0, 0);
                XFlush(dpy);
            } else if ty == CONFIGURE_NOTIFY {
                let ints = event.as_ptr().cast::<c_int>();
                let (w, h) = (*ints.add(14), *ints.add(15));
                size.store(i64::from(w) << 32 | i64::from(h), Ordering::Relaxed);
            }
        }
    }
}
