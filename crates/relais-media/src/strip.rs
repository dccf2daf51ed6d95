//! Lossless removal of metadata: the image data is copied byte for byte, only
//! the metadata segments, chunks or blocks are left out.
//!
//! What is kept is a list of what rendering needs (an allow-list: unknown
//! ancillary data goes). When the picture carries an EXIF orientation other
//! than "normal", a minimal EXIF block holding only that orientation tag is
//! written back, so that the picture still shows the right way up without
//! re-encoding it (a lossy JPEG would lose quality at each pass).

use crate::MediaError;
use img_parts::jpeg::{markers, Jpeg, JpegSegment};
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};

fn corrupt(what: &str, err: impl std::fmt::Display) -> MediaError {
    MediaError::Corrupt(format!("{what}: {err}"))
}

/// A TIFF/EXIF block with IFD0 holding only Orientation (tag 0x0112), big-endian.
pub fn minimal_exif(orientation: u8) -> Vec<u8> {
    let mut t = Vec::with_capacity(26);
    t.extend_from_slice(b"MM\x00\x2a"); // TIFF header, big-endian
    t.extend_from_slice(&8u32.to_be_bytes()); // IFD0 right after
    t.extend_from_slice(&1u16.to_be_bytes()); // one entry
    t.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    t.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_be_bytes()); // count
    t.extend_from_slice(&u16::from(orientation).to_be_bytes());
    t.extend_from_slice(&[0, 0]); // value padding
    t.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    t
}

fn orientation_exif(orientation: u8) -> Option<Bytes> {
    (orientation > 1 && orientation <= 8).then(|| Bytes::from(minimal_exif(orientation)))
}

/// JPEG: keeps APP0 (JFIF), APP2 ICC profile, APP14 (Adobe colour transform) and
/// every non-APP segment before the image data; drops APP1 (EXIF, XMP), other
/// APP2 (MPF, FlashPix), APP3–APP13 (IPTC/Photoshop…), APP15 and comments;
/// cuts everything after the end-of-image marker (MPF extra images, trailers).
/// A file without an end-of-image marker is truncated and refused.
pub fn jpeg(input: &[u8], orientation: u8) -> Result<Vec<u8>, MediaError> {
    let mut jpeg = Jpeg::from_bytes(Bytes::copy_from_slice(input))
        .map_err(|e| corrupt("not a valid JPEG", e))?;
    let segments = jpeg.segments_mut();
    segments.retain(keep_jpeg_segment);
    let Some(last) = segments.last_mut() else {
        return Err(MediaError::Corrupt("JPEG without image data".into()));
    };
    if !last.has_entropy() {
        return Err(MediaError::Corrupt("JPEG without image data".into()));
    }
    // img-parts keeps everything after the SOS header as the segment's
    // "entropy": take it from the encoded segment.
    let header_len = last.len();
    let entropy = last.clone().encoder().bytes().slice(header_len..);
    let end = end_of_image(&entropy).ok_or_else(|| {
        MediaError::Corrupt("the JPEG is truncated (no end-of-image marker)".into())
    })?;
    let sos =
        JpegSegment::new_with_entropy(last.marker(), last.contents().clone(), entropy.slice(..end));
    *last = sos;
    jpeg.set_exif(orientation_exif(orientation));
    Ok(jpeg.encoder().bytes().to_vec())
}

fn keep_jpeg_segment(s: &JpegSegment) -> bool {
    match s.marker() {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => s.contents().starts_with(b"ICC_PROFILE\0"),
        m if (markers::APP1..=markers::APP15).contains(&m) => false,
        markers::COM => false,
        _ => true,
    }
}

/// Where the image ends (just after EOI) in the data that follows the first
/// SOS header: entropy-coded data (0xFF is followed by 0x00 or a restart
/// marker), possibly more segments and scans (progressive JPEG), then EOI.
fn end_of_image(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] != 0xFF {
            i += 1;
            continue;
        }
        match b[i + 1] {
            0x00 | 0xD0..=0xD7 | 0xFF => i += if b[i + 1] == 0xFF { 1 } else { 2 },
            0xD9 => return Some(i + 2),
            _ => {
                // A segment between scans (DHT, SOS, DQT, DRI…): skip its length.
                let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
                if len < 2 {
                    return None;
                }
                i += 2 + len;
            }
        }
    }
    None
}

/// PNG chunks kept: the critical ones and those that change how pixels look
/// or animate; text (tEXt, zTXt, iTXt), eXIf, tIME and private chunks go.
const PNG_KEEP: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"mDCv", b"cLLi", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
];

pub fn png(input: &[u8], orientation: u8) -> Result<Vec<u8>, MediaError> {
    let mut png = Png::from_bytes(Bytes::copy_from_slice(input))
        .map_err(|e| corrupt("not a valid PNG", e))?;
    if png.chunks().last().map(|c| c.kind()) != Some(*b"IEND") {
        return Err(MediaError::Corrupt(
            "the PNG is truncated (no IEND chunk)".into(),
        ));
    }
    png.chunks_mut()
        .retain(|c| PNG_KEEP.iter().any(|k| **k == c.kind()));
    png.set_exif(orientation_exif(orientation));
    Ok(png.encoder().bytes().to_vec())
}

/// WebP chunks kept: image data, alpha, animation and ICC profile; EXIF, XMP
/// and unknown chunks go (the VP8X flags are updated to match).
const WEBP_KEEP: &[&[u8; 4]] = &[
    b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];

pub fn webp(input: &[u8], orientation: u8) -> Result<Vec<u8>, MediaError> {
    let mut webp = WebP::from_bytes(Bytes::copy_from_slice(input))
        .map_err(|e| corrupt("not a valid WebP", e))?;
    webp.chunks_mut()
        .retain(|c| WEBP_KEEP.iter().any(|k| **k == c.id()));
    // Also recomputes the VP8X flags from the chunks left.
    webp.set_exif(orientation_exif(orientation));
    Ok(webp.encoder().bytes().to_vec())
}

/// GIF: keeps the header, colour tables, images, graphic control and plain
/// text extensions, and the looping application extensions (NETSCAPE2.0,
/// ANIMEXTS1.0); drops comments and other application extensions (XMP,
/// ICC…) and anything after the trailer. GIF has no EXIF orientation.
pub fn gif(input: &[u8]) -> Result<Vec<u8>, MediaError> {
    let truncated = || MediaError::Corrupt("the GIF is truncated".into());
    let b = input;
    let mut out = Vec::with_capacity(b.len());
    // Header (6) + logical screen descriptor (7) + global colour table.
    let lsd = b.get(..13).ok_or_else(truncated)?;
    let mut i = 13 + color_table_len(lsd[10]);
    out.extend_from_slice(b.get(..i).ok_or_else(truncated)?);
    loop {
        match *b.get(i).ok_or_else(truncated)? {
            0x3B => {
                out.push(0x3B);
                return Ok(out);
            }
            0x2C => {
                // Image descriptor (10), local colour table, LZW code size, data.
                let desc = b.get(i..i + 10).ok_or_else(truncated)?;
                let start = i;
                i += 10 + color_table_len(desc[9]) + 1;
                i = skip_sub_blocks(b, i).ok_or_else(truncated)?;
                out.extend_from_slice(&b[start..i]);
            }
            0x21 => {
                let label = *b.get(i + 1).ok_or_else(truncated)?;
                let start = i;
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFF => {
                        let id = b.get(i + 3..i + 14).ok_or_else(truncated)?;
                        b.get(i + 2) == Some(&11) && (id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0")
                    }
                    _ => false,
                };
                i = skip_sub_blocks(b, i + 2).ok_or_else(truncated)?;
                if keep {
                    out.extend_from_slice(&b[start..i]);
                }
            }
            other => {
                return Err(MediaError::Corrupt(format!(
                    "GIF: unexpected block 0x{other:02X} at byte {i}"
                )))
            }
        }
    }
}

fn color_table_len(flags: u8) -> usize {
    if flags & 0x80 != 0 {
        3 * (1 << ((flags & 0x07) + 1))
    } else {
        0
    }
}

/// Skips data sub-blocks (length byte + data, until a zero length); returns
/// the index after the terminator.
fn skip_sub_blocks(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let len = usize::from(*b.get(i)?);
        i += 1;
        if len == 0 {
            return Some(i);
        }
        i += len;
        if i > b.len() {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_end_of_image_is_found_across_scans() {
        // Scan data with a stuffed 0xFF, a restart marker and fill bytes, then a
        // DHT segment whose payload holds FF D9 (not an end), a second SOS
        // header and scan, the real EOI, and trailing junk.
        let mut b = vec![0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56, 0xFF, 0xFF, 0x00];
        b.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x06, 0x10, 0xFF, 0xD9, 0x01]);
        b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02, 0x77, 0x88]);
        b.extend_from_slice(&[0xFF, 0xD9]);
        let end = b.len();
        b.extend_from_slice(b"junk\xFF\xD9");
        assert_eq!(end_of_image(&b), Some(end));
        assert_eq!(end_of_image(&b[..end - 1]), None);
        assert_eq!(end_of_image(&[0x01, 0xFF, 0xC4, 0x00]), None);
    }

    #[test]
    fn the_minimal_exif_reads_back() {
        for o in 1..=8u8 {
            let exif = minimal_exif(o);
            let read = image::metadata::Orientation::from_exif_chunk(&exif).unwrap();
            assert_eq!(read.to_exif(), o);
        }
        assert!(orientation_exif(1).is_none());
        assert!(orientation_exif(9).is_none());
    }
}
