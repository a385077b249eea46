//! ssh and ext transports: a private sshd, one control master, askpass, virt-ssh-helper.

use std::sync::Arc;

use testbed::Libvirtd;
use virt_client::{
    ConnectOptions, Connection, CredentialKind, CredentialPrompt, CredentialRequest,
    FixedCredentials,
};

use crate::sshd::Sshd;

pub fn ssh_uri(alias: &str, sshd: &Sshd, d: &Libvirtd, extra: &str) -> String {
    sshd.qemu_uri(alias, &d.socket(), extra)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_channels_share_one_login() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");
    let uri = ssh_uri("hangar-test", &sshd, d, "&no_tty=1");
    let a = Connection::open(&uri).await.unwrap();
    assert_eq!(a.get_type().await.unwrap(), "QEMU");
    let b = Connection::open(&uri).await.unwrap();
    assert_eq!(
        b.hostname().await.unwrap(),
        d.virsh(&d.qemu_uri(), &["hostname"]).unwrap().trim()
    );
    a.close().await.unwrap();
    // The master outlives the first channel.
    let c = Connection::open_read_only(&uri).await.unwrap();
    assert!(c.get_type().await.is_ok());
    b.close().await.unwrap();
    c.close().await.unwrap();
    assert_eq!(sshd.logins(), 1, "three channels, one login");
}

/// Without `socket=`, the far side runs `virt-ssh-helper` with the URI. Here sshd runs every
/// command in the daemon's mount namespace, where its state directory is `/run/libvirt`, so the
/// helper finds the daemon at the standard socket path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_uses_virt_ssh_helper_on_the_far_side() {
    let d = Libvirtd::start().unwrap();
    for name in ["libvirt-sock", "libvirt-sock-ro"] {
        std::os::unix::fs::symlink(
            d.dir().join("sock").join(name),
            d.dir().join("run").join(name),
        )
        .unwrap();
    }
    let pid = d.pid().unwrap();
    let sshd = Sshd::start_with(
        "",
        &format!("ForceCommand nsenter --target {pid} --mount -- sh -c \"$SSH_ORIGINAL_COMMAND\""),
    );
    let base = format!(
        "qemu+ssh://hangar-test/system?command={}&no_tty=1",
        sshd.ssh().display()
    );
    for uri in [base.clone(), format!("{base}&proxy=native")] {
        let c = Connection::open(&uri).await.unwrap();
        assert_eq!(c.get_type().await.unwrap(), "QEMU");
        c.close().await.unwrap();
    }
    // Read-only: the helper is started with -r and the daemon refuses changes.
    let ro = Connection::open_read_only(&format!("{base}&proxy=native"))
        .await
        .unwrap();
    let err = virt_client::Domain::define_xml(&ro, &testbed::vm::tiny_xml("ro-test"), 0)
        .await
        .unwrap_err();
    assert!(err.is(virt_client::ErrorCode::OPERATION_DENIED), "{err:?}");
    ro.close().await.unwrap();
}

/// Records every request and answers passphrases with a fixed secret.
#[derive(Default)]
struct Recorder {
    asked: std::sync::Mutex<Vec<CredentialRequest>>,
}

impl CredentialPrompt for Recorder {
    fn ask<'a>(
        &'a self,
        request: &'a CredentialRequest,
    ) -> virt_client::credentials::PromptFuture<'a> {
        self.asked.lock().unwrap().push(request.clone());
        let answer = (request.kind == CredentialKind::Passphrase).then(|| "secret".to_owned());
        Box::pin(async move { answer })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_passphrase_goes_through_askpass_and_host_keys_are_checked() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("secret");
    let recorder = Arc::new(Recorder::default());
    let opts = || {
        ConnectOptions::new()
            .with_credentials(recorder.clone())
            .askpass_program(env!("CARGO_BIN_EXE_hangar-askpass"))
    };
    // An unknown host key is not accepted for the user: the question comes, and no answer
    // refuses it.
    let err = Connection::open_with(&ssh_uri("hangar-stranger", &sshd, d, ""), opts())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            virt_client::Error::Ssh(virt_client::SshError::HostKeyNotTrusted { .. })
        ),
        "{err:?}"
    );
    let asked: Vec<_> = recorder.asked.lock().unwrap().drain(..).collect();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].kind, CredentialKind::Confirm);

    let c = Connection::open_with(&ssh_uri("hangar-test", &sshd, d, ""), opts())
        .await
        .unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();
    let asked = recorder.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].kind, CredentialKind::Passphrase);
    assert!(asked[0].prompt.contains("userkey"), "{asked:?}");
    assert_eq!(sshd.logins(), 1);

    // A wrong passphrase fails (ssh asks three times, then gives up).
    sshd.exit_master("hangar-test");
    let wrong = ConnectOptions::new()
        .with_credentials(Arc::new(FixedCredentials::new(None, "wrong")))
        .askpass_program(env!("CARGO_BIN_EXE_hangar-askpass"));
    let err = Connection::open_with(&ssh_uri("hangar-test", &sshd, d, ""), wrong)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            virt_client::Error::Ssh(virt_client::SshError::PermissionDenied { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ext_command_speaks_over_stdio() {
    let d = Libvirtd::shared();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("connect");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nexec nc -U {}\n", d.socket().display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let c = Connection::open(&format!("qemu+ext:///system?command={}", script.display()))
        .await
        .unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();
    let err = Connection::open("qemu+ext:///system?command=/nonexistent/cmd")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/cmd"), "{err}");
}
