//! Procedure numbers and the traits that tie messages to them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use virt_proto::remote::*;
use virt_proto::{Call, Event};

#[test]
fn all_443_procedures_of_libvirt_9_0_are_numbered_1_to_443() {
    assert_eq!(Procedure::ALL.len(), 443);
    for (i, p) in Procedure::ALL.iter().enumerate() {
        assert_eq!(p.number(), i as i32 + 1);
        assert_eq!(Procedure::from_number(p.number()), Some(*p));
        assert_eq!(Procedure::try_from(p.number()).unwrap(), *p);
    }
    assert_eq!(Procedure::from_number(0), None);
    assert!(Procedure::try_from(444).is_err());
}

#[test]
fn known_numbers() {
    assert_eq!(Procedure::ConnectOpen.number(), 1);
    assert_eq!(Procedure::DomainGetInfo.number(), 16);
    assert_eq!(Procedure::DomainLookupByName.number(), 23);
    assert_eq!(Procedure::AuthList.number(), 66);
    assert_eq!(Procedure::ConnectListAllDomains.number(), 273);
    assert_eq!(
        Procedure::ConnectDomainEventCallbackRegisterAny.number(),
        316
    );
    assert_eq!(Procedure::DomainEventCallbackLifecycle.number(), 318);
    assert_eq!(Procedure::DomainOpenGraphicsFd.number(), 343);
    assert_eq!(Procedure::ConnectGetAllDomainStats.number(), 344);
}

#[test]
fn calls_and_events_point_at_their_procedures() {
    assert_eq!(DomainGetInfoArgs::PROC, Procedure::DomainGetInfo);
    assert_eq!(ConnectGetTypeArgs::PROC, Procedure::ConnectGetType);
    assert_eq!(
        ConnectListAllDomainsArgs::PROC,
        Procedure::ConnectListAllDomains
    );
    assert_eq!(
        DomainEventCallbackLifecycleMsg::PROC,
        Procedure::DomainEventCallbackLifecycle
    );
    assert_eq!(
        NetworkEventLifecycleMsg::PROC,
        Procedure::NetworkEventLifecycle
    );
    fn ret_of<C: Call>(_: &C) -> std::any::TypeId
    where
        C::Ret: 'static,
    {
        std::any::TypeId::of::<C::Ret>()
    }
    assert_eq!(
        ret_of(&DomainLookupByNameArgs::default()),
        std::any::TypeId::of::<DomainLookupByNameRet>()
    );
    assert_eq!(
        ret_of(&DomainCreateArgs::default()),
        std::any::TypeId::of::<()>()
    );
}

#[test]
fn streams_and_priorities() {
    assert_eq!(
        Procedure::DomainOpenConsole.stream(),
        Some(StreamDirection::Read)
    );
    assert_eq!(
        Procedure::StorageVolUpload.stream(),
        Some(StreamDirection::Write)
    );
    assert_eq!(Procedure::DomainGetInfo.stream(), None);
    assert!(Procedure::ConnectOpen.is_high_priority());
    assert!(!Procedure::DomainShutdown.is_high_priority());
}
