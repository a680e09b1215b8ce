//! Invented names for the synthetic register: places (scheme names, CDRPs,
//! CJS areas), region code prefixes, and the analysts who prepare returns.
//!
//! Invariants: every place name handed out by one [`Places`] is unique (so
//! scheme names and CDRPs never collide); names never contain a comma or a
//! semicolon (the register's separators); no real scheme is named on
//! purpose.

use super::rng::Rng;
use std::collections::HashSet;

/// Two-letter scheme-code prefixes, one per region in `register::REGIONS`
/// order.
pub const REGION_PREFIX: [&str; 10] = ["NE", "NW", "YH", "EM", "WM", "EE", "LN", "SE", "SW", "WA"];

const HEADS: [&str; 48] = [
    "Ash", "Brack", "Cold", "Dun", "Elm", "Fen", "Gran", "Hart", "Ket", "Lang", "Mar", "Nor", "Old", "Pen",
    "Red", "Stan", "Thorn", "Wend", "Wych", "Bar", "Craw", "Dal", "Eas", "Fal", "Gil", "Hol", "Ire", "Kil",
    "Lyn", "Mill", "Nether", "Oak", "Pres", "Rod", "Sal", "Tam", "Ul", "Ver", "Whit", "Yar", "Brad", "Cal",
    "Dray", "Ever", "Fox", "Glen", "Hals", "Lox",
];

const TAILS: [&str; 24] = [
    "ford", "ley", "ton", "bury", "wick", "ham", "side", "dale", "field", "mouth", "borough", "by", "stow",
    "combe", "well", "mere", "worth", "caster", "bridge", "moor", "hurst", "gate", "holme", "port",
];

const QUALIFIERS: [&str; 8] = ["North", "South", "East", "West", "Upper", "Lower", "Great", "Little"];

const AREA_TAILS: [&str; 4] = ["shire", "land", "ria", " and Wold"];

const INITIALS: [&str; 20] = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "V", "W", "Y"];

const SURNAMES: [&str; 40] = [
    "Abbott", "Barker", "Chadwick", "Dixon", "Ellison", "Fletcher", "Gibson", "Harper", "Ingram", "Jarvis",
    "Kershaw", "Lowther", "Metcalfe", "Nolan", "Oakes", "Pickering", "Quinn", "Rowntree", "Sutcliffe",
    "Thwaite", "Usher", "Varley", "Walsh", "Yeadon", "Akhtar", "Begum", "Clarke", "Davies", "Evans",
    "Hughes", "Iqbal", "Jones", "Khan", "Lewis", "Morgan", "Owen", "Patel", "Roberts", "Singh", "Thomas",
];

/// A source of unique place names.
#[derive(Debug, Default)]
pub struct Places {
    used: HashSet<String>,
}

impl Places {
    /// A new, unused place name such as `Thornbury` or `Upper Kilmere`.
    pub fn place(&mut self, rng: &mut Rng) -> String {
        for attempt in 0..200 {
            let head = HEADS[rng.below(HEADS.len())];
            let tail = TAILS[rng.below(TAILS.len())];
            let base = format!("{head}{tail}");
            let name = if attempt < 20 { base } else { format!("{} {base}", QUALIFIERS[rng.below(QUALIFIERS.len())]) };
            if self.used.insert(name.clone()) {
                return name;
            }
        }
        // 48 × 24 × 9 names are far more than any register uses; this only
        // keeps the function total.
        let name = format!("New Town {}", self.used.len() + 1);
        self.used.insert(name.clone());
        name
    }

    /// A Local Criminal Justice Board area such as `Fenshire`.
    pub fn area(&mut self, rng: &mut Rng) -> String {
        for _ in 0..200 {
            let head = HEADS[rng.below(HEADS.len())];
            let tail = AREA_TAILS[rng.below(AREA_TAILS.len())];
            let name = format!("{head}{tail}");
            if self.used.insert(name.clone()) {
                return name;
            }
        }
        let name = format!("Area {}", self.used.len() + 1);
        self.used.insert(name.clone());
        name
    }
}

/// An analyst's name for "Prepared by", such as `K. Metcalfe`.
pub fn analyst(rng: &mut Rng) -> String {
    format!("{}. {}", INITIALS[rng.below(INITIALS.len())], SURNAMES[rng.below(SURNAMES.len())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::rng::Tag;

    #[test]
    fn places_are_unique_and_safe() {
        let mut rng = Rng::stream(1, Tag::Register, &[]);
        let mut p = Places::default();
        let names: Vec<String> = (0..2000).map(|_| p.place(&mut rng)).collect();
        let set: HashSet<&String> = names.iter().collect();
        assert_eq!(set.len(), names.len());
        assert!(names.iter().all(|n| !n.contains(',') && !n.contains(';')));
    }
}
