//! The new VM's plan from the command line (`hangar::newvm`, what `examples/newvm` runs)
//! against a private libvirtd (QEMU driver, TCG), with `virsh` as the oracle: Windows 11 gets
//! UEFI with Secure Boot and enrolled keys, SMM, Q35 and an emulated TPM 2.0; a Linux system
//! BIOS and virtio; both the guest agent's channel. The Secure Boot VM boots OVMF (the image
//! with the keys enrolled) far enough to draw its firmware screen. `--print-xml` defines
//! nothing; bad input makes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use gtk::prelude::*;
use hangar::newvm::{self, Outcome};
use hangar::osinfo::OsDb;
use testbed::{Libvirtd, unique_name};

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().unwrap())
}

fn db() -> &'static OsDb {
    static DB: OnceLock<OsDb> = OnceLock::new();
    DB.get_or_init(|| {
        OsDb::load_system().expect("osinfo-db is not installed (apt-get install osinfo-db)")
    })
}

/// Runs newvm with `args`, under TCG (`--virt-type qemu`).
fn newvm(args: &[&str]) -> Result<Outcome, String> {
    let args: Vec<String> = args
        .iter()
        .chain(&["--virt-type", "qemu"])
        .map(|s| s.to_string())
        .collect();
    let args = newvm::parse_args(&args)?;
    rt().block_on(newvm::run(&args, db()))
}

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

fn make_pool(d: &Libvirtd) -> (String, PathBuf) {
    let name = unique_name("pool");
    let path = d.dir().join(&name);
    let target = path.display().to_string();
    virsh(d, &["pool-define-as", &name, "dir", "--target", &target]);
    virsh(d, &["pool-build", &name]);
    virsh(d, &["pool-start", &name]);
    (name, path)
}

fn remove(d: &Libvirtd, name: &str) {
    let uri = d.qemu_uri();
    let _ = d.virsh_output(&uri, &["destroy", name]);
    let _ = d.virsh_output(&uri, &["undefine", name, "--nvram", "--tpm"]);
}

/// The defined (inactive) XML.
fn inactive(d: &Libvirtd, name: &str) -> String {
    virsh(d, &["dumpxml", name, "--inactive"])
}

#[test]
fn windows_11_gets_secure_boot_and_a_tpm_linux_plain_virtio() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let (pool, pool_path) = make_pool(d);
    let win = unique_name("nv-win11");
    let out = newvm(&[
        "-c",
        &uri,
        "--name",
        &win,
        "--os",
        "win11",
        "--memory",
        "512",
        "--vcpus",
        "1",
        "--disk",
        "1",
        "--pool",
        &pool,
        "--network",
        "user",
    ])
    .unwrap();
    assert!(matches!(out, Outcome::Created(ref c) if c.name == win && !c.started));
    let xml = inactive(d, &win);
    for want in [
        "<os firmware='efi'>",
        "<feature enabled='yes' name='enrolled-keys'/>",
        "<feature enabled='yes' name='secure-boot'/>",
        "<smm state='on'/>",
        "machine='pc-q35-",
        "<tpm model='tpm-crb'>",
        "<backend type='emulator' version='2.0'",
        "<channel type='unix'>",
        "<target type='virtio' name='org.qemu.guest_agent.0'/>",
        "http://microsoft.com/win/11",
        "<memory unit='KiB'>524288</memory>",
    ] {
        assert!(xml.contains(want), "{want} missing in\n{xml}");
    }
    // osinfo-db lists no virtio drivers for Windows: SATA disks and an e1000e card.
    assert!(xml.contains("bus='sata'"), "{xml}");
    assert!(xml.contains("<model type='e1000e'/>"), "{xml}");
    let disk = pool_path.join(format!("{win}.qcow2"));
    assert!(
        xml.contains(&format!("<source file='{}'/>", disk.display())),
        "{xml}"
    );

    let linux = unique_name("nv-debian");
    newvm(&[
        "-c",
        &uri,
        "--name",
        &linux,
        "--os",
        "debian11",
        "--disk",
        "1",
        "--pool",
        &pool,
        "--network",
        "user",
        "--memory",
        "256",
    ])
    .unwrap();
    let xml = inactive(d, &linux);
    assert!(!xml.contains("firmware='efi'"), "{xml}");
    assert!(!xml.contains("<loader"), "{xml}");
    assert!(!xml.contains("<tpm"), "{xml}");
    assert!(!xml.contains("<smm"), "{xml}");
    assert!(xml.contains("machine='pc-q35-"), "{xml}");
    assert!(xml.contains("bus='virtio'"), "{xml}");
    assert!(xml.contains("<model type='virtio'/>"), "{xml}");
    assert!(xml.contains("org.qemu.guest_agent.0"), "{xml}");
    // QEMU's clipboard agent end for the VNC display, as libvirt keeps it.
    assert!(xml.contains("<channel type='qemu-vdagent'>"), "{xml}");
    assert!(xml.contains("<clipboard copypaste='yes'/>"), "{xml}");
    // Debian 11's recommendation: 1 vCPU (nothing given on the command line).
    assert!(xml.contains("<vcpu placement='static'>1</vcpu>"), "{xml}");
    let vols = virsh(d, &["vol-list", &pool]);
    assert!(vols.contains(&format!("{win}.qcow2")) && vols.contains(&format!("{linux}.qcow2")));
    for name in [&win, &linux] {
        remove(d, name);
    }
    let _ = d.virsh_output(&uri, &["pool-destroy", &pool]);
    let _ = d.virsh_output(&uri, &["pool-undefine", &pool]);
}

/// Width, height and RGB bytes of a binary PPM (P6) image.
fn ppm(data: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while data[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !data[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&data[start..i]).unwrap().to_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, &data[i + 1..i + 1 + w * h * 3])
}

/// What a screenshot (PNG, or PPM from older QEMU) shows: its size, the share of pixels that
/// are not black and the share that are coloured (not grey).
fn look(mime: &str, data: &[u8]) -> (usize, usize, f64, f64) {
    let (w, h, pixels, step) = if mime == "image/png" {
        let texture = gtk::gdk::Texture::from_bytes(&gtk::glib::Bytes::from(data)).unwrap();
        let (w, h) = (texture.width() as usize, texture.height() as usize);
        let mut buf = vec![0u8; w * h * 4];
        texture.download(&mut buf, w * 4);
        (w, h, buf, 4)
    } else {
        let (w, h, p) = ppm(data);
        (w, h, p.to_vec(), 3)
    };
    let n = (pixels.len() / step).max(1) as f64;
    // RGB (or BGRA: the alpha byte is left out).
    let lit = pixels
        .chunks(step)
        .filter(|p| p[..3].iter().any(|&c| c > 16))
        .count();
    let coloured = pixels
        .chunks(step)
        .filter(|p| {
            let (lo, hi) = (p[..3].iter().min().unwrap(), p[..3].iter().max().unwrap());
            hi - lo > 48
        })
        .count();
    (w, h, lit as f64 / n, coloured as f64 / n)
}

#[test]
fn a_secure_boot_vm_boots_ovmf_to_its_firmware_screen() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = unique_name("nv-sb");
    newvm(&[
        "-c",
        &uri,
        "--name",
        &name,
        "--os",
        "win11",
        "--memory",
        "256",
        "--vcpus",
        "1",
        "--disk",
        "0",
        "--network",
        "none",
    ])
    .unwrap();
    virsh(d, &["start", &name]);
    // libvirt picked the OVMF image with Secure Boot and Microsoft's keys enrolled.
    let live = virsh(d, &["dumpxml", &name]);
    assert!(live.contains("secure='yes'"), "{live}");
    assert!(live.contains("OVMF_CODE_4M.ms.fd"), "{live}");
    assert!(
        live.contains("<nvram template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'"),
        "{live}"
    );
    let domain = rt().block_on(async {
        let conn = virt_client::Connection::open(&uri).await.unwrap();
        virt_client::Domain::lookup_by_name(&conn, &name)
            .await
            .unwrap()
    });
    let mut last = (String::new(), (0, 0, 0.0, 0.0));
    let drawn = testbed::wait::until(Duration::from_secs(240), || {
        let Ok((mime, data)) = rt().block_on(domain.screenshot(0)) else {
            return false;
        };
        let seen = look(&mime, &data);
        last = (format!("{mime}, {} bytes", data.len()), seen);
        // QEMU's grey "Guest has not initialized the display" text is 640x480 and has no
        // colour; OVMF draws in its own mode, its logo or coloured boot manager text.
        let (w, h, lit, coloured) = seen;
        ((w, h) != (640, 480) && lit > 0.002) || coloured > 0.001
    });
    assert!(drawn, "the firmware drew nothing: last screenshot {last:?}");
    let (mime, data) = rt().block_on(domain.screenshot(0)).unwrap();
    let ext = if mime == "image/png" { "png" } else { "ppm" };
    let path =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("secure-boot-firmware.{ext}"));
    std::fs::write(&path, &data).unwrap();
    eprintln!(
        "firmware screen: {:?} (width, height, lit, coloured), saved to {}",
        look(&mime, &data),
        path.display()
    );
    remove(d, &name);
}

#[test]
fn print_xml_defines_nothing_and_bad_input_makes_nothing() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = unique_name("nv-print");
    let out = newvm(&[
        "-c",
        &uri,
        "--name",
        &name,
        "--os",
        "win11",
        "--disk",
        "0",
        "--print-xml",
    ])
    .unwrap();
    let Outcome::Xml(xml) = out else {
        panic!("no XML printed")
    };
    assert!(
        xml.contains("<feature enabled='yes' name='secure-boot'/>"),
        "{xml}"
    );
    assert!(xml.contains(&format!("<name>{name}</name>")), "{xml}");
    // Windows 11's minimum: 4 GiB and 2 vCPUs.
    assert!(xml.contains("<memory unit='KiB'>4194304</memory>"), "{xml}");
    assert!(xml.contains("<vcpu placement='static'>2</vcpu>"), "{xml}");
    let e = newvm(&["-c", &uri, "--name", &name, "--os", "nosuchos"]).unwrap_err();
    assert!(e.contains("nosuchos"), "{e}");
    let e = newvm(&[
        "-c",
        &uri,
        "--name",
        &name,
        "--os",
        "win11",
        "--pool",
        "nosuchpool",
    ])
    .unwrap_err();
    assert!(e.contains("nosuchpool"), "{e}");
    let listed = virsh(d, &["list", "--all", "--name"]);
    assert!(!listed.lines().any(|l| l.trim() == name), "{listed}");
}

#[test]
fn plain_uefi_on_q35_boots_ovmf_without_secure_boot() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = unique_name("nv-uefi");
    newvm(&[
        "-c",
        &uri,
        "--name",
        &name,
        "--os",
        "debian11",
        "--memory",
        "256",
        "--disk",
        "0",
        "--network",
        "none",
        "--firmware",
        "uefi",
    ])
    .unwrap();
    let xml = inactive(d, &name);
    assert!(
        xml.contains("<feature enabled='no' name='secure-boot'/>"),
        "{xml}"
    );
    assert!(!xml.contains("<smm"), "{xml}");
    virsh(d, &["start", &name]);
    let live = virsh(d, &["dumpxml", &name]);
    assert!(live.contains("/usr/share/OVMF/OVMF_CODE_4M.fd"), "{live}");
    assert!(!live.contains("secure='yes'"), "{live}");
    remove(d, &name);
}
