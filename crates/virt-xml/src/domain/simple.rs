//! Views of the smaller devices: video, serial/console/channel, input, sound, hostdev,
//! controller, memballoon, rng, tpm, filesystem and watchdog.

use crate::view::{attr_bool, attr_parsed, attr_str, child_attr, child_text, handle};

const CHARDEV_ORDER: &[&str] = &["source", "protocol", "log", "target", "alias", "address"];

handle!(
    /// `<video>`: the model is in `<model type=... vram=... heads=.../>`.
    Video
);

impl Video {
    child_attr!(
        model_type,
        set_model_type,
        "model",
        "type",
        &["model", "driver"]
    );
    child_attr!(vram, set_vram, "model", "vram", &["model", "driver"]);
    child_attr!(heads, set_heads, "model", "heads", &["model", "driver"]);
    child_attr!(
        primary,
        set_primary,
        "model",
        "primary",
        &["model", "driver"]
    );
}

handle!(
    /// `<serial>`, `<parallel>`, `<console>` or `<channel>`: a character device.
    Chardev
);

impl Chardev {
    attr_str!(chardev_type, set_chardev_type, "type");
    child_attr!(
        source_path,
        set_source_path,
        "source",
        "path",
        CHARDEV_ORDER
    );
    child_attr!(
        source_mode,
        set_source_mode,
        "source",
        "mode",
        CHARDEV_ORDER
    );
    child_attr!(
        target_type,
        set_target_type,
        "target",
        "type",
        CHARDEV_ORDER
    );
    child_attr!(
        target_port,
        set_target_port,
        "target",
        "port",
        CHARDEV_ORDER
    );
    child_attr!(
        target_name,
        set_target_name,
        "target",
        "name",
        CHARDEV_ORDER
    );
    child_attr!(
        target_state,
        set_target_state,
        "target",
        "state",
        CHARDEV_ORDER
    );
    /// The pty path (`tty` attribute) of a running domain's character device.
    pub fn tty<'d>(
        self,
        d: &'d impl AsRef<crate::tree::Document>,
    ) -> Option<std::borrow::Cow<'d, str>> {
        d.as_ref().attr(self.0, "tty")
    }
}

handle!(
    /// `<input type=... bus=...>`.
    Input
);

impl Input {
    attr_str!(input_type, set_input_type, "type");
    attr_str!(bus, set_bus, "bus");
}

handle!(
    /// `<sound model=...>`.
    Sound
);

impl Sound {
    attr_str!(model, set_model, "model");
}

handle!(
    /// `<hostdev>`: a host PCI, USB or SCSI device given to the guest.
    Hostdev
);

impl Hostdev {
    attr_str!(mode, set_mode, "mode");
    attr_str!(hostdev_type, set_hostdev_type, "type");
    attr_bool!(managed, set_managed, "managed");

    /// The USB vendor and product ids of a USB host device.
    pub fn usb_ids(self, d: &impl AsRef<crate::tree::Document>) -> Option<(String, String)> {
        let doc = d.as_ref();
        let src = doc.child(self.0, "source")?;
        let vendor = doc.child(src, "vendor").and_then(|v| doc.attr(v, "id"))?;
        let product = doc.child(src, "product").and_then(|v| doc.attr(v, "id"))?;
        Some((vendor.into_owned(), product.into_owned()))
    }

    /// The host PCI address of a PCI host device: (domain, bus, slot, function).
    pub fn pci_address(self, d: &impl AsRef<crate::tree::Document>) -> Option<[String; 4]> {
        let doc = d.as_ref();
        let a = doc.find(self.0, "source/address")?;
        let get = |n: &str| doc.attr(a, n).map(|v| v.into_owned());
        Some([get("domain")?, get("bus")?, get("slot")?, get("function")?])
    }
}

handle!(
    /// `<controller type=... index=... model=...>`.
    Controller
);

impl Controller {
    attr_str!(controller_type, set_controller_type, "type");
    attr_parsed!(index, set_index, "index", u32);
    attr_str!(model, set_model, "model");
    attr_parsed!(ports, set_ports, "ports", u32);
}

handle!(
    /// `<memballoon model=...>`.
    Memballoon
);

impl Memballoon {
    attr_str!(model, set_model, "model");
    attr_bool!(autodeflate, set_autodeflate, "autodeflate");
    child_attr!(
        stats_period,
        set_stats_period,
        "stats",
        "period",
        &["stats", "alias", "address"]
    );
}

handle!(
    /// `<rng model=...>` with its `<backend>`.
    Rng
);

impl Rng {
    attr_str!(model, set_model, "model");
    child_attr!(
        backend_model,
        set_backend_model,
        "backend",
        "model",
        &["rate", "backend"]
    );
    child_text!(
        backend_path,
        set_backend_path,
        "backend",
        &["rate", "backend"]
    );
    child_attr!(
        rate_bytes,
        set_rate_bytes,
        "rate",
        "bytes",
        &["rate", "backend"]
    );
}

handle!(
    /// `<tpm model=...>` with its `<backend type=... version=...>`.
    Tpm
);

impl Tpm {
    attr_str!(model, set_model, "model");
    child_attr!(
        backend_type,
        set_backend_type,
        "backend",
        "type",
        &["backend"]
    );
    child_attr!(
        backend_version,
        set_backend_version,
        "backend",
        "version",
        &["backend"]
    );
}

handle!(
    /// `<filesystem>`: a host directory shared with the guest.
    Filesystem
);

const FS_ORDER: &[&str] = &["driver", "binary", "source", "target", "readonly"];

impl Filesystem {
    attr_str!(fs_type, set_fs_type, "type");
    attr_str!(accessmode, set_accessmode, "accessmode");
    child_attr!(driver_type, set_driver_type, "driver", "type", FS_ORDER);
    child_attr!(source_dir, set_source_dir, "source", "dir", FS_ORDER);
    child_attr!(target_dir, set_target_dir, "target", "dir", FS_ORDER);
}

handle!(
    /// `<watchdog model=... action=...>`.
    Watchdog
);

impl Watchdog {
    attr_str!(model, set_model, "model");
    attr_str!(action, set_action, "action");
}
