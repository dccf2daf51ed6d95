//! The file type, read from the first bytes of the content (never from a name).

/// What the content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Jpeg,
    Png,
    Gif,
    WebP,
    Mp4,
    QuickTime,
    WebM,
}

impl Sniffed {
    pub fn mime(self) -> &'static str {
        match self {
            Sniffed::Jpeg => "image/jpeg",
            Sniffed::Png => "image/png",
            Sniffed::Gif => "image/gif",
            Sniffed::WebP => "image/webp",
            Sniffed::Mp4 => "video/mp4",
            Sniffed::QuickTime => "video/quicktime",
            Sniffed::WebM => "video/webm",
        }
    }
}

/// ISO base media brands of MP4 video (ISO 14496-12/14, 3GPP, Apple M4V…).
const MP4_BRANDS: &[&[u8; 4]] = &[
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9", b"mp41",
    b"mp42", b"mp71", b"avc1", b"M4V ", b"M4VH", b"M4VP", b"dash", b"mmp4", b"3gp4", b"3gp5",
    b"3gp6", b"3g2a", b"f4v ", b"XAVC", b"MSNV", b"NDAS",
];

/// Brands of still images and audio in the same container (HEIF, AVIF, M4A):
/// not videos, and not accepted.
const NOT_VIDEO_BRANDS: &[&[u8; 4]] = &[
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis",
    b"M4A ", b"M4B ", b"M4P ",
];

pub fn sniff(b: &[u8]) -> Option<Sniffed> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Sniffed::Jpeg);
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Sniffed::Png);
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Some(Sniffed::Gif);
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Some(Sniffed::WebP);
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return sniff_ftyp(b);
    }
    if b.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        // EBML: a WebM file says so in its DocType element (0x42 0x82) near the start.
        let head = &b[..b.len().min(64)];
        let is_webm = head
            .windows(7)
            .any(|w| w[0] == 0x42 && w[1] == 0x82 && w[2] == 0x84 && &w[3..7] == b"webm");
        return is_webm.then_some(Sniffed::WebM);
    }
    None
}

fn sniff_ftyp(b: &[u8]) -> Option<Sniffed> {
    let size = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let ftyp = b.get(8..size.clamp(16, 4096).min(b.len()))?;
    let major: &[u8; 4] = ftyp.get(0..4)?.try_into().ok()?;
    if NOT_VIDEO_BRANDS.contains(&major) {
        return None;
    }
    if major == b"qt  " {
        return Some(Sniffed::QuickTime);
    }
    // Compatible brands follow the major brand and its minor version.
    let compatible = ftyp.get(8..).unwrap_or(&[]).chunks_exact(4);
    let mut brands = std::iter::once(&major[..]).chain(compatible);
    brands
        .any(|brand| MP4_BRANDS.iter().any(|known| &known[..] == brand))
        .then_some(Sniffed::Mp4)
}
