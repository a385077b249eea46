//! Helpers shared by the integration tests: the corpus and a line diff.
#![allow(dead_code)]

use std::path::PathBuf;

/// Every corpus file: (file name, contents).
pub fn corpus() -> Vec<(String, String)> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    for dir in ["daemon", "handwritten"] {
        let mut entries: Vec<_> = std::fs::read_dir(base.join(dir))
            .expect("corpus dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        entries.sort();
        for p in entries {
            let text = std::fs::read_to_string(&p).expect("read corpus file");
            out.push((
                format!("{dir}/{}", p.file_name().expect("name").to_string_lossy()),
                text,
            ));
        }
    }
    assert!(out.len() >= 25, "corpus is missing files");
    out
}

/// Corpus files whose root element is `root`.
pub fn corpus_with_root(root: &str) -> Vec<(String, String)> {
    corpus()
        .into_iter()
        .filter(|(_, t)| virt_xml::Document::parse(t).is_ok_and(|d| d.name(d.root()) == root))
        .collect()
}

/// Lines removed from `before` and lines added in `after`.
pub fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(before, after);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches(['\n', '\r']).to_owned();
        match change.tag() {
            similar::ChangeTag::Delete => removed.push(line),
            similar::ChangeTag::Insert => added.push(line),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}
