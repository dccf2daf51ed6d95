//! A web page watched for changes: the text under a CSS selector, and the
//! diff between two versions.
//!
//! `scraper` (html5ever's HTML5 tree builder and Servo's `selectors`)
//! parses the page and matches the selector as a browser would; `similar`
//! writes the unified diff (Myers' algorithm with a deadline, so two large
//! texts cannot make it run away).

use std::time::Duration;

use scraper::{ElementRef, Html, Node, Selector};

use crate::html::truncate_bytes;

/// Bytes of a page parsed; the rest is ignored.
pub const MAX_PAGE_BYTES: usize = 5 * 1024 * 1024;
/// Element nesting accepted (browsers stop nesting at 512; html5ever's
/// tree builder slows down with depth × size).
pub const MAX_DEPTH: usize = 512;
/// Characters of extracted text kept.
pub const MAX_TEXT_CHARS: usize = 200_000;
/// Longest time spent computing one diff; past it the diff is coarser but
/// still correct.
pub const DIFF_DEADLINE: Duration = Duration::from_millis(500);

/// Why a watched page could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchError {
    #[error("the CSS selector {selector:?} is not valid ({detail}); fix it on the source's page")]
    Selector { selector: String, detail: String },
    #[error("the page nests elements more than {MAX_DEPTH} levels deep; relais does not read it")]
    TooDeep,
    #[error("nothing on the page matches the CSS selector {selector:?}; the page may have changed its layout")]
    NoMatch { selector: String },
}

/// The text of every element matching `css_selector`, one block per line
/// (block-level elements and `<br>` start new lines), white space
/// collapsed, `script`/`style` left out; matches are separated by a line.
pub fn extract_text(html: &str, css_selector: &str) -> Result<String, WatchError> {
    let selector = Selector::parse(css_selector).map_err(|e| WatchError::Selector {
        selector: css_selector.to_owned(),
        detail: e.to_string(),
    })?;
    let html = truncate_bytes(html, MAX_PAGE_BYTES);
    if crate::html::nesting_depth(html) > MAX_DEPTH {
        return Err(WatchError::TooDeep);
    }
    let doc = Html::parse_document(html);
    let mut out = String::new();
    let mut matched = false;
    for element in doc.select(&selector) {
        matched = true;
        let mut lines = Lines::default();
        walk(element, &mut lines);
        let text = lines.finish();
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&text);
        if out.chars().count() > MAX_TEXT_CHARS {
            out = crate::html::truncate_chars(&out, MAX_TEXT_CHARS);
            break;
        }
    }
    if !matched {
        return Err(WatchError::NoMatch {
            selector: css_selector.to_owned(),
        });
    }
    Ok(out)
}

#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    current: String,
}

impl Lines {
    fn text(&mut self, s: &str) {
        for word in s.split_whitespace() {
            if !self.current.is_empty() {
                self.current.push(' ');
            }
            self.current.push_str(word);
        }
    }

    fn newline(&mut self) {
        if !self.current.is_empty() {
            self.lines.push(std::mem::take(&mut self.current));
        }
    }

    fn finish(mut self) -> String {
        self.newline();
        self.lines.join("\n")
    }
}

fn walk(element: ElementRef<'_>, lines: &mut Lines) {
    // Iterative, so a deeply nested page cannot exhaust the stack.
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Leave(bool),
    }
    let mut stack = vec![Step::Enter(*element)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(block) => {
                if block {
                    lines.newline();
                }
            }
            Step::Enter(node) => match node.value() {
                Node::Text(t) => lines.text(t),
                Node::Element(e) => {
                    let name = e.name();
                    if matches!(name, "script" | "style" | "template" | "noscript") {
                        continue;
                    }
                    let block = !matches!(
                        name,
                        "a" | "abbr"
                            | "b"
                            | "bdi"
                            | "bdo"
                            | "cite"
                            | "code"
                            | "data"
                            | "dfn"
                            | "em"
                            | "i"
                            | "kbd"
                            | "mark"
                            | "q"
                            | "s"
                            | "samp"
                            | "small"
                            | "span"
                            | "strong"
                            | "sub"
                            | "sup"
                            | "time"
                            | "u"
                            | "var"
                            | "img"
                            | "label"
                    );
                    if block {
                        lines.newline();
                    }
                    stack.push(Step::Leave(block));
                    let children: Vec<_> = node.children().collect();
                    for child in children.into_iter().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                _ => {}
            },
        }
    }
}

/// A unified diff (3 lines of context) from `old` to `new`, empty when they
/// are equal.
pub fn diff(old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::configure()
        .timeout(DIFF_DEADLINE)
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header("before", "after")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Tarifs</title>
<style>.x{}</style></head><body>
<nav>Menu</nav>
<main id="prices">
  <h1>Nos tarifs</h1>
  <p>Offre <strong>Pro</strong> : 49&nbsp;€ par mois.</p>
  <ul><li>Support</li><li>API</li></ul>
  <script>track()</script>
</main>
<p class="note">Note 1</p><p class="note">Note 2</p>
</body></html>"#;

    #[test]
    fn text_under_a_selector() {
        assert_eq!(
            extract_text(PAGE, "#prices").unwrap(),
            "Nos tarifs\nOffre Pro : 49 € par mois.\nSupport\nAPI"
        );
        assert_eq!(extract_text(PAGE, "p.note").unwrap(), "Note 1\n\nNote 2");
    }

    #[test]
    fn selector_errors() {
        assert!(matches!(
            extract_text(PAGE, "p[["),
            Err(WatchError::Selector { .. })
        ));
        assert_eq!(
            extract_text(PAGE, "#absent"),
            Err(WatchError::NoMatch {
                selector: "#absent".into()
            })
        );
    }

    #[test]
    fn deep_nesting() {
        // Deep but within bounds: read without exhausting the stack.
        let deep = format!("{}x{}", "<div>".repeat(500), "</div>".repeat(500));
        assert_eq!(extract_text(&deep, "body").unwrap(), "x");
        // Hostile depth: refused before building a tree.
        let hostile = "<div>".repeat(100_000);
        assert_eq!(extract_text(&hostile, "body"), Err(WatchError::TooDeep));
    }

    #[test]
    fn unified_diff() {
        assert_eq!(diff("a\nb\n", "a\nb\n"), "");
        let d = diff("Offre Pro : 49 €\nSupport\n", "Offre Pro : 59 €\nSupport\n");
        assert_eq!(
            d,
            "--- before\n+++ after\n@@ -1,2 +1,2 @@\n-Offre Pro : 49 €\n+Offre Pro : 59 €\n Support\n"
        );
    }
}
