//! vCPUs: counts, placement and pinning; the emulator threads' pinning; CPU bitmaps.

use virt_proto::remote as p;
use virt_proto::xdr::Opaque;

use super::Domain;
use crate::error::{Error, Result};

/// One vCPU (`virVcpuInfo`) and its affinity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcpuInfo {
    /// vCPU number.
    pub number: u32,
    /// `VIR_VCPU_*`: 0 offline, 1 running, 2 blocked.
    pub state: i32,
    /// CPU time used, ns.
    pub cpu_time_ns: u64,
    /// Host CPU it runs on (-1 when unknown).
    pub cpu: i32,
    /// Host CPUs it may run on, as a bitmap.
    pub affinity: Vec<u8>,
}

/// Formats a CPU bitmap as virsh does: `0-2,5`.
pub fn cpumap_to_list(map: &[u8], ncpus: u32) -> String {
    let on = |i: u32| {
        map.get((i / 8) as usize)
            .is_some_and(|b| b & (1 << (i % 8)) != 0)
    };
    let mut parts = Vec::new();
    let mut i = 0;
    while i < ncpus {
        if on(i) {
            let start = i;
            while i + 1 < ncpus && on(i + 1) {
                i += 1;
            }
            parts.push(if start == i {
                start.to_string()
            } else {
                format!("{start}-{i}")
            });
        }
        i += 1;
    }
    parts.join(",")
}

/// Parses a CPU list (`0-2,5`, `^1` excludes) into a bitmap of `maplen` bytes.
pub fn cpumap_from_list(list: &str, maplen: usize) -> Result<Vec<u8>> {
    let mut map = vec![0u8; maplen];
    let bad = || Error::Unexpected(format!("invalid CPU list '{list}'"));
    for part in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (neg, part) = match part.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.parse::<usize>(), b.parse::<usize>()),
            None => (part.parse::<usize>(), part.parse::<usize>()),
        };
        let (a, b) = (a.map_err(|_| bad())?, b.map_err(|_| bad())?);
        if a > b || b / 8 >= maplen {
            return Err(bad());
        }
        for cpu in a..=b {
            if neg {
                map[cpu / 8] &= !(1 << (cpu % 8));
            } else {
                map[cpu / 8] |= 1 << (cpu % 8);
            }
        }
    }
    Ok(map)
}

fn as_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl Domain {
    /// vCPU count (`VIR_DOMAIN_VCPU_*` / affect flags; 4 = maximum).
    pub async fn vcpus_count(&self, flags: u32) -> Result<u32> {
        let r = self
            .conn
            .call(&p::DomainGetVcpusFlagsArgs {
                dom: self.raw.clone(),
                flags,
            })
            .await?;
        crate::connect::non_negative(r.num, "vcpu count")
    }

    /// Sets the vCPU count.
    pub async fn set_vcpus(&self, count: u32, flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainSetVcpusFlagsArgs {
                dom: self.raw.clone(),
                nvcpus: count,
                flags,
            })
            .await
    }

    /// Running vCPUs with placement and affinity (`maplen` bytes per bitmap).
    pub async fn vcpus(&self, max: u32, maplen: u32) -> Result<Vec<VcpuInfo>> {
        let r = self
            .conn
            .call(&p::DomainGetVcpusArgs {
                dom: self.raw.clone(),
                maxinfo: as_i32(max),
                maplen: as_i32(maplen),
            })
            .await?;
        let maplen = maplen as usize;
        Ok(r.info
            .into_iter()
            .enumerate()
            .map(|(i, v)| VcpuInfo {
                number: v.number,
                state: v.state,
                cpu_time_ns: v.cpu_time,
                cpu: v.cpu,
                affinity: r
                    .cpumaps
                    .get(i * maplen..(i + 1) * maplen)
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default(),
            })
            .collect())
    }

    /// Pinning of each vCPU (`ncpumaps` maps of `maplen` bytes; affect flags).
    pub async fn vcpu_pin_info(
        &self,
        ncpumaps: u32,
        maplen: u32,
        flags: u32,
    ) -> Result<Vec<Vec<u8>>> {
        let r = self
            .conn
            .call(&p::DomainGetVcpuPinInfoArgs {
                dom: self.raw.clone(),
                ncpumaps: as_i32(ncpumaps),
                maplen: as_i32(maplen),
                flags,
            })
            .await?;
        let n = crate::connect::non_negative(r.num, "vcpu count")? as usize;
        let maplen = maplen.max(1) as usize;
        Ok(r.cpumaps
            .chunks(maplen)
            .take(n)
            .map(<[u8]>::to_vec)
            .collect())
    }

    /// Pins vCPU `vcpu` to the host CPUs in `cpumap` (affect flags: 1 live, 2 config).
    pub async fn pin_vcpu(&self, vcpu: u32, cpumap: &[u8], flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainPinVcpuFlagsArgs {
                dom: self.raw.clone(),
                vcpu,
                cpumap: Opaque(cpumap.to_vec()),
                flags,
            })
            .await
    }

    /// Pinning of the emulator threads, or `None` when they are not pinned.
    pub async fn emulator_pin_info(&self, maplen: u32, flags: u32) -> Result<Option<Vec<u8>>> {
        let r = self
            .conn
            .call(&p::DomainGetEmulatorPinInfoArgs {
                dom: self.raw.clone(),
                maplen: as_i32(maplen),
                flags,
            })
            .await?;
        Ok((r.ret > 0).then_some(r.cpumaps.0))
    }

    /// Pins the emulator threads.
    pub async fn pin_emulator(&self, cpumap: &[u8], flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainPinEmulatorArgs {
                dom: self.raw.clone(),
                cpumap: Opaque(cpumap.to_vec()),
                flags,
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(cpumap_to_list(&[0b0010_0111], 8), "0-2,5");
        assert_eq!(cpumap_to_list(&[0xff, 0x01], 9), "0-8");
        assert_eq!(cpumap_to_list(&[0], 4), "");
        assert_eq!(cpumap_from_list("0-2,5", 1).unwrap(), vec![0b0010_0111]);
        assert_eq!(cpumap_from_list("0-3,^1", 1).unwrap(), vec![0b1101]);
        assert!(cpumap_from_list("9", 1).is_err());
        assert!(cpumap_from_list("x", 1).is_err());
        assert!(cpumap_from_list("3-1", 1).is_err());
    }
}
