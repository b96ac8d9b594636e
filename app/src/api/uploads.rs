//! Forms that carry files (raising a ticket, replying): a multipart body is
//! read field by field; each file streams into the server's staging area,
//! where its size limit is enforced as it arrives, and only becomes part of a
//! ticket when the change it belongs to commits. A staged file that is never
//! committed is deleted when it is dropped, so a refused form leaves nothing.

use super::backend::internal;
use crate::error::AppError;
use crate::service::TicketService;
use futures::StreamExt;
use leptos::server_fn::codec::MultipartData;
use std::collections::HashMap;
use std::path::PathBuf;

/// The bytes of one uploaded file as they arrive.
pub type ByteStream = futures::stream::BoxStream<'static, Result<bytes::Bytes, String>>;

/// At most this many files travel with one form.
pub const MAX_FILES: usize = 10;

/// A file written to the staging area, with its content hash.
#[derive(Debug)]
pub struct StagedFile {
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    path: Option<PathBuf>,
}

impl StagedFile {
    pub fn new(file_name: String, size_bytes: i64, sha256: String, path: PathBuf) -> Self {
        Self {
            file_name,
            size_bytes,
            sha256,
            path: Some(path),
        }
    }

    /// Hands the staged bytes over; the caller now owns the file at the path.
    pub fn take_path(&mut self) -> Option<PathBuf> {
        self.path.take()
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A multipart form read to the end: its text fields and its staged files.
pub struct UploadForm {
    fields: HashMap<String, String>,
    pub files: Vec<StagedFile>,
}

impl UploadForm {
    /// A text field, empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    pub fn optional(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }

    /// Reads every part; parts named `files` are staged through the desk.
    /// When the form cannot be read to the end (a file too large, say), the
    /// text read so far is kept as the page's draft.
    pub async fn read(data: MultipartData, desk: &dyn TicketService) -> Result<Self, AppError> {
        let mut form = UploadForm {
            fields: HashMap::new(),
            files: Vec::new(),
        };
        match form.read_parts(data, desk).await {
            Ok(()) => Ok(form),
            Err(err) => {
                form.keep_draft().await;
                Err(err)
            }
        }
    }

    /// Keeps the text fields as the page's draft, for a form that failed.
    pub async fn keep_draft(&self) {
        let fields = self.fields.iter().map(|(k, v)| (k.clone(), v.clone()));
        super::drafts::keep(fields.collect::<Vec<_>>()).await;
    }

    async fn read_parts(
        &mut self,
        data: MultipartData,
        desk: &dyn TicketService,
    ) -> Result<(), AppError> {
        let form = self;
        let mut multipart = data
            .into_inner()
            .ok_or_else(|| internal("multipart data read outside the server"))?;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(err) => {
                    return Err(AppError::BadRequest(format!(
                        "The form could not be read: {err}"
                    )))
                }
            };
            let name = field.name().unwrap_or_default().to_owned();
            if name == "files" {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let chunks: ByteStream = field.map(|r| r.map_err(|e| e.to_string())).boxed();
                // Browsers send an empty part when no file was chosen.
                if let Some(staged) = desk.stage_file(file_name, chunks).await? {
                    if form.files.len() == MAX_FILES {
                        return Err(AppError::field(
                            "files",
                            &format!("Attach at most {MAX_FILES} files at once."),
                        ));
                    }
                    form.files.push(staged);
                }
            } else {
                let value = field.text().await.map_err(|err| {
                    AppError::BadRequest(format!("The form could not be read: {err}"))
                })?;
                form.fields.insert(name, value);
            }
        }
        Ok(())
    }
}

/// The server-function paths that read a multipart body; every other
/// server function takes a URL-encoded form. The HTTP layer checks the
/// content type against this before the codec sees the body.
pub fn multipart_paths() -> [&'static str; 2] {
    use leptos::server_fn::ServerFn;
    [
        <super::tickets::RaiseTicket as ServerFn>::PATH,
        <super::tickets::ReplyToTicket as ServerFn>::PATH,
    ]
}
