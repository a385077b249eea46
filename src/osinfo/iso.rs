//! Reads the identification strings of an ISO 9660 image from its primary volume descriptor.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The primary volume descriptor is the first descriptor, at sector 16 of 2048 bytes.
const PVD_OFFSET: u64 = 16 * 2048;

/// The identification fields of an ISO image, trimmed of their space padding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IsoInfo {
    /// The system identifier (bytes 8..40), such as `LINUX`.
    pub system_id: String,
    /// The volume identifier (bytes 40..72), such as `Debian 11.5.0 amd64 n`.
    pub volume_id: String,
    /// The publisher identifier (bytes 318..446).
    pub publisher_id: String,
    /// The application identifier (bytes 574..702).
    pub application_id: String,
}

/// Why an image could not be read as ISO 9660.
#[derive(Debug, thiserror::Error)]
pub enum IsoError {
    /// The file could not be opened or read.
    #[error("cannot read the image: {0}")]
    Io(#[from] std::io::Error),
    /// Sector 16 holds no primary volume descriptor.
    #[error("the file is not an ISO 9660 image")]
    NotIso,
}

fn field(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_end_matches([' ', '\0'])
        .trim_start()
        .to_owned()
}

/// Parses a 2048-byte primary volume descriptor.
pub fn parse_pvd(sector: &[u8]) -> Result<IsoInfo, IsoError> {
    // Type 1 (primary), then the standard identifier "CD001" and version 1.
    if sector.len() < 2048 || sector[0] != 1 || &sector[1..6] != b"CD001" {
        return Err(IsoError::NotIso);
    }
    Ok(IsoInfo {
        system_id: field(&sector[8..40]),
        volume_id: field(&sector[40..72]),
        publisher_id: field(&sector[318..446]),
        application_id: field(&sector[574..702]),
    })
}

/// Reads the identification of the ISO image at `path`.
pub fn read_iso_info(path: &Path) -> Result<IsoInfo, IsoError> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(PVD_OFFSET))?;
    let mut sector = vec![0u8; 2048];
    file.read_exact(&mut sector).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            IsoError::NotIso
        } else {
            IsoError::Io(e)
        }
    })?;
    parse_pvd(&sector)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pvd(volume: &str) -> Vec<u8> {
        let mut s = vec![b' '; 2048];
        s[0] = 1;
        s[1..6].copy_from_slice(b"CD001");
        s[6] = 1;
        s[8..13].copy_from_slice(b"LINUX");
        s[40..40 + volume.len()].copy_from_slice(volume.as_bytes());
        s
    }

    #[test]
    fn reads_padded_fields() {
        let info = parse_pvd(&pvd("Debian 11.5.0 amd64 n")).unwrap();
        assert_eq!(info.volume_id, "Debian 11.5.0 amd64 n");
        assert_eq!(info.system_id, "LINUX");
        assert_eq!(info.publisher_id, "");
    }

    #[test]
    fn rejects_other_data() {
        assert!(matches!(parse_pvd(&[0u8; 2048]), Err(IsoError::NotIso)));
        assert!(matches!(parse_pvd(&[1u8; 10]), Err(IsoError::NotIso)));
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.iso");
        std::fs::write(&small, b"tiny").unwrap();
        assert!(matches!(read_iso_info(&small), Err(IsoError::NotIso)));
    }
}
