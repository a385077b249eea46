//! Authentication schemes a daemon may require (`remote_auth_type`).

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// An authentication scheme, as listed by [`Procedure::AuthList`](super::Procedure::AuthList).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(i32)]
pub enum AuthType {
    /// No authentication needed (`REMOTE_AUTH_NONE`).
    #[default]
    None = 0,
    /// SASL (`REMOTE_AUTH_SASL`).
    Sasl = 1,
    /// PolicyKit, for local UNIX sockets (`REMOTE_AUTH_POLKIT`).
    Polkit = 2,
}

impl Serialize for AuthType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(*self as i32)
    }
}

impl<'de> Deserialize<'de> for AuthType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match i32::deserialize(d)? {
            0 => Ok(AuthType::None),
            1 => Ok(AuthType::Sasl),
            2 => Ok(AuthType::Polkit),
            other => Err(de::Error::invalid_value(
                de::Unexpected::Signed(i64::from(other)),
                &"an authentication type 0..=2",
            )),
        }
    }
}
