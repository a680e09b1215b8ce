//! `manifest.json`: what a report was made from and what it wrote: the tool
//! version, the configuration, the as-at date, every input (path, SHA-256,
//! scheme, period, verdict, row counts), every skipped file, and the SHA-256
//! of every output. No clock and no absolute-path noise: paths are as given.

use super::run::Report;
use crate::ingest::sha256_hex;
use serde_json::json;

pub fn json(r: &Report<'_>, outputs: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let job = r.job;
    let inputs: Vec<_> = r
        .checked
        .iter()
        .map(|c| {
            let rows = c.rows();
            json!({
                "path": c.file,
                "sha256": c.sha256,
                "format": c.format,
                "scheme": c.meta.scheme,
                "period": c.meta.period.map(|p| p.to_string()),
                "submitted_on": c.meta.submitted_on.map(|d| d.to_string()),
                "verdict": c.verdict,
                "rows_read": rows.read,
                "rows_accepted": rows.accepted,
                "rows_excluded": rows.excluded,
                "cohort_rows": c.cohort,
                "offence_rows": c.offence_rows,
                "errors": c.issues.iter().filter(|i| i.severity == crate::issue::Severity::Error).count(),
                "warnings": c.issues.iter().filter(|i| i.severity == crate::issue::Severity::Warning).count(),
            })
        })
        .collect();
    let outs: Vec<_> = outputs.iter().map(|(p, b)| json!({ "path": p, "sha256": sha256_hex(b) })).collect();
    let doc = json!({
        "tool": "pmf",
        "version": env!("CARGO_PKG_VERSION"),
        "schema": r.schema.version,
        "configuration": {
            "period": r.cfg.period.to_string(),
            "region": r.cfg.region,
            "register": job.register_path.display().to_string(),
            "paths": job.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "ni30_year": job.ni30_year,
            "ni30_cautions": job.ni30_cautions,
            "offences_extract": job.offences.as_ref().map(|p| p.display().to_string()),
            "suppress": job.suppress,
            "strict": job.strict,
            "due_weekday": r.cfg.due_weekday,
        },
        "as_at": r.as_at.map(|d| d.to_string()),
        "inputs": inputs,
        "skipped": r.skipped.iter().map(|s| json!({"path": s.display, "why": s.why})).collect::<Vec<_>>(),
        "outputs": outs,
    });
    serde_json::to_vec_pretty(&doc).map_err(|e| format!("cannot write the manifest: {e}"))
}
