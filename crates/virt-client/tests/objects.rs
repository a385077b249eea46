//! Volumes (upload, download, wipe, clone), secrets and host interfaces against a real daemon,
//! with virsh as the oracle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use testbed::Libvirtd;
use virt_client::secret::usage;
use virt_client::{Connection, ErrorCode, Interface, Secret, StoragePool};

fn pool_xml(name: &str, path: &std::path::Path) -> String {
    format!(
        "<pool type='dir'><name>{name}</name><target><path>{}</path></target></pool>",
        path.display()
    )
}

fn raw_vol_xml(name: &str, bytes: u64) -> String {
    format!(
        "<volume><name>{name}</name><capacity unit='bytes'>{bytes}</capacity>\
         <target><format type='raw'/></target></volume>"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volume_upload_download_wipe_and_clone() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let c = Connection::open(&uri).await.unwrap();
    let name = testbed::unique_name("pool");
    let dir = d.dir().join(&name);
    std::fs::create_dir_all(&dir).unwrap();
    let pool = StoragePool::define_xml(&c, &pool_xml(&name, &dir))
        .await
        .unwrap();
    pool.create().await.unwrap();

    const SIZE: u64 = 1 << 20;
    let vol = pool
        .create_volume(&raw_vol_xml("data.raw", SIZE), 0)
        .await
        .unwrap();
    // More than one stream packet (256 KiB each), with an offset.
    let data: Vec<u8> = (0..600_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    vol.upload_bytes(4096, &data).await.unwrap();
    let file = std::fs::read(dir.join("data.raw")).unwrap();
    assert_eq!(file.len() as u64, SIZE);
    assert_eq!(&file[4096..4096 + data.len()], &data[..]);
    assert!(file[..4096].iter().all(|&b| b == 0));

    let back = vol
        .download_bytes(4096, data.len() as u64, 1 << 24)
        .await
        .unwrap();
    assert_eq!(back, data);
    let whole = vol.download_bytes(0, 0, 1 << 24).await.unwrap();
    assert_eq!(whole, file);

    // A clone has the same contents; virsh sees it.
    let clone = pool
        .create_volume_from(&raw_vol_xml("copy.raw", SIZE), &vol, 0)
        .await
        .unwrap();
    assert_eq!(clone.name(), "copy.raw");
    assert_eq!(std::fs::read(dir.join("copy.raw")).unwrap(), file);
    let listed = d.virsh(&uri, &["vol-list", &name]).unwrap();
    assert!(listed.contains("copy.raw"), "{listed}");

    vol.wipe(0).await.unwrap();
    let wiped = std::fs::read(dir.join("data.raw")).unwrap();
    assert!(wiped.iter().all(|&b| b == 0));
    assert_eq!(std::fs::read(dir.join("copy.raw")).unwrap(), file);

    clone.delete().await.unwrap();
    vol.delete().await.unwrap();
    pool.destroy().await.unwrap();
    pool.undefine().await.unwrap();
    c.close().await.unwrap();
}

/// Holes travel as holes: a sparse download hands them out as such (`recv_sparse`) or as
/// zeros (`recv`, even for a hole longer than 64 MiB), and files round-trip with their holes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparse_volume_transfers() {
    use std::os::unix::fs::{FileExt, MetadataExt};
    use virt_client::StreamData;
    use virt_client::storage::VOL_TRANSFER_SPARSE;

    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let c = Connection::open(&uri).await.unwrap();
    let name = testbed::unique_name("sparsepool");
    let dir = d.dir().join(&name);
    std::fs::create_dir_all(&dir).unwrap();
    let pool = StoragePool::define_xml(&c, &pool_xml(&name, &dir))
        .await
        .unwrap();
    pool.create().await.unwrap();
    const SIZE: u64 = 80 << 20;
    let xml = format!(
        "<volume><name>big.raw</name><capacity unit='bytes'>{SIZE}</capacity>\
         <allocation>0</allocation><target><format type='raw'/></target></volume>"
    );
    let vol = pool.create_volume(&xml, 0).await.unwrap();
    let tail = b"the end".repeat(500);
    vol.upload_bytes(SIZE - tail.len() as u64, &tail)
        .await
        .unwrap();

    let mut stream = vol.download(0, 0, VOL_TRANSFER_SPARSE).await.unwrap();
    let (mut holes, mut data) = (Vec::new(), 0u64);
    while let Some(piece) = stream.recv_sparse().await.unwrap() {
        match piece {
            StreamData::Hole(n) => holes.push(n),
            StreamData::Data(b) => data += b.len() as u64,
        }
    }
    stream.finish().await.unwrap();
    assert!(holes.iter().any(|&h| h > 64 << 20), "{holes:?}");
    assert_eq!(holes.iter().sum::<u64>() + data, SIZE);

    let mut stream = vol.download(0, 0, VOL_TRANSFER_SPARSE).await.unwrap();
    let (mut len, mut nonzero, mut last) = (0u64, 0u64, Vec::new());
    while let Some(b) = stream.recv().await.unwrap() {
        len += b.len() as u64;
        nonzero += b.iter().filter(|&&x| x != 0).count() as u64;
        last = b.to_vec();
    }
    stream.finish().await.unwrap();
    assert_eq!(len, SIZE);
    assert_eq!(nonzero, tail.iter().filter(|&&x| x != 0).count() as u64);
    assert!(last.ends_with(&tail));

    // File round trip: download with holes, upload into a second volume with holes.
    let local = dir.join("local.bin");
    let f = std::fs::File::create(&local).unwrap();
    assert_eq!(vol.download_file(f, true).await.unwrap(), SIZE);
    let meta = std::fs::metadata(&local).unwrap();
    assert_eq!(meta.len(), SIZE);
    assert!(
        meta.blocks() * 512 < 1 << 20,
        "{} bytes allocated",
        meta.blocks() * 512
    );
    let f = std::fs::File::open(&local).unwrap();
    let mut back = vec![0u8; tail.len()];
    f.read_exact_at(&mut back, SIZE - tail.len() as u64)
        .unwrap();
    assert_eq!(back, tail);
    let copy = pool
        .create_volume(&xml.replace("big.raw", "copy.raw"), 0)
        .await
        .unwrap();
    let sent = copy.upload_file(f, true).await.unwrap();
    assert!(sent < 1 << 20, "{sent} bytes of data sent");
    let copy_meta = std::fs::metadata(dir.join("copy.raw")).unwrap();
    assert_eq!(copy_meta.len(), SIZE);
    assert!(copy_meta.blocks() * 512 < 1 << 20);
    assert_eq!(
        copy.download_bytes(SIZE - tail.len() as u64, 0, 1 << 20)
            .await
            .unwrap(),
        tail
    );

    std::fs::remove_file(&local).unwrap();
    copy.delete().await.unwrap();
    vol.delete().await.unwrap();
    pool.destroy().await.unwrap();
    pool.undefine().await.unwrap();
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_life_cycle() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let c = Connection::open(&uri).await.unwrap();
    let vol_path = format!("/var/lib/{}.img", testbed::unique_name("sec"));
    let xml = format!(
        "<secret ephemeral='no' private='no'><description>test</description>\
         <usage type='volume'><volume>{vol_path}</volume></usage></secret>"
    );
    let s = Secret::define_xml(&c, &xml, 0).await.unwrap();
    assert_eq!(s.usage_type(), usage::VOLUME);
    assert_eq!(s.usage_id(), vol_path);
    let uuid = s.uuid().to_string();
    assert!(d.virsh(&uri, &["secret-list"]).unwrap().contains(&uuid));

    s.set_value(b"hunter2\0\xff", 0).await.unwrap();
    assert_eq!(s.value(0).await.unwrap(), b"hunter2\0\xff");
    let virsh_value = d.virsh(&uri, &["secret-get-value", &uuid]).unwrap();
    assert_eq!(virsh_value.trim(), "aHVudGVyMgD/");

    let by_uuid = Secret::lookup_by_uuid(&c, *s.uuid()).await.unwrap();
    assert_eq!(by_uuid.usage_id(), vol_path);
    let by_usage = Secret::lookup_by_usage(&c, usage::VOLUME, &vol_path)
        .await
        .unwrap();
    assert_eq!(by_usage.uuid(), s.uuid());
    assert!(s.xml_desc(0).await.unwrap().contains(&vol_path));
    assert!(
        c.list_all_secrets(0)
            .await
            .unwrap()
            .iter()
            .any(|x| x.uuid() == s.uuid())
    );

    s.undefine().await.unwrap();
    let err = Secret::lookup_by_uuid(&c, *s.uuid()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NO_SECRET), "{err:?}");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interfaces_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.test_uri();
    let c = Connection::open(&uri).await.unwrap();
    let ifaces = c.list_all_interfaces(0).await.unwrap();
    assert!(!ifaces.is_empty());
    let virsh = d.virsh(&uri, &["iface-list", "--all"]).unwrap();
    for i in &ifaces {
        assert!(virsh.contains(i.name()), "{} not in {virsh}", i.name());
        let by_name = Interface::lookup_by_name(&c, i.name()).await.unwrap();
        assert_eq!(by_name.mac(), i.mac());
        let by_mac = Interface::lookup_by_mac(&c, i.mac()).await.unwrap();
        assert_eq!(by_mac.name(), i.name());
        let xml = by_name.xml_desc(0).await.unwrap();
        assert_eq!(
            xml.trim(),
            d.virsh(&uri, &["iface-dumpxml", i.name()]).unwrap().trim()
        );
        assert!(by_name.is_active().await.is_ok());
    }
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_device_create_and_destroy() {
    let d = Libvirtd::shared();
    let uri = d.test_uri();
    let c = Connection::open(&uri).await.unwrap();
    assert_eq!(
        c.node_device_parent("scsi_host1").await.unwrap().as_deref(),
        Some("computer")
    );
    let caps = c.node_device_caps("scsi_host1").await.unwrap();
    assert_eq!(caps, ["scsi_host"]);
    // An NPIV vHBA on the test driver's FC host.
    let xml = "<device><parent>scsi_host1</parent><capability type='scsi_host'>\
               <capability type='fc_host'><wwnn>2000000012345679</wwnn>\
               <wwpn>1000000012345679</wwpn></capability></capability></device>";
    let name = c.node_device_create_xml(xml, 0).await.unwrap();
    // The test driver has no active/persistent queries: a typed "not supported" error.
    let err = c.node_device_is_active(&name).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NO_SUPPORT), "{err:?}");
    let virsh_xml = d.virsh(&uri, &["nodedev-dumpxml", &name]).unwrap();
    assert!(virsh_xml.contains("1000000012345679"), "{virsh_xml}");
    assert_eq!(
        c.node_device_xml(&name).await.unwrap().trim(),
        virsh_xml.trim()
    );
    c.node_device_destroy(&name).await.unwrap();
    let err = c.node_device_xml(&name).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NO_NODE_DEVICE), "{err:?}");
    c.close().await.unwrap();
}
