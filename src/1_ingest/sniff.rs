//! Format detection from a file's first bytes (never its extension), and the
//! checks made before calamine opens a file: what a zip container declares
//! (before any part is inflated), then what its parts really hold
//! ([`super::scan`]) or, for .xls, what its sheets would span
//! ([`super::biff`]). calamine allocates from what a file declares, and an
//! allocation failure aborts the process: these checks are the guard (§9).

use super::{Format, Limits};
use std::io::{Cursor, Read};

/// What the bytes are, or why they cannot be a return.
pub fn sniff(bytes: &[u8], limits: &Limits) -> Result<Format, String> {
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.is_empty() {
        return Err("the file is empty (0 bytes); send the return again, saved from Excel".into());
    }
    if bytes.starts_with(CFB) {
        if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
            return Err("the workbook is password-protected (encrypted); remove the password \
                        (File > Info > Protect Workbook) and send it again"
                .into());
        }
        super::biff::check_xls(bytes, limits)?;
        return Ok(Format::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes, limits);
    }
    let head: String = bytes.iter().take(8).map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' }).collect();
    Err(format!(
        "not a spreadsheet (the file starts with {head:?}); save the return as .xlsx from the PMF-1 template"
    ))
}

fn contains_utf16(hay: &[u8], needle: &str) -> bool {
    let pat: Vec<u8> = needle.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    hay.windows(pat.len()).any(|w| w == pat.as_slice())
}

fn sniff_zip(bytes: &[u8], limits: &Limits) -> Result<Format, String> {
    let damaged = |e: zip::result::ZipError| {
        format!("the file is damaged or incomplete (zip: {e}); save the return again and resend it")
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if zip.len() > limits.max_zip_entries {
        return Err(format!(
            "the file has {} parts, over the limit of {} (--max-zip-entries); this is not a normal return",
            zip.len(),
            limits.max_zip_entries
        ));
    }
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(damaged)?;
        total = total.saturating_add(entry.size());
        names.push(entry.name().map(|n| n.to_string()).map_err(damaged)?);
    }
    if total > limits.max_unzipped_bytes {
        return Err(format!(
            "the file would expand to {total} bytes, over the limit of {} (--max-unzipped-mb); \
             it is not a normal return (possibly a zip bomb)",
            limits.max_unzipped_bytes
        ));
    }
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("xl/workbook.bin") {
        super::scan::scan_parts(&mut zip, Format::Xlsb, limits)?;
        return Ok(Format::Xlsb);
    }
    if has("xl/workbook.xml") {
        super::scan::scan_parts(&mut zip, Format::Xlsx, limits)?;
        return Ok(Format::Xlsx);
    }
    if has("mimetype") {
        let mime = read_part(&mut zip, "mimetype", 256).unwrap_or_default();
        if mime.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
            super::scan::scan_parts(&mut zip, Format::Ods, limits)?;
            return Ok(Format::Ods);
        }
        return Err(format!("an OpenDocument file but not a spreadsheet ({:?}); save it as .ods or .xlsx", mime.trim()));
    }
    if has("word/document.xml") {
        return Err("a Word document, not a spreadsheet; send the return workbook".into());
    }
    Err("a zip archive, not a spreadsheet; send the return workbook itself".into())
}

fn read_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, cap: u64) -> Option<String> {
    let idx = (0..zip.len()).find(|&i| zip.name_for_index(i).is_some_and(|n| n.is_ok_and(|n| n.eq_ignore_ascii_case(name))))?;
    let entry = zip.by_index(idx).ok()?;
    let mut buf = Vec::new();
    entry.take(cap).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_what_is_not_a_spreadsheet() {
        let l = Limits::default();
        assert!(sniff(b"", &l).unwrap_err().contains("empty"));
        assert!(sniff(b"%PDF-1.4 blah", &l).unwrap_err().contains("%PDF-1.4"));
        assert!(sniff(b"PK\x03\x04 truncated", &l).unwrap_err().contains("damaged"));
    }
}
