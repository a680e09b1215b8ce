//! Stage 2, validate: turn one file's cells into accepted rows and issues,
//! then check returns against each other (§3, §4.1).
//!
//! Invariants:
//! - validation never fails: every problem is an [`Issue`] value, collected;
//!   nothing here returns early on bad data, prints, or reads the clock;
//! - nothing is lost: for every return, rows read = accepted + excluded, and
//!   every excluded row carries at least one error issue (or the return has
//!   a rejecting issue);
//! - a rejected return still has its rows checked, and all count as excluded.

mod accepted;
mod cells;
mod cross;
mod issuelog;
mod keep;
mod meta;
mod pnc;
mod rows;
mod rules;
mod sheet;
mod spill;
mod tape;

pub use accepted::{Offence, Person, Span};
pub use cells::{parse_text_date, read_code, read_date, read_text, read_whole, serial_date, shown, Bad};
pub use cross::{Combined, Ledger, LedgerEntry};
pub use keep::{check_each, Keep};
pub use pnc::{check_letter, parse_pnc, Pnc};
pub use issuelog::{read_back, Filed};
pub use spill::Spill;
pub use tape::{Shelf, Slot};

use crate::calendar::Month;
use issuelog::in_report_order;
use crate::ingest::{self, Found, Limits, SheetCells};
use crate::issue::{Issue, Rule, Severity};
use crate::register::Register;
use crate::schema::Schema;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

/// How to validate: the knobs of the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--strict`: any error rejects the whole return.
    pub strict: bool,
    pub limits: Limits,
    /// Keep each return's cells (for feedback workbooks).
    pub keep_sheets: bool,
    /// Whether each file's SHA-256 is computed (the report's manifest
    /// states it; `pmf validate` has no use for it).
    pub fingerprint: Fingerprint,
    /// What each return keeps of its accepted Cohort rows.
    pub people: Keep,
}

/// Whether [`Checked::sha256`] is filled in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fingerprint {
    #[default]
    Sha256,
    /// Left empty: a run that shows no hashes skips hashing every file.
    Skip,
}

/// What became of a return (§6 manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accepted,
    AcceptedWithExcludedRows,
    Rejected,
    Superseded,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::AcceptedWithExcludedRows => "accepted with excluded rows",
            Verdict::Rejected => "rejected",
            Verdict::Superseded => "superseded",
        }
    }

    pub fn usable(self) -> bool {
        matches!(self, Verdict::Accepted | Verdict::AcceptedWithExcludedRows)
    }
}

/// The `Return` sheet, as read.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// The register's code for the scheme, when the code is in the register.
    pub scheme: Option<String>,
    pub scheme_name: Option<String>,
    pub period: Option<Month>,
    pub submitted_on: Option<NaiveDate>,
    pub template_version: Option<String>,
    pub prepared_by: Option<String>,
}

/// Row counts of one sheet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub read: u32,
    pub accepted: u32,
    pub excluded: u32,
}

/// Everything known about one file after validation.
#[derive(Debug, Clone)]
pub struct Checked {
    pub file: String,
    pub sha256: String,
    pub format: Option<&'static str>,
    pub meta: Meta,
    /// The accepted Cohort rows' spans, in row order; empty when they are
    /// set aside in `shelved_spans` (read them with [`Checked::all_spans`];
    /// only `pmf validate` sets them aside, and it computes no measures).
    pub spans: Vec<Span>,
    /// Under [`Keep::Spans`], the spans set aside.
    pub shelved_spans: Option<Slot>,
    /// The same rows whole, when [`Options::people`] keeps them; else empty.
    pub people: Vec<Person>,
    /// The 0-based sheet columns of the PPO ID on Cohort (X04's cells) and
    /// of the Offence ref on Offences (X05's); `u32::MAX` when unknown.
    pub id_col: u32,
    pub ref_col: u32,
    /// The accepted offences, while the whole rows are kept (see
    /// [`Checked::whole`]); every return's are also set aside in `stored`.
    pub offences: Vec<Offence>,
    /// Accepted offences that are not adoption history (M8, and the trend
    /// of offences recorded, for months whose offences are not kept).
    pub recorded: u32,
    /// Where the accepted offences were set aside for the checks across
    /// returns and the ledger; `None` for a return checked on its own
    /// (`check_file`), whose offences are all in `offences`.
    pub stored: Option<Stored>,
    /// The well-formed PPO IDs of the Cohort rows that were excluded,
    /// sorted: with the spans', every PPO ID the sheet lists (X03).
    pub excluded_ids: Vec<Pnc>,
    pub cohort: Counts,
    pub offence_rows: Counts,
    pub verdict: Verdict,
    /// Issues not yet set aside on the run's [`Shelf`]: a return's own
    /// while it is checked, and any the checks across returns add to a
    /// return checked on its own. Read them all with [`Checked::issues`].
    pub unfiled: Vec<Issue>,
    /// The return's issues set aside, in report order (see [`finish`]).
    pub filed: Option<Filed>,
    /// The Return, Cohort and Offences cells, when `Options::keep_sheets`.
    pub sheets: Vec<SheetCells>,
    /// The workbook uses the 1904 date system.
    pub date1904: bool,
}

impl Checked {
    pub fn rows(&self) -> Counts {
        Counts {
            read: self.cohort.read + self.offence_rows.read,
            accepted: self.cohort.accepted + self.offence_rows.accepted,
            excluded: self.cohort.excluded + self.offence_rows.excluded,
        }
    }

    /// Are the accepted Cohort rows, and with them the accepted offences,
    /// kept whole ([`Keep`])?
    pub fn whole(&self) -> bool {
        self.people.len() == self.cohort.accepted as usize
    }

    /// The spans, from memory or read back. An error only when the system
    /// lost the run's temporary file.
    pub fn all_spans(&self) -> Result<std::borrow::Cow<'_, [Span]>, String> {
        match &self.shelved_spans {
            None => Ok(std::borrow::Cow::Borrowed(&self.spans)),
            Some(slot) => accepted::spans_from(&slot.bytes()?)
                .map(std::borrow::Cow::Owned)
                .ok_or_else(|| "pmf's temporary file of spans is damaged; run again".to_string()),
        }
    }

    pub fn has_error(&self) -> bool {
        self.issue_count(Severity::Error) > 0
    }

    /// Mark the return rejected: every row is excluded.
    fn reject(&mut self) {
        self.verdict = Verdict::Rejected;
        for c in [&mut self.cohort, &mut self.offence_rows] {
            c.accepted = 0;
            c.excluded = c.read;
        }
        self.people.clear();
        self.spans.clear();
        self.shelved_spans = None;
        self.excluded_ids.clear();
        self.offences.clear();
        self.recorded = 0;
    }
}

/// A return's offences in a run's [`Spill`]: the spill, and the return's
/// place in the files read.
#[derive(Debug, Clone)]
pub struct Stored {
    spill: Arc<Spill>,
    seq: u32,
}

/// Validate every file, in parallel, then across returns. The order of the
/// result is the order of `files`. An error only when what was set aside
/// on disk cannot be read back ([`Spill`], [`Shelf`]).
pub fn validate_all(
    files: &[Found],
    schema: &Schema,
    register: &Register,
    opts: &Options,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Checked>, String> {
    let mut checked = check_each(files, schema, register, opts, progress);
    finish_checks(&mut checked, schema, register, Ledger::Skip)?;
    Ok(checked)
}

/// `check_file`, with a panic in a reader (a bug, but possibly in a
/// dependency, on a hostile file) turned into an F01 for that file alone, so
/// one bad return cannot stop a whole run.
pub(super) fn check_file_guarded(found: &Found, schema: &Schema, register: &Register, opts: &Options) -> Checked {
    let run = std::panic::AssertUnwindSafe(|| check_file(found, schema, register, opts));
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        let mut c = empty(found);
        c.unfiled.push(Issue::new(
            Rule::F01,
            &c.file,
            "the file could not be read: pmf failed on it (an internal error; please send the file to the pmf maintainers). Open it in Excel, save it again as .xlsx and resend it",
        ));
        c.reject();
        c
    })
}

fn empty(found: &Found) -> Checked {
    Checked {
        file: found.display.clone(),
        sha256: String::new(),
        format: None,
        meta: Meta::default(),
        people: Vec::new(),
        id_col: u32::MAX,
        ref_col: u32::MAX,
        spans: Vec::new(),
        shelved_spans: None,
        offences: Vec::new(),
        recorded: 0,
        stored: None,
        excluded_ids: Vec::new(),
        cohort: Counts::default(),
        offence_rows: Counts::default(),
        verdict: Verdict::Accepted,
        unfiled: Vec::new(),
        filed: None,
        sheets: Vec::new(),
        date1904: false,
    }
}

/// The checks across returns (X01–X05), then issues in their report order:
/// file, sheet in workbook order (file-level first), row, column. Gives
/// the returns combined, with their ledger. An error only when what was
/// set aside on disk cannot be read back ([`Spill`], [`Shelf`]).
pub fn finish(checked: &mut [Checked], schema: &Schema, register: &Register) -> Result<Combined, String> {
    finish_checks(checked, schema, register, Ledger::Make)
}

fn finish_checks(checked: &mut [Checked], schema: &Schema, register: &Register, ledger: Ledger) -> Result<Combined, String> {
    let combined = cross::cross_check(checked, register, ledger)?;
    // A filed return that the checks across returns added to is filed
    // again, whole and in order; the others are in order as filed.
    checked
        .par_iter_mut()
        .filter(|c| !c.unfiled.is_empty())
        .try_for_each(|c| -> Result<(), String> {
            let Some(shelf) = c.filed.as_ref().map(|f| Arc::clone(f.shelf())) else {
                in_report_order(&mut c.unfiled, schema);
                return Ok(());
            };
            let mut all = c.issues()?;
            in_report_order(&mut all, schema);
            c.filed = Some(Filed::file(&shelf, &all));
            c.unfiled = Vec::new();
            Ok(())
        })?;
    Ok(combined)
}

/// Validate one file on its own (the cross-return rules need them all).
pub fn check_file(found: &Found, schema: &Schema, register: &Register, opts: &Options) -> Checked {
    let mut c = empty(found);
    let wanted: Vec<&str> = std::iter::once(schema.return_sheet.name.as_str())
        .chain(schema.sheets.iter().map(|s| s.name.as_str()))
        .collect();
    let hashed = opts.fingerprint == Fingerprint::Sha256;
    let book = ingest::load(&found.path, &opts.limits).and_then(|bytes| {
        if hashed {
            c.sha256 = ingest::sha256_hex(&bytes);
        }
        ingest::read_book(&bytes, &wanted, &opts.limits)
    });
    let book = match book {
        Ok(b) => b,
        Err(why) => {
            if hashed && c.sha256.is_empty() {
                c.sha256 = ingest::sha256_file(&found.path);
            }
            c.unfiled.push(Issue::new(Rule::F01, &c.file, why));
            c.reject();
            return c;
        }
    };
    c.format = Some(book.format.name());
    c.date1904 = book.date1904;
    if opts.keep_sheets {
        c.sheets = book.sheets.iter().flatten().cloned().collect();
    }
    let missing: Vec<&str> =
        wanted.iter().zip(&book.sheets).filter(|(_, s)| s.is_none()).map(|(n, _)| *n).collect();
    for name in &missing {
        c.unfiled.push(Issue::new(
            Rule::F02,
            &c.file,
            format!(
                "the sheet {name:?} is missing (sheets found: {}); use the PMF-1 template, which has the sheets Return, Cohort and Offences",
                book.sheet_names.iter().map(|n| crate::issue::quote_value(n)).collect::<Vec<_>>().join(", ")
            ),
        ).sheet(name));
    }
    let mut sheets = book.sheets.into_iter();
    let return_sheet = sheets.next().flatten();
    c.meta = meta::read_meta(return_sheet.as_ref(), schema, register, &c.file, book.date1904, &mut c.unfiled);
    let ctx = rows::Ctx {
        file: &c.file,
        schema,
        period: c.meta.period,
        date1904: book.date1904,
        first_month: c.meta.scheme.as_deref().and_then(|s| register.get(s)).map(|s| s.active_from),
        pivot: c.meta.period.or(c.meta.submitted_on.map(Month::of)).map(|m| (m.year % 100) as u32).unwrap_or(99),
    };
    let data: Vec<Option<SheetCells>> = sheets.collect();
    let tables: Vec<_> = schema
        .sheets
        .iter()
        .zip(&data)
        .map(|(spec, sheet)| sheet.as_ref().map(|s| sheet::read_table(s, spec, &c.file, &mut c.unfiled)))
        .collect();
    let out = rows::check_rows(&ctx, tables, &mut c.unfiled);
    // Kept until the end of a run, so without spare capacity.
    c.spans = out.people.iter().map(Span::of).collect();
    (c.id_col, c.ref_col) = (out.id_col, out.ref_col);
    let whole = match opts.people {
        Keep::People | Keep::Latest => true, // Latest: `check_each` decides
        Keep::Month(m) => c.meta.period == Some(m),
        Keep::Spans => false,
    };
    if whole {
        c.people = out.people;
        c.people.shrink_to_fit();
    }
    c.recorded = out.offences.iter().filter(|o| !o.adoption_history).count() as u32;
    c.offences = out.offences;
    c.offences.shrink_to_fit();
    c.excluded_ids = out.excluded_ids;
    c.excluded_ids.shrink_to_fit();
    c.unfiled.shrink_to_fit();
    c.cohort = out.cohort;
    c.offence_rows = out.offence_rows;
    let rejected = c.unfiled.iter().any(|i| i.rule.rejects_return() || (opts.strict && i.severity == Severity::Error));
    if rejected {
        c.reject();
    } else if c.rows().excluded > 0 {
        c.verdict = Verdict::AcceptedWithExcludedRows;
    }
    c
}
