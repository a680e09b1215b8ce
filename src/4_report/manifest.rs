//! `manifest.json`: what a report was made from and what it wrote: the tool
//! version, the configuration, the as-at date, every input (path, SHA-256,
//! scheme, period, verdict, row counts), every skipped file, and the SHA-256
//! of every output. No clock and no absolute-path noise: paths are as given.
//! Written as a stream: a national run has some 12,600 inputs.

use super::run::Report;
use crate::issue::Severity;
use crate::validate::{Counts, Verdict};
use super::{seq, Seq};
use serde::Serialize;

#[derive(Serialize)]
#[serde(bound = "")]
struct Manifest<'a, I: Iterator<Item = Input<'a>>> {
    tool: &'static str,
    version: &'static str,
    schema: &'a str,
    configuration: Configuration<'a>,
    as_at: Option<String>,
    /// Every input, made one at a time as it is written.
    inputs: Seq<I>,
    skipped: Vec<Skipped<'a>>,
    outputs: Vec<Output<'a>>,
}

#[derive(Serialize)]
struct Configuration<'a> {
    period: String,
    region: Option<&'a str>,
    register: String,
    paths: Vec<String>,
    ni30_year: Option<i32>,
    ni30_cautions: bool,
    offences_extract: Option<String>,
    suppress: Option<u32>,
    strict: bool,
    due_weekday: u32,
}

#[derive(Serialize)]
struct Input<'a> {
    path: &'a str,
    sha256: &'a str,
    format: Option<&'static str>,
    scheme: Option<&'a str>,
    period: Option<String>,
    submitted_on: Option<String>,
    verdict: Verdict,
    rows_read: u32,
    rows_accepted: u32,
    rows_excluded: u32,
    cohort_rows: Counts,
    offence_rows: Counts,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Skipped<'a> {
    path: &'a str,
    why: &'a str,
}

#[derive(Serialize)]
struct Output<'a> {
    path: &'a str,
    sha256: &'a str,
}

pub fn json(r: &Report<'_>, outputs: &[(String, String)]) -> Result<Vec<u8>, String> {
    let job = r.job;
    let doc = Manifest {
        tool: "pmf",
        version: env!("CARGO_PKG_VERSION"),
        schema: &r.schema.version,
        configuration: Configuration {
            period: r.cfg.period.to_string(),
            region: r.cfg.region.as_deref(),
            register: job.register_path.display().to_string(),
            paths: job.paths.iter().map(|p| p.display().to_string()).collect(),
            ni30_year: job.ni30_year,
            ni30_cautions: job.ni30_cautions,
            offences_extract: job.offences.as_ref().map(|p| p.display().to_string()),
            suppress: job.suppress,
            strict: job.strict,
            due_weekday: r.cfg.due_weekday,
        },
        as_at: r.as_at.map(|d| d.to_string()),
        inputs: seq(r.checked.iter().map(|c| {
            let rows = c.rows();
            let count = |sev: Severity| c.issue_count(sev);
            Input {
                path: &c.file,
                sha256: &c.sha256,
                format: c.format,
                scheme: c.meta.scheme.as_deref(),
                period: c.meta.period.map(|p| p.to_string()),
                submitted_on: c.meta.submitted_on.map(|d| d.to_string()),
                verdict: c.verdict,
                rows_read: rows.read,
                rows_accepted: rows.accepted,
                rows_excluded: rows.excluded,
                cohort_rows: c.cohort,
                offence_rows: c.offence_rows,
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
            }
        })),
        skipped: r.skipped.iter().map(|s| Skipped { path: &s.display, why: &s.why }).collect(),
        outputs: outputs.iter().map(|(p, h)| Output { path: p, sha256: h }).collect(),
    };
    serde_json::to_vec_pretty(&doc).map_err(|e| format!("cannot write the manifest: {e}"))
}
