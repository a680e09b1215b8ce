//! Months and dates: the period arithmetic every stage shares. Pure: no clock.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar month, ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1..=12
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year)).then_some(Month { year, month })
    }

    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    /// `YYYY-MM`, the register's and the command line's form.
    pub fn parse_iso(text: &str) -> Option<Month> {
        let t = text.trim();
        let (y, m) = t.split_once('-')?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Month {
        self.add(1)
    }

    pub fn prev(self) -> Month {
        self.add(-1)
    }

    /// Months since year 0: a number for differences.
    pub fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }

    pub fn from_index(i: i32) -> Month {
        Month { year: i.div_euclid(12), month: (i.rem_euclid(12) + 1) as u32 }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn add(self, months: i32) -> Month {
        Month::from_index(self.index() + months)
    }

    /// The `n`th weekday (Monday–Friday) of this month: M12's due date is the
    /// sixth weekday of the month after the period.
    pub fn nth_weekday(self, n: u32) -> NaiveDate {
        let mut day = self.first_day();
        let mut seen = 0;
        loop {
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                seen += 1;
                if seen >= n {
                    return day;
                }
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => return day,
            }
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Age in completed years on `on`.
pub fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

/// UK form `dd/mm/yyyy`, for messages.
pub fn uk(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_arithmetic() {
        let jan = Month::parse_iso("2005-01").unwrap();
        assert_eq!(jan.prev(), Month { year: 2004, month: 12 });
        assert_eq!(jan.last_day(), d(2005, 1, 31));
        assert_eq!(Month::parse_iso("2008-02").unwrap().last_day(), d(2008, 2, 29));
        assert_eq!(Month::parse_iso("2005-13"), None);
        assert_eq!(Month::parse_iso("05-01"), None);
    }

    #[test]
    fn january_2005_returns_were_due_on_tuesday_8_february() {
        assert_eq!(Month::parse_iso("2005-02").unwrap().nth_weekday(6), d(2005, 2, 8));
    }

    #[test]
    fn ages_in_completed_years() {
        assert_eq!(age_on(d(1990, 3, 31), d(2008, 3, 30)), 17);
        assert_eq!(age_on(d(1990, 3, 31), d(2008, 3, 31)), 18);
        assert_eq!(age_on(d(1992, 2, 29), d(2008, 2, 28)), 15);
        assert_eq!(age_on(d(1992, 2, 29), d(2008, 2, 29)), 16);
    }
}
