//! A small virsh: `vsh -c URI COMMAND [ARGS]`, printing what virsh 9.0 prints.

use std::io::Write;
use std::time::Duration;

use virt_client::domain::{cpumap_from_list, cpumap_to_list};
use virt_client::{
    Connection, Domain, DomainEventId, DomainState, Error, LifecycleEvent, StoragePool,
    TypedParamValue,
};

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (uri, rest) = match args.first().map(String::as_str) {
        Some("-c") if args.len() >= 2 => (args[1].clone(), args[2..].to_vec()),
        _ => (
            std::env::var("LIBVIRT_DEFAULT_URI").unwrap_or_else(|_| "qemu:///system".into()),
            args,
        ),
    };
    if let Err(e) = run(&uri, &rest).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Prints rows as virsh's tables do: left-aligned columns three spaces apart.
fn table(header: &[&str], rows: &[Vec<String>]) {
    let n = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut s = String::from(" ");
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < n {
                s.push_str(&" ".repeat(w[i] - c.chars().count() + 3));
            }
        }
        println!("{s}");
    };
    line(header.iter().map(|s| s.to_string()).collect());
    println!("{}", "-".repeat(w.iter().sum::<usize>() + 3 * (n - 1) + 3));
    for r in rows {
        line(r.clone());
    }
}

fn flag(rest: &[String], f: &str) -> bool {
    rest.iter().any(|a| a == f)
}

fn positional(rest: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in rest {
        if skip {
            skip = false;
            continue;
        }
        if a == "--timeout" {
            skip = true;
            continue;
        }
        if !a.starts_with("--") {
            out.push(a.as_str());
        }
    }
    out
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
        .map_err(|e| format!("failed to get domain '{name}'\nerror: {e}").into())
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
    match cmd {
        "list" => list(&conn, rest).await?,
        "domstate" => {
            let d = dom(&conn, arg(&pos, 0, "domain")?).await?;
            println!("{}", d.state().await?.0.virsh_name());
        }
        "dominfo" => dominfo(&conn, arg(&pos, 0, "domain")?).await?,
        "dumpxml" => {
            let d = dom(&conn, arg(&pos, 0, "domain")?).await?;
            let flags = if flag(rest, "--inactive") { 2 } else { 0 };
            print!("{}", d.xml_desc(flags).await?);
        }
        "define" => {
            let file = arg(&pos, 0, "file")?;
            let xml = std::fs::read_to_string(file)?;
            let d = Domain::define_xml(&conn, &xml, 0).await?;
            println!("Domain '{}' defined from {file}", d.name());
        }
        "undefine" => {
            let d = dom(&conn, arg(&pos, 0, "domain")?).await?;
            d.undefine(0).await?;
            println!("Domain '{}' has been undefined", d.name());
        }
        "start" | "shutdown" | "reboot" | "reset" | "destroy" | "suspend" | "resume"
        | "managedsave" => {
            let d = dom(&conn, arg(&pos, 0, "domain")?).await?;
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
        "vcpuinfo" => vcpuinfo(&conn, arg(&pos, 0, "domain")?).await?,
        "vcpupin" => vcpupin(&conn, rest, &pos).await?,
        "emulatorpin" => {
            let d = dom(&conn, arg(&pos, 0, "domain")?).await?;
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
                for name in &pos {
                    v.push(dom(&conn, name).await?);
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
            rows.sort();
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
            rows.sort();
            table(&["Name", "State", "Autostart"], &rows);
        }
        "vol-list" => {
            let p = StoragePool::lookup_by_name(&conn, arg(&pos, 0, "pool")?).await?;
            let mut rows = Vec::new();
            for v in p.list_volumes().await? {
                rows.push(vec![v.name().to_string(), v.path().await?]);
            }
            rows.sort();
            table(&["Name", "Path"], &rows);
        }
        "nodedev-list" => {
            let mut names = conn.list_all_node_devices(0).await?;
            names.sort();
            for n in names {
                println!("{n}");
            }
        }
        "event" => events(&conn, rest).await?,
        "console" => console(&conn, arg(&pos, 0, "domain")?).await?,
        other => return Err(format!("unknown command: '{other}'").into()),
    }
    println!();
    let _ = std::io::stdout().flush();
    let _ = conn.close().await;
    Ok(())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

async fn list(conn: &Connection, rest: &[String]) -> Res {
    let all = flag(rest, "--all");
    // VIR_CONNECT_LIST_DOMAINS_ACTIVE = 1
    let mut doms = conn.list_all_domains(if all { 0 } else { 1 }).await?;
    // virsh sorts running domains by id, then inactive ones by name.
    doms.sort_by(|a, b| match (a.id(), b.id()) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name().cmp(b.name()),
    });
    if flag(rest, "--name") {
        for d in &doms {
            println!("{}", d.name());
        }
        return Ok(());
    }
    let mut rows = Vec::new();
    for d in &doms {
        let state = d.state().await?.0;
        rows.push(vec![
            d.id().map_or("-".to_string(), |i| i.to_string()),
            d.name().to_string(),
            state.virsh_name().to_string(),
        ]);
    }
    table(&["Id", "Name", "State"], &rows);
    Ok(())
}

async fn dominfo(conn: &Connection, name: &str) -> Res {
    let d = dom(conn, name).await?;
    let info = d.info().await?;
    let row = |k: &str, v: String| println!("{:<15} {v}", k);
    row("Id:", d.id().map_or("-".into(), |i| i.to_string()));
    row("Name:", d.name().into());
    row("UUID:", d.uuid().to_string());
    row("OS Type:", d.os_type().await?);
    row("State:", info.state.virsh_name().into());
    row("CPU(s):", info.nr_virt_cpu.to_string());
    if info.state != DomainState::Shutoff {
        row(
            "CPU time:",
            format!("{:.1}s", info.cpu_time_ns as f64 / 1e9),
        );
    }
    row("Max memory:", format!("{} KiB", info.max_mem_kib));
    row("Used memory:", format!("{} KiB", info.memory_kib));
    row("Persistent:", yes_no(d.is_persistent().await?).into());
    row(
        "Autostart:",
        if d.autostart().await? {
            "enable"
        } else {
            "disable"
        }
        .into(),
    );
    row("Managed save:", yes_no(d.has_managed_save().await?).into());
    let (model, doi) = security_model(conn).await?;
    if !model.is_empty() {
        row("Security model:", model);
        row("Security DOI:", doi);
        if d.id().is_some() {
            let (label, enforcing) = security_label(&d).await?;
            if !label.is_empty() {
                let mode = if enforcing { "enforcing" } else { "permissive" };
                row("Security label:", format!("{label} ({mode})"));
            }
        }
    }
    Ok(())
}

fn c_string(v: &[i8]) -> String {
    let bytes: Vec<u8> = v.iter().map(|&c| c as u8).take_while(|&c| c != 0).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

async fn security_model(conn: &Connection) -> Res<(String, String)> {
    let r = conn
        .call(&virt_proto::remote::NodeGetSecurityModelArgs)
        .await?;
    Ok((c_string(&r.model), c_string(&r.doi)))
}

async fn security_label(d: &Domain) -> Res<(String, bool)> {
    let r = d
        .connection()
        .call(&virt_proto::remote::DomainGetSecurityLabelArgs {
            dom: d.raw().clone(),
        })
        .await?;
    Ok((c_string(&r.label), r.enforcing != 0))
}

async fn vcpuinfo(conn: &Connection, name: &str) -> Res {
    let d = dom(conn, name).await?;
    let cpus = conn.node_cpu_map().await?.count;
    let maplen = cpus.div_ceil(8);
    let n = d.info().await?.nr_virt_cpu;
    let vcpus = d.vcpus(n, maplen).await?;
    for (i, v) in vcpus.iter().enumerate() {
        if i > 0 {
            println!();
        }
        let state = match v.state {
            0 => "offline",
            1 => "running",
            2 => "blocked",
            _ => "no state",
        };
        println!("{:<15} {}", "VCPU:", v.number);
        println!("{:<15} {}", "CPU:", v.cpu);
        println!("{:<15} {}", "State:", state);
        // virsh leaves the line out for a vCPU that has not run yet.
        if v.cpu_time_ns != 0 {
            println!("{:<15} {:.1}s", "CPU time:", v.cpu_time_ns as f64 / 1e9);
        }
        let aff: String = (0..cpus)
            .map(|c| {
                let on = v
                    .affinity
                    .get((c / 8) as usize)
                    .is_some_and(|b| b & (1 << (c % 8)) != 0);
                if on { 'y' } else { '-' }
            })
            .collect();
        println!("{:<15} {}", "CPU Affinity:", aff);
    }
    Ok(())
}

async fn vcpupin(conn: &Connection, rest: &[String], pos: &[&str]) -> Res {
    let d = dom(conn, arg(pos, 0, "domain")?).await?;
    let cpus = conn.node_cpu_map().await?.count;
    let maplen = cpus.div_ceil(8);
    let live = d.is_active().await?;
    let mut flags = 0;
    if flag(rest, "--live") {
        flags |= 1;
    }
    if flag(rest, "--config") {
        flags |= 2;
    }
    if let (Some(vcpu), Some(list)) = (pos.get(1), pos.get(2)) {
        let vcpu: u32 = vcpu.parse().map_err(|_| "vcpu must be a number")?;
        let map = cpumap_from_list(list, maplen as usize)?;
        d.pin_vcpu(vcpu, &map, flags).await?;
        return Ok(());
    }
    let query = if flags == 0 {
        if live { 1 } else { 2 }
    } else {
        flags
    };
    let n = d
        .vcpus_count(if query & 2 != 0 { 2 | 4 } else { 1 | 4 })
        .await?;
    let maps = d.vcpu_pin_info(n, maplen, query).await?;
    let rows: Vec<Vec<String>> = maps
        .iter()
        .enumerate()
        .map(|(i, m)| vec![i.to_string(), cpumap_to_list(m, cpus)])
        .collect();
    table(&["VCPU", "CPU Affinity"], &rows);
    Ok(())
}

fn lifecycle_words(ev: LifecycleEvent, detail: i32) -> (&'static str, &'static str) {
    let details: &[&str] = match ev {
        LifecycleEvent::Defined => &["Added", "Updated", "Renamed", "Snapshot"],
        LifecycleEvent::Undefined => &["Removed", "Renamed"],
        LifecycleEvent::Started => &["Booted", "Migrated", "Restored", "Snapshot", "Event wakeup"],
        LifecycleEvent::Suspended => &[
            "Paused",
            "Migrated",
            "I/O Error",
            "Watchdog",
            "Restored",
            "Snapshot",
            "API error",
            "Post-copy",
            "Post-copy Error",
        ],
        LifecycleEvent::Resumed => &["Unpaused", "Migrated", "Snapshot", "Post-copy"],
        LifecycleEvent::Stopped => &[
            "Shutdown",
            "Destroyed",
            "Crashed",
            "Migrated",
            "Saved",
            "Failed",
            "Snapshot",
        ],
        LifecycleEvent::Shutdown => &["Finished", "On guest request", "On host request"],
        LifecycleEvent::PmSuspended => &["Memory", "Disk"],
        LifecycleEvent::Crashed => &["Panicked", "Crashloaded"],
        LifecycleEvent::Other(_) => &[],
    };
    let name = match ev {
        LifecycleEvent::Defined => "Defined",
        LifecycleEvent::Undefined => "Undefined",
        LifecycleEvent::Started => "Started",
        LifecycleEvent::Suspended => "Suspended",
        LifecycleEvent::Resumed => "Resumed",
        LifecycleEvent::Stopped => "Stopped",
        LifecycleEvent::Shutdown => "Shutdown",
        LifecycleEvent::PmSuspended => "PMSuspended",
        LifecycleEvent::Crashed => "Crashed",
        LifecycleEvent::Other(_) => "unknown",
    };
    let d = usize::try_from(detail)
        .ok()
        .and_then(|i| details.get(i))
        .copied();
    (name, d.unwrap_or("unknown"))
}

async fn events(conn: &Connection, rest: &[String]) -> Res {
    let timeout = rest
        .iter()
        .position(|a| a == "--timeout")
        .and_then(|i| rest.get(i + 1))
        .and_then(|s| s.parse::<u64>().ok());
    let looping = flag(rest, "--loop");
    let mut sub = conn.domain_events(&DomainEventId::ALL, None).await?;
    let deadline = timeout.map(|s| tokio::time::Instant::now() + Duration::from_secs(s));
    let mut count = 0;
    loop {
        let next = match deadline {
            Some(d) => match tokio::time::timeout_at(d, sub.next()).await {
                Ok(n) => n,
                Err(_) => break,
            },
            None => sub.next().await,
        };
        let Some(ev) = next else { break };
        let ev = ev?;
        use virt_client::DomainEvent as E;
        match ev {
            E::Lifecycle {
                domain,
                event,
                detail,
            } => {
                let (a, b) = lifecycle_words(event, detail);
                println!("event 'lifecycle' for domain '{domain}': {a} {b}");
            }
            E::Reboot { domain } => println!("event 'reboot' for domain '{domain}'"),
            E::BalloonChange { domain, actual_kib } => {
                println!("event 'balloon-change' for domain '{domain}': {actual_kib}KiB")
            }
            E::DeviceAdded { domain, alias } => {
                println!("event 'device-added' for domain '{domain}': {alias}")
            }
            E::DeviceRemoved { domain, alias } => {
                println!("event 'device-removed' for domain '{domain}': {alias}")
            }
            E::Tunable { domain, params } => {
                println!("event 'tunable' for domain '{domain}':");
                for p in params {
                    println!("\t{}: {:?}", p.field, p.value);
                }
            }
            E::MetadataChange {
                domain,
                kind,
                nsuri,
            } => println!(
                "event 'metadata-change' for domain '{domain}': type {kind}, uri {}",
                nsuri.unwrap_or_default()
            ),
            other => println!("event {other:?}"),
        }
        let _ = std::io::stdout().flush();
        count += 1;
        if !looping {
            break;
        }
    }
    println!("events received: {count}");
    Ok(())
}

async fn console(conn: &Connection, name: &str) -> Res {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let d = dom(conn, name).await?;
    let mut stream = d
        .open_console(None, virt_client::stream::CONSOLE_FORCE)
        .await?;
    println!("Connected to domain '{}'", d.name());
    println!("Escape character is ^] (Ctrl + ])");
    let mut stdin = tokio::io::stdin();
    let mut stdout = tokio::io::stdout();
    let mut buf = [0u8; 4096];
    loop {
        tokio::select! {
            data = stream.recv() => match data {
                Ok(Some(b)) => { stdout.write_all(&b).await?; stdout.flush().await?; }
                Ok(None) => break,
                Err(e) => return Err(e.into()),
            },
            n = stdin.read(&mut buf) => {
                let n = n?;
                if n == 0 || buf[..n].contains(&0x1d) {
                    break;
                }
                stream.send(&buf[..n]).await?;
            }
        }
    }
    match stream.finish().await {
        Ok(()) | Err(Error::ConnectionLost(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
