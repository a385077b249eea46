//! After the connection to the destination broke while it finished a migration: a new
//! connection to it, and whether it runs the domain (Finish done, its answer lost) or dropped
//! the incoming one with the connection that prepared it. The source must not take the domain
//! back while the destination runs it.

use std::time::Duration;

use virt_proto::xdr::Uuid;

use crate::domain::{Domain, DomainState};
use crate::{Connection, ErrorCode};

/// How long a new connection to the destination may take.
const REOPEN: Duration = Duration::from_secs(15);
/// How long the destination may take to run the domain or drop the incoming one.
const SETTLE: Duration = Duration::from_secs(10);
/// How often its state is asked meanwhile.
const POLL: Duration = Duration::from_millis(100);

/// A new connection to the URI `dest` was opened with (without credentials, so only where
/// none are asked), if one opens in time. Always a new one: a call can fail with the lost
/// connection a moment before the connection itself says it is closed.
pub(super) async fn reopen(dest: &Connection) -> Option<Connection> {
    let uri = dest.connect_uri().as_str().to_owned();
    match tokio::time::timeout(REOPEN, Connection::open(&uri)).await {
        Ok(Ok(c)) => Some(c),
        Ok(Err(e)) => {
            tracing::warn!("reconnecting to the migration's destination failed: {e}");
            None
        }
        Err(_) => {
            tracing::warn!("reconnecting to the migration's destination timed out");
            None
        }
    }
}

/// The domain with `uuid` once it runs on `dest`; `None` once `dest` has none, or when it
/// neither runs nor goes away in time (an incoming domain waits paused for Finish).
pub(super) async fn running_on(dest: &Connection, uuid: Uuid) -> Option<Domain> {
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        match Domain::lookup_by_uuid(dest, uuid).await {
            Ok(d) => match d.state().await {
                Ok((DomainState::Running, _)) => return Some(d),
                // Incoming: waiting for Finish, or for the close of its connection.
                Ok((DomainState::Paused | DomainState::NoState, _)) => {}
                Ok(_) => return None,
                Err(e) if e.is(ErrorCode::NO_DOMAIN) => return None,
                Err(e) => {
                    tracing::warn!("asking the migration's destination failed: {e}");
                    return None;
                }
            },
            Err(e) if e.is(ErrorCode::NO_DOMAIN) => return None,
            Err(e) => {
                tracing::warn!("asking the migration's destination failed: {e}");
                return None;
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}
