//! Saved states through the main window's actions on the private daemon's QEMU driver: a VM
//! with a managed save reads "Saved", Discard Saved State asks first and only the answer removes
//! the image; Save to File asks for a path on the host and stops the VM, Restore from File starts
//! it again from that file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::cli::Options;
use hangar::ui::MainWindow;
use hangar::ui::vm_list::{ConnectionObject, VmObject};
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap().trim().to_string()
}

fn has_managed_save(d: &Libvirtd, name: &str) -> bool {
    virsh(d, &["dominfo", name])
        .lines()
        .any(|l| l.starts_with("Managed save:") && l.trim_end().ends_with("yes"))
}

/// The visible message dialog, once there is one.
fn dialog() -> adw::MessageDialog {
    let mut found = None;
    assert!(wait_until(10, || {
        found = gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
            .find(|w| w.is_visible());
        found.is_some()
    }));
    found.unwrap()
}

fn respond(dialog: &adw::MessageDialog, response: &str) {
    MessageDialogExt::response(dialog, response);
    dialog.close();
}

/// A defined tiny VM, running; the main window with it selected.
fn launch(d: &Libvirtd) -> (String, Controller<MainWindow>, ConnectionObject, VmObject) {
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let name = unique_name("guisave");
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, vm::tiny_xml(&name)).unwrap();
    virsh(d, &["define", &file.display().to_string()]);
    virsh(d, &["start", &name]);
    let uuid = virsh(d, &["domuuid", &name]);
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![d.qemu_uri()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let conn = window.model().list().connection(&d.qemu_uri()).unwrap();
    assert!(wait_until(30, || conn.vm(&uuid).is_some()));
    let row = conn.vm(&uuid).unwrap();
    window.model().list().clone().select_vm(&row);
    (name, window, conn, row)
}

fn remove(d: &Libvirtd, name: &str) {
    let _ = d.virsh_output(&d.qemu_uri(), &["destroy", name]);
    let _ = d.virsh_output(&d.qemu_uri(), &["undefine", name, "--managed-save"]);
}

#[gtk::test]
fn discard_saved_state_asks_and_removes_the_image() {
    let d = Libvirtd::shared();
    let (name, window, _conn, row) = launch(d);
    let actions = window.model().actions().unwrap().clone();
    assert!(wait_until(20, || actions.is_enabled("vm-save")));
    assert!(!actions.is_enabled("vm-discard-save"));
    actions.activate("vm-save");
    assert!(
        wait_until(60, || row.has_managed_save() && !row.vm_state().is_active()),
        "not saved"
    );
    assert_eq!(row.summary().state_label(), "Saved");
    assert!(wait_until(10, || actions.is_enabled("vm-discard-save")));

    // Cancelled: the image stays.
    actions.activate("vm-discard-save");
    let question = dialog();
    assert!(question.heading().unwrap().contains(&name));
    respond(&question, "cancel");
    assert!(support::holds_for(
        std::time::Duration::from_secs(1),
        || has_managed_save(d, &name)
    ));

    // Accepted: it is gone, and the row reads "Shut off" again.
    actions.activate("vm-discard-save");
    respond(&dialog(), "accept");
    assert!(wait_until(20, || !has_managed_save(d, &name)));
    assert!(wait_until(10, || !row.has_managed_save()));
    assert_ne!(row.summary().state_label(), "Saved");
    window.widget().destroy();
    remove(d, &name);
}

#[gtk::test]
fn save_to_file_and_restore_from_file_through_the_path_prompt() {
    let d = Libvirtd::shared();
    let (name, window, _conn, row) = launch(d);
    let actions = window.model().actions().unwrap().clone();
    let path = d.dir().join(format!("{name}.save")).display().to_string();
    assert!(wait_until(20, || actions.is_enabled("vm-save-to-file")));
    assert!(!actions.is_enabled("vm-restore-from-file"));
    actions.activate("vm-save-to-file");
    let prompt = dialog();
    let entry = prompt
        .extra_child()
        .and_downcast::<gtk::Entry>()
        .expect("a path entry");
    // A relative path cannot be used.
    entry.set_text("relative.save");
    assert!(!prompt.is_response_enabled("go"));
    entry.set_text(&path);
    assert!(prompt.is_response_enabled("go"));
    respond(&prompt, "go");
    assert!(
        wait_until(60, || virsh(d, &["domstate", &name]) == "shut off"),
        "not saved"
    );
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
    assert!(!has_managed_save(d, &name));

    assert!(wait_until(10, || actions.is_enabled("vm-restore-from-file")));
    actions.activate("vm-restore-from-file");
    let prompt = dialog();
    let entry = prompt.extra_child().and_downcast::<gtk::Entry>().unwrap();
    entry.set_text(&path);
    respond(&prompt, "go");
    assert!(
        wait_until(60, || virsh(d, &["domstate", &name]) == "running"),
        "not restored"
    );
    assert!(wait_until(10, || row.vm_state().is_active()));
    window.widget().destroy();
    remove(d, &name);
}
