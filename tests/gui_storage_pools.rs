//! The storage page's pool definitions on a private daemon, with `virsh pool-dumpxml` as the
//! oracle: the XML tab shows the definition, applies edits, and refuses bad XML with nothing
//! changed; the new-pool form defines each pool type with the source libvirt wants, refuses bad
//! input, and starts a file system pool and an LVM pool on loop devices.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::storage::StoragePageMsg as Msg;
use relm4::prelude::*;
use support::storage::{open, running_pool, select_pool, send};
use support::wait_until;
use testbed::Libvirtd;

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

fn definition(d: &Libvirtd, pool: &str) -> String {
    virsh(d, &["pool-dumpxml", "--inactive", pool])
}

fn shown(page: &relm4::Controller<hangar::ui::storage::StoragePage>) -> String {
    let b = page.widgets().forms.xml.text.buffer();
    let (a, e) = b.bounds();
    b.text(&a, &e, false).to_string()
}

#[gtk::test]
fn the_xml_tab_applies_edits_and_refuses_bad_xml() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "xp");
    let (win, page) = open(&d);
    select_pool(&page, "xp");
    let before = definition(&d, "xp");
    assert_eq!(shown(&page).trim(), before.trim());

    // Refused, nothing changed: not XML, another name, what the daemon does not take.
    let other = format!("{}-moved", dir.display());
    for (text, expect) in [
        (before.replace("</pool>", "</pool"), "Not valid"),
        (
            before.replace("<name>xp</name>", "<name>renamed</name>"),
            "must stay",
        ),
        (
            before.replace("type='dir'", "type='no-such-type'"),
            "refused",
        ),
    ] {
        page.widgets().forms.xml.text.buffer().set_text(&text);
        page.widgets().forms.xml.apply.emit_clicked();
        assert!(
            wait_until(30, || page
                .model()
                .xml_error()
                .is_some_and(|e| e.contains(expect))
                && !page.model().busy()),
            "{expect}: {:?}",
            page.model().xml_error()
        );
        assert!(page.widgets().forms.xml.error.is_visible());
        assert_eq!(definition(&d, "xp"), before);
        // A reload keeps what the user typed.
        send(&page, Msg::Reload);
        assert_eq!(shown(&page), text);
    }

    // An edit goes to the definition; the running pool keeps its path until restarted.
    let edited = before.replace(
        &format!("<path>{}</path>", dir.display()),
        &format!("<path>{other}</path>"),
    );
    assert_ne!(edited, before);
    page.widgets().forms.xml.text.buffer().set_text(&edited);
    let loads = page.model().loads();
    page.widgets().forms.xml.apply.emit_clicked();
    assert!(wait_until(30, || page.model().loads() > loads && !page.model().busy()));
    assert_eq!(page.model().xml_error(), None);
    assert!(!page.widgets().forms.xml.error.is_visible());
    assert!(page.model().notice().unwrap().contains("next start"));
    let after = definition(&d, "xp");
    assert!(after.contains(&other), "{after}");
    assert!(
        virsh(&d, &["pool-dumpxml", "xp"]).contains(&format!("<path>{}</path>", dir.display()))
    );
    assert!(wait_until(10, || shown(&page).trim() == after.trim()));
    win.destroy();
}

/// Fills the new-pool form and presses Create; waits for the operation.
fn create(
    page: &relm4::Controller<hangar::ui::storage::StoragePage>,
    fill: impl FnOnce(&hangar::ui::storage::pool_form::PoolForm),
    start: bool,
) {
    let form = page.widgets().forms.pool_form.clone();
    for e in [
        &form.name,
        &form.target,
        &form.device,
        &form.host,
        &form.source_dir,
        &form.group_name,
    ] {
        e.set_text("");
    }
    form.start.set_active(start);
    fill(&form);
    support::storage::act(page, || form.create.emit_clicked());
}

fn contains_all(xml: &str, parts: &[&str]) {
    for p in parts {
        assert!(xml.contains(p), "{p} not in\n{xml}");
    }
}

#[gtk::test]
fn the_forms_of_each_pool_type_define_what_virsh_shows() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let (win, page) = open(&d);
    let target = |n: &str| d.dir().join("pools").join(n).display().to_string();

    // Network file system (defined, not started: there is no server).
    let t = target("nfs");
    create(
        &page,
        |f| {
            f.set_kind("netfs");
            f.name.set_text("nfs");
            f.host.set_text("nas.example");
            f.source_dir.set_text("/export/vms");
            f.set_format("nfs");
            f.target.set_text(&t);
        },
        false,
    );
    assert_eq!(page.model().error(), None);
    contains_all(
        &definition(&d, "nfs"),
        &[
            "<pool type='netfs'>",
            "<host name='nas.example'/>",
            "<dir path='/export/vms'/>",
            "<format type='nfs'/>",
            &format!("<path>{t}</path>"),
        ],
    );
    assert!(
        page.model()
            .pools()
            .iter()
            .any(|p| p.name == "nfs" && !p.active())
    );

    // iSCSI, with the default target path.
    create(
        &page,
        |f| {
            f.set_kind("iscsi");
            f.name.set_text("lun");
            f.host.set_text("10.0.0.5");
            f.source_dir.set_text("iqn.2024-01.com.example:disk1");
        },
        false,
    );
    assert_eq!(page.model().error(), None);
    contains_all(
        &definition(&d, "lun"),
        &[
            "<pool type='iscsi'>",
            "<host name='10.0.0.5'/>",
            "<device path='iqn.2024-01.com.example:disk1'/>",
            "<path>/dev/disk/by-path</path>",
        ],
    );

    // A partitioned disk and a file system on a device, defined only.
    create(
        &page,
        |f| {
            f.set_kind("disk");
            f.name.set_text("parts");
            f.device.set_text("/dev/vdz");
            f.set_format("gpt");
        },
        false,
    );
    assert_eq!(page.model().error(), None);
    contains_all(
        &definition(&d, "parts"),
        &[
            "<pool type='disk'>",
            "<device path='/dev/vdz'/>",
            "<format type='gpt'/>",
            "<path>/dev</path>",
        ],
    );
    let t = target("fsdef");
    create(
        &page,
        |f| {
            f.set_kind("fs");
            f.name.set_text("fsdef");
            f.device.set_text("/dev/vdz1");
            f.set_format("xfs");
            f.target.set_text(&t);
        },
        false,
    );
    assert_eq!(page.model().error(), None);
    contains_all(
        &definition(&d, "fsdef"),
        &[
            "<pool type='fs'>",
            "<device path='/dev/vdz1'/>",
            "<format type='xfs'/>",
        ],
    );

    // Bad input is said and defines nothing.
    let before = support::storage::virsh_pools(&d);
    for (fill, expect) in [
        (
            Box::new(|f: &hangar::ui::storage::pool_form::PoolForm| {
                f.set_kind("iscsi");
                f.name.set_text("bad1");
                f.host.set_text("h");
                f.source_dir.set_text("disk1");
            }) as Box<dyn Fn(&hangar::ui::storage::pool_form::PoolForm)>,
            "iSCSI target",
        ),
        (
            Box::new(|f: &hangar::ui::storage::pool_form::PoolForm| {
                f.set_kind("netfs");
                f.name.set_text("bad2");
                f.source_dir.set_text("/x");
                f.target.set_text("/tmp/bad2");
            }),
            "host name",
        ),
        (
            Box::new(|f: &hangar::ui::storage::pool_form::PoolForm| {
                f.set_kind("fs");
                f.name.set_text("bad3");
                f.device.set_text("sdb1");
                f.target.set_text("/tmp/bad3");
            }),
            "absolute path",
        ),
        (
            Box::new(|f: &hangar::ui::storage::pool_form::PoolForm| {
                f.set_kind("logical");
                f.name.set_text("bad4");
                f.group_name.set_text("-vg");
            }),
            "volume group",
        ),
    ] {
        create(&page, |f| fill(f), true);
        let e = page.model().error().expect("no error shown").to_owned();
        assert!(e.contains(expect), "{expect}: {e}");
        assert_eq!(support::storage::virsh_pools(&d), before);
    }
    win.destroy();
}

/// Runs a host command, panicking with its output when it fails.
fn run(cmd: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A loop device over a sparse image of `mib` MiB in `dir`, detached when dropped.
struct Loop(String);

impl Loop {
    fn new(dir: &std::path::Path, name: &str, mib: u64) -> Loop {
        let image = dir.join(name);
        std::fs::File::create(&image)
            .unwrap()
            .set_len(mib << 20)
            .unwrap();
        Loop(run(
            "losetup",
            &["-f", "--show", &image.display().to_string()],
        ))
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        let _ = std::process::Command::new("losetup")
            .args(["-d", &self.0])
            .status();
    }
}

#[gtk::test]
fn an_lvm_pool_and_a_file_system_pool_on_loop_devices_start() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let (win, page) = open(&d);

    // A file system on a loop device, mounted by the pool.
    let fs_dev = Loop::new(d.dir(), "fs.img", 64);
    run("mkfs.ext4", &["-q", "-F", &fs_dev.0]);
    let mount = d.dir().join("pools").join("mnt").display().to_string();
    create(
        &page,
        |f| {
            f.set_kind("fs");
            f.name.set_text("onloop");
            f.device.set_text(&fs_dev.0);
            f.set_format("ext4");
            f.target.set_text(&mount);
        },
        true,
    );
    assert_eq!(page.model().error(), None);
    contains_all(
        &virsh(&d, &["pool-dumpxml", "onloop"]),
        &[
            "<pool type='fs'>",
            &format!("<device path='{}'/>", fs_dev.0),
            "<format type='ext4'/>",
            &format!("<path>{mount}</path>"),
        ],
    );
    // Mounted (in the daemon's mount namespace): its size is the 64 MiB file system's, not
    // that of the file system holding the target directory.
    let onloop = page
        .model()
        .pools()
        .iter()
        .find(|p| p.name == "onloop")
        .cloned();
    let onloop = onloop.expect("the pool is not listed");
    assert!(onloop.active());
    assert!(
        onloop.capacity > 0 && onloop.capacity <= 64 << 20,
        "capacity {} is not the loop device's file system",
        onloop.capacity
    );
    virsh(&d, &["pool-destroy", "onloop"]);

    // An LVM volume group on a loop device.
    let pv = Loop::new(d.dir(), "pv.img", 64);
    let group = testbed::unique_name("hvg").replace('-', "_");
    let lvm_config = "activation { udev_sync = 0 udev_rules = 0 }";
    run("pvcreate", &["-q", "--config", lvm_config, &pv.0]);
    run("vgcreate", &["-q", "--config", lvm_config, &group, &pv.0]);
    create(
        &page,
        |f| {
            f.set_kind("logical");
            f.name.set_text("lvm");
            f.group_name.set_text(&group);
            f.device.set_text(&pv.0);
        },
        true,
    );
    let error = page.model().error().map(str::to_owned);
    if error.is_none() {
        contains_all(
            &virsh(&d, &["pool-dumpxml", "lvm"]),
            &[
                "<pool type='logical'>",
                &format!("<name>{group}</name>"),
                &format!("<device path='{}'/>", pv.0),
                "<format type='lvm2'/>",
                &format!("<path>/dev/{group}</path>"),
            ],
        );
        assert!(
            page.model()
                .pools()
                .iter()
                .any(|p| p.name == "lvm" && p.active())
        );
        virsh(&d, &["pool-destroy", "lvm"]);
    }
    let _ = std::process::Command::new("vgremove")
        .args(["-f", "-q", "--config", lvm_config, &group])
        .status();
    let _ = std::process::Command::new("pvremove")
        .args(["-f", "-q", "--config", lvm_config, &pv.0])
        .status();
    assert_eq!(error, None, "the LVM pool did not start");
    win.destroy();
}
