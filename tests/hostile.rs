//! Damaged files: thousands of deterministic mutations of a good return
//! (flipped bytes, truncations, spliced garbage) each give a clean result,
//! accepted or with issues, and never stop the run.

mod common;
use common::{check_files, fixtures};
use pmf::ingest::Found;
use pmf::validate::Options;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_returns_never_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(7);
    let mut files = Vec::new();
    for name in ["formats/basic.xlsx", "formats/basic.xls", "formats/basic.xlsb", "formats/basic.ods"] {
        let good = std::fs::read(fixtures().join(name)).unwrap();
        for k in 0..300 {
            let mut bytes = good.clone();
            match k % 3 {
                0 => {
                    for _ in 0..1 + rng.below(8) {
                        let i = rng.below(bytes.len());
                        bytes[i] = rng.next() as u8;
                    }
                }
                1 => bytes.truncate(rng.below(bytes.len())),
                _ => {
                    let at = rng.below(bytes.len());
                    let junk: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
                    bytes.splice(at..at, junk);
                }
            }
            let path = dir.path().join(format!("{k}-{}", name.replace('/', "_")));
            std::fs::write(&path, &bytes).unwrap();
            files.push(Found { display: path.display().to_string(), path });
        }
    }
    let checked = check_files(&files, &Options::default());
    assert_eq!(checked.len(), files.len());
    for c in &checked {
        let rows = c.rows();
        assert_eq!(rows.read, rows.accepted + rows.excluded, "{}", c.file);
        if c.verdict == pmf::validate::Verdict::Rejected || rows.excluded > 0 {
            assert!(c.has_error(), "{}: rejected or excluded rows without an error", c.file);
        }
    }
}
