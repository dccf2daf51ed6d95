//! Uploaded media: what a file really is, whether it is safe to keep, and
//! where it is kept.
//!
//! [`ingest`] reads the type from the content (magic bytes; the file name is
//! never looked at): JPEG, PNG, WebP and GIF images; MP4, QuickTime and WebM
//! videos. Images have their declared dimensions checked against
//! [`MediaLimits`] *before* any pixel is decoded (a 100000×100000 PNG of a few
//! hundred bytes is refused without allocating), are then fully decoded under
//! `image::Limits` (a truncated or corrupt file is refused), and have their
//! metadata removed losslessly (EXIF with GPS, XMP, IPTC, comments; see
//! [`strip`](crate::strip) for what is kept). Videos are accepted as they are,
//! with their dimensions when the MP4/QuickTime track header gives them.
//!
//! **Orientation.** A photo whose EXIF orientation is not "normal" keeps a
//! minimal EXIF block with that one tag and nothing else: the pixels are not
//! re-encoded (no quality loss), browsers and networks still show it upright,
//! and [`Ingested::width`]/[`Ingested::height`] are the *displayed* ones
//! (swapped for a quarter turn), which is what aspect-ratio rules are about.
//! The thumbnail has the orientation applied.
//!
//! [`MediaStore`] keeps the stripped bytes content-addressed by SHA-256.

mod sniff;
mod store;
mod strip;
mod video;

pub use relais_core::entry::MediaKind;
pub use store::MediaStore;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};
use sniff::Sniffed;
use std::io::Cursor;

/// What an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaLimits {
    /// Largest file, in bytes.
    pub max_bytes: u64,
    /// Largest image, in pixels (width × height).
    pub max_pixels: u64,
    /// Widest image, in pixels.
    pub max_width: u32,
    /// Tallest image, in pixels.
    pub max_height: u32,
    /// Longest side of thumbnails, in pixels.
    pub thumbnail_px: u32,
}

impl Default for MediaLimits {
    /// 20 MiB, 50 megapixels, 20000 px a side, 320 px thumbnails.
    fn default() -> Self {
        MediaLimits {
            max_bytes: 20 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_width: 20_000,
            max_height: 20_000,
            thumbnail_px: 320,
        }
    }
}

impl MediaLimits {
    /// The defaults with another size limit (`media.max_upload_bytes`).
    pub fn with_max_bytes(max_bytes: u64) -> Self {
        MediaLimits {
            max_bytes,
            ..MediaLimits::default()
        }
    }
}

/// Why an upload is refused. The messages are English, one line, for logs and
/// API problems; [`MediaError::code`] is a stable key for translated messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("the file is too large: {actual} bytes, the limit is {max} bytes")]
    TooLarge { max: u64, actual: u64 },
    #[error("unsupported file type: accepted are JPEG, PNG, WebP and GIF images and MP4, QuickTime and WebM videos (the type is read from the content, not from the file name)")]
    UnsupportedType,
    #[error("the file is damaged or not what it claims to be: {0}")]
    Corrupt(String),
    #[error("the image is too big: {width}×{height} pixels, the limits are {max_pixels} pixels in all and {max_width}×{max_height}")]
    TooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
        max_width: u32,
        max_height: u32,
    },
}

impl MediaError {
    /// A stable identifier: `too_large`, `unsupported_type`, `corrupt`, `too_many_pixels`.
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::TooLarge { .. } => "too_large",
            MediaError::UnsupportedType => "unsupported_type",
            MediaError::Corrupt(_) => "corrupt",
            MediaError::TooManyPixels { .. } => "too_many_pixels",
        }
    }
}

/// An accepted upload, ready to store.
#[derive(Clone, PartialEq, Eq)]
pub struct Ingested {
    /// Lower-case hex SHA-256 of [`Ingested::bytes`] (the stored bytes).
    pub sha256: String,
    pub kind: MediaKind,
    /// Sniffed from the content: `image/jpeg`, `image/png`, `image/webp`,
    /// `image/gif`, `video/mp4`, `video/quicktime` or `video/webm`.
    pub mime: &'static str,
    /// Displayed size (after EXIF orientation); 0 for videos whose size is not
    /// cheaply readable (WebM, MP4 without a track header).
    pub width: u32,
    pub height: u32,
    /// The bytes to store: the image without its metadata; a video as uploaded.
    pub bytes: Vec<u8>,
    /// A JPEG of at most `thumbnail_px` a side, for images.
    pub thumbnail: Option<Vec<u8>>,
}

impl std::fmt::Debug for Ingested {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingested")
            .field("sha256", &self.sha256)
            .field("kind", &self.kind)
            .field("mime", &self.mime)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &self.bytes.len())
            .field("thumbnail", &self.thumbnail.as_ref().map(Vec::len))
            .finish()
    }
}

/// The file extension of thumbnails.
pub const THUMBNAIL_EXTENSION: &str = "jpg";

/// Checks, cleans and measures one upload. See the crate documentation.
pub fn ingest(bytes: &[u8], limits: &MediaLimits) -> Result<Ingested, MediaError> {
    let size = bytes.len() as u64;
    if size > limits.max_bytes {
        return Err(MediaError::TooLarge {
            max: limits.max_bytes,
            actual: size,
        });
    }
    if bytes.is_empty() {
        return Err(MediaError::Corrupt("the file is empty".into()));
    }
    let sniffed = sniff::sniff(bytes).ok_or(MediaError::UnsupportedType)?;
    let format = match sniffed {
        Sniffed::Jpeg => ImageFormat::Jpeg,
        Sniffed::Png => ImageFormat::Png,
        Sniffed::Gif => ImageFormat::Gif,
        Sniffed::WebP => ImageFormat::WebP,
        Sniffed::Mp4 | Sniffed::QuickTime | Sniffed::WebM => {
            let (width, height) = match sniffed {
                Sniffed::WebM => (0, 0),
                _ => video::mp4_dimensions(bytes).unwrap_or((0, 0)),
            };
            return Ok(Ingested {
                sha256: sha256_hex(bytes),
                kind: MediaKind::Video,
                mime: sniffed.mime(),
                width,
                height,
                bytes: bytes.to_vec(),
                thumbnail: None,
            });
        }
    };

    // 1. Declared dimensions, from the header only.
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| MediaError::Corrupt(format!("unreadable {} header: {e}", name(sniffed))))?;
    check_dimensions(width, height, limits)?;

    // 2. Full decode under limits: proves the file is whole and gives the thumbnail.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_width);
    image_limits.max_image_height = Some(limits.max_height);
    // Decoded size of the largest allowed image at 8 bytes a pixel (16-bit RGBA),
    // plus room for the decoder's own buffers.
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(image_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| decode_error(sniffed, e))?;
    let orientation = decoder
        .orientation()
        .map_err(|e| decode_error(sniffed, e))?;
    let mut decoded = DynamicImage::from_decoder(decoder).map_err(|e| decode_error(sniffed, e))?;
    decoded.apply_orientation(orientation);

    // 3. Metadata out, orientation kept as the only EXIF tag.
    let exif_orientation = orientation.to_exif();
    let stripped = match sniffed {
        Sniffed::Jpeg => strip::jpeg(bytes, exif_orientation)?,
        Sniffed::Png => strip::png(bytes, exif_orientation)?,
        Sniffed::WebP => strip::webp(bytes, exif_orientation)?,
        _ => strip::gif(bytes)?,
    };

    let thumbnail = thumbnail(&decoded, limits.thumbnail_px)?;
    Ok(Ingested {
        sha256: sha256_hex(&stripped),
        kind: MediaKind::Image,
        mime: sniffed.mime(),
        width: decoded.width(),
        height: decoded.height(),
        bytes: stripped,
        thumbnail: Some(thumbnail),
    })
}

fn name(s: Sniffed) -> &'static str {
    match s {
        Sniffed::Jpeg => "JPEG",
        Sniffed::Png => "PNG",
        Sniffed::Gif => "GIF",
        Sniffed::WebP => "WebP",
        Sniffed::Mp4 => "MP4",
        Sniffed::QuickTime => "QuickTime",
        Sniffed::WebM => "WebM",
    }
}

fn check_dimensions(width: u32, height: u32, limits: &MediaLimits) -> Result<(), MediaError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels || width > limits.max_width || height > limits.max_height {
        return Err(MediaError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
            max_width: limits.max_width,
            max_height: limits.max_height,
        });
    }
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt(format!(
            "the image declares a size of {width}×{height}"
        )));
    }
    Ok(())
}

fn decode_error(s: Sniffed, e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Limits(_) => MediaError::Corrupt(format!(
            "the {} needs more memory to decode than its size allows ({e})",
            name(s)
        )),
        other => MediaError::Corrupt(format!("the {} cannot be decoded: {other}", name(s))),
    }
}

/// A JPEG of at most `px` a side (never enlarged), transparency on white.
fn thumbnail(image: &DynamicImage, px: u32) -> Result<Vec<u8>, MediaError> {
    let px = px.max(1);
    let small = if image.width() > px || image.height() > px {
        image.resize(px, px, image::imageops::FilterType::Triangle)
    } else {
        image.clone()
    };
    let rgba = small.to_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = src.0;
        let over_white =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        dst.0 = [over_white(r), over_white(g), over_white(b)];
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|e| MediaError::Corrupt(format!("thumbnail: {e}")))?;
    Ok(out)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Whether `s` is a SHA-256 as [`Ingested::sha256`] writes it (64 lower-case hex digits).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
