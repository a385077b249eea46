//! Cloning a VM: a full clone copies each disk into a new volume through the storage API
//! (`STORAGE_VOL_CREATE_XML_FROM`); a linked clone, only of a shut-off VM, gets qcow2 overlay
//! volumes whose `<backingStore>` is the original. The clone has a new name, no `<uuid>`
//! (libvirt makes one), new MAC addresses and its own NVRAM: a copy made through the storage API
//! too (virt-clone does the same, with a pool on the NVRAM's directory where none covers it; here
//! that pool is transient and goes once the copy is made), or, where no pool can reach the file,
//! fresh variables libvirt makes from the firmware's template. Whatever fails or is cancelled
//! half-way is undone: every volume made so far is deleted, and the domain undefined.
//!
//! No GTK here: [`prepare`] looks at the source and the host, [`run`] does the work and
//! reports [`Progress`].

pub mod names;
mod run;
pub mod xml;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use virt_client::{Connection, Domain, DomainState, StorageVol};

use crate::i18n::{gettext, gettext_f};

pub use names::{Conflict, Taken, VolumeSlot, propose_name};
pub use run::run;

/// Full copies or overlays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloneMode {
    /// Copy every disk.
    Full,
    /// qcow2 overlays on the source's disks (the source must stay shut off and unchanged).
    Linked,
}

/// Why a clone cannot be made or did not finish.
#[derive(Debug)]
pub enum CloneError {
    /// What libvirt said.
    Libvirt(virt_client::Error),
    /// The source's XML did not parse.
    Xml(virt_xml::Error),
    /// The VM is running.
    Running,
    /// A linked clone needs the source shut off.
    LinkedNeedsShutOff,
    /// A disk is not a volume of a storage pool, so the storage API cannot copy it.
    NotInPool {
        /// The disk's target device.
        target: String,
        /// Its path.
        path: String,
    },
    /// A disk's source is of a kind this cannot copy (network, pool volume by name): its
    /// target device.
    Uncopyable(String),
    /// The name is taken.
    Taken(Conflict),
    /// The name is not a usable VM name.
    BadName(String),
    /// The user cancelled.
    Cancelled,
}

impl std::error::Error for CloneError {}

impl From<virt_client::Error> for CloneError {
    fn from(e: virt_client::Error) -> Self {
        Self::Libvirt(e)
    }
}

impl From<virt_xml::Error> for CloneError {
    fn from(e: virt_xml::Error) -> Self {
        Self::Xml(e)
    }
}

impl std::fmt::Display for CloneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::Libvirt(e) => e.to_string(),
            Self::Xml(e) => e.to_string(),
            Self::Running => gettext(
                "Shut down or pause the virtual machine first: a running guest's disks keep changing.",
            ),
            Self::LinkedNeedsShutOff => {
                gettext("A linked clone can only be made of a shut-off virtual machine.")
            }
            Self::NotInPool { target, path } => gettext_f(
                "The disk {} ({}) is not in a storage pool, so it cannot be copied.",
                &[target, path],
            ),
            Self::Uncopyable(target) => gettext_f(
                "The disk {} is a network or pool-volume disk, which cannot be cloned.",
                &[target],
            ),
            Self::Taken(Conflict::Vm(n)) => {
                gettext_f("A virtual machine named “{}” already exists.", &[n])
            }
            Self::Taken(Conflict::Volume { pool, volume }) => gettext_f(
                "The pool “{}” already has a volume named “{}”.",
                &[pool, volume],
            ),
            Self::BadName(n) => gettext_f("“{}” is not a usable name.", &[n]),
            Self::Cancelled => gettext("The clone was cancelled."),
        };
        f.write_str(&text)
    }
}

/// A disk the clone copies: where it comes from, its size and format.
#[derive(Debug, Clone)]
pub struct DiskPlan {
    /// The disk as the source's XML has it.
    pub disk: xml::SourceDisk,
    /// Its volume.
    pub volume: StorageVol,
    /// Where the copy goes.
    pub slot: VolumeSlot,
    /// The image format (`qcow2`, `raw`).
    pub format: String,
    /// Capacity in bytes.
    pub capacity: u64,
    /// Allocation in bytes (what a full copy moves, about).
    pub allocation: u64,
}

/// Where the source's NVRAM comes from.
#[derive(Debug, Clone)]
pub enum NvramPlan {
    /// No NVRAM file.
    None,
    /// A volume of a pool: copied into a new volume there.
    Volume(StorageVol),
    /// A file in a directory no active pool covers (libvirt's own `qemu/nvram`): copied through
    /// a transient pool on that directory, which is gone again once the clone is made.
    Directory {
        /// The directory.
        dir: String,
        /// The file's name in it.
        file: String,
    },
    /// A file that cannot be reached through a pool: the clone gets fresh variables from the
    /// firmware's template.
    Fresh(String),
}

/// Everything known about a source before cloning it.
#[derive(Debug, Clone)]
pub struct ClonePlan {
    /// The source's name.
    pub source: String,
    /// Its inactive XML.
    pub source_xml: String,
    /// Whether it is shut off (a linked clone is possible).
    pub shut_off: bool,
    /// The disks to copy.
    pub disks: Vec<DiskPlan>,
    /// The NVRAM.
    pub nvram: NvramPlan,
    /// What the new names must avoid.
    pub taken: Taken,
    /// MAC addresses in use by every VM on the host.
    pub macs: HashSet<String>,
}

impl ClonePlan {
    /// The volume slots, in disk order, for naming.
    pub fn slots(&self) -> Vec<VolumeSlot> {
        self.disks.iter().map(|d| d.slot.clone()).collect()
    }

    /// The pool the NVRAM copy goes to.
    pub fn nvram_pool(&self) -> Option<&str> {
        match &self.nvram {
            NvramPlan::Volume(v) => Some(v.pool_name()),
            NvramPlan::Directory { dir, .. } => Some(dir),
            _ => None,
        }
    }

    /// The first free `NAME-clone…` name.
    pub fn proposed_name(&self) -> String {
        propose_name(&self.source, &self.taken, &self.slots(), self.nvram_pool())
    }

    /// Why `name` cannot be used, if it cannot.
    pub fn check_name(&self, name: &str) -> Result<(), CloneError> {
        if !names::valid_vm_name(name) {
            return Err(CloneError::BadName(name.to_string()));
        }
        match self.taken.conflict(name, &self.slots(), self.nvram_pool()) {
            Some(c) => Err(CloneError::Taken(c)),
            None => Ok(()),
        }
    }

    /// The new volume names, in disk order, for the clone `name`.
    pub fn volume_names(&self, name: &str) -> Vec<String> {
        self.disks
            .iter()
            .enumerate()
            .map(|(i, d)| names::volume_name(name, i, &d.slot))
            .collect()
    }
}

const XML_SECURE: u32 = 1;
const XML_INACTIVE: u32 = 2;

/// Looks at the VM `source` and the host: its disks and their volumes, the names and MAC
/// addresses in use. Fails when the VM is running or a disk cannot be copied.
pub async fn prepare(conn: &Connection, source: &str) -> Result<ClonePlan, CloneError> {
    let dom = Domain::lookup_by_name(conn, source).await?;
    let (state, _) = dom.state().await?;
    if matches!(state, DomainState::Running | DomainState::Blocked) {
        return Err(CloneError::Running);
    }
    let shut_off = !dom.is_active().await?;
    let source_xml = dom.xml_desc(XML_SECURE | XML_INACTIVE).await?;
    let doc = virt_xml::Document::parse(&source_xml)?;
    if let Some(target) = xml::uncopyable_disks(&doc).into_iter().next() {
        return Err(CloneError::Uncopyable(target));
    }
    let mut disks = Vec::new();
    for disk in xml::copied_disks(&doc) {
        let volume = match StorageVol::lookup_by_path(conn, &disk.path).await {
            Ok(v) => v,
            Err(e) if e.is(virt_client::ErrorCode::NO_STORAGE_VOL) => {
                return Err(CloneError::NotInPool {
                    target: disk.target,
                    path: disk.path,
                });
            }
            Err(e) => return Err(e.into()),
        };
        let (_, capacity, allocation) = volume.info().await?;
        let format = volume_format(&volume.xml_desc().await?);
        disks.push(DiskPlan {
            slot: VolumeSlot::for_volume(volume.pool_name(), volume.name()),
            disk,
            volume,
            format,
            capacity,
            allocation,
        });
    }
    let mut taken = Taken::default();
    let nvram = match xml::nvram_path(&doc) {
        None => NvramPlan::None,
        Some(path) => match StorageVol::lookup_by_path(conn, &path).await {
            Ok(v) => NvramPlan::Volume(v),
            Err(_) => nvram_directory(conn, &path, &mut taken).await,
        },
    };
    let mut macs = HashSet::new();
    for d in conn.list_all_domains(0).await? {
        taken.vms.insert(d.name().to_string());
        if let Ok(x) = d.xml_desc(XML_INACTIVE).await
            && let Ok(doc) = virt_xml::Document::parse(&x)
        {
            macs.extend(xml::macs(&doc));
        }
    }
    let mut pools: Vec<String> = disks.iter().map(|d| d.slot.pool.clone()).collect();
    if let NvramPlan::Volume(v) = &nvram {
        pools.push(v.pool_name().to_string());
    }
    pools.sort();
    pools.dedup();
    for pool in pools {
        let p = virt_client::StoragePool::lookup_by_name(conn, &pool).await?;
        let _ = p.refresh().await;
        for v in p.list_volumes().await? {
            taken.volumes.insert((pool.clone(), v.name().to_string()));
        }
    }
    Ok(ClonePlan {
        source: source.to_string(),
        source_xml,
        shut_off,
        disks,
        nvram,
        taken,
        macs,
    })
}

/// The plan for an NVRAM file at `path` outside the active pools: through a transient pool on
/// its directory (whose files `taken` learns), or fresh when no such pool can be made (another,
/// inactive pool claims the directory, say).
async fn nvram_directory(conn: &Connection, path: &str, taken: &mut Taken) -> NvramPlan {
    let fresh = || NvramPlan::Fresh(path.to_string());
    let file = std::path::Path::new(path);
    let (Some(dir), Some(name)) = (
        file.parent().and_then(|d| d.to_str()),
        file.file_name().and_then(|n| n.to_str()),
    ) else {
        return fresh();
    };
    let Ok(pool) = transient_pool(conn, dir).await else {
        return fresh();
    };
    let listed = pool.list_volumes().await;
    if let Err(e) = pool.destroy().await {
        tracing::warn!("could not remove the transient pool {}: {e}", pool.name());
    }
    match listed {
        Ok(vols) if vols.iter().any(|v| v.name() == name) => {
            for v in vols {
                taken
                    .volumes
                    .insert((dir.to_string(), v.name().to_string()));
            }
            NvramPlan::Directory {
                dir: dir.to_string(),
                file: name.to_string(),
            }
        }
        _ => fresh(),
    }
}

/// Starts a transient directory pool on `dir` (it lists what is there; destroying it removes
/// nothing but the pool).
pub(crate) async fn transient_pool(
    conn: &Connection,
    dir: &str,
) -> Result<virt_client::StoragePool, virt_client::Error> {
    let name = format!("hangar-nvram-{}", names::random_suffix());
    let esc = dir
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let xml =
        format!("<pool type='dir'><name>{name}</name><target><path>{esc}</path></target></pool>");
    virt_client::StoragePool::create_xml(conn, &xml, 0).await
}

fn volume_format(volume_xml: &str) -> String {
    virt_xml::Document::parse(volume_xml)
        .ok()
        .and_then(|d| {
            let f = d.find(d.root(), "target/format")?;
            d.attr(f, "type").map(|t| t.into_owned())
        })
        .unwrap_or_else(|| "raw".to_string())
}

/// What the clone is doing now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Copying disk `index` (1-based) of `count`: `done` of about `total` bytes.
    Disk {
        /// Which disk, from 1.
        index: usize,
        /// How many.
        count: usize,
        /// The new volume's name.
        volume: String,
        /// Bytes written so far.
        done: u64,
        /// Bytes to write, about.
        total: u64,
    },
    /// Copying the NVRAM.
    Nvram,
    /// Defining the clone.
    Defining,
    /// Removing what was made, after a failure or cancel.
    CleaningUp,
}

/// The finished clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloned {
    /// Its name.
    pub name: String,
    /// The UUID libvirt gave it.
    pub uuid: String,
    /// Paths of the new volumes, in disk order.
    pub volumes: Vec<String>,
    /// What happened to the NVRAM.
    pub nvram: NvramOutcome,
}

/// What the clone's NVRAM is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NvramOutcome {
    /// There is none.
    None,
    /// A copy of the source's, at this path.
    Copied(String),
    /// libvirt makes a fresh one from the firmware's template at the first start (no pool could
    /// reach the source's file, at this path).
    Fresh(String),
}

/// A flag the caller sets to cancel; the work stops at the next step (a disk copy that is under
/// way finishes first, then everything is removed).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Asks the clone to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether it was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
