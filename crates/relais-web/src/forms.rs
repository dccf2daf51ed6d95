//! Form state for pages: what was typed, and the errors tied to each field.
//!
//! A form that fails validation is drawn again with the typed values kept, each
//! error next to its field (`aria-invalid`, `aria-describedby`) and a summary at
//! the top linking to the fields.

use crate::error::AppError;
use crate::tr::Tr;
use axum::extract::{FromRequest, Request};
use relais_core::validate::FieldError;
use serde::de::DeserializeOwned;

/// A form's values and errors. Field ids are `prefix` + the field name with `_`
/// turned into `-` (`invite-` + `email` → `invite-email`).
#[derive(Debug, Clone, Default)]
pub struct FormState {
    prefix: &'static str,
    values: Vec<(&'static str, String)>,
    errors: Vec<(&'static str, String)>,
}

impl FormState {
    pub fn new(prefix: &'static str) -> FormState {
        FormState {
            prefix,
            ..Default::default()
        }
    }

    /// Keeps a typed value, to draw it again.
    pub fn keep(mut self, name: &'static str, value: &str) -> FormState {
        self.values.push((name, value.to_string()));
        self
    }

    /// Adds errors, worded in the reader's language.
    pub fn with_errors(mut self, tr: &Tr, errors: &[FieldError]) -> FormState {
        for e in errors {
            self.errors
                .push((e.field, tr.t(&format!("error-{}", e.code))));
        }
        self
    }

    /// Adds an error with a message already worded.
    pub fn with_message(mut self, field: &'static str, message: String) -> FormState {
        self.errors.push((field, message));
        self
    }

    pub fn id(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name.replace('_', "-"))
    }

    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| m.as_str())
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `(field id, message)` for the error summary.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(n, m)| (self.id(n), m.clone()))
            .collect()
    }

    /// The attributes of the field's input: id, name, value, and the error links.
    /// Escaped here; use with `|safe`.
    pub fn attrs(&self, name: &str) -> String {
        let id = self.id(name);
        let mut s = format!(
            "id=\"{}\" name=\"{}\" value=\"{}\"",
            escape(&id),
            escape(name),
            escape(self.value(name))
        );
        if self.error(name).is_some() {
            s.push_str(&format!(
                " aria-invalid=\"true\" aria-describedby=\"{}-error\"",
                escape(&id)
            ));
        }
        s
    }

    /// Like [`FormState::attrs`] without the value (password fields, selects).
    pub fn attrs_no_value(&self, name: &str) -> String {
        let id = self.id(name);
        let mut s = format!("id=\"{}\" name=\"{}\"", escape(&id), escape(name));
        if self.error(name).is_some() {
            s.push_str(&format!(
                " aria-invalid=\"true\" aria-describedby=\"{}-error\"",
                escape(&id)
            ));
        }
        s
    }

    /// Like [`FormState::attrs`] (or without the value, for secrets), the
    /// field also described by the hint paragraph `hint_id`. Escaped here; use
    /// with `|safe`.
    pub fn attrs_hinted(&self, name: &str, hint_id: &str, with_value: bool) -> String {
        let id = self.id(name);
        let mut s = format!("id=\"{}\" name=\"{}\"", escape(&id), escape(name));
        if with_value {
            s.push_str(&format!(" value=\"{}\"", escape(self.value(name))));
        }
        if self.error(name).is_some() {
            s.push_str(&format!(
                " aria-invalid=\"true\" aria-describedby=\"{} {}-error\"",
                escape(hint_id),
                escape(&id)
            ));
        } else {
            s.push_str(&format!(" aria-describedby=\"{}\"", escape(hint_id)));
        }
        s
    }

    /// The error paragraph of a field, or nothing. Escaped here; use with `|safe`.
    pub fn error_html(&self, name: &str) -> String {
        match self.error(name) {
            Some(msg) => format!(
                "<p class=\"field-error\" id=\"{}-error\">{}</p>",
                escape(&self.id(name)),
                escape(msg)
            ),
            None => String::new(),
        }
    }
}

/// HTML-escapes text for attributes and content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A URL-encoded form body; a malformed one is a 400 page, not a panic or a
/// plain-text rejection.
#[derive(Debug)]
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(PageForm(v)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge)
            }
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_escape_and_link_errors() {
        let f = FormState::new("invite-")
            .keep("email", "\"><script>")
            .with_message("email", "bad <b>".into());
        assert_eq!(
            f.attrs("email"),
            "id=\"invite-email\" name=\"email\" value=\"&quot;&gt;&lt;script&gt;\" aria-invalid=\"true\" aria-describedby=\"invite-email-error\""
        );
        assert_eq!(
            f.error_html("email"),
            "<p class=\"field-error\" id=\"invite-email-error\">bad &lt;b&gt;</p>"
        );
        assert_eq!(
            f.attrs_no_value("display_name"),
            "id=\"invite-display-name\" name=\"display_name\""
        );
        assert_eq!(f.error_html("role"), "");
        assert_eq!(
            f.attrs_hinted("email", "email-hint", false),
            "id=\"invite-email\" name=\"email\" aria-invalid=\"true\" aria-describedby=\"email-hint invite-email-error\""
        );
        assert_eq!(
            f.attrs_hinted("role", "role-hint", true),
            "id=\"invite-role\" name=\"role\" value=\"\" aria-describedby=\"role-hint\""
        );
    }
}
