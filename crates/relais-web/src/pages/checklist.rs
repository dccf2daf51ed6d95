//! Checklists as pages show them: findings worded in the reader's language, the
//! severity written out (not only coloured), grouped under headings.

use crate::tr::Tr;
use relais_core::checks::{Finding, Severity};

/// One finding, ready for a template.
#[derive(Debug, Clone)]
pub struct FindingView {
    /// `error`, `warning` or `info` (CSS class).
    pub severity: &'static str,
    /// The severity in words ("Erreur").
    pub severity_label: String,
    pub message: String,
    pub reference: &'static str,
    pub suggestion: Option<String>,
    /// Where to fix it (an entry's page), if anywhere.
    pub link: Option<String>,
}

/// A titled group of findings (one per network on the composer).
#[derive(Debug, Clone)]
pub struct Group {
    pub title: String,
    pub findings: Vec<FindingView>,
}

impl Group {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == "error")
            .count()
    }
}

/// Words findings, worst first.
pub fn views(tr: &Tr, findings: &[Finding]) -> Vec<FindingView> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.check.severity);
    sorted.into_iter().map(|f| view(tr, f, None)).collect()
}

pub fn view(tr: &Tr, f: &Finding, link: Option<String>) -> FindingView {
    FindingView {
        severity: f.check.severity.as_str(),
        severity_label: severity_label(tr, f.check.severity),
        message: f.message(tr.locale),
        reference: f.check.reference,
        suggestion: f.suggestion.clone(),
        link,
    }
}

pub fn severity_label(tr: &Tr, s: Severity) -> String {
    tr.t(&format!("severity-{}", s.as_str()))
}
