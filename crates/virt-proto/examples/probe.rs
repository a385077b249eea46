//! Talks to a real libvirt daemon over its UNIX socket with blocking std I/O, using only this
//! crate for the wire format: a quick end-to-end check of the message layouts.
//!
//! `cargo run -p virt-proto --example probe -- /path/to/libvirt-sock [URI]`
//! (URI defaults to `test:///default`, the daemon's built-in test hypervisor).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use virt_proto::packet::{self, Packet, Status};
use virt_proto::remote::*;
use virt_proto::{RemoteError, Rpc, xdr};

type Failure = Box<dyn std::error::Error>;

struct Conn {
    sock: UnixStream,
    serial: u32,
}

impl Conn {
    /// Sends a call and waits for its reply, skipping any other packet.
    fn call<C: Rpc>(&mut self, args: &C) -> Result<Result<C::Reply, RemoteError>, Failure> {
        self.serial += 1;
        self.sock
            .write_all(&packet::encode_packet(&C::header(self.serial), args)?)?;
        loop {
            let mut word = [0u8; 4];
            self.sock.read_exact(&mut word)?;
            let len = packet::frame_len(&word)?.ok_or("short length word")?;
            let mut buf = vec![0u8; len];
            buf[..4].copy_from_slice(&word);
            self.sock.read_exact(&mut buf[4..])?;
            let p = Packet::parse(&buf)?;
            if p.header.serial != self.serial || p.header.proc_ != C::PROCEDURE {
                continue;
            }
            return Ok(match p.header.status {
                Status::Error => Err(p.body()?),
                _ => Ok(xdr::from_bytes(p.body)?),
            });
        }
    }
}

fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: probe SOCKET [URI]")?;
    let uri = args.next().unwrap_or_else(|| "test:///default".into());
    let mut c = Conn {
        sock: UnixStream::connect(path)?,
        serial: 0,
    };

    let auth = c.call(&AuthListArgs)??;
    println!("auth types: {:?}", auth.types);
    c.call(&ConnectOpenArgs {
        name: Some(uri),
        flags: 0,
    })??;
    println!("type: {}", c.call(&ConnectGetTypeArgs)??.type_);
    println!("uri: {}", c.call(&ConnectGetUriArgs)??.uri);
    println!("hostname: {}", c.call(&ConnectGetHostnameArgs)??.hostname);
    println!(
        "lib version: {}",
        c.call(&ConnectGetLibVersionArgs)??.lib_ver
    );
    let node = c.call(&NodeGetInfoArgs)??;
    let model: String = node
        .model
        .iter()
        .take_while(|c| **c != 0)
        .map(|c| *c as u8 as char)
        .collect();
    println!("node: {model}, {} KiB, {} cpus", node.memory, node.cpus);

    let list = c.call(&ConnectListAllDomainsArgs {
        need_results: 1,
        flags: 0,
    })??;
    for dom in &list.domains {
        let info = c.call(&DomainGetInfoArgs { dom: dom.clone() })??;
        let by_name = c.call(&DomainLookupByNameArgs {
            name: dom.name.clone(),
        })??;
        println!(
            "domain {} {} id {}: state {}, {} vcpus, {} KiB; lookup by name agrees: {}",
            dom.name,
            dom.uuid,
            dom.id,
            info.state,
            info.nr_virt_cpu,
            info.memory,
            by_name.dom == *dom
        );
    }
    let stats = c.call(&ConnectGetAllDomainStatsArgs {
        doms: vec![],
        stats: 0,
        flags: 0,
    })??;
    for rec in &stats.ret_stats {
        println!("stats of {}: {} params", rec.dom.name, rec.params.len());
        for p in rec.params.iter().take(6) {
            println!("  {} = {:?}", p.field, p.value);
        }
    }
    match c.call(&DomainLookupByNameArgs {
        name: "no-such-domain".into(),
    })? {
        Ok(r) => println!("unexpected domain {:?}", r.dom),
        Err(e) => println!(
            "expected error: {e} [{:?} {:?} level {}]",
            e.code_name(),
            e.domain_name(),
            e.level
        ),
    }
    c.call(&ConnectCloseArgs)??;
    Ok(())
}
