//! Domains (virtual machines): lookup, definition, life cycle, information.

mod cpu;
mod devices;
mod guest;
mod iothread;
mod job;
mod memory;
pub mod migrate;
pub mod snapshot;
mod state;
mod stats;

pub use cpu::{VcpuInfo, cpumap_from_list, cpumap_to_list};
pub use guest::{
    AddressSource, AgentUnavailable, FsInfo, GuestFs, GuestInfo, GuestInterface, GuestOs,
    GuestUser, HostnameSource, IpAddress, info_types,
};
pub use iothread::IothreadInfo;
pub use job::{JOB_STATS_COMPLETED, JOB_STATS_KEEP_COMPLETED, JobStats, JobType};
pub use migrate::{CopyStorage, MigrateOptions, MigrationPhase, VmLocation};
pub use snapshot::Snapshot;
pub use state::{DomainInfo, DomainState, JobInfo};
pub use stats::DomainStats;

use virt_proto::remote as p;
use virt_proto::xdr::Uuid;

use crate::Connection;
use crate::error::Result;

/// A domain on a connection: its name, UUID and id as the daemon reported them when the
/// handle was made (the id changes when the domain starts or stops; look it up again).
#[derive(Clone)]
pub struct Domain {
    conn: Connection,
    raw: p::Domain,
}

impl std::fmt::Debug for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Domain")
            .field("name", &self.raw.name)
            .field("uuid", &self.raw.uuid.to_string())
            .field("id", &self.raw.id)
            .finish()
    }
}

/// Calls whose arguments are the domain and flags and whose reply is empty.
macro_rules! dom_flags_calls {
    ($($(#[$doc:meta])* $name:ident => $args:ident;)*) => {$(
        $(#[$doc])*
        pub async fn $name(&self, flags: u32) -> Result<()> {
            self.conn.call(&p::$args { dom: self.raw.clone(), flags }).await
        }
    )*};
}

/// Calls whose only argument is the domain and whose reply is empty.
macro_rules! dom_calls {
    ($($(#[$doc:meta])* $name:ident => $args:ident;)*) => {$(
        $(#[$doc])*
        pub async fn $name(&self) -> Result<()> {
            self.conn.call(&p::$args { dom: self.raw.clone() }).await
        }
    )*};
}

impl Domain {
    pub(crate) fn from_raw(conn: Connection, raw: p::Domain) -> Self {
        Domain { conn, raw }
    }

    /// The domain's name.
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// The domain's UUID.
    pub fn uuid(&self) -> &Uuid {
        &self.raw.uuid
    }

    /// The domain's id while it runs (`None` when it was inactive as the handle was made).
    pub fn id(&self) -> Option<u32> {
        u32::try_from(self.raw.id).ok()
    }

    /// The wire reference of this domain.
    pub fn raw(&self) -> &p::Domain {
        &self.raw
    }

    /// The connection the domain belongs to.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Looks a domain up by name.
    pub async fn lookup_by_name(conn: &Connection, name: &str) -> Result<Domain> {
        let r = conn
            .call(&p::DomainLookupByNameArgs { name: name.into() })
            .await?;
        Ok(Domain::from_raw(conn.clone(), r.dom))
    }

    /// Looks a domain up by UUID.
    pub async fn lookup_by_uuid(conn: &Connection, uuid: Uuid) -> Result<Domain> {
        let r = conn.call(&p::DomainLookupByUuidArgs { uuid }).await?;
        Ok(Domain::from_raw(conn.clone(), r.dom))
    }

    /// Looks a running domain up by id.
    pub async fn lookup_by_id(conn: &Connection, id: u32) -> Result<Domain> {
        let id = i32::try_from(id).unwrap_or(i32::MAX);
        let r = conn.call(&p::DomainLookupByIdArgs { id }).await?;
        Ok(Domain::from_raw(conn.clone(), r.dom))
    }

    /// Defines (or redefines) a persistent domain from XML.
    pub async fn define_xml(conn: &Connection, xml: &str, flags: u32) -> Result<Domain> {
        let r = conn
            .call(&p::DomainDefineXmlFlagsArgs {
                xml: xml.into(),
                flags,
            })
            .await?;
        Ok(Domain::from_raw(conn.clone(), r.dom))
    }

    /// Creates and starts a transient domain from XML.
    pub async fn create_xml(conn: &Connection, xml: &str, flags: u32) -> Result<Domain> {
        let r = conn
            .call(&p::DomainCreateXmlArgs {
                xml_desc: xml.into(),
                flags,
            })
            .await?;
        Ok(Domain::from_raw(conn.clone(), r.dom))
    }

    /// Restores a domain saved to `path` on the daemon's host.
    pub async fn restore(conn: &Connection, path: &str, flags: u32) -> Result<()> {
        conn.call(&p::DomainRestoreFlagsArgs {
            from: path.into(),
            dxml: None,
            flags,
        })
        .await
    }

    /// The same domain looked up again (fresh id).
    pub async fn refresh(&self) -> Result<Domain> {
        Domain::lookup_by_uuid(&self.conn, self.raw.uuid).await
    }

    /// The domain's XML (`VIR_DOMAIN_XML_*` flags; 2 = inactive).
    pub async fn xml_desc(&self, flags: u32) -> Result<String> {
        let r = self
            .conn
            .call(&p::DomainGetXmlDescArgs {
                dom: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.xml)
    }

    /// Starts a defined domain (`VIR_DOMAIN_START_*` flags); returns the handle with its id.
    pub async fn create(&self, flags: u32) -> Result<Domain> {
        let r = self
            .conn
            .call(&p::DomainCreateWithFlagsArgs {
                dom: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(Domain::from_raw(self.conn.clone(), r.dom))
    }

    dom_flags_calls! {
        /// Removes the domain's persistent definition (`VIR_DOMAIN_UNDEFINE_*` flags).
        undefine => DomainUndefineFlagsArgs;
        /// Asks the guest to shut down (`VIR_DOMAIN_SHUTDOWN_*` flags).
        shutdown => DomainShutdownFlagsArgs;
        /// Asks the guest to reboot (`VIR_DOMAIN_REBOOT_*` flags).
        reboot => DomainRebootArgs;
        /// Resets the virtual machine like a reset button.
        reset => DomainResetArgs;
        /// Stops the domain at once (`VIR_DOMAIN_DESTROY_*` flags).
        destroy => DomainDestroyFlagsArgs;
        /// Saves the domain's memory to a file the daemon manages, and stops it.
        managed_save => DomainManagedSaveArgs;
        /// Removes the managed save image.
        managed_save_remove => DomainManagedSaveRemoveArgs;
    }

    /// Aborts the current job (a migration, save, dump…; `VIR_DOMAIN_ABORT_JOB_*` flags).
    /// Without flags this is `DOMAIN_ABORT_JOB`, which daemons older than libvirt 8.5 know too.
    pub async fn abort_job(&self, flags: u32) -> Result<()> {
        let dom = self.raw.clone();
        if flags == 0 {
            self.conn.call(&p::DomainAbortJobArgs { dom }).await
        } else {
            self.conn
                .call(&p::DomainAbortJobFlagsArgs { dom, flags })
                .await
        }
    }

    dom_calls! {
        /// Pauses the domain's vCPUs.
        suspend => DomainSuspendArgs;
        /// Resumes a paused domain.
        resume => DomainResumeArgs;
    }

    /// Whether a managed save image exists.
    pub async fn has_managed_save(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::DomainHasManagedSaveImageArgs {
                dom: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok(r.result != 0)
    }

    /// Saves the domain's memory to `path` on the daemon's host and stops it.
    pub async fn save(&self, path: &str, flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainSaveFlagsArgs {
                dom: self.raw.clone(),
                to: path.into(),
                dxml: None,
                flags,
            })
            .await
    }

    /// Whether the domain starts with the daemon.
    pub async fn autostart(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::DomainGetAutostartArgs {
                dom: self.raw.clone(),
            })
            .await?;
        Ok(r.autostart != 0)
    }

    /// Sets whether the domain starts with the daemon.
    pub async fn set_autostart(&self, on: bool) -> Result<()> {
        self.conn
            .call(&p::DomainSetAutostartArgs {
                dom: self.raw.clone(),
                autostart: i32::from(on),
            })
            .await
    }

    /// Renames an inactive domain; returns the renamed handle.
    pub async fn rename(&self, new_name: &str) -> Result<Domain> {
        self.conn
            .call(&p::DomainRenameArgs {
                dom: self.raw.clone(),
                new_name: Some(new_name.into()),
                flags: 0,
            })
            .await?;
        Domain::lookup_by_uuid(&self.conn, self.raw.uuid).await
    }

    /// Reads metadata: `type_` 0 = description, 1 = title, 2 = an element in namespace `uri`.
    pub async fn metadata(&self, type_: i32, uri: Option<&str>, flags: u32) -> Result<String> {
        let r = self
            .conn
            .call(&p::DomainGetMetadataArgs {
                dom: self.raw.clone(),
                type_,
                uri: uri.map(Into::into),
                flags,
            })
            .await?;
        Ok(r.metadata)
    }

    /// Sets (or with `None` removes) metadata; `key` and `uri` name the namespace of type 2.
    pub async fn set_metadata(
        &self,
        type_: i32,
        metadata: Option<&str>,
        key: Option<&str>,
        uri: Option<&str>,
        flags: u32,
    ) -> Result<()> {
        self.conn
            .call(&p::DomainSetMetadataArgs {
                dom: self.raw.clone(),
                type_,
                metadata: metadata.map(Into::into),
                key: key.map(Into::into),
                uri: uri.map(Into::into),
                flags,
            })
            .await
    }

    /// Sends key codes (`codeset` from `VIR_KEYCODE_SET_*`), held `holdtime` ms.
    pub async fn send_key(&self, codeset: u32, holdtime: u32, keys: &[u32]) -> Result<()> {
        self.conn
            .call(&p::DomainSendKeyArgs {
                dom: self.raw.clone(),
                codeset,
                holdtime,
                keycodes: keys.to_vec(),
                flags: 0,
            })
            .await
    }
}
