//! Reading libvirt's statistics fields into [`DomainSample`]s and host figures, in one pass
//! over each record's fields.

use virt_client::{TypedParam, TypedParamValue};

use crate::session::series::DomainSample;

fn number(v: &TypedParamValue) -> Option<u64> {
    match v {
        TypedParamValue::Int(v) => u64::try_from(*v).ok(),
        TypedParamValue::UInt(v) => Some(u64::from(*v)),
        TypedParamValue::LLong(v) => u64::try_from(*v).ok(),
        TypedParamValue::ULLong(v) => Some(*v),
        _ => None,
    }
}

fn add(total: &mut Option<u64>, v: Option<u64>) {
    if let Some(v) = v {
        *total = Some(total.unwrap_or(0).wrapping_add(v));
    }
}

/// `vcpu.<n>.time` → `n`.
fn vcpu_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("vcpu.")?
        .strip_suffix(".time")?
        .parse()
        .ok()
}

/// `<group>.<n>.<rest>` → `rest`, for `block.0.rd.bytes` and `net.1.tx.bytes`.
fn indexed<'a>(field: &'a str, group: &str) -> Option<&'a str> {
    let rest = field.strip_prefix(group)?.strip_prefix('.')?;
    let (n, tail) = rest.split_once('.')?;
    n.bytes().all(|b| b.is_ascii_digit()).then_some(tail)
}

/// A domain's sample at time `at` from its statistics fields. Missing fields stay `None`.
pub fn domain_sample(at: f64, params: &[TypedParam]) -> DomainSample {
    let mut s = DomainSample {
        at,
        ..DomainSample::default()
    };
    let mut vcpu_current = None;
    for p in params {
        let f = p.field.as_str();
        let v = number(&p.value);
        match f {
            "state.state" => {
                // Running, blocked, paused, shutting down: the process and its counters exist.
                s.state_running = matches!(v, Some(1..=4));
            }
            "cpu.time" => s.cpu_time_ns = v,
            "vcpu.current" => vcpu_current = v,
            "balloon.current" => s.balloon_current_kib = v,
            "balloon.unused" => s.balloon_unused_kib = v,
            "balloon.rss" => s.rss_kib = v,
            _ => {
                if let Some(i) = vcpu_index(f) {
                    if i < 4096 {
                        if s.vcpus.len() <= i {
                            s.vcpus.resize(i + 1, None);
                        }
                        s.vcpus[i] = v;
                    }
                } else if let Some(tail) = indexed(f, "block") {
                    match tail {
                        "rd.bytes" => add(&mut s.block_rd_bytes, v),
                        "wr.bytes" => add(&mut s.block_wr_bytes, v),
                        _ => {}
                    }
                } else if let Some(tail) = indexed(f, "net") {
                    match tail {
                        "rx.bytes" => add(&mut s.net_rx_bytes, v),
                        "tx.bytes" => add(&mut s.net_tx_bytes, v),
                        _ => {}
                    }
                }
            }
        }
    }
    s.vcpu_count = vcpu_current
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(s.vcpus.len() as u32);
    s
}

fn field(fields: &[(String, u64)], name: &str) -> Option<u64> {
    fields.iter().find(|(f, _)| f == name).map(|(_, v)| *v)
}

/// Busy and total host CPU time in ns from `node_cpu_stats` (kernel, user, idle, iowait).
pub fn host_cpu_times(fields: &[(String, u64)]) -> Option<(u64, u64)> {
    let idle = field(fields, "idle")?;
    let iowait = field(fields, "iowait").unwrap_or(0);
    let busy = match (field(fields, "kernel"), field(fields, "user")) {
        (Some(k), Some(u)) => k.saturating_add(u),
        // Drivers that report only utilization and idle.
        _ => field(fields, "utilization")?,
    };
    Some((busy, busy.saturating_add(idle).saturating_add(iowait)))
}

/// Total and used host memory in KiB from `node_memory_stats` (total, free, buffers, cached).
pub fn host_memory(fields: &[(String, u64)]) -> Option<(u64, u64)> {
    let total = field(fields, "total")?;
    let free = field(fields, "free").unwrap_or(0);
    let buffers = field(fields, "buffers").unwrap_or(0);
    let cached = field(fields, "cached").unwrap_or(0);
    Some((
        total,
        total.saturating_sub(free.saturating_add(buffers).saturating_add(cached)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(field: &str, v: u64) -> TypedParam {
        TypedParam {
            field: field.into(),
            value: TypedParamValue::ULLong(v),
        }
    }

    #[test]
    fn parses_a_record() {
        let params = [
            TypedParam {
                field: "state.state".into(),
                value: TypedParamValue::Int(1),
            },
            p("cpu.time", 5_000),
            p("vcpu.current", 2),
            p("vcpu.0.time", 2_000),
            p("vcpu.1.time", 3_000),
            p("balloon.current", 1024),
            p("balloon.unused", 256),
            p("block.count", 2),
            p("block.0.rd.bytes", 10),
            p("block.1.rd.bytes", 5),
            p("block.0.wr.bytes", 7),
            p("block.0.rd.reqs", 99),
            p("net.0.rx.bytes", 100),
            p("net.0.tx.bytes", 50),
            TypedParam {
                field: "block.0.name".into(),
                value: TypedParamValue::String("vda".into()),
            },
        ];
        let s = domain_sample(3.0, &params);
        assert!(s.state_running);
        assert_eq!(s.cpu_time_ns, Some(5_000));
        assert_eq!(s.vcpus, [Some(2_000), Some(3_000)]);
        assert_eq!(s.vcpu_count, 2);
        assert_eq!(s.balloon_current_kib, Some(1024));
        assert_eq!(s.balloon_unused_kib, Some(256));
        assert_eq!(s.block_rd_bytes, Some(15));
        assert_eq!(s.block_wr_bytes, Some(7));
        assert_eq!(s.net_rx_bytes, Some(100));
        assert_eq!(s.net_tx_bytes, Some(50));
        assert_eq!(s.rss_kib, None);
    }

    #[test]
    fn shut_off_and_odd_fields() {
        let params = [
            TypedParam {
                field: "state.state".into(),
                value: TypedParamValue::Int(5),
            },
            p("vcpu.99999999.time", 1),
            p("block.x.rd.bytes", 1),
        ];
        let s = domain_sample(0.0, &params);
        assert!(!s.state_running);
        assert!(s.vcpus.is_empty());
        assert_eq!(s.block_rd_bytes, None);
    }

    #[test]
    fn host_figures() {
        let cpu: Vec<(String, u64)> = [("kernel", 10), ("user", 30), ("idle", 50), ("iowait", 10)]
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        assert_eq!(host_cpu_times(&cpu), Some((40, 100)));
        let mem: Vec<(String, u64)> = [
            ("total", 1000),
            ("free", 100),
            ("buffers", 50),
            ("cached", 250),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
        assert_eq!(host_memory(&mem), Some((1000, 600)));
        assert_eq!(host_memory(&[]), None);
    }
}
