//! The new-VM wizard's "Cloud image" source against a private libvirtd (QEMU driver, TCG):
//! its Browse button opens the storage browser on disk images, where an image of this
//! computer is uploaded into a pool through a stream and chosen as `POOL/VOLUME`; an ISO, a
//! tiny volume, a missing image or a pasted text that is no public key stops the first step,
//! and the VM made gets an overlay backed by the image and a read-only seed volume, as `virsh`
//! then reports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use adw::prelude::*;
use hangar::ui::volume_browser::{Filter, VolumeBrowserMsg};
use hangar::ui::wizard::cloud_form::CloudMsg;
use hangar::ui::wizard::{
    NewVmWizard, NewVmWizardInit, NewVmWizardMsg as Msg, NewVmWizardOutput, PathField, SourceKind,
};
use relm4::prelude::*;
use support::browser::{make_iso, select_pool, select_volume, wait_loaded};
use support::hardware::pump;
use support::wait_until;
use testbed::{Libvirtd, unique_name};

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7x3Ckq1wQk1ZzKp0 ada@workstation";

#[gtk::test]
fn a_cloud_image_vm_gets_an_overlay_and_a_seed() {
    support::init_gui();
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let pool = unique_name("cgpool");
    let dir = d.dir().join(&pool);
    let target = dir.display().to_string();
    virsh(d, &["pool-define-as", &pool, "dir", "--target", &target]);
    virsh(d, &["pool-build", &pool]);
    virsh(d, &["pool-start", &pool]);
    // A cloud image on this computer, with data in it.
    let local = tempfile::tempdir().unwrap();
    let file = local.path().join("jammy.img");
    for args in [
        vec!["create", "-q", "-f", "qcow2", file.to_str().unwrap(), "64M"],
        vec![
            "io",
            "-f",
            "qcow2",
            "-c",
            "write -P 0x33 1M 2M",
            file.to_str().unwrap(),
        ],
    ] {
        let (cmd, rest) = if args[0] == "io" {
            ("qemu-io", &args[1..])
        } else {
            ("qemu-img", &args[..])
        };
        let out = Command::new(cmd).args(rest).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let base = dir.join("jammy.img");

    let outputs: std::sync::Arc<std::sync::Mutex<Vec<NewVmWizardOutput>>> = Default::default();
    let o = outputs.clone();
    let w = NewVmWizard::builder()
        .launch(NewVmWizardInit {
            conn: support::connect(&uri),
            uri: uri.clone(),
            emulator: None,
            virt_type: Some("qemu".into()),
        })
        .connect_receiver(move |_, out| o.lock().unwrap().push(out));
    w.widget().present();
    assert!(wait_until(60, || w.model().host_loaded()
        && w.model().os_db_load_ms().is_some()));
    w.emit(Msg::SetSource(SourceKind::Cloud));
    let image = format!("{pool}/jammy.img");

    // Browse: the storage browser lists disk images; the image is uploaded there and chosen.
    w.emit(Msg::Browse(PathField::Cloud));
    assert!(wait_until(10, || w.model().browser().is_some()));
    let b = w.model().browser().unwrap();
    let b = &*b;
    wait_loaded(b, 0);
    assert!(b.widget().is_visible(), "the storage browser is not shown");
    assert_eq!(b.model().filter(), Filter::Disk);
    select_pool(b, &pool);
    let loads = b.model().loads();
    b.emit(VolumeBrowserMsg::Upload(file.clone()));
    assert!(wait_until(60, || b.model().activity().is_none()
        && b.model().loads() > loads
        && !b.model().loading()));
    assert_eq!(b.model().error(), None);
    select_volume(b, "jammy.img");
    b.widgets().choose.emit_clicked();
    assert!(wait_until(10, || !b.widget().is_visible()));
    assert!(wait_until(30, || w.model().cloud().base_check.is_some()));
    assert_eq!(w.model().cloud().base, image);
    assert_eq!(w.model().cloud().base_check, Some(Ok("qcow2".to_owned())));
    assert_eq!(w.model().error(), None);
    pump();
    assert_eq!(w.widgets().source.cloud.base.text(), image);
    // The volume holds the file as it is.
    let same = Command::new("qemu-img")
        .args(["compare", "-q"])
        .arg(&file)
        .arg(&base)
        .status()
        .unwrap();
    assert_eq!(same.code(), Some(0), "the uploaded image differs");
    let vol = virsh(d, &["vol-dumpxml", "jammy.img", "--pool", &pool]);
    assert!(vol.contains("<format type='qcow2'/>"), "{vol}");

    // An ISO image chosen among all volumes is refused at once.
    make_iso(&dir.join("installer.iso"), local.path(), "DATA");
    std::fs::write(dir.join("tiny.raw"), vec![0u8; 4096]).unwrap();
    virsh(d, &["pool-refresh", &pool]);
    let loads = b.model().loads();
    w.emit(Msg::Browse(PathField::Cloud));
    assert!(wait_until(10, || b.widget().is_visible()));
    wait_loaded(b, loads);
    select_pool(b, &pool);
    b.widgets()
        .filter
        .set_selected(Filter::ALL.len() as u32 - 1);
    pump();
    select_volume(b, "installer.iso");
    b.widgets().choose.emit_clicked();
    assert!(wait_until(10, || !b.widget().is_visible()));
    assert!(wait_until(10, || w.model().error().is_some()));
    let e = w.model().error().unwrap().to_owned();
    assert!(
        e.contains("installer.iso") && e.contains("not a disk image"),
        "{e}"
    );
    w.emit(Msg::Forward);
    pump();
    assert_eq!(w.model().step(), 0);
    // A volume of a few bytes is no system either.
    w.emit(Msg::SetPath(PathField::Cloud, format!("{pool}/tiny.raw")));
    assert!(wait_until(30, || w.model().cloud().base_check.is_some()));
    let e = w.model().error().unwrap_or_default().to_owned();
    assert!(e.contains("tiny.raw") && e.contains("4096 bytes"), "{e}");
    // No image at all.
    w.emit(Msg::SetPath(PathField::Cloud, String::new()));
    w.emit(Msg::Forward);
    assert!(wait_until(10, || w.model().error().is_some()));
    assert!(w.model().error().unwrap().contains("cloud image"));
    assert_eq!(w.model().step(), 0);
    w.emit(Msg::SetPath(PathField::Cloud, image.clone()));
    assert!(wait_until(30, || w.model().cloud().base_check.is_some()));
    assert_eq!(w.model().cloud().base_check, Some(Ok("qcow2".to_owned())));
    w.emit(Msg::Cloud(CloudMsg::User("ada".into())));
    w.emit(Msg::Cloud(CloudMsg::Pasted(
        "-----BEGIN OPENSSH PRIVATE KEY-----".into(),
    )));
    w.emit(Msg::Forward);
    assert!(wait_until(10, || w.model().error().is_some()));
    assert!(
        w.model().error().unwrap().contains("not an SSH public key"),
        "{:?}",
        w.model().error()
    );
    w.emit(Msg::Cloud(CloudMsg::Pasted(KEY.into())));
    w.emit(Msg::Cloud(CloudMsg::Hostname("lovelace".into())));
    support::drain();
    let name = unique_name("wiz-cloud");
    w.emit(Msg::SetName(name.clone()));
    w.emit(Msg::SetMemory(128));
    w.emit(Msg::SetVcpus(1));
    w.emit(Msg::SetDiskSize(1));
    w.emit(Msg::SetNetwork(w.model().host().networks.len() as u32 + 2));
    w.emit(Msg::SetCustomize(true));
    for step in 1..=3 {
        w.emit(Msg::Forward);
        assert!(
            wait_until(20, || w.model().step() == step
                || w.model().error().is_some()),
            "stuck at step {}",
            step - 1
        );
        assert_eq!(w.model().error(), None);
    }
    w.emit(Msg::Create);
    assert!(wait_until(90, || !w.model().busy()));
    assert_eq!(w.model().error(), None);
    assert!(matches!(
        outputs.lock().unwrap().last(),
        Some(NewVmWizardOutput::CustomizeBeforeStart { name: n, .. }) if *n == name
    ));
    let xml = virsh(d, &["dumpxml", &name, "--inactive"]);
    let overlay = dir.join(format!("{name}.qcow2"));
    let seed = dir.join(format!("{name}-cidata.iso"));
    for want in [
        format!("<source file='{}'/>", overlay.display()),
        format!("<source file='{}'/>", seed.display()),
        "<readonly/>".to_owned(),
    ] {
        assert!(xml.contains(&want), "{want} missing in\n{xml}");
    }
    let vol = virsh(
        d,
        &["vol-dumpxml", &format!("{name}.qcow2"), "--pool", &pool],
    );
    assert!(
        vol.contains(&format!("<path>{}</path>", base.display())),
        "{vol}"
    );
    assert!(
        vol.contains("<capacity unit='bytes'>1073741824</capacity>"),
        "{vol}"
    );
    // The seed is what blkid calls an ISO 9660 file system labelled cidata.
    let probe = Command::new("blkid")
        .args(["-p", "-o", "export"])
        .arg(&seed)
        .output()
        .unwrap();
    let probe = String::from_utf8_lossy(&probe.stdout);
    assert!(probe.contains("LABEL=cidata"), "{probe}");

    virsh(d, &["undefine", &name]);
    for v in [
        format!("{name}.qcow2"),
        format!("{name}-cidata.iso"),
        "jammy.img".into(),
        "installer.iso".into(),
        "tiny.raw".into(),
    ] {
        virsh(d, &["vol-delete", &v, "--pool", &pool]);
    }
    virsh(d, &["pool-destroy", &pool]);
    virsh(d, &["pool-undefine", &pool]);
    w.widget().destroy();
}
