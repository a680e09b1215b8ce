//! `pmf template`: the blank PMF-1 return, optionally with the scheme and
//! period filled in. Byte-for-byte reproducible: the committed
//! `templates/pmf-return-template.xlsx` is this writer's output.

use super::returnbook::{self, Contents, Val};
use super::write_atomic;
use crate::calendar::Month;
use crate::schema::Schema;
use chrono::NaiveDate;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub scheme: Option<String>,
    pub scheme_name: Option<String>,
    pub period: Option<Month>,
}

/// The template's fixed creation date (its content changes only with the schema).
pub fn created() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 4, 1).unwrap_or_default()
}

pub fn contents(schema: &Schema, prefill: &Prefill) -> Contents {
    let meta = schema
        .return_sheet
        .fields
        .iter()
        .map(|f| match f.key.as_str() {
            "scheme_code" => prefill.scheme.clone().map(Val::Text),
            "scheme_name" => prefill.scheme_name.clone().map(Val::Text),
            "period" => prefill.period.map(|p| Val::Text(p.to_string())),
            "template_version" => Some(Val::Text(schema.version.clone())),
            _ => None,
        })
        .collect();
    Contents { meta, cohort: Vec::new(), offences: Vec::new() }
}

pub fn write(path: &Path, schema: &Schema, prefill: &Prefill) -> Result<(), String> {
    let bytes = returnbook::to_bytes(schema, &contents(schema, prefill), created())?;
    write_atomic(path, &bytes)
}
