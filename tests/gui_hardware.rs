//! The hardware editor against a private libvirtd (QEMU driver, TCG): each control's change
//! reaches `virsh dumpxml --inactive` and nothing else in the XML changes; running VMs get
//! live changes; bad input sends nothing; a failed live step restores the definition.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use adw::prelude::*;
use hangar::ui::hardware::{HardwareEditor, HardwareEditorInit, HardwareEditorMsg as Msg};
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};
use virt_xml::domain::InterfaceSource;

fn setup() {
    support::init_gui();
}

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().unwrap())
}

fn pump() {
    let ctx = gtk::glib::MainContext::default();
    for _ in 0..50 {
        while ctx.iteration(false) {}
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

fn inactive(d: &Libvirtd, name: &str) -> String {
    virsh(d, &["dumpxml", name, "--inactive"])
}

/// Lines only in `before` and lines only in `after` (as multisets, trimmed).
fn diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let mut count: HashMap<&str, i32> = HashMap::new();
    for l in before.lines() {
        *count.entry(l.trim()).or_default() += 1;
    }
    for l in after.lines() {
        *count.entry(l.trim()).or_default() -= 1;
    }
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for (l, n) in count {
        for _ in 0..n.max(0) {
            removed.push(l.to_owned());
        }
        for _ in 0..(-n).max(0) {
            added.push(l.to_owned());
        }
    }
    removed.sort();
    added.sort();
    (removed, added)
}

/// Defines a tiny VM (started when `run`), opens the editor on it and waits for its load.
fn open(
    d: &Libvirtd,
    prefix: &str,
    run: bool,
) -> (String, relm4::Controller<HardwareEditor>, adw::Window) {
    let name = unique_name(prefix);
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, vm::tiny_xml(&name)).unwrap();
    virsh(d, &["define", &file.display().to_string()]);
    if run {
        virsh(d, &["start", &name]);
    }
    let uri = d.qemu_uri();
    let domain = rt().block_on(async {
        let conn = virt_client::Connection::open(&uri).await.unwrap();
        virt_client::Domain::lookup_by_name(&conn, &name)
            .await
            .unwrap()
    });
    let editor = HardwareEditor::builder()
        .launch(HardwareEditorInit {
            domain,
            active: run,
        })
        .detach();
    let window = adw::Window::new();
    window.set_default_size(900, 680);
    window.set_content(Some(editor.widget()));
    window.present();
    assert!(wait_until(30, || editor.model().generation() > 0
        && !editor.model().busy()));
    assert_eq!(editor.model().error(), None);
    (name, editor, window)
}

/// Closes the editor's window and checks that the test logged no GLib criticals (such as
/// those of widgets torn down in the wrong order when pages are rebuilt).
fn close(window: &adw::Window, criticals_before: usize) {
    window.destroy();
    pump();
    assert_eq!(
        support::criticals(),
        criticals_before,
        "GLib criticals were logged"
    );
}

/// Sends `msgs`, applies, waits; the apply's error if any.
fn apply(e: &relm4::Controller<HardwareEditor>, msgs: Vec<Msg>) -> Option<String> {
    let generation = e.model().generation();
    for m in msgs {
        e.emit(m);
    }
    pump();
    if let Some(err) = e.model().error() {
        return Some(err.to_owned());
    }
    e.emit(Msg::Apply);
    assert!(
        wait_until(30, || !e.model().busy()
            && (e.model().error().is_some()
                || e.model().generation() > generation + 1
                || (e.model().generation() > generation
                    && !e.model().is_dirty()))),
        "apply did not finish"
    );
    e.model().error().map(str::to_owned)
}

fn remove(d: &Libvirtd, name: &str) {
    let _ = d.virsh(&d.qemu_uri(), &["destroy", name]);
    let _ = d.virsh(&d.qemu_uri(), &["undefine", name]);
}

/// Checks that applying `msgs` removes exactly `gone` lines and adds exactly `new` ones.
fn check_edit(
    d: &Libvirtd,
    name: &str,
    e: &relm4::Controller<HardwareEditor>,
    msgs: Vec<Msg>,
    gone: &[&str],
    new: &[&str],
) {
    let before = inactive(d, name);
    assert_eq!(apply(e, msgs), None);
    let after = inactive(d, name);
    let (removed, added) = diff(&before, &after);
    let mut gone: Vec<String> = gone.iter().map(|s| (*s).to_owned()).collect();
    let mut new: Vec<String> = new.iter().map(|s| (*s).to_owned()).collect();
    gone.sort();
    new.sort();
    assert_eq!(
        (removed, added),
        (gone, new),
        "before:\n{before}\nafter:\n{after}"
    );
}

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

#[gtk::test]
fn each_control_changes_only_its_own_lines_of_a_shut_off_vm() {
    setup();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-off", false);
    for page in [
        "overview", "cpu", "memory", "boot", "disks", "nics", "devices", "xml",
    ] {
        e.widgets().stack.set_visible_child_name(page);
        screenshot(&window, &format!("hardware-{page}"));
    }
    e.widgets().stack.set_visible_child_name("overview");

    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetMemoryMax(96), Msg::SetMemoryCurrent(80)],
        &[
            "<memory unit='KiB'>65536</memory>",
            "<currentMemory unit='KiB'>65536</currentMemory>",
        ],
        &[
            "<memory unit='KiB'>98304</memory>",
            "<currentMemory unit='KiB'>81920</currentMemory>",
        ],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetVcpusMax(4), Msg::SetVcpusCurrent(2)],
        &["<vcpu placement='static'>2</vcpu>"],
        &["<vcpu placement='static' current='2'>4</vcpu>"],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![
            Msg::SetTitle("Test box".into()),
            Msg::SetDescription("for & tests".into()),
        ],
        &[],
        &[
            "<title>Test box</title>",
            "<description>for &amp; tests</description>",
        ],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![
            Msg::SetBootOrder(vec!["cdrom".into(), "hd".into()]),
            Msg::SetBootMenu(true),
        ],
        &[],
        &["<boot dev='cdrom'/>", "<bootmenu enable='yes'/>"],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetVncListen("0.0.0.0".into())],
        &[
            "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>",
            "<listen type='address' address='127.0.0.1'/>",
        ],
        &[
            "<graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'>",
            "<listen type='address' address='0.0.0.0'/>",
        ],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetTopology(Some((2, 2, 1)))],
        &[],
        &["<topology sockets='2' dies='1' cores='2' threads='1'/>"],
    );
    let xml = inactive(d, &name);
    assert!(
        xml.contains("<topology sockets='2' dies='1' cores='2' threads='1'/>"),
        "{xml}"
    );

    // A disk image added, then removed again.
    let image = d.dir().join(format!("{name}-extra.qcow2"));
    let out = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&image)
        .arg("16M")
        .output()
        .unwrap();
    assert!(out.status.success());
    let before = inactive(d, &name);
    assert_eq!(
        apply(
            &e,
            vec![Msg::AddDisk(
                image.display().to_string(),
                "disk".into(),
                "virtio".into()
            )]
        ),
        None
    );
    let with_disk = inactive(d, &name);
    assert!(
        with_disk.contains(&format!("<source file='{}'/>", image.display())),
        "{with_disk}"
    );
    assert!(with_disk.contains("<target dev='vda' bus='virtio'/>"));
    assert!(with_disk.contains("<driver name='qemu' type='qcow2'/>"));
    assert_eq!(apply(&e, vec![Msg::RemoveDisk(0)]), None);
    assert_eq!(inactive(d, &name), before);

    // A network card added, its model and link changed, then removed.
    assert_eq!(apply(&e, vec![Msg::AddNic(InterfaceSource::User)]), None);
    let xml = inactive(d, &name);
    assert!(xml.contains("<interface type='user'>"), "{xml}");
    check_edit(
        d,
        &name,
        &e,
        vec![
            Msg::SetNicModel(0, "e1000e".into()),
            Msg::SetNicLink(0, false),
        ],
        &["<model type='virtio'/>"],
        &["<model type='e1000e'/>", "<link state='down'/>"],
    );
    // libvirt re-addresses the card for its new model; compare without addresses.
    assert_eq!(
        apply(&e, vec![Msg::SetNicMac(0, "52:54:00:AA:BB:01".into())]),
        None
    );
    assert!(inactive(d, &name).contains("<mac address='52:54:00:aa:bb:01'/>"));
    assert_eq!(apply(&e, vec![Msg::RemoveNic(0)]), None);
    assert!(!inactive(d, &name).contains("<interface"));

    // Autostart and rename.
    assert_eq!(apply(&e, vec![Msg::SetAutostart(true)]), None);
    assert!(virsh(d, &["dominfo", &name]).contains("Autostart:      enable"));
    let new_name = unique_name("hw-renamed");
    assert_eq!(apply(&e, vec![Msg::SetName(new_name.clone())]), None);
    assert!(virsh(d, &["list", "--all", "--name"]).contains(&new_name));
    let _ = d.virsh(&d.qemu_uri(), &["autostart", "--disable", &new_name]);
    remove(d, &new_name);
    close(&window, criticals);
}

#[gtk::test]
fn running_vm_gets_memory_and_nic_changes_live() {
    setup();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-live", true);
    assert!(e.model().is_active());
    assert_eq!(apply(&e, vec![Msg::SetMemoryCurrent(48)]), None);
    assert!(inactive(d, &name).contains("<currentMemory unit='KiB'>49152</currentMemory>"));
    // The balloon call succeeded; SeaBIOS has no balloon driver, so the guest's actual size
    // (what virsh reports) stays where it was.
    assert_eq!(e.model().error(), None);
    assert_eq!(e.model().status(), Some("Saved."));

    // A card hot-plugged, then its link taken down live.
    assert_eq!(apply(&e, vec![Msg::AddNic(InterfaceSource::User)]), None);
    let live = virsh(d, &["domiflist", &name]);
    assert!(live.contains("user"), "{live}");
    let mac = live
        .split_whitespace()
        .find(|w| w.matches(':').count() == 5)
        .unwrap()
        .to_owned();
    assert_eq!(apply(&e, vec![Msg::SetNicLink(0, false)]), None);
    let link = virsh(d, &["domif-getlink", &name, &mac]);
    assert!(link.contains("down"), "{link}");
    assert!(inactive(d, &name).contains("<link state='down'/>"));

    // A change that waits for a restart says so, and the running VM keeps its vCPUs.
    assert_eq!(apply(&e, vec![Msg::SetVcpusMax(3)]), None);
    assert!(e.model().status().unwrap().contains("restart"));
    assert!(inactive(d, &name).contains(">3</vcpu>"));
    assert!(virsh(d, &["dumpxml", &name]).contains(">2</vcpu>"));
    e.widgets().stack.set_visible_child_name("memory");
    screenshot(&window, "hardware-running-memory");
    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn bad_input_sends_nothing_and_a_failed_live_step_restores_the_definition() {
    setup();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-bad", true);
    let before = inactive(d, &name);

    // Zero memory is refused in the editor.
    e.emit(Msg::SetMemoryCurrent(0));
    pump();
    assert!(e.model().error().unwrap().contains("memory"));
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy() && e.model().error().is_none()));

    // Malformed XML: the error points at its place and nothing is sent.
    e.widgets().stack.set_visible_child_name("xml");
    e.emit(Msg::XmlChanged(
        "<domain type='qemu'>\n  <name>x</name>\n  <memory>12</memory\n".into(),
    ));
    e.emit(Msg::ApplyXml);
    pump();
    let err = e.model().xml_error().expect("no XML error").to_owned();
    assert!(err.starts_with("3:") || err.starts_with("4:"), "{err}");
    screenshot(&window, "hardware-xml-error");
    e.emit(Msg::XmlChanged(
        "<domain type='qemu'><name>x</name></domain>".into(),
    ));
    e.emit(Msg::ApplyXml);
    pump();
    assert!(
        e.model().xml_error().unwrap().contains("memory"),
        "{:?}",
        e.model().xml_error()
    );
    assert_eq!(inactive(d, &name), before);

    // A disk whose image does not exist cannot be hot-plugged: the definition is restored.
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()));
    let err = apply(
        &e,
        vec![Msg::AddDisk(
            "/nonexistent/disk.qcow2".into(),
            "disk".into(),
            "virtio".into(),
        )],
    );
    assert!(err.is_some_and(|m| m.contains("/nonexistent/disk.qcow2")));
    assert_eq!(inactive(d, &name), before);

    // A bad MAC address is refused before anything is sent.
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()));
    assert_eq!(
        apply(&e, vec![Msg::SetVncPassword("far too long".into())]).map(|m| m.contains('8')),
        Some(true)
    );
    assert_eq!(inactive(d, &name), before);
    remove(d, &name);
    close(&window, criticals);
}
