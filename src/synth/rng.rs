//! The generator's randomness: a tiny seeded PRNG (splitmix64), the draws
//! the world needs, and the date arithmetic they are used with.
//!
//! Invariants: the same seed gives the same sequence on every platform (no
//! floating-point state, only `u64` arithmetic until the final conversion);
//! a stream is named by the seed and a list of tags, so drawing more from
//! one stream never shifts another (a person's life does not change because
//! a scheme elsewhere adopted one more PPO); nothing here panics.

use chrono::{Datelike, Months, NaiveDate, TimeDelta, Weekday};

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 finaliser: a good 64-bit mix.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a stream is for; part of its name.
#[derive(Debug, Clone, Copy)]
pub enum Tag {
    Register = 1,
    Scheme = 2,
    Person = 3,
    Offences = 4,
    Submit = 5,
    Extras = 6,
    History = 7,
}

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The stream named by the seed, a purpose and up to a few numbers.
    pub fn stream(seed: u64, tag: Tag, ids: &[u64]) -> Rng {
        let mut h = mix(seed ^ GOLDEN);
        h = mix(h ^ (tag as u64).wrapping_mul(GOLDEN));
        for &id in ids {
            h = mix(h.wrapping_add(GOLDEN) ^ mix(id.wrapping_add(0x5851_F42D_4C95_7F2D)));
        }
        Rng(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as i64
    }

    /// Uniform index below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.range(0, n as i64 - 1) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One of the items, by weight. The lists are constants and never empty;
    /// `default` is only a formal fallback.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u32)], default: T) -> T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut x = self.range(0, total as i64 - 1) as u64;
        for (item, w) in items {
            if x < u64::from(*w) {
                return *item;
            }
            x -= u64::from(*w);
        }
        default
    }

    /// A Poisson count (Knuth's method; the means here are small).
    pub fn poisson(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 || !mean.is_finite() {
            return 0;
        }
        let limit = (-mean.min(50.0)).exp();
        let mut k = 0;
        let mut p = self.unit();
        while p > limit && k < 500 {
            k += 1;
            p *= self.unit();
        }
        k
    }

    /// `x` rounded down or up at random, keeping its mean.
    pub fn stoch_round(&mut self, x: f64) -> u32 {
        if x <= 0.0 || !x.is_finite() {
            return 0;
        }
        let base = x.floor();
        base as u32 + u32::from(self.chance(x - base))
    }

    /// A day uniformly in `from..=to` (`from` when the range is empty).
    pub fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days();
        add_days(from, self.range(0, span))
    }
}

/// `d` moved by `n` days; unchanged if that leaves chrono's range (which the
/// checked configuration keeps far away).
pub fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_signed(TimeDelta::days(n)).unwrap_or(d)
}

/// `d` moved back `n` calendar months (the 24-month history windows).
pub fn months_back(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(n)).unwrap_or(d)
}

/// `d` moved on `n` calendar months.
pub fn months_after(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}

/// `d`, or the Monday after it when it falls on a weekend.
pub fn weekday_on_or_after(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => add_days(d, 2),
        Weekday::Sun => add_days(d, 1),
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let draw = |id: u64| {
            let mut r = Rng::stream(1, Tag::Person, &[id]);
            (0..5).map(|_| r.next_u64()).collect::<Vec<u64>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7));
        let mut c = Rng::stream(1, Tag::Person, &[8]);
        assert_ne!(a[0], c.next_u64());
        let mut r = Rng::stream(3, Tag::Scheme, &[]);
        for _ in 0..1000 {
            let x = r.range(-3, 4);
            assert!((-3..=4).contains(&x));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn poisson_mean_is_about_right() {
        let mut r = Rng::stream(9, Tag::Offences, &[1]);
        let n = 20_000;
        let total: u32 = (0..n).map(|_| r.poisson(0.7)).sum();
        let mean = f64::from(total) / f64::from(n);
        assert!((mean - 0.7).abs() < 0.03, "{mean}");
    }
}
