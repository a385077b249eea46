//! The session's credential prompt: questions go to the UI as
//! [`HostUpdate::AskCredential`](super::host::HostUpdate::AskCredential); answers the user
//! asked to remember are kept in the Secret Service once the connection they opened works,
//! given back before asking next time, and forgotten when they turn out wrong.

use std::sync::{Arc, Mutex, MutexGuard};

use virt_client::{CredentialKind, CredentialRequest, Error, SshError};

use super::host::HostUpdate;
use super::keyring::{self, SecretKey};

/// A user's answer: the text (`None` when cancelled) and whether to remember it.
type Answer = (Option<String>, bool);

/// A question from the host (SASL) or from ssh (password, key passphrase) for the user.
#[derive(Debug, Clone)]
pub struct CredentialAsk {
    /// What is asked.
    pub request: CredentialRequest,
    /// Whether the answer can be remembered (the dialog offers a "Remember" check).
    pub can_remember: bool,
    answer: Arc<Mutex<Option<tokio::sync::oneshot::Sender<Answer>>>>,
}

impl CredentialAsk {
    /// Answers the question; `None` when the user cancelled. Later answers are ignored.
    pub fn reply(&self, value: Option<String>) {
        self.reply_remember(value, false);
    }

    /// Answers the question, asking to keep the answer in the Secret Service when `remember`.
    pub fn reply_remember(&self, value: Option<String>, remember: bool) {
        if let Some(sender) = lock(&self.answer).take() {
            let _ = sender.send((value, remember));
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The keyring's name for a kind of question; `None` for questions never remembered.
fn kind_name(kind: CredentialKind) -> Option<&'static str> {
    match kind {
        CredentialKind::Username => Some("username"),
        CredentialKind::Password => Some("password"),
        CredentialKind::Passphrase => Some("passphrase"),
        _ => None,
    }
}

/// What happened to secrets during one connection attempt.
#[derive(Default)]
struct Attempt {
    /// Given from the keyring.
    used: Vec<SecretKey>,
    /// Answered by the user, to store if the attempt works.
    remember: Vec<(SecretKey, String)>,
}

/// Asks the user through the UI, with the Secret Service in front.
pub(crate) struct UiPrompt {
    report: Arc<dyn Fn(HostUpdate) -> bool + Send + Sync>,
    place: String,
    attempt: Mutex<Attempt>,
}

impl UiPrompt {
    /// A prompt for the connection to `place` (its URI).
    pub(crate) fn new(report: Arc<dyn Fn(HostUpdate) -> bool + Send + Sync>, place: &str) -> Self {
        UiPrompt {
            report,
            place: place.to_owned(),
            attempt: Mutex::new(Attempt::default()),
        }
    }

    /// The attempt's outcome: on success the answers to remember are stored; when the
    /// credentials were refused, the remembered ones that were used are forgotten.
    pub(crate) async fn finish(&self, outcome: Result<(), &Error>) {
        let attempt = std::mem::take(&mut *lock(&self.attempt));
        match outcome {
            Ok(()) => {
                for (key, secret) in &attempt.remember {
                    if let Err(e) = keyring::store(key, secret).await {
                        tracing::warn!("cannot remember the {}: {e}", key.kind);
                    }
                }
            }
            Err(e) if refused(e) => {
                for key in &attempt.used {
                    forget(key).await;
                }
            }
            Err(_) => {}
        }
    }

    fn key(&self, request: &CredentialRequest) -> Option<SecretKey> {
        kind_name(request.kind).map(|k| SecretKey::new(&self.place, k, &request.prompt))
    }
}

/// Whether `e` says the credentials were wrong.
fn refused(e: &Error) -> bool {
    matches!(
        e,
        Error::Auth(_) | Error::Ssh(SshError::PermissionDenied { .. })
    )
}

async fn forget(key: &SecretKey) {
    match keyring::forget(key).await {
        Ok(()) => tracing::info!("forgot the wrong {} for {}", key.kind, key.place),
        Err(e) => tracing::warn!("cannot forget the {}: {e}", key.kind),
    }
}

impl virt_client::CredentialPrompt for UiPrompt {
    fn ask<'a>(&'a self, request: &'a CredentialRequest) -> virt_client::PromptFuture<'a> {
        Box::pin(async move {
            let key = self.key(request);
            if let Some(key) = &key {
                let again = lock(&self.attempt).used.contains(key);
                if again {
                    // Asked again within one attempt (ssh does after a wrong passphrase).
                    lock(&self.attempt).used.retain(|k| k != key);
                    forget(key).await;
                } else {
                    match keyring::lookup(key).await {
                        Ok(Some(secret)) => {
                            lock(&self.attempt).used.push(key.clone());
                            return Some(secret);
                        }
                        Ok(None) => {}
                        Err(e) => tracing::debug!("no remembered {}: {e}", key.kind),
                    }
                }
            }
            let (tx, rx) = tokio::sync::oneshot::channel();
            let ask = CredentialAsk {
                request: request.clone(),
                can_remember: key.is_some(),
                answer: Arc::new(Mutex::new(Some(tx))),
            };
            if !(self.report)(HostUpdate::AskCredential(ask)) {
                return None;
            }
            let (value, remember) = rx.await.ok()?;
            if let (Some(key), Some(v), true) = (key, &value, remember) {
                lock(&self.attempt).remember.push((key, v.clone()));
            }
            value
        })
    }
}
