//! .xls (BIFF8 in an OLE compound file), checked before calamine opens it.
//! calamine parses every sheet at open: it reserves room for what each
//! DIMENSIONS record declares and lays each sheet out as one rectangle from
//! its first to its last used cell (`Range::from_sparse`), so one stray cell
//! at row 65,536 and column 65,536 would make it allocate 137 GB and abort
//! the process. This walks the same records the same way (the `Workbook`
//! stream, then each sheet from the offset its BoundSheet8 record gives)
//! and rejects a sheet whose declared area, used area or number of cells is
//! over the cells limit, or sheets whose areas add up to over 4 times it.
//!
//! Invariants: reads only inside `bytes`; every loop is bounded by the
//! file's size; anything malformed is left to calamine to report.

use super::Limits;

const FREE: u32 = 0xFFFF_FFFA; // ids from here on are not sectors
const MINI_CUTOFF: u64 = 4096;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// calamine follows a chain of sectors until its end marker, with no
/// guard against a chain that loops: it would copy the same sectors for
/// ever (or up to a length the file declares), until memory runs out.
const LOOPS: &str = "the file's internal structure loops back on itself (its sector chains are circular); \
                     it is damaged or made to exhaust memory: open it in Excel, save it again and resend it";

/// Whether the chain from `start` comes back to a sector it has passed.
fn loops(start: u32, table: &[u32]) -> bool {
    let mut seen = vec![false; table.len()];
    let mut id = start;
    while let Some(s) = seen.get_mut(id as usize) {
        if *s {
            return true;
        }
        *s = true;
        id = table[id as usize];
    }
    false
}

/// The `Workbook` (or `Book`) stream, as calamine's reader finds it; `Err`
/// when a chain calamine would follow loops.
fn workbook_stream(file: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let check = |start: u32, table: &[u32]| if loops(start, table) { Err(LOOPS.to_string()) } else { Ok(()) };
    let Some(size) = u16_at(file, 30).and_then(|s| match s {
        9 => Some(512usize),
        12 => Some(4096),
        _ => None,
    }) else {
        return Ok(None);
    };
    let sector = |id: u32| -> &[u8] {
        let start = (id as usize).saturating_add(1).saturating_mul(size);
        file.get(start..).map_or(&[][..], |s| &s[..s.len().min(size)])
    };
    let max_sectors = file.len() / size + 1;
    let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(file, 76 + 4 * i)).collect();
    let Some(mut next) = u32_at(file, 68) else { return Ok(None) };
    let mut hops = 0;
    while next < FREE && hops <= max_sectors {
        hops += 1;
        difat.extend(sector(next).chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
        let Some(n) = difat.pop() else { return Ok(None) };
        next = n;
    }
    let fat: Vec<u32> = difat
        .iter()
        .filter(|&&id| id < 0xFFFF_FFFC)
        .flat_map(|&id| sector(id).chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect();
    let chain = |start: u32, table: &[u32], read: &dyn Fn(u32) -> Vec<u8>, len: usize| -> Vec<u8> {
        let mut out = Vec::new();
        let mut id = start;
        let mut hops = 0;
        while id < FREE && out.len() < len && hops <= table.len() {
            hops += 1;
            out.extend(read(id));
            id = table.get(id as usize).copied().unwrap_or(FREE);
        }
        out.truncate(len);
        out
    };
    let regular = |id: u32| sector(id).to_vec();
    let dir_start = u32_at(file, 48).unwrap_or(FREE);
    check(dir_start, &fat)?;
    let dirs = chain(dir_start, &fat, &regular, file.len());
    let entries: Vec<(String, u32, u64)> = dirs
        .chunks_exact(128)
        .map(|d| {
            let units: Vec<u16> = d[..64].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            let mut name = String::from_utf16_lossy(&units);
            if let Some(z) = name.find('\0') {
                name.truncate(z);
            }
            let start = u32_at(d, 116).unwrap_or(FREE);
            let len = if size == 512 { u64::from(u32_at(d, 120).unwrap_or(0)) } else { u32_at(d, 120).unwrap_or(0) as u64 | (u64::from(u32_at(d, 124).unwrap_or(0)) << 32) };
            (name, start, len)
        })
        .collect();
    let Some(root) = entries.first() else { return Ok(None) };
    let minifat_start = u32_at(file, 60).unwrap_or(FREE);
    if u32_at(file, 64).unwrap_or(0) > 0 {
        check(root.1, &fat)?;
        check(minifat_start, &fat)?;
    }
    let find = |n: &str| entries.iter().find(|e| e.0.eq_ignore_ascii_case(n));
    let Some((_, start, declared)) = find("Workbook").or_else(|| find("Book")) else { return Ok(None) };
    // A stream longer than the file cannot be; cap what is gathered.
    let len = (*declared).min(file.len() as u64) as usize;
    if *declared < MINI_CUTOFF {
        let mini = chain(root.1, &fat, &regular, (root.2 as usize).min(file.len()));
        let minifat_bytes = chain(minifat_start, &fat, &regular, file.len());
        let minifat: Vec<u32> = minifat_bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let read_mini = |id: u32| {
            let s = (id as usize).saturating_mul(64);
            mini.get(s..).map_or(Vec::new(), |m| m[..m.len().min(64)].to_vec())
        };
        Ok(Some(chain(*start, &minifat, &read_mini, len)))
    } else {
        check(*start, &fat)?;
        Ok(Some(chain(*start, &fat, &regular, len)))
    }
}

/// BIFF records from `at`: (type, data), as calamine's record iterator
/// reads them (CONTINUE records come out as records of their own).
fn records(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream.get(at..).unwrap_or(&[]);
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = u16_at(rest, 2)? as usize;
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

/// The shared strings table (SST and its CONTINUE records): an upper bound
/// on each string's size in bytes once calamine has made it UTF-8, read as
/// MS-XLS 2.5.293 lays strings out (characters may continue in the next
/// record, which then starts with a new flags byte).
fn sst_sizes(parts: &[&[u8]]) -> Vec<u64> {
    let (mut i, mut at) = (0usize, 8usize);
    let mut out = Vec::new();
    let byte = |i: &mut usize, at: &mut usize| -> Option<u8> {
        while *at >= parts.get(*i)?.len() {
            *i += 1;
            *at = 0;
        }
        *at += 1;
        parts[*i].get(*at - 1).copied()
    };
    loop {
        let (Some(lo), Some(hi), Some(flags)) = (byte(&mut i, &mut at), byte(&mut i, &mut at), byte(&mut i, &mut at)) else { break };
        let mut left = usize::from(u16::from_le_bytes([lo, hi]));
        let mut skip = 0usize;
        if flags & 8 != 0 {
            let (a, b) = (byte(&mut i, &mut at).unwrap_or(0), byte(&mut i, &mut at).unwrap_or(0));
            skip += 4 * usize::from(u16::from_le_bytes([a, b]));
        }
        if flags & 4 != 0 {
            let v: Vec<u8> = (0..4).map(|_| byte(&mut i, &mut at).unwrap_or(0)).collect();
            skip += u32::from_le_bytes([v[0], v[1], v[2], v[3]]) as usize;
        }
        let mut wide = flags & 1 == 1;
        let mut size = 0u64;
        while left > 0 && i < parts.len() {
            let per = if wide { 2 } else { 1 };
            let take = left.min(parts[i].len().saturating_sub(at) / per);
            at += take * per;
            left -= take;
            size += take as u64 * if wide { 3 } else { 2 };
            if left > 0 {
                i += 1;
                wide = parts.get(i).and_then(|p| p.first()).is_some_and(|f| f & 1 == 1);
                at = 1;
            }
        }
        out.push(size);
        // Formatting runs and phonetic data follow the characters.
        while skip > 0 && i < parts.len() {
            let take = skip.min(parts[i].len().saturating_sub(at));
            at += take;
            skip -= take;
            if skip > 0 {
                i += 1;
                at = 0;
            }
        }
    }
    out
}

/// One sheet's cells as calamine lays them out.
#[derive(Default)]
struct Area {
    cells: u64,
    bounds: Option<(u32, u32, u32, u32)>,
    declared: u64,
    /// Bytes of shared strings copied into the sheet's cells.
    text: u64,
    /// Records walked, to bound the work.
    records: u64,
}

impl Area {
    fn add(&mut self, row: u32, col: u32, n: u32) {
        if n == 0 {
            return;
        }
        self.cells += u64::from(n);
        let last = col.saturating_add(n - 1);
        let b = self.bounds.get_or_insert((row, row, col, last));
        *b = (b.0.min(row), b.1.max(row), b.2.min(col), b.3.max(last));
    }

    fn used(&self) -> u64 {
        self.bounds.map_or(0, |(r0, r1, c0, c1)| u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1))
    }
}

/// DIMENSIONS (MS-XLS 2.4.90) as calamine reads it: the rows × columns it
/// reserves room for, in its own (wrapping) arithmetic.
fn declared(data: &[u8]) -> u64 {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (u32::from(u16_at(data, 0).unwrap_or(0)), u32::from(u16_at(data, 2).unwrap_or(0)), u32::from(u16_at(data, 4).unwrap_or(0)), u32::from(u16_at(data, 6).unwrap_or(0))),
        14 | 16 => (u32_at(data, 0).unwrap_or(0), u32_at(data, 4).unwrap_or(0), u32::from(u16_at(data, 8).unwrap_or(0)), u32::from(u16_at(data, 10).unwrap_or(0))),
        _ => return 0,
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    let (end_r, end_c) = if rl >= 1 && cl >= 1 { (rl - 1, cl - 1) } else { (rf, cf) };
    let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
    rows.saturating_mul(cols)
}

fn sheet_area(stream: &[u8], at: usize, sst: &[u64]) -> Area {
    let mut area = Area::default();
    let (mut seen_bof, mut depth) = (false, 0usize);
    for (typ, d) in records(stream, at) {
        area.records += 1;
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let rc = || Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x0200 => area.declared = area.declared.max(declared(d)),
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let Some((r, c)) = rc() {
                    area.add(r, c, 1);
                }
                if typ == 0x00FD {
                    let isst = u32_at(d, 6).unwrap_or(u32::MAX) as usize;
                    area.text = area.text.saturating_add(sst.get(isst).copied().unwrap_or(0));
                }
            }
            // MulRk: row, first column, 6 bytes a cell, last column.
            0x00BD if d.len() >= 6 => {
                if let Some((r, c)) = rc() {
                    area.add(r, c, ((d.len() - 6) / 6) as u32);
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    area
}

/// A BoundSheet8's name (BIFF8: length, a flag for two-byte characters, the
/// characters), quoted safely; enough to name the sheet in a message.
fn sheet_name(d: &[u8]) -> String {
    let n = d.get(6).copied().unwrap_or(0) as usize;
    let wide = d.get(7).is_some_and(|f| f & 1 == 1);
    let raw = d.get(8..).unwrap_or(&[]);
    let name: String = if wide {
        let units: Vec<u16> = raw.chunks_exact(2).take(n).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        raw.iter().take(n).map(|&b| b as char).collect()
    };
    crate::issue::quote_value(&name)
}

/// `Err` is the F01 message for a workbook calamine would blow up on.
pub fn check_xls(file: &[u8], limits: &Limits) -> Result<(), String> {
    let Some(stream) = workbook_stream(file)? else { return Ok(()) };
    let mut sheets = Vec::new();
    let mut sst: Vec<&[u8]> = Vec::new();
    let mut in_sst = false;
    for (typ, d) in records(&stream, 0) {
        in_sst = match typ {
            0x00FC => {
                sst = vec![d];
                true
            }
            0x003C if in_sst => {
                sst.push(d);
                true
            }
            _ => false,
        };
        match typ {
            0x0085 => sheets.push((u32_at(d, 0).unwrap_or(u32::MAX) as usize, d)),
            0x000A => break,
            _ => {}
        }
    }
    let sst = sst_sizes(&sst);
    let max = limits.max_cells_per_sheet;
    let (mut total, mut text, mut work) = (0u64, 0u64, 0u64);
    for (at, d) in &sheets {
        let area = sheet_area(&stream, *at, &sst);
        work = work.saturating_add(area.records);
        text = text.saturating_add(area.text);
        if work > max.saturating_mul(16) {
            return Err(format!(
                "the workbook's sheets hold more than {} records to read (many sheets over the same data?); \
                 it is damaged or made to stall a reader",
                max.saturating_mul(16)
            ));
        }
        if text > limits.max_unzipped_bytes {
            return Err(format!(
                "the sheets would hold more than {} bytes of text when read (each cell copies its shared string), \
                 over the limit (--max-unzipped-mb); a return is far smaller",
                limits.max_unzipped_bytes
            ));
        }
        let worst = area.cells.max(area.used()).max(area.declared);
        if worst > max {
            return Err(format!(
                "sheet {:?} {} {worst} cells, over the limit of {max} (--max-cells); \
                 a return is far smaller: check for a stray value far down or across a sheet",
                sheet_name(d),
                if area.declared == worst { "declares (DIMENSIONS)" } else { "spans" }
            ));
        }
        total = total.saturating_add(worst);
        if total > max.saturating_mul(4) {
            return Err(format!(
                "the sheets together span more than {} cells (4 × --max-cells); a return is far smaller",
                max.saturating_mul(4)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_dimensions_as_calamine_reads_them() {
        let d14 = |rf: u32, rl: u32, cf: u16, cl: u16| {
            let mut v = rf.to_le_bytes().to_vec();
            v.extend(rl.to_le_bytes());
            v.extend(cf.to_le_bytes());
            v.extend(cl.to_le_bytes());
            v.extend([0, 0]);
            declared(&v)
        };
        assert_eq!(d14(0, 10, 0, 17), 170);
        assert_eq!(d14(0, 0, 0, 0), 1);
        assert_eq!(d14(0, u32::MAX, 0, 0xFFFF), u64::from(u32::MAX - 1 + 1) * 0xFFFF);
        // rl - 1 before rf wraps, as it does in calamine.
        assert!(d14(10, 5, 0, 1) > 1 << 31);
        assert_eq!(declared(&[1, 2, 3]), 0);
    }

    #[test]
    fn circular_sector_chains_are_found() {
        assert!(!loops(0, &[1, 2, 0xFFFF_FFFE]));
        assert!(loops(0, &[1, 2, 1]));
        assert!(loops(3, &[0, 0, 0, 3]));
        assert!(!loops(7, &[0, 0]));
    }

    #[test]
    fn shared_string_sizes_follow_continue_records() {
        // Two strings: "ab" (one byte a character), then "xyz" in two-byte
        // characters whose "z" is in a CONTINUE record after a flags byte.
        let sst = [0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, b'a', b'b', 3, 0, 1, b'x', 0, b'y', 0];
        let cont = [1, b'z', 0];
        assert_eq!(sst_sizes(&[&sst, &cont]), vec![4, 9]);
        // A rich string: its 4-byte formatting run is skipped.
        let rich = [0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 8, 1, 0, b'q', 9, 9, 9, 9, 1, 0, 0, b'r'];
        assert_eq!(sst_sizes(&[&rich]), vec![2, 2]);
        assert_eq!(sst_sizes(&[]), Vec::<u64>::new());
    }
}
