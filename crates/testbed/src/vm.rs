//! Definitions of the tiny QEMU (TCG) and test-driver domains that tests run.

use std::io;
use std::path::Path;

/// A 64 MiB, 2-vCPU TCG VM with no disk: SeaBIOS runs and shows "No bootable device" on its
/// VNC display. It has a pty serial console and a virtio balloon with a 2 s stats period.
pub fn tiny_xml(name: &str) -> String {
    domain_xml(name, 2, "")
}

/// Like [`tiny_xml`] with `vcpus` virtual CPUs.
pub fn tiny_xml_vcpus(name: &str, vcpus: u32) -> String {
    domain_xml(name, vcpus, "")
}

/// Like [`tiny_xml`], but SeaBIOS also writes its banner to the serial port, so it arrives on
/// the console stream (open the console, then reset the VM). Writes the fw_cfg file it needs
/// into `dir`.
pub fn tinyser_xml(name: &str, dir: &Path) -> io::Result<String> {
    let port_file = dir.join(format!("{name}.sercon"));
    // SeaBIOS reads the I/O port of its serial console from this fw_cfg file: 0x3f8 (COM1).
    std::fs::write(&port_file, [0xf8u8, 0x03])?;
    let extra = format!(
        "  <qemu:commandline>\n    <qemu:arg value='-fw_cfg'/>\n    \
         <qemu:arg value='name=etc/sercon-port,file={}'/>\n  </qemu:commandline>\n",
        port_file.display()
    );
    Ok(domain_xml(name, 2, &extra))
}

/// Like [`tiny_xml`] with `memory_mib` MiB of memory, `fill_mib` of which (from 16 MiB on)
/// hold random bytes, written to `fill` and loaded by QEMU's `loader` device: memory a
/// migration really has to copy (pages of zeros cost it next to nothing).
pub fn tiny_filled_xml(
    name: &str,
    memory_mib: u32,
    fill: &Path,
    fill_mib: u32,
) -> io::Result<String> {
    if 16 + fill_mib > memory_mib {
        return Err(io::Error::other(format!(
            "{fill_mib} MiB from 16 MiB on do not fit into {memory_mib} MiB"
        )));
    }
    let mut random = std::fs::File::open("/dev/urandom")?;
    let mut out = std::fs::File::create(fill)?;
    io::copy(
        &mut io::Read::take(&mut random, u64::from(fill_mib) << 20),
        &mut out,
    )?;
    let extra = format!(
        "  <qemu:commandline>\n    <qemu:arg value='-device'/>\n    \
         <qemu:arg value='loader,file={},addr=0x1000000,force-raw=on'/>\n  \
         </qemu:commandline>\n",
        fill.display()
    );
    Ok(domain_xml(name, 2, &extra).replace(
        "<memory unit='MiB'>64</memory>",
        &format!("<memory unit='MiB'>{memory_mib}</memory>"),
    ))
}

fn domain_xml(name: &str, vcpus: u32, extra: &str) -> String {
    format!(
        r#"<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>{name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu placement='static'>{vcpus}</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features><acpi/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>
      <listen type='address' address='127.0.0.1'/>
    </graphics>
    <video><model type='vga' vram='16384' heads='1'/></video>
    <memballoon model='virtio'><stats period='2'/></memballoon>
  </devices>
{extra}</domain>
"#
    )
}

/// A test-driver `<node>` document with `count` running domains named `{prefix}-{i}`
/// (for [`crate::Libvirtd::fixture_uri`]).
pub fn test_node_xml(prefix: &str, count: usize) -> String {
    let mut xml = String::from(
        "<node>\n  <cpu><mhz>2000</mhz><model>i686</model><active>4</active><nodes>1</nodes>\
         <sockets>1</sockets><cores>4</cores><threads>1</threads></cpu>\n  \
         <memory>4194304</memory>\n",
    );
    for i in 0..count {
        xml.push_str(&format!(
            "  <domain type='test'><name>{prefix}-{i}</name><memory>131072</memory>\
             <vcpu>1</vcpu><os><type>hvm</type></os></domain>\n"
        ));
    }
    xml.push_str("</node>\n");
    xml
}

/// Like [`tiny_xml`] with a SPICE display (autoport, listening on 127.0.0.1) instead of VNC.
pub fn tiny_spice_xml(name: &str) -> String {
    tiny_xml(name).replace("<graphics type='vnc'", "<graphics type='spice'")
}
