//! Builds a [`Document`] from text with quick-xml's reader, recording where every event
//! starts and ends so the source can be written back unchanged.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::escape::{check_refs, resolve};
use super::{Attr, Document, EXTRA, Elem, Kind, NONE, Node, NodeId, Span};
use crate::error::{Error, line_col};

impl Span {
    pub(crate) fn src(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            len: (end - start) as u32,
        }
    }
}

fn syntax(text: &str, offset: usize, message: impl Into<String>) -> Error {
    let (line, column) = line_col(text, offset);
    Error::Syntax {
        line,
        column,
        message: message.into(),
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

pub(super) fn parse(text: &str) -> Result<Document, Error> {
    if text.len() >= EXTRA as usize / 2 {
        return Err(Error::Argument("document larger than 1 GiB".into()));
    }
    let mut doc = Document {
        src: text.to_owned(),
        extra: String::new(),
        nodes: Vec::with_capacity(text.len() / 24 + 4),
        attrs: Vec::with_capacity(text.len() / 32 + 4),
        root: NONE,
    };
    doc.nodes.push(Node::new(Kind::Document, 0));
    let mut reader = Reader::from_str(text);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }
    let mut stack: Vec<u32> = vec![0];
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                return Err(syntax(
                    text,
                    reader.error_position() as usize,
                    e.to_string(),
                ));
            }
        };
        let after = reader.buffer_position() as usize;
        let parent = *stack.last().unwrap_or(&0);
        let span = Span::src(before, after);
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                if parent == 0 && doc.root != NONE {
                    return Err(syntax(text, before, "content after the root element"));
                }
                let id = element(
                    &mut doc,
                    text,
                    before,
                    after,
                    e.name().as_ref().len(),
                    empty,
                )?;
                doc.append_child(NodeId(parent), id);
                if parent == 0 {
                    doc.root = id.0;
                }
                if !empty {
                    stack.push(id.0);
                }
            }
            Event::End(_) => {
                if let Some(Kind::Element(el)) =
                    stack.pop().map(|i| &mut doc.nodes[i as usize].kind)
                {
                    el.raw_end = Some(span);
                }
            }
            Event::Text(_) => {
                if parent == 0 && !text[before..after].bytes().all(is_ws) {
                    return Err(syntax(text, before, "text outside the root element"));
                }
                add_text(&mut doc, parent, before, after);
            }
            Event::GeneralRef(r) => {
                let name = &r[..];
                if resolve(name).is_none() {
                    return Err(syntax(text, before, format!("unknown entity '&{name};'")));
                }
                if parent == 0 {
                    return Err(syntax(text, before, "text outside the root element"));
                }
                add_text(&mut doc, parent, before, after);
            }
            Event::CData(_) => leaf(&mut doc, parent, Kind::CData(span), before),
            Event::Comment(_) => leaf(&mut doc, parent, Kind::Comment(span), before),
            Event::PI(_) => leaf(&mut doc, parent, Kind::Pi(span), before),
            Event::Decl(_) => leaf(&mut doc, parent, Kind::Decl(span), before),
            Event::DocType(_) => leaf(&mut doc, parent, Kind::DocType(span), before),
            Event::Eof => break,
        }
    }
    if let Some(&open) = stack.get(1) {
        let pos = doc.nodes[open as usize].pos as usize;
        let name = doc.name(NodeId(open)).to_owned();
        return Err(syntax(
            text,
            pos,
            format!("element <{name}> is never closed"),
        ));
    }
    if doc.root == NONE {
        return Err(syntax(text, text.len(), "no root element"));
    }
    Ok(doc)
}

fn leaf(doc: &mut Document, parent: u32, kind: Kind, pos: usize) {
    let id = doc.push(Node::new(kind, pos as u32));
    doc.append_child(NodeId(parent), id);
}

/// Adds text, merging it with a text node that ends right where it starts (text is split
/// by the reader around entity references).
fn add_text(doc: &mut Document, parent: u32, before: usize, after: usize) {
    let last = doc.nodes[parent as usize].last;
    if last != NONE
        && let Kind::Text(s) = &mut doc.nodes[last as usize].kind
        && s.start & EXTRA == 0
        && (s.start + s.len) as usize == before
    {
        s.len += (after - before) as u32;
        return;
    }
    leaf(doc, parent, Kind::Text(Span::src(before, after)), before);
}

fn element(
    doc: &mut Document,
    text: &str,
    before: usize,
    after: usize,
    name_len: usize,
    empty: bool,
) -> Result<NodeId, Error> {
    let name_start = before + 1;
    let name_end = name_start + name_len;
    let region_end = if empty { after - 2 } else { after - 1 };
    if name_len == 0 || name_end > region_end {
        return Err(syntax(text, before, "missing element name"));
    }
    check_name(text, name_start, name_end)?;
    let attr_start = doc.attrs.len() as u32;
    let tail = parse_attrs(doc, text, name_end, region_end, attr_start as usize)?;
    let el = Elem {
        name: Span::src(name_start, name_end),
        attr_start,
        attr_len: doc.attrs.len() as u32 - attr_start,
        tail,
        raw_start: Some(Span::src(before, after)),
        raw_end: None,
        empty,
    };
    Ok(doc.push(Node::new(Kind::Element(el), before as u32)))
}

fn check_name(text: &str, start: usize, end: usize) -> Result<(), Error> {
    let name = &text[start..end];
    let bad_first = name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.');
    if let Some(i) = name
        .find(|c: char| "\"'<>&=/;!?()[]{}".contains(c))
        .or(bad_first.then_some(0))
    {
        return Err(syntax(
            text,
            start + i,
            format!("invalid character in name '{name}'"),
        ));
    }
    Ok(())
}

/// Parses `text[i..end]` (after the element name) into attributes; returns the trailing
/// whitespace.
fn parse_attrs(
    doc: &mut Document,
    text: &str,
    mut i: usize,
    end: usize,
    first_attr: usize,
) -> Result<Span, Error> {
    let b = text.as_bytes();
    loop {
        let ws_start = i;
        while i < end && is_ws(b[i]) {
            i += 1;
        }
        if i == end {
            return Ok(Span::src(ws_start, end));
        }
        if i == ws_start {
            return Err(syntax(text, i, "expected whitespace before an attribute"));
        }
        let name_start = i;
        while i < end && !is_ws(b[i]) && b[i] != b'=' {
            i += 1;
        }
        check_name(text, name_start, i)?;
        let name = &text[name_start..i];
        let eq_start = i;
        while i < end && is_ws(b[i]) {
            i += 1;
        }
        if i == end || b[i] != b'=' {
            return Err(syntax(
                text,
                name_start,
                format!("attribute '{name}' has no value"),
            ));
        }
        i += 1;
        while i < end && is_ws(b[i]) {
            i += 1;
        }
        let eq = Span::src(eq_start, i);
        let quote = match b.get(i) {
            Some(&q @ (b'\'' | b'"')) if i < end => q,
            _ => {
                return Err(syntax(
                    text,
                    i,
                    format!("value of attribute '{name}' must be quoted"),
                ));
            }
        };
        let value_start = i + 1;
        let Some(len) = b[value_start..end].iter().position(|&c| c == quote) else {
            return Err(syntax(
                text,
                i,
                format!("value of attribute '{name}' is not closed"),
            ));
        };
        let value = &text[value_start..value_start + len];
        if let Some(lt) = value.find('<') {
            return Err(syntax(text, value_start + lt, "'<' in an attribute value"));
        }
        if let Err((at, message)) = check_refs(value) {
            return Err(syntax(text, value_start + at, message));
        }
        if doc.attrs[first_attr..]
            .iter()
            .any(|a| &text[a.name.start as usize..(a.name.start + a.name.len) as usize] == name)
        {
            return Err(syntax(
                text,
                name_start,
                format!("duplicate attribute '{name}'"),
            ));
        }
        doc.attrs.push(Attr {
            ws: Span::src(ws_start, name_start),
            name: Span::src(name_start, eq_start),
            eq,
            quote,
            value: Span::src(value_start, value_start + len),
        });
        i = value_start + len + 1;
    }
}
