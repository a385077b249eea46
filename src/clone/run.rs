//! Carrying out a clone: volumes one by one (with progress from the new volume's allocation),
//! the NVRAM copy, then the definition; undoing all of it on failure or cancel.

use std::time::Duration;

use virt_client::{Connection, Domain, StoragePool, StorageVol};

use super::names::{nvram_name, volume_name};
use super::xml::{Edits, NvramEdit, clone_xml};
use super::{Cancel, CloneError, CloneMode, ClonePlan, Cloned, NvramOutcome, NvramPlan, Progress};

/// How often a copy's progress is read.
const POLL: Duration = Duration::from_millis(250);

/// Makes the clone `name` of `plan`'s source; `progress` hears about each step. On error or
/// cancel, every volume made is deleted and the domain, if defined, undefined.
pub async fn run(
    conn: &Connection,
    plan: &ClonePlan,
    name: &str,
    mode: CloneMode,
    cancel: &Cancel,
    progress: &(impl Fn(Progress) + Sync),
) -> Result<Cloned, CloneError> {
    plan.check_name(name)?;
    if mode == CloneMode::Linked && !plan.shut_off {
        return Err(CloneError::LinkedNeedsShutOff);
    }
    let mut made = Made::default();
    let result = build(conn, plan, name, mode, cancel, progress, &mut made).await;
    if result.is_err() {
        progress(Progress::CleaningUp);
        made.undo().await;
    } else {
        made.finish().await;
    }
    result
}

/// What has been made so far.
#[derive(Default)]
struct Made {
    volumes: Vec<StorageVol>,
    domain: Option<Domain>,
    /// Transient pools that only served the copy.
    pools: Vec<StoragePool>,
}

impl Made {
    /// Removes the transient pools (their files stay).
    async fn finish(self) {
        for p in self.pools {
            if let Err(e) = p.destroy().await {
                tracing::warn!("could not remove the transient pool {}: {e}", p.name());
            }
        }
    }

    async fn undo(mut self) {
        // The NVRAM copy is one of the volumes, deleted below through its pool.
        const UNDEFINE_KEEP_NVRAM: u32 = 8;
        if let Some(dom) = self.domain.take()
            && let Err(e) = dom.undefine(UNDEFINE_KEEP_NVRAM).await
        {
            tracing::warn!("could not undefine the partial clone {}: {e}", dom.name());
        }
        for v in std::mem::take(&mut self.volumes).into_iter().rev() {
            if let Err(e) = v.delete().await {
                tracing::warn!("could not delete the partial volume {}: {e}", v.name());
            }
        }
        self.finish().await;
    }
}

async fn build(
    conn: &Connection,
    plan: &ClonePlan,
    name: &str,
    mode: CloneMode,
    cancel: &Cancel,
    progress: &(impl Fn(Progress) + Sync),
    made: &mut Made,
) -> Result<Cloned, CloneError> {
    let count = plan.disks.len();
    let mut disk_edits = Vec::new();
    let mut paths = Vec::new();
    for (i, disk) in plan.disks.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(CloneError::Cancelled);
        }
        let vol_name = volume_name(name, i, &disk.slot);
        let pool = StoragePool::lookup_by_name(conn, &disk.slot.pool).await?;
        let report = |done| {
            progress(Progress::Disk {
                index: i + 1,
                count,
                volume: vol_name.clone(),
                done,
                total: match mode {
                    CloneMode::Full => disk.allocation,
                    CloneMode::Linked => 0,
                },
            });
        };
        report(0);
        let vol = match mode {
            CloneMode::Full => {
                let xml = volume_xml(&vol_name, disk.capacity, &disk.format, None);
                copy_with_progress(&pool, &xml, &disk.volume, &vol_name, &report).await?
            }
            CloneMode::Linked => {
                let xml = volume_xml(
                    &vol_name,
                    disk.capacity,
                    "qcow2",
                    Some((&disk.disk.path, &disk.format)),
                );
                pool.create_volume(&xml, 0).await?
            }
        };
        made.volumes.push(vol.clone());
        let path = vol.path().await?;
        let format = (mode == CloneMode::Linked).then(|| "qcow2".to_string());
        disk_edits.push((disk.disk.element, path.clone(), format));
        paths.push(path);
    }
    let (nvram_edit, nvram) = match &plan.nvram {
        NvramPlan::None => (NvramEdit::Keep, NvramOutcome::None),
        NvramPlan::Fresh(old) => (NvramEdit::Fresh, NvramOutcome::Fresh(old.clone())),
        NvramPlan::Volume(src) => {
            if cancel.is_cancelled() {
                return Err(CloneError::Cancelled);
            }
            let pool = StoragePool::lookup_by_name(conn, src.pool_name()).await?;
            copy_nvram(&pool, src, name, progress, made).await?
        }
        NvramPlan::Directory { dir, file } => {
            if cancel.is_cancelled() {
                return Err(CloneError::Cancelled);
            }
            let pool = super::transient_pool(conn, dir).await?;
            made.pools.push(pool.clone());
            let src = pool.volume_by_name(file).await?;
            copy_nvram(&pool, &src, name, progress, made).await?
        }
    };
    if cancel.is_cancelled() {
        return Err(CloneError::Cancelled);
    }
    progress(Progress::Defining);
    let edits = Edits {
        name: name.to_string(),
        disks: disk_edits,
        nvram: nvram_edit,
        macs_taken: plan.macs.clone(),
    };
    let xml = clone_xml(&plan.source_xml, &edits)?;
    let dom = Domain::define_xml(conn, &xml, 0).await?;
    made.domain = Some(dom.clone());
    if cancel.is_cancelled() {
        return Err(CloneError::Cancelled);
    }
    Ok(Cloned {
        name: name.to_string(),
        uuid: dom.uuid().to_string(),
        volumes: paths,
        nvram,
    })
}

/// Copies the NVRAM volume `src` into a new volume of `pool` for the clone `name`.
async fn copy_nvram(
    pool: &StoragePool,
    src: &StorageVol,
    name: &str,
    progress: &(impl Fn(Progress) + Sync),
    made: &mut Made,
) -> Result<(NvramEdit, NvramOutcome), CloneError> {
    progress(Progress::Nvram);
    let (_, capacity, _) = src.info().await?;
    let xml = volume_xml(&nvram_name(name), capacity, "raw", None);
    let vol = pool.create_volume_from(&xml, src, 0).await?;
    made.volumes.push(vol.clone());
    let path = vol.path().await?;
    Ok((NvramEdit::Path(path.clone()), NvramOutcome::Copied(path)))
}

/// Copies `source` into a new volume from `xml`, reporting the new volume's allocation while
/// the daemon writes it.
async fn copy_with_progress(
    pool: &StoragePool,
    xml: &str,
    source: &StorageVol,
    name: &str,
    report: &impl Fn(u64),
) -> Result<StorageVol, CloneError> {
    let create = pool.create_volume_from(xml, source, 0);
    tokio::pin!(create);
    let mut tick = tokio::time::interval(POLL);
    tick.tick().await;
    loop {
        tokio::select! {
            r = &mut create => return Ok(r?),
            _ = tick.tick() => {
                if let Ok(vol) = pool.volume_by_name(name).await
                    && let Ok((_, _, allocation)) = vol.info().await
                {
                    report(allocation);
                }
            }
        }
    }
}

/// A volume's XML: `name`, `capacity` bytes, `format`, and for an overlay its backing file.
fn volume_xml(name: &str, capacity: u64, format: &str, backing: Option<(&str, &str)>) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\'', "&apos;")
    };
    let backing = backing
        .map(|(path, fmt)| {
            format!(
                "<backingStore><path>{}</path><format type='{}'/></backingStore>",
                esc(path),
                esc(fmt)
            )
        })
        .unwrap_or_default();
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{capacity}</capacity>\
         <target><format type='{}'/></target>{backing}</volume>",
        esc(name),
        esc(format)
    )
}
