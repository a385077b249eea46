//! Serialization: unchanged nodes are copied from the source, changed ones are rebuilt from
//! their pieces (names, attributes with their own whitespace and quotes).

use super::{Document, Kind, NONE, NodeId};

impl Document {
    /// Appends the serialized document to `out`.
    pub fn write_to(&self, out: &mut String) {
        let mut cur = self.nodes[0].first;
        while cur != NONE {
            self.open(NodeId(cur), out);
            let node = &self.nodes[cur as usize];
            if node.first != NONE {
                cur = node.first;
                continue;
            }
            self.close(NodeId(cur), out);
            loop {
                let node = &self.nodes[cur as usize];
                if node.next != NONE {
                    cur = node.next;
                    break;
                }
                cur = node.parent;
                if cur == 0 || cur == NONE {
                    return;
                }
                self.close(NodeId(cur), out);
            }
        }
    }

    /// Serializes one node and its descendants.
    pub fn node_to_string(&self, n: NodeId) -> String {
        let mut out = String::new();
        self.open(n, &mut out);
        for c in self.children(n) {
            out.push_str(&self.node_to_string(c));
        }
        self.close(n, &mut out);
        out
    }

    fn open(&self, n: NodeId, out: &mut String) {
        let node = &self.nodes[n.0 as usize];
        match &node.kind {
            Kind::Document => {}
            Kind::Element(el) => {
                if let Some(raw) = el.raw_start {
                    out.push_str(self.s(raw));
                    return;
                }
                out.push('<');
                out.push_str(self.s(el.name));
                for a in self.attr_slice(n) {
                    let ws = self.s(a.ws);
                    out.push_str(if ws.is_empty() { " " } else { ws });
                    out.push_str(self.s(a.name));
                    let eq = self.s(a.eq);
                    out.push_str(if eq.is_empty() { "=" } else { eq });
                    out.push(a.quote as char);
                    out.push_str(self.s(a.value));
                    out.push(a.quote as char);
                }
                out.push_str(self.s(el.tail));
                out.push_str(if el.empty && node.first == NONE {
                    "/>"
                } else {
                    ">"
                });
            }
            Kind::Text(s)
            | Kind::CData(s)
            | Kind::Comment(s)
            | Kind::Pi(s)
            | Kind::Decl(s)
            | Kind::DocType(s) => out.push_str(self.s(*s)),
        }
    }

    fn close(&self, n: NodeId, out: &mut String) {
        let node = &self.nodes[n.0 as usize];
        if let Kind::Element(el) = &node.kind {
            if el.empty && node.first == NONE {
                return;
            }
            match el.raw_end {
                Some(raw) => out.push_str(self.s(raw)),
                None => {
                    out.push_str("</");
                    out.push_str(self.s(el.name));
                    out.push('>');
                }
            }
        }
    }
}
