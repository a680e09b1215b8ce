//! What a zipped workbook's parts really hold, found by inflating the parts
//! that need it as a stream (a small buffer, whatever the part's size)
//! before calamine opens the file. Invariants:
//! - the parts inflate to at most what the zip's directory declares (the
//!   zip reader, calamine's too, stops there: a bomb whose directory lies is
//!   an error), and the declared sizes are checked against
//!   `max_unzipped_bytes` first (`sniff.rs`);
//! - xlsx: the shared-strings table declares (`uniqueCount`) no more strings
//!   than it holds, as calamine reserves room for the declared count at open;
//! - ods: `content.xml` laid out as calamine lays it out at open fits the
//!   limits ([`super::ods`]).
//!
//! A part that cannot be inflated is left to calamine to report.

use super::ods::Ods;
use super::{Format, Limits};
use std::io::{Cursor, Read};

/// The longest tag kept whole; longer ones are cut (their attributes are
/// read from the kept start).
pub(super) const MAX_TAG: usize = 64 << 10;

pub fn scan_parts(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, format: Format, limits: &Limits) -> Result<(), String> {
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let name = zip.name_for_index(i).and_then(|n| n.ok()).unwrap_or_default().to_ascii_lowercase();
        let mut sink = match format {
            Format::Xlsx if name.ends_with("sharedstrings.xml") && !sst_plausible(zip, i) => Sink::Sst(Sst::default()),
            Format::Ods if name == "content.xml" => Sink::Ods(Ods::new(*limits)),
            // Every other part is read by calamine through the zip reader,
            // which stops at the size the directory declares, and those
            // sizes were checked against the limit before: no need to
            // inflate them twice (issue 4: each file is read once).
            _ => continue,
        };
        let Ok(mut part) = zip.by_index(i) else { continue };
        let mut tags = Tags::default();
        let mut buf = [0u8; 16 << 10];
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            total += n as u64;
            if total > limits.max_unzipped_bytes {
                return Err(format!(
                    "the file expands to more than {} bytes when unzipped, over the limit (--max-unzipped-mb); \
                     it is not a normal return (possibly a zip bomb)",
                    limits.max_unzipped_bytes
                ));
            }
            tags.feed(&buf[..n], |tag, text, len| sink.tag(tag, text, len))?;
        }
        sink.finish()?;
    }
    Ok(())
}

/// The shortest shared string, `<si><t/></si>`, in bytes.
const MIN_SI_BYTES: u64 = 13;

/// Could the shared-strings part hold the strings it declares? Read from
/// its first kilobyte (where writers put the `sst` tag, after the XML
/// declaration) and its declared size, which the zip reader
/// enforces. The whole part is counted instead when the count is
/// implausible, when no `sst` tag is within that kilobyte (calamine finds
/// it however far in), or when anything but the XML declaration comes
/// before it (a comment could hold a decoy `sst` that calamine skips).
fn sst_plausible(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, i: usize) -> bool {
    let Ok(part) = zip.by_index(i) else { return true };
    let size = part.size();
    let mut head = Vec::with_capacity(1024);
    if part.take(1024).read_to_end(&mut head).is_err() {
        return true; // damaged: calamine reports it
    }
    let (mut declared, mut clean, mut first) = (None, true, true);
    let _ = Tags::default().feed(&head, |tag, _, _| {
        if declared.is_some() {
            return Ok(());
        }
        if local(name_of(tag).0) == b"sst" {
            declared = Some(attr(tag, b"uniqueCount").and_then(number));
        } else {
            // The leading `<?xml …?>` is all a writer puts before it.
            clean &= first && tag.starts_with(b"?xml") && tag.ends_with(b"?");
        }
        first = false;
        Ok(())
    });
    match (clean, declared) {
        (true, Some(Some(n))) => n <= size / MIN_SI_BYTES + 1000,
        (true, Some(None)) => true, // no count, nothing reserved
        _ => false,
    }
}

enum Sink {
    Sst(Sst),
    Ods(Ods),
}

impl Sink {
    fn tag(&mut self, tag: &[u8], text: u64, len: u64) -> Result<(), String> {
        match self {
            Sink::Sst(s) => {
                s.tag(tag);
                Ok(())
            }
            Sink::Ods(o) => o.tag(tag, text, len),
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        match self {
            Sink::Sst(s) => s.finish(),
            Sink::Ods(o) => o.finish(),
        }
    }
}

/// Splits a byte stream into tags (the text between `<` and `>`, quotes
/// respected), skipping text. Comments and declarations end at their first
/// `>`, so no more is ever skipped than an XML parser would skip; a tag
/// inside a comment is therefore seen, and a guard must not trust the first
/// tag of a kind it sees.
#[derive(Default)]
pub(super) struct Tags {
    inside: bool,
    quote: Option<u8>,
    tag: Vec<u8>,
    /// Bytes of text since the last tag.
    text: u64,
    /// The whole length of the tag being read, kept or not.
    len: u64,
}

impl Tags {
    /// Calls `on(tag, bytes of text before it, the tag's whole length)` for
    /// each tag (only its first `MAX_TAG` bytes are kept).
    pub(super) fn feed(&mut self, mut bytes: &[u8], mut on: impl FnMut(&[u8], u64, u64) -> Result<(), String>) -> Result<(), String> {
        while !bytes.is_empty() {
            if !self.inside {
                match bytes.iter().position(|&b| b == b'<') {
                    Some(p) => {
                        self.text += p as u64;
                        self.inside = true;
                        self.quote = None;
                        self.tag.clear();
                        self.len = 0;
                        bytes = &bytes[p + 1..];
                    }
                    None => {
                        self.text += bytes.len() as u64;
                        return Ok(());
                    }
                }
                continue;
            }
            let plain = matches!(self.tag.first(), Some(b'!' | b'?'));
            let mut end = None;
            for (i, &b) in bytes.iter().enumerate() {
                match (self.quote, b) {
                    (None, b'>') => {
                        end = Some(i);
                        break;
                    }
                    (None, b'"' | b'\'') if !plain && !self.tag.is_empty() => self.quote = Some(b),
                    (Some(q), _) if b == q => self.quote = None,
                    _ => {}
                }
                self.len += 1;
                if self.tag.len() < MAX_TAG {
                    self.tag.push(b);
                }
            }
            match end {
                Some(i) => {
                    self.inside = false;
                    on(&self.tag, std::mem::take(&mut self.text), self.len)?;
                    bytes = &bytes[i + 1..];
                }
                None => return Ok(()),
            }
        }
        Ok(())
    }
}

/// The element name of a tag (`table:table-row`, `/table:table`), and
/// whether it closes itself.
pub(super) fn name_of(tag: &[u8]) -> (&[u8], bool) {
    let end = tag.iter().position(|b| b.is_ascii_whitespace() || *b == b'/' && tag.first() != Some(&b'/')).unwrap_or(tag.len());
    (&tag[..end], tag.last() == Some(&b'/'))
}

fn local(name: &[u8]) -> &[u8] {
    name.iter().rposition(|&b| b == b':').map_or(name, |p| &name[p + 1..])
}

/// The value of attribute `key` in a tag, if there.
pub(super) fn attr<'t>(tag: &'t [u8], key: &[u8]) -> Option<&'t [u8]> {
    let mut from = 0;
    while let Some(p) = tag[from..].windows(key.len()).position(|w| w == key) {
        let at = from + p;
        from = at + key.len();
        let before_ok = at > 0 && tag[at - 1].is_ascii_whitespace();
        let rest = &tag[from..];
        let rest_trim = rest.iter().position(|b| !b.is_ascii_whitespace()).map_or(&rest[..0], |i| &rest[i..]);
        if !before_ok || rest_trim.first() != Some(&b'=') {
            continue;
        }
        let v = &rest_trim[1..];
        let v = v.iter().position(|b| !b.is_ascii_whitespace()).map_or(&v[..0], |i| &v[i..]);
        let Some(&q @ (b'"' | b'\'')) = v.first() else { return None };
        let v = &v[1..];
        return Some(v.iter().position(|&b| b == q).map_or(v, |e| &v[..e]));
    }
    None
}

/// A count in an attribute: digits, saturating; anything else is `None`.
pub(super) fn number(v: &[u8]) -> Option<u64> {
    let v = v.trim_ascii();
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(v.iter().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0'))))
}

/// xlsx shared strings: the declared `uniqueCount` against the `<si>`
/// elements really there.
#[derive(Default)]
struct Sst {
    declared: Option<u64>,
    found: u64,
}

impl Sst {
    fn tag(&mut self, tag: &[u8]) {
        let (name, _) = name_of(tag);
        match local(name) {
            // Every `sst` tag counts, the largest count kept: one inside a
            // comment is seen here, though calamine skips it.
            b"sst" => self.declared = self.declared.max(attr(tag, b"uniqueCount").and_then(number)),
            b"si" => self.found += 1,
            _ => {}
        }
    }

    fn finish(&self) -> Result<(), String> {
        match self.declared {
            // Writers' counts can be a little off; a count far beyond the
            // strings there is a trap (calamine reserves room for it).
            Some(n) if n > self.found.saturating_mul(2).saturating_add(1000) => Err(format!(
                "the shared strings table declares {n} strings (uniqueCount) but holds {}; the file is damaged or \
                 made to exhaust memory: open it in Excel, save it again and resend it",
                self.found
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_string_counts_are_checked_against_the_strings() {
        let sst = |declared: &str, n: usize| {
            let mut s = Sst::default();
            let xml = format!(r#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount="{declared}">{}</sst>"#, "<si><t>a&gt;b</t></si>".repeat(n));
            let _ = Tags::default().feed(xml.as_bytes(), |t, _, _| {
                s.tag(t);
                Ok(())
            });
            s.finish().is_ok()
        };
        assert!(sst("3", 3));
        assert!(sst("1002", 1));
        assert!(!sst("1003", 1));
        assert!(!sst("99999999999999999999999", 5));
        assert!(sst("x", 0));
    }

    #[test]
    fn attributes_are_read_exactly() {
        let t = br#"table:table-row table:style-name="ro1" table:number-rows-repeated = '12'/"#;
        assert_eq!(attr(t, b"table:number-rows-repeated"), Some(&b"12"[..]));
        assert_eq!(attr(t, b"number-rows-repeated"), None);
        assert_eq!(name_of(t), (&b"table:table-row"[..], true));
        assert_eq!(name_of(b"/table:table"), (&b"/table:table"[..], false));
        assert_eq!(number(b"12"), Some(12));
        assert_eq!(number(b"-1"), None);
    }
}
