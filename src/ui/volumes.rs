//! Storage volumes for new disks, shared by the new-VM wizard and the hardware editor: the
//! active pools with the names of their volumes, creating a volume (with its path) and
//! deleting it again when what it was made for fails; the pool `default` made on first use
//! ([`default_pool`]).

pub mod default_pool;

use virt_client::{Connection, StoragePool, StorageVol};
use virt_xml::{Size, builder};

use crate::i18n::gettext_f;
use crate::ui::wizard::finish_message as message;

/// `VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE`.
pub const LIST_POOLS_ACTIVE: u32 = 2;

/// An active storage pool and the names of its volumes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolVolumes {
    /// The pool's name.
    pub pool: String,
    /// Its volumes' names.
    pub volumes: Vec<String>,
}

/// The active pools, sorted by name, with their volumes; a pool whose volumes cannot be
/// listed shows none.
pub async fn pools(conn: &Connection) -> Result<Vec<PoolVolumes>, String> {
    let pools = conn
        .list_all_storage_pools(LIST_POOLS_ACTIVE)
        .await
        .map_err(|e| message(&e))?;
    let mut out = Vec::new();
    for pool in pools {
        let volumes = pool
            .list_volumes()
            .await
            .map(|v| v.iter().map(|v| v.name().to_owned()).collect())
            .unwrap_or_default();
        out.push(PoolVolumes {
            pool: pool.name().to_owned(),
            volumes,
        });
    }
    out.sort_by(|a, b| a.pool.cmp(&b.pool));
    Ok(out)
}

/// A volume just created, with its path on the host.
#[derive(Debug, Clone)]
pub struct NewVolume {
    /// The volume.
    pub volume: StorageVol,
    /// Its path, for the disk's source.
    pub path: String,
}

/// Creates volume `name` of `gib` GiB in format `format` (`qcow2`, `raw`) in `pool`.
pub async fn create(
    conn: &Connection,
    pool: &str,
    name: &str,
    gib: u64,
    format: &str,
) -> Result<NewVolume, String> {
    let pool = StoragePool::lookup_by_name(conn, pool)
        .await
        .map_err(|e| message(&e))?;
    let xml = builder::volume(name, Size::gib(gib), format).map_err(|e| e.to_string())?;
    let volume = pool
        .create_volume(&xml.to_string(), 0)
        .await
        .map_err(|e| gettext_f("Could not create the disk: {}", &[&message(&e)]))?;
    match volume.path().await {
        Ok(path) => Ok(NewVolume { volume, path }),
        Err(e) => {
            delete(&volume).await;
            Err(message(&e))
        }
    }
}

/// Deletes a volume made for something that failed; a failure is only logged.
pub async fn delete(volume: &StorageVol) {
    if let Err(e) = volume.delete().await {
        tracing::warn!("roll-back: delete volume {}: {e}", volume.name());
    }
}
