//! Findings: every problem found in a return is an [`Issue`] value, never an
//! early return or a print. The rule table of spec §3 lives here: a rule's id
//! and severity are fixed by the rule, not chosen at the call site.

use compact_str::CompactString;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// As issues.csv writes it.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The rules of spec §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    F01, F02, F03, F04,
    R01, R02, R03, R04, R05,
    C01, C02, C03, C04, C05, C06, C07,
    D01, D02, D03,
    Q01, Q02, Q03,
    X01, X02, X03, X04, X05,
}

impl Rule {
    /// Every rule, in the order declared (`rule as u8` is its place here).
    pub const ALL: [Rule; 27] = {
        use Rule::*;
        [F01, F02, F03, F04, R01, R02, R03, R04, R05, C01, C02, C03, C04, C05, C06, C07, D01, D02, D03, Q01, Q02, Q03, X01, X02, X03, X04, X05]
    };

    pub fn id(self) -> &'static str {
        use Rule::*;
        match self {
            F01 => "F01", F02 => "F02", F03 => "F03", F04 => "F04",
            R01 => "R01", R02 => "R02", R03 => "R03", R04 => "R04", R05 => "R05",
            C01 => "C01", C02 => "C02", C03 => "C03", C04 => "C04", C05 => "C05", C06 => "C06", C07 => "C07",
            D01 => "D01", D02 => "D02", D03 => "D03",
            Q01 => "Q01", Q02 => "Q02", Q03 => "Q03",
            X01 => "X01", X02 => "X02", X03 => "X03", X04 => "X04", X05 => "X05",
        }
    }

    pub fn severity(self) -> Severity {
        use Rule::*;
        match self {
            F04 | R05 | Q01 | Q02 | Q03 | X01 | X03 | X04 | X05 => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A file, metadata or header error rejects the whole return (§3).
    pub fn rejects_return(self) -> bool {
        use Rule::*;
        matches!(self, F01 | F02 | F03 | R01 | R02 | R03 | R04 | X02)
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One finding, with the columns of `issues.csv` (§6). A national run
/// keeps tens of thousands: the short fields (sheet, cell, column, value)
/// are held inline up to 24 bytes, without an allocation each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub rule: Rule,
    pub severity: Severity,
    /// The file as given on the command line or found under a folder.
    pub file: String,
    pub sheet: CompactString,
    /// A1 reference, empty for a file- or sheet-level issue.
    pub cell: CompactString,
    /// The sheet's 1-based row number, if the issue is about a row.
    pub row: Option<u32>,
    /// The column header (or the Return sheet label).
    pub column: CompactString,
    /// The value as found, escaped and shortened.
    pub value: CompactString,
    pub message: String,
}

impl Issue {
    pub fn new(rule: Rule, file: &str, message: impl Into<String>) -> Issue {
        Issue {
            rule,
            severity: rule.severity(),
            file: file.to_string(),
            sheet: CompactString::default(),
            cell: CompactString::default(),
            row: None,
            column: CompactString::default(),
            value: CompactString::default(),
            message: message.into(),
        }
    }

    pub fn sheet(mut self, sheet: &str) -> Issue {
        self.sheet = sheet.into();
        self
    }

    /// Place the issue at a cell: 0-based row and column as read.
    pub fn at(mut self, row0: u32, col0: u32) -> Issue {
        self.cell = a1(row0, col0).into();
        self.row = Some(row0 + 1);
        self
    }

    pub fn row(mut self, row0: u32) -> Issue {
        self.row = Some(row0 + 1);
        self
    }

    pub fn column(mut self, header: &str) -> Issue {
        self.column = header.into();
        self
    }

    pub fn value(mut self, value: &str) -> Issue {
        self.value = quote_value(value).into();
        self
    }

    /// Sort key of `issues.csv`: file, sheet, row, then column order of cell.
    pub fn sort_key(&self) -> (String, CompactString, u32, u32, Rule, CompactString) {
        let col = self.cell.bytes().take_while(u8::is_ascii_alphabetic).fold(0u32, |a, b| {
            a * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
        });
        (self.file.clone(), self.sheet.clone(), self.row.unwrap_or(0), col, self.rule, self.value.clone())
    }
}

/// Column letters for a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA.
pub fn col_letters(col0: u32) -> String {
    let mut n = col0 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A1 reference for 0-based row and column.
pub fn a1(row0: u32, col0: u32) -> String {
    format!("{}{}", col_letters(col0), row0 + 1)
}

/// The longest value quoted back in an issue, in characters.
pub const MAX_QUOTED_CHARS: usize = 100;

/// Escape control characters and shorten, so a quoted value is safe to print
/// and to put in a CSV or a workbook (§9).
pub fn quote_value(value: &str) -> String {
    let mut out = String::new();
    for (n, ch) in value.chars().enumerate() {
        if n == MAX_QUOTED_CHARS {
            out.push('…');
            break;
        }
        if ch.is_control() {
            out.extend(ch.escape_default());
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(13, 2), "C14");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1048575, 16383), "XFD1048576");
    }

    #[test]
    fn quoted_values_are_escaped_and_short() {
        assert_eq!(quote_value("a\tb\n"), "a\\tb\\n");
        assert_eq!(quote_value(&"x".repeat(500)).chars().count(), MAX_QUOTED_CHARS + 1);
    }

    #[test]
    fn severities_follow_the_rule_table() {
        assert_eq!(Rule::F04.severity(), Severity::Warning);
        assert_eq!(Rule::X02.severity(), Severity::Error);
        assert_eq!(Rule::Q03.severity(), Severity::Warning);
        assert_eq!(Rule::D03.severity(), Severity::Error);
    }
}
