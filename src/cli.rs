//! The command line (spec §7): the only module that uses clap, parses
//! arguments, prints, and turns outcomes into exit codes.
//!
//! Exit codes: 0 success; 1 finished, but some input had errors; 2 could not
//! run (bad arguments, unreadable register, output not writable).

use crate::calendar::Month;
use crate::ingest::{self, Limits};
use crate::register::Register;
use crate::schema::Schema;
use crate::validate::{self, Fingerprint, Keep, Options};
use crate::{report, synth};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

pub const EXIT_OK: i32 = 0;
pub const EXIT_INPUT_ERRORS: i32 = 1;
pub const EXIT_CANNOT_RUN: i32 = 2;

#[derive(Parser)]
#[command(name = "pmf", version, about = "PPO Performance Management Framework: validate returns, compute measures, write reports")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct InputArgs {
    /// Returns, or folders searched recursively for returns.
    #[arg(default_value = "returns")]
    paths: Vec<PathBuf>,
    /// The scheme register (CSV, spec §2).
    #[arg(long, default_value = "templates/schemes.csv")]
    register: PathBuf,
    /// Any error rejects the whole return.
    #[arg(long)]
    strict: bool,
    /// Largest return file accepted, in MB.
    #[arg(long, default_value_t = 50)]
    max_file_mb: u64,
    /// Largest total uncompressed size of a zipped return (xlsx, xlsb, ods), in MB.
    #[arg(long, default_value_t = 500)]
    max_unzipped_mb: u64,
    /// Most filled cells read from one sheet (for .xls and .ods, which are read
    /// whole, the cells each sheet spans; all sheets together at most 4 times this).
    #[arg(long, default_value_t = 2_000_000)]
    max_cells: u64,
    /// Longest text in one cell, in characters (Excel's own limit is 32,767).
    #[arg(long, default_value_t = 32_767)]
    max_string: usize,
    /// Most parts (files) inside a zipped return (xlsx, xlsb, ods).
    #[arg(long, default_value_t = 1000)]
    max_zip_entries: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check returns against the PMF-1 schema and say what to fix.
    Validate {
        #[command(flatten)]
        input: InputArgs,
        /// Output for people (text) or programs (json).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write a feedback workbook per return into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compute the headline measures and NI 30, and write the reports.
    Report {
        #[command(flatten)]
        input: InputArgs,
        /// Folder for the reports: a folder per period YYYY-MM is written in it.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// The report month (default: the latest month with a usable return).
        #[arg(long)]
        period: Option<String>,
        /// Only this Government Office region.
        #[arg(long)]
        region: Option<String>,
        /// The NI 30 year (starting April) to report on, instead of the defaults.
        #[arg(long)]
        ni30_year: Option<i32>,
        /// A national offences extract used in place of the returns' offences for NI 30.
        #[arg(long)]
        offences: Option<PathBuf>,
        /// Show counts below N in region and national tables as [c].
        #[arg(long)]
        suppress: Option<u32>,
        /// Leave cautions out of the NI 30 offence counts.
        #[arg(long)]
        ni30_exclude_cautions: bool,
    },
    /// Write the blank PMF-1 return workbook for schemes.
    Template {
        /// Prefill the scheme code (and its name, from the register).
        #[arg(long)]
        scheme: Option<String>,
        /// Prefill the period, YYYY-MM.
        #[arg(long)]
        period: Option<String>,
        /// Where to write it.
        #[arg(long, default_value = "pmf-return.xlsx")]
        out: PathBuf,
        /// The register, to look up the scheme name.
        #[arg(long, default_value = "templates/schemes.csv")]
        register: PathBuf,
    },
    /// Make seeded synthetic returns and their register.
    Synth {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 8)]
        schemes: u32,
        #[arg(long, default_value_t = 30)]
        months: u32,
        #[arg(long, default_value = "2007-04")]
        start: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// Run with the process's arguments; returns the exit code.
pub fn main() -> i32 {
    // A reader that fails on a hostile file is reported as that file's F01
    // (validate::check_each); print one line, not a backtrace, unless asked.
    if std::env::var_os("PMF_DEBUG").is_none() {
        std::panic::set_hook(Box::new(|info| {
            let at = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
            eprintln!("pmf: internal error{at}; set PMF_DEBUG=1 for details");
        }));
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_CANNOT_RUN } else { EXIT_OK };
        }
    };
    match run(cli.command) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("pmf: {msg}");
            EXIT_CANNOT_RUN
        }
    }
}

fn limits(a: &InputArgs) -> Limits {
    Limits {
        max_file_bytes: a.max_file_mb.saturating_mul(1 << 20),
        max_unzipped_bytes: a.max_unzipped_mb.saturating_mul(1 << 20),
        max_cells_per_sheet: a.max_cells,
        max_string_chars: a.max_string,
        max_zip_entries: a.max_zip_entries,
    }
}

fn run(cmd: Command) -> Result<i32, String> {
    let schema = Schema::pmf1()?;
    match cmd {
        Command::Validate { input, format, out } => {
            let register = Register::from_path(&input.register)?;
            let (found, skipped) = ingest::discover(&input.paths)?;
            let opts = Options {
                strict: input.strict,
                limits: limits(&input),
                keep_sheets: out.is_some(),
                fingerprint: Fingerprint::Skip,
                // Nothing here reads a person beyond the checks.
                people: Keep::Spans,
            };
            let bar = progress(found.len());
            let checked = validate::validate_all(&found, &schema, &register, &opts, &|| bar.inc(1));
            bar.finish_and_clear();
            let checked = checked?;
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match format {
                Format::Text => report::console::text(&checked, &skipped, &mut stdout)?,
                Format::Json => report::console::json(&checked, &skipped, &mut stdout)?,
            }
            let _ = std::io::Write::flush(&mut stdout);
            drop(stdout);
            if let Some(dir) = out {
                let written = report::feedback::write_all(&dir, &checked, &schema)?;
                if matches!(format, Format::Text) {
                    println!("Feedback workbooks: {written} written to {}", dir.display());
                }
            }
            Ok(if checked.iter().any(|c| c.has_error()) { EXIT_INPUT_ERRORS } else { EXIT_OK })
        }
        Command::Report { input, out, period, region, ni30_year, offences, suppress, ni30_exclude_cautions } => {
            let register = Register::from_path(&input.register)?;
            let period = match period {
                Some(p) => Some(Month::parse_iso(&p).ok_or(format!("--period {p:?} is not a month YYYY-MM"))?),
                None => None,
            };
            let job = report::run::Job {
                paths: input.paths.clone(),
                register_path: input.register.clone(),
                out,
                period,
                region,
                ni30_year,
                ni30_cautions: !ni30_exclude_cautions,
                offences,
                suppress,
                strict: input.strict,
                limits: limits(&input),
            };
            let files = ingest::discover(&job.paths)?;
            let bar = progress(files.0.len());
            let done = report::run::run(&job, &schema, &register, files, &|| bar.inc(1))?;
            bar.finish_and_clear();
            println!(
                "Report for {} written to {} ({} files); {} returns read, {} with errors (see issues.csv).",
                done.period,
                done.folder.display(),
                done.files,
                done.returns,
                done.with_errors
            );
            Ok(if done.with_errors > 0 { EXIT_INPUT_ERRORS } else { EXIT_OK })
        }
        Command::Template { scheme, period, out, register } => {
            let period = match period {
                Some(p) => Some(Month::parse_iso(&p).ok_or(format!("--period {p:?} is not a month YYYY-MM"))?),
                None => None,
            };
            let name = match &scheme {
                Some(code) => Register::from_path(&register).ok().and_then(|r| r.get(code).map(|s| s.name.clone())),
                None => None,
            };
            let prefill = report::template::Prefill { scheme, scheme_name: name, period };
            report::template::write(&out, &schema, &prefill)?;
            println!("Template written to {}", out.display());
            Ok(EXIT_OK)
        }
        Command::Synth { out, schemes, months, start, seed } => {
            let start = Month::parse_iso(&start).ok_or(format!("--start {start:?} is not a month YYYY-MM"))?;
            let cfg = synth::Config { schemes, months, start, seed };
            let made = synth::write(&out, &cfg, &schema)?;
            println!("{} returns and their register (schemes.csv) written to {}", made, out.display());
            Ok(EXIT_OK)
        }
    }
}

/// A progress bar on a terminal for long runs; hidden when piped.
fn progress(n: usize) -> indicatif::ProgressBar {
    if n < 20 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} returns read ({eta} left)") {
        bar.set_style(style);
    }
    bar
}
