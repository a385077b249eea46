//! What a guest tells about itself: domifaddr and domhostname.

use virt_client::Connection;
use virt_client::domain::{AddressSource, HostnameSource};

use super::{Res, arg, dom, fail, flag, opt, positional};

pub async fn domifaddr(conn: &Connection, rest: &[String]) -> Res {
    let pos = positional(rest);
    let d = dom(conn, arg(&pos, 0, "domain")?).await?;
    let interface = opt(rest, "--interface");
    let full = flag(rest, "--full");
    let source = match opt(rest, "--source") {
        None | Some("lease") => AddressSource::Lease,
        Some("agent") => AddressSource::Agent,
        Some("arp") => AddressSource::Arp,
        Some(other) => return Err(format!("Unknown data source '{other}'").into()),
    };
    let ifaces = d
        .interface_addresses(source)
        .await
        .map_err(|e| fail("Failed to query for interfaces addresses".into(), e))?;
    // virsh prints this table with printf, not as its other tables.
    println!(
        " {:<10} {:<20} {:<8}     Address\n{}",
        "Name",
        "MAC address",
        "Protocol",
        "-".repeat(79)
    );
    for i in ifaces
        .iter()
        .filter(|i| interface.is_none_or(|n| n == i.name))
    {
        if i.addresses.is_empty() {
            let mac = i.mac.as_deref().unwrap_or("N/A");
            println!(" {:<10} {:<17}    {:<12} N/A", i.name, mac, "N/A");
            continue;
        }
        for (j, a) in i.addresses.iter().enumerate() {
            let kind = if a.ipv6 { "ipv6" } else { "ipv4" };
            let address = format!("{kind:<12} {}/{}", a.address, a.prefix);
            let (name, mac) = if full || j == 0 {
                (i.name.as_str(), i.mac.as_deref().unwrap_or(""))
            } else {
                ("-", "-")
            };
            println!(" {name:<10} {mac:<17}    {address}");
        }
    }
    Ok(())
}

pub async fn domhostname(conn: &Connection, rest: &[String]) -> Res {
    let pos = positional(rest);
    let d = dom(conn, arg(&pos, 0, "domain")?).await?;
    let source = match opt(rest, "--source") {
        None => HostnameSource::Default,
        Some("agent") => HostnameSource::Agent,
        Some("lease") => HostnameSource::Lease,
        Some(other) => return Err(format!("Unknown data source '{other}'").into()),
    };
    let name = d
        .hostname(source)
        .await
        .map_err(|e| fail("failed to get hostname".into(), e))?;
    println!("{name}");
    Ok(())
}
