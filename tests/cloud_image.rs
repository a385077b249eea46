//! VMs from cloud images (`hangar::newvm --cloud-image`, the wizard's plan and creation)
//! against a private libvirtd (QEMU driver, TCG), with `virsh` and `qemu-img` as oracles: the
//! VM gets a qcow2 overlay backed by the base volume and a seed volume labelled `cidata`; the
//! small Linux guest (`scripts/test-guest.sh`) mounts the seed by its label and prints the host
//! name and user from it on its serial console; what the guest writes lands in the overlay and
//! the base image keeps its checksum. `--print-xml` makes nothing; a base that is no disk image,
//! a key file that is no public key, a volume in the way or a failed definition leave nothing
//! behind. The VM is made over TCP, as on another computer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use hangar::newvm::{self, Outcome};
use hangar::osinfo::OsDb;
use hangar::ui::wizard::{self, SourceKind, plan};
use testbed::{Libvirtd, unique_name};
use virt_client::{Connection, Domain, Stream};

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().unwrap())
}

fn db() -> &'static OsDb {
    static DB: OnceLock<OsDb> = OnceLock::new();
    DB.get_or_init(|| {
        OsDb::load_system().expect("osinfo-db is not installed (apt-get install osinfo-db)")
    })
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter()
        .chain(&["--virt-type", "qemu"])
        .map(|s| s.to_string())
        .collect()
}

/// Runs newvm with `args`, under TCG (`--virt-type qemu`).
fn newvm(args: &[&str]) -> Result<Outcome, String> {
    let args = newvm::parse_args(&strings(args))?;
    rt().block_on(newvm::run(&args, db()))
}

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("cannot run the command");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new directory pool; its name and directory.
fn make_pool(d: &Libvirtd) -> (String, PathBuf) {
    let name = unique_name("cpool");
    let path = d.dir().join(&name);
    let target = path.display().to_string();
    virsh(d, &["pool-define-as", &name, "dir", "--target", &target]);
    virsh(d, &["pool-build", &name]);
    virsh(d, &["pool-start", &name]);
    (name, path)
}

fn drop_pool(d: &Libvirtd, pool: &str) {
    let uri = d.qemu_uri();
    for vol in volumes(d, pool) {
        let _ = d.virsh_output(&uri, &["vol-delete", &vol, "--pool", pool]);
    }
    let _ = d.virsh_output(&uri, &["pool-destroy", pool]);
    let _ = d.virsh_output(&uri, &["pool-undefine", pool]);
}

/// A 64 MiB qcow2 "cloud image" in `dir` with a pattern in its first MiB, known to `pool`.
fn base_image(d: &Libvirtd, pool: &str, dir: &Path) -> PathBuf {
    let path = dir.join("base.qcow2");
    run(Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&path)
        .arg("64M"));
    run(Command::new("qemu-io")
        .args(["-f", "qcow2", "-c", "write -P 0x5a 0 1M"])
        .arg(&path));
    virsh(d, &["pool-refresh", pool]);
    path
}

fn sha256(path: &Path) -> String {
    run(Command::new("sha256sum").arg(path))
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// The volume names of `pool`, sorted (the first column of `virsh -q vol-list`).
fn volumes(d: &Libvirtd, pool: &str) -> Vec<String> {
    let mut v: Vec<String> = virsh(d, &["vol-list", pool])
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    v.sort();
    v
}

fn defined(d: &Libvirtd, name: &str) -> bool {
    virsh(d, &["list", "--all", "--name"])
        .lines()
        .any(|l| l.trim() == name)
}

/// An SSH public key file in `dir`.
fn key_file(dir: &Path) -> PathBuf {
    let path = dir.join("id_ed25519.pub");
    std::fs::write(
        &path,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7x3Ckq1wQk1ZzKp0 ada@workstation\n",
    )
    .unwrap();
    path
}

/// Reads the console until `want` shows up, sending `poke` every 3 s; what was read.
async fn expect(console: &mut Stream, want: &str, poke: &[u8], limit: Duration) -> String {
    let deadline = tokio::time::Instant::now() + limit;
    let mut seen = String::new();
    loop {
        console.send(poke).await.unwrap();
        let until = (tokio::time::Instant::now() + Duration::from_secs(3)).min(deadline);
        while let Ok(chunk) = tokio::time::timeout_at(until, console.recv()).await {
            match chunk.unwrap() {
                Some(b) => seen.push_str(&String::from_utf8_lossy(&b)),
                None => panic!("the console closed; read so far: {seen:?}"),
            }
            if seen.contains(want) {
                return seen;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {want:?} on the console: {seen:?}"
        );
    }
}

#[test]
fn a_cloud_image_vm_boots_with_its_seed_and_leaves_the_base_untouched() {
    let guest = testbed::guest::linux_guest().expect("the Linux test guest");
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let (pool, dir) = make_pool(d);
    let base = base_image(d, &pool, &dir);
    let before = sha256(&base);
    let keys = tempfile::tempdir().unwrap();
    let key = key_file(keys.path());
    let key = key.to_str().unwrap();
    let name = unique_name("cloudvm");
    let cloud = format!("{pool}/base.qcow2");
    let common = [
        "-c",
        &uri,
        "--name",
        &name,
        "--os",
        "debian11",
        "--memory",
        "256",
        "--vcpus",
        "1",
        "--network",
        "none",
        "--cloud-image",
        &cloud,
        "--user",
        "ada",
        "--ssh-key",
        key,
        "--hostname",
        "lovelace",
    ];

    // --print-xml: the overlay and the seed as disks, nothing made.
    let mut print = common.to_vec();
    print.push("--print-xml");
    let Outcome::Xml(xml) = newvm(&print).unwrap() else {
        panic!("no XML printed")
    };
    let overlay = dir.join(format!("{name}.qcow2"));
    let seed = dir.join(format!("{name}-cidata.iso"));
    assert!(
        xml.contains(&format!("<source file='{}'/>", overlay.display())),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<source file='{}'/>", seed.display())),
        "{xml}"
    );
    assert!(xml.contains("<readonly/>"), "{xml}");
    assert_eq!(volumes(d, &pool), ["base.qcow2"]);
    assert!(!defined(d, &name));

    // The same choices, booted by the test guest's kernel (the base holds no system), over
    // TCP as to another computer: the seed travels in a stream.
    let args = newvm::parse_args(&strings(&common)).unwrap();
    let conn = rt().block_on(Connection::open(&d.qemu_tcp_uri())).unwrap();
    let host = rt().block_on(wizard::load_host_choices(&conn));
    let mut choices = newvm::choices(&args, db(), &host).unwrap();
    choices.source = SourceKind::Kernel;
    choices.kernel = Some((
        guest.join("vmlinuz").display().to_string(),
        guest.join("initramfs.gz").display().to_string(),
        "console=ttyS0,115200 quiet cryptomgr.notests no_timer_check tsc=reliable mitigations=off"
            .into(),
    ));
    choices.customize = false;
    let planned = plan::plan(&choices, &host).unwrap();
    let created = rt()
        .block_on(wizard::create(&conn, &planned, |_| {}))
        .unwrap();
    assert!(created.started);
    assert_eq!(
        volumes(d, &pool),
        [
            "base.qcow2".to_owned(),
            format!("{name}-cidata.iso"),
            format!("{name}.qcow2")
        ]
    );
    let vol = virsh(
        d,
        &["vol-dumpxml", &format!("{name}.qcow2"), "--pool", &pool],
    );
    assert!(
        vol.contains(&format!("<path>{}</path>", base.display())),
        "{vol}"
    );
    assert!(vol.contains("<format type='qcow2'/>"), "{vol}");

    let seen = rt().block_on(async {
        let dom = Domain::lookup_by_name(&conn, &name).await.unwrap();
        let mut console = dom.open_console(None, 0).await.unwrap();
        let seen = expect(&mut console, "guest# ", b"\r", Duration::from_secs(120)).await;
        assert!(
            seen.contains("cidata: hostname=lovelace user=ada"),
            "{seen}"
        );
        // The guest writes over the start of its disk: that goes to the overlay.
        expect(
            &mut console,
            "wrote-42",
            b"dd if=/dev/zero of=/dev/vda bs=64k count=16 2>/dev/null; sync; echo wrote-$((6*7))\r",
            Duration::from_secs(30),
        )
        .await;
        let host = expect(
            &mut console,
            "host-lovelace",
            b"echo host-$(hostname)\r",
            Duration::from_secs(30),
        )
        .await;
        dom.destroy(0).await.unwrap();
        seen + &host
    });
    assert!(
        seen.contains("cidata: hostname=lovelace user=ada"),
        "{seen}"
    );
    assert_eq!(sha256(&base), before, "the base image changed");
    // The overlay now differs from its base where the guest wrote.
    let cmp = Command::new("qemu-img")
        .args(["compare", "-q"])
        .arg(&base)
        .arg(&overlay)
        .status()
        .unwrap();
    assert_eq!(cmp.code(), Some(1), "qemu-img compare: overlay = base");

    virsh(d, &["undefine", &name]);
    drop_pool(d, &pool);
}

#[test]
fn bad_cloud_images_and_keys_make_nothing() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let (pool, dir) = make_pool(d);
    base_image(d, &pool, &dir);
    let files = tempfile::tempdir().unwrap();
    let key = key_file(files.path());
    let key = key.to_str().unwrap();
    // An ISO image and a text file in the pool.
    let iso_dir = files.path().join("iso");
    std::fs::create_dir(&iso_dir).unwrap();
    std::fs::write(iso_dir.join("README"), "not a system\n").unwrap();
    run(Command::new("xorriso")
        .args(["-as", "mkisofs", "-quiet", "-V", "DATA", "-o"])
        .arg(dir.join("installer.iso"))
        .arg(&iso_dir));
    std::fs::write(dir.join("notes.txt"), "hello\n").unwrap();
    virsh(d, &["pool-refresh", &pool]);
    let name = unique_name("cloudbad");
    let with = |image: &str, key: &str| {
        let image = format!("{pool}/{image}");
        newvm(&[
            "-c",
            &uri,
            "--name",
            &name,
            "--os",
            "debian11",
            "--memory",
            "256",
            "--network",
            "none",
            "--cloud-image",
            &image,
            "--user",
            "ada",
            "--ssh-key",
            key,
        ])
    };
    let all = volumes(d, &pool);

    let e = with("installer.iso", key).unwrap_err();
    assert!(
        e.contains("installer.iso") && e.contains("not a disk image"),
        "{e}"
    );
    let e = with("notes.txt", key).unwrap_err();
    assert!(
        e.contains("notes.txt") && e.contains("not a disk image"),
        "{e}"
    );
    let e = with("missing.qcow2", key).unwrap_err();
    assert!(e.contains("missing.qcow2"), "{e}");
    let private = files.path().join("id_ed25519");
    std::fs::write(
        &private,
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    let e = with("base.qcow2", private.to_str().unwrap()).unwrap_err();
    assert!(
        e.contains("id_ed25519") && e.contains("not an SSH public key"),
        "{e}"
    );
    assert_eq!(volumes(d, &pool), all);
    assert!(!defined(d, &name));

    // A definition that fails after both volumes were made: both are removed again.
    let args = newvm::parse_args(&strings(&[
        "-c",
        &uri,
        "--name",
        &name,
        "--os",
        "debian11",
        "--network",
        "none",
        "--cloud-image",
        &format!("{pool}/base.qcow2"),
        "--user",
        "ada",
        "--password",
        "secret",
    ]))
    .unwrap();
    let conn = rt().block_on(Connection::open(&uri)).unwrap();
    let host = rt().block_on(wizard::load_host_choices(&conn));
    let mut choices = newvm::choices(&args, db(), &host).unwrap();
    choices.emulator = Some("/nonexistent/qemu-system-x86_64".into());
    let planned = plan::plan(&choices, &host).unwrap();
    let e = rt()
        .block_on(wizard::create(&conn, &planned, |_| {}))
        .unwrap_err();
    assert!(e.contains("nonexistent"), "{e}");
    assert_eq!(volumes(d, &pool), all);
    assert!(!defined(d, &name));

    // A volume in the way of the seed: the overlay made before it is removed again.
    let in_the_way = format!("{name}-cidata.iso");
    virsh(d, &["vol-create-as", &pool, &in_the_way, "1M"]);
    let e = with("base.qcow2", key).unwrap_err();
    assert!(e.contains("cloud-init"), "{e}");
    let mut expected = all.clone();
    expected.push(in_the_way.clone());
    expected.sort();
    assert_eq!(volumes(d, &pool), expected);
    assert!(!defined(d, &name));
    drop_pool(d, &pool);
}
