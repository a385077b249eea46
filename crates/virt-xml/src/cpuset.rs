//! Sets of CPU numbers: libvirt's cpuset strings (`0-3,^2,8`) and cpumap byte arrays.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// The highest CPU number a [`CpuSet`] accepts, plus one.
pub const MAX_CPUS: u32 = 1 << 16;

/// A sorted set of CPU numbers, stored as a bitset.
///
/// Parses libvirt's syntax: comma-separated numbers and ranges, where `^N` (or `^N-M`)
/// removes CPUs added earlier: `"0-3,^2,8"` is {0, 1, 3, 8}. Displays the canonical form
/// `0-1,3,8`.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct CpuSet {
    words: Vec<u64>,
}

impl CpuSet {
    /// The empty set.
    pub fn new() -> CpuSet {
        CpuSet::default()
    }

    /// CPUs `start..=end`.
    pub fn range(start: u32, end: u32) -> CpuSet {
        (start..=end.min(MAX_CPUS - 1)).collect()
    }

    /// Whether `cpu` is in the set.
    pub fn contains(&self, cpu: u32) -> bool {
        self.words
            .get((cpu / 64) as usize)
            .is_some_and(|w| w & (1 << (cpu % 64)) != 0)
    }

    /// Adds `cpu`; returns whether it was new. CPUs at or above [`MAX_CPUS`] are ignored.
    pub fn insert(&mut self, cpu: u32) -> bool {
        if cpu >= MAX_CPUS {
            return false;
        }
        let i = (cpu / 64) as usize;
        if self.words.len() <= i {
            self.words.resize(i + 1, 0);
        }
        let was = self.words[i] & (1 << (cpu % 64)) != 0;
        self.words[i] |= 1 << (cpu % 64);
        !was
    }

    /// Removes `cpu`; returns whether it was there.
    pub fn remove(&mut self, cpu: u32) -> bool {
        let i = (cpu / 64) as usize;
        let Some(w) = self.words.get_mut(i) else {
            return false;
        };
        let was = *w & (1 << (cpu % 64)) != 0;
        *w &= !(1 << (cpu % 64));
        while self.words.last() == Some(&0) {
            self.words.pop();
        }
        was
    }

    /// How many CPUs are in the set.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The CPUs in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros();
                w &= w - 1;
                Some(i as u32 * 64 + bit)
            })
        })
    }

    /// The lowest CPU.
    pub fn first(&self) -> Option<u32> {
        self.iter().next()
    }

    /// The highest CPU.
    pub fn last(&self) -> Option<u32> {
        let (i, w) = self.words.iter().enumerate().next_back()?;
        Some(i as u32 * 64 + 63 - w.leading_zeros())
    }

    /// CPUs in either set.
    pub fn union(&self, other: &CpuSet) -> CpuSet {
        let mut out = self.clone();
        out.extend(other.iter());
        out
    }

    /// CPUs in both sets.
    pub fn intersection(&self, other: &CpuSet) -> CpuSet {
        self.iter().filter(|&c| other.contains(c)).collect()
    }

    /// Reads a cpumap as libvirt sends it: CPU `i` is bit `i % 8` of byte `i / 8`.
    pub fn from_cpumap(map: &[u8]) -> CpuSet {
        let mut set = CpuSet::new();
        for (i, &byte) in map.iter().enumerate() {
            for bit in 0..8 {
                if byte & (1 << bit) != 0 {
                    set.insert(i as u32 * 8 + bit);
                }
            }
        }
        set
    }

    /// Writes a cpumap of `len` bytes; CPUs that do not fit are left out.
    pub fn to_cpumap(&self, len: usize) -> Vec<u8> {
        let mut map = vec![0u8; len];
        for cpu in self.iter() {
            match map.get_mut((cpu / 8) as usize) {
                Some(b) => *b |= 1 << (cpu % 8),
                None => break,
            }
        }
        map
    }

    /// The ranges of consecutive CPUs, ascending.
    pub fn ranges(&self) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for cpu in self.iter() {
            match out.last_mut() {
                Some((_, end)) if *end + 1 == cpu => *end = cpu,
                _ => out.push((cpu, cpu)),
            }
        }
        out
    }
}

impl FromIterator<u32> for CpuSet {
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> CpuSet {
        let mut set = CpuSet::new();
        set.extend(iter);
        set
    }
}

impl Extend<u32> for CpuSet {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, iter: I) {
        for cpu in iter {
            self.insert(cpu);
        }
    }
}

fn number(s: &str, whole: &str) -> Result<u32, Error> {
    let s = s.trim();
    let n: u32 = s
        .parse()
        .ok()
        .filter(|_| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| Error::Argument(format!("cpuset '{whole}': '{s}' is not a CPU number")))?;
    if n >= MAX_CPUS {
        return Err(Error::Argument(format!(
            "cpuset '{whole}': CPU {n} is too large"
        )));
    }
    Ok(n)
}

impl FromStr for CpuSet {
    type Err = Error;

    fn from_str(s: &str) -> Result<CpuSet, Error> {
        let mut set = CpuSet::new();
        if s.trim().is_empty() {
            return Err(Error::Argument("empty cpuset".into()));
        }
        for item in s.split(',') {
            let item = item.trim();
            let (neg, body) = match item.strip_prefix('^') {
                Some(rest) => (true, rest),
                None => (false, item),
            };
            let (start, end) = match body.split_once('-') {
                Some((a, b)) => (number(a, s)?, number(b, s)?),
                None => {
                    let n = number(body, s)?;
                    (n, n)
                }
            };
            if start > end {
                return Err(Error::Argument(format!(
                    "cpuset '{s}': range {start}-{end} is backwards"
                )));
            }
            for cpu in start..=end {
                if neg {
                    set.remove(cpu);
                } else {
                    set.insert(cpu);
                }
            }
        }
        Ok(set)
    }
}

impl fmt::Display for CpuSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (a, b)) in self.ranges().into_iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}-{b}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for CpuSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CpuSet({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let set: CpuSet = "0-3,^2,8".parse().expect("parse");
        assert_eq!(set.to_string(), "0-1,3,8");
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 1, 3, 8]);
        assert_eq!(set.len(), 4);
        assert!(set.contains(3) && !set.contains(2));
        assert_eq!(set.last(), Some(8));
        assert_eq!(
            " 5 , 1-2 ".parse::<CpuSet>().map(|s| s.to_string()).ok(),
            Some("1-2,5".into())
        );
        for bad in ["", "a", "1-", "3-1", "1,,2", "^", "70000", "1-2-3"] {
            assert!(bad.parse::<CpuSet>().is_err(), "{bad}");
        }
    }

    #[test]
    fn cpumaps() {
        let set = CpuSet::from_cpumap(&[0b0000_0101, 0b1000_0000]);
        assert_eq!(set.to_string(), "0,2,15");
        assert_eq!(set.to_cpumap(2), [0b0000_0101, 0b1000_0000]);
        assert_eq!(set.to_cpumap(1), [0b0000_0101]);
        assert_eq!(set.to_cpumap(3), [0b0000_0101, 0b1000_0000, 0]);
    }

    #[test]
    fn edits() {
        let mut set = CpuSet::range(0, 3);
        assert!(set.remove(3));
        assert!(!set.remove(100));
        assert!(set.insert(64));
        assert!(!set.insert(64));
        assert_eq!(set.to_string(), "0-2,64");
        set.remove(64);
        assert_eq!(set, CpuSet::range(0, 2));
    }
}
