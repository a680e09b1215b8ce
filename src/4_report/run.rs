//! `pmf report`: the whole job. Validate every return once (whole Cohort
//! rows kept only for P; P's returns are read again only when P is earlier
//! than the latest month, see `reread_whole`), keep those of
//! months up to P (and the files that cannot be placed), combine, compute
//! the measures for P and each earlier month (the trends), and write the
//! period folder: workbooks, charts, measures.csv, issues, manifest.
//!
//! Invariants: the folder is written under a temporary name and renamed
//! into place, so a failed run leaves the previous report whole; the same
//! inputs and configuration give byte-identical files (no clock, sorted
//! rows, the as-at date as every workbook's creation date).

use super::{book, figures, manifest, tidy};
use crate::calendar::Month;
use crate::ingest::{self, Limits, Skipped};
use crate::measure::{self, Measure};
use crate::register::Register;
use crate::schema::Schema;
use crate::validate::{self, Checked, Combined, Fingerprint, Keep, Options};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Everything `pmf report` was asked.
#[derive(Debug, Clone)]
pub struct Job {
    pub paths: Vec<PathBuf>,
    pub register_path: PathBuf,
    pub out: PathBuf,
    pub period: Option<Month>,
    pub region: Option<String>,
    pub ni30_year: Option<i32>,
    pub ni30_cautions: bool,
    pub offences: Option<PathBuf>,
    pub suppress: Option<u32>,
    pub strict: bool,
    pub limits: Limits,
}

/// What the run did, for the command line.
pub struct Done {
    pub folder: PathBuf,
    pub period: Month,
    pub returns: usize,
    pub with_errors: usize,
    pub files: usize,
}

/// The validated, combined inputs of one report and its measures.
pub struct Report<'a> {
    pub job: &'a Job,
    pub schema: &'a Schema,
    pub register: &'a Register,
    pub checked: &'a [Checked],
    pub skipped: &'a [Skipped],
    pub combined: &'a Combined,
    pub cfg: &'a measure::Config,
    /// Measures for P.
    pub measures: &'a [Measure],
    /// Measures for each month seen up to P, oldest first (P last).
    pub trend: &'a [(Month, Vec<Measure>)],
    pub as_at: Option<NaiveDate>,
}

/// The whole job, on the files `ingest::discover` found under `job.paths`
/// (found once by the caller, which also counts them for its progress bar).
pub fn run(
    job: &Job,
    schema: &Schema,
    register: &Register,
    (found, skipped): (Vec<ingest::Found>, Vec<Skipped>),
    progress: &(dyn Fn() + Sync),
) -> Result<Done, String> {
    if let Some(r) = &job.region {
        if !crate::register::REGIONS.iter().any(|x| x.eq_ignore_ascii_case(r)) {
            return Err(format!("--region {r:?} is not a GO region; use one of: {}", crate::register::REGIONS.join(", ")));
        }
    }
    let opts = Options {
        strict: job.strict,
        limits: job.limits,
        keep_sheets: false,
        fingerprint: Fingerprint::Sha256,
        // Whole Cohort rows only for the report month: the earlier months
        // (trends, throughput, NI 30) read spans (issue 4).
        people: job.period.map_or(Keep::Latest, Keep::Month),
    };
    // Every return is combined, whatever the region: NI 30 takes offences
    // from the whole ledger, whichever scheme recorded them (§10).
    let mut checked = validate::check_each(&found, schema, register, &opts, progress);
    crate::memory::holding();
    let period = match job.period {
        Some(p) => p,
        None => default_period(&checked).ok_or(
            "no usable return was found, so there is no month to report on; check the returns with `pmf validate`, or give --period",
        )?,
    };
    if opts.people == Keep::Latest {
        reread_whole(&mut checked, &found, period, schema, register, &opts)?;
    }
    checked.retain(|c| c.meta.period.is_none_or(|m| m <= period));
    let combined = validate::finish(&mut checked, schema, register)?;
    let extract = match &job.offences {
        Some(p) => {
            let mut offences = super::extract::read(p, schema, &job.limits)?;
            offences.sort_by_key(|o| o.ppo_id); // NI 30 reads each person's in one merge pass
            Some(offences)
        }
        None => None,
    };
    let cfg = measure::Config {
        period,
        region: job.region.as_ref().and_then(|r| crate::register::REGIONS.iter().find(|x| x.eq_ignore_ascii_case(r)).map(|x| x.to_string())),
        ni30_year: job.ni30_year,
        ni30_cautions: job.ni30_cautions,
        due_weekday: 6,
        suppress: job.suppress,
    };
    let input = measure::Input::new(&checked, &combined, register, schema, extract.as_deref());
    let first = combined
        .used
        .keys()
        .map(|(_, m)| *m)
        .min()
        .unwrap_or(period)
        .min(period);
    let as_at = combined
        .used
        .values()
        .filter_map(|&i| checked[i].meta.submitted_on)
        .max();
    let scoped: Vec<&Checked> = checked.iter().filter(|c| in_scope(register, cfg.region.as_deref(), c)).collect();
    let mut folder = Folder::new(&job.out, period)?;
    // P's measures, the trend months before it, and the issue lists (which
    // need no measure, and are written straight into the folder) are
    // independent of each other: made in parallel.
    let ((measures, trend), issue_files) = rayon::join(
        || {
            rayon::join(
                || measure::compute(&input, &cfg),
                || {
                    (first.index()..period.index())
                        .into_par_iter()
                        .map(|i| {
                            let m = Month::from_index(i);
                            measure::trend(&input, &measure::Config { period: m, ..cfg.clone() }).map(|rows| (m, rows))
                        })
                        .collect::<Result<Vec<_>, String>>()
                },
            )
        },
        || {
            rayon::join(
                || folder.stream("issues.xlsx", |f| book::issues_workbook(f, &scoped, as_at)),
                || folder.stream("issues.csv", |f| tidy::issues_csv(f, &scoped).map(|_| ())),
            )
        },
    );
    let (measures, mut trend) = (measures?, trend?);
    folder.written.extend([issue_files.0?, issue_files.1?]);
    trend.push((period, measures.iter().filter(|x| measure::in_trend(x)).cloned().collect()));
    let report = Report {
        job,
        schema,
        register,
        checked: &checked,
        skipped: &skipped,
        combined: &combined,
        cfg: &cfg,
        measures: &measures,
        trend: &trend,
        as_at,
    };
    let files = write_folder(&report, folder)?;
    Ok(Done {
        folder: job.out.join(period.to_string()),
        period,
        returns: checked.len(),
        with_errors: checked.iter().filter(|c| c.has_error()).count(),
        files,
    })
}

/// The latest month with a usable return (§10), after resubmissions: a
/// scheme-month whose latest usable returns tie on Submitted on (X02) has none.
fn default_period(checked: &[Checked]) -> Option<Month> {
    let mut latest: std::collections::BTreeMap<(&str, Month), (Option<NaiveDate>, usize)> = Default::default();
    for c in checked.iter().filter(|c| c.verdict.usable()) {
        let (Some(s), Some(m)) = (c.meta.scheme.as_deref(), c.meta.period) else { continue };
        let e = latest.entry((s, m)).or_insert((c.meta.submitted_on, 0));
        if c.meta.submitted_on > e.0 {
            *e = (c.meta.submitted_on, 1);
        } else if c.meta.submitted_on == e.0 {
            e.1 += 1;
        }
    }
    latest.iter().filter(|(_, (_, n))| *n == 1).map(|((_, m), _)| *m).max()
}

/// `Keep::Latest` kept whole rows only for the latest month with a usable
/// return. The report month is earlier when every scheme-month after it
/// has only tied returns (X02): then its usable returns are read again,
/// keeping whole rows (the one case in which a file is read twice). A file
/// that no longer reads as it did stops the run.
fn reread_whole(
    checked: &mut [Checked],
    found: &[ingest::Found],
    period: Month,
    schema: &Schema,
    register: &Register,
    opts: &Options,
) -> Result<(), String> {
    let stale: Vec<usize> = (0..checked.len())
        .filter(|&i| checked[i].meta.period == Some(period) && checked[i].verdict.usable() && !checked[i].whole())
        .collect();
    if stale.is_empty() {
        return Ok(());
    }
    let files: Vec<ingest::Found> = stale.iter().map(|&i| found[i].clone()).collect();
    let again = validate::check_each(&files, schema, register, &Options { people: Keep::People, fingerprint: Fingerprint::Skip, ..opts.clone() }, &|| ());
    for (i, c) in stale.into_iter().zip(again) {
        // The offences in memory must be those set aside when first read.
        let same = c.spans == checked[i].spans && c.offence_rows == checked[i].offence_rows && c.recorded == checked[i].recorded;
        if !same || !c.whole() {
            return Err(format!("{} changed or could not be read while the report ran; run the report again", checked[i].file));
        }
        checked[i].people = c.people;
        checked[i].offences = c.offences;
    }
    Ok(())
}

/// With `--region`, the returns whose issues a report lists: the region's,
/// and the files that cannot be placed in a scheme.
fn in_scope(register: &Register, region: Option<&str>, c: &Checked) -> bool {
    match (region, c.meta.scheme.as_deref().and_then(|s| register.get(s))) {
        (Some(region), Some(s)) => s.region == region,
        _ => true,
    }
}

/// The temporary folder a report is written into: of each output written,
/// only its name and SHA-256 are kept (for the manifest). Removed when
/// dropped, unless it has been renamed into place: a failed run leaves no
/// half-written report.
struct Folder {
    tmp: PathBuf,
    /// (path inside the period folder, SHA-256) of each output written.
    written: Vec<(String, String)>,
    /// The folders of `--out` this run made, outermost first: a run that
    /// fails removes them again, if still empty, so it leaves no trace.
    made: Vec<PathBuf>,
}

impl Folder {
    fn new(out: &Path, period: Month) -> Result<Folder, String> {
        let tmp = out.join(format!(".{period}.tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        // Owned before any folder is made, so a failure part-way through
        // still removes what was made.
        let mut folder = Folder { tmp, written: Vec::new(), made: Vec::new() };
        let missing: Vec<&Path> = out.ancestors().take_while(|p| !p.as_os_str().is_empty() && !p.exists()).collect();
        // Only a folder this call made is this run's: one that exists by
        // now (`a/..`, or made by another run meanwhile) is not.
        for dir in missing.into_iter().rev() {
            if std::fs::create_dir(dir).is_ok() {
                folder.made.push(dir.to_path_buf());
            }
        }
        std::fs::create_dir_all(&folder.tmp).map_err(|e| cannot(&folder.tmp, e))?;
        Ok(folder)
    }

    /// The path of an output, its folder made.
    fn path(&self, name: &str) -> Result<PathBuf, String> {
        let path = self.tmp.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| cannot(dir, e))?;
        }
        Ok(path)
    }

    fn put(&mut self, name: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.path(name)?;
        std::fs::write(&path, bytes).map_err(|e| cannot(&path, e))?;
        self.written.push((name.to_string(), ingest::sha256_hex(bytes)));
        Ok(())
    }

    fn put_all(&mut self, files: Result<Vec<(String, Vec<u8>)>, String>) -> Result<(), String> {
        files?.iter().try_for_each(|(name, bytes)| self.put(name, bytes))
    }

    /// An output written as it is made, never held whole (the issue lists,
    /// which grow with the returns), and hashed as it is written: its name
    /// and SHA-256, to be added to `written` by the caller (this runs
    /// beside other work).
    fn stream(
        &self,
        name: &str,
        write: impl FnOnce(&mut ingest::Sha256Writer<std::io::BufWriter<std::fs::File>>) -> Result<(), String>,
    ) -> Result<(String, String), String> {
        use std::io::Write;
        let path = self.path(name)?;
        let file = std::fs::File::create(&path).map_err(|e| cannot(&path, e))?;
        let mut out = ingest::Sha256Writer::new(std::io::BufWriter::new(file));
        write(&mut out).map_err(|e| format!("{}: {e}", path.display()))?;
        let (mut file, sha) = out.finish();
        file.flush().map_err(|e| cannot(&path, e))?;
        Ok((name.to_string(), sha))
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        // Gone already when the report was renamed into place.
        let _ = std::fs::remove_dir_all(&self.tmp);
        // `remove_dir` removes only an empty folder: one holding this run's
        // report, or anything another process put there, stays.
        for dir in self.made.iter().rev() {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
}

fn cannot(p: &Path, e: std::io::Error) -> String {
    format!("{}: cannot write: {e}", p.display())
}

/// Every output (the issue lists written already), then the manifest,
/// written into the temporary folder; then the folder is renamed into place.
fn write_folder(r: &Report<'_>, mut folder: Folder) -> Result<usize, String> {
    let target = r.job.out.join(r.cfg.period.to_string());
    // The area workbooks, the charts and measures.csv are independent:
    // made in parallel.
    let ((books, images), measures_csv) =
        rayon::join(|| rayon::join(|| book::area_workbooks(r), || figures::images(r)), || tidy::measures_csv(r.measures));
    folder.put_all(books)?;
    folder.put_all(images)?;
    folder.put("measures.csv", &measures_csv?)?;
    folder.written.sort();
    let manifest = manifest::json(r, &folder.written)?;
    folder.put("manifest.json", &manifest)?;
    let old = r.job.out.join(format!(".{}.old-{}", r.cfg.period, std::process::id()));
    if target.exists() {
        std::fs::rename(&target, &old).map_err(|e| cannot(&target, e))?;
    }
    if let Err(e) = std::fs::rename(&folder.tmp, &target) {
        let _ = std::fs::rename(&old, &target);
        return Err(cannot(&target, e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(folder.written.len())
}
