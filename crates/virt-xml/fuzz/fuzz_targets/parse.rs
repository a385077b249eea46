//! Fuzzes the parser: any input either fails with a positioned error or round-trips byte
//! for byte, and the typed views and edits never panic on what parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use virt_xml::{AnyXml, Document};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Document::parse(text) {
        Ok(mut doc) => {
            assert_eq!(doc.to_string(), text);
            if let Ok(any) = AnyXml::parse(text) {
                let _ = any.summary();
            }
            let root = doc.root();
            doc.set_attr(root, "fuzz", "a'\"<&");
            let child = doc.append_element(root, "fuzz-child");
            doc.set_text(child, "x<y");
            let again = Document::parse(&doc.to_string()).expect("edited document parses");
            assert_eq!(again.attr(again.root(), "fuzz").as_deref(), Some("a'\"<&"));
        }
        Err(e) => {
            assert!(e.position().is_some());
        }
    }
});
