//! Reads osinfo-db's `<libosinfo><os>` files with quick-xml into [`OsEntry`] values.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use regex::Regex;

use super::{Firmware, Media, OsEntry, ResourceSet, Resources};

/// Why an osinfo-db file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ParseError {
    /// The file.
    pub file: String,
    /// What is wrong with it.
    pub message: String,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn compile(pattern: &str) -> Option<Regex> {
    // osinfo-db's patterns are PCRE; the few with look-around cannot be used here.
    Regex::new(pattern).ok()
}

/// Parses one osinfo-db file; each `<os>` in it becomes an entry.
pub fn parse_file(file: &str, text: &str) -> Result<Vec<OsEntry>, ParseError> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    // The path of element names below the root, with whether each carries xml:lang.
    let mut path: Vec<(String, bool)> = Vec::new();
    let mut os: Option<OsEntry> = None;
    let mut text_buf = String::new();
    let err = |message: String| ParseError {
        file: file.to_owned(),
        message,
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| err(format!("at byte {}: {e}", reader.buffer_position())))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name().as_ref().to_owned();
                let lang = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.as_ref() == "xml:lang");
                path.push((name, lang));
                text_buf.clear();
                start(&path, e, &mut os);
                if empty {
                    end(&path, "", &mut os, &mut out);
                    path.pop();
                }
            }
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text_buf.push(c);
                } else {
                    match r.xml10_content().as_ref() {
                        "amp" => text_buf.push('&'),
                        "lt" => text_buf.push('<'),
                        "gt" => text_buf.push('>'),
                        "quot" => text_buf.push('"'),
                        "apos" => text_buf.push('\''),
                        _ => {}
                    }
                }
            }
            Event::End(_) => {
                let text = std::mem::take(&mut text_buf);
                end(&path, text.trim(), &mut os, &mut out);
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The element names of `path` from `<os>` down, or `None` outside an `<os>`.
fn rel(path: &[(String, bool)]) -> Option<Vec<&str>> {
    let i = path.iter().position(|(n, _)| n == "os")?;
    Some(path[i + 1..].iter().map(|(n, _)| n.as_str()).collect())
}

fn start(path: &[(String, bool)], e: &BytesStart<'_>, os: &mut Option<OsEntry>) {
    let Some(rel) = rel(path) else {
        return;
    };
    if rel.is_empty() {
        *os = Some(OsEntry {
            id: attr(e, "id").unwrap_or_default(),
            ..OsEntry::default()
        });
        return;
    }
    let Some(os) = os.as_mut() else {
        return;
    };
    match rel.as_slice() {
        ["derives-from"] => os.derives_from = attr(e, "id"),
        ["upgrades"] => os.upgrades = attr(e, "id"),
        ["resources"] => os.resources.push(Resources {
            arch: attr(e, "arch").unwrap_or_else(|| "all".into()),
            ..Resources::default()
        }),
        ["devices", "device"] => {
            if let Some(id) = attr(e, "id") {
                os.devices.push(id);
            }
        }
        ["firmware"] => os.firmware.push(Firmware {
            arch: attr(e, "arch").unwrap_or_else(|| "all".into()),
            kind: attr(e, "type").unwrap_or_default(),
            supported: attr(e, "supported").as_deref() != Some("false"),
            features: Vec::new(),
        }),
        ["firmware", "feature"] => {
            if let (Some(fw), Some(name)) = (os.firmware.last_mut(), attr(e, "name")) {
                let supported = attr(e, "supported").as_deref() != Some("false");
                fw.features.push((name, supported));
            }
        }
        ["media"] => os.media.push(Media {
            arch: attr(e, "arch").unwrap_or_else(|| "all".into()),
            ..Media::default()
        }),
        _ => {}
    }
}

fn end(path: &[(String, bool)], text: &str, os: &mut Option<OsEntry>, out: &mut Vec<OsEntry>) {
    let Some(rel) = rel(path) else {
        return;
    };
    if rel.is_empty() {
        if let Some(done) = os.take() {
            out.push(done);
        }
        return;
    }
    let lang = path.last().is_some_and(|(_, l)| *l);
    let Some(os) = os.as_mut() else {
        return;
    };
    let set = |slot: &mut Option<String>| {
        if !lang && !text.is_empty() {
            *slot = Some(text.to_owned());
        }
    };
    match rel.as_slice() {
        ["short-id"] => os.short_ids.push(text.to_owned()),
        ["name"] if !lang => os.name = text.to_owned(),
        ["version"] => set(&mut os.version),
        ["vendor"] => set(&mut os.vendor),
        ["family"] => set(&mut os.family),
        ["distro"] => set(&mut os.distro),
        ["release-date"] => set(&mut os.release_date),
        ["eol-date"] => set(&mut os.eol_date),
        ["resources", level, item] => {
            let Some(res) = os.resources.last_mut() else {
                return;
            };
            let set = match *level {
                "minimum" => &mut res.minimum,
                "recommended" => &mut res.recommended,
                _ => return,
            };
            resource(set, item, text);
        }
        ["media", "iso", field] => {
            let Some(media) = os.media.last_mut() else {
                return;
            };
            let slot = match *field {
                "volume-id" => &mut media.volume_id,
                "system-id" => &mut media.system_id,
                "publisher-id" => &mut media.publisher_id,
                "application-id" => &mut media.application_id,
                _ => return,
            };
            match compile(text) {
                Some(re) => *slot = Some(re),
                None => media.unusable = true,
            }
        }
        _ => {}
    }
}

fn resource(set: &mut ResourceSet, item: &str, text: &str) {
    match item {
        "ram" => set.ram = text.parse().ok(),
        "storage" => set.storage = text.parse().ok(),
        "n-cpus" => set.n_cpus = text.parse().ok(),
        _ => {}
    }
}
