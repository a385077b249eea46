//! Storage pools and volumes.

mod file;
mod transfer;

pub use transfer::VOL_TRANSFER_SPARSE;

use virt_proto::remote as p;

use crate::Connection;
use crate::error::Result;

/// A storage pool on a connection.
#[derive(Clone, Debug)]
pub struct StoragePool {
    conn: Connection,
    raw: p::StoragePool,
}

/// A storage volume.
#[derive(Clone, Debug)]
pub struct StorageVol {
    conn: Connection,
    raw: p::StorageVol,
}

/// `virStoragePoolInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolInfo {
    /// `VIR_STORAGE_POOL_*`: 0 inactive, 1 building, 2 running, 3 degraded, 4 inaccessible.
    pub state: u8,
    /// Bytes.
    pub capacity: u64,
    /// Bytes.
    pub allocation: u64,
    /// Bytes.
    pub available: u64,
}

macro_rules! pool_calls {
    ($($(#[$doc:meta])* $name:ident => $args:ident $({ $($f:ident: $v:expr),* })?;)*) => {$(
        $(#[$doc])*
        pub async fn $name(&self) -> Result<()> {
            self.conn.call(&p::$args { pool: self.raw.clone() $($(, $f: $v)*)? }).await
        }
    )*};
}

impl StoragePool {
    /// The pool's name.
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// The pool's UUID.
    pub fn uuid(&self) -> &virt_proto::xdr::Uuid {
        &self.raw.uuid
    }

    /// Looks a pool up by UUID.
    pub async fn lookup_by_uuid(
        conn: &Connection,
        uuid: virt_proto::xdr::Uuid,
    ) -> Result<StoragePool> {
        let r = conn.call(&p::StoragePoolLookupByUuidArgs { uuid }).await?;
        Ok(StoragePool {
            conn: conn.clone(),
            raw: r.pool,
        })
    }

    /// Looks a pool up by name.
    pub async fn lookup_by_name(conn: &Connection, name: &str) -> Result<StoragePool> {
        let r = conn
            .call(&p::StoragePoolLookupByNameArgs { name: name.into() })
            .await?;
        Ok(StoragePool {
            conn: conn.clone(),
            raw: r.pool,
        })
    }

    /// Defines a persistent pool from XML.
    pub async fn define_xml(conn: &Connection, xml: &str) -> Result<StoragePool> {
        let r = conn
            .call(&p::StoragePoolDefineXmlArgs {
                xml: xml.into(),
                flags: 0,
            })
            .await?;
        Ok(StoragePool {
            conn: conn.clone(),
            raw: r.pool,
        })
    }

    /// Creates and starts a transient pool from XML: it is gone once destroyed.
    pub async fn create_xml(conn: &Connection, xml: &str, flags: u32) -> Result<StoragePool> {
        let r = conn
            .call(&p::StoragePoolCreateXmlArgs {
                xml: xml.into(),
                flags,
            })
            .await?;
        Ok(StoragePool {
            conn: conn.clone(),
            raw: r.pool,
        })
    }

    pool_calls! {
        /// Builds the pool's underlying storage.
        build => StoragePoolBuildArgs { flags: 0 };
        /// Starts the pool.
        create => StoragePoolCreateArgs { flags: 0 };
        /// Stops the pool.
        destroy => StoragePoolDestroyArgs;
        /// Rescans the pool's volumes.
        refresh => StoragePoolRefreshArgs { flags: 0 };
        /// Removes the pool's definition.
        undefine => StoragePoolUndefineArgs;
        /// Removes the pool's underlying storage (the undoing of [`StoragePool::build`]); the
        /// pool must be inactive.
        delete => StoragePoolDeleteArgs { flags: 0 };
    }

    /// State and sizes.
    pub async fn info(&self) -> Result<PoolInfo> {
        let r = self
            .conn
            .call(&p::StoragePoolGetInfoArgs {
                pool: self.raw.clone(),
            })
            .await?;
        Ok(PoolInfo {
            state: r.state,
            capacity: r.capacity,
            allocation: r.allocation,
            available: r.available,
        })
    }

    /// The pool's XML.
    pub async fn xml_desc(&self, flags: u32) -> Result<String> {
        let r = self
            .conn
            .call(&p::StoragePoolGetXmlDescArgs {
                pool: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.xml)
    }

    /// Whether the pool starts with the daemon.
    pub async fn autostart(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::StoragePoolGetAutostartArgs {
                pool: self.raw.clone(),
            })
            .await?;
        Ok(r.autostart != 0)
    }

    /// Sets whether the pool starts with the daemon.
    pub async fn set_autostart(&self, on: bool) -> Result<()> {
        self.conn
            .call(&p::StoragePoolSetAutostartArgs {
                pool: self.raw.clone(),
                autostart: i32::from(on),
            })
            .await
    }

    /// Whether the pool runs.
    pub async fn is_active(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::StoragePoolIsActiveArgs {
                pool: self.raw.clone(),
            })
            .await?;
        Ok(r.active != 0)
    }

    /// Whether the pool is persistent.
    pub async fn is_persistent(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::StoragePoolIsPersistentArgs {
                pool: self.raw.clone(),
            })
            .await?;
        Ok(r.persistent != 0)
    }

    /// The pool's volumes.
    pub async fn list_volumes(&self) -> Result<Vec<StorageVol>> {
        let r = self
            .conn
            .call(&p::StoragePoolListAllVolumesArgs {
                pool: self.raw.clone(),
                need_results: 1,
                flags: 0,
            })
            .await?;
        Ok(r.vols
            .into_iter()
            .map(|raw| StorageVol {
                conn: self.conn.clone(),
                raw,
            })
            .collect())
    }

    /// Looks up the volume `name` in this pool.
    pub async fn volume_by_name(&self, name: &str) -> Result<StorageVol> {
        let r = self
            .conn
            .call(&p::StorageVolLookupByNameArgs {
                pool: self.raw.clone(),
                name: name.into(),
            })
            .await?;
        Ok(StorageVol {
            conn: self.conn.clone(),
            raw: r.vol,
        })
    }

    /// Creates a volume from XML.
    pub async fn create_volume(&self, xml: &str, flags: u32) -> Result<StorageVol> {
        let r = self
            .conn
            .call(&p::StorageVolCreateXmlArgs {
                pool: self.raw.clone(),
                xml: xml.into(),
                flags,
            })
            .await?;
        Ok(StorageVol {
            conn: self.conn.clone(),
            raw: r.vol,
        })
    }
}

impl StorageVol {
    /// The volume's name.
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// The name of the pool holding the volume.
    pub fn pool_name(&self) -> &str {
        &self.raw.pool
    }

    /// The volume's key.
    pub fn key(&self) -> &str {
        &self.raw.key
    }

    /// The pool the volume is in.
    pub async fn pool(&self) -> Result<StoragePool> {
        let r = self
            .conn
            .call(&p::StoragePoolLookupByVolumeArgs {
                vol: self.raw.clone(),
            })
            .await?;
        Ok(StoragePool {
            conn: self.conn.clone(),
            raw: r.pool,
        })
    }

    /// The volume's path on the daemon's host.
    pub async fn path(&self) -> Result<String> {
        let r = self
            .conn
            .call(&p::StorageVolGetPathArgs {
                vol: self.raw.clone(),
            })
            .await?;
        Ok(r.name)
    }

    /// Type, capacity and allocation in bytes.
    pub async fn info(&self) -> Result<(i8, u64, u64)> {
        let r = self
            .conn
            .call(&p::StorageVolGetInfoArgs {
                vol: self.raw.clone(),
            })
            .await?;
        Ok((r.type_, r.capacity, r.allocation))
    }

    /// The volume's XML.
    pub async fn xml_desc(&self) -> Result<String> {
        let r = self
            .conn
            .call(&p::StorageVolGetXmlDescArgs {
                vol: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok(r.xml)
    }

    /// Deletes the volume.
    pub async fn delete(&self) -> Result<()> {
        self.conn
            .call(&p::StorageVolDeleteArgs {
                vol: self.raw.clone(),
                flags: 0,
            })
            .await
    }

    /// Resizes the volume to `capacity` bytes.
    pub async fn resize(&self, capacity: u64, flags: u32) -> Result<()> {
        self.conn
            .call(&p::StorageVolResizeArgs {
                vol: self.raw.clone(),
                capacity,
                flags,
            })
            .await
    }
}

impl Connection {
    /// Storage pools matching `flags` (0 for all).
    pub async fn list_all_storage_pools(&self, flags: u32) -> Result<Vec<StoragePool>> {
        let r = self
            .call(&p::ConnectListAllStoragePoolsArgs {
                need_results: 1,
                flags,
            })
            .await?;
        Ok(r.pools
            .into_iter()
            .map(|raw| StoragePool {
                conn: self.clone(),
                raw,
            })
            .collect())
    }

    /// Names of host devices matching `flags` (`VIR_CONNECT_LIST_NODE_DEVICES_*`).
    pub async fn list_all_node_devices(&self, flags: u32) -> Result<Vec<String>> {
        let r = self
            .call(&p::ConnectListAllNodeDevicesArgs {
                need_results: 1,
                flags,
            })
            .await?;
        Ok(r.devices.into_iter().map(|d| d.name).collect())
    }

    /// A host device's XML.
    pub async fn node_device_xml(&self, name: &str) -> Result<String> {
        let r = self
            .call(&p::NodeDeviceGetXmlDescArgs {
                name: name.into(),
                flags: 0,
            })
            .await?;
        Ok(r.xml)
    }
}

impl StorageVol {
    /// Finds the volume whose key is `key` (`virStorageVolLookupByKey`).
    pub async fn lookup_by_key(conn: &Connection, key: &str) -> Result<StorageVol> {
        let r = conn
            .call(&p::StorageVolLookupByKeyArgs { key: key.into() })
            .await?;
        Ok(StorageVol {
            conn: conn.clone(),
            raw: r.vol,
        })
    }

    /// Finds the volume whose target path is `path` (`virStorageVolLookupByPath`).
    pub async fn lookup_by_path(conn: &Connection, path: &str) -> Result<StorageVol> {
        let r = conn
            .call(&p::StorageVolLookupByPathArgs { path: path.into() })
            .await?;
        Ok(StorageVol {
            conn: conn.clone(),
            raw: r.vol,
        })
    }
}
