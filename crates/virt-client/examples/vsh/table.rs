//! virsh's tables (`vshTable`): cells padded by their display width in the current locale,
//! with control and unprintable characters shown as `\xNN`.
//!
//! The width comes from the C library's `mbrtowc`, `iswprint` and `wcwidth`, the functions
//! virsh asks, so wide letters (CJK, most emoji) take two columns and combining marks none,
//! and a non-UTF-8 locale gives virsh's escapes: the output matches virsh's in any locale.

use std::ffi::c_int;

// glibc: wint_t is an unsigned 32-bit integer.
unsafe extern "C" {
    fn mbrtowc(
        pwc: *mut libc::wchar_t,
        s: *const libc::c_char,
        n: libc::size_t,
        ps: *mut libc::mbstate_t,
    ) -> libc::size_t;
    fn iswprint(wc: u32) -> c_int;
    fn wcwidth(wc: libc::wchar_t) -> c_int;
}

/// Takes the locale from the environment, as virsh does at start.
pub fn init_locale() {
    // SAFETY: called once at start, before any other thread exists; the argument is a valid
    // NUL-terminated string.
    unsafe {
        libc::setlocale(libc::LC_ALL, c"".as_ptr());
    }
}

/// `\xNN` of a byte as virsh writes it: `snprintf("\\x%02x", (char) b)` into five bytes, so a
/// byte above 0x7f (a negative `char`) comes out as `\xff`.
fn hex(out: &mut String, b: u8) {
    if b > 0x7f {
        out.push_str("\\xff");
    } else {
        out.push_str(&format!("\\x{b:02x}"));
    }
}

/// A cell as virsh prints it and its width in columns (`vshTableSafeEncode`).
pub fn safe_encode(s: &str) -> (String, usize) {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    let mut width = 0;
    // SAFETY: mbstate_t is plain data; all zeros is the initial state.
    let mut st: libc::mbstate_t = unsafe { std::mem::zeroed() };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (b == b'\\' && bytes.get(i + 1) == Some(&b'x')) || b.is_ascii_control() {
            hex(&mut out, b);
            width += 4;
            i += 1;
            continue;
        }
        let mut wc: libc::wchar_t = 0;
        let rest = &bytes[i..];
        // SAFETY: `rest` is valid for `rest.len()` bytes; wc and st are valid for writes.
        let len = unsafe { mbrtowc(&mut wc, rest.as_ptr().cast(), rest.len(), &mut st) };
        if len == 0 {
            break;
        }
        if len == usize::MAX || len == usize::MAX - 1 {
            // Not a valid sequence in this locale: shown as is only if ASCII printable.
            if b.is_ascii_graphic() || b == b' ' {
                out.push(char::from(b));
                width += 1;
            } else {
                hex(&mut out, b);
                width += 4;
            }
            // SAFETY: as above; after an error the state is undefined, so start again.
            st = unsafe { std::mem::zeroed() };
            i += 1;
            continue;
        }
        let chunk = &rest[..len];
        // SAFETY: plain functions of a value.
        let printable = unsafe { iswprint(wc as u32) } != 0;
        if printable {
            out.push_str(&String::from_utf8_lossy(chunk));
            // SAFETY: as above.
            width += usize::try_from(unsafe { wcwidth(wc) }).unwrap_or(0);
        } else {
            for &c in chunk {
                hex(&mut out, c);
                width += 4;
            }
        }
        i += len;
    }
    (out, width)
}

/// Prints a table as virsh's `vshTablePrintToStdout` does.
pub fn print(header: &[&str], rows: &[Vec<String>]) {
    print!("{}", render(header, rows));
}

/// The text of a table: header, dashes, rows; cells two spaces apart after their padding.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let enc = |cells: &mut dyn Iterator<Item = &str>| -> Vec<(String, usize)> {
        cells.map(safe_encode).collect()
    };
    let head = enc(&mut header.iter().copied());
    let body: Vec<Vec<(String, usize)>> = rows
        .iter()
        .map(|r| enc(&mut r.iter().map(String::as_str)))
        .collect();
    let mut max = vec![0usize; n];
    for row in std::iter::once(&head).chain(&body) {
        for (m, (_, w)) in max.iter_mut().zip(row) {
            *m = (*m).max(*w);
        }
    }
    let mut out = String::new();
    let line = |row: &[(String, usize)], out: &mut String| {
        for (i, (text, w)) in row.iter().enumerate() {
            out.push(' ');
            out.push_str(text);
            if i + 1 < row.len() {
                out.push_str(&" ".repeat(max[i] - w + 2));
            }
        }
        out.push('\n');
    };
    line(&head, &mut out);
    out.push_str(&"-".repeat(max.iter().map(|m| m + 3).sum()));
    out.push('\n');
    for row in &body {
        line(row, &mut out);
    }
    out
}
