//! ods `content.xml`, laid out as calamine 0.38 lays it out at open (every
//! sheet, wanted or not), from the tags [`super::scan`] streams through.
//! Invariants: each table's cells (filled cells and the gaps before them
//! repeated by `number-columns-repeated` and `number-rows-repeated`,
//! trailing empty ones not) fit `--max-cells`, all tables 4 times that; the
//! text they hold once repeats copy it fits `--max-unzipped-mb`; one cell's
//! text fits `--max-string`. LibreOffice's normal trailing empty repeats
//! (1,048,569 rows, 16,384 columns) cost nothing and pass.

use super::scan::{attr, name_of, number, MAX_TAG};
use super::Limits;

/// Excel's grid, which calamine's ODS reader caps repeats at.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLS: u64 = 16_384;

/// ods content.xml: each table's cells as calamine would lay them out.
pub(super) struct Ods {
    limits: Limits,
    max_cells: u64,
    table: Option<String>,
    tables_total: u64,
    /// Bytes of text all tables hold once laid out (a string is copied into
    /// every repeat of its cell).
    text_total: u64,
    /// The cell whose content is being skipped: its repeats, its text bytes,
    /// and whether calamine reads that text (a string with no
    /// `office:string-value`, or an error).
    cell: (u64, u64, bool),
    row_text: u64,
    /// Inside a cell's content, which calamine skips whole: the cell's
    /// element name and how deep in nested cells of that name.
    skip: Option<(Vec<u8>, usize)>,
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
    pub(super) fn new(limits: Limits) -> Ods {
        Ods {
            limits,
            max_cells: limits.max_cells_per_sheet,
            table: None,
            tables_total: 0,
            text_total: 0,
            cell: (0, 0, false),
            row_text: 0,
            skip: None,
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

    /// One tag, followed as calamine's reader follows it: a table from its
    /// start to the first `</table:table>` (a nested start is ignored), rows
    /// and cells inside it, and a cell's content skipped.
    pub(super) fn tag(&mut self, tag: &[u8], text: u64, len: u64) -> Result<(), String> {
        let (name, closed) = name_of(tag);
        if let Some((cell, depth)) = &mut self.skip {
            // The cell's text as calamine builds it: text, a space per
            // `text:s` count, a line break per paragraph.
            let extra = match name {
                b"text:s" => attr(tag, b"text:c").map_or(Some(1), number).unwrap_or(0),
                b"text:p" | b"text:tab" | b"text:line-break" => 1,
                _ => 0,
            };
            if self.cell.2 {
                self.cell.1 = self.cell.1.saturating_add(text).saturating_add(extra);
            }
            if name == cell.as_slice() && !closed {
                *depth += 1;
            } else if name.first() == Some(&b'/') && &name[1..] == cell.as_slice() {
                *depth -= 1;
                if *depth == 0 {
                    self.skip = None;
                    self.add_text(self.cell.1, self.cell.0)?;
                }
            }
            return Ok(());
        }
        match name {
            b"table:table" if self.table.is_none() => {
                let title = attr(tag, b"table:name").map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
                *self = Ods { table: Some(title), tables_total: self.tables_total, text_total: self.text_total, ..Ods::new(self.limits) };
                if closed {
                    self.end_table()?;
                }
            }
            b"/table:table" if self.table.is_some() => self.end_table()?,
            _ if self.table.is_none() => {}
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
                let held: u64 = [&b"office:string-value"[..], b"office:date-value", b"office:time-value", b"table:formula"]
                    .iter()
                    .filter_map(|k| attr(tag, k))
                    .map(|v| v.len() as u64)
                    .sum();
                // A tag cut short may hide a long value: count all of it.
                let held = if tag.len() >= MAX_TAG { held.max(len) } else { held };
                self.add_text(held, n)?;
                if !closed {
                    self.skip = Some((name.to_vec(), 1));
                    let string = attr(tag, b"office:value-type") == Some(b"string") && attr(tag, b"office:string-value").is_none();
                    let error = attr(tag, b"calcext:value-type") == Some(b"error");
                    self.cell = (n, 0, string || error);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A cell's text (bytes) held `repeats` times in its row.
    fn add_text(&mut self, bytes: u64, repeats: u64) -> Result<(), String> {
        // Characters are at most bytes, at least a quarter of them.
        if bytes / 4 > self.limits.max_string_chars as u64 {
            return Err(format!(
                "a cell holds a text of more than {} characters, over the limit (--max-string); \
                 no value in a return is that long",
                self.limits.max_string_chars
            ));
        }
        self.row_text = self.row_text.saturating_add(bytes.saturating_mul(repeats));
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
        // One copy read, then one per repeat laid out.
        self.text_total = self.text_total.saturating_add(self.row_text.saturating_mul(self.row_repeats.saturating_add(1)));
        self.row_text = 0;
        self.rows += self.row_repeats;
        self.row_repeats = 0;
    }

    fn end_table(&mut self) -> Result<(), String> {
        let Some(title) = self.table.take() else { return Ok(()) };
        if self.text_total > self.limits.max_unzipped_bytes {
            return Err(format!(
                "sheet {:?} (with the sheets before it) would hold more than {} bytes of text when read, as repeated \
                 cells copy their text: over the limit (--max-unzipped-mb); a return is far smaller",
                crate::issue::quote_value(&title),
                self.limits.max_unzipped_bytes
            ));
        }
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

    pub(super) fn finish(&mut self) -> Result<(), String> {
        self.end_table()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::scan::Tags;

    fn ods(xml: &str, max_cells: u64) -> Result<(), String> {
        let mut o = Ods::new(Limits { max_cells_per_sheet: max_cells, max_unzipped_bytes: 1 << 20, ..Limits::default() });
        let mut t = Tags::default();
        // Fed in small pieces, as a stream arrives.
        for chunk in xml.as_bytes().chunks(7) {
            t.feed(chunk, |tag, text, len| o.tag(tag, text, len))?;
        }
        o.finish()
    }

    #[test]
    fn ods_repeats_are_counted_as_calamine_expands_them() {
        let row = |rep: u64, cells: &str| format!(r#"<table:table-row table:number-rows-repeated="{rep}">{cells}</table:table-row>"#);
        let filled = |rep: u64| format!(r#"<table:table-cell table:number-columns-repeated="{rep}" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#);
        let empty = |rep: u64| format!(r#"<table:table-cell table:number-columns-repeated="{rep}"/>"#);
        let table = |rows: String| format!(r#"<table:table table:name="S">{rows}</table:table>"#);
        let text = |rep: u64, len: usize| format!(r#"<table:table-cell table:number-columns-repeated="{rep}" office:value-type="string"><text:p>{}</text:p></table:table-cell>"#, "x".repeat(len));
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
            // Text copied into every repeat: 1,000 × 2,000 bytes is over the 1 MB given.
            (table(row(1, &text(1000, 2000))), 1_000_000, false),
            (table(row(1, &text(100, 2000))), 1_000_000, true),
            // A cell's content is skipped whole, rows and table ends in it too.
            (table(row(1, &format!("<table:table-cell office:value-type=\"string\"><text:p>a</text:p></table:table></table:table-cell>{}", filled(1)))), 2, true),
            // A value longer than a kept tag is counted whole.
            (table(row(1, &format!(r#"<table:table-cell office:value-type="string" office:string-value="{}"/>"#, "v".repeat(200_000)))), 1_000_000, false),
            // text:s repeats a space: a count past --max-string is rejected.
            (table(row(1, r#"<table:table-cell office:value-type="string"><text:p><text:s text:c="999999999"/></text:p></table:table-cell>"#)), 1_000_000, false),
        ];
        for (xml, max, ok) in cases {
            assert_eq!(ods(xml, *max).is_ok(), *ok, "{max} {xml:.200}");
        }
    }

}
