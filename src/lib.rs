//! `pmf`: validate PPO scheme data returns, compute the PMF headline
//! measures and NI 30, and write the reports (spec: ../shared/spec/pmf-spec.md).
//!
//! The stages, in order (each heavy crate lives in one of them):
//! 1. [`ingest`] finds files and reads cells (calamine);
//! 2. [`validate`] checks returns and combines them (pure; never fails);
//! 3. [`measure`] computes the headline measures and NI 30 (polars);
//! 4. [`report`] writes workbooks, charts, CSV and JSON (rust_xlsxwriter, plotters).
//!
//! Around them: [`schema`] (the return schema as data), [`register`] (the
//! scheme register), [`issue`] (findings), [`calendar`] (months and dates),
//! [`synth`] (synthetic returns), [`memory`] (the allocator's policy) and
//! [`cli`] (clap).

#[path = "1_ingest/mod.rs"]
pub mod ingest;
#[path = "2_validate/mod.rs"]
pub mod validate;
#[path = "3_measure/mod.rs"]
pub mod measure;
#[path = "4_report/mod.rs"]
pub mod report;

pub mod calendar;
pub mod cli;
pub mod issue;
pub mod memory;
pub mod register;
pub mod schema;
pub mod synth;
