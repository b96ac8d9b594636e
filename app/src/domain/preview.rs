//! Which attached files open in the browser instead of downloading: common
//! images and PDFs. The page decides from the file name what to offer; the
//! server serves a file inline only when its first bytes agree.

/// What a browser can show of a file by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preview {
    Image,
    Pdf,
}

/// Guessed from the name, for the page: show a picture, or offer to open.
pub fn preview_by_name(file_name: &str) -> Option<Preview> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" => Some(Preview::Image),
        "pdf" => Some(Preview::Pdf),
        _ => None,
    }
}

/// The content type to serve a file inline with, from its first bytes;
/// `None` means it is served as a download.
pub fn inline_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_pdfs_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(inline_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(inline_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(inline_type(b"GIF89a.."), Some("image/gif"));
        assert_eq!(inline_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(inline_type(b"%PDF-1.7"), Some("application/pdf"));
        // HTML named .png stays a download.
        assert_eq!(inline_type(b"<html><script>"), None);
        assert_eq!(inline_type(b""), None);
    }

    #[test]
    fn the_page_offers_previews_by_extension() {
        assert_eq!(preview_by_name("Screen Shot.PNG"), Some(Preview::Image));
        assert_eq!(preview_by_name("quote.pdf"), Some(Preview::Pdf));
        assert_eq!(preview_by_name("notes.txt"), None);
        assert_eq!(preview_by_name("README"), None);
    }
}
