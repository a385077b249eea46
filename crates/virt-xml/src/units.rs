//! Sizes with units as libvirt writes and reads them (`<memory unit='MiB'>512</memory>`).
//!
//! libvirt reads a unit case-insensitively: `b`, `byte`, `bytes`; a single letter or a
//! letter plus `iB` is a power of 1024 (`k`, `KiB`, `M`, `MiB`, ... up to `E`, `EiB`); a
//! letter plus `B` is a power of 1000 (`KB`, `MB`, ... `EB`).

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A unit libvirt accepts for sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Bytes (`b`, `bytes`).
    Bytes,
    /// A power of 1000: `KB` (exponent 1) up to `EB` (exponent 6).
    Decimal(u8),
    /// A power of 1024: `KiB`/`k` (exponent 1) up to `EiB`/`E` (exponent 6).
    Binary(u8),
}

const LETTERS: [char; 7] = [' ', 'K', 'M', 'G', 'T', 'P', 'E'];

impl Unit {
    /// Kibibytes, libvirt's default for memory.
    pub const KIB: Unit = Unit::Binary(1);
    /// Mebibytes.
    pub const MIB: Unit = Unit::Binary(2);
    /// Gibibytes.
    pub const GIB: Unit = Unit::Binary(3);
    /// Tebibytes.
    pub const TIB: Unit = Unit::Binary(4);

    /// How many bytes one of this unit holds.
    pub fn factor(self) -> u64 {
        match self {
            Unit::Bytes => 1,
            Unit::Decimal(e) => 1000u64.pow(u32::from(e)),
            Unit::Binary(e) => 1024u64.pow(u32::from(e)),
        }
    }

    /// The canonical spelling libvirt prints: `bytes`, `KB`, `KiB`, `MiB`...
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Bytes => "bytes",
            Unit::Decimal(e) => {
                ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"][usize::from(e.min(6))]
            }
            Unit::Binary(e) => {
                ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"][usize::from(e.min(6))]
            }
        }
    }
}

impl FromStr for Unit {
    type Err = Error;

    fn from_str(s: &str) -> Result<Unit, Error> {
        let bad = || Error::Argument(format!("unknown unit '{s}'"));
        let lower = s.to_ascii_lowercase();
        if matches!(lower.as_str(), "b" | "byte" | "bytes") {
            return Ok(Unit::Bytes);
        }
        let mut chars = s.chars();
        let first = chars.next().ok_or_else(bad)?.to_ascii_uppercase();
        let exp = LETTERS[1..]
            .iter()
            .position(|&c| c == first)
            .ok_or_else(bad)? as u8
            + 1;
        match &lower[1..] {
            "" | "ib" => Ok(Unit::Binary(exp)),
            "b" => Ok(Unit::Decimal(exp)),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A size as written: a value and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    /// The number as written.
    pub value: u64,
    /// The unit it is in.
    pub unit: Unit,
}

impl Size {
    /// A size of `value` units.
    pub fn new(value: u64, unit: Unit) -> Size {
        Size { value, unit }
    }

    /// A size in KiB.
    pub fn kib(value: u64) -> Size {
        Size::new(value, Unit::KIB)
    }

    /// A size in MiB.
    pub fn mib(value: u64) -> Size {
        Size::new(value, Unit::MIB)
    }

    /// A size in GiB.
    pub fn gib(value: u64) -> Size {
        Size::new(value, Unit::GIB)
    }

    /// A size in bytes.
    pub fn bytes_value(value: u64) -> Size {
        Size::new(value, Unit::Bytes)
    }

    /// The size in bytes, or `None` if that overflows 64 bits.
    pub fn bytes(self) -> Option<u64> {
        self.value.checked_mul(self.unit.factor())
    }

    /// The size in KiB, rounded up as libvirt does, or `None` on overflow.
    pub fn to_kib(self) -> Option<u64> {
        match self.unit {
            Unit::Binary(e) if e >= 1 => self.value.checked_mul(1024u64.pow(u32::from(e) - 1)),
            _ => {
                let b = u128::from(self.value) * u128::from(self.unit.factor());
                u64::try_from(b.div_ceil(1024)).ok()
            }
        }
    }

    /// Parses a value and a unit as found in a document; an empty unit means `default`.
    pub fn parse(value: &str, unit: Option<&str>, default: Unit) -> Result<Size, Error> {
        let unit = match unit.map(str::trim) {
            None | Some("") => default,
            Some(u) => u.parse()?,
        };
        let value = value
            .trim()
            .parse()
            .map_err(|_| Error::Argument(format!("'{}' is not a size", value.trim())))?;
        let size = Size { value, unit };
        size.bytes()
            .map(|_| size)
            .ok_or_else(|| Error::Argument(format!("size {value} {unit} is too large")))
    }

    /// The largest unit in which the size is a whole number (binary units only).
    pub fn simplified(self) -> Size {
        let Some(mut bytes) = self.bytes() else {
            return self;
        };
        let mut exp = 0u8;
        while exp < 6 && bytes != 0 && bytes % 1024 == 0 {
            bytes /= 1024;
            exp += 1;
        }
        Size::new(
            bytes,
            if exp == 0 {
                Unit::Bytes
            } else {
                Unit::Binary(exp)
            },
        )
    }
}

impl FromStr for Size {
    type Err = Error;

    /// Reads `"512 MiB"`, `"2G"`, `"1000000KB"` or a bare number of bytes.
    fn from_str(s: &str) -> Result<Size, Error> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        Size::parse(&s[..split], Some(s[split..].trim()), Unit::Bytes)
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_libvirt_accepts() {
        let cases: &[(&str, u64)] = &[
            ("b", 1),
            ("bytes", 1),
            ("KB", 1000),
            ("k", 1024),
            ("KiB", 1024),
            ("MB", 1_000_000),
            ("M", 1 << 20),
            ("MiB", 1 << 20),
            ("GB", 1_000_000_000),
            ("G", 1 << 30),
            ("GiB", 1 << 30),
            ("TB", 1_000_000_000_000),
            ("T", 1 << 40),
            ("TiB", 1 << 40),
            ("PB", 1_000_000_000_000_000),
            ("P", 1 << 50),
            ("PiB", 1 << 50),
            ("EB", 1_000_000_000_000_000_000),
            ("E", 1 << 60),
            ("EiB", 1 << 60),
            ("kib", 1024),
            ("kb", 1000),
            ("byte", 1),
        ];
        for &(name, factor) in cases {
            let unit: Unit = name.parse().expect(name);
            assert_eq!(unit.factor(), factor, "{name}");
            let printed: Unit = unit.as_str().parse().expect("reparse");
            assert_eq!(printed.factor(), factor, "{name} printed as {unit}");
        }
        for bad in ["", "x", "KiBB", "Ki", "kbb", "Z"] {
            assert!(bad.parse::<Unit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(Size::mib(512).to_kib(), Some(524_288));
        assert_eq!(Size::new(1, Unit::Decimal(1)).to_kib(), Some(1));
        assert_eq!(
            Size::new(1_024_000, Unit::Decimal(1)).to_kib(),
            Some(1_000_000)
        );
        assert_eq!(Size::new(16, Unit::Binary(6)).bytes(), None);
        assert_eq!(Size::kib(1_048_576).simplified(), Size::gib(1));
        assert_eq!("2G".parse::<Size>().ok(), Some(Size::gib(2)));
        assert_eq!("512 MiB".parse::<Size>().ok(), Some(Size::mib(512)));
        assert!(Size::parse("-1", None, Unit::KIB).is_err());
        assert!(Size::parse("16", Some("EiB"), Unit::KIB).is_err());
        assert_eq!(
            Size::parse(" 7 ", Some(""), Unit::KIB).ok(),
            Some(Size::kib(7))
        );
    }
}
