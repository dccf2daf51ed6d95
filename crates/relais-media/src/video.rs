//! Video dimensions without decoding: the first track header (`tkhd`) of an
//! ISO base media file (MP4, QuickTime) that has a non-zero size.

/// Width and height of the first visual track, or `None`.
pub fn mp4_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let moov = find_box(b, b"moov")?;
    for (kind, trak) in boxes(moov) {
        if kind != *b"trak" {
            continue;
        }
        let Some(tkhd) = find_box(trak, b"tkhd") else {
            continue;
        };
        let version = *tkhd.first()?;
        // version+flags, times, track id, reserved, duration; then reserved(8),
        // layer, group, volume, reserved (2 each), matrix (36).
        let offset = if version == 1 {
            4 + 8 + 8 + 4 + 4 + 8
        } else {
            4 + 4 + 4 + 4 + 4 + 4
        } + 8
            + 8
            + 36;
        let width = read_u32(tkhd, offset)? >> 16;
        let height = read_u32(tkhd, offset + 4)? >> 16;
        if width > 0 && height > 0 {
            return Some((width, height));
        }
    }
    None
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn find_box<'a>(b: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(b).find(|(k, _)| k == kind).map(|(_, body)| body)
}

/// The boxes of one level: (type, body). Stops at the first malformed header.
fn boxes(mut b: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    std::iter::from_fn(move || {
        let size32 = read_u32(b, 0)? as u64;
        let kind: [u8; 4] = b.get(4..8)?.try_into().ok()?;
        let (header, size) = match size32 {
            0 => (8u64, b.len() as u64),
            1 => {
                let hi = read_u32(b, 8)? as u64;
                let lo = read_u32(b, 12)? as u64;
                (16, (hi << 32) | lo)
            }
            n => (8, n),
        };
        if size < header || size > b.len() as u64 {
            return None;
        }
        let body = b.get(header as usize..size as usize)?;
        b = &b[size as usize..];
        Some((kind, body))
    })
}
