//! Virtual networks.

use virt_proto::remote as p;

use crate::Connection;
use crate::error::Result;

/// A virtual network on a connection.
#[derive(Clone, Debug)]
pub struct Network {
    conn: Connection,
    raw: p::Network,
}

impl Network {
    /// The network's name.
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// The network's UUID.
    pub fn uuid(&self) -> &virt_proto::xdr::Uuid {
        &self.raw.uuid
    }

    /// Looks a network up by UUID.
    pub async fn lookup_by_uuid(conn: &Connection, uuid: virt_proto::xdr::Uuid) -> Result<Network> {
        let r = conn.call(&p::NetworkLookupByUuidArgs { uuid }).await?;
        Ok(Network {
            conn: conn.clone(),
            raw: r.net,
        })
    }

    /// Looks a network up by name.
    pub async fn lookup_by_name(conn: &Connection, name: &str) -> Result<Network> {
        let r = conn
            .call(&p::NetworkLookupByNameArgs { name: name.into() })
            .await?;
        Ok(Network {
            conn: conn.clone(),
            raw: r.net,
        })
    }

    /// Defines a persistent network from XML.
    pub async fn define_xml(conn: &Connection, xml: &str) -> Result<Network> {
        let r = conn
            .call(&p::NetworkDefineXmlArgs { xml: xml.into() })
            .await?;
        Ok(Network {
            conn: conn.clone(),
            raw: r.net,
        })
    }

    /// The network's XML.
    pub async fn xml_desc(&self, flags: u32) -> Result<String> {
        let r = self
            .conn
            .call(&p::NetworkGetXmlDescArgs {
                net: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.xml)
    }

    /// Starts the network.
    pub async fn create(&self) -> Result<()> {
        self.conn
            .call(&p::NetworkCreateArgs {
                net: self.raw.clone(),
            })
            .await
    }

    /// Stops the network.
    pub async fn destroy(&self) -> Result<()> {
        self.conn
            .call(&p::NetworkDestroyArgs {
                net: self.raw.clone(),
            })
            .await
    }

    /// Removes the network's definition.
    pub async fn undefine(&self) -> Result<()> {
        self.conn
            .call(&p::NetworkUndefineArgs {
                net: self.raw.clone(),
            })
            .await
    }

    /// Whether the network runs.
    pub async fn is_active(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::NetworkIsActiveArgs {
                net: self.raw.clone(),
            })
            .await?;
        Ok(r.active != 0)
    }

    /// Whether the network is persistent.
    pub async fn is_persistent(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::NetworkIsPersistentArgs {
                net: self.raw.clone(),
            })
            .await?;
        Ok(r.persistent != 0)
    }

    /// Whether the network starts with the daemon.
    pub async fn autostart(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::NetworkGetAutostartArgs {
                net: self.raw.clone(),
            })
            .await?;
        Ok(r.autostart != 0)
    }

    /// Sets whether the network starts with the daemon.
    pub async fn set_autostart(&self, on: bool) -> Result<()> {
        self.conn
            .call(&p::NetworkSetAutostartArgs {
                net: self.raw.clone(),
                autostart: i32::from(on),
            })
            .await
    }

    /// DHCP leases, optionally for one MAC address.
    pub async fn dhcp_leases(&self, mac: Option<&str>) -> Result<Vec<p::NetworkDhcpLease>> {
        let r = self
            .conn
            .call(&p::NetworkGetDhcpLeasesArgs {
                net: self.raw.clone(),
                mac: mac.map(Into::into),
                need_results: 1,
                flags: 0,
            })
            .await?;
        Ok(r.leases)
    }
}

impl Connection {
    /// Networks matching `flags` (`VIR_CONNECT_LIST_NETWORKS_*`; 0 for all).
    pub async fn list_all_networks(&self, flags: u32) -> Result<Vec<Network>> {
        let r = self
            .call(&p::ConnectListAllNetworksArgs {
                need_results: 1,
                flags,
            })
            .await?;
        Ok(r.nets
            .into_iter()
            .map(|raw| Network {
                conn: self.clone(),
                raw,
            })
            .collect())
    }
}
