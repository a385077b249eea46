//! The machinery shared by every typed view.
//!
//! A typed view is a `Copy` handle naming one element ([`NodeId`]); its getters read through
//! `&impl AsRef<Document>` and its setters edit through `&mut impl AsMut<Document>`, so
//! handles can be kept while the document changes. Each kind of document (a domain, a
//! network...) is a wrapper owning a [`Document`] whose root element was checked.

use crate::error::Error;
use crate::tree::{Document, NodeId};

/// Yes/no attribute values as libvirt writes them.
pub(crate) fn yes_no(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

/// Reads `yes`/`on` as true and `no`/`off` as false.
pub(crate) fn parse_yes_no(v: &str) -> Option<bool> {
    match v.trim() {
        "yes" | "on" => Some(true),
        "no" | "off" => Some(false),
        _ => None,
    }
}

/// Checks the root element of `doc`.
pub(crate) fn check_root(doc: &Document, expected: &'static str) -> Result<(), Error> {
    let found = doc.name(doc.root());
    if found == expected {
        return Ok(());
    }
    let (line, column) = doc.position(doc.root());
    Err(Error::WrongRoot {
        line,
        column,
        expected,
        found: found.to_owned(),
    })
}

/// Declares a handle type over one element.
macro_rules! handle {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub $crate::tree::NodeId);

        impl $name {
            /// The element this view reads.
            pub fn node(self) -> $crate::tree::NodeId {
                self.0
            }

            /// The element serialized.
            pub fn to_xml(self, d: &impl AsRef<$crate::tree::Document>) -> String {
                d.as_ref().node_to_string(self.0)
            }
        }
    };
}

/// Declares an owning wrapper around a document with a given root element.
macro_rules! typed_doc {
    ($(#[$m:meta])* $name:ident, $root:ident, $elem:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone)]
        pub struct $name {
            doc: $crate::tree::Document,
        }

        impl $name {
            #[doc = concat!("Parses a document whose root must be `<", $elem, ">`.")]
            pub fn parse(text: &str) -> Result<$name, $crate::error::Error> {
                $name::from_document($crate::tree::Document::parse(text)?)
            }

            #[doc = concat!("Wraps a parsed document whose root must be `<", $elem, ">`.")]
            pub fn from_document(doc: $crate::tree::Document) -> Result<$name, $crate::error::Error> {
                $crate::view::check_root(&doc, $elem)?;
                Ok($name { doc })
            }

            /// The typed view of the root element.
            pub fn root(&self) -> $root {
                $root(self.doc.root())
            }

            /// The lossless tree.
            pub fn doc(&self) -> &$crate::tree::Document {
                &self.doc
            }

            /// The lossless tree, for edits no typed view covers.
            pub fn doc_mut(&mut self) -> &mut $crate::tree::Document {
                &mut self.doc
            }

            /// Gives back the tree.
            pub fn into_document(self) -> $crate::tree::Document {
                self.doc
            }

            /// The document serialized (byte-identical to the source while unchanged).
            #[allow(clippy::inherent_to_string_shadow_display)]
            pub fn to_string(&self) -> String {
                self.doc.to_string()
            }
        }

        impl AsRef<$crate::tree::Document> for $name {
            fn as_ref(&self) -> &$crate::tree::Document {
                &self.doc
            }
        }

        impl AsMut<$crate::tree::Document> for $name {
            fn as_mut(&mut self) -> &mut $crate::tree::Document {
                &mut self.doc
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.doc.to_string())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::Error;
            fn from_str(s: &str) -> Result<$name, $crate::error::Error> {
                $name::parse(s)
            }
        }
    };
}

/// A string attribute of the handle's element: getter and `Option` setter.
macro_rules! attr_str {
    ($get:ident, $set:ident, $attr:literal) => {
        #[doc = concat!("The `", $attr, "` attribute.")]
        pub fn $get<'d>(
            self,
            d: &'d impl AsRef<$crate::tree::Document>,
        ) -> Option<std::borrow::Cow<'d, str>> {
            d.as_ref().attr(self.0, $attr)
        }

        #[doc = concat!("Sets the `", $attr, "` attribute; `None` removes it.")]
        pub fn $set(self, d: &mut impl AsMut<$crate::tree::Document>, value: Option<&str>) {
            d.as_mut().set_attr_opt(self.0, $attr, value)
        }
    };
}

/// An attribute parsed with `FromStr` and written with `Display`.
macro_rules! attr_parsed {
    ($get:ident, $set:ident, $attr:literal, $ty:ty) => {
        #[doc = concat!("The `", $attr, "` attribute, parsed.")]
        pub fn $get(
            self,
            d: &impl AsRef<$crate::tree::Document>,
        ) -> Result<Option<$ty>, $crate::error::Error> {
            d.as_ref().attr_parse(self.0, $attr)
        }

        #[doc = concat!("Sets the `", $attr, "` attribute; `None` removes it.")]
        pub fn $set(self, d: &mut impl AsMut<$crate::tree::Document>, value: Option<$ty>) {
            let value = value.map(|v| v.to_string());
            d.as_mut().set_attr_opt(self.0, $attr, value.as_deref())
        }
    };
}

/// A yes/no attribute.
macro_rules! attr_bool {
    ($get:ident, $set:ident, $attr:literal) => {
        #[doc = concat!("The `", $attr, "` yes/no attribute.")]
        pub fn $get(self, d: &impl AsRef<$crate::tree::Document>) -> Option<bool> {
            d.as_ref()
                .attr(self.0, $attr)
                .and_then(|v| $crate::view::parse_yes_no(&v))
        }

        #[doc = concat!("Sets the `", $attr, "` yes/no attribute; `None` removes it.")]
        pub fn $set(self, d: &mut impl AsMut<$crate::tree::Document>, value: Option<bool>) {
            d.as_mut()
                .set_attr_opt(self.0, $attr, value.map($crate::view::yes_no))
        }
    };
}

/// The text of a child element; setting `None` removes the child.
macro_rules! child_text {
    ($get:ident, $set:ident, $child:literal, $order:expr) => {
        #[doc = concat!("The text of the `<", $child, ">` child.")]
        pub fn $get<'d>(
            self,
            d: &'d impl AsRef<$crate::tree::Document>,
        ) -> Option<std::borrow::Cow<'d, str>> {
            d.as_ref().child_text(self.0, $child)
        }

        #[doc = concat!("Sets the text of the `<", $child, ">` child; `None` removes the child.")]
        pub fn $set(self, d: &mut impl AsMut<$crate::tree::Document>, value: Option<&str>) {
            let doc = d.as_mut();
            match value {
                Some(v) => {
                    let c = doc.ensure_child(self.0, $child, $order);
                    doc.set_text(c, v);
                }
                None => doc.remove_children(self.0, $child),
            }
        }
    };
}

/// An attribute of a child element; setting creates the child, `None` removes the attribute.
macro_rules! child_attr {
    ($get:ident, $set:ident, $child:literal, $attr:literal, $order:expr) => {
        #[doc = concat!("The `", $attr, "` attribute of the `<", $child, ">` child.")]
        pub fn $get<'d>(
            self,
            d: &'d impl AsRef<$crate::tree::Document>,
        ) -> Option<std::borrow::Cow<'d, str>> {
            let doc = d.as_ref();
            doc.child(self.0, $child).and_then(|c| doc.attr(c, $attr))
        }

        #[doc = concat!("Sets the `", $attr, "` attribute of the `<", $child, ">` child.")]
        pub fn $set(self, d: &mut impl AsMut<$crate::tree::Document>, value: Option<&str>) {
            let doc = d.as_mut();
            match value {
                Some(v) => {
                    let c = doc.ensure_child(self.0, $child, $order);
                    doc.set_attr(c, $attr, v);
                }
                None => {
                    if let Some(c) = doc.child(self.0, $child) {
                        doc.remove_attr(c, $attr);
                    }
                }
            }
        }
    };
}

/// Presence of an empty child element (`<readonly/>`).
macro_rules! child_flag {
    ($get:ident, $set:ident, $child:literal, $order:expr) => {
        #[doc = concat!("Whether the `<", $child, "/>` child is present.")]
        pub fn $get(self, d: &impl AsRef<$crate::tree::Document>) -> bool {
            d.as_ref().child(self.0, $child).is_some()
        }

        #[doc = concat!("Adds or removes the `<", $child, "/>` child.")]
        pub fn $set(self, d: &mut impl AsMut<$crate::tree::Document>, on: bool) {
            let doc = d.as_mut();
            if on {
                doc.ensure_child(self.0, $child, $order);
            } else {
                doc.remove_children(self.0, $child);
            }
        }
    };
}

pub(crate) use {
    attr_bool, attr_parsed, attr_str, child_attr, child_flag, child_text, handle, typed_doc,
};

/// Finds the child `name` of `n`, or reports it missing at `n`.
pub(crate) fn require(doc: &Document, n: NodeId, name: &str) -> Result<NodeId, Error> {
    doc.child(n, name)
        .ok_or_else(|| doc.missing(n, format!("<{}> has no <{name}>", doc.name(n))))
}
