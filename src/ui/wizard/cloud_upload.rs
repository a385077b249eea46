//! A cloud image from this computer: the file is uploaded into a new volume of the chosen
//! storage pool through a libvirt stream (so the host may be another computer), then offered
//! and chosen like the pools' other images. A failed upload leaves no volume behind.

use std::io::Read;
use std::path::Path;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::{Connection, StoragePool};
use virt_xml::{Size, builder};

use super::finish::message;
use super::{NewVmWizard, NewVmWizardMsg, WizardCmd, cloud_form::CloudMsg, resources};
use crate::i18n::{gettext, gettext_f};
use crate::ui::volumes;

/// qcow2's magic: "QFI\xfb".
const QCOW2_MAGIC: [u8; 4] = *b"QFI\xfb";

/// The format (`qcow2` or `raw`) and virtual size of the image in `header` (its first bytes),
/// of a file of `len` bytes.
pub fn image_kind(header: &[u8], len: u64) -> (&'static str, u64) {
    if header.len() >= 32 && header[..4] == QCOW2_MAGIC {
        let mut size = [0u8; 8];
        size.copy_from_slice(&header[24..32]);
        ("qcow2", u64::from_be_bytes(size))
    } else {
        ("raw", len)
    }
}

/// Uploads the local file `path` into a new volume named like the file in `pool`; the image
/// as `POOL/VOLUME`.
pub async fn upload(conn: &Connection, pool: &str, path: &Path) -> Result<String, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let local = |e: std::io::Error| {
        gettext_f(
            "Cannot read {}: {}",
            &[&path.display().to_string(), &e.to_string()],
        )
    };
    let p = path.to_owned();
    let (file, format, size) = tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(&p)?;
        let len = file.metadata()?.len();
        let mut header = Vec::with_capacity(32);
        (&mut file).take(32).read_to_end(&mut header)?;
        let (format, size) = image_kind(&header, len);
        Ok::<_, std::io::Error>((std::fs::File::open(&p)?, format, size))
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(local)?;
    let pool_handle = StoragePool::lookup_by_name(conn, pool)
        .await
        .map_err(|e| message(&e))?;
    let xml = builder::volume(&name, Size::bytes_value(size), format).map_err(|e| e.to_string())?;
    let vol = pool_handle
        .create_volume(&xml.to_string(), 0)
        .await
        .map_err(|e| gettext_f("Could not create the volume: {}", &[&message(&e)]))?;
    if let Err(e) = vol.upload_file(file, true).await {
        volumes::delete(&vol).await;
        return Err(gettext_f("Could not upload the image: {}", &[&message(&e)]));
    }
    Ok(format!("{pool}/{name}"))
}

impl NewVmWizard {
    /// Opens a file chooser for an image to upload.
    pub(super) fn choose_upload(&mut self, root: &adw::Window, sender: &ComponentSender<Self>) {
        let chooser = gtk::FileChooserNative::new(
            Some(&gettext("Choose a Cloud Image to Upload")),
            Some(root),
            gtk::FileChooserAction::Open,
            Some(&gettext("_Upload")),
            Some(&gettext("_Cancel")),
        );
        chooser.set_modal(true);
        let s = sender.clone();
        chooser.connect_response(move |c, response| {
            if response == gtk::ResponseType::Accept
                && let Some(path) = c.file().and_then(|f| f.path())
            {
                s.input(NewVmWizardMsg::Cloud(CloudMsg::UploadFile(
                    path.display().to_string(),
                )));
            }
        });
        chooser.show();
        self.chooser = Some(chooser);
    }

    /// Uploads `path` into the chosen pool, off the GTK thread; the host's choices are read
    /// again after it.
    pub(super) fn start_upload(&mut self, path: String, sender: &ComponentSender<Self>) {
        let Some(pool) = self.host.pools.get(self.pool as usize).cloned() else {
            self.error = Some(gettext(
                "The host has no active storage pool to upload the image into.",
            ));
            return;
        };
        self.cloud.uploading = Some(gettext_f("Uploading into pool “{}”…", &[&pool]));
        let conn = self.conn.clone();
        sender.oneshot_command(async move {
            let result = upload(&conn, &pool, Path::new(&path)).await;
            let host = resources::load_host_choices(&conn).await;
            WizardCmd::Uploaded(result, host)
        });
    }

    /// The upload ended: take the host's choices and choose the image.
    pub(super) fn uploaded(&mut self, result: Result<String, String>) {
        self.cloud.uploading = None;
        match result {
            Ok(image) => {
                if let Some(i) = self.host.images.iter().position(|(_, b)| *b == image) {
                    self.cloud.base = u32::try_from(i + 1).unwrap_or(0);
                }
            }
            Err(e) => self.error = Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qcow2_headers_give_their_virtual_size() {
        let mut h = b"QFI\xfb\0\0\0\x03".to_vec();
        h.resize(32, 0);
        h[24..32].copy_from_slice(&(64u64 << 20).to_be_bytes());
        assert_eq!(image_kind(&h, 200_000), ("qcow2", 64 << 20));
        assert_eq!(image_kind(b"\0\0\0\0", 1 << 30), ("raw", 1 << 30));
    }
}
