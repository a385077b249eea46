//! New storage pools of the kinds the storage page makes: a directory, a local file system, a
//! network file system, an LVM volume group, an iSCSI target and a partitioned disk, each
//! with the `<source>` libvirt's storage pool XML wants for it. Input is checked first, and
//! what is wrong is said in words for the user.

use std::fmt::Write as _;

use super::{a, t};
use crate::error::Error;
use crate::storage::PoolXml;

/// File system formats of an `fs` pool.
pub const FS_FORMATS: [&str; 6] = ["auto", "ext4", "ext3", "ext2", "xfs", "btrfs"];
/// Formats of a `netfs` pool.
pub const NETFS_FORMATS: [&str; 4] = ["auto", "nfs", "cifs", "glusterfs"];
/// Partition table formats of a `disk` pool.
pub const DISK_FORMATS: [&str; 3] = ["gpt", "dos", "unknown"];

/// Where a new pool's storage is, by pool type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolSource {
    /// `dir`: files in the target directory.
    Dir,
    /// `fs`: the file system on `device` (of `format`), mounted on the target directory.
    Fs {
        /// A block device, e.g. `/dev/sdb1`.
        device: String,
        /// One of [`FS_FORMATS`].
        format: String,
    },
    /// `netfs`: directory `dir` exported by `host`, mounted on the target directory.
    Netfs {
        /// The server.
        host: String,
        /// The export (a share name for CIFS).
        dir: String,
        /// One of [`NETFS_FORMATS`].
        format: String,
    },
    /// `logical`: the LVM volume group `group` (on `devices`, when given).
    Logical {
        /// The volume group's name.
        group: String,
        /// Its physical volumes.
        devices: Vec<String>,
    },
    /// `iscsi`: the target `iqn` on `host`; its LUNs are the volumes.
    Iscsi {
        /// The portal's host.
        host: String,
        /// The target's IQN.
        iqn: String,
    },
    /// `disk`: the partitions of `device`, whose table is `format`.
    Disk {
        /// The disk, e.g. `/dev/sdc`.
        device: String,
        /// One of [`DISK_FORMATS`].
        format: String,
    },
}

impl PoolSource {
    /// The pool type's name in libvirt's XML.
    pub fn kind(&self) -> &'static str {
        match self {
            PoolSource::Dir => "dir",
            PoolSource::Fs { .. } => "fs",
            PoolSource::Netfs { .. } => "netfs",
            PoolSource::Logical { .. } => "logical",
            PoolSource::Iscsi { .. } => "iscsi",
            PoolSource::Disk { .. } => "disk",
        }
    }
}

/// A new pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSpec {
    /// Its name.
    pub name: String,
    /// Where its volumes appear on the host (a directory; `/dev/GROUP` for LVM).
    pub target: String,
    /// Its storage.
    pub source: PoolSource,
}

fn bad(message: String) -> Error {
    Error::Argument(message)
}

fn absolute(what: &str, path: &str) -> Result<(), Error> {
    if path.starts_with('/') && !path.contains('\n') {
        Ok(())
    } else {
        Err(bad(format!(
            "{what} must be an absolute path, like /dev/sdb (is “{path}”)"
        )))
    }
}

fn host_name(host: &str) -> Result<(), Error> {
    if host.is_empty() {
        return Err(bad("enter the server's host name or address".into()));
    }
    if host.chars().any(|c| c.is_whitespace() || c == '/') {
        return Err(bad(format!(
            "“{host}” is not a host name or address (no spaces or slashes)"
        )));
    }
    Ok(())
}

fn one_of(what: &str, value: &str, allowed: &[&str]) -> Result<(), Error> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(bad(format!(
            "{what} “{value}” is not one of {}",
            allowed.join(", ")
        )))
    }
}

/// Checks `spec` and writes its XML.
pub fn pool(spec: &PoolSpec) -> Result<PoolXml, Error> {
    let name = spec.name.as_str();
    if name.trim().is_empty() || name != name.trim() || name.contains('/') {
        return Err(bad(format!(
            "“{name}” cannot be a pool name: enter one, without slashes or spaces at either end"
        )));
    }
    absolute("The target path", &spec.target)?;
    let mut source = String::new();
    match &spec.source {
        PoolSource::Dir => {}
        PoolSource::Fs { device, format } => {
            absolute("The source device", device)?;
            one_of("The file system format", format, &FS_FORMATS)?;
            let _ = write!(
                source,
                "    <device path='{}'/>\n    <format type='{}'/>\n",
                a(device),
                a(format)
            );
        }
        PoolSource::Netfs { host, dir, format } => {
            host_name(host)?;
            one_of("The network file system format", format, &NETFS_FORMATS)?;
            if dir.is_empty() {
                return Err(bad("enter the exported directory".into()));
            }
            if format != "cifs" {
                absolute("The exported directory", dir)?;
            }
            let _ = write!(
                source,
                "    <host name='{}'/>\n    <dir path='{}'/>\n    <format type='{}'/>\n",
                a(host),
                a(dir),
                a(format)
            );
        }
        PoolSource::Logical { group, devices } => {
            let valid = |c: char| c.is_ascii_alphanumeric() || "+_.-".contains(c);
            if group.is_empty() || group.starts_with('-') || !group.chars().all(valid) {
                return Err(bad(format!(
                    "“{group}” is not a volume group name (letters, digits and + _ . -, not starting with -)"
                )));
            }
            for d in devices {
                absolute("A physical volume", d)?;
                let _ = writeln!(source, "    <device path='{}'/>", a(d));
            }
            let _ = write!(
                source,
                "    <name>{}</name>\n    <format type='lvm2'/>\n",
                t(group)
            );
        }
        PoolSource::Iscsi { host, iqn } => {
            host_name(host)?;
            let prefixed = ["iqn.", "eui.", "naa."].iter().any(|p| iqn.starts_with(p));
            if !prefixed || iqn.chars().any(char::is_whitespace) {
                return Err(bad(format!(
                    "“{iqn}” is not an iSCSI target name (like iqn.2024-01.com.example:disk1)"
                )));
            }
            let _ = write!(
                source,
                "    <host name='{}'/>\n    <device path='{}'/>\n",
                a(host),
                a(iqn)
            );
        }
        PoolSource::Disk { device, format } => {
            absolute("The disk", device)?;
            one_of("The partition table", format, &DISK_FORMATS)?;
            let _ = write!(
                source,
                "    <device path='{}'/>\n    <format type='{}'/>\n",
                a(device),
                a(format)
            );
        }
    }
    let mut x = format!(
        "<pool type='{}'>\n  <name>{}</name>\n",
        spec.source.kind(),
        t(name)
    );
    if !source.is_empty() {
        let _ = write!(x, "  <source>\n{source}  </source>\n");
    }
    let _ = write!(
        x,
        "  <target>\n    <path>{}</path>\n  </target>\n</pool>\n",
        t(&spec.target)
    );
    PoolXml::parse(&x)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn spec(source: PoolSource) -> PoolSpec {
        PoolSpec {
            name: "p".into(),
            target: "/srv/p".into(),
            source,
        }
    }

    #[test]
    fn each_kind_has_the_source_libvirt_wants() {
        let fs = pool(&spec(PoolSource::Fs {
            device: "/dev/sdb1".into(),
            format: "ext4".into(),
        }))
        .unwrap()
        .to_string();
        assert!(fs.starts_with("<pool type='fs'>"), "{fs}");
        assert!(fs.contains("<device path='/dev/sdb1'/>\n    <format type='ext4'/>"));
        let nfs = pool(&spec(PoolSource::Netfs {
            host: "nas".into(),
            dir: "/export/vms".into(),
            format: "nfs".into(),
        }))
        .unwrap()
        .to_string();
        assert!(nfs.contains("<host name='nas'/>\n    <dir path='/export/vms'/>"));
        let lvm = pool(&spec(PoolSource::Logical {
            group: "vg0".into(),
            devices: vec!["/dev/sdc".into()],
        }))
        .unwrap()
        .to_string();
        assert!(lvm.contains(
            "<device path='/dev/sdc'/>\n    <name>vg0</name>\n    <format type='lvm2'/>"
        ));
        let iscsi = pool(&spec(PoolSource::Iscsi {
            host: "10.0.0.5".into(),
            iqn: "iqn.2024-01.com.example:disk1".into(),
        }))
        .unwrap()
        .to_string();
        assert!(iscsi.contains("<device path='iqn.2024-01.com.example:disk1'/>"));
        let dir = pool(&spec(PoolSource::Dir)).unwrap().to_string();
        assert!(!dir.contains("<source>"));
        // Text is escaped.
        let odd = pool(&PoolSpec {
            name: "a&b".into(),
            target: "/srv/a<b".into(),
            source: PoolSource::Dir,
        })
        .unwrap()
        .to_string();
        assert!(odd.contains("<name>a&amp;b</name>") && odd.contains("/srv/a&lt;b"));
    }

    #[test]
    fn bad_input_is_said() {
        let cases = [
            (
                spec(PoolSource::Fs {
                    device: "sdb1".into(),
                    format: "ext4".into(),
                }),
                "absolute path",
            ),
            (
                spec(PoolSource::Fs {
                    device: "/dev/sdb1".into(),
                    format: "ntfs".into(),
                }),
                "not one of",
            ),
            (
                spec(PoolSource::Netfs {
                    host: "".into(),
                    dir: "/x".into(),
                    format: "nfs".into(),
                }),
                "host name",
            ),
            (
                spec(PoolSource::Logical {
                    group: "-vg".into(),
                    devices: vec![],
                }),
                "volume group",
            ),
            (
                spec(PoolSource::Iscsi {
                    host: "h".into(),
                    iqn: "disk1".into(),
                }),
                "iSCSI target",
            ),
            (
                PoolSpec {
                    name: " p".into(),
                    target: "/x".into(),
                    source: PoolSource::Dir,
                },
                "pool name",
            ),
        ];
        for (s, expect) in cases {
            let e = pool(&s).unwrap_err().to_string();
            assert!(e.contains(expect), "{e}");
        }
    }
}
