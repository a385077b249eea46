//! ssh failures come back as typed errors that say what to fix, against the private sshd.

use std::process::Command;

use testbed::Libvirtd;
use virt_client::{Connection, Error, SshError};

use crate::ssh::ssh_uri;
use crate::sshd::Sshd;

async fn ssh_error(uri: &str) -> SshError {
    match Connection::open(uri).await {
        Err(Error::Ssh(e)) => e,
        Err(other) => panic!("not an ssh error: {other:?}"),
        Ok(_) => panic!("{uri} connected"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_failures_are_typed() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");

    // No recorded key for the host.
    let e = ssh_error(&ssh_uri("hangar-stranger", &sshd, d, "&no_tty=1")).await;
    assert!(matches!(e, SshError::HostKeyUnknown { .. }), "{e:?}");
    assert!(e.to_string().contains("host key"), "{e}");

    // A different key recorded for the host.
    let other = sshd.dir.path().join("otherkey");
    assert!(
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&other)
            .status()
            .unwrap()
            .success()
    );
    let other_pub = std::fs::read_to_string(other.with_extension("pub")).unwrap();
    let changed = sshd.dir.path().join("changed_known_hosts");
    std::fs::write(&changed, format!("[127.0.0.1]:{} {other_pub}", sshd.port)).unwrap();
    let e = ssh_error(&ssh_uri(
        "hangar-test",
        &sshd,
        d,
        &format!("&no_tty=1&known_hosts={}", changed.display()),
    ))
    .await;
    assert!(matches!(e, SshError::HostKeyChanged { .. }), "{e:?}");
    assert!(e.to_string().contains("CHANGED"), "{e}");

    // A user the server does not know.
    let uri = ssh_uri("hangar-test", &sshd, d, "&no_tty=1").replace("//", "//nosuchuser@");
    let e = ssh_error(&uri).await;
    assert!(matches!(e, SshError::PermissionDenied { .. }), "{e:?}");

    // Nothing listening on the port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let uri = ssh_uri("hangar-test", &sshd, d, "&no_tty=1")
        .replace("hangar-test/", &format!("hangar-test:{closed}/"));
    let e = ssh_error(&uri).await;
    assert!(matches!(e, SshError::ConnectionRefused { .. }), "{e:?}");

    // The daemon's socket is not there.
    let uri = format!(
        "qemu+ssh://hangar-test/system?socket=/nonexistent/libvirt-sock&command={}&no_tty=1",
        sshd.ssh().display()
    );
    let e = ssh_error(&uri).await;
    assert!(matches!(e, SshError::RemoteSocketMissing { .. }), "{e:?}");

    // No such netcat on the host.
    let uri = ssh_uri("hangar-test", &sshd, d, "&no_tty=1&netcat=/nonexistent/nc");
    let e = ssh_error(&uri).await;
    assert_eq!(
        e,
        SshError::HelperMissing {
            program: "/nonexistent/nc".into()
        }
    );
    // Only the working connections logged in.
    assert_eq!(sshd.logins(), 1);
}

/// `+libssh2` runs the system's ssh with its parameters as ssh options.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libssh_uris_go_through_ssh_with_their_options() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");
    let base = ssh_uri("hangar-stranger", &sshd, d, "&no_tty=1").replace("+ssh:", "+libssh2:");
    // Only password authentication, which this sshd does not offer (first: no master yet,
    // which every alias of the same address and user would share).
    let uri =
        ssh_uri("hangar-test", &sshd, d, "&no_tty=1&sshauth=password").replace("+ssh:", "+libssh:");
    let e = ssh_error(&uri).await;
    assert!(matches!(e, SshError::PermissionDenied { .. }), "{e:?}");
    // The stranger's key is unknown: refused as with ssh…
    let e = ssh_error(&base).await;
    assert!(matches!(e, SshError::HostKeyUnknown { .. }), "{e:?}");
    // …but known_hosts_verify=ignore skips the check, as libvirt's libssh2 transport does.
    let c = Connection::open(&format!("{base}&known_hosts_verify=ignore"))
        .await
        .unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();
    // A method libvirt does not know is a clear error.
    let err = Connection::open(&format!("{base}&sshauth=telepathy"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("telepathy"), "{err}");
}
