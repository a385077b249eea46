//! Percent-escaping of URI parts the way libvirt writes and reads them.

/// Decodes `%XX` sequences; a `%` not followed by two hex digits stays as it is.
pub(crate) fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn escape_with(s: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

/// Escapes a path or fragment as libxml2 writes it: unreserved and most reserved characters
/// stay.
pub(crate) fn escape_path(s: &str) -> String {
    escape_with(s, |b| {
        b.is_ascii_alphanumeric() || b"-_.!~*'()/;:@&=+$,".contains(&b)
    })
}

/// Escapes a query value as libvirt does: only `A-Z a-z 0-9 - . _ ~` stay.
pub(crate) fn escape_query_value(s: &str) -> String {
    escape_with(s, |b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}
