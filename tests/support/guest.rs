//! The Linux test guest ([`testbed::guest::linux_guest`]: root shells on ttyS0 and tty1) as a
//! VM with a chosen display, and its serial port read from the pty QEMU gives it.

use std::os::unix::fs::OpenOptionsExt;

use testbed::Libvirtd;

/// The guest's XML with `graphics` (a `<graphics>` element) and `extra` devices.
pub fn linux_xml(name: &str, dir: &std::path::Path, graphics: &str, extra: &str) -> String {
    format!(
        "<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>1024</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0,115200 console=tty0 quiet cryptomgr.notests lapic_timer_period=4000000 no_timer_check tsc=reliable mitigations=off</cmdline>
  </os>
  <features><acpi/><tcg><tb-cache unit='MiB'>64</tb-cache></tcg></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    {graphics}
    <video><model type='vga' vram='16384' heads='1'/></video>
    {extra}
  </devices>
</domain>
",
        kernel = dir.join("vmlinuz").display(),
        initrd = dir.join("initramfs.gz").display(),
    )
}

/// The serial port of running VM `name`: raw, without echo (an echo would go back to the
/// guest as input), not blocking.
pub fn open_serial(name: &str) -> std::fs::File {
    use std::os::fd::AsRawFd;
    let d = Libvirtd::shared();
    let xml = d.virsh(&d.qemu_uri(), &["dumpxml", name]).unwrap();
    let re = regex::Regex::new(r"<serial type='pty'>\s*<source path='([^']+)'").unwrap();
    let path = re.captures(&xml).expect("no pty serial")[1].to_string();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(&path)
        .unwrap();
    // SAFETY: termios calls on an fd we own, with a zeroed struct they fill.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(file.as_raw_fd(), &mut t), 0);
        libc::cfmakeraw(&mut t);
        assert_eq!(libc::tcsetattr(file.as_raw_fd(), libc::TCSANOW, &t), 0);
    }
    file
}

/// Appends what the serial port has to `out`.
pub fn read_serial(file: &mut std::fs::File, out: &mut String) {
    use std::io::Read;
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = file.read(&mut buf) {
        out.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

/// The Linux test guest built by scripts/test-guest.sh into `sub` of this test's scratch
/// directory, from the packages `testbed::guest` keeps; with qemu-guest-agent when `agent`.
pub fn build(sub: &str, agent: bool) -> std::path::PathBuf {
    let base = testbed::guest::linux_guest().expect("the Linux test guest");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(sub);
    let version = std::fs::read_to_string(base.join("VERSION")).unwrap();
    let kernel = version.split_whitespace().next().unwrap().to_owned();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-guest.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg(&dir)
        .env("KERNEL_PKG", &kernel)
        .env("CACHE", base.join("cache"))
        .env("AGENT", if agent { "1" } else { "0" })
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// A VM of the shared daemon's QEMU connection: defined from its XML and started, destroyed
/// and undefined on drop.
pub struct RunningVm(pub String);

impl RunningVm {
    /// Defines VM `name` from `xml` (kept in the daemon's directory) and starts it.
    pub fn start(name: &str, xml: &str) -> RunningVm {
        let d = Libvirtd::shared();
        let path = d.dir().join(format!("{name}.xml"));
        std::fs::write(&path, xml).unwrap();
        d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
            .unwrap();
        let vm = RunningVm(name.to_string());
        d.virsh(&d.qemu_uri(), &["start", name]).unwrap();
        vm
    }
}

impl Drop for RunningVm {
    fn drop(&mut self) {
        let d = Libvirtd::shared();
        let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &self.0]);
        let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &self.0]);
    }
}
