//! The generated feeds of the feed ingestion benchmark (issue 5, benchmark
//! 2), included with `#[path]` by `crates/relais-worker/benches/veille_feeds.rs`
//! (the real ingestion path, which also times parsing alone).
//!
//! Drawn from a seeded `StdRng`, so every run serves the same bytes: half RSS
//! 2.0 (`<language>`, `dc:creator`, `<guid isPermaLink="false">` on half the
//! items, RFC 822 dates), half Atom (`xml:lang`, RFC 3339 dates,
//! `type="html"` content). Each feed is in French or English (nine items in
//! ten in that language, the others in the other one); every item has 1–3 KB
//! of HTML (paragraphs, links, emphasis, entities); a third of the links
//! carry `utm_*` parameters, and 5 % of the items repeat an article of
//! another feed (same link): deduplication must drop those whose key is
//! their URL.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const SEED: u64 = 0xFEED_5EED;

const FR: &[&str] = &[
    "la",
    "transition",
    "écologique",
    "des",
    "entreprises",
    "avance",
    "selon",
    "le",
    "rapport",
    "publié",
    "hier",
    "par",
    "ministère",
    "économie",
    "réglementation",
    "européenne",
    "impose",
    "nouvelles",
    "obligations",
    "aux",
    "acteurs",
    "du",
    "numérique",
    "concurrence",
    "marché",
    "innovation",
    "données",
    "sécurité",
    "développement",
    "durable",
    "énergie",
    "filière",
    "industrielle",
    "emplois",
    "région",
    "projet",
    "annonce",
    "lancement",
    "produit",
    "clients",
];
const EN: &[&str] = &[
    "the",
    "company",
    "announced",
    "new",
    "product",
    "today",
    "market",
    "competition",
    "growth",
    "regulation",
    "european",
    "commission",
    "data",
    "privacy",
    "security",
    "open",
    "source",
    "software",
    "release",
    "version",
    "performance",
    "energy",
    "supply",
    "chain",
    "customers",
    "revenue",
    "quarter",
    "report",
    "industry",
    "technology",
    "research",
    "team",
    "launch",
    "update",
    "policy",
    "trade",
    "tariffs",
    "agreement",
    "partners",
    "analysis",
];

/// Topics over the corpus's words, one per veille kind and a few more, as
/// `(name, kind, query)`: phrases, NEAR, NOT, wildcards and a field filter.
#[allow(dead_code)] // The fetch-only benchmark has no topics.
pub const TOPICS: &[(&str, &str, &str)] = &[
    (
        "Transition",
        "trade",
        "\"transition écologique\" OR (durable NEAR/3 développement)",
    ),
    (
        "Open source",
        "technology",
        "\"open source\" AND (software OR release*)",
    ),
    (
        "Concurrence",
        "competition",
        "concurrence OR competition AND NOT tariffs",
    ),
    (
        "Réglementation",
        "regulation",
        "(réglementation OR regulation) NEAR/5 (européenne OR european)",
    ),
    (
        "Énergie",
        "trade",
        "énergie OR energy AND (filière OR supply)",
    ),
    (
        "Données",
        "technology",
        "title:(données OR data) AND (sécurité OR privacy)",
    ),
    (
        "Lancements",
        "competition",
        "lancement* OR launch* AND produit* OR product*",
    ),
    (
        "Commerce",
        "regulation",
        "trade NEAR/2 agreement OR tariffs",
    ),
];

#[derive(Clone)]
struct Article {
    link: String,
    title: String,
    html: String,
}

fn words(rng: &mut StdRng, vocab: &[&str], n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(vocab[rng.gen_range(0..vocab.len())]);
    }
    s
}

fn article(rng: &mut StdRng, french: bool, feed: usize, item: usize) -> Article {
    let vocab = if french { FR } else { EN };
    let mut link = format!("https://site{feed}.example/2025/article-{item}");
    if rng.gen_bool(1.0 / 3.0) {
        link.push_str("?utm_source=rss&utm_medium=feed");
    }
    let n = rng.gen_range(5..12);
    let title = words(rng, vocab, n);
    let target = rng.gen_range(1000..3000);
    let mut html = String::new();
    while html.len() < target {
        let n = rng.gen_range(20..60);
        html.push_str("<p>");
        html.push_str(&words(rng, vocab, n));
        html.push_str(&format!(
            " <a href=\"https://ref{}.example/x?id={}\">{}</a> &amp; <em>{}</em>.</p>\n",
            rng.gen_range(0..100),
            rng.gen_range(0..100_000),
            words(rng, vocab, 2),
            words(rng, vocab, 3)
        ));
    }
    Article { link, title, html }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `feeds` feeds of `items` items each, as the bytes to serve.
pub fn generate(feeds: usize, items: usize) -> Vec<Vec<u8>> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut published: Vec<Article> = Vec::new();
    let mut out = Vec::with_capacity(feeds);
    for f in 0..feeds {
        let atom = f % 2 == 1;
        // Feeds 0, 1 French; 2, 3 English; …: both formats in both languages.
        let french = (f / 2) % 2 == 0;
        let lang = if french { "fr" } else { "en" };
        let mut body = String::new();
        if atom {
            body.push_str(&format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n<title>Site {f}</title>\n<link rel=\"alternate\" href=\"https://site{f}.example/\"/>\n<id>https://site{f}.example/</id>\n<updated>2025-06-01T10:00:00Z</updated>\n"
            ));
        } else {
            body.push_str(&format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>\n<title>Site {f}</title><link>https://site{f}.example/</link><description>Feed {f}</description><language>{lang}</language><ttl>60</ttl>\n"
            ));
        }
        for i in 0..items {
            let a = if !published.is_empty() && rng.gen_bool(0.05) {
                published[rng.gen_range(0..published.len())].clone()
            } else {
                let in_feed_lang = rng.gen_bool(0.9);
                article(&mut rng, french == in_feed_lang, f, i)
            };
            let day = 1 + (i % 28);
            let hour = i % 24;
            if atom {
                body.push_str(&format!(
                    "<entry><title>{}</title><link rel=\"alternate\" href=\"{}\"/><id>{}</id><updated>2025-05-{day:02}T{hour:02}:00:00Z</updated><author><name>Author {}</name></author><content type=\"html\">{}</content></entry>\n",
                    escape(&a.title),
                    escape(&a.link),
                    escape(&a.link),
                    f % 7,
                    escape(&a.html)
                ));
            } else {
                let guid = if i % 2 == 0 {
                    format!("<guid isPermaLink=\"false\">site{f}-{i}</guid>")
                } else {
                    String::new()
                };
                body.push_str(&format!(
                    "<item><title>{}</title><link>{}</link>{guid}<dc:creator>Author {}</dc:creator><pubDate>Thu, {day:02} May 2025 {hour:02}:00:00 GMT</pubDate><description>{}</description></item>\n",
                    escape(&a.title),
                    escape(&a.link),
                    f % 7,
                    escape(&a.html)
                ));
            }
            if published.len() < 5000 {
                published.push(a);
            }
        }
        body.push_str(if atom {
            "</feed>\n"
        } else {
            "</channel></rss>\n"
        });
        out.push(body.into_bytes());
    }
    out
}
