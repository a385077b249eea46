//! Decoding of domain events from encoded event bodies.

use bytes::Bytes;
use virt_proto::Event;
use virt_proto::remote as p;

use super::{DomainEvent, decode};
use crate::connection::owner::RawEvent;

fn dom() -> p::Domain {
    p::Domain {
        name: "vm1".into(),
        uuid: [7; 16].into(),
        id: 3,
    }
}

fn roundtrip<M: Event + serde::Serialize>(msg: &M) -> DomainEvent {
    let body = virt_proto::xdr::to_bytes(msg).unwrap();
    decode(RawEvent {
        proc_: M::PROC as i32,
        body: Bytes::from(body),
    })
    .unwrap()
    .unwrap()
}

#[test]
fn rtc_watchdog_and_control_error() {
    let e = roundtrip(&p::DomainEventCallbackRtcChangeMsg {
        callback_id: 1,
        msg: p::DomainEventRtcChangeMsg {
            dom: dom(),
            offset: -3600,
        },
    });
    assert_eq!(
        e,
        DomainEvent::RtcChange {
            domain: "vm1".into(),
            offset: -3600
        }
    );
    let e = roundtrip(&p::DomainEventCallbackWatchdogMsg {
        callback_id: 1,
        msg: p::DomainEventWatchdogMsg {
            dom: dom(),
            action: 2,
        },
    });
    assert_eq!(
        e,
        DomainEvent::Watchdog {
            domain: "vm1".into(),
            action: 2
        }
    );
    let e = roundtrip(&p::DomainEventCallbackControlErrorMsg {
        callback_id: 1,
        msg: p::DomainEventControlErrorMsg { dom: dom() },
    });
    assert_eq!(
        e,
        DomainEvent::ControlError {
            domain: "vm1".into()
        }
    );
}

#[test]
fn io_errors_with_and_without_reason() {
    let plain = p::DomainEventIoErrorMsg {
        dom: dom(),
        src_path: "/img/a.qcow2".into(),
        dev_alias: "virtio-disk0".into(),
        action: 1,
    };
    let e = roundtrip(&p::DomainEventCallbackIoErrorMsg {
        callback_id: 4,
        msg: plain.clone(),
    });
    assert!(matches!(
        e,
        DomainEvent::IoError { ref src_path, action: 1, reason: None, .. } if src_path == "/img/a.qcow2"
    ));
    let e = roundtrip(&p::DomainEventCallbackIoErrorReasonMsg {
        callback_id: 4,
        msg: p::DomainEventIoErrorReasonMsg {
            dom: dom(),
            src_path: plain.src_path,
            dev_alias: plain.dev_alias,
            action: 2,
            reason: "enospc".into(),
        },
    });
    assert!(matches!(
        e,
        DomainEvent::IoError { action: 2, reason: Some(ref r), ref dev_alias, .. }
            if r == "enospc" && dev_alias == "virtio-disk0"
    ));
}

#[test]
fn graphics_block_jobs_tray_and_power() {
    let addr = |node: &str| p::DomainEventGraphicsAddress {
        family: 0,
        node: node.into(),
        service: "5900".into(),
    };
    let e = roundtrip(&p::DomainEventCallbackGraphicsMsg {
        callback_id: 2,
        msg: p::DomainEventGraphicsMsg {
            dom: dom(),
            phase: 2,
            local: addr("127.0.0.1"),
            remote: addr("10.0.0.9"),
            auth_scheme: "none".into(),
            subject: vec![p::DomainEventGraphicsIdentity {
                type_: "x509dname".into(),
                name: "CN=me".into(),
            }],
        },
    });
    match e {
        DomainEvent::Graphics {
            phase,
            remote,
            subject,
            ..
        } => {
            assert_eq!(phase, 2);
            assert_eq!(remote.node, "10.0.0.9");
            assert_eq!(subject[0].name, "CN=me");
        }
        other => panic!("{other:?}"),
    }
    let e = roundtrip(&p::DomainEventCallbackBlockJobMsg {
        callback_id: 2,
        msg: p::DomainEventBlockJobMsg {
            dom: dom(),
            path: "/img/a.qcow2".into(),
            type_: 3,
            status: 0,
        },
    });
    assert!(
        matches!(e, DomainEvent::BlockJob { job_type: 3, status: 0, ref disk, .. } if disk == "/img/a.qcow2")
    );
    let e = roundtrip(&p::DomainEventBlockJob2Msg {
        callback_id: 2,
        dom: dom(),
        dst: "vda".into(),
        type_: 2,
        status: 3,
    });
    assert!(
        matches!(e, DomainEvent::BlockJob { job_type: 2, status: 3, ref disk, .. } if disk == "vda")
    );
    let e = roundtrip(&p::DomainEventCallbackTrayChangeMsg {
        callback_id: 2,
        msg: p::DomainEventTrayChangeMsg {
            dom: dom(),
            dev_alias: "ide0-0-0".into(),
            reason: 1,
        },
    });
    assert!(matches!(e, DomainEvent::TrayChange { reason: 1, .. }));
    let e = roundtrip(&p::DomainEventCallbackPmwakeupMsg {
        callback_id: 2,
        reason: 0,
        msg: p::DomainEventPmwakeupMsg { dom: dom() },
    });
    assert!(matches!(e, DomainEvent::PmWakeup { reason: 0, .. }));
    let e = roundtrip(&p::DomainEventCallbackPmsuspendMsg {
        callback_id: 2,
        reason: 0,
        msg: p::DomainEventPmsuspendMsg { dom: dom() },
    });
    assert!(matches!(e, DomainEvent::PmSuspend { ref domain, .. } if domain == "vm1"));
}

#[test]
fn truncated_body_is_an_error_not_a_panic() {
    let body = virt_proto::xdr::to_bytes(&p::DomainEventCallbackWatchdogMsg {
        callback_id: 1,
        msg: p::DomainEventWatchdogMsg {
            dom: dom(),
            action: 2,
        },
    })
    .unwrap();
    let r = decode(RawEvent {
        proc_: p::DomainEventCallbackWatchdogMsg::PROC as i32,
        body: Bytes::copy_from_slice(&body[..body.len() - 2]),
    })
    .unwrap();
    assert!(r.is_err());
}
