//! What a zipped workbook's parts really hold, found by inflating each part
//! as a stream (a small buffer, whatever the part's size) before calamine
//! opens the file. Invariants:
//! - the parts together inflate to at most `max_unzipped_bytes`, whatever
//!   the zip's directory declares (a zip bomb's directory may lie);
//! - xlsx: the shared-strings table declares (`uniqueCount`) no more strings
//!   than it holds, as calamine reserves room for the declared count at open;
//! - ods: every table of `content.xml`, expanded as calamine expands it at
//!   open (filled cells and the gaps before them repeated by
//!   `number-columns-repeated` and `number-rows-repeated`, trailing empty
//!   ones not), fits the cells limit; LibreOffice's normal trailing empty
//!   repeats (1,048,569 rows, 16,384 columns) cost nothing and pass.
//!
//! A part that cannot be inflated is left to calamine to report.

use super::{Format, Limits};
use std::io::{Cursor, Read};

/// Excel's grid, which calamine's ODS reader caps repeats at.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLS: u64 = 16_384;
/// The longest tag kept whole; longer ones are cut (their attributes are
/// read from the kept start).
const MAX_TAG: usize = 64 << 10;

pub fn scan_parts(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, format: Format, limits: &Limits) -> Result<(), String> {
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let name = zip.name_for_index(i).and_then(|n| n.ok()).unwrap_or_default().to_ascii_lowercase();
        let mut sink = match format {
            Format::Xlsx if name.ends_with("sharedstrings.xml") => Sink::Sst(Sst::default()),
            Format::Ods if name == "content.xml" => Sink::Ods(Ods::new(limits.max_cells_per_sheet)),
            _ => Sink::Count,
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
            if !matches!(sink, Sink::Count) {
                tags.feed(&buf[..n], |tag| sink.tag(tag))?;
            }
        }
        sink.finish()?;
    }
    Ok(())
}

enum Sink {
    Count,
    Sst(Sst),
    Ods(Ods),
}

impl Sink {
    fn tag(&mut self, tag: &[u8]) -> Result<(), String> {
        match self {
            Sink::Count => Ok(()),
            Sink::Sst(s) => {
                s.tag(tag);
                Ok(())
            }
            Sink::Ods(o) => o.tag(tag),
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        match self {
            Sink::Sst(s) => s.finish(),
            Sink::Ods(o) => o.finish(),
            Sink::Count => Ok(()),
        }
    }
}

/// Splits a byte stream into tags (the text between `<` and `>`, quotes
/// respected), skipping text. Comments and declarations end at their first
/// `>`, so no more is ever skipped than an XML parser would skip.
#[derive(Default)]
struct Tags {
    inside: bool,
    quote: Option<u8>,
    tag: Vec<u8>,
}

impl Tags {
    fn feed(&mut self, mut bytes: &[u8], mut on: impl FnMut(&[u8]) -> Result<(), String>) -> Result<(), String> {
        while !bytes.is_empty() {
            if !self.inside {
                match bytes.iter().position(|&b| b == b'<') {
                    Some(p) => {
                        self.inside = true;
                        self.quote = None;
                        self.tag.clear();
                        bytes = &bytes[p + 1..];
                    }
                    None => return Ok(()),
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
                if self.tag.len() < MAX_TAG {
                    self.tag.push(b);
                }
            }
            match end {
                Some(i) => {
                    self.inside = false;
                    on(&self.tag)?;
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
fn name_of(tag: &[u8]) -> (&[u8], bool) {
    let end = tag.iter().position(|b| b.is_ascii_whitespace() || *b == b'/' && tag.first() != Some(&b'/')).unwrap_or(tag.len());
    (&tag[..end], tag.last() == Some(&b'/'))
}

fn local(name: &[u8]) -> &[u8] {
    name.iter().rposition(|&b| b == b':').map_or(name, |p| &name[p + 1..])
}

/// The value of attribute `key` in a tag, if there.
fn attr<'t>(tag: &'t [u8], key: &[u8]) -> Option<&'t [u8]> {
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
fn number(v: &[u8]) -> Option<u64> {
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
            b"sst" if self.declared.is_none() => self.declared = attr(tag, b"uniqueCount").and_then(number),
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

/// ods content.xml: each table's cells as calamine would lay them out.
struct Ods {
    max_cells: u64,
    table: Option<String>,
    tables_total: u64,
    // the current table
    rows: u64,
    stored: u64,
    first_row: Option<u64>,
    last_row_end: u64,
    col_min: u64,
    col_max_end: u64,
    // the current row
    row_repeats: u64,
    pos: u64,
    first_filled: Option<u64>,
    filled_end: u64,
}

impl Ods {
    fn new(max_cells: u64) -> Ods {
        Ods {
            max_cells,
            table: None,
            tables_total: 0,
            rows: 0,
            stored: 0,
            first_row: None,
            last_row_end: 0,
            col_min: u64::MAX,
            col_max_end: 0,
            row_repeats: 0,
            pos: 0,
            first_filled: None,
            filled_end: 0,
        }
    }

    fn tag(&mut self, tag: &[u8]) -> Result<(), String> {
        let (name, closed) = name_of(tag);
        match name {
            b"table:table" => {
                let title = attr(tag, b"table:name").map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
                *self = Ods { table: Some(title), tables_total: self.tables_total, ..Ods::new(self.max_cells) };
                if closed {
                    self.end_table()?;
                }
            }
            b"/table:table" => self.end_table()?,
            b"table:table-row" => {
                let asked = attr(tag, b"table:number-rows-repeated").and_then(number).unwrap_or(1);
                self.row_repeats = asked.min(ODS_MAX_ROWS.saturating_sub(self.rows));
                self.pos = 0;
                self.first_filled = None;
                self.filled_end = 0;
                if closed {
                    self.end_row();
                }
            }
            b"/table:table-row" => self.end_row(),
            b"table:table-cell" | b"table:covered-table-cell" => {
                let asked = attr(tag, b"table:number-columns-repeated").and_then(number).unwrap_or(1);
                let n = asked.min(ODS_MAX_COLS.saturating_sub(self.pos));
                let filled = [&b"office:value-type"[..], b"table:formula", b"office:value", b"office:string-value", b"office:date-value", b"office:time-value", b"office:boolean-value"]
                    .iter()
                    .any(|k| attr(tag, k).is_some());
                if filled && n > 0 {
                    self.first_filled.get_or_insert(self.pos);
                    self.filled_end = self.pos + n;
                }
                self.pos += n;
            }
            _ => {}
        }
        Ok(())
    }

    fn end_row(&mut self) {
        if let Some(first) = self.first_filled {
            // calamine keeps one copy of the row up to its last filled cell…
            self.stored = self.stored.saturating_add(self.filled_end);
            // …and lays every repeat out in the sheet's rectangle.
            self.first_row.get_or_insert(self.rows);
            self.last_row_end = self.rows + self.row_repeats;
            self.col_min = self.col_min.min(first);
            self.col_max_end = self.col_max_end.max(self.filled_end);
        }
        self.rows += self.row_repeats;
        self.row_repeats = 0;
    }

    fn end_table(&mut self) -> Result<(), String> {
        let Some(title) = self.table.take() else { return Ok(()) };
        let area = match self.first_row {
            Some(first) => (self.last_row_end - first).saturating_mul(self.col_max_end.saturating_sub(self.col_min)),
            None => 0,
        };
        let cells = area.max(self.stored);
        if cells > self.max_cells {
            return Err(format!(
                "sheet {:?} expands to {cells} cells ({} rows by {} columns, counting repeated cells), over the limit of {} \
                 (--max-cells); a return is far smaller: check for a value or formula filled down or across the whole sheet",
                crate::issue::quote_value(&title),
                self.first_row.map_or(0, |f| self.last_row_end - f),
                self.col_max_end.saturating_sub(self.col_min),
                self.max_cells
            ));
        }
        self.tables_total = self.tables_total.saturating_add(cells);
        if self.tables_total > self.max_cells.saturating_mul(4) {
            return Err(format!(
                "the sheets together expand to more than {} cells (4 × --max-cells); a return is far smaller",
                self.max_cells.saturating_mul(4)
            ));
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), String> {
        self.end_table()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ods(xml: &str, max_cells: u64) -> Result<(), String> {
        let mut o = Ods::new(max_cells);
        let mut t = Tags::default();
        // Fed in small pieces, as a stream arrives.
        for chunk in xml.as_bytes().chunks(7) {
            t.feed(chunk, |tag| o.tag(tag))?;
        }
        o.finish()
    }

    #[test]
    fn ods_repeats_are_counted_as_calamine_expands_them() {
        let row = |rep: u64, cells: &str| format!(r#"<table:table-row table:number-rows-repeated="{rep}">{cells}</table:table-row>"#);
        let filled = |rep: u64| format!(r#"<table:table-cell table:number-columns-repeated="{rep}" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#);
        let empty = |rep: u64| format!(r#"<table:table-cell table:number-columns-repeated="{rep}"/>"#);
        let table = |rows: String| format!(r#"<table:table table:name="S">{rows}</table:table>"#);
        // LibreOffice's normal file: a few filled rows, then the empty rest.
        let normal = table(format!("{}{}", row(3, &(filled(5) + &empty(16379))), row(1048569, &empty(16384))));
        assert_eq!(ods(&normal, 100), Ok(()));
        let cases: &[(String, u64, bool)] = &[
            (table(row(1000, &filled(1000))), 999_999, false),
            (table(row(1000, &filled(1000))), 1_000_000, true),
            // A gap before a filled cell is laid out too.
            (table(row(1, &(empty(10_000) + &filled(1)))), 5_000, false),
            // Filled columns are capped at the grid's 16,384.
            (table(row(1, &filled(u64::MAX))), 16_384, true),
            // Rows are capped at 1,048,576.
            (table(row(u64::MAX, &filled(1))), 1_048_576, true),
            (table(row(1, &filled(1)) + &row(5_000_000, &empty(3)) + &row(1, &filled(1))), 1_000_000, false),
            (table(row(1, &filled(1)) + &row(5_000_000, &empty(3)) + &row(1, &filled(1))), 1_048_576, true),
        ];
        for (xml, max, ok) in cases {
            assert_eq!(ods(xml, *max).is_ok(), *ok, "{max} {xml:.200}");
        }
    }

    #[test]
    fn shared_string_counts_are_checked_against_the_strings() {
        let sst = |declared: &str, n: usize| {
            let mut s = Sst::default();
            let xml = format!(r#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount="{declared}">{}</sst>"#, "<si><t>a&gt;b</t></si>".repeat(n));
            let _ = Tags::default().feed(xml.as_bytes(), |t| {
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
