//! An append-only store of bytes in an unnamed temporary file: what a run
//! sets aside until its outputs need it ([`super::Spill`] for offences,
//! a [`Shelf`] for issues and `validate`'s spans), so that memory does not grow with the
//! returns read (issue 4).
//!
//! Invariants: bytes read back are the bytes appended at that place; the
//! last block (under [`BLOCK`] bytes) is held in memory, so a run that sets
//! aside less never makes a file; when no temporary file can be made or
//! written, the rest stays in memory and nothing else changes. The file is
//! removed by the system when it is closed, however the run ends.

use super::Pnc;
use crate::schema::Code;
use chrono::{Datelike, NaiveDate};
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, MutexGuard};

/// Bytes are written to the file in blocks of about this size.
const BLOCK: usize = 32 * 1024;

#[derive(Debug, Default)]
pub struct Tape {
    /// The temporary file, once made.
    file: Option<std::fs::File>,
    /// Bytes in the file: places `0..written`.
    written: u64,
    /// The bytes after them.
    held: Vec<u8>,
    /// No more is written to a file: one could not be made or written.
    in_memory: bool,
}

impl Tape {
    /// Where the next byte appended goes.
    pub fn len(&self) -> u64 {
        self.written + self.held.len() as u64
    }

    pub fn append(&mut self, bytes: &[u8]) {
        self.held.extend_from_slice(bytes);
        if self.held.len() >= BLOCK {
            self.flush();
        }
    }

    /// `len` bytes from place `at`. An error only when the system lost or
    /// cut this run's temporary file, or when asked past the end.
    pub fn read(&mut self, at: u64, len: usize) -> Result<Vec<u8>, String> {
        let end = at.checked_add(len as u64).filter(|&e| e <= self.len()).ok_or("pmf's temporary store was asked for bytes it does not have (an internal error)")?;
        let mut out = Vec::with_capacity(len);
        if at < self.written {
            let f = self.file.as_mut().ok_or("pmf's temporary file is gone")?;
            let upto = end.min(self.written);
            out.resize((upto - at) as usize, 0);
            f.seek(SeekFrom::Start(at)).and_then(|_| f.read_exact(&mut out)).map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => "pmf's temporary file was cut short while the run used it; run again".to_string(),
                _ => format!("cannot read back pmf's temporary file: {e}"),
            })?;
        }
        if end > self.written {
            let from = at.saturating_sub(self.written) as usize;
            let to = (end - self.written) as usize;
            out.extend_from_slice(self.held.get(from..to).ok_or("pmf's temporary store is damaged (an internal error)")?);
        }
        Ok(out)
    }

    /// Move the held bytes to the file; on any failure keep them, and all
    /// bytes after them, in memory.
    fn flush(&mut self) {
        if self.in_memory {
            return;
        }
        if self.file.is_none() {
            match tempfile::tempfile() {
                Ok(f) => self.file = Some(f),
                Err(_) => {
                    self.in_memory = true;
                    return;
                }
            }
        }
        let Some(f) = self.file.as_mut() else { return };
        // Written at the end of what is known to be whole; a failed write
        // may leave part of the block after it, which is never read.
        match f.seek(SeekFrom::Start(self.written)).and_then(|_| f.write_all(&self.held)) {
            Ok(()) => {
                self.written += self.held.len() as u64;
                self.held.clear();
            }
            Err(_) => self.in_memory = true,
        }
    }
}

/// A tape shared by threads, holding one piece (a return's issues, or its
/// spans) per [`Slot`].
#[derive(Debug, Default)]
pub struct Shelf {
    tape: Mutex<Tape>,
}

/// Where one piece is on a [`Shelf`].
#[derive(Debug, Clone)]
pub struct Slot {
    shelf: Arc<Shelf>,
    at: u64,
    len: usize,
}

impl Shelf {
    pub fn put(shelf: &Arc<Shelf>, bytes: &[u8]) -> Slot {
        let mut tape = lock(&shelf.tape);
        let at = tape.len();
        tape.append(bytes);
        Slot { shelf: Arc::clone(shelf), at, len: bytes.len() }
    }
}

impl Slot {
    /// The piece, as put. An error only when the system lost the run's
    /// temporary file.
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        lock(&self.shelf.tape).read(self.at, self.len)
    }

    /// The shelf it is on, to put more of the same run.
    pub fn shelf(&self) -> &Arc<Shelf> {
        &self.shelf
    }
}

/// A lock that a panic elsewhere (a bug, caught per file) leaves usable:
/// a tape's bytes are whole between calls.
pub fn lock(tape: &Mutex<Tape>) -> MutexGuard<'_, Tape> {
    tape.lock().unwrap_or_else(|p| p.into_inner())
}

/// Reads back the fields the `put_` functions below write: little-endian
/// numbers, length-prefixed text, dates, codes and PNC IDs; `None` at any
/// record cut short or malformed.
pub struct Cursor<'a>(pub &'a [u8]);

impl<'a> Cursor<'a> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    pub fn u32(&mut self) -> Option<u32> {
        self.bytes().map(u32::from_le_bytes)
    }
    pub fn text(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        let head = self.0.get(..n)?;
        self.0 = &self.0[n..];
        std::str::from_utf8(head).ok()
    }
    /// A date, or none: `Some(None)` for a blank one.
    pub fn day(&mut self) -> Option<Option<NaiveDate>> {
        let d = self.bytes().map(i32::from_le_bytes)?;
        if d == i32::MIN {
            return Some(None);
        }
        NaiveDate::from_num_days_from_ce_opt(d).map(Some)
    }
    /// A code of this process, or none: `Some(None)` for a blank one.
    pub fn code(&mut self) -> Option<Option<Code>> {
        let n = self.bytes().map(u16::from_le_bytes)?;
        if n == 0 {
            return Some(None);
        }
        Code::from_id(n).map(Some)
    }
    pub fn pnc(&mut self) -> Option<Pnc> {
        let n = self.bytes().map(u64::from_le_bytes)?;
        Some(Pnc::new((n / 10_000_000) as u32, (n % 10_000_000) as u32))
    }
}

/// Appends what [`Cursor::text`] reads.
pub fn put_text(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Appends what [`Cursor::day`] reads.
pub fn put_day(d: Option<NaiveDate>, out: &mut Vec<u8>) {
    out.extend_from_slice(&d.map_or(i32::MIN, |d| d.num_days_from_ce()).to_le_bytes());
}

/// Appends what [`Cursor::code`] reads.
pub fn put_code(c: Option<Code>, out: &mut Vec<u8>) {
    out.extend_from_slice(&c.map_or(0, Code::id).to_le_bytes());
}

/// Appends what [`Cursor::pnc`] reads.
pub fn put_pnc(p: Pnc, out: &mut Vec<u8>) {
    out.extend_from_slice(&p.number().to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any stretch reads back as appended: in the file, in memory, or
    /// across the two; and past the end is an error.
    #[test]
    fn bytes_read_back_as_appended_wherever_they_are() {
        let mut tape = Tape::default();
        let mut all = Vec::new();
        for i in 0..5_000u32 {
            let chunk: Vec<u8> = (0..(i % 97)).map(|k| (i * 31 + k) as u8).collect();
            tape.append(&chunk);
            all.extend_from_slice(&chunk);
        }
        assert!(tape.written > 0 && !tape.held.is_empty(), "some in the file, some in memory");
        assert_eq!(tape.len(), all.len() as u64);
        let w = tape.written as usize;
        for (at, len) in [(0, all.len()), (0, 10), (w - 5, 10), (w, 3), (all.len() - 7, 7), (12_345, 40_000)] {
            assert_eq!(tape.read(at as u64, len).expect("read"), &all[at..at + len], "at {at}, {len} bytes");
        }
        assert!(tape.read(all.len() as u64 - 3, 4).is_err());
        assert!(tape.read(u64::MAX, 2).is_err());
    }

    /// A temporary file cut short under the run (by another program) is
    /// an error that says so, not a panic or bytes of the wrong length.
    #[test]
    fn a_file_cut_short_is_an_error() {
        let mut tape = Tape::default();
        tape.append(&vec![7u8; 3 * BLOCK]);
        let file = tape.file.as_ref().expect("a file");
        file.set_len(10).expect("cut");
        let why = tape.read(0, 100).expect_err("cut short");
        assert!(why.contains("cut short"), "{why}");
        assert_eq!(tape.read(2, 8).expect("the part still there"), vec![7u8; 8]);
    }

    #[test]
    fn a_tape_that_cannot_use_a_file_keeps_everything_in_memory() {
        let mut tape = Tape { in_memory: true, ..Tape::default() };
        let bytes: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
        tape.append(&bytes);
        assert!(tape.file.is_none());
        assert_eq!(tape.read(0, bytes.len()).expect("read"), bytes);
    }
}
