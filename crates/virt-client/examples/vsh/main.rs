//! A small virsh: `vsh -c URI COMMAND [ARGS]`, printing what virsh 9.0 prints.

mod domain;
mod guest;
mod migrate;
mod network;
mod snapshot;
mod storage;
mod table;

use std::io::Write;

use virt_client::domain::{cpumap_from_list, cpumap_to_list};
use virt_client::{Connection, Domain, Error, StoragePool, TypedParamValue};

use domain::{console, dominfo, events, list, vcpuinfo, vcpupin};

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    table::init_locale();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (uri, rest) = match args.first().map(String::as_str) {
        Some("-c") if args.len() >= 2 => (args[1].clone(), args[2..].to_vec()),
        _ => (
            std::env::var("LIBVIRT_DEFAULT_URI").unwrap_or_else(|_| "qemu:///system".into()),
            args,
        ),
    };
    if let Err(e) = run(&uri, &rest).await {
        // libvirt's errors show as virsh shows them: the message alone.
        match e.downcast_ref::<Error>() {
            Some(e) => eprintln!("error: {}", message(e)),
            None => eprintln!("error: {e}"),
        }
        std::process::exit(1);
    }
}

/// A command line virsh rejects before it runs the command (so without the empty line a
/// command ends with).
#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Prints rows as virsh's tables do: columns padded by display width, three spaces apart.
fn table(header: &[&str], rows: &[Vec<String>]) {
    table::print(header, rows);
}

/// Options that take a value (`--pool NAME` or `--pool=NAME`).
const VALUE_OPTS: &[&str] = &[
    "--timeout",
    "--pool",
    "--format",
    "--allocation",
    "--backing-vol",
    "--backing-vol-format",
    "--mac",
    "--source",
    "--interface",
    "--migrateuri",
    "--dname",
    "--listen-address",
    "--bandwidth",
    "--comp-methods",
    "--xml",
];

fn flag(rest: &[String], f: &str) -> bool {
    rest.iter().any(|a| a == f)
}

/// The value of option `name` (`--name VALUE` or `--name=VALUE`).
fn opt<'a>(rest: &'a [String], name: &str) -> Option<&'a str> {
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        if a == name {
            return it.next().map(String::as_str);
        }
        if let Some(v) = a.strip_prefix(name).and_then(|v| v.strip_prefix('=')) {
            return Some(v);
        }
    }
    None
}

/// The arguments that are not options or option values.
fn positional(rest: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        if VALUE_OPTS.contains(&a.as_str()) {
            it.next();
        } else if !a.starts_with("--") {
            out.push(a.as_str());
        }
    }
    out
}

/// An error as virsh shows it: its own line, then libvirt's message on a second `error:` line.
fn fail(what: String, e: Error) -> Box<dyn std::error::Error> {
    format!("{what}\nerror: {}", message(&e)).into()
}

/// libvirt's message of an error, as virsh prints it.
fn message(e: &Error) -> String {
    match e {
        Error::Libvirt { message, .. } => message.clone(),
        // virsh shows libvirt's own message of a failed migration.
        Error::Migration { source, .. } => message(source),
        other => other.to_string(),
    }
}

async fn dom(conn: &Connection, name: &str) -> Res<Domain> {
    if let Ok(id) = name.parse::<u32>()
        && let Ok(d) = Domain::lookup_by_id(conn, id).await
    {
        return Ok(d);
    }
    if let Ok(uuid) = name.parse()
        && let Ok(d) = Domain::lookup_by_uuid(conn, uuid).await
    {
        return Ok(d);
    }
    Domain::lookup_by_name(conn, name)
        .await
        .map_err(|e| fail(format!("failed to get domain '{name}'"), e))
}

fn arg<'a>(pos: &[&'a str], i: usize, what: &str) -> Res<&'a str> {
    pos.get(i)
        .copied()
        .ok_or_else(|| format!("command requires <{what}> option").into())
}

async fn run(uri: &str, rest: &[String]) -> Res {
    let cmd = rest.first().map(String::as_str).unwrap_or("help");
    let rest = &rest[rest.len().min(1)..];
    let pos = positional(rest);
    let conn = Connection::open(uri).await?;
    let r = command(&conn, cmd, rest, &pos).await;
    // virsh ends every command with an empty line, also one that failed (but not a command
    // line it rejected). The reader may be gone already (a console closed from the other
    // side): no panic over that.
    let mut out = std::io::stdout();
    if !r.as_ref().is_err_and(|e| e.is::<Usage>()) {
        let _ = writeln!(out);
    }
    let _ = out.flush();
    let _ = conn.close().await;
    r
}

async fn command(conn: &Connection, cmd: &str, rest: &[String], pos: &[&str]) -> Res {
    match cmd {
        "list" => list(conn, rest).await?,
        "domstate" => {
            let d = dom(conn, arg(pos, 0, "domain")?).await?;
            println!("{}", d.state().await?.0.virsh_name());
        }
        "dominfo" => dominfo(conn, arg(pos, 0, "domain")?).await?,
        "dumpxml" => {
            let d = dom(conn, arg(pos, 0, "domain")?).await?;
            let flags = if flag(rest, "--inactive") { 2 } else { 0 };
            print!("{}", d.xml_desc(flags).await?);
        }
        "define" => {
            let file = arg(pos, 0, "file")?;
            let xml = std::fs::read_to_string(file)?;
            let d = Domain::define_xml(conn, &xml, 0).await?;
            println!("Domain '{}' defined from {file}", d.name());
        }
        "undefine" => {
            let d = dom(conn, arg(pos, 0, "domain")?).await?;
            d.undefine(0).await?;
            println!("Domain '{}' has been undefined", d.name());
        }
        "start" | "shutdown" | "reboot" | "reset" | "destroy" | "suspend" | "resume"
        | "managedsave" => {
            let d = dom(conn, arg(pos, 0, "domain")?).await?;
            let (r, msg) = match cmd {
                "start" => (d.create(0).await.map(|_| ()), "started"),
                "shutdown" => (d.shutdown(0).await, "is being shutdown"),
                "reboot" => (d.reboot(0).await, "is being rebooted"),
                "reset" => (d.reset(0).await, "was reset"),
                "destroy" => (d.destroy(0).await, "destroyed"),
                "suspend" => (d.suspend().await, "suspended"),
                "resume" => (d.resume().await, "resumed"),
                _ => (d.managed_save(0).await, "state saved by libvirt"),
            };
            r?;
            // virsh ends its (empty) progress line first.
            if cmd == "managedsave" {
                println!();
            }
            println!("Domain '{}' {msg}", d.name());
        }
        "vcpuinfo" => vcpuinfo(conn, arg(pos, 0, "domain")?).await?,
        "vcpupin" => vcpupin(conn, rest, pos).await?,
        "emulatorpin" => {
            let d = dom(conn, arg(pos, 0, "domain")?).await?;
            let cpus = conn.node_cpu_map().await?.count;
            let maplen = cpus.div_ceil(8);
            let live = d.is_active().await?;
            let f = if flag(rest, "--config") || !live {
                2
            } else {
                1
            };
            if let Some(list) = pos.get(1) {
                d.pin_emulator(&cpumap_from_list(list, maplen as usize)?, f)
                    .await?;
            } else {
                let map = d
                    .emulator_pin_info(maplen, f)
                    .await?
                    .unwrap_or_else(|| vec![0xff; maplen as usize]);
                println!("emulator: CPU Affinity");
                println!("----------------------------------");
                println!("       *: {}", cpumap_to_list(&map, cpus));
            }
        }
        "domstats" => {
            let doms = {
                let mut v = Vec::new();
                for name in pos {
                    v.push(dom(conn, name).await?);
                }
                v
            };
            // A blank line after each record; the last one comes from the common end below.
            for (i, s) in conn.all_domain_stats(&doms, 0, 0).await?.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                println!("Domain: '{}'", s.domain.name());
                for p in &s.params {
                    let v = match &p.value {
                        TypedParamValue::Int(v) => v.to_string(),
                        TypedParamValue::UInt(v) => v.to_string(),
                        TypedParamValue::LLong(v) => v.to_string(),
                        TypedParamValue::ULLong(v) => v.to_string(),
                        TypedParamValue::Double(v) => format!("{v:.6}"),
                        TypedParamValue::Boolean(v) => if *v { "yes" } else { "no" }.to_string(),
                        TypedParamValue::String(v) => v.clone(),
                    };
                    println!("  {}={v}", p.field);
                }
            }
        }
        "nodeinfo" => {
            let n = conn.node_info().await?;
            println!("{:<20} {}", "CPU model:", n.model);
            println!("{:<20} {}", "CPU(s):", n.cpus);
            println!("{:<20} {} MHz", "CPU frequency:", n.mhz);
            println!("{:<20} {}", "CPU socket(s):", n.sockets);
            println!("{:<20} {}", "Core(s) per socket:", n.cores);
            println!("{:<20} {}", "Thread(s) per core:", n.threads);
            println!("{:<20} {}", "NUMA cell(s):", n.nodes);
            println!("{:<20} {} KiB", "Memory size:", n.memory_kib);
        }
        "capabilities" => println!("{}", conn.capabilities().await?),
        "hostname" => println!("{}", conn.hostname().await?),
        "uri" => println!("{}", conn.connect_uri()),
        "version" => {
            let v = |n: u64| {
                let (a, b, c) = virt_client::split_version(n);
                format!("{a}.{b}.{c}")
            };
            let lib = v(conn.lib_version().await?);
            let t = conn.get_type().await?;
            println!("Compiled against library: libvirt {lib}");
            println!("Using library: libvirt {lib}");
            println!("Using API: {t} {lib}");
            println!("Running hypervisor: {t} {}", v(conn.version().await?));
        }
        "net-list" => {
            let mut rows = Vec::new();
            for n in conn.list_all_networks(0).await? {
                let active = n.is_active().await?;
                if !active && !flag(rest, "--all") {
                    continue;
                }
                rows.push(vec![
                    n.name().to_string(),
                    if active { "active" } else { "inactive" }.into(),
                    yes_no(n.autostart().await?).into(),
                    yes_no(n.is_persistent().await?).into(),
                ]);
            }
            rows.sort_by(|a, b| casecmp(&a[0], &b[0]));
            table(&["Name", "State", "Autostart", "Persistent"], &rows);
        }
        "pool-list" => {
            let mut rows = Vec::new();
            for p in conn.list_all_storage_pools(0).await? {
                let active = p.info().await?.state == 2;
                if !active && !flag(rest, "--all") {
                    continue;
                }
                rows.push(vec![
                    p.name().to_string(),
                    if active { "active" } else { "inactive" }.into(),
                    yes_no(p.autostart().await?).into(),
                ]);
            }
            rows.sort_by(|a, b| casecmp(&a[0], &b[0]));
            table(&["Name", "State", "Autostart"], &rows);
        }
        "vol-list" => {
            let p = StoragePool::lookup_by_name(conn, arg(pos, 0, "pool")?).await?;
            let mut rows = Vec::new();
            for v in p.list_volumes().await? {
                rows.push(vec![v.name().to_string(), v.path().await?]);
            }
            rows.sort_by(|a, b| casecmp(&a[0], &b[0]));
            table(&["Name", "Path"], &rows);
        }
        "nodedev-list" => {
            let mut names = conn.list_all_node_devices(0).await?;
            names.sort();
            for n in names {
                println!("{n}");
            }
        }
        "event" => events(conn, rest).await?,
        "migrate" => migrate::migrate(conn, rest, pos).await?,
        "domjobinfo" => migrate::domjobinfo(conn, rest, pos).await?,
        "domjobabort" => {
            let d = dom(conn, arg(pos, 0, "domain")?).await?;
            // VIR_DOMAIN_ABORT_JOB_POSTCOPY = 1
            d.abort_job(u32::from(flag(rest, "--postcopy"))).await?;
        }
        "console" => console(conn, arg(pos, 0, "domain")?).await?,
        "pool-info" => storage::pool_info(conn, rest).await?,
        "pool-dumpxml" => storage::pool_dumpxml(conn, rest).await?,
        "vol-info" => storage::vol_info(conn, rest).await?,
        "vol-dumpxml" => storage::vol_dumpxml(conn, rest).await?,
        "vol-create-as" => storage::vol_create_as(conn, rest).await?,
        "vol-upload" => storage::vol_upload(conn, rest).await?,
        "vol-download" => storage::vol_download(conn, rest).await?,
        "snapshot-create-as" => snapshot::create_as(conn, rest).await?,
        "snapshot-list" => snapshot::list(conn, rest).await?,
        "snapshot-current" => snapshot::current(conn, rest).await?,
        "snapshot-revert" => snapshot::revert_to(conn, rest).await?,
        "snapshot-delete" => snapshot::delete(conn, rest).await?,
        "snapshot-dumpxml" => snapshot::dumpxml(conn, rest).await?,
        "net-dumpxml" => network::net_dumpxml(conn, rest).await?,
        "net-dhcp-leases" => network::net_dhcp_leases(conn, rest).await?,
        "domifaddr" => guest::domifaddr(conn, rest).await?,
        "domhostname" => guest::domhostname(conn, rest).await?,
        other => return Err(format!("unknown command: '{other}'").into()),
    }
    Ok(())
}

/// Order of names as virsh sorts them (`strcasecmp`: ASCII letters without case).
fn casecmp(a: &str, b: &str) -> std::cmp::Ordering {
    let fold = |s: &str| {
        s.bytes()
            .map(|c| c.to_ascii_lowercase())
            .collect::<Vec<u8>>()
    };
    fold(a).cmp(&fold(b))
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
