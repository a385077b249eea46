//! Saving the graphical console as a PNG: the picture is taken when asked, then a save dialog
//! proposes `<vm>-<timestamp>.png` in the Pictures folder and writes it where the user chose.

use std::path::{Path, PathBuf};

use gtk::gio;
use gtk::prelude::*;

use crate::i18n::gettext;
use crate::widgets::spice_display::SpiceDisplay;
use crate::widgets::vnc_display::VncDisplay;

/// A display whose picture can be saved: the VNC and the SPICE display.
pub trait GuestScreen: IsA<gtk::Widget> {
    /// A copy of the guest's screen, once connected.
    fn guest_texture(&self) -> Option<gtk::gdk::Texture>;
}

impl GuestScreen for VncDisplay {
    fn guest_texture(&self) -> Option<gtk::gdk::Texture> {
        self.texture()
    }
}

impl GuestScreen for SpiceDisplay {
    fn guest_texture(&self) -> Option<gtk::gdk::Texture> {
        self.texture()
    }
}

/// The keyboard shortcut that saves a screenshot while the display has the focus.
pub const SHORTCUT: &str = "<Control><Shift>s";

/// The folder screenshots are proposed in: the user's Pictures folder, else the home folder.
pub fn pictures_dir() -> PathBuf {
    gtk::glib::user_special_dir(gtk::glib::UserDirectory::Pictures)
        .unwrap_or_else(gtk::glib::home_dir)
}

/// The file name proposed for a screenshot of `vm` taken at `time`:
/// `<vm>-<YYYY-MM-DD-HHMMSS>.png`, with characters a file name cannot hold replaced.
pub fn proposed_name(vm: &str, time: &gtk::glib::DateTime) -> String {
    let stamp = time
        .format("%Y-%m-%d-%H%M%S")
        .map(|s| s.to_string())
        .unwrap_or_default();
    let vm: String = vm
        .chars()
        .map(|c| if c == '/' || c == '\0' { '_' } else { c })
        .collect();
    format!("{vm}-{stamp}.png")
}

/// Writes `texture` to `path` as a PNG.
pub fn save(texture: &gtk::gdk::Texture, path: &Path) -> Result<(), String> {
    texture
        .save_to_png(path)
        .map_err(|e| format!("{}: {}", path.display(), e.message))
}

/// Takes the display's picture now and returns a save dialog for it (not yet shown: call
/// `show`). When the user accepts, the picture is written and `done` gets the path or the
/// error; a cancelled dialog calls nothing. `None` when the display shows no picture.
pub fn dialog(
    display: &impl GuestScreen,
    vm: &str,
    done: impl Fn(Result<PathBuf, String>) + 'static,
) -> Option<gtk::FileChooserNative> {
    let texture = display.guest_texture()?;
    let chooser = crate::ui::file_chooser::modal(
        crate::ui::file_chooser::window_of(display).as_ref(),
        &gettext("Save Screenshot"),
        gtk::FileChooserAction::Save,
        &gettext("_Save"),
    );
    let filter = gtk::FileFilter::new();
    filter.set_name(Some(&gettext("PNG images")));
    filter.add_mime_type("image/png");
    filter.add_suffix("png");
    chooser.add_filter(&filter);
    let dir = pictures_dir();
    // The Pictures folder may not exist yet; the dialog then opens where GTK chooses.
    let _ = std::fs::create_dir_all(&dir);
    if let Err(e) = chooser.set_current_folder(Some(&gio::File::for_path(&dir))) {
        tracing::debug!("cannot propose {}: {e}", dir.display());
    }
    if let Ok(now) = gtk::glib::DateTime::now_local() {
        chooser.set_current_name(&proposed_name(vm, &now));
    }
    crate::ui::file_chooser::on_answer(&chooser, move |chooser, response| {
        if response == gtk::ResponseType::Accept {
            let result = chooser
                .file()
                .and_then(|f| f.path())
                .ok_or_else(|| gettext("No file was chosen"))
                .and_then(|path| save(&texture, &path).map(|()| path));
            done(result);
        }
    });
    Some(chooser)
}
