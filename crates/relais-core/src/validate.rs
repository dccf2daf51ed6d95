//! Validation of what people type: e-mail addresses, workspace slugs, names, passwords.
//!
//! Each failure is a [`FieldError`]: the field it belongs to and a stable code. The
//! web layer turns the code into a sentence in the reader's language (the i18n key
//! is `error-<code>`), and the API returns both.

use serde::Serialize;

/// One problem with one field of a form or API body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name, as in the form and the JSON body.
    pub field: &'static str,
    /// A stable code such as `email-invalid`; the message key is `error-<code>`.
    pub code: &'static str,
}

impl FieldError {
    pub const fn new(field: &'static str, code: &'static str) -> Self {
        FieldError { field, code }
    }
}

/// Minimum password length (ANSSI and NIST SP 800-63B recommend at least 12 for
/// passwords that are the only factor).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Maximum password length, so that hashing cost stays bounded.
pub const PASSWORD_MAX_CHARS: usize = 256;

/// A normalised (trimmed, lower-case) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses an address typed by a person. Deliberately simple: one `@`, a
    /// non-empty local part, a domain with a dot, no spaces, at most 254 bytes.
    pub fn parse(field: &'static str, input: &str) -> Result<Email, FieldError> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let valid = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && local.len() <= 64
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                }
                None => false,
            };
        if valid {
            Ok(Email(s))
        } else {
            Err(FieldError::new(field, "email-invalid"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A workspace slug: 2 to 48 of `a-z`, `0-9` and `-`, not starting or ending with `-`.
pub fn slug(field: &'static str, input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let ok = (2..=48).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(field, "slug-invalid"))
    }
}

/// A display name (person or workspace): trimmed, 1 to 100 characters, no control
/// characters.
pub fn name(field: &'static str, input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if s.chars().count() > 100 {
        return Err(FieldError::new(field, "too-long"));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(field, "invalid-characters"));
    }
    Ok(s.to_string())
}

/// A new password and its confirmation. Length only: composition rules make
/// passwords worse (NIST SP 800-63B §5.1.1.2).
pub fn new_password(
    field: &'static str,
    confirm_field: &'static str,
    password: &str,
    confirm: &str,
) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n == 0 {
        return Err(FieldError::new(field, "required"));
    }
    if n < PASSWORD_MIN_CHARS {
        return Err(FieldError::new(field, "password-too-short"));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(FieldError::new(field, "password-too-long"));
    }
    if password != confirm {
        return Err(FieldError::new(confirm_field, "password-mismatch"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_table() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("a@b.fr", Ok("a@b.fr")),
            ("  Marie.Dupont@Agence.FR ", Ok("marie.dupont@agence.fr")),
            ("", Err("required")),
            ("   ", Err("required")),
            ("not-an-email", Err("email-invalid")),
            ("a@b", Err("email-invalid")),
            ("@b.fr", Err("email-invalid")),
            ("a@@b.fr", Err("email-invalid")),
            ("a b@c.fr", Err("email-invalid")),
            ("a@.fr", Err("email-invalid")),
            ("a@b.fr.", Err("email-invalid")),
            ("a@b..fr", Err("email-invalid")),
        ];
        for (input, expected) in cases {
            let got = Email::parse("email", input);
            match expected {
                Ok(norm) => assert_eq!(
                    got.map(Email::into_string).as_deref(),
                    Ok(*norm),
                    "{input:?}"
                ),
                Err(code) => assert_eq!(got.map_err(|e| e.code), Err(*code), "{input:?}"),
            }
        }
        let long = format!("{}@b.fr", "a".repeat(65));
        assert!(Email::parse("email", &long).is_err());
    }

    #[test]
    fn slug_table() {
        let cases: &[(&str, bool)] = &[
            ("maison-dupain", true),
            ("ab", true),
            ("a", false),
            ("Maison", false),
            ("-ab", false),
            ("ab-", false),
            ("a--b", false),
            ("café", false),
            ("a b", false),
            (&"a".repeat(49), false),
        ];
        for (input, ok) in cases {
            assert_eq!(slug("slug", input).is_ok(), *ok, "{input:?}");
        }
    }

    #[test]
    fn name_and_password_rules() {
        assert_eq!(
            name("name", "  Théâtre Lumière "),
            Ok("Théâtre Lumière".into())
        );
        assert_eq!(name("name", "").map_err(|e| e.code), Err("required"));
        assert_eq!(
            name("name", &"é".repeat(101)).map_err(|e| e.code),
            Err("too-long")
        );
        assert_eq!(
            name("name", "a\u{7}b").map_err(|e| e.code),
            Err("invalid-characters")
        );

        let p = |a: &str, b: &str| {
            new_password("password", "confirm", a, b).map_err(|e| (e.field, e.code))
        };
        assert_eq!(p("", ""), Err(("password", "required")));
        assert_eq!(p("short", "short"), Err(("password", "password-too-short")));
        assert_eq!(p("twelve chars", "twelve chars"), Ok(()));
        assert_eq!(
            p("twelve chars", "twelve charz"),
            Err(("confirm", "password-mismatch"))
        );
        assert_eq!(
            p(&"x".repeat(257), &"x".repeat(257)),
            Err(("password", "password-too-long"))
        );
    }
}
