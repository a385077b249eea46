//! Which local unix socket a URI means, and which daemon to start when nothing answers.

use std::path::{Path, PathBuf};

use super::{ConnectUri, DaemonMode, TransportKind};

/// Facts about the local process that socket selection depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEnv {
    /// Effective user id.
    pub euid: u32,
    /// `$XDG_RUNTIME_DIR`.
    pub runtime_dir: Option<PathBuf>,
    /// `$HOME` (the per-user directory falls back to `$HOME/.cache` without a runtime dir).
    pub home: Option<PathBuf>,
    /// `$LIBVIRT_AUTOSTART` is not `0`.
    pub autostart: bool,
    /// `$VIRTD_PATH`, else `$LIBVIRTD_PATH`: the daemon binary to start instead of the default.
    pub daemon_override: Option<PathBuf>,
    /// Where daemon binaries live (`/usr/sbin`).
    pub sbin_dir: PathBuf,
    /// The system-wide run directory (`/var/run/libvirt`; `/var/run` links to `/run`).
    pub system_run_dir: PathBuf,
}

impl LocalEnv {
    /// The facts of the running process.
    pub fn from_process() -> Self {
        let var = |n: &str| std::env::var_os(n).filter(|v| !v.is_empty());
        LocalEnv {
            // SAFETY: geteuid has no preconditions and cannot fail.
            euid: unsafe { libc::geteuid() },
            runtime_dir: var("XDG_RUNTIME_DIR").map(PathBuf::from),
            home: var("HOME").map(PathBuf::from),
            autostart: var("LIBVIRT_AUTOSTART").is_none_or(|v| v != "0"),
            daemon_override: var("VIRTD_PATH")
                .or_else(|| var("LIBVIRTD_PATH"))
                .map(PathBuf::from),
            sbin_dir: PathBuf::from("/usr/sbin"),
            system_run_dir: PathBuf::from("/var/run/libvirt"),
        }
    }

    fn user_dir(&self) -> PathBuf {
        match (&self.runtime_dir, &self.home) {
            (Some(r), _) => r.join("libvirt"),
            (None, Some(h)) => h.join(".cache/libvirt"),
            (None, None) => PathBuf::from("/tmp/libvirt"),
        }
    }
}

/// The socket to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketChoice {
    /// The unix socket.
    pub path: PathBuf,
    /// The daemon that serves it (`libvirtd`, `virtqemud`, `virtproxyd`).
    pub daemon: String,
    /// The daemon binary to start (`--timeout=120`) when nothing answers: only for a per-user
    /// daemon without an explicit `socket=`.
    pub autostart: Option<PathBuf>,
}

impl ConnectUri {
    /// The local socket this URI means for a unix-transport connection; `read_only` picks the
    /// `-ro` socket of a system daemon. `exists` tells whether a path exists (mode auto).
    pub fn local_socket(
        &self,
        read_only: bool,
        env: &LocalEnv,
        exists: impl Fn(&Path) -> bool,
    ) -> SocketChoice {
        let user = self.wants_user_daemon(env.euid);
        let autostart_wanted = user
            && self.host().is_none()
            && self.transport() == TransportKind::Unix
            && env.autostart;
        let sock_path = |prefix: &str| -> PathBuf {
            if user {
                env.user_dir().join(format!("{prefix}-sock"))
            } else {
                let suffix = if read_only { "sock-ro" } else { "sock" };
                env.system_run_dir.join(format!("{prefix}-{suffix}"))
            }
        };
        let (direct_daemon, direct_sock) = if self.is_remote_driver() {
            ("virtproxyd".to_owned(), sock_path("libvirt"))
        } else {
            let d = format!("virt{}d", self.driver());
            let s = sock_path(&d);
            (d, s)
        };
        let legacy_sock = sock_path("libvirt");
        let mode = match self.params().mode {
            DaemonMode::Auto if self.transport() == TransportKind::Unix => {
                if exists(&direct_sock) {
                    DaemonMode::Direct
                } else {
                    // Debian builds libvirt with the legacy daemon as the default.
                    DaemonMode::Legacy
                }
            }
            DaemonMode::Auto => DaemonMode::Legacy,
            m => m,
        };
        let (path, daemon) = match mode {
            DaemonMode::Direct => (direct_sock, direct_daemon),
            _ => (legacy_sock, "libvirtd".to_owned()),
        };
        let explicit = self.params().socket.as_ref().map(PathBuf::from);
        let autostart = (autostart_wanted && explicit.is_none()).then(|| {
            env.daemon_override
                .clone()
                .unwrap_or_else(|| env.sbin_dir.join(&daemon))
        });
        SocketChoice {
            path: explicit.unwrap_or(path),
            daemon,
            autostart,
        }
    }
}
