//! Firmware and TPM in the GUI against a private libvirtd (QEMU driver, TCG): the wizard
//! defines for Windows 11 exactly the XML `newvm --print-xml` prints for the same choices (UEFI
//! with Secure Boot, a TPM 2.0), `virsh dumpxml` agreeing; the hardware editor's boot page
//! turns a shut-off BIOS VM into a UEFI one that boots OVMF without Secure Boot, refuses Secure
//! Boot on its i440FX machine and adds a TPM; `--show-domain-creator` opens the wizard.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;

use adw::prelude::*;
use hangar::cli::Options;
use hangar::newvm::{self, Outcome};
use hangar::osinfo::OsDb;
use hangar::ui::hardware::HardwareEditorMsg as HwMsg;
use hangar::ui::main_window::MainWindow;
use hangar::ui::wizard::{
    NewVmWizard, NewVmWizardInit, NewVmWizardMsg as Msg, PathField, SourceKind,
};
use relm4::prelude::*;
use support::hardware::{apply, descendants, inactive, open, pump, remove, virsh};
use support::wait_until;
use testbed::{Libvirtd, unique_name};
use virt_xml::builder::Firmware;

const WIN11: &str = "http://microsoft.com/win/11";

fn make_pool(d: &Libvirtd) -> String {
    let name = unique_name("pool");
    let target = d.dir().join(&name).display().to_string();
    virsh(d, &["pool-define-as", &name, "dir", "--target", &target]);
    virsh(d, &["pool-build", &name]);
    virsh(d, &["pool-start", &name]);
    name
}

/// An ISO image (any content: the system is chosen by hand).
fn make_iso(d: &Libvirtd) -> PathBuf {
    let src = d.dir().join("fw-iso-src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("README.TXT"), b"hello").unwrap();
    let iso = d.dir().join(format!("{}.iso", unique_name("fw-media")));
    let out = std::process::Command::new("xorriso")
        .args(["-as", "mkisofs", "-quiet", "-V", "FWTEST", "-o"])
        .arg(&iso)
        .arg(&src)
        .output()
        .expect("xorriso is not installed (apt-get install xorriso)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    iso
}

#[gtk::test]
fn the_wizard_defines_what_newvm_prints_for_windows_11() {
    support::init_gui();
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let pool = make_pool(d);
    let iso = make_iso(d);
    let name = unique_name("fw-win11");
    let iso_path = iso.display().to_string();

    // What the command line prints for these choices (nothing is defined).
    let cli: Vec<String> = [
        "-c",
        &uri,
        "--name",
        &name,
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
        "--iso",
        &iso_path,
        "--network",
        "user",
        "--virt-type",
        "qemu",
        "--print-xml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let printed = support::block(async move {
        let args = newvm::parse_args(&cli)?;
        let db = OsDb::load_system().map_err(|e| e.to_string())?;
        newvm::run(&args, &db).await
    });
    let Ok(Outcome::Xml(printed)) = printed else {
        panic!("newvm printed no XML: {printed:?}")
    };

    let w = NewVmWizard::builder()
        .launch(NewVmWizardInit {
            conn: support::connect(&uri),
            uri: uri.clone(),
            emulator: None,
            virt_type: Some("qemu".into()),
        })
        .detach();
    w.widget().present();
    assert!(wait_until(60, || w.model().host_loaded()
        && w.model().os_db_load_ms().is_some()));
    assert!(w.model().host().firmware.secure_boot && w.model().host().tpm);
    assert!(
        w.model().host_notes().is_empty(),
        "{:?}",
        w.model().host_notes()
    );
    w.emit(Msg::SetSource(SourceKind::Iso));
    w.emit(Msg::SetPath(PathField::Iso, iso_path.clone()));
    w.emit(Msg::ChooseOs(Some(WIN11.into())));
    pump();
    // What Windows 11 needs, by default.
    assert_eq!(w.model().chosen_firmware(), Firmware::UefiSecure);
    assert!(w.model().chosen_tpm());
    assert_eq!(w.model().resources().0, 4096);
    w.emit(Msg::SetName(name.clone()));
    w.emit(Msg::SetMemory(512));
    w.emit(Msg::SetVcpus(1));
    w.emit(Msg::SetDiskSize(1));
    let pool_index = w
        .model()
        .host()
        .pools
        .iter()
        .position(|p| *p == pool)
        .unwrap();
    w.emit(Msg::SetPool(pool_index as u32));
    w.emit(Msg::SetNetwork(w.model().host().networks.len() as u32 + 1));
    w.emit(Msg::SetCustomize(true));
    pump();
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
    support::hardware::screenshot(w.widget(), "wizard-4-finish-secure-boot");
    w.emit(Msg::Create);
    assert!(wait_until(90, || !w.model().busy()));
    assert_eq!(w.model().error(), None);
    let created = w.model().created().cloned().expect("nothing created");
    assert_eq!(
        created.xml, printed,
        "the wizard defined other XML than newvm printed"
    );

    let xml = inactive(d, &name);
    for want in [
        "<os firmware='efi'>",
        "<feature enabled='yes' name='secure-boot'/>",
        "<feature enabled='yes' name='enrolled-keys'/>",
        "<smm state='on'/>",
        "<tpm model='tpm-crb'>",
        "org.qemu.guest_agent.0",
    ] {
        assert!(xml.contains(want), "{want} missing in\n{xml}");
    }
    let _ = d.virsh_output(&uri, &["undefine", &name, "--nvram", "--tpm"]);
    let _ = d.virsh_output(
        &uri,
        &["vol-delete", "--pool", &pool, &format!("{name}.qcow2")],
    );
    let _ = d.virsh_output(&uri, &["pool-destroy", &pool]);
    let _ = d.virsh_output(&uri, &["pool-undefine", &pool]);
    w.widget().destroy();
}

/// The boot page's choice row titled `title`.
fn boot_combo(
    e: &relm4::Controller<hangar::ui::hardware::HardwareEditor>,
    title: &str,
) -> adw::ComboRow {
    let page = e.widgets().stack.child_by_name("boot").unwrap();
    descendants(&page)
        .into_iter()
        .filter_map(|w| w.downcast::<adw::ComboRow>().ok())
        .find(|r| r.title() == title)
        .unwrap_or_else(|| panic!("no row “{title}” on the boot page"))
}

#[gtk::test]
fn the_boot_page_turns_a_shut_off_bios_vm_into_uefi() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-fw", false);
    assert!(
        wait_until(30, || e.model().host_firmware().is_some()),
        "the host's firmware was not read"
    );
    let host = e.model().host_firmware().cloned().unwrap();
    assert!(host.firmware.efi && host.tpm, "{host:?}");
    assert!(!host.q35, "the tiny VM is an i440FX machine");
    e.widgets().stack.set_visible_child_name("boot");
    pump();
    let combo = boot_combo(&e, "Firmware");
    assert_eq!(combo.selected(), 0, "BIOS");
    support::hardware::screenshot(&window, "hardware-boot-firmware");

    // Choosing UEFI in the row, then Apply.
    let before = inactive(d, &name);
    assert!(!before.contains("efi"), "{before}");
    combo.set_selected(1);
    pump();
    assert!(e.model().is_dirty());
    assert_eq!(apply(&e, vec![]), None);
    let after = inactive(d, &name);
    assert!(after.contains("<os firmware='efi'>"), "{after}");
    assert!(
        after.contains("<feature enabled='no' name='secure-boot'/>"),
        "{after}"
    );
    let (removed, added) = support::hardware::diff(&before, &after);
    assert_eq!(removed, ["<os>"], "{after}");
    assert_eq!(
        added,
        [
            "</firmware>",
            "<feature enabled='no' name='secure-boot'/>",
            "<firmware>",
            "<os firmware='efi'>",
        ],
        "{after}"
    );
    assert_eq!(
        boot_combo(&e, "Firmware").selected(),
        1,
        "the page shows UEFI now"
    );

    // Secure Boot needs Q35: refused, nothing sent.
    let error = apply(&e, vec![HwMsg::SetFirmware(Firmware::UefiSecure)]).expect("not refused");
    assert!(error.contains("Secure Boot"), "{error}");
    assert_eq!(inactive(d, &name), after);
    e.emit(HwMsg::Revert);
    assert!(wait_until(30, || !e.model().busy() && !e.model().is_dirty()));

    // A TPM 2.0 added from the switch's message.
    assert_eq!(apply(&e, vec![HwMsg::SetTpm(true)]), None);
    let xml = inactive(d, &name);
    assert!(xml.contains("<tpm model='tpm-crb'>"), "{xml}");
    assert!(
        xml.contains("<backend type='emulator' version='2.0'"),
        "{xml}"
    );

    // It boots OVMF without Secure Boot.
    virsh(d, &["start", &name]);
    let live = virsh(d, &["dumpxml", &name]);
    assert!(live.contains("/usr/share/OVMF/OVMF_CODE_4M.fd"), "{live}");
    assert!(!live.contains("secure='yes'"), "{live}");
    let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &name]);
    let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &name, "--nvram", "--tpm"]);
    remove(d, &name);
    support::hardware::close(&window, criticals);
}

#[gtk::test]
fn show_domain_creator_opens_the_wizard() {
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let uri = Libvirtd::shared().test_uri();
    let main = MainWindow::builder()
        .launch(Options {
            connect: vec![uri],
            show_domain_creator: true,
            ..Options::default()
        })
        .detach();
    main.widget().present();
    assert!(
        wait_until(30, || main.model().wizard_open()),
        "--show-domain-creator did not open the wizard"
    );
    let wizard = gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Window>().ok())
        .find(|w| w.title().is_some_and(|t| t == "New Virtual Machine") && w.is_visible());
    assert!(wizard.is_some(), "no wizard window on screen");
    wizard.unwrap().close();
    main.widget().close();
}
