//! `migrate_bench [RUNS]`: live migration of a running 256 MiB guest between two private
//! daemons on this machine, this client against `virsh migrate` on the same pair.
//!
//! The guest is the tiny VM with 256 MiB, 192 MiB of which hold random bytes (pages of zeros
//! would cost a migration next to nothing). It goes back and forth; each trip is made by one
//! tool, the tools taking turns, RUNS trips each (default 6, rounded up to even: as many
//! each way). For every trip:
//! the total time (this client: opening the destination connection and the five steps;
//! virsh: the whole `virsh migrate` process) and the downtime the destination's completed job
//! reports. Prints the medians and the ratios this client / virsh. One untimed round trip
//! first: the first QEMU a daemon starts waits for it to probe the binary's capabilities.

use std::process::Command;
use std::time::{Duration, Instant};

use testbed::Libvirtd;
use virt_client::domain::{JOB_STATS_COMPLETED, MigrateOptions};
use virt_client::{Connection, Domain};

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// One trip: total time and downtime (ms).
#[derive(Clone, Copy)]
struct Trip {
    total: Duration,
    downtime_ms: u64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

async fn downtime(to: &Connection, name: &str) -> Res<u64> {
    let d = Domain::lookup_by_name(to, name).await?;
    let s = d.job_stats(JOB_STATS_COMPLETED).await?;
    Ok(s.downtime_ms.ok_or("the completed job has no downtime")?)
}

async fn ours(from: &Libvirtd, to: &Libvirtd, name: &str) -> Res<Trip> {
    let src = Connection::open(&from.qemu_uri()).await?;
    let dom = Domain::lookup_by_name(&src, name).await?;
    let opts = MigrateOptions {
        live: true,
        migrate_uri: Some(to.migrate_uri()),
        ..Default::default()
    };
    let start = Instant::now();
    let dest = Connection::open(&to.qemu_uri()).await?;
    dom.migrate(&dest, &opts).await?;
    let total = start.elapsed();
    let downtime_ms = downtime(&dest, name).await?;
    let _ = dest.close().await;
    let _ = src.close().await;
    Ok(Trip { total, downtime_ms })
}

async fn virsh(from: &Libvirtd, to: &Libvirtd, name: &str) -> Res<Trip> {
    let start = Instant::now();
    let out = Command::new("virsh")
        .args(["-c", &from.qemu_uri(), "migrate", "--live", name])
        .arg(to.qemu_uri())
        .args(["--migrateuri", &to.migrate_uri()])
        .output()?;
    let total = start.elapsed();
    if !out.status.success() {
        return Err(format!(
            "virsh migrate: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    let dest = Connection::open(&to.qemu_uri()).await?;
    let downtime_ms = downtime(&dest, name).await?;
    let _ = dest.close().await;
    Ok(Trip { total, downtime_ms })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res {
    let runs: usize = match std::env::args().nth(1) {
        Some(v) => v.parse()?,
        None => 6,
    };
    // As many trips each way for each tool: the two directions need not cost the same.
    let runs = runs.next_multiple_of(2).max(2);
    let a = Libvirtd::start()?;
    let b = Libvirtd::start()?;
    let name = testbed::unique_name("migbench");
    let fill = a.dir().join(format!("{name}.fill"));
    let xml = testbed::vm::tiny_filled_xml(&name, 256, &fill, 192)?;
    {
        let c = Connection::open(&a.qemu_uri()).await?;
        Domain::create_xml(&c, &xml, 0).await?;
        let _ = c.close().await;
    }
    // Untimed: the first QEMU a daemon starts probes the binary's capabilities first.
    virsh(&a, &b, &name).await?;
    ours(&b, &a, &name).await?;
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    let mut here_is_a = true;
    // Trip k: made by this client when k % 4 is 0 or 3, so each tool goes both ways.
    for k in 0..2 * runs {
        let (from, to) = if here_is_a { (&a, &b) } else { (&b, &a) };
        let by_us = matches!(k % 4, 0 | 3);
        let trip = if by_us {
            ours(from, to, &name).await?
        } else {
            virsh(from, to, &name).await?
        };
        println!(
            "trip {k:2} {:>5} {}: total {:7.1} ms, downtime {:4} ms",
            if by_us { "ours" } else { "virsh" },
            if here_is_a { "a->b" } else { "b->a" },
            trip.total.as_secs_f64() * 1e3,
            trip.downtime_ms
        );
        if by_us {
            mine.push(trip);
        } else {
            theirs.push(trip);
        }
        here_is_a = !here_is_a;
    }
    let med = |v: &[Trip], f: fn(&Trip) -> f64| median(v.iter().map(f).collect());
    let total = |t: &Trip| t.total.as_secs_f64() * 1e3;
    let down = |t: &Trip| t.downtime_ms as f64;
    let (mt, tt) = (med(&mine, total), med(&theirs, total));
    let (md, td) = (med(&mine, down), med(&theirs, down));
    println!("live migration, 256 MiB guest (192 MiB random), {runs} trips each");
    println!("          total_ms  downtime_ms   (medians)");
    println!("hangar  {mt:10.1} {md:12.1}");
    println!("virsh   {tt:10.1} {td:12.1}");
    println!(
        "ratio hangar/virsh: total {:.2}, downtime {:.2}",
        mt / tt,
        md / td
    );
    Ok(())
}
