//! The registry's bookkeeping without a daemon: sharing, early events, closing while a
//! newcomer waits, failures.

use bytes::Bytes;
use tokio::sync::oneshot;
use virt_proto::packet::{Header, MessageType, Status};

use super::*;

fn key() -> RegKey {
    RegKey {
        prog: 1,
        vers: 1,
        proc_: 10,
        args: vec![0, 0, 0, 0],
    }
}

struct Sub {
    rx: super::super::EventSource,
    done: oneshot::Receiver<Result<i32, Error>>,
}

fn subscribe(r: &mut Registry, token: u64, serial: &mut u32) -> (Sub, Option<Internal>) {
    let (sink, rx) = super::super::event_queue();
    let (done_tx, done) = oneshot::channel();
    let call = r.subscribe(
        Subscribe {
            key: key(),
            dereg_proc: 11,
            token,
            sink,
            done: done_tx,
        },
        &mut || {
            *serial += 1;
            *serial
        },
    );
    (Sub { rx, done }, call)
}

fn reply(status: Status, body: &[u8]) -> Reply {
    let mut header = Header::call(1, 1, 10, 0);
    header.type_ = MessageType::Reply;
    header.status = status;
    Reply {
        header,
        body: Bytes::copy_from_slice(body),
        fds: Vec::new(),
    }
}

fn event(id: i32) -> RawEvent {
    RawEvent {
        proc_: 99,
        body: Bytes::copy_from_slice(&id.to_be_bytes()),
    }
}

fn no_serial() -> u32 {
    panic!("no call expected")
}

#[test]
fn one_registration_serves_every_subscriber_and_early_events_are_kept() {
    let mut r = Registry::default();
    let mut serial = 0;
    let (mut a, call) = subscribe(&mut r, 1, &mut serial);
    let call = call.expect("the first subscriber registers");
    assert!(matches!(call.purpose, Purpose::Register(_)));
    let (mut b, none) = subscribe(&mut r, 2, &mut serial);
    assert!(
        none.is_none(),
        "the second one waits for the same registration"
    );
    // An event overtakes the registration's reply.
    assert!(r.route(event(7), &mut no_serial).is_none());
    assert!(
        r.on_reply(
            call.purpose,
            &reply(Status::Ok, &7i32.to_be_bytes()),
            &mut no_serial
        )
        .is_none()
    );
    assert_eq!(a.done.try_recv().unwrap().unwrap(), 7);
    assert_eq!(b.done.try_recv().unwrap().unwrap(), 7);
    for s in [&mut a, &mut b] {
        assert_eq!(s.rx.try_recv().unwrap().id(), Some(7));
    }
    r.route(event(7), &mut no_serial);
    r.route(event(8), &mut no_serial);
    assert_eq!(a.rx.try_recv().unwrap().id(), Some(7));
    assert!(a.rx.try_recv().is_err(), "events of other ids stay out");
    // A late joiner is served at once.
    let (mut c, none) = subscribe(&mut r, 3, &mut serial);
    assert!(none.is_none());
    assert_eq!(c.done.try_recv().unwrap().unwrap(), 7);
}

#[test]
fn the_last_one_leaving_deregisters_and_a_newcomer_registers_afresh_after() {
    let mut r = Registry::default();
    let mut serial = 0;
    let (a, call) = subscribe(&mut r, 1, &mut serial);
    r.on_reply(
        call.unwrap().purpose,
        &reply(Status::Ok, &5i32.to_be_bytes()),
        &mut no_serial,
    );
    let (done, mut left) = oneshot::channel();
    let dereg = r
        .unsubscribe(
            Unsubscribe {
                key: key(),
                token: 1,
                done: Some(done),
            },
            &mut || 50,
        )
        .expect("the last subscriber leaving deregisters");
    assert!(matches!(dereg.purpose, Purpose::Deregister(_)));
    drop(a);
    assert!(
        left.try_recv().is_err(),
        "done only once the daemon answered"
    );
    // Events of the old id no longer reach anyone; a newcomer waits for the deregistration.
    let (mut b, none) = subscribe(&mut r, 2, &mut serial);
    assert!(none.is_none());
    let again = r
        .on_reply(dereg.purpose, &reply(Status::Ok, &[]), &mut || 60)
        .expect("the newcomer's registration follows");
    assert_eq!(again.serial, 60);
    assert!(left.try_recv().unwrap().is_ok());
    r.on_reply(
        again.purpose,
        &reply(Status::Ok, &6i32.to_be_bytes()),
        &mut no_serial,
    );
    assert_eq!(b.done.try_recv().unwrap().unwrap(), 6);
}

#[test]
fn a_refused_registration_fails_every_waiter_and_leaves_nothing_behind() {
    let mut r = Registry::default();
    let mut serial = 0;
    let (mut a, call) = subscribe(&mut r, 1, &mut serial);
    let (mut b, _) = subscribe(&mut r, 2, &mut serial);
    let err = virt_proto::xdr::to_bytes(&virt_proto::RemoteError {
        code: 1,
        message: Some("event callback already tracked".into()),
        ..Default::default()
    })
    .unwrap();
    r.on_reply(
        call.unwrap().purpose,
        &reply(Status::Error, &err),
        &mut no_serial,
    );
    for s in [&mut a, &mut b] {
        let e = s.done.try_recv().unwrap().unwrap_err();
        assert!(e.to_string().contains("already tracked"), "{e}");
    }
    assert!(r.regs.is_empty() && r.by_id.is_empty());
    let (_c, call) = subscribe(&mut r, 3, &mut serial);
    assert!(call.is_some(), "a later subscriber tries again");
}

#[test]
fn subscribers_that_went_away_are_dropped_and_the_registration_with_them() {
    let mut r = Registry::default();
    let mut serial = 0;
    let (a, call) = subscribe(&mut r, 1, &mut serial);
    let (b, _) = subscribe(&mut r, 2, &mut serial);
    r.on_reply(
        call.unwrap().purpose,
        &reply(Status::Ok, &3i32.to_be_bytes()),
        &mut no_serial,
    );
    drop(a);
    assert!(r.route(event(3), &mut no_serial).is_none());
    drop(b);
    let call = r
        .route(event(3), &mut || 9)
        .expect("nobody listens: deregister");
    assert!(matches!(call.purpose, Purpose::Deregister(ref k) if **k == key()));
    assert!(r.by_id.is_empty());
}

#[test]
fn a_closing_connection_sends_no_more_registration_calls() {
    let mut r = Registry::default();
    let mut serial = 0;
    let (mut a, call) = subscribe(&mut r, 1, &mut serial);
    let call = call.expect("the first subscriber registers");
    assert!(
        r.on_reply(
            call.purpose,
            &reply(Status::Ok, &5i32.to_be_bytes()),
            &mut no_serial
        )
        .is_none()
    );
    assert_eq!(a.done.try_recv().unwrap().unwrap(), 5);
    r.quiesce();
    // The last subscriber leaves: nothing goes to the daemon, the subscriber is out at once.
    let (done_tx, mut done) = oneshot::channel();
    let call = r.unsubscribe(
        Unsubscribe {
            key: key(),
            token: 1,
            done: Some(done_tx),
        },
        &mut no_serial,
    );
    assert!(call.is_none(), "no deregistration while closing");
    assert!(done.try_recv().unwrap().is_ok());
    // A newcomer is refused rather than registered.
    let (mut b, call) = subscribe(&mut r, 2, &mut serial);
    assert!(call.is_none());
    assert!(matches!(b.done.try_recv().unwrap(), Err(Error::Closed)));
    drop(a.rx.try_recv());
}
