//! Connection URIs as libvirt reads them: `driver[+transport]://[user@][host][:port]/path?params`.
//!
//! The client-side parameters (`socket`, `mode`, `pkipath`, …) are taken out; the others pass
//! through to the daemon in the name sent with `CONNECT_OPEN` ([`ConnectUri::remote_name`]).

mod escape;
mod local;

pub use local::{LocalEnv, SocketChoice};

use std::fmt;

use escape::{escape_path, escape_query_value, unescape};

/// TCP port of the plain TCP listener (`+tcp`) when the URI names none.
pub const DEFAULT_TCP_PORT: u16 = 16509;
/// TCP port of the TLS listener (`+tls`, or no transport with a host) when the URI names none.
pub const DEFAULT_TLS_PORT: u16 = 16514;
/// TCP port of SSH when the URI names none.
pub const DEFAULT_SSH_PORT: u16 = 22;

/// How the client reaches the daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// A local unix socket (`+unix`, or no transport and no host).
    Unix,
    /// Plain TCP (`+tcp`).
    Tcp,
    /// TLS over TCP (`+tls`, or no transport with a host).
    Tls,
    /// The `ssh` program (`+ssh`).
    Ssh,
    /// libssh (`+libssh`).
    Libssh,
    /// libssh2 (`+libssh2`).
    Libssh2,
    /// An external command speaking the protocol on its stdin/stdout (`+ext`).
    Ext,
}

impl TransportKind {
    /// Parses a transport name as it appears after `+` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "unix" => Self::Unix,
            "tcp" => Self::Tcp,
            "tls" => Self::Tls,
            "ssh" => Self::Ssh,
            "libssh" => Self::Libssh,
            "libssh2" => Self::Libssh2,
            "ext" => Self::Ext,
            _ => return None,
        })
    }

    /// The transport's name in URIs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unix => "unix",
            Self::Tcp => "tcp",
            Self::Tls => "tls",
            Self::Ssh => "ssh",
            Self::Libssh => "libssh",
            Self::Libssh2 => "libssh2",
            Self::Ext => "ext",
        }
    }
}

/// Which daemon's socket a local connection uses (`mode=` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DaemonMode {
    /// A per-driver (modular) daemon's socket if it exists, else libvirtd's.
    #[default]
    Auto,
    /// The monolithic `libvirtd`.
    Legacy,
    /// The per-driver daemon (`virtqemud`, …).
    Direct,
}

/// Why a URI cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// The text is not a URI with a scheme.
    #[error("cannot parse URI '{uri}': {reason}")]
    Syntax {
        /// The URI given.
        uri: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The part after `+` in the scheme is not a known transport.
    #[error(
        "transport '{0}' in URI not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh)"
    )]
    UnknownTransport(String),
    /// The port is not a number from 1 to 65535.
    #[error("invalid port '{0}' in URI")]
    InvalidPort(String),
    /// A unix socket URI names a host.
    #[error("using unix socket and remote server '{0}' is not supported")]
    UnixWithHost(String),
    /// The `ext` transport needs `command=`.
    #[error("for the 'ext' transport, the 'command' parameter is required")]
    ExtWithoutCommand,
    /// `mode=` is not auto, legacy or direct.
    #[error("unknown remote mode '{0}' (should be auto|legacy|direct)")]
    UnknownMode(String),
    /// A boolean parameter (`no_verify`, `no_tty`, `no_sanity`) is not an integer.
    #[error("failed to parse value of URI component {name}: '{value}' is not an integer")]
    InvalidBool {
        /// The parameter.
        name: String,
        /// Its value.
        value: String,
    },
}

/// The parameters the client itself uses; none of them is sent to the daemon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientParams {
    /// `name=`: the name sent in `CONNECT_OPEN` instead of the one built from the URI.
    pub name: Option<String>,
    /// `command=`: the ssh binary, or the command of the `ext` transport.
    pub command: Option<String>,
    /// `socket=`: the unix socket path (locally, or on the far side of ssh).
    pub socket: Option<String>,
    /// `auth=`: the authentication method to ask for.
    pub auth: Option<String>,
    /// `sshauth=`: ssh authentication methods, in order.
    pub sshauth: Option<String>,
    /// `netcat=`: the netcat binary on the far side of ssh.
    pub netcat: Option<String>,
    /// `keyfile=`: the ssh private key.
    pub keyfile: Option<String>,
    /// `pkipath=`: directory of the TLS CA certificate, client certificate and key.
    pub pkipath: Option<String>,
    /// `known_hosts=`: the ssh known-hosts file.
    pub known_hosts: Option<String>,
    /// `known_hosts_verify=`: normal, auto or ignore.
    pub known_hosts_verify: Option<String>,
    /// `tls_priority=`: the TLS priority string.
    pub tls_priority: Option<String>,
    /// `mode=`: which local daemon's socket to use.
    pub mode: DaemonMode,
    /// `proxy=`: how ssh reaches the far socket (auto, netcat, native).
    pub proxy: Option<String>,
    /// `no_sanity=1`: skip the TLS certificate sanity checks.
    pub no_sanity: bool,
    /// `no_verify=1`: do not verify the server's TLS certificate or ssh host key.
    pub no_verify: bool,
    /// `no_tty=1`: ssh must not ask for passwords on a terminal.
    pub no_tty: bool,
}

/// A parsed connection URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectUri {
    text: String,
    scheme: String,
    driver: String,
    transport: TransportKind,
    explicit_transport: bool,
    user: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    path: Option<String>,
    fragment: Option<String>,
    params: ClientParams,
    passthrough: Vec<(String, String)>,
}

impl ConnectUri {
    /// Parses `text` the way libvirt's remote driver does.
    pub fn parse(text: &str) -> Result<Self, UriError> {
        let syntax = |reason| UriError::Syntax {
            uri: text.to_owned(),
            reason,
        };
        let colon = text.find(':').ok_or_else(|| syntax("no scheme"))?;
        let scheme = &text[..colon];
        let mut chars = scheme.chars();
        if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return Err(syntax("invalid scheme"));
        }
        let mut rest = &text[colon + 1..];
        let fragment = match rest.find('#') {
            Some(i) => {
                let f = unescape(&rest[i + 1..]);
                rest = &rest[..i];
                Some(f)
            }
            None => None,
        };
        let query = match rest.find('?') {
            Some(i) => {
                let q = &rest[i + 1..];
                rest = &rest[..i];
                Some(q)
            }
            None => None,
        };
        let (mut user, mut host, mut port) = (None, None, None);
        let path_part = if let Some(after) = rest.strip_prefix("//") {
            let end = after.find('/').unwrap_or(after.len());
            let authority = &after[..end];
            parse_authority(authority, &mut user, &mut host, &mut port, &syntax)?;
            &after[end..]
        } else {
            rest
        };
        let path = (!path_part.is_empty()).then(|| unescape(path_part));

        let (driver, transport, explicit_transport) = match scheme.split_once('+') {
            Some((d, t)) => {
                let t = TransportKind::from_name(t)
                    .ok_or_else(|| UriError::UnknownTransport(t.to_owned()))?;
                (d.to_owned(), t, true)
            }
            None if host.is_some() => (scheme.to_owned(), TransportKind::Tls, false),
            None => (scheme.to_owned(), TransportKind::Unix, false),
        };
        if transport == TransportKind::Unix
            && let Some(h) = &host
        {
            return Err(UriError::UnixWithHost(h.clone()));
        }

        let mut params = ClientParams::default();
        let mut passthrough = Vec::new();
        for (name, value) in parse_query(query.unwrap_or("")) {
            if !take_client_param(&mut params, &name, &value)? {
                passthrough.push((name, value));
            }
        }
        if transport == TransportKind::Ext && params.command.is_none() {
            return Err(UriError::ExtWithoutCommand);
        }
        Ok(ConnectUri {
            text: text.to_owned(),
            scheme: scheme.to_owned(),
            driver,
            transport,
            explicit_transport,
            user,
            host,
            port,
            path,
            fragment,
            params,
            passthrough,
        })
    }

    /// The URI as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The scheme with its transport (`qemu+ssh`).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The hypervisor driver (`qemu`, `test`, `lxc`, `remote`, …).
    pub fn driver(&self) -> &str {
        &self.driver
    }

    /// How to reach the daemon.
    pub fn transport(&self) -> TransportKind {
        self.transport
    }

    /// Whether the scheme names its transport (`qemu+tcp`) rather than implying it.
    pub fn has_explicit_transport(&self) -> bool {
        self.explicit_transport
    }

    /// The user name before `@`.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The host name or address (IPv6 without brackets).
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The port given in the URI.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port to connect to: the URI's, else the transport's default (none for unix/ext).
    pub fn effective_port(&self) -> Option<u16> {
        self.port.or(match self.transport {
            TransportKind::Tcp => Some(DEFAULT_TCP_PORT),
            TransportKind::Tls => Some(DEFAULT_TLS_PORT),
            TransportKind::Ssh | TransportKind::Libssh | TransportKind::Libssh2 => {
                Some(DEFAULT_SSH_PORT)
            }
            TransportKind::Unix | TransportKind::Ext => None,
        })
    }

    /// The path (`/system`, `/session`, `/default`, `/abs/node.xml`), unescaped.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The fragment after `#`, unescaped.
    pub fn fragment(&self) -> Option<&str> {
        self.fragment.as_deref()
    }

    /// The client-side parameters.
    pub fn params(&self) -> &ClientParams {
        &self.params
    }

    /// The parameters passed through to the daemon, in order, unescaped.
    pub fn passthrough(&self) -> &[(String, String)] {
        &self.passthrough
    }

    /// Whether the driver is `remote` (the daemon then picks its default driver).
    pub fn is_remote_driver(&self) -> bool {
        self.driver == "remote"
    }

    /// The name sent in `CONNECT_OPEN`: `name=` if given; `""` for the `remote` driver; else
    /// the URI without transport, user, host, port and client-side parameters
    /// (`qemu+unix:///system?socket=/x` → `qemu:///system`).
    pub fn remote_name(&self) -> String {
        if let Some(name) = &self.params.name {
            return name.clone();
        }
        if self.is_remote_driver() {
            return String::new();
        }
        let mut out = format!("{}://", self.driver);
        if let Some(p) = &self.path {
            out.push_str(&escape_path(p));
        }
        let mut first = true;
        for (name, value) in &self.passthrough {
            out.push(if first { '?' } else { '&' });
            first = false;
            out.push_str(name);
            out.push('=');
            out.push_str(&escape_query_value(value));
        }
        if let Some(f) = &self.fragment {
            out.push('#');
            out.push_str(&escape_path(f));
        }
        out
    }

    /// Whether this is a per-user (session) URI for a local daemon as user `euid`: a
    /// `/session` path, or the test driver with a transport, when not root.
    pub fn wants_user_daemon(&self, euid: u32) -> bool {
        euid != 0
            && self.path.is_some()
            && (self.path.as_deref() == Some("/session") || self.scheme.starts_with("test+"))
    }
}

impl fmt::Display for ConnectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for ConnectUri {
    type Err = UriError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn parse_authority(
    authority: &str,
    user: &mut Option<String>,
    host: &mut Option<String>,
    port: &mut Option<u16>,
    syntax: &dyn Fn(&'static str) -> UriError,
) -> Result<(), UriError> {
    let hostport = match authority.rfind('@') {
        Some(i) => {
            *user = Some(unescape(&authority[..i]));
            &authority[i + 1..]
        }
        None => authority,
    };
    let (h, p) = if let Some(inner) = hostport.strip_prefix('[') {
        let close = inner
            .find(']')
            .ok_or_else(|| syntax("unclosed '[' in host"))?;
        let after = &inner[close + 1..];
        let p = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(syntax("junk after ']' in host")),
        };
        (&inner[..close], p)
    } else {
        match hostport.rfind(':') {
            Some(i) => (&hostport[..i], Some(&hostport[i + 1..])),
            None => (hostport, None),
        }
    };
    if !h.is_empty() {
        *host = Some(unescape(h));
    }
    if let Some(p) = p {
        // "host:" (empty port) means no port, as in libxml2.
        if !p.is_empty() {
            let n: u16 = p.parse().map_err(|_| UriError::InvalidPort(p.to_owned()))?;
            if n == 0 {
                return Err(UriError::InvalidPort(p.to_owned()));
            }
            // libvirt ignores a port when there is no host.
            if host.is_some() {
                *port = Some(n);
            }
        }
    }
    Ok(())
}

/// Splits a query into unescaped `(name, value)` pairs like libvirt: sections separated by `&`
/// (or `;`), `name` alone means an empty value, `=value` alone is ignored.
fn parse_query(query: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = query;
    while !rest.is_empty() {
        let end = rest
            .find('&')
            .or_else(|| rest.find(';'))
            .unwrap_or(rest.len());
        let section = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        if section.is_empty() {
            continue;
        }
        match section.split_once('=') {
            None => out.push((unescape(section), String::new())),
            Some(("", _)) => {}
            Some((n, v)) => out.push((unescape(n), unescape(v))),
        }
    }
    out
}

fn take_client_param(p: &mut ClientParams, name: &str, value: &str) -> Result<bool, UriError> {
    let lower = name.to_ascii_lowercase();
    let slot = match lower.as_str() {
        "name" => &mut p.name,
        "command" => &mut p.command,
        "socket" => &mut p.socket,
        "auth" => &mut p.auth,
        "sshauth" => &mut p.sshauth,
        "netcat" => &mut p.netcat,
        "keyfile" => &mut p.keyfile,
        "pkipath" => &mut p.pkipath,
        "known_hosts" => &mut p.known_hosts,
        "known_hosts_verify" => &mut p.known_hosts_verify,
        "tls_priority" => &mut p.tls_priority,
        "proxy" => &mut p.proxy,
        "mode" => {
            p.mode = match value {
                "auto" => DaemonMode::Auto,
                "legacy" => DaemonMode::Legacy,
                "direct" => DaemonMode::Direct,
                other => return Err(UriError::UnknownMode(other.to_owned())),
            };
            return Ok(true);
        }
        "no_sanity" | "no_verify" | "no_tty" => {
            let n: i64 = value.trim().parse().map_err(|_| UriError::InvalidBool {
                name: name.to_owned(),
                value: value.to_owned(),
            })?;
            let flag = match lower.as_str() {
                "no_sanity" => &mut p.no_sanity,
                "no_verify" => &mut p.no_verify,
                _ => &mut p.no_tty,
            };
            *flag = n != 0;
            return Ok(true);
        }
        // Read by the authentication layer; never sent.
        "authfile" => return Ok(true),
        _ => return Ok(false),
    };
    *slot = Some(value.to_owned());
    Ok(true)
}

#[cfg(test)]
mod tests;
