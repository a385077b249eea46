//! Files dropped on the display (or given to [`super::SpiceDisplay::send_files`]) go to the
//! guest through its SPICE agent, which saves them in the guest user's download folder. One
//! batch at a time: its progress (bytes sent of all its files) is the `transfer-progress`
//! property while `transferring` is on, [`super::SpiceDisplay::cancel_transfer`] stops it, and
//! `transfer-finished` says how it ended ("" when every file arrived).

use gtk::glib::translate::{FromGlibPtrFull, ToGlibPtr};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, gio, glib};
use spice_client_glib::{FileTransferTask, MainChannel};

use super::{SpiceError, imp};
use crate::i18n::{gettext, gettext_f};

/// The batch being sent.
pub(super) struct Transfer {
    /// Which batch (a cancelled batch's late end is ignored).
    batch: u64,
    cancellable: gio::Cancellable,
    tasks: Vec<FileTransferTask>,
    /// Why files failed, as their tasks said (the batch's own error only counts them).
    errors: Vec<String>,
}

/// What a finished copy hands back.
type Done = Box<dyn FnOnce(Result<(), glib::Error>)>;

/// Starts spice-client-glib's copy of `files` to the guest; `done` runs once with the outcome.
fn copy_to_guest(
    main: &MainChannel,
    files: &[gio::File],
    cancellable: &gio::Cancellable,
    done: Done,
) {
    unsafe extern "C" fn ready(
        source: *mut glib::gobject_ffi::GObject,
        result: *mut gio::ffi::GAsyncResult,
        data: glib::ffi::gpointer,
    ) {
        // SAFETY: `data` is the box leaked below for exactly this one call.
        let done = unsafe { Box::from_raw(data.cast::<Done>()) };
        let mut error = std::ptr::null_mut();
        // SAFETY: `source` is the main channel the copy was started on and `result` the copy's
        // result, as GIO hands them to a ready callback.
        let ok = unsafe {
            spice_client_glib::ffi::spice_main_channel_file_copy_finish(
                source.cast(),
                result,
                &mut error,
            )
        };
        let outcome = if ok != glib::ffi::GFALSE {
            Ok(())
        } else if error.is_null() {
            Err(glib::Error::new(
                gio::IOErrorEnum::Failed,
                &gettext("The guest did not take the files"),
            ))
        } else {
            // SAFETY: a GError set by the finish call, now ours.
            Err(unsafe { glib::Error::from_glib_full(error) })
        };
        done(outcome);
    }
    let mut sources: Vec<*mut gio::ffi::GFile> = files.iter().map(|f| f.to_glib_none().0).collect();
    sources.push(std::ptr::null_mut());
    let data = Box::into_raw(Box::new(done));
    // SAFETY: `sources` is a NULL-terminated array of files alive for the call (the library
    // takes its own references); the channel and cancellable are live objects; `data` is
    // reclaimed by `ready`, which GIO calls exactly once.
    unsafe {
        spice_client_glib::ffi::spice_main_channel_file_copy_async(
            main.to_glib_none().0,
            sources.as_mut_ptr(),
            gio::ffi::G_FILE_COPY_NONE,
            cancellable.to_glib_none().0,
            None,
            std::ptr::null_mut(),
            Some(ready),
            data.cast(),
        );
    }
}

impl imp::SpiceDisplay {
    /// Files dropped on the display are sent to the guest.
    pub(super) fn setup_file_drop(&self) {
        let target = gtk::DropTarget::new(gdk::FileList::static_type(), gdk::DragAction::COPY);
        let weak = self.obj().downgrade();
        target.connect_drop(move |_, value, _, _| {
            let (Some(obj), Ok(list)) = (weak.upgrade(), value.get::<gdk::FileList>()) else {
                return false;
            };
            match obj.imp().send_files(&list.files()) {
                Ok(()) => true,
                Err(e) => {
                    let message = gettext_f("The files were not sent: {}", &[&e.to_string()]);
                    obj.emit_by_name::<()>("transfer-finished", &[&message]);
                    false
                }
            }
        });
        self.obj().add_controller(target);
    }

    pub(super) fn send_files(&self, files: &[gio::File]) -> Result<(), SpiceError> {
        if files.is_empty() {
            return Ok(());
        }
        if self.transfer.borrow().is_some() {
            return Err(SpiceError::Busy);
        }
        let main = self.main_channel().ok_or(SpiceError::NotConnected)?;
        if !main.is_agent_connected() {
            return Err(SpiceError::NoAgent);
        }
        let cancellable = gio::Cancellable::new();
        let batch = self.transfer_batches.get() + 1;
        self.transfer_batches.set(batch);
        self.transfer.replace(Some(Transfer {
            batch,
            cancellable: cancellable.clone(),
            tasks: Vec::new(),
            errors: Vec::new(),
        }));
        self.set_transfer_state(true, 0.0);
        let weak = self.obj().downgrade();
        copy_to_guest(
            &main,
            files,
            &cancellable,
            Box::new(move |outcome| {
                // In a turn of its own: the library ends the batch from inside the last task's
                // `finished` signal, before the handler that notes that task's error has run.
                glib::idle_add_local_once(move || {
                    if let Some(obj) = weak.upgrade() {
                        obj.imp().transfer_done(batch, outcome);
                    }
                });
            }),
        );
        Ok(())
    }

    /// Stops the batch: the user is told at once; the library ends its tasks (which share the
    /// batch's cancellable) when they next read or hear from the agent (a task the agent has
    /// not yet accepted waits for it), and then tells the agent.
    pub(super) fn cancel_transfer(&self) {
        let Some(t) = self.transfer.borrow_mut().take() else {
            return;
        };
        t.cancellable.cancel();
        self.finish_transfer(gettext("Sending files to the guest was cancelled"));
    }

    /// Follows the tasks of the batch being sent (one per file).
    pub(super) fn connect_main_transfers(&self, main: &MainChannel) {
        let weak = self.obj().downgrade();
        main.connect_new_file_transfer(move |_, task| {
            let (Some(obj), Some(task)) = (weak.upgrade(), task.downcast_ref::<FileTransferTask>())
            else {
                return;
            };
            let imp = obj.imp();
            let mut transfer = imp.transfer.borrow_mut();
            let Some(t) = transfer.as_mut() else { return };
            for notify in ["transferred-bytes", "total-bytes"] {
                let weak = obj.downgrade();
                task.connect_notify_local(Some(notify), move |_, _| {
                    if let Some(obj) = weak.upgrade() {
                        obj.imp().update_transfer_progress();
                    }
                });
            }
            // Its error, if any: a boxed GError that may be NULL, read as an option.
            let weak = obj.downgrade();
            task.connect_local("finished", false, move |args| {
                let error = args
                    .get(1)
                    .and_then(|v| v.get::<Option<glib::Error>>().ok());
                if let (Some(obj), Some(Some(e))) = (weak.upgrade(), error)
                    && let Some(t) = obj.imp().transfer.borrow_mut().as_mut()
                    && !e.matches(gio::IOErrorEnum::Cancelled)
                {
                    t.errors.push(e.message().to_string());
                }
                None
            });
            t.tasks.push(task.clone());
        });
    }

    fn update_transfer_progress(&self) {
        let fraction = {
            let transfer = self.transfer.borrow();
            let Some(t) = transfer.as_ref() else { return };
            let (sent, total) = t.tasks.iter().fold((0u64, 0u64), |(s, n), task| {
                (s + task.transferred_bytes(), n + task.total_bytes())
            });
            if total == 0 {
                0.0
            } else {
                (sent as f64 / total as f64).clamp(0.0, 1.0)
            }
        };
        self.set_transfer_state(true, fraction);
    }

    fn transfer_done(&self, batch: u64, outcome: Result<(), glib::Error>) {
        let errors = {
            let mut transfer = self.transfer.borrow_mut();
            if transfer.as_ref().is_none_or(|t| t.batch != batch) {
                // Cancelled (and said so) before the library ended it.
                return;
            }
            transfer.take().map(|t| t.errors).unwrap_or_default()
        };
        let message = match outcome {
            Ok(()) => String::new(),
            Err(e) if e.matches(gio::IOErrorEnum::Cancelled) => {
                gettext("Sending files to the guest was cancelled")
            }
            Err(e) => {
                let why = errors
                    .first()
                    .map_or_else(|| e.message().to_string(), Clone::clone);
                gettext_f("The files did not reach the guest: {}", &[&why])
            }
        };
        self.finish_transfer(message);
    }

    /// The batch ended with `message` ("" when all arrived).
    fn finish_transfer(&self, message: String) {
        self.set_transfer_state(false, 0.0);
        self.obj()
            .emit_by_name::<()>("transfer-finished", &[&message]);
    }

    fn set_transfer_state(&self, on: bool, fraction: f64) {
        let obj = self.obj();
        if self.transferring.replace(on) != on {
            obj.notify_transferring();
        }
        if self.transfer_progress.replace(fraction) != fraction {
            obj.notify_transfer_progress();
        }
    }
}
