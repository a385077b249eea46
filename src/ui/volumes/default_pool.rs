//! libvirt's conventional storage pool `default`, made on first use when a host has no active
//! pool for a new disk: a directory pool in `/var/lib/libvirt/images` on system connections,
//! in the user's `$XDG_DATA_HOME/libvirt/images` on local session connections. An existing but
//! inactive `default` is started instead. What fails is undone: no half-made pool is left.

use std::path::PathBuf;

use virt_client::{ConnectUri, Connection, ErrorCode, StoragePool};
use virt_xml::{PoolXml, builder};

use crate::i18n::gettext_f;
use crate::ui::wizard::finish_message as message;

/// The conventional pool's name.
pub const NAME: &str = "default";

/// Where system daemons keep disk images.
pub const SYSTEM_IMAGES: &str = "/var/lib/libvirt/images";

/// `VIR_STORAGE_POOL_RUNNING`.
const RUNNING: u8 = 2;

/// Pool types whose volumes are image files, as new disks need.
const FILE_POOLS: [&str; 3] = ["dir", "fs", "netfs"];

/// What making a new disk on a host without an active pool does first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultPool {
    /// Define, build, start and autostart the directory pool `default` in this path.
    Create(String),
    /// Start (and autostart) the inactive pool `default`, kept in this path when known.
    Start(Option<String>),
    /// Nothing can be done; the reason, for the user.
    Unavailable(String),
}

impl DefaultPool {
    /// Whether a disk can be made this way.
    pub fn usable(&self) -> bool {
        !matches!(self, DefaultPool::Unavailable(_))
    }

    /// One line for the summary: what will happen to the pool.
    pub fn describe(&self) -> String {
        match self {
            DefaultPool::Create(path) => gettext_f(
                "The storage pool “{}” will be created in {}.",
                &[NAME, path],
            ),
            DefaultPool::Start(Some(path)) => {
                gettext_f("The storage pool “{}” ({}) will be started.", &[NAME, path])
            }
            DefaultPool::Start(None) => {
                gettext_f("The storage pool “{}” will be started.", &[NAME])
            }
            DefaultPool::Unavailable(reason) => reason.clone(),
        }
    }
}

/// The user's data directory as a local session daemon sees it: `$XDG_DATA_HOME`, else
/// `~/.local/share` (inside a Flatpak sandbox, the host's, which the sandbox passes on as
/// `HOST_XDG_DATA_HOME`).
pub fn local_data_home() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let sandboxed = std::env::var_os("FLATPAK_ID").is_some();
    let xdg = if sandboxed {
        absolute("HOST_XDG_DATA_HOME")
    } else {
        absolute("XDG_DATA_HOME")
    };
    xdg.or_else(|| absolute("HOME").map(|h| h.join(".local/share")))
}

/// Where the pool `default` goes for the connection opened with `uri`, whose daemon calls
/// itself `daemon_uri` (e.g. `qemu:///session`); `data_home` is this user's data directory.
///
/// A session daemon keeps images in its user's data directory. That directory belongs to the
/// daemon's host: for a remote session the protocol does not tell where it is, so there the
/// answer is a message asking the user to make a pool on that host instead of a guess.
pub fn target_path(
    uri: &ConnectUri,
    daemon_uri: &str,
    data_home: Option<PathBuf>,
) -> Result<String, String> {
    let session = |path: Option<&str>| path.is_some_and(|p| p.trim_end_matches('/') == "/session");
    let daemon_path = ConnectUri::parse(daemon_uri)
        .ok()
        .and_then(|u| u.path().map(str::to_owned));
    if !session(daemon_path.as_deref()) && !session(uri.path()) {
        return Ok(SYSTEM_IMAGES.to_owned());
    }
    if let Some(host) = uri.host().filter(|h| !h.is_empty()) {
        return Err(gettext_f(
            "{} has no active storage pool, and Hangar cannot tell where the user’s data directory is on that host. Create a storage pool there (for example “virsh pool-define-as default dir --target ~/.local/share/libvirt/images”), then try again.",
            &[host],
        ));
    }
    match data_home {
        Some(home) => Ok(home.join("libvirt/images").display().to_string()),
        None => Err(gettext_f(
            "There is no active storage pool, and neither XDG_DATA_HOME nor HOME says where to create “{}”.",
            &[NAME],
        )),
    }
}

/// Decides what to do for a new disk on `conn`, which has no active pool.
pub async fn plan(conn: &Connection, data_home: Option<PathBuf>) -> DefaultPool {
    match StoragePool::lookup_by_name(conn, NAME).await {
        Ok(pool) => plan_existing(&pool).await,
        Err(e) if e.is(ErrorCode::NO_STORAGE_POOL) => {
            let daemon_uri = conn.uri().await.unwrap_or_default();
            match target_path(conn.connect_uri(), &daemon_uri, data_home) {
                Ok(path) => DefaultPool::Create(path),
                Err(reason) => DefaultPool::Unavailable(reason),
            }
        }
        Err(e) => DefaultPool::Unavailable(gettext_f(
            "The storage pools cannot be read: {}",
            &[&message(&e)],
        )),
    }
}

async fn plan_existing(pool: &StoragePool) -> DefaultPool {
    let doc = match pool
        .xml_desc(0)
        .await
        .map_err(|e| message(&e))
        .and_then(|x| PoolXml::parse(&x).map_err(|e| e.to_string()))
    {
        Ok(doc) => doc,
        Err(e) => {
            return DefaultPool::Unavailable(gettext_f(
                "The storage pool “{}” cannot be read: {}",
                &[NAME, &e],
            ));
        }
    };
    let root = doc.root();
    let kind = root.pool_type(&doc).unwrap_or_default().into_owned();
    if !FILE_POOLS.contains(&kind.as_str()) {
        return DefaultPool::Unavailable(gettext_f(
            "The storage pool “{}” is a “{}” pool, which does not hold disk image files. Start another pool or create one for the new disk.",
            &[NAME, &kind],
        ));
    }
    DefaultPool::Start(root.target_path(&doc).map(|p| p.into_owned()))
}

/// Makes the pool `plan` says; the line telling the user what was done.
pub async fn ensure(conn: &Connection, plan: &DefaultPool) -> Result<String, String> {
    match plan {
        DefaultPool::Create(path) => match StoragePool::lookup_by_name(conn, NAME).await {
            // Made meanwhile (by another client): use it as it is.
            Ok(pool) => start(&pool, None).await,
            Err(e) if e.is(ErrorCode::NO_STORAGE_POOL) => create(conn, path).await,
            Err(e) => Err(failed(path, &message(&e))),
        },
        DefaultPool::Start(path) => {
            let pool = StoragePool::lookup_by_name(conn, NAME)
                .await
                .map_err(|e| message(&e))?;
            start(&pool, path.as_deref()).await
        }
        DefaultPool::Unavailable(reason) => Err(reason.clone()),
    }
}

fn failed(path: &str, why: &str) -> String {
    gettext_f(
        "Could not create the storage pool “{}” in {}: {}",
        &[NAME, path, why],
    )
}

/// Defines, builds, starts and autostarts the pool; on failure removes its definition again.
async fn create(conn: &Connection, path: &str) -> Result<String, String> {
    let xml = builder::dir_pool(NAME, path).map_err(|e| failed(path, &e.to_string()))?;
    let pool = StoragePool::define_xml(conn, &xml.to_string())
        .await
        .map_err(|e| failed(path, &message(&e)))?;
    let made = async {
        pool.build().await?;
        pool.create().await?;
        pool.set_autostart(true).await
    }
    .await;
    if let Err(e) = made {
        let _ = pool.destroy().await;
        if let Err(u) = pool.undefine().await {
            tracing::warn!("roll-back: undefine pool {NAME}: {u}");
        }
        return Err(failed(path, &message(&e)));
    }
    Ok(gettext_f(
        "Created the storage pool “{}” in {} for the new disk.",
        &[NAME, path],
    ))
}

/// Starts the existing pool (building its directory first when it is missing) and sets it to
/// start with the daemon.
async fn start(pool: &StoragePool, path: Option<&str>) -> Result<String, String> {
    let running = pool.info().await.is_ok_and(|i| i.state == RUNNING);
    if !running && let Err(first) = pool.create().await {
        // A directory pool whose directory was removed starts once it is built again.
        let retried = async {
            pool.build().await?;
            pool.create().await
        }
        .await;
        if retried.is_err() {
            return Err(gettext_f(
                "The storage pool “{}” exists but could not be started: {}",
                &[NAME, &message(&first)],
            ));
        }
    }
    if pool.is_persistent().await.unwrap_or(false)
        && let Err(e) = pool.set_autostart(true).await
    {
        tracing::warn!("pool {NAME}: autostart: {e}");
    }
    Ok(match path {
        Some(path) => gettext_f(
            "Started the storage pool “{}” ({}) for the new disk.",
            &[NAME, path],
        ),
        None => gettext_f("Started the storage pool “{}” for the new disk.", &[NAME]),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn path(uri: &str, daemon: &str) -> Result<String, String> {
        let home = Some(PathBuf::from("/home/ann/.local/share"));
        target_path(&ConnectUri::parse(uri).unwrap(), daemon, home)
    }

    #[test]
    fn system_connections_use_var_lib_and_local_sessions_the_data_home() {
        assert_eq!(
            path("qemu:///system", "qemu:///system").unwrap(),
            SYSTEM_IMAGES
        );
        assert_eq!(
            path("qemu+ssh://root@far/system", "qemu:///system").unwrap(),
            SYSTEM_IMAGES
        );
        assert_eq!(
            path("qemu:///session", "qemu:///session").unwrap(),
            "/home/ann/.local/share/libvirt/images"
        );
        // The daemon's own name decides when the URI leaves it to the daemon.
        assert_eq!(
            path("qemu+unix:///session?socket=/s", "qemu:///session").unwrap(),
            "/home/ann/.local/share/libvirt/images"
        );
    }

    #[test]
    fn a_remote_session_is_not_guessed_from_this_machine() {
        let e = path("qemu+ssh://ann@far/session", "qemu:///session").unwrap_err();
        assert!(e.contains("far"), "{e}");
        let none = target_path(
            &ConnectUri::parse("qemu:///session").unwrap(),
            "qemu:///session",
            None,
        );
        assert!(none.is_err());
    }
}
