//! The storage pool `default` made on first use, against fresh daemons with no pool at all:
//! the new-VM wizard on a private system daemon (the pool in `/var/lib/libvirt/images`, which
//! the daemon's mount namespace keeps under its own directory) and, run as `nobody`, on a fresh
//! `qemu:///session` (the pool in `~/.local/share/libvirt/images`); the hardware editor's new
//! disk, which also starts an existing but inactive `default`; and a pool whose directory
//! cannot be made, refused with the reason and no pool left defined.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::hardware::HardwareEditor;
use hangar::ui::volumes::default_pool::{DefaultPool, SYSTEM_IMAGES};
use hangar::ui::wizard::{NewVmWizard, NewVmWizardInit, NewVmWizardMsg as Msg, SourceKind};
use relm4::prelude::*;
use support::hardware::{button, choose, combo, group_widgets, inactive, open, pump, remove};
use support::wait_until;
use testbed::{Libvirtd, unique_name};

/// Set in the environment of the run as `nobody`.
const CHILD: &str = "HANGAR_DEFAULT_POOL_SESSION_CHILD";
const SESSION_TEST: &str = "a_fresh_user_session_gets_the_default_pool_in_its_data_home";

fn launch(conn: virt_client::Connection, uri: &str) -> relm4::Controller<NewVmWizard> {
    let wizard = NewVmWizard::builder()
        .launch(NewVmWizardInit {
            conn,
            uri: uri.to_owned(),
            emulator: None,
            virt_type: Some("qemu".into()),
        })
        .detach();
    wizard.widget().present();
    assert!(
        wait_until(60, || wizard.model().host_loaded()
            && wizard.model().os_db_load_ms().is_some()),
        "the wizard did not load the host's choices and the OS database"
    );
    wizard
}

/// Fills in a network-booted VM with a 1 GiB disk and goes to the summary.
fn fill_and_forward(w: &relm4::Controller<NewVmWizard>, name: &str) {
    w.emit(Msg::SetSource(SourceKind::Network));
    w.emit(Msg::SetName(name.to_owned()));
    w.emit(Msg::SetMemory(128));
    w.emit(Msg::SetVcpus(1));
    w.emit(Msg::SetDisk(true));
    w.emit(Msg::SetDiskSize(1));
    // User-mode networking: tests have no dnsmasq for virtual networks.
    w.emit(Msg::SetNetwork(w.model().host().networks.len() as u32 + 1));
    pump();
    for step in 1..=3 {
        w.emit(Msg::Forward);
        assert!(
            wait_until(20, || w.model().step() == step
                || w.model().error().is_some()),
            "stuck at step {}",
            step - 1
        );
        assert_eq!(w.model().error(), None, "at step {}", step - 1);
    }
}

fn create(w: &relm4::Controller<NewVmWizard>) {
    w.emit(Msg::Create);
    assert!(
        wait_until(120, || !w.model().busy()),
        "creation did not finish"
    );
}

/// `virsh pool-info` as (state, autostart).
fn pool_info(text: &str) -> (String, String) {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    (field("State:"), field("Autostart:"))
}

fn target_path(pool_xml: &str) -> String {
    let doc = virt_xml::PoolXml::parse(pool_xml).unwrap();
    doc.root()
        .target_path(&doc)
        .map(|p| p.into_owned())
        .unwrap_or_default()
}

#[gtk::test]
fn the_wizard_makes_the_default_pool_on_a_system_daemon_without_pools() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let uri = d.qemu_uri();
    let virsh = |args: &[&str]| d.virsh(&uri, args).unwrap();
    assert_eq!(virsh(&["pool-list", "--all", "--name"]).trim(), "");

    let w = launch(support::connect(&uri), &uri);
    assert!(w.model().host().pools.is_empty());
    assert_eq!(
        w.model().host().default_pool,
        Some(DefaultPool::Create(SYSTEM_IMAGES.into()))
    );
    let name = unique_name("defpool-vm");
    fill_and_forward(&w, &name);
    support::hardware::screenshot(w.widget(), "wizard-default-pool-finish");
    create(&w);
    assert_eq!(w.model().error(), None);
    let created = w.model().created().cloned().expect("nothing created");
    assert!(created.started);
    let note = created.note.expect("the user is not told about the pool");
    assert!(
        note.contains("“default”") && note.contains(SYSTEM_IMAGES),
        "{note}"
    );

    // virsh sees the pool running, autostarted, in /var/lib/libvirt/images.
    let (state, autostart) = pool_info(&virsh(&["pool-info", "default"]));
    assert_eq!((state.as_str(), autostart.as_str()), ("running", "yes"));
    assert_eq!(
        target_path(&virsh(&["pool-dumpxml", "default"])),
        SYSTEM_IMAGES
    );
    let volume = format!("{name}.qcow2");
    assert!(virsh(&["vol-list", "default"]).contains(&volume));
    let xml = virsh(&["dumpxml", &name, "--inactive"]);
    assert!(
        xml.contains(&format!("<source file='{SYSTEM_IMAGES}/{volume}'/>")),
        "{xml}"
    );
    assert_eq!(virsh(&["domstate", &name]).trim(), "running");
    // The daemon's /var/lib/libvirt is its own directory's lib/.
    assert!(d.dir().join("lib/images").join(&volume).is_file());

    // A second VM finds the pool and makes nothing.
    let w2 = launch(support::connect(&uri), &uri);
    assert_eq!(w2.model().host().pools, ["default"]);
    assert_eq!(w2.model().host().default_pool, None);
    w2.widget().destroy();

    let _ = d.virsh(&uri, &["destroy", &name]);
    let _ = d.virsh(&uri, &["undefine", &name]);
    w.widget().destroy();
}

#[gtk::test]
fn a_default_pool_whose_directory_cannot_be_made_is_explained_and_not_left_defined() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let uri = d.qemu_uri();
    let virsh = |args: &[&str]| d.virsh(&uri, args).unwrap();
    // A file where the directory should go.
    std::fs::write(d.dir().join("lib/images"), b"not a directory").unwrap();

    let w = launch(support::connect(&uri), &uri);
    let name = unique_name("defpool-fail");
    fill_and_forward(&w, &name);
    create(&w);
    let error = w.model().error().expect("no error shown").to_owned();
    assert!(
        error
            .starts_with("Could not create the storage pool “default” in /var/lib/libvirt/images:"),
        "{error}"
    );
    assert!(w.model().created().is_none());
    assert_eq!(virsh(&["pool-list", "--all", "--name"]).trim(), "");
    assert!(!virsh(&["list", "--all", "--name"]).contains(&name));
    assert!(d.dir().join("lib/images").is_file());
    w.widget().destroy();
}

/// Waits until the editor has read the pools, then shows the disks page.
fn show_disks(e: &relm4::Controller<HardwareEditor>) {
    assert!(wait_until(20, || e.model().pools().is_some()
        && e.model().default_pool().is_some()));
    pump();
    e.widgets().stack.set_visible_child_name("disks");
    pump();
}

/// Adds a 1 GiB virtio disk in the pool `default` through the form; the editor's error.
fn add_disk(e: &relm4::Controller<HardwareEditor>) -> Option<String> {
    let form = group_widgets(e, "Add a New Disk");
    let group = form[0].parent().unwrap();
    choose(&combo(&group, "Storage pool"), "default");
    choose(&combo(&group, "Bus"), "virtio");
    let size = form
        .iter()
        .find_map(|w| w.clone().downcast::<gtk::SpinButton>().ok())
        .expect("no size");
    size.set_value(1.0);
    pump();
    let generation = e.model().generation();
    button(&group, "Create and Attach").emit_clicked();
    assert!(
        wait_until(60, || !e.model().busy()
            && (e.model().error().is_some()
                || e.model().generation() > generation)),
        "adding the disk did not finish"
    );
    pump();
    e.model().error().map(str::to_owned)
}

#[gtk::test]
fn the_hardware_editor_makes_or_starts_the_default_pool_for_a_new_disk() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::start().unwrap();
    let uri = d.qemu_uri();
    let virsh = |args: &[&str]| d.virsh(&uri, args).unwrap();

    // No pool at all: the pool is made.
    let (name, e, window) = open(&d, "hw-defpool", false);
    show_disks(&e);
    assert_eq!(e.model().pools(), Some(&[][..]));
    assert_eq!(
        e.model().default_pool(),
        Some(&DefaultPool::Create(SYSTEM_IMAGES.into()))
    );
    support::hardware::screenshot(&window, "hardware-default-pool");
    assert_eq!(add_disk(&e), None);
    let status = e.model().status().unwrap_or_default().to_owned();
    assert!(
        status.contains("Created the storage pool “default”") && status.contains(&name),
        "{status}"
    );
    let (state, autostart) = pool_info(&virsh(&["pool-info", "default"]));
    assert_eq!((state.as_str(), autostart.as_str()), ("running", "yes"));
    let volume = format!("{name}-1.qcow2");
    assert!(
        inactive(&d, &name).contains(&format!("<source file='{SYSTEM_IMAGES}/{volume}'/>")),
        "{}",
        inactive(&d, &name)
    );
    // The editor now lists the pool.
    assert!(wait_until(20, || e
        .model()
        .pools()
        .is_some_and(|p| p.iter().any(|p| p.pool == "default"))));
    remove(&d, &name);
    window.destroy();

    // A `default` pool that is defined but stopped, its directory gone: it is built again,
    // started and set to autostart, not replaced.
    virsh(&["vol-delete", "--pool", "default", &volume]);
    virsh(&["pool-destroy", "default"]);
    virsh(&["pool-undefine", "default"]);
    let spare = "/var/lib/libvirt/spare";
    virsh(&["pool-define-as", "default", "dir", "--target", spare]);
    let (state, autostart) = pool_info(&virsh(&["pool-info", "default"]));
    assert_eq!((state.as_str(), autostart.as_str()), ("inactive", "no"));
    let (name, e, window) = open(&d, "hw-defpool-start", false);
    show_disks(&e);
    assert_eq!(
        e.model().default_pool(),
        Some(&DefaultPool::Start(Some(spare.into())))
    );
    assert_eq!(add_disk(&e), None);
    let status = e.model().status().unwrap_or_default().to_owned();
    assert!(
        status.contains("Started the storage pool “default”"),
        "{status}"
    );
    let (state, autostart) = pool_info(&virsh(&["pool-info", "default"]));
    assert_eq!((state.as_str(), autostart.as_str()), ("running", "yes"));
    assert_eq!(target_path(&virsh(&["pool-dumpxml", "default"])), spare);
    assert!(inactive(&d, &name).contains(&format!("{spare}/{name}-1.qcow2")));
    assert!(d.dir().join("lib/spare").is_dir());
    remove(&d, &name);
    window.destroy();
    pump();
    assert_eq!(
        support::criticals(),
        criticals,
        "GLib criticals were logged"
    );
}

#[gtk::test]
fn a_fresh_user_session_gets_the_default_pool_in_its_data_home() {
    if std::env::var_os(CHILD).is_some() {
        return as_the_user();
    }
    let dir = tempfile::Builder::new()
        .prefix("hangar-defpool-session-")
        .tempdir_in("/tmp")
        .unwrap();
    let run = support::session::run_as_nobody(SESSION_TEST, CHILD, dir.path());
    println!("{}", run.stdout);
    // A run that failed half-way may have left its VM running.
    if let Some(vm) = run.stdout.lines().find_map(|l| l.strip_prefix("vm=")) {
        support::session::kill_matching(&format!("guest={vm},"));
    }
    assert!(
        run.passed,
        "the run as nobody failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let images = run.home.join(".local/share/libvirt/images");
    assert!(
        run.stdout
            .contains(&format!("pool-path={}", images.display())),
        "{}",
        run.stdout
    );
    assert!(images.is_dir(), "{} was not made", images.display());
    // The run saw its daemon running as the user (see `as_the_user`); it is stopped now.
    let pid: i32 = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("daemon="))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .expect("no session daemon was seen");
    support::session::stop_pid(pid);
    assert!(
        run.stdout.contains(&format!(
            "daemon={pid} uid={} libvirtd",
            support::session::NOBODY
        )),
        "{}",
        run.stdout
    );
    assert_eq!(
        support::session::process(pid),
        None,
        "the daemon still runs"
    );
}

/// The half that runs as `nobody`: the wizard on `qemu:///session`, checked with virsh.
fn as_the_user() {
    support::init_gui();
    let uri = "qemu:///session";
    let virsh = |args: &[&str]| {
        let out = std::process::Command::new("virsh")
            .args(["-q", "-c", uri])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "virsh {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let w = launch(support::connect(uri), uri);
    assert!(w.model().host().pools.is_empty(), "the session has pools");
    let home = std::env::var("HOME").unwrap();
    let expected = format!("{home}/.local/share/libvirt/images");
    assert_eq!(
        w.model().host().default_pool,
        Some(DefaultPool::Create(expected.clone()))
    );
    let name = unique_name("defpool-session");
    println!("vm={name}");
    fill_and_forward(&w, &name);
    create(&w);
    assert_eq!(w.model().error(), None);
    let created = w.model().created().cloned().expect("nothing created");
    assert!(created.note.is_some_and(|n| n.contains(&expected)));

    let (state, autostart) = pool_info(&virsh(&["pool-info", "default"]));
    assert_eq!((state.as_str(), autostart.as_str()), ("running", "yes"));
    let path = target_path(&virsh(&["pool-dumpxml", "default"]));
    println!("pool-path={path}");
    assert_eq!(path, expected);
    let xml = virsh(&["dumpxml", &name, "--inactive"]);
    assert!(
        xml.contains(&format!("<source file='{expected}/{name}.qcow2'/>")),
        "{xml}"
    );
    assert_eq!(virsh(&["domstate", &name]).trim(), "running");
    println!("domstate=running");
    let run = std::env::var("XDG_RUNTIME_DIR").unwrap();
    let pid = support::session::read_pid(&std::path::Path::new(&run).join("libvirt/libvirtd.pid"))
        .expect("no daemon pid file");
    let (uid, cmdline) = support::session::process(pid).expect("the daemon is not running");
    assert!(cmdline.contains("libvirtd"), "{cmdline}");
    println!("daemon={pid} uid={uid} libvirtd");
    virsh(&["destroy", &name]);
    virsh(&["undefine", &name]);
    w.widget().destroy();
}
