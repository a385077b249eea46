//! Names for a clone and its volumes, and fresh MAC addresses: pure functions, so the rules
//! (never collide with a VM or a volume that exists) are testable without a host.

use std::collections::HashSet;

/// Where a disk's new volume goes: its pool and the source volume's file extension
/// (`.qcow2`, `.img`, or empty), which the new name keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeSlot {
    /// The pool the new volume is created in (the source volume's pool).
    pub pool: String,
    /// The extension including its dot, or empty.
    pub extension: String,
}

impl VolumeSlot {
    /// The slot for a source volume named `volume` in `pool`.
    pub fn for_volume(pool: &str, volume: &str) -> Self {
        let extension = match volume.rfind('.') {
            Some(i) if i > 0 && volume.len() - i <= 6 => volume[i..].to_string(),
            _ => String::new(),
        };
        VolumeSlot {
            pool: pool.to_string(),
            extension,
        }
    }
}

/// The new volume name of disk `index` (0-based) of the VM `vm_name`: `NAME.qcow2`,
/// `NAME-disk2.qcow2`, …
pub fn volume_name(vm_name: &str, index: usize, slot: &VolumeSlot) -> String {
    if index == 0 {
        format!("{vm_name}{}", slot.extension)
    } else {
        format!("{vm_name}-disk{}{}", index + 1, slot.extension)
    }
}

/// The name of the NVRAM volume of the VM `vm_name` (as libvirt names its own).
pub fn nvram_name(vm_name: &str) -> String {
    format!("{vm_name}_VARS.fd")
}

/// What already exists on the host, which new names must avoid.
#[derive(Debug, Clone, Default)]
pub struct Taken {
    /// Names of every VM.
    pub vms: HashSet<String>,
    /// (pool, volume name) of every volume in the pools the clone uses.
    pub volumes: HashSet<(String, String)>,
}

impl Taken {
    /// Why `name` cannot be used for a clone with these volume slots (and an NVRAM volume in
    /// `nvram_pool`), or `None` when it is free.
    pub fn conflict(
        &self,
        name: &str,
        slots: &[VolumeSlot],
        nvram_pool: Option<&str>,
    ) -> Option<Conflict> {
        if self.vms.contains(name) {
            return Some(Conflict::Vm(name.to_string()));
        }
        let mut wanted: Vec<(String, String)> = slots
            .iter()
            .enumerate()
            .map(|(i, s)| (s.pool.clone(), volume_name(name, i, s)))
            .collect();
        if let Some(pool) = nvram_pool {
            wanted.push((pool.to_string(), nvram_name(name)));
        }
        let mut seen = HashSet::new();
        for key in wanted {
            if self.volumes.contains(&key) || !seen.insert(key.clone()) {
                return Some(Conflict::Volume {
                    pool: key.0,
                    volume: key.1,
                });
            }
        }
        None
    }
}

/// A name that is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// A VM has this name.
    Vm(String),
    /// A volume in the pool has this name.
    Volume {
        /// The pool.
        pool: String,
        /// The volume's name.
        volume: String,
    },
}

/// The first of `SOURCE-clone`, `SOURCE-clone-2`, `SOURCE-clone-3`, … that no VM has and whose
/// volumes no pool has.
pub fn propose_name(
    source: &str,
    taken: &Taken,
    slots: &[VolumeSlot],
    nvram_pool: Option<&str>,
) -> String {
    let base = format!("{source}-clone");
    (1u32..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|c| taken.conflict(c, slots, nvram_pool).is_none())
        .unwrap_or(base)
}

/// Whether `name` is a usable VM name (libvirt refuses `/` and empty names).
pub fn valid_vm_name(name: &str) -> bool {
    !name.trim().is_empty() && !name.contains('/') && name.trim() == name
}

/// A random address in QEMU's `52:54:00` range that is not in `taken` (lower case).
pub fn fresh_mac(taken: &HashSet<String>) -> String {
    loop {
        let b = random_bytes();
        let mac = format!("52:54:00:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2]);
        if !taken.contains(&mac) {
            return mac;
        }
    }
}

/// Six random hexadecimal digits, for names of short-lived objects.
pub fn random_suffix() -> String {
    let b = random_bytes();
    format!("{:02x}{:02x}{:02x}", b[0], b[1], b[2])
}

fn random_bytes() -> [u8; 8] {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish().to_le_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots() -> Vec<VolumeSlot> {
        vec![
            VolumeSlot::for_volume("default", "web.qcow2"),
            VolumeSlot::for_volume("default", "web-data.qcow2"),
        ]
    }

    #[test]
    fn volume_names_follow_the_vm_name_and_keep_the_extension() {
        let s = slots();
        assert_eq!(volume_name("web-clone", 0, &s[0]), "web-clone.qcow2");
        assert_eq!(volume_name("web-clone", 1, &s[1]), "web-clone-disk2.qcow2");
        let raw = VolumeSlot::for_volume("p", "disk");
        assert_eq!(raw.extension, "");
        assert_eq!(volume_name("x", 0, &raw), "x");
        assert_eq!(VolumeSlot::for_volume("p", ".hidden").extension, "");
    }

    #[test]
    fn the_first_free_name_is_proposed() {
        let taken = Taken::default();
        assert_eq!(propose_name("web", &taken, &slots(), None), "web-clone");
    }

    #[test]
    fn a_taken_vm_name_is_skipped() {
        let mut taken = Taken::default();
        taken.vms.insert("web-clone".into());
        taken.vms.insert("web-clone-2".into());
        assert_eq!(propose_name("web", &taken, &slots(), None), "web-clone-3");
    }

    #[test]
    fn a_taken_volume_name_is_skipped_even_when_no_vm_has_the_name() {
        let mut taken = Taken::default();
        // A leftover second disk of an earlier clone that was deleted without its storage.
        taken
            .volumes
            .insert(("default".into(), "web-clone-disk2.qcow2".into()));
        assert_eq!(propose_name("web", &taken, &slots(), None), "web-clone-2");
        taken
            .volumes
            .insert(("default".into(), "web-clone-2-disk2.qcow2".into()));
        assert_eq!(propose_name("web", &taken, &slots(), None), "web-clone-3");
        // The same volume name in another pool does not matter.
        let mut other = Taken::default();
        other
            .volumes
            .insert(("other".into(), "web-clone.qcow2".into()));
        assert_eq!(propose_name("web", &other, &slots(), None), "web-clone");
    }

    #[test]
    fn the_nvram_volume_counts_too() {
        let mut taken = Taken::default();
        taken
            .volumes
            .insert(("nvram".into(), "web-clone_VARS.fd".into()));
        assert_eq!(
            propose_name("web", &taken, &slots(), Some("nvram")),
            "web-clone-2"
        );
        assert_eq!(propose_name("web", &taken, &slots(), None), "web-clone");
    }

    #[test]
    fn conflicts_say_what_is_taken() {
        let mut taken = Taken::default();
        taken.vms.insert("a".into());
        assert_eq!(
            taken.conflict("a", &slots(), None),
            Some(Conflict::Vm("a".into()))
        );
        taken
            .volumes
            .insert(("default".into(), "b-disk2.qcow2".into()));
        assert_eq!(
            taken.conflict("b", &slots(), None),
            Some(Conflict::Volume {
                pool: "default".into(),
                volume: "b-disk2.qcow2".into()
            })
        );
        assert_eq!(taken.conflict("c", &slots(), None), None);
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_vm_name("web-clone"));
        assert!(!valid_vm_name(""));
        assert!(!valid_vm_name(" x"));
        assert!(!valid_vm_name("a/b"));
    }

    #[test]
    fn fresh_macs_avoid_taken_ones() {
        let mut taken = HashSet::new();
        for _ in 0..200 {
            let mac = fresh_mac(&taken);
            assert!(mac.starts_with("52:54:00:"), "{mac}");
            assert_eq!(mac.len(), 17);
            assert!(taken.insert(mac), "repeated address");
        }
    }
}
