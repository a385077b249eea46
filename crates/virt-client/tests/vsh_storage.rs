//! The `vsh` example against virsh on a dir pool whose names have spaces and non-ASCII
//! letters: pool and volume info and XML, vol-create-as, and uploads and downloads that must
//! carry the same bytes and keep the same holes as virsh's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod vsh;

use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

use testbed::Libvirtd;
use vsh::{compare_err, compare_ok, run, vsh};

/// A started dir pool named `pool ü 池 …` in a fresh directory: its name and directory.
fn pool(d: &Libvirtd, uri: &str) -> (String, PathBuf) {
    let name = format!("pool ü 池 {}", testbed::unique_name("p"));
    let dir = d.dir().join(name.replace(' ', "_"));
    std::fs::create_dir_all(&dir).unwrap();
    let xml = d.dir().join(format!("{}.xml", name.replace(' ', "_")));
    std::fs::write(
        &xml,
        format!(
            "<pool type='dir'><name>{name}</name><target><path>{}</path></target></pool>",
            dir.display()
        ),
    )
    .unwrap();
    d.virsh(uri, &["pool-define", xml.to_str().unwrap()])
        .unwrap();
    d.virsh(uri, &["pool-start", &name]).unwrap();
    (name, dir)
}

fn remove_pool(d: &Libvirtd, uri: &str, name: &str, dir: &Path) {
    d.virsh(uri, &["pool-destroy", name]).unwrap();
    d.virsh(uri, &["pool-undefine", name]).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

/// Replaces the values of the volume XML's time stamps, which differ from file to file.
fn mask_times(xml: &str) -> String {
    xml.lines()
        .map(|l| {
            let t = l.trim_start();
            match ["<atime>", "<mtime>", "<ctime>", "<btime>"]
                .iter()
                .find(|p| t.starts_with(*p))
            {
                Some(p) => format!("{p}*"),
                None => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Bytes a file takes on disk.
fn allocated(p: &Path) -> u64 {
    std::fs::metadata(p).unwrap().blocks() * 512
}

#[test]
fn pool_and_volume_commands_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let (p, dir) = pool(d, &uri);

    let info = compare_ok(&uri, &["pool-info", &p]);
    assert!(info.contains(&format!("Name:           {p}\n")), "{info}");
    assert!(info.contains("State:          running\n"), "{info}");
    compare_ok(&uri, &["pool-info", "--bytes", &p]);
    compare_ok(&uri, &["pool-dumpxml", &p]);
    compare_ok(&uri, &["pool-dumpxml", "--inactive", &p]);
    compare_err(&uri, &["pool-info", "no such pool"]);

    // Each tool creates its own volumes with the same arguments: same messages, same volumes.
    let cases: [(&str, &[&str]); 4] = [
        ("raw é {}.img", &["5M", "--format", "raw"]),
        (
            "sparse é {}.img",
            &["3MiB", "--allocation", "0", "--format", "raw"],
        ),
        ("数据 {}.qcow2", &["1G", "--format", "qcow2"]),
        (
            "overlay 🚀 {}.qcow2",
            &[
                "1GB",
                "--format",
                "qcow2",
                "--backing-vol",
                "raw é virsh.img",
                "--backing-vol-format",
                "raw",
            ],
        ),
    ];
    for (pattern, opts) in cases {
        let mut xmls = Vec::new();
        for tool in ["virsh", "vsh"] {
            let name = pattern.replace("{}", tool);
            let mut args = vec!["vol-create-as", p.as_str(), name.as_str()];
            args.extend_from_slice(opts);
            let printed = if tool == "vsh" {
                vsh(&uri, &args)
            } else {
                run("virsh", &uri, &args)
            };
            assert_eq!(printed, format!("Vol {name} created\n\n"));
            let xml = d
                .virsh(&uri, &["vol-dumpxml", &name, "--pool", &p])
                .unwrap();
            xmls.push(mask_times(&xml.replace(&name, "NAME")));
        }
        assert_eq!(xmls[0], xmls[1], "volumes made by {opts:?} differ");
        let name = pattern.replace("{}", "vsh");
        let path = dir.join(&name);
        let path = path.to_str().unwrap();
        let info = compare_ok(&uri, &["vol-info", &name, "--pool", &p]);
        assert!(
            info.contains(&format!("Name:           {name}\n")),
            "{info}"
        );
        compare_ok(&uri, &["vol-info", path]);
        compare_ok(&uri, &["vol-info", "--bytes", path]);
        compare_ok(&uri, &["vol-dumpxml", &name, "--pool", &p]);
        compare_ok(&uri, &["vol-dumpxml", path]);
    }
    let printed = compare_ok(
        &uri,
        &[
            "vol-create-as",
            &p,
            "x ü.qcow2",
            "2G",
            "--format",
            "qcow2",
            "--allocation",
            "1k",
            "--print-xml",
        ],
    );
    assert!(
        printed.contains("<allocation>1024</allocation>"),
        "{printed}"
    );
    for args in [
        &["vol-create-as", &p, "bad", "1x"][..],
        &["vol-create-as", &p, "bad", "99999999999999E"],
        &["vol-create-as", &p, "bad", "-1"],
        &["vol-info", "no such vol", "--pool", &p],
        &["vol-info", "no such vol"],
        &["vol-dumpxml", "raw é vsh.img", "--pool", "no such pool"],
    ] {
        compare_err(&uri, args);
    }
    remove_pool(d, &uri, &p, &dir);
}

/// 5 MiB: a hole, 300,000 bytes of a pattern at 1 MiB, a hole, 9,000 bytes at 4 MiB + 100,
/// and a hole up to the end.
fn sparse_file(path: &Path) -> Vec<u8> {
    let f = std::fs::File::create(path).unwrap();
    f.set_len(5 << 20).unwrap();
    let a: Vec<u8> = (0..300_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    f.write_all_at(&a, 1 << 20).unwrap();
    f.write_all_at(&b"tail data".repeat(1000), (4 << 20) + 100)
        .unwrap();
    drop(f);
    let data = std::fs::read(path).unwrap();
    assert!(
        allocated(path) < 1 << 20,
        "the file system under {} keeps no holes: the sparse transfers cannot be tested",
        path.display()
    );
    data
}

#[test]
fn upload_and_download_carry_the_same_bytes_and_holes_as_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let (p, dir) = pool(d, &uri);
    let src = d
        .dir()
        .join(format!("{}.bin", testbed::unique_name("src ü")));
    let data = sparse_file(&src);
    let src_s = src.to_str().unwrap();

    for sparse in [false, true] {
        let mut allocations = Vec::new();
        for tool in ["virsh", "vsh"] {
            let name = format!("up {tool} ü {sparse}.img");
            d.virsh(
                &uri,
                &[
                    "vol-create-as",
                    &p,
                    &name,
                    "5M",
                    "--allocation",
                    "0",
                    "--format",
                    "raw",
                ],
            )
            .unwrap();
            let mut args = vec!["vol-upload", name.as_str(), src_s, "--pool", p.as_str()];
            if sparse {
                args.push("--sparse");
            }
            let printed = if tool == "vsh" {
                vsh(&uri, &args)
            } else {
                run("virsh", &uri, &args)
            };
            assert_eq!(printed, "\n");
            let vol = dir.join(&name);
            assert!(
                std::fs::read(&vol).unwrap() == data,
                "{tool} uploaded other bytes"
            );
            allocations.push(allocated(&vol));
        }
        assert_eq!(allocations[0], allocations[1], "sparse: {sparse}");
        if sparse {
            assert!(allocations[1] < 1 << 20, "holes lost: {allocations:?}");
        }
    }

    // Downloads of the sparse volume, by name and by path, into new and existing files.
    let vol_path = dir.join("up virsh ü true.img");
    let vol_path = vol_path.to_str().unwrap();
    for sparse in [false, true] {
        let mut allocations = Vec::new();
        for tool in ["virsh", "vsh"] {
            let out = d.dir().join(format!("down {tool} {sparse}.bin"));
            // An existing, longer file is cut to the volume's length.
            std::fs::write(&out, vec![0xa5; 6 << 20]).unwrap();
            let out_s = out.to_str().unwrap();
            let mut by_name = vec!["vol-download", "up virsh ü true.img", out_s, "--pool", &p];
            let mut by_path = vec!["vol-download", vol_path, out_s];
            if sparse {
                by_name.push("--sparse");
                by_path.push("--sparse");
            }
            for args in [by_name, by_path] {
                let printed = if tool == "vsh" {
                    vsh(&uri, &args)
                } else {
                    run("virsh", &uri, &args)
                };
                assert_eq!(printed, "\n");
                assert!(
                    std::fs::read(&out).unwrap() == data,
                    "{tool} downloaded other bytes"
                );
            }
            allocations.push(allocated(&out));
            std::fs::remove_file(&out).unwrap();
        }
        assert_eq!(allocations[0], allocations[1], "sparse: {sparse}");
        if sparse {
            assert!(allocations[1] < 1 << 20, "holes lost: {allocations:?}");
        } else {
            assert!(allocations[1] >= 5 << 20, "{allocations:?}");
        }
    }
    for args in [
        &[
            "vol-upload",
            "up vsh ü true.img",
            "/no/such/file",
            "--pool",
            &p,
        ][..],
        &[
            "vol-download",
            "up vsh ü true.img",
            "/no/such/dir/x",
            "--pool",
            &p,
        ],
        &["vol-upload", "no such vol", src_s, "--pool", &p],
    ] {
        compare_err(&uri, args);
    }
    std::fs::remove_file(&src).unwrap();
    remove_pool(d, &uri, &p, &dir);
}
