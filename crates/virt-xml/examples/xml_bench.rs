//! Parse + serialize speed of the lossless tree on a typical domain (~5 KB) and a host
//! capabilities document, next to plain quick-xml event reading and writing of the same
//! text (no tree) as a peer figure.
//!
//! `cargo run -p virt-xml --release --example xml_bench`
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expectation is a failed test

use std::hint::black_box;
use std::time::Instant;

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::Event;
use virt_xml::{Document, DomainXml};

const DOMAIN: &str = include_str!("../tests/corpus/daemon/domain-kernel-qemu-commandline.xml");
const TYPICAL: &str = include_str!("../tests/corpus/daemon/domain-typical.xml");
const FULL: &str = include_str!("../tests/corpus/daemon/domain-full.xml");
const CAPS: &str = include_str!("../tests/corpus/daemon/capabilities.xml");

fn tree_round_trip(text: &str) -> usize {
    let doc = Document::parse(text).expect("parse");
    doc.to_string().len()
}

fn typed_read(text: &str) -> usize {
    let x = DomainXml::parse(text).expect("parse");
    let d = x.root();
    let mut n = d.name(&x).map_or(0, |s| s.len());
    n += d.memory(&x).ok().flatten().map_or(0, |m| m.value as usize);
    if let Some(devs) = d.devices(&x) {
        for disk in devs.disks(&x) {
            n += disk.source_path(&x).map_or(0, |p| p.len());
        }
    }
    n + x.to_string().len()
}

fn quick_xml_round_trip(text: &str) -> usize {
    let mut reader = Reader::from_str(text);
    let mut writer = Writer::new(Vec::with_capacity(text.len()));
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(e) => writer.write_event(e).expect("write"),
            Err(e) => panic!("{e}"),
        }
    }
    writer.into_inner().len()
}

/// Median microseconds per call over `runs` batches of `batch` calls.
fn median_us(f: impl Fn(&str) -> usize, text: &str, runs: usize, batch: usize) -> f64 {
    for _ in 0..batch * 4 {
        black_box(f(black_box(text)));
    }
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(f(black_box(text)));
            }
            start.elapsed().as_secs_f64() * 1e6 / batch as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    assert_eq!(Document::parse(DOMAIN).expect("parse").to_string(), DOMAIN);
    println!(
        "{:<44} {:>10} {:>12} {:>8}",
        "document", "tree µs", "quick-xml µs", "ratio"
    );
    for (name, text) in [
        ("domain (kernel, qemu:commandline)", DOMAIN),
        ("typical domain (desktop VM)", TYPICAL),
        ("domain (38 devices)", FULL),
        ("host capabilities", CAPS),
    ] {
        let tree = median_us(tree_round_trip, text, 101, 200);
        let peer = median_us(quick_xml_round_trip, text, 101, 200);
        println!(
            "{:<44} {tree:>10.2} {peer:>12.2} {:>8.2}",
            format!("{name}, {} B", text.len()),
            tree / peer
        );
    }
    let typed = median_us(typed_read, FULL, 101, 200);
    println!(
        "{:<44} {typed:>10.2}",
        "domain (38 devices): parse + typed reads + write"
    );
}
