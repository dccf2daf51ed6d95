//! The `app.bsky.feed.post` record as raw JSON: built the same way on every
//! retry (so a retry sends the byte-identical record), and recognised when
//! read back.

use super::facets::{Candidate, Feature};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

pub(crate) const POST: &str = "app.bsky.feed.post";

/// `createdAt` of a post first tried at `t`: RFC 3339, milliseconds, `Z`.
pub(crate) fn created_at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A `com.atproto.repo.strongRef`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StrongRef {
    pub uri: String,
    pub cid: String,
}

impl StrongRef {
    fn to_json(&self) -> Value {
        json!({ "uri": self.uri, "cid": self.cid })
    }
}

/// The parts of one post record.
#[derive(Debug, Clone, Default)]
pub(crate) struct Post {
    pub text: String,
    pub created_at: String,
    /// Facets ready for the record (mentions already resolved).
    pub facets: Vec<Value>,
    pub langs: Vec<String>,
    /// (root, parent)
    pub reply: Option<(StrongRef, StrongRef)>,
    pub embed: Option<Value>,
}

impl Post {
    pub(crate) fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("$type".into(), json!(POST));
        m.insert("text".into(), json!(self.text));
        m.insert("createdAt".into(), json!(self.created_at));
        if !self.facets.is_empty() {
            m.insert("facets".into(), Value::Array(self.facets.clone()));
        }
        if !self.langs.is_empty() {
            m.insert("langs".into(), json!(self.langs));
        }
        if let Some((root, parent)) = &self.reply {
            m.insert(
                "reply".into(),
                json!({ "root": root.to_json(), "parent": parent.to_json() }),
            );
        }
        if let Some(embed) = &self.embed {
            m.insert("embed".into(), embed.clone());
        }
        Value::Object(m)
    }
}

/// One facet of the record. `did` is the resolved DID of a mention (a mention
/// without one has no facet: `None` is returned).
pub(crate) fn facet(c: &Candidate, did: Option<&str>) -> Option<Value> {
    let feature = match &c.feature {
        Feature::Link { uri } => json!({ "$type": "app.bsky.richtext.facet#link", "uri": uri }),
        Feature::Tag { tag } => json!({ "$type": "app.bsky.richtext.facet#tag", "tag": tag }),
        Feature::Mention { .. } => {
            json!({ "$type": "app.bsky.richtext.facet#mention", "did": did? })
        }
    };
    Some(json!({
        "index": { "byteStart": c.byte_start, "byteEnd": c.byte_end },
        "features": [feature],
    }))
}

/// One image of an `app.bsky.embed.images` embed; `blob` is the object
/// `uploadBlob` answered. A zero dimension leaves `aspectRatio` out.
pub(crate) fn image(blob: Value, alt: &str, width: u32, height: u32) -> Value {
    let mut m = Map::new();
    m.insert("image".into(), blob);
    m.insert("alt".into(), json!(alt));
    if width > 0 && height > 0 {
        m.insert(
            "aspectRatio".into(),
            json!({ "width": width, "height": height }),
        );
    }
    Value::Object(m)
}

pub(crate) fn images_embed(images: Vec<Value>) -> Value {
    json!({ "$type": "app.bsky.embed.images", "images": images })
}

pub(crate) fn external_embed(card: &crate::LinkCard) -> Value {
    json!({
        "$type": "app.bsky.embed.external",
        "external": { "uri": card.uri, "title": card.title, "description": card.description },
    })
}

/// Whether a record read back is the post we would have written: same text
/// and same `createdAt` (the instant relais first tried, unique per post).
pub(crate) fn is_ours(value: &Value, text: &str, created_at: &str) -> bool {
    let same_text = value.get("text").and_then(Value::as_str) == Some(text);
    let stored = value.get("createdAt").and_then(Value::as_str);
    let same_time = match stored {
        Some(s) if s == created_at => true,
        Some(s) => match (
            DateTime::parse_from_rfc3339(s),
            DateTime::parse_from_rfc3339(created_at),
        ) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
        None => false,
    };
    same_text && same_time
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_at_has_milliseconds_and_z() {
        let t = DateTime::parse_from_rfc3339("2026-10-25T02:30:00.123456+00:00")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(created_at(t), "2026-10-25T02:30:00.123Z");
    }

    #[test]
    fn the_record_is_byte_identical_when_rebuilt() {
        let post = Post {
            text: "Salut #été".into(),
            created_at: "2026-01-01T00:00:00.000Z".into(),
            facets: vec![json!({"index": {"byteStart": 6, "byteEnd": 11}})],
            langs: vec!["fr".into()],
            reply: Some((
                StrongRef {
                    uri: "at://a/b/c".into(),
                    cid: "x".into(),
                },
                StrongRef {
                    uri: "at://a/b/d".into(),
                    cid: "y".into(),
                },
            )),
            embed: None,
        };
        let a = serde_json::to_string(&post.to_json()).unwrap_or_default();
        let b = serde_json::to_string(&post.clone().to_json()).unwrap_or_default();
        assert_eq!(a, b);
        let v = post.to_json();
        assert_eq!(v["reply"]["root"], json!({"uri": "at://a/b/c", "cid": "x"}));
        assert_eq!(
            v["reply"]["parent"],
            json!({"uri": "at://a/b/d", "cid": "y"})
        );
        assert_eq!(v["$type"], json!(POST));
        assert!(v.get("embed").is_none());
    }

    #[test]
    fn aspect_ratio_is_left_out_when_unknown() {
        assert!(image(json!({}), "a", 0, 10).get("aspectRatio").is_none());
        assert_eq!(
            image(json!({}), "a", 4, 3)["aspectRatio"],
            json!({"width": 4, "height": 3})
        );
    }

    #[test]
    fn ours_means_same_text_and_same_instant() {
        let rec = json!({"text": "t", "createdAt": "2026-01-01T00:00:00.000Z"});
        assert!(is_ours(&rec, "t", "2026-01-01T00:00:00.000Z"));
        assert!(is_ours(&rec, "t", "2026-01-01T00:00:00Z"));
        assert!(!is_ours(&rec, "u", "2026-01-01T00:00:00.000Z"));
        assert!(!is_ours(&rec, "t", "2026-01-01T00:00:00.001Z"));
        assert!(!is_ours(
            &json!({"text": "t"}),
            "t",
            "2026-01-01T00:00:00.000Z"
        ));
    }
}
