//! The least any client can do per call: `floor URI N` makes N `DOMAIN_GET_INFO` calls one at
//! a time over a blocking unix socket, from one pre-encoded packet whose serial alone changes,
//! reading each reply into one reused buffer and checking only its status word. No runtime, no
//! task, no decoding, no allocation per call.
//!
//! Prints `getinfo threads=1 calls_per_s=X median_us=Y cpu_us_per_call=Z`, as `bench` and the C
//! peer do, so bench/compare-c.sh can set it beside them: what a single caller can reach
//! against this daemon whatever the client is made of.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Instant;

use virt_client::ConnectUri;
use virt_proto::Rpc;
use virt_proto::packet::{HEADER_LEN, LEN_WORD, PACKET_MAX, encode_packet};
use virt_proto::remote::{ConnectListAllDomainsArgs, ConnectOpenArgs, DomainGetInfoArgs};

type Fail = Box<dyn std::error::Error>;

fn cpu_time_us() -> f64 {
    // SAFETY: getrusage fills the struct we pass; RUSAGE_SELF is always valid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Reads one packet into `buf` (length word included) and returns its length and status word.
/// The first read asks for as much as the buffer holds, so a small reply takes one system call.
fn read_reply(sock: &mut UnixStream, buf: &mut Vec<u8>) -> Result<(usize, u32), Fail> {
    if buf.len() < 65_536 {
        buf.resize(65_536, 0);
    }
    let mut have = 0;
    let len = loop {
        if have >= LEN_WORD {
            let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
            if !(LEN_WORD + HEADER_LEN..=PACKET_MAX).contains(&len) {
                return Err(format!("bad packet length {len}").into());
            }
            if have >= len {
                break len;
            }
            if buf.len() < len {
                buf.resize(len, 0);
            }
        }
        match sock.read(&mut buf[have..])? {
            0 => return Err("the daemon closed the connection".into()),
            got => have += got,
        }
    };
    if have != len {
        return Err("a packet arrived that was not asked for".into());
    }
    Ok((
        len,
        u32::from_be_bytes([buf[24], buf[25], buf[26], buf[27]]),
    ))
}

/// One call, decoded: for the few calls before the measured loop.
fn call<A: Rpc>(sock: &mut UnixStream, serial: u32, args: &A) -> Result<A::Reply, Fail> {
    sock.write_all(&encode_packet(&A::header(serial), args)?)?;
    let mut buf = Vec::new();
    match read_reply(sock, &mut buf)? {
        (len, 0) => Ok(virt_proto::xdr::from_bytes(
            &buf[LEN_WORD + HEADER_LEN..len],
        )?),
        _ => Err(format!("procedure {} failed", A::PROCEDURE).into()),
    }
}

fn main() -> Result<(), Fail> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        return Err("usage: floor URI N".into());
    }
    let uri = ConnectUri::parse(&args[1])?;
    let n: usize = args[2].parse()?;
    let path = uri
        .params()
        .socket
        .clone()
        .ok_or("the URI names no socket=")?;
    let mut sock = UnixStream::connect(path)?;
    let open = ConnectOpenArgs {
        name: Some(uri.remote_name()),
        flags: 0,
    };
    call(&mut sock, 1, &open)?;
    let list = ConnectListAllDomainsArgs {
        need_results: 1,
        flags: 0,
    };
    let dom = call(&mut sock, 2, &list)?
        .domains
        .into_iter()
        .next()
        .ok_or("no domain to measure")?;
    let mut packet = encode_packet(&DomainGetInfoArgs::header(0), &DomainGetInfoArgs { dom })?;
    let mut reply = Vec::new();
    let mut one = |serial: u32| -> Result<(), Fail> {
        // The serial is the header's fifth word, after the length word.
        packet[20..24].copy_from_slice(&serial.to_be_bytes());
        sock.write_all(&packet)?;
        match read_reply(&mut sock, &mut reply)? {
            (_, 0) => Ok(()),
            (_, s) => Err(format!("getinfo failed (status {s})").into()),
        }
    };
    for serial in 3..53 {
        one(serial)?;
    }
    let mut lat = Vec::with_capacity(n);
    let cpu0 = cpu_time_us();
    let t0 = Instant::now();
    for i in 0..n {
        let s = Instant::now();
        one(100 + i as u32)?;
        lat.push(s.elapsed().as_secs_f64() * 1e6);
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_time_us() - cpu0;
    lat.sort_by(f64::total_cmp);
    let median = lat.get(lat.len() / 2).copied().unwrap_or(0.0);
    println!(
        "getinfo threads=1 calls_per_s={:.0} median_us={median:.1} cpu_us_per_call={:.1}",
        n as f64 / wall,
        cpu / n as f64
    );
    Ok(())
}
