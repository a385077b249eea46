//! The Clone dialog opened from the main window's action on a shut-off VM with a disk in a
//! pool: it proposes a free name, refuses a taken one, and Clone makes the VM with its own
//! volume, which `virsh` then sees; the dialog closes. Cancel pressed while the clone runs
//! closes it with nothing left behind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::clone::{CloneDialog, CloneDialogInit, CloneDialogOutput};
use relm4::prelude::*;
use support::hardware::{descendants, screenshot, virsh};
use support::wait_until;
use testbed::{Libvirtd, unique_name};

/// A shut-off tiny VM with one qcow2 disk in a new pool; (VM name, pool name, pool directory).
fn source(d: &Libvirtd) -> (String, String, std::path::PathBuf) {
    let pool = unique_name("guiclpool");
    let dir = d.dir().join(&pool);
    let target = dir.display().to_string();
    virsh(d, &["pool-define-as", &pool, "dir", "--target", &target]);
    virsh(d, &["pool-build", &pool]);
    virsh(d, &["pool-start", &pool]);
    let name = unique_name("guiclsrc");
    let vol = format!("{name}.qcow2");
    virsh(
        d,
        &["vol-create-as", &pool, &vol, "8M", "--format", "qcow2"],
    );
    let disk = format!(
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{}'/><target dev='vda' bus='virtio'/></disk>\n  </devices>",
        dir.join(&vol).display()
    );
    let xml = testbed::vm::tiny_xml(&name).replace("  </devices>", &disk);
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    virsh(d, &["define", &file.display().to_string()]);
    (name, pool, dir)
}

#[gtk::test]
fn the_clone_action_opens_the_dialog_which_makes_the_clone() {
    use hangar::cli::Options;
    use hangar::ui::MainWindow;
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let d = Libvirtd::shared();
    let (src, pool, dir) = source(d);
    let uuid = virsh(d, &["domuuid", &src]).trim().to_string();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![d.qemu_uri()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let conn = window.model().list().connection(&d.qemu_uri()).unwrap();
    assert!(wait_until(30, || conn.vm(&uuid).is_some()));
    window
        .model()
        .list()
        .clone()
        .select_vm(&conn.vm(&uuid).unwrap());
    let actions = window.model().actions().unwrap().clone();
    assert!(
        wait_until(30, || actions.is_enabled("vm-clone")),
        "Clone… not enabled"
    );
    actions.activate("vm-clone");
    let title = format!("Clone “{src}”");
    let mut dialog = None;
    assert!(wait_until(10, || {
        dialog = gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|w| w.downcast::<gtk::Window>().ok())
            .find(|w| w.title().as_deref() == Some(title.as_str()) && w.is_visible());
        dialog.is_some()
    }));
    let dialog = dialog.unwrap();
    let widgets = descendants(dialog.upcast_ref());
    let entry = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<gtk::Entry>().ok())
        .unwrap();
    let button = widgets
        .iter()
        .filter_map(|w| w.clone().downcast::<gtk::Button>().ok())
        .find(|b| b.label().as_deref() == Some("C_lone"))
        .unwrap();
    let errors = || {
        widgets
            .iter()
            .filter_map(|w| w.clone().downcast::<gtk::Label>().ok())
            .filter(|l| l.has_css_class("error") && l.is_visible())
            .map(|l| l.label().to_string())
            .collect::<Vec<_>>()
    };
    let proposed = format!("{src}-clone");
    assert!(
        wait_until(30, || entry.text() == proposed && button.is_sensitive()),
        "no proposal: {:?} {:?}",
        entry.text(),
        errors()
    );
    let details = widgets
        .iter()
        .filter_map(|w| w.clone().downcast::<gtk::Label>().ok())
        .map(|l| l.label().to_string())
        .find(|l| l.contains(&format!("{proposed}.qcow2")));
    assert!(details.is_some(), "the new volume is named");

    // The source's own name is taken: refused, with the reason.
    entry.set_text(&src);
    assert!(wait_until(10, || !button.is_sensitive()));
    let shown = errors();
    assert!(
        shown.iter().any(|e| e.contains("already exists")),
        "{shown:?}"
    );
    screenshot(&dialog, "clone-dialog-taken");
    entry.set_text(&proposed);
    assert!(wait_until(10, || button.is_sensitive() && errors().is_empty()));

    button.emit_clicked();
    assert!(
        wait_until(60, || !dialog.is_visible()),
        "the dialog stays: {:?}",
        errors()
    );
    let xml = virsh(d, &["dumpxml", &proposed]);
    assert!(
        xml.contains(&format!(
            "<source file='{}'/>",
            dir.join(format!("{proposed}.qcow2")).display()
        )),
        "{xml}"
    );
    assert_ne!(virsh(d, &["domuuid", &proposed]).trim(), uuid);
    window.widget().close();
    for vm in [&proposed, &src] {
        let _ = d.virsh_output(&d.qemu_uri(), &["undefine", vm, "--remove-all-storage"]);
    }
    let _ = d.virsh_output(&d.qemu_uri(), &["pool-destroy", &pool]);
    let _ = d.virsh_output(&d.qemu_uri(), &["pool-undefine", &pool]);
}

fn volumes(d: &Libvirtd, pool: &str) -> String {
    virsh(d, &["pool-refresh", pool]);
    // "Name Path" and a rule, then one volume a line.
    virsh(d, &["vol-list", pool])
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect::<Vec<_>>()
        .join(" ")
}

#[gtk::test]
fn cancel_while_cloning_closes_the_dialog_and_leaves_nothing() {
    support::init_gui();
    let d = Libvirtd::shared();
    let (src, pool, _dir) = source(d);
    let before = volumes(d, &pool);
    let outputs: std::rc::Rc<std::cell::RefCell<Vec<CloneDialogOutput>>> = Default::default();
    let sink = outputs.clone();
    let dialog = CloneDialog::builder()
        .launch(CloneDialogInit {
            conn: support::connect(&d.qemu_uri()),
            source: src.clone(),
        })
        .connect_receiver(move |_, out| sink.borrow_mut().push(out));
    dialog.widget().present();
    let widgets = descendants(dialog.widget().upcast_ref());
    let button = |label: &str| {
        widgets
            .iter()
            .filter_map(|w| w.clone().downcast::<gtk::Button>().ok())
            .find(|b| b.label().as_deref() == Some(label))
            .unwrap()
    };
    let (clone, cancel) = (button("C_lone"), button("_Cancel"));
    assert!(wait_until(30, || clone.is_sensitive()));
    let proposed = format!("{src}-clone");
    // Both clicks are handled in order: the clone stops at its first check.
    clone.emit_clicked();
    cancel.emit_clicked();
    assert!(
        wait_until(60, || !outputs.borrow().is_empty()),
        "the dialog never ended"
    );
    assert!(
        matches!(outputs.borrow()[0], CloneDialogOutput::Closed),
        "{:?}",
        outputs.borrow()
    );
    assert!(!dialog.widget().is_visible());
    // The clone did start, and undid itself.
    let progress = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<gtk::ProgressBar>().ok())
        .unwrap();
    assert_eq!(
        progress.text().as_deref(),
        Some("Removing what was made"),
        "the clone never ran"
    );
    assert!(
        !d.virsh_output(&d.qemu_uri(), &["dominfo", &proposed])
            .unwrap()
            .status
            .success(),
        "the clone was defined"
    );
    assert_eq!(volumes(d, &pool), before);
    dialog.widget().destroy();
    let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &src, "--remove-all-storage"]);
    let _ = d.virsh_output(&d.qemu_uri(), &["pool-destroy", &pool]);
    let _ = d.virsh_output(&d.qemu_uri(), &["pool-undefine", &pool]);
}
