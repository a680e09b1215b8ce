//! Reading a return's bytes within the size limit, and SHA-256 of inputs
//! and outputs (the manifest's fingerprints).

use super::Limits;

/// Read a file's bytes. A file over the size limit is not read: the `Err`
/// is its F01 message, and [`sha256_file`] gives its hash as a stream.
pub fn load(path: &std::path::Path, limits: &Limits) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| format!("the file cannot be opened ({e}); check it is not open or locked, and resend it");
    // Opened first, then its size read from the open file: one path lookup.
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err("a folder, not a file".into());
    }
    if meta.len() > limits.max_file_bytes {
        return Err(format!(
            "the file is {} bytes, over the limit of {} (--max-file-mb); a return is normally well under 1 MB",
            meta.len(),
            limits.max_file_bytes
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limits.max_file_bytes + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    Ok(bytes)
}

/// SHA-256 (hex) of a file read as a stream in small blocks, so a file of
/// any size is hashed in bounded memory; empty when it cannot be read.
pub fn sha256_file(path: &std::path::Path) -> String {
    let Ok(mut f) = std::fs::File::open(path) else { return String::new() };
    let mut hashed = Sha256Writer::new(std::io::sink());
    match std::io::copy(&mut f, &mut hashed) {
        Ok(_) => hashed.finish().1,
        Err(_) => String::new(),
    }
}

/// A writer that takes the SHA-256 of what passes through it: an output
/// streamed to its file is hashed as it is written, not read back.
pub struct Sha256Writer<W> {
    inner: W,
    hash: sha2::Sha256,
}

impl<W: std::io::Write> Sha256Writer<W> {
    pub fn new(inner: W) -> Sha256Writer<W> {
        use sha2::Digest;
        Sha256Writer { inner, hash: sha2::Sha256::new() }
    }

    /// The writer, and the hex SHA-256 of everything written through it.
    pub fn finish(self) -> (W, String) {
        use sha2::Digest;
        (self.inner, hex(&self.hash.finalize()))
    }
}

impl<W: std::io::Write> std::io::Write for Sha256Writer<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// SHA-256 (hex) of bytes: of an input read whole, or of an output.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    digest.iter().flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]]).map(char::from).collect()
}
