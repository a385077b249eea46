//! Over the whole corpus: every single edit changes only the lines of its own node, and
//! the typed domain edits change only their own lines.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expectation is a failed test

mod common;

use virt_xml::domain::DiskSource;
use virt_xml::{Document, DomainXml, NodeId, NodeKind, Size};

fn all_elements(doc: &Document) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut stack = vec![doc.root()];
    while let Some(n) = stack.pop() {
        out.push(n);
        stack.extend(doc.elements(n));
    }
    out
}

/// The 0-based line numbers the node's markup spans in the original text.
fn line_span(doc: &Document, n: NodeId) -> std::ops::RangeInclusive<usize> {
    let first = doc.position(n).0 as usize - 1;
    let start_tag_lines = doc.node_to_string(n).matches('\n').count();
    first..=first + start_tag_lines
}

fn changed_old_lines(before: &str, after: &str) -> Vec<usize> {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut out = Vec::new();
    for op in diff.ops() {
        if let similar::DiffOp::Delete {
            old_index, old_len, ..
        }
        | similar::DiffOp::Replace {
            old_index, old_len, ..
        } = *op
        {
            out.extend(old_index..old_index + old_len);
        }
    }
    out
}

#[test]
fn attribute_edits_touch_only_their_element() {
    let mut checked = 0;
    for (name, text) in common::corpus() {
        let base = Document::parse(&text).expect("parse");
        for n in all_elements(&base) {
            let attrs: Vec<String> = base.attrs(n).map(|(k, _)| k.to_owned()).collect();
            let span = line_span(&base, n);
            for a in &attrs {
                let mut doc = base.clone();
                doc.set_attr(n, a, "changed<&>'\"");
                let after = doc.to_string();
                assert_eq!(
                    Document::parse(&after)
                        .expect("reparse")
                        .attr(n, a)
                        .as_deref(),
                    Some("changed<&>'\"")
                );
                for line in changed_old_lines(&text, &after) {
                    assert!(
                        span.contains(&line),
                        "{name}: editing {a} changed line {line}"
                    );
                }
                let mut removed = base.clone();
                assert!(removed.remove_attr(n, a));
                assert!(removed.attr(n, a).is_none());
                assert_eq!(
                    Document::parse(&removed.to_string())
                        .expect("reparse")
                        .attrs(n)
                        .count(),
                    attrs.len() - 1
                );
                checked += 1;
            }
            let mut doc = base.clone();
            doc.set_attr(n, "hangar-new", "1");
            let after = doc.to_string();
            assert_eq!(
                changed_old_lines(&text, &after).len(),
                1,
                "{name}: adding an attribute changed more than one line"
            );
            doc.remove_attr(n, "hangar-new");
            assert_eq!(doc.attrs(n).count(), attrs.len());
        }
    }
    assert!(checked > 1000, "only {checked} attribute edits");
}

#[test]
fn text_edits_and_insertions_touch_only_their_element() {
    for (name, text) in common::corpus() {
        let base = Document::parse(&text).expect("parse");
        for n in all_elements(&base) {
            let leaf = base.children(n).all(|c| base.kind(c) == NodeKind::Text);
            if leaf && base.first_child(n).is_some() && !base.text(n).contains('\n') {
                let mut doc = base.clone();
                doc.set_text(n, "new & <text>");
                let after = doc.to_string();
                let lines = changed_old_lines(&text, &after);
                assert_eq!(lines.len(), 1, "{name}: {after}");
                assert_eq!(
                    Document::parse(&after).expect("reparse").text(n),
                    "new & <text>"
                );
            }
            let mut doc = base.clone();
            let c = doc.append_element(n, "hangar-added");
            doc.set_attr(c, "x", "1");
            let after = doc.to_string();
            let reparsed = Document::parse(&after).expect("reparse");
            assert!(reparsed.child(n, "hangar-added").is_some() || n == base.root());
            for line in changed_old_lines(&text, &after) {
                assert!(
                    line_span(&base, n).contains(&line),
                    "{name}: insertion changed line {line}"
                );
            }
            doc.remove(c);
            if base.elements(n).next().is_some() {
                assert_eq!(
                    doc.to_string(),
                    text,
                    "{name}: insert + remove is not a no-op"
                );
            }
        }
    }
}

#[test]
fn typed_domain_edits_on_every_domain() {
    let domains = common::corpus_with_root("domain");
    assert!(domains.len() >= 8);
    for (name, text) in domains {
        let base = DomainXml::parse(&text).expect("parse");
        let d = base.root();
        let check = |edit: &dyn Fn(&mut DomainXml), max_lines: usize| {
            let mut x = base.clone();
            edit(&mut x);
            let after = x.to_string();
            let lines = changed_old_lines(&text, &after);
            assert!(lines.len() <= max_lines, "{name}: {lines:?}\n{after}");
            DomainXml::parse(&after).expect("reparse");
            x
        };
        let x = check(&|x| d.set_name(x, Some("other-name")), 1);
        assert_eq!(d.name(&x).as_deref(), Some("other-name"));
        let x = check(&|x| d.set_memory(x, Size::mib(3000)), 1);
        assert_eq!(d.memory(&x).expect("m"), Some(Size::mib(3000)));
        let x = check(&|x| d.set_vcpus(x, 7), 1);
        assert_eq!(d.vcpus(&x).expect("v"), Some(7));
        let x = check(&|x| d.set_description(x, Some("described")), 1);
        assert_eq!(d.description(&x).as_deref(), Some("described"));
        if let Some(devs) = d.devices(&base) {
            for (i, disk) in devs.disks(&base).into_iter().enumerate() {
                let x = check(&|x| disk.set_target_dev(x, Some("vdz")), 1);
                assert_eq!(
                    disk.target_dev(&x).as_deref(),
                    Some("vdz"),
                    "{name} disk {i}"
                );
                let x = check(
                    &|x| disk.set_source(x, &DiskSource::File("/srv/x.img".into())),
                    8,
                );
                assert_eq!(
                    disk.source(&x).expect("s"),
                    DiskSource::File("/srv/x.img".into())
                );
            }
            for nic in devs.interfaces(&base) {
                let x = check(&|x| nic.set_mac(x, Some("52:54:00:00:00:99")), 1);
                assert_eq!(nic.mac(&x).as_deref(), Some("52:54:00:00:00:99"));
            }
            for g in devs.graphics(&base) {
                let x = check(&|x| g.set_port(x, Some(5999)), 1);
                assert_eq!(g.port(&x).expect("p"), Some(5999));
            }
        }
    }
}
