//! Volume contents: upload and download streams, wiping, and cloning into a new volume.

use virt_proto::remote as p;

use super::{StoragePool, StorageVol};
use crate::error::Result;
use crate::stream::Stream;

/// `VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM` / `VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM`.
pub const VOL_TRANSFER_SPARSE: u32 = 1;

impl StorageVol {
    /// Opens a stream that writes into the volume from byte `offset` on; `length` 0 means up
    /// to the end. Send the data with [`Stream::send`], then [`Stream::finish`].
    pub async fn upload(&self, offset: u64, length: u64, flags: u32) -> Result<Stream> {
        let args = p::StorageVolUploadArgs {
            vol: self.raw.clone(),
            offset,
            length,
            flags,
        };
        Ok(Stream::open(&self.conn, &args).await?.0)
    }

    /// Opens a stream that reads the volume from byte `offset` on; `length` 0 means up to the
    /// end. Read with [`Stream::recv`] until it returns `None`, then [`Stream::finish`].
    pub async fn download(&self, offset: u64, length: u64, flags: u32) -> Result<Stream> {
        let args = p::StorageVolDownloadArgs {
            vol: self.raw.clone(),
            offset,
            length,
            flags,
        };
        Ok(Stream::open(&self.conn, &args).await?.0)
    }

    /// Writes `data` into the volume at `offset` and waits until the daemon confirms.
    pub async fn upload_bytes(&self, offset: u64, data: &[u8]) -> Result<()> {
        let length = u64::try_from(data.len()).unwrap_or(u64::MAX);
        let stream = self.upload(offset, length, 0).await?;
        stream.send(data).await?;
        stream.finish().await
    }

    /// Reads `length` bytes (0: to the end) from `offset`, refusing more than `limit` bytes.
    pub async fn download_bytes(&self, offset: u64, length: u64, limit: usize) -> Result<Vec<u8>> {
        let mut stream = self.download(offset, length, 0).await?;
        let data = stream.recv_all(limit).await?;
        stream.finish().await?;
        Ok(data)
    }

    /// Overwrites the volume's data with zeros (`virStorageVolWipe`).
    pub async fn wipe(&self, flags: u32) -> Result<()> {
        self.conn
            .call(&p::StorageVolWipeArgs {
                vol: self.raw.clone(),
                flags,
            })
            .await
    }

    /// Overwrites the volume's data with `algorithm` (`VIR_STORAGE_VOL_WIPE_ALG_*`).
    pub async fn wipe_pattern(&self, algorithm: u32, flags: u32) -> Result<()> {
        self.conn
            .call(&p::StorageVolWipePatternArgs {
                vol: self.raw.clone(),
                algorithm,
                flags,
            })
            .await
    }
}

impl StoragePool {
    /// Creates a volume from XML in this pool, with `source`'s contents (a clone).
    pub async fn create_volume_from(
        &self,
        xml: &str,
        source: &StorageVol,
        flags: u32,
    ) -> Result<StorageVol> {
        let r = self
            .conn
            .call(&p::StorageVolCreateXmlFromArgs {
                pool: self.raw.clone(),
                xml: xml.into(),
                clonevol: source.raw.clone(),
                flags,
            })
            .await?;
        Ok(StorageVol {
            conn: self.conn.clone(),
            raw: r.vol,
        })
    }
}
