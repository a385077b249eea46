//! Trusting a new host key from the client, against the private sshd: the question shows the
//! fingerprint `ssh-keygen -lf` computes, yes records the key in the known hosts file the
//! connection uses and connects, no and a changed key leave the file as it was; masters are
//! not shared across known hosts files.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use testbed::Libvirtd;
use virt_client::{
    ConnectOptions, Connection, CredentialKind, CredentialPrompt, CredentialRequest, Error,
    SshError,
};

use crate::ssh::ssh_uri;
use crate::sshd::Sshd;

/// Records every request and answers yes/no questions with `answer`.
struct Answer {
    answer: Option<&'static str>,
    asked: Mutex<Vec<CredentialRequest>>,
}

impl CredentialPrompt for Answer {
    fn ask<'a>(
        &'a self,
        request: &'a CredentialRequest,
    ) -> virt_client::credentials::PromptFuture<'a> {
        self.asked.lock().unwrap().push(request.clone());
        let answer = (request.kind == CredentialKind::Confirm)
            .then(|| self.answer.map(str::to_owned))
            .flatten();
        Box::pin(async move { answer })
    }
}

fn answering(answer: Option<&'static str>) -> Arc<Answer> {
    Arc::new(Answer {
        answer,
        asked: Mutex::new(Vec::new()),
    })
}

fn options(prompt: &Arc<Answer>) -> ConnectOptions {
    ConnectOptions::new()
        .with_credentials(prompt.clone())
        .askpass_program(env!("CARGO_BIN_EXE_hangar-askpass"))
}

/// `ssh-keygen -lf`'s fingerprint (`SHA256:…`) of the sshd's host key.
fn fingerprint(sshd: &Sshd) -> String {
    let line = sshd.host_key_fingerprint();
    let fp = line.split_whitespace().nth(1).unwrap().to_owned();
    assert!(fp.starts_with("SHA256:"), "{line}");
    fp
}

/// Whether `ssh-keygen -F` finds a key for `[127.0.0.1]:port` in `file`.
fn recorded(sshd: &Sshd, file: &Path) -> bool {
    Command::new("ssh-keygen")
        .arg("-F")
        .arg(format!("[127.0.0.1]:{}", sshd.port))
        .arg("-f")
        .arg(file)
        .output()
        .unwrap()
        .status
        .success()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_host_key_is_asked_and_recorded_only_on_yes() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");
    let fp = fingerprint(&sshd);
    let kh = sshd.dir.path().join("trusted_known_hosts");
    std::fs::write(&kh, "").unwrap();
    // hangar-stranger has StrictHostKeyChecking yes: ssh refuses without asking.
    let uri = ssh_uri(
        "hangar-stranger",
        &sshd,
        d,
        &format!("&known_hosts={}", kh.display()),
    );

    // No: a clear error, nothing written.
    let no = answering(Some("no"));
    let err = Connection::open_with(&uri, options(&no)).await.unwrap_err();
    let Error::Ssh(SshError::HostKeyNotTrusted { key, .. }) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(key, &format!("ED25519 key fingerprint is {fp}."));
    assert!(err.to_string().contains("not trusted"), "{err}");
    let asked = no.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].kind, CredentialKind::Confirm);
    assert!(
        asked[0]
            .prompt
            .contains(&format!("ED25519 key fingerprint is {fp}.")),
        "{asked:?}"
    );
    assert!(asked[0].prompt.contains("hangar-stranger"), "{asked:?}");
    assert_eq!(std::fs::read_to_string(&kh).unwrap(), "");
    assert_eq!(sshd.logins(), 0);

    // Yes: recorded as ssh writes it, and the connection works.
    let yes = answering(Some("yes"));
    let c = Connection::open_with(&uri, options(&yes)).await.unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    let names: Vec<String> = c
        .list_all_domains(0)
        .await
        .unwrap()
        .iter()
        .map(|dom| dom.name().to_owned())
        .collect();
    let listed = d
        .virsh(&d.qemu_uri(), &["list", "--all", "--name"])
        .unwrap();
    let mut expected: Vec<&str> = listed.lines().filter(|l| !l.is_empty()).collect();
    let mut got: Vec<&str> = names.iter().map(String::as_str).collect();
    expected.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, expected);
    c.close().await.unwrap();
    assert_eq!(yes.asked.lock().unwrap().len(), 1);
    let text = std::fs::read_to_string(&kh).unwrap();
    let hostkey = std::fs::read_to_string(sshd.dir.path().join("hostkey.pub")).unwrap();
    let blob = hostkey.split_whitespace().nth(1).unwrap();
    assert_eq!(
        text,
        format!("[127.0.0.1]:{} ssh-ed25519 {blob}\n", sshd.port)
    );
    assert!(recorded(&sshd, &kh));
    assert_eq!(sshd.logins(), 1);

    // Known now: no question.
    let again = answering(None);
    let c = Connection::open_with(&uri, options(&again)).await.unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();
    assert!(again.asked.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_host_key_stays_refused_without_a_question() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");
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
    let before = format!("[127.0.0.1]:{} {other_pub}", sshd.port);
    std::fs::write(&changed, &before).unwrap();
    let yes = answering(Some("yes"));
    let uri = ssh_uri(
        "hangar-stranger",
        &sshd,
        d,
        &format!("&known_hosts={}", changed.display()),
    );
    let err = Connection::open_with(&uri, options(&yes))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Ssh(SshError::HostKeyChanged { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("CHANGED"), "{err}");
    assert!(yes.asked.lock().unwrap().is_empty());
    assert_eq!(std::fs::read_to_string(&changed).unwrap(), before);
    assert_eq!(sshd.logins(), 0);
}

/// With `StrictHostKeyChecking ask`, ssh asks itself (through askpass): the question comes as
/// a yes/no question with the fingerprint, once; yes lets ssh record the key, no is final.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_own_host_key_question_is_a_yes_no_question() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");
    let fp = fingerprint(&sshd);
    let kh = sshd.dir.path().join("asker_known_hosts");
    let uri = ssh_uri("hangar-asker", &sshd, d, "");

    let no = answering(Some("no"));
    let err = Connection::open_with(&uri, options(&no)).await.unwrap_err();
    let Error::Ssh(SshError::HostKeyNotTrusted { key, .. }) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(key, &format!("ED25519 key fingerprint is {fp}."));
    let asked = no.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "asked once: {asked:?}");
    assert_eq!(asked[0].kind, CredentialKind::Confirm);
    assert!(asked[0].prompt.contains(&fp), "{asked:?}");
    assert_eq!(std::fs::read_to_string(&kh).unwrap(), "");

    let yes = answering(Some("yes"));
    let c = Connection::open_with(&uri, options(&yes)).await.unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();
    assert_eq!(yes.asked.lock().unwrap().len(), 1);
    assert!(recorded(&sshd, &kh));
    sshd.exit_master("hangar-asker");
}

/// A master made with one known hosts file does not carry a connection that names another:
/// that one checks the host key itself (and, knowing none, is refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_hosts_files_do_not_share_a_master() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");
    let good = sshd.dir.path().join("known_hosts");
    let empty = sshd.dir.path().join("empty_known_hosts");
    let with = |kh: &Path| {
        ssh_uri(
            "hangar-test",
            &sshd,
            d,
            &format!("&no_tty=1&known_hosts={}", kh.display()),
        )
    };
    let trusted = with(&good);
    let untrusted = with(&empty);
    let path =
        |uri: &str| virt_client::ssh_control_path(&virt_client::ConnectUri::parse(uri).unwrap());
    assert_ne!(path(&trusted), path(&untrusted));

    let a = Connection::open(&trusted).await.unwrap();
    assert_eq!(a.get_type().await.unwrap(), "QEMU");
    // The first master is up; the other file's connection does not ride it.
    let err = Connection::open(&untrusted).await.unwrap_err();
    assert!(
        matches!(err, Error::Ssh(SshError::HostKeyUnknown { .. })),
        "{err:?}"
    );
    // The same file's connection does.
    let b = Connection::open(&trusted).await.unwrap();
    assert_eq!(b.get_type().await.unwrap(), "QEMU");
    assert_eq!(sshd.logins(), 1);
    a.close().await.unwrap();
    b.close().await.unwrap();
    let _ = Command::new(sshd.ssh())
        .arg("-o")
        .arg(format!("ControlPath={}", path(&trusted).display()))
        .args(["-O", "exit", "hangar-test"])
        .output();
}

/// With `HashKnownHosts yes` the key is recorded hashed, and ssh finds it there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_key_is_hashed_when_ssh_hashes() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");
    let wrapper = sshd.dir.path().join("ssh-hashing");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec ssh -F {}/ssh_config -o HashKnownHosts=yes \"$@\"\n",
            sshd.dir.path().display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let kh = sshd.dir.path().join("hashed_known_hosts");
    let uri = ssh_uri(
        "hangar-stranger",
        &sshd,
        d,
        &format!("&known_hosts={}", kh.display()),
    )
    .replace(
        &sshd.ssh().display().to_string(),
        &wrapper.display().to_string(),
    );
    let yes = answering(Some("yes"));
    let c = Connection::open_with(&uri, options(&yes)).await.unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();
    let text = std::fs::read_to_string(&kh).unwrap();
    assert!(text.starts_with("|1|"), "{text}");
    assert!(!text.contains("127.0.0.1"), "{text}");
    assert!(recorded(&sshd, &kh));
}
