//! Domain commands: list, dominfo, vCPU tables, events and the serial console.

use std::io::Write;
use std::time::Duration;

use virt_client::domain::{cpumap_from_list, cpumap_to_list};
use virt_client::{Connection, Domain, DomainEventId, DomainState, Error, LifecycleEvent};

use super::{Res, arg, casecmp, dom, flag, table, yes_no};

pub async fn list(conn: &Connection, rest: &[String]) -> Res {
    let all = flag(rest, "--all");
    // VIR_CONNECT_LIST_DOMAINS_ACTIVE = 1
    let mut doms = conn.list_all_domains(if all { 0 } else { 1 }).await?;
    // virsh sorts running domains by id, then inactive ones by name.
    doms.sort_by(|a, b| match (a.id(), b.id()) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => casecmp(a.name(), b.name()),
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

pub async fn dominfo(conn: &Connection, name: &str) -> Res {
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

pub async fn vcpuinfo(conn: &Connection, name: &str) -> Res {
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

pub async fn vcpupin(conn: &Connection, rest: &[String], pos: &[&str]) -> Res {
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

pub async fn events(conn: &Connection, rest: &[String]) -> Res {
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

pub async fn console(conn: &Connection, name: &str) -> Res {
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
