//! Every corpus document parses and serializes back byte for byte.

mod common;

use virt_xml::{Document, NodeKind};

#[test]
fn corpus_round_trips_byte_identical() {
    for (name, text) in common::corpus() {
        let doc = Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.to_string(), text, "{name} changed in a round trip");
    }
}

#[test]
fn corpus_subtrees_serialize_to_their_source() {
    for (name, text) in common::corpus() {
        let doc = Document::parse(&text).expect("parse");
        let mut stack = vec![doc.root()];
        while let Some(n) = stack.pop() {
            let s = doc.node_to_string(n);
            assert!(text.contains(&s), "{name}: subtree not found verbatim: {s}");
            stack.extend(doc.elements(n));
        }
    }
}

#[test]
fn keeps_comments_cdata_and_namespaces() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/handwritten/foreign-ns.xml"
    ))
    .expect("read");
    let doc = Document::parse(&text).expect("parse");
    let root = doc.root();
    assert_eq!(doc.name(root), "domain");
    assert_eq!(doc.child_text(root, "name").as_deref(), Some("edge&case"));
    assert_eq!(
        doc.child_text(root, "description").as_deref(),
        Some("<b>bold</b> & raw")
    );
    let thing = doc.find(root, "metadata/ex:thing").expect("ex:thing");
    assert_eq!(doc.local_name(thing), "thing");
    assert_eq!(
        doc.namespace(thing).as_deref(),
        Some("http://example.org/ex")
    );
    assert_eq!(doc.text(thing), "text <here> \u{263A}");
    let other = doc.find(root, "metadata/other/deep").expect("deep");
    assert_eq!(doc.namespace(other).as_deref(), Some("urn:other"));
    let kinds: Vec<NodeKind> = doc
        .children(doc.document_node())
        .map(|n| doc.kind(n))
        .collect();
    assert_eq!(
        kinds,
        [
            NodeKind::Declaration,
            NodeKind::Text,
            NodeKind::Comment,
            NodeKind::Text,
            NodeKind::ProcessingInstruction,
            NodeKind::Text,
            NodeKind::Element,
            NodeKind::Text,
            NodeKind::Comment,
            NodeKind::Text
        ]
    );
    let qemu = doc.child(root, "qemu:commandline").expect("commandline");
    let args: Vec<String> = doc
        .elements_named(qemu, "qemu:arg")
        .filter_map(|a| doc.attr(a, "value").map(|v| v.into_owned()))
        .collect();
    assert_eq!(args, ["-device", "pvpanic"]);
    let disk = doc.find(root, "devices/disk/source").expect("source");
    assert_eq!(
        doc.attr(disk, "file").as_deref(),
        Some("/var/lib/images/a b'c.qcow2")
    );
}
