//! The snapshots page's background work on tokio: reading the VM and its snapshots, creating,
//! reverting and deleting, and following the VM's life-cycle events (reverting starts, stops
//! and pauses the VM; snapshots with memory pause it while they are taken).

use relm4::prelude::*;
use virt_client::domain::snapshot::{create, delete, revert};
use virt_client::{Connection, Domain, DomainEvent, DomainEventId};

use super::model::{After, CreateRequest, Kind, Scope, SnapInfo, create_xml, tree_order};
use super::{SnapshotsCmd, SnapshotsPage};
use crate::i18n::gettext_f;

/// The VM and its snapshots as read.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The VM's handle on its host.
    pub domain: Domain,
    /// Whether it runs (or is paused).
    pub active: bool,
    /// Its domain XML (what decides whether internal snapshots can work).
    pub xml: String,
    /// Its snapshots in tree order.
    pub snapshots: Vec<SnapInfo>,
}

/// Why reading failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// libvirt answered with an error.
    #[error("{0}")]
    Libvirt(#[from] virt_client::Error),
    /// A snapshot's XML could not be read.
    #[error("snapshot XML: {0}")]
    Xml(#[from] virt_xml::Error),
}

/// Reads VM `name` and its snapshots.
pub async fn load(conn: &Connection, name: &str) -> Result<Loaded, LoadError> {
    let domain = Domain::lookup_by_name(conn, name).await?;
    let active = domain.is_active().await?;
    let xml = domain.xml_desc(0).await?;
    let current = domain
        .snapshot_current()
        .await?
        .map(|s| s.name().to_string());
    let mut snaps = Vec::new();
    for s in domain.snapshots(0).await? {
        let sxml = s.xml_desc(0).await?;
        snaps.push(SnapInfo::from_xml(
            &sxml,
            current.as_deref() == Some(s.name()),
        )?);
    }
    Ok(Loaded {
        domain,
        active,
        xml,
        snapshots: tree_order(snaps),
    })
}

/// Creates a snapshot; what to tell the user.
pub async fn create_snapshot(dom: &Domain, req: &CreateRequest) -> virt_client::Result<String> {
    let flags = match req.kind {
        Kind::Internal => 0,
        Kind::DiskOnly => create::DISK_ONLY | create::ATOMIC,
    };
    let s = dom.snapshot_create(&create_xml(req), flags).await?;
    Ok(gettext_f("Snapshot “{}” created", &[s.name()]))
}

/// Reverts to snapshot `name`.
pub async fn revert_to(dom: &Domain, name: &str, after: After) -> virt_client::Result<String> {
    let flags = match after {
        After::AsTaken => 0,
        After::Running => revert::RUNNING,
        After::Paused => revert::PAUSED,
    };
    dom.snapshot_lookup(name).await?.revert(flags).await?;
    Ok(gettext_f("Reverted to “{}”", &[name]))
}

/// Deletes snapshot `name` with `scope`. libvirt removes what it no longer needs itself
/// (committing an external overlay into the image below it first); Hangar removes no file.
pub async fn delete_snapshot(
    dom: &Domain,
    name: &str,
    scope: Scope,
) -> virt_client::Result<String> {
    let flags = match scope {
        Scope::This => 0,
        Scope::WithChildren => delete::CHILDREN,
        Scope::MetadataOnly => delete::METADATA_ONLY,
    };
    dom.snapshot_lookup(name).await?.delete(flags).await?;
    Ok(gettext_f("Snapshot “{}” deleted", &[name]))
}

impl SnapshotsPage {
    pub(super) fn start_load(&mut self, sender: &ComponentSender<Self>) {
        self.generation += 1;
        let Some(conn) = self.connection.clone() else {
            self.failure = Some(crate::i18n::gettext("Not connected to the host"));
            return;
        };
        let (gen_, name) = (self.generation, self.name.clone());
        sender.oneshot_command(async move {
            let r = load(&conn, &name).await;
            SnapshotsCmd::Loaded(gen_, r.map(Box::new).map_err(|e| e.to_string()))
        });
    }

    pub(super) fn start_events(&mut self, sender: &ComponentSender<Self>) {
        let (Some(conn), Some(l)) = (self.connection.clone(), self.loaded.as_ref()) else {
            return;
        };
        if self.events_stop.is_some() {
            return;
        }
        let dom = l.domain.clone();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        self.events_stop = Some(stop);
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let ids = [DomainEventId::Lifecycle];
                    let mut events = match conn.domain_events(&ids, Some(&dom)).await {
                        Ok(e) => e,
                        Err(e) => {
                            tracing::warn!("snapshot changes made elsewhere not followed: {e}");
                            return;
                        }
                    };
                    loop {
                        tokio::select! {
                            _ = &mut stopped => break,
                            ev = events.next() => match ev {
                                Some(Ok(DomainEvent::Lifecycle { .. })) | Some(Err(_)) => {
                                    if out.send(SnapshotsCmd::Event).is_err() {
                                        break;
                                    }
                                }
                                Some(_) => {}
                                None => break,
                            },
                        }
                    }
                    let _ = events.deregister().await;
                })
                .drop_on_shutdown()
        });
    }
}
