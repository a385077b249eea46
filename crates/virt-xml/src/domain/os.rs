//! Boot configuration (`<os>`), hypervisor features (`<features>`) and the clock.

use std::borrow::Cow;

use crate::tree::Document;
use crate::view::{attr_bool, attr_str, child_attr, child_text, handle};

const OS_ORDER: &[&str] = &[
    "type", "firmware", "loader", "nvram", "kernel", "initrd", "cmdline", "shim", "dtb", "acpi",
    "boot", "bootmenu", "smbios", "bios",
];

handle!(
    /// The `<os>` element.
    Os
);

impl Os {
    child_text!(os_type, set_os_type, "type", OS_ORDER);
    child_attr!(arch, set_arch, "type", "arch", OS_ORDER);
    child_attr!(machine, set_machine, "type", "machine", OS_ORDER);
    attr_str!(firmware, set_firmware, "firmware");
    child_text!(loader, set_loader, "loader", OS_ORDER);
    child_attr!(
        loader_readonly,
        set_loader_readonly,
        "loader",
        "readonly",
        OS_ORDER
    );
    child_attr!(loader_type, set_loader_type, "loader", "type", OS_ORDER);
    child_attr!(
        loader_secure,
        set_loader_secure,
        "loader",
        "secure",
        OS_ORDER
    );
    child_text!(nvram, set_nvram, "nvram", OS_ORDER);
    child_attr!(
        nvram_template,
        set_nvram_template,
        "nvram",
        "template",
        OS_ORDER
    );
    child_text!(kernel, set_kernel, "kernel", OS_ORDER);
    child_text!(initrd, set_initrd, "initrd", OS_ORDER);
    child_text!(cmdline, set_cmdline, "cmdline", OS_ORDER);
    child_text!(dtb, set_dtb, "dtb", OS_ORDER);
    child_attr!(
        bootmenu_enable,
        set_bootmenu_enable,
        "bootmenu",
        "enable",
        OS_ORDER
    );
    child_attr!(
        bootmenu_timeout,
        set_bootmenu_timeout,
        "bootmenu",
        "timeout",
        OS_ORDER
    );

    /// The boot devices in order (`hd`, `cdrom`, `network`, `fd`).
    pub fn boot_order<'d>(self, d: &'d impl AsRef<Document>) -> Vec<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.elements_named(self.0, "boot")
            .filter_map(|b| doc.attr(b, "dev"))
            .collect()
    }

    /// Replaces the boot devices. Entries that stay in place are left untouched.
    pub fn set_boot_order(self, d: &mut impl AsMut<Document>, devs: &[&str]) {
        let doc = d.as_mut();
        let existing: Vec<_> = doc.elements_named(self.0, "boot").collect();
        let same_prefix = existing
            .iter()
            .zip(devs)
            .take_while(|(b, dev)| doc.attr(**b, "dev").as_deref() == Some(**dev))
            .count();
        for &b in &existing[same_prefix..] {
            doc.remove(b);
        }
        for dev in &devs[same_prefix..] {
            let last = doc.elements_named(self.0, "boot").last();
            let b = match last {
                Some(l) => doc.insert_element_after(l, "boot"),
                None => doc.ensure_child(self.0, "boot", OS_ORDER),
            };
            doc.set_attr(b, "dev", dev);
        }
    }

    /// Enables or disables the boot menu; `None` removes `<bootmenu>`.
    pub fn set_bootmenu(self, d: &mut impl AsMut<Document>, enable: Option<bool>) {
        match enable {
            Some(on) => self.set_bootmenu_enable(d, Some(crate::view::yes_no(on))),
            None => d.as_mut().remove_children(self.0, "bootmenu"),
        }
    }

    /// Whether the boot menu is enabled.
    pub fn bootmenu(self, d: &impl AsRef<Document>) -> Option<bool> {
        self.bootmenu_enable(d)
            .and_then(|v| crate::view::parse_yes_no(&v))
    }

    /// Whether firmware feature `name` (`secure-boot`, `enrolled-keys`) is asked for
    /// (`<firmware><feature enabled=... name=...>`); `None` when not mentioned.
    pub fn firmware_feature(self, d: &impl AsRef<Document>, name: &str) -> Option<bool> {
        let doc = d.as_ref();
        let fw = doc.child(self.0, "firmware")?;
        doc.elements_named(fw, "feature")
            .find(|&f| doc.attr(f, "name").as_deref() == Some(name))
            .and_then(|f| doc.attr(f, "enabled"))
            .and_then(|v| crate::view::parse_yes_no(&v))
    }

    /// Asks for firmware feature `name` on or off; `None` removes it (and `<firmware>` once
    /// it is empty).
    pub fn set_firmware_feature(self, d: &mut impl AsMut<Document>, name: &str, on: Option<bool>) {
        let doc = d.as_mut();
        let existing = doc.child(self.0, "firmware").and_then(|fw| {
            doc.elements_named(fw, "feature")
                .find(|&f| doc.attr(f, "name").as_deref() == Some(name))
        });
        match (on, existing) {
            (Some(on), Some(f)) => doc.set_attr(f, "enabled", crate::view::yes_no(on)),
            (Some(on), None) => {
                let fw = doc.ensure_child(self.0, "firmware", OS_ORDER);
                let f = doc.append_element(fw, "feature");
                doc.set_attr(f, "enabled", crate::view::yes_no(on));
                doc.set_attr(f, "name", name);
            }
            (None, Some(f)) => {
                doc.remove(f);
                if let Some(fw) = doc.child(self.0, "firmware")
                    && doc.elements(fw).next().is_none()
                {
                    doc.remove(fw);
                }
            }
            (None, None) => {}
        }
    }
}

handle!(
    /// The `<features>` element: `<acpi/>`, `<apic/>`, `<smm state='on'/>`...
    Features
);

impl Features {
    /// The names of the features present.
    pub fn names(self, d: &impl AsRef<Document>) -> Vec<String> {
        let doc = d.as_ref();
        doc.elements(self.0)
            .map(|f| doc.name(f).to_owned())
            .collect()
    }

    /// Whether feature `name` is present (and not `state='off'`).
    pub fn has(self, d: &impl AsRef<Document>, name: &str) -> bool {
        let doc = d.as_ref();
        doc.child(self.0, name)
            .is_some_and(|f| doc.attr(f, "state").as_deref() != Some("off"))
    }

    /// The `state` of feature `name` (`<smm state='on'/>`): `None` when absent, `true` when
    /// present without a state.
    pub fn state(self, d: &impl AsRef<Document>, name: &str) -> Option<bool> {
        let doc = d.as_ref();
        let f = doc.child(self.0, name)?;
        Some(doc.attr(f, "state").as_deref() != Some("off"))
    }

    /// Sets feature `name` with an explicit `state='on|off'`; `None` removes it.
    pub fn set_state(self, d: &mut impl AsMut<Document>, name: &str, on: Option<bool>) {
        let doc = d.as_mut();
        match on {
            Some(on) => {
                let n = doc.ensure_child(self.0, name, &[]);
                doc.set_attr(n, "state", if on { "on" } else { "off" });
            }
            None => doc.remove_children(self.0, name),
        }
    }

    /// Adds (as `<name/>`) or removes feature `name`.
    pub fn set(self, d: &mut impl AsMut<Document>, name: &str, on: bool) {
        let doc = d.as_mut();
        if on {
            let n = doc.ensure_child(self.0, name, &[]);
            if doc.attr(n, "state").as_deref() == Some("off") {
                doc.set_attr(n, "state", "on");
            }
        } else {
            doc.remove_children(self.0, name);
        }
    }
}

handle!(
    /// The `<clock>` element.
    Clock
);

impl Clock {
    attr_str!(offset, set_offset, "offset");

    /// The `<timer>` children.
    pub fn timers(self, d: &impl AsRef<Document>) -> Vec<Timer> {
        d.as_ref()
            .elements_named(self.0, "timer")
            .map(Timer)
            .collect()
    }

    /// The timer named `name`.
    pub fn timer(self, d: &impl AsRef<Document>, name: &str) -> Option<Timer> {
        let doc = d.as_ref();
        doc.elements_named(self.0, "timer")
            .find(|&t| doc.attr(t, "name").as_deref() == Some(name))
            .map(Timer)
    }

    /// The timer named `name`, added if missing.
    pub fn ensure_timer(self, d: &mut impl AsMut<Document>, name: &str) -> Timer {
        if let Some(t) = self.timer(d.as_mut(), name) {
            return t;
        }
        let doc = d.as_mut();
        let t = doc.append_element(self.0, "timer");
        doc.set_attr(t, "name", name);
        Timer(t)
    }
}

handle!(
    /// A `<timer name=... />` of the clock.
    Timer
);

impl Timer {
    attr_str!(name, set_name, "name");
    attr_str!(tickpolicy, set_tickpolicy, "tickpolicy");
    attr_bool!(present, set_present, "present");
}
