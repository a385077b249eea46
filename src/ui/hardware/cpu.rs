//! Processors: vCPU count (maximum and at boot), CPU mode and model, topology.

use adw::prelude::*;
use virt_xml::DomainXml;
use virt_xml::domain::Topology;

use super::rows;
use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx};
use crate::i18n::gettext;

/// Sets the maximum vCPU count; the count at boot follows when it would exceed it.
pub fn set_max(doc: &mut DomainXml, n: u32) -> Result<(), String> {
    if n == 0 {
        return Err(gettext("A VM needs at least one processor."));
    }
    let root = doc.root();
    let current = root.vcpus_current(doc).map_err(|e| e.to_string())?;
    root.set_vcpus(doc, n);
    if current.is_some_and(|c| c >= n) {
        root.set_vcpus_current(doc, None);
    }
    Ok(())
}

/// Sets how many vCPUs are present at boot (at most the maximum).
pub fn set_current(doc: &mut DomainXml, n: u32) -> Result<(), String> {
    let root = doc.root();
    let max = root.vcpus(doc).map_err(|e| e.to_string())?.unwrap_or(1);
    if n == 0 || n > max {
        return Err(gettext(
            "The processors at boot must be between 1 and the maximum.",
        ));
    }
    root.set_vcpus_current(doc, (n < max).then_some(n));
    Ok(())
}

/// Sets the CPU mode.
pub fn set_mode(doc: &mut DomainXml, mode: &str) {
    let cpu = doc.root().ensure_cpu(doc);
    cpu.set_mode(doc, Some(mode));
}

/// Sets the CPU model; empty removes it.
pub fn set_model(doc: &mut DomainXml, model: &str) {
    let cpu = doc.root().ensure_cpu(doc);
    cpu.set_model(doc, Some(model.trim()).filter(|m| !m.is_empty()));
}

/// Sets sockets × cores × threads (it must match the maximum vCPU count).
pub fn set_topology(doc: &mut DomainXml, t: Option<(u32, u32, u32)>) -> Result<(), String> {
    let root = doc.root();
    let topology = match t {
        Some((sockets, cores, threads)) => {
            let max = root.vcpus(doc).map_err(|e| e.to_string())?.unwrap_or(1);
            if u64::from(sockets) * u64::from(cores) * u64::from(threads) != u64::from(max) {
                return Err(gettext(
                    "Sockets × cores × threads must equal the maximum number of processors.",
                ));
            }
            Some(Topology {
                sockets,
                dies: 1,
                cores,
                threads,
            })
        }
        None => None,
    };
    let cpu = root.ensure_cpu(doc);
    cpu.set_topology(doc, topology);
    Ok(())
}

/// The processors page.
pub fn page(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesPage {
    let page = adw::PreferencesPage::new();
    let Some(doc) = m.edited.as_ref() else {
        return page;
    };
    let root = doc.root();
    let note = m.restart_note();
    let g = rows::group(&gettext("Processors"), note.as_deref());
    let max = root.vcpus(doc).ok().flatten().unwrap_or(1);
    let current = root.vcpus_current(doc).ok().flatten().unwrap_or(max);
    rows::spin(
        &g,
        &gettext("Maximum"),
        &gettext("Virtual CPUs the VM can have"),
        f64::from(max),
        (1.0, 512.0),
        tx,
        |v| Msg::SetVcpusMax(v as u32),
    );
    rows::spin(
        &g,
        &gettext("At boot"),
        &gettext("Virtual CPUs present when it starts"),
        f64::from(current),
        (1.0, 512.0),
        tx,
        |v| Msg::SetVcpusCurrent(v as u32),
    );
    page.add(&g);

    let g = rows::group(&gettext("Model"), None);
    let cpu = root.cpu(doc);
    let mode = cpu
        .and_then(|c| c.mode(doc))
        .unwrap_or_default()
        .into_owned();
    rows::combo(
        &g,
        &gettext("Mode"),
        &["host-passthrough", "host-model", "maximum", "custom"],
        if mode.is_empty() { "custom" } else { &mode },
        tx,
        Msg::SetCpuMode,
    );
    rows::entry(
        &g,
        &gettext("Model (custom mode)"),
        &cpu.and_then(|c| c.model(doc)).unwrap_or_default(),
        tx,
        Msg::SetCpuModel,
    );
    page.add(&g);

    let g = rows::group(
        &gettext("Topology"),
        Some(&gettext(
            "Sockets × cores × threads must equal the maximum.",
        )),
    );
    let t = cpu.and_then(|c| c.topology(doc).ok().flatten());
    let (s, c, th) = t.map_or((max, 1, 1), |t| (t.sockets, t.cores, t.threads));
    let sockets = rows::number(&g, &gettext("Sockets"), f64::from(s), (1.0, 512.0));
    let cores = rows::number(&g, &gettext("Cores"), f64::from(c), (1.0, 512.0));
    let threads = rows::number(&g, &gettext("Threads"), f64::from(th), (1.0, 512.0));
    // The three numbers are sent together by the button below.
    let set = rows::button(&gettext("Set Topology"), tx, {
        let (sockets, cores, threads) = (sockets.clone(), cores.clone(), threads.clone());
        move || {
            Msg::SetTopology(Some((
                sockets.value() as u32,
                cores.value() as u32,
                threads.value() as u32,
            )))
        }
    });
    let row = adw::ActionRow::new();
    row.set_title(&gettext("Apply these numbers to the definition"));
    row.add_suffix(&set);
    g.add(&row);
    page.add(&g);
    page
}
