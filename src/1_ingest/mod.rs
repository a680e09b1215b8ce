//! Stage 1, ingest: find return files, read each one once, and hand the cells
//! of its `Return`, `Cohort` and `Offences` sheets on as plain values.
//!
//! The only module that uses calamine. Invariants:
//! - the format comes from the first bytes, not the extension (§9);
//! - limits are checked before anything large is allocated: file size, what
//!   a zip declares and what its parts really hold (`scan.rs`, `ods.rs`),
//!   what an .xls sheet spans (`biff.rs`), rows and columns beyond Excel's
//!   grid, cells per sheet, characters per cell and text per sheet
//!   (`filling.rs`); a file's bytes are read within its size (`files.rs`);
//! - sheets are read cell by cell where the format allows (xlsx, xlsb), never
//!   as one rectangle, and cells keep their real 0-based (row, column);
//! - nothing here judges the data: a cell is passed on as found.

mod biff;
mod discover;
mod files;
mod filling;
mod ods;
mod scan;
mod sniff;

pub use discover::{discover, Found, Skipped};
pub use files::{load, sha256_file, sha256_hex, Sha256Writer};
use filling::Filling;

use calamine::{CellErrorType, Data, DataRef, Ods, Reader, Xls, Xlsb, Xlsx};
use std::io::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }
}

/// Limits on what one file may make `pmf` allocate. Over a limit is F01.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_unzipped_bytes: u64,
    pub max_zip_entries: usize,
    pub max_cells_per_sheet: u64,
    /// Characters in one text cell (Excel's own limit is 32,767).
    pub max_string_chars: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 50 << 20,
            max_unzipped_bytes: 500 << 20,
            max_zip_entries: 1000,
            max_cells_per_sheet: 2_000_000,
            max_string_chars: 32_767,
        }
    }
}

/// Excel's grid: 1,048,576 rows by 16,384 columns.
pub const MAX_ROWS: u32 = 1_048_576;
pub const MAX_COLS: u32 = 16_384;

/// A cell's value as found.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text; a short one (up to 24 bytes, as codes, PNC IDs and dates are)
    /// is held inline, so reading a cell allocates nothing.
    Text(compact_str::CompactString),
    Number(f64),
    /// A number in a cell formatted as a date: an Excel serial in the
    /// workbook's date system.
    DateSerial(f64),
    Bool(bool),
    /// An error cell, named as Excel shows it (`#REF!`).
    Error(String),
    /// A formula saved without its calculated value (some tools write these).
    Uncalculated,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub row: u32,
    pub col: u32,
    pub value: Value,
}

/// One sheet's non-empty cells, row-major.
#[derive(Debug, Clone, Default)]
pub struct SheetCells {
    /// The name as it is in the workbook.
    pub name: String,
    pub cells: Vec<Cell>,
}

/// What ingest hands to validation.
#[derive(Debug, Clone)]
pub struct Book {
    pub format: Format,
    pub date1904: bool,
    /// Every sheet name in the workbook, in order.
    pub sheet_names: Vec<String>,
    /// The sheets asked for that exist, by the wanted name's position.
    pub sheets: Vec<Option<SheetCells>>,
}

/// Names match case-insensitively, ignoring surrounding spaces (§1).
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

static BOOKS_READ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many workbooks [`read_book`] has parsed in this process: a run
/// parses each file once (issue 4), and a test holds it to that.
pub fn books_read() -> usize {
    BOOKS_READ.load(std::sync::atomic::Ordering::Relaxed)
}

/// Read the `wanted` sheets of one file already in memory. An `Err` is one
/// F01 message saying what is wrong and what to do.
pub fn read_book(bytes: &[u8], wanted: &[&str], limits: &Limits) -> Result<Book, String> {
    BOOKS_READ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(format!(
            "the file is {} bytes, over the limit of {} (--max-file-mb); a return is normally well under 1 MB",
            bytes.len(),
            limits.max_file_bytes
        ));
    }
    let format = sniff::sniff(bytes, limits)?;
    let cursor = Cursor::new(bytes);
    let opened = |e: &dyn std::fmt::Display| {
        let msg = e.to_string();
        if msg.to_lowercase().contains("password") {
            "the workbook is password-protected; remove the password and send it again".to_string()
        } else {
            format!("the {} file cannot be read ({msg}); open it in Excel, save it again and resend it", format.name())
        }
    };
    match format {
        Format::Xlsx => {
            let mut wb: Xlsx<_> = Xlsx::new(cursor).map_err(|e| opened(&e))?;
            let date1904 = wb.has_1904_epoch();
            let names = wb.sheet_names();
            let sheets = each_wanted(&names, wanted, |name| xlsx_sheet(&mut wb, name, limits, &opened))?;
            Ok(Book { format, date1904, sheet_names: names, sheets })
        }
        Format::Xlsb => {
            let mut wb: Xlsb<_> = Xlsb::new(cursor).map_err(|e| opened(&e))?;
            let date1904 = wb.has_1904_epoch();
            let names = wb.sheet_names();
            let sheets = each_wanted(&names, wanted, |name| {
                let mut rdr = wb.worksheet_cells_reader(name).map_err(|e| opened(&e))?;
                let mut sheet = Filling::new(name, rdr.dimensions().len(), limits);
                while let Some(cell) = rdr.next_cell().map_err(|e| opened(&e))? {
                    let (r, c) = cell.get_position();
                    sheet.push(r, c, from_ref(cell.get_value()))?;
                }
                Ok(sheet.out)
            })?;
            Ok(Book { format, date1904, sheet_names: names, sheets })
        }
        Format::Xls => {
            let mut wb: Xls<_> = Xls::new(cursor).map_err(|e| opened(&e))?;
            let date1904 = wb.has_1904_epoch();
            read_ranges(&mut wb, format, date1904, wanted, limits, &opened)
        }
        Format::Ods => {
            let mut wb: Ods<_> = Ods::new(cursor).map_err(|e| opened(&e))?;
            read_ranges(&mut wb, format, false, wanted, limits, &opened)
        }
    }
}

/// One xlsx sheet's cells, streamed with calamine's fast cell reader.
fn xlsx_sheet(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
    opened: &dyn Fn(&dyn std::fmt::Display) -> String,
) -> Result<SheetCells, String> {
    let mut rdr = wb.worksheet_cells_reader(name).map_err(|e| opened(&e))?;
    let mut sheet = Filling::new(name, rdr.dimensions().len(), limits);
    let mut valueless = false;
    while let Some(cell) = rdr.next_cell().map_err(|e| opened(&e))? {
        let (r, c) = cell.get_position();
        let value = from_ref(cell.get_value());
        valueless |= value.is_none();
        sheet.push(r, c, value)?;
    }
    drop(rdr);
    if !valueless {
        return Ok(sheet.out);
    }
    // A cell element with no value is almost always a formula saved
    // without its result (§1.5): the sheet's formulas are read to tell.
    // (Empty styled cells are `<c/>` and never seen.) calamine's formula
    // reader is used, not its reader of values with formulas, which would
    // be a second caller of its value decoding and leave it out of line in
    // the fast reader above: every file read about a tenth slower (issue 4).
    let cells = &mut sheet.out.cells;
    if !cells.is_sorted_by_key(|c| (c.row, c.col)) {
        cells.sort_by_key(|c| (c.row, c.col));
    }
    let mut rdr = wb.worksheet_cells_reader(name).map_err(|e| opened(&e))?;
    let mut uncalculated = Vec::new();
    while let Some(f) = rdr.next_formula().map_err(|e| opened(&e))? {
        let at = f.get_position();
        if !f.get_value().is_empty() && cells.binary_search_by_key(&at, |c| (c.row, c.col)).is_err() {
            uncalculated.push(at);
            if (cells.len() + uncalculated.len()) as u64 > limits.max_cells_per_sheet {
                break; // the pushes below stop at the limit, with its F01
            }
        }
    }
    for (r, c) in uncalculated {
        sheet.push(r, c, Some(Value::Uncalculated))?;
    }
    Ok(sheet.out)
}

/// Read each wanted sheet that exists (names matched as §1 says), in the
/// order wanted; a missing one is `None`. Cells come out row-major.
fn each_wanted(
    names: &[String],
    wanted: &[&str],
    mut read: impl FnMut(&str) -> Result<SheetCells, String>,
) -> Result<Vec<Option<SheetCells>>, String> {
    wanted
        .iter()
        .map(|want| match names.iter().find(|n| same_name(n, want)) {
            Some(name) => read(name).map(|mut sheet| {
                if !sheet.cells.is_sorted_by_key(|c| (c.row, c.col)) {
                    sheet.cells.sort_by_key(|c| (c.row, c.col));
                }
                Some(sheet)
            }),
            None => Ok(None),
        })
        .collect()
}

/// Formats calamine parses whole at open (xls, ods): walk the used cells.
fn read_ranges<'a, R: Reader<Cursor<&'a [u8]>>>(
    wb: &mut R,
    format: Format,
    date1904: bool,
    wanted: &[&str],
    limits: &Limits,
    opened: &dyn Fn(&dyn std::fmt::Display) -> String,
) -> Result<Book, String>
where
    R::Error: std::fmt::Display,
{
    let names = wb.sheet_names();
    let sheets = each_wanted(&names, wanted, |name| {
        let range = wb.worksheet_range(name).map_err(|e| opened(&e))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        // Only a hint: the used cells are fewer than the range spans.
        let mut sheet = Filling::new(name, 0, limits);
        for (r, c, v) in range.used_cells() {
            sheet.push(r0 + r as u32, c0 + c as u32, from_data(v))?;
        }
        Ok(sheet.out)
    })?;
    Ok(Book { format, date1904, sheet_names: names, sheets })
}

fn error_name(e: &CellErrorType) -> Value {
    Value::Error(e.to_string())
}

/// An ODS date value (`2008-03-05` or `2008-03-05T10:00:00`) as the Excel
/// serial of that day, so every format hands on dates alike.
fn iso_date(s: &str) -> Value {
    let day = s.get(..10).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let Some(day) = day else { return Value::Text(s.into()) };
    // Excel's serials count 29 February 1900, which never was.
    let leap_bug = chrono::NaiveDate::from_ymd_opt(1900, 3, 1).unwrap_or_default();
    let epoch = if day < leap_bug { (1899, 12, 31) } else { (1899, 12, 30) };
    let epoch = chrono::NaiveDate::from_ymd_opt(epoch.0, epoch.1, epoch.2).unwrap_or_default();
    Value::DateSerial((day - epoch).num_days() as f64)
}

#[inline]
fn from_ref(v: &DataRef<'_>) -> Option<Value> {
    Some(match v {
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::String(s) => Value::Text(s.as_str().into()),
        DataRef::SharedString(s) => Value::Text((*s).into()),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(d) if d.is_datetime() => Value::DateSerial(d.as_f64()),
        DataRef::DateTime(d) => Value::Number(d.as_f64()),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => Value::Text(s.as_str().into()),
        DataRef::Error(e) => error_name(e),
        DataRef::Empty => return None,
    })
}

fn from_data(v: &Data) -> Option<Value> {
    Some(match v {
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) => Value::Text(s.as_str().into()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) if d.is_datetime() => Value::DateSerial(d.as_f64()),
        Data::DateTime(d) => Value::Number(d.as_f64()),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => Value::Text(s.as_str().into()),
        Data::Error(e) => error_name(e),
        Data::Empty => return None,
    })
}
