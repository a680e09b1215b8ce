//! Finding returns: a PATH is a file or a folder searched recursively. Files
//! that are not spreadsheets (by extension) and Excel lock files are skipped
//! with a note. Order is deterministic: sorted by path.

use std::path::{Path, PathBuf};

/// A candidate return file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    /// The path as given, or as found under a given folder.
    pub display: String,
    pub path: PathBuf,
}

/// A file passed over, and why: a note, not an issue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub display: String,
    pub why: String,
}

const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Walk the paths. An `Err` names a path that does not exist (exit 2).
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<Found>, Vec<Skipped>), String> {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut found, &mut skipped);
        } else {
            consider(p, &mut found, &mut skipped);
        }
    }
    found.sort();
    found.dedup();
    skipped.sort();
    skipped.dedup();
    Ok((found, skipped))
}

fn walk(dir: &Path, found: &mut Vec<Found>, skipped: &mut Vec<Skipped>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            skipped.push(Skipped { display: dir.display().to_string(), why: format!("folder cannot be read: {e}") });
            return;
        }
    };
    // The entry's own type (from the folder listing where the file system
    // gives it: no system call per file), not following links.
    let mut paths: Vec<(PathBuf, std::fs::FileType)> =
        entries.filter_map(|e| e.ok().and_then(|e| Some((e.path(), e.file_type().ok()?)))).collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, kind) in paths {
        if kind.is_dir() {
            walk(&p, found, skipped);
        } else if kind.is_symlink() {
            // Follow links to files, never to folders (no loops).
            if std::fs::metadata(&p).is_ok_and(|m| m.is_file()) {
                consider(&p, found, skipped);
            }
        } else {
            consider(&p, found, skipped);
        }
    }
}

fn consider(p: &Path, found: &mut Vec<Found>, skipped: &mut Vec<Skipped>) {
    let display = p.display().to_string();
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if name.starts_with("~$") {
        skipped.push(Skipped { display, why: "an Excel lock file (the workbook was open when copied)".into() });
    } else if name.starts_with('.') {
        skipped.push(Skipped { display, why: "a hidden file".into() });
    } else if !EXTENSIONS.contains(&ext.as_str()) {
        skipped.push(Skipped { display, why: "not a spreadsheet (.xlsx, .xlsm, .xls, .xlsb or .ods)".into() });
    } else {
        found.push(Found { display, path: p.to_path_buf() });
    }
}
