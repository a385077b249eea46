//! The statistics history of one domain: CPU, vCPUs, memory, disk and network series
//! derived from the cumulative counters libvirt reports.

use super::{Counter, CounterWidth, DEFAULT_WINDOW_SECS, Series, Unit};

/// One reading of a domain's statistics, as a stats call returns them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainSample {
    /// When the reading was taken, in seconds on the caller's monotonic clock.
    pub at: f64,
    /// Whether the domain was running (or paused: its counters still exist).
    pub state_running: bool,
    /// `cpu.time`: CPU time used by the whole domain, in nanoseconds.
    pub cpu_time_ns: Option<u64>,
    /// `vcpu.<n>.time` for each vCPU, in nanoseconds.
    pub vcpus: Vec<Option<u64>>,
    /// The number of vCPUs the domain has now (`vcpu.current`).
    pub vcpu_count: u32,
    /// `balloon.current`: memory the guest has, in KiB.
    pub balloon_current_kib: Option<u64>,
    /// `balloon.unused`: memory the guest reports as unused, in KiB.
    pub balloon_unused_kib: Option<u64>,
    /// `balloon.rss`: resident memory of the VM process, in KiB.
    pub rss_kib: Option<u64>,
    /// Sum of `block.<n>.rd.bytes`.
    pub block_rd_bytes: Option<u64>,
    /// Sum of `block.<n>.wr.bytes`.
    pub block_wr_bytes: Option<u64>,
    /// Sum of `net.<n>.rx.bytes`.
    pub net_rx_bytes: Option<u64>,
    /// Sum of `net.<n>.tx.bytes`.
    pub net_tx_bytes: Option<u64>,
}

/// What the percentages are shares of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostInfo {
    /// Online host CPUs.
    pub cpus: u32,
    /// Host memory in KiB.
    pub memory_kib: u64,
}

/// Names the series a [`DomainSeries`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesKey {
    /// CPU use as a share of the VM's vCPUs (100 % = every vCPU busy).
    Cpu,
    /// CPU use as a share of the host's CPUs.
    CpuHost,
    /// One vCPU's use, as a share of one host CPU.
    Vcpu(u32),
    /// Memory the guest uses, in bytes.
    MemoryUsed,
    /// Memory the guest uses, as a share of the memory it has (or of the host's).
    MemoryShare,
    /// Disk reads in bytes per second.
    DiskRead,
    /// Disk writes in bytes per second.
    DiskWrite,
    /// Network bytes received per second.
    NetRx,
    /// Network bytes sent per second.
    NetTx,
}

impl SeriesKey {
    /// A stable name, such as `cpu.host` or `vcpu.2`.
    pub fn name(&self) -> String {
        match self {
            SeriesKey::Cpu => "cpu".into(),
            SeriesKey::CpuHost => "cpu.host".into(),
            SeriesKey::Vcpu(n) => format!("vcpu.{n}"),
            SeriesKey::MemoryUsed => "memory.used".into(),
            SeriesKey::MemoryShare => "memory.share".into(),
            SeriesKey::DiskRead => "disk.read".into(),
            SeriesKey::DiskWrite => "disk.write".into(),
            SeriesKey::NetRx => "net.rx".into(),
            SeriesKey::NetTx => "net.tx".into(),
        }
    }

    /// What the series' values measure.
    pub fn unit(&self) -> Unit {
        match self {
            SeriesKey::Cpu | SeriesKey::CpuHost | SeriesKey::Vcpu(_) | SeriesKey::MemoryShare => {
                Unit::Percent
            }
            SeriesKey::MemoryUsed => Unit::Bytes,
            SeriesKey::DiskRead | SeriesKey::DiskWrite | SeriesKey::NetRx | SeriesKey::NetTx => {
                Unit::BytesPerSecond
            }
        }
    }
}

/// Per-second rates and shares of one domain over a time window.
#[derive(Debug, Clone)]
pub struct DomainSeries {
    host: HostInfo,
    window: f64,
    last_at: Option<f64>,
    cpu_counter: Counter,
    vcpu_counters: Vec<Counter>,
    rates: [(Counter, Series); 4],
    cpu: Series,
    cpu_host: Series,
    vcpus: Vec<Series>,
    memory_used: Series,
    memory_share: Series,
}

const RATE_KEYS: [SeriesKey; 4] = [
    SeriesKey::DiskRead,
    SeriesKey::DiskWrite,
    SeriesKey::NetRx,
    SeriesKey::NetTx,
];

impl DomainSeries {
    /// Empty series over the default ten-minute window.
    pub fn new(host: HostInfo) -> DomainSeries {
        DomainSeries::with_window(host, DEFAULT_WINDOW_SECS)
    }

    /// Empty series that remember `window` seconds.
    pub fn with_window(host: HostInfo, window: f64) -> DomainSeries {
        let block = || (Counter::new(CounterWidth::Bits64), Series::new());
        let net = || (Counter::new(CounterWidth::Bits32), Series::new());
        DomainSeries {
            host,
            window: sane_window(window),
            last_at: None,
            cpu_counter: Counter::default(),
            vcpu_counters: Vec::new(),
            rates: [block(), block(), net(), net()],
            cpu: Series::new(),
            cpu_host: Series::new(),
            vcpus: Vec::new(),
            memory_used: Series::new(),
            memory_share: Series::new(),
        }
    }

    /// How many seconds the series remember.
    pub fn window(&self) -> f64 {
        self.window
    }

    /// Changes the window; a shorter one trims at once.
    pub fn set_window(&mut self, window: f64) {
        self.window = sane_window(window);
        if let Some(at) = self.last_at {
            self.trim(at - self.window);
        }
    }

    /// Updates what shares of the host are computed against.
    pub fn set_host(&mut self, host: HostInfo) {
        self.host = host;
    }

    /// The time of the newest sample taken in.
    pub fn last_at(&self) -> Option<f64> {
        self.last_at
    }

    /// The series named `key`, if the domain has it (vCPUs beyond the ones seen do not).
    pub fn get(&self, key: SeriesKey) -> Option<&Series> {
        Some(match key {
            SeriesKey::Cpu => &self.cpu,
            SeriesKey::CpuHost => &self.cpu_host,
            SeriesKey::Vcpu(n) => return self.vcpus.get(n as usize),
            SeriesKey::MemoryUsed => &self.memory_used,
            SeriesKey::MemoryShare => &self.memory_share,
            SeriesKey::DiskRead => &self.rates[0].1,
            SeriesKey::DiskWrite => &self.rates[1].1,
            SeriesKey::NetRx => &self.rates[2].1,
            SeriesKey::NetTx => &self.rates[3].1,
        })
    }

    /// Every series the domain has, vCPUs in order.
    pub fn keys(&self) -> Vec<SeriesKey> {
        let mut keys = vec![
            SeriesKey::Cpu,
            SeriesKey::CpuHost,
            SeriesKey::MemoryUsed,
            SeriesKey::MemoryShare,
        ];
        keys.extend(RATE_KEYS);
        keys.extend((0..self.vcpus.len() as u32).map(SeriesKey::Vcpu));
        keys
    }

    /// Takes in one sample. Samples not newer than the last one are ignored.
    pub fn push(&mut self, s: &DomainSample) {
        let at = s.at;
        if !at.is_finite() || self.last_at.is_some_and(|last| at <= last) {
            return;
        }
        self.last_at = Some(at);
        if self.vcpus.len() < s.vcpus.len() {
            self.vcpus.resize_with(s.vcpus.len(), Series::new);
            self.vcpu_counters
                .resize_with(s.vcpus.len(), Counter::default);
        }
        if s.state_running {
            self.push_running(s);
        } else {
            // A stopped VM: gaps, and its counters start over when it runs again.
            self.cpu_counter.reset();
            self.vcpu_counters.iter_mut().for_each(Counter::reset);
            for (counter, series) in &mut self.rates {
                counter.reset();
                series.push(at, None);
            }
            for series in self.all_but_rates() {
                series.push(at, None);
            }
        }
        self.trim(at - self.window);
    }

    fn push_running(&mut self, s: &DomainSample) {
        let at = s.at;
        let busy = self
            .cpu_counter
            .update(at, s.cpu_time_ns)
            .map(|(ns, dt)| ns as f64 / 1e9 / dt);
        self.cpu
            .push(at, busy.and_then(|b| share(b, f64::from(s.vcpu_count))));
        self.cpu_host
            .push(at, busy.and_then(|b| share(b, f64::from(self.host.cpus))));

        for (i, (counter, series)) in self
            .vcpu_counters
            .iter_mut()
            .zip(&mut self.vcpus)
            .enumerate()
        {
            let reading = s.vcpus.get(i).copied().flatten();
            let v = counter
                .update(at, reading)
                .and_then(|(ns, dt)| share(ns as f64 / 1e9 / dt, 1.0));
            series.push(at, v);
        }

        let used_kib = match (s.balloon_current_kib, s.balloon_unused_kib) {
            (Some(current), Some(unused)) => Some(current.saturating_sub(unused)),
            _ => s.rss_kib,
        };
        let of_kib = s
            .balloon_current_kib
            .filter(|&c| c > 0)
            .unwrap_or(self.host.memory_kib);
        self.memory_used
            .push(at, used_kib.map(|k| k as f64 * 1024.0));
        self.memory_share
            .push(at, used_kib.and_then(|k| share(k as f64, of_kib as f64)));

        let readings = [
            s.block_rd_bytes,
            s.block_wr_bytes,
            s.net_rx_bytes,
            s.net_tx_bytes,
        ];
        for ((counter, series), reading) in self.rates.iter_mut().zip(readings) {
            series.push(at, counter.rate(at, reading));
        }
    }

    fn all_but_rates(&mut self) -> impl Iterator<Item = &mut Series> {
        [
            &mut self.cpu,
            &mut self.cpu_host,
            &mut self.memory_used,
            &mut self.memory_share,
        ]
        .into_iter()
        .chain(self.vcpus.iter_mut())
    }

    fn trim(&mut self, cut: f64) {
        for (_, series) in &mut self.rates {
            series.trim_before(cut);
        }
        for series in self.all_but_rates() {
            series.trim_before(cut);
        }
    }
}

/// `part` as a percentage of `whole`, capped at 100 % (sampling jitter can overshoot).
fn share(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| (part / whole * 100.0).clamp(0.0, 100.0))
}

fn sane_window(window: f64) -> f64 {
    if window.is_finite() && window > 0.0 {
        window
    } else {
        DEFAULT_WINDOW_SECS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: HostInfo = HostInfo {
        cpus: 8,
        memory_kib: 16 << 20,
    };

    fn running(at: f64, cpu_ns: u64) -> DomainSample {
        DomainSample {
            at,
            state_running: true,
            cpu_time_ns: Some(cpu_ns),
            vcpus: vec![Some(cpu_ns / 2), Some(cpu_ns / 2)],
            vcpu_count: 2,
            balloon_current_kib: Some(1 << 20),
            balloon_unused_kib: Some(1 << 19),
            rss_kib: Some(900 << 10),
            block_rd_bytes: Some((at * 1000.0) as u64),
            block_wr_bytes: Some((at * 2000.0) as u64),
            net_rx_bytes: Some((at * 10.0) as u64),
            net_tx_bytes: Some((at * 20.0) as u64),
        }
    }

    fn values(ds: &DomainSeries, key: SeriesKey) -> Vec<Option<f64>> {
        ds.get(key).unwrap().points().map(|p| p.v).collect()
    }

    #[test]
    fn cpu_is_normalised_to_vcpus_and_to_host() {
        let mut ds = DomainSeries::new(HOST);
        ds.push(&running(0.0, 0));
        // One full CPU-second per second on a 2-vCPU VM: 50 % of the VM, 12.5 % of 8 CPUs.
        ds.push(&running(2.0, 2_000_000_000));
        assert_eq!(values(&ds, SeriesKey::Cpu), [None, Some(50.0)]);
        assert_eq!(values(&ds, SeriesKey::CpuHost), [None, Some(12.5)]);
        // Each vCPU did half: 50 % of one CPU.
        assert_eq!(values(&ds, SeriesKey::Vcpu(1)), [None, Some(50.0)]);
        assert!(ds.get(SeriesKey::Vcpu(2)).is_none());
        assert_eq!(ds.keys().len(), 10);
    }

    #[test]
    fn jitter_above_100_percent_is_capped() {
        let mut ds = DomainSeries::new(HOST);
        ds.push(&running(0.0, 0));
        ds.push(&running(1.0, 2_100_000_000));
        assert_eq!(values(&ds, SeriesKey::Cpu), [None, Some(100.0)]);
    }

    #[test]
    fn rates_in_bytes_per_second() {
        let mut ds = DomainSeries::new(HOST);
        ds.push(&running(10.0, 0));
        ds.push(&running(12.0, 0));
        assert_eq!(values(&ds, SeriesKey::DiskRead), [None, Some(1000.0)]);
        assert_eq!(values(&ds, SeriesKey::DiskWrite), [None, Some(2000.0)]);
        assert_eq!(values(&ds, SeriesKey::NetRx), [None, Some(10.0)]);
        assert_eq!(values(&ds, SeriesKey::NetTx), [None, Some(20.0)]);
    }

    #[test]
    fn memory_from_balloon_or_rss() {
        let mut ds = DomainSeries::new(HOST);
        ds.push(&running(0.0, 0));
        let mut s = running(1.0, 0);
        s.balloon_unused_kib = None;
        ds.push(&s);
        s.at = 2.0;
        s.balloon_current_kib = None;
        ds.push(&s);
        assert_eq!(
            values(&ds, SeriesKey::MemoryUsed),
            [
                Some(512.0 * 1024.0 * 1024.0),
                Some(900.0 * 1024.0 * 1024.0),
                Some(900.0 * 1024.0 * 1024.0)
            ]
        );
        let share = values(&ds, SeriesKey::MemoryShare);
        assert_eq!(share[0], Some(50.0));
        assert!((share[1].unwrap() - 900.0 / 1024.0 * 100.0).abs() < 1e-9);
        // Without balloon.current the share is of host memory.
        assert!((share[2].unwrap() - 900.0 / (16.0 * 1024.0) * 100.0).abs() < 1e-9);
    }

    #[test]
    fn stopped_vm_is_a_gap_and_restart_has_no_negative_spike() {
        let mut ds = DomainSeries::new(HOST);
        ds.push(&running(0.0, 50_000_000_000));
        ds.push(&running(1.0, 51_000_000_000));
        ds.push(&DomainSample {
            at: 2.0,
            ..Default::default()
        });
        // Restarted: counters begin again near zero.
        ds.push(&running(3.0, 100_000_000));
        ds.push(&running(4.0, 600_000_000));
        let cpu = values(&ds, SeriesKey::Cpu);
        assert_eq!(cpu, [None, Some(50.0), None, None, Some(25.0)]);
        let rd = values(&ds, SeriesKey::DiskRead);
        assert_eq!(rd, [None, Some(1000.0), None, None, Some(1000.0)]);
        assert!(
            ds.get(SeriesKey::MemoryUsed)
                .unwrap()
                .points()
                .nth(2)
                .unwrap()
                .v
                .is_none(),
            "memory of a stopped VM is a gap, not zero"
        );
    }

    #[test]
    fn counter_reset_while_running_gives_a_gap() {
        let mut ds = DomainSeries::new(HOST);
        ds.push(&running(0.0, 90_000_000_000));
        ds.push(&running(1.0, 10_000_000));
        ds.push(&running(2.0, 1_010_000_000));
        assert_eq!(values(&ds, SeriesKey::Cpu), [None, None, Some(50.0)]);
        assert!(
            values(&ds, SeriesKey::Cpu)
                .iter()
                .flatten()
                .all(|v| *v >= 0.0)
        );
    }

    #[test]
    fn missing_keys_are_gaps() {
        let mut ds = DomainSeries::new(HOST);
        ds.push(&running(0.0, 0));
        let mut s = running(1.0, 1_000_000_000);
        s.net_rx_bytes = None;
        s.vcpus[0] = None;
        s.rss_kib = None;
        s.balloon_unused_kib = None;
        ds.push(&s);
        ds.push(&running(2.0, 2_000_000_000));
        ds.push(&running(3.0, 3_000_000_000));
        assert_eq!(
            values(&ds, SeriesKey::NetRx),
            [None, None, None, Some(10.0)]
        );
        assert_eq!(
            values(&ds, SeriesKey::Vcpu(0)),
            [None, None, None, Some(50.0)]
        );
        assert_eq!(values(&ds, SeriesKey::MemoryUsed)[1], None);
        assert_eq!(values(&ds, SeriesKey::Cpu)[1], Some(50.0));
    }

    #[test]
    fn wrapped_network_counter_keeps_its_rate() {
        let mut ds = DomainSeries::new(HOST);
        let mut s = running(0.0, 0);
        s.net_rx_bytes = Some(u64::from(u32::MAX) - 499);
        ds.push(&s);
        s.at = 1.0;
        s.net_rx_bytes = Some(500);
        ds.push(&s);
        assert_eq!(values(&ds, SeriesKey::NetRx), [None, Some(1000.0)]);
    }

    #[test]
    fn trims_to_the_window_and_ignores_old_samples() {
        let mut ds = DomainSeries::with_window(HOST, 60.0);
        for i in 0..200 {
            ds.push(&running(f64::from(i), u64::from(i as u32) * 1_000_000_000));
        }
        let cpu = ds.get(SeriesKey::Cpu).unwrap();
        assert_eq!(cpu.first().unwrap().t, 139.0);
        assert_eq!(cpu.len(), 61);
        ds.push(&running(150.0, 0));
        assert_eq!(ds.last_at(), Some(199.0), "older sample ignored");
        ds.set_window(10.0);
        assert_eq!(ds.get(SeriesKey::NetTx).unwrap().len(), 11);
        assert_eq!(ds.get(SeriesKey::Vcpu(1)).unwrap().len(), 11);
        ds.set_window(f64::NAN);
        assert_eq!(ds.window(), DEFAULT_WINDOW_SECS);
    }

    #[test]
    fn keys_have_names_and_units() {
        assert_eq!(SeriesKey::Vcpu(3).name(), "vcpu.3");
        assert_eq!(SeriesKey::CpuHost.unit(), Unit::Percent);
        assert_eq!(SeriesKey::NetTx.unit(), Unit::BytesPerSecond);
        assert_eq!(SeriesKey::MemoryUsed.unit(), Unit::Bytes);
    }
}
