//! Parses each file with the lossless tree and the typed view of its root element, prints
//! the re-serialized XML (and a summary on stderr); a file that does not parse is reported
//! as `FILE:LINE:COLUMN: message` and the exit status is 1.
//!
//! `cargo run -p virt-xml --example roundtrip -- FILE...`

use std::process::ExitCode;

use virt_xml::AnyXml;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: roundtrip FILE...");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: {e}");
                failed = true;
                continue;
            }
        };
        let result = AnyXml::parse(&text).and_then(|x| x.summary().map(|s| (x, s)));
        match result {
            Ok((xml, summary)) => {
                let out = xml.to_string();
                print!("{out}");
                let same = if out == text {
                    "byte-identical"
                } else {
                    "CHANGED"
                };
                eprintln!("{file}: {summary} [{same}]");
                failed |= out != text;
            }
            Err(e) => {
                match e.position() {
                    Some((line, column)) => eprintln!("{file}:{line}:{column}: {}", e.message()),
                    None => eprintln!("{file}: {}", e.message()),
                }
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
