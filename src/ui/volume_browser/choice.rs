//! What the storage browser lists and hands back: the filter over a pool's volumes, and the
//! volume chosen.

use crate::i18n::gettext;
use crate::ui::storage::ops::VolumeEntry;

/// Which volumes the browser lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// ISO images (format `iso` in the volume's XML, or a name ending in `.iso`).
    Iso,
    /// Disk images: every volume that is no ISO image (nor a directory).
    Disk,
    /// Every volume.
    All,
}

impl Filter {
    /// The filters in the order the drop-down offers them.
    pub const ALL: [Filter; 3] = [Filter::Iso, Filter::Disk, Filter::All];

    /// Whether `v` is listed under this filter.
    pub fn matches(self, v: &VolumeEntry) -> bool {
        let iso = v.format == "iso" || v.name.to_lowercase().ends_with(".iso");
        match self {
            Filter::Iso => iso,
            Filter::Disk => !iso && v.format != "dir",
            Filter::All => true,
        }
    }

    /// Its label in the drop-down.
    pub fn label(self) -> String {
        match self {
            Filter::Iso => gettext("ISO images"),
            Filter::Disk => gettext("Disk images"),
            Filter::All => gettext("All volumes"),
        }
    }

    pub(super) fn index(self) -> u32 {
        Filter::ALL.iter().position(|f| *f == self).unwrap_or(0) as u32
    }
}

/// The volume chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedVolume {
    /// Its pool.
    pub pool: String,
    /// Its name.
    pub name: String,
    /// Its path on the host.
    pub path: String,
    /// Its format as the volume's XML says (`raw` when it names none).
    pub format: String,
}

#[cfg(test)]
mod tests {
    use super::{Filter, VolumeEntry};

    fn volume(name: &str, format: &str) -> VolumeEntry {
        VolumeEntry {
            name: name.into(),
            path: format!("/pool/{name}"),
            format: format.into(),
            capacity: 0,
            allocation: 0,
            backing: None,
            users: Vec::new(),
        }
    }

    #[test]
    fn isos_go_by_format_or_name_and_directories_are_no_disk_images() {
        let iso = volume("install.img", "iso");
        let named = volume("TOOLS.ISO", "raw");
        let qcow = volume("data.img", "qcow2");
        let dir = volume("subdir", "dir");
        assert!(Filter::Iso.matches(&iso) && Filter::Iso.matches(&named));
        assert!(!Filter::Iso.matches(&qcow) && !Filter::Iso.matches(&dir));
        assert!(Filter::Disk.matches(&qcow));
        assert!(!Filter::Disk.matches(&iso) && !Filter::Disk.matches(&dir));
        assert!(
            [iso, named, qcow, dir]
                .iter()
                .all(|v| Filter::All.matches(v))
        );
    }
}
