//! Reading one cell's value as a type (§1.5, §10). Pure functions: a value
//! in, a typed value or the reason it is not one out.

use crate::calendar::Month;
use crate::ingest::Value;
use crate::schema::{Code, CodeList};
use chrono::{Datelike, NaiveDate};

/// Why a cell could not be read as its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bad {
    /// C02: not of the type (the message says what was expected).
    Type(String),
    /// C05: a date before 1 January 1900.
    TooEarly,
}

/// Blank: no cell, empty text, or text of spaces only.
pub fn is_blank(v: Option<&Value>) -> bool {
    match v {
        None => true,
        Some(Value::Text(t)) => t.trim().is_empty(),
        Some(_) => false,
    }
}

/// The value as found, for quoting in an issue.
pub fn shown(v: &Value) -> String {
    match v {
        Value::Text(t) => t.to_string(),
        Value::Number(n) => number_text(*n),
        Value::DateSerial(n) => number_text(*n),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Value::Error(e) => e.clone(),
        Value::Uncalculated => "(a formula with no saved value)".to_string(),
    }
}

/// The value as found, with a date cell shown as the date it displays.
pub fn shown_dated(v: &Value, date1904: bool) -> String {
    match v {
        Value::DateSerial(n) => serial_date(*n, date1904).map(crate::calendar::uk).unwrap_or_else(|_| number_text(*n)),
        other => shown(other),
    }
}

/// A number as a person would type it: `12`, not `12.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn error_cell(e: &str) -> Bad {
    Bad::Type(format!("the cell holds the Excel error {e}; correct the formula or type the value"))
}

fn uncalculated() -> Bad {
    Bad::Type("the cell holds a formula with no saved value; open the workbook in Excel so it calculates, save it, or type the value".into())
}

/// Free text, trimmed, borrowed where the cell holds text.
pub fn text_of(v: &Value) -> Result<std::borrow::Cow<'_, str>, Bad> {
    match v {
        Value::Text(t) => Ok(std::borrow::Cow::Borrowed(t.trim())),
        other => read_text(other).map(std::borrow::Cow::Owned),
    }
}

/// Free text: numbers are written as typed.
pub fn read_text(v: &Value) -> Result<String, Bad> {
    match v {
        Value::Error(e) => Err(error_cell(e)),
        Value::Uncalculated => Err(uncalculated()),
        other => Ok(shown(other).trim().to_string()),
    }
}

/// An Excel serial day number in the 1900 or 1904 date system.
pub fn serial_date(serial: f64, date1904: bool) -> Result<NaiveDate, Bad> {
    if !serial.is_finite() || serial.abs() > 3_000_000.0 {
        return Err(Bad::Type("not a date".into()));
    }
    let days = serial.floor() as i64;
    // Day numbers counted from 1 January of year 1 (chrono's), so a serial
    // becomes a date by one addition: every date cell of every return
    // comes through here.
    let epoch = if date1904 {
        EPOCH_1904
    } else if days < 1 {
        return Err(Bad::TooEarly);
    } else if days == 60 {
        return Err(Bad::Type("29/02/1900 does not exist (an Excel quirk); type the real date".into()));
    } else if days < 60 {
        EPOCH_1900_TO_FEB // Excel's 1 January 1900 is day 1
    } else {
        EPOCH_1900 // Excel counts 29 February 1900, which never was
    };
    let date = i32::try_from(epoch + days).ok().and_then(NaiveDate::from_num_days_from_ce_opt);
    let date = date.ok_or_else(|| Bad::Type("not a date".into()))?;
    check_1900(date)
}

/// chrono's day numbers of 1 January 1904, 31 December 1899 and
/// 30 December 1899 (`serials_in_both_date_systems` holds them to it).
const EPOCH_1904: i64 = 695_056;
const EPOCH_1900_TO_FEB: i64 = 693_595;
const EPOCH_1900: i64 = 693_594;
/// chrono's day number of 1 January 1900.
const DAY_1900: i32 = 693_596;

fn check_1900(date: NaiveDate) -> Result<NaiveDate, Bad> {
    if date.num_days_from_ce() < DAY_1900 {
        Err(Bad::TooEarly)
    } else {
        Ok(date)
    }
}

const DATE_FORMS: &str = "a date, e.g. 31/01/2005, 31 Jan 2005 or 2005-01-31 (day first)";

/// A date cell, a number (an Excel serial), or text in a form of §1.5.
pub fn read_date(v: &Value, date1904: bool) -> Result<NaiveDate, Bad> {
    match v {
        Value::DateSerial(n) | Value::Number(n) => serial_date(*n, date1904),
        Value::Text(t) => match parse_text_date(t) {
            Some(d) => check_1900(d),
            None => Err(Bad::Type(format!("not {DATE_FORMS}"))),
        },
        Value::Bool(_) => Err(Bad::Type(format!("not {DATE_FORMS}"))),
        Value::Error(e) => Err(error_cell(e)),
        Value::Uncalculated => Err(uncalculated()),
    }
}

/// Text dates, always day first; a trailing time part is dropped.
pub fn parse_text_date(text: &str) -> Option<NaiveDate> {
    let s = text.trim();
    let (date, rest) = split_date_prefix(s)?;
    let rest = rest.trim();
    if !rest.is_empty() && !is_time(rest) {
        return None;
    }
    Some(date)
}

fn split_date_prefix(s: &str) -> Option<(NaiveDate, &str)> {
    // Numeric forms: YYYY-MM-DD (ISO), or D/M/YYYY, D-M-YYYY, D.M.YYYY.
    let end = s.find(|c: char| !(c.is_ascii_digit() || matches!(c, '/' | '-' | '.'))).unwrap_or(s.len());
    let head = &s[..end];
    if let Some(d) = numeric_date(head) {
        return Some((d, &s[end..]));
    }
    // Month-name form: D Mon YYYY (or D-Mon-YYYY), month abbreviated or full.
    let parts: Vec<&str> = s.splitn(4, [' ', '-']).collect();
    if parts.len() >= 3 {
        let day = small_number(parts[0])?;
        let month = month_name(parts[1])?;
        let year = year4(parts[2])?;
        let used = parts[0].len() + parts[1].len() + parts[2].len() + 2;
        return NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, &s[used.min(s.len())..]));
    }
    None
}

fn numeric_date(head: &str) -> Option<NaiveDate> {
    for sep in ['/', '-', '.'] {
        let parts: Vec<&str> = head.split(sep).collect();
        if parts.len() != 3 {
            continue;
        }
        if sep == '-' && parts[0].len() == 4 {
            let (y, m, d) = (year4(parts[0])?, small_number(parts[1])?, small_number(parts[2])?);
            return NaiveDate::from_ymd_opt(y, m, d);
        }
        let (d, m, y) = (small_number(parts[0])?, small_number(parts[1])?, year4(parts[2])?);
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    None
}

fn small_number(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

fn year4(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

const MONTHS: [&str; 12] =
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

fn month_name(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.').to_lowercase();
    if s.len() < 3 {
        return None;
    }
    MONTHS.iter().position(|m| *m == s || (s.len() == 3 && m.starts_with(&s)) || (s == "sept" && *m == "september")).map(|i| i as u32 + 1)
}

/// `14:30`, `14:30:00`, `14:30:00.000`, `2:30 pm`, ISO `T14:30:00Z`.
fn is_time(rest: &str) -> bool {
    let r = rest.strip_prefix('T').unwrap_or(rest).trim();
    let lower = r.to_lowercase();
    let r = lower.trim_end_matches("am").trim_end_matches("pm").trim_end_matches('z').trim();
    let r = match r.find(['+']) {
        Some(i) => &r[..i],
        None => r,
    };
    let parts: Vec<&str> = r.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().enumerate().all(|(i, p)| {
            let p = if i == 2 { p.split('.').next().unwrap_or("") } else { p };
            !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit())
        })
}

/// The Period: a date anywhere in the month, or text `2005-01`, `Jan 2005`,
/// `January 2005` (or a text date).
pub fn read_month(v: &Value, date1904: bool) -> Result<Month, Bad> {
    let bad = || Bad::Type("not a month; write it as 2005-01, Jan 2005 or a date in the month".into());
    match v {
        Value::Text(t) => {
            let t = t.trim();
            if let Some(m) = Month::parse_iso(t) {
                return Ok(m);
            }
            let words: Vec<&str> = t.split_whitespace().collect();
            if words.len() == 2 {
                if let (Some(m), Some(y)) = (month_name(words[0]), year4(words[1])) {
                    return Month::new(y, m).ok_or_else(bad);
                }
            }
            parse_text_date(t).map(Month::of).ok_or_else(bad)
        }
        Value::DateSerial(_) | Value::Number(_) => read_date(v, date1904).map(Month::of),
        Value::Bool(_) => Err(bad()),
        Value::Error(e) => Err(error_cell(e)),
        Value::Uncalculated => Err(uncalculated()),
    }
}

/// A whole number >= 0; `12.0` and `"12.0"` read as 12 (§10).
pub fn read_whole(v: &Value) -> Result<i64, Bad> {
    let n = match v {
        Value::Number(n) | Value::DateSerial(n) => *n,
        Value::Text(t) => t.trim().parse::<f64>().map_err(|_| Bad::Type("not a whole number".into()))?,
        Value::Bool(_) => return Err(Bad::Type("not a whole number".into())),
        Value::Error(e) => return Err(error_cell(e)),
        Value::Uncalculated => return Err(uncalculated()),
    };
    if !n.is_finite() || n.fract() != 0.0 {
        return Err(Bad::Type("a whole number is required, not a fraction".into()));
    }
    if n < 0.0 {
        return Err(Bad::Type("a whole number of 0 or more is required, not a negative number".into()));
    }
    if n > 1e12 {
        return Err(Bad::Type("the number is too large".into()));
    }
    Ok(n as i64)
}

/// A code or one of its accepted labels; `None` when it is not in the list.
pub fn read_code(v: &Value, list: &CodeList) -> Result<Option<Code>, Bad> {
    match v {
        Value::Error(e) => Err(error_cell(e)),
        Value::Uncalculated => Err(uncalculated()),
        Value::Text(t) => Ok(list.normalise(t)),
        other => Ok(list.normalise(&shown(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_dates_are_day_first() {
        let cases = [
            ("02/03/2005", Some(d(2005, 3, 2))),
            ("2/3/2005", Some(d(2005, 3, 2))),
            ("31-01-2005", Some(d(2005, 1, 31))),
            ("31.01.2005", Some(d(2005, 1, 31))),
            ("31 Jan 2005", Some(d(2005, 1, 31))),
            ("31 JANUARY 2005", Some(d(2005, 1, 31))),
            ("1 sept 2005", Some(d(2005, 9, 1))),
            ("31-Jan-2005", Some(d(2005, 1, 31))),
            ("2005-01-31", Some(d(2005, 1, 31))),
            ("2005-01-31T10:20:00", Some(d(2005, 1, 31))),
            ("2005-01-31 10:20", Some(d(2005, 1, 31))),
            ("06/03/2008 14:30", Some(d(2008, 3, 6))),
            ("06/03/2008 2:30 PM", Some(d(2008, 3, 6))),
            (" 3 Mar 2008 ", Some(d(2008, 3, 3))),
            ("31/02/2005", None),
            ("31/01/05", None),
            ("01/31/2005", None),
            ("2005/01/31", None),
            ("31/01-2005", None),
            ("yesterday", None),
            ("31 Janu 2005", None),
            ("06/03/2008 soon", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_text_date(text), want, "{text:?}");
        }
    }

    #[test]
    fn serials_in_both_date_systems() {
        assert_eq!(serial_date(38353.0, false), Ok(d(2005, 1, 1)));
        assert_eq!(serial_date(38353.75, false), Ok(d(2005, 1, 1)));
        assert_eq!(serial_date(36891.0, true), Ok(d(2005, 1, 1)));
        assert_eq!(serial_date(1.0, false), Ok(d(1900, 1, 1)));
        assert_eq!(serial_date(61.0, false), Ok(d(1900, 3, 1)));
        assert_eq!(serial_date(0.0, false), Err(Bad::TooEarly));
        let ce = |y, m, day| i64::from(d(y, m, day).num_days_from_ce());
        assert_eq!((EPOCH_1904, EPOCH_1900_TO_FEB, EPOCH_1900), (ce(1904, 1, 1), ce(1899, 12, 31), ce(1899, 12, 30)));
        assert_eq!(i64::from(DAY_1900), ce(1900, 1, 1));
        assert_eq!(serial_date(59.0, false), Ok(d(1900, 2, 28)));
        assert_eq!(serial_date(2_958_465.0, false), Ok(d(9999, 12, 31)), "Excel's last day");
        assert!(matches!(serial_date(f64::NAN, false), Err(Bad::Type(_))));
        assert!(matches!(serial_date(1e300, false), Err(Bad::Type(_))));
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(read_whole(&Value::Text(" 12 ".into())), Ok(12));
        assert_eq!(read_whole(&Value::Text("12.0".into())), Ok(12));
        assert_eq!(read_whole(&Value::Number(12.0)), Ok(12));
        assert!(read_whole(&Value::Number(12.5)).is_err());
        assert!(read_whole(&Value::Number(-1.0)).is_err());
        assert!(read_whole(&Value::Text("twelve".into())).is_err());
        assert!(read_whole(&Value::Error("#N/A".into())).is_err());
    }

    #[test]
    fn months() {
        let m = |t: &str| read_month(&Value::Text(t.into()), false).ok();
        let jan = Month::new(2005, 1);
        assert_eq!(m("2005-01"), jan);
        assert_eq!(m("Jan 2005"), jan);
        assert_eq!(m("january 2005"), jan);
        assert_eq!(m("15/01/2005"), jan);
        assert_eq!(m("2005"), None);
        assert_eq!(read_month(&Value::DateSerial(38383.0), false).ok(), jan);
    }
}
