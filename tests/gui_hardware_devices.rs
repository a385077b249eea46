//! The hardware editor's device controls against a private libvirtd: adding, editing and
//! removing video, serial, console, input, sound, TPM, RNG and watchdog devices and agent
//! channels (hot-plugged into a running VM where libvirt can), switching the display between
//! VNC and SPICE and adding one, disk bus and cache, CPU mode and model, and direct kernel boot. Each change reaches `virsh dumpxml` and no other line of the
//! XML changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hangar::ui::hardware::HardwareEditorMsg as Msg;
use relm4::prelude::*;
use support::hardware::{apply, check_edit, close, inactive, open, open_with, pump, remove, virsh};
use support::wait_until;
use testbed::Libvirtd;
use virt_xml::domain::DeviceSpec;

const SLOT4: &str = "<address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>";

fn sound(model: &str) -> DeviceSpec {
    DeviceSpec::Sound {
        model: model.into(),
    }
}

#[gtk::test]
fn devices_are_added_edited_and_removed_line_by_line() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-dev", false);
    let base = inactive(d, &name);

    // Sound: added, its model changed, removed.
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::AddDevice(sound("ich9"))],
        &[],
        &["<sound model='ich9'>", SLOT4, "</sound>"],
    );
    let i = e.model().device_index("sound", "").unwrap();
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::EditDevice(i, sound("ac97"))],
        &["<sound model='ich9'>"],
        &["<sound model='ac97'>"],
    );
    assert_eq!(apply(&e, vec![Msg::RemoveDevice(i)]), None);
    assert_eq!(inactive(d, &name), base);

    // Input: a VirtIO tablet, then made a keyboard (same bus, same place).
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::AddDevice(DeviceSpec::Input {
            kind: "tablet".into(),
            bus: "virtio".into(),
        })],
        &[],
        &["<input type='tablet' bus='virtio'>", SLOT4, "</input>"],
    );
    let i = e.model().device_index("input", "tablet").unwrap();
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::EditDevice(
            i,
            DeviceSpec::Input {
                kind: "keyboard".into(),
                bus: "virtio".into(),
            },
        )],
        &["<input type='tablet' bus='virtio'>"],
        &["<input type='keyboard' bus='virtio'>"],
    );
    assert_eq!(apply(&e, vec![Msg::RemoveDevice(i)]), None);
    assert_eq!(inactive(d, &name), base);

    // Watchdog: added, then only its action changed.
    let dog = |action: &str| DeviceSpec::Watchdog {
        model: "i6300esb".into(),
        action: action.into(),
    };
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::AddDevice(dog("poweroff"))],
        &[],
        &[
            "<watchdog model='i6300esb' action='poweroff'>",
            SLOT4,
            "</watchdog>",
        ],
    );
    let i = e.model().device_index("watchdog", "").unwrap();
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::EditDevice(i, dog("pause"))],
        &["<watchdog model='i6300esb' action='poweroff'>"],
        &["<watchdog model='i6300esb' action='pause'>"],
    );
    assert_eq!(apply(&e, vec![Msg::RemoveDevice(i)]), None);
    assert_eq!(inactive(d, &name), base);

    // RNG.
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::AddDevice(DeviceSpec::Rng)],
        &[],
        &[
            "<rng model='virtio'>",
            "<backend model='random'>/dev/urandom</backend>",
            SLOT4,
            "</rng>",
        ],
    );
    let i = e.model().device_index("rng", "").unwrap();
    assert_eq!(apply(&e, vec![Msg::RemoveDevice(i)]), None);
    assert_eq!(inactive(d, &name), base);

    // A second serial port and a VirtIO console (libvirt adds its controller).
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::AddDevice(DeviceSpec::Serial)],
        &[],
        &[
            "<serial type='pty'>",
            "<target type='isa-serial' port='1'>",
            "<model name='isa-serial'/>",
            "</target>",
            "</serial>",
        ],
    );
    let i = e.model().device_index("serial", "port='1'").unwrap();
    assert_eq!(apply(&e, vec![Msg::RemoveDevice(i)]), None);
    assert_eq!(inactive(d, &name), base);
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::AddDevice(DeviceSpec::Console {
            target: "virtio".into(),
        })],
        &[],
        &[
            "<controller type='virtio-serial' index='0'>",
            SLOT4,
            "</controller>",
            "<console type='pty'>",
            "<target type='virtio' port='1'/>",
            "</console>",
        ],
    );

    // Video: the model changed in place.
    let i = e.model().device_index("video", "").unwrap();
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::EditDevice(
            i,
            DeviceSpec::Video {
                model: "virtio".into(),
            },
        )],
        &["<model type='vga' vram='16384' heads='1' primary='yes'/>"],
        &["<model type='virtio' heads='1' primary='yes'/>"],
    );

    // TPM 2.0: added where the host has swtpm; without it libvirt refuses the definition,
    // the editor says so and the VM stays as it was.
    let before = inactive(d, &name);
    let tpm = DeviceSpec::Tpm {
        model: "tpm-crb".into(),
    };
    let swtpm = std::process::Command::new("sh")
        .args(["-c", "command -v swtpm"])
        .output()
        .unwrap()
        .status
        .success();
    if swtpm {
        check_edit(
            d,
            &name,
            &e,
            vec![Msg::AddDevice(tpm)],
            &[],
            &[
                "<tpm model='tpm-crb'>",
                "<backend type='emulator' version='2.0'/>",
                "</tpm>",
            ],
        );
    } else {
        let err = apply(&e, vec![Msg::AddDevice(tpm)]);
        assert!(err.as_deref().unwrap().contains("TPM"), "{err:?}");
        assert_eq!(inactive(d, &name), before);
    }
    let before = inactive(d, &name);

    // The iTCO watchdog belongs to Q35 machines: libvirt refuses it on this i440FX VM, the
    // editor shows why and the definition stays as it was.
    let itco = DeviceSpec::Watchdog {
        model: "itco".into(),
        action: "reset".into(),
    };
    let err = apply(&e, vec![Msg::AddDevice(itco)]);
    assert!(
        err.as_deref()
            .is_some_and(|m| m.contains("itco") || m.contains("iTCO")),
        "{err:?}"
    );
    assert_eq!(inactive(d, &name), before);

    // Bad choices are refused in the editor and nothing is sent.
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()));
    let err = apply(
        &e,
        vec![Msg::AddDevice(DeviceSpec::Input {
            kind: "tablet".into(),
            bus: "ps2".into(),
        })],
    );
    assert!(err.unwrap().contains("PS/2"));
    let err = apply(&e, vec![Msg::AddDevice(sound("speaker'/><x"))]);
    assert!(err.unwrap().contains("sound model"));
    assert_eq!(inactive(d, &name), before);

    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn disk_bus_and_cache_cpu_model_and_kernel_boot_change_only_their_lines() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-more", false);

    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetCpuModel("Nehalem".into())],
        &["<model fallback='forbid'>qemu64</model>"],
        &["<model fallback='forbid'>Nehalem</model>"],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetCpuMode("host-model".into())],
        &["<cpu mode='custom' match='exact' check='none'>"],
        &["<cpu mode='host-model' check='none'>"],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetKernelBoot(
            "/boot/vmlinuz-test".into(),
            "/boot/initrd-test".into(),
            "console=ttyS0 quiet".into(),
        )],
        &[],
        &[
            "<kernel>/boot/vmlinuz-test</kernel>",
            "<initrd>/boot/initrd-test</initrd>",
            "<cmdline>console=ttyS0 quiet</cmdline>",
        ],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetKernelBoot(
            String::new(),
            String::new(),
            String::new(),
        )],
        &[
            "<kernel>/boot/vmlinuz-test</kernel>",
            "<initrd>/boot/initrd-test</initrd>",
            "<cmdline>console=ttyS0 quiet</cmdline>",
        ],
        &[],
    );

    let image = d.dir().join(format!("{name}-disk.qcow2"));
    let out = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&image)
        .arg("16M")
        .output()
        .unwrap();
    assert!(out.status.success());
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
    support::hardware::show_section(&e, "disks");
    support::hardware::screenshot(&window, "hardware-disks-one");
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetDiskCache(0, "none".into())],
        &["<driver name='qemu' type='qcow2'/>"],
        &["<driver name='qemu' type='qcow2' cache='none'/>"],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetDiskBus(0, "ide".into())],
        &["<target dev='vda' bus='virtio'/>", SLOT4],
        &[
            "<target dev='hda' bus='ide'/>",
            "<address type='drive' controller='0' bus='0' target='0' unit='0'/>",
            "<controller type='ide' index='0'>",
            "<address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x1'/>",
            "</controller>",
        ],
    );
    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn a_running_vm_takes_hot_pluggable_devices_live() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-devlive", true);
    let tablet = DeviceSpec::Input {
        kind: "tablet".into(),
        bus: "virtio".into(),
    };
    assert_eq!(
        apply(
            &e,
            vec![Msg::AddDevice(tablet), Msg::AddDevice(DeviceSpec::Rng)]
        ),
        None
    );
    assert_eq!(e.model().status(), Some("Saved."));
    let live = virsh(d, &["dumpxml", &name]);
    assert!(
        live.contains("<input type='tablet' bus='virtio'>"),
        "{live}"
    );
    assert!(live.contains("<rng model='virtio'>"), "{live}");
    let off = inactive(d, &name);
    assert!(off.contains("<input type='tablet' bus='virtio'>"), "{off}");
    assert!(off.contains("<rng model='virtio'>"), "{off}");

    // The RNG is unplugged live: libvirt sends the request (SeaBIOS never acknowledges it, so
    // the running VM keeps the device) and the definition loses it, with no restart needed.
    let i = e.model().device_index("rng", "").unwrap();
    assert_eq!(apply(&e, vec![Msg::RemoveDevice(i)]), None);
    assert_eq!(e.model().status(), Some("Saved."));
    let off = inactive(d, &name);
    assert!(!off.contains("<rng"), "{off}");

    // A USB tablet on a VM without USB: the hot-plug fails, the definition is restored.
    let usb = DeviceSpec::Input {
        kind: "tablet".into(),
        bus: "usb".into(),
    };
    let err = apply(&e, vec![Msg::AddDevice(usb)]).expect("USB tablet accepted");
    assert!(err.contains("USB"), "{err}");
    assert_eq!(inactive(d, &name), off);

    // A sound card cannot be hot-plugged: it goes to the definition for the next start.
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()));
    assert_eq!(apply(&e, vec![Msg::AddDevice(sound("ich9"))]), None);
    assert!(e.model().status().unwrap().contains("restart"));
    assert!(inactive(d, &name).contains("<sound model='ich9'>"));
    assert!(!virsh(d, &["dumpxml", &name]).contains("<sound"));
    support::hardware::show_section(&e, "devices");
    support::hardware::expand_and_show(&e, &["Video", "Input"]);
    support::hardware::screenshot(&window, "hardware-devices-running");
    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn agent_channels_are_added_once_per_port() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-chan", false);
    let channel = |kind: &str| DeviceSpec::Channel { kind: kind.into() };

    // QEMU's clipboard agent end for the VNC display (libvirt adds the virtio-serial bus).
    assert_eq!(
        apply(&e, vec![Msg::AddDevice(channel("qemu-vdagent"))]),
        None
    );
    let xml = inactive(d, &name);
    for want in [
        "<channel type='qemu-vdagent'>",
        "<clipboard copypaste='yes'/>",
        "<target type='virtio' name='com.redhat.spice.0'/>",
        "<controller type='virtio-serial'",
    ] {
        assert!(xml.contains(want), "{want} missing in\n{xml}");
    }
    // A second agent on the same port is refused before libvirt sees it.
    let err = apply(&e, vec![Msg::AddDevice(channel("spicevmc"))]);
    assert!(
        err.as_deref().is_some_and(|m| m.contains("port")),
        "{err:?}"
    );
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()));
    assert_eq!(inactive(d, &name), xml);
    // The QEMU guest agent has a port of its own.
    assert_eq!(apply(&e, vec![Msg::AddDevice(channel("unix"))]), None);
    assert!(inactive(d, &name).contains("name='org.qemu.guest_agent.0'"));
    // SPICE's folder-sharing port needs a SPICE display: libvirt says so, nothing changes.
    let before = inactive(d, &name);
    let err = apply(&e, vec![Msg::AddDevice(channel("spiceport"))]);
    assert!(
        err.as_deref().is_some_and(|m| m.contains("spice")),
        "{err:?}"
    );
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()));
    assert_eq!(inactive(d, &name), before);
    for kind in ["qemu-vdagent", "org.qemu.guest_agent.0"] {
        let i = e.model().device_index("channel", kind).unwrap();
        assert_eq!(apply(&e, vec![Msg::RemoveDevice(i)]), None);
    }
    let after = inactive(d, &name);
    assert!(!after.contains("<channel"), "{after}");
    remove(d, &name);
    close(&window, criticals);
}

const VDAGENT: &str = "<channel type='qemu-vdagent'><source><clipboard copypaste='yes'/></source>\
    <target type='virtio' name='com.redhat.spice.0'/></channel>";

#[gtk::test]
fn the_display_switches_between_vnc_and_spice_and_is_added_where_missing() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open_with(d, "hw-disp", false, VDAGENT);
    let base = inactive(d, &name);

    // To SPICE: the listen address stays, the clipboard agent becomes SPICE's; QEMU takes it.
    assert_eq!(apply(&e, vec![Msg::SetDisplayKind("spice".into())]), None);
    let xml = inactive(d, &name);
    for want in [
        "<graphics type='spice' autoport='yes' listen='127.0.0.1'>",
        "<listen type='address' address='127.0.0.1'/>",
        "<channel type='spicevmc'>",
    ] {
        assert!(xml.contains(want), "{want} missing in\n{xml}");
    }
    assert!(!xml.contains("qemu-vdagent"), "{xml}");
    // With SPICE, the folder-sharing port can be added.
    let channel = DeviceSpec::Channel {
        kind: "spiceport".into(),
    };
    assert_eq!(apply(&e, vec![Msg::AddDevice(channel)]), None);
    let xml = inactive(d, &name);
    for want in [
        "<channel type='spiceport'>",
        "<source channel='org.spice-space.webdav.0'/>",
        "<target type='virtio' name='org.spice-space.webdav.0'/>",
    ] {
        assert!(xml.contains(want), "{want} missing in\n{xml}");
    }
    virsh(d, &["start", &name]);
    let shown = virsh(d, &["domdisplay", &name]);
    assert!(shown.starts_with("spice://127.0.0.1:"), "{shown}");
    virsh(d, &["destroy", &name]);

    // Back to VNC: the XML is what it was (the SPICE-only port goes too).
    assert_eq!(apply(&e, vec![Msg::SetDisplayKind("vnc".into())]), None);
    assert_eq!(inactive(d, &name), base);

    // Without a display, one is added with its agent.
    let graphics = regex::Regex::new(r"(?s)\s*<graphics .*?</graphics>").unwrap();
    let without = graphics.replace(&base, "").into_owned();
    assert!(!without.contains("<graphics"), "{without}");
    e.emit(Msg::XmlChanged(without));
    e.emit(Msg::ApplyXml);
    assert!(wait_until(20, || !e.model().busy()
        && !inactive(d, &name).contains("<graphics")));
    pump();
    assert_eq!(apply(&e, vec![Msg::AddDisplay("spice".into())]), None);
    let xml = inactive(d, &name);
    assert!(xml.contains("<graphics type='spice'"), "{xml}");
    assert!(xml.contains("<channel type='spicevmc'>"), "{xml}");
    assert!(
        apply(&e, vec![Msg::AddDisplay("vnc".into())]).is_some(),
        "a second display"
    );
    remove(d, &name);
    close(&window, criticals);
}

/// The tiny VM's USB, turned off, turned on (an xHCI controller).
const NO_USB: &str = "<controller type='usb' model='none'/>";
const XHCI: &str = "<controller type='usb' model='qemu-xhci'/>";

#[gtk::test]
fn usb_redirection_ports_need_spice_and_usb_and_plug_in_and_out_live() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-redir", false);
    let before = inactive(d, &name);
    let refused = |what: &str| {
        let err = apply(&e, vec![Msg::AddDevice(DeviceSpec::UsbRedirection)]);
        assert!(err.as_deref().is_some_and(|m| m.contains(what)), "{err:?}");
        e.emit(Msg::Revert);
        assert!(wait_until(20, || !e.model().busy()));
    };
    // With VNC: refused before libvirt sees it, saying what to do; nothing changes.
    refused("switch the display to SPICE");
    assert_eq!(inactive(d, &name), before);
    // SPICE with USB turned off: refused too.
    assert_eq!(apply(&e, vec![Msg::SetDisplayKind("spice".into())]), None);
    let spice = inactive(d, &name);
    refused("USB controller");
    assert_eq!(inactive(d, &name), spice);
    // With USB: two ports, which the VM starts with.
    let on = spice.replace("<controller type='usb' index='0' model='none'/>", XHCI);
    assert_ne!(on, spice);
    e.emit(Msg::XmlChanged(on));
    e.emit(Msg::ApplyXml);
    assert!(wait_until(20, || !e.model().busy()
        && inactive(d, &name).contains("qemu-xhci")));
    pump();
    let port = || Msg::AddDevice(DeviceSpec::UsbRedirection);
    assert_eq!(apply(&e, vec![port(), port()]), None);
    let xml = inactive(d, &name);
    assert_eq!(
        xml.matches("<redirdev bus='usb' type='spicevmc'>").count(),
        2,
        "{xml}"
    );
    virsh(d, &["start", &name]);
    assert_eq!(
        virsh(d, &["dumpxml", &name])
            .matches("<redirdev bus='usb' type='spicevmc'>")
            .count(),
        2
    );
    virsh(d, &["destroy", &name]);
    // Back to VNC: the ports go with SPICE (libvirt refuses them without it).
    assert_eq!(apply(&e, vec![Msg::SetDisplayKind("vnc".into())]), None);
    let xml = inactive(d, &name);
    assert!(!xml.contains("<redirdev"), "{xml}");
    remove(d, &name);
    close(&window, criticals);

    // A running SPICE VM takes a port at once.
    let name = testbed::unique_name("hw-redir-live");
    let xml = testbed::vm::tiny_spice_xml(&name).replace(NO_USB, XHCI);
    assert!(xml.contains(XHCI));
    let (e, window) = support::hardware::open_xml(d, &d.qemu_uri(), &name, &xml, true);
    assert_eq!(
        apply(&e, vec![Msg::AddDevice(DeviceSpec::UsbRedirection)]),
        None
    );
    assert_eq!(e.model().status(), Some("Saved."));
    assert!(virsh(d, &["dumpxml", &name]).contains("<redirdev bus='usb' type='spicevmc'>"));
    assert!(inactive(d, &name).contains("<redirdev bus='usb' type='spicevmc'>"));
    support::hardware::show_section(&e, "devices");
    support::hardware::screenshot(&window, "hardware-usb-redirection");
    // And lets it go at once.
    let i = e.model().device_index("redirdev", "spicevmc").unwrap();
    assert_eq!(apply(&e, vec![Msg::RemoveDevice(i)]), None);
    assert_eq!(e.model().status(), Some("Saved."));
    assert!(wait_until(10, || !virsh(d, &["dumpxml", &name]).contains("<redirdev")));
    assert!(!inactive(d, &name).contains("<redirdev"));
    remove(d, &name);
    close(&window, criticals);
}
