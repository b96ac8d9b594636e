//! Argon2id hashing, always off the async runtime, and the shipped list of
//! common passwords the policy refuses.

use app::domain::password::Owner;
use app::domain::Password;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

/// Lower-case, 8 characters or more; see the file's header for its source.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// The policy's verdict on a new password for this owner: the message to
/// show when it is too easy to guess.
pub fn check_strength(password: &Password, email: &str, name: &str) -> Result<(), &'static str> {
    match password.weakness(&Owner { email, name }, |candidate| {
        COMMON.contains(candidate)
    }) {
        Some(message) => Err(message),
        None => Ok(()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

/// Verifies against the stored hash, or against a dummy hash when there is
/// none, so unknown accounts take as long as known ones (and never match).
/// An empty stored hash is an account without a password (a requester who
/// raised a ticket without signing up): it never matches either.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, HashError> {
    let stored = stored.filter(|hash| !hash.is_empty());
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => matches(&password, &hash),
        None => {
            matches(&password, &dummy_hash()?)?;
            Ok(false)
        }
    })
    .await?
}

fn matches(password: &str, stored: &str) -> Result<bool, HashError> {
    let parsed = PasswordHash::new(stored).map_err(|e| HashError::Hash(e.to_string()))?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

fn hash_now(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

fn dummy_hash() -> Result<String, HashError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_now("ferrodesk-dummy-password")?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_what_it_hashed_and_nothing_else() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(stored.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse battery".into(), Some(stored))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn accounts_without_a_password_never_verify() {
        assert!(!verify(String::new(), Some(String::new())).await.unwrap());
        assert!(!verify("anything".into(), Some(String::new()))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify_even_with_the_dummy_password() {
        assert!(!verify("ferrodesk-dummy-password".into(), None)
            .await
            .unwrap());
        assert!(!verify("anything at all".into(), None).await.unwrap());
    }

    #[test]
    fn the_shipped_list_is_large_and_refuses_the_usual_suspects() {
        assert!(COMMON.len() >= 10_000, "{}", COMMON.len());
        for common in [
            "password123",
            "Password1",
            "qwerty123",
            "iloveyou1",
            "12345678",
        ] {
            let password = Password::parse(common).unwrap();
            assert_eq!(
                check_strength(&password, "x@example.com", "X"),
                Err(app::domain::password::TOO_COMMON),
                "{common}"
            );
        }
        let fine = Password::parse("correct horse battery").unwrap();
        assert_eq!(check_strength(&fine, "ada@example.com", "Ada"), Ok(()));
    }
}
