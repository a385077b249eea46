//! Channels through the connection's ssh control master: a real QEMU VM's VNC server greets
//! through one, and a unix socket on the far side is reached too, all on the one login.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::time::Duration;

use testbed::{Libvirtd, unique_name, vm};
use virt_client::{ChannelTarget, Connection, Error, SshError};

use crate::ssh::ssh_uri;
use crate::sshd::Sshd;

/// A running tiny VM, destroyed and undefined on drop.
struct RunningVm(String);

impl RunningVm {
    fn start(d: &Libvirtd) -> RunningVm {
        let name = unique_name("sshvnc");
        let path = d.dir().join(format!("{name}.xml"));
        std::fs::write(&path, vm::tiny_xml(&name)).unwrap();
        d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
            .unwrap();
        let vm = RunningVm(name);
        d.virsh(&d.qemu_uri(), &["start", &vm.0]).unwrap();
        vm
    }

    /// The VNC port (`virsh vncdisplay` says `127.0.0.1:N`).
    fn vnc_port(&self, d: &Libvirtd) -> u16 {
        let out = d.virsh(&d.qemu_uri(), &["vncdisplay", &self.0]).unwrap();
        let n: u16 = out.trim().rsplit(':').next().unwrap().parse().unwrap();
        5900 + n
    }
}

impl Drop for RunningVm {
    fn drop(&mut self) {
        let d = Libvirtd::shared();
        let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &self.0]);
        let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &self.0]);
    }
}

fn greeting(fd: OwnedFd) -> String {
    let mut sock = std::os::unix::net::UnixStream::from(fd);
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 12];
    sock.read_exact(&mut buf).unwrap();
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vnc_display_over_the_ssh_master_needs_no_second_login() {
    let d = Libvirtd::shared();
    let vm = RunningVm::start(d);
    let port = vm.vnc_port(d);
    let sshd = Sshd::start("");
    let conn = Connection::open(&ssh_uri("hangar-test", &sshd, d, "&no_tty=1"))
        .await
        .unwrap();
    assert_eq!(conn.get_type().await.unwrap(), "QEMU");

    let target = ChannelTarget::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    let mut ch = conn.open_channel(&target, true).await.unwrap();
    let fd = ch.take_fd().unwrap();
    let hello = tokio::task::spawn_blocking(move || greeting(fd))
        .await
        .unwrap();
    assert!(hello.starts_with("RFB 003.00"), "{hello:?}");

    // A unix socket on the far side (as a display listening on a socket would be).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vnc.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(b"RFB 003.008\n").unwrap();
        let mut echo = [0u8; 12];
        s.read_exact(&mut echo).unwrap();
        echo
    });
    let mut ch2 = conn
        .open_channel(&ChannelTarget::Unix(path.display().to_string()), true)
        .await
        .unwrap();
    let mut sock = std::os::unix::net::UnixStream::from(ch2.take_fd().unwrap());
    let echoed = tokio::task::spawn_blocking(move || {
        sock.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 12];
        sock.read_exact(&mut buf).unwrap();
        sock.write_all(&buf).unwrap();
        buf
    })
    .await
    .unwrap();
    assert_eq!(&echoed, b"RFB 003.008\n");
    assert_eq!(&server.join().unwrap(), b"RFB 003.008\n", "both directions");

    // A port nobody listens on fails with what the far side said.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = conn
        .open_channel(
            &ChannelTarget::Tcp {
                host: "127.0.0.1".into(),
                port: closed,
            },
            true,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Ssh(SshError::TargetRefused { .. })),
        "{err:?}"
    );
    drop(ch);
    drop(ch2);
    conn.close().await.unwrap();
    assert_eq!(sshd.logins(), 1, "connection and channels on one login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_need_an_ssh_connection() {
    let d = Libvirtd::shared();
    let conn = Connection::open(&d.qemu_uri()).await.unwrap();
    let err = conn
        .open_channel(&ChannelTarget::Unix("/x".into()), false)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
    conn.close().await.unwrap();
}
