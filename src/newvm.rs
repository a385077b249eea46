//! The new-VM wizard without a window (`examples/newvm.rs`): the same defaults from
//! osinfo-db, the same plan and checks ([`crate::ui::wizard::plan::plan`]) and the same
//! creation, from command-line arguments.
//!
//! ```text
//! newvm -c URI --name NAME --os OSINFO-ID [--memory MiB] [--vcpus N] [--disk GiB]
//!       [--pool POOL] [--iso PATH] [--network NAME|user|none]
//!       [--firmware bios|uefi|secure-boot] [--tpm|--no-tpm] [--virt-type kvm|qemu]
//!       [--cloud-image POOL/VOL --user NAME (--password PW | --ssh-key FILE.pub …)
//!        [--hostname H]] [--print-xml]
//! ```
//!
//! With `--cloud-image` the VM boots a new qcow2 overlay on the image (`--disk` GiB, else the
//! image's size) and cloud-init sets up the user and host name from a seed volume.

use virt_client::{Connection, StoragePool};
use virt_xml::PoolXml;
use virt_xml::builder::{Firmware, NetSource};

use crate::cloudinit::{self, CloudConfig};
use crate::osinfo::OsDb;
use crate::ui::volumes::default_pool::DefaultPool;
use crate::ui::wizard::plan::{self, Choices, DiskChoice};
use crate::ui::wizard::{self, Created, DiskPlan, HostChoices, Plan, SourceKind, cloud};

/// How to call it.
pub const USAGE: &str = "usage: newvm -c URI --name NAME --os OSINFO-ID [--memory MiB] \
[--vcpus N] [--disk GiB] [--pool POOL] [--iso PATH] [--network NAME|user|none] \
[--firmware bios|uefi|secure-boot] [--tpm|--no-tpm] [--virt-type kvm|qemu] \
[--cloud-image POOL/VOL --user NAME (--password PW | --ssh-key FILE.pub ...) [--hostname H]] \
[--print-xml]";

/// The command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// The connection URI.
    pub uri: String,
    /// The VM's name.
    pub name: String,
    /// The system: an osinfo short id (`win11`) or id (`http://microsoft.com/win/11`).
    pub os: String,
    /// Memory in MiB; the system's recommendation when not given.
    pub memory_mib: Option<u64>,
    /// vCPUs; the system's recommendation when not given.
    pub vcpus: Option<u32>,
    /// Disk size in GiB (0: no disk); the system's recommendation when not given.
    pub disk_gib: Option<u64>,
    /// The storage pool of the new disk; the first active one when not given.
    pub pool: Option<String>,
    /// An install ISO on the host.
    pub iso: Option<String>,
    /// A virtual network's name, `user` or `none`; as the wizard picks when not given.
    pub network: Option<String>,
    /// The firmware; what the system needs when not given.
    pub firmware: Option<Firmware>,
    /// Whether to add a TPM 2.0; as the system needs when not given.
    pub tpm: Option<bool>,
    /// `kvm` or `qemu` (emulation); `kvm` when the host has it, when not given.
    pub virt_type: Option<String>,
    /// Print the domain XML and define nothing.
    pub print_xml: bool,
    /// A cloud image to boot, as `POOL/VOLUME`.
    pub cloud_image: Option<String>,
    /// The user cloud-init creates.
    pub user: Option<String>,
    /// The user's password.
    pub password: Option<String>,
    /// Files with SSH public keys for the user.
    pub ssh_keys: Vec<String>,
    /// The host name (the VM's name when not given).
    pub hostname: Option<String>,
}

/// Parses the arguments (without the program name).
pub fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut out = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        fn number<T: std::str::FromStr>(name: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{name}: '{v}' is not a number"))
        }
        match name {
            "-c" | "--connect" => out.uri = value()?,
            "--name" => out.name = value()?,
            "--os" => out.os = value()?,
            "--memory" => out.memory_mib = Some(number(name, value()?)?),
            "--vcpus" => out.vcpus = Some(number(name, value()?)?),
            "--disk" => out.disk_gib = Some(number(name, value()?)?),
            "--pool" => out.pool = Some(value()?),
            "--iso" => out.iso = Some(value()?),
            "--network" => out.network = Some(value()?),
            "--firmware" => {
                out.firmware = Some(match value()?.as_str() {
                    "bios" => Firmware::Bios,
                    "uefi" | "efi" => Firmware::Uefi,
                    "secure-boot" => Firmware::UefiSecure,
                    other => {
                        return Err(format!(
                            "--firmware: '{other}' is not bios, uefi or secure-boot"
                        ));
                    }
                });
            }
            "--tpm" => out.tpm = Some(true),
            "--no-tpm" => out.tpm = Some(false),
            "--virt-type" => out.virt_type = Some(value()?),
            "--print-xml" => out.print_xml = true,
            "--cloud-image" => out.cloud_image = Some(value()?),
            "--user" => out.user = Some(value()?),
            "--password" => out.password = Some(value()?),
            "--ssh-key" => out.ssh_keys.push(value()?),
            "--hostname" => out.hostname = Some(value()?),
            other => return Err(format!("unknown argument '{other}'\n{USAGE}")),
        }
    }
    for (missing, what) in [
        (out.uri.is_empty(), "-c URI"),
        (out.name.is_empty(), "--name"),
        (out.os.is_empty(), "--os"),
    ] {
        if missing {
            return Err(format!("{what} is needed\n{USAGE}"));
        }
    }
    if out.cloud_image.is_none()
        && (out.user.is_some()
            || out.password.is_some()
            || !out.ssh_keys.is_empty()
            || out.hostname.is_some())
    {
        return Err(format!(
            "--user, --password, --ssh-key and --hostname go with --cloud-image\n{USAGE}"
        ));
    }
    Ok(out)
}

/// The cloud-init settings of `args`, with the keys read from their files.
fn cloud_config(args: &Args) -> Result<CloudConfig, String> {
    let mut ssh_keys = Vec::new();
    for file in &args.ssh_keys {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read the SSH key {file}: {e}"))?;
        ssh_keys.push(cloudinit::public_key(&text, file)?);
    }
    Ok(CloudConfig {
        user: args.user.clone().unwrap_or_default(),
        password: args.password.clone(),
        ssh_keys,
        hostname: args.hostname.clone().unwrap_or_else(|| args.name.clone()),
    })
}

/// The wizard's choices for `args` on `host`, with the defaults of the system from `db`.
pub fn choices(args: &Args, db: &OsDb, host: &HostChoices) -> Result<Choices, String> {
    let os = db
        .by_short_id(&args.os)
        .or_else(|| db.get(&args.os))
        .ok_or_else(|| {
            format!(
                "osinfo-db does not know the system '{}' (give a short id such as win11 or debian12)",
                args.os
            )
        })?;
    let defaults = db.defaults(Some(os), "x86_64");
    let network = match args.network.as_deref() {
        None if host.networks.iter().any(|n| n == "default") => {
            Some(NetSource::Network("default".into()))
        }
        None | Some("user") => Some(NetSource::User),
        Some("none") => None,
        Some(n) if host.networks.iter().any(|x| x == n) => Some(NetSource::Network(n.into())),
        Some(n) => return Err(format!("the host has no virtual network '{n}'")),
    };
    let disk = match (
        &args.cloud_image,
        args.disk_gib.unwrap_or(defaults.disk_gib),
    ) {
        (Some(base), _) => DiskChoice::CloudImage {
            base: base.clone(),
            gib: args.disk_gib.unwrap_or(0),
            config: cloud_config(args)?,
        },
        (None, 0) => DiskChoice::None,
        (None, gib) => DiskChoice::New {
            pool: args.pool.clone(),
            gib,
        },
    };
    Ok(Choices {
        name: args.name.clone(),
        virt_type: args.virt_type.clone(),
        memory_mib: args.memory_mib.unwrap_or(defaults.memory_mib),
        vcpus: args.vcpus.unwrap_or(defaults.vcpus),
        source: if args.cloud_image.is_some() {
            SourceKind::Cloud
        } else {
            SourceKind::Iso
        },
        iso: args.iso.clone(),
        kernel: None,
        disk,
        virtio: defaults.virtio,
        network,
        firmware: args
            .firmware
            .unwrap_or_else(|| plan::default_firmware(&defaults)),
        tpm: args.tpm.unwrap_or(defaults.needs_tpm),
        emulator: None,
        os_id: Some(os.id.clone()),
        // Define only: the VM is started by whoever asked for it.
        customize: true,
    })
}

/// What [`run`] did.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The domain XML (`--print-xml`); nothing was made.
    Xml(String),
    /// The VM was defined (not started).
    Created(Created),
}

/// Plans the VM of `args` and prints (returns) its XML or creates it.
pub async fn run(args: &Args, db: &OsDb) -> Result<Outcome, String> {
    let conn = Connection::open(&args.uri)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", args.uri))?;
    let host = wizard::load_host_choices(&conn).await;
    let plan = plan::plan(&choices(args, db, &host)?, &host)?;
    if args.print_xml {
        if let DiskPlan::CloudImage { pool, volume, .. } = &plan.disk {
            cloud::base(&conn, pool, volume).await?;
        }
        let disk = disk_path(&conn, &plan).await?;
        let seed = match (&plan.disk, &disk) {
            (DiskPlan::CloudImage { .. }, Some(d)) => Some(format!(
                "{}/{}",
                d.rsplit_once('/').map_or("", |x| x.0),
                cloud::seed_name(&plan.name)
            )),
            _ => None,
        };
        return wizard::domain_xml_seeded(&plan, disk.as_deref(), seed.as_deref())
            .map(Outcome::Xml);
    }
    wizard::create(&conn, &plan, |_| {})
        .await
        .map(Outcome::Created)
}

/// Where the plan's disk will be: a new volume `NAME.qcow2` in its pool's directory.
async fn disk_path(conn: &Connection, plan: &Plan) -> Result<Option<String>, String> {
    let file = format!("{}.qcow2", plan.name);
    let dir = match &plan.disk {
        DiskPlan::None => return Ok(None),
        DiskPlan::Existing { path, .. } => return Ok(Some(path.clone())),
        DiskPlan::New {
            prepare: Some(DefaultPool::Create(dir) | DefaultPool::Start(Some(dir))),
            ..
        } => dir.clone(),
        DiskPlan::New { pool, .. } | DiskPlan::CloudImage { pool, .. } => {
            let m = |e: virt_client::Error| wizard::finish_message(&e);
            let p = StoragePool::lookup_by_name(conn, pool).await.map_err(m)?;
            let xml =
                PoolXml::parse(&p.xml_desc(0).await.map_err(m)?).map_err(|e| e.to_string())?;
            xml.root()
                .target_path(&xml)
                .map(|d| d.into_owned())
                .ok_or_else(|| format!("the pool '{pool}' has no directory"))?
        }
    };
    Ok(Some(format!("{}/{file}", dir.trim_end_matches('/'))))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_the_documented_options() {
        let a = args(&[
            "-c",
            "qemu:///system",
            "--name",
            "w",
            "--os=win11",
            "--memory",
            "4096",
            "--vcpus",
            "2",
            "--disk",
            "0",
            "--firmware",
            "uefi",
            "--no-tpm",
            "--print-xml",
        ])
        .unwrap();
        assert_eq!(a.os, "win11");
        assert_eq!(a.memory_mib, Some(4096));
        assert_eq!(a.disk_gib, Some(0));
        assert_eq!(a.firmware, Some(Firmware::Uefi));
        assert_eq!(a.tpm, Some(false));
        assert!(a.print_xml);
        assert!(
            args(&["--name", "x", "--os", "win11"])
                .unwrap_err()
                .contains("-c URI")
        );
        assert!(args(&["-c", "u", "--name", "x", "--os", "w", "--memory", "lots"]).is_err());
        assert!(args(&["-c", "u", "--bogus"]).unwrap_err().contains("bogus"));
        let c = args(&[
            "-c",
            "u",
            "--name",
            "n",
            "--os",
            "debian12",
            "--cloud-image",
            "p/v.qcow2",
            "--user",
            "ada",
            "--ssh-key",
            "a.pub",
            "--ssh-key",
            "b.pub",
            "--hostname",
            "h",
        ])
        .unwrap();
        assert_eq!(c.cloud_image.as_deref(), Some("p/v.qcow2"));
        assert_eq!(c.ssh_keys, ["a.pub", "b.pub"]);
        assert_eq!(c.hostname.as_deref(), Some("h"));
        let e = args(&["-c", "u", "--name", "n", "--os", "d", "--user", "x"]).unwrap_err();
        assert!(e.contains("--cloud-image"), "{e}");
    }
}
