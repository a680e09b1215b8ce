//! PNC IDs (§1.5, §10): long form `YYYY/NNNNNNNC`, short form `YY/NNNNNNNC`,
//! a short serial only with the slash, the check letter in either case.
//! Normalised to the long form in upper case, held as a number ([`Pnc`]).

const CHECK: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";

/// A valid PNC ID: year × 10^7 + serial (the check letter follows from
/// them). Ordered as its long form sorts; shown as `YYYY/NNNNNNNC`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pnc(u64);

impl Pnc {
    pub fn new(year: u32, serial: u32) -> Pnc {
        Pnc(u64::from(year) * 10_000_000 + u64::from(serial % 10_000_000))
    }
    pub fn year(self) -> u32 {
        (self.0 / 10_000_000) as u32
    }
    pub fn serial(self) -> u32 {
        (self.0 % 10_000_000) as u32
    }
    /// A number unique to the ID, for grouping.
    pub fn number(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for Pnc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}/{:07}{}",
            self.year(),
            self.serial(),
            check_letter(self.year(), self.serial())
        )
    }
}

impl std::fmt::Debug for Pnc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl PartialEq<String> for Pnc {
    fn eq(&self, other: &String) -> bool {
        self.to_string() == *other
    }
}

impl PartialEq<&str> for Pnc {
    fn eq(&self, other: &&str) -> bool {
        self.to_string() == *other
    }
}

/// The check letter for a year and serial.
pub fn check_letter(year: u32, serial: u32) -> char {
    let n = u64::from(year % 100) * 10_000_000 + u64::from(serial);
    CHECK[(n % 23) as usize] as char
}

/// Read a PNC ID. `pivot` is the two-digit year of the return's period: a
/// short-form year YY is 19YY when YY > pivot, else 20YY. The `Err` says what
/// is wrong, for a C04 message.
pub fn parse_pnc(raw: &str, pivot: u32) -> Result<Pnc, String> {
    // Read in place: only ASCII is upper-cased, so byte positions hold.
    let s = raw.trim();
    let form = "a PNC ID looks like 2001/0123456F (year, slash, serial of up to 7 digits, check letter)";
    let (year_txt, rest) = match s.split_once('/') {
        Some(parts) => parts,
        None => {
            // Without a slash only the full 7-digit serial is accepted (§10).
            let split = match s.len() {
                10 => 2,
                12 => 4,
                _ => return Err(format!("not a PNC ID; {form}")),
            };
            if !s.is_char_boundary(split) {
                return Err(format!("not a PNC ID; {form}"));
            }
            s.split_at(split)
        }
    };
    if !(year_txt.len() == 2 || year_txt.len() == 4) || !year_txt.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the year must be 2 or 4 digits; {form}"));
    }
    let Some(letter) = rest.chars().last().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_uppercase()) else {
        return Err(format!("the check letter is missing; {form}"));
    };
    let digits = &rest[..rest.len() - 1];
    if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the serial must be 1 to 7 digits; {form}"));
    }
    let serial: u32 = digits.parse().map_err(|_| format!("not a PNC ID; {form}"))?;
    let mut year: u32 = year_txt.parse().map_err(|_| format!("not a PNC ID; {form}"))?;
    if year_txt.len() == 2 {
        year += if year > pivot { 1900 } else { 2000 };
    }
    let want = check_letter(year, serial);
    if letter != want {
        return Err(format!(
            "wrong check letter {letter}: for {year}/{serial:07} it is {want}; check the ID against the PNC"
        ));
    }
    Ok(Pnc::new(year, serial))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms_normalise_to_the_long_form() {
        let cases = [
            ("2001/0123456F", 8, "2001/0123456F"),
            ("2001/0123456f", 8, "2001/0123456F"),
            ("01/0123456F", 8, "2001/0123456F"),
            ("01/123456F", 8, "2001/0123456F"),
            ("010123456F", 8, "2001/0123456F"),
            ("20010123456F", 8, "2001/0123456F"),
            ("2003/42Q", 8, "2003/0000042Q"),
            ("98/765432G", 8, "1998/0765432G"),
            (" 1998/0765432G ", 8, "1998/0765432G"),
        ];
        for (raw, pivot, want) in cases {
            assert_eq!(
                parse_pnc(raw, pivot).map(|p| p.to_string()).as_deref(),
                Ok(want),
                "{raw}"
            );
        }
    }

    #[test]
    fn short_year_pivots_on_the_period() {
        // YY greater than the period's two-digit year is 19YY.
        let y = 1909;
        let l = check_letter(y, 1);
        assert_eq!(
            parse_pnc(&format!("09/0000001{l}"), 8).unwrap().to_string(),
            format!("1909/0000001{l}")
        );
        let l = check_letter(2008, 1);
        assert_eq!(
            parse_pnc(&format!("08/0000001{l}"), 8).unwrap().to_string(),
            format!("2008/0000001{l}")
        );
    }

    #[test]
    fn malformed_ids_say_why() {
        assert!(parse_pnc("2001/0123456G", 8).unwrap_err().contains("check letter G"));
        assert!(parse_pnc("0112345F", 8).is_err(), "short serial without slash");
        assert!(parse_pnc("2001/01234567F", 8).is_err(), "8-digit serial");
        assert!(parse_pnc("2001/0123456", 8).unwrap_err().contains("check letter is missing"));
        assert!(parse_pnc("201/0123456F", 8).is_err());
        assert!(parse_pnc("", 8).is_err());
        assert!(parse_pnc("é0123456789", 8).is_err());
    }
}
