//! Stage 4, report: everything `pmf` writes for people and programs. The
//! only module that uses rust_xlsxwriter and plotters.

pub mod book;
pub mod charts;
pub mod console;
pub mod extract;
pub mod feedback;
pub mod figures;
pub mod layout;
pub mod manifest;
pub mod quality;
pub mod returnbook;
pub mod run;
pub mod sheets;
pub mod template;
pub mod tidy;

use std::path::Path;

/// Write a file under a temporary name in the same folder, then rename it
/// into place, so that a failed run never leaves a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: cannot write: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot write: {e}", path.display())
    })
}

/// A safe file-name part: letters, digits, `-` and `_` only.
pub fn file_slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let s = s.trim_matches('_').to_string();
    if s.is_empty() { "unnamed".to_string() } else { s }
}

/// A sequence written from an iterator, once, without collecting it.
pub struct Seq<I>(std::cell::Cell<Option<I>>);

pub fn seq<I>(items: I) -> Seq<I> {
    Seq(std::cell::Cell::new(Some(items)))
}

impl<I: Iterator<Item = T>, T: serde::Serialize> serde::Serialize for Seq<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}
