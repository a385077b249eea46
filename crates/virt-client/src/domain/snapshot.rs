//! Domain snapshots: create, list (all, children, parent, current), revert, delete, XML.
//!
//! Flags are libvirt's numbers; the modules [`create`], [`list`], [`revert`] and [`delete`]
//! name the ones Hangar uses.

use virt_proto::remote as p;

use super::Domain;
use crate::error::{Error, ErrorCode, Result};

/// `VIR_DOMAIN_SNAPSHOT_CREATE_*`.
pub mod create {
    /// Restore or alter metadata (`REDEFINE`).
    pub const REDEFINE: u32 = 1 << 0;
    /// With `REDEFINE`, make it current (`CURRENT`).
    pub const CURRENT: u32 = 1 << 1;
    /// Make the snapshot without remembering it (`NO_METADATA`).
    pub const NO_METADATA: u32 = 1 << 2;
    /// Stop the domain after the snapshot (`HALT`).
    pub const HALT: u32 = 1 << 3;
    /// Disks only, no memory: external overlays (`DISK_ONLY`).
    pub const DISK_ONLY: u32 = 1 << 4;
    /// Reuse existing overlay files (`REUSE_EXT`).
    pub const REUSE_EXT: u32 = 1 << 5;
    /// Freeze the guest's file systems through its agent (`QUIESCE`).
    pub const QUIESCE: u32 = 1 << 6;
    /// All disks or none (`ATOMIC`).
    pub const ATOMIC: u32 = 1 << 7;
    /// Keep the domain running while memory is saved (`LIVE`).
    pub const LIVE: u32 = 1 << 8;
}

/// `VIR_DOMAIN_SNAPSHOT_LIST_*`.
pub mod list {
    /// Only roots (`ROOTS`) or, for children, all descendants (`DESCENDANTS`): the same bit.
    pub const ROOTS: u32 = 1 << 0;
    /// With children listing: all descendants, not only direct children.
    pub const DESCENDANTS: u32 = 1 << 0;
    /// Only snapshots that have metadata (`METADATA`).
    pub const METADATA: u32 = 1 << 1;
    /// Only leaves (`LEAVES`).
    pub const LEAVES: u32 = 1 << 2;
    /// Only snapshots with children (`NO_LEAVES`).
    pub const NO_LEAVES: u32 = 1 << 3;
    /// Only snapshots without metadata (`NO_METADATA`).
    pub const NO_METADATA: u32 = 1 << 4;
    /// Taken while shut off (`INACTIVE`).
    pub const INACTIVE: u32 = 1 << 5;
    /// Taken while running, with memory (`ACTIVE`).
    pub const ACTIVE: u32 = 1 << 6;
    /// Disk-only (`DISK_ONLY`).
    pub const DISK_ONLY: u32 = 1 << 7;
    /// Internal (`INTERNAL`).
    pub const INTERNAL: u32 = 1 << 8;
    /// External (`EXTERNAL`).
    pub const EXTERNAL: u32 = 1 << 9;
}

/// `VIR_DOMAIN_SNAPSHOT_REVERT_*`.
pub mod revert {
    /// Run the domain after reverting (`RUNNING`).
    pub const RUNNING: u32 = 1 << 0;
    /// Leave it paused after reverting (`PAUSED`).
    pub const PAUSED: u32 = 1 << 1;
    /// Allow risky reverts (`FORCE`).
    pub const FORCE: u32 = 1 << 2;
}

/// `VIR_DOMAIN_SNAPSHOT_DELETE_*`.
pub mod delete {
    /// The snapshot and all its descendants (`CHILDREN`).
    pub const CHILDREN: u32 = 1 << 0;
    /// Only libvirt's record, not the data (`METADATA_ONLY`).
    pub const METADATA_ONLY: u32 = 1 << 1;
    /// Only the descendants (`CHILDREN_ONLY`).
    pub const CHILDREN_ONLY: u32 = 1 << 2;
}

/// A snapshot of a domain.
#[derive(Clone, Debug)]
pub struct Snapshot {
    dom: Domain,
    raw: p::DomainSnapshot,
}

impl Snapshot {
    /// The snapshot's name.
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// The domain it belongs to.
    pub fn domain(&self) -> &Domain {
        &self.dom
    }

    fn wrap(dom: &Domain, raw: p::DomainSnapshot) -> Snapshot {
        Snapshot {
            dom: dom.clone(),
            raw,
        }
    }

    /// The snapshot's XML.
    pub async fn xml_desc(&self, flags: u32) -> Result<String> {
        let r = self
            .dom
            .conn
            .call(&p::DomainSnapshotGetXmlDescArgs {
                snap: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.xml)
    }

    /// Reverts the domain to this snapshot (`VIR_DOMAIN_SNAPSHOT_REVERT_*` flags).
    pub async fn revert(&self, flags: u32) -> Result<()> {
        self.dom
            .conn
            .call(&p::DomainRevertToSnapshotArgs {
                snap: self.raw.clone(),
                flags,
            })
            .await
    }

    /// Deletes the snapshot (`VIR_DOMAIN_SNAPSHOT_DELETE_*` flags).
    pub async fn delete(&self, flags: u32) -> Result<()> {
        self.dom
            .conn
            .call(&p::DomainSnapshotDeleteArgs {
                snap: self.raw.clone(),
                flags,
            })
            .await
    }

    /// The snapshot's children (`list::DESCENDANTS` for all descendants; other
    /// `VIR_DOMAIN_SNAPSHOT_LIST_*` filters apply).
    pub async fn children(&self, flags: u32) -> Result<Vec<Snapshot>> {
        let r = self
            .dom
            .conn
            .call(&p::DomainSnapshotListAllChildrenArgs {
                snapshot: self.raw.clone(),
                need_results: 1,
                flags,
            })
            .await?;
        Ok(r.snapshots
            .into_iter()
            .map(|s| Snapshot::wrap(&self.dom, s))
            .collect())
    }

    /// How many children the snapshot has (`list::DESCENDANTS` counts all descendants).
    pub async fn num_children(&self, flags: u32) -> Result<u32> {
        let r = self
            .dom
            .conn
            .call(&p::DomainSnapshotNumChildrenArgs {
                snap: self.raw.clone(),
                flags,
            })
            .await?;
        count(r.num)
    }

    /// The snapshot's parent, or `None` for a root (libvirt's `NO_DOMAIN_SNAPSHOT` answer).
    pub async fn parent(&self) -> Result<Option<Snapshot>> {
        let r = self
            .dom
            .conn
            .call(&p::DomainSnapshotGetParentArgs {
                snap: self.raw.clone(),
                flags: 0,
            })
            .await;
        match r {
            Ok(r) => Ok(Some(Snapshot::wrap(&self.dom, r.snap))),
            Err(e) if e.is(ErrorCode::NO_DOMAIN_SNAPSHOT) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether libvirt keeps metadata for the snapshot (which, e.g., blocks undefining the
    /// domain).
    pub async fn has_metadata(&self) -> Result<bool> {
        let r = self
            .dom
            .conn
            .call(&p::DomainSnapshotHasMetadataArgs {
                snap: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok(r.metadata != 0)
    }

    /// Whether this is the domain's current snapshot.
    pub async fn is_current(&self) -> Result<bool> {
        let r = self
            .dom
            .conn
            .call(&p::DomainSnapshotIsCurrentArgs {
                snap: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok(r.current != 0)
    }
}

impl Domain {
    /// Creates a snapshot from XML (`VIR_DOMAIN_SNAPSHOT_CREATE_*` flags).
    pub async fn snapshot_create(&self, xml: &str, flags: u32) -> Result<Snapshot> {
        let r = self
            .conn
            .call(&p::DomainSnapshotCreateXmlArgs {
                dom: self.raw.clone(),
                xml_desc: xml.into(),
                flags,
            })
            .await?;
        Ok(Snapshot::wrap(self, r.snap))
    }

    /// The domain's snapshots (`VIR_DOMAIN_SNAPSHOT_LIST_*` flags).
    pub async fn snapshots(&self, flags: u32) -> Result<Vec<Snapshot>> {
        let r = self
            .conn
            .call(&p::DomainListAllSnapshotsArgs {
                dom: self.raw.clone(),
                need_results: 1,
                flags,
            })
            .await?;
        Ok(r.snapshots
            .into_iter()
            .map(|s| Snapshot::wrap(self, s))
            .collect())
    }

    /// How many snapshots the domain has (`VIR_DOMAIN_SNAPSHOT_LIST_*` filters apply).
    pub async fn snapshot_count(&self, flags: u32) -> Result<u32> {
        let r = self
            .conn
            .call(&p::DomainSnapshotNumArgs {
                dom: self.raw.clone(),
                flags,
            })
            .await?;
        count(r.num)
    }

    /// The snapshot with this name.
    pub async fn snapshot_lookup(&self, name: &str) -> Result<Snapshot> {
        let r = self
            .conn
            .call(&p::DomainSnapshotLookupByNameArgs {
                dom: self.raw.clone(),
                name: name.into(),
                flags: 0,
            })
            .await?;
        Ok(Snapshot::wrap(self, r.snap))
    }

    /// The current snapshot, if there is one.
    pub async fn snapshot_current(&self) -> Result<Option<Snapshot>> {
        match self.current_snapshot().await {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.is(ErrorCode::NO_DOMAIN_SNAPSHOT) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The current snapshot; libvirt's `NO_DOMAIN_SNAPSHOT` error when there is none.
    pub async fn current_snapshot(&self) -> Result<Snapshot> {
        let r = self
            .conn
            .call(&p::DomainSnapshotCurrentArgs {
                dom: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok(Snapshot::wrap(self, r.snap))
    }

    /// Whether the domain has a current snapshot.
    pub async fn has_current_snapshot(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::DomainHasCurrentSnapshotArgs {
                dom: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok(r.result != 0)
    }
}

/// A count from the daemon, which must not be negative.
fn count(n: i32) -> Result<u32> {
    u32::try_from(n).map_err(|_| Error::Unexpected(format!("a negative count: {n}")))
}
