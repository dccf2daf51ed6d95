//! Media uploads through the pages and the API (H6) on both backends: real
//! images made with the `image` crate, metadata stripped before storage, type
//! sniffed from the content, refusals with their reason and nothing stored,
//! files served only to the workspace's members.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use image::{DynamicImage, ImageFormat, RgbImage};
use relais_store::testing;
use std::io::Cursor;

fn picture(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

const CAMERA: &[u8] = b"Secret Camera Model X\0";

/// A little-endian EXIF block: IFD0 with Make and a GPS IFD (Paris), as a phone
/// writes it.
fn exif_with_gps() -> Vec<u8> {
    let ifd0_len = 2 + 12 * 2 + 4;
    let make_at = 8 + ifd0_len;
    let gps_at = make_at + CAMERA.len() as u32;
    let ifd0 = [
        (0x010Fu16, 2u16, CAMERA.len() as u32, make_at.to_le_bytes()),
        (0x8825, 4, 1, gps_at.to_le_bytes()),
    ];
    let gps_len = 2 + 12 * 2 + 4;
    let lat_at = gps_at + gps_len;
    let gps = [
        (0x0001u16, 2u16, 2u32, *b"N\0\0\0"),
        (0x0002, 5, 3, lat_at.to_le_bytes()),
    ];
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    let ifd = |t: &mut Vec<u8>, entries: &[(u16, u16, u32, [u8; 4])]| {
        t.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, count, value) in entries {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&kind.to_le_bytes());
            t.extend_from_slice(&count.to_le_bytes());
            t.extend_from_slice(value);
        }
        t.extend_from_slice(&0u32.to_le_bytes());
    };
    ifd(&mut t, &ifd0);
    t.extend_from_slice(CAMERA);
    ifd(&mut t, &gps);
    for (num, den) in [(48u32, 1u32), (51, 1), (24, 1)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    t
}

/// A JPEG as a phone writes it: EXIF (camera, GPS) right after start-of-image.
fn phone_jpeg(w: u32, h: u32) -> Vec<u8> {
    let plain = picture(w, h, ImageFormat::Jpeg);
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_with_gps());
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&plain[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small PNG whose header declares `w`×`h` pixels.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut png = picture(1, 1, ImageFormat::Png);
    // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
    png[16..20].copy_from_slice(&w.to_be_bytes());
    png[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

const BOUNDARY: &str = "----relais-test-boundary";

/// A multipart body: text fields, then the file part.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload_page(
    w: &World,
    who: &Login,
    slug: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> axum::http::Response<Body> {
    let mut all = vec![("_csrf", who.csrf.as_str())];
    all.extend_from_slice(fields);
    w.send(
        Request::post(format!("/w/{slug}/media"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::COOKIE, &who.cookie)
            .body(Body::from(multipart(&all, file)))
            .unwrap(),
    )
    .await
}

async fn bytes(r: axum::http::Response<Body>) -> Vec<u8> {
    r.into_body().collect().await.unwrap().to_bytes().to_vec()
}

fn media_world_config(dir: &std::path::Path, max: u64) -> relais_config::Config {
    let mut config = relais_config::Config {
        data_dir: dir.to_path_buf(),
        ..Default::default()
    };
    config.media.max_upload_bytes = max;
    config
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn an_upload_is_stripped_measured_listed_served_and_attached() {
    for db in testing::all().await {
        let label = db.label;
        let dir = tempfile::tempdir().unwrap();
        let w = world_with(db, media_world_config(dir.path(), 5 * 1024 * 1024)).await;
        let cm = w.login("cm@demo.local").await;
        let store = &w.db.store;
        let ws = store
            .workspace_by_slug("maison-dupain")
            .await
            .unwrap()
            .unwrap();

        // A phone photo with GPS: accepted, stored without its metadata.
        let photo = phone_jpeg(640, 480);
        assert!(contains(&photo, CAMERA));
        let r = upload_page(
            &w,
            &cm,
            "maison-dupain",
            &[],
            Some(("vacances.jpg", "image/jpeg", &photo)),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        assert_eq!(location(&r), "/w/maison-dupain/media?done=uploaded");
        let list = store.list_media(ws.id).await.unwrap();
        assert_eq!(list.len(), 1, "[{label}]");
        let m = &list[0];
        assert_eq!(
            (m.mime.as_str(), m.width, m.height),
            ("image/jpeg", 640, 480)
        );
        assert_eq!(m.original_name, "vacances.jpg");
        let stored = files_under(&dir.path().join("media"));
        assert_eq!(stored.len(), 1, "[{label}] {stored:?}");
        let on_disk = std::fs::read(&stored[0]).unwrap();
        assert!(
            !contains(&on_disk, CAMERA) && !contains(&on_disk, b"Exif"),
            "[{label}] EXIF kept"
        );
        assert!(stored[0].ends_with(&m.sha256));

        // The library lists it with its size and type, in both languages.
        let html = text(w.get_page(Some(&cm), "/w/maison-dupain/media").await).await;
        assert!(
            html.contains("640 × 480 px") && html.contains("image/jpeg"),
            "{html}"
        );
        assert!(html.contains(&format!("/w/maison-dupain/media/{}/thumbnail", m.id)));
        assert!(html.contains("vacances.jpg"));

        // The file and its thumbnail, with their types and safe headers.
        let r = w
            .get_page(Some(&cm), &format!("/w/maison-dupain/media/{}/file", m.id))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(r.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(r.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("private"));
        assert_eq!(bytes(r).await, on_disk);
        let r = w
            .get_page(
                Some(&cm),
                &format!("/w/maison-dupain/media/{}/thumbnail", m.id),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/jpeg");
        let thumb = image::load_from_memory(&bytes(r).await).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));

        // From the composer: the new file is attached to the entry with its alt text.
        let content = relais_core::entry::EntryContent {
            title: "Pain du jour".into(),
            timezone: "Europe/Paris".into(),
            body: "Bonjour".into(),
            ..Default::default()
        };
        let actor = relais_core::model::Actor::System("test");
        let e = store
            .create_entry(&actor, ws.id, relais_core::entry::Status::Draft, &content)
            .await
            .unwrap();
        let page = text(
            w.get_page(Some(&cm), &format!("/w/maison-dupain/entries/{}", e.id))
                .await,
        )
        .await;
        assert!(
            page.contains(&format!("/w/maison-dupain/media?entry={}", e.id)),
            "{page}"
        );
        let form = text(
            w.get_page(Some(&cm), &format!("/w/maison-dupain/media?entry={}", e.id))
                .await,
        )
        .await;
        assert!(
            form.contains("name=\"alt\"") && form.contains("Pain du jour"),
            "{form}"
        );
        let png = picture(300, 200, ImageFormat::Png);
        let id = e.id.to_string();
        let r = upload_page(
            &w,
            &cm,
            "maison-dupain",
            &[("entry", &id), ("alt", "Une baguette sur le comptoir")],
            Some(("baguette.png", "image/png", &png)),
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            text(r).await
        );
        assert_eq!(
            location(&r),
            format!("/w/maison-dupain/entries/{}?done=uploaded", e.id)
        );
        let e = store.get_entry(ws.id, e.id).await.unwrap().unwrap();
        assert_eq!(e.content.media.len(), 1);
        assert_eq!(e.content.media[0].alt, "Une baguette sur le comptoir");
        assert_eq!(
            (e.content.media[0].width, e.content.media[0].height),
            (300, 200)
        );
        let page = text(
            w.get_page(
                Some(&cm),
                &format!("/w/maison-dupain/entries/{}?done=uploaded", e.id),
            )
            .await,
        )
        .await;
        assert!(page.contains("Une baguette sur le comptoir"), "{page}");
        dir.close().unwrap();
        w.db.finish().await;
    }
}

#[tokio::test]
async fn the_type_comes_from_the_content_and_bad_files_are_refused_with_a_reason() {
    for db in testing::all().await {
        let label = db.label;
        let dir = tempfile::tempdir().unwrap();
        let w = world_with(db, media_world_config(dir.path(), 64 * 1024)).await;
        let cm = w.login("cm@demo.local").await;
        let store = &w.db.store;
        let ws = store
            .workspace_by_slug("maison-dupain")
            .await
            .unwrap()
            .unwrap();

        // A PNG named .jpg and sent as image/jpeg is a PNG.
        let png = picture(40, 30, ImageFormat::Png);
        let r = upload_page(
            &w,
            &cm,
            "maison-dupain",
            &[],
            Some(("photo.jpg", "image/jpeg", &png)),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let list = store.list_media(ws.id).await.unwrap();
        assert_eq!(list[0].mime, "image/png");
        let r = w
            .get_page(
                Some(&cm),
                &format!("/w/maison-dupain/media/{}/file", list[0].id),
            )
            .await;
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/png");
        let before = files_under(dir.path()).len();

        // Refusals: shown on the form with the reason, nothing stored.
        let mut truncated = picture(200, 100, ImageFormat::Png);
        truncated.truncate(truncated.len() / 2);
        let big = vec![0x42u8; 70 * 1024];
        let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
            (
                "cassé.png",
                truncated,
                StatusCode::UNPROCESSABLE_ENTITY,
                "endommagé",
            ),
            (
                "notes.txt",
                b"juste du texte, pas une image".to_vec(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "pas accepté",
            ),
            (
                "énorme.jpg",
                big,
                StatusCode::PAYLOAD_TOO_LARGE,
                "trop lourd",
            ),
        ];
        for (name, body, status, reason) in cases {
            let r = upload_page(
                &w,
                &cm,
                "maison-dupain",
                &[],
                Some((name, "image/png", &body)),
            )
            .await;
            assert_eq!(r.status(), status, "[{label}] {name}");
            let html = text(r).await;
            assert!(
                html.contains(reason) && html.contains("rien n&#39;a été enregistré"),
                "[{label}] {name}: {html}"
            );
            assert!(html.contains("aria-invalid=\"true\""), "{html}");
        }
        // No file chosen.
        let r = upload_page(&w, &cm, "maison-dupain", &[], None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(r).await.contains("Choisissez un fichier"));
        assert_eq!(store.list_media(ws.id).await.unwrap().len(), 1, "[{label}]");
        assert_eq!(files_under(dir.path()).len(), before, "[{label}]");

        // Far over the limit: the body is not even read (413 page).
        let huge = vec![0u8; 200 * 1024];
        let r = upload_page(
            &w,
            &cm,
            "maison-dupain",
            &[],
            Some(("x.png", "image/png", &huge)),
        )
        .await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "[{label}]");
        assert_eq!(store.list_media(ws.id).await.unwrap().len(), 1);

        // An image too large by its pixels (a decompression bomb of a few bytes).
        let bomb = png_declaring(100_000, 100_000);
        let r = upload_page(
            &w,
            &cm,
            "maison-dupain",
            &[],
            Some(("bomb.png", "image/png", &bomb)),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        let html = text(r).await;
        assert!(html.contains("100000 × 100000 pixels"), "{html}");
        assert_eq!(store.list_media(ws.id).await.unwrap().len(), 1);
        assert_eq!(files_under(dir.path()).len(), before, "[{label}]");
        dir.close().unwrap();
        w.db.finish().await;
    }
}

#[tokio::test]
async fn only_members_see_the_files_and_the_api_uploads_and_lists() {
    for db in testing::all().await {
        let label = db.label;
        let dir = tempfile::tempdir().unwrap();
        let w = world_with(db, media_world_config(dir.path(), 1024 * 1024)).await;
        let cm = w.login("cm@demo.local").await;
        let client = w.login("client@demo.local").await;
        let viewer = w.login("viewer@demo.local").await;

        // The API: raw bytes, any Content-Type; the type comes from the content.
        let png = picture(64, 48, ImageFormat::Png);
        let r = w
            .send(
                Request::post("/api/v1/workspaces/maison-dupain/media?name=logo.jpg")
                    .header(header::AUTHORIZATION, format!("Bearer {}", cm.token))
                    .header(header::CONTENT_TYPE, "image/jpeg")
                    .body(Body::from(png.clone()))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "[{label}]");
        let out: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(out["mime"], "image/png");
        assert_eq!(out["width"], 64);
        assert_eq!(out["original_name"], "logo.jpg");
        let id = out["id"].as_i64().unwrap();

        // Multipart through the API, and a corrupt file refused as a problem.
        let jpeg = phone_jpeg(32, 32);
        let r = w
            .send(
                Request::post("/api/v1/workspaces/maison-dupain/media")
                    .header(header::AUTHORIZATION, format!("Bearer {}", cm.token))
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    )
                    .body(Body::from(multipart(
                        &[],
                        Some(("p.jpeg", "image/jpeg", &jpeg)),
                    )))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "[{label}]");
        let r = w
            .send(
                Request::post("/api/v1/workspaces/maison-dupain/media")
                    .header(header::AUTHORIZATION, format!("Bearer {}", cm.token))
                    .header(header::ACCEPT_LANGUAGE, "en")
                    .body(Body::from(png[..png.len() / 2].to_vec()))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let p: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(p["errors"][0]["code"], "media-corrupt", "{p}");
        let r = w
            .api(
                Some(&cm),
                "GET",
                "/api/v1/workspaces/maison-dupain/media",
                None,
            )
            .await;
        let list: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2, "[{label}] {list}");

        // A client of the workspace may see the files; not upload.
        let path = format!("/w/maison-dupain/media/{id}/file");
        assert_eq!(
            w.get_page(Some(&client), &path).await.status(),
            StatusCode::OK
        );
        let r = upload_page(
            &w,
            &client,
            "maison-dupain",
            &[],
            Some(("a.png", "image/png", &png)),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // Someone of another workspace gets 404 for the file, the thumbnail and
        // the library, even with the right id; and ids of another workspace do
        // not resolve in one's own.
        for p in [
            path.clone(),
            format!("/w/maison-dupain/media/{id}/thumbnail"),
            "/w/maison-dupain/media".to_string(),
        ] {
            assert_eq!(
                w.get_page(Some(&viewer), &p).await.status(),
                StatusCode::NOT_FOUND,
                "{p}"
            );
        }
        let r = w
            .api(
                Some(&viewer),
                "GET",
                "/api/v1/workspaces/maison-dupain/media",
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = w
            .get_page(Some(&viewer), &format!("/w/velo-cite/media/{id}/file"))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "[{label}] id from another workspace"
        );
        dir.close().unwrap();
        w.db.finish().await;
    }
}
