//! Attachment bytes on disk: uploads stream into a staging folder (hashing
//! as they go, refused the moment they pass the size limit) and move to
//! their content-addressed home only when the change they belong to is
//! about to commit. Nothing here is ever served as a static file.

use crate::store::StoredFile;
use app::api::uploads::StagedFile;
use app::domain::text::is_invisible;
use app::service::ServiceError;
use futures::StreamExt;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;
use unicode_normalization::UnicodeNormalization;

/// A display name without path parts, control or invisible characters, in
/// Unicode NFC: the same name typed on two systems (a decomposed `é` from
/// macOS, a precomposed one from Windows) is then stored the same way, and
/// no two names differ only by characters nobody can see.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    // Filtered first: a dropped character may sit inside a sequence that
    // only composes once it is gone.
    let visible: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect();
    let cleaned: String = visible.nfc().take(200).collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    if trimmed.is_empty() {
        "attachment".to_owned()
    } else {
        trimmed.to_owned()
    }
}

pub fn storage_path(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("attachments").join(&sha256[..2]).join(sha256)
}

/// Removes stored files no ticket uses any more. A file already gone is
/// fine; one that cannot be removed is logged and left for an operator.
pub async fn remove(data_dir: &Path, digests: &[String]) {
    for sha256 in digests {
        let path = storage_path(data_dir, sha256);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "could not remove a file"),
        }
    }
}

pub fn too_large(limit: usize) -> ServiceError {
    let mib = limit as f64 / (1024.0 * 1024.0);
    ServiceError::TooLarge(format!(
        "A file is too large: attachments can be at most {mib:.1} MiB each."
    ))
}

/// Why a file's bytes stopped: a body that ended mid-file (cut off by the
/// client) is the sender's mistake; otherwise it is the body limit cutting
/// the stream.
fn broken(cause: &str, limit: usize) -> ServiceError {
    if cause.contains("incomplete") {
        ServiceError::Malformed(format!(
            "The file arrived incomplete ({cause}). Choose it again and resend."
        ))
    } else {
        too_large(limit)
    }
}

fn unstorable(cause: impl std::fmt::Display) -> ServiceError {
    app::service::internal(format!("attachment not stored: {cause}"))
}

/// Streams one file into the staging folder. `None` for an empty file (the
/// part browsers send when nothing was chosen).
pub async fn stage<E: std::fmt::Display>(
    data_dir: &Path,
    limit: usize,
    file_name: &str,
    chunks: impl futures::Stream<Item = Result<bytes::Bytes, E>>,
) -> Result<Option<StagedFile>, ServiceError> {
    let mut chunks = std::pin::pin!(chunks);
    let tmp_dir = data_dir.join("attachments").join("tmp");
    tokio::fs::create_dir_all(&tmp_dir)
        .await
        .map_err(unstorable)?;
    let path = tmp_dir.join(uuid::Uuid::new_v4().simple().to_string());
    let mut out = tokio::fs::File::create(&path).await.map_err(unstorable)?;
    // From here on the guard deletes the partial file on every early return.
    let mut staged = StagedFile::new(clean_file_name(file_name), 0, String::new(), path);
    let mut hasher = Sha256::new();
    let mut size = 0usize;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| broken(&e.to_string(), limit))?;
        size += chunk.len();
        if size > limit {
            return Err(too_large(limit));
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(unstorable)?;
    }
    out.flush().await.map_err(unstorable)?;
    drop(out);
    if size == 0 {
        return Ok(None);
    }
    staged.size_bytes = size as i64;
    staged.sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Some(staged))
}

/// Moves staged files to their content-addressed home, just before the
/// change that records them. Should that change fail, a placed file stays
/// as unreferenced content: deleting it could race with another upload of
/// the same bytes that already refers to it.
pub async fn place(
    data_dir: &Path,
    staged: Vec<StagedFile>,
) -> Result<Vec<StoredFile>, ServiceError> {
    let mut placed = Vec::with_capacity(staged.len());
    for mut file in staged {
        let Some(tmp) = file.take_path() else {
            continue;
        };
        let target = storage_path(data_dir, &file.sha256);
        let moved = if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            // The same bytes are already stored: keep one copy.
            tokio::fs::remove_file(&tmp).await.map_err(unstorable)
        } else {
            let dir = target.parent().map(Path::to_path_buf).unwrap_or_default();
            match tokio::fs::create_dir_all(&dir).await {
                Ok(()) => tokio::fs::rename(&tmp, &target).await.map_err(unstorable),
                Err(err) => Err(unstorable(err)),
            }
        };
        if let Err(err) = moved {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(err);
        }
        placed.push(StoredFile {
            file_name: file.file_name.clone(),
            size_bytes: file.size_bytes,
            sha256: file.sha256.clone(),
        });
    }
    Ok(placed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(parts: Vec<&'static [u8]>) -> app::api::uploads::ByteStream {
        futures::stream::iter(parts.into_iter().map(|p| Ok(bytes::Bytes::from_static(p)))).boxed()
    }

    #[test]
    fn file_names_lose_paths_controls_and_bidi_tricks() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\eve\\report.pdf"), "report.pdf");
        assert_eq!(clean_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_file_name("a\r\nb.txt"), "ab.txt");
        assert_eq!(clean_file_name("   "), "attachment");
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
        assert_eq!(clean_file_name("Cafe\u{301}.txt"), "Caf\u{e9}.txt");
        assert_eq!(
            clean_file_name("in\u{200B}voice\u{FEFF}.pdf"),
            "invoice.pdf"
        );
        assert_eq!(clean_file_name("\u{200D}\u{2060}"), "attachment");
        assert_eq!(clean_file_name("Cafe\u{200B}\u{301}.txt"), "Caf\u{e9}.txt");
    }

    #[tokio::test]
    async fn staged_files_vanish_unless_placed_and_duplicates_are_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("attachments").join("tmp");
        let count = |p: &Path| std::fs::read_dir(p).map(|d| d.count()).unwrap_or(0);

        let refused = stage(dir.path(), 4, "big.bin", stream(vec![b"abc", b"de"])).await;
        assert!(matches!(refused, Err(ServiceError::TooLarge(_))));
        assert_eq!(count(&tmp), 0, "a refused upload leaves nothing");

        assert!(stage(dir.path(), 4, "empty", stream(vec![]))
            .await
            .unwrap()
            .is_none());
        let dropped = stage(dir.path(), 4, "a.txt", stream(vec![b"ab"]))
            .await
            .unwrap();
        drop(dropped);
        assert_eq!(count(&tmp), 0, "an uncommitted upload leaves nothing");

        let first = stage(dir.path(), 4, "a.txt", stream(vec![b"ab"]))
            .await
            .unwrap()
            .unwrap();
        let second = stage(dir.path(), 4, "b.txt", stream(vec![b"a", b"b"]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.sha256, second.sha256);
        let placed = place(dir.path(), vec![first, second]).await.unwrap();
        assert_eq!(placed.len(), 2);
        let stored = storage_path(dir.path(), &placed[0].sha256);
        assert_eq!(std::fs::read(&stored).unwrap(), b"ab");
        assert_eq!(
            count(stored.parent().unwrap()),
            1,
            "one copy of the same bytes"
        );
        assert_eq!(count(&tmp), 0);
    }
}
