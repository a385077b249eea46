//! Asking the user for credentials (user names, passwords, key passphrases) while a connection
//! is opened: the equivalent of libvirt's `virConnectOpenAuth` callback.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a credential request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialKind {
    /// A user name (SASL).
    Username,
    /// A password (SASL, or ssh password authentication).
    Password,
    /// The passphrase of a private key (ssh).
    Passphrase,
    /// Any other question from ssh, shown to the user as is. Never answered without the user.
    Question,
    /// A yes/no question: whether to trust a host key that is not known yet (the prompt shows
    /// its fingerprint as ssh prints it). Only the answer `yes` trusts it; anything else, or
    /// no answer, refuses. Never answered without the user.
    Confirm,
}

/// One question for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialRequest {
    /// What is asked for.
    pub kind: CredentialKind,
    /// The text to show (ssh's prompt, or a sentence naming the host).
    pub prompt: String,
    /// A suggested answer (the user name from the URI), if any.
    pub default: Option<String>,
}

impl CredentialRequest {
    /// A request of `kind` with `prompt`.
    pub fn new(kind: CredentialKind, prompt: impl Into<String>) -> Self {
        CredentialRequest {
            kind,
            prompt: prompt.into(),
            default: None,
        }
    }

    /// Classifies a prompt from ssh's askpass call.
    pub fn from_ssh_prompt(prompt: &str) -> Self {
        let lower = prompt.to_ascii_lowercase();
        let kind = if lower.contains("passphrase") {
            CredentialKind::Passphrase
        } else if lower.contains("password") {
            CredentialKind::Password
        } else if lower.contains("(yes/no") {
            CredentialKind::Confirm
        } else {
            CredentialKind::Question
        };
        Self::new(kind, prompt)
    }
}

/// The future a [`CredentialPrompt`] returns.
pub type PromptFuture<'a> = Pin<Box<dyn Future<Output = Option<String>> + Send + 'a>>;

/// Asks the user for credentials. `None` means the user cancelled.
pub trait CredentialPrompt: Send + Sync {
    /// Answers one request.
    fn ask<'a>(&'a self, request: &'a CredentialRequest) -> PromptFuture<'a>;
}

/// A shared credential callback, as kept in [`ConnectOptions`](crate::ConnectOptions).
#[derive(Clone)]
pub struct Credentials(pub Arc<dyn CredentialPrompt>);

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(..)")
    }
}

/// Fixed answers: a user name and a secret (password or passphrase). Questions get no answer.
#[derive(Clone)]
pub struct FixedCredentials {
    username: Option<String>,
    secret: String,
}

impl fmt::Debug for FixedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixedCredentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl FixedCredentials {
    /// Answers user name requests with `username` and secrets with `secret`.
    pub fn new(username: Option<&str>, secret: &str) -> Self {
        FixedCredentials {
            username: username.map(str::to_owned),
            secret: secret.to_owned(),
        }
    }
}

impl CredentialPrompt for FixedCredentials {
    fn ask<'a>(&'a self, request: &'a CredentialRequest) -> PromptFuture<'a> {
        let answer = match request.kind {
            CredentialKind::Username => self.username.clone().or(request.default.clone()),
            CredentialKind::Password | CredentialKind::Passphrase => Some(self.secret.clone()),
            CredentialKind::Question | CredentialKind::Confirm => None,
        };
        Box::pin(async move { answer })
    }
}

/// Time spent waiting for the user, so that connection deadlines can leave it out.
#[derive(Debug, Default)]
pub(crate) struct PromptClock {
    state: std::sync::Mutex<ClockState>,
}

#[derive(Debug, Default)]
struct ClockState {
    active: u32,
    since: Option<std::time::Instant>,
    spent: std::time::Duration,
}

impl PromptClock {
    fn lock(&self) -> std::sync::MutexGuard<'_, ClockState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Total time a question was open, including one open now.
    pub(crate) fn excluded(&self) -> std::time::Duration {
        let s = self.lock();
        s.spent + s.since.map(|t| t.elapsed()).unwrap_or_default()
    }

    /// Whether a question is open now.
    pub(crate) fn prompting(&self) -> bool {
        self.lock().active > 0
    }

    fn begin(&self) {
        let mut s = self.lock();
        if s.active == 0 {
            s.since = Some(std::time::Instant::now());
        }
        s.active += 1;
    }

    fn end(&self) {
        let mut s = self.lock();
        s.active = s.active.saturating_sub(1);
        if s.active == 0
            && let Some(t) = s.since.take()
        {
            s.spent += t.elapsed();
        }
    }
}

/// A prompt that runs `clock` while its inner prompt waits for the user.
pub(crate) struct Timed {
    inner: Arc<dyn CredentialPrompt>,
    clock: Arc<PromptClock>,
}

impl Timed {
    /// Wraps `creds`; the clock is shared with the caller.
    pub(crate) fn wrap(creds: &Credentials, clock: Arc<PromptClock>) -> Credentials {
        Credentials(Arc::new(Timed {
            inner: creds.0.clone(),
            clock,
        }))
    }
}

impl CredentialPrompt for Timed {
    fn ask<'a>(&'a self, request: &'a CredentialRequest) -> PromptFuture<'a> {
        Box::pin(async move {
            self.clock.begin();
            let answer = self.inner.ask(request).await;
            self.clock.end();
            answer
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_prompts_are_classified() {
        let k = |p: &str| CredentialRequest::from_ssh_prompt(p).kind;
        assert_eq!(
            k("Enter passphrase for key '/root/.ssh/id_ed25519': "),
            CredentialKind::Passphrase
        );
        assert_eq!(k("root@host's password: "), CredentialKind::Password);
        assert_eq!(
            k("Are you sure you want to continue connecting (yes/no/[fingerprint])? "),
            CredentialKind::Confirm
        );
        assert_eq!(k("Allow use of key? "), CredentialKind::Question);
    }

    #[tokio::test]
    async fn clock_counts_only_open_questions() {
        struct Slow;
        impl CredentialPrompt for Slow {
            fn ask<'a>(&'a self, _: &'a CredentialRequest) -> PromptFuture<'a> {
                Box::pin(async {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    Some("x".into())
                })
            }
        }
        let clock = Arc::new(PromptClock::default());
        let timed = Timed::wrap(&Credentials(Arc::new(Slow)), clock.clone());
        assert!(!clock.prompting());
        let req = CredentialRequest::new(CredentialKind::Password, "p");
        assert_eq!(timed.0.ask(&req).await.as_deref(), Some("x"));
        assert!(!clock.prompting());
        assert!(clock.excluded() >= std::time::Duration::from_millis(50));
    }
}
