//! A sheet's cells as they are read, within the limits (§9): a cell beyond
//! Excel's grid, one cell too many, a text too long, or too much text in
//! all is an F01 message, made out of line so the per-cell path stays small.

use super::{Cell, Limits, SheetCells, Value, MAX_COLS, MAX_ROWS};

/// A sheet being read: its cells so far, and the bytes of text they hold
/// (a shared string is copied into every cell that uses it, so a small
/// file could otherwise fill memory with copies).
pub(super) struct Filling<'l> {
    pub(super) out: SheetCells,
    text: u64,
    limits: &'l Limits,
}

impl<'l> Filling<'l> {
    /// Room for the cells a sheet declares (its dimension), within reason:
    /// the declaration is only a hint, and may lie.
    pub(super) fn new(name: &str, declared: u64, limits: &'l Limits) -> Filling<'l> {
        let cells = Vec::with_capacity(declared.min(1 << 14) as usize);
        Filling { out: SheetCells { name: name.to_string(), cells }, text: 0, limits }
    }

    /// Keep one cell, within the limits. Inlined into the loops that read
    /// cells (every cell of every file comes through here); what is over a
    /// limit is told out of line.
    #[inline]
    pub(super) fn push(&mut self, row: u32, col: u32, value: Option<Value>) -> Result<(), String> {
        let Some(value) = value else { return Ok(()) };
        if row >= MAX_ROWS || col >= MAX_COLS || self.out.cells.len() as u64 >= self.limits.max_cells_per_sheet {
            return Err(self.over_grid(row, col));
        }
        if let Value::Text(s) = &value {
            // Bytes bound characters from above: count only when it may matter.
            self.text += s.len() as u64;
            if s.len() > self.limits.max_string_chars || self.text > self.limits.max_unzipped_bytes {
                if let Some(e) = self.over_text(row, col, s) {
                    return Err(e);
                }
            }
        }
        self.out.cells.push(Cell { row, col, value });
        Ok(())
    }

    /// A cell beyond Excel's grid, or one cell too many, told as F01.
    #[cold]
    #[inline(never)]
    fn over_grid(&self, row: u32, col: u32) -> String {
        let (out, limits) = (&self.out, self.limits);
        if row >= MAX_ROWS || col >= MAX_COLS {
            format!(
                "sheet {:?} has a cell beyond Excel's last row and column (row {}, column {}); the file is damaged",
                out.name,
                row as u64 + 1,
                col as u64 + 1
            )
        } else {
            format!(
                "sheet {:?} has more than {} filled cells (--max-cells); a return is far smaller: \
                 check for a stray fill or formatting down to the bottom of the sheet",
                out.name, limits.max_cells_per_sheet
            )
        }
    }

    /// The text limit a long text is over, told as F01 (within them: none).
    #[cold]
    #[inline(never)]
    fn over_text(&self, row: u32, col: u32, s: &str) -> Option<String> {
        let (out, limits) = (&self.out, self.limits);
        if s.len() > limits.max_string_chars && s.chars().count() > limits.max_string_chars {
            return Some(format!(
                "sheet {:?} cell {} holds a text of {} characters, over the limit of {} (--max-string); \
                 it starts \"{}\"; no value in a return is that long: check what was pasted there",
                out.name,
                crate::issue::a1(row, col),
                s.chars().count(),
                limits.max_string_chars,
                crate::issue::quote_value(s)
            ));
        }
        if self.text > limits.max_unzipped_bytes {
            return Some(format!(
                "sheet {:?} holds more than {} bytes of text when read, over the limit (--max-unzipped-mb); \
                 a return is far smaller: check for a long text copied down the sheet",
                out.name, limits.max_unzipped_bytes
            ));
        }
        None
    }
}
