//! Each network's publishing rules, as data.
//!
//! Every value carries where it comes from (the source cited in
//! `shared/docs/domain.md` §1 "Sources"), how sure that source is, and the date it
//! was checked. A value nobody could confirm is `None`: the checks then say
//! nothing rather than guess. Platform limits change; update this table (and its
//! dates) rather than code, and prefer what a server reports at run time
//! (Mastodon's per-instance limit: [`crate::CheckOptions::mastodon_limit`]).

use relais_core::Network;
use serde::Serialize;

/// How sure a value is, with domain.md's tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// `[O]` official documentation or specification.
    Official,
    /// `[C]` the platform's own source code.
    Code,
    /// `[3P]` a third-party integrator or the press.
    ThirdParty,
    /// `[U]` often quoted, not verified.
    Unverified,
}

/// A value with its provenance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sourced<T: 'static> {
    pub value: T,
    /// The document or file the value was read in.
    pub source: &'static str,
    pub confidence: Confidence,
    /// When it was last checked (ISO date, or year-month when only that is known).
    pub checked: &'static str,
}

/// How a network measures the length of a text (see [`crate::count`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// Extended grapheme clusters (what a person sees as one character).
    Graphemes,
    /// Grapheme clusters, every http(s) URL counting 23 and `@user@domain`
    /// counting as `@user` (Mastodon's `StatusLengthValidator`).
    MastodonGraphemes,
    /// twitter-text v3 weighted length: NFC, code points in the Latin and
    /// punctuation ranges weigh 1, others 2, an emoji sequence 2, a URL 23.
    XWeighted,
    /// Grapheme clusters, except that an emoji counts its UTF-8 byte length (Meta's
    /// rule for Threads).
    ThreadsEmojiBytes,
    /// UTF-16 code units (what JavaScript's `length` returns).
    Utf16Units,
    /// UTF-8 bytes.
    Utf8Bytes,
}

/// The main text limit and how it is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TextLimit {
    pub max: usize,
    pub counting: Counting,
}

/// An accepted range of width/height ratios, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AspectRange {
    /// Narrowest accepted width/height (4:5 = 0.8).
    pub min: f64,
    /// Widest accepted width/height (1.91:1 = 1.91).
    pub max: f64,
    /// As the source writes it ("4:5 to 1.91:1").
    pub label: &'static str,
}

impl AspectRange {
    pub fn contains(&self, width: u32, height: u32) -> bool {
        if width == 0 || height == 0 {
            return true; // unknown dimensions: nothing to say
        }
        let ratio = f64::from(width) / f64::from(height);
        // A little tolerance: 1080×1350 is 0.8 exactly, 1080×1351 is not meant to fail.
        ratio >= self.min * 0.995 && ratio <= self.max * 1.005
    }
}

/// A network's rules. `None` = not known (no reliable source).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NetworkRules {
    pub network: Network,
    /// The main text (post, caption, description).
    pub text: Sourced<TextLimit>,
    /// A second limit in UTF-8 bytes (Bluesky: 3,000).
    pub max_bytes: Option<Sourced<usize>>,
    /// Characters a text must not contain (YouTube: `<` and `>`).
    pub forbidden_chars: Option<Sourced<&'static [char]>>,
    pub max_hashtags: Option<Sourced<usize>>,
    /// Distinct links.
    pub max_links: Option<Sourced<usize>>,
    pub max_mentions: Option<Sourced<usize>>,
    /// Media files in one post.
    pub max_media: Option<Sourced<usize>>,
    pub image_max_bytes: Option<Sourced<u64>>,
    /// Largest image in pixels (width × height).
    pub image_max_pixels: Option<Sourced<u64>>,
    /// Accepted image MIME types.
    pub image_formats: Option<Sourced<&'static [&'static str]>>,
    pub image_aspect: Option<Sourced<AspectRange>>,
    pub video_max_bytes: Option<Sourced<u64>>,
    /// Accepted video MIME types.
    pub video_formats: Option<Sourced<&'static [&'static str]>>,
    pub video_aspect: Option<Sourced<AspectRange>>,
    /// Whether the network has an alt-text field for images.
    pub alt_text: Option<Sourced<bool>>,
    /// Longest alt text, in characters.
    pub alt_text_max: Option<Sourced<usize>>,
    /// Whether captions (subtitles) can be attached to a video.
    pub captions: Option<Sourced<bool>>,
}

const DEFAULT_CHECKED: &str = "2026-11-23";

const fn v<T>(value: T, source: &'static str, confidence: Confidence) -> Sourced<T> {
    Sourced {
        value,
        source,
        confidence,
        checked: DEFAULT_CHECKED,
    }
}

const fn dated<T>(
    value: T,
    source: &'static str,
    confidence: Confidence,
    checked: &'static str,
) -> Sourced<T> {
    Sourced {
        value,
        source,
        confidence,
        checked,
    }
}

use Confidence::{Code, Official, ThirdParty, Unverified};

const MB: u64 = 1024 * 1024;
const JPEG: &str = "image/jpeg";
const PNG: &str = "image/png";
const GIF: &str = "image/gif";
const WEBP: &str = "image/webp";
const MP4: &str = "video/mp4";

const BSKY_POST: &str = "bluesky-social/atproto lexicons/app/bsky/feed/post.json";
const BSKY_EMBED: &str = "bluesky-social/atproto lexicons/app/bsky/embed/*.json";
const BSKY_APP: &str = "bluesky-social/social-app src/lib/constants.ts";
const BSKY_DATE: &str = "2026-08-20";

static BLUESKY: NetworkRules = NetworkRules {
    network: Network::Bluesky,
    text: dated(
        TextLimit {
            max: 300,
            counting: Counting::Graphemes,
        },
        BSKY_POST,
        Code,
        BSKY_DATE,
    ),
    max_bytes: Some(dated(3000, BSKY_POST, Code, BSKY_DATE)),
    forbidden_chars: None,
    max_hashtags: None,
    max_links: None,
    max_mentions: None,
    max_media: Some(dated(
        4,
        "bluesky-social/atproto lexicons/app/bsky/embed/images.json",
        Code,
        BSKY_DATE,
    )),
    image_max_bytes: Some(dated(2_000_000, BSKY_EMBED, Code, BSKY_DATE)),
    image_max_pixels: None,
    image_formats: None,
    image_aspect: None,
    video_max_bytes: Some(dated(300_000_000, BSKY_EMBED, Code, BSKY_DATE)),
    video_formats: Some(dated(&[MP4], BSKY_EMBED, Code, BSKY_DATE)),
    video_aspect: None,
    alt_text: Some(dated(true, BSKY_EMBED, Code, BSKY_DATE)),
    alt_text_max: Some(dated(2000, BSKY_APP, Code, BSKY_DATE)),
    captions: Some(dated(
        true,
        "bluesky-social/atproto lexicons/app/bsky/embed/video.json",
        Code,
        BSKY_DATE,
    )),
};

const MASTO_DOC: &str = "mastodon/documentation content/en/entities/Instance.md";
const MASTO_CODE: &str = "mastodon/mastodon app/validators/status_length_validator.rb";
const MASTO_DATE: &str = "2026-07";

static MASTODON: NetworkRules = NetworkRules {
    network: Network::Mastodon,
    text: dated(
        TextLimit {
            max: 500,
            counting: Counting::MastodonGraphemes,
        },
        MASTO_CODE,
        Code,
        MASTO_DATE,
    ),
    max_bytes: None,
    forbidden_chars: None,
    max_hashtags: None,
    max_links: None,
    max_mentions: None,
    max_media: Some(dated(4, MASTO_DOC, Official, MASTO_DATE)),
    image_max_bytes: Some(dated(16 * MB, MASTO_DOC, Official, MASTO_DATE)),
    image_max_pixels: Some(dated(33_177_600, MASTO_DOC, Official, MASTO_DATE)),
    image_formats: Some(dated(
        &[JPEG, PNG, GIF, "image/heic", WEBP, "image/avif"],
        MASTO_DOC,
        Official,
        MASTO_DATE,
    )),
    image_aspect: None,
    video_max_bytes: Some(dated(99 * MB, MASTO_DOC, Official, MASTO_DATE)),
    video_formats: None,
    video_aspect: None,
    alt_text: Some(dated(true, MASTO_DOC, Official, MASTO_DATE)),
    alt_text_max: Some(dated(1500, MASTO_DOC, Official, MASTO_DATE)),
    captions: None,
};

const X_CONFIG: &str = "twitter/twitter-text config/v3.json";
const X_MEDIA: &str = "xdevplatform/docs x-api/media/quickstart/best-practices.mdx";
const X_DATE: &str = "2026-05";

static X: NetworkRules = NetworkRules {
    network: Network::X,
    text: dated(
        TextLimit {
            max: 280,
            counting: Counting::XWeighted,
        },
        X_CONFIG,
        Code,
        X_DATE,
    ),
    max_bytes: None,
    forbidden_chars: None,
    max_hashtags: None,
    max_links: None,
    max_mentions: None,
    max_media: Some(dated(4, X_MEDIA, Official, X_DATE)),
    image_max_bytes: Some(dated(5 * MB, X_MEDIA, Official, X_DATE)),
    image_max_pixels: None,
    image_formats: Some(dated(&[JPEG, PNG, GIF, WEBP], X_MEDIA, Official, X_DATE)),
    image_aspect: None,
    video_max_bytes: Some(dated(8 * 1024 * MB, X_MEDIA, Official, X_DATE)),
    video_formats: None,
    video_aspect: Some(dated(
        AspectRange {
            min: 1.0 / 3.0,
            max: 3.0,
            label: "1:3 – 3:1",
        },
        X_MEDIA,
        Official,
        X_DATE,
    )),
    alt_text: Some(dated(true, X_MEDIA, Official, X_DATE)),
    alt_text_max: Some(dated(1000, X_MEDIA, Official, X_DATE)),
    captions: None,
};

const LI_AYRSHARE: &str = "ayrshare.com LinkedIn pages";
const LI_MULTI: &str = "learn.microsoft.com MultiImage API";

static LINKEDIN: NetworkRules = NetworkRules {
    network: Network::Linkedin,
    text: v(
        TextLimit {
            max: 3000,
            counting: Counting::Graphemes,
        },
        LI_AYRSHARE,
        ThirdParty,
    ),
    max_bytes: None,
    forbidden_chars: None,
    max_hashtags: None,
    max_links: None,
    max_mentions: None,
    max_media: Some(v(20, LI_MULTI, Official)),
    image_max_bytes: None,
    image_max_pixels: Some(v(36_152_320, LI_AYRSHARE, ThirdParty)),
    image_formats: Some(v(&[JPEG, GIF, PNG], LI_AYRSHARE, ThirdParty)),
    image_aspect: None,
    video_max_bytes: Some(v(500 * MB, LI_AYRSHARE, ThirdParty)),
    video_formats: Some(v(&[MP4], LI_AYRSHARE, ThirdParty)),
    video_aspect: None,
    alt_text: Some(v(true, LI_MULTI, Official)),
    alt_text_max: None,
    captions: None,
};

const FB_ADOBE: &str = "helpx.adobe.com Content Scheduler specifications";
const FB_AYRSHARE: &str = "ayrshare.com Facebook Pages media guidelines";

static FACEBOOK_PAGE: NetworkRules = NetworkRules {
    network: Network::FacebookPage,
    // 63,206 is the figure usually quoted; Adobe's scheduler stops at 55,000.
    text: v(
        TextLimit {
            max: 63_206,
            counting: Counting::Graphemes,
        },
        "often quoted (Adobe uses 55,000: helpx.adobe.com Content Scheduler specifications)",
        Unverified,
    ),
    max_bytes: None,
    forbidden_chars: None,
    max_hashtags: None,
    max_links: None,
    max_mentions: None,
    max_media: Some(v(10, FB_AYRSHARE, ThirdParty)),
    // 4 MB vs 10 MB: the sources conflict, so no value.
    image_max_bytes: None,
    image_max_pixels: None,
    image_formats: None,
    image_aspect: None,
    video_max_bytes: Some(v(10 * 1024 * MB, FB_ADOBE, ThirdParty)),
    video_formats: None,
    video_aspect: None,
    alt_text: None,
    alt_text_max: None,
    captions: None,
};

const IG_PUBLISHING: &str = "developers.facebook.com Content Publishing / IG User Media";
const IG_PRESS: &str = "shiftdelete.net, vgosocial.com (Mosseri announcement, 19 Dec 2025)";
const IG_3P: &str = "ayrshare.com Instagram media guidelines";

static INSTAGRAM: NetworkRules = NetworkRules {
    network: Network::Instagram,
    text: v(
        TextLimit {
            max: 2200,
            counting: Counting::Graphemes,
        },
        IG_3P,
        ThirdParty,
    ),
    max_bytes: None,
    forbidden_chars: None,
    max_hashtags: Some(v(5, IG_PRESS, ThirdParty)),
    max_links: None,
    max_mentions: Some(v(20, IG_3P, ThirdParty)),
    max_media: Some(v(10, IG_3P, ThirdParty)),
    image_max_bytes: Some(v(8 * MB, IG_3P, ThirdParty)),
    image_max_pixels: None,
    image_formats: Some(v(&[JPEG], IG_3P, ThirdParty)),
    image_aspect: Some(v(
        AspectRange {
            min: 0.8,
            max: 1.91,
            label: "4:5 – 1.91:1",
        },
        IG_3P,
        ThirdParty,
    )),
    video_max_bytes: None,
    video_formats: None,
    video_aspect: None,
    alt_text: Some(v(true, IG_PUBLISHING, Official)),
    alt_text_max: None,
    captions: None,
};

const THREADS_POSTS: &str = "developers.facebook.com Threads Posts / Overview";
const THREADS_3P: &str = "docs.zernio.com Threads";

static THREADS: NetworkRules = NetworkRules {
    network: Network::Threads,
    text: v(
        TextLimit {
            max: 500,
            counting: Counting::ThreadsEmojiBytes,
        },
        THREADS_POSTS,
        Official,
    ),
    max_bytes: None,
    forbidden_chars: None,
    // One topic tag per post.
    max_hashtags: Some(v(1, THREADS_3P, ThirdParty)),
    max_links: Some(v(5, THREADS_POSTS, Official)),
    max_mentions: None,
    max_media: Some(v(20, THREADS_3P, ThirdParty)),
    image_max_bytes: Some(v(8 * MB, THREADS_3P, ThirdParty)),
    image_max_pixels: None,
    image_formats: Some(v(&[JPEG, PNG], THREADS_3P, ThirdParty)),
    image_aspect: None,
    video_max_bytes: Some(v(1024 * MB, THREADS_3P, ThirdParty)),
    video_formats: None,
    video_aspect: None,
    alt_text: None,
    alt_text_max: None,
    captions: None,
};

const TIKTOK_API: &str = "developers.tiktok.com Content Posting API";

static TIKTOK: NetworkRules = NetworkRules {
    network: Network::Tiktok,
    // The video title; the counting unit (UTF-16) is believed, not verified.
    text: v(
        TextLimit {
            max: 2200,
            counting: Counting::Utf16Units,
        },
        TIKTOK_API,
        ThirdParty,
    ),
    max_bytes: None,
    forbidden_chars: None,
    max_hashtags: None,
    max_links: None,
    max_mentions: None,
    max_media: Some(v(35, TIKTOK_API, ThirdParty)),
    image_max_bytes: Some(v(20 * MB, TIKTOK_API, ThirdParty)),
    image_max_pixels: None,
    image_formats: None,
    image_aspect: None,
    video_max_bytes: Some(v(4 * 1024 * MB, TIKTOK_API, ThirdParty)),
    video_formats: None,
    video_aspect: None,
    alt_text: None,
    alt_text_max: None,
    captions: None,
};

const YT_API: &str = "YouTube Data API snippet.description property";

static YOUTUBE: NetworkRules = NetworkRules {
    network: Network::Youtube,
    text: v(
        TextLimit {
            max: 5000,
            counting: Counting::Utf8Bytes,
        },
        YT_API,
        Official,
    ),
    max_bytes: None,
    forbidden_chars: Some(v(&['<', '>'], YT_API, Official)),
    // Past 15, YouTube ignores every hashtag of the video.
    max_hashtags: Some(v(
        15,
        "YouTube Help hashtags (via ayrshare.com)",
        ThirdParty,
    )),
    max_links: None,
    max_mentions: None,
    max_media: Some(v(1, YT_API, Official)),
    image_max_bytes: None,
    image_max_pixels: None,
    image_formats: None,
    image_aspect: None,
    video_max_bytes: None,
    video_formats: None,
    video_aspect: None,
    alt_text: None,
    alt_text_max: None,
    captions: Some(v(true, YT_API, Official)),
};

const PIN_API: &str = "pinterest/api-description v5/openapi.yaml PinCreate";
const PIN_DATE: &str = "2025-12-11";

static PINTEREST: NetworkRules = NetworkRules {
    network: Network::Pinterest,
    text: dated(
        TextLimit {
            max: 800,
            counting: Counting::Graphemes,
        },
        PIN_API,
        Official,
        PIN_DATE,
    ),
    max_bytes: None,
    forbidden_chars: None,
    max_hashtags: None,
    max_links: None,
    max_mentions: None,
    max_media: Some(v(5, "ayrshare.com Pinterest", ThirdParty)),
    image_max_bytes: None,
    image_max_pixels: None,
    image_formats: None,
    image_aspect: None,
    video_max_bytes: None,
    video_formats: None,
    video_aspect: None,
    alt_text: Some(dated(true, PIN_API, Official, PIN_DATE)),
    alt_text_max: Some(dated(500, PIN_API, Official, PIN_DATE)),
    captions: None,
};

/// The rules of `network`.
pub fn rules(network: Network) -> &'static NetworkRules {
    match network {
        Network::Bluesky => &BLUESKY,
        Network::Mastodon => &MASTODON,
        Network::X => &X,
        Network::Linkedin => &LINKEDIN,
        Network::FacebookPage => &FACEBOOK_PAGE,
        Network::Instagram => &INSTAGRAM,
        Network::Threads => &THREADS,
        Network::Tiktok => &TIKTOK,
        Network::Youtube => &YOUTUBE,
        Network::Pinterest => &PINTEREST,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_network_has_its_own_rules_with_sources_and_dates() {
        for n in Network::ALL {
            let r = rules(n);
            assert_eq!(r.network, n);
            assert!(!r.text.source.is_empty());
            assert!(r.text.value.max > 0);
            let date = r.text.checked;
            assert!(
                date.len() >= 7 && date.starts_with("20"),
                "{n}: checked {date}"
            );
        }
    }

    #[test]
    fn the_table_holds_domain_md_figures() {
        assert_eq!(rules(Network::Bluesky).text.value.max, 300);
        assert_eq!(
            rules(Network::Bluesky).max_bytes.map(|b| b.value),
            Some(3000)
        );
        assert_eq!(rules(Network::Mastodon).text.value.max, 500);
        assert_eq!(rules(Network::X).text.value.counting, Counting::XWeighted);
        assert_eq!(
            rules(Network::Instagram).max_hashtags.map(|h| h.value),
            Some(5)
        );
        assert_eq!(rules(Network::Threads).max_links.map(|h| h.value), Some(5));
        assert_eq!(
            rules(Network::Youtube).text.value.counting,
            Counting::Utf8Bytes
        );
        // Unknown stays unknown.
        assert!(rules(Network::FacebookPage).image_max_bytes.is_none());
        let ig = rules(Network::Instagram).image_aspect.map(|a| a.value);
        assert!(ig.is_some_and(|a| a.contains(1080, 1350) && !a.contains(1080, 1920)));
    }
}
