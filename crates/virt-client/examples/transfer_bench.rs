//! `transfer_bench [RUNS] [MIB]`: volume upload and download through this client against
//! `virsh vol-upload` / `virsh vol-download` on the same private daemon.
//!
//! A file of MIB MiB (default 1024) is moved RUNS times (default 3) by each tool, the tools
//! taking turns, in these cases: a dense file of random bytes; a sparse file (eight 8 MiB
//! islands of random bytes, holes between) sent as plain data and with the sparse flag
//! (`--sparse`). Prints per case the median seconds, MiB/s and the ratio of the throughputs
//! this client / virsh (above 1: faster), then this process's peak RSS (`VmHWM`) and virsh's
//! largest (`ru_maxrss` of the children): neither may hold the whole file.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use testbed::Libvirtd;
use virt_client::{Connection, StoragePool};

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

const MIB: u64 = 1 << 20;

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

/// Fills `buf` with pseudo-random bytes (xorshift; incompressible enough, and fast).
fn random(buf: &mut [u8], seed: &mut u64) {
    for chunk in buf.chunks_mut(8) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let b = seed.to_le_bytes();
        chunk.copy_from_slice(&b[..chunk.len()]);
    }
}

/// Writes the dense and the sparse source files of `size` bytes.
fn make_sources(dir: &Path, size: u64) -> Res<(PathBuf, PathBuf)> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut buf = vec![0u8; 4 * MIB as usize];
    let dense = dir.join("dense.bin");
    let f = File::create(&dense)?;
    let mut at = 0;
    while at < size {
        let n = (size - at).min(buf.len() as u64) as usize;
        random(&mut buf[..n], &mut seed);
        f.write_all_at(&buf[..n], at)?;
        at += n as u64;
    }
    let sparse = dir.join("sparse.bin");
    let f = File::create(&sparse)?;
    f.set_len(size)?;
    let island = (8 * MIB).min(size / 16).max(4096);
    for i in 0..8 {
        let start = size / 8 * i + size / 32;
        let mut at = 0;
        while at < island {
            let n = (island - at).min(buf.len() as u64) as usize;
            random(&mut buf[..n], &mut seed);
            f.write_all_at(&buf[..n], start + at)?;
            at += n as u64;
        }
    }
    Ok((dense, sparse))
}

fn virsh(args: &[&str]) -> Res {
    let out = Command::new("virsh").args(args).output()?;
    if !out.status.success() {
        return Err(format!(
            "virsh {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(())
}

/// Peak resident set of this process (`VmHWM`), KiB.
fn own_peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Largest peak resident set of any waited-for child, KiB.
fn children_peak_kib() -> u64 {
    // SAFETY: getrusage fills the zeroed struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above; RUSAGE_CHILDREN is a valid target.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) } == 0 {
        ru.ru_maxrss as u64
    } else {
        0
    }
}

/// Empties the volume's file so every run writes into the same state.
fn reset(path: &Path, size: u64) -> Res {
    let f = std::fs::OpenOptions::new().write(true).open(path)?;
    f.set_len(0)?;
    f.set_len(size)?;
    Ok(())
}

struct Case {
    name: &'static str,
    upload: bool,
    source: PathBuf,
    sparse: bool,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3);
    let mib: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1024);
    let size = mib * MIB;

    let d = Libvirtd::start()?;
    let uri = d.qemu_uri();
    let c = Connection::open(&uri).await?;
    let dir = d.dir().join("bench-pool");
    std::fs::create_dir_all(&dir)?;
    let pool = StoragePool::define_xml(
        &c,
        &format!(
            "<pool type='dir'><name>bench</name><target><path>{}</path></target></pool>",
            dir.display()
        ),
    )
    .await?;
    pool.create().await?;
    let vol_xml = |name: &str| {
        format!(
            "<volume><name>{name}</name><capacity unit='bytes'>{size}</capacity>\
             <target><format type='raw'/></target></volume>"
        )
    };
    let ours_vol = pool.create_volume(&vol_xml("ours.raw"), 0).await?;
    let virsh_vol = pool.create_volume(&vol_xml("virsh.raw"), 0).await?;
    let src_dir = d.dir().join("bench-src");
    std::fs::create_dir_all(&src_dir)?;
    eprintln!("writing {mib} MiB source files…");
    let (dense, sparse) = make_sources(&src_dir, size)?;
    let out_ours = src_dir.join("out-ours.bin");
    let out_virsh = src_dir.join("out-virsh.bin");

    let cases = [
        Case {
            name: "upload dense",
            upload: true,
            source: dense.clone(),
            sparse: false,
        },
        Case {
            name: "upload sparse file, plain",
            upload: true,
            source: sparse.clone(),
            sparse: false,
        },
        Case {
            name: "upload sparse file, --sparse",
            upload: true,
            source: sparse.clone(),
            sparse: true,
        },
        Case {
            name: "download dense",
            upload: false,
            source: dense.clone(),
            sparse: false,
        },
        Case {
            name: "download sparse vol, plain",
            upload: false,
            source: sparse.clone(),
            sparse: false,
        },
        Case {
            name: "download sparse vol, --sparse",
            upload: false,
            source: sparse.clone(),
            sparse: true,
        },
    ];

    println!("{runs} runs each of {mib} MiB, tools alternating");
    println!(
        "{:<32} {:>9} {:>9} {:>10} {:>10} {:>7}",
        "case", "ours s", "virsh s", "ours MiB/s", "virsh MiB/s", "ratio"
    );
    for case in &cases {
        if !case.upload {
            // Both volumes hold the source (sent sparse so holes stay holes).
            for (vol, path) in [(&ours_vol, "ours.raw"), (&virsh_vol, "virsh.raw")] {
                reset(&dir.join(path), size)?;
                vol.upload_file(File::open(&case.source)?, true).await?;
            }
        }
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for run in 0..runs * 2 {
            let we = (run % 2 == 0) == (run / 2 % 2 == 0);
            let secs = if case.upload {
                let vol = if we { "ours.raw" } else { "virsh.raw" };
                reset(&dir.join(vol), size)?;
                let start = Instant::now();
                if we {
                    ours_vol
                        .upload_file(File::open(&case.source)?, case.sparse)
                        .await?;
                } else {
                    let src = case.source.to_string_lossy();
                    let mut a = vec![
                        "-c",
                        &uri,
                        "vol-upload",
                        "--pool",
                        "bench",
                        "virsh.raw",
                        &src,
                    ];
                    if case.sparse {
                        a.push("--sparse");
                    }
                    virsh(&a)?;
                }
                start.elapsed().as_secs_f64()
            } else {
                let out = if we { &out_ours } else { &out_virsh };
                let _ = std::fs::remove_file(out);
                let start = Instant::now();
                if we {
                    ours_vol
                        .download_file(File::create(out)?, case.sparse)
                        .await?;
                } else {
                    let o = out.to_string_lossy();
                    let mut a = vec![
                        "-c",
                        &uri,
                        "vol-download",
                        "--pool",
                        "bench",
                        "virsh.raw",
                        &o,
                    ];
                    if case.sparse {
                        a.push("--sparse");
                    }
                    virsh(&a)?;
                }
                start.elapsed().as_secs_f64()
            };
            if we {
                ours.push(secs)
            } else {
                theirs.push(secs)
            }
        }
        let (o, v) = (median(ours), median(theirs));
        let m = mib as f64;
        println!(
            "{:<32} {:>9.3} {:>9.3} {:>10.0} {:>10.0} {:>7.2}",
            case.name,
            o,
            v,
            m / o,
            m / v,
            v / o
        );
    }
    check_same(&out_ours, &out_virsh)?;
    println!(
        "peak RSS: ours {} MiB (whole process), virsh {} MiB (largest child)",
        own_peak_kib() / 1024,
        children_peak_kib() / 1024
    );
    pool.destroy().await?;
    pool.undefine().await?;
    Ok(())
}

/// Both tools' last downloads must hold the same bytes.
fn check_same(a: &Path, b: &Path) -> Res {
    let (fa, fb) = (File::open(a)?, File::open(b)?);
    let len = fa.metadata()?.len();
    if len != fb.metadata()?.len() {
        return Err("the downloads differ in length".into());
    }
    let mut ba = vec![0u8; 4 * MIB as usize];
    let mut bb = ba.clone();
    let mut at = 0;
    while at < len {
        let n = fa.read_at(&mut ba, at)?;
        fb.read_exact_at(&mut bb[..n], at)?;
        if ba[..n] != bb[..n] || n == 0 {
            return Err(format!("the downloads differ near byte {at}").into());
        }
        at += n as u64;
    }
    Ok(())
}
