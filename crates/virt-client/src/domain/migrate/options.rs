//! What a migration is asked to do: `VIR_MIGRATE_*` flags, `VIR_MIGRATE_PARAM_*` parameters,
//! and the options that stand for them; the steps of a migration and where a domain ends up.

use crate::{TypedParam, TypedParamValue};

/// `virDomainMigrateFlags`.
pub mod flags {
    /// Live migration: the guest keeps running while its memory is copied.
    pub const LIVE: u32 = 1 << 0;
    /// The source daemon talks to the destination itself.
    pub const PEER2PEER: u32 = 1 << 1;
    /// Data goes through the daemons' connection instead of a direct one (with [`PEER2PEER`]).
    pub const TUNNELLED: u32 = 1 << 2;
    /// Make the domain persistent on the destination.
    pub const PERSIST_DEST: u32 = 1 << 3;
    /// Remove the domain's definition on the source afterwards.
    pub const UNDEFINE_SOURCE: u32 = 1 << 4;
    /// Leave the domain paused on the destination.
    pub const PAUSED: u32 = 1 << 5;
    /// Copy all disks along (non-shared storage).
    pub const NON_SHARED_DISK: u32 = 1 << 6;
    /// Copy disks along, only what differs from a shared base image.
    pub const NON_SHARED_INC: u32 = 1 << 7;
    /// No changes to the domain's configuration while it migrates.
    pub const CHANGE_PROTECTION: u32 = 1 << 8;
    /// Migrate even if libvirt considers it unsafe.
    pub const UNSAFE: u32 = 1 << 9;
    /// Migrate the definition only, of a domain that does not run.
    pub const OFFLINE: u32 = 1 << 10;
    /// Compress the data (methods chosen with the `compression` parameter).
    pub const COMPRESSED: u32 = 1 << 11;
    /// Cancel on a soft error (such as an I/O error) of a disk.
    pub const ABORT_ON_ERROR: u32 = 1 << 12;
    /// Slow the guest's vCPUs down when its memory changes faster than it is copied.
    pub const AUTO_CONVERGE: u32 = 1 << 13;
    /// Allow switching to post-copy ([`crate::Domain::migrate_start_post_copy`]).
    pub const POSTCOPY: u32 = 1 << 15;
    /// Encrypt with TLS.
    pub const TLS: u32 = 1 << 16;
    /// Resume a failed post-copy migration.
    pub const POSTCOPY_RESUME: u32 = 1 << 19;
}

/// Names of migration parameters (`VIR_MIGRATE_PARAM_*`).
pub mod param {
    /// Where the destination's QEMU listens (`tcp://host:port`).
    pub const URI: &str = "migrate_uri";
    /// The domain's name on the destination.
    pub const DEST_NAME: &str = "destination_name";
    /// The domain's XML on the destination.
    pub const DEST_XML: &str = "destination_xml";
    /// Bandwidth limit, MiB/s.
    pub const BANDWIDTH: &str = "bandwidth";
    /// Bandwidth limit in the post-copy phase, bytes/s.
    pub const BANDWIDTH_POSTCOPY: &str = "bandwidth.postcopy";
    /// The address the destination listens on for incoming migration.
    pub const LISTEN_ADDRESS: &str = "listen_address";
    /// A compression method (`xbzrle`, `mt`…); may repeat.
    pub const COMPRESSION: &str = "compression";
    /// Initial throttle of auto-converge, percent.
    pub const AUTO_CONVERGE_INITIAL: &str = "auto_converge.initial";
    /// Throttle step of auto-converge, percent.
    pub const AUTO_CONVERGE_INCREMENT: &str = "auto_converge.increment";
}

/// Which disks travel with the domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyStorage {
    /// Whole disks (`--copy-storage-all`, `VIR_MIGRATE_NON_SHARED_DISK`).
    All,
    /// Only what differs from a base image both hosts share (`--copy-storage-inc`).
    Incremental,
}

/// How to migrate. The default is a non-live migration of a running domain that stays
/// transient on the destination.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MigrateOptions {
    /// Keep the guest running while its memory is copied.
    pub live: bool,
    /// Migrate only the definition of a domain (which need not run); needs `persistent`.
    pub offline: bool,
    /// Define the domain on the destination.
    pub persistent: bool,
    /// Undefine the domain on the source afterwards.
    pub undefine_source: bool,
    /// Disks to copy along.
    pub copy_storage: Option<CopyStorage>,
    /// Compress, with these methods (empty: QEMU's default, xbzrle).
    pub compressed: bool,
    /// Compression methods (`compression` parameters).
    pub compression: Vec<String>,
    /// Slow the guest down so that the migration converges.
    pub auto_converge: bool,
    /// Allow switching to post-copy.
    pub post_copy: bool,
    /// Data through the daemons' connection (peer-to-peer only).
    pub tunnelled: bool,
    /// Migrate even if libvirt finds it unsafe (e.g. disks with caching on local storage).
    pub unsafe_: bool,
    /// Where the destination's QEMU listens, as the source sees it (`tcp://host:port`).
    pub migrate_uri: Option<String>,
    /// The domain's name on the destination.
    pub dest_name: Option<String>,
    /// The domain's XML on the destination.
    pub dest_xml: Option<String>,
    /// Bandwidth limit, MiB/s.
    pub bandwidth_mib: Option<u64>,
    /// Address the destination listens on.
    pub listen_address: Option<String>,
    /// More `VIR_MIGRATE_*` flags.
    pub extra_flags: u32,
    /// More parameters.
    pub extra_params: Vec<TypedParam>,
}

impl MigrateOptions {
    /// The `VIR_MIGRATE_*` flags these options stand for (without peer-to-peer).
    pub fn flags(&self) -> u32 {
        let mut f = self.extra_flags;
        for (on, bit) in [
            (self.live, flags::LIVE),
            (self.offline, flags::OFFLINE),
            (self.persistent, flags::PERSIST_DEST),
            (self.undefine_source, flags::UNDEFINE_SOURCE),
            (
                self.copy_storage == Some(CopyStorage::All),
                flags::NON_SHARED_DISK,
            ),
            (
                self.copy_storage == Some(CopyStorage::Incremental),
                flags::NON_SHARED_INC,
            ),
            (
                self.compressed || !self.compression.is_empty(),
                flags::COMPRESSED,
            ),
            (self.auto_converge, flags::AUTO_CONVERGE),
            (self.post_copy, flags::POSTCOPY),
            (self.tunnelled, flags::TUNNELLED),
            (self.unsafe_, flags::UNSAFE),
        ] {
            if on {
                f |= bit;
            }
        }
        f
    }

    /// The migration parameters these options stand for.
    pub fn params(&self) -> Vec<TypedParam> {
        let s = |v: &str| TypedParamValue::String(v.into());
        let mut out = Vec::new();
        if let Some(v) = &self.migrate_uri {
            out.push(TypedParam::new(param::URI, s(v)));
        }
        if let Some(v) = &self.dest_name {
            out.push(TypedParam::new(param::DEST_NAME, s(v)));
        }
        if let Some(v) = &self.dest_xml {
            out.push(TypedParam::new(param::DEST_XML, s(v)));
        }
        if let Some(v) = self.bandwidth_mib {
            out.push(TypedParam::new(
                param::BANDWIDTH,
                TypedParamValue::ULLong(v),
            ));
        }
        if let Some(v) = &self.listen_address {
            out.push(TypedParam::new(param::LISTEN_ADDRESS, s(v)));
        }
        for m in &self.compression {
            out.push(TypedParam::new(param::COMPRESSION, s(m)));
        }
        out.extend(self.extra_params.iter().cloned());
        out
    }
}

/// The steps of a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MigrationPhase {
    /// Checks on the source; it describes the domain (`BEGIN3_PARAMS`).
    Begin,
    /// The destination gets ready to receive (`PREPARE3_PARAMS`).
    Prepare,
    /// The source sends the domain (`PERFORM3_PARAMS`; all of a peer-to-peer migration).
    Perform,
    /// The destination takes over or cleans up (`FINISH3_PARAMS`).
    Finish,
    /// The source stops its copy or resumes it (`CONFIRM3_PARAMS`).
    Confirm,
}

impl std::fmt::Display for MigrationPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Begin => "begin",
            Self::Prepare => "prepare",
            Self::Perform => "perform",
            Self::Finish => "finish",
            Self::Confirm => "confirm",
        })
    }
}

/// Where a domain is active after a migration failed, as the two hosts report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VmLocation {
    /// Still on the source host, and not on the destination.
    Source,
    /// On the destination host, no longer on the source.
    Destination,
    /// Active on both hosts (e.g. a failed post-copy: paused on both).
    Both,
    /// Active on neither.
    Neither,
    /// A host could not be asked.
    Unknown,
    /// Active on the source again; the destination, which may have started it too (the
    /// answer to Finish was lost), could not be asked.
    SourceDestinationUnknown,
}

impl std::fmt::Display for VmLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Source => "is still running on the source host",
            Self::Destination => "is running on the destination host",
            Self::Both => "is active on both hosts",
            Self::Neither => "is running on neither host",
            Self::Unknown => "may be running on either host",
            Self::SourceDestinationUnknown => {
                "is running on the source host, and the destination could not be asked whether \
                 it runs it too"
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_become_flags_and_params() {
        let o = MigrateOptions {
            live: true,
            persistent: true,
            copy_storage: Some(CopyStorage::Incremental),
            compression: vec!["xbzrle".into()],
            migrate_uri: Some("tcp://127.0.0.1:49152".into()),
            bandwidth_mib: Some(1),
            ..Default::default()
        };
        assert_eq!(
            o.flags(),
            flags::LIVE | flags::PERSIST_DEST | flags::NON_SHARED_INC | flags::COMPRESSED
        );
        let params = o.params();
        let names: Vec<&str> = params.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(names, ["migrate_uri", "bandwidth", "compression"]);
        let offline = MigrateOptions {
            offline: true,
            ..Default::default()
        };
        assert_eq!(offline.flags(), flags::OFFLINE);
    }
}
