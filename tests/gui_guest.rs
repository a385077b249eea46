//! The VM overview's "Guest" group, in VM windows opened from the main window: on the test
//! driver (addresses it makes up, no guest agent calls); on QEMU VMs without an agent (with
//! and without its channel) it says no agent answers and how to get one; on a NAT network
//! started by a daemon in a network namespace of its own, real Linux guests: one without an
//! agent shows its DHCP lease, one running qemu-guest-agent also its operating system, host
//! name and file system, each checked against virsh. Hidden it asks nothing; with the VM off
//! or paused it keeps no timer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use adw::prelude::*;
use hangar::cli::Options;
use hangar::ui::vm_window::guest::rows::Line;
use hangar::ui::vm_window::{VmPage, VmWindowMsg};
use hangar::ui::{MainWindow, MainWindowMsg};
use relm4::prelude::*;
use support::idle::idle_cpu_percent;
use support::{holds_for, wait_until};
use testbed::{Libvirtd, unique_name, vm};

fn main_window(uri: &str) -> relm4::Controller<MainWindow> {
    support::init_gui();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.to_owned()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    window
}

/// Opens the VM window of `name` on its overview.
fn open_vm(window: &relm4::Controller<MainWindow>, d: &Libvirtd, uri: &str, name: &str) -> String {
    let uuid = d.virsh(uri, &["domuuid", name]).unwrap().trim().to_owned();
    let list = window.model().list().clone();
    assert!(wait_until(30, || list
        .connection(uri)
        .is_some_and(|c| c.vm(&uuid).is_some())));
    window.emit(MainWindowMsg::OpenVm(
        uri.to_owned(),
        uuid.clone(),
        VmPage::Overview,
    ));
    assert!(wait_until(20, || window
        .model()
        .vm_windows()
        .contains_key(&uuid)));
    uuid
}

fn lines(window: &relm4::Controller<MainWindow>, uuid: &str) -> Vec<Line> {
    window.model().vm_windows()[uuid]
        .model()
        .guest()
        .model()
        .lines()
        .to_vec()
}

fn group<R>(
    window: &relm4::Controller<MainWindow>,
    uuid: &str,
    f: impl FnOnce(&hangar::ui::vm_window::guest::GuestGroup) -> R,
) -> R {
    f(&window.model().vm_windows()[uuid].model().guest().model())
}

/// A picture of the VM window (taken from a clone: the main loop runs meanwhile, and the
/// main window's model must not be borrowed then).
fn screenshot(window: &relm4::Controller<MainWindow>, uuid: &str, name: &str) -> PathBuf {
    let vm_window = window.model().vm_windows()[uuid].widget().clone();
    support::hardware::screenshot(&vm_window, name)
}

fn find<'a>(lines: &'a [Line], title: &str) -> Option<&'a Line> {
    lines.iter().find(|l| l.title == title)
}

/// Waits until the group's rows satisfy `ok`; fails with what it shows.
fn wait_lines(
    window: &relm4::Controller<MainWindow>,
    uuid: &str,
    secs: u64,
    what: &str,
    ok: impl Fn(&[Line]) -> bool,
) -> Vec<Line> {
    let done = wait_until(secs, || ok(&lines(window, uuid)));
    let shown = lines(window, uuid);
    assert!(done, "{what}: the group shows {shown:#?}");
    shown
}

/// Another page hides the group: it stops following and asks nothing; back on the overview
/// it asks again.
fn hidden_asks_nothing(window: &relm4::Controller<MainWindow>, uuid: &str) {
    window.model().vm_windows()[uuid].emit(VmWindowMsg::Show(VmPage::Performance));
    assert!(wait_until(10, || group(window, uuid, |g| g.following())
        == (false, false)));
    let asked = group(window, uuid, |g| g.fetches());
    assert!(holds_for(Duration::from_secs(3), || group(
        window,
        uuid,
        |g| g.fetches()
    ) == asked));
    window.model().vm_windows()[uuid].emit(VmWindowMsg::Show(VmPage::Overview));
    assert!(wait_until(10, || group(window, uuid, |g| g.fetches()) > asked));
}

#[gtk::test]
fn the_test_driver_gives_addresses_and_no_agent() {
    let d = Libvirtd::shared();
    let uri = d.test_uri();
    let window = main_window(&uri);
    let uuid = open_vm(&window, d, &uri, "test");
    let shown = wait_lines(&window, &uuid, 20, "the test driver's addresses", |l| {
        find(l, "No guest agent answers").is_some()
    });
    let addr = find(&shown, "Addresses").unwrap();
    assert_eq!(addr.subtitle, "testnet0 · aa:bb:cc:dd:ee:ff");
    assert_eq!(addr.value, "192.168.122.3/24");
    assert!(
        d.virsh(&uri, &["domifaddr", "test"])
            .unwrap()
            .contains("192.168.122.3/24")
    );
    assert_eq!(
        find(&shown, "No guest agent answers").unwrap().subtitle,
        "This host does not ask guest agents."
    );
    assert_eq!(group(&window, &uuid, |g| g.following()), (true, true));
    hidden_asks_nothing(&window, &uuid);

    // Off: the group says so on the event, without a timer.
    d.virsh(&uri, &["destroy", "test"]).unwrap();
    wait_lines(&window, &uuid, 20, "the VM is off", |l| {
        find(l, "Not running").is_some()
    });
    assert!(wait_until(10, || group(&window, &uuid, |g| g.following())
        == (true, false)));
    d.virsh(&uri, &["start", "test"]).unwrap();
    wait_lines(&window, &uuid, 20, "the VM runs again", |l| {
        find(l, "Addresses").is_some()
    });
    let shot = screenshot(&window, &uuid, "guest-test-driver");
    eprintln!("screenshot: {}", shot.display());
    window.model().vm_windows()[&uuid].widget().close();
}

/// A tiny running QEMU VM (no OS), with the guest agent's channel when `channel`.
fn tiny_vm(d: &Libvirtd, uri: &str, prefix: &str, channel: bool) -> String {
    let name = unique_name(prefix);
    let mut xml = vm::tiny_xml(&name);
    if channel {
        xml = xml.replace("</devices>", &format!("{AGENT_CHANNEL}</devices>"));
    }
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    d.virsh(uri, &["define", file.to_str().unwrap()]).unwrap();
    d.virsh(uri, &["start", &name]).unwrap();
    name
}

const AGENT_CHANNEL: &str =
    "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>";

#[gtk::test]
fn without_an_agent_it_says_so_and_how_to_get_one() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let with = tiny_vm(d, &uri, "gchan", true);
    let without = tiny_vm(d, &uri, "gnochan", false);
    let window = main_window(&uri);
    for (name, channel) in [(&with, true), (&without, false)] {
        let uuid = open_vm(&window, d, &uri, name);
        let shown = wait_lines(&window, &uuid, 30, "no agent", |l| {
            find(l, "No guest agent answers").is_some()
        });
        let why = &find(&shown, "No guest agent answers").unwrap().subtitle;
        assert!(
            why.contains("Install qemu-guest-agent in the guest"),
            "{why}"
        );
        assert_eq!(why.contains("org.qemu.guest_agent.0"), !channel, "{why}");
        assert_eq!(find(&shown, "Addresses").unwrap().value, "None known");
        let (_, err, ok) = {
            let o = d
                .virsh_output(&uri, &["domifaddr", name, "--source", "agent"])
                .unwrap();
            (
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
                o.status.success(),
            )
        };
        assert!(!ok && err.contains("agent"), "virsh: {err}");
        if channel {
            hidden_asks_nothing(&window, &uuid);
            // Paused: the agent cannot answer; no timer until the VM resumes.
            d.virsh(&uri, &["suspend", name]).unwrap();
            wait_lines(&window, &uuid, 20, "the VM is paused", |l| {
                find(l, "Guest agent").is_some_and(|g| g.subtitle.contains("paused"))
            });
            assert!(wait_until(10, || group(&window, &uuid, |g| g.following())
                == (true, false)));
            d.virsh(&uri, &["resume", name]).unwrap();
            wait_lines(&window, &uuid, 20, "the VM runs again", |l| {
                find(l, "No guest agent answers").is_some()
            });
            assert_eq!(group(&window, &uuid, |g| g.following()), (true, true));
        }
        d.virsh(&uri, &["destroy", name]).unwrap();
        wait_lines(&window, &uuid, 20, "the VM is off", |l| {
            find(l, "Not running").is_some()
        });
        assert!(wait_until(10, || group(&window, &uuid, |g| g.following())
            == (true, false)));
        window.model().vm_windows()[&uuid].widget().close();
        let _ = d.virsh(&uri, &["undefine", name]);
    }
}

/// A Linux guest on `network` with the agent's channel, and `disk` as its `vda` when given.
fn guest_xml(name: &str, dir: &Path, network: &str, mac: &str, disk: Option<&Path>) -> String {
    let disk = disk.map_or(String::new(), |f| {
        format!(
            "<disk type='file' device='disk'><driver name='qemu' type='raw'/>\
             <source file='{}'/><target dev='vda' bus='virtio'/></disk>",
            f.display()
        )
    });
    format!(
        "<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>512</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0,115200 quiet cryptomgr.notests lapic_timer_period=4000000 no_timer_check tsc=reliable mitigations=off</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <interface type='network'>
      <mac address='{mac}'/>
      <source network='{network}'/>
      <model type='virtio'/>
      <rom enabled='no'/>
    </interface>
    {disk}
    {AGENT_CHANNEL}
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
",
        kernel = dir.join("vmlinuz").display(),
        initrd = dir.join("initramfs.gz").display(),
    )
}

const PLAIN_MAC: &str = "52:54:00:4e:72:01";
const AGENT_MAC: &str = "52:54:00:4e:72:02";

/// The guest's IPv4 lease as virsh tells it (`a.b.c.d/24`).
fn virsh_lease(d: &Libvirtd, uri: &str, name: &str) -> Option<String> {
    let out = d
        .virsh(uri, &["domifaddr", name, "--source", "lease"])
        .unwrap();
    out.lines()
        .find(|l| l.contains("ipv4"))
        .and_then(|l| l.split_whitespace().last())
        .map(str::to_owned)
}

#[gtk::test]
fn leases_and_the_agent_of_linux_guests_on_a_nat_network() {
    let d = Libvirtd::start_with(testbed::Options {
        net_namespace: true,
        ..testbed::Options::default()
    })
    .unwrap();
    let uri = d.qemu_uri();
    let net = d.dir().join("gnat.xml");
    std::fs::write(
        &net,
        "<network><name>gnat</name><forward mode='nat'/><bridge name='virbr-hgr6'/>\
         <ip address='192.168.100.1' netmask='255.255.255.0'><dhcp>\
         <range start='192.168.100.100' end='192.168.100.200'/></dhcp></ip></network>",
    )
    .unwrap();
    d.virsh(&uri, &["net-define", net.to_str().unwrap()])
        .unwrap();
    d.virsh(&uri, &["net-start", "gnat"]).unwrap();

    let plain = support::guest::build("guest-plain", false);
    let agent = support::guest::build("guest-agent", true);
    let disk = d.dir().join("data.img");
    std::fs::File::create(&disk)
        .unwrap()
        .set_len(16 << 20)
        .unwrap();
    let mkfs = std::process::Command::new("mkfs.ext4")
        .args(["-q", "-F"])
        .arg(&disk)
        .output()
        .unwrap();
    assert!(mkfs.status.success(), "{mkfs:?}");
    // Names of their own: cgroup v1 directories are named after VMs and shared by daemons.
    let (gplain, gagent) = (unique_name("gp"), unique_name("ga"));
    for (name, dir, mac, disk) in [
        (gplain.as_str(), &plain, PLAIN_MAC, None),
        (gagent.as_str(), &agent, AGENT_MAC, Some(disk.as_path())),
    ] {
        let file = d.dir().join(format!("{name}.xml"));
        std::fs::write(&file, guest_xml(name, dir, "gnat", mac, disk)).unwrap();
        d.virsh(&uri, &["define", file.to_str().unwrap()]).unwrap();
        d.virsh(&uri, &["start", name]).unwrap();
    }
    let window = main_window(&uri);

    // No agent in this guest: its lease, and the words.
    let uuid = open_vm(&window, &d, &uri, &gplain);
    let shown = wait_lines(&window, &uuid, 180, "the plain guest's lease", |l| {
        find(l, "Addresses").is_some_and(|a| a.value.starts_with("192.168.100."))
    });
    let addr = find(&shown, "Addresses").unwrap();
    assert!(addr.subtitle.ends_with(PLAIN_MAC), "{addr:?}");
    assert_eq!(
        Some(addr.value.clone()),
        virsh_lease(&d, &uri, &gplain),
        "as virsh domifaddr --source lease"
    );
    assert!(
        find(&shown, "No guest agent answers")
            .is_some_and(|l| l.subtitle.contains("Install qemu-guest-agent")),
        "{shown:#?}"
    );
    let shot = screenshot(&window, &uuid, "guest-no-agent");
    eprintln!("screenshot: {}", shot.display());
    window.model().vm_windows()[&uuid].widget().close();

    // qemu-guest-agent answers: system, host name, file system, and the guest's own name
    // for its card with the leased address.
    let uuid = open_vm(&window, &d, &uri, &gagent);
    let shown = wait_lines(&window, &uuid, 180, "the agent's answer", |l| {
        find(l, "Host name").is_some()
            && find(l, "Addresses").is_some_and(|a| a.value.contains("192.168.100."))
    });
    let info = d
        .virsh(&uri, &["guestinfo", &gagent, "--os", "--hostname"])
        .unwrap();
    assert!(info.contains("Hangar test guest (busybox)"), "{info}");
    let os = find(&shown, "Operating system").unwrap();
    assert_eq!(os.value, "Hangar test guest (busybox)");
    assert!(os.subtitle.ends_with("-cloud-amd64 (x86_64)"), "{os:?}");
    assert!(info.contains(&os.subtitle[..os.subtitle.find(' ').unwrap()]));
    assert_eq!(find(&shown, "Host name").unwrap().value, "guest");
    let fs = find(&shown, "/data").expect("the mounted disk");
    assert_eq!(fs.subtitle, "ext4 · vda");
    assert!(fs.value.contains(" used"), "{fs:?}");
    assert!(
        d.virsh(&uri, &["domfsinfo", &gagent])
            .unwrap()
            .contains("/data")
    );
    let addr = find(&shown, "Addresses").unwrap();
    assert_eq!(addr.subtitle, format!("eth0 · {AGENT_MAC}"));
    let lease = virsh_lease(&d, &uri, &gagent).expect("a lease");
    assert!(addr.value.lines().any(|a| a == lease), "{addr:?} {lease}");
    assert!(
        d.virsh(&uri, &["domifaddr", &gagent, "--source", "agent"])
            .unwrap()
            .contains(&lease)
    );
    assert!(find(&shown, "No guest agent answers").is_none());
    let shot = screenshot(&window, &uuid, "guest-agent");
    eprintln!("screenshot: {}", shot.display());
    hidden_asks_nothing(&window, &uuid);
    window.model().vm_windows()[&uuid].widget().close();
    for name in [&gplain, &gagent] {
        let _ = d.virsh(&uri, &["destroy", name]);
    }
}

#[test]
#[ignore = "a measurement (about two minutes), run by hand under Xvfb"]
fn idle_cpu_with_the_overview_open() {
    let d = Libvirtd::shared();
    let uri = d.test_uri();
    // The test driver's running VM: the group asks every 10 s while shown.
    let running = idle_cpu_percent(
        &["--connect", &uri, "--show-domain-overview", "test"],
        "\"test\"",
        30,
    );
    // Another page in front: the group is hidden and asks nothing.
    let hidden = idle_cpu_percent(
        &["--connect", &uri, "--show-domain-snapshots", "test"],
        "\"test\"",
        30,
    );
    let main_only = idle_cpu_percent(&["--connect", &uri], "Hangar", 30);
    eprintln!(
        "idle CPU over 30 s: {running:.2} % with the overview of a running VM open, \
         {hidden:.2} % with its snapshots page in front, {main_only:.2} % with the main window only"
    );
    assert!(running < 5.0, "{running:.2} % of a core while idle");
}
