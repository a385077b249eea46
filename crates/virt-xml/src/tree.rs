//! The lossless element tree: every byte of a parsed document is kept, so an unchanged
//! document serializes back to exactly the text it came from, and an edit rewrites only
//! the markup of the nodes it touches.

mod edit;
mod escape;
mod parse;
mod write;

use std::borrow::Cow;

use crate::error::{Error, line_col};

pub use escape::{escape_attr, escape_text, unescape};

/// A handle to one node of a [`Document`]. Handles stay valid across edits; a removed
/// node's handle points at a detached node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// The kind of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The document itself (parent of the prolog, the root element and the epilogue).
    Document,
    /// An element.
    Element,
    /// Character data, including whitespace between elements.
    Text,
    /// A `<![CDATA[...]]>` section.
    CData,
    /// A `<!-- ... -->` comment.
    Comment,
    /// A processing instruction `<?target ...?>`.
    ProcessingInstruction,
    /// The XML declaration `<?xml ...?>`.
    Declaration,
    /// A `<!DOCTYPE ...>` declaration.
    DocType,
}

/// A piece of text: a range of the source (high bit clear) or of the edit buffer (high bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

const EXTRA: u32 = 1 << 31;
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub(crate) struct Attr {
    /// Whitespace before the attribute name.
    pub(crate) ws: Span,
    pub(crate) name: Span,
    /// The `=` with any whitespace around it.
    pub(crate) eq: Span,
    pub(crate) quote: u8,
    /// The value as written, escaped.
    pub(crate) value: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct Elem {
    pub(crate) name: Span,
    pub(crate) attr_start: u32,
    pub(crate) attr_len: u32,
    /// Whitespace between the last attribute and `>` or `/>`.
    pub(crate) tail: Span,
    /// The start tag as written, while it is unchanged.
    pub(crate) raw_start: Option<Span>,
    /// The end tag as written, while it is unchanged.
    pub(crate) raw_end: Option<Span>,
    /// Written as `<name/>` while it has no children.
    pub(crate) empty: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Document,
    Element(Elem),
    /// Raw escaped text.
    Text(Span),
    /// For the rest: the whole markup as written.
    CData(Span),
    Comment(Span),
    Pi(Span),
    Decl(Span),
    DocType(Span),
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) parent: u32,
    pub(crate) first: u32,
    pub(crate) last: u32,
    pub(crate) prev: u32,
    pub(crate) next: u32,
    /// Byte offset in the source, or `NONE` for nodes made by edits.
    pub(crate) pos: u32,
}

impl Node {
    fn new(kind: Kind, pos: u32) -> Node {
        Node {
            kind,
            parent: NONE,
            first: NONE,
            last: NONE,
            prev: NONE,
            next: NONE,
            pos,
        }
    }
}

/// A parsed XML document that keeps everything it was given.
#[derive(Debug, Clone)]
pub struct Document {
    src: String,
    extra: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) attrs: Vec<Attr>,
    root: u32,
}

fn opt(id: u32) -> Option<NodeId> {
    (id != NONE).then_some(NodeId(id))
}

impl Document {
    /// Parses `text`, keeping every byte of it.
    pub fn parse(text: &str) -> Result<Document, Error> {
        parse::parse(text)
    }

    /// The document serialized: byte-identical to the source while nothing was edited.
    #[allow(clippy::inherent_to_string_shadow_display)]
    pub fn to_string(&self) -> String {
        let mut out = String::with_capacity(self.src.len() + self.extra.len());
        self.write_to(&mut out);
        out
    }

    /// The document node (parent of the root element).
    pub fn document_node(&self) -> NodeId {
        NodeId(0)
    }

    /// The root element.
    pub fn root(&self) -> NodeId {
        NodeId(self.root)
    }

    pub(crate) fn s(&self, span: Span) -> &str {
        let (buf, start) = if span.start & EXTRA != 0 {
            (&self.extra, span.start & !EXTRA)
        } else {
            (&self.src, span.start)
        };
        let (a, b) = (start as usize, start as usize + span.len as usize);
        buf.get(a..b).unwrap_or("")
    }

    pub(crate) fn node(&self, n: NodeId) -> &Node {
        &self.nodes[n.0 as usize]
    }

    pub(crate) fn elem(&self, n: NodeId) -> Option<&Elem> {
        match &self.node(n).kind {
            Kind::Element(e) => Some(e),
            _ => None,
        }
    }

    /// What kind of node `n` is.
    pub fn kind(&self, n: NodeId) -> NodeKind {
        match self.node(n).kind {
            Kind::Document => NodeKind::Document,
            Kind::Element(_) => NodeKind::Element,
            Kind::Text(_) => NodeKind::Text,
            Kind::CData(_) => NodeKind::CData,
            Kind::Comment(_) => NodeKind::Comment,
            Kind::Pi(_) => NodeKind::ProcessingInstruction,
            Kind::Decl(_) => NodeKind::Declaration,
            Kind::DocType(_) => NodeKind::DocType,
        }
    }

    /// The qualified name of an element (`qemu:commandline`), or "" for other nodes.
    pub fn name(&self, n: NodeId) -> &str {
        self.elem(n).map_or("", |e| self.s(e.name))
    }

    /// The name of an element without its namespace prefix.
    pub fn local_name(&self, n: NodeId) -> &str {
        let name = self.name(n);
        name.rsplit_once(':').map_or(name, |(_, local)| local)
    }

    /// The namespace URI an element's prefix (or the default namespace) is bound to.
    pub fn namespace(&self, n: NodeId) -> Option<Cow<'_, str>> {
        let name = self.name(n);
        let key = match name.split_once(':') {
            Some((prefix, _)) => Cow::Owned(format!("xmlns:{prefix}")),
            None => Cow::Borrowed("xmlns"),
        };
        let mut cur = Some(n);
        while let Some(c) = cur {
            if let Some(v) = self.attr(c, &key) {
                return Some(v);
            }
            cur = self.parent(c);
        }
        None
    }

    /// Raw markup of a non-element node (text escaped, comments with their delimiters).
    pub fn raw(&self, n: NodeId) -> &str {
        match self.node(n).kind {
            Kind::Text(s)
            | Kind::CData(s)
            | Kind::Comment(s)
            | Kind::Pi(s)
            | Kind::Decl(s)
            | Kind::DocType(s) => self.s(s),
            Kind::Document | Kind::Element(_) => "",
        }
    }

    /// The parent of a node; `None` for the document node and detached nodes.
    pub fn parent(&self, n: NodeId) -> Option<NodeId> {
        opt(self.node(n).parent)
    }

    /// The first child of a node.
    pub fn first_child(&self, n: NodeId) -> Option<NodeId> {
        opt(self.node(n).first)
    }

    /// The next sibling of a node.
    pub fn next_sibling(&self, n: NodeId) -> Option<NodeId> {
        opt(self.node(n).next)
    }

    /// The previous sibling of a node.
    pub fn prev_sibling(&self, n: NodeId) -> Option<NodeId> {
        opt(self.node(n).prev)
    }

    /// All children of a node, in order.
    pub fn children(&self, n: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(self.first_child(n), move |&c| self.next_sibling(c))
    }

    /// The element children of a node.
    pub fn elements(&self, n: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(n)
            .filter(move |&c| matches!(self.node(c).kind, Kind::Element(_)))
    }

    /// The element children named `name`.
    pub fn elements_named<'a>(
        &'a self,
        n: NodeId,
        name: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.elements(n).filter(move |&c| self.name(c) == name)
    }

    /// The first element child named `name`.
    pub fn child(&self, n: NodeId, name: &str) -> Option<NodeId> {
        self.elements_named(n, name).next()
    }

    /// Follows a `/`-separated path of element names from `n` (first match at each step).
    pub fn find(&self, n: NodeId, path: &str) -> Option<NodeId> {
        path.split('/')
            .filter(|p| !p.is_empty())
            .try_fold(n, |cur, step| self.child(cur, step))
    }

    /// The attributes of an element: (name, unescaped value), in document order.
    pub fn attrs(&self, n: NodeId) -> impl Iterator<Item = (&str, Cow<'_, str>)> + '_ {
        self.attr_slice(n)
            .iter()
            .map(move |a| (self.s(a.name), unescape(self.s(a.value))))
    }

    pub(crate) fn attr_slice(&self, n: NodeId) -> &[Attr] {
        match self.elem(n) {
            Some(e) => {
                let a = e.attr_start as usize;
                &self.attrs[a..a + e.attr_len as usize]
            }
            None => &[],
        }
    }

    /// The unescaped value of attribute `name` of an element.
    pub fn attr(&self, n: NodeId, name: &str) -> Option<Cow<'_, str>> {
        self.attr_slice(n)
            .iter()
            .find(|a| self.s(a.name) == name)
            .map(|a| unescape(self.s(a.value)))
    }

    /// The text content of an element: its text and CDATA children, unescaped.
    pub fn text(&self, n: NodeId) -> Cow<'_, str> {
        let mut parts = self.children(n).filter_map(|c| self.text_of(c));
        let Some(first) = parts.next() else {
            return Cow::Borrowed("");
        };
        match parts.next() {
            None => first,
            Some(second) => {
                let mut s = first.into_owned();
                s.push_str(&second);
                parts.for_each(|p| s.push_str(&p));
                Cow::Owned(s)
            }
        }
    }

    fn text_of(&self, c: NodeId) -> Option<Cow<'_, str>> {
        match self.node(c).kind {
            Kind::Text(s) => Some(unescape(self.s(s))),
            Kind::CData(s) => {
                let raw = self.s(s);
                Some(Cow::Borrowed(
                    raw.get(9..raw.len().saturating_sub(3)).unwrap_or(""),
                ))
            }
            _ => None,
        }
    }

    /// The text of the child element `name`, if there is one.
    pub fn child_text(&self, n: NodeId, name: &str) -> Option<Cow<'_, str>> {
        self.child(n, name).map(|c| self.text(c))
    }

    /// Line and column where a node starts in the source; nodes made by edits report the
    /// position of their nearest parsed ancestor.
    pub fn position(&self, n: NodeId) -> (u32, u32) {
        let mut cur = Some(n);
        while let Some(c) = cur {
            let pos = self.node(c).pos;
            if pos != NONE {
                return line_col(&self.src, pos as usize);
            }
            cur = self.parent(c);
        }
        (1, 1)
    }

    /// An [`Error::Invalid`] pointing at node `n`.
    pub fn invalid(&self, n: NodeId, message: impl Into<String>) -> Error {
        let (line, column) = self.position(n);
        Error::Invalid {
            line,
            column,
            message: message.into(),
        }
    }

    /// An [`Error::Missing`] pointing at node `n`.
    pub fn missing(&self, n: NodeId, message: impl Into<String>) -> Error {
        let (line, column) = self.position(n);
        Error::Missing {
            line,
            column,
            message: message.into(),
        }
    }

    /// Parses attribute `name` of `n` with `FromStr`, with a positioned error if it fails.
    pub fn attr_parse<T: std::str::FromStr>(
        &self,
        n: NodeId,
        name: &str,
    ) -> Result<Option<T>, Error> {
        match self.attr(n, name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                self.invalid(
                    n,
                    format!(
                        "attribute '{name}' of <{}>: cannot read '{v}'",
                        self.name(n)
                    ),
                )
            }),
        }
    }

    /// Parses the text of `n` with `FromStr`, with a positioned error if it fails.
    pub fn text_parse<T: std::str::FromStr>(&self, n: NodeId) -> Result<T, Error> {
        let v = self.text(n);
        v.trim()
            .parse()
            .map_err(|_| self.invalid(n, format!("<{}>: cannot read '{v}'", self.name(n))))
    }
}

impl std::fmt::Display for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Document::to_string(self))
    }
}

impl AsRef<Document> for Document {
    fn as_ref(&self) -> &Document {
        self
    }
}

impl AsMut<Document> for Document {
    fn as_mut(&mut self) -> &mut Document {
        self
    }
}
