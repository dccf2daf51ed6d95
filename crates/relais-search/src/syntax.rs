//! The search syntax: what a person types into a search box.
//!
//! - words, all required: `élections municipales`;
//! - `"exact phrases"`, words in that order;
//! - `-word` or `-"a phrase"` (also `NOT word`) excludes items that contain it;
//! - `a OR b` wants either (`OR` in capitals, or `|`); it binds tighter than the
//!   implicit AND, so `a b OR c` is `a AND (b OR c)`;
//! - `AND` in capitals is accepted and changes nothing.
//!
//! Anything else is text: colons, parentheses and other punctuation are split
//! away by the analysers like in the indexed text, so `covid: les chiffres`
//! searches three words. This is deliberately not tantivy's Lucene-like query
//! grammar, where `note: x` names a field and fails.
//!
//! This module only splits the text into clauses; analysis (stemming,
//! folding) happens per field when the engine query is built.

use crate::error::QueryError;

/// The longest search text accepted, in characters (the length Talkwalker
/// allows for one query line, like veille's topics).
pub const MAX_QUERY_CHARS: usize = 4096;
/// The most words and phrases one search may have, bounding its cost.
pub const MAX_QUERY_CLAUSES: usize = 64;

/// A parsed search: every group must match (one of its alternatives), no
/// excluded part may.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct UserQuery {
    /// Groups joined by AND; the alternatives of a group by OR. Each
    /// alternative is raw text (a word or a phrase) to analyse per field.
    pub must: Vec<Vec<String>>,
    /// Words or phrases that exclude an item.
    pub must_not: Vec<String>,
}

#[derive(Debug)]
enum Item {
    Atom { text: String, negated: bool },
    Or { position: usize },
}

fn error(
    position: usize,
    code: &'static str,
    count: usize,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> QueryError {
    QueryError {
        position,
        code,
        count,
        message: message.into(),
        hint: hint.into(),
    }
}

/// Splits `text` into required groups and exclusions.
pub(crate) fn parse(text: &str) -> Result<UserQuery, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(error(
            MAX_QUERY_CHARS,
            "too-long",
            chars.len(),
            format!(
                "the search is {} characters long, more than the {MAX_QUERY_CHARS} allowed",
                chars.len()
            ),
            "shorten it, or save it as a topic",
        ));
    }
    let items = lex(&chars)?;
    let atoms = items
        .iter()
        .filter(|item| matches!(item, Item::Atom { .. }))
        .count();
    if atoms > MAX_QUERY_CLAUSES {
        return Err(error(
            0,
            "too-many-words",
            atoms,
            format!("the search has {atoms} words and phrases, more than the {MAX_QUERY_CLAUSES} allowed"),
            "keep the words that matter most",
        ));
    }
    build(&items)
}

fn lex(chars: &[char]) -> Result<Vec<Item>, QueryError> {
    let mut items = Vec::new();
    let mut i = 0;
    let mut pending_not: Option<usize> = None;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut negated = false;
        if c == '-' && chars.get(i + 1).is_some_and(|next| !next.is_whitespace()) {
            negated = true;
            i += 1;
        }
        let text = if chars.get(i) == Some(&'"') {
            let open = i;
            let Some(close) = chars[open + 1..].iter().position(|&c| c == '"') else {
                return Err(error(
                    open,
                    "unclosed-quote",
                    0,
                    "this quote is never closed",
                    "add the closing \" after the phrase, or remove the quote",
                ));
            };
            i = open + 1 + close + 1;
            chars[open + 1..open + 1 + close].iter().collect::<String>()
        } else {
            let end = chars[i..]
                .iter()
                .position(|&c| c.is_whitespace() || c == '"')
                .map_or(chars.len(), |n| i + n);
            let word: String = chars[i..end].iter().collect();
            i = end;
            if !negated {
                match word.as_str() {
                    "OR" | "|" => {
                        if let Some(position) = pending_not {
                            return Err(not_without_word(position));
                        }
                        items.push(Item::Or { position: start });
                        continue;
                    }
                    "AND" | "&&" => {
                        if let Some(position) = pending_not {
                            return Err(not_without_word(position));
                        }
                        continue;
                    }
                    "NOT" => {
                        if pending_not.is_some() {
                            return Err(error(
                                start,
                                "double-not",
                                0,
                                "NOT follows another NOT",
                                "write one NOT before the word to exclude",
                            ));
                        }
                        pending_not = Some(start);
                        continue;
                    }
                    _ => {}
                }
            }
            word
        };
        let negated = negated || pending_not.take().is_some();
        items.push(Item::Atom { text, negated });
    }
    if let Some(position) = pending_not {
        return Err(not_without_word(position));
    }
    Ok(items)
}

fn not_without_word(position: usize) -> QueryError {
    error(
        position,
        "not-without-word",
        0,
        "NOT is not followed by a word or a phrase",
        "write the word to exclude after NOT, or remove NOT",
    )
}

fn build(items: &[Item]) -> Result<UserQuery, QueryError> {
    let mut query = UserQuery::default();
    let mut joined_by_or = false;
    for (index, item) in items.iter().enumerate() {
        match item {
            Item::Or { position } => {
                let before = index.checked_sub(1).and_then(|i| items.get(i));
                let after = items.get(index + 1);
                match (before, after) {
                    (
                        Some(Item::Atom { negated: false, .. }),
                        Some(Item::Atom { negated: false, .. }),
                    ) => joined_by_or = true,
                    (Some(Item::Atom { negated: true, .. }), _)
                    | (_, Some(Item::Atom { negated: true, .. })) => {
                        return Err(error(
                            *position,
                            "excluded-in-or",
                            0,
                            "an excluded word cannot be one side of OR",
                            "write the exclusion apart, as in `a OR b -c`",
                        ))
                    }
                    _ => {
                        return Err(error(
                            *position,
                            "or-without-word",
                            0,
                            "OR needs a word or a phrase on each side",
                            "write `a OR b`, or remove OR (write `or` in lower case to search the word)",
                        ))
                    }
                }
            }
            Item::Atom {
                text,
                negated: true,
                ..
            } => query.must_not.push(text.clone()),
            Item::Atom {
                text,
                negated: false,
                ..
            } => {
                if joined_by_or {
                    if let Some(group) = query.must.last_mut() {
                        group.push(text.clone());
                    }
                    joined_by_or = false;
                } else {
                    query.must.push(vec![text.clone()]);
                }
            }
        }
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected groups and exclusions of an accepted search.
    type Case = (&'static str, Vec<Vec<&'static str>>, Vec<&'static str>);

    fn err(text: &str) -> QueryError {
        match parse(text) {
            Ok(q) => panic!("{text:?} parsed as {q:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn every_refusal_has_a_known_code() {
        let long = "a ".repeat(MAX_QUERY_CHARS);
        let many = (0..=MAX_QUERY_CLAUSES)
            .map(|i| format!("w{i} "))
            .collect::<String>();
        let cases = [
            (long.as_str(), "too-long"),
            (many.as_str(), "too-many-words"),
            ("\"loi", "unclosed-quote"),
            ("NOT NOT a", "double-not"),
            ("a NOT", "not-without-word"),
            ("a OR -b", "excluded-in-or"),
            ("a OR", "or-without-word"),
        ];
        for (text, code) in cases {
            let e = err(text);
            assert_eq!(e.code, code, "{text:?}: {e}");
            assert!(crate::QUERY_ERROR_CODES.contains(&e.code));
        }
        assert_eq!(err(many.as_str()).count, MAX_QUERY_CLAUSES + 1);
    }

    #[test]
    fn accepted_searches() {
        let cases: &[Case] = &[
            ("", vec![], vec![]),
            ("   ", vec![], vec![]),
            ("élections", vec![vec!["élections"]], vec![]),
            ("a b", vec![vec!["a"], vec!["b"]], vec![]),
            ("a AND b", vec![vec!["a"], vec!["b"]], vec![]),
            (
                "\"loi climat\" vote",
                vec![vec!["loi climat"], vec!["vote"]],
                vec![],
            ),
            ("a OR b", vec![vec!["a", "b"]], vec![]),
            ("a | b OR \"c d\"", vec![vec!["a", "b", "c d"]], vec![]),
            ("x a OR b", vec![vec!["x"], vec!["a", "b"]], vec![]),
            ("a -b", vec![vec!["a"]], vec!["b"]),
            ("a NOT b", vec![vec!["a"]], vec!["b"]),
            ("a -\"b c\"", vec![vec!["a"]], vec!["b c"]),
            ("-b", vec![], vec!["b"]),
            ("a - b", vec![vec!["a"], vec!["-"], vec!["b"]], vec![]),
            ("e-commerce", vec![vec!["e-commerce"]], vec![]),
            (
                "covid: (chiffres)",
                vec![vec!["covid:"], vec!["(chiffres)"]],
                vec![],
            ),
            ("a or b", vec![vec!["a"], vec!["or"], vec!["b"]], vec![]),
            ("\"\"", vec![vec![""]], vec![]),
            ("??? !!!", vec![vec!["???"], vec!["!!!"]], vec![]),
            ("ab\"cd\"", vec![vec!["ab"], vec!["cd"]], vec![]),
        ];
        for (text, must, must_not) in cases {
            let q = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(&q.must, must, "{text:?}");
            assert_eq!(&q.must_not, must_not, "{text:?}");
        }
    }

    #[test]
    fn errors_say_where_and_what_to_do() {
        let cases: &[(&str, usize, &str)] = &[
            ("loi \"climat", 4, "never closed"),
            ("OR a", 0, "each side"),
            ("a OR", 2, "each side"),
            ("a OR OR b", 2, "each side"),
            ("a OR -b", 2, "excluded word"),
            ("-a OR b", 3, "excluded word"),
            ("a NOT", 2, "NOT is not followed"),
            ("NOT NOT a", 4, "NOT follows"),
            ("a NOT OR b", 2, "NOT is not followed"),
            ("é \"x", 2, "never closed"),
        ];
        for (text, position, fragment) in cases {
            let e = err(text);
            assert_eq!(e.position, *position, "{text:?}: {e}");
            assert!(e.to_string().contains(fragment), "{text:?}: {e}");
            assert!(!e.hint.is_empty());
        }
    }

    #[test]
    fn limits_are_enforced() {
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        assert!(err(&long).message.contains("characters"));
        assert!(parse(&"a".repeat(MAX_QUERY_CHARS)).is_ok());
        let many = vec!["w"; MAX_QUERY_CLAUSES + 1].join(" ");
        assert!(err(&many).message.contains("words"));
        assert!(parse(&vec!["w"; MAX_QUERY_CLAUSES].join(" ")).is_ok());
    }
}
