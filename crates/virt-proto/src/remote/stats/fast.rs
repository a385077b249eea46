//! A hand-written decoder for the `CONNECT_GET_ALL_DOMAIN_STATS` reply and typed parameter
//! arrays: the same result and the same checks as the serde path, without its per-value
//! indirection (a sampler decodes tens of thousands of parameters per tick).

use compact_str::CompactString;

use crate::error::{Error, Result};
use crate::remote::limits::{CONNECT_GET_ALL_DOMAIN_STATS_MAX, DOMAIN_LIST_MAX};
use crate::remote::{
    ConnectGetAllDomainStatsRet, Domain, DomainStatsRecord, TypedParam, TypedParamValue,
};
use crate::xdr::{STRING_MAX, Uuid};

/// Smallest encoding of a typed parameter: an empty name (4) + type (4) + an int (4).
const MIN_PARAM: usize = 12;
/// Smallest encoding of a stats record: empty name, UUID, id, empty parameter array.
const MIN_RECORD: usize = 4 + 16 + 4 + 4;

struct Reader<'a> {
    input: &'a [u8],
}

impl<'a> Reader<'a> {
    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        match self.input.split_first_chunk::<N>() {
            Some((head, tail)) => {
                self.input = tail;
                Ok(*head)
            }
            None => Err(Error::eof(N, self.input.len())),
        }
    }

    #[inline]
    fn u32(&mut self) -> Result<u32> {
        self.array::<4>().map(u32::from_be_bytes)
    }

    #[inline]
    fn u64(&mut self) -> Result<u64> {
        self.array::<8>().map(u64::from_be_bytes)
    }

    /// A string's bytes (padding skipped, not checked, as in the serde path).
    #[inline]
    fn str_bytes(&mut self) -> Result<&'a [u8]> {
        let len = self.u32()? as usize;
        if len > STRING_MAX {
            return Err(Error::limit("string", len, STRING_MAX));
        }
        let total = len + ((4 - (len & 3)) & 3);
        if total > self.input.len() {
            return Err(Error::eof(total, self.input.len()));
        }
        let (head, tail) = self.input.split_at(total);
        self.input = tail;
        Ok(&head[..len])
    }

    /// An array count checked against `max` and against what the input can still hold.
    #[inline]
    fn count(&mut self, max: usize, min_item: usize) -> Result<usize> {
        let count = self.u32()? as usize;
        if count > max {
            return Err(Error::limit("array", count, max));
        }
        if count > self.input.len() / min_item {
            return Err(Error::CountTooLarge {
                what: "array",
                count: count as u64,
                remaining: self.input.len(),
            });
        }
        Ok(count)
    }

    fn string(&mut self) -> Result<String> {
        let b = self.str_bytes()?;
        Ok(match std::str::from_utf8(b) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(b).into_owned(),
        })
    }

    #[inline]
    fn name(&mut self) -> Result<CompactString> {
        let b = self.str_bytes()?;
        Ok(match std::str::from_utf8(b) {
            Ok(s) => CompactString::new(s),
            Err(_) => CompactString::from(String::from_utf8_lossy(b)),
        })
    }

    #[inline]
    fn param(&mut self) -> Result<TypedParam> {
        let field = self.name()?;
        let ty = self.u32()?;
        let value = match ty {
            1 => TypedParamValue::Int(self.u32()? as i32),
            2 => TypedParamValue::UInt(self.u32()?),
            3 => TypedParamValue::LLong(self.u64()? as i64),
            4 => TypedParamValue::ULLong(self.u64()?),
            5 => TypedParamValue::Double(f64::from_bits(self.u64()?)),
            6 => TypedParamValue::Boolean(self.u32()? != 0),
            7 => TypedParamValue::String(self.string()?),
            other => return Err(bad_type(other)),
        };
        Ok(TypedParam { field, value })
    }

    fn params(&mut self, max: usize) -> Result<Vec<TypedParam>> {
        let n = self.count(max, MIN_PARAM)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.param()?);
        }
        Ok(out)
    }

    fn domain(&mut self) -> Result<Domain> {
        let name = self.string()?;
        let uuid = Uuid(self.array::<16>()?);
        let id = self.u32()? as i32;
        Ok(Domain { name, uuid, id })
    }
}

#[cold]
fn bad_type(ty: u32) -> Error {
    Error::InvalidValue {
        found: (ty as i32).to_string(),
        expected: "a typed parameter type 1..=7 and its value".into(),
    }
}

/// Decodes a `CONNECT_GET_ALL_DOMAIN_STATS` reply body; the result equals
/// `xdr::from_bytes::<ConnectGetAllDomainStatsRet>(input)`.
pub fn decode_all_domain_stats(input: &[u8]) -> Result<ConnectGetAllDomainStatsRet> {
    let mut r = Reader { input };
    let n = r.count(DOMAIN_LIST_MAX, MIN_RECORD)?;
    let mut ret_stats = Vec::with_capacity(n);
    for _ in 0..n {
        let dom = r.domain()?;
        let params = r.params(CONNECT_GET_ALL_DOMAIN_STATS_MAX)?;
        ret_stats.push(DomainStatsRecord { dom, params });
    }
    if !r.input.is_empty() {
        return Err(Error::TrailingBytes(r.input.len()));
    }
    Ok(ConnectGetAllDomainStatsRet { ret_stats })
}

/// Decodes an array of at most `max` typed parameters from the front of `input`; returns them
/// with the bytes after them.
pub fn decode_typed_params(input: &[u8], max: usize) -> Result<(Vec<TypedParam>, &[u8])> {
    let mut r = Reader { input };
    let params = r.params(max)?;
    Ok((params, r.input))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xdr;

    fn sample() -> ConnectGetAllDomainStatsRet {
        let params = vec![
            TypedParam::new("state.state", TypedParamValue::Int(-1)),
            TypedParam::new("vcpu.current", TypedParamValue::UInt(2)),
            TypedParam::new("x.llong", TypedParamValue::LLong(-5)),
            TypedParam::new("cpu.time", TypedParamValue::ULLong(u64::MAX)),
            TypedParam::new("x.double", TypedParamValue::Double(1.5)),
            TypedParam::new("x.bool", TypedParamValue::Boolean(true)),
            TypedParam::new("block.0.path", TypedParamValue::String("/a/b.qcow2".into())),
            TypedParam::new(
                "a-name-longer-than-twenty-four-bytes",
                TypedParamValue::Int(0),
            ),
        ];
        ConnectGetAllDomainStatsRet {
            ret_stats: vec![
                DomainStatsRecord {
                    dom: Domain {
                        name: "vm1".into(),
                        uuid: Uuid([3; 16]),
                        id: 7,
                    },
                    params: params.clone(),
                },
                DomainStatsRecord {
                    dom: Domain {
                        name: "vm22".into(),
                        uuid: Uuid([4; 16]),
                        id: -1,
                    },
                    params: Vec::new(),
                },
            ],
        }
    }

    #[test]
    fn same_result_as_serde() {
        let bytes = xdr::to_bytes(&sample()).unwrap();
        assert_eq!(decode_all_domain_stats(&bytes).unwrap(), sample());
        let serde: ConnectGetAllDomainStatsRet = xdr::from_bytes(&bytes).unwrap();
        assert_eq!(serde, sample());
    }

    #[test]
    fn every_truncation_fails_like_serde() {
        let bytes = xdr::to_bytes(&sample()).unwrap();
        for cut in 0..bytes.len() {
            let ours = decode_all_domain_stats(&bytes[..cut]);
            let serde = xdr::from_bytes::<ConnectGetAllDomainStatsRet>(&bytes[..cut]);
            assert!(ours.is_err(), "cut at {cut}");
            assert!(serde.is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 4]);
        assert!(matches!(
            decode_all_domain_stats(&longer),
            Err(Error::TrailingBytes(4))
        ));
    }

    #[test]
    fn bad_type_and_huge_counts_are_errors() {
        let mut bytes = xdr::to_bytes(&sample()).unwrap();
        // The first parameter's type word: count(4) + name(4+4) + uuid(16) + id(4) +
        // params count(4) + field "state.state" (4+12).
        let at = 4 + 8 + 16 + 4 + 4 + 16;
        bytes[at..at + 4].copy_from_slice(&9u32.to_be_bytes());
        assert!(matches!(
            decode_all_domain_stats(&bytes),
            Err(Error::InvalidValue { .. })
        ));
        let huge = 0x00ff_ffffu32.to_be_bytes();
        assert!(matches!(
            decode_all_domain_stats(&huge),
            Err(Error::LimitExceeded { .. })
        ));
        let many = [0, 0, 0, 100, 0, 0, 0, 0];
        assert!(matches!(
            decode_all_domain_stats(&many),
            Err(Error::CountTooLarge { .. })
        ));
    }
}
