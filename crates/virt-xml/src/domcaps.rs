//! Domain capabilities (`virsh domcapabilities`): what one emulator and machine type
//! support: firmware, loaders, CPU modes and device options.

use std::borrow::Cow;

use crate::error::Error;
use crate::tree::{Document, NodeId};
use crate::view::{handle, parse_yes_no, typed_doc};

typed_doc!(
    /// A domain capabilities document.
    DomainCapsXml,
    DomainCaps,
    "domainCapabilities"
);

handle!(
    /// The `<domainCapabilities>` element.
    DomainCaps
);

/// A feature block with `supported='yes|no'` and `<enum name>` lists of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CapsBlock(pub NodeId);

impl CapsBlock {
    /// Whether `supported='yes'`.
    pub fn supported(self, d: &impl AsRef<Document>) -> bool {
        d.as_ref()
            .attr(self.0, "supported")
            .and_then(|v| parse_yes_no(&v))
            .unwrap_or(false)
    }

    /// The values of `<enum name=...>`.
    pub fn enum_values(self, d: &impl AsRef<Document>, name: &str) -> Vec<String> {
        enum_values(d.as_ref(), self.0, name)
    }

    /// The names of every `<enum>`.
    pub fn enum_names(self, d: &impl AsRef<Document>) -> Vec<String> {
        let doc = d.as_ref();
        doc.elements_named(self.0, "enum")
            .filter_map(|e| doc.attr(e, "name").map(Cow::into_owned))
            .collect()
    }
}

fn enum_values(doc: &Document, n: NodeId, name: &str) -> Vec<String> {
    doc.elements_named(n, "enum")
        .find(|&e| doc.attr(e, "name").as_deref() == Some(name))
        .map(|e| {
            doc.elements_named(e, "value")
                .map(|v| doc.text(v).trim().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A CPU mode the hypervisor offers for guests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuMode {
    /// `host-passthrough`, `maximum`, `host-model`, `custom`.
    pub name: String,
    /// Whether it is supported.
    pub supported: bool,
    /// For `host-model`: the model it expands to.
    pub model: Option<String>,
    /// For `custom`: the named models that can be used (`usable='yes'`).
    pub usable_models: Vec<String>,
}

/// The firmware a host offers for one emulator and machine type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FirmwareSupport {
    /// UEFI images (OVMF) are installed: `efi` in `<os><enum name='firmware'>` or loader
    /// paths listed.
    pub efi: bool,
    /// One of them does Secure Boot (`<loader><enum name='secure'>` has `yes`; only on
    /// machine types with SMM, such as Q35).
    pub secure_boot: bool,
}

impl DomainCaps {
    /// What firmware the host offers besides BIOS.
    pub fn firmware_support(self, d: &impl AsRef<Document>) -> FirmwareSupport {
        let efi = self.firmware(d).iter().any(|f| f == "efi") || !self.loader_paths(d).is_empty();
        let secure = self
            .loader(d)
            .is_some_and(|l| l.enum_values(d, "secure").iter().any(|v| v == "yes"));
        FirmwareSupport {
            efi,
            secure_boot: efi && secure,
        }
    }

    /// Whether the host can emulate a TPM 2.0 (`<devices><tpm supported='yes'>` with the
    /// `emulator` backend, which libvirt lists only when swtpm is installed).
    pub fn tpm_emulator(self, d: &impl AsRef<Document>) -> bool {
        let Some(tpm) = self.device(d, "tpm") else {
            return false;
        };
        let versions = tpm.enum_values(d, "backendVersion");
        tpm.supported(d)
            && tpm
                .enum_values(d, "backendModel")
                .iter()
                .any(|m| m == "emulator")
            && (versions.is_empty() || versions.iter().any(|v| v == "2.0"))
    }

    /// The emulator binary.
    pub fn path<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        d.as_ref().child_text(self.0, "path")
    }

    /// The domain type (`qemu`, `kvm`).
    pub fn domain_type<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        d.as_ref().child_text(self.0, "domain")
    }

    /// The machine type described.
    pub fn machine<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        d.as_ref().child_text(self.0, "machine")
    }

    /// The architecture.
    pub fn arch<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        d.as_ref().child_text(self.0, "arch")
    }

    /// The most vCPUs a guest may have.
    pub fn max_vcpus(self, d: &impl AsRef<Document>) -> Result<Option<u32>, Error> {
        let doc = d.as_ref();
        match doc.child(self.0, "vcpu") {
            Some(v) => doc.attr_parse(v, "max"),
            None => Ok(None),
        }
    }

    /// The `<os>` block (its `firmware` enum lists `bios`/`efi` when auto-selection works).
    pub fn os(self, d: &impl AsRef<Document>) -> Option<CapsBlock> {
        d.as_ref().child(self.0, "os").map(CapsBlock)
    }

    /// Firmware kinds libvirt can pick automatically (`<os><enum name='firmware'>`).
    pub fn firmware(self, d: &impl AsRef<Document>) -> Vec<String> {
        self.os(d)
            .map(|o| o.enum_values(d, "firmware"))
            .unwrap_or_default()
    }

    /// The `<os><loader>` block: types (`rom`, `pflash`), readonly and secure values.
    pub fn loader(self, d: &impl AsRef<Document>) -> Option<CapsBlock> {
        let doc = d.as_ref();
        doc.find(self.0, "os/loader").map(CapsBlock)
    }

    /// Firmware images known to the host (`<loader><value>` paths).
    pub fn loader_paths(self, d: &impl AsRef<Document>) -> Vec<String> {
        let doc = d.as_ref();
        self.loader(d)
            .map(|l| {
                doc.elements_named(l.0, "value")
                    .map(|v| doc.text(v).trim().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The CPU modes.
    pub fn cpu_modes(self, d: &impl AsRef<Document>) -> Vec<CpuMode> {
        let doc = d.as_ref();
        let Some(cpu) = doc.child(self.0, "cpu") else {
            return Vec::new();
        };
        doc.elements_named(cpu, "mode")
            .map(|m| CpuMode {
                name: doc.attr(m, "name").map(Cow::into_owned).unwrap_or_default(),
                supported: CapsBlock(m).supported(d),
                model: doc.child_text(m, "model").map(|s| s.trim().to_owned()),
                usable_models: doc
                    .elements_named(m, "model")
                    .filter(|&x| doc.attr(x, "usable").as_deref() == Some("yes"))
                    .map(|x| doc.text(x).trim().to_owned())
                    .collect(),
            })
            .collect()
    }

    /// A device block under `<devices>` (`disk`, `graphics`, `video`, `hostdev`, `rng`...).
    pub fn device(self, d: &impl AsRef<Document>, name: &str) -> Option<CapsBlock> {
        d.as_ref()
            .find(self.0, "devices")
            .and_then(|devs| d.as_ref().child(devs, name))
            .map(CapsBlock)
    }

    /// The names of the device blocks.
    pub fn device_names(self, d: &impl AsRef<Document>) -> Vec<String> {
        let doc = d.as_ref();
        doc.child(self.0, "devices")
            .map(|devs| doc.elements(devs).map(|c| doc.name(c).to_owned()).collect())
            .unwrap_or_default()
    }

    /// A feature block under `<features>` (`gic`, `sev`, `hyperv`...).
    pub fn feature(self, d: &impl AsRef<Document>, name: &str) -> Option<CapsBlock> {
        let doc = d.as_ref();
        doc.child(self.0, "features")
            .and_then(|f| doc.child(f, name))
            .map(CapsBlock)
    }
}
