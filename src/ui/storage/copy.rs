//! Volume contents changed on the host, for the storage page: wiping a volume with zeros
//! (`virStorageVolWipe`) and cloning one into a new volume of its pool
//! (`virStorageVolCreateXMLFrom`), whose progress is read from the new volume's allocation
//! while the daemon copies.

use std::time::{Duration, Instant};

use virt_client::{Connection, ErrorCode, StorageVol};
use virt_xml::{Size, VolumeXml, builder};

use super::ops::check_name;
use super::transfer::Progress;
use crate::i18n::gettext_f;
use crate::ui::wizard::finish_message as message;

/// How often the clone's allocation is read.
const POLL: Duration = Duration::from_millis(250);

async fn lookup(conn: &Connection, path: &str) -> Result<StorageVol, String> {
    StorageVol::lookup_by_path(conn, path)
        .await
        .map_err(|e| message(&e))
}

/// Overwrites the volume at `path` with zeros.
pub async fn wipe_volume(conn: &Connection, path: &str) -> Result<String, String> {
    let vol = lookup(conn, path).await?;
    vol.wipe(0)
        .await
        .map_err(|e| gettext_f("Could not wipe “{}”: {}", &[vol.name(), &message(&e)]))?;
    Ok(gettext_f("Wiped “{}”.", &[vol.name()]))
}

/// Clones the volume at `path` into the new volume `name` of its pool (same format and
/// capacity, backing chains flattened), calling `report` with the new volume's allocation
/// against the source's while the daemon copies (a total of 0 when it cannot be read).
pub async fn clone_volume(
    conn: &Connection,
    path: &str,
    name: &str,
    report: impl Fn(Progress),
) -> Result<String, String> {
    check_name(name)?;
    let source = lookup(conn, path).await?;
    let pool = source.pool().await.map_err(|e| message(&e))?;
    match pool.volume_by_name(name).await {
        Ok(_) => {
            return Err(gettext_f(
                "The pool “{}” already has a volume named “{}”.",
                &[pool.name(), name],
            ));
        }
        Err(e) if e.is(ErrorCode::NO_STORAGE_VOL) => {}
        Err(e) => return Err(message(&e)),
    }
    let xml = source.xml_desc().await.map_err(|e| message(&e))?;
    let doc = VolumeXml::parse(&xml).map_err(|e| e.to_string())?;
    let v = doc.root();
    let capacity = v
        .capacity(&doc)
        .ok()
        .flatten()
        .and_then(|s| s.bytes())
        .unwrap_or(0);
    let format = v.format(&doc).unwrap_or_default().into_owned();
    let format = if format.is_empty() {
        "raw".into()
    } else {
        format
    };
    let (_, _, allocation) = source.info().await.map_err(|e| message(&e))?;
    let new_xml =
        builder::volume(name, Size::bytes_value(capacity), &format).map_err(|e| e.to_string())?;
    let failed = |e: virt_client::Error| {
        gettext_f("Could not clone “{}”: {}", &[source.name(), &message(&e)])
    };

    let xml_text = new_xml.to_string();
    let mut job = Box::pin(pool.create_volume_from(&xml_text, &source, 0));
    let mut tick = tokio::time::interval(POLL);
    let started = Instant::now();
    let done = loop {
        tokio::select! {
            r = &mut job => break r,
            _ = tick.tick() => {
                let now = match pool.volume_by_name(name).await {
                    Ok(new) => new.info().await.ok().map(|(_, _, a)| a),
                    Err(_) => None,
                };
                let secs = started.elapsed().as_secs_f64().max(0.001);
                report(match now {
                    Some(a) => Progress {
                        done: a,
                        total: allocation.max(a).max(1),
                        rate: a as f64 / secs,
                    },
                    None => Progress { done: 0, total: 0, rate: 0.0 },
                });
            }
        }
    };
    done.map_err(failed)?;
    Ok(gettext_f("Cloned “{}” as “{}”.", &[source.name(), name]))
}
