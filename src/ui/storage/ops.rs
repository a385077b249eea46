//! The storage page's libvirt work, run on tokio: the pools with their state and sizes, the
//! volumes of one pool with their format and the VMs whose disks use them, and the operations
//! on both. Input is checked before anything is changed; what fails half-way is undone.

use std::collections::HashMap;

use tokio::task::JoinSet;
use virt_client::{Connection, ErrorCode, StoragePool, StorageVol};
use virt_xml::builder::{self, PoolSource, PoolSpec};
use virt_xml::{DomainXml, PoolXml, Size, VolumeXml};

use crate::i18n::{gettext, gettext_f};
use crate::ui::wizard::finish_message as message;

/// `VIR_STORAGE_POOL_RUNNING`.
pub const RUNNING: u8 = 2;

const GIB: u64 = 1 << 30;

/// `VIR_STORAGE_XML_INACTIVE`: the definition rather than the running pool's state.
const XML_INACTIVE: u32 = 1;

/// A storage pool as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolEntry {
    /// The pool's name.
    pub name: String,
    /// Its type (`dir`, `logical`, …).
    pub kind: String,
    /// `VIR_STORAGE_POOL_*`: 0 inactive, 1 building, 2 running, 3 degraded, 4 inaccessible.
    pub state: u8,
    /// Bytes.
    pub capacity: u64,
    /// Bytes.
    pub allocation: u64,
    /// Bytes.
    pub available: u64,
    /// Whether it starts with the daemon.
    pub autostart: bool,
    /// Whether it has a definition (a transient pool is gone once stopped).
    pub persistent: bool,
    /// Its target path, when it has one.
    pub path: Option<String>,
    /// Its definition (`VIR_STORAGE_XML_INACTIVE`).
    pub xml: String,
}

impl PoolEntry {
    /// Whether the pool is running.
    pub fn active(&self) -> bool {
        self.state == RUNNING
    }
}

/// A storage volume as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeEntry {
    /// The volume's name.
    pub name: String,
    /// Its path on the host.
    pub path: String,
    /// Its format (`qcow2`, `raw`, …), empty when the XML names none.
    pub format: String,
    /// Bytes the guest sees.
    pub capacity: u64,
    /// Bytes used on the host.
    pub allocation: u64,
    /// The image it is an overlay on.
    pub backing: Option<String>,
    /// Names of the VMs with a disk on it, sorted.
    pub users: Vec<String>,
}

/// The pools, sorted by name.
pub async fn pools(conn: &Connection) -> Result<Vec<PoolEntry>, String> {
    let pools = conn
        .list_all_storage_pools(0)
        .await
        .map_err(|e| gettext_f("The storage pools cannot be read: {}", &[&message(&e)]))?;
    let mut tasks = JoinSet::new();
    for pool in pools {
        tasks.spawn(async move { pool_entry(&pool).await });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(entry)) => out.push(entry),
            // Undefined between the listing and the look: no longer there.
            Ok(Err(e)) if e.is(ErrorCode::NO_STORAGE_POOL) => {}
            Ok(Err(e)) => {
                return Err(gettext_f(
                    "The storage pools cannot be read: {}",
                    &[&message(&e)],
                ));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

async fn pool_entry(pool: &StoragePool) -> virt_client::Result<PoolEntry> {
    let info = pool.info().await?;
    // The definition, as the XML tab edits it.
    let xml = pool.xml_desc(XML_INACTIVE).await?;
    let (kind, path) = match PoolXml::parse(&xml) {
        Ok(doc) => {
            let root = doc.root();
            (
                root.pool_type(&doc).unwrap_or_default().into_owned(),
                root.target_path(&doc).map(|p| p.into_owned()),
            )
        }
        Err(e) => {
            tracing::warn!("pool {}: unreadable XML: {e}", pool.name());
            (String::new(), None)
        }
    };
    Ok(PoolEntry {
        name: pool.name().to_owned(),
        kind,
        state: info.state,
        capacity: info.capacity,
        allocation: info.allocation,
        available: info.available,
        autostart: pool.autostart().await?,
        persistent: pool.is_persistent().await?,
        path,
        xml,
    })
}

/// The volumes of the running pool `pool`, sorted by name, each with the VMs using it.
pub async fn volumes(conn: &Connection, pool: &str) -> Result<Vec<VolumeEntry>, String> {
    let fail = |e: virt_client::Error| {
        gettext_f(
            "The volumes of “{}” cannot be read: {}",
            &[pool, &message(&e)],
        )
    };
    let handle = StoragePool::lookup_by_name(conn, pool)
        .await
        .map_err(fail)?;
    let vols = handle.list_volumes().await.map_err(fail)?;
    let users = tokio::spawn(disk_users(conn.clone()));
    let mut tasks = JoinSet::new();
    // Each task reads and parses one volume's XML, so the parsing spreads over the threads.
    for vol in vols {
        tasks.spawn(async move {
            let xml = vol.xml_desc().await?;
            Ok::<_, virt_client::Error>(volume_entry(vol.name(), &xml))
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done.map_err(|e| e.to_string())? {
            Ok(entry) => out.push(entry),
            Err(e) if e.is(ErrorCode::NO_STORAGE_VOL) => {}
            Err(e) => return Err(fail(e)),
        }
    }
    let users = users.await.map_err(|e| e.to_string())??;
    for v in &mut out {
        let by_volume = format!("{pool}/{}", v.name);
        let mut names: Vec<String> = [v.path.as_str(), by_volume.as_str()]
            .iter()
            .filter_map(|k| users.get(*k))
            .flatten()
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        v.users = names;
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn volume_entry(name: &str, xml: &str) -> VolumeEntry {
    let mut entry = VolumeEntry {
        name: name.to_owned(),
        path: String::new(),
        format: String::new(),
        capacity: 0,
        allocation: 0,
        backing: None,
        users: Vec::new(),
    };
    match VolumeXml::parse(xml) {
        Ok(doc) => {
            let v = doc.root();
            let bytes = |s: Result<Option<Size>, virt_xml::Error>| {
                s.ok().flatten().and_then(|s| s.bytes()).unwrap_or(0)
            };
            entry.path = v.target_path(&doc).unwrap_or_default().into_owned();
            entry.format = v.format(&doc).unwrap_or_default().into_owned();
            entry.capacity = bytes(v.capacity(&doc));
            entry.allocation = bytes(v.allocation(&doc));
            entry.backing = v.backing_path(&doc).map(|p| p.into_owned());
        }
        Err(e) => tracing::warn!("volume {name}: unreadable XML: {e}"),
    }
    entry
}

/// The VMs using each disk source (path, or `pool/volume`): one listing of all domains' XML.
async fn disk_users(conn: Connection) -> Result<HashMap<String, Vec<String>>, String> {
    let fail = |e: virt_client::Error| {
        gettext_f(
            "The virtual machines’ disks cannot be read: {}",
            &[&message(&e)],
        )
    };
    let domains = conn.list_all_domains(0).await.map_err(fail)?;
    let mut tasks = JoinSet::new();
    for dom in domains {
        tasks.spawn(async move { (dom.name().to_owned(), dom.xml_desc(0).await) });
    }
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    while let Some(done) = tasks.join_next().await {
        let (name, xml) = done.map_err(|e| e.to_string())?;
        let xml = match xml {
            Ok(xml) => xml,
            Err(e) if e.is(ErrorCode::NO_DOMAIN) => continue,
            Err(e) => return Err(fail(e)),
        };
        let Ok(doc) = DomainXml::parse(&xml) else {
            tracing::warn!("domain {name}: unreadable XML");
            continue;
        };
        let Some(devices) = doc.root().devices(&doc) else {
            continue;
        };
        for disk in devices.disks(&doc) {
            if let Some(source) = disk.source_path(&doc) {
                users
                    .entry(source.into_owned())
                    .or_default()
                    .push(name.clone());
            }
        }
    }
    Ok(users)
}

/// What a name must be for a pool or a volume: not empty, no slash.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err(gettext("Enter a name."));
    }
    if name != name.trim() || name.contains('/') {
        return Err(gettext_f(
            "“{}” cannot be used as a name: no slashes, and no spaces at either end.",
            &[name],
        ));
    }
    Ok(())
}

/// Defines the pool `spec`; with `start`, also starts it and sets it to start with the host.
/// Pools whose target is a directory (dir, fs, netfs) are built first, which only makes that
/// directory; the storage of the others (an LVM volume group, a disk's partition table) must
/// exist, as building it would overwrite what is on the devices. On failure nothing is left.
pub async fn create_pool(
    conn: &Connection,
    spec: &PoolSpec,
    start: bool,
) -> Result<String, String> {
    let name = spec.name.as_str();
    check_name(name)?;
    if !spec.target.starts_with('/') {
        return Err(gettext(
            "The target must be an absolute path, like /var/lib/libvirt/images.",
        ));
    }
    match StoragePool::lookup_by_name(conn, name).await {
        Ok(_) => {
            return Err(gettext_f(
                "A storage pool named “{}” already exists.",
                &[name],
            ));
        }
        Err(e) if e.is(ErrorCode::NO_STORAGE_POOL) => {}
        Err(e) => return Err(message(&e)),
    }
    let failed = |why: &str| gettext_f("Could not create the storage pool “{}”: {}", &[name, why]);
    let xml = builder::pool(spec).map_err(|e| failed(&e.to_string()))?;
    let pool = StoragePool::define_xml(conn, &xml.to_string())
        .await
        .map_err(|e| failed(&message(&e)))?;
    let builds = matches!(
        spec.source,
        PoolSource::Dir | PoolSource::Fs { .. } | PoolSource::Netfs { .. }
    );
    let made = async {
        if builds {
            pool.build().await?;
        }
        if start {
            pool.create().await?;
            pool.set_autostart(true).await?;
        }
        Ok::<_, virt_client::Error>(())
    }
    .await;
    if let Err(e) = made {
        let _ = pool.destroy().await;
        if let Err(u) = pool.undefine().await {
            tracing::warn!("roll-back: undefine pool {name}: {u}");
        }
        return Err(failed(&message(&e)));
    }
    Ok(if start {
        gettext_f(
            "Created the storage pool “{}” in {}.",
            &[name, &spec.target],
        )
    } else {
        gettext_f("Defined the storage pool “{}”.", &[name])
    })
}

/// Defines pool `name` anew from `xml`, which [`crate::ui::xml_pane::checked`] passed.
pub async fn redefine_pool(conn: &Connection, name: &str, xml: &str) -> Result<String, String> {
    let pool = StoragePool::define_xml(conn, xml)
        .await
        .map_err(|e| gettext_f("The daemon refused the XML: {}", &[&message(&e)]))?;
    let running = pool.is_active().await.unwrap_or(false);
    Ok(if running {
        gettext_f(
            "Saved the definition of “{}”; the running pool uses it from its next start.",
            &[name],
        )
    } else {
        gettext_f("Saved the definition of “{}”.", &[name])
    })
}

/// An operation on one pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolOp {
    /// Start it.
    Start,
    /// Stop it.
    Stop,
    /// Rescan its volumes.
    Refresh,
    /// Remove its storage (for a directory pool, the empty directory).
    Delete,
    /// Remove its definition.
    Undefine,
    /// Start it with the daemon, or not.
    Autostart(bool),
}

/// Runs `op` on pool `name`.
pub async fn pool_op(conn: &Connection, name: &str, op: PoolOp) -> Result<(), String> {
    let pool = StoragePool::lookup_by_name(conn, name)
        .await
        .map_err(|e| message(&e))?;
    let done = match op {
        PoolOp::Start => pool.create().await,
        PoolOp::Stop => pool.destroy().await,
        PoolOp::Refresh => pool.refresh().await,
        PoolOp::Delete => pool.delete().await,
        PoolOp::Undefine => pool.undefine().await,
        PoolOp::Autostart(on) => pool.set_autostart(on).await,
    };
    done.map_err(|e| gettext_f("{}: {}", &[name, &message(&e)]))
}

/// A volume to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVolume {
    /// Its name.
    pub name: String,
    /// `qcow2` or `raw`.
    pub format: String,
    /// Its size in GiB.
    pub gib: u64,
    /// The volume it is an overlay on: path and format.
    pub backing: Option<(String, String)>,
}

/// Creates `spec` in pool `pool` after checking the name is free and the size fits.
pub async fn create_volume(
    conn: &Connection,
    pool: &str,
    spec: &NewVolume,
) -> Result<String, String> {
    check_name(&spec.name)?;
    if spec.gib == 0 {
        return Err(gettext("The size must be at least 1 GiB."));
    }
    if spec.backing.is_some() && spec.format != "qcow2" {
        return Err(gettext("Only a qcow2 volume can have a backing volume."));
    }
    let handle = StoragePool::lookup_by_name(conn, pool)
        .await
        .map_err(|e| message(&e))?;
    let existing = handle.list_volumes().await.map_err(|e| message(&e))?;
    if existing.iter().any(|v| v.name() == spec.name) {
        return Err(gettext_f(
            "The pool “{}” already has a volume named “{}”.",
            &[pool, &spec.name],
        ));
    }
    let info = handle.info().await.map_err(|e| message(&e))?;
    let bytes = spec.gib.saturating_mul(GIB);
    if bytes > info.available {
        return Err(gettext_f(
            "A volume of {} does not fit: the pool “{}” has {} free.",
            &[&format_size(bytes), pool, &format_size(info.available)],
        ));
    }
    let mut xml = builder::volume(&spec.name, Size::gib(spec.gib), &spec.format)
        .map_err(|e| e.to_string())?;
    if let Some((path, format)) = &spec.backing {
        let root = xml.root();
        root.set_backing_store(&mut xml, path, format);
    }
    handle
        .create_volume(&xml.to_string(), 0)
        .await
        .map_err(|e| gettext_f("Could not create the volume: {}", &[&message(&e)]))?;
    Ok(gettext_f("Created the volume “{}”.", &[&spec.name]))
}

/// Deletes the volume at `path`; refused while a VM uses it unless `even_if_used`.
pub async fn delete_volume(
    conn: &Connection,
    path: &str,
    even_if_used: bool,
) -> Result<String, String> {
    let vol = StorageVol::lookup_by_path(conn, path)
        .await
        .map_err(|e| message(&e))?;
    if !even_if_used {
        let users = disk_users(conn.clone()).await?;
        let by_volume = format!("{}/{}", vol.pool_name(), vol.name());
        let mut names: Vec<&str> = [path, by_volume.as_str()]
            .iter()
            .filter_map(|k| users.get(*k))
            .flatten()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        if !names.is_empty() {
            return Err(gettext_f(
                "“{}” is used by {} and was not deleted.",
                &[vol.name(), &names.join(", ")],
            ));
        }
    }
    vol.delete()
        .await
        .map_err(|e| gettext_f("Could not delete “{}”: {}", &[vol.name(), &message(&e)]))?;
    Ok(gettext_f("Deleted the volume “{}”.", &[vol.name()]))
}

/// Grows the volume at `path` to `gib` GiB.
pub async fn resize_volume(conn: &Connection, path: &str, gib: u64) -> Result<String, String> {
    let vol = StorageVol::lookup_by_path(conn, path)
        .await
        .map_err(|e| message(&e))?;
    let (_, capacity, _) = vol.info().await.map_err(|e| message(&e))?;
    let bytes = gib.saturating_mul(GIB);
    if bytes <= capacity {
        return Err(gettext_f(
            "“{}” is {}; it can only grow, to more than that.",
            &[vol.name(), &format_size(capacity)],
        ));
    }
    vol.resize(bytes, 0)
        .await
        .map_err(|e| gettext_f("Could not resize “{}”: {}", &[vol.name(), &message(&e)]))?;
    Ok(gettext_f(
        "“{}” is now {}.",
        &[vol.name(), &format_size(bytes)],
    ))
}

/// Bytes for people, in binary units (“1.0 GiB”).
pub fn format_size(bytes: u64) -> String {
    gtk::glib::format_size_full(bytes, gtk::glib::FormatSizeFlags::IEC_UNITS).to_string()
}
