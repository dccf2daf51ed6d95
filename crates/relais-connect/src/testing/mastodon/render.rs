//! How Mastodon shows a status: its text as HTML (`content`), the length it
//! counts, and the JSON entities (documentation `entities/Status`,
//! `entities/MediaAttachment`, `entities/Account`).

use super::{Account, Media, StatusRecord};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

/// Dates as Mastodon writes them: `2019-12-05T11:34:47.196Z`.
pub(crate) fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The pieces of a text: links, hashtags and plain runs.
enum Piece<'a> {
    Text(&'a str),
    Link(&'a str),
    Tag(&'a str),
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits a text into links (`http(s)://` up to white space, without trailing
/// punctuation), hashtags (`#word` at a word start) and the rest.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    let at_word_start = |i: usize| i == 0 || text[..i].ends_with(char::is_whitespace);
    while i < text.len() {
        let rest = &text[i..];
        if at_word_start(i) && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let url = rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']);
            if url.len() > rest.find("://").unwrap_or(0) + 3 {
                out.push(Piece::Text(&text[plain_start..i]));
                out.push(Piece::Link(url));
                i += url.len();
                plain_start = i;
                continue;
            }
        }
        if at_word_start(i) && rest.starts_with('#') {
            let len: usize = rest[1..]
                .chars()
                .take_while(|c| is_tag_char(*c))
                .map(char::len_utf8)
                .sum();
            let name = &rest[1..1 + len];
            if name.chars().any(|c| !c.is_ascii_digit()) {
                out.push(Piece::Text(&text[plain_start..i]));
                out.push(Piece::Tag(name));
                i += 1 + len;
                plain_start = i;
                continue;
            }
        }
        i += rest.chars().next().map(char::len_utf8).unwrap_or(1);
    }
    out.push(Piece::Text(&text[plain_start..]));
    out
}

/// The length Mastodon counts against the limit (documentation
/// `user/posting`): links count 23 characters whatever their length, and
/// only the user part of a remote mention (`@bob@other.example` counts as
/// `@bob`).
pub(crate) fn counted_length(text: &str) -> usize {
    pieces(text)
        .iter()
        .map(|p| match p {
            Piece::Link(_) => 23,
            Piece::Tag(name) => 1 + name.chars().count(),
            Piece::Text(t) => t
                .split_inclusive(char::is_whitespace)
                .map(|word| {
                    let trimmed = word.trim_end();
                    let remote_mention = trimmed.starts_with('@')
                        && trimmed[1..]
                            .split_once('@')
                            .is_some_and(|(u, d)| !u.is_empty() && d.contains('.'));
                    if remote_mention {
                        let user_len = trimmed[1..].find('@').unwrap_or(0) + 1;
                        trimmed[..user_len].chars().count()
                            + (word.chars().count() - trimmed.chars().count())
                    } else {
                        word.chars().count()
                    }
                })
                .sum(),
        })
        .sum()
}

fn link_html(url: &str, out: &mut String) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let (www, rest) = match rest.strip_prefix("www.") {
        Some(r) => ("www.", r),
        None => ("", rest),
    };
    let (shown, hidden, class) = if rest.chars().count() > 30 {
        let cut = rest
            .char_indices()
            .nth(30)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        (&rest[..cut], &rest[cut..], "ellipsis")
    } else {
        (rest, "", "")
    };
    out.push_str("<a href=\"");
    escape(url, out);
    out.push_str("\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">");
    escape(&format!("{scheme}://{www}"), out);
    out.push_str(&format!("</span><span class=\"{class}\">"));
    escape(shown, out);
    out.push_str("</span><span class=\"invisible\">");
    escape(hidden, out);
    out.push_str("</span></a>");
}

/// The `content` of a status: paragraphs (blank-line separated) in `<p>`,
/// line breaks as `<br />`, text escaped, links and hashtags marked up as in
/// documentation `api/guidelines` ("Link shortening").
pub(crate) fn content_html(text: &str, base: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let normalized = text.replace("\r\n", "\n");
    for para in normalized
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
    {
        out.push_str("<p>");
        for (n, line) in para.split('\n').enumerate() {
            if n > 0 {
                out.push_str("<br />");
            }
            for piece in pieces(line) {
                match piece {
                    Piece::Text(t) => escape(t, &mut out),
                    Piece::Link(url) => link_html(url, &mut out),
                    Piece::Tag(name) => {
                        out.push_str("<a href=\"");
                        escape(&format!("{base}/tags/{}", name.to_lowercase()), &mut out);
                        out.push_str("\" class=\"mention hashtag\" rel=\"tag\">#<span>");
                        escape(name, &mut out);
                        out.push_str("</span></a>");
                    }
                }
            }
        }
        out.push_str("</p>");
    }
    out
}

/// The hashtags of a text, lower-cased, each once, in order.
pub(crate) fn tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.split('\n') {
        for piece in pieces(line) {
            if let Piece::Tag(name) = piece {
                let name = name.to_lowercase();
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// The instance address an account's pages live on: this server's, or
/// `https://<domain>` for a remote account.
fn home(a: &Account, base: &str) -> String {
    match &a.domain {
        Some(d) => format!("https://{d}"),
        None => base.to_string(),
    }
}

pub(crate) fn account(a: &Account, base: &str, statuses_count: usize) -> Value {
    let acct = match &a.domain {
        Some(d) => format!("{}@{d}", a.username),
        None => a.username.clone(),
    };
    let home = home(a, base);
    json!({
        "id": a.id,
        "username": a.username,
        "acct": acct,
        "display_name": a.username,
        "locked": false,
        "bot": false,
        "group": false,
        "discoverable": true,
        "created_at": "2024-01-01T00:00:00.000Z",
        "note": "",
        "url": format!("{home}/@{}", a.username),
        "avatar": format!("{base}/avatars/original/missing.png"),
        "avatar_static": format!("{base}/avatars/original/missing.png"),
        "header": format!("{base}/headers/original/missing.png"),
        "header_static": format!("{base}/headers/original/missing.png"),
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": statuses_count,
        "last_status_at": null,
        "emojis": [],
        "fields": [],
    })
}

fn media_type(mime: &str) -> &'static str {
    match mime {
        "image/gif" => "gifv",
        m if m.starts_with("image/") => "image",
        m if m.starts_with("video/") => "video",
        m if m.starts_with("audio/") => "audio",
        _ => "unknown",
    }
}

pub(crate) fn media(m: &Media, base: &str) -> Value {
    let file = format!("{base}/system/media_attachments/files/{}", m.id);
    json!({
        "id": m.id,
        "type": media_type(&m.mime),
        "url": if m.processed { Value::String(format!("{file}/original/file")) } else { Value::Null },
        "preview_url": format!("{file}/small/file"),
        "remote_url": null,
        "preview_remote_url": null,
        "text_url": null,
        "meta": {},
        "description": if m.description.is_empty() { Value::Null } else { Value::String(m.description.clone()) },
        "blurhash": null,
    })
}

/// A Status entity. `with_source` adds `text` (the answer of a delete).
pub(crate) fn status(
    s: &StatusRecord,
    author: &Account,
    media: &[Value],
    base: &str,
    with_source: bool,
) -> Value {
    let mut v = json!({
        "id": s.id,
        "created_at": date(s.created_at),
        "in_reply_to_id": s.in_reply_to_id,
        "in_reply_to_account_id": s.in_reply_to_account_id,
        "sensitive": s.sensitive,
        "spoiler_text": s.spoiler_text,
        "visibility": s.visibility,
        "language": s.language,
        "uri": format!("{}/users/{}/statuses/{}", home(author, base), author.username, s.id),
        "url": format!("{}/@{}/{}", home(author, base), author.username, s.id),
        "replies_count": s.replies,
        "reblogs_count": s.reblogs,
        "favourites_count": s.favourites,
        "quotes_count": s.quotes,
        "edited_at": null,
        "favourited": false,
        "reblogged": false,
        "muted": false,
        "bookmarked": false,
        "pinned": false,
        "content": if with_source { String::new() } else { content_html(&s.text, base) },
        "filtered": [],
        "reblog": null,
        "application": { "name": "relais", "website": null },
        "account": account(author, base, 0),
        "media_attachments": media,
        "mentions": [],
        "tags": tags(&s.text)
            .into_iter()
            .map(|name| json!({ "name": name, "url": format!("{base}/tags/{name}") }))
            .collect::<Vec<Value>>(),
        "emojis": [],
        "card": null,
        "poll": null,
    });
    if with_source {
        v["text"] = Value::String(s.text.clone());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_rendered_as_mastodon_does() {
        let base = "https://x.example";
        let cases = [
            ("Hello", "<p>Hello</p>"),
            ("a\nb\n\nc", "<p>a<br />b</p><p>c</p>"),
            ("<b> & \"q\"", "<p>&lt;b&gt; &amp; &quot;q&quot;</p>"),
            (
                "see https://example.com/a.",
                "<p>see <a href=\"https://example.com/a\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">https://</span><span class=\"\">example.com/a</span><span class=\"invisible\"></span></a>.</p>",
            ),
            (
                "https://www.example.com/page/that/is/very/long/indeed",
                "<p><a href=\"https://www.example.com/page/that/is/very/long/indeed\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">https://www.</span><span class=\"ellipsis\">example.com/page/that/is/very/</span><span class=\"invisible\">long/indeed</span></a></p>",
            ),
            (
                "#Rust x#no #123",
                "<p><a href=\"https://x.example/tags/rust\" class=\"mention hashtag\" rel=\"tag\">#<span>Rust</span></a> x#no #123</p>",
            ),
            ("", ""),
        ];
        for (text, want) in cases {
            assert_eq!(content_html(text, base), want, "{text}");
        }
    }

    #[test]
    fn lengths_count_links_as_23() {
        let cases = [
            ("hello", 5),
            ("été", 3),
            (
                "https://example.com/a/very/long/path/indeed/more/than/23",
                23,
            ),
            ("go https://e.x", 3 + 23),
            ("hi @bob@other.example now", 3 + 5 + 3),
            ("#tag", 4),
        ];
        for (text, want) in cases {
            assert_eq!(counted_length(text), want, "{text}");
        }
    }
}
