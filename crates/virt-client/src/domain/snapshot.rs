//! Domain snapshots.

use virt_proto::remote as p;

use super::Domain;
use crate::error::Result;

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
        let has = self
            .conn
            .call(&p::DomainHasCurrentSnapshotArgs {
                dom: self.raw.clone(),
                flags: 0,
            })
            .await?;
        if has.result == 0 {
            return Ok(None);
        }
        let r = self
            .conn
            .call(&p::DomainSnapshotCurrentArgs {
                dom: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok(Some(Snapshot::wrap(self, r.snap)))
    }
}
