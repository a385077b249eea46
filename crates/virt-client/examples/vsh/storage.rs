//! Storage commands: pool-info, pool-dumpxml, vol-info, vol-dumpxml, vol-create-as,
//! vol-upload and vol-download.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;

use virt_client::{Connection, StoragePool, StorageVol};

use super::{Res, fail, flag, opt, positional};

/// `virStorageVolType` as virsh names it.
const VOL_TYPES: [&str; 6] = ["file", "block", "dir", "network", "netdir", "ploop"];

/// `virStoragePoolState` as virsh names it.
const POOL_STATES: [&str; 5] = [
    "inactive",
    "building",
    "running",
    "degraded",
    "inaccessible",
];

/// The `i`-th positional argument, or the option `--name` that names it.
fn data<'a>(rest: &'a [String], i: usize, name: &str) -> Res<&'a str> {
    if let Some(v) = opt(rest, &format!("--{name}")) {
        return Ok(v);
    }
    positional(rest)
        .get(i)
        .copied()
        .ok_or_else(|| format!("command requires <{name}> option").into())
}

/// A pool by UUID or name, as virsh looks it up.
async fn pool(conn: &Connection, n: &str) -> Res<StoragePool> {
    if n.len() == 36
        && let Ok(uuid) = n.parse()
        && let Ok(p) = StoragePool::lookup_by_uuid(conn, uuid).await
    {
        return Ok(p);
    }
    StoragePool::lookup_by_name(conn, n)
        .await
        .map_err(|e| fail(format!("failed to get pool '{n}'"), e))
}

/// The volume `n` (a name within `--pool`, a key or a path) and the name it was given by
/// (`virshCommandOptVolBy`).
async fn vol<'a>(conn: &Connection, rest: &'a [String]) -> Res<(StorageVol, &'a str)> {
    let n = data(rest, 0, "vol")?;
    let in_pool = match opt(rest, "--pool") {
        Some(given) => {
            let p = pool(conn, given).await?;
            if !p.is_active().await? {
                return Err(format!("pool '{given}' is not active").into());
            }
            Some(p)
        }
        None => None,
    };
    let mut found = match &in_pool {
        Some(p) => p.volume_by_name(n).await,
        None => StorageVol::lookup_by_key(conn, n).await,
    };
    if found.is_err() && in_pool.is_some() {
        found = StorageVol::lookup_by_key(conn, n).await;
    }
    if found.is_err() {
        found = StorageVol::lookup_by_path(conn, n).await;
    }
    let v = found.map_err(|e| {
        let what = if in_pool.is_some() {
            format!("failed to get vol '{n}'")
        } else {
            format!("failed to get vol '{n}', specifying --pool might help")
        };
        fail(what, e)
    })?;
    if let Some(p) = &in_pool
        && v.pool_name() != p.name()
    {
        return Err(format!("Requested volume '{n}' is not in pool '{}'", p.name()).into());
    }
    Ok((v, n))
}

/// `vshPrettyCapacity` with virsh's `%2.2lf %s`.
fn pretty(val: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut limit = 1024u128;
    for (i, unit) in UNITS.iter().enumerate().take(6) {
        if u128::from(val) < limit {
            let v = val as f64 / (1u64 << (10 * i)) as f64;
            return format!("{v:.2} {unit}");
        }
        limit *= 1024;
    }
    format!("{:.2} EiB", val as f64 / (1u64 << 60) as f64)
}

pub async fn pool_info(conn: &Connection, rest: &[String]) -> Res {
    let p = pool(conn, data(rest, 0, "pool")?).await?;
    let row = |k: &str, v: &str| println!("{k:<15} {v}");
    row("Name:", p.name());
    row("UUID:", &p.uuid().to_string());
    let info = p.info().await?;
    row(
        "State:",
        POOL_STATES
            .get(usize::from(info.state))
            .unwrap_or(&"unknown"),
    );
    row("Persistent:", super::yes_no(p.is_persistent().await?));
    row(
        "Autostart:",
        match p.autostart().await {
            Ok(a) => super::yes_no(a),
            Err(_) => "no autostart",
        },
    );
    // Running or degraded.
    if info.state == 2 || info.state == 3 {
        let sizes = [
            ("Capacity:", info.capacity),
            ("Allocation:", info.allocation),
            ("Available:", info.available),
        ];
        for (k, v) in sizes {
            if flag(rest, "--bytes") {
                row(k, &v.to_string());
            } else {
                row(k, &pretty(v));
            }
        }
    }
    Ok(())
}

pub async fn pool_dumpxml(conn: &Connection, rest: &[String]) -> Res {
    let p = pool(conn, data(rest, 0, "pool")?).await?;
    // VIR_STORAGE_XML_INACTIVE
    let flags = u32::from(flag(rest, "--inactive"));
    print!("{}", p.xml_desc(flags).await?);
    Ok(())
}

pub async fn vol_info(conn: &Connection, rest: &[String]) -> Res {
    let (v, _) = vol(conn, rest).await?;
    println!("{:<15} {}", "Name:", v.name());
    let (kind, capacity, allocation) = v.info().await?;
    let kind = usize::try_from(kind)
        .ok()
        .and_then(|k| VOL_TYPES.get(k))
        .unwrap_or(&"unknown");
    println!("{:<15} {kind}", "Type:");
    for (k, val) in [("Capacity:", capacity), ("Allocation:", allocation)] {
        if flag(rest, "--bytes") {
            println!("{k:<15} {val} bytes");
        } else {
            println!("{k:<15} {}", pretty(val));
        }
    }
    Ok(())
}

pub async fn vol_dumpxml(conn: &Connection, rest: &[String]) -> Res {
    let (v, _) = vol(conn, rest).await?;
    print!("{}", v.xml_desc().await?);
    Ok(())
}

/// A size with virsh's suffixes (`virScaleInteger`): bytes by default, `k`/`KiB` = 1024,
/// `KB` = 1000, and so on up to `E`. The error is virsh's second line, if it has one.
fn scaled(s: &str) -> Result<u64, Option<String>> {
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (num, suffix) = s.split_at(digits);
    let val: u64 = num.parse().map_err(|_| None)?;
    let lower = suffix.to_ascii_lowercase();
    let unknown = || Some(format!("invalid argument: unknown suffix '{suffix}'"));
    let scale: u64 = if suffix.is_empty() || ["b", "byte", "bytes"].contains(&lower.as_str()) {
        1
    } else {
        let mut chars = lower.chars();
        let unit = chars.next().ok_or_else(unknown)?;
        let base: u64 = match chars.as_str() {
            "" | "ib" => 1024,
            "b" => 1000,
            _ => return Err(unknown()),
        };
        let power = "kmgtpe".find(unit).ok_or_else(unknown)? + 1;
        base.pow(power as u32)
    };
    val.checked_mul(scale).ok_or_else(|| {
        Some(format!(
            "numerical overflow: value too large: {val}{suffix}"
        ))
    })
}

/// `scaled`, failing as virsh does.
fn size(s: &str) -> Res<u64> {
    scaled(s).map_err(|second| match second {
        Some(m) => format!("Malformed size {s}\nerror: {m}").into(),
        None => format!("Malformed size {s}").into(),
    })
}

pub async fn vol_create_as(conn: &Connection, rest: &[String]) -> Res {
    let p = pool(conn, data(rest, 0, "pool")?).await?;
    let name = data(rest, 1, "name")?;
    let cap_str = data(rest, 2, "capacity")?;
    let capacity = size(cap_str)?;
    let alloc_str = opt(rest, "--allocation");
    let allocation = match alloc_str {
        Some(a) => Some(size(a)?),
        None => None,
    };
    // The same document virsh writes, names unescaped as there.
    let mut xml = format!("<volume>\n  <name>{name}</name>\n  <capacity>{capacity}</capacity>\n");
    if let Some(a) = allocation {
        xml.push_str(&format!("  <allocation>{a}</allocation>\n"));
    }
    if let Some(f) = opt(rest, "--format") {
        xml.push_str(&format!(
            "  <target>\n    <format type='{f}'/>\n  </target>\n"
        ));
    }
    if let Some(b) = opt(rest, "--backing-vol") {
        let mut found = p.volume_by_name(b).await;
        if found.is_err() {
            found = StorageVol::lookup_by_key(conn, b).await;
        }
        if found.is_err() {
            found = StorageVol::lookup_by_path(conn, b).await;
        }
        let backing = found.map_err(|e| fail(format!("failed to get vol '{b}'"), e))?;
        xml.push_str(&format!(
            "  <backingStore>\n    <path>{}</path>\n",
            backing.path().await?
        ));
        if let Some(f) = opt(rest, "--backing-vol-format") {
            xml.push_str(&format!("    <format type='{f}'/>\n"));
        }
        xml.push_str("  </backingStore>\n");
    }
    xml.push_str("</volume>\n");
    if flag(rest, "--print-xml") {
        print!("{xml}");
        return Ok(());
    }
    // VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA
    let flags = u32::from(flag(rest, "--prealloc-metadata"));
    p.create_volume(&xml, flags)
        .await
        .map_err(|e| fail(format!("Failed to create vol {name}"), e))?;
    println!("Vol {name} created");
    Ok(())
}

pub async fn vol_upload(conn: &Connection, rest: &[String]) -> Res {
    let (v, name) = vol(conn, rest).await?;
    let file = data(rest, 1, "file")?;
    let f = std::fs::File::open(file).map_err(|_| format!("cannot read {file}"))?;
    let sparse = flag(rest, "--sparse");
    let flags = if sparse {
        virt_client::storage::VOL_TRANSFER_SPARSE
    } else {
        0
    };
    let stream = v
        .upload(0, 0, flags)
        .await
        .map_err(|e| fail(format!("cannot upload to volume {name}"), e))?;
    if let Err(e) = stream.send_file(f, sparse).await {
        let _ = stream.abort().await;
        return Err(fail(format!("cannot send data to volume {name}"), e));
    }
    stream
        .finish()
        .await
        .map_err(|e| fail(format!("cannot close volume {name}"), e))?;
    Ok(())
}

pub async fn vol_download(conn: &Connection, rest: &[String]) -> Res {
    let (v, name) = vol(conn, rest).await?;
    let file = data(rest, 1, "file")?;
    let (f, created) = match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o666)
        .open(file)
    {
        Ok(f) => (f, true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let f = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(file)
                .map_err(|_| format!("cannot create {file}"))?;
            (f, false)
        }
        Err(_) => return Err(format!("cannot create {file}").into()),
    };
    let r = download(&v, name, f, flag(rest, "--sparse")).await;
    if r.is_err() && created {
        let _ = std::fs::remove_file(file);
    }
    r
}

async fn download(v: &StorageVol, name: &str, f: std::fs::File, sparse: bool) -> Res {
    let flags = if sparse {
        virt_client::storage::VOL_TRANSFER_SPARSE
    } else {
        0
    };
    let mut stream = v
        .download(0, 0, flags)
        .await
        .map_err(|e| fail(format!("cannot download from volume {name}"), e))?;
    if let Err(e) = stream.recv_into_file(f).await {
        let _ = stream.abort().await;
        return Err(fail(format!("cannot receive data from volume {name}"), e));
    }
    stream
        .finish()
        .await
        .map_err(|e| fail(format!("cannot close volume {name}"), e))?;
    Ok(())
}
