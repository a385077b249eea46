//! Network commands: net-dumpxml and net-dhcp-leases.

use virt_client::{Connection, Network};

use super::{Res, fail, flag, opt, positional, table};

/// A network by UUID or name, as virsh looks it up.
async fn network<'a>(conn: &Connection, rest: &'a [String]) -> Res<(Network, &'a str)> {
    let n = opt(rest, "--network")
        .or_else(|| positional(rest).first().copied())
        .ok_or("command requires <network> option")?;
    if n.len() == 36
        && let Ok(uuid) = n.parse()
        && let Ok(net) = Network::lookup_by_uuid(conn, uuid).await
    {
        return Ok((net, n));
    }
    let net = Network::lookup_by_name(conn, n)
        .await
        .map_err(|e| fail(format!("failed to get network '{n}'"), e))?;
    Ok((net, n))
}

pub async fn net_dumpxml(conn: &Connection, rest: &[String]) -> Res {
    let (net, _) = network(conn, rest).await?;
    // VIR_NETWORK_XML_INACTIVE
    let flags = u32::from(flag(rest, "--inactive"));
    print!("{}", net.xml_desc(flags).await?);
    Ok(())
}

/// `%Y-%m-%d %H:%M:%S` of a Unix time in the local time zone.
fn local_time(t: i64) -> String {
    // SAFETY: tm is plain data; localtime_r only writes into it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t: libc::time_t = t;
    // SAFETY: both pointers are valid for the call.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return t.to_string();
    }
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

pub async fn net_dhcp_leases(conn: &Connection, rest: &[String]) -> Res {
    let (net, name) = network(conn, rest).await?;
    let mut leases = net
        .dhcp_leases(opt(rest, "--mac"))
        .await
        .map_err(|e| fail(format!("Failed to get leases info for {name}"), e))?;
    // virsh sorts by MAC address, ignoring case; leases without one last.
    leases.sort_by(|a, b| match (&a.mac, &b.mac) {
        (Some(x), Some(y)) => x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    let rows: Vec<Vec<String>> = leases
        .iter()
        .map(|l| {
            vec![
                local_time(l.expirytime),
                dash(&l.mac),
                match l.type_ {
                    0 => "ipv4",
                    1 => "ipv6",
                    _ => "-",
                }
                .into(),
                format!("{}/{}", l.ipaddr, l.prefix),
                dash(&l.hostname),
                dash(&l.clientid),
            ]
        })
        .collect();
    table(
        &[
            "Expiry Time",
            "MAC address",
            "Protocol",
            "IP address",
            "Hostname",
            "Client ID or DUID",
        ],
        &rows,
    );
    Ok(())
}
