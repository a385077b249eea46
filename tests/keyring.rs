//! "Remember" against a real Secret Service: gnome-keyring-daemon on a private session bus.
//! A SASL login the user asks to remember is stored once it works, given back on the next
//! connection without asking, and a wrong stored password is forgotten and the user asked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../crates/virt-client/tests/remote/sshd.rs"]
#[allow(dead_code)]
mod sshd;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hangar::session::host::{self, HostRequest, HostUpdate};
use hangar::session::keyring::{self, SecretKey};
use testbed::Libvirtd;
use virt_client::CredentialKind;

/// One session run until it connects: the questions asked, answered with `password` for
/// passwords and `alice` for user names, remembered when `remember`.
async fn connect_once(uri: &str, password: &str, remember: bool) -> Vec<(CredentialKind, String)> {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let (req_tx, req_rx) = tokio::sync::mpsc::unbounded_channel();
    let (up_tx, mut up_rx) = tokio::sync::mpsc::unbounded_channel::<bool>();
    let report = {
        let asked = asked.clone();
        let password = password.to_string();
        move |update: HostUpdate| {
            match update {
                HostUpdate::AskCredential(ask) => {
                    assert!(ask.can_remember);
                    asked
                        .lock()
                        .unwrap()
                        .push((ask.request.kind, ask.request.prompt.clone()));
                    let answer = match ask.request.kind {
                        CredentialKind::Username => "alice".to_string(),
                        CredentialKind::Question => panic!("{:?}", ask.request),
                        _ => password.clone(),
                    };
                    ask.reply_remember(Some(answer), remember);
                }
                HostUpdate::Connected { .. } => {
                    let _ = up_tx.send(true);
                }
                _ => {}
            }
            true
        }
    };
    let session = tokio::spawn(host::run(uri.to_string(), req_rx, report));
    let up = tokio::time::timeout(Duration::from_secs(60), up_rx.recv()).await;
    assert!(matches!(up, Ok(Some(true))), "not connected: {asked:?}");
    req_tx.send(HostRequest::Disconnect).unwrap();
    tokio::time::timeout(Duration::from_secs(20), session)
        .await
        .unwrap()
        .unwrap();
    asked.lock().unwrap().clone()
}

/// Starts the Secret Service and points this process at it; ready for items when it returns.
/// The tests of this file run one at a time (the guard), each with its own service.
async fn start_keyring() -> (
    tokio::sync::MutexGuard<'static, ()>,
    testbed::keyring::SecretService,
) {
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let guard = ONE_AT_A_TIME.lock().await;
    let service = testbed::keyring::SecretService::start().unwrap();
    // SAFETY: the tests of this file set it one at a time, while no session runs.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", service.address()) };
    // The daemon takes a moment to register and to create its login keyring.
    let probe = SecretKey::new("probe", "password", "probe");
    let deadline = Instant::now() + Duration::from_secs(15);
    while let Err(e) = keyring::store(&probe, "s3cret").await {
        assert!(Instant::now() < deadline, "no Secret Service: {e}");
        // Poll interval of this wait for the service (async, like the calls it makes).
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (guard, service)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remembered_logins_come_from_the_secret_service() {
    let _keyring = start_keyring().await;
    let probe = SecretKey::new("probe", "password", "probe");
    assert_eq!(
        keyring::lookup(&probe).await.unwrap().as_deref(),
        Some("s3cret")
    );
    keyring::forget(&probe).await.unwrap();
    assert_eq!(keyring::lookup(&probe).await.unwrap(), None);

    let sasl = tempfile::tempdir().unwrap();
    let d =
        Libvirtd::start_with(testbed::sasl::options(sasl.path(), "alice", "wonderland").unwrap())
            .unwrap();
    let uri = d.test_uri();

    // First time: asked, remembered once the login works.
    let asked = connect_once(&uri, "wonderland", true).await;
    let kinds: Vec<_> = asked.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, [CredentialKind::Username, CredentialKind::Password]);
    let password_key = SecretKey::new(&uri, "password", &asked[1].1);
    assert_eq!(
        keyring::lookup(&password_key).await.unwrap().as_deref(),
        Some("wonderland")
    );

    // Next time: nothing asked.
    let asked = connect_once(&uri, "unused", false).await;
    assert_eq!(asked, [], "the remembered login was not used");

    // A wrong remembered password is forgotten and the user asked again (not remembered now).
    keyring::store(&password_key, "looking-glass")
        .await
        .unwrap();
    let asked = connect_once(&uri, "wonderland", false).await;
    let kinds: Vec<_> = asked.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, [CredentialKind::Username, CredentialKind::Password]);
    assert_eq!(keyring::lookup(&password_key).await.unwrap(), None);
}

/// ssh's passphrase question (through the hangar binary as askpass) is remembered, answered
/// from the keyring next time, and a wrong remembered passphrase is forgotten (ssh asks again
/// within the same attempt) and the user asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remembered_ssh_passphrases_come_from_the_secret_service() {
    let _keyring = start_keyring().await;
    // SAFETY: read by the session when it starts ssh; set once, before that.
    unsafe { std::env::set_var("HANGAR_ASKPASS", env!("CARGO_BIN_EXE_hangar")) };
    let d = Libvirtd::shared();
    let sshd = sshd::Sshd::start("open-sesame");
    let uri = format!(
        "qemu+ssh://hangar-test/system?socket={}&command={}",
        d.socket().display(),
        sshd.ssh().display()
    );
    let asked = connect_once(&uri, "open-sesame", true).await;
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].0, CredentialKind::Passphrase);
    let key = SecretKey::new(&uri, "passphrase", &asked[0].1);
    assert_eq!(
        keyring::lookup(&key).await.unwrap().as_deref(),
        Some("open-sesame")
    );

    // A new login (no master left): the keyring answers.
    sshd.exit_master("hangar-test");
    let asked = connect_once(&uri, "unused", false).await;
    assert_eq!(asked, [], "the remembered passphrase was not used");

    sshd.exit_master("hangar-test");
    keyring::store(&key, "wrong").await.unwrap();
    let asked = connect_once(&uri, "open-sesame", false).await;
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(keyring::lookup(&key).await.unwrap(), None);
    assert_eq!(sshd.logins(), 3);
}
