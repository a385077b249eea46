//! Escaping and unescaping of character data and attribute values.

use std::borrow::Cow;

/// Replaces the five predefined entities and character references in `raw`. Unknown or
/// malformed references (which the parser rejects) are kept as written.
pub fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after
            .find(';')
            .and_then(|end| Some((end, resolve(&after[..end])?)))
        {
            Some((end, c)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character an entity or character reference (without `&` and `;`) stands for.
pub(crate) fn resolve(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix('x') {
                Some(hex) if !hex.is_empty() => u32::from_str_radix(hex, 16).ok()?,
                Some(_) => return None,
                None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => {
                    num.parse().ok()?
                }
                None => return None,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
    }
}

/// Checks the references in `raw`; returns the byte offset and message of the first bad one.
pub(crate) fn check_refs(raw: &str) -> Result<(), (usize, String)> {
    let mut from = 0;
    while let Some(i) = raw[from..].find('&') {
        let at = from + i;
        let after = &raw[at + 1..];
        let Some(end) = after.find(';') else {
            return Err((
                at,
                "'&' must start an entity reference (write &amp;)".into(),
            ));
        };
        let name = &after[..end];
        if resolve(name).is_none() {
            return Err((
                at,
                format!("unknown entity or bad character reference '&{name};'"),
            ));
        }
        from = at + 1 + end + 1;
    }
    Ok(())
}

/// Escapes character data for use between tags.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    escape(text, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        _ => None,
    })
}

/// Escapes an attribute value to be written between `quote` characters.
pub fn escape_attr(value: &str, quote: char) -> Cow<'_, str> {
    escape(value, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '"' if quote == '"' => Some("&quot;"),
        '\'' if quote == '\'' => Some("&apos;"),
        '\n' => Some("&#10;"),
        '\r' => Some("&#13;"),
        '\t' => Some("&#9;"),
        _ => None,
    })
}

fn escape(s: &str, map: impl Fn(char) -> Option<&'static str>) -> Cow<'_, str> {
    let Some(first) = s.find(|c| map(c).is_some()) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        match map(c) {
            Some(e) => out.push_str(e),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let s = "a<b & 'c' \"d\"\n";
        assert_eq!(unescape(&escape_attr(s, '\'')), s);
        assert_eq!(unescape(&escape_attr(s, '"')), s);
        assert_eq!(unescape(&escape_text(s)), s);
        assert_eq!(unescape("&#65;&#x42;&amp;x"), "AB&x");
        assert_eq!(unescape("&bogus; &"), "&bogus; &");
    }

    #[test]
    fn checks_references() {
        assert!(check_refs("a &amp; &#10; &#x41;").is_ok());
        assert_eq!(check_refs("ab &nbsp;").map_err(|e| e.0), Err(3));
        assert!(check_refs("x & y").is_err());
        assert!(check_refs("&#;").is_err());
        assert!(check_refs("&#0;").is_err());
    }
}
