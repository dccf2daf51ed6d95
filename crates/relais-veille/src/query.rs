//! The topic query language: a boolean query over words (000 1.1, advanced
//! search; 002 21, e-reputation watch).
//!
//! ```text
//! query    := or
//! or       := and ("OR" and)*
//! and      := not (["AND"] not)*          two operands side by side: AND
//! not      := "NOT" not | near
//! near     := primary (NEAR/n primary | NEAR/nf primary)*
//! primary  := "(" or ")" | field ":" value | atom
//! atom     := word | word* | "a phrase" | =word | ="a phrase"
//! field    := title | author | source | site | lang
//! ```
//!
//! - Operators are upper case (`AND`, `OR`, `NOT`, `NEAR/3`, `NEAR/3f`); in
//!   lower case they are words (`or` is a French word). `NOT` binds tightest,
//!   then `NEAR`, then `AND`, then `OR`.
//! - Words and phrases match case- and accent-insensitively ([`crate::text`]);
//!   `=` before one makes it exact (case and accents as written).
//! - `word*` matches words starting with `word` (trailing only).
//! - `a NEAR/n b`: `a` and `b` occur with at most `n` words between them, in
//!   either order; `NEAR/nf`: the same with `a` first. Their operands are
//!   words, prefixes, phrases, or a parenthesised `OR` of those.
//! - Without a field, a word matches in the title or the text. `title:` and
//!   `author:` and `source:` take a word, a phrase or a parenthesised group;
//!   `site:lemonde.fr` matches that host and its subdomains; `lang:fr` the
//!   detected language.
//! - At most [`MAX_QUERY_CHARS`] characters, Talkwalker's limit for one query
//!   line.
//!
//! Errors say where (a character position, from 1) and give a hint.

use crate::text;
use serde::Serialize;
use std::fmt;

/// The longest query accepted, in characters (Talkwalker's limit for one
/// query line).
pub const MAX_QUERY_CHARS: usize = 4096;

/// The most words `NEAR/n` may allow between its operands.
pub const MAX_NEAR: u32 = 1000;

/// Where a word or phrase is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The title or the text.
    Any,
    Title,
    Author,
    Source,
}

/// A word, a prefix or a phrase to find.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Literal {
    /// Its words, folded.
    pub words: Vec<String>,
    /// The last word is a prefix (`word*`).
    pub prefix: bool,
    /// Exact (`=`): the words as written, compared as they are.
    pub exact: Option<Vec<String>>,
    pub scope: Scope,
}

impl Literal {
    /// The query text of this literal, for explanations.
    pub fn display(&self) -> String {
        let words = match &self.exact {
            Some(w) => w.join(" "),
            None => self.words.join(" "),
        };
        let mut s = if self.words.len() > 1 {
            format!("\"{words}\"")
        } else {
            words
        };
        if self.prefix {
            s.push('*');
        }
        if self.exact.is_some() {
            s.insert(0, '=');
        }
        match self.scope {
            Scope::Any => s,
            Scope::Title => format!("title:{s}"),
            Scope::Author => format!("author:{s}"),
            Scope::Source => format!("source:{s}"),
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum Query {
    And {
        of: Vec<Query>,
    },
    Or {
        of: Vec<Query>,
    },
    Not {
        of: Box<Query>,
    },
    Literal {
        literal: Literal,
    },
    /// `a NEAR/n b` (`ordered`: `NEAR/nf`). Each side is one or more
    /// literals, any of which may occur.
    Near {
        left: Vec<Literal>,
        right: Vec<Literal>,
        n: u32,
        ordered: bool,
    },
    /// `site:` — the host or one of its subdomains, lower case.
    Site {
        host: String,
    },
    /// `lang:` — an ISO 639-1 code, lower case.
    Lang {
        code: String,
    },
}

impl Query {
    /// Every literal of the query, in order, each once per place it appears.
    pub fn literals(&self) -> Vec<&Literal> {
        let mut out = Vec::new();
        self.walk_literals(&mut out);
        out
    }

    fn walk_literals<'a>(&'a self, out: &mut Vec<&'a Literal>) {
        match self {
            Query::And { of } | Query::Or { of } => {
                for q in of {
                    q.walk_literals(out);
                }
            }
            Query::Not { of } => of.walk_literals(out),
            Query::Literal { literal } => out.push(literal),
            Query::Near { left, right, .. } => out.extend(left.iter().chain(right)),
            Query::Site { .. } | Query::Lang { .. } => {}
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn side(l: &[Literal]) -> String {
            if l.len() == 1 {
                l[0].display()
            } else {
                let parts: Vec<String> = l.iter().map(Literal::display).collect();
                format!("({})", parts.join(" OR "))
            }
        }
        match self {
            Query::And { of } | Query::Or { of } => {
                let op = if matches!(self, Query::And { .. }) {
                    " AND "
                } else {
                    " OR "
                };
                let parts: Vec<String> = of.iter().map(|q| q.to_string()).collect();
                write!(f, "({})", parts.join(op))
            }
            Query::Not { of } => write!(f, "NOT {of}"),
            Query::Literal { literal } => write!(f, "{}", literal.display()),
            Query::Near {
                left,
                right,
                n,
                ordered,
            } => write!(
                f,
                "{} NEAR/{n}{} {}",
                side(left),
                if *ordered { "f" } else { "" },
                side(right)
            ),
            Query::Site { host } => write!(f, "site:{host}"),
            Query::Lang { code } => write!(f, "lang:{code}"),
        }
    }
}

/// Why a query cannot be used: where, what, and what to do.
///
/// `message` and `hint` are English (the CLI and logs); pages translate the
/// [`Problem`] instead, through its [`Problem::code`] and
/// [`Problem::args`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("position {position}: {message} ({hint})")]
pub struct QueryError {
    /// The character where the problem is, from 1.
    pub position: usize,
    pub problem: Problem,
    pub message: String,
    pub hint: String,
}

/// What is wrong with a query, with what a message needs to say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Problem {
    UnclosedQuote,
    FieldWithoutValue {
        field: String,
    },
    UnknownField {
        field: String,
    },
    NearWithoutDistance,
    NearTooFar {
        distance: String,
    },
    NearNotADistance {
        spec: String,
    },
    TooLong {
        length: usize,
    },
    Empty,
    UnopenedParenthesis,
    Unexpected,
    OnlyExclusions,
    EndsTooSoon,
    TooDeep,
    UnclosedParenthesis,
    EmptyGroup,
    OperatorWithoutWord,
    MisplacedNot,
    NearWithoutLeft,
    NestedField,
    /// The part before (or after, when `after`) a NEAR is not made of words.
    NearOperand {
        after: bool,
    },
    WildcardNotAtEnd,
    ExactPrefix,
    NoLetters {
        word: String,
    },
    WildcardInPhrase,
    EmptyPhrase,
    NotASite {
        value: String,
    },
    NotALanguage {
        value: String,
    },
}

impl Problem {
    /// A stable name for the problem (`unclosed-quote`): pages look up
    /// `vquery-<code>` and `vquery-<code>-hint` in their messages.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::UnclosedQuote => "unclosed-quote",
            Problem::FieldWithoutValue { .. } => "field-without-value",
            Problem::UnknownField { .. } => "unknown-field",
            Problem::NearWithoutDistance => "near-without-distance",
            Problem::NearTooFar { .. } => "near-too-far",
            Problem::NearNotADistance { .. } => "near-not-a-distance",
            Problem::TooLong { .. } => "too-long",
            Problem::Empty => "empty",
            Problem::UnopenedParenthesis => "unopened-parenthesis",
            Problem::Unexpected => "unexpected",
            Problem::OnlyExclusions => "only-exclusions",
            Problem::EndsTooSoon => "ends-too-soon",
            Problem::TooDeep => "too-deep",
            Problem::UnclosedParenthesis => "unclosed-parenthesis",
            Problem::EmptyGroup => "empty-group",
            Problem::OperatorWithoutWord => "operator-without-word",
            Problem::MisplacedNot => "misplaced-not",
            Problem::NearWithoutLeft => "near-without-left",
            Problem::NestedField => "nested-field",
            Problem::NearOperand { .. } => "near-operand",
            Problem::WildcardNotAtEnd => "wildcard-not-at-end",
            Problem::ExactPrefix => "exact-prefix",
            Problem::NoLetters { .. } => "no-letters",
            Problem::WildcardInPhrase => "wildcard-in-phrase",
            Problem::EmptyPhrase => "empty-phrase",
            Problem::NotASite { .. } => "not-a-site",
            Problem::NotALanguage { .. } => "not-a-language",
        }
    }

    /// The values a message about the problem uses, by name. Every problem
    /// also has `max-chars`, `max-near` and `max-depth` (the limits).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![
            ("max-chars", MAX_QUERY_CHARS.to_string()),
            ("max-near", MAX_NEAR.to_string()),
            ("max-depth", MAX_DEPTH.to_string()),
        ];
        match self {
            Problem::FieldWithoutValue { field } | Problem::UnknownField { field } => {
                args.push(("field", field.clone()))
            }
            Problem::NearTooFar { distance } => args.push(("distance", distance.clone())),
            Problem::NearNotADistance { spec } => args.push(("spec", spec.clone())),
            Problem::TooLong { length } => args.push(("length", length.to_string())),
            Problem::NearOperand { after } => {
                args.push(("side", if *after { "after" } else { "before" }.to_string()))
            }
            Problem::NoLetters { word } => args.push(("word", word.clone())),
            Problem::NotASite { value } | Problem::NotALanguage { value } => {
                args.push(("value", value.clone()))
            }
            _ => {}
        }
        args
    }

    /// The message and the hint, in English.
    pub fn english(&self) -> (String, String) {
        const NEAR_HINT: &str = "write NEAR/5 for at most 5 words apart, NEAR/5f to keep the order";
        let (m, h): (String, String) = match self {
            Problem::UnclosedQuote => (
                "this quote is never closed".into(),
                "end the phrase with a second \"".into(),
            ),
            Problem::FieldWithoutValue { field } => (
                format!("{field}: needs a value right after it"),
                match field.as_str() {
                    "site" => "write site:lemonde.fr, without a space after the colon".into(),
                    "lang" => "write lang:fr or lang:en, without a space after the colon".into(),
                    _ => format!(
                        "write {field}:word, {field}:\"a phrase\" or {field}:(a OR b), without a space after the colon"
                    ),
                },
            ),
            Problem::UnknownField { field } => (
                format!("unknown field \"{field}:\""),
                "the fields are title:, author:, source:, site: and lang: (put the word in quotes to search it as it is)".into(),
            ),
            Problem::NearWithoutDistance => ("NEAR needs a distance".into(), NEAR_HINT.into()),
            Problem::NearTooFar { distance } => (
                format!("NEAR/{distance} is too far"),
                format!("use at most NEAR/{MAX_NEAR}"),
            ),
            Problem::NearNotADistance { spec } => {
                (format!("\"NEAR/{spec}\" is not a distance"), NEAR_HINT.into())
            }
            Problem::TooLong { length } => (
                format!("the query is {length} characters long, over the limit of {MAX_QUERY_CHARS}"),
                "split it into several topics".into(),
            ),
            Problem::Empty => (
                "the query is empty".into(),
                "write at least one word, for example: grève OR \"mouvement social\"".into(),
            ),
            Problem::UnopenedParenthesis => (
                "unexpected here".into(),
                "remove it, or open it earlier with (".into(),
            ),
            Problem::Unexpected => (
                "unexpected here".into(),
                "join it with AND, OR or NOT".into(),
            ),
            Problem::OnlyExclusions => (
                "the query only excludes (NOT …)".into(),
                "say what to look for, for example: grève AND NOT \"grève de la faim\"".into(),
            ),
            Problem::EndsTooSoon => (
                "the query ends where a word was expected".into(),
                "finish it with a word, a \"phrase\" or a group in ( )".into(),
            ),
            Problem::TooDeep => (
                "parentheses nest too deeply".into(),
                format!("use at most {MAX_DEPTH} levels"),
            ),
            Problem::UnclosedParenthesis => (
                "this parenthesis is never closed".into(),
                "add a ) where the group ends".into(),
            ),
            Problem::EmptyGroup => (
                "a ) with nothing before it".into(),
                "put a word or a group before it, or remove it".into(),
            ),
            Problem::OperatorWithoutWord => (
                "an operator where a word was expected".into(),
                "put a word or a \"phrase\" on both sides of AND and OR".into(),
            ),
            Problem::MisplacedNot => (
                "NOT cannot be used here".into(),
                "NOT applies to a whole term: a AND NOT b, or NOT (a OR b)".into(),
            ),
            Problem::NearWithoutLeft => (
                "NEAR needs a word or phrase before it".into(),
                "write: a NEAR/5 b".into(),
            ),
            Problem::NestedField => (
                "a field inside another field".into(),
                "write the fields side by side: title:a AND author:b".into(),
            ),
            Problem::NearOperand { after } => (
                format!(
                    "the part {} NEAR is not a word, a phrase or a group of them",
                    if *after { "after" } else { "before" }
                ),
                "NEAR takes words, prefixes and phrases, or (a OR b); no AND, NOT or fields other than title:".into(),
            ),
            Problem::WildcardNotAtEnd => (
                "* is only allowed at the end of a word".into(),
                "write elect* for the words starting with elect".into(),
            ),
            Problem::ExactPrefix => (
                "a word cannot be both exact (=) and a prefix (*)".into(),
                "drop the = or the *".into(),
            ),
            Problem::NoLetters { word } => (
                format!("\"{word}\" has no letters or digits"),
                "search words; punctuation and symbols are ignored in posts".into(),
            ),
            Problem::WildcardInPhrase => (
                "* cannot be used inside quotes".into(),
                "a phrase is matched as written; put the prefix outside the quotes".into(),
            ),
            Problem::EmptyPhrase => (
                "this phrase has no words".into(),
                "put words between the quotes, or remove them".into(),
            ),
            Problem::NotASite { value } => (
                format!("\"{value}\" is not a site name"),
                "write the host alone, for example site:lemonde.fr".into(),
            ),
            Problem::NotALanguage { value } => (
                format!("\"{value}\" is not a language code"),
                "use a two-letter ISO 639-1 code, for example lang:fr or lang:en".into(),
            ),
        };
        (m, h)
    }

    /// One problem of each kind, to check that every one has its messages.
    pub fn samples() -> Vec<Problem> {
        let s = || "x".to_string();
        vec![
            Problem::UnclosedQuote,
            Problem::FieldWithoutValue {
                field: "title".into(),
            },
            Problem::FieldWithoutValue {
                field: "site".into(),
            },
            Problem::FieldWithoutValue {
                field: "lang".into(),
            },
            Problem::UnknownField { field: s() },
            Problem::NearWithoutDistance,
            Problem::NearTooFar {
                distance: "999".into(),
            },
            Problem::NearNotADistance { spec: s() },
            Problem::TooLong { length: 5000 },
            Problem::Empty,
            Problem::UnopenedParenthesis,
            Problem::Unexpected,
            Problem::OnlyExclusions,
            Problem::EndsTooSoon,
            Problem::TooDeep,
            Problem::UnclosedParenthesis,
            Problem::EmptyGroup,
            Problem::OperatorWithoutWord,
            Problem::MisplacedNot,
            Problem::NearWithoutLeft,
            Problem::NestedField,
            Problem::NearOperand { after: false },
            Problem::NearOperand { after: true },
            Problem::WildcardNotAtEnd,
            Problem::ExactPrefix,
            Problem::NoLetters { word: "!!".into() },
            Problem::WildcardInPhrase,
            Problem::EmptyPhrase,
            Problem::NotASite { value: s() },
            Problem::NotALanguage { value: s() },
        ]
    }
}

impl QueryError {
    fn new(position: usize, problem: Problem) -> QueryError {
        let (message, hint) = problem.english();
        QueryError {
            position,
            problem,
            message,
            hint,
        }
    }

    /// The query with a caret under the position, for terminals.
    pub fn pointer(&self, query: &str) -> String {
        let line: String = query
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect();
        format!("{line}\n{}^", " ".repeat(self.position.saturating_sub(1)))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Near {
        n: u32,
        ordered: bool,
    },
    /// A phrase in quotes, `=` before it for exact.
    Phrase {
        text: String,
        exact: bool,
    },
    /// A bare word (may end in `*`, may start with `=`).
    Word(String),
    /// `name:` right before a value.
    Field(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// Character position, from 1.
    pos: usize,
}

const FIELDS: [&str; 5] = ["title", "author", "source", "site", "lang"];

fn lex(q: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push(Token {
                    tok: Tok::LParen,
                    pos,
                });
                i += 1;
            }
            ')' => {
                out.push(Token {
                    tok: Tok::RParen,
                    pos,
                });
                i += 1;
            }
            '"' | '=' if c == '"' || chars.get(i + 1) == Some(&'"') => {
                let exact = c == '=';
                let open = if exact { i + 1 } else { i };
                let Some(len) = chars[open + 1..].iter().position(|&c| c == '"') else {
                    return Err(QueryError::new(open + 1, Problem::UnclosedQuote));
                };
                let text: String = chars[open + 1..open + 1 + len].iter().collect();
                out.push(Token {
                    tok: Tok::Phrase { text, exact },
                    pos,
                });
                i = open + len + 2;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"')
                {
                    // `field:` ends the token there.
                    if chars[i] == ':' {
                        let name: String = chars[start..i].iter().collect();
                        if FIELDS.contains(&name.as_str()) {
                            break;
                        }
                    }
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if i < chars.len() && chars[i] == ':' && FIELDS.contains(&word.as_str()) {
                    i += 1;
                    if chars.get(i).is_none_or(|c| c.is_whitespace()) {
                        return Err(QueryError::new(
                            i + 1,
                            Problem::FieldWithoutValue { field: word },
                        ));
                    }
                    out.push(Token {
                        tok: Tok::Field(word),
                        pos,
                    });
                    continue;
                }
                let tok = match word.as_str() {
                    "AND" | "&&" => Tok::And,
                    "OR" | "||" => Tok::Or,
                    "NOT" => Tok::Not,
                    w if w.starts_with("NEAR/") => near(&w[5..], pos)?,
                    "NEAR" => return Err(QueryError::new(pos, Problem::NearWithoutDistance)),
                    _ => {
                        if let Some(field) = word.split(':').next().filter(|f| {
                            word.contains(':')
                                && !word.contains("//")
                                && f.chars().all(|c| c.is_ascii_alphabetic())
                                && !f.is_empty()
                        }) {
                            return Err(QueryError::new(
                                pos,
                                Problem::UnknownField {
                                    field: field.to_string(),
                                },
                            ));
                        }
                        Tok::Word(word)
                    }
                };
                out.push(Token { tok, pos });
            }
        }
    }
    Ok(out)
}

fn near(spec: &str, pos: usize) -> Result<Tok, QueryError> {
    let (digits, ordered) = match spec.strip_suffix('f') {
        Some(d) => (d, true),
        None => (spec, false),
    };
    match digits.parse::<u32>() {
        Ok(n) if n <= MAX_NEAR && !digits.starts_with('+') => Ok(Tok::Near { n, ordered }),
        Ok(_) => Err(QueryError::new(
            pos,
            Problem::NearTooFar {
                distance: digits.to_string(),
            },
        )),
        Err(_) => Err(QueryError::new(
            pos,
            Problem::NearNotADistance {
                spec: spec.to_string(),
            },
        )),
    }
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    /// The position just after the query, for errors at its end.
    end: usize,
    depth: usize,
}

/// How deep parentheses may nest (a guard for hostile input).
pub const MAX_DEPTH: usize = 64;

/// Parses a query.
pub fn parse(q: &str) -> Result<Query, QueryError> {
    let n = q.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(QueryError::new(
            MAX_QUERY_CHARS + 1,
            Problem::TooLong { length: n },
        ));
    }
    let toks = lex(q)?;
    if toks.is_empty() {
        return Err(QueryError::new(1, Problem::Empty));
    }
    let mut p = Parser {
        toks,
        i: 0,
        end: n + 1,
        depth: 0,
    };
    let query = p.or()?;
    if let Some(t) = p.peek() {
        let problem = if t.tok == Tok::RParen {
            Problem::UnopenedParenthesis
        } else {
            Problem::Unexpected
        };
        return Err(QueryError::new(t.pos, problem));
    }
    if !can_match_something(&query) {
        return Err(QueryError::new(1, Problem::OnlyExclusions));
    }
    Ok(query)
}

/// A query made only of exclusions (every word under a `NOT`, no field
/// filter) would match nearly every post.
fn can_match_something(q: &Query) -> bool {
    fn positive(q: &Query, negated: bool) -> bool {
        match q {
            Query::Not { of } => positive(of, !negated),
            Query::And { of } | Query::Or { of } => of.iter().any(|q| positive(q, negated)),
            Query::Site { .. } | Query::Lang { .. } => true,
            Query::Literal { .. } | Query::Near { .. } => !negated,
        }
    }
    positive(q, false)
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn next_pos(&self) -> usize {
        self.peek().map_or(self.end, |t| t.pos)
    }

    fn or(&mut self) -> Result<Query, QueryError> {
        let mut of = vec![self.and()?];
        while matches!(self.peek(), Some(Token { tok: Tok::Or, .. })) {
            self.i += 1;
            of.push(self.and()?);
        }
        Ok(if of.len() == 1 {
            of.remove(0)
        } else {
            Query::Or { of }
        })
    }

    fn and(&mut self) -> Result<Query, QueryError> {
        let mut of = vec![self.not()?];
        loop {
            match self.peek().map(|t| &t.tok) {
                Some(Tok::And) => {
                    self.i += 1;
                    of.push(self.not()?);
                }
                // Side by side: AND.
                Some(
                    Tok::Not | Tok::LParen | Tok::Word(_) | Tok::Phrase { .. } | Tok::Field(_),
                ) => of.push(self.not()?),
                _ => break,
            }
        }
        Ok(if of.len() == 1 {
            of.remove(0)
        } else {
            Query::And { of }
        })
    }

    fn not(&mut self) -> Result<Query, QueryError> {
        if matches!(self.peek(), Some(Token { tok: Tok::Not, .. })) {
            self.i += 1;
            let of = self.not()?;
            return Ok(Query::Not { of: Box::new(of) });
        }
        self.near()
    }

    fn near(&mut self) -> Result<Query, QueryError> {
        let start = self.next_pos();
        let mut left = self.primary(Scope::Any)?;
        while let Some(Token {
            tok: Tok::Near { n, ordered },
            pos,
        }) = self.peek().cloned()
        {
            self.i += 1;
            let left_lits = near_side(&left, start, "before")?;
            let right_pos = self.next_pos();
            let right = self.primary(Scope::Any)?;
            let right_lits = near_side(&right, right_pos, "after")?;
            let _ = pos;
            left = Query::Near {
                left: left_lits,
                right: right_lits,
                n,
                ordered,
            };
        }
        Ok(left)
    }

    fn primary(&mut self, scope: Scope) -> Result<Query, QueryError> {
        let Some(t) = self.peek().cloned() else {
            return Err(QueryError::new(self.end, Problem::EndsTooSoon));
        };
        self.i += 1;
        match t.tok {
            Tok::LParen => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(QueryError::new(t.pos, Problem::TooDeep));
                }
                let inner = if scope == Scope::Any {
                    self.or()?
                } else {
                    self.scoped_or(scope)?
                };
                self.depth -= 1;
                match self.peek() {
                    Some(Token {
                        tok: Tok::RParen, ..
                    }) => {
                        self.i += 1;
                        Ok(inner)
                    }
                    _ => Err(QueryError::new(t.pos, Problem::UnclosedParenthesis)),
                }
            }
            Tok::RParen => Err(QueryError::new(t.pos, Problem::EmptyGroup)),
            Tok::And | Tok::Or => Err(QueryError::new(t.pos, Problem::OperatorWithoutWord)),
            Tok::Not => Err(QueryError::new(t.pos, Problem::MisplacedNot)),
            Tok::Near { .. } => Err(QueryError::new(t.pos, Problem::NearWithoutLeft)),
            Tok::Word(w) => {
                literal_of_word(&w, scope, t.pos).map(|literal| Query::Literal { literal })
            }
            Tok::Phrase { text, exact } => literal_of_phrase(&text, exact, scope, t.pos)
                .map(|literal| Query::Literal { literal }),
            Tok::Field(name) => self.field(&name, scope, t.pos),
        }
    }

    /// The inside of `title:( … )`: words, phrases and their boolean
    /// combinations, all in that field.
    fn scoped_or(&mut self, scope: Scope) -> Result<Query, QueryError> {
        let mut ors = Vec::new();
        loop {
            let mut ands = vec![self.scoped_not(scope)?];
            loop {
                match self.peek().map(|t| &t.tok) {
                    Some(Tok::And) => {
                        self.i += 1;
                        ands.push(self.scoped_not(scope)?);
                    }
                    Some(Tok::Not | Tok::LParen | Tok::Word(_) | Tok::Phrase { .. }) => {
                        ands.push(self.scoped_not(scope)?)
                    }
                    _ => break,
                }
            }
            ors.push(if ands.len() == 1 {
                ands.remove(0)
            } else {
                Query::And { of: ands }
            });
            if matches!(self.peek(), Some(Token { tok: Tok::Or, .. })) {
                self.i += 1;
            } else {
                break;
            }
        }
        Ok(if ors.len() == 1 {
            ors.remove(0)
        } else {
            Query::Or { of: ors }
        })
    }

    fn scoped_not(&mut self, scope: Scope) -> Result<Query, QueryError> {
        if matches!(self.peek(), Some(Token { tok: Tok::Not, .. })) {
            self.i += 1;
            let of = self.scoped_not(scope)?;
            return Ok(Query::Not { of: Box::new(of) });
        }
        if let Some(Token {
            tok: Tok::Field(_),
            pos,
        }) = self.peek()
        {
            return Err(QueryError::new(*pos, Problem::NestedField));
        }
        self.primary(scope)
    }

    fn field(&mut self, name: &str, outer: Scope, pos: usize) -> Result<Query, QueryError> {
        if outer != Scope::Any {
            return Err(QueryError::new(pos, Problem::NestedField));
        }
        let value_pos = self.next_pos();
        match name {
            "title" | "author" | "source" => {
                let scope = match name {
                    "title" => Scope::Title,
                    "author" => Scope::Author,
                    _ => Scope::Source,
                };
                match self.peek().map(|t| &t.tok) {
                    Some(Tok::Word(_) | Tok::Phrase { .. } | Tok::LParen) => self.primary(scope),
                    _ => Err(QueryError::new(
                        value_pos,
                        Problem::FieldWithoutValue {
                            field: name.to_string(),
                        },
                    )),
                }
            }
            _ => {
                let Some(Token {
                    tok: Tok::Word(value),
                    ..
                }) = self.peek().cloned()
                else {
                    return Err(QueryError::new(
                        value_pos,
                        Problem::FieldWithoutValue {
                            field: name.to_string(),
                        },
                    ));
                };
                self.i += 1;
                if name == "site" {
                    site(&value, value_pos)
                } else {
                    lang(&value, value_pos)
                }
            }
        }
    }
}

/// The literals a `NEAR` operand stands for.
fn near_side(q: &Query, pos: usize, side: &str) -> Result<Vec<Literal>, QueryError> {
    let bad = || {
        QueryError::new(
            pos,
            Problem::NearOperand {
                after: side == "after",
            },
        )
    };
    let ok = |l: &Literal| matches!(l.scope, Scope::Any | Scope::Title);
    match q {
        Query::Literal { literal } if ok(literal) => Ok(vec![literal.clone()]),
        Query::Or { of } => {
            let mut out = Vec::new();
            for q in of {
                match q {
                    Query::Literal { literal } if ok(literal) => out.push(literal.clone()),
                    _ => return Err(bad()),
                }
            }
            Ok(out)
        }
        _ => Err(bad()),
    }
}

fn literal_of_word(w: &str, scope: Scope, pos: usize) -> Result<Literal, QueryError> {
    let (exact, w) = match w.strip_prefix('=') {
        Some(rest) => (true, rest),
        None => (false, w),
    };
    let (prefix, body) = match w.strip_suffix('*') {
        Some(rest) => (true, rest),
        None => (false, w),
    };
    if let Some(at) = body.find('*') {
        return Err(QueryError::new(
            pos + body[..at].chars().count() + usize::from(exact),
            Problem::WildcardNotAtEnd,
        ));
    }
    if prefix && exact {
        return Err(QueryError::new(pos, Problem::ExactPrefix));
    }
    let words = text::words(body);
    if words.is_empty() {
        return Err(QueryError::new(
            pos,
            Problem::NoLetters {
                word: w.to_string(),
            },
        ));
    }
    let raw = exact.then(|| {
        text::raw_words(body)
            .into_iter()
            .map(str::to_string)
            .collect()
    });
    Ok(Literal {
        words,
        prefix,
        exact: raw,
        scope,
    })
}

fn literal_of_phrase(
    p: &str,
    exact: bool,
    scope: Scope,
    pos: usize,
) -> Result<Literal, QueryError> {
    if p.contains('*') {
        return Err(QueryError::new(pos, Problem::WildcardInPhrase));
    }
    let words = text::words(p);
    if words.is_empty() {
        return Err(QueryError::new(pos, Problem::EmptyPhrase));
    }
    let raw = exact.then(|| text::raw_words(p).into_iter().map(str::to_string).collect());
    Ok(Literal {
        words,
        prefix: false,
        exact: raw,
        scope,
    })
}

fn site(value: &str, pos: usize) -> Result<Query, QueryError> {
    let v = value.trim_end_matches('/');
    let v = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .unwrap_or(v);
    let v = v.strip_prefix("www.").unwrap_or(v).to_ascii_lowercase();
    let ok = !v.is_empty()
        && !v.starts_with('.')
        && !v.ends_with('.')
        && !v.contains("..")
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !ok {
        return Err(QueryError::new(
            pos,
            Problem::NotASite {
                value: value.to_string(),
            },
        ));
    }
    Ok(Query::Site { host: v })
}

fn lang(value: &str, pos: usize) -> Result<Query, QueryError> {
    let v = value.to_ascii_lowercase();
    if v.len() == 2 && v.chars().all(|c| c.is_ascii_lowercase()) {
        Ok(Query::Lang { code: v })
    } else {
        Err(QueryError::new(
            pos,
            Problem::NotALanguage {
                value: value.to_string(),
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(q: &str) -> String {
        match parse(q) {
            Ok(q) => q.to_string(),
            Err(e) => format!("error at {}: {}", e.position, e.message),
        }
    }

    #[test]
    fn queries_parse_with_precedence_and_implicit_and() {
        let cases = [
            ("grève", "greve"),
            ("Grève SNCF", "(greve AND sncf)"),
            ("a OR b c", "(a OR (b AND c))"),
            ("a AND b OR c", "((a AND b) OR c)"),
            ("a AND (b OR c)", "(a AND (b OR c))"),
            ("a AND NOT b", "(a AND NOT b)"),
            ("a NOT b", "(a AND NOT b)"),
            ("NOT NOT a", "NOT NOT a"),
            ("\"élection présidentielle\"", "\"election presidentielle\""),
            (
                "=\"Élection Présidentielle\"",
                "=\"Élection Présidentielle\"",
            ),
            ("=Orange", "=Orange"),
            ("elect*", "elect*"),
            ("e-mail", "\"e mail\""),
            ("l'élection", "\"l election\""),
            ("a NEAR/3 b", "a NEAR/3 b"),
            ("a NEAR/3f \"b c\"", "a NEAR/3f \"b c\""),
            ("(a OR b*) NEAR/2 c", "(a OR b*) NEAR/2 c"),
            (
                "a NEAR/2 b NEAR/3 c",
                "error at 1: the part before NEAR is not a word, a phrase or a group of them",
            ),
            ("title:grève", "title:greve"),
            ("title:(a OR \"b c\")", "(title:a OR title:\"b c\")"),
            ("title:(a NOT b)", "(title:a AND NOT title:b)"),
            ("author:\"Jean Dupont\"", "author:\"jean dupont\""),
            ("source:lemonde", "source:lemonde"),
            (
                "site:www.LeMonde.fr AND climat",
                "(site:lemonde.fr AND climat)",
            ),
            (
                "site:https://lemonde.fr/ climat",
                "(site:lemonde.fr AND climat)",
            ),
            ("lang:FR climat", "(lang:fr AND climat)"),
            ("or and not", "(or AND and AND not)"),
            ("a && b || c", "((a AND b) OR c)"),
        ];
        for (q, want) in cases {
            assert_eq!(shown(q), want, "{q}");
        }
    }

    #[test]
    fn errors_give_the_position_and_a_hint() {
        let cases: [(&str, usize, &str); 23] = [
            ("", 1, "the query is empty"),
            ("   ", 1, "the query is empty"),
            ("(a OR b", 1, "this parenthesis is never closed"),
            ("a OR b)", 7, "unexpected here"),
            ("a OR", 5, "the query ends where a word was expected"),
            ("OR a", 1, "an operator where a word was expected"),
            ("a AND OR b", 7, "an operator where a word was expected"),
            ("\"a b", 1, "this quote is never closed"),
            ("a =\"b", 4, "this quote is never closed"),
            ("*lect", 1, "* is only allowed at the end of a word"),
            ("el*ct", 3, "* is only allowed at the end of a word"),
            ("\"a b*\"", 1, "* cannot be used inside quotes"),
            (
                "=elect*",
                1,
                "a word cannot be both exact (=) and a prefix (*)",
            ),
            ("a NEAR b", 3, "NEAR needs a distance"),
            ("a NEAR/x b", 3, "\"NEAR/x\" is not a distance"),
            ("a NEAR/5000 b", 3, "NEAR/5000 is too far"),
            ("NOT a", 1, "the query only excludes (NOT …)"),
            (
                "NOT a AND NOT author:b",
                1,
                "the query only excludes (NOT …)",
            ),
            ("!!!", 1, "\"!!!\" has no letters or digits"),
            ("titre:grève", 1, "unknown field \"titre:\""),
            ("title: grève", 7, "title: needs a value right after it"),
            ("lang:french", 6, "\"french\" is not a language code"),
            ("title:(author:x)", 8, "a field inside another field"),
        ];
        for (q, pos, message) in cases {
            let e = parse(q).expect_err(q);
            assert_eq!((e.position, e.message.as_str()), (pos, message), "{q}");
            assert!(!e.hint.is_empty(), "{q}: a hint");
        }
    }

    #[test]
    fn the_length_limit_is_4096_characters() {
        let ok = "a ".repeat(2048);
        assert_eq!(ok.chars().count(), 4096);
        assert!(parse(&ok).is_ok());
        let too_long = format!("{ok}b");
        let e = parse(&too_long).expect_err("4097 characters");
        assert_eq!(e.position, 4097);
        // Counted in characters, not bytes.
        let accented = "é".repeat(4096);
        assert!(parse(&accented).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let q = format!("{}a{}", "(".repeat(2000), ")".repeat(2000));
        let e = parse(&q).expect_err("too deep");
        assert_eq!(e.message, "parentheses nest too deeply");
        let q = format!("{}a", "NOT ".repeat(1000));
        // Deep NOT chains parse (each NOT is one frame) or are refused, never crash.
        let _ = parse(&q);
    }

    #[test]
    fn the_pointer_marks_the_position() {
        let q = "a OR b)";
        let e = parse(q).expect_err(q);
        assert_eq!(e.pointer(q), "a OR b)\n      ^");
    }
}
