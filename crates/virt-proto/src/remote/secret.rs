//! Secrets (passphrases and keys stored by the daemon).

use crate::call::Call;
use crate::remote::limits::SECRET_VALUE_MAX;
use crate::remote::{Procedure, Secret};
use crate::xdr::{Opaque, Uuid, limit};
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::SecretLookupByUuid`] (`remote_secret_lookup_by_uuid_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretLookupByUuidArgs {
    pub uuid: Uuid,
}

/// Reply of [`Procedure::SecretLookupByUuid`] (`remote_secret_lookup_by_uuid_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretLookupByUuidRet {
    pub secret: Secret,
}

/// Arguments of [`Procedure::SecretDefineXml`] (`remote_secret_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretDefineXmlArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::SecretDefineXml`] (`remote_secret_define_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretDefineXmlRet {
    pub secret: Secret,
}

/// Arguments of [`Procedure::SecretGetXmlDesc`] (`remote_secret_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretGetXmlDescArgs {
    pub secret: Secret,
    pub flags: u32,
}

/// Reply of [`Procedure::SecretGetXmlDesc`] (`remote_secret_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::SecretSetValue`] (`remote_secret_set_value_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretSetValueArgs {
    pub secret: Secret,
    /// At most [`SECRET_VALUE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { SECRET_VALUE_MAX }>")]
    pub value: Opaque,
    pub flags: u32,
}

/// Arguments of [`Procedure::SecretGetValue`] (`remote_secret_get_value_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretGetValueArgs {
    pub secret: Secret,
    pub flags: u32,
}

/// Reply of [`Procedure::SecretGetValue`] (`remote_secret_get_value_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretGetValueRet {
    /// At most [`SECRET_VALUE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { SECRET_VALUE_MAX }>")]
    pub value: Opaque,
}

/// Arguments of [`Procedure::SecretUndefine`] (`remote_secret_undefine_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretUndefineArgs {
    pub secret: Secret,
}

/// Arguments of [`Procedure::SecretLookupByUsage`] (`remote_secret_lookup_by_usage_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretLookupByUsageArgs {
    pub usage_type: i32,
    pub usage_id: String,
}

/// Reply of [`Procedure::SecretLookupByUsage`] (`remote_secret_lookup_by_usage_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretLookupByUsageRet {
    pub secret: Secret,
}

calls! {
    SecretLookupByUuidArgs => SecretLookupByUuid, SecretLookupByUuidRet;
    SecretDefineXmlArgs => SecretDefineXml, SecretDefineXmlRet;
    SecretGetXmlDescArgs => SecretGetXmlDesc, SecretGetXmlDescRet;
    SecretSetValueArgs => SecretSetValue, ();
    SecretGetValueArgs => SecretGetValue, SecretGetValueRet;
    SecretUndefineArgs => SecretUndefine, ();
    SecretLookupByUsageArgs => SecretLookupByUsage, SecretLookupByUsageRet;
}
