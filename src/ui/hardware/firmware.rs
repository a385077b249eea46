//! Firmware and TPM of the boot page: BIOS, UEFI or UEFI with Secure Boot, and an emulated
//! TPM 2.0, checked against the host's domain capabilities for the VM's emulator and machine
//! type (whether OVMF and swtpm are installed there). Changes take effect at the next start.

use adw::prelude::*;
use virt_client::Connection;
use virt_xml::domain::{self, DeviceKind, DeviceSpec, Firmware};
use virt_xml::domcaps::FirmwareSupport;
use virt_xml::{DomainCapsXml, DomainXml};

use super::rows;
use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx, devices};
use crate::i18n::gettext;
use crate::ui::wizard::HostChoices;
use crate::ui::wizard::plan::{firmware_problem, tpm_problem};

/// What the host offers the VM: firmware and TPM emulation.
#[derive(Debug, Clone, Default)]
pub struct HostFirmware {
    /// UEFI and Secure Boot.
    pub firmware: FirmwareSupport,
    /// Whether a TPM 2.0 can be emulated.
    pub tpm: bool,
    /// Whether the VM's machine type is Q35 (Secure Boot needs it).
    pub q35: bool,
}

impl HostFirmware {
    /// As the plan's checks take it.
    fn as_host(&self) -> HostChoices {
        HostChoices {
            firmware: self.firmware,
            tpm: self.tpm,
            machine: self.q35.then(|| "q35".to_owned()),
            ..HostChoices::default()
        }
    }
}

/// The offered firmware, in the order of the choice row.
const FIRMWARES: [Firmware; 3] = [Firmware::Bios, Firmware::Uefi, Firmware::UefiSecure];

fn label(f: Firmware) -> String {
    match f {
        Firmware::Bios => gettext("BIOS"),
        Firmware::Uefi => gettext("UEFI"),
        Firmware::UefiSecure => gettext("UEFI with Secure Boot"),
    }
}

/// Reads the host's domain capabilities for the VM of `doc`; `None` when the host does not
/// say (then nothing is refused beforehand and libvirt has the last word).
pub async fn load(conn: &Connection, doc: &DomainXml) -> Option<HostFirmware> {
    let root = doc.root();
    let os = root.os(doc);
    let arch = os.and_then(|o| o.arch(doc)).map(|a| a.into_owned());
    let machine = os.and_then(|o| o.machine(doc)).map(|m| m.into_owned());
    let virt_type = root.domain_type(doc).map(|t| t.into_owned());
    let emulator = root
        .devices(doc)
        .and_then(|d| d.emulator(doc))
        .map(|e| e.into_owned());
    let xml = conn
        .domain_capabilities(
            emulator.as_deref(),
            arch.as_deref(),
            machine.as_deref(),
            virt_type.as_deref(),
            0,
        )
        .await
        .ok()?;
    let caps = DomainCapsXml::parse(&xml).ok()?;
    let c = caps.root();
    let q35 = c.machine(&caps).is_some_and(|m| domain::is_q35(&m))
        || machine.as_deref().is_some_and(domain::is_q35);
    Some(HostFirmware {
        firmware: c.firmware_support(&caps),
        tpm: c.tpm_emulator(&caps),
        q35,
    })
}

/// Makes `doc` boot with `firmware`, unless the host (when known) lacks it.
pub fn set(
    doc: &mut DomainXml,
    firmware: Firmware,
    host: Option<&HostFirmware>,
) -> Result<(), String> {
    if let Some(problem) = host.and_then(|h| firmware_problem(firmware, &h.as_host())) {
        return Err(problem);
    }
    if domain::firmware_of(doc) == firmware {
        return Ok(());
    }
    domain::set_firmware(doc, firmware).map_err(|e| e.to_string())
}

/// Whether `doc` has a TPM.
pub fn has_tpm(doc: &DomainXml) -> bool {
    devices::others(doc)
        .iter()
        .any(|d| d.kind(doc) == DeviceKind::Tpm)
}

/// Adds an emulated TPM 2.0 (unless the host, when known, cannot) or removes every TPM.
pub fn set_tpm(doc: &mut DomainXml, on: bool, host: Option<&HostFirmware>) -> Result<(), String> {
    if on {
        if let Some(problem) = host.and_then(|h| tpm_problem(true, &h.as_host())) {
            return Err(problem);
        }
        if !has_tpm(doc) {
            devices::add(
                doc,
                &DeviceSpec::Tpm {
                    model: "tpm-crb".into(),
                },
            )?;
        }
    } else {
        while let Some(i) = devices::others(doc)
            .iter()
            .position(|d| d.kind(doc) == DeviceKind::Tpm)
        {
            devices::remove(doc, i)?;
        }
    }
    Ok(())
}

/// The firmware group of the boot page.
pub fn group(m: &HardwareEditor, doc: &DomainXml, tx: &Tx) -> adw::PreferencesGroup {
    let g = rows::group(
        &gettext("Firmware and TPM"),
        Some(&gettext("Changes take effect at the next start.")),
    );
    let current = domain::firmware_of(doc);
    let labels: Vec<String> = FIRMWARES.iter().map(|f| label(*f)).collect();
    let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    rows::combo(
        &g,
        &gettext("Firmware"),
        &refs,
        &label(current),
        tx,
        move |chosen| {
            let f = FIRMWARES
                .iter()
                .copied()
                .find(|f| label(*f) == chosen)
                .unwrap_or_default();
            Msg::SetFirmware(f)
        },
    );
    rows::switch(
        &g,
        &gettext("TPM 2.0"),
        &gettext("An emulated Trusted Platform Module (swtpm)"),
        has_tpm(doc),
        tx,
        Msg::SetTpm,
    );
    if let Some(host) = m.host_firmware() {
        let mut notes = Vec::new();
        if !host.firmware.efi {
            notes.push(gettext(
                "The host has no UEFI firmware (OVMF is not installed there): only BIOS works.",
            ));
        } else if !host.firmware.secure_boot || !host.q35 {
            notes.push(gettext(
                "Secure Boot is not available for this VM: it needs a Q35 machine and a UEFI firmware that does Secure Boot.",
            ));
        }
        if !host.tpm {
            notes.push(gettext(
                "The host cannot emulate a TPM (swtpm is not installed there).",
            ));
        }
        if !notes.is_empty() {
            let note = gtk::Label::new(Some(&notes.join("\n")));
            note.set_wrap(true);
            note.set_xalign(0.0);
            note.set_margin_top(6);
            note.add_css_class("dim-label");
            g.add(&note);
        }
    }
    g
}
