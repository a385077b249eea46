//! Migration commands: `migrate` (managed, `--p2p`, `--tunnelled`) and `domjobinfo`.

use std::io::Write;
use std::time::Duration;

use virt_client::domain::{
    CopyStorage, JOB_STATS_COMPLETED, JOB_STATS_KEEP_COMPLETED, JobStats, JobType, MigrateOptions,
};
use virt_client::{Connection, Domain, TypedParamValue};

use super::{Res, arg, dom, flag, opt};

/// `migrate [flags] DOMAIN DESTURI [--migrateuri U] [--dname N] [--bandwidth MiB/s] …`
pub async fn migrate(conn: &Connection, rest: &[String], pos: &[&str]) -> Res {
    let d = dom(conn, arg(pos, 0, "domain")?).await?;
    let desturi = arg(pos, 1, "desturi")?;
    let copy_storage = if flag(rest, "--copy-storage-all") {
        Some(CopyStorage::All)
    } else if flag(rest, "--copy-storage-inc") {
        Some(CopyStorage::Incremental)
    } else {
        None
    };
    let bandwidth_mib = match opt(rest, "--bandwidth") {
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| format!("numeric value '{v}' for <bandwidth> option is malformed"))?,
        ),
        None => None,
    };
    let dest_xml = match opt(rest, "--xml") {
        Some(file) => Some(std::fs::read_to_string(file)?),
        None => None,
    };
    let opts = MigrateOptions {
        live: flag(rest, "--live"),
        offline: flag(rest, "--offline"),
        persistent: flag(rest, "--persistent"),
        undefine_source: flag(rest, "--undefinesource"),
        copy_storage,
        compressed: flag(rest, "--compressed"),
        compression: opt(rest, "--comp-methods")
            .map(|m| m.split(',').map(Into::into).collect())
            .unwrap_or_default(),
        auto_converge: flag(rest, "--auto-converge"),
        post_copy: flag(rest, "--postcopy"),
        tunnelled: flag(rest, "--tunnelled"),
        unsafe_: flag(rest, "--unsafe"),
        migrate_uri: opt(rest, "--migrateuri").map(Into::into),
        dest_name: opt(rest, "--dname").map(Into::into),
        dest_xml,
        bandwidth_mib,
        listen_address: opt(rest, "--listen-address").map(Into::into),
        ..Default::default()
    };
    let p2p = flag(rest, "--p2p") || flag(rest, "--tunnelled");
    let verbose = flag(rest, "--verbose");
    let run = async {
        if p2p {
            d.migrate_peer_to_peer(desturi, &opts).await
        } else {
            let dconn = Connection::open(desturi).await?;
            let r = d.migrate(&dconn, &opts).await.map(|_| ());
            let _ = dconn.close().await;
            r
        }
    };
    let r = if verbose {
        watch(&d, run).await
    } else {
        run.await
    };
    r?;
    if verbose {
        progress(0, 1);
    }
    Ok(())
}

/// Runs `job` while printing its progress every half second, as `virsh --verbose` does.
async fn watch<T>(d: &Domain, job: impl std::future::Future<Output = T>) -> T {
    let mut job = std::pin::pin!(job);
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.tick().await;
    loop {
        tokio::select! {
            r = &mut job => return r,
            _ = tick.tick() => {
                if let Ok(info) = d.job_info().await
                    && JobType::from_raw(info.job_type).is_active()
                {
                    progress(info.data.2, info.data.0);
                }
            }
        }
    }
}

/// `\rMigration: [ NN %]` on standard error.
fn progress(remaining: u64, total: u64) {
    if total == 0 {
        return;
    }
    let pct = if remaining == 0 {
        100
    } else {
        100 - (u128::from(remaining) * 100 / u128::from(total)).min(100)
    };
    let mut err = std::io::stderr();
    let _ = write!(err, "\rMigration: [{pct:3} %]");
    let _ = err.flush();
}

/// A size as virsh prints one (`vshPrettyCapacity` with three decimals).
fn pretty(v: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut i = 0;
    while i + 1 < UNITS.len() && v >= 1u64 << (10 * (i + 1)) {
        i += 1;
    }
    format!("{:.3} {}", v as f64 / (1u64 << (10 * i)) as f64, UNITS[i])
}

fn operation_name(op: i32) -> &'static str {
    match op {
        1 => "Start",
        2 => "Save",
        3 => "Restore",
        4 => "Incoming migration",
        5 => "Outgoing migration",
        6 => "Snapshot",
        7 => "Snapshot revert",
        8 => "Dump",
        9 => "Backup",
        10 => "Snapshot delete",
        _ => "Unknown",
    }
}

/// `domjobinfo [--completed [--keep-completed]] DOMAIN`.
pub async fn domjobinfo(conn: &Connection, rest: &[String], pos: &[&str]) -> Res {
    let d = dom(conn, arg(pos, 0, "domain")?).await?;
    let completed = flag(rest, "--completed");
    let mut flags = 0;
    if completed {
        flags |= JOB_STATS_COMPLETED;
    }
    if flag(rest, "--keep-completed") {
        flags |= JOB_STATS_KEEP_COMPLETED;
    }
    let s = d.job_stats(flags).await?;
    print_job(&s, completed);
    Ok(())
}

fn print_job(s: &JobStats, completed: bool) {
    println!("{:<17} {:<12}", "Job type:", s.job_type.virsh_name());
    let shown = s.job_type.is_active() || (completed && s.job_type == JobType::Completed);
    if !shown {
        return;
    }
    let ms = |label: &str, v: u64| println!("{label:<17} {v:<12} ms");
    let size = |label: &str, v: u64| println!("{label:<17} {}", pretty(v));
    let num = |label: &str, v: u64| println!("{label:<17} {v:<12}");
    let u = |name: &str| s.param(name).and_then(TypedParamValue::as_u64);
    println!(
        "{:<17} {:<12}",
        "Operation:",
        operation_name(s.operation.unwrap_or(0))
    );
    ms("Time elapsed:", s.time_elapsed_ms.unwrap_or(0));
    if let Some(v) = u("time_elapsed_net") {
        ms("Time elapsed w/o network:", v);
    }
    if s.job_type == JobType::Bounded {
        ms("Time remaining:", s.time_remaining_ms.unwrap_or(0));
    }
    for (what, total, processed, remaining) in [
        ("Data", s.data_total, s.data_processed, s.data_remaining),
        (
            "Memory",
            s.memory_total,
            s.memory_processed,
            s.memory_remaining,
        ),
    ] {
        let (t, p, r) = (
            total.unwrap_or(0),
            processed.unwrap_or(0),
            remaining.unwrap_or(0),
        );
        if t != 0 || p != 0 || r != 0 {
            size(&format!("{what} processed:"), p);
            size(&format!("{what} remaining:"), r);
            size(&format!("{what} total:"), t);
        }
    }
    if let Some(v) = s.memory_bps.filter(|v| *v != 0) {
        println!("{:<17} {}/s", "Memory bandwidth:", pretty(v));
    }
    if let Some(v) = s.memory_dirty_rate {
        println!("{:<17} {v:<12} pages/s", "Dirty rate:");
    }
    if let Some(v) = u("memory_page_size") {
        println!("{:<17} {v:<12} bytes", "Page size:");
    }
    if let Some(v) = s.memory_iteration {
        num("Iteration:", v);
    }
    if let Some(v) = u("memory_postcopy_requests") {
        num("Postcopy requests:", v);
    }
    let (t, p, r) = (
        s.disk_total.unwrap_or(0),
        s.disk_processed.unwrap_or(0),
        s.disk_remaining.unwrap_or(0),
    );
    if t != 0 || p != 0 || r != 0 {
        size("File processed:", p);
        size("File remaining:", r);
        size("File total:", t);
    }
    if let Some(v) = u("disk_bps").filter(|v| *v != 0) {
        println!("{:<17} {}/s", "File bandwidth:", pretty(v));
    }
    if let Some(v) = u("memory_constant") {
        num("Constant pages:", v);
    }
    if let Some(v) = u("memory_normal") {
        num("Normal pages:", v);
    }
    if let Some(v) = u("memory_normal_bytes") {
        size("Normal data:", v);
    }
    if let Some(v) = s.downtime_ms {
        let label = if completed {
            "Total downtime:"
        } else {
            "Expected downtime:"
        };
        ms(label, v);
    }
    if let Some(v) = u("downtime_net") {
        ms("Downtime w/o network:", v);
    }
    if let Some(v) = s.setup_time_ms {
        ms("Setup time:", v);
    }
    if let Some(v) = u("compression_cache") {
        size("Compression cache:", v);
    }
    if let Some(v) = u("compression_bytes") {
        size("Compressed data:", v);
    }
    if let Some(v) = u("compression_pages") {
        num("Compressed pages:", v);
    }
    if let Some(v) = u("compression_cache_misses") {
        num("Compression cache misses:", v);
    }
    if let Some(v) = u("compression_overflow") {
        num("Compression overflows:", v);
    }
    if let Some(v) = s.auto_converge_throttle {
        println!("{:<17} {v:<13}", "Auto converge throttle:");
    }
    if let Some(v) = u("disk_temp_used") {
        size("Temporary disk space use:", v);
    }
    if let Some(v) = u("disk_temp_total") {
        size("Temporary disk space total:", v);
    }
    if let Some(m) = &s.error_message {
        println!("{:<17} {m}", "Error message:");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_as_virsh() {
        assert_eq!(super::pretty(0), "0.000 B");
        assert_eq!(super::pretty(1023), "1023.000 B");
        assert_eq!(super::pretty(1536), "1.500 KiB");
        assert_eq!(super::pretty(80 << 20), "80.000 MiB");
    }
}
