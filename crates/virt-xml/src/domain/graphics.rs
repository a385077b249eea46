//! `<graphics>`: VNC and SPICE displays.

use std::borrow::Cow;

use crate::tree::Document;
use crate::view::{attr_bool, attr_parsed, attr_str, handle};

handle!(
    /// A `<graphics>` device.
    Graphics
);

impl Graphics {
    attr_str!(graphics_type, set_graphics_type, "type");
    attr_parsed!(port, set_port, "port", i32);
    attr_parsed!(tls_port, set_tls_port, "tlsPort", i32);
    attr_bool!(autoport, set_autoport, "autoport");
    attr_str!(passwd, set_passwd, "passwd");
    attr_str!(keymap, set_keymap, "keymap");

    /// The listen address: the `listen` attribute or the first `<listen type='address'>`.
    pub fn listen<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.attr(self.0, "listen").or_else(|| {
            doc.elements_named(self.0, "listen")
                .find(|&l| doc.attr(l, "type").as_deref() == Some("address"))
                .and_then(|l| doc.attr(l, "address"))
        })
    }

    /// Sets the listen address in the attribute and in `<listen type='address'>` (libvirt
    /// keeps both); `None` removes both.
    pub fn set_listen(self, d: &mut impl AsMut<Document>, address: Option<&str>) {
        let doc = d.as_mut();
        let has_attr = doc.attr(self.0, "listen").is_some();
        let child = doc
            .elements_named(self.0, "listen")
            .find(|&l| doc.attr(l, "type").as_deref() == Some("address"));
        match address {
            Some(a) => {
                if has_attr || child.is_none() {
                    doc.set_attr(self.0, "listen", a);
                }
                if let Some(c) = child {
                    doc.set_attr(c, "address", a);
                }
            }
            None => {
                doc.remove_attr(self.0, "listen");
                if let Some(c) = child {
                    doc.remove(c);
                }
            }
        }
    }

    /// The UNIX socket of a VNC display: the `socket` attribute or `<listen type='socket'>`.
    pub fn socket<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.attr(self.0, "socket").or_else(|| {
            doc.elements_named(self.0, "listen")
                .find(|&l| doc.attr(l, "type").as_deref() == Some("socket"))
                .and_then(|l| doc.attr(l, "socket"))
        })
    }

    /// Sets the VNC socket path (`socket` attribute, and `<listen type='socket'>` if present).
    pub fn set_socket(self, d: &mut impl AsMut<Document>, path: Option<&str>) {
        let doc = d.as_mut();
        let child = doc
            .elements_named(self.0, "listen")
            .find(|&l| doc.attr(l, "type").as_deref() == Some("socket"));
        match (path, child) {
            (Some(p), Some(c)) => {
                doc.set_attr(c, "socket", p);
                if doc.attr(self.0, "socket").is_some() {
                    doc.set_attr(self.0, "socket", p);
                }
            }
            (Some(p), None) => doc.set_attr(self.0, "socket", p),
            (None, c) => {
                doc.remove_attr(self.0, "socket");
                if let Some(c) = c {
                    doc.remove(c);
                }
            }
        }
    }
}
