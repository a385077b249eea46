//! The operating system database of osinfo-db (`/usr/share/osinfo`): the list of systems, ISO
//! detection by volume identifier, and recommended resources, read without libosinfo.

mod iso;
mod parse;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::Regex;

pub use iso::{IsoError, IsoInfo, parse_pvd, read_iso_info};
pub use parse::{ParseError, parse_file};

/// Where osinfo-db keeps its files on Debian and most distributions.
pub const SYSTEM_DB: &str = "/usr/share/osinfo";

/// One operating system of the database.
#[derive(Debug, Clone, Default)]
pub struct OsEntry {
    /// The URI that identifies it (`http://debian.org/debian/11`).
    pub id: String,
    /// Short ids, the first being the usual one (`debian11`).
    pub short_ids: Vec<String>,
    /// The English name (`Debian 11`).
    pub name: String,
    /// The version (`11`).
    pub version: Option<String>,
    /// Who makes it.
    pub vendor: Option<String>,
    /// The family (`linux`, `winnt`, `freebsd`…).
    pub family: Option<String>,
    /// The distribution (`debian`).
    pub distro: Option<String>,
    /// The release date (`YYYY-MM-DD`).
    pub release_date: Option<String>,
    /// The end of life date, when it has one.
    pub eol_date: Option<String>,
    /// The system this one derives from.
    pub derives_from: Option<String>,
    /// The system this one upgrades.
    pub upgrades: Option<String>,
    /// Resources per architecture.
    pub resources: Vec<Resources>,
    /// Ids of the devices it has drivers for (PCI ids such as `http://pcisig.com/pci/1af4/1001`).
    pub devices: Vec<String>,
    /// The firmware it boots with, per architecture.
    pub firmware: Vec<Firmware>,
    /// Its install media.
    pub media: Vec<Media>,
}

impl OsEntry {
    /// The usual short id, or the id when it has none.
    pub fn short_id(&self) -> &str {
        self.short_ids.first().map_or(&self.id, String::as_str)
    }
}

/// Minimum and recommended resources for one architecture (`all` applies to every one).
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// The architecture.
    pub arch: String,
    /// What the system needs at least.
    pub minimum: ResourceSet,
    /// What it should have.
    pub recommended: ResourceSet,
}

/// Memory, vCPUs and disk space.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResourceSet {
    /// Memory in bytes.
    pub ram: Option<u64>,
    /// Number of CPUs.
    pub n_cpus: Option<u32>,
    /// Disk space in bytes.
    pub storage: Option<u64>,
}

/// A firmware entry: `efi` or `bios` on an architecture, supported or not.
#[derive(Debug, Clone, Default)]
pub struct Firmware {
    /// The architecture.
    pub arch: String,
    /// `efi` or `bios`.
    pub kind: String,
    /// Whether the system boots with it.
    pub supported: bool,
    /// Features of it the system needs or cannot use (`secure-boot`, `enrolled-keys`):
    /// (name, supported).
    pub features: Vec<(String, bool)>,
}

/// An install medium and the identifiers its ISO image has.
#[derive(Debug, Clone, Default)]
pub struct Media {
    /// The architecture.
    pub arch: String,
    /// The volume identifier pattern.
    pub volume_id: Option<Regex>,
    /// The system identifier pattern.
    pub system_id: Option<Regex>,
    /// The publisher identifier pattern.
    pub publisher_id: Option<Regex>,
    /// The application identifier pattern.
    pub application_id: Option<Regex>,
    /// A pattern used syntax this reader does not support; the medium is never matched.
    pub unusable: bool,
}

impl Media {
    /// Whether the image `info` is this medium; with the matched volume pattern's length.
    fn matches(&self, info: &IsoInfo) -> Option<usize> {
        if self.unusable {
            return None;
        }
        let volume = self.volume_id.as_ref()?;
        let ok = |re: &Option<Regex>, value: &str| re.as_ref().is_none_or(|r| r.is_match(value));
        (volume.is_match(&info.volume_id)
            && ok(&self.system_id, &info.system_id)
            && ok(&self.publisher_id, &info.publisher_id)
            && ok(&self.application_id, &info.application_id))
        .then(|| volume.as_str().len())
    }
}

/// Why the database could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum OsinfoError {
    /// The directory could not be read.
    #[error("cannot read the OS database in {path}: {source}")]
    Io {
        /// The directory or file.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
}

/// Defaults for a new VM of a given system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmDefaults {
    /// Memory in MiB.
    pub memory_mib: u64,
    /// Number of vCPUs.
    pub vcpus: u32,
    /// Disk size in GiB.
    pub disk_gib: u64,
    /// Whether the guest has virtio disk and network drivers.
    pub virtio: bool,
    /// Whether the guest needs UEFI (it does not boot with BIOS).
    pub needs_uefi: bool,
    /// Whether the guest needs UEFI Secure Boot with the usual keys enrolled.
    pub needs_secure_boot: bool,
    /// Whether the guest needs a TPM 2.0.
    pub needs_tpm: bool,
}

impl VmDefaults {
    /// Defaults for a system the database does not know: 2 GiB, 2 vCPUs, 20 GiB, virtio.
    pub fn generic() -> VmDefaults {
        VmDefaults {
            memory_mib: 2048,
            vcpus: 2,
            disk_gib: 20,
            virtio: true,
            needs_uefi: false,
            needs_secure_boot: false,
            needs_tpm: false,
        }
    }
}

/// The loaded database.
#[derive(Debug, Default)]
pub struct OsDb {
    oses: Vec<OsEntry>,
    by_id: HashMap<String, usize>,
    /// Files that could not be parsed (the rest of the database still loads).
    pub skipped: Vec<String>,
}

/// Systems that need UEFI Secure Boot and a TPM 2.0 (and those deriving from them), where
/// osinfo-db records only that they do not boot with BIOS: Microsoft's requirements for
/// Windows 11.
const SECURE_BOOT_AND_TPM: &[&str] = &["http://microsoft.com/win/11"];

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

impl OsDb {
    /// Builds a database from entries.
    pub fn from_entries(oses: Vec<OsEntry>) -> OsDb {
        let mut oses = oses;
        oses.sort_by_key(|o| o.name.to_lowercase());
        let by_id = oses
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        OsDb {
            oses,
            by_id,
            skipped: Vec::new(),
        }
    }

    /// Loads the system database (`$OSINFO_SYSTEM_DIR` or /usr/share/osinfo).
    pub fn load_system() -> Result<OsDb, OsinfoError> {
        let dir = std::env::var_os("OSINFO_SYSTEM_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(SYSTEM_DB));
        OsDb::load_dir(&dir)
    }

    /// Loads every `os/<vendor>/<system>.xml` under `dir`.
    pub fn load_dir(dir: &Path) -> Result<OsDb, OsinfoError> {
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| OsinfoError::Io { path, source }
        };
        let os_dir = dir.join("os");
        let mut entries = Vec::new();
        let mut skipped = Vec::new();
        for vendor in std::fs::read_dir(&os_dir).map_err(io(&os_dir))? {
            let vendor = vendor.map_err(io(&os_dir))?.path();
            if !vendor.is_dir() {
                continue;
            }
            let Ok(files) = std::fs::read_dir(&vendor) else {
                skipped.push(vendor.display().to_string());
                continue;
            };
            for file in files.flatten() {
                let path = file.path();
                if path.extension().is_none_or(|e| e != "xml") || !path.is_file() {
                    continue;
                }
                let name = path.display().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => match parse_file(&name, &text) {
                        Ok(mut found) => entries.append(&mut found),
                        Err(e) => skipped.push(e.to_string()),
                    },
                    Err(e) => skipped.push(format!("{name}: {e}")),
                }
            }
        }
        let mut db = OsDb::from_entries(entries);
        db.skipped = skipped;
        Ok(db)
    }

    /// Every system, sorted by name.
    pub fn all(&self) -> &[OsEntry] {
        &self.oses
    }

    /// The system with this id.
    pub fn get(&self, id: &str) -> Option<&OsEntry> {
        self.by_id.get(id).map(|&i| &self.oses[i])
    }

    /// The system with this short id.
    pub fn by_short_id(&self, short_id: &str) -> Option<&OsEntry> {
        self.oses
            .iter()
            .find(|o| o.short_ids.iter().any(|s| s == short_id))
    }

    /// Systems whose name, short id or vendor contains every word of `query`
    /// (case-insensitive), newest release first; at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&OsEntry> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut found: Vec<&OsEntry> = self
            .oses
            .iter()
            .filter(|o| {
                let hay = format!(
                    "{} {} {}",
                    o.name,
                    o.short_ids.join(" "),
                    o.vendor.as_deref().unwrap_or("")
                )
                .to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect();
        found.sort_by(|a, b| b.release_date.cmp(&a.release_date));
        found.truncate(limit);
        found
    }

    /// The system whose install medium for `arch` the image `info` is, if any. When several
    /// match, the most specific volume pattern wins.
    pub fn detect(&self, info: &IsoInfo, arch: &str) -> Option<&OsEntry> {
        let arch_ok = |m: &str| m == arch || m == "all" || (arch == "x86_64" && m == "i686");
        self.oses
            .iter()
            .flat_map(|o| {
                o.media
                    .iter()
                    .filter(|m| arch_ok(&m.arch))
                    .filter_map(move |m| {
                        // An exact architecture beats a compatible one.
                        let bonus = usize::from(m.arch == arch) * 1000;
                        m.matches(info).map(|len| (len + bonus, o))
                    })
            })
            .max_by_key(|(score, _)| *score)
            .map(|(_, o)| o)
    }

    /// `os` and the systems it derives from, nearest first (at most 16 steps).
    fn lineage<'a>(&'a self, os: &'a OsEntry) -> Vec<&'a OsEntry> {
        let mut out = vec![os];
        let mut cur = os;
        while out.len() < 16 {
            let Some(next) = cur.derives_from.as_deref().and_then(|id| self.get(id)) else {
                break;
            };
            out.push(next);
            cur = next;
        }
        out
    }

    /// Recommended resources of `os` for `arch`, looked up through what it derives from.
    pub fn resources(&self, os: &OsEntry, arch: &str) -> (ResourceSet, ResourceSet) {
        for o in self.lineage(os) {
            let pick = o
                .resources
                .iter()
                .find(|r| r.arch == arch)
                .or_else(|| o.resources.iter().find(|r| r.arch == "all"));
            if let Some(r) = pick {
                return (r.minimum, r.recommended);
            }
        }
        (ResourceSet::default(), ResourceSet::default())
    }

    /// Defaults for a new VM running `os` on `arch`; generic ones for `None`.
    pub fn defaults(&self, os: Option<&OsEntry>, arch: &str) -> VmDefaults {
        let generic = VmDefaults::generic();
        let Some(os) = os else {
            return generic;
        };
        let (min, rec) = self.resources(os, arch);
        let memory = rec
            .ram
            .or(min.ram)
            .map_or(generic.memory_mib, |b| (b / MIB).max(64));
        let vcpus = rec
            .n_cpus
            .or(min.n_cpus)
            .unwrap_or(generic.vcpus)
            .clamp(1, 64);
        let disk = rec
            .storage
            .or(min.storage)
            .map_or(generic.disk_gib, |b| b.div_ceil(GIB).max(1));
        let lineage = self.lineage(os);
        let virtio = lineage
            .iter()
            .flat_map(|o| &o.devices)
            .any(|d| d.starts_with("http://pcisig.com/pci/1af4/"));
        let bios_unsupported = lineage
            .iter()
            .flat_map(|o| &o.firmware)
            .any(|f| f.arch == arch && f.kind == "bios" && !f.supported);
        let efi_feature = |name: &str| {
            lineage
                .iter()
                .flat_map(|o| &o.firmware)
                .filter(|f| f.arch == arch && f.kind == "efi" && f.supported)
                .flat_map(|f| &f.features)
                .any(|(n, supported)| n == name && *supported)
        };
        let required = lineage
            .iter()
            .any(|o| SECURE_BOOT_AND_TPM.contains(&o.id.as_str()));
        let needs_secure_boot = required || efi_feature("secure-boot");
        let needs_tpm = required
            || lineage
                .iter()
                .flat_map(|o| &o.devices)
                .any(|d| d.contains("/tpm/"));
        VmDefaults {
            memory_mib: memory,
            vcpus,
            disk_gib: disk,
            virtio,
            needs_uefi: bios_unsupported || needs_secure_boot,
            needs_secure_boot,
            needs_tpm,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0"?>
<libosinfo version="0.0.1">
  <os id="http://example.org/demo/2">
    <short-id>demo2</short-id>
    <name>Demo &amp; Co 2</name>
    <name xml:lang="de">Demo und Co 2</name>
    <version>2</version>
    <vendor>Example</vendor>
    <family>linux</family>
    <derives-from id="http://example.org/demo/1"/>
    <release-date>2020-01-01</release-date>
    <resources arch="x86_64">
      <minimum><n-cpus>1</n-cpus><ram>536870912</ram></minimum>
      <recommended><n-cpus>2</n-cpus><ram>4294967296</ram><storage>21474836480</storage></recommended>
    </resources>
    <media arch="x86_64">
      <iso><volume-id>DEMO 2\.\d+ x64</volume-id><system-id>LINUX</system-id></iso>
    </media>
    <media arch="x86_64">
      <iso><volume-id>(?!look)around</volume-id></iso>
    </media>
  </os>
  <os id="http://example.org/demo/1">
    <short-id>demo1</short-id>
    <name>Demo 1</name>
    <devices><device id="http://pcisig.com/pci/1af4/1001"/></devices>
    <firmware arch="x86_64" type="bios" supported="false"/>
  </os>
  <os id="http://example.org/secure/1">
    <short-id>secure1</short-id>
    <name>Secure 1</name>
    <firmware arch="x86_64" type="efi"><feature name="secure-boot" supported="true"/></firmware>
    <devices><device id="http://example.org/tpm/2.0"/></devices>
  </os>
  <os id="http://example.org/win/11-like">
    <short-id>winlike</short-id>
    <name>Win-like</name>
    <derives-from id="http://microsoft.com/win/11"/>
  </os>
  <os id="http://microsoft.com/win/11">
    <short-id>win11</short-id>
    <name>Microsoft Windows 11</name>
    <firmware arch="x86_64" type="efi"/>
    <firmware arch="x86_64" type="bios" supported="false"/>
  </os>
</libosinfo>
"#;

    fn db() -> OsDb {
        OsDb::from_entries(parse_file("sample.xml", SAMPLE).unwrap())
    }

    #[test]
    fn parses_names_resources_and_media() {
        let db = db();
        let os = db.by_short_id("demo2").unwrap();
        assert_eq!(os.name, "Demo & Co 2");
        assert_eq!(os.vendor.as_deref(), Some("Example"));
        assert_eq!(os.media.len(), 2);
        assert!(os.media[1].unusable);
        let (min, rec) = db.resources(os, "x86_64");
        assert_eq!(min.ram, Some(512 * MIB));
        assert_eq!(rec.n_cpus, Some(2));
    }

    #[test]
    fn detects_by_volume_and_system_id() {
        let db = db();
        let mut info = IsoInfo {
            volume_id: "DEMO 2.3 x64".into(),
            system_id: "LINUX".into(),
            ..IsoInfo::default()
        };
        assert_eq!(db.detect(&info, "x86_64").unwrap().short_id(), "demo2");
        info.system_id = "WIN32".into();
        assert!(db.detect(&info, "x86_64").is_none());
    }

    #[test]
    fn defaults_inherit_devices_and_firmware() {
        let db = db();
        let d = db.defaults(db.by_short_id("demo2"), "x86_64");
        assert_eq!(d.memory_mib, 4096);
        assert_eq!(d.vcpus, 2);
        assert_eq!(d.disk_gib, 20);
        assert!(d.virtio);
        assert!(d.needs_uefi);
        assert!(!d.needs_secure_boot && !d.needs_tpm);
        assert_eq!(db.defaults(None, "x86_64"), VmDefaults::generic());
    }

    #[test]
    fn search_matches_every_word() {
        let db = db();
        let names: Vec<_> = db
            .search("demo co", 10)
            .iter()
            .map(|o| o.short_id().to_owned())
            .collect();
        assert_eq!(names, ["demo2"]);
        assert_eq!(db.search("DEMO", 10).len(), 2);
    }

    #[test]
    fn secure_boot_and_tpm_from_features_devices_and_windows_11() {
        let db = db();
        for id in ["secure1", "win11", "winlike"] {
            let d = db.defaults(db.by_short_id(id), "x86_64");
            assert!(
                d.needs_uefi && d.needs_secure_boot && d.needs_tpm,
                "{id}: {d:?}"
            );
        }
        let d = db.defaults(db.by_short_id("secure1"), "aarch64");
        assert!(!d.needs_secure_boot && d.needs_tpm, "{d:?}");
    }
}
