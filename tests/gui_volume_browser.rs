//! The storage browser on a private daemon over TCP (a host that is not this computer, as far
//! as the app can tell), with `virsh` as the oracle: the wizard's Browse opens it (no file
//! chooser) and an ISO volume chosen with Enter fills the install source and is recognised by
//! its label; the disk editor adds an existing qcow2 volume with the format of its XML and
//! inserts an ISO volume into a CD-ROM; a local
//! file uploaded through it is byte-exact; a cancelled upload leaves no volume and says so; the
//! open browser uses almost no CPU.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use adw::prelude::*;
use hangar::ui::hardware::{HardwareEditor, HardwareEditorInit, HardwareEditorMsg};
use hangar::ui::volume_browser::{
    Filter, VolumeBrowser, VolumeBrowserInit, VolumeBrowserMsg as Msg, VolumeBrowserOutput,
};
use hangar::ui::wizard::{NewVmWizard, NewVmWizardInit, NewVmWizardMsg, PathField};
use relm4::prelude::*;
use support::hardware::{button, descendants, group_widgets, pump};
use support::storage::{field, running_pool, virsh_volumes};
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

const MIB: usize = 1 << 20;

fn tcp(d: &Libvirtd) -> String {
    format!("qemu+tcp://127.0.0.1:{}/system", d.tcp_port())
}

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An ISO image labelled `label` at `path` (xorriso), of files made under `scratch`.
fn make_iso(path: &Path, scratch: &Path, label: &str) {
    let src = scratch.join(unique_name("iso-src"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("README.TXT"), b"hello").unwrap();
    run(Command::new("xorriso")
        .args([
            "-as", "mkisofs", "-quiet", "-V", label, "-sysid", "LINUX", "-o",
        ])
        .arg(path)
        .arg(&src));
}

/// A running directory pool holding `install.iso` (a Debian 11 label), `data.img` (qcow2,
/// whatever its name says), `blank.raw` and a directory `subdir`.
fn media_pool(d: &Libvirtd, name: &str) -> PathBuf {
    let dir = running_pool(d, name);
    make_iso(&dir.join("install.iso"), d.dir(), "Debian 11.5.0 amd64 n");
    // A directory in the pool is listed by libvirt, but it is no image.
    std::fs::create_dir(dir.join("subdir")).unwrap();
    run(Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(dir.join("data.img"))
        .arg("16M"));
    std::fs::write(dir.join("blank.raw"), vec![0u8; MIB]).unwrap();
    virsh(d, &["pool-refresh", name]);
    dir
}

/// Waits until `b` has read the volumes of its selected pool.
fn wait_loaded(b: &relm4::Controller<VolumeBrowser>, loads_before: u64) {
    assert!(
        wait_until(30, || b.model().loads() > loads_before
            && !b.model().loading()),
        "the browser did not load: {:?}",
        b.model().error()
    );
}

/// Selects pool `name` in the browser's list and waits for its volumes.
fn select_pool(b: &relm4::Controller<VolumeBrowser>, name: &str) {
    if b.model().selected_pool() == Some(name) {
        return;
    }
    let loads = b.model().loads();
    let i = b
        .model()
        .pools()
        .iter()
        .position(|p| p.name == name)
        .unwrap_or_else(|| panic!("no pool {name} in the browser"));
    let list = b.widgets().pools.clone();
    list.select_row(list.row_at_index(i as i32).as_ref());
    wait_loaded(b, loads);
}

fn names(b: &relm4::Controller<VolumeBrowser>) -> Vec<String> {
    b.model().volumes().iter().map(|v| v.name.clone()).collect()
}

/// Selects volume `name` in the list; its position.
fn select_volume(b: &relm4::Controller<VolumeBrowser>, name: &str) -> u32 {
    let i = names(b)
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no volume {name} listed: {:?}", names(b)));
    b.widgets().volumes.select(Some(i));
    pump();
    assert!(b.widgets().choose.is_sensitive());
    i as u32
}

/// Whether a file chooser of this process is open.
fn file_chooser_open() -> bool {
    gtk::Window::list_toplevels()
        .iter()
        .any(|w| w.is::<gtk::FileChooserDialog>() && w.is_visible())
}

/// CPU time (user + system) this process has used.
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut u), 0);
        u
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

#[gtk::test]
fn the_wizard_browses_the_hosts_pools_and_recognises_the_iso_volume() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let pool = unique_name("media");
    let dir = media_pool(d, &pool);
    let uri = tcp(d);
    let wizard = NewVmWizard::builder()
        .launch(NewVmWizardInit {
            conn: support::connect(&uri),
            uri,
            emulator: None,
            virt_type: Some("qemu".into()),
        })
        .detach();
    wizard.widget().present();
    assert!(wait_until(60, || wizard.model().host_loaded()
        && wizard.model().os_db_load_ms().is_some()));

    wizard.emit(NewVmWizardMsg::Browse(PathField::Iso));
    assert!(wait_until(10, || wizard.model().browser().is_some()));
    let b = wizard.model().browser().unwrap();
    let b = &*b;
    wait_loaded(b, 0);
    assert!(b.widget().is_visible(), "the storage browser is not shown");
    assert!(!file_chooser_open(), "a file chooser opened");
    // The host is not this computer: no local file to choose.
    assert!(!b.model().local() && !b.widgets().local.is_visible());
    assert_eq!(b.model().filter(), Filter::Iso);
    select_pool(b, &pool);
    assert_eq!(names(b), ["install.iso"]);
    let iso = b.model().volumes()[0].clone();
    assert_eq!(iso.path, dir.join("install.iso").display().to_string());
    // Every volume, then disk images only.
    b.widgets().filter.set_selected(2);
    pump();
    assert_eq!(names(b), ["blank.raw", "data.img", "install.iso", "subdir"]);
    b.widgets().filter.set_selected(1);
    pump();
    assert_eq!(names(b), ["blank.raw", "data.img"]);
    let qcow = b
        .model()
        .volumes()
        .iter()
        .find(|v| v.name == "data.img")
        .cloned();
    assert_eq!(qcow.unwrap().format, "qcow2");
    b.widgets().filter.set_selected(0);
    pump();
    support::hardware::screenshot(b.widget(), "volume-browser");

    // Enter on the volume (the list's activation) chooses it.
    let at = select_volume(b, "install.iso");
    b.widgets()
        .volumes
        .view
        .emit_by_name::<()>("activate", &[&at]);
    assert!(wait_until(10, || !b.widget().is_visible()));
    assert!(
        wait_until(20, || wizard.model().detected_os()
            == Some("http://debian.org/debian/11")),
        "the ISO volume was not recognised as Debian 11"
    );
    assert_eq!(wizard.widgets().source.iso_row.text(), iso.path);
    assert_eq!(
        wizard.model().choices().iso.as_deref(),
        Some(iso.path.as_str())
    );

    // Escape closes it again without a choice.
    wizard.emit(NewVmWizardMsg::Browse(PathField::Iso));
    pump();
    let b = wizard.model().browser().unwrap();
    assert!(wait_until(10, || b.widget().is_visible()));
    b.widget().activate_action("window.close", None).unwrap();
    assert!(wait_until(10, || !b.widget().is_visible()));
    assert_eq!(wizard.widgets().source.iso_row.text(), iso.path);
    wizard.widget().destroy();
    pump();
    virsh(d, &["pool-destroy", &pool]);
    virsh(d, &["pool-undefine", &pool]);
    assert_eq!(
        support::criticals(),
        criticals,
        "GLib criticals were logged"
    );
}

#[gtk::test]
fn the_disk_editor_adds_a_qcow2_volume_in_its_xmls_format_and_inserts_an_iso_volume() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let pool = unique_name("disks");
    let dir = media_pool(d, &pool);
    let name = unique_name("br-disk");
    let file = d.dir().join(format!("{name}.xml"));
    let cdrom = "<disk type='file' device='cdrom'><target dev='sdc' bus='sata'/><readonly/></disk>";
    let xml = vm::tiny_xml(&name).replace("</devices>", &format!("{cdrom}</devices>"));
    std::fs::write(&file, xml).unwrap();
    virsh(d, &["define", &file.display().to_string()]);
    let conn = support::connect(&tcp(d));
    let n = name.clone();
    let domain = support::block(async move {
        virt_client::Domain::lookup_by_name(&conn, &n)
            .await
            .unwrap()
    });
    let e = HardwareEditor::builder()
        .launch(HardwareEditorInit {
            domain,
            active: false,
        })
        .detach();
    let window = adw::Window::new();
    window.set_default_size(900, 680);
    window.set_content(Some(e.widget()));
    window.present();
    assert!(wait_until(30, || e.model().generation() > 0 && !e.model().busy()));
    e.widgets().stack.set_visible_child_name("disks");
    pump();

    let form = group_widgets(&e, "Add an Existing Image");
    let entry = form
        .iter()
        .find_map(|w| w.clone().downcast::<adw::EntryRow>().ok())
        .unwrap();
    browse_button(&entry).emit_clicked();
    assert!(wait_until(10, || e.model().browser().is_some()));
    let b = e.model().browser().unwrap();
    let b = &*b;
    wait_loaded(b, 0);
    assert!(b.widget().is_visible() && !file_chooser_open());
    assert_eq!(b.model().filter(), Filter::Disk);
    select_pool(b, &pool);
    select_volume(b, "data.img");
    b.widgets().choose.emit_clicked();
    assert!(wait_until(10, || !b.widget().is_visible()));
    let path = dir.join("data.img").display().to_string();
    assert!(wait_until(10, || entry.text() == path));

    let group = form[0].parent().unwrap();
    let generation = e.model().generation();
    button(&group, "Add").emit_clicked();
    assert!(wait_until(20, || e.model().generation() > generation));
    assert_eq!(e.model().error(), None);
    e.emit(HardwareEditorMsg::Apply);
    assert!(wait_until(30, || !e.model().busy() && !e.model().is_dirty()));
    assert_eq!(e.model().error(), None);
    let xml = virsh(d, &["dumpxml", &name, "--inactive"]);
    let disk = xml
        .split("<disk ")
        .find(|s| s.contains(&path))
        .unwrap_or_else(|| panic!("no disk on {path}:\n{xml}"));
    assert!(disk.contains("type='qcow2'"), "{disk}");
    assert!(disk.contains(&format!("<source file='{path}'/>")), "{disk}");

    // The CD-ROM's medium: an ISO volume, inserted as chosen.
    pump();
    let page = e.widgets().stack.visible_child().unwrap();
    let media = descendants(&page)
        .into_iter()
        .find_map(|w| {
            w.downcast::<adw::EntryRow>()
                .ok()
                .filter(|r| r.title() == "Medium (ISO image)")
        })
        .expect("no medium row");
    let loads = b.model().loads();
    browse_button(&media).emit_clicked();
    assert!(wait_until(10, || b.widget().is_visible()));
    wait_loaded(b, loads);
    assert_eq!(b.model().filter(), Filter::Iso);
    select_pool(b, &pool);
    select_volume(b, "install.iso");
    b.widgets().choose.emit_clicked();
    assert!(wait_until(10, || e.model().is_dirty()));
    e.emit(HardwareEditorMsg::Apply);
    assert!(wait_until(30, || !e.model().busy() && !e.model().is_dirty()));
    assert_eq!(e.model().error(), None);
    let iso = dir.join("install.iso").display().to_string();
    let xml = virsh(d, &["dumpxml", &name, "--inactive"]);
    let cd = xml
        .split("<disk ")
        .find(|s| s.contains("device='cdrom'"))
        .unwrap();
    assert!(cd.contains(&format!("<source file='{iso}'/>")), "{cd}");

    window.destroy();
    pump();
    virsh(d, &["undefine", &name]);
    virsh(d, &["pool-destroy", &pool]);
    virsh(d, &["pool-undefine", &pool]);
    assert_eq!(
        support::criticals(),
        criticals,
        "GLib criticals were logged"
    );
}

/// The Browse button of an entry row.
fn browse_button(row: &adw::EntryRow) -> gtk::Button {
    descendants(row.upcast_ref())
        .into_iter()
        .find_map(|w| {
            w.downcast::<gtk::Button>()
                .ok()
                .filter(|b| b.tooltip_text().as_deref() == Some("Browse…"))
        })
        .expect("no Browse button")
}

type Outputs = Arc<Mutex<Vec<VolumeBrowserOutput>>>;

/// A browser on `d` over TCP, open on every volume of pool `pool`.
fn open_browser(d: &Libvirtd, pool: &str) -> (relm4::Controller<VolumeBrowser>, Outputs) {
    let outputs: Outputs = Arc::default();
    let o = outputs.clone();
    let b = VolumeBrowser::builder()
        .launch(VolumeBrowserInit {
            conn: support::connect(&tcp(d)),
        })
        .connect_receiver(move |_, out| o.lock().unwrap().push(out));
    b.emit(Msg::Open {
        filter: Filter::All,
        title: "Choose".into(),
    });
    wait_loaded(&b, 0);
    select_pool(&b, pool);
    (b, outputs)
}

/// `len` bytes that do not repeat (xorshift).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

#[gtk::test]
fn a_local_file_uploaded_through_the_browser_becomes_a_byte_exact_volume() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    running_pool(&d, "up");
    let local = tempfile::tempdir().unwrap();
    let source = local.path().join("tools.iso");
    let content = noise(5 * MIB + 123, 7);
    std::fs::write(&source, &content).unwrap();
    let (b, outputs) = open_browser(&d, "up");
    assert!(names(&b).is_empty());

    let loads = b.model().loads();
    b.emit(Msg::Upload(source.clone()));
    assert!(wait_until(60, || b.model().activity().is_none()
        && b.model().loads() > loads
        && !b.model().loading()));
    assert_eq!(b.model().error(), None);
    assert!(b.model().notice().unwrap().contains("tools.iso"));
    assert_eq!(virsh_volumes(&d, "up"), ["tools.iso"]);
    // The new volume is listed and selected, ready to be chosen.
    assert_eq!(names(&b), ["tools.iso"]);
    assert_eq!(b.widgets().volumes.selected(), Some(0));
    let back = local.path().join("back");
    virsh(
        &d,
        &[
            "vol-download",
            "tools.iso",
            &back.display().to_string(),
            "--pool",
            "up",
        ],
    );
    assert!(
        std::fs::read(&back).unwrap() == content,
        "the volume differs from the uploaded file"
    );
    let info = virsh(&d, &["vol-info", "tools.iso", "--pool", "up", "--bytes"]);
    assert_eq!(
        field(&info, "Capacity:"),
        format!("{} bytes", content.len())
    );

    b.widgets().choose.emit_clicked();
    assert!(wait_until(10, || !outputs.lock().unwrap().is_empty()));
    match outputs.lock().unwrap().first() {
        Some(VolumeBrowserOutput::Picked(v)) => {
            assert_eq!((v.pool.as_str(), v.name.as_str()), ("up", "tools.iso"));
            assert!(v.path.ends_with("/tools.iso"), "{}", v.path);
        }
        other => panic!("{other:?}"),
    }
    b.widget().destroy();
}

#[gtk::test]
fn a_cancelled_upload_leaves_no_volume_and_says_so() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "cu");
    let local = tempfile::tempdir().unwrap();
    // 1 GiB of data (no holes), long enough to cancel midway.
    let large = local.path().join("large.img");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&large).unwrap());
        let block = noise(MIB, 3);
        for i in 0..1024u32 {
            f.write_all(&i.to_le_bytes()).unwrap();
            f.write_all(&block[4..]).unwrap();
        }
    }
    let (b, _) = open_browser(&d, "cu");
    b.emit(Msg::Upload(large));
    assert!(
        wait_until(60, || b
            .model()
            .activity()
            .and_then(|a| a.progress)
            .is_some_and(|p| p.done > 0)),
        "the upload did not get going: {:?}",
        b.model().error()
    );
    let p = b.model().activity().and_then(|a| a.progress).unwrap();
    assert!(
        p.done < p.total,
        "the upload ended before the cancel: {p:?}"
    );
    assert!(b.widgets().activity.root.is_visible());
    assert!(!b.widgets().choose.is_sensitive() && !b.widgets().upload.is_sensitive());
    b.widgets().activity.cancel.emit_clicked();
    assert!(
        wait_until(60, || b.model().activity().is_none()
            && !b.model().loading()),
        "the cancel did not end the upload"
    );
    assert_eq!(b.model().error(), None);
    let notice = b.model().notice().unwrap().to_owned();
    assert!(
        notice.contains("cancelled") && notice.contains("deleted"),
        "{notice}"
    );
    assert!(b.widgets().status.is_visible());
    assert!(virsh_volumes(&d, "cu").is_empty());
    assert!(!dir.join("large.img").exists());
    assert!(names(&b).is_empty());
    b.widget().destroy();
}

#[gtk::test]
fn the_open_browser_uses_almost_no_cpu() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "idle");
    for i in 0..20 {
        std::fs::File::create(dir.join(format!("v{i}.img"))).unwrap();
    }
    virsh(&d, &["pool-refresh", "idle"]);
    let (b, _) = open_browser(&d, "idle");
    assert_eq!(names(&b).len(), 20);
    select_volume(&b, "v3.img");
    support::drain();
    let ctx = gtk::glib::MainContext::default();
    let done = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = done.clone();
    gtk::glib::timeout_add_local_once(Duration::from_secs(10), move || flag.set(true));
    let (cpu0, wall0) = (cpu_time(), Instant::now());
    while !done.get() {
        ctx.iteration(true);
    }
    let (cpu, wall) = (cpu_time() - cpu0, wall0.elapsed());
    let share = cpu.as_secs_f64() / wall.as_secs_f64() * 100.0;
    eprintln!(
        "FIGURE storage browser idle: {} ms CPU in {:.1} s = {share:.2} % of one core",
        cpu.as_millis(),
        wall.as_secs_f64()
    );
    assert!(share < 2.0, "the idle browser used {share:.2} % CPU");
    assert!(b.widget().is_visible());
    b.widget().destroy();
}

#[gtk::test]
fn a_local_file_is_a_second_choice_on_a_local_connection_only() {
    support::init_gui();
    let d = Libvirtd::shared();
    for (uri, local) in [(d.qemu_uri(), true), (tcp(d), false)] {
        let b = VolumeBrowser::builder()
            .launch(VolumeBrowserInit {
                conn: support::connect(&uri),
            })
            .detach();
        b.emit(Msg::Open {
            filter: Filter::Disk,
            title: "Choose".into(),
        });
        wait_loaded(&b, 0);
        assert_eq!(b.model().local(), local, "{uri}");
        assert_eq!(b.widgets().local.is_visible(), local, "{uri}");
        // The volumes of the host come first either way.
        assert!(b.widgets().upload.is_visible());
        b.widget().destroy();
    }
}
