//! What a return keeps of its accepted Cohort rows ([`Keep`]), and the
//! single-file checks of every file, in parallel ([`check_each`]).
//!
//! Invariants: every return keeps the span of each accepted Cohort row (or,
//! under [`Keep::Spans`], sets them aside on the run's [`Shelf`]), sets its
//! issues aside on that shelf and its accepted offences in the run's
//! [`Spill`], and keeps its offences in memory too only while it keeps its
//! whole rows; under
//! [`Keep::Latest`] the final state does not depend on the order in
//! which files were read, or on thread timing: whole rows are kept by
//! exactly the usable returns of the latest usable month.

use super::issuelog::in_report_order;
use super::{accepted, check_file_guarded, Checked, Filed, Options, Shelf, Spill, Stored};
use crate::calendar::Month;
use crate::ingest::Found;
use crate::register::Register;
use crate::schema::Schema;
use rayon::prelude::*;
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};
use std::sync::Arc;

/// Which returns keep their accepted Cohort rows whole
/// ([`Checked::people`]), and their accepted offences ([`Checked::offences`]);
/// every return keeps their spans, and a count of the offences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Keep {
    /// Every return: whole rows for every month.
    #[default]
    People,
    /// Only the returns of this month (`pmf report --period`): only the
    /// report month's measures read whole rows (issue 4).
    Month(Month),
    /// Only the usable returns of the latest month among them (`pmf report`,
    /// whose month is by default that one). A return drops its whole rows
    /// once a later usable month has been seen: when it is read, or at the
    /// end of the chunk of files in which that month was found, so memory
    /// does not grow with the whole rows of every month.
    Latest,
    /// None: `pmf validate`, whose checks across returns read only spans,
    /// a return or a month at a time: the spans too are set aside
    /// ([`Checked::shelved_spans`]).
    Spans,
}

/// The single-file checks of every file, in parallel.
pub fn check_each(
    files: &[Found],
    schema: &Schema,
    register: &Register,
    opts: &Options,
    progress: &(dyn Fn() + Sync),
) -> Vec<Checked> {
    let stores = (Arc::new(Spill::new()), Arc::new(Shelf::default()));
    let check = |seq: usize, f: &Found| {
        let mut c = check_file_guarded(f, schema, register, opts);
        set_aside(&mut c, &stores, seq, schema, opts.people);
        progress();
        c
    };
    if opts.people != Keep::Latest {
        return files.par_iter().enumerate().map(|(seq, f)| check(seq, f)).collect();
    }
    check_latest(files, &check, LATEST_CHUNK)
}

/// Set aside on disk what a return need not hold: its accepted offences
/// (in the spill; kept in memory too while its whole rows are), its issues
/// in report order, and under [`Keep::Spans`] its spans, which only the
/// checks across returns read, a return or a month at a time.
fn set_aside(c: &mut Checked, (spill, shelf): &(Arc<Spill>, Arc<Shelf>), seq: usize, schema: &Schema, keep: Keep) {
    let seq = u32::try_from(seq).unwrap_or(u32::MAX);
    spill.put(seq, &c.offences);
    c.stored = Some(Stored { spill: Arc::clone(spill), seq });
    if !c.whole() {
        c.offences = Vec::new();
    }
    in_report_order(&mut c.unfiled, schema);
    c.filed = Some(Filed::file(shelf, &std::mem::take(&mut c.unfiled)));
    if keep == Keep::Spans {
        c.shelved_spans = Some(Shelf::put(shelf, &accepted::spans_bytes(&std::mem::take(&mut c.spans))));
    }
}

/// A check of one file, given its place in the files read.
type Check<'a> = dyn Fn(usize, &Found) -> Checked + Sync + 'a;

/// [`Keep::Latest`], `chunk` files at a time.
fn check_latest(files: &[Found], check: &Check<'_>, chunk: usize) -> Vec<Checked> {
    // The latest usable month so far, as a month index.
    let latest = AtomicI32::new(i32::MIN);
    let month = |c: &Checked| c.meta.period.filter(|_| c.verdict.usable()).map_or(i32::MIN, Month::index);
    let drop_earlier = |c: &mut Checked, latest: i32| {
        if month(c) < latest {
            c.people = Vec::new();
            c.offences = Vec::new();
        }
    };
    let mut out: Vec<Checked> = Vec::with_capacity(files.len());
    for chunk in files.chunks(chunk.max(1)) {
        let first = out.len();
        out.par_extend(chunk.par_iter().enumerate().map(|(k, f)| {
            let mut c = check(first + k, f);
            let m = month(&c);
            let now = latest.fetch_max(m, Relaxed).max(m);
            drop_earlier(&mut c, now);
            c
        }));
        let now = latest.load(Relaxed);
        out.iter_mut().for_each(|c| drop_earlier(c, now));
    }
    out
}

/// Files read between two passes of [`Keep::Latest`] over what was read: at
/// most this many returns' whole rows are held beyond the latest month's
/// (about 3 MB), and each chunk's end costs about one file's time on one
/// core.
const LATEST_CHUNK: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The sample returns, month by month, read a few files at a time: every
    /// chunk finds a later month than the one before, so each chunk's pass
    /// must drop the rows the one before kept.
    #[test]
    fn latest_keeps_whole_rows_only_for_the_latest_month_whatever_the_chunks() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("returns");
        let (mut found, _) = crate::ingest::discover(&[root.clone()]).expect("the sample returns");
        found.sort_by_key(|f| f.path.file_stem().map(|s| s.to_string_lossy().chars().rev().take(7).collect::<String>()));
        let schema = Schema::pmf1().expect("schema");
        let register = Register::from_path(&root.join("schemes.csv")).expect("register");
        let opts = Options::default();
        let whole: Vec<Checked> = found.iter().map(|f| check_file_guarded(f, &schema, &register, &opts)).collect();
        // Each file's place in the files read is its own, whatever the chunk.
        let check = |seq: usize, f: &Found| {
            assert_eq!(found[seq].path, f.path);
            check_file_guarded(f, &schema, &register, &opts)
        };
        let last = whole.iter().filter(|c| c.verdict.usable()).filter_map(|c| c.meta.period).max();
        let kept = whole.iter().filter(|c| c.verdict.usable() && c.meta.period == last).count();
        assert!(kept > 0 && kept * 2 < whole.len(), "a latest month, and earlier ones: {kept} of {}", whole.len());
        for chunk in [1, 7, found.len()] {
            let latest = check_latest(&found, &check, chunk);
            for (a, l) in whole.iter().zip(&latest) {
                assert_eq!(a.spans, l.spans, "{}", a.file);
                let want = if a.verdict.usable() && a.meta.period == last { a.people.as_slice() } else { &[] };
                assert_eq!(l.people, want, "{} (chunks of {chunk})", a.file);
                let want = if a.verdict.usable() && a.meta.period == last { a.offences.as_slice() } else { &[] };
                assert_eq!(l.offences, want, "{} (chunks of {chunk})", a.file);
            }
        }
    }
}
