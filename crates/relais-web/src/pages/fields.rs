//! Labelled form fields with dynamic names (`axes.2.name`, `variant.bluesky`),
//! for forms with repeatable groups: each field carries its label, its error
//! (`aria-invalid`, `aria-describedby`) and is listed in the error summary.
//!
//! [`crate::forms::FormState`] serves forms with fixed field names; this one
//! serves the charter and the composer, whose field names are built at run time.

use crate::forms::escape;

/// Errors of a form whose field names are paths.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    prefix: &'static str,
    errors: Vec<(String, String)>,
}

impl Fields {
    pub fn new(prefix: &'static str) -> Fields {
        Fields {
            prefix,
            errors: Vec::new(),
        }
    }

    /// Adds an error, already worded, on the field at `path`.
    pub fn push(&mut self, path: impl Into<String>, message: String) {
        self.errors.push((path.into(), message));
    }

    /// The HTML id of the field at `path` (`charter-` + `axes-2-name`).
    pub fn id(&self, path: &str) -> String {
        let mut id = String::from(self.prefix);
        for c in path.chars() {
            id.push(if c.is_ascii_alphanumeric() { c } else { '-' });
        }
        id
    }

    pub fn error(&self, path: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, m)| m.as_str())
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `(field id, message)` for the error summary.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|(p, m)| (self.id(p), m.clone()))
            .collect()
    }

    /// `id`, `name` and the error links of the field's control.
    pub fn attrs(&self, path: &str) -> String {
        let id = escape(&self.id(path));
        let mut s = format!("id=\"{id}\" name=\"{}\"", escape(path));
        if self.error(path).is_some() {
            s.push_str(&format!(
                " aria-invalid=\"true\" aria-describedby=\"{id}-error\""
            ));
        }
        s
    }

    pub fn error_html(&self, path: &str) -> String {
        match self.error(path) {
            Some(msg) => format!(
                "<p class=\"field-error\" id=\"{}-error\">{}</p>",
                escape(&self.id(path)),
                escape(msg)
            ),
            None => String::new(),
        }
    }

    fn hint_html(&self, path: &str, hint: &str) -> String {
        if hint.is_empty() {
            String::new()
        } else {
            format!(
                "<p class=\"hint\" id=\"{}-hint\">{}</p>",
                escape(&self.id(path)),
                escape(hint)
            )
        }
    }

    fn described(&self, path: &str, hint: &str) -> String {
        let id = self.id(path);
        let mut ids = Vec::new();
        if !hint.is_empty() {
            ids.push(format!("{id}-hint"));
        }
        if self.error(path).is_some() {
            ids.push(format!("{id}-error"));
        }
        let mut s = format!("id=\"{}\" name=\"{}\"", escape(&id), escape(path));
        if self.error(path).is_some() {
            s.push_str(" aria-invalid=\"true\"");
        }
        if !ids.is_empty() {
            s.push_str(&format!(" aria-describedby=\"{}\"", escape(&ids.join(" "))));
        }
        s
    }

    /// A labelled one-line input of `kind` (`text`, `number`, `time`, `date`, `url`).
    pub fn input(&self, kind: &str, path: &str, label: &str, value: &str, hint: &str) -> String {
        let extra = if kind == "number" {
            " inputmode=\"numeric\""
        } else {
            ""
        };
        // Numbers are typed as text so a wrong value is kept and explained, not dropped.
        let kind = if kind == "number" { "text" } else { kind };
        format!(
            "<div class=\"field\"><label for=\"{}\">{}</label>{}<input type=\"{}\" {} value=\"{}\"{extra}>{}</div>",
            escape(&self.id(path)),
            escape(label),
            self.hint_html(path, hint),
            escape(kind),
            self.described(path, hint),
            escape(value),
            self.error_html(path)
        )
    }

    pub fn text(&self, path: &str, label: &str, value: &str) -> String {
        self.input("text", path, label, value, "")
    }

    /// A labelled multi-line input.
    pub fn textarea(&self, path: &str, label: &str, value: &str, hint: &str, rows: u8) -> String {
        format!(
            "<div class=\"field\"><label for=\"{}\">{}</label>{}<textarea {} rows=\"{rows}\">{}</textarea>{}</div>",
            escape(&self.id(path)),
            escape(label),
            self.hint_html(path, hint),
            self.described(path, hint),
            escape(value),
            self.error_html(path)
        )
    }

    /// A labelled select; `options` are `(value, label)`.
    pub fn select(
        &self,
        path: &str,
        label: &str,
        value: &str,
        options: impl AsRef<[(String, String)]>,
    ) -> String {
        let mut opts = String::new();
        for (v, l) in options.as_ref() {
            let selected = if v == value { " selected" } else { "" };
            opts.push_str(&format!(
                "<option value=\"{}\"{selected}>{}</option>",
                escape(v),
                escape(l)
            ));
        }
        format!(
            "<div class=\"field\"><label for=\"{}\">{}</label><select {}>{opts}</select>{}</div>",
            escape(&self.id(path)),
            escape(label),
            self.described(path, ""),
            self.error_html(path)
        )
    }

    /// A labelled checkbox sending `value` under `path` when checked.
    pub fn checkbox(
        &self,
        path: &str,
        value: &str,
        label: &str,
        checked: impl std::borrow::Borrow<bool>,
    ) -> String {
        let checked = *checked.borrow();
        let id = format!("{}-{}", self.id(path), sanitize(value));
        format!(
            "<div class=\"field checkbox\"><input type=\"checkbox\" id=\"{}\" name=\"{}\" value=\"{}\"{}><label for=\"{}\">{}</label></div>",
            escape(&id),
            escape(path),
            escape(value),
            if checked { " checked" } else { "" },
            escape(&id),
            escape(label)
        )
    }
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_tie_errors_and_escape() {
        let mut f = Fields::new("charter-");
        f.push("axes.0.name", "Obligatoire <b>".into());
        let html = f.text("axes.0.name", "Nom", "\"x\"");
        assert!(html.contains("id=\"charter-axes-0-name\" name=\"axes.0.name\" aria-invalid=\"true\" aria-describedby=\"charter-axes-0-name-error\""), "{html}");
        assert!(html.contains("value=\"&quot;x&quot;\""));
        assert!(html.contains("Obligatoire &lt;b&gt;"));
        assert_eq!(f.summary()[0].0, "charter-axes-0-name");
        let ok = f.text("axes.1.name", "Nom", "");
        assert!(!ok.contains("aria-invalid"));
    }
}
