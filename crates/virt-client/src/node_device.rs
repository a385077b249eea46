//! Host devices by name: parent, capabilities, and the life cycle of devices the daemon
//! creates (NPIV vHBAs, mediated devices).

use virt_proto::remote as p;
use virt_proto::remote::limits::NODE_DEVICE_CAPS_LIST_MAX;

use crate::Connection;
use crate::error::Result;

impl Connection {
    /// The name of a host device's parent, if it has one.
    pub async fn node_device_parent(&self, name: &str) -> Result<Option<String>> {
        let r = self
            .call(&p::NodeDeviceGetParentArgs { name: name.into() })
            .await?;
        Ok(r.parent_name)
    }

    /// A host device's capability names (`pci`, `net`, `scsi_host`, …).
    pub async fn node_device_caps(&self, name: &str) -> Result<Vec<String>> {
        let r = self
            .call(&p::NodeDeviceListCapsArgs {
                name: name.into(),
                maxnames: i32::try_from(NODE_DEVICE_CAPS_LIST_MAX).unwrap_or(i32::MAX),
            })
            .await?;
        Ok(r.names)
    }

    /// Creates a transient host device from XML and returns its name.
    pub async fn node_device_create_xml(&self, xml: &str, flags: u32) -> Result<String> {
        let r = self
            .call(&p::NodeDeviceCreateXmlArgs {
                xml_desc: xml.into(),
                flags,
            })
            .await?;
        Ok(r.dev.name)
    }

    /// Defines a persistent (inactive) host device from XML and returns its name.
    pub async fn node_device_define_xml(&self, xml: &str, flags: u32) -> Result<String> {
        let r = self
            .call(&p::NodeDeviceDefineXmlArgs {
                xml_desc: xml.into(),
                flags,
            })
            .await?;
        Ok(r.dev.name)
    }

    /// Starts a defined host device.
    pub async fn node_device_create(&self, name: &str, flags: u32) -> Result<()> {
        self.call(&p::NodeDeviceCreateArgs {
            name: name.into(),
            flags,
        })
        .await
    }

    /// Stops (and, for a transient device, removes) a host device the daemon created.
    pub async fn node_device_destroy(&self, name: &str) -> Result<()> {
        self.call(&p::NodeDeviceDestroyArgs { name: name.into() })
            .await
    }

    /// Removes a host device's persistent definition.
    pub async fn node_device_undefine(&self, name: &str, flags: u32) -> Result<()> {
        self.call(&p::NodeDeviceUndefineArgs {
            name: name.into(),
            flags,
        })
        .await
    }

    /// Whether a host device is active.
    pub async fn node_device_is_active(&self, name: &str) -> Result<bool> {
        let r = self
            .call(&p::NodeDeviceIsActiveArgs { name: name.into() })
            .await?;
        Ok(r.active != 0)
    }

    /// Whether a host device has a persistent definition.
    pub async fn node_device_is_persistent(&self, name: &str) -> Result<bool> {
        let r = self
            .call(&p::NodeDeviceIsPersistentArgs { name: name.into() })
            .await?;
        Ok(r.persistent != 0)
    }
}
