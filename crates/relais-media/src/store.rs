//! Content-addressed storage of media files under the data directory:
//! `ROOT/media/ab/cd/<sha256>` (the first two pairs of hex digits as folders,
//! so no folder grows huge) and `ROOT/thumbs/<sha256>.jpg`.

use crate::{is_sha256_hex, sha256_hex, Ingested, THUMBNAIL_EXTENSION};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The media files of one relais instance.
#[derive(Debug, Clone)]
pub struct MediaStore {
    root: PathBuf,
}

impl MediaStore {
    /// A store under `root` (usually the data directory). Nothing is created
    /// until the first [`MediaStore::put`].
    pub fn new(root: PathBuf) -> Self {
        MediaStore { root }
    }

    /// Where the file with this SHA-256 is (or would be); `None` unless `sha256`
    /// is 64 lower-case hex digits, so a request can never name another path.
    pub fn path(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256_hex(sha256).then(|| {
            self.root
                .join("media")
                .join(&sha256[0..2])
                .join(&sha256[2..4])
                .join(sha256)
        })
    }

    /// Where the thumbnail of the file with this SHA-256 is (or would be).
    pub fn thumbnail_path(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256_hex(sha256).then(|| {
            self.root
                .join("thumbs")
                .join(format!("{sha256}.{THUMBNAIL_EXTENSION}"))
        })
    }

    /// Whether the file with this SHA-256 is stored.
    pub fn contains(&self, sha256: &str) -> bool {
        self.path(sha256).is_some_and(|p| p.is_file())
    }

    /// Stores the bytes (and thumbnail) of an ingested file. Idempotent: a file
    /// already there is left as it is. Each file is written to a temporary file
    /// in its final folder, flushed to disk, then renamed, so a reader never
    /// sees half a file. Refuses an `Ingested` whose `sha256` is not that of
    /// its bytes.
    pub fn put(&self, media: &Ingested) -> io::Result<()> {
        let path = self.path(&media.sha256).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the SHA-256 is not 64 lower-case hex digits",
            )
        })?;
        if sha256_hex(&media.bytes) != media.sha256 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the SHA-256 does not match the bytes",
            ));
        }
        write_once(&path, &media.bytes)?;
        if let (Some(thumb), Some(thumb_path)) =
            (&media.thumbnail, self.thumbnail_path(&media.sha256))
        {
            write_once(&thumb_path, thumb)?;
        }
        Ok(())
    }
}

fn write_once(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if path.is_file() {
        return Ok(());
    }
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no parent folder"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable (best effort: not every filesystem allows it).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
