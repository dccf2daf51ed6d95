//! Secrets for relais: argon2id password hashes and random tokens.
//!
//! Passwords are hashed with argon2id (the `argon2` crate's defaults follow OWASP's
//! recommendation: 19 MiB, 2 iterations, 1 lane). Session, CSRF, invitation and API
//! tokens are 256-bit random values; only their SHA-256 digest is stored, which is
//! enough for secrets of that entropy and lets the server look them up by digest.
//! The credentials of connected accounts are sealed at rest by [`vault`].

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub mod vault;

/// Hashing failed (only on resource exhaustion or a corrupt stored hash).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password with argon2id and a random salt, in PHC string format.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks a password against a stored PHC hash. A malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password nobody knows, used to spend the same time on a login for
/// an unknown address as for a known one (no user enumeration by timing).
pub fn dummy_verify(password: &str) {
    static DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1UQpHz/9Tm5xWX+JWhHP4cWlHWkRlnnbRVYq0wJqBDg";
    let _ = verify_password(password, DUMMY);
}

/// A fresh random secret: 32 bytes, URL-safe base64 without padding (43 chars).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The prefix that marks relais API tokens, so that secret scanners can find them.
pub const API_TOKEN_PREFIX: &str = "rls_";

/// A fresh API token (`rls_` + random secret).
pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token())
}

/// A generated password for `relais user add` and the demo: 20 characters from an
/// alphabet without look-alikes, about 110 bits.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| {
            let i = (rng.next_u32() as usize) % ALPHABET.len();
            char::from(ALPHABET[i])
        })
        .collect()
}

/// The digest under which a token is stored and looked up (hex SHA-256).
pub fn token_digest(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_round_trip() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterx", &h));
        assert!(!verify_password("anything", "not a hash"));
        // Two hashes of one password differ (random salt).
        assert_ne!(h, hash_password("correct horse battery").unwrap());
    }

    #[test]
    fn tokens_are_random_and_digests_stable() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(new_api_token().starts_with(API_TOKEN_PREFIX));
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let p = generate_password();
        assert_eq!(p.chars().count(), 20);
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
