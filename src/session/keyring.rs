//! Remembered passwords in the desktop's Secret Service (`org.freedesktop.secrets` on the
//! session bus: GNOME Keyring, KWallet, KeePassXC…). Each secret is an item of the default
//! collection, found again by its attributes: the application, the place it is for (a
//! connection URI, a display), the kind of question and the question's text.

use std::collections::HashMap;
use std::time::Duration;

use secret_service::{EncryptionType, SecretService};

/// The attribute that marks Hangar's items.
const APPLICATION: &str = "dev.hangar.Hangar";

/// Longest wait for the Secret Service: a desktop without one must not hold a prompt up.
const LIMIT: Duration = Duration::from_secs(5);

/// Why the Secret Service could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// No Secret Service answered, or it refused.
    #[error("Secret Service: {0}")]
    Service(#[from] secret_service::Error),
    /// It took too long (a locked keyring waiting for an unlock prompt nobody sees).
    #[error("the Secret Service did not answer in time")]
    Timeout,
    /// The stored secret is not text.
    #[error("the stored secret is not UTF-8 text")]
    NotText,
}

/// What a secret is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    /// Where it is used: a connection URI, or `vnc://host:port` for a display.
    pub place: String,
    /// The kind of question (`username`, `password`, `passphrase`, `vnc-password`).
    pub kind: String,
    /// The question's text (ssh names the key file in it).
    pub prompt: String,
}

impl SecretKey {
    /// A key from its parts.
    pub fn new(place: &str, kind: &str, prompt: &str) -> Self {
        SecretKey {
            place: place.to_owned(),
            kind: kind.to_owned(),
            prompt: prompt.trim().to_owned(),
        }
    }

    fn attributes(&self) -> HashMap<&str, &str> {
        HashMap::from([
            ("application", APPLICATION),
            ("hangar-place", self.place.as_str()),
            ("hangar-kind", self.kind.as_str()),
            ("hangar-prompt", self.prompt.as_str()),
        ])
    }

    /// The label the keyring's own UI (Seahorse) shows.
    fn label(&self) -> String {
        format!("Hangar: {} for {}", self.kind, self.place)
    }
}

async fn within<T>(
    fut: impl std::future::Future<Output = Result<T, KeyringError>>,
) -> Result<T, KeyringError> {
    tokio::time::timeout(LIMIT, fut)
        .await
        .map_err(|_| KeyringError::Timeout)?
}

/// The secret stored for `key`, if any.
pub async fn lookup(key: &SecretKey) -> Result<Option<String>, KeyringError> {
    match lookup_once(key).await {
        // The item may have been deleted between the search and the read: search again.
        Err(KeyringError::Service(_)) => lookup_once(key).await,
        other => other,
    }
}

async fn lookup_once(key: &SecretKey) -> Result<Option<String>, KeyringError> {
    within(async {
        let ss = SecretService::connect(EncryptionType::Dh).await?;
        let found = ss.search_items(key.attributes()).await?;
        let item = match (
            found.unlocked.into_iter().next(),
            found.locked.into_iter().next(),
        ) {
            (Some(item), _) => item,
            (None, Some(item)) => {
                item.unlock().await?;
                item
            }
            (None, None) => return Ok(None),
        };
        let secret = item.get_secret().await?;
        String::from_utf8(secret)
            .map(Some)
            .map_err(|_| KeyringError::NotText)
    })
    .await
}

/// Stores `secret` for `key`, replacing what was there.
pub async fn store(key: &SecretKey, secret: &str) -> Result<(), KeyringError> {
    within(async {
        let ss = SecretService::connect(EncryptionType::Dh).await?;
        let collection = ss.get_default_collection().await?;
        collection.ensure_unlocked().await?;
        collection
            .create_item(
                &key.label(),
                key.attributes(),
                secret.as_bytes(),
                true,
                "text/plain",
            )
            .await?;
        Ok(())
    })
    .await
}

/// Removes what is stored for `key` (nothing stored is fine).
pub async fn forget(key: &SecretKey) -> Result<(), KeyringError> {
    within(async {
        let ss = SecretService::connect(EncryptionType::Dh).await?;
        let found = ss.search_items(key.attributes()).await?;
        for item in found.unlocked.iter().chain(found.locked.iter()) {
            item.delete().await?;
        }
        Ok(())
    })
    .await
}
