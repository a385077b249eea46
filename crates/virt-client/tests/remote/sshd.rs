//! A private `sshd` on a loopback port with its own host key, an authorized test key, and an
//! ssh wrapper whose private `ssh_config` names it `hangar-test`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Sshd {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
}

fn keygen(path: &Path, passphrase: &str) {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", passphrase, "-f"])
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

impl Sshd {
    /// Starts sshd; the client key is protected by `passphrase` (may be empty).
    pub fn start(passphrase: &str) -> Sshd {
        Self::start_with(passphrase, "")
    }

    /// Starts sshd with extra `sshd_config` lines.
    pub fn start_with(passphrase: &str, extra: &str) -> Sshd {
        let dir = tempfile::Builder::new()
            .prefix("hangar-sshd-")
            .tempdir()
            .unwrap();
        let d = dir.path();
        keygen(&d.join("hostkey"), "");
        keygen(&d.join("userkey"), passphrase);
        std::fs::copy(d.join("userkey.pub"), d.join("authorized_keys")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        std::fs::write(
            d.join("sshd_config"),
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/hostkey\n\
                 AuthorizedKeysFile {d}/authorized_keys\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n\
                 PermitRootLogin prohibit-password\nPidFile {d}/sshd.pid\nLogLevel VERBOSE\n\
                 {extra}\n",
                d = d.display()
            ),
        )
        .unwrap();
        let hostkey = std::fs::read_to_string(d.join("hostkey.pub")).unwrap();
        std::fs::write(
            d.join("known_hosts"),
            format!("[127.0.0.1]:{port} {hostkey}"),
        )
        .unwrap();
        std::fs::write(d.join("empty_known_hosts"), "").unwrap();
        std::fs::write(d.join("asker_known_hosts"), "").unwrap();
        std::fs::write(
            d.join("ssh_config"),
            format!(
                "Host hangar-test hangar-stranger\n  HostName 127.0.0.1\n  Port {port}\n  \
                 User root\n  IdentityFile {d}/userkey\n  IdentitiesOnly yes\n  \
                 IdentityAgent none\n  GlobalKnownHostsFile /dev/null\n  \
                 StrictHostKeyChecking yes\n  CheckHostIP no\n\
                 Host hangar-test\n  UserKnownHostsFile {d}/known_hosts\n\
                 Host hangar-stranger\n  UserKnownHostsFile {d}/empty_known_hosts\n\
                 Host hangar-asker\n  HostName 127.0.0.1\n  Port {port}\n  User root\n  \
                 IdentityFile {d}/userkey\n  IdentitiesOnly yes\n  IdentityAgent none\n  \
                 GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking ask\n  \
                 CheckHostIP no\n  UserKnownHostsFile {d}/asker_known_hosts\n",
                d = d.display()
            ),
        )
        .unwrap();
        let wrapper = d.join("ssh");
        std::fs::write(
            &wrapper,
            format!("#!/bin/sh\nexec ssh -F {}/ssh_config \"$@\"\n", d.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir_all("/run/sshd").unwrap();
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-f"])
            .arg(d.join("sshd_config"))
            .arg("-E")
            .arg(d.join("sshd.log"))
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        assert!(
            testbed::wait::until(Duration::from_secs(10), || {
                std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            }),
            "sshd did not start"
        );
        Sshd { dir, port, child }
    }

    /// The host key's fingerprint line as `ssh-keygen -lf` prints it.
    pub fn host_key_fingerprint(&self) -> String {
        let out = Command::new("ssh-keygen")
            .arg("-lf")
            .arg(self.dir.path().join("hostkey.pub"))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    }

    /// The ssh wrapper that reads the private configuration.
    pub fn ssh(&self) -> PathBuf {
        self.dir.path().join("ssh")
    }

    /// A `qemu+ssh` URI to the daemon listening on `socket`, through this sshd as host
    /// `alias`, with `extra` parameters (`&name=value…`) after.
    pub fn qemu_uri(&self, alias: &str, socket: &Path, extra: &str) -> String {
        format!(
            "qemu+ssh://{alias}/system?socket={}&command={}{extra}",
            socket.display(),
            self.ssh().display()
        )
    }

    /// How many logins sshd accepted.
    pub fn logins(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("sshd.log"))
            .unwrap_or_default()
            .matches("Accepted publickey")
            .count()
    }

    /// Stops the control master of `alias` through this server's ssh (for URIs without
    /// `known_hosts=`).
    pub fn exit_master(&self, alias: &str) {
        let uri = virt_client::ConnectUri::parse(&format!(
            "qemu+ssh://{alias}/system?command={}",
            self.ssh().display()
        ))
        .unwrap();
        let _ = Command::new(self.ssh())
            .arg("-o")
            .arg(format!(
                "ControlPath={}",
                virt_client::ssh_control_path(&uri).display()
            ))
            .args(["-O", "exit", alias])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.exit_master("hangar-test");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
