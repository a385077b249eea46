//! The `+ssh` transport through the system's `ssh` program, so the user's `~/.ssh/config`,
//! agent, `known_hosts` and `ProxyJump` apply. One control master per host is shared by every
//! channel; passwords and passphrases go through `SSH_ASKPASS` to the credential callback.
//! Host key checking stays as the user's configuration has it. `+libssh` and `+libssh2` URIs
//! take the same way, their parameters turned into ssh options (see `libssh`).

mod failure;
mod known_hosts;
mod libssh;
mod trust;

pub use failure::SshError;
pub(crate) use trust::offer_trust;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tokio::process::Command;

use super::{Reader, Writer, child};
use crate::askpass::{AskpassServer, SOCKET_ENV};
use crate::credentials::Credentials;
use crate::uri::{ConnectUri, DaemonMode, TransportKind};

/// How the far side reaches the daemon's socket (`proxy=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proxy {
    /// `virt-ssh-helper` when installed, else netcat.
    Auto,
    /// netcat (`nc -U socket`).
    Netcat,
    /// `virt-ssh-helper URI`.
    Native,
}

/// What the ssh transport needs beyond the URI.
#[derive(Debug, Clone, Default)]
pub(crate) struct SshSettings {
    /// Answers ssh's password and passphrase prompts.
    pub(crate) credentials: Option<Credentials>,
    /// The `SSH_ASKPASS` program that forwards prompts to [`Self::credentials`].
    pub(crate) askpass_program: Option<PathBuf>,
    /// Where the reason goes when ssh fails.
    pub(crate) failure: Arc<OnceLock<SshError>>,
    /// ssh's own question whether to trust an unknown host key, once asked.
    pub(crate) host_key_asked: Arc<OnceLock<String>>,
}

/// The directory of the control sockets: `$XDG_RUNTIME_DIR/hangar`, else a per-user
/// directory under the temporary directory.
pub fn control_dir() -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d).join("hangar"),
        _ => {
            // SAFETY: geteuid has no preconditions and cannot fail.
            let uid = unsafe { libc::geteuid() };
            std::env::temp_dir().join(format!("hangar-{uid}"))
        }
    }
}

/// The control socket of the master `uri` goes through, as an ssh `ControlPath`: a digest of
/// what makes one ssh session — who logs in where (user, host as named, port), with which ssh
/// program and key — and of what decides which host keys are trusted (`known_hosts=`,
/// `known_hosts_verify=`), so a master made with one known hosts file never carries a
/// connection that names another, while connections that differ only on the far side (socket,
/// netcat) share one login. Short on purpose: ssh adds a 17-character suffix while it binds and
/// a unix socket's path has room for 107 bytes, so the runtime directory may be long (ssh's own
/// `%C` alone takes 40).
pub fn control_path(uri: &ConnectUri) -> PathBuf {
    let p = uri.params();
    let id = [
        uri.user().unwrap_or_default().to_owned(),
        uri.host().unwrap_or("localhost").to_owned(),
        uri.port().map(|n| n.to_string()).unwrap_or_default(),
        p.command.clone().unwrap_or_default(),
        p.keyfile.clone().unwrap_or_default(),
        p.known_hosts.clone().unwrap_or_default(),
        p.known_hosts_verify.clone().unwrap_or_default(),
    ]
    .join("\0");
    let digest = ring::digest::digest(&ring::digest::SHA256, id.as_bytes());
    let tag: String = digest.as_ref()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    control_dir().join(format!("ssh-{tag}"))
}

/// Quotes `s` for a POSIX shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The command run on the far side.
pub(crate) fn remote_command(uri: &ConnectUri, read_only: bool) -> Result<String, String> {
    let p = uri.params();
    let proxy = match p.proxy.as_deref() {
        None | Some("auto") => Proxy::Auto,
        Some("netcat") => Proxy::Netcat,
        Some("native") => Proxy::Native,
        Some(other) => {
            return Err(format!(
                "unknown proxy '{other}' (should be auto|netcat|native)"
            ));
        }
    };
    // A socket named in the URI can only be reached with netcat.
    let proxy = if proxy == Proxy::Auto && p.socket.is_some() {
        Proxy::Netcat
    } else {
        proxy
    };
    let socket = match &p.socket {
        Some(s) => s.clone(),
        None => default_socket(uri.driver(), p.mode, read_only),
    };
    let nc = p.netcat.as_deref().unwrap_or("nc");
    let netcat = format!(
        "if {nc} -q 2>&1 | grep 'requires an argument' >/dev/null 2>&1; then ARG=-q0; \
         else ARG=; fi; exec {nc} $ARG -U {sock}",
        nc = quote(nc),
        sock = quote(&socket)
    );
    let ro = if read_only { " -r" } else { "" };
    let helper = format!("virt-ssh-helper{ro} {}", quote(&uri.remote_name()));
    let script = match proxy {
        Proxy::Native => return Ok(helper),
        Proxy::Netcat => netcat,
        Proxy::Auto => format!(
            "if command -v virt-ssh-helper >/dev/null 2>&1; then exec {helper}; else {netcat}; fi"
        ),
    };
    Ok(format!("sh -c {}", quote(&script)))
}

/// The daemon socket on the far side when the URI names none.
fn default_socket(driver: &str, mode: DaemonMode, read_only: bool) -> String {
    let suffix = if read_only { "-ro" } else { "" };
    match mode {
        DaemonMode::Direct if driver != "remote" => {
            format!("/var/run/libvirt/virt{driver}d-sock{suffix}")
        }
        _ => format!("/var/run/libvirt/libvirt-sock{suffix}"),
    }
}

/// Starts `ssh` to the URI's host running the remote command.
pub(crate) fn connect_ssh(
    uri: &ConnectUri,
    read_only: bool,
    settings: &SshSettings,
) -> io::Result<(Reader, Writer)> {
    let remote = remote_command(uri, read_only).map_err(io::Error::other)?;
    let (cmd, program, askpass) = ssh_command(uri, settings, &remote)?;
    let failure = child::FailureSlot {
        host: uri.host().unwrap_or("localhost").to_owned(),
        error: settings.failure.clone(),
    };
    child::spawn(cmd, &program, askpass, Some(failure))
}

/// The `ssh` command line to the URI's host running `remote`, through the host's control
/// master (started when there is none), with the URI's port, user, key file and known hosts
/// file; also the program's name and the askpass listener that must live as long as it.
pub(crate) fn ssh_command(
    uri: &ConnectUri,
    settings: &SshSettings,
    remote: &str,
) -> io::Result<(Command, String, Option<AskpassServer>)> {
    let p = uri.params();
    let host = uri.host().unwrap_or("localhost");
    let program = p.command.as_deref().unwrap_or("ssh");
    let control = control_dir();
    std::fs::create_dir_all(&control)?;
    set_private(&control)?;
    let mut cmd = Command::new(program);
    ssh_args(&mut cmd, uri)?;
    cmd.args(["-T", "-e", "none", "-o", "ControlMaster=auto", "-o"])
        .arg(format!("ControlPath={}", control_path(uri).display()))
        .args(["-o", "ControlPersist=60"]);
    let mut askpass = None;
    if p.no_tty {
        cmd.args(["-o", "BatchMode=yes"]);
    } else if let (Some(creds), Some(prog)) = (&settings.credentials, &settings.askpass_program) {
        let server = AskpassServer::start(Arc::new(trust::NoteHostKeyQuestion {
            inner: creds.0.clone(),
            asked: settings.host_key_asked.clone(),
        }))?;
        cmd.env("SSH_ASKPASS", prog)
            .env("SSH_ASKPASS_REQUIRE", "force")
            .env(SOCKET_ENV, server.socket());
        askpass = Some(server);
    }
    cmd.arg("--").arg(host).arg(remote);
    Ok((cmd, program.to_owned(), askpass))
}

/// The options that choose the login and the host key checks: the URI's port, user, key
/// file, libssh parameters and known hosts file.
pub(crate) fn ssh_args(cmd: &mut Command, uri: &ConnectUri) -> io::Result<()> {
    let p = uri.params();
    if let Some(port) = uri.port() {
        cmd.arg("-p").arg(port.to_string());
    }
    if let Some(user) = uri.user() {
        cmd.arg("-l").arg(user);
    }
    if let Some(key) = &p.keyfile {
        cmd.arg("-i").arg(key);
    }
    // libssh's options come first: ssh keeps the first value it is given.
    if matches!(
        uri.transport(),
        TransportKind::Libssh | TransportKind::Libssh2
    ) {
        for o in libssh::options(p).map_err(io::Error::other)? {
            cmd.arg("-o").arg(o);
        }
    }
    if let Some(kh) = &p.known_hosts {
        cmd.arg("-o").arg(format!("UserKnownHostsFile={kh}"));
    }
    Ok(())
}

/// A shell command on the far side that joins its stdin and stdout to `target` with netcat
/// (the URI's `netcat=` program), quitting when its input ends.
pub(crate) fn netcat_command(uri: &ConnectUri, target: &[&str]) -> String {
    let nc = uri.params().netcat.as_deref().unwrap_or("nc");
    let target: Vec<String> = target.iter().map(|t| quote(t)).collect();
    let script = format!(
        "if {nc} -q 2>&1 | grep 'requires an argument' >/dev/null 2>&1; then ARG=-q0; \
         else ARG=; fi; exec {nc} $ARG {target}",
        nc = quote(nc),
        target = target.join(" ")
    );
    format!("sh -c {}", quote(&script))
}

fn set_private(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_commands() {
        let u = ConnectUri::parse("qemu+ssh://h/system?socket=/x/s%27q&netcat=/bin/nc").unwrap();
        let c = remote_command(&u, false).unwrap();
        assert!(c.starts_with("sh -c '"), "{c}");
        assert!(c.contains("/bin/nc") && c.contains("-U"), "{c}");
        assert!(!c.contains("virt-ssh-helper"));
        let u = ConnectUri::parse("qemu+ssh://h/system").unwrap();
        let c = remote_command(&u, true).unwrap();
        assert!(c.contains("virt-ssh-helper -r"), "{c}");
        assert!(c.contains("libvirt-sock-ro"), "{c}");
        let u = ConnectUri::parse("qemu+ssh://h/system?proxy=native").unwrap();
        assert_eq!(
            remote_command(&u, false).unwrap(),
            "virt-ssh-helper 'qemu:///system'"
        );
        let u = ConnectUri::parse("qemu+ssh://h/system?proxy=bogus").unwrap();
        assert!(remote_command(&u, false).is_err());
    }
}
