//! Migrating a domain to another host.
//!
//! [`Domain::migrate`] runs the client-managed protocol version 3 with parameters, the steps
//! `virDomainMigrateVersion3Full` takes: Begin on the source, Prepare on the destination,
//! Perform on the source, Finish on the destination, Confirm on the source, with each step's
//! cookie handed to the next and the source told whether the migration was cancelled.
//! [`Domain::migrate_peer_to_peer`] leaves the coordination to the source daemon (one Perform
//! call with the destination's URI), also tunnelled through the daemons' own connection.
//!
//! A failed migration is an [`Error::Migration`] that names the step that failed and where
//! the domain runs afterwards, looked up on both hosts. When the answer to Finish is lost
//! with the connection, the destination is asked anew whether it runs the domain before the
//! source is told to take it back.

mod options;
mod recover;

pub use options::{CopyStorage, MigrateOptions, MigrationPhase, VmLocation, flags, param};

use virt_proto::remote as p;
use virt_proto::xdr::Opaque;

use super::Domain;
use crate::error::{Error, Result};
use crate::{Connection, ErrorCode, ErrorDomain, TypedParam, TypedParamValue};

/// `VIR_DRV_FEATURE_*` numbers asked with `CONNECT_SUPPORTS_FEATURE`.
mod feature {
    pub(super) const MIGRATE_CHANGE_PROTECTION: i32 = 7;
    pub(super) const MIGRATION_OFFLINE: i32 = 12;
    pub(super) const MIGRATION_PARAMS: i32 = 13;
}

/// Sets string parameter `name` to `value`, replacing one that is there.
fn replace_string(params: &mut Vec<TypedParam>, name: &str, value: &str) {
    let v = TypedParamValue::String(value.into());
    match params.iter_mut().find(|p| p.field == name) {
        Some(p) => p.value = v,
        None => params.push(TypedParam::new(name, v)),
    }
}

fn has_param(params: &[TypedParam], name: &str) -> bool {
    params.iter().any(|p| p.field == name)
}

fn check_options(flags: u32) -> Result<()> {
    if flags & flags::NON_SHARED_DISK != 0 && flags & flags::NON_SHARED_INC != 0 {
        return Err(Error::InvalidArgument(
            "copying all storage and copying storage incrementally exclude each other".into(),
        ));
    }
    Ok(())
}

impl Domain {
    /// Migrates the domain to the host of `dest`, this client coordinating both daemons
    /// (protocol version 3 with parameters). Returns the domain on the destination.
    ///
    /// Peer-to-peer and tunnelled migrations go through [`Self::migrate_peer_to_peer`].
    pub async fn migrate(&self, dest: &Connection, opts: &MigrateOptions) -> Result<Domain> {
        let mut flags = opts.flags();
        check_options(flags)?;
        if flags & (flags::PEER2PEER | flags::TUNNELLED) != 0 {
            return Err(Error::InvalidArgument(
                "peer-to-peer and tunnelled migrations are made with migrate_peer_to_peer".into(),
            ));
        }
        if opts.dest_name.as_deref() == Some("") {
            return Err(Error::InvalidArgument(
                "the destination name is empty".into(),
            ));
        }
        // Change protection is re-added for the source's steps only.
        flags &= !flags::CHANGE_PROTECTION;
        for (conn, side) in [(&self.conn, "source"), (dest, "destination")] {
            if flags & flags::OFFLINE != 0
                && !conn.supports_feature(feature::MIGRATION_OFFLINE).await?
            {
                return Err(Error::Unsupported(format!(
                    "offline migration is not supported by the {side} host"
                )));
            }
            if !conn.supports_feature(feature::MIGRATION_PARAMS).await? {
                return Err(Error::Unsupported(format!(
                    "the {side} host does not take migration parameters"
                )));
            }
        }
        let protection = if self
            .conn
            .supports_feature(feature::MIGRATE_CHANGE_PROTECTION)
            .await?
        {
            flags::CHANGE_PROTECTION
        } else {
            0
        };
        self.migrate_v3(dest, opts.params(), flags, protection)
            .await
    }

    /// The steps of `virDomainMigrateVersion3Full` with parameters.
    async fn migrate_v3(
        &self,
        dest: &Connection,
        mut params: Vec<TypedParam>,
        mut flags: u32,
        protection: u32,
    ) -> Result<Domain> {
        let src = &self.conn;
        let begin = src
            .call(&p::DomainMigrateBegin3ParamsArgs {
                dom: self.raw.clone(),
                params: params.clone(),
                flags: flags | protection,
            })
            .await;
        let begin = match begin {
            Ok(b) => b,
            Err(e) => return Err(self.failed(MigrationPhase::Begin, e, Some(dest)).await),
        };
        if let Ok((super::DomainState::Paused, _)) = self.state().await
            && flags & flags::POSTCOPY_RESUME == 0
        {
            flags |= flags::PAUSED;
        }
        let destflags = flags & !(flags::ABORT_ON_ERROR | flags::AUTO_CONVERGE);

        replace_string(&mut params, param::DEST_XML, &begin.xml);
        let prepare = dest
            .call(&p::DomainMigratePrepare3ParamsArgs {
                params: params.clone(),
                cookie_in: begin.cookie_out,
                flags: destflags,
            })
            .await;
        let prepare = match prepare {
            Ok(r) => r,
            Err(e) => {
                if protection != 0 {
                    // Begin started a migration job on the source: Confirm ends it.
                    if let Err(ce) = self
                        .confirm(&params, Opaque::default(), flags | protection, true)
                        .await
                    {
                        tracing::warn!("ending the migration job on the source failed: {ce}");
                    }
                }
                return Err(self.failed(MigrationPhase::Prepare, e, Some(dest)).await);
            }
        };

        let mut cancelled = true;
        let mut notify_source = true;
        let mut first_err: Option<(MigrationPhase, Error)> = None;
        let mut cookie = prepare.cookie_out;
        'perform: {
            if let Some(uri) = &prepare.uri_out {
                replace_string(&mut params, param::URI, uri);
            } else if !has_param(&params, param::URI) {
                first_err = Some((
                    MigrationPhase::Prepare,
                    Error::Unexpected("the destination's prepare step did not set a URI".into()),
                ));
                break 'perform;
            }
            if flags & flags::OFFLINE != 0 {
                cookie = Opaque::default();
                cancelled = false;
                break 'perform;
            }
            let perform = src
                .call(&p::DomainMigratePerform3ParamsArgs {
                    dom: self.raw.clone(),
                    dconnuri: None,
                    params: params.clone(),
                    cookie_in: std::mem::take(&mut cookie),
                    flags: flags | protection,
                })
                .await;
            match perform {
                Ok(r) => {
                    cookie = r.cookie_out;
                    cancelled = false;
                }
                Err(e) => {
                    first_err = Some((MigrationPhase::Perform, e));
                    // The source already knows it failed: no Confirm.
                    notify_source = false;
                }
            }
        }

        if !has_param(&params, param::DEST_NAME) {
            replace_string(&mut params, param::DEST_NAME, self.name());
        }
        let finish = dest
            .call(&p::DomainMigrateFinish3ParamsArgs {
                params: params.clone(),
                cookie_in: std::mem::take(&mut cookie),
                flags: destflags,
                cancelled: i32::from(cancelled),
            })
            .await;
        let (mut ddom, finish_err) = match finish {
            Ok(r) => {
                cookie = r.cookie_out;
                (Some(Domain::from_raw(dest.clone(), r.dom)), None)
            }
            Err(e) => (None, Some(e)),
        };
        // The destination's answer to Finish was lost with the connection: it may run the
        // domain or drop the incoming one. Ask it anew before the source takes the domain back.
        let mut dest = dest.clone();
        let mut dest_unknown = false;
        if !cancelled
            && let Some(e) = &finish_err
            && e.is_connection_gone()
        {
            match recover::reopen(&dest).await {
                Some(fresh) => {
                    ddom = recover::running_on(&fresh, self.raw.uuid).await;
                    if ddom.is_some() {
                        tracing::warn!(
                            "the answer to the finish step was lost, but the destination runs {}",
                            self.name()
                        );
                    }
                    dest = fresh;
                }
                // The source takes the domain back, as libvirt's client does.
                None => dest_unknown = true,
            }
        }
        if cancelled {
            if ddom.is_some() {
                tracing::error!("the finish step ignored that the migration was cancelled");
            } else if let (Some((_, pe)), Some(fe)) = (&first_err, &finish_err)
                && is_qemu(pe, ErrorCode::OPERATION_FAILED)
                && matches!(fe, Error::Libvirt { domain, code, .. }
                    if *domain == ErrorDomain::QEMU && *code != ErrorCode::MIGRATE_FINISH_OK)
            {
                // The domain died on the destination: Finish knows better why.
                first_err = None;
            }
        }
        // Without a domain on the destination, the source must take over again.
        cancelled = ddom.is_none();
        if first_err.is_none()
            && let Some(e) = finish_err
        {
            first_err = Some((MigrationPhase::Finish, e));
        }

        if notify_source
            && let Err(e) = self
                .confirm(&params, cookie, flags | protection, cancelled)
                .await
        {
            tracing::warn!(
                "confirming the migration on the source failed; {} is probably left paused \
                 there: {e}",
                self.name()
            );
        }
        let (phase, e) = match (ddom, first_err) {
            (Some(d), _) => return Ok(d),
            (None, Some(failure)) => failure,
            (None, None) => (
                MigrationPhase::Finish,
                Error::Unexpected("the destination returned no domain".into()),
            ),
        };
        let mut err = self.failed(phase, e, Some(&dest)).await;
        if dest_unknown
            && let Error::Migration { location, .. } = &mut err
            && *location == VmLocation::Source
        {
            *location = VmLocation::SourceDestinationUnknown;
        }
        Err(err)
    }

    async fn confirm(
        &self,
        params: &[TypedParam],
        cookie: Opaque,
        flags: u32,
        cancelled: bool,
    ) -> Result<()> {
        self.conn
            .call(&p::DomainMigrateConfirm3ParamsArgs {
                dom: self.raw.clone(),
                params: params.to_vec(),
                cookie_in: cookie,
                flags,
                cancelled: i32::from(cancelled),
            })
            .await
    }

    /// Migrates the domain with the source daemon coordinating: it connects to the daemon at
    /// `dconnuri` (as the source host sees it) itself. With `opts.tunnelled` the data also
    /// goes through that connection.
    pub async fn migrate_peer_to_peer(&self, dconnuri: &str, opts: &MigrateOptions) -> Result<()> {
        let flags = opts.flags() | flags::PEER2PEER;
        check_options(flags)?;
        check_not_local(dconnuri)?;
        if !self
            .conn
            .supports_feature(feature::MIGRATION_PARAMS)
            .await?
        {
            return Err(Error::Unsupported(
                "the source host does not take migration parameters".into(),
            ));
        }
        let r = self
            .conn
            .call(&p::DomainMigratePerform3ParamsArgs {
                dom: self.raw.clone(),
                dconnuri: Some(dconnuri.into()),
                params: opts.params(),
                cookie_in: Opaque::default(),
                flags,
            })
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) => Err(self.failed(MigrationPhase::Perform, e, None).await),
        }
    }

    /// Switches a running migration started with `post_copy` to post-copy: the guest runs
    /// on the destination from now on and fetches the pages it misses from the source.
    pub async fn migrate_start_post_copy(&self) -> Result<()> {
        self.conn
            .call(&p::DomainMigrateStartPostCopyArgs {
                dom: self.raw.clone(),
                flags: 0,
            })
            .await
    }

    /// Changes the bandwidth limit of a migration (MiB/s), also while it runs.
    pub async fn migrate_set_max_speed(&self, mib_per_s: u64) -> Result<()> {
        self.conn
            .call(&p::DomainMigrateSetMaxSpeedArgs {
                dom: self.raw.clone(),
                bandwidth: mib_per_s,
                flags: 0,
            })
            .await
    }

    /// Changes the longest downtime a live migration may cause at its end, ms.
    pub async fn migrate_set_max_downtime(&self, ms: u64) -> Result<()> {
        self.conn
            .call(&p::DomainMigrateSetMaxDowntimeArgs {
                dom: self.raw.clone(),
                downtime: ms,
                flags: 0,
            })
            .await
    }

    /// Wraps `e`, which ended a migration in `phase`, with where the domain runs now.
    async fn failed(&self, phase: MigrationPhase, e: Error, dest: Option<&Connection>) -> Error {
        let location = self.locate(dest).await;
        Error::Migration {
            phase,
            location,
            source: Box::new(e),
        }
    }

    /// Where the domain is active: asks the source, and the destination (by UUID, which a
    /// migration keeps) when a connection to it is at hand.
    pub async fn locate(&self, dest: Option<&Connection>) -> VmLocation {
        let active = |r: Result<bool>| match r {
            Ok(a) => Some(a),
            Err(e) if e.is(ErrorCode::NO_DOMAIN) => Some(false),
            Err(_) => None,
        };
        let on_source = active(self.is_active().await);
        let on_dest = match dest {
            Some(c) => {
                let r = match Domain::lookup_by_uuid(c, self.raw.uuid).await {
                    Ok(d) => d.is_active().await,
                    Err(e) => Err(e),
                };
                active(r)
            }
            None => None,
        };
        match (on_source, on_dest) {
            (Some(true), Some(false) | None) => VmLocation::Source,
            (Some(false), Some(true)) => VmLocation::Destination,
            (Some(true), Some(true)) => VmLocation::Both,
            (Some(false), Some(false)) => VmLocation::Neither,
            _ => VmLocation::Unknown,
        }
    }
}

fn is_qemu(e: &Error, code: ErrorCode) -> bool {
    matches!(e, Error::Libvirt { domain, code: c, .. } if *domain == ErrorDomain::QEMU && *c == code)
}

/// libvirt refuses peer-to-peer migration to a URI that names this host (`localhost`, or no
/// host and no socket): the source daemon would migrate to itself.
fn check_not_local(dconnuri: &str) -> Result<()> {
    let uri = crate::ConnectUri::parse(dconnuri)?;
    let local = match uri.host() {
        Some(h) => h.starts_with("localhost"),
        None => uri.params().socket.is_none(),
    };
    if local {
        return Err(Error::InvalidArgument(format!(
            "{dconnuri}: attempt to migrate guest to the same host"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacing_a_parameter_keeps_one() {
        let mut ps = vec![TypedParam::new(
            param::URI,
            TypedParamValue::String("a".into()),
        )];
        replace_string(&mut ps, param::URI, "b");
        replace_string(&mut ps, param::DEST_NAME, "n");
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].value.as_str(), Some("b"));
    }

    #[test]
    fn local_peer_uris_are_refused() {
        assert!(check_not_local("qemu+tcp://localhost/system").is_err());
        assert!(check_not_local("qemu:///system").is_err());
        assert!(check_not_local("qemu+unix:///system?socket=/x/sock").is_ok());
        assert!(check_not_local("qemu+tcp://127.0.0.1:16509/system").is_ok());
        assert!(check_options(flags::NON_SHARED_DISK | flags::NON_SHARED_INC).is_err());
    }
}
