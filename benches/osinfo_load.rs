//! Loads the system's osinfo-db several times and prints the median time and what was read.
//! Run with `cargo bench -p hangar --bench osinfo_load`.

use std::time::{Duration, Instant};

fn main() {
    let mut times: Vec<Duration> = Vec::new();
    let mut count = 0;
    for _ in 0..7 {
        let start = Instant::now();
        match hangar::osinfo::OsDb::load_system() {
            Ok(db) => count = db.all().len(),
            Err(e) => {
                eprintln!("osinfo_load: {e} (install the osinfo-db package)");
                std::process::exit(1);
            }
        }
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    let iso = hangar::osinfo::IsoInfo {
        volume_id: "Debian 11.5.0 amd64 n".into(),
        system_id: "LINUX".into(),
        ..Default::default()
    };
    let db = hangar::osinfo::OsDb::load_system().ok();
    let start = Instant::now();
    let found = db
        .as_ref()
        .and_then(|d| d.detect(&iso, "x86_64"))
        .map(|o| o.short_id().to_owned());
    let detect = start.elapsed();
    println!(
        "osinfo-db: {count} systems, load median {:.1} ms (min {:.1}, max {:.1}); detect {:?} in {:.2} ms",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        found,
        detect.as_secs_f64() * 1e3
    );
}
