//! What a disk or ISO image on a host is, found through libvirt so that it works on every
//! connection: a volume's format from its XML, an ISO's primary volume descriptor through a
//! short download stream. Paths belong to the host: a path that is no volume of any pool is read
//! as a file only when the host is this computer, and never on the GTK thread.

use std::path::Path;

use virt_client::uri::TransportKind;
use virt_client::{Connection, StorageVol};
use virt_xml::VolumeXml;

use crate::i18n::gettext_f;
use crate::osinfo::{IsoInfo, parse_pvd};

/// Where the primary volume descriptor of an ISO 9660 image starts (sector 16).
const PVD_OFFSET: u64 = 16 * 2048;
/// Its length.
const PVD_LEN: u64 = 2048;

/// Whether the connection's host is this computer (a local socket), so that its paths can be
/// read as files here.
pub fn is_local(conn: &Connection) -> bool {
    let uri = conn.connect_uri();
    uri.transport() == TransportKind::Unix && uri.host().is_none_or(str::is_empty)
}

/// The format of the disk image at `path` on the host: `qcow2`, `raw`, … from the volume's XML;
/// for a file outside every pool on this computer, from its header; else an error that says
/// why it could not be told.
pub async fn image_format(conn: &Connection, path: &str) -> Result<String, String> {
    if let Ok(vol) = StorageVol::lookup_by_path(conn, path).await {
        let xml = vol.xml_desc().await.map_err(|e| e.to_string())?;
        let doc = VolumeXml::parse(&xml).map_err(|e| e.to_string())?;
        return Ok(doc
            .root()
            .format(&doc)
            .map_or_else(|| "raw".to_owned(), |f| f.into_owned()));
    }
    if is_local(conn) {
        let path = path.to_owned();
        return tokio::task::spawn_blocking(move || local_image_format(Path::new(&path)))
            .await
            .map_err(|e| e.to_string())?;
    }
    Err(not_a_volume(path))
}

/// The ISO 9660 details of the image at `path` on the host, read through a download stream of
/// its volume (2 KiB), or from the file when the host is this computer.
pub async fn iso_info(conn: &Connection, path: &str) -> Result<IsoInfo, String> {
    if let Ok(vol) = StorageVol::lookup_by_path(conn, path).await {
        let limit = usize::try_from(PVD_LEN).unwrap_or(2048);
        let sector = vol
            .download_bytes(PVD_OFFSET, PVD_LEN, limit)
            .await
            .map_err(|e| e.to_string())?;
        return parse_pvd(&sector).map_err(|e| e.to_string());
    }
    if is_local(conn) {
        let path = path.to_owned();
        return tokio::task::spawn_blocking(move || {
            crate::osinfo::read_iso_info(Path::new(&path)).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?;
    }
    Err(not_a_volume(path))
}

fn not_a_volume(path: &str) -> String {
    gettext_f(
        "{} is not a volume of any storage pool on the host, so it cannot be read from here. Put it in a pool's directory and refresh the pool.",
        &[path],
    )
}

/// qcow2 when the file's header says so, else raw.
fn local_image_format(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let qcow = match file.read_exact(&mut magic) {
        Ok(()) => &magic == b"QFI\xfb",
        // Shorter than a header: no qcow2 image.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => false,
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    Ok(if qcow { "qcow2" } else { "raw" }.to_owned())
}

#[cfg(test)]
mod tests {
    use super::local_image_format;

    #[test]
    fn local_headers_tell_qcow2_from_raw() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let qcow = dir.path().join("a.img");
        std::fs::write(&qcow, b"QFI\xfb\0\0\0\x03rest").unwrap_or_else(|e| panic!("{e}"));
        let raw = dir.path().join("b.qcow2");
        std::fs::write(&raw, [0u8; 512]).unwrap_or_else(|e| panic!("{e}"));
        let short = dir.path().join("c");
        std::fs::write(&short, b"Q").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(local_image_format(&qcow).as_deref(), Ok("qcow2"));
        // The header decides, not the name.
        assert_eq!(local_image_format(&raw).as_deref(), Ok("raw"));
        assert_eq!(local_image_format(&short).as_deref(), Ok("raw"));
        assert!(local_image_format(&dir.path().join("none")).is_err());
    }
}
