//! The statistics sampler of one host: one bulk `GET_ALL_DOMAIN_STATS` call per tick for every
//! domain (and the host's CPU and memory counters when a view shows them), only while some
//! view subscribes.
//!
//! It runs on tokio beside the host session and parses replies there into [`StatsTick`]s, so
//! the GTK thread only copies numbers into its series. Ticks follow a monotonic clock
//! (`tokio::time::interval`, missed ticks delayed rather than bunched).

mod parse;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::MissedTickBehavior;
use virt_client::Connection;

use super::series::{Clock, DomainSample};
pub use parse::{domain_sample, host_cpu_times, host_memory};

/// The shortest sampling interval.
pub const MIN_INTERVAL: Duration = Duration::from_millis(500);
/// The longest sampling interval.
pub const MAX_INTERVAL: Duration = Duration::from_secs(10);
/// The interval unless the user chose another.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

/// `VIR_DOMAIN_STATS_*` groups asked for: state, cpu-total, balloon, vcpu, interface, block.
pub const STATS_GROUPS: u32 = 1 | 2 | 4 | 8 | 16 | 32;

/// What a subscriber needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Domain statistics (list sparklines, a VM's performance page).
    Domains,
    /// Domain statistics and the host's CPU and memory (the host overview).
    Host,
}

/// One domain's reading in a tick.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainTick {
    /// The domain's UUID.
    pub uuid: String,
    /// CPU use since the previous tick as a share of its vCPUs, if it ran through both.
    pub cpu_percent: Option<f64>,
    /// The parsed counters.
    pub sample: DomainSample,
}

/// The host's CPU and memory in a tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostTick {
    /// Busy share of all host CPUs since the previous host reading.
    pub cpu_percent: Option<f64>,
    /// Host memory in KiB.
    pub memory_total_kib: u64,
    /// Memory in use (neither free nor buffers nor page cache) in KiB.
    pub memory_used_kib: u64,
}

/// Everything one tick read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsTick {
    /// When, in seconds on the sampler's clock.
    pub at: f64,
    /// Every domain on the host, in the order the host listed them.
    pub domains: Vec<DomainTick>,
    /// The host's counters, when a subscriber wants them.
    pub host: Option<HostTick>,
}

impl StatsTick {
    /// The reading of the domain with this UUID.
    pub fn domain(&self, uuid: &str) -> Option<&DomainTick> {
        self.domains.iter().find(|d| d.uuid == uuid)
    }
}

#[derive(Debug)]
struct Shared {
    domains: AtomicUsize,
    hosts: AtomicUsize,
    interval_ms: AtomicU64,
    wake: Notify,
    stats_calls: AtomicU64,
    ticks: AtomicU64,
    clock: Clock,
}

/// The UI's handle on a host's sampler: subscriptions, the interval, and counters. Clones
/// share one sampler; it outlives reconnects.
#[derive(Debug, Clone)]
pub struct SamplerHandle {
    shared: Arc<Shared>,
}

impl Default for SamplerHandle {
    fn default() -> Self {
        Self::new()
    }
}

/// A subscription: the sampler runs while at least one is alive.
#[derive(Debug)]
pub struct Subscription {
    shared: Arc<Shared>,
    want: Want,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let counter = match self.want {
            Want::Domains => &self.shared.domains,
            Want::Host => &self.shared.hosts,
        };
        counter.fetch_sub(1, Ordering::SeqCst);
        self.shared.wake.notify_one();
    }
}

impl SamplerHandle {
    /// A sampler with no subscribers at the default interval.
    pub fn new() -> Self {
        SamplerHandle {
            shared: Arc::new(Shared {
                domains: AtomicUsize::new(0),
                hosts: AtomicUsize::new(0),
                interval_ms: AtomicU64::new(DEFAULT_INTERVAL.as_millis() as u64),
                wake: Notify::new(),
                stats_calls: AtomicU64::new(0),
                ticks: AtomicU64::new(0),
                clock: Clock::new(),
            }),
        }
    }

    /// Starts sampling (if not yet) until the returned subscription is dropped.
    pub fn subscribe(&self, want: Want) -> Subscription {
        let counter = match want {
            Want::Domains => &self.shared.domains,
            Want::Host => &self.shared.hosts,
        };
        counter.fetch_add(1, Ordering::SeqCst);
        self.shared.wake.notify_one();
        Subscription {
            shared: self.shared.clone(),
            want,
        }
    }

    /// How many subscriptions are alive.
    pub fn subscribers(&self) -> usize {
        self.shared.domains.load(Ordering::SeqCst) + self.shared.hosts.load(Ordering::SeqCst)
    }

    fn wants_host(&self) -> bool {
        self.shared.hosts.load(Ordering::SeqCst) > 0
    }

    /// Sets the interval, clamped to 0.5–10 s.
    pub fn set_interval(&self, interval: Duration) {
        let ms = interval.clamp(MIN_INTERVAL, MAX_INTERVAL).as_millis() as u64;
        if self.shared.interval_ms.swap(ms, Ordering::SeqCst) != ms {
            self.shared.wake.notify_one();
        }
    }

    /// The interval between ticks.
    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.shared.interval_ms.load(Ordering::SeqCst))
    }

    /// How many `GET_ALL_DOMAIN_STATS` calls the sampler has made.
    pub fn stats_calls(&self) -> u64 {
        self.shared.stats_calls.load(Ordering::SeqCst)
    }

    /// How many ticks the sampler has published.
    pub fn ticks(&self) -> u64 {
        self.shared.ticks.load(Ordering::SeqCst)
    }

    /// The clock ticks are stamped with.
    pub fn clock(&self) -> Clock {
        self.shared.clock
    }
}

/// The host's CPU and memory counters as read (`None` where a call failed).
pub type HostFields = (Option<Vec<(String, u64)>>, Option<Vec<(String, u64)>>);

/// What the sampler remembers between ticks to turn counters into shares.
#[derive(Debug, Default)]
pub struct SamplerState {
    cpu: HashMap<[u8; 16], (f64, u64)>,
    host_cpu: Option<(u64, u64)>,
}

/// Samples `conn` while `handle` has subscribers, handing each tick to `publish`, until
/// `publish` returns `false` or the connection closes.
pub async fn run(
    conn: Connection,
    handle: SamplerHandle,
    publish: impl Fn(StatsTick) -> bool + Send,
) {
    let mut state = SamplerState::default();
    loop {
        while handle.subscribers() == 0 {
            tokio::select! {
                () = handle.shared.wake.notified() => {}
                _ = conn.closed() => return,
            }
        }
        let period = handle.interval();
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                () = handle.shared.wake.notified() => {
                    if handle.subscribers() == 0 || handle.interval() != period {
                        break;
                    }
                    continue;
                }
                _ = conn.closed() => return,
            }
            if handle.subscribers() == 0 {
                break;
            }
            match sample(&conn, &handle, &mut state).await {
                Ok(tick) => {
                    handle.shared.ticks.fetch_add(1, Ordering::SeqCst);
                    if !publish(tick) {
                        return;
                    }
                }
                Err(e) if conn.close_reason().is_some() => {
                    tracing::debug!("sampler stops: {e}");
                    return;
                }
                Err(e) => tracing::warn!("statistics not read: {e}"),
            }
        }
    }
}

/// Reads one tick: one bulk domain call, plus the host's counters when wanted.
pub async fn sample(
    conn: &Connection,
    handle: &SamplerHandle,
    state: &mut SamplerState,
) -> virt_client::Result<StatsTick> {
    let want_host = handle.wants_host();
    handle.shared.stats_calls.fetch_add(1, Ordering::SeqCst);
    let (stats, host) = if want_host {
        let (stats, cpu, mem) = tokio::join!(
            conn.all_domain_stats(&[], STATS_GROUPS, 0),
            conn.node_cpu_stats(-1),
            conn.node_memory_stats(-1),
        );
        (stats?, Some((cpu.ok(), mem.ok())))
    } else {
        (conn.all_domain_stats(&[], STATS_GROUPS, 0).await?, None)
    };
    let at = handle.shared.clock.now();
    Ok(build_tick(at, &stats, host, state))
}

/// Turns one reply into a tick (the part of a tick that costs client CPU).
pub fn build_tick(
    at: f64,
    stats: &[virt_client::DomainStats],
    host: Option<HostFields>,
    state: &mut SamplerState,
) -> StatsTick {
    let mut domains = Vec::with_capacity(stats.len());
    for record in stats {
        let raw = *record.domain.uuid().as_bytes();
        let sample = domain_sample(at, &record.params);
        let cpu_percent = cpu_share(&mut state.cpu, raw, &sample);
        domains.push(DomainTick {
            uuid: uuid_text(&raw),
            cpu_percent,
            sample,
        });
    }
    if state.cpu.len() > domains.len() {
        let live: std::collections::HashSet<[u8; 16]> =
            stats.iter().map(|r| *r.domain.uuid().as_bytes()).collect();
        state.cpu.retain(|k, _| live.contains(k));
    }
    let host = host.map(|(cpu, mem)| {
        let times = cpu.as_deref().and_then(host_cpu_times);
        let cpu_percent = match (times, state.host_cpu) {
            (Some((busy, total)), Some((busy0, total0))) if total > total0 && busy >= busy0 => {
                Some(((busy - busy0) as f64 / (total - total0) as f64 * 100.0).clamp(0.0, 100.0))
            }
            _ => None,
        };
        state.host_cpu = times;
        let (memory_total_kib, memory_used_kib) =
            mem.as_deref().and_then(host_memory).unwrap_or((0, 0));
        HostTick {
            cpu_percent,
            memory_total_kib,
            memory_used_kib,
        }
    });
    StatsTick { at, domains, host }
}

/// A UUID in its usual text form (`8-4-4-4-12` lower-case hex digits), without the
/// formatting machinery: a tick names every domain.
pub fn uuid_text(raw: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, b) in raw.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// CPU use since the domain's previous reading as a share of its vCPUs.
fn cpu_share(
    last: &mut HashMap<[u8; 16], (f64, u64)>,
    uuid: [u8; 16],
    s: &DomainSample,
) -> Option<f64> {
    let (Some(ns), true) = (s.cpu_time_ns, s.state_running) else {
        last.remove(&uuid);
        return None;
    };
    let previous = match last.get_mut(&uuid) {
        Some(entry) => std::mem::replace(entry, (s.at, ns)),
        None => {
            last.insert(uuid, (s.at, ns));
            return None;
        }
    };
    let (t0, ns0) = previous;
    let dt = s.at - t0;
    if dt <= 0.0 || ns < ns0 || s.vcpu_count == 0 {
        return None;
    }
    let busy = (ns - ns0) as f64 / 1e9 / dt;
    Some((busy / f64::from(s.vcpu_count) * 100.0).clamp(0.0, 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(at: f64, ns: u64) -> DomainSample {
        DomainSample {
            at,
            state_running: true,
            cpu_time_ns: Some(ns),
            vcpu_count: 2,
            ..Default::default()
        }
    }

    #[test]
    fn cpu_share_needs_two_readings_and_running() {
        let mut last = HashMap::new();
        let (a, b) = ([1; 16], [2; 16]);
        assert_eq!(cpu_share(&mut last, a, &sample(0.0, 0)), None);
        assert_eq!(
            cpu_share(&mut last, a, &sample(1.0, 1_000_000_000)),
            Some(50.0)
        );
        let stopped = DomainSample {
            at: 2.0,
            ..Default::default()
        };
        assert_eq!(cpu_share(&mut last, a, &stopped), None);
        assert!(last.is_empty());
        // A restarted counter gives no share rather than a negative one.
        cpu_share(&mut last, b, &sample(0.0, 5_000_000_000));
        assert_eq!(cpu_share(&mut last, b, &sample(1.0, 10)), None);
    }

    #[test]
    fn uuid_text_matches_the_usual_form() {
        let raw = [
            0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
            0xcd, 0xef,
        ];
        assert_eq!(uuid_text(&raw), "12345678-9abc-def0-0123-456789abcdef");
    }

    #[test]
    fn subscriptions_count_and_interval_clamps() {
        let h = SamplerHandle::new();
        assert_eq!(h.subscribers(), 0);
        let a = h.subscribe(Want::Domains);
        let b = h.subscribe(Want::Host);
        assert_eq!(h.subscribers(), 2);
        assert!(h.wants_host());
        drop(b);
        assert!(!h.wants_host());
        drop(a);
        assert_eq!(h.subscribers(), 0);
        h.set_interval(Duration::from_millis(10));
        assert_eq!(h.interval(), MIN_INTERVAL);
        h.set_interval(Duration::from_secs(60));
        assert_eq!(h.interval(), MAX_INTERVAL);
    }
}
