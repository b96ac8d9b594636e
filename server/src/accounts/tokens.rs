//! One-time tokens for reset and invitation links: 256 random bits in the
//! link, only their SHA-256 in the database.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh token as it goes into a link.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores and looks up. The token is taken exactly as
/// given: a link with anything added (a space, a newline) is not the link.
pub fn digest(token: &str) -> String {
    let hash = Sha256::digest(token.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_unique_and_url_safe() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn digest_is_stable_and_hides_the_token() {
        let token = generate();
        assert_eq!(digest(&token), digest(&token));
        assert_eq!(digest(&token).len(), 64);
        assert!(!digest(&token).contains(&token));
    }

    #[test]
    fn only_the_exact_token_matches() {
        let token = generate();
        for altered in [
            format!("{token} "),
            format!(" {token}"),
            format!("{token}\n"),
        ] {
            assert_ne!(digest(&altered), digest(&token));
        }
    }
}
