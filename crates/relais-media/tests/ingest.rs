#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! relais-media on real files made here: encoded with the `image` crate, with
//! metadata added by hand the way cameras and phones write it.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage, RgbaImage};
use img_parts::png::{Png, PngChunk};
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};
use relais_media::{ingest, MediaError, MediaKind, MediaLimits, MediaStore};
use std::io::Cursor;
use std::time::Instant;

// --- building test files ------------------------------------------------------

fn picture(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

fn encode(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(DynamicImage::ImageRgb8(picture(w, h)), ImageFormat::Jpeg)
}

fn png(w: u32, h: u32) -> Vec<u8> {
    encode(DynamicImage::ImageRgb8(picture(w, h)), ImageFormat::Png)
}

const CAMERA: &[u8] = b"Secret Camera Model X\0";

/// A little-endian TIFF/EXIF block: IFD0 with Make (a string stored out of
/// line), an optional Orientation, and a GPS IFD with latitude and longitude
/// (Paris, 48°51'24"N 2°21'8"E), as a phone writes them.
fn exif_with_gps(orientation: Option<u16>) -> Vec<u8> {
    let mut ifd0: Vec<(u16, u16, u32, [u8; 4])> = Vec::new();
    let n0 = 2 + u16::from(orientation.is_some());
    let ifd0_len = 2 + 12 * n0 as u32 + 4;
    let make_at = 8 + ifd0_len;
    let gps_at = make_at + CAMERA.len() as u32;
    ifd0.push((0x010F, 2, CAMERA.len() as u32, make_at.to_le_bytes()));
    if let Some(o) = orientation {
        let mut v = [0; 4];
        v[..2].copy_from_slice(&o.to_le_bytes());
        ifd0.push((0x0112, 3, 1, v));
    }
    ifd0.push((0x8825, 4, 1, gps_at.to_le_bytes()));
    let gps_len = 2 + 12 * 4 + 4;
    let lat_at = gps_at + gps_len;
    let lon_at = lat_at + 24;
    let gps = [
        (0x0001u16, 2u16, 2u32, *b"N\0\0\0"),
        (0x0002, 5, 3, lat_at.to_le_bytes()),
        (0x0003, 2, 2, *b"E\0\0\0"),
        (0x0004, 5, 3, lon_at.to_le_bytes()),
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
    assert_eq!(t.len() as u32, make_at);
    t.extend_from_slice(CAMERA);
    ifd(&mut t, &gps);
    assert_eq!(t.len() as u32, lat_at);
    for (num, den) in [(48u32, 1u32), (51, 1), (24, 1), (2, 1), (21, 1), (8, 1)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    t
}

fn segment(marker: u8, contents: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((contents.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(contents);
    s
}

/// A JPEG as a phone writes it: EXIF with GPS, XMP, IPTC (APP13) and a comment
/// right after the start-of-image marker, then junk after the end of image.
fn phone_jpeg(plain: &[u8], orientation: Option<u16>) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_with_gps(orientation));
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>48,51.4N</exif:GPSLatitude></x:xmpmeta>",
    ));
    out.extend(segment(
        0xED,
        b"Photoshop 3.0\08BIM\x04\x04 IPTC city: Paris",
    ));
    out.extend(segment(0xFE, b"secret comment"));
    out.extend_from_slice(&plain[2..]);
    out.extend_from_slice(b"TRAILER with more secrets");
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn pixels(bytes: &[u8]) -> RgbaImage {
    image::load_from_memory(bytes).unwrap().to_rgba8()
}

fn orientation_of(bytes: &[u8]) -> image::metadata::Orientation {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .unwrap();
    reader.into_decoder().unwrap().orientation().unwrap()
}

fn limits() -> MediaLimits {
    MediaLimits::default()
}

// --- images -------------------------------------------------------------------

#[test]
fn jpeg_metadata_is_stripped_and_the_pixels_are_untouched() {
    let plain = jpeg(64, 48);
    let uploaded = phone_jpeg(&plain, None);
    // The test file really carries what we claim: a decoder finds the EXIF.
    assert!(contains(&uploaded, CAMERA) && contains(&uploaded, b"Exif\0\0"));
    let mut dec = ImageReader::new(Cursor::new(&uploaded))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    assert!(dec.exif_metadata().unwrap().is_some());

    let out = ingest(&uploaded, &limits()).unwrap();
    assert_eq!((out.kind, out.mime), (MediaKind::Image, "image/jpeg"));
    assert_eq!((out.width, out.height), (64, 48));
    for secret in [
        &b"Exif"[..],
        CAMERA,
        b"xmpmeta",
        b"Photoshop",
        b"secret comment",
        b"TRAILER",
    ] {
        assert!(
            !contains(&out.bytes, secret),
            "{:?} is still there",
            String::from_utf8_lossy(secret)
        );
    }
    // Lossless: exactly the encoder's file again, so the same pixels.
    assert_eq!(out.bytes, plain);
    assert_eq!(pixels(&out.bytes), pixels(&uploaded));
    assert_eq!(out.sha256, relais_media::sha256_hex(&out.bytes));
    let thumb = image::load_from_memory(out.thumbnail.as_ref().unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (64, 48), "never enlarged");
}

#[test]
fn jpeg_orientation_survives_as_the_only_exif_tag() {
    let plain = jpeg(640, 480);
    let uploaded = phone_jpeg(&plain, Some(6)); // rotate 90° clockwise to display
    assert_eq!(
        orientation_of(&uploaded),
        image::metadata::Orientation::Rotate90
    );
    let out = ingest(&uploaded, &limits()).unwrap();
    assert!(!contains(&out.bytes, CAMERA));
    assert!(
        !contains(&out.bytes, &[0x25, 0x88]),
        "no GPS IFD pointer (0x8825)"
    );
    assert_eq!(
        orientation_of(&out.bytes),
        image::metadata::Orientation::Rotate90
    );
    // The displayed size, and the same pixels as before.
    assert_eq!((out.width, out.height), (480, 640));
    assert_eq!(pixels(&out.bytes), pixels(&plain));
    let thumb = image::load_from_memory(out.thumbnail.as_ref().unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (240, 320));
}

#[test]
fn png_text_and_exif_chunks_are_stripped() {
    let plain = png(40, 30);
    let mut p = Png::from_bytes(Bytes::from(plain.clone())).unwrap();
    let at = p.chunks().len() - 1;
    p.chunks_mut().insert(
        at,
        PngChunk::new(
            *b"tEXt",
            Bytes::from_static(b"Comment\0GPS 48.8566N 2.3522E"),
        ),
    );
    p.chunks_mut().insert(
        1,
        PngChunk::new(
            *b"iTXt",
            Bytes::from_static(b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"),
        ),
    );
    p.set_exif(Some(Bytes::from(exif_with_gps(None))));
    let uploaded = p.encoder().bytes().to_vec();
    assert!(contains(&uploaded, b"tEXt") && contains(&uploaded, b"eXIf"));

    let out = ingest(&uploaded, &limits()).unwrap();
    assert_eq!(out.mime, "image/png");
    for secret in [&b"tEXt"[..], b"iTXt", b"eXIf", b"GPS", b"xmpmeta", CAMERA] {
        assert!(!contains(&out.bytes, secret), "{secret:?}");
    }
    assert_eq!(out.bytes, plain);
    assert_eq!(pixels(&out.bytes), pixels(&uploaded));
}

#[test]
fn webp_exif_and_xmp_are_stripped() {
    let mut plain = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut plain)
        .encode(
            picture(33, 21).as_raw(),
            33,
            21,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    let mut w = WebP::from_bytes(Bytes::from(plain)).unwrap();
    w.set_exif(Some(Bytes::from(exif_with_gps(None))));
    let uploaded = w.encoder().bytes().to_vec();
    assert!(contains(&uploaded, b"EXIF") && contains(&uploaded, CAMERA));

    let out = ingest(&uploaded, &limits()).unwrap();
    assert_eq!((out.mime, out.width, out.height), ("image/webp", 33, 21));
    assert!(!contains(&out.bytes, CAMERA) && !contains(&out.bytes, b"EXIF"));
    assert_eq!(pixels(&out.bytes), pixels(&uploaded));
}

#[test]
fn gif_comments_and_application_data_are_stripped() {
    let plain = encode(DynamicImage::ImageRgb8(picture(16, 8)), ImageFormat::Gif);
    // After the header (6), screen descriptor (7) and global colour table.
    let flags = plain[10];
    let gct = if flags & 0x80 != 0 {
        3 * (1 << ((flags & 7) + 1))
    } else {
        0
    };
    let at = 13 + gct;
    let mut uploaded = plain[..at].to_vec();
    uploaded.extend_from_slice(b"\x21\xFE\x0esecret comment\x00");
    uploaded.extend_from_slice(b"\x21\xFF\x0bXMP DataXMP\x05<xmp>\x00");
    uploaded.extend_from_slice(&plain[at..]);
    uploaded.extend_from_slice(b"after the trailer");

    let out = ingest(&uploaded, &limits()).unwrap();
    assert_eq!((out.mime, out.width, out.height), ("image/gif", 16, 8));
    assert_eq!(out.bytes, plain);

    let cut = &plain[..plain.len() - 10];
    assert!(matches!(
        ingest(cut, &limits()),
        Err(MediaError::Corrupt(_))
    ));
}

#[test]
fn the_type_comes_from_the_content_not_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("holiday.jpg");
    std::fs::write(&path, png(10, 10)).unwrap();
    let out = ingest(&std::fs::read(&path).unwrap(), &limits()).unwrap();
    assert_eq!(out.mime, "image/png");

    for (what, bytes) in [
        ("text", b"hello, this is not a picture".to_vec()),
        (
            "svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
        ),
        (
            "bmp",
            encode(DynamicImage::ImageRgb8(picture(4, 4)), ImageFormat::Bmp),
        ),
        ("heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec()),
        (
            "mkv",
            b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska".to_vec(),
        ),
    ] {
        assert_eq!(
            ingest(&bytes, &limits()),
            Err(MediaError::UnsupportedType),
            "{what}"
        );
    }
    let err = MediaError::UnsupportedType.to_string();
    assert!(err.contains("not from the file name"), "{err}");
}

#[test]
fn truncated_or_corrupt_images_are_refused() {
    let j = jpeg(200, 150);
    let p = png(200, 150);
    let mut garbage = vec![0xFF, 0xD8, 0xFF, 0xE0];
    garbage.extend(std::iter::repeat_n(0x42, 500));
    let mut bad_crc = p.clone();
    let n = bad_crc.len();
    bad_crc[n / 2] ^= 0xFF;
    for (what, bytes) in [
        ("jpeg cut in half", j[..j.len() / 2].to_vec()),
        ("jpeg without its last bytes", j[..j.len() - 2].to_vec()),
        ("png cut in half", p[..p.len() / 2].to_vec()),
        ("png with a flipped byte", bad_crc),
        ("jpeg magic then junk", garbage),
        ("empty", Vec::new()),
    ] {
        match ingest(&bytes, &limits()) {
            Err(MediaError::Corrupt(reason)) => assert!(!reason.is_empty(), "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn oversized_files_are_refused() {
    let bytes = jpeg(100, 100);
    let small = MediaLimits::with_max_bytes(1000);
    assert!(bytes.len() > 1000);
    assert_eq!(
        ingest(&bytes, &small),
        Err(MediaError::TooLarge {
            max: 1000,
            actual: bytes.len() as u64
        })
    );
    assert_eq!(ingest(&bytes, &small).unwrap_err().code(), "too_large");
}

/// A PNG whose header declares `w`×`h` with a few bytes of (bogus) data.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for chunk in [
        PngChunk::new(*b"IHDR", Bytes::from(ihdr)),
        PngChunk::new(
            *b"IDAT",
            Bytes::from_static(b"\x78\x9c\x63\x00\x00\x00\x01\x00\x01"),
        ),
        PngChunk::new(*b"IEND", Bytes::new()),
    ] {
        out.extend_from_slice(&chunk.encoder().bytes());
    }
    out
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    let started = Instant::now();
    for (w, h) in [(100_000, 100_000), (15_000, 15_000), (30_000, 10)] {
        let bytes = png_declaring(w, h);
        assert!(bytes.len() < 100);
        match ingest(&bytes, &limits()) {
            Err(e @ MediaError::TooManyPixels { width, height, .. }) => {
                assert_eq!((width, height), (w, h));
                assert_eq!(e.code(), "too_many_pixels");
            }
            other => panic!("{w}×{h}: {other:?}"),
        }
    }
    // 100000×100000 RGB would be 30 GB: refused before any allocation.
    assert!(started.elapsed().as_secs() < 2);
    // Within the limits, the same bogus file is refused as corrupt.
    assert!(matches!(
        ingest(&png_declaring(500, 500), &limits()),
        Err(MediaError::Corrupt(_))
    ));
}

// --- videos -------------------------------------------------------------------

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(body);
    b
}

fn tkhd(w: u32, h: u32) -> Vec<u8> {
    let mut t = vec![0u8; 4 + 20 + 8 + 8 + 36];
    t.extend_from_slice(&(w << 16).to_be_bytes());
    t.extend_from_slice(&(h << 16).to_be_bytes());
    mp4_box(b"tkhd", &t)
}

#[test]
fn videos_are_accepted_with_their_size_when_readable() {
    let mut mp4 = mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41");
    let audio = mp4_box(b"trak", &tkhd(0, 0));
    let video = mp4_box(b"trak", &tkhd(1080, 1920));
    mp4.extend(mp4_box(b"mdat", &[0u8; 64]));
    mp4.extend(mp4_box(b"moov", &[audio, video].concat()));
    let out = ingest(&mp4, &limits()).unwrap();
    assert_eq!(
        (out.kind, out.mime, out.width, out.height),
        (MediaKind::Video, "video/mp4", 1080, 1920)
    );
    assert_eq!(out.bytes, mp4);
    assert!(out.thumbnail.is_none());

    let mov = mp4_box(b"ftyp", b"qt  \0\0\0\0qt  ");
    let out = ingest(&mov, &limits()).unwrap();
    assert_eq!((out.mime, out.width, out.height), ("video/quicktime", 0, 0));

    let webm =
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm\x42\x87\x81\x04";
    let out = ingest(webm, &limits()).unwrap();
    assert_eq!((out.kind, out.mime), (MediaKind::Video, "video/webm"));
}

// --- storage ------------------------------------------------------------------

#[test]
fn storage_is_content_addressed_atomic_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = MediaStore::new(dir.path().to_path_buf());
    let plain = jpeg(50, 50);
    // Two uploads that differ only in metadata are one file once stripped.
    let a = ingest(&phone_jpeg(&plain, None), &limits()).unwrap();
    let b = ingest(&plain, &limits()).unwrap();
    assert_eq!(a.sha256, b.sha256);

    store.put(&a).unwrap();
    store.put(&b).unwrap();
    store.put(&a).unwrap();
    let sha = &a.sha256;
    let path = store.path(sha).unwrap();
    assert_eq!(
        path,
        dir.path()
            .join("media")
            .join(&sha[..2])
            .join(&sha[2..4])
            .join(sha)
    );
    assert_eq!(std::fs::read(&path).unwrap(), a.bytes);
    let thumb = store.thumbnail_path(sha).unwrap();
    assert_eq!(thumb, dir.path().join("thumbs").join(format!("{sha}.jpg")));
    assert_eq!(
        &std::fs::read(&thumb).unwrap(),
        a.thumbnail.as_ref().unwrap()
    );
    assert!(store.contains(sha));
    // One file, no temporary leftovers.
    let files: Vec<_> = walk(dir.path());
    assert_eq!(files.len(), 2, "{files:?}");

    // Only 64 lower-case hex digits name a file.
    for bad in [
        "",
        "../../etc/passwd",
        &sha.to_uppercase(),
        &sha[..63],
        &format!("{}/", &sha[..63]),
    ] {
        assert!(store.path(bad).is_none(), "{bad}");
        assert!(store.thumbnail_path(bad).is_none(), "{bad}");
        assert!(!store.contains(bad));
    }
    // An Ingested whose hash does not match its bytes is refused.
    let mut forged = b.clone();
    forged.bytes.push(0);
    forged.sha256 = "0".repeat(64);
    assert!(store.put(&forged).is_err());
    assert!(!store.contains(&"0".repeat(64)));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
