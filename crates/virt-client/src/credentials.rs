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
    /// Any other question from ssh, shown to the user as is (for example whether to trust a
    /// new host key). Never answered without the user.
    Question,
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
            CredentialKind::Question => None,
        };
        Box::pin(async move { answer })
    }
}
