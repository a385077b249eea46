use testbed::Libvirtd;
use virt_client::Connection;
use virt_proto::remote::{ConnectGetHostnameArgs, ConnectGetTypeArgs};

#[tokio::test]
async fn open_and_call() {
    let d = Libvirtd::shared();
    let conn = Connection::open(&d.test_uri()).await.unwrap();
    let t = conn.call(&ConnectGetTypeArgs).await.unwrap();
    assert_eq!(t.type_, "TEST");
    let h = conn.call(&ConnectGetHostnameArgs).await.unwrap();
    assert_eq!(
        h.hostname.trim(),
        d.virsh(&d.test_uri(), &["hostname"]).unwrap().trim()
    );
    conn.close().await.unwrap();
}
