//! Wire conformance: the CALL packets this client sends are byte-identical to those libvirt's
//! own client (virsh) sends for the same calls with the same arguments.
//!
//! A small recording proxy sits between the client and the daemon's unix socket and keeps every
//! client→daemon packet; the serial number is masked before comparing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use testbed::{Libvirtd, wait};
use virt_client::{Connection, Domain};
use virt_proto::remote::Procedure as P;

/// `REMOTE_PROGRAM`: keepalive packets use another program and are left out.
const REMOTE_PROGRAM: u32 = 0x2000_8086;

/// Every byte each client connection sent through the proxy, one buffer per connection.
type Recorded = Arc<Mutex<Vec<Arc<Mutex<Vec<u8>>>>>>;

struct Proxy {
    path: PathBuf,
    recorded: Recorded,
    /// Connections whose client has not yet closed its sending side.
    open: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
}

impl Proxy {
    fn start(upstream: &Path) -> Proxy {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("proxy-sock");
        let listener = UnixListener::bind(&path).unwrap();
        let recorded: Recorded = Arc::default();
        let rec = recorded.clone();
        let open: Arc<AtomicUsize> = Arc::default();
        let opened = open.clone();
        let upstream = upstream.to_path_buf();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let Ok(daemon) = UnixStream::connect(&upstream) else {
                    return;
                };
                let buf = Arc::new(Mutex::new(Vec::new()));
                rec.lock().unwrap().push(buf.clone());
                opened.fetch_add(1, Ordering::SeqCst);
                let closed = opened.clone();
                let (mut c_read, mut d_write) =
                    (client.try_clone().unwrap(), daemon.try_clone().unwrap());
                let (mut d_read, mut c_write) = (daemon, client);
                thread::spawn(move || {
                    let mut chunk = [0u8; 65536];
                    loop {
                        match c_read.read(&mut chunk) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                buf.lock().unwrap().extend_from_slice(&chunk[..n]);
                                if d_write.write_all(&chunk[..n]).is_err() {
                                    break;
                                }
                            }
                        }
                    }
                    let _ = d_write.shutdown(std::net::Shutdown::Write);
                    closed.fetch_sub(1, Ordering::SeqCst);
                });
                thread::spawn(move || {
                    let _ = std::io::copy(&mut d_read, &mut c_write);
                    let _ = c_write.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        Proxy {
            path,
            recorded,
            open,
            _dir: dir,
        }
    }

    /// The URI for `driver_path` (`/default` or a fixture file) through the proxy.
    fn uri(&self, driver_path: &str) -> String {
        format!("test+unix://{driver_path}?socket={}", self.path.display())
    }

    /// Remote-program CALL packets recorded so far (header with serial zeroed, body), grouped
    /// by procedure in the order they were sent; clears the record.
    fn take(&self) -> BTreeMap<i32, Vec<Vec<u8>>> {
        let bufs = std::mem::take(&mut *self.recorded.lock().unwrap());
        let mut out: BTreeMap<i32, Vec<Vec<u8>>> = BTreeMap::new();
        for buf in bufs {
            let buf = buf.lock().unwrap();
            let mut at = 0;
            while at + 28 <= buf.len() {
                let len = u32::from_be_bytes(buf[at..at + 4].try_into().unwrap()) as usize;
                assert!(
                    len >= 28 && at + len <= buf.len(),
                    "torn packet in the record"
                );
                let mut pkt = buf[at + 4..at + len].to_vec();
                at += len;
                let prog = u32::from_be_bytes(pkt[0..4].try_into().unwrap());
                let type_ = u32::from_be_bytes(pkt[12..16].try_into().unwrap());
                if prog != REMOTE_PROGRAM || type_ != 0 {
                    continue;
                }
                pkt[16..20].fill(0);
                let proc_ = i32::from_be_bytes(pkt[8..12].try_into().unwrap());
                out.entry(proc_).or_default().push(pkt);
            }
        }
        out
    }
}

fn virsh(uri: &str, args: &[&str]) {
    let out = std::process::Command::new("virsh")
        .arg("-q")
        .arg("-c")
        .arg(uri)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "virsh {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Proxy {
    /// Waits until every proxied connection has been closed by its client, so records are whole.
    fn settle(&self) {
        assert!(
            wait::until(Duration::from_secs(10), || self.open.load(Ordering::SeqCst)
                == 0),
            "{} proxied connections still open",
            self.open.load(Ordering::SeqCst)
        );
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Asserts that our first packet for `proc_` equals one of virsh's packets for it.
fn assert_same(
    name: &str,
    proc_: i32,
    theirs: &BTreeMap<i32, Vec<Vec<u8>>>,
    ours: &BTreeMap<i32, Vec<Vec<u8>>>,
) {
    let t = theirs
        .get(&proc_)
        .unwrap_or_else(|| panic!("virsh sent no {name} ({proc_})"));
    let o = ours
        .get(&proc_)
        .unwrap_or_else(|| panic!("we sent no {name} ({proc_})"));
    for pkt in o {
        assert!(
            t.contains(pkt),
            "{name}: ours {} not among virsh's {:?}",
            hex(pkt),
            t.iter().map(|p| hex(p)).collect::<Vec<_>>()
        );
    }
}

/// A test-driver node with two running domains whose UUIDs are fixed (the driver makes up new
/// ones on every open otherwise, and domain references carry them).
fn fixture_xml() -> String {
    testbed::vm::test_node_xml("conf", 2)
        .replace(
            "<name>conf-0</name>",
            "<name>conf-0</name><uuid>6b1e4c4e-2f1a-4d7e-9c61-0a5d3c2b1a00</uuid>",
        )
        .replace(
            "<name>conf-1</name>",
            "<name>conf-1</name><uuid>6b1e4c4e-2f1a-4d7e-9c61-0a5d3c2b1a01</uuid>",
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_packets_match_virsh() {
    let d = Libvirtd::shared();
    let proxy = Proxy::start(&d.socket());
    let fixture = d.fixture_uri("conformance", &fixture_xml()).unwrap();
    // The fixture's path on the daemon side, between the scheme and the query.
    let path = fixture
        .strip_prefix("test+unix://")
        .and_then(|s| s.split('?').next())
        .unwrap()
        .to_string();
    let uri = proxy.uri(&path);
    let dom = "conf-0";

    // One virsh session, so the fixture's state (paused after suspend) carries over.
    let script = [
        "hostname",
        "version",
        "nodeinfo",
        "domstate conf-0",
        "dominfo conf-0",
        "dumpxml conf-0",
        "dumpxml --inactive conf-0",
        "list --all",
        "suspend conf-0",
        "resume conf-0",
        "domstats conf-0",
        "domstats",
    ]
    .join(" ; ");
    virsh(&uri, &[&script]);
    proxy.settle();
    let theirs = proxy.take();

    let c = Connection::open(&uri).await.unwrap();
    c.hostname().await.unwrap();
    c.version().await.unwrap();
    c.get_type().await.unwrap();
    c.node_info().await.unwrap();
    let dm = Domain::lookup_by_name(&c, dom).await.unwrap();
    dm.info().await.unwrap();
    dm.state().await.unwrap();
    dm.xml_desc(0).await.unwrap();
    dm.xml_desc(2).await.unwrap();
    // `list --all` asks for active | inactive (3).
    c.list_all_domains(3).await.unwrap();
    dm.suspend().await.unwrap();
    dm.resume().await.unwrap();
    c.all_domain_stats(std::slice::from_ref(&dm), 0, 0)
        .await
        .unwrap();
    c.all_domain_stats(&[], 0, 0).await.unwrap();
    c.close().await.unwrap();
    proxy.settle();
    let ours = proxy.take();

    for (name, proc_) in [
        ("CONNECT_OPEN", P::ConnectOpen as i32),
        ("AUTH_LIST", P::AuthList as i32),
        ("CONNECT_GET_TYPE", P::ConnectGetType as i32),
        ("CONNECT_GET_HOSTNAME", P::ConnectGetHostname as i32),
        ("CONNECT_GET_VERSION", P::ConnectGetVersion as i32),
        ("NODE_GET_INFO", P::NodeGetInfo as i32),
        ("DOMAIN_LOOKUP_BY_NAME", P::DomainLookupByName as i32),
        ("DOMAIN_GET_INFO", P::DomainGetInfo as i32),
        ("DOMAIN_GET_STATE", P::DomainGetState as i32),
        ("DOMAIN_GET_XML_DESC", P::DomainGetXmlDesc as i32),
        ("CONNECT_LIST_ALL_DOMAINS", P::ConnectListAllDomains as i32),
        ("DOMAIN_SUSPEND", P::DomainSuspend as i32),
        ("DOMAIN_RESUME", P::DomainResume as i32),
        (
            "CONNECT_GET_ALL_DOMAIN_STATS",
            P::ConnectGetAllDomainStats as i32,
        ),
        ("CONNECT_CLOSE", P::ConnectClose as i32),
    ] {
        assert_same(name, proc_, &theirs, &ours);
    }
}
