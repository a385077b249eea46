//! Secrets: passphrases and keys the daemon stores for disks and networks.

use virt_proto::remote as p;
use virt_proto::xdr::Uuid;

use crate::Connection;
use crate::error::Result;

/// `VIR_SECRET_USAGE_TYPE_*`: what a secret is for.
pub mod usage {
    /// No usage.
    pub const NONE: i32 = 0;
    /// A disk encryption passphrase (`usage_id` is the volume path).
    pub const VOLUME: i32 = 1;
    /// A Ceph key.
    pub const CEPH: i32 = 2;
    /// An iSCSI CHAP secret.
    pub const ISCSI: i32 = 3;
    /// A TLS key passphrase.
    pub const TLS: i32 = 4;
    /// A vTPM secret.
    pub const VTPM: i32 = 5;
}

/// A secret on a connection.
#[derive(Clone, Debug)]
pub struct Secret {
    conn: Connection,
    raw: p::Secret,
}

impl Secret {
    fn from_raw(conn: &Connection, raw: p::Secret) -> Secret {
        Secret {
            conn: conn.clone(),
            raw,
        }
    }

    /// The secret's UUID.
    pub fn uuid(&self) -> &Uuid {
        &self.raw.uuid
    }

    /// What the secret is for ([`usage`]).
    pub fn usage_type(&self) -> i32 {
        self.raw.usage_type
    }

    /// The object the secret belongs to (a volume path, a Ceph user, …).
    pub fn usage_id(&self) -> &str {
        &self.raw.usage_id
    }

    /// Looks a secret up by UUID.
    pub async fn lookup_by_uuid(conn: &Connection, uuid: Uuid) -> Result<Secret> {
        let r = conn.call(&p::SecretLookupByUuidArgs { uuid }).await?;
        Ok(Secret::from_raw(conn, r.secret))
    }

    /// Looks a secret up by its usage type and id.
    pub async fn lookup_by_usage(
        conn: &Connection,
        usage_type: i32,
        usage_id: &str,
    ) -> Result<Secret> {
        let r = conn
            .call(&p::SecretLookupByUsageArgs {
                usage_type,
                usage_id: usage_id.into(),
            })
            .await?;
        Ok(Secret::from_raw(conn, r.secret))
    }

    /// Defines (or redefines) a secret from XML.
    pub async fn define_xml(conn: &Connection, xml: &str, flags: u32) -> Result<Secret> {
        let r = conn
            .call(&p::SecretDefineXmlArgs {
                xml: xml.into(),
                flags,
            })
            .await?;
        Ok(Secret::from_raw(conn, r.secret))
    }

    /// The secret's XML.
    pub async fn xml_desc(&self, flags: u32) -> Result<String> {
        let r = self
            .conn
            .call(&p::SecretGetXmlDescArgs {
                secret: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.xml)
    }

    /// Stores the secret's value.
    pub async fn set_value(&self, value: &[u8], flags: u32) -> Result<()> {
        self.conn
            .call(&p::SecretSetValueArgs {
                secret: self.raw.clone(),
                value: value.into(),
                flags,
            })
            .await
    }

    /// The secret's value (refused by the daemon for private secrets).
    pub async fn value(&self, flags: u32) -> Result<Vec<u8>> {
        let r = self
            .conn
            .call(&p::SecretGetValueArgs {
                secret: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.value.into())
    }

    /// Removes the secret.
    pub async fn undefine(&self) -> Result<()> {
        self.conn
            .call(&p::SecretUndefineArgs {
                secret: self.raw.clone(),
            })
            .await
    }
}

impl Connection {
    /// Secrets matching `flags` (`VIR_CONNECT_LIST_SECRETS_*`; 0 for all).
    pub async fn list_all_secrets(&self, flags: u32) -> Result<Vec<Secret>> {
        let r = self
            .call(&p::ConnectListAllSecretsArgs {
                need_results: 1,
                flags,
            })
            .await?;
        Ok(r.secrets
            .into_iter()
            .map(|raw| Secret::from_raw(self, raw))
            .collect())
    }
}
