//! Carrying out lifecycle actions on a VM (run, pause, shut down, delete with its storage…)
//! and reporting the VM as it is afterwards.

use virt_client::{Connection, Domain};

use super::HostUpdate;
use super::listing::summarize;
use crate::i18n::gettext;
use crate::session::model::{VmAction, VmSummary};

const UNDEFINE_MANAGED_SAVE: u32 = 1;
const UNDEFINE_SNAPSHOTS_METADATA: u32 = 2;
const UNDEFINE_NVRAM: u32 = 4;

pub(super) async fn act(
    dom: Option<Domain>,
    uuid: &str,
    action: VmAction,
    report: &(impl Fn(HostUpdate) -> bool + Send + Sync),
) {
    let Some(dom) = dom else {
        report(HostUpdate::ActionFailed {
            name: uuid.to_string(),
            message: gettext("This virtual machine no longer exists."),
        });
        return;
    };
    report(HostUpdate::Busy {
        uuid: uuid.to_string(),
        busy: true,
    });
    let result = perform(dom, &action).await;
    report(HostUpdate::Busy {
        uuid: uuid.to_string(),
        busy: false,
    });
    match result {
        Ok(Some(vm)) => {
            report(HostUpdate::Vm(vm));
        }
        Ok(None) => {
            report(HostUpdate::VmRemoved(uuid.to_string()));
        }
        Err((name, e)) => {
            report(HostUpdate::ActionFailed {
                name,
                message: e.to_string(),
            });
        }
    }
}

/// Does `action`; the VM as it is afterwards, or `None` when it no longer exists.
async fn perform(
    dom: Domain,
    action: &VmAction,
) -> Result<Option<VmSummary>, (String, virt_client::Error)> {
    let name = dom.name().to_string();
    let wrap = |e| (name.clone(), e);
    let dom = match action {
        VmAction::Run => dom.create(0).await.map_err(wrap)?,
        VmAction::Pause => {
            dom.suspend().await.map_err(wrap)?;
            dom
        }
        VmAction::Resume => {
            dom.resume().await.map_err(wrap)?;
            dom
        }
        VmAction::ShutDown => {
            dom.shutdown(0).await.map_err(wrap)?;
            dom
        }
        VmAction::Reboot => {
            dom.reboot(0).await.map_err(wrap)?;
            dom
        }
        VmAction::Reset => {
            dom.reset(0).await.map_err(wrap)?;
            dom
        }
        VmAction::ForceOff => {
            dom.destroy(0).await.map_err(wrap)?;
            dom
        }
        VmAction::Save => {
            dom.managed_save(0).await.map_err(wrap)?;
            dom
        }
        VmAction::SaveToFile(path) => {
            dom.save(path, 0).await.map_err(wrap)?;
            dom
        }
        VmAction::RestoreFromFile(path) => {
            Domain::restore(dom.connection(), path, 0)
                .await
                .map_err(wrap)?;
            // The file names the VM it holds; the one restored may be another.
            dom
        }
        VmAction::DiscardSave => {
            dom.managed_save_remove(0).await.map_err(wrap)?;
            dom
        }
        VmAction::Delete { storage } => {
            delete_storage(dom.connection(), storage)
                .await
                .map_err(wrap)?;
            let flags = UNDEFINE_MANAGED_SAVE | UNDEFINE_SNAPSHOTS_METADATA | UNDEFINE_NVRAM;
            dom.undefine(flags).await.map_err(wrap)?;
            return Ok(None);
        }
        VmAction::Rename(new_name) => dom.rename(new_name).await.map_err(wrap)?,
        VmAction::SetAutostart(on) => {
            dom.set_autostart(*on).await.map_err(wrap)?;
            dom
        }
    };
    match summarize(&dom, None).await {
        Ok(vm) => Ok(Some(vm)),
        Err(e) if e.is(virt_client::ErrorCode::NO_DOMAIN) => Ok(None),
        Err(e) => Err((name, e)),
    }
}

/// Paths of the disks (not CD-ROMs or floppies) of the domain `name`, which Delete can remove
/// with it.
pub async fn disk_paths(conn: &Connection, name: &str) -> virt_client::Result<Vec<String>> {
    const XML_INACTIVE: u32 = 2;
    let dom = Domain::lookup_by_name(conn, name).await?;
    let xml = dom.xml_desc(XML_INACTIVE).await?;
    let Ok(doc) = virt_xml::DomainXml::parse(&xml) else {
        return Ok(Vec::new());
    };
    let Some(devices) = doc.root().devices(&doc) else {
        return Ok(Vec::new());
    };
    Ok(devices
        .disks(&doc)
        .into_iter()
        .filter(|d| d.device(&doc).as_deref().unwrap_or("disk") == "disk")
        .filter_map(|d| match d.source(&doc) {
            Ok(virt_xml::domain::DiskSource::File(p) | virt_xml::domain::DiskSource::Block(p)) => {
                Some(p)
            }
            _ => None,
        })
        .collect())
}

async fn delete_storage(conn: &Connection, paths: &[String]) -> virt_client::Result<()> {
    for path in paths {
        virt_client::StorageVol::lookup_by_path(conn, path)
            .await?
            .delete()
            .await?;
    }
    Ok(())
}
