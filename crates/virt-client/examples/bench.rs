//! `bench -c URI OP N [THREADS]`: calls per second and median latency of one operation.
//!
//! OP: `getinfo` (domain info), `xml` (domain XML), `list` (list all domains), `stats`
//! (bulk stats of all domains). Prints `OP threads=T calls_per_s=X median_us=Y cpu_us_per_call=Z`.
//! THREADS tasks share one connection. `BENCH_WORKERS` (environment) sets the runtime's
//! worker threads: 2 by default, 0 for a current-thread runtime.
//!
//! `bench serve COUNT`: starts a private libvirtd (see `testbed`) with a test-driver node of
//! COUNT domains, prints `uri=URI pid=PID`, and keeps it until standard input closes
//! (bench/compare-c.sh measures against it).

use std::time::Instant;

use virt_client::{Connection, Domain};

fn cpu_time_us() -> f64 {
    // SAFETY: getrusage fills the struct we pass; RUSAGE_SELF is always valid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

async fn one(op: &str, conn: &Connection, dom: &Domain) -> Result<(), virt_client::Error> {
    match op {
        "getinfo" => dom.info().await.map(|_| ()),
        "xml" => dom.xml_desc(0).await.map(|_| ()),
        "list" => conn.list_all_domains(0).await.map(|_| ()),
        _ => conn.all_domain_stats(&[], 0, 0).await.map(|_| ()),
    }
}

fn serve(count: usize) -> Result<(), Box<dyn std::error::Error>> {
    let daemon = testbed::Libvirtd::start()?;
    let uri = daemon.fixture_uri("bench", &testbed::vm::test_node_xml("bench", count))?;
    let pid = daemon.pid().unwrap_or(0);
    println!("uri={uri} pid={pid}");
    std::io::Write::flush(&mut std::io::stdout())?;
    // Held until whoever started us closes our standard input.
    std::io::copy(&mut std::io::stdin(), &mut std::io::sink())?;
    drop(daemon);
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "serve" {
        return serve(args[2].parse()?);
    }
    if args.len() < 5 || args[1] != "-c" {
        return Err("usage: bench -c URI OP N [THREADS]".into());
    }
    let (uri, op) = (args[2].clone(), args[3].clone());
    if !["getinfo", "xml", "list", "stats"].contains(&op.as_str()) {
        return Err(format!("unknown OP '{op}'").into());
    }
    let n: usize = args[4].parse()?;
    let threads: usize = args
        .get(5)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1)
        .max(1);
    // BENCH_WORKERS: worker threads of the runtime (default 2; 0 = a current-thread runtime;
    // the application runs on relm4's runtime of 1 worker).
    let workers: usize = match std::env::var("BENCH_WORKERS") {
        Ok(w) => w.parse()?,
        Err(_) => 2,
    };
    let rt = if workers == 0 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()?
    };
    rt.block_on(async move {
        let conn = Connection::open(&uri).await?;
        let doms = conn.list_all_domains(0).await?;
        let dom = doms.first().cloned().ok_or("no domain to measure")?;
        for _ in 0..50 {
            one(&op, &conn, &dom).await?;
        }
        let per = n / threads;
        let cpu0 = cpu_time_us();
        let t0 = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..threads {
            let (conn, dom, op) = (conn.clone(), dom.clone(), op.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(per);
                for _ in 0..per {
                    let s = Instant::now();
                    one(&op, &conn, &dom).await?;
                    lat.push(s.elapsed().as_secs_f64() * 1e6);
                }
                Ok::<_, virt_client::Error>(lat)
            }));
        }
        let mut lat = Vec::new();
        for t in tasks {
            lat.extend(t.await??);
        }
        let wall = t0.elapsed().as_secs_f64();
        let cpu = cpu_time_us() - cpu0;
        lat.sort_by(f64::total_cmp);
        let median = lat.get(lat.len() / 2).copied().unwrap_or(0.0);
        let calls = lat.len() as f64;
        println!(
            "{op} threads={threads} calls_per_s={:.0} median_us={median:.1} cpu_us_per_call={:.1}",
            calls / wall,
            cpu / calls
        );
        conn.close().await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
