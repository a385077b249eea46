//! The NoCloud seed as blkid and xorriso see it: label `cidata`, type iso9660, the files
//! `user-data` and `meta-data` (the Joliet names) with their contents.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use hangar::cloudinit::CloudConfig;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("cannot run the command");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_seed_has_label_cidata_and_lower_case_names() {
    let c = CloudConfig {
        user: "ada".into(),
        password: Some("pw".into()),
        ssh_keys: vec!["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7x3Ckq1 me@host".into()],
        hostname: "lovelace".into(),
    };
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("seed.iso");
    std::fs::write(&image, c.seed("i-42")).unwrap();
    let probe = run(Command::new("blkid")
        .args(["-p", "-o", "export"])
        .arg(&image));
    assert!(probe.contains("LABEL=cidata"), "{probe}");
    assert!(probe.contains("TYPE=iso9660"), "{probe}");

    // The host kernel may lack iso9660 (containers): xorriso reads the image as a reader
    // of the Joliet tree; the guest test (tests/cloud_image.rs) has Linux itself mount it.
    let out = dir.path().join("out");
    run(Command::new("xorriso")
        .args(["-abort_on", "WARNING", "-osirrox", "on", "-indev"])
        .arg(&image)
        .args(["-extract", "/"])
        .arg(&out));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["meta-data", "user-data"]);
    assert_eq!(
        std::fs::read_to_string(out.join("user-data")).unwrap(),
        c.user_data()
    );
    assert_eq!(
        std::fs::read_to_string(out.join("meta-data")).unwrap(),
        c.meta_data("i-42")
    );
}

#[test]
fn xorriso_reads_the_image_without_complaint() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("seed.iso");
    let c = CloudConfig {
        user: "u".into(),
        password: Some("p".into()),
        hostname: "h".into(),
        ..CloudConfig::default()
    };
    std::fs::write(&image, c.seed("x")).unwrap();
    let out = Command::new("xorriso")
        .args(["-abort_on", "WARNING", "-indev"])
        .arg(&image)
        .args(["-find", "/", "-type", "f"])
        .output()
        .expect("xorriso is not installed (apt-get install xorriso)");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("'/user-data'") && text.contains("'/meta-data'"),
        "{text}"
    );
}
