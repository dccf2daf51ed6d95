//! The composer's checks: network limits, accessibility, legal mentions, UGC
//! permission and spelling. Pure functions of the post and the options.

use crate::count::{analyse, TextStats};
use crate::rules::{rules, NetworkRules};
use crate::spell::{fold, Dictionaries, Dictionary};
use relais_core::checks::{CheckDef, Finding, FindingReport, Severity};
use relais_core::entry::{LegalFlags, MediaItem, MediaKind, Ugc};
use relais_core::{Locale, Network};
use serde::Serialize;

const SPECS: &str = "001 C2.3/specs CE.1; 003 Cr4.1";
const A11Y: &str = "000 2.2 ✓5; 001 C2.3 CE.4";
const LEGAL: &str = "003 Cr4.1; 001 C2.3/specs CE.1";
const UGC: &str = "001 C2.4 CE.1";
const SPELLING: &str = "001 C2.3 CE.3; 003 Cr4.2";

macro_rules! def {
    ($name:ident, $id:literal, $sev:ident, $reference:expr, $fr:literal, $en:literal) => {
        pub static $name: CheckDef = CheckDef {
            id: $id,
            severity: Severity::$sev,
            reference: $reference,
            fr: $fr,
            en: $en,
        };
    };
}

// implements 001 C2.3/specs CE.1; 003 Cr4.1: text length within the network's limit.
def!(
    TOO_LONG,
    "compose.too_long",
    Error,
    "001 C2.3/specs CE.1; 003 Cr4.1",
    "Texte trop long pour {network} : {length} sur {limit} ({counting}).",
    "Text too long for {network}: {length} of {limit} ({counting})."
);
// implements 001 C2.3/specs CE.1: Bluesky's second limit in bytes.
def!(
    TOO_MANY_BYTES,
    "compose.too_many_bytes",
    Error,
    SPECS,
    "Texte trop lourd pour {network} : {bytes} octets sur {limit}.",
    "Text too large for {network}: {bytes} bytes of {limit}."
);
// implements 001 C2.3/specs CE.1: characters a network refuses (YouTube < >).
def!(
    FORBIDDEN_CHARACTER,
    "compose.forbidden_character",
    Error,
    SPECS,
    "{network} refuse le caractère « {character} » dans le texte.",
    "{network} does not accept the character “{character}” in the text."
);
// implements 001 C2.3/specs CE.1: hashtag count.
def!(
    TOO_MANY_HASHTAGS,
    "compose.too_many_hashtags",
    Error,
    SPECS,
    "{count} hashtags : {network} en accepte {limit} au plus.",
    "{count} hashtags: {network} accepts at most {limit}."
);
// implements 001 C2.3/specs CE.1: distinct link count (Threads: 5).
def!(
    TOO_MANY_LINKS,
    "compose.too_many_links",
    Error,
    SPECS,
    "{count} liens différents : {network} en accepte {limit} au plus.",
    "{count} distinct links: {network} accepts at most {limit}."
);
// implements 001 C2.3/specs CE.1: mention count.
def!(
    TOO_MANY_MENTIONS,
    "compose.too_many_mentions",
    Error,
    SPECS,
    "{count} mentions : {network} en accepte {limit} au plus.",
    "{count} mentions: {network} accepts at most {limit}."
);
// implements 001 C2.3/specs CE.1: media count.
def!(
    TOO_MANY_MEDIA,
    "compose.too_many_media",
    Error,
    SPECS,
    "{count} médias : {network} en accepte {limit} au plus par publication.",
    "{count} media files: {network} accepts at most {limit} per post."
);
// implements 001 C2.3/specs CE.1: media type.
def!(
    MEDIA_FORMAT,
    "compose.media_format",
    Error,
    SPECS,
    "Média {index} : {network} n'accepte pas le format {mime} (acceptés : {accepted}).",
    "Media {index}: {network} does not accept {mime} (accepted: {accepted})."
);
// implements 001 C2.3/specs CE.1: media size.
def!(
    MEDIA_TOO_LARGE,
    "compose.media_too_large",
    Error,
    SPECS,
    "Média {index} : {size} octets, {network} en accepte {limit} au plus.",
    "Media {index}: {size} bytes, {network} accepts at most {limit}."
);
// implements 001 C2.3/specs CE.1: image definition.
def!(
    IMAGE_TOO_MANY_PIXELS,
    "compose.image_too_many_pixels",
    Error,
    SPECS,
    "Image {index} : {pixels} pixels, {network} en accepte {limit} au plus.",
    "Image {index}: {pixels} pixels, {network} accepts at most {limit}."
);
// implements 001 C2.3 CE.2; 001 C2.3/specs CE.1: aspect ratio within the network's range.
def!(ASPECT_RATIO, "compose.aspect_ratio", Error, "001 C2.3 CE.2; 001 C2.3/specs CE.1",
    "Média {index} : proportions {width}×{height} hors de la plage acceptée par {network} ({range}).",
    "Media {index}: {width}×{height} is outside the aspect ratios {network} accepts ({range}).");
// implements 001 C2.3/specs CE.1: alt text length.
def!(
    ALT_TOO_LONG,
    "compose.alt_too_long",
    Error,
    SPECS,
    "Image {index} : texte alternatif de {length} caractères, {network} en accepte {limit}.",
    "Image {index}: alt text of {length} characters, {network} accepts {limit}."
);
// implements 000 2.2 ✓5; 001 C2.3 CE.4: every image has alt text.
def!(
    ALT_MISSING,
    "compose.alt_missing",
    Error,
    A11Y,
    "Image {index} sans texte alternatif.",
    "Image {index} has no alt text."
);
// implements 000 2.2 ✓5; 001 C2.3 CE.4: multi-word hashtags in CamelCase.
def!(
    HASHTAG_CAMEL_CASE,
    "compose.hashtag_camel_case",
    Warning,
    A11Y,
    "{hashtag} : mettez une majuscule à chaque mot pour les lecteurs d'écran.",
    "{hashtag}: capitalise each word so screen readers can read it."
);
// implements 000 2.2 ✓5: few emoji.
def!(TOO_MANY_EMOJI, "compose.too_many_emoji", Warning, A11Y,
    "{count} emoji (au plus {limit} conseillés) : chacun est lu en entier par les lecteurs d'écran.",
    "{count} emoji (at most {limit} advised): screen readers read each one out.");
// implements 000 2.2 ✓5: no emoji as bullets.
def!(
    EMOJI_BULLETS,
    "compose.emoji_bullets",
    Warning,
    A11Y,
    "{count} lignes commencent par un emoji : évitez les emoji en guise de puces.",
    "{count} lines start with an emoji: avoid emoji as bullets."
);
// implements 000 2.2 ✓5; 001 C2.3 CE.4: every video has captions.
def!(
    VIDEO_NO_CAPTIONS,
    "compose.video_no_captions",
    Warning,
    A11Y,
    "Vidéo {index} sans sous-titres.",
    "Video {index} has no captions."
);
// implements 000 2.2 ✓5: hashtags at the end, not in the middle of the text.
def!(
    HASHTAG_BLOCK,
    "compose.hashtag_block",
    Info,
    A11Y,
    "Bloc de {count} hashtags au milieu du texte : placez-les à la fin.",
    "Block of {count} hashtags in the middle of the text: put them at the end."
);
// implements 000 2.2 ✓5: no Unicode "fonts".
def!(STYLED_LETTERS, "compose.styled_letters", Warning, A11Y,
    "{count} lettres en « police » Unicode (𝐠𝐫𝐚𝐬, 𝘪𝘵𝘢𝘭𝘪𝘲𝘶𝘦…) : les lecteurs d'écran ne les lisent pas comme du texte.",
    "{count} letters in Unicode “fonts” (𝐛𝐨𝐥𝐝, 𝘪𝘵𝘢𝘭𝘪𝘤…): screen readers do not read them as text.");
// implements 003 Cr4.1; 001 C2.3/specs CE.1: loi 2023-451 art. 5.
def!(SPONSORED_MENTION, "compose.sponsored_mention_missing", Error, LEGAL,
    "Publication sponsorisée ou en collaboration sans la mention « Publicité » ou « Collaboration commerciale » (loi 2023-451, art. 5).",
    "Sponsored or collaboration post without the mention “Publicité” or “Collaboration commerciale” (French law 2023-451, art. 5).");
// implements 003 Cr4.1; 001 C2.3/specs CE.1: loi 2023-451, retouched images.
def!(
    RETOUCHED_MENTION,
    "compose.retouched_mention_missing",
    Error,
    LEGAL,
    "Image retouchée sans la mention « Images retouchées » (loi 2023-451).",
    "Retouched image without the mention “Images retouchées” (French law 2023-451)."
);
// implements 003 Cr4.1; 001 C2.3/specs CE.1: loi 2023-451, AI-generated images.
def!(
    AI_MENTION,
    "compose.ai_mention_missing",
    Error,
    LEGAL,
    "Image générée par IA sans la mention « Images virtuelles » (loi 2023-451).",
    "AI-generated image without the mention “Images virtuelles” (French law 2023-451)."
);
// implements 001 C2.4 CE.1: UGC permission recorded as granted.
def!(
    UGC_NO_PERMISSION,
    "compose.ugc_no_permission",
    Error,
    UGC,
    "Contenu de {author} republié sans autorisation enregistrée.",
    "Content by {author} reposted with no recorded permission."
);
// implements 001 C2.4 CE.1: UGC credit line.
def!(
    UGC_NO_CREDIT,
    "compose.ugc_no_credit",
    Error,
    UGC,
    "Contenu de {author} republié sans ligne de crédit.",
    "Content by {author} reposted with no credit line."
);
// implements 001 C2.4 CE.1: the credit line is in the published text.
def!(
    UGC_CREDIT_NOT_IN_TEXT,
    "compose.ugc_credit_not_in_text",
    Warning,
    UGC,
    "La ligne de crédit « {credit} » n'apparaît pas dans le texte.",
    "The credit line “{credit}” is not in the text."
);
// implements 001 C2.3 CE.3; 003 Cr4.2: no spelling mistakes.
def!(
    SPELLING_UNKNOWN,
    "compose.spelling",
    Warning,
    SPELLING,
    "Mot inconnu du dictionnaire : « {word} ».",
    "Word not in the dictionary: “{word}”."
);
// implements 001 C2.3 CE.3; 003 Cr4.2: the spelling check never passes silently.
def!(
    SPELLING_UNAVAILABLE,
    "compose.spelling_unavailable",
    Warning,
    SPELLING,
    "Orthographe non vérifiée : dictionnaire indisponible ({lang}).",
    "Spelling not checked: dictionary unavailable ({lang})."
);

/// Every check definition of this crate, for the catalog and documentation.
pub fn catalog() -> Vec<&'static CheckDef> {
    vec![
        &TOO_LONG,
        &TOO_MANY_BYTES,
        &FORBIDDEN_CHARACTER,
        &TOO_MANY_HASHTAGS,
        &TOO_MANY_LINKS,
        &TOO_MANY_MENTIONS,
        &TOO_MANY_MEDIA,
        &MEDIA_FORMAT,
        &MEDIA_TOO_LARGE,
        &IMAGE_TOO_MANY_PIXELS,
        &ASPECT_RATIO,
        &ALT_TOO_LONG,
        &ALT_MISSING,
        &HASHTAG_CAMEL_CASE,
        &TOO_MANY_EMOJI,
        &EMOJI_BULLETS,
        &VIDEO_NO_CAPTIONS,
        &HASHTAG_BLOCK,
        &STYLED_LETTERS,
        &SPONSORED_MENTION,
        &RETOUCHED_MENTION,
        &AI_MENTION,
        &UGC_NO_PERMISSION,
        &UGC_NO_CREDIT,
        &UGC_CREDIT_NOT_IN_TEXT,
        &SPELLING_UNKNOWN,
        &SPELLING_UNAVAILABLE,
    ]
}

/// What is checked: one post's text for one network, its media and its flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostInput<'a> {
    pub text: &'a str,
    pub media: &'a [MediaItem],
    pub legal: LegalFlags,
    pub ugc: Option<&'a Ugc>,
    /// The post's language (for spelling and hashtag splitting).
    pub lang: Locale,
}

/// How the checks run.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    /// The Mastodon instance's own limit (`/api/v2/instance`
    /// `configuration.statuses.max_characters`), when known.
    pub mastodon_limit: Option<usize>,
    /// More emoji than this is a warning.
    pub max_emoji: usize,
    /// An all-lower-case hashtag longer than this many letters is flagged when
    /// no dictionary can split it into words.
    pub hashtag_letters_without_dictionary: usize,
    /// Spelling dictionaries. `None` skips spelling on purpose (live counters,
    /// benchmarks); `Some` with the post's language missing yields
    /// `compose.spelling_unavailable`.
    pub dictionaries: Option<&'a Dictionaries>,
    /// How many unknown words get suggestions (suggesting is the slow part).
    pub suggestions_for: usize,
}

impl Default for CheckOptions<'_> {
    fn default() -> Self {
        CheckOptions {
            mastodon_limit: None,
            max_emoji: 5,
            hashtag_letters_without_dictionary: 15,
            dictionaries: None,
            suggestions_for: 5,
        }
    }
}

/// The checks of one post on one network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkReport {
    pub network: Network,
    /// The text's length as the network counts it.
    pub length: usize,
    pub limit: usize,
    pub findings: Vec<Finding>,
}

/// A [`NetworkReport`] in one language (`relais lint --format json`, the API).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkReportView {
    pub network: Network,
    pub length: usize,
    pub limit: usize,
    pub findings: Vec<FindingReport>,
}

impl NetworkReport {
    pub fn view(&self, locale: Locale) -> NetworkReportView {
        NetworkReportView {
            network: self.network,
            length: self.length,
            limit: self.limit,
            findings: self.findings.iter().map(|f| f.report(locale)).collect(),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity() == Severity::Error)
    }
}

/// Checks `post` for `network`.
pub fn check_post(post: &PostInput, network: Network, options: &CheckOptions) -> NetworkReport {
    let stats = analyse(post.text);
    let mut findings = common_findings(post, &stats, options);
    network_findings(post, &stats, network, options, &mut findings);
    report(network, &stats, options, findings)
}

/// Checks `post` for each of `networks`, analysing the text and running the
/// network-independent checks (accessibility, legal, UGC, spelling) once.
pub fn check_networks(
    post: &PostInput,
    networks: &[Network],
    options: &CheckOptions,
) -> Vec<NetworkReport> {
    let stats = analyse(post.text);
    let common = common_findings(post, &stats, options);
    networks
        .iter()
        .map(|&network| {
            let mut findings = Vec::new();
            network_findings(post, &stats, network, options, &mut findings);
            findings.extend(common.iter().cloned());
            report(network, &stats, options, findings)
        })
        .collect()
}

fn report(
    network: Network,
    stats: &TextStats,
    options: &CheckOptions,
    mut findings: Vec<Finding>,
) -> NetworkReport {
    findings.sort_by_key(|f| f.check.severity);
    let (length, limit) = length_and_limit(network, stats, options);
    NetworkReport {
        network,
        length,
        limit,
        findings,
    }
}

fn length_and_limit(network: Network, stats: &TextStats, options: &CheckOptions) -> (usize, usize) {
    let r = rules(network);
    let mut limit = r.text.value.max;
    if network == Network::Mastodon {
        limit = options.mastodon_limit.unwrap_or(limit);
    }
    (stats.length(r.text.value.counting), limit)
}

fn counting_label(r: &NetworkRules) -> &'static str {
    use crate::rules::Counting::*;
    match r.text.value.counting {
        Graphemes => "graphemes",
        MastodonGraphemes => "graphemes, URL = 23",
        XWeighted => "twitter-text v3",
        ThreadsEmojiBytes => "emoji = UTF-8 bytes",
        Utf16Units => "UTF-16",
        Utf8Bytes => "UTF-8 bytes",
    }
}

/// Limits of the network: length, bytes, characters, hashtags, links,
/// mentions and media.
fn network_findings(
    post: &PostInput,
    stats: &TextStats,
    network: Network,
    options: &CheckOptions,
    out: &mut Vec<Finding>,
) {
    let r = rules(network);
    let name = network.label();
    let (length, limit) = length_and_limit(network, stats, options);
    // implements 001 C2.3/specs CE.1; 003 Cr4.1
    if length > limit {
        out.push(
            Finding::new(&TOO_LONG)
                .arg("network", name)
                .arg("length", length)
                .arg("limit", limit)
                .arg("counting", counting_label(r)),
        );
    }
    if let Some(max) = r.max_bytes {
        if stats.bytes > max.value {
            out.push(
                Finding::new(&TOO_MANY_BYTES)
                    .arg("network", name)
                    .arg("bytes", stats.bytes)
                    .arg("limit", max.value),
            );
        }
    }
    if let Some(chars) = r.forbidden_chars {
        for c in chars.value {
            if post.text.contains(*c) {
                out.push(
                    Finding::new(&FORBIDDEN_CHARACTER)
                        .arg("network", name)
                        .arg("character", c),
                );
            }
        }
    }
    let counted = [
        (r.max_hashtags, stats.hashtags.len(), &TOO_MANY_HASHTAGS),
        (
            r.max_links,
            if r.max_links.is_some() {
                stats.unique_urls(post.text).len()
            } else {
                0
            },
            &TOO_MANY_LINKS,
        ),
        (r.max_mentions, stats.mentions.len(), &TOO_MANY_MENTIONS),
        (r.max_media, post.media.len(), &TOO_MANY_MEDIA),
    ];
    for (max, count, def) in counted {
        if let Some(max) = max {
            if count > max.value {
                out.push(
                    Finding::new(def)
                        .arg("network", name)
                        .arg("count", count)
                        .arg("limit", max.value),
                );
            }
        }
    }
    for (i, m) in post.media.iter().enumerate() {
        media_findings(r, i + 1, m, out);
    }
}

fn media_findings(r: &NetworkRules, index: usize, m: &MediaItem, out: &mut Vec<Finding>) {
    let name = r.network.label();
    let (formats, max_bytes, aspect) = match m.kind {
        MediaKind::Image => (r.image_formats, r.image_max_bytes, r.image_aspect),
        MediaKind::Video => (r.video_formats, r.video_max_bytes, r.video_aspect),
    };
    if let Some(formats) = formats {
        if !formats
            .value
            .iter()
            .any(|f| f.eq_ignore_ascii_case(&m.mime))
        {
            out.push(
                Finding::new(&MEDIA_FORMAT)
                    .arg("index", index)
                    .arg("network", name)
                    .arg("mime", &m.mime)
                    .arg("accepted", formats.value.join(", ")),
            );
        }
    }
    if let Some(max) = max_bytes {
        if m.bytes > max.value {
            out.push(
                Finding::new(&MEDIA_TOO_LARGE)
                    .arg("index", index)
                    .arg("network", name)
                    .arg("size", m.bytes)
                    .arg("limit", max.value),
            );
        }
    }
    if let Some(range) = aspect {
        if !range.value.contains(m.width, m.height) {
            out.push(
                Finding::new(&ASPECT_RATIO)
                    .arg("index", index)
                    .arg("network", name)
                    .arg("width", m.width)
                    .arg("height", m.height)
                    .arg("range", range.value.label),
            );
        }
    }
    if m.kind == MediaKind::Image {
        if let Some(max) = r.image_max_pixels {
            let pixels = u64::from(m.width) * u64::from(m.height);
            if pixels > max.value {
                out.push(
                    Finding::new(&IMAGE_TOO_MANY_PIXELS)
                        .arg("index", index)
                        .arg("network", name)
                        .arg("pixels", pixels)
                        .arg("limit", max.value),
                );
            }
        }
        if let Some(max) = r.alt_text_max {
            let length = m.alt.chars().count();
            if length > max.value {
                out.push(
                    Finding::new(&ALT_TOO_LONG)
                        .arg("index", index)
                        .arg("network", name)
                        .arg("length", length)
                        .arg("limit", max.value),
                );
            }
        }
    }
}

/// Checks that do not depend on the network.
fn common_findings(post: &PostInput, stats: &TextStats, options: &CheckOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    accessibility(post, stats, options, &mut out);
    legal(post, &mut out);
    ugc(post, &mut out);
    if let Some(dicts) = options.dictionaries {
        spelling(post, stats, dicts, options, &mut out);
    }
    out
}

fn accessibility(
    post: &PostInput,
    stats: &TextStats,
    options: &CheckOptions,
    out: &mut Vec<Finding>,
) {
    // implements 000 2.2 ✓5; 001 C2.3 CE.4: alt text and captions.
    for (i, m) in post.media.iter().enumerate() {
        match m.kind {
            MediaKind::Image if m.alt.trim().is_empty() => {
                out.push(Finding::new(&ALT_MISSING).arg("index", i + 1));
            }
            MediaKind::Video if !m.has_captions => {
                out.push(Finding::new(&VIDEO_NO_CAPTIONS).arg("index", i + 1));
            }
            _ => {}
        }
    }
    // implements 000 2.2 ✓5: CamelCase hashtags.
    let dicts = options.dictionaries;
    for r in &stats.hashtags {
        let tag = &post.text[r.clone()];
        if let Some(suggestion) = camel_case(tag, post.lang, dicts, options) {
            let f = Finding::new(&HASHTAG_CAMEL_CASE).arg("hashtag", tag);
            out.push(match suggestion {
                Some(s) => f.suggest(s),
                None => f,
            });
        }
    }
    // implements 000 2.2 ✓5: few emoji, not as bullets, no Unicode fonts.
    if stats.emoji > options.max_emoji {
        out.push(
            Finding::new(&TOO_MANY_EMOJI)
                .arg("count", stats.emoji)
                .arg("limit", options.max_emoji),
        );
    }
    if stats.emoji_bullet_lines >= 2 {
        out.push(Finding::new(&EMOJI_BULLETS).arg("count", stats.emoji_bullet_lines));
    }
    if stats.styled_letters >= 3 {
        out.push(Finding::new(&STYLED_LETTERS).arg("count", stats.styled_letters));
    }
    // implements 000 2.2 ✓5: hashtags at the end.
    if let Some(count) = hashtag_block_mid_text(post.text, &stats.hashtags) {
        out.push(Finding::new(&HASHTAG_BLOCK).arg("count", count));
    }
}

/// The size of the first run of ≥3 hashtags (separated by blanks only) that text
/// follows.
fn hashtag_block_mid_text(text: &str, tags: &[std::ops::Range<usize>]) -> Option<usize> {
    let mut i = 0;
    while i < tags.len() {
        let mut j = i;
        while j + 1 < tags.len() && text[tags[j].end..tags[j + 1].start].trim().is_empty() {
            j += 1;
        }
        let run = j - i + 1;
        if run >= 3 && !text[tags[j].end..].trim().is_empty() {
            return Some(run);
        }
        i = j + 1;
    }
    None
}

/// `None` when `tag` reads well; `Some(Some(fix))` when it should be CamelCase
/// and the fix is known; `Some(None)` when it probably should but no dictionary
/// can tell the words apart.
fn camel_case(
    tag: &str,
    lang: Locale,
    dicts: Option<&Dictionaries>,
    options: &CheckOptions,
) -> Option<Option<String>> {
    let body = tag.strip_prefix('#').unwrap_or(tag);
    let parts: Vec<&str> = body.split('_').filter(|p| !p.is_empty()).collect();
    if parts.len() >= 2 {
        let starts_lower = parts
            .iter()
            .any(|p| p.chars().next().is_some_and(char::is_lowercase));
        return starts_lower.then(|| {
            Some(format!(
                "#{}",
                parts.iter().map(|p| capitalise(p)).collect::<String>()
            ))
        });
    }
    let letters = body.chars().filter(|c| c.is_alphabetic()).count();
    let inner_upper = body.chars().skip(1).any(char::is_uppercase);
    let all_upper = !body.chars().any(char::is_lowercase);
    if inner_upper || all_upper || letters < 6 {
        return None;
    }
    match dicts {
        Some(d) => {
            let primary = d.get(lang);
            let other = d.get(match lang {
                Locale::Fr => Locale::En,
                Locale::En => Locale::Fr,
            });
            if primary.is_none() && other.is_none() {
                return (letters > options.hashtag_letters_without_dictionary).then_some(None);
            }
            for dict in [primary, other].into_iter().flatten() {
                if dict.knows_folded(body) {
                    return None;
                }
            }
            for dict in [primary, other].into_iter().flatten() {
                if let Some(words) = split_words(body, dict) {
                    if words.len() >= 2 {
                        return Some(Some(format!(
                            "#{}",
                            words.iter().map(|w| capitalise(w)).collect::<String>()
                        )));
                    }
                }
            }
            None
        }
        None => (letters > options.hashtag_letters_without_dictionary).then_some(None),
    }
}

fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Short function words a hashtag often glues together (`#fetedelamusique`): they
/// cost less than other words, so `de`+`la` wins over a rare `dela`.
const FUNCTION_WORDS: [&str; 24] = [
    "de", "la", "le", "les", "du", "des", "et", "en", "au", "aux", "un", "une", "a", "the", "of",
    "and", "in", "on", "for", "to", "my", "your", "is", "at",
];

/// Splits `body` into the cheapest sequence of dictionary words (of two letters or
/// more, or a function word; digit runs stand alone), accents optional: each word
/// costs 10, a function word 4. `None` if it cannot.
fn split_words<'t>(body: &'t str, dict: &Dictionary) -> Option<Vec<&'t str>> {
    let bounds: Vec<usize> = body
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(body.len()))
        .collect();
    let n = bounds.len() - 1;
    if n > 60 {
        return None;
    }
    // best[k] = (cost, previous boundary) for the prefix of k characters.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in (0..end).rev() {
            let Some((count, _)) = best[start] else {
                continue;
            };
            let piece = &body[bounds[start]..bounds[end]];
            let folded = fold(piece);
            let cost = if piece.chars().all(|c| c.is_ascii_digit()) {
                Some(10)
            } else if FUNCTION_WORDS.contains(&folded.as_str()) {
                Some(4)
            } else if end - start >= 2
                && piece.chars().all(char::is_alphabetic)
                && dict.knows_folded(piece)
            {
                Some(10)
            } else {
                None
            };
            if let Some(cost) = cost {
                if best[end].is_none_or(|(c, _)| count + cost < c) {
                    best[end] = Some((count + cost, start));
                }
            }
        }
    }
    best[n]?;
    let mut words = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        words.push(&body[bounds[start]..bounds[end]]);
        end = start;
    }
    words.reverse();
    Some(words)
}

/// Whether the folded text contains the folded mention.
fn mentions(folded_text: &str, mention: &str) -> bool {
    folded_text.contains(&fold(mention))
}

fn legal(post: &PostInput, out: &mut Vec<Finding>) {
    let l = post.legal;
    if !(l.sponsored || l.collaboration || l.retouched || l.ai_generated) {
        return;
    }
    let folded = fold(post.text);
    // implements 003 Cr4.1; 001 C2.3/specs CE.1: loi 2023-451 art. 5.
    if (l.sponsored || l.collaboration)
        && !mentions(&folded, "Publicité")
        && !mentions(&folded, "Collaboration commerciale")
    {
        let fix = if l.collaboration && !l.sponsored {
            "Collaboration commerciale"
        } else {
            "Publicité"
        };
        out.push(Finding::new(&SPONSORED_MENTION).suggest(fix));
    }
    if l.retouched && !mentions(&folded, "Images retouchées") {
        out.push(Finding::new(&RETOUCHED_MENTION).suggest("Images retouchées"));
    }
    if l.ai_generated && !mentions(&folded, "Images virtuelles") {
        out.push(Finding::new(&AI_MENTION).suggest("Images virtuelles"));
    }
}

fn ugc(post: &PostInput, out: &mut Vec<Finding>) {
    let Some(u) = post.ugc else {
        return;
    };
    let author = if u.original_author.trim().is_empty() {
        "?"
    } else {
        u.original_author.trim()
    };
    // implements 001 C2.4 CE.1
    if u.permission_granted_on.is_none() {
        out.push(Finding::new(&UGC_NO_PERMISSION).arg("author", author));
    }
    let credit = u.credit.trim();
    if credit.is_empty() {
        out.push(
            Finding::new(&UGC_NO_CREDIT)
                .arg("author", author)
                .suggest(format!("📷 {author}")),
        );
    } else if !fold(post.text).contains(&fold(credit)) {
        out.push(
            Finding::new(&UGC_CREDIT_NOT_IN_TEXT)
                .arg("credit", credit)
                .suggest(credit),
        );
    }
}

fn spelling(
    post: &PostInput,
    stats: &TextStats,
    dicts: &Dictionaries,
    options: &CheckOptions,
    out: &mut Vec<Finding>,
) {
    // implements 001 C2.3 CE.3; 003 Cr4.2
    let Some(dict) = dicts.get(post.lang) else {
        out.push(Finding::new(&SPELLING_UNAVAILABLE).arg("lang", post.lang.as_str()));
        return;
    };
    let mut skip: Vec<std::ops::Range<usize>> = stats.urls.clone();
    skip.extend(stats.mentions.iter().map(|m| m.span.clone()));
    skip.extend(stats.hashtags.iter().cloned());
    let mut seen: Vec<&str> = Vec::new();
    let mut suggested = 0;
    for r in crate::spell::words(post.text, &skip) {
        let word = &post.text[r];
        // Acronyms (RGPD, NASA) are not spelling.
        if word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !word.chars().any(char::is_lowercase)
        {
            continue;
        }
        if seen.contains(&word) || dict.check(word) {
            continue;
        }
        seen.push(word);
        let mut f = Finding::new(&SPELLING_UNKNOWN).arg("word", word);
        if suggested < options.suggestions_for {
            suggested += 1;
            let s = dict.suggest(word, 3);
            if !s.is_empty() {
                f = f.suggest(s.join(", "));
            }
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use relais_core::checks::validate_catalog;
    use relais_core::MediaId;

    #[test]
    fn the_catalog_is_valid() {
        assert_eq!(validate_catalog(&catalog()), Vec::<String>::new());
    }

    fn ids(text: &str, network: Network) -> Vec<&'static str> {
        let post = PostInput {
            text,
            ..PostInput::default()
        };
        check_post(&post, network, &CheckOptions::default())
            .findings
            .iter()
            .map(|f| f.check.id)
            .collect()
    }

    /// Each network's limit at the boundary and one past it.
    #[test]
    fn limits_at_the_boundary_and_one_past() {
        let cases: &[(Network, &str, usize)] = &[
            (Network::Bluesky, "a", 300),
            (Network::Bluesky, "👍🏽", 300),
            (Network::Mastodon, "é", 500),
            (Network::X, "a", 280),
            (Network::X, "日", 140),
            (Network::X, "🎉", 140),
            (Network::Linkedin, "a", 3000),
            (Network::FacebookPage, "a", 63_206),
            (Network::Instagram, "a", 2200),
            (Network::Threads, "a", 500),
            (Network::Threads, "🎉", 125),
            (Network::Tiktok, "a", 2200),
            (Network::Tiktok, "🎉", 1100),
            (Network::Youtube, "a", 5000),
            (Network::Youtube, "é", 2500),
            (Network::Pinterest, "a", 800),
        ];
        for &(network, unit, fits) in cases {
            let at = unit.repeat(fits);
            assert!(
                !ids(&at, network).contains(&"compose.too_long"),
                "{network} {unit} x{fits}"
            );
            let past = unit.repeat(fits + 1);
            assert!(
                ids(&past, network).contains(&"compose.too_long"),
                "{network} {unit} x{}",
                fits + 1
            );
        }
        // Bluesky's byte limit: 300 graphemes of 4 bytes pass the length, not the bytes.
        let heavy = "🎉".repeat(300);
        let found = ids(&heavy, Network::Bluesky);
        assert!(!found.contains(&"compose.too_long") && !found.contains(&"compose.too_many_bytes"));
        let heavy = "👍🏽".repeat(300); // 8 bytes each = 2,400
        assert!(!ids(&heavy, Network::Bluesky).contains(&"compose.too_many_bytes"));
        let heavy = "👨\u{200d}👩\u{200d}👧".repeat(200); // 18 bytes each = 3,600
        assert!(ids(&heavy, Network::Bluesky).contains(&"compose.too_many_bytes"));
    }

    #[test]
    fn mastodon_limit_per_instance() {
        let text = "a".repeat(600);
        let post = PostInput {
            text: &text,
            ..PostInput::default()
        };
        let default = check_post(&post, Network::Mastodon, &CheckOptions::default());
        assert_eq!((default.length, default.limit), (600, 500));
        assert!(default.has_errors());
        let opts = CheckOptions {
            mastodon_limit: Some(1000),
            ..CheckOptions::default()
        };
        let big = check_post(&post, Network::Mastodon, &opts);
        assert_eq!(big.limit, 1000);
        assert!(!big.has_errors());
    }

    /// (text, network, expected check ids present, ids absent)
    #[test]
    fn text_checks_table() {
        let cases: &[(&str, Network, &[&str], &[&str])] = &[
            ("#un #deux #trois #quatre #cinq #six", Network::Instagram, &["compose.too_many_hashtags"], &[]),
            ("#un #deux #trois #quatre #cinq", Network::Instagram, &[], &["compose.too_many_hashtags"]),
            ("#un #deux", Network::Threads, &["compose.too_many_hashtags"], &[]),
            (
                "https://a.fr/1 https://a.fr/2 https://a.fr/3 https://a.fr/4 https://a.fr/5 https://a.fr/6",
                Network::Threads,
                &["compose.too_many_links"],
                &[],
            ),
            (
                "https://a.fr/1 https://a.fr/1 https://a.fr/2 https://a.fr/3 https://a.fr/4 https://a.fr/5",
                Network::Threads,
                &[],
                &["compose.too_many_links"],
            ),
            ("a <b>", Network::Youtube, &["compose.forbidden_character"], &[]),
            ("Fête #fete_de_la_musique", Network::Bluesky, &["compose.hashtag_camel_case"], &[]),
            ("Fête #FeteDeLaMusique", Network::Bluesky, &[], &["compose.hashtag_camel_case"]),
            ("Sommet #RGPD #IA", Network::Bluesky, &[], &["compose.hashtag_camel_case"]),
            ("🎉🎉🎉🎉🎉 ok", Network::Bluesky, &[], &["compose.too_many_emoji"]),
            ("🎉🎉🎉🎉🎉🎉 trop", Network::Bluesky, &["compose.too_many_emoji"], &[]),
            ("Menu :\n✅ pain\n✅ café", Network::Bluesky, &["compose.emoji_bullets"], &[]),
            ("🎉 Ouverture demain !", Network::Bluesky, &[], &["compose.emoji_bullets"]),
            ("Soldes #mode #style #paris à partir de lundi", Network::Bluesky, &["compose.hashtag_block"], &[]),
            ("Soldes à partir de lundi #mode #style #paris", Network::Bluesky, &[], &["compose.hashtag_block"]),
            ("Soldes #mode #style à partir de lundi", Network::Bluesky, &[], &["compose.hashtag_block"]),
            ("𝐒𝐨𝐥𝐝𝐞𝐬 demain", Network::Bluesky, &["compose.styled_letters"], &[]),
            ("@a @b @c @d @e @f @g @h @i @j @k @l @m @n @o @p @q @r @s @t @u", Network::Instagram, &["compose.too_many_mentions"], &[]),
        ];
        for (text, network, present, absent) in cases {
            let found = ids(text, *network);
            for id in *present {
                assert!(
                    found.contains(id),
                    "{text:?} on {network}: {id} missing in {found:?}"
                );
            }
            for id in *absent {
                assert!(
                    !found.contains(id),
                    "{text:?} on {network}: unexpected {id}"
                );
            }
        }
    }

    #[test]
    fn camel_case_suggestions() {
        let post = PostInput {
            text: "#fete_de_la_musique #été_indien",
            ..PostInput::default()
        };
        let r = check_post(&post, Network::Bluesky, &CheckOptions::default());
        let s: Vec<Option<&str>> = r.findings.iter().map(|f| f.suggestion.as_deref()).collect();
        assert_eq!(s, [Some("#FeteDeLaMusique"), Some("#ÉtéIndien")]);
        // Without a dictionary, a long lower-case tag is flagged without a fix.
        let post = PostInput {
            text: "#fetedelamusiqueparis",
            ..PostInput::default()
        };
        let r = check_post(&post, Network::Bluesky, &CheckOptions::default());
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].suggestion, None);
        let post = PostInput {
            text: "#fetedelamusique",
            ..PostInput::default()
        };
        assert!(
            check_post(&post, Network::Bluesky, &CheckOptions::default())
                .findings
                .is_empty()
        );
    }

    fn image(alt: &str, mime: &str, w: u32, h: u32, bytes: u64) -> MediaItem {
        MediaItem {
            media_id: MediaId(1),
            kind: MediaKind::Image,
            mime: mime.into(),
            width: w,
            height: h,
            bytes,
            alt: alt.into(),
            has_captions: false,
        }
    }

    /// (media, network, expected ids)
    #[test]
    fn media_checks_table() {
        let ok = image("Une baguette", "image/jpeg", 1080, 1350, 500_000);
        let mut video = image("", "video/mp4", 1080, 1920, 5_000_000);
        video.kind = MediaKind::Video;
        let mut captioned = video.clone();
        captioned.has_captions = true;
        let cases: Vec<(Vec<MediaItem>, Network, Vec<&str>)> = vec![
            (vec![ok.clone()], Network::Instagram, vec![]),
            (
                vec![image("", "image/jpeg", 1080, 1350, 1)],
                Network::Instagram,
                vec!["compose.alt_missing"],
            ),
            (
                vec![image("  ", "image/jpeg", 1080, 1350, 1)],
                Network::Mastodon,
                vec!["compose.alt_missing"],
            ),
            (
                vec![image("x", "image/png", 1080, 1350, 1)],
                Network::Instagram,
                vec!["compose.media_format"],
            ),
            (
                vec![image("x", "image/jpeg", 1080, 1920, 1)],
                Network::Instagram,
                vec!["compose.aspect_ratio"],
            ),
            (
                vec![image("x", "image/jpeg", 1080, 1080, 9 * 1024 * 1024)],
                Network::Instagram,
                vec!["compose.media_too_large"],
            ),
            (
                vec![image("x", "image/jpeg", 100, 100, 2_000_001)],
                Network::Bluesky,
                vec!["compose.media_too_large"],
            ),
            (
                vec![image("x", "image/jpeg", 100, 100, 2_000_000)],
                Network::Bluesky,
                vec![],
            ),
            (
                vec![image(&"a".repeat(1501), "image/jpeg", 10, 10, 1)],
                Network::Mastodon,
                vec!["compose.alt_too_long"],
            ),
            (
                vec![image(&"a".repeat(1500), "image/jpeg", 10, 10, 1)],
                Network::Mastodon,
                vec![],
            ),
            (
                vec![image("x", "image/jpeg", 8000, 8000, 1)],
                Network::Mastodon,
                vec!["compose.image_too_many_pixels"],
            ),
            (
                vec![ok.clone(); 5],
                Network::X,
                vec!["compose.too_many_media"],
            ),
            (vec![ok.clone(); 4], Network::X, vec![]),
            (
                vec![video.clone()],
                Network::Bluesky,
                vec!["compose.video_no_captions"],
            ),
            (vec![captioned.clone()], Network::Bluesky, vec![]),
            (vec![captioned.clone()], Network::X, vec![]),
            (
                vec![MediaItem {
                    height: 4000,
                    ..captioned
                }],
                Network::X,
                vec!["compose.aspect_ratio"],
            ),
        ];
        for (media, network, expected) in cases {
            let post = PostInput {
                text: "Texte",
                media: &media,
                ..PostInput::default()
            };
            let got: Vec<&str> = check_post(&post, network, &CheckOptions::default())
                .findings
                .iter()
                .map(|f| f.check.id)
                .collect();
            assert_eq!(got, expected, "{network} {media:?}");
        }
    }

    /// (text, flags, expected ids)
    #[test]
    fn legal_checks_table() {
        let flags = |sponsored, collaboration, retouched, ai_generated| LegalFlags {
            sponsored,
            collaboration,
            retouched,
            ai_generated,
        };
        let cases: &[(&str, LegalFlags, &[&str])] = &[
            (
                "Nouvelle collection",
                flags(true, false, false, false),
                &["compose.sponsored_mention_missing"],
            ),
            (
                "Nouvelle collection — Publicité",
                flags(true, false, false, false),
                &[],
            ),
            (
                "PUBLICITE : nouvelle collection",
                flags(true, false, false, false),
                &[],
            ),
            (
                "#publicité nouvelle collection",
                flags(true, false, false, false),
                &[],
            ),
            (
                "collaboration commerciale avec @marque",
                flags(false, true, false, false),
                &[],
            ),
            (
                "Avec @marque",
                flags(false, true, false, false),
                &["compose.sponsored_mention_missing"],
            ),
            (
                "Portrait",
                flags(false, false, true, false),
                &["compose.retouched_mention_missing"],
            ),
            (
                "Portrait (images retouchees)",
                flags(false, false, true, false),
                &[],
            ),
            (
                "Paysage",
                flags(false, false, false, true),
                &["compose.ai_mention_missing"],
            ),
            (
                "Paysage. Images virtuelles.",
                flags(false, false, false, true),
                &[],
            ),
            (
                "Rien",
                flags(true, false, true, true),
                &[
                    "compose.sponsored_mention_missing",
                    "compose.retouched_mention_missing",
                    "compose.ai_mention_missing",
                ],
            ),
            ("Rien", flags(false, false, false, false), &[]),
        ];
        for (text, legal, expected) in cases {
            let post = PostInput {
                text,
                legal: *legal,
                ..PostInput::default()
            };
            let got: Vec<&str> = check_post(&post, Network::Instagram, &CheckOptions::default())
                .findings
                .iter()
                .map(|f| f.check.id)
                .collect();
            assert_eq!(&got, expected, "{text:?} {legal:?}");
        }
    }

    #[test]
    fn ugc_checks_table() {
        let granted = chrono_date();
        let cases: Vec<(Ugc, &str, Vec<&str>)> = vec![
            (
                Ugc {
                    original_author: "@lea".into(),
                    permission_granted_on: Some(granted),
                    credit: "📷 @lea".into(),
                    ..Ugc::default()
                },
                "Merci ! 📷 @lea",
                vec![],
            ),
            (
                Ugc {
                    original_author: "@lea".into(),
                    credit: "📷 @lea".into(),
                    ..Ugc::default()
                },
                "Merci ! 📷 @lea",
                vec!["compose.ugc_no_permission"],
            ),
            (
                Ugc {
                    original_author: "@lea".into(),
                    permission_granted_on: Some(granted),
                    ..Ugc::default()
                },
                "Merci !",
                vec!["compose.ugc_no_credit"],
            ),
            (
                Ugc {
                    original_author: "@lea".into(),
                    permission_granted_on: Some(granted),
                    credit: "📷 @lea".into(),
                    ..Ugc::default()
                },
                "Merci !",
                vec!["compose.ugc_credit_not_in_text"],
            ),
        ];
        for (u, text, expected) in cases {
            let post = PostInput {
                text,
                ugc: Some(&u),
                ..PostInput::default()
            };
            let got: Vec<&str> = check_post(&post, Network::Instagram, &CheckOptions::default())
                .findings
                .iter()
                .map(|f| f.check.id)
                .collect();
            assert_eq!(got, expected, "{u:?}");
        }
    }

    fn chrono_date() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default()
    }

    #[test]
    fn missing_dictionary_is_never_silent() {
        let none = Dictionaries::none();
        let opts = CheckOptions {
            dictionaries: Some(&none),
            ..CheckOptions::default()
        };
        let post = PostInput {
            text: "Bonjoure",
            ..PostInput::default()
        };
        let r = check_post(&post, Network::Bluesky, &opts);
        let ids: Vec<&str> = r.findings.iter().map(|f| f.check.id).collect();
        assert_eq!(ids, ["compose.spelling_unavailable"]);
        assert!(r.findings[0]
            .message(Locale::Fr)
            .contains("dictionnaire indisponible"));
        assert!(r.findings[0]
            .message(Locale::En)
            .contains("dictionary unavailable"));
    }

    #[test]
    fn check_networks_matches_check_post() {
        let post = PostInput {
            text: "Soldes #mode #style #paris dès lundi 🎉 https://exemple.fr/soldes",
            ..PostInput::default()
        };
        let opts = CheckOptions::default();
        let all = check_networks(&post, &Network::ALL, &opts);
        for (n, r) in Network::ALL.iter().zip(&all) {
            let one = check_post(&post, *n, &opts);
            assert_eq!(&one.network, n);
            assert_eq!((one.length, one.limit), (r.length, r.limit));
            let mut a: Vec<&str> = one.findings.iter().map(|f| f.check.id).collect();
            let mut b: Vec<&str> = r.findings.iter().map(|f| f.check.id).collect();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b);
        }
        let json = serde_json::to_value(all[0].view(Locale::En)).unwrap_or_default();
        assert_eq!(json["network"], "bluesky");
    }
}
