//! The new-VM wizard against a private libvirtd (QEMU driver, TCG): VMs created from an ISO
//! and from an imported image are what `virsh` then reports; bad input sends nothing; a failed
//! definition rolls back the new volume. Also osinfo-db detection of a known ISO.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use adw::prelude::*;
use hangar::osinfo::{IsoInfo, OsDb};
use hangar::ui::wizard::{
    NewVmWizard, NewVmWizardInit, NewVmWizardMsg as Msg, NewVmWizardOutput, PathField, SourceKind,
};
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

fn setup() {
    support::init_gui();
}

/// The runtime the test's own connections live on.
fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().unwrap())
}

fn connect(uri: &str) -> virt_client::Connection {
    rt().block_on(virt_client::Connection::open(uri)).unwrap()
}

fn pump() {
    support::drain();
}

/// A directory pool under the daemon's directory, defined and started with virsh.
fn make_pool(d: &Libvirtd) -> (String, PathBuf) {
    let name = unique_name("pool");
    let path = d.dir().join(&name);
    let uri = d.qemu_uri();
    let target = path.display().to_string();
    d.virsh(&uri, &["pool-define-as", &name, "dir", "--target", &target])
        .unwrap();
    d.virsh(&uri, &["pool-build", &name]).unwrap();
    d.virsh(&uri, &["pool-start", &name]).unwrap();
    (name, path)
}

fn remove_pool(d: &Libvirtd, name: &str) {
    let uri = d.qemu_uri();
    let _ = d.virsh(&uri, &["pool-destroy", name]);
    let _ = d.virsh(&uri, &["pool-undefine", name]);
}

fn remove_vm(d: &Libvirtd, name: &str) {
    let uri = d.qemu_uri();
    let _ = d.virsh(&uri, &["destroy", name]);
    let _ = d.virsh(&uri, &["undefine", name, "--nvram"]);
}

/// Makes an ISO image with `volume_id`, or `None` when xorriso is not installed.
fn make_iso(dir: &Path, volume_id: &str) -> Option<PathBuf> {
    let src = dir.join("iso-src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("README.TXT"), b"hello").unwrap();
    let iso = dir.join(format!("{}.iso", unique_name("media")));
    let out = std::process::Command::new("xorriso")
        .args([
            "-as", "mkisofs", "-quiet", "-V", volume_id, "-sysid", "LINUX", "-o",
        ])
        .arg(&iso)
        .arg(&src)
        .output();
    match out {
        Ok(o) if o.status.success() => Some(iso),
        Ok(o) => panic!("xorriso failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("SKIPPED: xorriso is not installed (apt-get install xorriso)");
            None
        }
    }
}

type Outputs = std::sync::Arc<Mutex<Vec<NewVmWizardOutput>>>;

fn launch(d: &Libvirtd, emulator: Option<&str>) -> (relm4::Controller<NewVmWizard>, Outputs) {
    let uri = d.qemu_uri();
    let outputs: Outputs = Default::default();
    let o = outputs.clone();
    let wizard = NewVmWizard::builder()
        .launch(NewVmWizardInit {
            conn: connect(&uri),
            uri,
            emulator: emulator.map(str::to_owned),
            virt_type: Some("qemu".into()),
        })
        .connect_receiver(move |_, out| o.lock().unwrap().push(out));
    wizard.widget().present();
    assert!(
        wait_until(60, || wizard.model().host_loaded()
            && wizard.model().os_db_load_ms().is_some()),
        "the wizard did not load the host's choices and the OS database"
    );
    (wizard, outputs)
}

/// Goes from the first step to the summary, checking each step lets the user on.
fn forward_to_finish(w: &relm4::Controller<NewVmWizard>) {
    for step in 1..=3 {
        w.emit(Msg::Forward);
        assert!(
            wait_until(20, || w.model().step() == step
                || w.model().error().is_some()),
            "stuck at step {}",
            step - 1
        );
        assert_eq!(w.model().error(), None);
        assert_eq!(w.model().step(), step);
    }
}

fn pool_index(w: &relm4::Controller<NewVmWizard>, pool: &str) -> u32 {
    w.model()
        .host()
        .pools
        .iter()
        .position(|p| p == pool)
        .unwrap() as u32
}

/// User-mode networking: tests have no dnsmasq for virtual networks.
fn user_net(w: &relm4::Controller<NewVmWizard>) -> u32 {
    w.model().host().networks.len() as u32 + 1
}

fn wait_done(w: &relm4::Controller<NewVmWizard>) {
    assert!(
        wait_until(90, || !w.model().busy()),
        "creation did not finish"
    );
}

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

/// Renders `widget` to `name`.png in the test's temporary directory.
fn screenshot(widget: &impl IsA<gtk::Widget>, name: &str) -> PathBuf {
    pump();
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let (w, h) = (widget.width(), widget.height());
    assert!(w > 0 && h > 0, "widget not allocated: {w}x{h}");
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node().expect("nothing drawn");
    let native = widget.native().expect("widget has no native");
    let texture = native
        .renderer()
        .expect("no renderer")
        .render_texture(&node, None);
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"));
    texture.save_to_png(&path).unwrap();
    path
}

#[test]
fn osinfo_detects_a_known_debian_iso_with_its_resources() {
    let db = OsDb::load_system().expect("osinfo-db is not installed (apt-get install osinfo-db)");
    assert!(db.all().len() > 300, "only {} systems", db.all().len());
    let info = IsoInfo {
        volume_id: "Debian 11.5.0 amd64 n".into(),
        system_id: "LINUX".into(),
        ..IsoInfo::default()
    };
    let os = db.detect(&info, "x86_64").expect("not detected");
    assert_eq!(os.short_id(), "debian11");
    assert_eq!(os.name, "Debian 11");
    let defaults = db.defaults(Some(os), "x86_64");
    assert_eq!(defaults.memory_mib, 1024);
    assert_eq!(defaults.disk_gib, 20);
    assert!(defaults.virtio);
    let fedora = db.search("fedora 36", 5);
    assert!(fedora.iter().any(|o| o.short_id() == "fedora36"));
    let unknown = IsoInfo {
        volume_id: "NOTHING KNOWN".into(),
        ..IsoInfo::default()
    };
    assert!(db.detect(&unknown, "x86_64").is_none());
}

#[gtk::test]
fn creates_and_starts_a_vm_from_an_iso() {
    setup();
    let d = Libvirtd::shared();
    let Some(iso) = make_iso(d.dir(), "Debian 11.5.0 amd64 n") else {
        return;
    };
    let (pool, pool_path) = make_pool(d);
    let (w, outputs) = launch(d, None);
    screenshot(w.widget(), "wizard-1-source-empty");
    w.emit(Msg::SetSource(SourceKind::Iso));
    w.emit(Msg::SetPath(PathField::Iso, iso.display().to_string()));
    assert!(
        wait_until(20, || w.model().detected_os()
            == Some("http://debian.org/debian/11")),
        "the ISO was not recognised as Debian 11"
    );
    assert_eq!(w.model().resources(), (1024, 1, 20));
    screenshot(w.widget(), "wizard-1-source");
    w.emit(Msg::Forward);
    w.emit(Msg::OsQuery("debian".into()));
    pump();
    screenshot(w.widget(), "wizard-2-os");
    w.emit(Msg::Back);
    let name = unique_name("wiz-iso");
    w.emit(Msg::SetName(name.clone()));
    w.emit(Msg::SetMemory(256));
    w.emit(Msg::SetVcpus(2));
    w.emit(Msg::SetDiskSize(2));
    w.emit(Msg::SetPool(pool_index(&w, &pool)));
    w.emit(Msg::SetNetwork(user_net(&w)));
    pump();
    forward_to_finish(&w);
    screenshot(w.widget(), "wizard-4-finish");
    w.emit(Msg::Back);
    pump();
    screenshot(w.widget(), "wizard-3-resources");
    w.emit(Msg::Forward);
    assert!(wait_until(20, || w.model().step() == 3));
    w.emit(Msg::Create);
    wait_done(&w);
    assert_eq!(w.model().error(), None);
    let created = w.model().created().cloned().expect("nothing created");
    assert!(created.started);
    match outputs.lock().unwrap().last() {
        Some(NewVmWizardOutput::Created {
            name: n,
            open_console,
            ..
        }) => {
            assert_eq!(n, &name);
            assert!(open_console);
        }
        other => panic!("unexpected output {other:?}"),
    }

    let xml = virsh(d, &["dumpxml", &name, "--inactive"]);
    assert!(xml.contains("<memory unit='KiB'>262144</memory>"), "{xml}");
    assert!(xml.contains("<vcpu placement='static'>2</vcpu>"), "{xml}");
    let disk = pool_path.join(format!("{name}.qcow2"));
    assert!(
        xml.contains(&format!("<source file='{}'/>", disk.display())),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<source file='{}'/>", iso.display())),
        "{xml}"
    );
    assert!(xml.contains("device='cdrom'"), "{xml}");
    let cdrom_boot = xml.find("<boot dev='cdrom'/>").expect("no cdrom boot");
    let hd_boot = xml.find("<boot dev='hd'/>").expect("no hd boot");
    assert!(cdrom_boot < hd_boot);
    assert!(xml.contains("http://debian.org/debian/11"), "{xml}");
    assert!(virsh(d, &["vol-list", &pool]).contains(&format!("{name}.qcow2")));
    let info = virsh(d, &["vol-info", "--pool", &pool, &format!("{name}.qcow2")]);
    assert!(info.contains("2.00 GiB"), "{info}");
    assert_eq!(virsh(d, &["domstate", &name]).trim(), "running");

    remove_vm(d, &name);
    remove_pool(d, &pool);
    w.widget().destroy();
}

#[gtk::test]
fn imports_a_qcow2_image_and_customizes_before_start() {
    setup();
    let d = Libvirtd::shared();
    let image = d.dir().join(format!("{}.qcow2", unique_name("import")));
    let out = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&image)
        .arg("64M")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = virsh(d, &["list", "--all", "--name"]);
    let (w, outputs) = launch(d, None);
    w.emit(Msg::SetSource(SourceKind::Import));
    w.emit(Msg::SetPath(PathField::Import, image.display().to_string()));
    let name = unique_name("wiz-import");
    w.emit(Msg::SetName(name.clone()));
    w.emit(Msg::SetMemory(128));
    w.emit(Msg::SetVcpus(1));
    w.emit(Msg::SetNetwork(user_net(&w)));
    w.emit(Msg::SetCustomize(true));
    pump();
    forward_to_finish(&w);
    w.emit(Msg::Create);
    wait_done(&w);
    assert_eq!(w.model().error(), None);
    assert!(matches!(
        outputs.lock().unwrap().last(),
        Some(NewVmWizardOutput::CustomizeBeforeStart { name: n, .. }) if *n == name
    ));
    let xml = virsh(d, &["dumpxml", &name, "--inactive"]);
    assert!(
        xml.contains(&format!("<source file='{}'/>", image.display())),
        "{xml}"
    );
    assert!(xml.contains("<driver name='qemu' type='qcow2'/>"), "{xml}");
    assert!(xml.contains("<memory unit='KiB'>131072</memory>"), "{xml}");
    assert!(!xml.contains("device='cdrom'"), "{xml}");
    assert!(xml.contains("<interface type='user'>"), "{xml}");
    assert_eq!(virsh(d, &["domstate", &name]).trim(), "shut off");
    // Only the new VM appeared.
    let after = virsh(d, &["list", "--all", "--name"]);
    assert_eq!(after.lines().count(), before.lines().count() + 1);
    remove_vm(d, &name);
    w.widget().destroy();
}

#[gtk::test]
fn duplicate_name_and_zero_memory_are_refused_before_anything_is_sent() {
    setup();
    let d = Libvirtd::shared();
    let taken = unique_name("wiz-taken");
    let tiny = d.dir().join(format!("{taken}.xml"));
    std::fs::write(&tiny, vm::tiny_xml(&taken)).unwrap();
    virsh(d, &["define", &tiny.display().to_string()]);
    let before = virsh(d, &["list", "--all", "--name"]);
    let (w, outputs) = launch(d, None);
    w.emit(Msg::SetSource(SourceKind::Network));
    w.emit(Msg::Forward);
    w.emit(Msg::Forward);
    assert!(wait_until(10, || w.model().step() == 2));
    w.emit(Msg::SetName(taken.clone()));
    w.emit(Msg::Forward);
    assert!(wait_until(10, || w.model().error().is_some()));
    assert!(
        w.model().error().unwrap().contains(&taken),
        "{:?}",
        w.model().error()
    );
    assert_eq!(w.model().step(), 2);
    screenshot(w.widget(), "wizard-3-duplicate-name");

    w.emit(Msg::SetName(String::new()));
    w.emit(Msg::Forward);
    assert!(wait_until(10, || w.model().error().is_some()));
    assert!(w.model().error().unwrap().contains("name"));

    w.emit(Msg::SetName(unique_name("wiz-zero")));
    w.emit(Msg::SetMemory(0));
    w.emit(Msg::Forward);
    assert!(wait_until(10, || w.model().error().is_some()));
    assert!(
        w.model().error().unwrap().contains("memory"),
        "{:?}",
        w.model().error()
    );
    assert_eq!(w.model().step(), 2);
    // Create on the summary checks again and sends nothing either.
    w.emit(Msg::Create);
    pump();
    assert!(w.model().error().unwrap().contains("memory"));
    assert!(w.model().created().is_none());
    assert!(outputs.lock().unwrap().is_empty());
    assert_eq!(virsh(d, &["list", "--all", "--name"]), before);
    // A source without its file cannot go on either.
    let (w2, _) = launch(d, None);
    w2.emit(Msg::SetSource(SourceKind::Import));
    w2.emit(Msg::Forward);
    pump();
    assert_eq!(w2.model().step(), 0);
    assert!(w2.model().error().is_some());
    remove_vm(d, &taken);
    w.widget().destroy();
    w2.widget().destroy();
}

#[gtk::test]
fn a_failed_definition_rolls_back_the_new_volume() {
    setup();
    let d = Libvirtd::shared();
    let (pool, _) = make_pool(d);
    let (w, outputs) = launch(d, Some("/nonexistent/qemu-system-x86_64"));
    w.emit(Msg::SetSource(SourceKind::Network));
    let name = unique_name("wiz-fail");
    w.emit(Msg::SetName(name.clone()));
    w.emit(Msg::SetMemory(128));
    w.emit(Msg::SetDisk(true));
    w.emit(Msg::SetDiskSize(1));
    w.emit(Msg::SetPool(pool_index(&w, &pool)));
    w.emit(Msg::SetNetwork(user_net(&w)));
    pump();
    forward_to_finish(&w);
    w.emit(Msg::Create);
    wait_done(&w);
    let error = w.model().error().expect("no error shown").to_owned();
    assert!(error.contains("/nonexistent/qemu-system-x86_64"), "{error}");
    screenshot(w.widget(), "wizard-4-failed");
    assert!(w.model().created().is_none());
    assert!(outputs.lock().unwrap().is_empty());
    assert!(
        !virsh(d, &["vol-list", &pool]).contains(&name),
        "the volume was left behind"
    );
    assert!(!virsh(d, &["list", "--all", "--name"]).contains(&name));
    remove_pool(d, &pool);
    w.widget().destroy();
}
