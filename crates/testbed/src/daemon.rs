//! A private root-mode `libvirtd` in its own mount and PID namespace.

use std::fmt::Write as _;
use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::keeper::spawn_tied;
use crate::ports::{display_port_range, host_uuid, migration_port_range};

/// How to start a daemon.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Listen for plain TCP on this port (auth none); a free port is picked when `None`.
    pub tcp_port: Option<u16>,
    /// Listen for TLS on this port; the directory `pki/` must then hold `cacert.pem`,
    /// `servercert.pem` and `serverkey.pem` (see [`Libvirtd::start_in`]).
    pub tls_port: Option<u16>,
    /// Extra lines appended to `libvirtd.conf`.
    pub extra_conf: String,
    /// Extra lines appended to `qemu.conf` (e.g. SPICE TLS settings).
    pub extra_qemu_conf: String,
    /// TLS: refuse clients without a certificate signed by the CA
    /// (`tls_no_verify_certificate = 0`); by default any client is let in.
    pub require_client_cert: bool,
    /// `auth_tls` (default `none`), e.g. `sasl`.
    pub auth_tls: Option<String>,
    /// `auth_tcp` (default `none`), e.g. `sasl`.
    pub auth_tcp: Option<String>,
    /// `auth_unix_rw` (default `none`), e.g. `sasl`.
    pub auth_unix_rw: Option<String>,
    /// Contents of the daemon's SASL configuration (`/etc/sasl2/libvirt.conf` inside its
    /// namespace); the daemon's `etc/sasl2` directory is mounted over `/etc/sasl2` when set.
    pub sasl_conf: Option<String>,
    /// Run the daemon in a network namespace of its own (only `lo`, down): virtual networks
    /// it starts make their bridges and firewall rules there, not on the machine.
    pub net_namespace: bool,
}

/// A running private daemon. Dropping it stops the daemon and every VM it runs.
#[derive(Debug)]
pub struct Libvirtd {
    dir: tempfile::TempDir,
    tcp_port: u16,
    tls_port: Option<u16>,
    sasl: bool,
    net_namespace: bool,
    host_uuid: String,
    migration_ports: (u16, u16),
    unshare: Mutex<Option<Child>>,
}

static SHARED: OnceLock<Libvirtd> = OnceLock::new();

const DIRS: [(&str, &str); 6] = [
    ("etc/libvirt", "/etc/libvirt"),
    ("lib", "/var/lib/libvirt"),
    ("run", "/run/libvirt"),
    ("cache", "/var/cache/libvirt"),
    ("log", "/var/log/libvirt"),
    // Console lock files (`/var/lock/LCK.._pts_N`) name the daemon's pid, which is the same
    // in every such namespace: a stale one left by another daemon would look held.
    ("lock", "/run/lock"),
];

impl Libvirtd {
    /// Starts a daemon with default options.
    pub fn start() -> io::Result<Self> {
        Self::start_with(Options::default())
    }

    /// Starts a daemon with the given options in a fresh temporary directory.
    pub fn start_with(options: Options) -> io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("hangar-libvirtd-")
            .tempdir()?;
        Self::start_in(dir, options)
    }

    /// Starts a daemon whose state lives in `dir` (prepared by the caller, e.g. with `pki/`).
    pub fn start_in(dir: tempfile::TempDir, options: Options) -> io::Result<Self> {
        ensure_qemu_user()?;
        let root = dir.path().to_path_buf();
        for sub in ["sock", "etc/libvirt", "lib", "run", "cache", "log", "lock"] {
            std::fs::create_dir_all(root.join(sub))?;
        }
        let tcp_port = match options.tcp_port {
            Some(p) => p,
            None => free_port()?,
        };
        // Each daemon is a host of its own: libvirt refuses to migrate between two daemons
        // that report the same host UUID.
        let host_uuid = host_uuid()?;
        let mut conf = libvirtd_conf(&root, tcp_port, &options);
        let _ = writeln!(conf, "host_uuid = \"{host_uuid}\"");
        std::fs::write(root.join("etc/libvirt/libvirtd.conf"), conf)?;
        let sasl = options.sasl_conf.is_some();
        if let Some(conf) = &options.sasl_conf {
            std::fs::create_dir_all(root.join("etc/sasl2"))?;
            std::fs::create_dir_all("/etc/sasl2")?;
            std::fs::write(root.join("etc/sasl2/libvirt.conf"), conf)?;
        }
        let (vnc_min, vnc_max) = display_port_range();
        let migration_ports = migration_port_range();
        let (mig_min, mig_max) = migration_ports;
        std::fs::write(
            root.join("etc/libvirt/qemu.conf"),
            format!(
                "user = \"root\"\ngroup = \"root\"\nstdio_handler = \"file\"\n\
                 remote_display_port_min = {vnc_min}\nremote_display_port_max = {vnc_max}\n\
                 migration_port_min = {mig_min}\nmigration_port_max = {mig_max}\n{}",
                options.extra_qemu_conf
            ),
        )?;
        for (_, host) in DIRS {
            std::fs::create_dir_all(host)?;
        }
        let unshare = launch(&root, sasl, options.net_namespace)?;
        let daemon = Libvirtd {
            dir,
            tcp_port,
            tls_port: options.tls_port,
            sasl,
            net_namespace: options.net_namespace,
            host_uuid,
            migration_ports,
            unshare: Mutex::new(Some(unshare)),
        };
        daemon.wait_ready()?;
        Ok(daemon)
    }

    /// Stops the daemon (and its VMs) and starts it again on the same sockets, ports and
    /// state, as after a host's daemon restart.
    pub fn restart(&self) -> io::Result<()> {
        self.stop();
        let child = launch(self.dir.path(), self.sasl, self.net_namespace)?;
        match self.unshare.lock() {
            Ok(mut guard) => *guard = Some(child),
            Err(poisoned) => *poisoned.into_inner() = Some(child),
        }
        self.wait_ready()
    }

    /// One daemon for the whole test process, started on first use and stopped at exit.
    ///
    /// # Panics
    /// When the daemon cannot start: every test that needs it would fail anyway.
    pub fn shared() -> &'static Libvirtd {
        SHARED.get_or_init(|| {
            let d = Libvirtd::start()
                .unwrap_or_else(|e| panic!("cannot start a private libvirtd: {e}"));
            // SAFETY: registering a plain extern "C" fn with atexit has no preconditions.
            unsafe { libc::atexit(stop_shared_at_exit) };
            d
        })
    }

    fn wait_ready(&self) -> io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        // The read-only socket answers whatever authentication the read-write one wants.
        let uri = format!("qemu+unix:///system?socket={}", self.socket_ro().display());
        loop {
            let ok = Command::new("virsh")
                .args(["-q", "-r", "-c", &uri, "uri"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if ok {
                return Ok(());
            }
            let exited = match self.unshare.lock() {
                Ok(mut guard) => match guard.as_mut() {
                    Some(child) => child.try_wait()?,
                    None => None,
                },
                Err(_) => None,
            };
            if let Some(status) = exited {
                return Err(io::Error::other(format!(
                    "libvirtd exited ({status}) during start-up: {}",
                    self.log_tail()
                )));
            }
            if Instant::now() > deadline {
                return Err(io::Error::other(format!(
                    "libvirtd not ready after 30 s: {}",
                    self.log_tail()
                )));
            }
            // Poll interval of this wait for readiness (which also watches for an early exit).
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log_tail(&self) -> String {
        let mut out = String::new();
        for f in ["stdout.log", "libvirtd.log"] {
            if let Ok(text) = std::fs::read_to_string(self.dir.path().join(f)) {
                let lines: Vec<&str> = text.lines().collect();
                for l in &lines[lines.len().saturating_sub(5)..] {
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
        out
    }

    /// The directory that holds this daemon's configuration, sockets and state.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The read-write unix socket.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("sock/libvirt-sock")
    }

    /// The read-only unix socket.
    pub fn socket_ro(&self) -> PathBuf {
        self.dir.path().join("sock/libvirt-sock-ro")
    }

    /// The plain TCP port (auth none, loopback only).
    pub fn tcp_port(&self) -> u16 {
        self.tcp_port
    }

    /// The TLS port, when started with one.
    pub fn tls_port(&self) -> Option<u16> {
        self.tls_port
    }

    /// The host UUID this daemon reports (`host_uuid` in its `libvirtd.conf`), its own.
    pub fn host_uuid(&self) -> &str {
        &self.host_uuid
    }

    /// The ports incoming migrations of this daemon's QEMU listen on (first, last), a range
    /// no other daemon started by this harness uses.
    pub fn migration_ports(&self) -> (u16, u16) {
        self.migration_ports
    }

    /// A migration URI that reaches this daemon's QEMU on this machine: `tcp://127.0.0.1`,
    /// the daemon picks the port from [`Self::migration_ports`]. (libvirt refuses
    /// `migration_host` set to a local address, so the address must be given this way.)
    pub fn migrate_uri(&self) -> String {
        "tcp://127.0.0.1".into()
    }

    /// `qemu+tcp://127.0.0.1:PORT/system`: how another daemon on this machine reaches this one
    /// (peer-to-peer migration).
    pub fn qemu_tcp_uri(&self) -> String {
        format!("qemu+tcp://127.0.0.1:{}/system", self.tcp_port)
    }

    /// `qemu+unix:///system?socket=…` for the QEMU driver.
    pub fn qemu_uri(&self) -> String {
        format!("qemu+unix:///system?socket={}", self.socket().display())
    }

    /// `test+unix:///default?socket=…`: the test driver's default node (shared by all
    /// connections; it resets when the last one closes).
    pub fn test_uri(&self) -> String {
        format!("test+unix:///default?socket={}", self.socket().display())
    }

    /// Writes `xml` (a test driver `<node>` document) into the daemon's directory and returns
    /// the `test+unix` URI that opens it.
    pub fn fixture_uri(&self, name: &str, xml: &str) -> io::Result<String> {
        let path = self.dir.path().join(format!("fixture-{name}.xml"));
        std::fs::write(&path, xml)?;
        Ok(format!(
            "test+unix://{}?socket={}",
            path.display(),
            self.socket().display()
        ))
    }

    /// Runs `virsh -c URI ARGS…` and returns its output, whatever its exit status.
    pub fn virsh_output(&self, uri: &str, args: &[&str]) -> io::Result<Output> {
        Command::new("virsh")
            .arg("-q")
            .arg("-c")
            .arg(uri)
            .args(args)
            .output()
    }

    /// Runs `virsh -c URI ARGS…`; its standard output when it succeeds, else an error that
    /// carries its standard error.
    pub fn virsh(&self, uri: &str, args: &[&str]) -> io::Result<String> {
        let out = self.virsh_output(uri, args)?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(io::Error::other(format!(
                "virsh {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }

    /// The host pid of the `libvirtd` process, while it runs.
    pub fn pid(&self) -> Option<i32> {
        let guard = match self.unshare.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let unshare = guard.as_ref()?.id();
        let tini = child_of(unshare)?;
        child_of(u32::try_from(tini).ok()?)
    }

    /// Freezes the daemon (`SIGSTOP`): it keeps its sockets but answers nothing, like a hung
    /// or unreachable host. [`Self::thaw`] resumes it.
    pub fn freeze(&self) -> io::Result<()> {
        self.signal(libc::SIGSTOP)
    }

    /// Resumes a daemon frozen by [`Self::freeze`] (`SIGCONT`).
    pub fn thaw(&self) -> io::Result<()> {
        self.signal(libc::SIGCONT)
    }

    fn signal(&self, sig: i32) -> io::Result<()> {
        let pid = self
            .pid()
            .ok_or_else(|| io::Error::other("the daemon is not running"))?;
        // SAFETY: kill(2) with a pid read from /proc; at worst it fails with ESRCH.
        if unsafe { libc::kill(pid, sig) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Stops the daemon and every QEMU process it started, and removes their cgroups.
    pub fn stop(&self) {
        // A frozen daemon would not act on TERM.
        let _ = self.thaw();
        let taken = match self.unshare.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(mut unshare) = taken else {
            return;
        };
        let uri = self.qemu_uri();
        // Destroying through libvirt lets it remove the domains' cgroups itself.
        let mut running = Vec::new();
        if let Ok(names) = self.virsh(&uri, &["list", "--name"]) {
            for name in names.lines().map(str::trim).filter(|l| !l.is_empty()) {
                running.push(name.to_owned());
                let _ = self.virsh_output(&uri, &["destroy", name]);
            }
        }
        // tini (the namespace's init) forwards TERM to libvirtd; when init exits, the kernel
        // kills everything left in the namespace. `unshare` itself ignores TERM: KILL it last.
        if let Some(tini) = child_of(unshare.id()) {
            // SAFETY: kill(2) with a pid we read from /proc; at worst it fails with ESRCH.
            unsafe { libc::kill(tini, libc::SIGTERM) };
        }
        crate::wait::until(Duration::from_secs(5), || {
            matches!(unshare.try_wait(), Ok(Some(_)))
        });
        let _ = unshare.kill();
        let _ = unshare.wait();
        remove_stale_cgroups(&running);
    }
}

impl Drop for Libvirtd {
    fn drop(&mut self) {
        self.stop();
    }
}

extern "C" fn stop_shared_at_exit() {
    if let Some(d) = SHARED.get() {
        d.stop();
        // The static is never dropped, so neither is its TempDir: remove it here.
        let _ = std::fs::remove_dir_all(d.dir());
    }
}

/// Starts libvirtd in new mount and PID namespaces with `root`'s directories bind-mounted over
/// the system's libvirt directories (and over `/etc/sasl2` when `sasl`).
fn launch(root: &Path, sasl: bool, net_namespace: bool) -> io::Result<Child> {
    let mut script = String::from("set -e\n");
    let sasl_dir = [("etc/sasl2", "/etc/sasl2")];
    let extra: &[(&str, &str)] = if sasl { &sasl_dir } else { &[] };
    for (private, host) in DIRS.iter().chain(extra) {
        let _ = writeln!(
            script,
            "mount --bind '{}' '{host}'",
            root.join(private).display()
        );
    }
    script.push_str(
        "exec /usr/sbin/libvirtd --listen -f /etc/libvirt/libvirtd.conf \
         -p /run/libvirt/libvirtd.pid\n",
    );
    let log = std::fs::File::create(root.join("stdout.log"))?;
    let mut cmd = Command::new("unshare");
    if net_namespace {
        cmd.arg("--net");
    }
    cmd.args([
        "--pid",
        "--fork",
        "--kill-child",
        "--mount-proc",
        "--propagation",
        "private",
        "tini",
        "-s",
        "--",
        "sh",
        "-c",
    ])
    .arg(script)
    .stdin(Stdio::null())
    .stdout(log.try_clone()?)
    .stderr(log);
    spawn_tied(cmd)
}

fn child_of(pid: u32) -> Option<i32> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// cgroup v1 directories of domains killed without libvirt's help
/// (`/sys/fs/cgroup/*/machine/qemu-ID-NAME.libvirt-qemu`, NAME cut to 20 characters) are
/// host-global: remove the empty ones of `names`, this daemon's domains. Another daemon's are
/// left alone: one being set up is empty for a moment.
fn remove_stale_cgroups(names: &[String]) {
    if names.is_empty() {
        return;
    }
    let Ok(controllers) = std::fs::read_dir("/sys/fs/cgroup") else {
        return;
    };
    let ours = |dir: &str| {
        let Some(rest) = dir
            .strip_prefix("qemu-")
            .and_then(|d| d.strip_suffix(".libvirt-qemu"))
        else {
            return false;
        };
        let short = rest.split_once('-').map_or("", |(_, s)| s);
        !short.is_empty() && names.iter().any(|n| n.starts_with(short))
    };
    for c in controllers.flatten() {
        let Ok(entries) = std::fs::read_dir(c.path().join("machine")) else {
            continue;
        };
        for e in entries.flatten() {
            if ours(&e.file_name().to_string_lossy()) {
                remove_dir_tree(&e.path());
            }
        }
    }
}

fn remove_dir_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                remove_dir_tree(&e.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir);
}

fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn ensure_qemu_user() -> io::Result<()> {
    let has = |db: &str| {
        Command::new("getent")
            .args([db, "libvirt-qemu"])
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !has("group") {
        let _ = Command::new("groupadd")
            .args(["--system", "libvirt-qemu"])
            .status()?;
    }
    if !has("passwd") {
        let _ = Command::new("useradd")
            .args([
                "--system",
                "-g",
                "libvirt-qemu",
                "--no-create-home",
                "--home-dir",
                "/var/lib/libvirt",
                "--shell",
                "/usr/sbin/nologin",
                "libvirt-qemu",
            ])
            .status()?;
    }
    Ok(())
}

fn libvirtd_conf(root: &Path, tcp: u16, options: &Options) -> String {
    let r = root.display();
    let auth_tcp = options.auth_tcp.as_deref().unwrap_or("none");
    let auth_unix_rw = options.auth_unix_rw.as_deref().unwrap_or("none");
    let auth_tls = options.auth_tls.as_deref().unwrap_or("none");
    let no_verify = u8::from(!options.require_client_cert);
    let mut conf = format!(
        "unix_sock_dir = \"{r}/sock\"\n\
         unix_sock_ro_perms = \"0777\"\n\
         unix_sock_rw_perms = \"0770\"\n\
         auth_unix_ro = \"none\"\n\
         auth_unix_rw = \"{auth_unix_rw}\"\n\
         listen_tcp = 1\n\
         listen_addr = \"127.0.0.1\"\n\
         tcp_port = \"{tcp}\"\n\
         auth_tcp = \"{auth_tcp}\"\n\
         log_outputs = \"3:file:{r}/libvirtd.log\"\n"
    );
    match options.tls_port {
        Some(port) => {
            let _ = write!(
                conf,
                "listen_tls = 1\ntls_port = \"{port}\"\nauth_tls = \"{auth_tls}\"\n\
                 tls_no_verify_certificate = {no_verify}\n\
                 ca_file = \"{r}/pki/cacert.pem\"\ncert_file = \"{r}/pki/servercert.pem\"\n\
                 key_file = \"{r}/pki/serverkey.pem\"\n"
            );
        }
        None => conf.push_str("listen_tls = 0\n"),
    }
    conf.push_str(&options.extra_conf);
    conf
}
