//! Decoding speed of a large `CONNECT_GET_ALL_DOMAIN_STATS` reply.
//!
//! Builds a reply of 1,000 domain records with 40 typed parameters each (the counters a
//! stats tick asks for: state, CPU, balloon, vCPUs, block devices, interfaces), encodes it
//! once, then decodes it many times and prints the median CPU time of the decoding thread
//! (and the wall time, which on a busy machine also counts time spent waiting for a core).
//! Each decoded reply is kept until the next one is decoded, as a sampler keeping its last
//! sample would. Goal: at most 1 ms of CPU. Measures the hand-written decoder the client uses
//! for this reply ([`decode_all_domain_stats`]) and, for comparison, the generic serde path.
//!
//! Run with `cargo run --release -p virt-proto --example decode_bench [-- RUNS]`.

use std::time::{Duration, Instant};
use virt_proto::remote::{
    ConnectGetAllDomainStatsRet, Domain, DomainStatsRecord, TypedParam, TypedParamValue as V,
    decode_all_domain_stats,
};
use virt_proto::xdr::{self, Uuid};

const DOMAINS: usize = 1_000;

fn record(i: usize) -> DomainStatsRecord {
    let n = i as u64;
    let mut params = vec![
        TypedParam::new("state.state", V::Int(1)),
        TypedParam::new("state.reason", V::Int(1)),
        TypedParam::new("cpu.time", V::ULLong(123_456_789_000 + n)),
        TypedParam::new("cpu.user", V::ULLong(80_000_000_000 + n)),
        TypedParam::new("cpu.system", V::ULLong(40_000_000_000 + n)),
        TypedParam::new("balloon.current", V::ULLong(2_097_152)),
        TypedParam::new("balloon.maximum", V::ULLong(4_194_304)),
        TypedParam::new("balloon.rss", V::ULLong(1_900_000 + n)),
        TypedParam::new("balloon.available", V::ULLong(2_000_000)),
        TypedParam::new("balloon.unused", V::ULLong(500_000 + n)),
        TypedParam::new("vcpu.current", V::UInt(2)),
        TypedParam::new("vcpu.maximum", V::UInt(4)),
    ];
    for v in 0..2 {
        params.push(TypedParam::new(format!("vcpu.{v}.state"), V::Int(1)));
        params.push(TypedParam::new(
            format!("vcpu.{v}.time"),
            V::ULLong(1_000_000 + n),
        ));
        params.push(TypedParam::new(format!("vcpu.{v}.wait"), V::ULLong(0)));
    }
    params.push(TypedParam::new("block.count", V::UInt(1)));
    params.push(TypedParam::new("block.0.name", V::String("vda".into())));
    params.push(TypedParam::new(
        "block.0.path",
        V::String(format!("/var/lib/libvirt/images/vm{i}.qcow2")),
    ));
    for (k, v) in [
        ("rd.reqs", 1_000),
        ("rd.bytes", 40_960_000),
        ("rd.times", 9_000_000),
        ("wr.reqs", 2_000),
        ("wr.bytes", 81_920_000),
        ("wr.times", 19_000_000),
        ("fl.reqs", 10),
        ("fl.times", 100_000),
        ("allocation", 1 << 30),
        ("capacity", 10 << 30),
        ("physical", 1 << 30),
    ] {
        params.push(TypedParam::new(format!("block.0.{k}"), V::ULLong(v + n)));
    }
    params.push(TypedParam::new("net.count", V::UInt(1)));
    params.push(TypedParam::new("net.0.name", V::String(format!("vnet{i}"))));
    for k in ["rx.bytes", "rx.pkts", "tx.bytes", "tx.pkts"] {
        params.push(TypedParam::new(format!("net.0.{k}"), V::ULLong(77_000 + n)));
    }
    let mut uuid = [0u8; 16];
    uuid[..8].copy_from_slice(&n.to_be_bytes());
    DomainStatsRecord {
        dom: Domain {
            name: format!("vm-{i:04}"),
            uuid: Uuid(uuid),
            id: i as i32 + 1,
        },
        params,
    }
}

/// CPU time consumed by the calling thread so far.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant libc defines.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Sorted CPU and wall times of `runs` decodes; each result lives until the next one is made.
fn measure(
    runs: usize,
    first: ConnectGetAllDomainStatsRet,
    mut decode: impl FnMut() -> virt_proto::Result<ConnectGetAllDomainStatsRet>,
) -> Result<(Vec<Duration>, Vec<Duration>), Box<dyn std::error::Error>> {
    let mut previous = Some(first);
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    for _ in 0..runs {
        let cpu_start = thread_cpu_time();
        let start = Instant::now();
        let decoded = std::hint::black_box(decode());
        wall.push(start.elapsed());
        cpu.push(thread_cpu_time().saturating_sub(cpu_start));
        drop(previous.replace(std::hint::black_box(decoded?)));
    }
    wall.sort();
    cpu.sort();
    Ok((cpu, wall))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(200);
    let reply = ConnectGetAllDomainStatsRet {
        ret_stats: (0..DOMAINS).map(record).collect(),
    };
    let params: usize = reply.ret_stats.iter().map(|r| r.params.len()).sum();
    let bytes = xdr::to_bytes(&reply)?;

    // Warm up, and check the decoded value once.
    let decoded: ConnectGetAllDomainStatsRet = xdr::from_bytes(&bytes)?;
    if decoded != reply {
        return Err("decoded reply differs from the encoded one".into());
    }

    if decode_all_domain_stats(&bytes)? != reply {
        return Err("the hand-written decoder differs from the encoded reply".into());
    }

    // A discarded first round: a round's figures depend on the heap the round before left
    // (the serde path measures 0.8 to 1.5 ms depending on the order), so none is first.
    measure(runs, decoded.clone(), || decode_all_domain_stats(&bytes))?;
    let serde = measure(runs, decoded.clone(), || {
        xdr::from_bytes::<ConnectGetAllDomainStatsRet>(&bytes)
    })?;
    let fast = measure(runs, decoded, || decode_all_domain_stats(&bytes))?;
    let mut enc_times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let out = xdr::to_bytes(std::hint::black_box(&reply));
            let elapsed = start.elapsed();
            drop(std::hint::black_box(out));
            elapsed
        })
        .collect();
    enc_times.sort();

    println!(
        "GET_ALL_DOMAIN_STATS reply: {DOMAINS} domains, {params} typed params, {} bytes",
        bytes.len()
    );
    for (what, (cpu, wall)) in [("hand-written", &fast), ("serde", &serde)] {
        println!(
            "decode ({what}) CPU time: median {:.3} ms (min {:.3} ms) over {runs} runs, {:.1} ns per param; wall median {:.3} ms",
            cpu[cpu.len() / 2].as_secs_f64() * 1e3,
            cpu[0].as_secs_f64() * 1e3,
            cpu[cpu.len() / 2].as_nanos() as f64 / params as f64,
            wall[wall.len() / 2].as_secs_f64() * 1e3,
        );
    }
    println!("goal: hand-written decode CPU median <= 1 ms");
    println!(
        "encode: median {:.3} ms",
        enc_times[enc_times.len() / 2].as_secs_f64() * 1e3
    );
    Ok(())
}
