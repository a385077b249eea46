//! The steps one apply of the hardware editor takes and what takes each back. [`run`] makes
//! them happen in order; when one fails it undoes the ones already done, the last first, and
//! the message names every change that could not be undone. Where steps happen (the daemon,
//! or a stand-in) is a [`Runner`].

use std::future::Future;

use virt_xml::tree::Document;

use crate::i18n::{gettext, gettext_f};

/// One change an apply makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Rename the VM (only while shut off).
    Rename(String),
    /// Define this persistent configuration.
    Define(String),
    /// Balloon the running VM to this many KiB.
    Memory(u64),
    /// Update a device of the running VM in place (CD media, link state).
    Update(String),
    /// Hot-plug a device.
    Attach(String),
    /// Ask the running VM to let a device go (it leaves once the guest releases it).
    Detach(String),
    /// Hot-unplug a device and check that it left (what undoes a hot-plug).
    Unplug(String),
    /// Start with the host, or not.
    Autostart(bool),
}

/// What takes a step that was made back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// These steps, in order (none: the step changed nothing).
    Steps(Vec<Step>),
    /// Nothing can, for this reason.
    Cannot(String),
}

/// Why a step failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    /// What went wrong.
    pub message: String,
    /// Whether it may have been made all the same: the connection was lost before the
    /// daemon's answer came.
    pub unsure: bool,
}

impl From<String> for StepError {
    /// A step that failed having changed nothing.
    fn from(message: String) -> StepError {
        StepError {
            message,
            unsure: false,
        }
    }
}

/// Where steps happen.
pub trait Runner {
    /// Makes `step` happen: what undoes it, or why it failed (having changed nothing unless
    /// the error is unsure).
    fn run(&mut self, step: &Step) -> impl Future<Output = Result<Undo, StepError>> + Send;
}

/// Makes `steps` happen in order. When one fails, the steps already made are undone in
/// reverse order and the message gives the failure and either that the VM is as it was or
/// which changes remain.
pub async fn run<R: Runner>(runner: &mut R, steps: &[Step]) -> Result<(), String> {
    let mut done: Vec<(&Step, Undo)> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        match runner.run(step).await {
            Ok(undo) => done.push((step, undo)),
            Err(error) => {
                let made = done.len();
                let mut remains = Vec::new();
                for (step, undo) in done.into_iter().rev() {
                    if let Err(why) = undo_one(runner, undo).await {
                        remains.push(gettext_f("{}: {}", &[&remains_text(step), &why]));
                    }
                }
                return Err(failure(step, &error, made, &remains, &steps[i + 1..]));
            }
        }
    }
    Ok(())
}

/// Runs `undo`; every reason it fell short, joined.
async fn undo_one<R: Runner>(runner: &mut R, undo: Undo) -> Result<(), String> {
    let list = match undo {
        Undo::Cannot(why) => return Err(why),
        Undo::Steps(list) => list,
    };
    let mut errors = Vec::new();
    for step in &list {
        if let Err(e) = runner.run(step).await {
            errors.push(e.message);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// The message of a failed apply: `failed` and its `error`, then what became of the `made`
/// changes before it; when some of them remain, also the steps `after` it, never made.
fn failure(
    failed: &Step,
    error: &StepError,
    made: usize,
    remains: &[String],
    after: &[Step],
) -> String {
    let error = if error.unsure {
        gettext_f(
            "{}: the connection was lost before the daemon answered, so whether it was made is not known ({}).",
            &[&step_text(failed), &error.message],
        )
    } else if made == 0 {
        return error.message.clone();
    } else {
        gettext_f("{} failed: {}", &[&step_text(failed), &error.message])
    };
    if made == 0 {
        return error;
    }
    if remains.is_empty() {
        return gettext_f(
            "{}\nThe changes already made were undone: the VM is as it was.",
            &[&error],
        );
    }
    let mut out = gettext_f(
        "{}\nNot every change already made could be undone. These remain:",
        &[&error],
    );
    for r in remains {
        out.push_str("\n• ");
        out.push_str(r);
    }
    let not_made: Vec<&Step> = after.iter().filter(|s| !is_undo(s)).collect();
    if !not_made.is_empty() {
        out.push('\n');
        out.push_str(&gettext("These changes were not made:"));
        for s in not_made {
            out.push_str("\n• ");
            out.push_str(&step_text(s));
        }
    }
    out
}

/// Whether `step` only ever undoes another (never planned by the user).
fn is_undo(step: &Step) -> bool {
    matches!(step, Step::Unplug(_))
}

/// What making `step` is, as the user asked for it.
fn step_text(step: &Step) -> String {
    match step {
        Step::Rename(to) => gettext_f("Renaming the VM to “{}”", &[to]),
        Step::Define(_) => gettext("Saving the configuration"),
        Step::Memory(kib) => gettext_f(
            "Setting the running VM's memory to {} MiB",
            &[&(kib / 1024).to_string()],
        ),
        Step::Update(xml) => gettext_f("Changing the running VM's {}", &[&device_label(xml)]),
        Step::Attach(xml) => gettext_f("Attaching the {} to the running VM", &[&device_label(xml)]),
        Step::Detach(xml) | Step::Unplug(xml) => {
            gettext_f("Removing the {} from the running VM", &[&device_label(xml)])
        }
        Step::Autostart(true) => gettext("Making the VM start with the host"),
        Step::Autostart(false) => gettext("Making the VM not start with the host"),
    }
}

/// What stays changed when `step` (made) is not undone.
fn remains_text(step: &Step) -> String {
    match step {
        Step::Rename(to) => gettext_f("The VM is still named “{}”", &[to]),
        Step::Define(_) => gettext("The saved configuration has the edits"),
        Step::Memory(kib) => gettext_f(
            "The running VM's memory stays set to {} MiB",
            &[&(kib / 1024).to_string()],
        ),
        Step::Update(xml) => gettext_f("The running VM's {} stays changed", &[&device_label(xml)]),
        Step::Attach(xml) => gettext_f(
            "The {} stays attached to the running VM",
            &[&device_label(xml)],
        ),
        Step::Detach(xml) | Step::Unplug(xml) => gettext_f(
            "The {} stays removed from the running VM",
            &[&device_label(xml)],
        ),
        Step::Autostart(true) => gettext("The VM still starts with the host"),
        Step::Autostart(false) => gettext("The VM still does not start with the host"),
    }
}

/// A device as the user knows it: “disk vdb”, “network card 52:54:00:12:34:56”,
/// “input device (tablet, usb)”.
pub fn device_label(xml: &str) -> String {
    let Ok(doc) = Document::parse(xml) else {
        return gettext("device");
    };
    let root = doc.root();
    let attr = |n, name| doc.attr(n, name).map(|v| v.into_owned());
    let child_attr = |child, name| doc.child(root, child).and_then(|c| attr(c, name));
    match doc.name(root) {
        "disk" => {
            let target = child_attr("target", "dev").unwrap_or_default();
            if attr(root, "device").as_deref() == Some("cdrom") {
                gettext_f("CD-ROM {}", &[&target])
            } else {
                gettext_f("disk {}", &[&target])
            }
        }
        "interface" => match child_attr("mac", "address") {
            Some(mac) => gettext_f("network card {}", &[&mac]),
            None => gettext("network card"),
        },
        tag => {
            let details: Vec<String> = [
                attr(root, "type"),
                attr(root, "model"),
                child_attr("model", "type"),
                attr(root, "bus"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if details.is_empty() {
                gettext_f("{} device", &[tag])
            } else {
                gettext_f("{} device ({})", &[tag, &details.join(", ")])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the steps it is asked for and fails those listed.
    struct Fake {
        log: Vec<Step>,
        fail: Vec<Step>,
        /// Detaches the guest does not complete.
        pending: Vec<String>,
        /// Failures whose answer was lost.
        unsure: Vec<Step>,
    }

    impl Runner for Fake {
        fn run(&mut self, step: &Step) -> impl Future<Output = Result<Undo, StepError>> + Send {
            self.log.push(step.clone());
            let result = if self.fail.contains(step) {
                Err(StepError {
                    message: format!("refused {step:?}"),
                    unsure: self.unsure.contains(step),
                })
            } else {
                Ok(match step {
                    Step::Rename(_) => Undo::Steps(vec![Step::Rename("old".into())]),
                    Step::Define(_) => Undo::Steps(vec![Step::Define("<before/>".into())]),
                    Step::Memory(_) => Undo::Steps(vec![Step::Memory(65536)]),
                    Step::Update(_) => Undo::Steps(vec![Step::Update("<old/>".into())]),
                    Step::Attach(x) => Undo::Steps(vec![Step::Unplug(x.clone())]),
                    Step::Detach(x) if self.pending.contains(x) => {
                        Undo::Cannot("the guest has not released it".into())
                    }
                    Step::Detach(x) => Undo::Steps(vec![Step::Attach(x.clone())]),
                    Step::Unplug(_) => Undo::Steps(Vec::new()),
                    Step::Autostart(on) => Undo::Steps(vec![Step::Autostart(!on)]),
                })
            };
            std::future::ready(result)
        }
    }

    fn fake(fail: &[Step]) -> Fake {
        Fake {
            log: Vec::new(),
            fail: fail.to_vec(),
            pending: Vec::new(),
            unsure: Vec::new(),
        }
    }

    fn block<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    const RNG: &str = "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>";
    const TABLET: &str = "<input type='tablet' bus='usb'/>";
    const NIC: &str = "<interface type='user'><mac address='52:54:00:00:00:01'/></interface>";

    fn plan() -> Vec<Step> {
        vec![
            Step::Define("<edited/>".into()),
            Step::Memory(49152),
            Step::Update(NIC.into()),
            Step::Attach(RNG.into()),
            Step::Attach(TABLET.into()),
            Step::Autostart(true),
        ]
    }

    #[test]
    fn all_steps_run_in_order_and_nothing_is_undone() {
        let mut r = fake(&[]);
        assert_eq!(block(run(&mut r, &plan())), Ok(()));
        assert_eq!(r.log, plan());
    }

    #[test]
    fn a_failed_step_undoes_the_ones_before_it_last_first() {
        let mut r = fake(&[Step::Attach(TABLET.into())]);
        let e = block(run(&mut r, &plan())).unwrap_err();
        let mut expected = plan()[..5].to_vec();
        expected.extend([
            Step::Unplug(RNG.into()),
            Step::Update("<old/>".into()),
            Step::Memory(65536),
            Step::Define("<before/>".into()),
        ]);
        assert_eq!(r.log, expected);
        assert!(
            e.starts_with(
                "Attaching the input device (tablet, usb) to the running VM failed: refused Attach"
            ),
            "{e}"
        );
        assert!(e.ends_with("The changes already made were undone: the VM is as it was."));
    }

    #[test]
    fn a_first_step_failing_changed_nothing_and_says_only_why() {
        let mut r = fake(&[Step::Define("<edited/>".into())]);
        let e = block(run(&mut r, &plan())).unwrap_err();
        assert_eq!(r.log, vec![Step::Define("<edited/>".into())]);
        assert_eq!(e, "refused Define(\"<edited/>\")");
    }

    #[test]
    fn undo_failures_are_listed_and_the_other_steps_still_undone() {
        let mut r = fake(&[
            Step::Autostart(true),
            Step::Unplug(RNG.into()),
            Step::Memory(65536),
        ]);
        r.fail.push(Step::Unplug(TABLET.into()));
        let e = block(run(&mut r, &plan())).unwrap_err();
        // Every undo was tried, the definition's last.
        assert_eq!(r.log.last(), Some(&Step::Define("<before/>".into())));
        assert!(r.log.contains(&Step::Update("<old/>".into())));
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(
            lines[1],
            "Not every change already made could be undone. These remain:"
        );
        assert_eq!(
            &lines[2..],
            [
                "• The input device (tablet, usb) stays attached to the running VM: \
                 refused Unplug(\"<input type='tablet' bus='usb'/>\")",
                "• The rng device (virtio) stays attached to the running VM: \
                 refused Unplug(\"<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\")",
                "• The running VM's memory stays set to 48 MiB: refused Memory(65536)",
            ]
        );
    }

    #[test]
    fn a_step_whose_answer_was_lost_is_said_to_be_unknown() {
        let mut r = fake(&[Step::Define("<edited/>".into())]);
        r.unsure.push(Step::Define("<edited/>".into()));
        let e = block(run(&mut r, &plan())).unwrap_err();
        assert_eq!(
            e,
            "Saving the configuration: the connection was lost before the daemon answered, \
             so whether it was made is not known (refused Define(\"<edited/>\"))."
        );
    }

    #[test]
    fn when_nothing_can_be_undone_the_message_says_what_was_made_and_what_not() {
        // A lost connection: the fifth step and every undo after it fail.
        let mut r = fake(&[
            Step::Attach(RNG.into()),
            Step::Update("<old/>".into()),
            Step::Memory(65536),
            Step::Define("<before/>".into()),
        ]);
        let e = block(run(&mut r, &plan())).unwrap_err();
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(
            lines,
            [
                "Attaching the rng device (virtio) to the running VM failed: refused \
                 Attach(\"<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\")",
                "Not every change already made could be undone. These remain:",
                "• The running VM's network card 52:54:00:00:00:01 stays changed: \
                 refused Update(\"<old/>\")",
                "• The running VM's memory stays set to 48 MiB: refused Memory(65536)",
                "• The saved configuration has the edits: refused Define(\"<before/>\")",
                "These changes were not made:",
                "• Attaching the input device (tablet, usb) to the running VM",
                "• Making the VM start with the host",
            ]
        );
    }

    #[test]
    fn a_detach_the_guest_has_not_completed_cannot_be_undone() {
        let mut r = fake(&[Step::Autostart(true)]);
        r.pending.push(NIC.into());
        let steps = vec![
            Step::Rename("new".into()),
            Step::Detach(NIC.into()),
            Step::Autostart(true),
        ];
        let e = block(run(&mut r, &steps)).unwrap_err();
        assert_eq!(r.log.last(), Some(&Step::Rename("old".into())));
        assert!(
            e.ends_with(
                "\n• The network card 52:54:00:00:00:01 stays removed from the running VM: \
                 the guest has not released it"
            ),
            "{e}"
        );
    }

    #[test]
    fn devices_are_named_by_what_tells_them_apart() {
        assert_eq!(
            device_label("<disk type='file' device='disk'><target dev='vdb' bus='virtio'/></disk>"),
            "disk vdb"
        );
        assert_eq!(
            device_label("<disk type='file' device='cdrom'><target dev='sda'/></disk>"),
            "CD-ROM sda"
        );
        assert_eq!(device_label(NIC), "network card 52:54:00:00:00:01");
        assert_eq!(device_label(TABLET), "input device (tablet, usb)");
        assert_eq!(device_label("<watchdog/>"), "watchdog device");
        assert_eq!(device_label("not xml <"), "device");
    }
}
