//! Volume contents to and from local files, streamed piece by piece (never the whole file in
//! memory), optionally sparse: holes of the file travel as hole packets and come back as holes.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, FileTypeExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::StorageVol;
use super::transfer::VOL_TRANSFER_SPARSE;
use crate::error::{Error, Result};
use crate::stream::{Stream, StreamData};

/// Bytes read from the file per stream packet (`VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX`).
const CHUNK: usize = virt_proto::packet::MESSAGE_LEGACY_PAYLOAD_MAX;

/// Zeros written per call where a block device gets a hole (it cannot have real ones).
const ZEROS: usize = 1024 * 1024;

/// What lies at an offset of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Data for this many bytes.
    Data(u64),
    /// A hole for this many bytes (0: the end of the file).
    Hole(u64),
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::LocalFile(std::io::Error::other(e)))?
        .map_err(Error::LocalFile)
}

/// `lseek(fd, offset, whence)`; `None` for `ENXIO` (no data or hole at or after `offset`).
fn seek(file: &File, offset: u64, whence: i32) -> std::io::Result<Option<u64>> {
    let off = libc::off_t::try_from(offset).map_err(std::io::Error::other)?;
    // SAFETY: lseek on a descriptor the File keeps open; it touches no memory.
    let r = unsafe { libc::lseek(file.as_raw_fd(), off, whence) };
    if r < 0 {
        let e = std::io::Error::last_os_error();
        return if e.raw_os_error() == Some(libc::ENXIO) {
            Ok(None)
        } else {
            Err(e)
        };
    }
    Ok(Some(r as u64))
}

/// The section of `file` (of length `len`) that starts at `offset`, as virsh sees it
/// (`virFileInData`).
fn section_at(file: &File, offset: u64, len: u64) -> std::io::Result<Section> {
    match seek(file, offset, libc::SEEK_DATA)? {
        None => Ok(Section::Hole(len.saturating_sub(offset))),
        Some(data) if data > offset => Ok(Section::Hole(data - offset)),
        Some(_) => {
            let hole = seek(file, offset, libc::SEEK_HOLE)?.unwrap_or(len);
            Ok(Section::Data(hole.saturating_sub(offset)))
        }
    }
}

impl StorageVol {
    /// Uploads all of `file` into the volume from its start and waits until the daemon
    /// confirms. With `sparse`, the file's holes are sent as holes (not as zeros) and the
    /// volume keeps them where its storage can. Returns the bytes of data sent.
    pub async fn upload_file(&self, file: File, sparse: bool) -> Result<u64> {
        let flags = if sparse { VOL_TRANSFER_SPARSE } else { 0 };
        let stream = self.upload(0, 0, flags).await?;
        match stream.send_file(file, sparse).await {
            Ok(sent) => {
                stream.finish().await?;
                Ok(sent)
            }
            Err(e) => {
                let _ = stream.abort().await;
                Err(e)
            }
        }
    }

    /// Downloads the whole volume into `file` (written from its start; it should be empty).
    /// With `sparse`, the volume's holes become holes of the file (zeros on a block device).
    /// Returns the length written, holes included.
    pub async fn download_file(&self, file: File, sparse: bool) -> Result<u64> {
        let flags = if sparse { VOL_TRANSFER_SPARSE } else { 0 };
        let mut stream = self.download(0, 0, flags).await?;
        match stream.recv_into_file(file).await {
            Ok(len) => {
                stream.finish().await?;
                Ok(len)
            }
            Err(e) => {
                let _ = stream.abort().await;
                Err(e)
            }
        }
    }
}

impl Stream {
    /// Sends all of `file` from its start (not the stream's end: call
    /// [`finish`](Self::finish) after it). With `sparse` (only for a stream opened as
    /// sparse), the file's holes go as hole packets. Returns the bytes of data sent.
    pub async fn send_file(&self, file: File, sparse: bool) -> Result<u64> {
        send_file(self, Arc::new(file), sparse, &AtomicU64::new(0)).await
    }

    /// [`send_file`](Self::send_file), adding to `progress` the bytes of the file dealt with
    /// (data sent and holes) as it goes, so another task can show how far it got. Dropping the
    /// future stops the sending between two packets; then [`abort`](Self::abort) the stream.
    pub async fn send_file_counted(
        &self,
        file: File,
        sparse: bool,
        progress: &AtomicU64,
    ) -> Result<u64> {
        send_file(self, Arc::new(file), sparse, progress).await
    }

    /// Writes what the stream brings into `file` from its start until the peer ends the
    /// stream (then call [`finish`](Self::finish)). Holes become holes of the file, or zeros
    /// on a block device. Returns the length written, holes included.
    pub async fn recv_into_file(&mut self, file: File) -> Result<u64> {
        receive_file(self, Arc::new(file), &AtomicU64::new(0)).await
    }

    /// [`recv_into_file`](Self::recv_into_file), adding to `progress` the bytes written
    /// (holes included) as it goes. Dropping the future stops the receiving between two
    /// pieces; then [`abort`](Self::abort) the stream.
    pub async fn recv_into_file_counted(
        &mut self,
        file: File,
        progress: &AtomicU64,
    ) -> Result<u64> {
        receive_file(self, Arc::new(file), progress).await
    }
}

async fn send_file(
    stream: &Stream,
    file: Arc<File>,
    sparse: bool,
    progress: &AtomicU64,
) -> Result<u64> {
    let f = file.clone();
    let (len, is_block) = blocking(move || {
        let m = f.metadata()?;
        Ok((m.len(), m.file_type().is_block_device()))
    })
    .await?;
    let mut offset = 0u64;
    let mut sent = 0u64;
    let mut buf = vec![0u8; CHUNK];
    loop {
        // A block device has no holes to look for.
        let section = if sparse && !is_block {
            let f = file.clone();
            blocking(move || section_at(&f, offset, len)).await?
        } else {
            Section::Data(u64::MAX)
        };
        let data_len = match section {
            Section::Hole(0) | Section::Data(0) => break,
            Section::Hole(n) => {
                stream.send_hole(n).await?;
                offset += n;
                progress.fetch_add(n, Ordering::Relaxed);
                continue;
            }
            Section::Data(n) => n,
        };
        // Send the data section, one packet at a time, until it or the file ends.
        let mut left = data_len;
        while left > 0 {
            let want = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
            let f = file.clone();
            let (b, n) = blocking(move || {
                let mut b = buf;
                let n = f.read_at(&mut b[..want], offset)?;
                Ok((b, n))
            })
            .await?;
            buf = b;
            if n == 0 {
                return Ok(sent);
            }
            stream.send(&buf[..n]).await?;
            progress.fetch_add(n as u64, Ordering::Relaxed);
            offset += n as u64;
            sent += n as u64;
            left -= n as u64;
        }
    }
    Ok(sent)
}

async fn receive_file(stream: &mut Stream, file: Arc<File>, progress: &AtomicU64) -> Result<u64> {
    let f = file.clone();
    let is_block = blocking(move || Ok(f.metadata()?.file_type().is_block_device())).await?;
    let mut offset = 0u64;
    while let Some(piece) = stream.recv_sparse().await? {
        let f = file.clone();
        let at = offset;
        match piece {
            StreamData::Data(b) => {
                offset += b.len() as u64;
                let n = b.len() as u64;
                blocking(move || f.write_all_at(&b, at)).await?;
                progress.fetch_add(n, Ordering::Relaxed);
            }
            StreamData::Hole(n) => {
                offset += n;
                let end = offset;
                blocking(move || {
                    if is_block {
                        // Reads of a block device only give zeros where zeros were written.
                        let zeros = vec![0u8; ZEROS];
                        let mut pos = at;
                        while pos < end {
                            let k = usize::try_from(end - pos).unwrap_or(ZEROS).min(ZEROS);
                            f.write_all_at(&zeros[..k], pos)?;
                            pos += k as u64;
                        }
                        Ok(())
                    } else {
                        // Growing the file leaves the gap unallocated.
                        f.set_len(end)
                    }
                })
                .await?;
                progress.fetch_add(n, Ordering::Relaxed);
            }
        }
    }
    Ok(offset)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn sections_of_a_sparse_file() {
        let f = tempfile::tempfile().unwrap();
        // 1 MiB hole, 4 KiB data, 1 MiB hole up to the end.
        f.write_all_at(&[7u8; 4096], 1 << 20).unwrap();
        let len = (2 << 20) + 4096;
        f.set_len(len).unwrap();
        assert_eq!(section_at(&f, 0, len).unwrap(), Section::Hole(1 << 20));
        assert_eq!(section_at(&f, 1 << 20, len).unwrap(), Section::Data(4096));
        assert_eq!(
            section_at(&f, (1 << 20) + 4096, len).unwrap(),
            Section::Hole(1 << 20)
        );
        assert_eq!(section_at(&f, len, len).unwrap(), Section::Hole(0));
    }
}
