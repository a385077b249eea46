//! The lossless tree's edits: indentation of inserted elements, self-closing elements that
//! gain content, line-break styles, escaping, fragments, and syntax errors with positions.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expectation is a failed test

use virt_xml::{Document, Error};

fn edited(text: &str, edit: impl FnOnce(&mut Document)) -> String {
    let mut doc = Document::parse(text).expect("parse");
    edit(&mut doc);
    let out = doc.to_string();
    Document::parse(&out).expect("edited document parses");
    out
}

#[test]
fn inserts_match_sibling_indentation() {
    let text = "<a>\n    <b x='1'/>\n    <c/>\n</a>\n";
    assert_eq!(
        edited(text, |d| {
            let r = d.root();
            d.append_element(r, "d");
        }),
        "<a>\n    <b x='1'/>\n    <c/>\n    <d/>\n</a>\n"
    );
    assert_eq!(
        edited(text, |d| {
            let b = d.child(d.root(), "b").unwrap();
            d.insert_element_before(b, "z");
        }),
        "<a>\n    <z/>\n    <b x='1'/>\n    <c/>\n</a>\n"
    );
    assert_eq!(
        edited(text, |d| {
            let b = d.child(d.root(), "b").unwrap();
            let n = d.insert_element_after(b, "y");
            d.set_attr(n, "k", "v");
        }),
        "<a>\n    <b x='1'/>\n    <y k='v'/>\n    <c/>\n</a>\n"
    );
}

#[test]
fn empty_elements_open_up() {
    let text = "<a>\n  <b/>\n  <c></c>\n</a>";
    assert_eq!(
        edited(text, |d| {
            let b = d.child(d.root(), "b").unwrap();
            let x = d.append_element(b, "x");
            d.set_text(x, "1 < 2");
        }),
        "<a>\n  <b>\n    <x>1 &lt; 2</x>\n  </b>\n  <c></c>\n</a>"
    );
    assert_eq!(
        edited(text, |d| {
            let b = d.child(d.root(), "b").unwrap();
            d.set_text(b, "t");
            let c = d.child(d.root(), "c").unwrap();
            d.set_text(c, "u");
        }),
        "<a>\n  <b>t</b>\n  <c>u</c>\n</a>"
    );
}

#[test]
fn keeps_line_break_style_and_single_lines() {
    let crlf = "<a>\r\n\t<b/>\r\n</a>\r\n";
    assert_eq!(
        edited(crlf, |d| {
            let r = d.root();
            d.append_element(r, "c");
        }),
        "<a>\r\n\t<b/>\r\n\t<c/>\r\n</a>\r\n"
    );
    let one = "<a><b/><c/></a>";
    assert_eq!(
        edited(one, |d| {
            let r = d.root();
            d.append_element(r, "d");
        }),
        "<a><b/><c/><d/></a>"
    );
    let root_only = "<?xml version='1.0'?>\n<pool/>\n";
    assert_eq!(
        edited(root_only, |d| {
            let r = d.root();
            d.append_element(r, "name");
        }),
        "<?xml version='1.0'?>\n<pool>\n  <name/>\n</pool>\n"
    );
}

#[test]
fn attributes_keep_quotes_and_spacing() {
    let text = "<a  x = \"1\"\n   y='2' />";
    assert_eq!(
        edited(text, |d| d.set_attr(d.root(), "y", "it's")),
        "<a  x = \"1\"\n   y='it&apos;s' />"
    );
    assert_eq!(
        edited(text, |d| d.set_attr(d.root(), "z", "\"q\"")),
        "<a  x = \"1\"\n   y='2' z=\"&quot;q&quot;\" />"
    );
    assert_eq!(
        edited(text, |d| {
            d.remove_attr(d.root(), "x");
        }),
        "<a\n   y='2' />"
    );
    let doc = Document::parse(text).unwrap();
    assert_eq!(
        doc.attrs(doc.root())
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>(),
        ["x=1", "y=2"]
    );
}

#[test]
fn removal_takes_the_indentation_along() {
    let text = "<a>\n  <b/>\n  <!-- keep -->\n  <c/>\n</a>";
    assert_eq!(
        edited(text, |d| {
            let c = d.child(d.root(), "c").unwrap();
            d.remove(c);
        }),
        "<a>\n  <b/>\n  <!-- keep -->\n</a>"
    );
}

#[test]
fn fragments_are_reindented() {
    let text = "<domain>\n  <devices>\n    <disk/>\n  </devices>\n</domain>";
    let out = edited(text, |d| {
        let devs = d.child(d.root(), "devices").unwrap();
        d.append_xml(
            devs,
            "<interface type='user'>\n  <model type='virtio'/>\n</interface>",
        )
        .unwrap();
    });
    assert_eq!(
        out,
        "<domain>\n  <devices>\n    <disk/>\n    <interface type='user'>\n      <model type='virtio'/>\n    </interface>\n  </devices>\n</domain>"
    );
    let mut doc = Document::parse(text).unwrap();
    let r = doc.root();
    assert!(doc.append_xml(r, "<broken").is_err());
    assert_eq!(
        doc.to_string(),
        text,
        "a failed insert leaves the document alone"
    );
}

#[test]
fn syntax_errors_have_positions() {
    let cases: &[(&str, (u32, u32))] = &[
        ("", (1, 1)),
        ("<a>", (1, 1)),
        ("<a>\n  <b>\n</a>", (3, 1)),
        ("<a x='1' x='2'/>", (1, 10)),
        ("<a x=1/>", (1, 6)),
        ("<a>&nbsp;</a>", (1, 4)),
        ("<a/><b/>", (1, 5)),
        ("text<a/>", (1, 1)),
        ("<a>\n  <b y='&bad;'/>\n</a>", (2, 9)),
        ("<a>\n\u{e9}\u{e9}<</a>", (2, 4)),
        ("<a x='<'/>", (1, 7)),
    ];
    for &(text, pos) in cases {
        match Document::parse(text) {
            Err(e @ Error::Syntax { .. }) => assert_eq!(e.position(), Some(pos), "{text:?}: {e}"),
            other => panic!("{text:?}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn byte_order_mark_is_kept() {
    let text = "\u{feff}<a>\n  <b/>\n</a>\n";
    let mut doc = Document::parse(text).expect("parse");
    assert_eq!(doc.to_string(), text);
    let r = doc.root();
    doc.append_element(r, "c");
    assert_eq!(doc.to_string(), "\u{feff}<a>\n  <b/>\n  <c/>\n</a>\n");
    // Found by fuzzing: a byte order mark before broken markup.
    let broken = "\u{feff}<network>\n  <name>x</name>\n \0\0\0widge name='v'/>\n  <ip address='10.";
    assert!(matches!(Document::parse(broken), Err(Error::Syntax { .. })));
}
