//! Request parameters as Rails reads them: a JSON body, a form body
//! (`application/x-www-form-urlencoded` or `multipart/form-data`), then the
//! query string. Also the redacted one-line summary kept in the request log.

use axum::http::HeaderMap;

/// One part of a multipart body.
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) data: Vec<u8>,
}

enum Body {
    Json(serde_json::Map<String, serde_json::Value>),
    Pairs(Vec<(String, String)>),
    Multipart(Vec<Part>),
}

pub(crate) struct Params {
    body: Body,
    query: Vec<(String, String)>,
}

/// Field names whose values never enter the request log.
const SECRET_FIELDS: [&str; 6] = [
    "client_secret",
    "code",
    "access_token",
    "refresh_token",
    "password",
    "token",
];

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn pairs(s: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(s.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

impl Params {
    /// `Err` carries the message of a 400 (malformed body).
    pub(crate) fn parse(
        headers: &HeaderMap,
        query: Option<&str>,
        body: &[u8],
    ) -> Result<Params, String> {
        let ct = content_type(headers);
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let body = if body.is_empty() {
            Body::Pairs(Vec::new())
        } else if mime == "application/json" {
            match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(serde_json::Value::Object(map)) => Body::Json(map),
                _ => return Err("Error occurred while parsing request parameters".into()),
            }
        } else if mime == "multipart/form-data" {
            let boundary = boundary(&ct).ok_or("multipart body without a boundary")?;
            Body::Multipart(parse_multipart(body, &boundary)?)
        } else {
            Body::Pairs(pairs(&String::from_utf8_lossy(body)))
        };
        Ok(Params {
            body,
            query: query.map(pairs).unwrap_or_default(),
        })
    }

    /// A scalar parameter (`key`), body first.
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        let from_body = match &self.body {
            Body::Json(map) => map.get(key).and_then(scalar),
            Body::Pairs(p) => p.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
            Body::Multipart(parts) => parts
                .iter()
                .find(|p| p.name == key && p.filename.is_none())
                .map(|p| String::from_utf8_lossy(&p.data).into_owned()),
        };
        from_body.or_else(|| {
            self.query
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        })
    }

    /// An array parameter: a JSON array, or repeated `key[]` (or `key`) fields.
    pub(crate) fn list(&self, key: &str) -> Vec<String> {
        let bracket = format!("{key}[]");
        let from_pairs = |p: &[(String, String)]| -> Vec<String> {
            p.iter()
                .filter(|(k, _)| *k == bracket || k == key)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let from_body = match &self.body {
            Body::Json(map) => match map.get(key).or_else(|| map.get(&bracket)) {
                Some(serde_json::Value::Array(items)) => items.iter().filter_map(scalar).collect(),
                Some(v) => scalar(v).into_iter().collect(),
                None => Vec::new(),
            },
            Body::Pairs(p) => from_pairs(p),
            Body::Multipart(parts) => parts
                .iter()
                .filter(|p| (p.name == bracket || p.name == key) && p.filename.is_none())
                .map(|p| String::from_utf8_lossy(&p.data).into_owned())
                .collect(),
        };
        if from_body.is_empty() {
            from_pairs(&self.query)
        } else {
            from_body
        }
    }

    /// An uploaded file.
    pub(crate) fn file(&self, key: &str) -> Option<&Part> {
        match &self.body {
            Body::Multipart(parts) => parts.iter().find(|p| p.name == key && p.filename.is_some()),
            _ => None,
        }
    }
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("boundary")).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let bad = || "malformed multipart body".to_string();
    let delim = format!("--{boundary}");
    let next_delim = format!("\r\n--{boundary}");
    let mut pos = find(body, delim.as_bytes(), 0).ok_or_else(bad)? + delim.len();
    let mut parts = Vec::new();
    loop {
        let rest = body.get(pos..).ok_or_else(bad)?;
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        if !rest.starts_with(b"\r\n") {
            return Err(bad());
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or_else(bad)?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).into_owned();
        let start = head_end + 4;
        let end = find(body, next_delim.as_bytes(), start).ok_or_else(bad)?;
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[start..end].to_vec(),
        };
        for line in head.split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            if name.trim().eq_ignore_ascii_case("content-disposition") {
                for attr in value.split(';').skip(1) {
                    if let Some((k, v)) = attr.split_once('=') {
                        let v = v.trim().trim_matches('"').to_string();
                        match k.trim() {
                            "name" => part.name = v,
                            "filename" => part.filename = Some(v),
                            _ => {}
                        }
                    }
                }
            } else if name.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_string());
            }
        }
        parts.push(part);
        pos = end + next_delim.len();
    }
}

fn redact(key: &str, value: &str) -> String {
    let bare = key.trim_end_matches("[]");
    if SECRET_FIELDS.contains(&bare) {
        "[redacted]".to_string()
    } else {
        value.to_string()
    }
}

/// The query string with secret parameters redacted.
pub(crate) fn redact_query(query: &str) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs(query) {
        out.append_pair(&k, &redact(&k, &v));
    }
    out.finish()
}

const SUMMARY_MAX: usize = 2000;

/// A one-line description of a body for the request log: JSON and form
/// fields (secrets redacted), multipart parts with the size and type of files.
pub(crate) fn summarize(headers: &HeaderMap, body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    let ct = content_type(headers);
    let summary = match Params::parse(headers, None, body) {
        Ok(Params {
            body: Body::Json(mut map),
            ..
        }) => {
            for (k, v) in map.iter_mut() {
                if SECRET_FIELDS.contains(&k.as_str()) {
                    *v = serde_json::Value::String("[redacted]".into());
                }
            }
            serde_json::Value::Object(map).to_string()
        }
        Ok(Params {
            body: Body::Multipart(parts),
            ..
        }) => parts
            .iter()
            .map(|p| match &p.filename {
                Some(f) => format!(
                    "{}=<file {:?}, {}, {} bytes>",
                    p.name,
                    f,
                    p.content_type.as_deref().unwrap_or("no type"),
                    p.data.len()
                ),
                None => format!(
                    "{}={:?}",
                    p.name,
                    redact(&p.name, &String::from_utf8_lossy(&p.data))
                ),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Ok(Params {
            body: Body::Pairs(p),
            ..
        }) if ct
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded") =>
        {
            p.iter()
                .map(|(k, v)| format!("{k}={}", redact(k, v)))
                .collect::<Vec<_>>()
                .join("&")
        }
        _ => format!(
            "<{} bytes of {}>",
            body.len(),
            if ct.is_empty() { "no type" } else { &ct }
        ),
    };
    crate::http::truncate(&summary, SUMMARY_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::CONTENT_TYPE, ct.parse().unwrap());
        h
    }

    #[test]
    fn json_form_and_multipart_parameters() {
        let p = Params::parse(
            &headers("application/json"),
            Some("limit=5"),
            br#"{"status":"hi","media_ids":["1","2"],"n":3}"#,
        )
        .unwrap();
        assert_eq!(p.get("status").as_deref(), Some("hi"));
        assert_eq!(p.get("n").as_deref(), Some("3"));
        assert_eq!(p.get("limit").as_deref(), Some("5"));
        assert_eq!(p.list("media_ids"), ["1", "2"]);

        let p = Params::parse(
            &headers("application/x-www-form-urlencoded"),
            None,
            b"status=a+b&media_ids[]=7&media_ids[]=8",
        )
        .unwrap();
        assert_eq!(p.get("status").as_deref(), Some("a b"));
        assert_eq!(p.list("media_ids"), ["7", "8"]);

        let body = b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x00\x01\r\n--XYZ\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nalt text\r\n--XYZ--\r\n";
        let h = headers("multipart/form-data; boundary=XYZ");
        let p = Params::parse(&h, None, body).unwrap();
        let file = p.file("file").unwrap();
        assert_eq!(file.data, [0, 1]);
        assert_eq!(file.content_type.as_deref(), Some("image/png"));
        assert_eq!(p.get("description").as_deref(), Some("alt text"));
        assert_eq!(
            summarize(&h, body),
            "file=<file \"a.png\", image/png, 2 bytes>; description=\"alt text\""
        );
    }

    #[test]
    fn summaries_redact_secrets() {
        let h = headers("application/x-www-form-urlencoded");
        let s = summarize(
            &h,
            b"grant_type=authorization_code&code=abc&client_secret=xyz&client_id=id",
        );
        assert_eq!(
            s,
            "grant_type=authorization_code&code=[redacted]&client_secret=[redacted]&client_id=id"
        );
        let s = summarize(
            &headers("application/json"),
            br#"{"access_token":"s3cr3t","a":1}"#,
        );
        assert!(!s.contains("s3cr3t") && s.contains("[redacted]"), "{s}");
        assert_eq!(
            redact_query("access_token=tok&limit=2"),
            "access_token=%5Bredacted%5D&limit=2"
        );
    }
}
