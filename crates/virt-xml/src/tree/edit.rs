//! Editing the tree: attributes, text, inserting and removing elements with indentation
//! that matches their siblings, and importing fragments.

use super::escape::{escape_attr, escape_text};
use super::{Attr, Document, EXTRA, Elem, Kind, NONE, Node, NodeId, Span};
use crate::error::Error;

impl Document {
    pub(crate) fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        NodeId(self.nodes.len() as u32 - 1)
    }

    /// Stores `s` in the edit buffer.
    pub(crate) fn add_str(&mut self, s: &str) -> Span {
        let start = self.extra.len() as u32 | EXTRA;
        self.extra.push_str(s);
        Span {
            start,
            len: s.len() as u32,
        }
    }

    pub(crate) fn append_child(&mut self, parent: NodeId, child: NodeId) {
        self.link(parent, child, NONE);
    }

    /// Links detached `child` under `parent` before sibling `before` (`NONE`: at the end).
    fn link(&mut self, parent: NodeId, child: NodeId, before: u32) {
        let (p, c) = (parent.0, child.0);
        let prev = if before == NONE {
            self.nodes[p as usize].last
        } else {
            self.nodes[before as usize].prev
        };
        {
            let node = &mut self.nodes[c as usize];
            node.parent = p;
            node.prev = prev;
            node.next = before;
        }
        if prev == NONE {
            self.nodes[p as usize].first = c;
        } else {
            self.nodes[prev as usize].next = c;
        }
        if before == NONE {
            self.nodes[p as usize].last = c;
        } else {
            self.nodes[before as usize].prev = c;
        }
    }

    /// Unlinks a node from its parent; the node and its subtree stay in the arena.
    fn detach(&mut self, n: NodeId) {
        let Node {
            parent, prev, next, ..
        } = self.nodes[n.0 as usize];
        if parent == NONE {
            return;
        }
        if prev == NONE {
            self.nodes[parent as usize].first = next;
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next == NONE {
            self.nodes[parent as usize].last = prev;
        } else {
            self.nodes[next as usize].prev = prev;
        }
        let node = &mut self.nodes[n.0 as usize];
        node.parent = NONE;
        node.prev = NONE;
        node.next = NONE;
    }

    fn elem_mut(&mut self, n: NodeId) -> Option<&mut Elem> {
        match &mut self.nodes[n.0 as usize].kind {
            Kind::Element(e) => Some(e),
            _ => None,
        }
    }

    /// Marks an element's start tag as changed and able to hold children.
    fn open_up(&mut self, n: NodeId) {
        if let Some(el) = self.elem_mut(n)
            && el.empty
        {
            el.empty = false;
            el.raw_start = None;
        }
    }

    /// Sets attribute `name` of element `n`, keeping its quote style if it exists; a new
    /// attribute goes last, quoted like the element's other attributes.
    pub fn set_attr(&mut self, n: NodeId, name: &str, value: &str) {
        let Some(el) = self.elem(n) else { return };
        let (start, len) = (el.attr_start as usize, el.attr_len as usize);
        let found = (start..start + len).find(|&i| self.s(self.attrs[i].name) == name);
        if let Some(i) = found {
            if super::unescape(self.s(self.attrs[i].value)) == value {
                return;
            }
            let quote = self.attrs[i].quote;
            let span = self.add_str(&escape_attr(value, quote as char));
            self.attrs[i].value = span;
        } else {
            let quote = self
                .attrs
                .get(start)
                .map_or(self.preferred_quote(), |a| a.quote);
            let attr = Attr {
                ws: self.add_str(" "),
                name: self.add_str(name),
                eq: self.add_str("="),
                quote,
                value: self.add_str(&escape_attr(value, quote as char)),
            };
            if start + len != self.attrs.len() {
                self.attrs.extend_from_within(start..start + len);
            }
            let new_start = self.attrs.len() - len;
            self.attrs.push(attr);
            if let Some(el) = self.elem_mut(n) {
                el.attr_start = new_start as u32;
                el.attr_len = len as u32 + 1;
            }
        }
        if let Some(el) = self.elem_mut(n) {
            el.raw_start = None;
        }
    }

    /// Sets or removes an attribute.
    pub fn set_attr_opt(&mut self, n: NodeId, name: &str, value: Option<&str>) {
        match value {
            Some(v) => self.set_attr(n, name, v),
            None => {
                self.remove_attr(n, name);
            }
        }
    }

    fn preferred_quote(&self) -> u8 {
        self.attrs.first().map_or(b'\'', |a| a.quote)
    }

    /// Removes attribute `name`; returns whether it was there.
    pub fn remove_attr(&mut self, n: NodeId, name: &str) -> bool {
        let Some(el) = self.elem(n) else { return false };
        let (start, len) = (el.attr_start as usize, el.attr_len as usize);
        let Some(i) = (start..start + len).find(|&i| self.s(self.attrs[i].name) == name) else {
            return false;
        };
        let new_start = self.attrs.len();
        self.attrs.extend_from_within(start..i);
        self.attrs.extend_from_within(i + 1..start + len);
        if let Some(el) = self.elem_mut(n) {
            el.attr_start = new_start as u32;
            el.attr_len = len as u32 - 1;
            el.raw_start = None;
        }
        true
    }

    /// Replaces the content of element `n` with `text` (escaped as needed).
    pub fn set_text(&mut self, n: NodeId, text: &str) {
        if self
            .children(n)
            .all(|c| matches!(self.node(c).kind, Kind::Text(_)))
            && self.text(n) == text
            && !(text.is_empty() && self.first_child(n).is_some())
        {
            return;
        }
        while let Some(c) = self.first_child(n) {
            self.detach(c);
        }
        if !text.is_empty() {
            self.open_up(n);
            let span = self.add_str(&escape_text(text));
            let t = self.push(Node::new(Kind::Text(span), NONE));
            self.append_child(n, t);
        }
    }

    /// A new detached element.
    fn new_element(&mut self, name: &str) -> NodeId {
        let el = Elem {
            name: self.add_str(name),
            attr_start: self.attrs.len() as u32,
            attr_len: 0,
            tail: Span::default(),
            raw_start: None,
            raw_end: None,
            empty: true,
        };
        self.push(Node::new(Kind::Element(el), NONE))
    }

    fn is_blank_text(&self, n: u32) -> bool {
        n != NONE
            && matches!(self.nodes[n as usize].kind, Kind::Text(s) if self.s(s).bytes().all(|b| b.is_ascii_whitespace()))
    }

    /// The indentation of `n`: what follows the last newline of the blank text before it.
    pub(crate) fn indent_of(&self, n: NodeId) -> Option<String> {
        let prev = self.nodes[n.0 as usize].prev;
        if !self.is_blank_text(prev) {
            return None;
        }
        let raw = self.raw(NodeId(prev));
        raw.rfind('\n').map(|i| raw[i + 1..].to_owned())
    }

    fn indent_unit(&self) -> String {
        self.elements(self.root())
            .next()
            .and_then(|c| self.indent_of(c))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "  ".to_owned())
    }

    fn text_node(&mut self, s: &str) -> NodeId {
        let span = self.add_str(s);
        self.push(Node::new(Kind::Text(span), NONE))
    }

    /// Links detached element `x` under `parent` after element `after` (or before element
    /// `before`, or at the end), adding whitespace so it is indented like its siblings.
    fn place(&mut self, parent: NodeId, x: NodeId, after: Option<NodeId>, before: Option<NodeId>) {
        self.open_up(parent);
        let sibling = after.or(before).or_else(|| self.elements(parent).last());
        if let Some(sib) = sibling {
            let indent = self.indent_of(sib);
            match (
                after.or(if before.is_none() { Some(sib) } else { None }),
                indent,
            ) {
                (Some(a), Some(ind)) => {
                    let next = self.nodes[a.0 as usize].next;
                    let ws = self.text_node(&format!("\n{ind}"));
                    self.link(parent, ws, next);
                    self.link(parent, x, next);
                }
                (Some(a), None) => {
                    let next = self.nodes[a.0 as usize].next;
                    self.link(parent, x, next);
                }
                (None, Some(ind)) => {
                    self.link(parent, x, sib.0);
                    let ws = self.text_node(&format!("\n{ind}"));
                    self.link(parent, ws, sib.0);
                }
                (None, None) => self.link(parent, x, sib.0),
            }
            return;
        }
        // No element children: only blank text (or nothing) between the tags.
        let blank = self.children(parent).all(|c| self.is_blank_text(c.0));
        let outer = self.indent_of(parent);
        match outer {
            Some(outer) if blank => {
                while let Some(c) = self.first_child(parent) {
                    self.detach(c);
                }
                let unit = self.indent_unit();
                let ws = self.text_node(&format!("\n{outer}{unit}"));
                self.append_child(parent, ws);
                self.append_child(parent, x);
                let ws = self.text_node(&format!("\n{outer}"));
                self.append_child(parent, ws);
            }
            _ => self.append_child(parent, x),
        }
    }

    /// Appends a new element `name` as the last element child of `parent`.
    pub fn append_element(&mut self, parent: NodeId, name: &str) -> NodeId {
        let x = self.new_element(name);
        self.place(parent, x, None, None);
        x
    }

    /// Inserts a new element `name` right before sibling element `anchor`.
    pub fn insert_element_before(&mut self, anchor: NodeId, name: &str) -> NodeId {
        let x = self.new_element(name);
        if let Some(parent) = self.parent(anchor) {
            self.place(parent, x, None, Some(anchor));
        }
        x
    }

    /// Inserts a new element `name` right after sibling element `anchor`.
    pub fn insert_element_after(&mut self, anchor: NodeId, name: &str) -> NodeId {
        let x = self.new_element(name);
        if let Some(parent) = self.parent(anchor) {
            self.place(parent, x, Some(anchor), None);
        }
        x
    }

    /// The first child `name` of `parent`, created if missing. A new child is placed after
    /// the last sibling that comes before it in `order` (libvirt's element order), else
    /// before the first that comes after it, else last.
    pub fn ensure_child(&mut self, parent: NodeId, name: &str, order: &[&str]) -> NodeId {
        if let Some(c) = self.child(parent, name) {
            return c;
        }
        let x = self.new_element(name);
        let (after, before) = self.slot(parent, name, order);
        self.place(parent, x, after, before);
        x
    }

    fn slot(&self, parent: NodeId, name: &str, order: &[&str]) -> (Option<NodeId>, Option<NodeId>) {
        let Some(k) = order.iter().position(|o| *o == name) else {
            return (None, None);
        };
        let rank = |c: NodeId| order.iter().position(|o| *o == self.name(c));
        let after = self
            .elements(parent)
            .filter(|&c| rank(c).is_some_and(|r| r <= k))
            .last();
        if after.is_some() {
            return (after, None);
        }
        let before = self
            .elements(parent)
            .find(|&c| rank(c).is_some_and(|r| r > k));
        (None, before)
    }

    /// Removes node `n` and the blank text that indents it.
    pub fn remove(&mut self, n: NodeId) {
        let prev = self.nodes[n.0 as usize].prev;
        if self.is_blank_text(prev) && self.kind(n) == super::NodeKind::Element {
            self.detach(NodeId(prev));
        }
        self.detach(n);
    }

    /// Removes every child element of `parent` named `name`.
    pub fn remove_children(&mut self, parent: NodeId, name: &str) {
        let found: Vec<NodeId> = self.elements_named(parent, name).collect();
        found.into_iter().for_each(|c| self.remove(c));
    }

    /// Parses `xml` (one element) and appends it under `parent`, re-indented to fit.
    pub fn append_xml(&mut self, parent: NodeId, xml: &str) -> Result<NodeId, Error> {
        self.insert_xml(parent, xml, None)
    }

    /// Parses `xml` (one element) and inserts it under `parent` before element `before`
    /// (or last), re-indented to fit.
    pub fn insert_xml(
        &mut self,
        parent: NodeId,
        xml: &str,
        before: Option<NodeId>,
    ) -> Result<NodeId, Error> {
        let frag = Document::parse(xml)?;
        let placeholder = self.new_element("x");
        self.place(parent, placeholder, None, before);
        let indent = self.indent_of(placeholder).unwrap_or_default();
        let x = self.import(&frag, frag.root(), &indent);
        let next = self.nodes[placeholder.0 as usize].next;
        self.detach(placeholder);
        self.link(parent, x, next);
        Ok(x)
    }

    /// Copies node `n` of `other` (and its subtree) into this document, detached.
    fn import(&mut self, other: &Document, n: NodeId, indent: &str) -> NodeId {
        let id = match &other.node(n).kind {
            Kind::Element(el) => {
                let mut copy = el.clone();
                copy.name = self.add_str(other.s(el.name));
                copy.tail = self.add_str(other.s(el.tail));
                copy.raw_start = el.raw_start.map(|s| self.add_str(other.s(s)));
                copy.raw_end = el.raw_end.map(|s| self.add_str(other.s(s)));
                copy.attr_start = self.attrs.len() as u32;
                for a in other.attr_slice(n) {
                    let attr = Attr {
                        ws: self.add_str(other.s(a.ws)),
                        name: self.add_str(other.s(a.name)),
                        eq: self.add_str(other.s(a.eq)),
                        quote: a.quote,
                        value: self.add_str(other.s(a.value)),
                    };
                    self.attrs.push(attr);
                }
                self.push(Node::new(Kind::Element(copy), NONE))
            }
            Kind::Text(s) => {
                let raw = other.s(*s);
                let text = if raw.bytes().all(|b| b.is_ascii_whitespace()) {
                    raw.replace('\n', &format!("\n{indent}"))
                } else {
                    raw.to_owned()
                };
                self.text_node(&text)
            }
            other_kind => {
                let (Kind::CData(s)
                | Kind::Comment(s)
                | Kind::Pi(s)
                | Kind::Decl(s)
                | Kind::DocType(s)) = other_kind
                else {
                    return self.text_node("");
                };
                let span = self.add_str(other.s(*s));
                let mut kind = other_kind.clone();
                if let Kind::CData(x)
                | Kind::Comment(x)
                | Kind::Pi(x)
                | Kind::Decl(x)
                | Kind::DocType(x) = &mut kind
                {
                    *x = span;
                }
                self.push(Node::new(kind, NONE))
            }
        };
        for c in other.children(n) {
            let child = self.import(other, c, indent);
            self.append_child(id, child);
        }
        id
    }
}
