//! The credentials vault: secrets of connected accounts sealed at rest with
//! XChaCha20-Poly1305.
//!
//! A sealed value reads `v1.<key id>.<base64url(nonce || ciphertext)>`: a random
//! 24-byte nonce per message, and a *context* (for example
//! `"account-credentials:42"`) bound as associated data, so that a value copied
//! to another row does not open there. The key id (first 8 hex digits of the
//! key's SHA-256) says which key sealed a value without revealing it; during a
//! rotation the vault still opens values sealed with a previous key, and
//! [`Vault::needs_rotation`] / [`Vault::reseal`] move them to the current one.
//!
//! Neither errors nor `Debug` output ever contain a key, a plaintext or a sealed
//! value.

use base64::alphabet;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;
/// The wrapper that wipes opened plaintexts on drop (re-exported for callers).
pub use zeroize::Zeroizing;

/// The version tag that starts every sealed value.
const VERSION: &str = "v1";
/// Key length of XChaCha20-Poly1305.
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Length of a key id in hex digits.
const ID_LEN: usize = 8;

/// Base64 decoders that accept the padding or its absence.
const STANDARD_LAX: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const URL_SAFE_LAX: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A 256-bit vault key. Its `Debug` output is only its id; its bytes are
/// wiped when it is dropped.
#[derive(Clone)]
pub struct SecretKey {
    bytes: [u8; KEY_LEN],
    id: String,
}

/// Why a text is not a key. Never contains the text itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not base64 (a key is 32 random bytes in standard or URL-safe base64, 43 or 44 characters, e.g. the output of `openssl rand -base64 32`)")]
    NotBase64,
    #[error("wrong length: it decodes to {len} bytes, a key is exactly 32 bytes (e.g. the output of `openssl rand -base64 32`)")]
    WrongLength { len: usize },
}

impl SecretKey {
    /// A key from its raw bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> SecretKey {
        let digest = Sha256::digest(bytes);
        let id = digest
            .iter()
            .take(ID_LEN / 2)
            .map(|b| format!("{b:02x}"))
            .collect();
        SecretKey { bytes, id }
    }

    /// A fresh random key from the operating system's generator.
    pub fn generate() -> SecretKey {
        let mut bytes = [0u8; KEY_LEN];
        OsRng.fill_bytes(&mut bytes);
        let key = SecretKey::from_bytes(bytes);
        bytes.zeroize();
        key
    }

    /// Parses standard or URL-safe base64, padded or not; surrounding
    /// whitespace (a key file's final newline) is ignored.
    pub fn from_base64(text: &str) -> Result<SecretKey, KeyError> {
        let text = text.trim();
        let decoded = STANDARD_LAX
            .decode(text)
            .or_else(|_| URL_SAFE_LAX.decode(text))
            .map(Zeroizing::new)
            .map_err(|_| KeyError::NotBase64)?;
        let bytes: [u8; KEY_LEN] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::WrongLength { len: decoded.len() })?;
        let key = SecretKey::from_bytes(bytes);
        let mut bytes = bytes;
        bytes.zeroize();
        Ok(key)
    }

    /// The key in standard padded base64 (44 characters), as written to a key file.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.bytes)
    }

    /// The first 8 hex digits of the SHA-256 of the key: names the key without
    /// revealing it.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.bytes))
    }
}

impl std::str::FromStr for SecretKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SecretKey::from_base64(s)
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.id)
    }
}

/// Why a sealed value did not open. Never contains the value or its plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// Sealed with a key that is neither the current one nor a previous one.
    #[error("sealed with key {id}, which is not configured: add it to secrets.previous_keys")]
    UnknownKey { id: String },
    /// Authentication failed: the value was altered, or it belongs to another
    /// context (copied from another row). AEAD cannot tell the two apart.
    #[error("the sealed value does not authenticate: it was altered or belongs to another record")]
    Corrupt,
    /// Not a sealed value at all.
    #[error("not a sealed value: {reason}")]
    Malformed { reason: &'static str },
}

/// The current key, which seals, and previous keys still accepted for opening.
#[derive(Clone)]
pub struct Vault {
    pub current: SecretKey,
    pub previous: Vec<SecretKey>,
}

/// A sealed value split into its parts.
struct Parsed<'a> {
    key_id: &'a str,
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

fn parse(sealed: &str) -> Result<Parsed<'_>, VaultError> {
    let malformed = |reason| Err(VaultError::Malformed { reason });
    let mut parts = sealed.splitn(3, '.');
    let (Some(version), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
    else {
        return malformed("expected v1.<key id>.<data>");
    };
    if version != VERSION {
        return malformed("unsupported version (expected v1)");
    }
    if key_id.len() != ID_LEN
        || !key_id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return malformed("the key id is not 8 lowercase hex digits");
    }
    let Ok(data) = URL_SAFE_NO_PAD.decode(body) else {
        return malformed("the data is not unpadded URL-safe base64");
    };
    if data.len() < NONCE_LEN + TAG_LEN {
        return malformed("the data is too short to hold a nonce and a tag");
    }
    let (nonce, ciphertext) = data.split_at(NONCE_LEN);
    let mut n = [0u8; NONCE_LEN];
    n.copy_from_slice(nonce);
    Ok(Parsed {
        key_id,
        nonce: n,
        ciphertext: ciphertext.to_vec(),
    })
}

impl Vault {
    /// A vault sealing with `current` and also opening values of `previous`.
    pub fn new(current: SecretKey, previous: Vec<SecretKey>) -> Vault {
        Vault { current, previous }
    }

    /// Encrypts `plaintext` with the current key and a fresh random nonce,
    /// binding `context` (e.g. `"account-credentials:42"`).
    pub fn seal(&self, plaintext: &[u8], context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: context.as_bytes(),
        };
        // Encryption fails only when the message exceeds the cipher's limit
        // (256 GiB for XChaCha20), which no credential approaches.
        let ciphertext = match self
            .current
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), payload)
        {
            Ok(c) => c,
            Err(_) => unreachable!("XChaCha20-Poly1305 refused a message under 256 GiB"),
        };
        let mut data = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        data.extend_from_slice(&nonce);
        data.extend_from_slice(&ciphertext);
        format!(
            "{VERSION}.{}.{}",
            self.current.id(),
            URL_SAFE_NO_PAD.encode(data)
        )
    }

    /// Decrypts a value sealed by [`Vault::seal`] with the same `context`,
    /// using the current or a previous key, whichever id matches. The
    /// plaintext is wiped when dropped.
    pub fn open(&self, sealed: &str, context: &str) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        let parsed = parse(sealed)?;
        let mut candidates = self.keys().filter(|k| k.id() == parsed.key_id).peekable();
        if candidates.peek().is_none() {
            return Err(VaultError::UnknownKey {
                id: parsed.key_id.to_string(),
            });
        }
        // Ids are 32 bits: two configured keys could share one, so try each.
        for key in candidates {
            let payload = Payload {
                msg: &parsed.ciphertext,
                aad: context.as_bytes(),
            };
            if let Ok(plain) = key
                .cipher()
                .decrypt(XNonce::from_slice(&parsed.nonce), payload)
            {
                return Ok(Zeroizing::new(plain));
            }
        }
        Err(VaultError::Corrupt)
    }

    /// Whether a well-formed value was sealed with a key other than the current
    /// one (a malformed value gives `false`: [`Vault::open`] reports it).
    pub fn needs_rotation(&self, sealed: &str) -> bool {
        parse(sealed).is_ok_and(|p| p.key_id != self.current.id())
    }

    /// For `relais keys rotate`: the value sealed again with the current key
    /// when it was sealed with a previous one, `None` when it already uses the
    /// current key. Errors as [`Vault::open`].
    pub fn reseal(&self, sealed: &str, context: &str) -> Result<Option<String>, VaultError> {
        let plain = self.open(sealed, context)?;
        if !self.needs_rotation(sealed) {
            return Ok(None);
        }
        Ok(Some(self.seal(&plain, context)))
    }

    /// The current key, then the previous ones.
    fn keys(&self) -> impl Iterator<Item = &SecretKey> {
        std::iter::once(&self.current).chain(&self.previous)
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("current", &self.current)
            .field("previous", &self.previous)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTX: &str = "account-credentials:42";

    fn key(byte: u8) -> SecretKey {
        SecretKey::from_bytes([byte; KEY_LEN])
    }

    #[test]
    fn round_trip() {
        let vault = Vault::new(key(1), vec![]);
        for plain in [
            &b""[..],
            b"app-password-1234",
            &[0u8, 255, 7][..],
            &[b'x'; 5000][..],
        ] {
            let sealed = vault.seal(plain, CTX);
            assert!(
                sealed.starts_with(&format!("v1.{}.", key(1).id())),
                "{sealed}"
            );
            assert_eq!(vault.open(&sealed, CTX).unwrap().as_slice(), plain);
            assert!(!vault.needs_rotation(&sealed));
            assert_eq!(vault.reseal(&sealed, CTX).unwrap(), None);
        }
    }

    #[test]
    fn every_flipped_byte_fails() {
        let vault = Vault::new(key(1), vec![]);
        let sealed = vault.seal(b"hunter2", CTX);
        let (prefix, body) = sealed.rsplit_once('.').unwrap();
        let data = URL_SAFE_NO_PAD.decode(body).unwrap();
        for i in 0..data.len() {
            for bit in [0x01u8, 0x80] {
                let mut altered = data.clone();
                altered[i] ^= bit;
                let text = format!("{prefix}.{}", URL_SAFE_NO_PAD.encode(&altered));
                assert_eq!(vault.open(&text, CTX), Err(VaultError::Corrupt), "byte {i}");
            }
        }
        // Truncated or extended data does not open either.
        let short = format!(
            "{prefix}.{}",
            URL_SAFE_NO_PAD.encode(&data[..data.len() - 1])
        );
        assert_eq!(vault.open(&short, CTX), Err(VaultError::Corrupt));
        let mut long = data.clone();
        long.push(0);
        let long = format!("{prefix}.{}", URL_SAFE_NO_PAD.encode(&long));
        assert_eq!(vault.open(&long, CTX), Err(VaultError::Corrupt));
    }

    #[test]
    fn wrong_context_fails() {
        let vault = Vault::new(key(1), vec![]);
        let sealed = vault.seal(b"token", "account-credentials:42");
        for other in ["account-credentials:43", "account-credentials:4", "", "x"] {
            let err = vault.open(&sealed, other).unwrap_err();
            assert_eq!(err, VaultError::Corrupt, "{other}");
        }
    }

    #[test]
    fn a_previous_key_opens_and_needs_rotation() {
        let old = Vault::new(key(1), vec![]);
        let sealed = old.seal(b"secret-token", CTX);
        let rotated = Vault::new(key(2), vec![key(3), key(1)]);
        assert_eq!(
            rotated.open(&sealed, CTX).unwrap().as_slice(),
            b"secret-token"
        );
        assert!(rotated.needs_rotation(&sealed));
        let resealed = rotated.reseal(&sealed, CTX).unwrap().unwrap();
        assert!(!rotated.needs_rotation(&resealed));
        assert!(resealed.starts_with(&format!("v1.{}.", key(2).id())));
        assert_eq!(
            rotated.open(&resealed, CTX).unwrap().as_slice(),
            b"secret-token"
        );
        // Once the old key is dropped from the configuration, the old value is unknown.
        let later = Vault::new(key(2), vec![]);
        assert!(matches!(
            later.open(&sealed, CTX),
            Err(VaultError::UnknownKey { .. })
        ));
        assert_eq!(
            later.open(&resealed, CTX).unwrap().as_slice(),
            b"secret-token"
        );
    }

    #[test]
    fn unknown_key_names_the_id_and_the_fix() {
        let sealed = Vault::new(key(7), vec![]).seal(b"pw", CTX);
        let err = Vault::new(key(1), vec![key(2)])
            .open(&sealed, CTX)
            .unwrap_err();
        assert_eq!(
            err,
            VaultError::UnknownKey {
                id: key(7).id().to_string()
            }
        );
        assert_eq!(
            err.to_string(),
            format!(
                "sealed with key {}, which is not configured: add it to secrets.previous_keys",
                key(7).id()
            )
        );
    }

    #[test]
    fn two_seals_of_the_same_text_differ() {
        let vault = Vault::new(key(1), vec![]);
        let a = vault.seal(b"same", CTX);
        let b = vault.seal(b"same", CTX);
        assert_ne!(a, b);
        let nonce = |s: &str| {
            URL_SAFE_NO_PAD
                .decode(s.rsplit_once('.').unwrap().1)
                .unwrap()[..NONCE_LEN]
                .to_vec()
        };
        assert_ne!(nonce(&a), nonce(&b));
    }

    #[test]
    fn malformed_inputs() {
        let vault = Vault::new(key(1), vec![]);
        let id = key(1).id().to_string();
        let sealed = vault.seal(b"x", CTX);
        let body = sealed.rsplit_once('.').unwrap().1.to_string();
        let short = URL_SAFE_NO_PAD.encode([0u8; NONCE_LEN + TAG_LEN - 1]);
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "expected v1.<key id>.<data>"),
            ("hunter2".into(), "expected v1.<key id>.<data>"),
            (format!("v1.{id}"), "expected v1.<key id>.<data>"),
            (format!("v2.{id}.{body}"), "unsupported version"),
            (format!("V1.{id}.{body}"), "unsupported version"),
            (format!("v1.{}.{body}", id.to_uppercase()), "key id"),
            (format!("v1.{}.{body}", &id[..7]), "key id"),
            (format!("v1.{id}0.{body}"), "key id"),
            (format!("v1.zzzzzzzz.{body}"), "key id"),
            (format!("v1.{id}.{body}="), "base64"),
            (format!("v1.{id}.{body}.x"), "base64"),
            (format!("v1.{id}.+{body}"), "base64"),
            (format!("v1.{id}.a"), "base64"),
            (format!("v1.{id}."), "too short"),
            (format!("v1.{id}.{short}"), "too short"),
        ];
        for (input, needle) in cases {
            let err = vault.open(&input, CTX).unwrap_err();
            let VaultError::Malformed { reason } = err else {
                panic!("{input:?}: {err:?}");
            };
            assert!(reason.contains(needle), "{input:?}: {reason}");
            assert!(!vault.needs_rotation(&input), "{input:?}");
        }
    }

    #[test]
    fn keys_parse_from_base64_with_clear_errors() {
        let k = SecretKey::generate();
        let standard = k.to_base64();
        assert_eq!(standard.len(), 44);
        let url = URL_SAFE_NO_PAD.encode(k.bytes);
        for text in [
            standard.clone(),
            standard.trim_end_matches('=').to_string(),
            url.clone(),
            format!("{url}="),
            format!("  {standard}\n"),
        ] {
            assert_eq!(
                SecretKey::from_base64(&text).unwrap().id(),
                k.id(),
                "{text}"
            );
        }
        assert_ne!(SecretKey::generate().id(), k.id());
        for (text, err) in [
            ("", KeyError::WrongLength { len: 0 }),
            ("c2hvcnQ=", KeyError::WrongLength { len: 5 }),
            (
                &STANDARD.encode([1u8; 33]),
                KeyError::WrongLength { len: 33 },
            ),
            ("not a key!", KeyError::NotBase64),
            ("ab+c_d", KeyError::NotBase64),
        ] {
            assert_eq!(SecretKey::from_base64(text).unwrap_err(), err, "{text}");
        }
        assert!(KeyError::NotBase64.to_string().starts_with("not base64"));
        assert!(KeyError::WrongLength { len: 5 }
            .to_string()
            .starts_with("wrong length: it decodes to 5 bytes"));
        // The id is the start of SHA-256 of the key bytes.
        assert_eq!(key(0).id(), "66687aad");
    }

    #[test]
    fn nothing_secret_in_debug_or_errors() {
        let k = key(9);
        let vault = Vault::new(k.clone(), vec![key(8)]);
        let debug = format!("{vault:?}");
        assert_eq!(
            debug,
            format!(
                "Vault {{ current: SecretKey({}), previous: [SecretKey({})] }}",
                k.id(),
                key(8).id()
            )
        );
        assert!(!debug.contains(&k.to_base64()));
        let sealed = vault.seal(b"PLAINTEXT-SECRET", CTX);
        let other = Vault::new(key(8), vec![]).seal(b"PLAINTEXT-SECRET", CTX);
        let errors = [
            vault.open(&sealed, "elsewhere").unwrap_err(),
            Vault::new(key(1), vec![]).open(&sealed, CTX).unwrap_err(),
            vault.open("PLAINTEXT-SECRET", CTX).unwrap_err(),
            vault.open(&format!("{other}x"), CTX).unwrap_err(),
        ];
        for err in errors {
            for text in [err.to_string(), format!("{err:?}")] {
                assert!(!text.contains("PLAINTEXT"), "{text}");
                assert!(!text.contains(&sealed[12..]), "{text}");
            }
        }
    }
}
