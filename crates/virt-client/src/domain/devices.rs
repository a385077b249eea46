//! Attaching, detaching and updating devices.

use virt_proto::remote as p;

use super::Domain;
use crate::error::Result;

impl Domain {
    /// Attaches a device described by XML (affect flags: 1 live, 2 config).
    pub async fn attach_device(&self, xml: &str, flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainAttachDeviceFlagsArgs {
                dom: self.raw.clone(),
                xml: xml.into(),
                flags,
            })
            .await
    }

    /// Detaches a device described by XML.
    pub async fn detach_device(&self, xml: &str, flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainDetachDeviceFlagsArgs {
                dom: self.raw.clone(),
                xml: xml.into(),
                flags,
            })
            .await
    }

    /// Detaches the device with this alias.
    pub async fn detach_device_alias(&self, alias: &str, flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainDetachDeviceAliasArgs {
                dom: self.raw.clone(),
                alias: alias.into(),
                flags,
            })
            .await
    }

    /// Changes a device described by XML.
    pub async fn update_device(&self, xml: &str, flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainUpdateDeviceFlagsArgs {
                dom: self.raw.clone(),
                xml: xml.into(),
                flags,
            })
            .await
    }
}
