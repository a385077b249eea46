//! Memory: the maximum and the current (balloon) size, the latter live while the VM runs.

use adw::prelude::*;
use virt_xml::{DomainXml, Size};

use super::rows;
use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx};
use crate::i18n::{gettext, gettext_f};

fn mib_of(size: Option<Size>) -> u64 {
    size.and_then(Size::to_kib).map_or(0, |k| k / 1024)
}

/// Sets the maximum memory; the current size follows when it would exceed it.
pub fn set_max(doc: &mut DomainXml, mib: u64) -> Result<(), String> {
    if mib < 16 {
        return Err(gettext("Give the VM at least 16 MiB of memory."));
    }
    let root = doc.root();
    let current = mib_of(root.current_memory(doc).map_err(|e| e.to_string())?);
    root.set_memory(doc, Size::mib(mib));
    if current > mib {
        root.set_current_memory(doc, Some(Size::mib(mib)));
    }
    Ok(())
}

/// Sets the current memory; returns it in KiB for the live balloon call.
pub fn set_current(doc: &mut DomainXml, mib: u64) -> Result<u64, String> {
    let root = doc.root();
    let max = mib_of(root.memory(doc).map_err(|e| e.to_string())?);
    if mib == 0 || mib > max {
        return Err(gettext_f(
            "The current memory must be between 1 and {} MiB.",
            &[&max.to_string()],
        ));
    }
    root.set_current_memory(doc, Some(Size::mib(mib)));
    Ok(mib * 1024)
}

/// The memory page.
pub fn page(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesPage {
    let page = adw::PreferencesPage::new();
    let Some(doc) = m.edited.as_ref() else {
        return page;
    };
    let root = doc.root();
    let max = mib_of(root.memory(doc).ok().flatten());
    let current = mib_of(root.current_memory(doc).ok().flatten()).max(1);
    let g = rows::group(&gettext("Memory"), None);
    let max_note = if m.active {
        gettext("MiB · takes effect after restart")
    } else {
        gettext("MiB")
    };
    rows::spin(
        &g,
        &gettext("Maximum"),
        &max_note,
        max as f64,
        (16.0, 16_777_216.0),
        tx,
        |v| Msg::SetMemoryMax(v as u64),
    );
    let cur_note = if m.active {
        gettext("MiB · changes at once through the balloon driver")
    } else {
        gettext("MiB")
    };
    rows::spin(
        &g,
        &gettext("Current"),
        &cur_note,
        current as f64,
        (1.0, 16_777_216.0),
        tx,
        |v| Msg::SetMemoryCurrent(v as u64),
    );
    if let Some(live) = &m.live {
        let used = mib_of(live.root().current_memory(live).ok().flatten());
        rows::info(
            &g,
            &gettext("Now in use by the guest"),
            &gettext_f("{} MiB", &[&used.to_string()]),
        );
    }
    page.add(&g);
    page
}
