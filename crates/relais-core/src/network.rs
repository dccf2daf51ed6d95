//! The social networks relais writes for. Their limits live in the composer's
//! rules table (`relais-compose`), each value with its source.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A social network (a platform, not an account on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    Bluesky,
    Mastodon,
    X,
    Linkedin,
    FacebookPage,
    Instagram,
    Threads,
    Tiktok,
    Youtube,
    Pinterest,
}

impl Network {
    pub const ALL: [Network; 10] = [
        Network::Bluesky,
        Network::Mastodon,
        Network::X,
        Network::Linkedin,
        Network::FacebookPage,
        Network::Instagram,
        Network::Threads,
        Network::Tiktok,
        Network::Youtube,
        Network::Pinterest,
    ];

    /// The stable slug used in URLs, CSV, the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Bluesky => "bluesky",
            Network::Mastodon => "mastodon",
            Network::X => "x",
            Network::Linkedin => "linkedin",
            Network::FacebookPage => "facebook_page",
            Network::Instagram => "instagram",
            Network::Threads => "threads",
            Network::Tiktok => "tiktok",
            Network::Youtube => "youtube",
            Network::Pinterest => "pinterest",
        }
    }

    /// The network's own name, the same in every language.
    pub fn label(self) -> &'static str {
        match self {
            Network::Bluesky => "Bluesky",
            Network::Mastodon => "Mastodon",
            Network::X => "X",
            Network::Linkedin => "LinkedIn",
            Network::FacebookPage => "Facebook",
            Network::Instagram => "Instagram",
            Network::Threads => "Threads",
            Network::Tiktok => "TikTok",
            Network::Youtube => "YouTube",
            Network::Pinterest => "Pinterest",
        }
    }

    /// Parses a slug; also accepts the label and a few common spellings
    /// ("twitter", "facebook"), case-insensitively, for CSV and CLI input.
    pub fn parse(text: &str) -> Option<Network> {
        let t = text.trim().to_ascii_lowercase();
        let t = match t.as_str() {
            "twitter" => "x",
            "facebook" | "facebook page" => "facebook_page",
            "tik tok" => "tiktok",
            "you tube" => "youtube",
            other => other,
        };
        Network::ALL
            .into_iter()
            .find(|n| n.as_str() == t || n.label().eq_ignore_ascii_case(t))
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_common_names_parse() {
        for n in Network::ALL {
            assert_eq!(Network::parse(n.as_str()), Some(n));
            assert_eq!(Network::parse(n.label()), Some(n));
            let json = serde_json::to_string(&n).unwrap();
            assert_eq!(json, format!("\"{}\"", n.as_str()));
        }
        assert_eq!(Network::parse(" Twitter "), Some(Network::X));
        assert_eq!(Network::parse("Facebook"), Some(Network::FacebookPage));
        assert_eq!(Network::parse("myspace"), None);
    }
}
