//! Cloning against a private libvirtd (QEMU driver, TCG), with `virsh` as the oracle: a full
//! clone of a shut-off UEFI VM with two qcow2 disks gets new volumes, a new UUID and MAC, a copy
//! of the NVRAM, and boots, while the original stays byte for byte as it was; a linked clone's
//! volume has the original as its backing file; a failure or cancel half-way leaves no volume
//! and no domain behind; an NVRAM no pool can reach is made afresh; a full clone of 128 MiB
//! costs about what `virsh vol-clone` does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use hangar::clone::{self, Cancel, CloneError, CloneMode, NvramOutcome, Progress};
use testbed::{Libvirtd, unique_name, wait};
use virt_client::Connection;

const VARS: &str = "/usr/share/OVMF/OVMF_VARS_4M.fd";
const CODE: &str = "/usr/share/OVMF/OVMF_CODE_4M.fd";

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Runtime::new().unwrap())
}

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

fn connect(d: &Libvirtd) -> Connection {
    rt().block_on(Connection::open(&d.qemu_uri())).unwrap()
}

fn make_pool(d: &Libvirtd) -> (String, PathBuf) {
    let name = unique_name("clpool");
    let path = d.dir().join(&name);
    let target = path.display().to_string();
    virsh(d, &["pool-define-as", &name, "dir", "--target", &target]);
    virsh(d, &["pool-build", &name]);
    virsh(d, &["pool-start", &name]);
    (name, path)
}

fn drop_pool(d: &Libvirtd, pool: &str) {
    let uri = d.qemu_uri();
    for v in vol_names(d, pool) {
        let _ = d.virsh_output(&uri, &["vol-delete", &v, "--pool", pool]);
    }
    let _ = d.virsh_output(&uri, &["pool-destroy", pool]);
    let _ = d.virsh_output(&uri, &["pool-undefine", pool]);
}

fn remove_vm(d: &Libvirtd, name: &str) {
    let uri = d.qemu_uri();
    let _ = d.virsh_output(&uri, &["destroy", name]);
    let _ = d.virsh_output(&uri, &["undefine", name, "--nvram", "--managed-save"]);
}

/// A tiny VM with two qcow2 disks in `pool` (and with `uefi`, OVMF with its NVRAM in
/// `nvram_dir/NAME_VARS.fd`, outside every pool as libvirt's own `qemu/nvram` is), a user-mode
/// NIC; defined, shut off.
fn source_vm(d: &Libvirtd, pool: &str, dir: &Path, uefi: Option<&Path>) -> String {
    let name = unique_name("clsrc");
    let mut disks = String::new();
    for (i, dev) in ["vda", "vdb"].iter().enumerate() {
        let vol = format!("{name}-{i}.qcow2");
        virsh(
            d,
            &["vol-create-as", pool, &vol, "16M", "--format", "qcow2"],
        );
        let path = dir.join(&vol);
        disks.push_str(&format!(
            "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
             <source file='{}'/><target dev='{dev}' bus='virtio'/></disk>\n",
            path.display()
        ));
    }
    disks.push_str(
        "<interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/></interface>\n",
    );
    let mut xml =
        testbed::vm::tiny_xml(&name).replace("  </devices>", &format!("{disks}  </devices>"));
    if let Some(nvram_dir) = uefi {
        std::fs::create_dir_all(nvram_dir).unwrap();
        let nvram = nvram_dir.join(format!("{name}_VARS.fd"));
        std::fs::copy(VARS, &nvram).unwrap();
        xml = xml.replace(
            "    <boot dev='hd'/>",
            &format!(
                "    <loader readonly='yes' type='pflash'>{CODE}</loader>\n    \
                 <nvram template='{VARS}'>{}</nvram>\n    <boot dev='hd'/>",
                nvram.display()
            ),
        );
    }
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    virsh(d, &["define", &file.display().to_string()]);
    name
}

/// The pools whose target is `dir` (other tests make and remove pools meanwhile).
fn pools_on(d: &Libvirtd, dir: &Path) -> Vec<String> {
    let uri = d.qemu_uri();
    let wanted = format!("<path>{}</path>", dir.display());
    virsh(d, &["pool-list", "--all", "--name"])
        .lines()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter(|p| {
            d.virsh_output(&uri, &["pool-dumpxml", p])
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(&wanted))
        })
        .map(str::to_string)
        .collect()
}

fn dumpxml(d: &Libvirtd, name: &str) -> String {
    virsh(d, &["dumpxml", name, "--inactive"])
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn vm_exists(d: &Libvirtd, name: &str) -> bool {
    d.virsh_output(&d.qemu_uri(), &["dominfo", name])
        .unwrap()
        .status
        .success()
}

fn vol_names(d: &Libvirtd, pool: &str) -> Vec<String> {
    virsh(d, &["pool-refresh", pool]);
    // "Name Path" and a rule, then one volume a line.
    let mut v: Vec<String> = virsh(d, &["vol-list", pool])
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    v.sort();
    v
}

#[test]
fn a_full_clone_has_its_own_volumes_uuid_mac_and_nvram_and_boots() {
    let d = Libvirtd::shared();
    let (pool, dir) = make_pool(d);
    let nvram_dir = d.dir().join(unique_name("nvram"));
    let src = source_vm(d, &pool, &dir, Some(&nvram_dir));
    let before_xml = dumpxml(d, &src);
    let before_files = files(&dir);
    let before_nvram = files(&nvram_dir);
    let conn = connect(d);

    let plan = rt().block_on(clone::prepare(&conn, &src)).unwrap();
    assert_eq!(plan.disks.len(), 2);
    let name = plan.proposed_name();
    assert_eq!(name, format!("{src}-clone"));
    let seen = Mutex::new(Vec::new());
    let done = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &name,
            CloneMode::Full,
            &Cancel::default(),
            &|p| seen.lock().unwrap().push(p),
        ))
        .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.iter().any(|p| matches!(
            p,
            Progress::Disk {
                index: 2,
                count: 2,
                ..
            }
        )),
        "{seen:?}"
    );
    assert!(seen.contains(&Progress::Defining), "{seen:?}");

    let xml = dumpxml(d, &name);
    let src_uuid = virsh(d, &["domuuid", &src]).trim().to_string();
    let new_uuid = virsh(d, &["domuuid", &name]).trim().to_string();
    assert_ne!(src_uuid, new_uuid);
    assert_eq!(done.uuid, new_uuid);
    assert!(!xml.contains("52:54:00:12:34:56"), "{xml}");
    assert!(xml.contains("<mac address='52:54:00:"), "{xml}");
    let disk1 = dir.join(format!("{name}.qcow2"));
    let disk2 = dir.join(format!("{name}-disk2.qcow2"));
    assert_eq!(
        done.volumes,
        vec![disk1.display().to_string(), disk2.display().to_string()]
    );
    assert!(
        xml.contains(&format!("<source file='{}'/>", disk1.display())),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<source file='{}'/>", disk2.display())),
        "{xml}"
    );
    assert!(!xml.contains(&format!("{src}-0.qcow2")), "{xml}");
    // The NVRAM is copied next to the original's, through a pool that is gone again.
    let nvram = nvram_dir.join(format!("{name}_VARS.fd"));
    assert_eq!(
        done.nvram,
        NvramOutcome::Copied(nvram.display().to_string())
    );
    assert!(
        xml.contains(&format!("{}</nvram>", nvram.display())),
        "{xml}"
    );
    assert_eq!(std::fs::read(&nvram).unwrap(), std::fs::read(VARS).unwrap());
    assert_eq!(
        pools_on(d, &nvram_dir),
        Vec::<String>::new(),
        "a pool is left"
    );
    // The copies are real qcow2 images of the same size.
    let info = virsh(
        d,
        &["vol-info", "--pool", &pool, &format!("{name}-disk2.qcow2")],
    );
    assert!(info.contains("16.00 MiB"), "{info}");

    // The original is untouched: its definition and every file it had.
    assert_eq!(dumpxml(d, &src), before_xml);
    let after: Vec<_> = files(&dir)
        .into_iter()
        .filter(|(f, _)| !f.starts_with(&name))
        .collect();
    assert_eq!(after, before_files);
    let nvram_after: Vec<_> = files(&nvram_dir)
        .into_iter()
        .filter(|(f, _)| !f.starts_with(&name))
        .collect();
    assert_eq!(nvram_after, before_nvram);

    // The clone boots.
    virsh(d, &["start", &name]);
    assert!(wait::holds_for(Duration::from_secs(2), || {
        virsh(d, &["domstate", &name]).trim() == "running"
    }));
    remove_vm(d, &name);
    remove_vm(d, &src);
    drop_pool(d, &pool);
}

#[test]
fn a_linked_clone_is_an_overlay_on_the_original_and_needs_it_shut_off() {
    let d = Libvirtd::shared();
    let (pool, dir) = make_pool(d);
    let src = source_vm(d, &pool, &dir, None);
    let conn = connect(d);
    let plan = rt().block_on(clone::prepare(&conn, &src)).unwrap();
    let name = plan.proposed_name();
    let done = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &name,
            CloneMode::Linked,
            &Cancel::default(),
            &|_| {},
        ))
        .unwrap();
    assert_eq!(done.nvram, NvramOutcome::None);
    for (i, new) in [format!("{name}.qcow2"), format!("{name}-disk2.qcow2")]
        .iter()
        .enumerate()
    {
        let vol = virsh(d, &["vol-dumpxml", "--pool", &pool, new]);
        let original = dir.join(format!("{src}-{i}.qcow2"));
        assert!(
            vol.contains(&format!("<path>{}</path>", original.display())),
            "{vol}"
        );
        assert!(vol.contains("<format type='qcow2'/>"), "{vol}");
    }
    virsh(d, &["start", &name]);
    assert_eq!(virsh(d, &["domstate", &name]).trim(), "running");
    remove_vm(d, &name);

    // A running source: no linked clone, and no full one either.
    virsh(d, &["start", &src]);
    let err = rt().block_on(clone::prepare(&conn, &src)).unwrap_err();
    assert!(matches!(err, CloneError::Running), "{err}");
    virsh(d, &["suspend", &src]);
    let plan = rt().block_on(clone::prepare(&conn, &src)).unwrap();
    let err = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &plan.proposed_name(),
            CloneMode::Linked,
            &Cancel::default(),
            &|_| {},
        ))
        .unwrap_err();
    assert!(matches!(err, CloneError::LinkedNeedsShutOff), "{err}");
    remove_vm(d, &src);
    drop_pool(d, &pool);
}

#[test]
fn a_failure_or_cancel_half_way_leaves_no_volume_and_no_domain() {
    let d = Libvirtd::shared();
    let (pool, dir) = make_pool(d);
    let nvram_dir = d.dir().join(unique_name("nvram"));
    let src = source_vm(d, &pool, &dir, Some(&nvram_dir));
    let conn = connect(d);
    let plan = rt().block_on(clone::prepare(&conn, &src)).unwrap();
    let name = plan.proposed_name();
    let before = vol_names(d, &pool);
    let nvram_before = files(&nvram_dir);

    // Someone makes the second disk's volume after the plan was made: disk 2 fails.
    let blocker = format!("{name}-disk2.qcow2");
    virsh(
        d,
        &["vol-create-as", &pool, &blocker, "1M", "--format", "raw"],
    );
    let err = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &name,
            CloneMode::Full,
            &Cancel::default(),
            &|_| {},
        ))
        .unwrap_err();
    assert!(matches!(err, CloneError::Libvirt(_)), "{err}");
    assert!(!vm_exists(d, &name));
    let mut expected = before.clone();
    expected.push(blocker.clone());
    expected.sort();
    assert_eq!(
        vol_names(d, &pool),
        expected,
        "only the other volume is left"
    );
    virsh(d, &["vol-delete", "--pool", &pool, &blocker]);

    // The NVRAM's copy fails after both disks are written: both go again, and the pool made
    // for the NVRAM's directory too.
    let nvram_blocker = nvram_dir.join(format!("{name}_VARS.fd"));
    std::fs::write(&nvram_blocker, b"taken").unwrap();
    let seen = Mutex::new(Vec::new());
    let err = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &name,
            CloneMode::Full,
            &Cancel::default(),
            &|p| seen.lock().unwrap().push(p),
        ))
        .unwrap_err();
    assert!(matches!(err, CloneError::Libvirt(_)), "{err}");
    let seen = seen.into_inner().unwrap();
    assert!(seen.contains(&Progress::Nvram), "{seen:?}");
    assert_eq!(seen.last(), Some(&Progress::CleaningUp), "{seen:?}");
    assert!(!vm_exists(d, &name));
    assert_eq!(vol_names(d, &pool), before);
    assert_eq!(std::fs::read(&nvram_blocker).unwrap(), b"taken");
    std::fs::remove_file(&nvram_blocker).unwrap();
    assert_eq!(files(&nvram_dir), nvram_before);
    assert_eq!(pools_on(d, &nvram_dir), Vec::<String>::new());

    // Cancel once the clone is being defined: the definition goes again, the disks and the
    // NVRAM copy with it.
    let cancel = Cancel::default();
    let err = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &name,
            CloneMode::Full,
            &cancel,
            &|p| {
                if p == Progress::Defining {
                    cancel.cancel();
                }
            },
        ))
        .unwrap_err();
    assert!(matches!(err, CloneError::Cancelled), "{err}");
    assert!(!vm_exists(d, &name));
    assert_eq!(vol_names(d, &pool), before);
    assert_eq!(files(&nvram_dir), nvram_before);
    assert_eq!(pools_on(d, &nvram_dir), Vec::<String>::new());

    // Cancel while the first disk is copied: it is removed once written.
    let cancel = Cancel::default();
    let err = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &name,
            CloneMode::Full,
            &cancel,
            &|p| {
                if matches!(p, Progress::Disk { index: 1, .. }) {
                    cancel.cancel();
                }
            },
        ))
        .unwrap_err();
    assert!(matches!(err, CloneError::Cancelled), "{err}");
    assert!(!vm_exists(d, &name));
    assert_eq!(vol_names(d, &pool), before);

    // A name that is taken is refused before anything is made.
    let err = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &src,
            CloneMode::Full,
            &Cancel::default(),
            &|_| {},
        ))
        .unwrap_err();
    assert!(matches!(err, CloneError::Taken(_)), "{err}");
    assert_eq!(vol_names(d, &pool), before);

    // Leftovers of earlier clones, each taking one name: a second disk's volume, an NVRAM
    // file, a VM. The proposal steps over all of them, and none of them can be chosen.
    let base = format!("{src}-clone");
    virsh(
        d,
        &["vol-create-as", &pool, &format!("{base}-disk2.qcow2"), "1M"],
    );
    std::fs::write(nvram_dir.join(format!("{base}-2_VARS.fd")), b"old").unwrap();
    let other = format!("{base}-3");
    let file = d.dir().join(format!("{other}.xml"));
    std::fs::write(&file, testbed::vm::tiny_xml(&other)).unwrap();
    virsh(d, &["define", &file.display().to_string()]);
    let plan = rt().block_on(clone::prepare(&conn, &src)).unwrap();
    assert_eq!(plan.proposed_name(), format!("{base}-4"));
    for taken in [base.clone(), format!("{base}-2"), other.clone()] {
        let err = plan.check_name(&taken).unwrap_err();
        assert!(matches!(err, CloneError::Taken(_)), "{taken}: {err}");
    }
    remove_vm(d, &other);
    remove_vm(d, &src);
    drop_pool(d, &pool);
}

#[test]
fn an_nvram_no_pool_can_reach_gets_fresh_variables_from_the_template() {
    let d = Libvirtd::shared();
    let (pool, dir) = make_pool(d);
    let nvram_dir = d.dir().join(unique_name("nvram"));
    let src = source_vm(d, &pool, &dir, Some(&nvram_dir));
    // An inactive pool claims the NVRAM's directory: no transient pool can be made there.
    let claim = unique_name("claim");
    let target = nvram_dir.display().to_string();
    virsh(d, &["pool-define-as", &claim, "dir", "--target", &target]);
    let conn = connect(d);
    let plan = rt().block_on(clone::prepare(&conn, &src)).unwrap();
    assert!(
        matches!(plan.nvram, clone::NvramPlan::Fresh(_)),
        "{:?}",
        plan.nvram
    );
    let name = plan.proposed_name();
    let done = rt()
        .block_on(clone::run(
            &conn,
            &plan,
            &name,
            CloneMode::Full,
            &Cancel::default(),
            &|_| {},
        ))
        .unwrap();
    let old = nvram_dir
        .join(format!("{src}_VARS.fd"))
        .display()
        .to_string();
    assert_eq!(done.nvram, NvramOutcome::Fresh(old.clone()));
    let xml = dumpxml(d, &name);
    assert!(!xml.contains(&old), "{xml}");
    assert!(xml.contains(&format!("template='{VARS}'")), "{xml}");
    // libvirt makes the variables from the template.
    virsh(d, &["start", &name]);
    let xml = dumpxml(d, &name);
    assert!(xml.contains(&format!("{name}_VARS.fd</nvram>")), "{xml}");
    assert!(!xml.contains(&old), "{xml}");
    remove_vm(d, &name);
    remove_vm(d, &src);
    let _ = d.virsh_output(&d.qemu_uri(), &["pool-undefine", &claim]);
    drop_pool(d, &pool);
}

/// A full clone of a VM with 128 MiB of random data on a raw disk, against `virsh vol-clone`
/// of the same volume: the clone's own work (looking at the host, polling progress, defining)
/// adds little to the copy itself. Prints both times.
#[test]
fn a_full_clone_costs_about_what_virsh_vol_clone_does() {
    use std::io::Read;
    let d = Libvirtd::shared();
    let (pool, dir) = make_pool(d);
    let name = unique_name("clbig");
    let vol = format!("{name}.img");
    let mut data = vec![0u8; 128 << 20];
    std::fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut data)
        .unwrap();
    std::fs::write(dir.join(&vol), &data).unwrap();
    drop(data);
    virsh(d, &["pool-refresh", &pool]);
    let disk = format!(
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>\
         <source file='{}'/><target dev='vda' bus='virtio'/></disk>\n  </devices>",
        dir.join(&vol).display()
    );
    let xml = testbed::vm::tiny_xml(&name).replace("  </devices>", &disk);
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    virsh(d, &["define", &file.display().to_string()]);

    let started = std::time::Instant::now();
    virsh(d, &["vol-clone", &vol, "copy.img", "--pool", &pool]);
    let by_virsh = started.elapsed();

    let conn = connect(d);
    let seen = Mutex::new(Vec::new());
    let started = std::time::Instant::now();
    let plan = rt().block_on(clone::prepare(&conn, &name)).unwrap();
    let clone_name = plan.proposed_name();
    rt().block_on(clone::run(
        &conn,
        &plan,
        &clone_name,
        CloneMode::Full,
        &Cancel::default(),
        &|p| seen.lock().unwrap().push(p),
    ))
    .unwrap();
    let by_clone = started.elapsed();
    let copied = std::fs::read(dir.join(format!("{clone_name}.img"))).unwrap();
    assert_eq!(copied, std::fs::read(dir.join(&vol)).unwrap());
    let reports = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|p| matches!(p, Progress::Disk { .. }))
        .count();
    eprintln!(
        "full clone of 128 MiB: {:.0} ms (virsh vol-clone: {:.0} ms), {reports} progress reports",
        by_clone.as_secs_f64() * 1000.0,
        by_virsh.as_secs_f64() * 1000.0
    );
    assert!(
        by_clone <= by_virsh * 2 + Duration::from_secs(1),
        "{by_clone:?} against {by_virsh:?}"
    );
    remove_vm(d, &clone_name);
    remove_vm(d, &name);
    drop_pool(d, &pool);
}
