//! The disks of a VM made from a cloud image: a new qcow2 overlay on the base volume (which is
//! never written), and the NoCloud seed ([`crate::cloudinit`]) uploaded into a volume of its
//! own, both through libvirt so that it works on remote hosts. Either both are made or neither.

use virt_client::{Connection, StoragePool, StorageVol};
use virt_xml::{Size, VolumeXml, builder};

use super::finish::message;
use crate::cloudinit::CloudConfig;
use crate::i18n::{gettext, gettext_f};
use crate::ui::volumes;

/// The disks made for a cloud image.
#[derive(Debug, Clone)]
pub struct CloudDisks {
    /// The overlay: its volume and path.
    pub overlay: (StorageVol, String),
    /// The seed: its volume and path.
    pub seed: (StorageVol, String),
}

/// The volume name of the overlay of VM `name`.
pub fn overlay_name(name: &str) -> String {
    format!("{name}.qcow2")
}

/// The volume name of the seed of VM `name`.
pub fn seed_name(name: &str) -> String {
    format!("{name}-cidata.iso")
}

/// Where ISO 9660's first volume descriptor starts.
const ISO_DESCRIPTOR: u64 = 32769;

/// The smallest disk that holds a bootable system, and more than a text file.
const MIN_IMAGE: u64 = 1 << 20;

/// Why a volume of `format` cannot be the cloud image `image` (`POOL/VOLUME`): only qcow2 and
/// raw can.
pub fn check_format(image: &str, format: &str) -> Result<(), String> {
    if format == "qcow2" || format == "raw" {
        Ok(())
    } else {
        Err(not_a_disk(image, format))
    }
}

fn not_a_disk(image: &str, format: &str) -> String {
    gettext_f(
        "“{}” is not a disk image (its format is “{}”): choose a cloud image in qcow2 or raw format.",
        &[image, format],
    )
}

/// The base volume `volume` in `pool`, with its path, format and capacity, or why it is not a
/// disk image (an ISO, a format other than raw and qcow2, less than 1 MiB).
pub async fn base(
    conn: &Connection,
    pool: &str,
    volume: &str,
) -> Result<(StorageVol, String, String, u64), String> {
    let p = StoragePool::lookup_by_name(conn, pool)
        .await
        .map_err(|e| message(&e))?;
    let vol = p.volume_by_name(volume).await.map_err(|e| message(&e))?;
    let xml = VolumeXml::parse(&vol.xml_desc().await.map_err(|e| message(&e))?)
        .map_err(|e| e.to_string())?;
    let root = xml.root();
    let format = root.format(&xml).unwrap_or_default().into_owned();
    let image = format!("{pool}/{volume}");
    let not_disk = || not_a_disk(&image, &format);
    let capacity = root
        .capacity(&xml)
        .ok()
        .flatten()
        .and_then(Size::bytes)
        .unwrap_or(0);
    check_format(&image, &format)?;
    if capacity < MIN_IMAGE {
        return Err(gettext_f(
            "“{}” is not a disk image: it holds only {} bytes.",
            &[&image, &capacity.to_string()],
        ));
    }
    if format == "raw" && capacity > ISO_DESCRIPTOR + 5 {
        // libvirt calls an ISO image "raw" on some hosts: look for ISO 9660's signature.
        let head = vol.download_bytes(ISO_DESCRIPTOR, 5, 5).await;
        if head.is_ok_and(|h| h == b"CD001") {
            return Err(gettext_f(
                "“{}” is an ISO image, not a disk image: choose a cloud image in qcow2 or raw format.",
                &[&image],
            ));
        }
    }
    let path = root
        .target_path(&xml)
        .map(|p| p.into_owned())
        .ok_or_else(not_disk)?;
    Ok((vol, path, format, capacity))
}

/// Makes the overlay of `gib` GiB (0: the base's size) on `pool/volume` and the seed from
/// `config` for VM `name`, both in the base's pool; on failure removes what it made.
pub async fn create_disks(
    conn: &Connection,
    name: &str,
    pool: &str,
    volume: &str,
    gib: u64,
    config: &CloudConfig,
) -> Result<CloudDisks, String> {
    let (_, base_path, format, base_bytes) = base(conn, pool, volume).await?;
    let bytes = if gib == 0 {
        base_bytes
    } else {
        gib.saturating_mul(1 << 30)
    };
    if bytes < base_bytes || bytes == 0 {
        return Err(gettext_f(
            "The disk must be at least as large as the cloud image ({} GiB).",
            &[&base_bytes.div_ceil(1 << 30).to_string()],
        ));
    }
    let p = StoragePool::lookup_by_name(conn, pool)
        .await
        .map_err(|e| message(&e))?;
    let mut xml = builder::volume(&overlay_name(name), Size::bytes_value(bytes), "qcow2")
        .map_err(|e| e.to_string())?;
    xml.root().set_backing_store(&mut xml, &base_path, &format);
    let overlay = p
        .create_volume(&xml.to_string(), 0)
        .await
        .map_err(|e| gettext_f("Could not create the disk: {}", &[&message(&e)]))?;
    let overlay_path = match overlay.path().await {
        Ok(path) => path,
        Err(e) => {
            volumes::delete(&overlay).await;
            return Err(message(&e));
        }
    };
    match seed(&p, name, config).await {
        Ok(seed) => Ok(CloudDisks {
            overlay: (overlay, overlay_path),
            seed,
        }),
        Err(e) => {
            volumes::delete(&overlay).await;
            Err(e)
        }
    }
}

/// Uploads the seed of VM `name` into a new raw volume in `pool`.
async fn seed(
    pool: &StoragePool,
    name: &str,
    config: &CloudConfig,
) -> Result<(StorageVol, String), String> {
    let image = config.seed(&format!("{name}-{}", uuid_like()));
    let len = u64::try_from(image.len()).unwrap_or(u64::MAX);
    let xml = builder::volume(&seed_name(name), Size::bytes_value(len), "raw")
        .map_err(|e| e.to_string())?;
    let vol = pool.create_volume(&xml.to_string(), 0).await.map_err(|e| {
        gettext_f(
            "Could not create the cloud-init volume: {}",
            &[&message(&e)],
        )
    })?;
    let done = async {
        vol.upload_bytes(0, &image)
            .await
            .map_err(|e| gettext_f("Could not write the cloud-init volume: {}", &[&message(&e)]))?;
        vol.path().await.map_err(|e| message(&e))
    };
    match done.await {
        Ok(path) => Ok((vol, path)),
        Err(e) => {
            volumes::delete(&vol).await;
            Err(e)
        }
    }
}

/// A value that differs between creations, so that cloud-init treats each VM as new.
fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}")
}

/// For the summary: what the cloud-image disk is.
pub fn describe(pool: &str, volume: &str, gib: u64, config: &CloudConfig) -> String {
    let size = if gib == 0 {
        gettext("as large as the image")
    } else {
        format!("{gib} GiB")
    };
    gettext_f(
        "Overlay on {} ({}), user {}, host name {}",
        &[
            &format!("{pool}/{volume}"),
            &size,
            &config.user,
            &config.hostname,
        ],
    )
}
