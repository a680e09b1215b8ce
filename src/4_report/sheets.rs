//! Writing statistics workbooks with rust_xlsxwriter: the cover, contents
//! and notes sheets, one Excel table per sheet, and native charts with alt
//! text in the Analysis Function palette. Deterministic: the creation date
//! is the run's as-at date.

use super::run::Report;
use crate::measure::{Level, Value};
use chrono::Datelike;
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartSolidFill, ChartType, DocProperties, ExcelDateTime, Format, IgnoreError, Table, TableColumn,
    Url, Workbook, Worksheet, XlsxError,
};

pub const PALETTE: [&str; 6] = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"];

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fmt {
    Whole,
    OneDp,
    TwoDp,
}

pub fn format_for(measure: &str) -> Fmt {
    if measure.ends_with("_pct") || measure.ends_with("median_days") {
        Fmt::OneDp
    } else if measure.contains("mean") || measure.contains("per_ppo") || measure.contains("per_reoffender") || measure.contains("rolling_baseline") || measure.contains("trajectory") {
        Fmt::TwoDp
    } else {
        Fmt::Whole
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text, borrowed where it can be (issues.xlsx quotes every issue's
    /// text: a national run's would otherwise be copied whole).
    Text(std::borrow::Cow<'a, str>),
    Num(f64, Fmt),
    /// [c], [x] or [z]
    Short(&'static str),
}

/// A native chart drawn from columns of its sheet's table.
pub struct ChartSpec {
    pub title: String,
    pub alt: String,
    pub y_title: String,
    /// Table rows (0-based within the data) the chart uses.
    pub rows: std::ops::Range<usize>,
    pub category_col: u16,
    /// (column, kind): Column or Line series, in palette order.
    pub series: Vec<(u16, ChartType)>,
}

pub struct Sheet<'a> {
    pub name: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell<'a>>>,
    pub chart: Option<ChartSpec>,
}

/// A table whose rows are made one at a time as they are written, never
/// held whole: issues.xlsx has a row per issue, and a national run's would
/// otherwise take about 15 MB at once over 36 months.
pub struct Streamed<'a> {
    /// Name, title and headers; its `rows` are not used.
    pub sheet: Sheet<'a>,
    /// How many rows `rows` yields: the table's range and its note ("This
    /// table has N rows") are written before its rows.
    pub len: usize,
    pub rows: Box<dyn Iterator<Item = Vec<Cell<'a>>> + 'a>,
}

impl<'a> From<Sheet<'a>> for Streamed<'a> {
    fn from(mut sheet: Sheet<'a>) -> Streamed<'a> {
        let rows = std::mem::take(&mut sheet.rows);
        Streamed { len: rows.len(), rows: Box::new(rows.into_iter()), sheet }
    }
}

fn xerr(e: XlsxError) -> String {
    format!("cannot write a workbook: {e}")
}

/// Sheets longer than this are written in rust_xlsxwriter's low-memory mode.
const LONG_SHEET_ROWS: usize = 5_000;

/// A worksheet for a table: a long one is written a row at a time, in
/// bounded memory.
fn add_sheet(wb: &mut Workbook, rows: usize) -> Result<&mut Worksheet, String> {
    if rows > LONG_SHEET_ROWS {
        wb.add_worksheet_with_low_memory().map_err(xerr)
    } else {
        Ok(wb.add_worksheet())
    }
}

/// The row (0-based) of a table's header row: A1 title, A2 note, A3 table.
const HEADER_ROW: u32 = 2;

/// A sheet's table, its `n` rows taken from `rows` (the sheet's own, or
/// a [`Streamed`] table's as they are made).
fn write_table<'c>(
    ws: &mut Worksheet,
    sheet: &Sheet<'_>,
    (n, rows): (usize, impl Iterator<Item = impl AsRef<[Cell<'c>]>>),
    index: usize,
) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(14);
    ws.set_name(&sheet.name)?;
    ws.write_string_with_format(0, 0, &sheet.title, &title)?;
    ws.write_string(
        1,
        0,
        format!("This table has {n} rows. [c] [x] and [z] are explained on the Notes sheet."),
    )?;
    let formats = [
        Format::new().set_num_format("#,##0"),
        Format::new().set_num_format("#,##0.0"),
        Format::new().set_num_format("#,##0.00"),
    ];
    let cols = sheet.headers.len().max(1) as u16;
    let columns: Vec<TableColumn> = sheet
        .headers
        .iter()
        .map(|h| TableColumn::new().set_header(h))
        .collect();
    let table = Table::new().set_columns(&columns).set_name(format!(
        "Table_{}_{}",
        index,
        sheet.name.replace(' ', "_")
    ));
    ws.add_table(
        HEADER_ROW,
        0,
        HEADER_ROW + n.max(1) as u32,
        cols - 1,
        &table,
    )?;
    let right = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
    let mut written = 0;
    for (r, row) in rows.enumerate() {
        written += 1;
        let r = HEADER_ROW + 1 + r as u32;
        for (c, cell) in row.as_ref().iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => ws.write_string(r, c, t.as_ref()).map(|_| ())?,
                Cell::Num(v, f) => ws
                    .write_number_with_format(r, c, *v, &formats[*f as usize])
                    .map(|_| ())?,
                Cell::Short(s) => ws.write_string_with_format(r, c, *s, &right).map(|_| ())?,
            }
        }
    }
    // Fewer only when a streamed table's rows could not all be read back,
    // which its maker reports as an error.
    debug_assert!(written <= n, "{}: more rows than the table's stated length", sheet.name);
    ws.ignore_error_range(
        HEADER_ROW + 1,
        0,
        HEADER_ROW + n.max(1) as u32,
        cols - 1,
        IgnoreError::NumberStoredAsText,
    )?;
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 28)?;
    if cols > 3 {
        ws.set_column_range_width(3, cols - 1, 16)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

fn add_chart(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    let Some(spec) = &sheet.chart else { return Ok(()) };
    if spec.rows.is_empty() {
        return Ok(());
    }
    let (first, last) = (HEADER_ROW + 1 + spec.rows.start as u32, HEADER_ROW + spec.rows.end as u32);
    let mut charts: Vec<(ChartType, Chart)> = Vec::new();
    for (i, (col, kind)) in spec.series.iter().enumerate() {
        let k = match charts.iter().position(|(t, _)| t == kind) {
            Some(k) => k,
            None => {
                charts.push((*kind, Chart::new(*kind)));
                charts.len() - 1
            }
        };
        let chart = &mut charts[k].1;
        let colour = PALETTE[i % PALETTE.len()];
        let mut format = ChartFormat::new();
        match kind {
            ChartType::Line => format.set_line(ChartLine::new().set_color(colour).set_width(2.25)),
            _ => format.set_solid_fill(ChartSolidFill::new().set_color(colour)),
        };
        chart
            .add_series()
            .set_name((sheet.name.as_str(), HEADER_ROW, *col))
            .set_categories((sheet.name.as_str(), first, spec.category_col, last, spec.category_col))
            .set_values((sheet.name.as_str(), first, *col, last, *col))
            .set_format(&mut format);
    }
    let mut charts = charts.into_iter().map(|(_, c)| c);
    let Some(mut main) = charts.next() else { return Ok(()) };
    if let Some(second) = charts.next() {
        main.combine(&second);
    }
    main.title().set_name(&spec.title);
    main.y_axis().set_name(&spec.y_title);
    main.set_alt_text(&spec.alt).set_width(720).set_height(400);
    let col = sheet.headers.len() as u16 + 1;
    ws.insert_chart(HEADER_ROW, col, &main)?;
    Ok(())
}

fn properties(as_at: Option<chrono::NaiveDate>, title: &str) -> Result<DocProperties, String> {
    let d = as_at.unwrap_or_default();
    let when = ExcelDateTime::from_ymd(d.year().clamp(1900, 9999) as u16, d.month() as u8, d.day() as u8).map_err(xerr)?;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("pmf")
        .set_subject("PPO Performance Management Framework")
        .set_keywords("PPO, prolific and priority offenders, PMF, NI 30, re-offending, statistics")
        .set_custom_property("Language", "en-GB")
        .set_creation_datetime(&when))
}

fn month_name(m: crate::calendar::Month) -> String {
    m.first_day().format("%B %Y").to_string()
}

/// Every report workbook is compressed fast: about 10% larger than at the
/// default level, in about half the time (a national report writes 12).
const ZIP_LEVEL: u8 = 2;

/// Cover, contents, notes, then the tables (and their charts).
pub fn workbook(r: &Report<'_>, area: &str, place: &str, tables: Vec<Sheet>) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(ZIP_LEVEL);
    let title = format!("PPO Performance Management Framework: headline measures, {area}, {}", month_name(r.cfg.period));
    wb.set_properties(&properties(r.as_at, &title)?);
    let bold = Format::new().set_bold();
    let big = Format::new().set_bold().set_font_size(16);
    {
        let ws = wb.add_worksheet();
        ws.set_name("Cover").map_err(xerr)?;
        ws.set_column_width(0, 120).map_err(xerr)?;
        ws.write_string_with_format(0, 0, &title, &big).map_err(xerr)?;
        let as_at = r.as_at.map(|d| d.format("%-d %B %Y").to_string()).unwrap_or_else(|| "not known (no return was used)".into());
        let scope = if place == "national" { "each scheme, each region and England and Wales" } else { "each scheme in the region, and the region" };
        let paras = [
            ("Period", format!("{} ({}). Returns for later months are not used.", month_name(r.cfg.period), r.cfg.period)),
            ("As at", format!("{as_at}: the latest date on which a return used here was submitted.")),
            ("Source", format!("Monthly PMF-1 data returns from local PPO schemes, validated and combined by pmf {} (template {}).", env!("CARGO_PKG_VERSION"), r.schema.version)),
            ("Contact", "The PPO lead in your Government Office; for the method, the Home Office PPO programme team.".to_string()),
            ("What is in this workbook", format!("Headline measures for {scope}: returns received, cohort size against band, status mix, flows, case management, proven offending, timeliness, demographics, NI 30, data quality and monthly trends, with charts. The Contents sheet lists and links every table.")),
            ("Shorthand", "[c] suppressed to protect confidentiality; [x] not available (no usable return); [z] not applicable (for example a rate over zero).".to_string()),
        ];
        let mut row = 2;
        for (head, text) in paras {
            ws.write_string_with_format(row, 0, head, &bold).map_err(xerr)?;
            ws.write_string(row + 1, 0, text).map_err(xerr)?;
            row += 3;
        }
    }
    let mut contents = Sheet {
        name: "Contents".into(),
        title: "Contents".into(),
        headers: vec!["Sheet name".into(), "Table title".into()],
        rows: vec![vec![Cell::Text("Notes".into()), Cell::Text("Notes, definitions and the NI 30 windows used".into())]],
        chart: None,
    };
    contents.rows.extend(tables.iter().map(|t| vec![Cell::Text(t.name.clone().into()), Cell::Text(t.title.clone().into())]));
    let notes = notes_sheet(r);
    let mut all = vec![contents, notes];
    all.extend(tables);
    for (i, sheet) in all.iter().enumerate() {
        let ws = add_sheet(&mut wb, sheet.rows.len())?;
        write_table(ws, sheet, (sheet.rows.len(), sheet.rows.iter()), i).map_err(xerr)?;
        if i == 0 {
            ws.set_column_width(0, 20).map_err(xerr)?;
            ws.set_column_width(1, 70).map_err(xerr)?;
            for (k, row) in sheet.rows.iter().enumerate() {
                if let Cell::Text(name) = &row[0] {
                    let url = Url::new(format!("internal:'{name}'!A1"));
                    ws.write_url_with_text(HEADER_ROW + 1 + k as u32, 0, url, name.as_ref()).map_err(xerr)?;
                }
            }
        }
        if i == 1 {
            ws.set_column_width(1, 110).map_err(xerr)?;
        }
        add_chart(ws, sheet).map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// A workbook of tables only (issues.xlsx), created on the as-at date,
/// written to `out` as it is zipped.
pub fn plain_workbook(out: impl std::io::Write + Send, as_at: Option<chrono::NaiveDate>, title: &str, tables: Vec<Streamed>) -> Result<(), String> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(as_at, title)?);
    wb.set_zip_compression_level(ZIP_LEVEL);
    for (i, table) in tables.into_iter().enumerate() {
        let ws = add_sheet(&mut wb, table.len)?;
        write_table(ws, &table.sheet, (table.len, table.rows), i).map_err(xerr)?;
    }
    wb.save_to_writer(out).map_err(xerr)
}

fn notes_sheet(r: &Report<'_>) -> Sheet<'static> {
    let mut notes: Vec<String> = vec![
        "Active members are those adopted on or before the last day of the month and not deselected by then. The cohort (M1, M2) is the active members on the Catch & Convict and Rehabilitate & Resettle strands; every other measure covers all strands.".into(),
        "Region and England and Wales figures add up the numerators and denominators of their schemes; they never average percentages. Head-counts (cohort, throughput, PPOs with an offence) count each PPO ID once. Medians pool the cases.".into(),
        "Cohort bands: a scheme covering one police BCU should have at least 15 (15 to 19 is the low band, 20 or more meets it); two or more BCUs, 60 to 100 (above 100 is a capacity check, not a failure). The register may set its own band.".into(),
        "A return is due by the sixth working day (Monday to Friday) of the next month; it is on time when its first submission is on or before that day.".into(),
        "Offences recorded are the proven offences a scheme recorded in the month, excluding the history listed when a person is adopted or a scheme starts.".into(),
        format!("NI 30: cautions are {} in the offence counts. An offence counts in a window when it was committed in the window and proven no later than six months after the window ends.", if r.cfg.ni30_cautions { "included" } else { "left out" }),
    ];
    for m in r.measures.iter().filter(|m| m.level != Level::Scheme && m.measure.ends_with("_year") && m.measure.starts_with("ni30_")) {
        if let Value::Num(y) = m.value {
            let y = y as i32;
            let kind = if m.measure.contains("outturn") { "Outturn year" } else { "Report year" };
            let note = format!(
                "{kind} {y}/{:02}: cohort as active on 1 February {y} (any strand but Prevent & Deter); baseline offences committed 1 October {} to 30 September {}; follow-up offences committed 1 April {y} to 31 March {}, proven by 30 September {}.",
                (y + 1) % 100, y - 2, y - 1, y + 1, y + 1
            );
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    notes.push("Coverage: offences reach pmf only through the returns, so a cohort member deselected before the follow-up ends has no offences reported after that. The NI 30 table gives the number of cohort members this affects.".into());
    notes.push("Shorthand: [c] suppressed to protect confidentiality; [x] not available, because the scheme sent no usable return for the month; [z] not applicable, such as a rate over zero or a mean over nobody.".into());
    if let Some(n) = r.cfg.suppress {
        notes.push(format!("Suppression: in region and England and Wales rows, counts below {n}, and rates built on them, are shown as [c]."));
    }
    Sheet {
        name: "Notes".into(),
        title: "Notes".into(),
        headers: vec!["Note number".into(), "Note text".into()],
        rows: notes.into_iter().enumerate().map(|(i, t)| vec![Cell::Num(i as f64 + 1.0, Fmt::Whole), Cell::Text(t.into())]).collect(),
        chart: None,
    }
}

pub use super::quality::{data_quality, trends};
