//! Prints how long a host session takes to notice a daemon restart and to be connected again,
//! over a few rounds against a private daemon (medians at the end). The daemon stays down for
//! DOWN_SECS (default 0) before it starts again, to show the back-off.
//!
//! Run as root: `cargo run --example reconnect_timing [ROUNDS] [DOWN_SECS]`.

use std::time::{Duration, Instant};

use hangar::session::host::{self, HostRequest, HostUpdate};
use testbed::Libvirtd;
use tokio::sync::mpsc;

#[derive(Debug)]
enum Seen {
    Connected,
    Reconnecting,
}

async fn wait_for(rx: &mut mpsc::UnboundedReceiver<(Instant, Seen)>, connected: bool) -> Instant {
    loop {
        match rx.recv().await {
            Some((at, Seen::Connected)) if connected => return at,
            Some((at, Seen::Reconnecting)) if !connected => return at,
            Some(_) => {}
            None => std::process::exit(1),
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let down = Duration::from_secs_f64(
        std::env::args()
            .nth(2)
            .and_then(|a| a.parse().ok())
            .unwrap_or(0.0),
    );
    let daemon = std::sync::Arc::new(Libvirtd::start()?);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (_req_tx, req_rx) = mpsc::unbounded_channel::<HostRequest>();
    let report = move |u: HostUpdate| {
        let seen = match u {
            HostUpdate::Connected { .. } => Seen::Connected,
            HostUpdate::Reconnecting { .. } => Seen::Reconnecting,
            _ => return true,
        };
        tx.send((Instant::now(), seen)).is_ok()
    };
    tokio::spawn(host::run(daemon.test_uri(), req_rx, report));
    wait_for(&mut rx, true).await;
    let (mut noticed, mut after_ready, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let d = daemon.clone();
        let stop = Instant::now();
        let ready = tokio::task::spawn_blocking(move || {
            d.stop();
            std::thread::sleep(down);
            d.restart().map(|()| Instant::now())
        });
        let lost = wait_for(&mut rx, false).await;
        let ready = ready.await??;
        let back = wait_for(&mut rx, true).await;
        println!(
            "round {round}: drop noticed after {:?}, daemon ready after {:?}, connected again \
             {:?} after the daemon was ready ({:?} after the restart began)",
            lost - stop,
            ready - stop,
            back.saturating_duration_since(ready),
            back - stop
        );
        noticed.push(lost - stop);
        after_ready.push(back.saturating_duration_since(ready));
        total.push(back - stop);
    }
    println!(
        "median: drop noticed {:?}; reconnected {:?} after the daemon was ready, {:?} after the \
         restart began",
        median(noticed),
        median(after_ready),
        median(total)
    );
    Ok(())
}
