//! The `multipart/form-data` body of a media upload (file + description),
//! built by hand so the crate needs no extra reqwest feature.

use crate::MediaBlob;
use std::hash::{BuildHasher, Hasher};

pub(crate) struct Form {
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
}

/// `file` (with the blob's MIME type) and `description` (the alt text).
pub(crate) fn media_form(blob: &MediaBlob) -> Form {
    let boundary = boundary_for(&blob.bytes, &blob.alt);
    let mut body = Vec::with_capacity(blob.bytes.len() + blob.alt.len() + 512);
    let mime = if blob.mime.is_empty() || blob.mime.contains(['\r', '\n', '"']) {
        "application/octet-stream"
    } else {
        blob.mime.as_str()
    };
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.{}\"\r\nContent-Type: {mime}\r\n\r\n",
            extension(mime)
        )
        .as_bytes(),
    );
    body.extend_from_slice(&blob.bytes);
    body.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(blob.alt.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Form {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body,
    }
}

fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/avif" => "avif",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        "video/quicktime" => "mov",
        _ => "bin",
    }
}

/// A random boundary that occurs in neither part.
fn boundary_for(bytes: &[u8], alt: &str) -> String {
    loop {
        let state = std::collections::hash_map::RandomState::new();
        let mut a = state.build_hasher();
        a.write_usize(bytes.len());
        let mut b = state.build_hasher();
        b.write(alt.as_bytes());
        let boundary = format!("relais-{:016x}{:016x}", a.finish(), b.finish());
        let needle = boundary.as_bytes();
        let occurs = |hay: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        if !occurs(bytes) && !occurs(alt.as_bytes()) {
            return boundary;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn media_form_has_the_file_and_the_description() {
        let blob = MediaBlob {
            bytes: Arc::new(vec![0, 1, 2, 255]),
            mime: "image/png".into(),
            alt: "Un chat « roux »".into(),
            width: 1,
            height: 1,
        };
        let form = media_form(&blob);
        let boundary = form.content_type.split("boundary=").nth(1).unwrap();
        let mut want = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.png\"\r\nContent-Type: image/png\r\n\r\n").into_bytes();
        want.extend_from_slice(&[0, 1, 2, 255]);
        want.extend_from_slice(format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUn chat « roux »\r\n--{boundary}--\r\n").as_bytes());
        assert_eq!(form.body, want);
    }
}
