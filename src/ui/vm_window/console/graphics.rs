//! The console page's background reading and the graphical console: what the live XML says
//! about the VM's displays and serial devices, how to reach the VNC or SPICE server for a
//! connection (fd passing over a unix socket, channels through the ssh master for `+ssh`, else
//! TCP to the listen address, for SPICE with TLS where the display has a TLS port). Over ssh,
//! a SPICE display with only a TLS port gets TLS from us: spice-gtk speaks none on the sockets
//! it is given, so each channel's socket is carried through a TLS session of our own.

use std::os::fd::OwnedFd;

use virt_client::uri::TransportKind;
use virt_client::{Channel, ChannelTarget, ConnectUri, Connection, Domain, DomainState};
use virt_xml::DomainXml;
use virt_xml::domain::DeviceKind;

use crate::i18n::gettext;

/// `VIR_DOMAIN_XML_SECURE`: include passwords.
const XML_SECURE: u32 = 1;

/// A VM's first graphical display, as the live XML describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphicsInfo {
    /// `vnc`, `spice`, …
    pub kind: String,
    /// The listen address.
    pub listen: Option<String>,
    /// The TCP port (a running VM's autoport is resolved).
    pub port: Option<u16>,
    /// SPICE's TLS port.
    pub tls_port: Option<u16>,
    /// The password, when the connection may read it.
    pub passwd: Option<String>,
    /// The unix socket the display listens on instead of a port.
    pub socket: Option<String>,
}

/// A serial or console device a console stream can open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialDevice {
    /// The alias libvirt gave it (`serial0`, `console1`): the device name to open.
    pub alias: Option<String>,
    /// What the chooser shows.
    pub label: String,
}

/// What the page knows about the VM.
#[derive(Debug, Clone)]
pub struct ConsoleInfo {
    /// The VM's handle.
    pub domain: Domain,
    /// Whether it runs (or is paused): a console can be opened.
    pub running: bool,
    /// Its first graphical display.
    pub graphics: Option<GraphicsInfo>,
    /// Its serial and console devices.
    pub serials: Vec<SerialDevice>,
}

/// Reads the VM's state and live XML (with passwords when the connection may read them).
pub async fn load(conn: &Connection, name: &str) -> Result<ConsoleInfo, virt_client::Error> {
    let domain = Domain::lookup_by_name(conn, name).await?;
    let (state, _) = domain.state().await?;
    let running = !matches!(
        state,
        DomainState::Shutoff | DomainState::Crashed | DomainState::NoState
    );
    let xml = match domain.xml_desc(XML_SECURE).await {
        Ok(x) => x,
        Err(_) => domain.xml_desc(0).await?,
    };
    let (graphics, serials) = parse_devices(&xml);
    Ok(ConsoleInfo {
        domain,
        running,
        graphics,
        serials,
    })
}

/// The first `<graphics>` and the serial/console devices of a domain's XML.
pub fn parse_devices(xml: &str) -> (Option<GraphicsInfo>, Vec<SerialDevice>) {
    let Ok(doc) = DomainXml::parse(xml) else {
        return (None, Vec::new());
    };
    let Some(devices) = doc.root().devices(&doc) else {
        return (None, Vec::new());
    };
    let graphics = devices.graphics(&doc).first().map(|g| GraphicsInfo {
        kind: g.graphics_type(&doc).unwrap_or_default().to_string(),
        listen: g.listen(&doc).map(|l| l.to_string()),
        port: g
            .port(&doc)
            .ok()
            .flatten()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0),
        tls_port: g
            .tls_port(&doc)
            .ok()
            .flatten()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0),
        passwd: g.passwd(&doc).map(|p| p.to_string()),
        socket: g.socket(&doc).map(|p| p.to_string()),
    });
    let mut serials = Vec::new();
    for (i, dev) in devices
        .of_kind(&doc, DeviceKind::Serial)
        .into_iter()
        .enumerate()
    {
        let alias = dev.alias(&doc).map(|a| a.to_string());
        serials.push(SerialDevice {
            label: crate::i18n::gettext_f("Serial {}", &[&(i + 1).to_string()]),
            alias,
        });
    }
    for dev in devices.of_kind(&doc, DeviceKind::Console) {
        let Some(c) = dev.as_chardev(&doc) else {
            continue;
        };
        // A console of target type serial is the first serial port again.
        let target = c.target_type(&doc).map(|t| t.to_string());
        if target.as_deref() == Some("serial") || target.is_none() && !serials.is_empty() {
            continue;
        }
        let alias = dev.alias(&doc).map(|a| a.to_string());
        let label = match &target {
            Some(t) => crate::i18n::gettext_f("Console ({})", &[t]),
            None => gettext("Console"),
        };
        serials.push(SerialDevice { alias, label });
    }
    (graphics, serials)
}

/// The display types the page shows.
pub const SHOWN_KINDS: &[&str] = &["vnc", "spice"];

/// The CA a SPICE server's TLS certificate must be signed by: the connection's, in libvirt's
/// layout (the URI's `pkipath`, else the user's `~/.pki/libvirt/cacert.pem`, else the
/// system's `/etc/pki/CA/cacert.pem`).
pub fn ca_file(uri: Option<&ConnectUri>) -> std::path::PathBuf {
    let pkipath = uri.and_then(|u| u.params().pkipath.as_deref());
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    virt_client::PkiPaths::resolve(pkipath, euid, home.as_deref()).cacert
}

/// How the page reaches a VM's display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Ask libvirt for a connected socket (unix connections pass fds).
    Fd,
    /// TCP to this host and port.
    Tcp(String, u16),
    /// A channel through the connection's ssh master to this address on the host.
    Ssh(ChannelTarget),
    /// A channel through the connection's ssh master to this TLS port on the host, with TLS
    /// ended here (a SPICE client given a socket speaks no TLS on it).
    SshTls(ChannelTarget),
    /// Not reachable from here.
    Unavailable,
}

/// The way to `graphics` over the connection `uri` (through ssh, a SPICE display takes one
/// channel per SPICE channel, all on the connection's ssh master).
pub fn route(uri: &str, graphics: &GraphicsInfo) -> Route {
    let parsed = ConnectUri::parse(uri).ok();
    let transport = parsed.as_ref().map(ConnectUri::transport);
    match transport {
        Some(TransportKind::Unix) => Route::Fd,
        Some(TransportKind::Tcp | TransportKind::Tls) => tcp_route(parsed.as_ref(), graphics),
        Some(TransportKind::Ssh | TransportKind::Libssh | TransportKind::Libssh2) => {
            ssh_route(graphics)
        }
        _ => Route::Unavailable,
    }
}

/// Through ssh: the display's socket, else its port at its listen address as the host sees
/// it (a wildcard address is reached on the host's loopback), else SPICE's TLS port there.
pub fn ssh_route(graphics: &GraphicsInfo) -> Route {
    if let Some(socket) = &graphics.socket {
        return Route::Ssh(ChannelTarget::Unix(socket.clone()));
    }
    let (port, tls) = match (graphics.port, graphics.tls_port) {
        (Some(port), _) => (port, false),
        (None, Some(port)) if graphics.kind == "spice" => (port, true),
        _ => return Route::Unavailable,
    };
    let listen = graphics
        .listen
        .as_deref()
        .map(|a| a.trim_start_matches('[').trim_end_matches(']'));
    let host = match listen {
        None | Some("" | "0.0.0.0") => "127.0.0.1",
        Some("::") => "::1",
        Some(a) => a,
    };
    let target = ChannelTarget::Tcp {
        host: host.to_string(),
        port,
    };
    if tls {
        Route::SshTls(target)
    } else {
        Route::Ssh(target)
    }
}

impl Route {
    /// For a route through the connection's ssh master: the channel's target and whether TLS
    /// is ended here.
    pub fn through_ssh(&self) -> Option<(ChannelTarget, bool)> {
        match self {
            Route::Ssh(target) => Some((target.clone(), false)),
            Route::SshTls(target) => Some((target.clone(), true)),
            _ => None,
        }
    }
}

/// Opens a channel to the display through the connection's ssh master, with TLS ended here
/// when `tls` (see [`Route::through_ssh`]).
pub async fn ssh_channel(
    conn: Connection,
    target: ChannelTarget,
    tls: bool,
    server_speaks_first: bool,
) -> Result<Channel, String> {
    if tls {
        graphics_tls_channel(conn, target).await
    } else {
        graphics_channel(conn, target, server_speaks_first).await
    }
}

/// Opens a channel to the display through the connection's ssh master (a VNC server speaks
/// first, which proves the channel reached it; a SPICE client speaks first).
async fn graphics_channel(
    conn: Connection,
    target: ChannelTarget,
    server_speaks_first: bool,
) -> Result<Channel, String> {
    conn.open_channel(&target, server_speaks_first)
        .await
        .map_err(|e| e.to_string())
}

/// Opens a channel to a SPICE display's TLS port through the connection's ssh master and
/// ends TLS here: the server's certificate must be signed by the connection's CA (see
/// [`ca_file`]) and be for the connection's host name.
async fn graphics_tls_channel(conn: Connection, target: ChannelTarget) -> Result<Channel, String> {
    let ca = ca_file(Some(conn.connect_uri()));
    conn.open_tls_channel(&target, &ca)
        .await
        .map_err(|e| match e {
            virt_client::Error::Tls(t) => {
                crate::i18n::gettext_f("TLS with the display failed: {}", &[&t.to_string()])
            }
            e => e.to_string(),
        })
}

/// TCP to the display's listen address (its plain port, else SPICE's TLS port); a wildcard
/// address means the connection's host.
pub fn tcp_route(uri: Option<&ConnectUri>, graphics: &GraphicsInfo) -> Route {
    let Some(port) = graphics.port.or(graphics.tls_port) else {
        return Route::Unavailable;
    };
    let wildcard = |a: &str| matches!(a, "" | "0.0.0.0" | "::" | "[::]");
    let host = match graphics.listen.as_deref() {
        Some(a) if !wildcard(a) => a.to_string(),
        _ => uri
            .and_then(ConnectUri::host)
            .unwrap_or("127.0.0.1")
            .to_string(),
    };
    Route::Tcp(host, port)
}

/// Opens a socket to the display (the blocking part runs on the runtime).
pub async fn graphics_fd(domain: Domain) -> Result<OwnedFd, String> {
    domain
        .open_graphics_fd(0, 0)
        .await
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = "<domain type='qemu'><name>a</name><devices>\
        <serial type='pty'><target port='0'/><alias name='serial0'/></serial>\
        <serial type='pty'><target port='1'/><alias name='serial1'/></serial>\
        <console type='pty'><target type='serial' port='0'/><alias name='serial0'/></console>\
        <console type='pty'><target type='virtio' port='1'/><alias name='console1'/></console>\
        <graphics type='vnc' port='5901' autoport='yes' listen='0.0.0.0' passwd='pw'/>\
        </devices></domain>";

    #[test]
    fn devices_and_routes() {
        let (g, serials) = parse_devices(XML);
        let g = g.unwrap();
        assert_eq!(g.port, Some(5901));
        assert_eq!(g.passwd.as_deref(), Some("pw"));
        let aliases: Vec<_> = serials.iter().map(|s| s.alias.as_deref()).collect();
        assert_eq!(
            aliases,
            [Some("serial0"), Some("serial1"), Some("console1")]
        );
        assert_eq!(route("qemu:///system", &g), Route::Fd);
        assert_eq!(
            route("qemu+tcp://h.example/system", &g),
            Route::Tcp("h.example".into(), 5901)
        );
        assert_eq!(
            route("qemu+ssh://h.example/system", &g),
            Route::Ssh(ChannelTarget::Tcp {
                host: "127.0.0.1".into(),
                port: 5901
            })
        );
        let sock = GraphicsInfo {
            socket: Some("/run/vnc.sock".into()),
            ..g.clone()
        };
        assert_eq!(
            route("qemu+ssh://h/system", &sock),
            Route::Ssh(ChannelTarget::Unix("/run/vnc.sock".into()))
        );
        let v6 = GraphicsInfo {
            listen: Some("::".into()),
            ..g.clone()
        };
        assert_eq!(
            route("qemu+ssh://h/system", &v6),
            Route::Ssh(ChannelTarget::Tcp {
                host: "::1".into(),
                port: 5901
            })
        );
        assert!(matches!(
            route("qemu+libssh2://h/system", &g),
            Route::Ssh(_)
        ));
        assert_eq!(route("qemu+ext:///system", &g), Route::Unavailable);
        // SPICE: fds, TCP and ssh channels as VNC; a TLS port alone is reached too.
        let spice = GraphicsInfo {
            kind: "spice".into(),
            ..g.clone()
        };
        assert_eq!(route("qemu:///system", &spice), Route::Fd);
        assert_eq!(
            route("qemu+tcp://h.example/system", &spice),
            Route::Tcp("h.example".into(), 5901)
        );
        assert_eq!(
            route("qemu+ssh://h/system", &spice),
            Route::Ssh(ChannelTarget::Tcp {
                host: "127.0.0.1".into(),
                port: 5901
            })
        );
        let secure = GraphicsInfo {
            port: None,
            tls_port: Some(5902),
            ..spice.clone()
        };
        assert_eq!(
            route("qemu+tls://h.example/system", &secure),
            Route::Tcp("h.example".into(), 5902)
        );
        // Through ssh, a TLS port alone is reached by a channel with TLS ended here.
        assert_eq!(
            route("qemu+ssh://h/system", &secure),
            Route::SshTls(ChannelTarget::Tcp {
                host: "127.0.0.1".into(),
                port: 5902
            })
        );
        let secure_at = GraphicsInfo {
            listen: Some("192.0.2.7".into()),
            ..secure.clone()
        };
        assert_eq!(
            route("qemu+libssh://h/system", &secure_at),
            Route::SshTls(ChannelTarget::Tcp {
                host: "192.0.2.7".into(),
                port: 5902
            })
        );
        // A plain port goes first; a VNC display has no TLS port to reach.
        let both = GraphicsInfo {
            port: Some(5901),
            ..secure.clone()
        };
        assert!(matches!(route("qemu+ssh://h/system", &both), Route::Ssh(_)));
        let vnc_tls = GraphicsInfo {
            kind: "vnc".into(),
            ..secure.clone()
        };
        assert_eq!(route("qemu+ssh://h/system", &vnc_tls), Route::Unavailable);
        let tls = "<domain><devices><graphics type='spice' port='-1' tlsPort='5903'/>\
            </devices></domain>";
        let t = parse_devices(tls).0.unwrap();
        assert_eq!((t.port, t.tls_port), (None, Some(5903)));
        let uri = ConnectUri::parse("qemu+tls://h/system?pkipath=/pki").ok();
        assert_eq!(
            ca_file(uri.as_ref()),
            std::path::Path::new("/pki/cacert.pem")
        );
        assert!(matches!(route("qemu+ssh://h/system", &g), Route::Ssh(_)));
        let none = GraphicsInfo::default();
        assert_eq!(route("qemu+tcp://h/system", &none), Route::Unavailable);
    }
}
