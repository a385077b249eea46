//! Host network interfaces (`virInterface`).

use virt_proto::remote as p;

use crate::Connection;
use crate::error::Result;

/// `VIR_INTERFACE_XML_INACTIVE`: the persistent definition rather than the live state.
pub const XML_INACTIVE: u32 = 1;

/// A host interface on a connection.
#[derive(Clone, Debug)]
pub struct Interface {
    conn: Connection,
    raw: p::Interface,
}

impl Interface {
    fn from_raw(conn: &Connection, raw: p::Interface) -> Interface {
        Interface {
            conn: conn.clone(),
            raw,
        }
    }

    /// The interface's name.
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// The interface's MAC address as text.
    pub fn mac(&self) -> &str {
        &self.raw.mac
    }

    /// Looks an interface up by name.
    pub async fn lookup_by_name(conn: &Connection, name: &str) -> Result<Interface> {
        let r = conn
            .call(&p::InterfaceLookupByNameArgs { name: name.into() })
            .await?;
        Ok(Interface::from_raw(conn, r.iface))
    }

    /// Looks an interface up by MAC address.
    pub async fn lookup_by_mac(conn: &Connection, mac: &str) -> Result<Interface> {
        let r = conn
            .call(&p::InterfaceLookupByMacStringArgs { mac: mac.into() })
            .await?;
        Ok(Interface::from_raw(conn, r.iface))
    }

    /// The interface's XML ([`XML_INACTIVE`] for the persistent definition).
    pub async fn xml_desc(&self, flags: u32) -> Result<String> {
        let r = self
            .conn
            .call(&p::InterfaceGetXmlDescArgs {
                iface: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.xml)
    }

    /// Whether the interface is up.
    pub async fn is_active(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::InterfaceIsActiveArgs {
                iface: self.raw.clone(),
            })
            .await?;
        Ok(r.active != 0)
    }
}

impl Connection {
    /// Host interfaces matching `flags` (`VIR_CONNECT_LIST_INTERFACES_*`; 0 for all).
    pub async fn list_all_interfaces(&self, flags: u32) -> Result<Vec<Interface>> {
        let r = self
            .call(&p::ConnectListAllInterfacesArgs {
                need_results: 1,
                flags,
            })
            .await?;
        Ok(r.ifaces
            .into_iter()
            .map(|raw| Interface::from_raw(self, raw))
            .collect())
    }
}
