//! Property tests of the cell-value readers (§1.5): any date written in
//! any accepted form reads back as that date; whole numbers as numbers or
//! text read back, fractions and negatives never do; codes and labels in any
//! case and spacing normalise to their code; PNC IDs with the right check
//! letter in every form normalise to the long form, and a wrong letter is
//! always rejected. Kept thin: only the public readers are called.

use chrono::{Datelike, NaiveDate};
use pmf::ingest::Value;
use pmf::validate::{check_letter, parse_pnc, parse_text_date, read_code, read_date, read_whole, serial_date};
use proptest::prelude::*;

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 1 Jan 1900 to 31 Dec 2099.
    (0i64..73_048).prop_map(|n| NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(n))
}

/// Vary the case of a text, one choice per character.
fn recase(text: &str, mask: u64) -> String {
    text.chars().enumerate().map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }).collect()
}

/// The date in form `form` (0..12), the month name cased by `mask`.
fn written(d: NaiveDate, form: u8, mask: u64) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let full = MONTHS[m as usize - 1];
    match form {
        0 => format!("{y:04}-{m:02}-{day:02}"),
        1 => format!("{day}/{m}/{y:04}"),
        2 => format!("{day:02}/{m:02}/{y:04}"),
        3 => format!("{day:02}-{m:02}-{y:04}"),
        4 => format!("{day}-{m}-{y:04}"),
        5 => format!("{day:02}.{m:02}.{y:04}"),
        6 => format!("{day}.{m}.{y:04}"),
        7 => format!("{day} {} {y:04}", recase(&full[..3], mask)),
        8 => format!("{day:02} {} {y:04}", recase(full, mask)),
        9 => format!("{day}-{}-{y:04}", recase(&full[..3], mask)),
        10 => format!("{day:02}/{m:02}/{y:04} {:02}:{:02}", mask % 24, mask % 60),
        _ => format!("{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}", mask % 24, mask % 60, mask % 59),
    }
}

/// Excel's 1900-system serial of a day (counting its 29 February 1900).
fn serial(d: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    let n = (d - epoch).num_days();
    (if d < NaiveDate::from_ymd_opt(1900, 3, 1).unwrap() { n - 1 } else { n }) as f64
}

fn pnc_form(year: u32, serial: u32, letter: char, form: u8) -> String {
    let yy = year % 100;
    match form {
        0 => format!("{year:04}/{serial:07}{letter}"),
        1 => format!("{yy:02}/{serial:07}{letter}"),
        2 => format!("{year:04}/{serial}{letter}"),
        3 => format!("{yy:02}/{serial}{letter}"),
        4 => format!("{year:04}{serial:07}{letter}"),
        5 => format!(" {year:04}/{serial:07}{} ", letter.to_ascii_lowercase()),
        _ => format!("{yy:02}{serial:07}{letter}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_date_in_any_accepted_form_reads_back(d in any_date(), form in 0u8..12, mask in any::<u64>(), pad in "[ ]{0,3}") {
        let text = format!("{pad}{}{pad}", written(d, form, mask));
        prop_assert_eq!(parse_text_date(&text), Some(d), "{:?}", text);
        prop_assert_eq!(read_date(&Value::Text(text.as_str().into()), false).ok(), Some(d), "{:?}", text);
        // The same day as a date cell, in both date systems.
        prop_assert_eq!(read_date(&Value::DateSerial(serial(d)), false).ok(), Some(d));
        if d >= NaiveDate::from_ymd_opt(1904, 1, 1).unwrap() {
            prop_assert_eq!(serial_date(serial(d) - 1462.0, true).ok(), Some(d));
        }
    }

    #[test]
    fn text_that_is_not_a_date_is_not_read_as_one(d in any_date(), junk in "[a-z]{1,5}") {
        // Two-digit years are not accepted (decisions.md), nor trailing words.
        let short = format!("{:02}/{:02}/{:02}", d.day(), d.month(), d.year() % 100);
        prop_assert_eq!(parse_text_date(&short), None, "{:?}", short);
        let worded = format!("{} {junk}", written(d, 2, 0));
        prop_assert_eq!(parse_text_date(&worded), None, "{:?}", worded);
    }

    #[test]
    fn whole_numbers_read_as_numbers_or_text(n in 0i64..1_000_000_000, pad in "[ ]{0,2}", frac in 1u32..1000) {
        for v in [Value::Number(n as f64), Value::Text(format!("{pad}{n}{pad}").into()), Value::Text(format!("{n}.0").into()), Value::Text(format!("{pad}{n}.00").into())] {
            prop_assert_eq!(read_whole(&v).ok(), Some(n), "{:?}", v);
        }
        let fraction = n as f64 + f64::from(frac) / 1000.0;
        for v in [Value::Number(fraction), Value::Text(format!("{fraction}").into()), Value::Number(-(n as f64) - 1.0), Value::Text(format!("-{}", n + 1).into())] {
            prop_assert!(read_whole(&v).is_err(), "{:?}", v);
        }
    }

    #[test]
    fn codes_and_labels_normalise_whatever_their_case_and_spaces(pick in any::<prop::sample::Index>(), mask in any::<u64>(), pad in "[ ]{0,3}") {
        static SCHEMA: std::sync::OnceLock<pmf::schema::Schema> = std::sync::OnceLock::new();
        let schema = SCHEMA.get_or_init(|| pmf::schema::Schema::pmf1().unwrap());
        let list = &schema.lists[pick.index(schema.lists.len())];
        let entry = &list.codes[pick.index(list.codes.len())];
        for text in std::iter::once(&entry.code).chain(&entry.labels) {
            let v = Value::Text(format!("{pad}{}{pad}", recase(text, mask)).into());
            prop_assert_eq!(format!("{:?}", read_code(&v, list).ok().flatten()), format!("{:?}", Some(entry.code.as_str())), "{:?} in {}", v, list.name);
        }
        let v = Value::Text(format!("{}X9Z", entry.code).into());
        prop_assert_eq!(format!("{:?}", read_code(&v, list).ok().flatten()), "None", "{:?}", v);
    }

    #[test]
    fn pnc_ids_normalise_to_the_long_form_and_a_wrong_letter_is_rejected(
        year in 1950u32..2030, serial in 0u32..10_000_000, form in 0u8..7, wrong in 1usize..23,
    ) {
        let pivot = 8; // the return's period is in 2008
        let year = if year % 100 > pivot && year >= 2000 { year - 100 } else { year };
        let year = if year % 100 <= pivot && year < 2000 { year + 100 } else { year };
        let right = check_letter(year, serial);
        let long = format!("{year:04}/{serial:07}{right}");
        let text = pnc_form(year, serial, right, form);
        prop_assert_eq!(parse_pnc(&text, pivot).map(|p| p.to_string()), Ok(long.clone()), "{:?}", text);
        const LETTERS: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";
        let at = LETTERS.iter().position(|&b| b as char == right).unwrap();
        let bad = LETTERS[(at + wrong) % 23] as char;
        let text = pnc_form(year, serial, bad, form);
        prop_assert!(parse_pnc(&text, pivot).is_err(), "{:?} was accepted", text);
    }
}
