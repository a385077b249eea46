//! Unit tests of URI parsing, the `CONNECT_OPEN` name and local socket selection.

use std::path::{Path, PathBuf};

use super::*;

fn name(uri: &str) -> String {
    ConnectUri::parse(uri).unwrap().remote_name()
}

#[test]
fn remote_names_drop_transport_host_and_client_params() {
    let cases = [
        ("qemu:///system", "qemu:///system"),
        (
            "qemu+unix:///system?socket=/x/libvirt-sock",
            "qemu:///system",
        ),
        ("qemu+unix:///session", "qemu:///session"),
        ("test+unix:///default?socket=/tmp/s", "test:///default"),
        (
            "test+unix:///abs/node.xml?socket=/tmp/s",
            "test:///abs/node.xml",
        ),
        ("test:///default", "test:///default"),
        ("qemu+tcp://127.0.0.1:16509/system", "qemu:///system"),
        (
            "qemu+tls://host.example/system?pkipath=/p&no_verify=1",
            "qemu:///system",
        ),
        (
            "qemu+ssh://root@host:2222/system?keyfile=/k&no_tty=1",
            "qemu:///system",
        ),
        ("qemu://host/system", "qemu:///system"),
        ("lxc:///", "lxc:///"),
        ("qemu+ssh://host", "qemu://"),
        ("xen+ssh://u@h/?sshauth=agent,privkey", "xen:///"),
        ("qemu:///system?mode=legacy", "qemu:///system"),
        ("qemu:///system?authfile=/a", "qemu:///system"),
        ("qemu:///embed?root=/tmp/r", "qemu:///embed?root=%2Ftmp%2Fr"),
        (
            "vbox:///session?foo=bar&socket=/s&baz",
            "vbox:///session?foo=bar&baz=",
        ),
        ("qemu:///system?x=a%20b", "qemu:///system?x=a%20b"),
        ("qemu:///system#frag", "qemu:///system#frag"),
        ("test+unix:///my%20node.xml", "test:///my%20node.xml"),
        ("qemu+unix:///system?name=qemu:///custom", "qemu:///custom"),
        ("qemu+unix:///system?NAME=other:///", "other:///"),
        ("remote:///", ""),
        ("remote+unix:///?socket=/s", ""),
        ("remote+tcp://h/?name=qemu:///system", "qemu:///system"),
        ("qemu+ext:///system?command=/bin/helper", "qemu:///system"),
        ("qemu:///system?;", "qemu:///system"),
        ("qemu:///system?&&a=1&=x", "qemu:///system?a=1"),
    ];
    for (uri, want) in cases {
        assert_eq!(name(uri), want, "for {uri}");
    }
}

#[test]
fn parts_are_parsed() {
    let u = ConnectUri::parse("qemu+ssh://alice@host.example:2222/system?keyfile=/k").unwrap();
    assert_eq!(u.driver(), "qemu");
    assert_eq!(u.scheme(), "qemu+ssh");
    assert_eq!(u.transport(), TransportKind::Ssh);
    assert!(u.has_explicit_transport());
    assert_eq!(u.user(), Some("alice"));
    assert_eq!(u.host(), Some("host.example"));
    assert_eq!(u.port(), Some(2222));
    assert_eq!(u.effective_port(), Some(2222));
    assert_eq!(u.path(), Some("/system"));
    assert_eq!(u.params().keyfile.as_deref(), Some("/k"));
    assert_eq!(
        u.to_string(),
        "qemu+ssh://alice@host.example:2222/system?keyfile=/k"
    );
}

#[test]
fn implied_transports_and_default_ports() {
    let u = ConnectUri::parse("qemu://h/system").unwrap();
    assert_eq!(u.transport(), TransportKind::Tls);
    assert!(!u.has_explicit_transport());
    assert_eq!(u.effective_port(), Some(DEFAULT_TLS_PORT));
    let u = ConnectUri::parse("qemu:///system").unwrap();
    assert_eq!(u.transport(), TransportKind::Unix);
    assert_eq!(u.effective_port(), None);
    let u = ConnectUri::parse("qemu+tcp:///system").unwrap();
    assert_eq!(u.host(), None);
    assert_eq!(u.effective_port(), Some(DEFAULT_TCP_PORT));
    let u = ConnectUri::parse("qemu+libssh2://h/system").unwrap();
    assert_eq!(u.effective_port(), Some(22));
    let u = ConnectUri::parse("QEMU+TCP://h/system").unwrap();
    assert_eq!(u.transport(), TransportKind::Tcp);
    assert_eq!(u.driver(), "QEMU");
}

#[test]
fn ipv6_hosts() {
    let u = ConnectUri::parse("qemu+tcp://[::1]:1234/system").unwrap();
    assert_eq!(u.host(), Some("::1"));
    assert_eq!(u.port(), Some(1234));
    let u = ConnectUri::parse("qemu+tls://[fe80::1]/system").unwrap();
    assert_eq!(u.host(), Some("fe80::1"));
    assert_eq!(u.port(), None);
    assert!(matches!(
        ConnectUri::parse("qemu+tcp://[::1/system"),
        Err(UriError::Syntax { .. })
    ));
}

#[test]
fn client_params() {
    let u = ConnectUri::parse(
        "qemu+ssh://h/system?socket=/s&mode=direct&no_verify=1&no_tty=0&pkipath=/p&\
         keyfile=/k&command=/usr/bin/ssh&netcat=/bin/nc&tls_priority=NORMAL&sshauth=agent&\
         known_hosts=/kh&known_hosts_verify=ignore&proxy=netcat&auth=sasl&no_sanity=2&x=y",
    )
    .unwrap();
    let p = u.params();
    assert_eq!(p.socket.as_deref(), Some("/s"));
    assert_eq!(p.mode, DaemonMode::Direct);
    assert!(p.no_verify);
    assert!(!p.no_tty);
    assert!(p.no_sanity);
    assert_eq!(p.pkipath.as_deref(), Some("/p"));
    assert_eq!(p.keyfile.as_deref(), Some("/k"));
    assert_eq!(p.command.as_deref(), Some("/usr/bin/ssh"));
    assert_eq!(p.netcat.as_deref(), Some("/bin/nc"));
    assert_eq!(p.tls_priority.as_deref(), Some("NORMAL"));
    assert_eq!(p.sshauth.as_deref(), Some("agent"));
    assert_eq!(p.known_hosts.as_deref(), Some("/kh"));
    assert_eq!(p.known_hosts_verify.as_deref(), Some("ignore"));
    assert_eq!(p.proxy.as_deref(), Some("netcat"));
    assert_eq!(p.auth.as_deref(), Some("sasl"));
    assert_eq!(u.passthrough(), &[("x".to_owned(), "y".to_owned())]);
    assert_eq!(u.remote_name(), "qemu:///system?x=y");
    let u = ConnectUri::parse("qemu:///system?socket=/a%20b").unwrap();
    assert_eq!(u.params().socket.as_deref(), Some("/a b"));
}

#[test]
fn errors() {
    let bad = [
        ("", "syntax"),
        ("/var/run/sock", "syntax"),
        ("1qemu:///system", "syntax"),
        ("qemu+foo:///system", "transport"),
        ("qemu+unix://host/system", "unixhost"),
        ("qemu+tcp://h:abc/system", "port"),
        ("qemu+tcp://h:70000/system", "port"),
        ("qemu+tcp://h:0/system", "port"),
        ("qemu+ext:///system", "ext"),
        ("qemu:///system?mode=fast", "mode"),
        ("qemu+tls://h/system?no_verify=yes", "bool"),
    ];
    for (uri, kind) in bad {
        let err = ConnectUri::parse(uri).unwrap_err();
        let ok = match kind {
            "syntax" => matches!(err, UriError::Syntax { .. }),
            "transport" => matches!(err, UriError::UnknownTransport(ref t) if t == "foo"),
            "unixhost" => matches!(err, UriError::UnixWithHost(ref h) if h == "host"),
            "port" => matches!(err, UriError::InvalidPort(_)),
            "ext" => matches!(err, UriError::ExtWithoutCommand),
            "mode" => matches!(err, UriError::UnknownMode(ref m) if m == "fast"),
            "bool" => matches!(err, UriError::InvalidBool { .. }),
            _ => false,
        };
        assert!(ok, "{uri}: got {err:?}");
        assert!(!err.to_string().is_empty());
    }
}

fn env(euid: u32) -> LocalEnv {
    LocalEnv {
        euid,
        runtime_dir: Some(PathBuf::from("/run/user/1000")),
        home: Some(PathBuf::from("/home/u")),
        autostart: true,
        daemon_override: None,
        sbin_dir: PathBuf::from("/usr/sbin"),
        system_run_dir: PathBuf::from("/var/run/libvirt"),
    }
}

fn choose(uri: &str, ro: bool, env: &LocalEnv, existing: &[&str]) -> SocketChoice {
    ConnectUri::parse(uri)
        .unwrap()
        .local_socket(ro, env, |p: &Path| {
            existing.iter().any(|e| Path::new(e) == p)
        })
}

#[test]
fn system_sockets() {
    let root = env(0);
    let c = choose("qemu:///system", false, &root, &[]);
    assert_eq!(c.path, Path::new("/var/run/libvirt/libvirt-sock"));
    assert_eq!(c.daemon, "libvirtd");
    assert_eq!(c.autostart, None);
    let c = choose("qemu:///system", true, &root, &[]);
    assert_eq!(c.path, Path::new("/var/run/libvirt/libvirt-sock-ro"));
    let c = choose(
        "qemu:///system",
        false,
        &root,
        &["/var/run/libvirt/virtqemud-sock"],
    );
    assert_eq!(c.path, Path::new("/var/run/libvirt/virtqemud-sock"));
    assert_eq!(c.daemon, "virtqemud");
    let c = choose(
        "qemu:///system?mode=legacy",
        false,
        &root,
        &["/var/run/libvirt/virtqemud-sock"],
    );
    assert_eq!(c.path, Path::new("/var/run/libvirt/libvirt-sock"));
    let c = choose("qemu:///system?mode=direct", true, &root, &[]);
    assert_eq!(c.path, Path::new("/var/run/libvirt/virtqemud-sock-ro"));
    let c = choose("network:///system?mode=direct", false, &root, &[]);
    assert_eq!(c.path, Path::new("/var/run/libvirt/virtnetworkd-sock"));
    let c = choose("qemu+unix:///system?socket=/x/s", true, &root, &[]);
    assert_eq!(c.path, Path::new("/x/s"));
    let c = choose("remote:///?mode=direct", false, &root, &[]);
    assert_eq!(c.path, Path::new("/var/run/libvirt/libvirt-sock"));
    assert_eq!(c.daemon, "virtproxyd");
    // root never uses a per-user daemon, even for /session
    let c = choose("qemu:///session", false, &root, &[]);
    assert_eq!(c.path, Path::new("/var/run/libvirt/libvirt-sock"));
}

#[test]
fn session_sockets_and_autostart() {
    let user = env(1000);
    let c = choose("qemu:///session", false, &user, &[]);
    assert_eq!(c.path, Path::new("/run/user/1000/libvirt/libvirt-sock"));
    assert_eq!(
        c.autostart.as_deref(),
        Some(Path::new("/usr/sbin/libvirtd"))
    );
    // session sockets have no read-only variant
    let c = choose("qemu:///session", true, &user, &[]);
    assert_eq!(c.path, Path::new("/run/user/1000/libvirt/libvirt-sock"));
    let c = choose(
        "qemu:///session",
        false,
        &user,
        &["/run/user/1000/libvirt/virtqemud-sock"],
    );
    assert_eq!(c.path, Path::new("/run/user/1000/libvirt/virtqemud-sock"));
    assert_eq!(
        c.autostart.as_deref(),
        Some(Path::new("/usr/sbin/virtqemud"))
    );
    // the test driver with a transport uses the per-user daemon too
    let c = choose("test+unix:///default", false, &user, &[]);
    assert_eq!(c.path, Path::new("/run/user/1000/libvirt/libvirt-sock"));
    // no autostart with an explicit socket, for system URIs, or when disabled
    assert_eq!(
        choose("qemu:///session?socket=/s", false, &user, &[]).autostart,
        None
    );
    assert_eq!(choose("qemu:///system", false, &user, &[]).autostart, None);
    let mut off = user.clone();
    off.autostart = false;
    assert_eq!(choose("qemu:///session", false, &off, &[]).autostart, None);
    let mut custom = user.clone();
    custom.daemon_override = Some(PathBuf::from("/opt/libvirtd"));
    assert_eq!(
        choose("qemu:///session", false, &custom, &[])
            .autostart
            .as_deref(),
        Some(Path::new("/opt/libvirtd"))
    );
    let mut no_runtime = user.clone();
    no_runtime.runtime_dir = None;
    let c = choose("qemu:///session", false, &no_runtime, &[]);
    assert_eq!(c.path, Path::new("/home/u/.cache/libvirt/libvirt-sock"));
}
