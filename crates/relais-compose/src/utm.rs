//! UTM tagging of a post's links: `utm_source` = the network, `utm_medium` =
//! `social`, `utm_campaign` = the entry's campaign or axis.

use crate::count::find_urls;
use relais_core::Network;
use url::Url;

/// Adds the UTM parameters to `url` (an http(s) link). Existing query parameters
/// stay as they are, and a `utm_*` parameter already present is not replaced or
/// repeated. Returns `None` if `url` does not parse.
pub fn tag_url(url: &str, network: Network, campaign: &str) -> Option<String> {
    let mut parsed = Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let present: Vec<String> = parsed
        .query_pairs()
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    let campaign = campaign.trim();
    let wanted = [
        ("utm_source", network.as_str()),
        ("utm_medium", "social"),
        ("utm_campaign", campaign),
    ];
    let missing: Vec<(&str, &str)> = wanted
        .into_iter()
        .filter(|(k, v)| !v.is_empty() && !present.iter().any(|p| p == k))
        .collect();
    if missing.is_empty() {
        return Some(url.to_string());
    }
    {
        let mut q = parsed.query_pairs_mut();
        for (k, v) in missing {
            q.append_pair(k, v);
        }
    }
    Some(parsed.to_string())
}

/// `text` with every http(s) link tagged by [`tag_url`].
pub fn tag_links(text: &str, network: Network, campaign: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for r in find_urls(text) {
        out.push_str(&text[last..r.start]);
        let link = &text[r.clone()];
        match tag_url(link, network, campaign) {
            Some(tagged) => out.push_str(&tagged),
            None => out.push_str(link),
        }
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagging_table() {
        let cases: &[(&str, Network, &str, &str)] = &[
            (
                "Voir https://exemple.fr/soldes.",
                Network::Bluesky,
                "soldes-ete",
                "Voir https://exemple.fr/soldes?utm_source=bluesky&utm_medium=social&utm_campaign=soldes-ete.",
            ),
            (
                "https://exemple.fr/p?id=3#avis",
                Network::FacebookPage,
                "Rentrée 2026",
                "https://exemple.fr/p?id=3&utm_source=facebook_page&utm_medium=social&utm_campaign=Rentr%C3%A9e+2026#avis",
            ),
            (
                "https://exemple.fr/?utm_source=newsletter",
                Network::X,
                "c",
                "https://exemple.fr/?utm_source=newsletter&utm_medium=social&utm_campaign=c",
            ),
            (
                "https://exemple.fr/?utm_source=a&utm_medium=b&utm_campaign=c",
                Network::X,
                "d",
                "https://exemple.fr/?utm_source=a&utm_medium=b&utm_campaign=c",
            ),
            (
                "deux liens https://a.fr/x et http://b.fr/y",
                Network::Mastodon,
                "",
                "deux liens https://a.fr/x?utm_source=mastodon&utm_medium=social et http://b.fr/y?utm_source=mastodon&utm_medium=social",
            ),
            ("pas de lien, mail a@b.fr", Network::X, "c", "pas de lien, mail a@b.fr"),
        ];
        for (text, network, campaign, expected) in cases {
            assert_eq!(&tag_links(text, *network, campaign), expected, "{text}");
        }
    }
}
