//! The boot firmware of a domain: legacy BIOS, UEFI, or UEFI with Secure Boot and the
//! Microsoft keys enrolled, read from and written to `<os>` and `<features>` the way libvirt
//! (9.0 and later) picks firmware itself from the host's firmware descriptors.

use crate::error::Error;
use crate::tree::Document;

use super::DomainXml;

/// Boot firmware of a domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Firmware {
    /// Legacy BIOS (SeaBIOS).
    #[default]
    Bios,
    /// UEFI (OVMF) without Secure Boot.
    Uefi,
    /// UEFI with Secure Boot on and the usual keys enrolled; needs SMM and a Q35 machine.
    UefiSecure,
}

impl Firmware {
    /// Whether this is one of the UEFI kinds.
    pub fn is_uefi(self) -> bool {
        self != Firmware::Bios
    }
}

/// The `<feature>` names under `<os><firmware>`.
const SECURE_BOOT: &str = "secure-boot";
const ENROLLED_KEYS: &str = "enrolled-keys";

/// Whether `machine` (a machine type such as `q35` or `pc-q35-7.2`) is a Q35 machine.
pub fn is_q35(machine: &str) -> bool {
    machine == "q35" || machine.starts_with("pc-q35")
}

/// The firmware `doc` boots with: `firmware='efi'` with its features, else a hand-picked
/// `<loader>` (`secure='yes'` for Secure Boot), else BIOS.
pub fn firmware_of(doc: &DomainXml) -> Firmware {
    let Some(os) = doc.root().os(doc) else {
        return Firmware::Bios;
    };
    let d: &Document = doc.as_ref();
    if os.firmware(doc).as_deref() == Some("efi") {
        let secure = os.firmware_feature(doc, SECURE_BOOT);
        // Without the feature libvirt may pick a Secure Boot image; only `yes` is known to be.
        return if secure == Some(true) {
            Firmware::UefiSecure
        } else {
            Firmware::Uefi
        };
    }
    match d.child(os.node(), "loader") {
        Some(l) if d.attr(l, "secure").as_deref() == Some("yes") => Firmware::UefiSecure,
        Some(_) => Firmware::Uefi,
        None => Firmware::Bios,
    }
}

/// Makes `doc` boot with `firmware`. A hand-picked loader and variable store are removed so
/// that libvirt picks the image that has the features asked for. Secure Boot turns SMM on and
/// is refused on a machine type other than Q35 (changing it would move every device).
pub fn set_firmware(doc: &mut DomainXml, firmware: Firmware) -> Result<(), Error> {
    let root = doc.root();
    let os = root.ensure_os(doc);
    if firmware == Firmware::UefiSecure {
        let machine = os.machine(doc).map(|m| m.into_owned());
        if !machine.as_deref().is_some_and(is_q35) {
            return Err(Error::Argument(format!(
                "Secure Boot needs the Q35 machine type; this VM has {}",
                machine.as_deref().unwrap_or("the default (i440FX)")
            )));
        }
    }
    {
        let d: &mut Document = doc.as_mut();
        d.remove_children(os.node(), "loader");
        d.remove_children(os.node(), "nvram");
        d.remove_children(os.node(), "firmware");
    }
    match firmware {
        Firmware::Bios => os.set_firmware(doc, None),
        Firmware::Uefi => {
            os.set_firmware(doc, Some("efi"));
            os.set_firmware_feature(doc, SECURE_BOOT, Some(false));
        }
        Firmware::UefiSecure => {
            os.set_firmware(doc, Some("efi"));
            os.set_firmware_feature(doc, ENROLLED_KEYS, Some(true));
            os.set_firmware_feature(doc, SECURE_BOOT, Some(true));
            let features = root.ensure_features(doc);
            features.set_state(doc, "smm", Some(true));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const Q35: &str = "<domain type='qemu'><name>a</name><os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><loader readonly='yes' type='pflash'>/x/OVMF_CODE.fd</loader><nvram>/v/a_VARS.fd</nvram><boot dev='hd'/></os><features><acpi/></features></domain>";

    #[test]
    fn reads_hand_picked_loaders_and_efi() {
        let doc = DomainXml::parse(Q35).unwrap();
        assert_eq!(firmware_of(&doc), Firmware::Uefi);
        let secure = Q35.replace("type='pflash'", "type='pflash' secure='yes'");
        assert_eq!(
            firmware_of(&DomainXml::parse(&secure).unwrap()),
            Firmware::UefiSecure
        );
        let bios =
            DomainXml::parse("<domain><name>b</name><os><type>hvm</type></os></domain>").unwrap();
        assert_eq!(firmware_of(&bios), Firmware::Bios);
    }

    #[test]
    fn switches_between_all_three_and_back() {
        let mut doc = DomainXml::parse(Q35).unwrap();
        set_firmware(&mut doc, Firmware::UefiSecure).unwrap();
        let xml = doc.to_string();
        assert!(xml.contains("<os firmware='efi'>"), "{xml}");
        assert!(!xml.contains("<loader"), "{xml}");
        assert!(!xml.contains("<nvram"), "{xml}");
        assert!(
            xml.contains("<feature enabled='yes' name='secure-boot'/>"),
            "{xml}"
        );
        assert!(
            xml.contains("<feature enabled='yes' name='enrolled-keys'/>"),
            "{xml}"
        );
        assert!(xml.contains("<smm state='on'/>"), "{xml}");
        // <firmware> comes right after <type>, as libvirt writes it.
        assert!(xml.find("</type>").unwrap() < xml.find("<firmware>").unwrap());
        assert!(xml.find("<firmware>").unwrap() < xml.find("<boot").unwrap());
        assert_eq!(firmware_of(&doc), Firmware::UefiSecure);
        set_firmware(&mut doc, Firmware::Uefi).unwrap();
        let xml = doc.to_string();
        assert!(
            xml.contains("<feature enabled='no' name='secure-boot'/>"),
            "{xml}"
        );
        assert!(!xml.contains("enrolled-keys"), "{xml}");
        assert_eq!(firmware_of(&doc), Firmware::Uefi);
        set_firmware(&mut doc, Firmware::Bios).unwrap();
        let xml = doc.to_string();
        assert!(!xml.contains("efi"), "{xml}");
        assert!(!xml.contains("<firmware"), "{xml}");
        assert_eq!(firmware_of(&doc), Firmware::Bios);
    }

    #[test]
    fn secure_boot_needs_q35() {
        let mut doc = DomainXml::parse(&Q35.replace("pc-q35-7.2", "pc-i440fx-7.2")).unwrap();
        let before = doc.to_string();
        let e = set_firmware(&mut doc, Firmware::UefiSecure).unwrap_err();
        assert!(e.to_string().contains("Q35"), "{e}");
        assert_eq!(doc.to_string(), before, "nothing changed");
    }
}
