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
/// any size is hashed in bounded memory; empty when it cannot be read (an
/// input that cannot be read is reported as such elsewhere).
pub fn sha256_file(path: &std::path::Path) -> String {
    sha256_read(path).unwrap_or_default()
}

/// SHA-256 (hex) of a file, or why it could not be read (an output just
/// written, whose hash the manifest states).
pub fn sha256_read(path: &std::path::Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(hex(&h.finalize()))
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
