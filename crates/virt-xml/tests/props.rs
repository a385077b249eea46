//! Property tests: random typed edits never disturb unrelated nodes; cpuset parsing and
//! formatting agree with a naive set model.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expectation is a failed test

use std::collections::BTreeSet;

use proptest::prelude::*;
use virt_xml::domain::{DiskSource, Topology};
use virt_xml::{CpuSet, Document, DomainXml, NodeId, Size, Unit};

fn base() -> DomainXml {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/daemon/domain-full.xml"
    ))
    .expect("corpus");
    DomainXml::parse(&text).expect("parse")
}

#[derive(Debug, Clone)]
enum Op {
    Name(String),
    Memory(u64, usize),
    Vcpus(u32),
    DiskTarget(usize, String),
    DiskSource(usize, String),
    DiskReadonly(usize, bool),
    NicMac(usize, String),
    NicLink(usize, bool),
    GraphicsPort(usize, i32),
    Pin(u32, Vec<u32>),
    Unpin(u32),
    Title(Option<String>),
    Feature(String, bool),
    Topology(u32, u32, u32),
}

fn op() -> impl Strategy<Value = Op> {
    let text = "[a-zA-Z0-9 &<>'\"._-]{0,12}";
    prop_oneof![
        text.prop_map(Op::Name),
        (1u64..100_000, 0usize..4).prop_map(|(v, u)| Op::Memory(v, u)),
        (1u32..64).prop_map(Op::Vcpus),
        (0usize..6, "[a-z]{3}").prop_map(|(i, t)| Op::DiskTarget(i, t)),
        (0usize..6, "/[a-z/ ]{1,10}").prop_map(|(i, p)| Op::DiskSource(i, p)),
        (0usize..6, any::<bool>()).prop_map(|(i, b)| Op::DiskReadonly(i, b)),
        (0usize..4, "52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}")
            .prop_map(|(i, m)| Op::NicMac(i, m)),
        (0usize..4, any::<bool>()).prop_map(|(i, b)| Op::NicLink(i, b)),
        (0usize..2, -1i32..65535).prop_map(|(i, p)| Op::GraphicsPort(i, p)),
        (0u32..6, proptest::collection::vec(0u32..16, 1..5)).prop_map(|(v, c)| Op::Pin(v, c)),
        (0u32..6).prop_map(Op::Unpin),
        proptest::option::of(text).prop_map(Op::Title),
        (
            prop_oneof![Just("acpi"), Just("apic"), Just("pae"), Just("hap")],
            any::<bool>()
        )
            .prop_map(|(f, on)| Op::Feature(f.to_owned(), on)),
        (1u32..4, 1u32..4, 1u32..3).prop_map(|(s, c, t)| Op::Topology(s, c, t)),
    ]
}

/// Applies `op` and returns the element it is allowed to change.
fn apply(x: &mut DomainXml, op: &Op) -> NodeId {
    let d = x.root();
    let doc_child = |x: &DomainXml, name: &str| x.doc().child(x.doc().root(), name).expect(name);
    let devs = d.devices(x).expect("devices");
    match op {
        Op::Name(n) => {
            d.set_name(x, Some(n));
            doc_child(x, "name")
        }
        Op::Memory(v, u) => {
            let unit = [Unit::KIB, Unit::MIB, Unit::GIB, Unit::Decimal(2)][*u];
            d.set_memory(x, Size::new(*v, unit));
            doc_child(x, "memory")
        }
        Op::Vcpus(n) => {
            d.set_vcpus(x, *n);
            doc_child(x, "vcpu")
        }
        Op::DiskTarget(i, t) => {
            let disk = devs.disks(x)[*i];
            disk.set_target_dev(x, Some(t));
            disk.node()
        }
        Op::DiskSource(i, p) => {
            let disk = devs.disks(x)[*i];
            disk.set_source(x, &DiskSource::File(p.clone()));
            disk.node()
        }
        Op::DiskReadonly(i, on) => {
            let disk = devs.disks(x)[*i];
            disk.set_readonly(x, *on);
            disk.node()
        }
        Op::NicMac(i, m) => {
            let nic = devs.interfaces(x)[*i];
            nic.set_mac(x, Some(m));
            nic.node()
        }
        Op::NicLink(i, up) => {
            let nic = devs.interfaces(x)[*i];
            nic.set_link_state(x, Some(if *up { "up" } else { "down" }));
            nic.node()
        }
        Op::GraphicsPort(i, p) => {
            let g = devs.graphics(x)[*i];
            g.set_port(x, Some(*p));
            g.node()
        }
        Op::Pin(v, cpus) => {
            let tune = d.cputune(x).expect("cputune");
            tune.set_vcpupin(x, *v, Some(&cpus.iter().copied().collect()));
            tune.node()
        }
        Op::Unpin(v) => {
            let tune = d.cputune(x).expect("cputune");
            tune.set_vcpupin(x, *v, None);
            tune.node()
        }
        Op::Title(t) => {
            d.set_title(x, t.as_deref());
            // A new <title> is inserted as a sibling: the title itself is the only change.
            x.doc()
                .child(x.doc().root(), "title")
                .unwrap_or(x.doc().root())
        }
        Op::Feature(f, on) => {
            let features = d.features(x).expect("features");
            features.set(x, f, *on);
            features.node()
        }
        Op::Topology(s, c, t) => {
            let cpu = d.cpu(x).expect("cpu");
            cpu.set_topology(
                x,
                Some(Topology {
                    sockets: *s,
                    dies: 1,
                    cores: *c,
                    threads: *t,
                }),
            );
            cpu.node()
        }
    }
}

fn elements(doc: &Document) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut stack = vec![doc.root()];
    while let Some(n) = stack.pop() {
        out.push(n);
        stack.extend(doc.elements(n));
    }
    out
}

fn is_ancestor_or_self(doc: &Document, a: NodeId, mut n: NodeId) -> bool {
    loop {
        if n == a {
            return true;
        }
        match doc.parent(n) {
            Some(p) => n = p,
            None => return false,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_edits_leave_other_nodes_alone(ops in proptest::collection::vec(op(), 1..8)) {
        let original = base();
        let mut x = original.clone();
        let mut touched = Vec::new();
        for op in &ops {
            touched.push(apply(&mut x, op));
        }
        let after = x.to_string();
        let reparsed = DomainXml::parse(&after).expect("edited document parses");
        for n in elements(original.doc()) {
            let related = touched.iter().any(|&t| {
                is_ancestor_or_self(x.doc(), t, n) || is_ancestor_or_self(x.doc(), n, t)
            });
            if !related && x.doc().parent(n).is_some() {
                prop_assert_eq!(x.doc().node_to_string(n), original.doc().node_to_string(n));
            }
        }
        // The last value written is what a fresh parse reads.
        let d = reparsed.root();
        for op in ops.iter().rev() {
            match op {
                Op::Name(n) => {
                    let got = d.name(&reparsed).map(|s| s.into_owned());
                    prop_assert_eq!(got.as_deref(), Some(n.as_str()));
                    break;
                }
                Op::Vcpus(v) => { prop_assert_eq!(d.vcpus(&reparsed).expect("vcpus"), Some(*v)); break; }
                _ => {}
            }
        }
    }

    #[test]
    fn edit_then_restore_gives_back_the_bytes(i in 0usize..6, t in "[a-z]{3}", name in "[a-z]{1,8}") {
        let original = base();
        let text = original.to_string();
        let mut x = original.clone();
        let d = x.root();
        let disk = d.devices(&x).expect("devices").disks(&x)[i];
        let old_target = disk.target_dev(&x).expect("target").into_owned();
        let old_name = d.name(&x).expect("name").into_owned();
        disk.set_target_dev(&mut x, Some(&t));
        d.set_name(&mut x, Some(&name));
        disk.set_target_dev(&mut x, Some(&old_target));
        d.set_name(&mut x, Some(&old_name));
        prop_assert_eq!(x.to_string(), text);
    }

    #[test]
    fn cpuset_matches_a_naive_model(items in proptest::collection::vec((any::<bool>(), 0u32..300, 0u32..12), 1..12)) {
        let mut model = BTreeSet::new();
        let text: Vec<String> = items.iter().map(|&(neg, start, len)| {
            let end = start + len;
            for c in start..=end {
                if neg { model.remove(&c); } else { model.insert(c); }
            }
            let body = if len == 0 { start.to_string() } else { format!("{start}-{end}") };
            if neg { format!("^{body}") } else { body }
        }).collect();
        let text = text.join(",");
        let set: CpuSet = text.parse().expect("parse");
        prop_assert_eq!(set.iter().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
        prop_assert_eq!(set.len(), model.len());
        for c in 0..320 {
            prop_assert_eq!(set.contains(c), model.contains(&c));
        }
        let formatted = set.to_string();
        if model.is_empty() {
            prop_assert_eq!(formatted, "");
        } else {
            let again: CpuSet = formatted.parse().expect("reparse");
            prop_assert_eq!(&again, &set);
            prop_assert_eq!(again.to_string(), formatted.clone());
            prop_assert!(!formatted.contains('^'));
        }
        let len = (set.last().unwrap_or(0) / 8 + 1) as usize;
        prop_assert_eq!(CpuSet::from_cpumap(&set.to_cpumap(len)), set.clone());
        let short = CpuSet::from_cpumap(&set.to_cpumap(2));
        prop_assert_eq!(short.iter().collect::<Vec<_>>(), model.iter().copied().filter(|&c| c < 16).collect::<Vec<_>>());
    }

    #[test]
    fn cpuset_ops_match_a_naive_model(ops in proptest::collection::vec((any::<bool>(), 0u32..200), 0..64)) {
        let mut set = CpuSet::new();
        let mut model = BTreeSet::new();
        for (insert, c) in ops {
            if insert {
                prop_assert_eq!(set.insert(c), model.insert(c));
            } else {
                prop_assert_eq!(set.remove(c), model.remove(&c));
            }
        }
        prop_assert_eq!(set.iter().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
        prop_assert_eq!(set.is_empty(), model.is_empty());
        prop_assert_eq!(set.first(), model.first().copied());
        prop_assert_eq!(set.last(), model.last().copied());
        prop_assert_eq!(set == model.iter().copied().collect::<CpuSet>(), true);
    }

    #[test]
    fn parser_never_panics(s in "[<>/a-z =\"'&;!?\\[\\]-]{0,64}") {
        if let Ok(doc) = Document::parse(&s) {
            prop_assert_eq!(doc.to_string(), s);
        }
    }
}
