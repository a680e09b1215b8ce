//! What the statistics workbooks show, as data: each table's sheet name,
//! title and columns (a header with its unit, and the measure behind it).
//! Code-driven columns (statuses, reasons, categories, groups) come from the
//! schema, so a new code appears in the tables with no change here.

use crate::schema::Schema;

/// A column of a measures table.
pub struct Col {
    pub header: String,
    pub measure: String,
}

pub struct TableSpec {
    pub sheet: &'static str,
    pub title: &'static str,
    pub cols: Vec<Col>,
}

fn col(header: impl Into<String>, measure: impl Into<String>) -> Col {
    Col { header: header.into(), measure: measure.into() }
}

fn words(code: &str) -> String {
    let lower = code.to_lowercase().replace('_', " ");
    let mut c = lower.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn coded(schema: &Schema, list: &str, prefix: &str, label: &str, unit: &str) -> Vec<Col> {
    schema
        .list(list)
        .map(|l| l.codes().map(|c| col(format!("{label}: {} ({unit})", words(c)), format!("{prefix}{}", c.to_lowercase()))).collect())
        .unwrap_or_default()
}

/// The measures tables, in workbook order (NI 30 and data quality are built apart).
pub fn tables(schema: &Schema) -> Vec<TableSpec> {
    let mut eth: Vec<Col> = Vec::new();
    if let Some(l) = schema.list("ethnicity") {
        for c in l.codes() {
            let g = if c == "NS" { "ns".to_string() } else { c[..1].to_lowercase() };
            if !eth.iter().any(|x| x.measure == format!("ethnicity_{g}")) {
                let label = if g == "ns" { "Not stated".to_string() } else { format!("Group {}", g.to_uppercase()) };
                eth.push(col(format!("Ethnicity: {label} (people)"), format!("ethnicity_{g}")));
            }
        }
    }
    let mut flows = vec![col("Adopted in month (people)", "adopted"), col("Deselected in month (people)", "deselected")];
    flows.extend(coded(schema, "deselection_reason", "deselected_", "Deselected", "people"));
    flows.extend([
        col("Throughput: people ever on the scheme (people)", "throughput"),
        col("Mean time on scheme, active (months)", "time_on_scheme_mean_months"),
        col("Mean time on scheme, deselected in month (months)", "time_on_scheme_mean_months_deselected"),
    ]);
    let mut status = coded(schema, "status", "status_", "Status", "people");
    status.push(col("In custody (per cent)", "custody_pct"));
    let mut offending = vec![col("Offences recorded (number)", "offences_recorded"), col("PPOs with an offence (people)", "ppos_with_offence")];
    offending.extend(coded(schema, "offence_category", "offences_", "Offences", "number"));
    offending.push(col("Convictions and TICs with immediate custody (per cent)", "offences_custody_pct"));
    let mut demo = vec![col("Mean age (years)", "mean_age")];
    for (band, label) in [("10_17", "10 to 17"), ("18_20", "18 to 20"), ("21_24", "21 to 24"), ("25_29", "25 to 29"), ("30_39", "30 to 39"), ("40_plus", "40 and over")] {
        demo.push(col(format!("Aged {label} (people)"), format!("age_{band}")));
    }
    demo.extend(coded(schema, "gender", "gender_", "Gender", "people"));
    demo.extend(eth);
    vec![
        TableSpec {
            sheet: "Returns",
            title: "Returns received",
            cols: ["expected", "received", "on_time", "late", "rejected", "missing"]
                .iter()
                .map(|c| col(format!("Returns {} (number)", c.replace('_', " ")), format!("returns_{c}")))
                .collect(),
        },
        TableSpec {
            sheet: "Cohort",
            title: "Cohort size against band",
            cols: vec![
                col("Cohort: Catch & Convict and Rehabilitate & Resettle (people)", "cohort_active"),
                col("Catch & Convict (people)", "cohort_active_cc"),
                col("Rehabilitate & Resettle (people)", "cohort_active_rr"),
                col("Prevent & Deter (people)", "cohort_active_pd"),
                col("Band status", "cohort_band_status"),
                col("Prevent & Deter band status", "pd_band_status"),
                col("Schemes below minimum (number)", "schemes_below_minimum"),
            ],
        },
        TableSpec { sheet: "Status", title: "Status mix of active members", cols: status },
        TableSpec { sheet: "Flows", title: "Adoptions, deselections and time on scheme", cols: flows },
        TableSpec {
            sheet: "Case_management",
            title: "Case management",
            cols: vec![
                col("Statutory status with an offender manager (per cent)", "offender_manager_pct"),
                col("Assessed within 8 weeks of custody (per cent)", "assessment_8wk_pct"),
                col("Drug misusers (per cent)", "drug_misuser_pct"),
                col("Drug misusers in treatment (per cent)", "drug_treatment_pct"),
                col("Settled accommodation, of known (per cent)", "accommodation_settled_pct"),
                col("Employed, of known (per cent)", "ete_employed_pct"),
                col("Selection score total (points)", "selection_score_total"),
                col("Selection score mean (points)", "selection_score_mean"),
            ],
        },
        TableSpec { sheet: "Offending", title: "Proven offending recorded in the month", cols: offending },
        TableSpec {
            sheet: "Timeliness",
            title: "Premium-service timeliness",
            cols: vec![
                col("Charge to outcome, convictions, median (days)", "charge_to_outcome_median_days"),
                col("Recorded within 7 days of outcome (per cent)", "recorded_within_7_days_pct"),
            ],
        },
        TableSpec { sheet: "Demographics", title: "Demographics of active members", cols: demo },
    ]
}

/// A readable header for an NI 30 measure name.
pub fn ni30_header(measure: &str) -> String {
    let outturn = measure.starts_with("ni30_outturn_");
    let rest = measure.trim_start_matches("ni30_outturn_").trim_start_matches("ni30_");
    let label = match rest {
        "year" => "year starting April (year)",
        "cohort" => "cohort (people)",
        "baseline_offences" => "baseline offences (number)",
        "cohort_deselected" => "cohort deselected since snapshot (people)",
        "followup_offences" => "follow-up offences (number)",
        "reduction_pct" => "reduction from baseline (per cent)",
        "reoffended_pct" => "re-offended in follow-up (per cent)",
        "offences_per_ppo" => "offences per PPO (number)",
        "offences_per_reoffender" => "offences per re-offender (number)",
        "target_met" => "target met (Y/N)",
        "stretch_met" => "stretch target met (Y/N)",
        "rolling_months" => "follow-up months so far (months)",
        "rolling_followup_offences" => "follow-up offences so far (number)",
        "rolling_baseline_offences" => "baseline offences for the same months (number)",
        "rolling_reduction_pct" => "reduction so far (per cent)",
        "trajectory_offences" => "offences on trajectory to target (number)",
        other => other,
    };
    format!("NI 30 {}{label}", if outturn { "outturn: " } else { "" })
}
