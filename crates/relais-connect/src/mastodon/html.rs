//! The plain text of a status's HTML `content`, for reconciliation.
//!
//! Mastodon renders statuses as HTML: paragraphs in `<p>`, line breaks as
//! `<br />`, links as `<a>` whose `invisible` spans keep the full address
//! (documentation `api/guidelines`, "Link shortening"), hashtags and
//! mentions as `<a>` around `#<span>tag</span>`.

/// Removes tags (paragraph ends and `<br>` become line breaks) and decodes
/// character references.
pub(crate) fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        decode_into(&rest[..lt], &mut out);
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            // A lone '<' is text.
            decode_into(&rest[lt..], &mut out);
            return out;
        };
        let tag = after[..gt].trim().to_ascii_lowercase();
        let name: String = tag
            .trim_end_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        match name.as_str() {
            "br" => out.push('\n'),
            "/p" => out.push_str("\n\n"),
            _ => {}
        }
        rest = &after[gt + 1..];
    }
    decode_into(rest, &mut out);
    out
}

/// The form texts are compared in: white space runs collapsed to one space,
/// trimmed (so paragraph and line-break rendering does not matter).
pub(crate) fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse::<u32>().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_html_to_text() {
        let cases = [
            ("<p>Hello</p>", "Hello\n\n"),
            ("<p>One<br />two</p><p>three</p>", "One\ntwo\n\nthree\n\n"),
            (
                "<p>a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &#x2014;</p>",
                "a & b <c> \"d\" 'e' —\n\n",
            ),
            (
                r#"<p>see <a href="https://example.com/page/that/is/very/long" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.com/page</span><span class="invisible">/that/is/very/long</span></a></p>"#,
                "see https://example.com/page/that/is/very/long\n\n",
            ),
            (
                r#"<p><a href="https://x.example/tags/rust" class="mention hashtag" rel="tag">#<span>rust</span></a> ok</p>"#,
                "#rust ok\n\n",
            ),
            (
                "fish &chips; & more &unknown; 1 < 2",
                "fish &chips; & more &unknown; 1 < 2",
            ),
            ("", ""),
        ];
        for (html, want) in cases {
            assert_eq!(to_text(html), want, "{html}");
        }
    }

    #[test]
    fn normalized_texts_ignore_layout() {
        let cases = [
            ("Hello\n\nworld", "<p>Hello</p><p>world</p>"),
            ("Line one\nline two ", "<p>Line one<br>line two</p>"),
            ("  Émile  &  Zoé ", "<p>Émile &amp; Zoé</p>"),
        ];
        for (text, html) in cases {
            assert_eq!(normalize(text), normalize(&to_text(html)), "{text}");
        }
    }
}
