//! Event subscriptions sharing daemon registrations, against a real daemon.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use testbed::Libvirtd;
use virt_client::{Connection, Domain, DomainEvent, DomainEventId, Events, LifecycleEvent};
use virt_proto::remote as p;

const WAIT: Duration = Duration::from_secs(10);

/// Redefines the domain with its own XML: the daemon emits Lifecycle "Defined (updated)".
async fn touch(c: &Connection, name: &str) {
    let dom = Domain::lookup_by_name(c, name).await.unwrap();
    let xml = dom.xml_desc(0).await.unwrap();
    Domain::define_xml(c, &xml, 0).await.unwrap();
}

/// The next "Defined" event for `name`; fails the test after a while.
async fn defined(ev: &mut Events<DomainEvent>, name: &str) {
    tokio::time::timeout(WAIT, async {
        loop {
            match ev.next().await.unwrap().unwrap() {
                DomainEvent::Lifecycle {
                    domain,
                    event: LifecycleEvent::Defined,
                    ..
                } if domain == name => return,
                _ => {}
            }
        }
    })
    .await
    .expect("no Defined event arrived");
}

/// No event at all arrives for a short while.
async fn quiet(ev: &mut Events<DomainEvent>) {
    let r = tokio::time::timeout(Duration::from_millis(300), ev.next()).await;
    assert!(r.is_err(), "unexpected event: {r:?}");
}

async fn setup(prefix: &str) -> (Connection, Domain, String) {
    let d = Libvirtd::shared();
    let c = Connection::open(&d.qemu_uri()).await.unwrap();
    let name = testbed::unique_name(prefix);
    let dom = Domain::define_xml(&c, &testbed::vm::tiny_xml(&name), 0)
        .await
        .unwrap();
    (c, dom, name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_subscribers_of_one_kind_and_domain_both_get_events() {
    let (c, dom, name) = setup("evshare").await;
    let life = [DomainEventId::Lifecycle];
    let mut a = c.domain_events(&life, Some(&dom)).await.unwrap();
    let mut b = c.domain_events(&life, Some(&dom)).await.unwrap();
    // Overlapping kinds share too.
    let mut both = c
        .domain_events(
            &[DomainEventId::Lifecycle, DomainEventId::Reboot],
            Some(&dom),
        )
        .await
        .unwrap();
    touch(&c, &name).await;
    defined(&mut a, &name).await;
    defined(&mut b, &name).await;
    defined(&mut both, &name).await;
    // Each subscriber got the event once.
    quiet(&mut a).await;
    quiet(&mut b).await;

    drop(a);
    both.deregister().await.unwrap();
    touch(&c, &name).await;
    defined(&mut b, &name).await;

    // A subscription to all domains is a registration of its own.
    let mut all = c.domain_events(&life, None).await.unwrap();
    touch(&c, &name).await;
    defined(&mut all, &name).await;
    defined(&mut b, &name).await;
    dom.undefine(0).await.unwrap();
}

/// Registers Lifecycle for `dom` directly, past the shared registrations: the daemon's
/// answer says whether it still holds one of its own for this connection.
async fn raw_register(c: &Connection, dom: &Domain) -> virt_client::Result<i32> {
    let r = c
        .call(&p::ConnectDomainEventCallbackRegisterAnyArgs {
            event_id: DomainEventId::Lifecycle as i32,
            dom: Some(dom.raw().clone()),
        })
        .await?;
    Ok(r.callback_id)
}

async fn raw_deregister(c: &Connection, id: i32) {
    c.call(&p::ConnectDomainEventCallbackDeregisterAnyArgs { callback_id: id })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_subscriber_leaving_deregisters_on_the_daemon() {
    let (c, dom, name) = setup("evlast").await;
    let life = [DomainEventId::Lifecycle];
    for round in 0..4 {
        let a = c.domain_events(&life, Some(&dom)).await.unwrap();
        let mut b = c.domain_events(&life, Some(&dom)).await.unwrap();
        touch(&c, &name).await;
        defined(&mut b, &name).await;
        // While one subscriber is left, the daemon still holds the registration.
        if round % 2 == 0 {
            a.deregister().await.unwrap();
        } else {
            drop(a);
        }
        assert!(raw_register(&c, &dom).await.is_err());
        if round % 2 == 0 {
            b.deregister().await.unwrap();
            // Deregistered means the daemon let go: a registration of its own is accepted.
            let id = raw_register(&c, &dom).await.unwrap();
            raw_deregister(&c, id).await;
        } else {
            // Dropped: the next subscription right away waits for the daemon to let go.
            drop(b);
        }
    }
    let mut fresh = c.domain_events(&life, Some(&dom)).await.unwrap();
    touch(&c, &name).await;
    defined(&mut fresh, &name).await;
    drop(fresh);
    // Give the dropped subscription's deregistration time to be answered.
    tokio::time::timeout(WAIT, async {
        loop {
            if let Ok(id) = raw_register(&c, &dom).await {
                raw_deregister(&c, id).await;
                return;
            }
            // Poll interval of this wait on the condition (an async one: the connection's
            // task runs on this runtime).
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the daemon kept the registration of a dropped subscription");
    dom.undefine(0).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_registration_reaches_every_waiter_and_is_retried_later() {
    let (c, dom, name) = setup("evfail").await;
    // A registration the shared ones do not know about makes the daemon refuse theirs.
    let id = raw_register(&c, &dom).await.unwrap();
    let life = [DomainEventId::Lifecycle];
    let (r1, r2) = tokio::join!(
        c.domain_events(&life, Some(&dom)),
        c.domain_events(&life, Some(&dom))
    );
    for r in [r1, r2] {
        match r {
            Err(virt_client::Error::Libvirt { message, .. }) => {
                assert!(message.contains("already tracked"), "{message}")
            }
            other => panic!("expected a libvirt error, got {other:?}"),
        }
    }
    raw_deregister(&c, id).await;
    let mut ev = c.domain_events(&life, Some(&dom)).await.unwrap();
    touch(&c, &name).await;
    defined(&mut ev, &name).await;
    dom.undefine(0).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_racing_to_join_and_leave_all_end_up_served() {
    let (c, dom, name) = setup("evrace").await;
    let life = [DomainEventId::Lifecycle];
    let mut subs = Vec::new();
    for _ in 0..10 {
        let c = c.clone();
        let dom = dom.clone();
        subs.push(tokio::spawn(async move {
            let e = c.domain_events(&life, Some(&dom)).await.unwrap();
            drop(e);
            c.domain_events(&life, Some(&dom)).await.unwrap()
        }));
    }
    let mut live = Vec::new();
    for s in subs {
        live.push(s.await.unwrap());
    }
    touch(&c, &name).await;
    for ev in &mut live {
        defined(ev, &name).await;
    }
    dom.undefine(0).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_end_when_the_connection_closes() {
    let (c, dom, _) = setup("evclose").await;
    let life = [DomainEventId::Lifecycle];
    let mut a = c.domain_events(&life, Some(&dom)).await.unwrap();
    let mut b = c.domain_events(&life, Some(&dom)).await.unwrap();
    dom.undefine(0).await.unwrap();
    c.close().await.unwrap();
    for ev in [&mut a, &mut b] {
        loop {
            match tokio::time::timeout(WAIT, ev.next()).await.unwrap() {
                None => break,
                Some(_) => continue,
            }
        }
    }
    assert!(c.domain_events(&life, Some(&dom)).await.is_err());
}

/// Callback ids are counted per kind of object: a domain subscription and a network one on the
/// same connection may carry the same id, and each still sees only its own events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn domain_and_network_subscriptions_keep_to_their_own_events() {
    let d = Libvirtd::shared();
    let c = Connection::open(&d.qemu_uri()).await.unwrap();
    let mut doms = c.domain_events(&DomainEventId::ALL, None).await.unwrap();
    let mut nets = c.network_events().await.unwrap();
    let name = testbed::unique_name("evnet");
    let xml = format!("<network><name>{name}</name></network>");
    let net = virt_client::Network::define_xml(&c, &xml).await.unwrap();
    net.undefine().await.unwrap();
    let ev = tokio::time::timeout(WAIT, nets.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        matches!(&ev, virt_client::ObjectEvent::Network { name: n, event: 0, .. } if *n == name),
        "{ev:?}"
    );
    // No domain changed meanwhile in this test; others may: only domain events may show.
    while let Ok(Some(ev)) = tokio::time::timeout(Duration::from_millis(300), doms.next()).await {
        let ev = ev.unwrap();
        assert!(!matches!(ev, DomainEvent::Other { .. }), "{ev:?}");
    }
}

/// Subscriptions dropped just before the connection closes must not leave a deregistration
/// running on the daemon while it cleans the connection up: libvirtd 9.0 crashes when that
/// happens. Many quick open–subscribe–drop–close rounds against a daemon of its own, which must
/// still answer afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_right_after_unsubscribing_leaves_the_daemon_running() {
    let d = Libvirtd::start().unwrap();
    let uri = d.qemu_uri();
    let c = Connection::open(&uri).await.unwrap();
    let name = testbed::unique_name("evquit");
    let dom = Domain::define_xml(&c, &testbed::vm::tiny_xml(&name), 0)
        .await
        .unwrap();
    let kinds = [
        DomainEventId::Lifecycle,
        DomainEventId::Reboot,
        DomainEventId::Tunable,
    ];
    for round in 0..200 {
        let c = Connection::open(&uri).await.unwrap();
        let a = c.domain_events(&kinds, Some(&dom)).await.unwrap();
        let b = c.domain_events(&kinds, None).await.unwrap();
        drop(a);
        drop(b);
        if round % 2 == 0 {
            c.close().await.unwrap();
        } else {
            drop(c);
        }
    }
    let c2 = Connection::open(&uri).await.expect("the daemon survived");
    assert!(Domain::lookup_by_name(&c2, &name).await.is_ok());
    dom.undefine(0).await.unwrap();
}
