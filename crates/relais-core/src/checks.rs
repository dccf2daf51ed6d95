//! The checks framework: every deliverable relais holds gets a checklist.
//!
//! A check is a static [`CheckDef`]: a stable id, a severity, a message in French
//! and in English, and the reference of the evaluation criterion it implements
//! (`001 C2.1 CE.2`, `003 Cr3.1`, see `shared/docs/criteria.md`). Running a check
//! is a pure function of the data and the clock passed in; it yields
//! [`Finding`]s. Modules declare their checks in their own tables (`&[CheckDef]`)
//! and register them in [`catalog`] so the catalog test sees every one.
//!
//! Messages are short templates: `{name}` is replaced by the finding's argument
//! `name`. They live here rather than in the Fluent files because a check is data
//! that travels with its reference, and `relais lint` prints them without the web
//! layer.

use crate::locale::Locale;
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks: the deliverable does not meet the criterion.
    Error,
    /// Should be fixed; a person may decide otherwise.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A check's definition: what it verifies and which criterion it implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckDef {
    /// Stable id, `module.name` in snake case (`compose.alt_text_missing`).
    pub id: &'static str,
    pub severity: Severity,
    /// The criterion it implements, as cited in criteria.md (`001 C2.3 CE.1`).
    pub reference: &'static str,
    /// Message template in French.
    pub fr: &'static str,
    /// Message template in English.
    pub en: &'static str,
}

/// One result of running a check on some data.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub check: &'static CheckDef,
    /// Values for the message template's `{name}` placeholders.
    pub args: Vec<(&'static str, String)>,
    /// A concrete fix (a CamelCase spelling, a mention to add…), in the data's own
    /// language, so it can be shown or applied as is.
    pub suggestion: Option<String>,
    /// What the finding is about when the checklist covers several things: a
    /// network slug, an entry id, a date.
    pub subject: Option<String>,
}

impl Finding {
    pub fn new(check: &'static CheckDef) -> Finding {
        Finding {
            check,
            args: Vec::new(),
            suggestion: None,
            subject: None,
        }
    }

    /// Adds an argument for the message template.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Finding {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn suggest(mut self, suggestion: impl Into<String>) -> Finding {
        self.suggestion = Some(suggestion.into());
        self
    }

    pub fn about(mut self, subject: impl Into<String>) -> Finding {
        self.subject = Some(subject.into());
        self
    }

    pub fn severity(&self) -> Severity {
        self.check.severity
    }

    /// The message in `locale`, with the arguments filled in.
    pub fn message(&self, locale: Locale) -> String {
        let template = match locale {
            Locale::Fr => self.check.fr,
            Locale::En => self.check.en,
        };
        fill(template, &self.args)
    }

    /// A serializable view in one language (API, `relais lint --format json`).
    pub fn report(&self, locale: Locale) -> FindingReport {
        FindingReport {
            check: self.check.id,
            severity: self.check.severity,
            message: self.message(locale),
            reference: self.check.reference,
            suggestion: self.suggestion.clone(),
            subject: self.subject.clone(),
        }
    }
}

/// A finding rendered in one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingReport {
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
    pub reference: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// Replaces each `{name}` of `template` by its argument. Unknown placeholders stay
/// as written, so a missing argument shows rather than vanishes.
pub fn fill(template: &str, args: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A deliverable's checklist: its findings, worst first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checklist {
    pub findings: Vec<Finding>,
}

impl Checklist {
    pub fn new(mut findings: Vec<Finding>) -> Checklist {
        findings.sort_by_key(|f| f.check.severity);
        Checklist { findings }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.check.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Every check table of the core, for the catalog test and for documentation.
/// Modules outside the core (compose, calendar…) test their own tables with
/// [`validate_catalog`].
pub fn catalog() -> Vec<&'static CheckDef> {
    crate::entry::checks().to_vec()
}

/// What is wrong with a set of check definitions: duplicate ids, ids not in
/// `module.name` form, empty messages, references not in the criteria form
/// (`001 C2.1 CE.2`, `001 C2.3/specs CE.1`, `003 Cr3.1`, `000 2.2 ✓5`), or templates whose placeholders
/// differ between French and English.
pub fn validate_catalog(defs: &[&CheckDef]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for def in defs {
        if !seen.insert(def.id) {
            problems.push(format!("{}: duplicate id", def.id));
        }
        let id_ok = def.id.split_once('.').is_some_and(|(m, n)| {
            !m.is_empty()
                && !n.is_empty()
                && def
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        });
        if !id_ok {
            problems.push(format!("{}: id must be module.name in snake case", def.id));
        }
        if def.fr.trim().is_empty() || def.en.trim().is_empty() {
            problems.push(format!("{}: empty message", def.id));
        }
        if !reference_ok(def.reference) {
            problems.push(format!("{}: bad reference {:?}", def.id, def.reference));
        }
        if placeholders(def.fr) != placeholders(def.en) {
            problems.push(format!("{}: fr and en placeholders differ", def.id));
        }
    }
    problems
}

fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(n, _)| n))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A reference is a three-digit seed number followed by criterion parts, for
/// example `001 C2.1 CE.2`, `003 Cr3.1` or `000 2.1`; several may be joined with
/// `; `.
fn reference_ok(reference: &str) -> bool {
    !reference.is_empty()
        && reference.split("; ").all(|one| {
            let mut parts = one.split(' ');
            let seed_ok = parts
                .next()
                .is_some_and(|s| s.len() == 3 && s.chars().all(|c| c.is_ascii_digit()));
            let rest: Vec<&str> = parts.collect();
            seed_ok
                && !rest.is_empty()
                && rest.iter().all(|p| {
                    !p.is_empty()
                        && p.chars().all(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '\u{2713}')
                        })
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    static DEMO: CheckDef = CheckDef {
        id: "demo.too_long",
        severity: Severity::Error,
        reference: "001 C2.3 CE.1",
        fr: "{length} caractères sur {limit}",
        en: "{length} characters of {limit}",
    };

    #[test]
    fn messages_fill_their_arguments_in_each_language() {
        let f = Finding::new(&DEMO).arg("length", 301).arg("limit", 300);
        assert_eq!(f.message(Locale::Fr), "301 caractères sur 300");
        assert_eq!(f.message(Locale::En), "301 characters of 300");
        let missing = Finding::new(&DEMO).arg("length", 1);
        assert_eq!(missing.message(Locale::En), "1 characters of {limit}");
        assert_eq!(fill("{open", &[]), "{open");
    }

    #[test]
    fn a_checklist_puts_errors_first() {
        static INFO: CheckDef = CheckDef {
            id: "demo.info",
            severity: Severity::Info,
            reference: "003 Cr3.1",
            fr: "i",
            en: "i",
        };
        let list = Checklist::new(vec![Finding::new(&INFO), Finding::new(&DEMO)]);
        assert_eq!(list.findings[0].check.id, "demo.too_long");
        assert!(list.has_errors());
        assert_eq!(list.count(Severity::Info), 1);
    }

    #[test]
    fn the_catalog_validator_finds_each_kind_of_mistake() {
        let bad = [
            CheckDef {
                id: "nodot",
                severity: Severity::Info,
                reference: "C2.1",
                fr: "{a}",
                en: "{b}",
            },
            CheckDef {
                id: "x.y",
                severity: Severity::Info,
                reference: "001 C2.3/specs CE.1; 000 2.2 ✓5",
                fr: " ",
                en: "ok",
            },
        ];
        let refs: Vec<&CheckDef> = bad.iter().chain(bad.iter().skip(1)).collect();
        let problems = validate_catalog(&refs);
        let text = problems.join("\n");
        assert!(text.contains("nodot: id must be"), "{text}");
        assert!(text.contains("nodot: bad reference"), "{text}");
        assert!(
            text.contains("nodot: fr and en placeholders differ"),
            "{text}"
        );
        assert!(text.contains("x.y: empty message"), "{text}");
        assert!(text.contains("x.y: duplicate id"), "{text}");
        assert!(!text.contains("x.y: bad reference"), "{text}");
    }

    #[test]
    fn the_core_catalog_is_valid() {
        assert_eq!(validate_catalog(&catalog()), Vec::<String>::new());
    }
}
