//! Format detection from the first bytes of a file: magic numbers for binary formats,
//! the first significant character for JSON, and delimiter counting for CSV/TSV.

use super::Format;
use crate::error::{Error, ErrorCode, Result};

const SAMPLE: usize = 64 * 1024;

/// Guesses the format of `bytes`. Binary files that are not tables get `UNSUPPORTED_FORMAT`.
pub fn sniff(bytes: &[u8]) -> Result<Format> {
    let head = bytes.get(..bytes.len().min(SAMPLE)).unwrap_or(bytes);
    if head.starts_with(b"PAR1") {
        return Ok(Format::Parquet);
    }
    if head.starts_with(b"ARROW1") {
        return Ok(Format::Arrow);
    }
    if head.starts_with(&[0xFF, 0xFF, 0xFF, 0xFF]) {
        return Ok(Format::ArrowStream);
    }
    // gzip / zstd / zlib compressed text: the CSV reader decompresses these.
    if head.starts_with(&[0x1F, 0x8B]) || head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        return Ok(Format::Csv);
    }
    if let Some(kind) = known_binary(head) {
        return Err(Error::new(
            ErrorCode::UnsupportedFormat,
            format!("This looks like {kind}, which insightflow cannot read as a table."),
            "Export the data as CSV, JSON, Parquet or Arrow and try again.",
        ));
    }
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    if !looks_like_text(text) {
        return Err(Error::new(
            ErrorCode::UnsupportedFormat,
            "This file does not look like a table: it is neither text (CSV, TSV, JSON) nor Parquet or Arrow.",
            "Choose a CSV, TSV, JSON, NDJSON, Parquet or Arrow file, or pass the format explicitly.",
        ));
    }
    let first = text.iter().position(|b| !b.is_ascii_whitespace());
    match first.and_then(|i| text.get(i)) {
        Some(b'[') => Ok(Format::Json),
        Some(b'{') => Ok(if several_object_lines(text) { Format::Ndjson } else { Format::Json }),
        _ => Ok(if csv_delimiter(text) == b'\t' { Format::Tsv } else { Format::Csv }),
    }
}

fn known_binary(head: &[u8]) -> Option<&'static str> {
    const MAGICS: [(&[u8], &str); 8] = [
        (b"PK\x03\x04", "a ZIP archive or an Excel workbook (.xlsx)"),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\xD0\xCF\x11\xE0", "an old Office document (.xls/.doc)"),
        (b"SQLite format 3", "an SQLite database"),
        (b"Obj\x01", "an Avro file"),
    ];
    MAGICS.iter().find(|(m, _)| head.starts_with(m)).map(|(_, k)| *k)
}

/// Text: no NUL bytes and valid UTF-8 (allowing a character cut at the sample's end).
fn looks_like_text(text: &[u8]) -> bool {
    if text.contains(&0) {
        return false;
    }
    match std::str::from_utf8(text) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 >= text.len(),
    }
}

fn several_object_lines(text: &[u8]) -> bool {
    text.split(|b| *b == b'\n')
        .map(|l| l.iter().position(|b| !b.is_ascii_whitespace()).and_then(|i| l.get(i)))
        .filter(|c| c.is_some())
        .take(2)
        .filter(|c| *c == Some(&b'{'))
        .count()
        == 2
}

/// Picks the delimiter whose count per line (outside quotes) is the most consistent,
/// over the first 30 lines. Defaults to a comma.
pub fn csv_delimiter(bytes: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
    let head = bytes.get(..bytes.len().min(SAMPLE)).unwrap_or(bytes);
    let mut counts: Vec<[usize; 4]> = Vec::new();
    let mut cur = [0usize; 4];
    let mut in_quotes = false;
    for &b in head {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                counts.push(cur);
                cur = [0; 4];
                if counts.len() >= 30 {
                    break;
                }
            }
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    if let Some(slot) = cur.get_mut(i) {
                        *slot += 1;
                    }
                }
            }
            _ => {}
        }
    }
    if cur.iter().any(|c| *c > 0) {
        counts.push(cur);
    }
    let mut best = (0usize, b',');
    for (i, &d) in CANDIDATES.iter().enumerate() {
        let per_line: Vec<usize> = counts.iter().filter_map(|c| c.get(i).copied()).collect();
        let Some(&first) = per_line.first() else { continue };
        if first == 0 {
            continue;
        }
        // lines agreeing with the header's count, weighted by the count itself
        let agree = per_line.iter().filter(|&&n| n == first).count();
        let score = agree * 1000 + first.min(999);
        if score > best.0 {
            best = (score, d);
        }
    }
    best.1
}
