//! Opening a connection: transport, authentication, feature checks, `CONNECT_OPEN`.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU32;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use virt_proto::remote::{
    AuthListArgs, AuthPolkitArgs, AuthType, ConnectOpenArgs, ConnectSupportsFeatureArgs,
};

use super::Connection;
use super::owner::{Command, Owner};
use crate::credentials::{CredentialPrompt, Credentials, PromptClock, Timed};
use crate::error::{Error, Result};
use crate::transport::{self, Reader, SshError, Writer};
use crate::uri::{ConnectUri, LocalEnv, TransportKind};

/// `VIR_CONNECT_RO`.
const CONNECT_RO: u32 = 1;

/// Driver features a client asks the daemon about (`VIR_DRV_FEATURE_*`).
pub(crate) mod feature {
    /// The daemon speaks the keepalive program.
    pub(crate) const PROGRAM_KEEPALIVE: i32 = 10;
    /// The daemon filters events per callback id (`*_CALLBACK_REGISTER_ANY`).
    pub(crate) const REMOTE_EVENT_CALLBACK: i32 = 14;
    /// The daemon supports the close callback procedures.
    pub(crate) const REMOTE_CLOSE_CALLBACK: i32 = 15;
}

/// How often to check the peer is alive, and how many unanswered checks mean it is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepaliveConfig {
    /// Send a PING after this long without hearing from the daemon (libvirt's default: 5 s).
    pub interval: Duration,
    /// Give up after this many PINGs go unanswered (libvirt's default: 5).
    pub count: u32,
}

impl Default for KeepaliveConfig {
    fn default() -> Self {
        KeepaliveConfig {
            interval: Duration::from_secs(5),
            count: 5,
        }
    }
}

/// Options for [`Connection::open_with`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// Open read-only (`VIR_CONNECT_RO`; the `-ro` socket locally).
    pub read_only: bool,
    /// Keepalive settings; `None` disables sending PINGs (PINGs from the daemon are still
    /// answered).
    pub keepalive: Option<KeepaliveConfig>,
    /// Give up when connecting and opening take longer than this.
    pub timeout: Duration,
    /// Asks for user names, passwords and passphrases (SASL, ssh).
    pub credentials: Option<Credentials>,
    /// The `SSH_ASKPASS` program that forwards ssh's prompts to [`Self::credentials`]
    /// (it calls [`crate::askpass::run_helper`]).
    pub askpass_program: Option<PathBuf>,
    /// How long a stream whose reader takes nothing may hold up other calls. Once a stream
    /// has 4 MiB waiting for its reader, the socket is no longer read (so the daemon waits
    /// instead of the client buffering without bound), and replies behind the stream's data
    /// wait too; after this long the stream is aborted so they come through.
    pub stream_stall_limit: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            read_only: false,
            keepalive: Some(KeepaliveConfig::default()),
            timeout: Duration::from_secs(30),
            credentials: None,
            askpass_program: None,
            stream_stall_limit: Duration::from_secs(30),
        }
    }
}

impl ConnectOptions {
    /// Read-write, default keepalive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets read-only.
    pub fn read_only(mut self, ro: bool) -> Self {
        self.read_only = ro;
        self
    }

    /// Sets the keepalive settings.
    pub fn keepalive(mut self, ka: Option<KeepaliveConfig>) -> Self {
        self.keepalive = ka;
        self
    }

    /// Sets the credential callback (libvirt's `virConnectOpenAuth`).
    pub fn with_credentials(mut self, prompt: Arc<dyn CredentialPrompt>) -> Self {
        self.credentials = Some(Credentials(prompt));
        self
    }

    /// Sets the program ssh runs to ask for passwords and passphrases.
    pub fn askpass_program(mut self, program: impl Into<PathBuf>) -> Self {
        self.askpass_program = Some(program.into());
        self
    }

    /// Sets how long a stream nobody reads may hold up other calls (see the field
    /// `stream_stall_limit`).
    pub fn stream_stall_limit(mut self, limit: Duration) -> Self {
        self.stream_stall_limit = limit;
        self
    }

    /// Sets the time limit of the open sequence.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
}

impl Connection {
    /// Opens a read-write connection with default options.
    pub async fn open(uri: &str) -> Result<Connection> {
        Self::open_with(uri, ConnectOptions::default()).await
    }

    /// Opens a read-only connection.
    pub async fn open_read_only(uri: &str) -> Result<Connection> {
        Self::open_with(uri, ConnectOptions::default().read_only(true)).await
    }

    /// Opens a connection: connects the transport the URI names, authenticates, checks
    /// features and sends `CONNECT_OPEN`.
    pub async fn open_with(uri: &str, mut opts: ConnectOptions) -> Result<Connection> {
        let uri = ConnectUri::parse(uri)?;
        // Time the user spends answering questions does not count against the limit.
        let clock = Arc::new(PromptClock::default());
        opts.credentials = opts
            .credentials
            .as_ref()
            .map(|c| Timed::wrap(c, clock.clone()));
        let fresh = || transport::SshSettings {
            credentials: opts.credentials.clone(),
            askpass_program: opts.askpass_program.clone(),
            ..Default::default()
        };
        let ssh = fresh();
        match Self::open_once(&uri, &opts, &clock, &ssh).await {
            // ssh did not know the host's key: once the user trusts it, connect again.
            Err(Error::Ssh(unknown @ SshError::HostKeyUnknown { .. })) => {
                transport::offer_trust(&uri, &ssh, unknown)
                    .await
                    .map_err(Error::Ssh)?;
                Self::open_once(&uri, &opts, &clock, &fresh()).await
            }
            other => other,
        }
    }

    /// One attempt of [`Self::open_with`] with `ssh`'s settings.
    async fn open_once(
        uri: &ConnectUri,
        opts: &ConnectOptions,
        clock: &PromptClock,
        ssh: &transport::SshSettings,
    ) -> Result<Connection> {
        let limit = opts.timeout;
        let connecting = async {
            let (reader, writer) = connect_transport(uri, opts, ssh).await?;
            let conn = Self::start(reader, writer, uri.clone(), opts);
            conn.set_ssh_settings(ssh.clone());
            Ok::<_, Error>(conn)
        };
        let conn = within(limit, clock, connecting)
            .await
            .ok_or_else(|| Error::Timeout(format!("connecting to {uri} took over {limit:?}")))??;
        match within(limit, clock, handshake(&conn, opts)).await {
            Some(Ok(())) => Ok(conn),
            Some(Err(e)) => {
                conn.shutdown().await;
                // ssh's own account of the failure says more than a lost connection.
                match ssh.failure.get() {
                    Some(failure) => Err(Error::Ssh(failure.clone())),
                    None => Err(e),
                }
            }
            None => {
                conn.shutdown().await;
                Err(Error::Timeout(format!(
                    "opening {uri}: the daemon did not answer within {limit:?}"
                )))
            }
        }
    }

    /// Starts the owner task over an already connected transport.
    pub(crate) fn start(
        reader: Reader,
        writer: Writer,
        uri: ConnectUri,
        opts: &ConnectOptions,
    ) -> Connection {
        let (tx, rx) = mpsc::unbounded_channel();
        let (closed_tx, closed_rx) = watch::channel(None);
        let serials = Arc::new(AtomicU32::new(0));
        let owner = Owner::new(
            reader,
            writer,
            rx,
            closed_tx,
            serials.clone(),
            opts.stream_stall_limit,
        );
        tokio::spawn(owner.run());
        Connection::from_parts(tx, closed_rx, serials, uri, opts.read_only)
    }

    /// Whether this connection's server was not authenticated: TLS with `no_verify=1`, so
    /// anyone on the path could pose as the daemon. A UI should show it as insecure.
    pub fn is_server_unverified(&self) -> bool {
        let uri = self.connect_uri();
        uri.transport() == TransportKind::Tls && uri.params().no_verify
    }

    /// Whether the daemon supports a driver feature (`VIR_DRV_FEATURE_*`).
    pub async fn supports_feature(&self, feature: i32) -> Result<bool> {
        let ret = self.call(&ConnectSupportsFeatureArgs { feature }).await?;
        Ok(ret.supported != 0)
    }
}

async fn connect_transport(
    uri: &ConnectUri,
    opts: &ConnectOptions,
    ssh: &transport::SshSettings,
) -> Result<(Reader, Writer)> {
    let read_only = opts.read_only;
    match uri.transport() {
        TransportKind::Unix => {
            let env = LocalEnv::from_process();
            let choice = uri.local_socket(read_only, &env, Path::exists);
            let r = match &choice.autostart {
                Some(daemon) => transport::connect_unix_autostart(&choice.path, daemon).await,
                None => transport::connect_unix(&choice.path).await,
            };
            r.map_err(|e| {
                context(
                    e,
                    &format!("cannot connect to socket '{}'", choice.path.display()),
                )
            })
        }
        TransportKind::Tcp => {
            let host = uri.host().unwrap_or("localhost");
            let port = uri.effective_port().unwrap_or(crate::uri::DEFAULT_TCP_PORT);
            transport::connect_tcp(host, port)
                .await
                .map_err(|e| context(e, &format!("cannot connect to {host}:{port}")))
        }
        TransportKind::Tls => {
            let host = uri.host().unwrap_or("localhost");
            let port = uri.effective_port().unwrap_or(crate::uri::DEFAULT_TLS_PORT);
            let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
            // SAFETY: geteuid has no preconditions and cannot fail.
            let euid = unsafe { libc::geteuid() };
            let settings = transport::TlsSettings {
                pki: transport::PkiPaths::resolve(
                    uri.params().pkipath.as_deref(),
                    euid,
                    home.as_deref(),
                ),
                no_verify: uri.params().no_verify,
            };
            transport::connect_tls(host, port, &settings).await
        }
        TransportKind::Ssh | TransportKind::Libssh | TransportKind::Libssh2 => {
            Ok(transport::connect_ssh(uri, read_only, ssh)?)
        }
        TransportKind::Ext => {
            let command = uri.params().command.as_deref().unwrap_or_default();
            Ok(transport::connect_ext(command)?)
        }
    }
}

/// Runs `fut` for at most `limit`, not counting the time `clock` says the user was being
/// asked something; `None` when the time ran out.
async fn within<F: Future>(limit: Duration, clock: &PromptClock, fut: F) -> Option<F::Output> {
    let start = tokio::time::Instant::now();
    tokio::pin!(fut);
    loop {
        let deadline = start + limit + clock.excluded();
        tokio::select! {
            out = &mut fut => return Some(out),
            () = tokio::time::sleep_until(deadline) => {
                if !clock.prompting() && tokio::time::Instant::now() >= start + limit + clock.excluded() {
                    return None;
                }
            }
        }
    }
}

fn context(e: io::Error, what: &str) -> Error {
    Error::Io(io::Error::new(e.kind(), format!("{what}: {e}")))
}

/// libvirt's open sequence: AUTH_LIST, authentication, keepalive feature check, CONNECT_OPEN,
/// then the event and close callback feature checks.
async fn handshake(conn: &Connection, opts: &ConnectOptions) -> Result<()> {
    let uri = conn.connect_uri().clone();
    authenticate(
        conn,
        uri.params().auth.as_deref(),
        opts.credentials.as_ref(),
    )
    .await?;
    if conn.supports_feature(feature::PROGRAM_KEEPALIVE).await?
        && let Some(ka) = opts.keepalive
    {
        conn.command(Command::Keepalive {
            interval: ka.interval,
            count: ka.count,
        })?;
    }
    let flags = if opts.read_only { CONNECT_RO } else { 0 };
    conn.call(&ConnectOpenArgs {
        name: Some(uri.remote_name()),
        flags,
    })
    .await?;
    conn.supports_feature(feature::REMOTE_EVENT_CALLBACK)
        .await?;
    conn.supports_feature(feature::REMOTE_CLOSE_CALLBACK)
        .await?;
    Ok(())
}

async fn authenticate(
    conn: &Connection,
    wanted: Option<&str>,
    credentials: Option<&Credentials>,
) -> Result<()> {
    let list = conn.call(&AuthListArgs).await?;
    let Some(first) = list.types.first().copied() else {
        return Ok(());
    };
    let chosen = match wanted {
        None => first,
        Some(name) => {
            let want = match name.to_ascii_lowercase().as_str() {
                "none" => AuthType::None,
                "polkit" => AuthType::Polkit,
                n if n == "sasl" || n.starts_with("sasl.") => AuthType::Sasl,
                other => {
                    return Err(Error::Auth(format!(
                        "unknown authentication type '{other}'"
                    )));
                }
            };
            if !list.types.contains(&want) {
                return Err(Error::Auth(format!(
                    "the daemon does not offer the requested authentication type '{name}'"
                )));
            }
            want
        }
    };
    match chosen {
        AuthType::None => Ok(()),
        AuthType::Polkit => {
            let ret = conn.call(&AuthPolkitArgs).await?;
            if ret.complete == 0 {
                return Err(Error::Auth("polkit authentication did not complete".into()));
            }
            Ok(())
        }
        AuthType::Sasl => {
            let mech = wanted.and_then(|w| w.split_once('.')).map(|(_, m)| m);
            super::sasl::authenticate(conn, mech, credentials).await
        }
    }
}
