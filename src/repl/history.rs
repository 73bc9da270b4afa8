//! The REPL history file: where it lives and how it is read and written.
//!
//! The format is rustyline's "#V2" one (an entry per line, `\n` and `\\`
//! escaped, so multi-line entries survive). Writing goes through
//! [`crate::data::write_atomic`] (temp file, fsync, rename), so a REPL killed
//! mid-write leaves the previous file whole, never a truncated one.

use crate::diagnostics::Result;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Entries kept (the oldest are dropped first).
pub const MAX_ENTRIES: usize = 1000;

/// `$ARR_HISTORY` if set (empty: no history), else
/// `$XDG_DATA_HOME/arr/history`, else `~/.local/share/arr/history`. The
/// folder is created if missing; `None` if there is nowhere to keep it.
pub fn history_path() -> Option<PathBuf> {
    let path = match std::env::var_os("ARR_HISTORY") {
        Some(p) if p.is_empty() => return None,
        Some(p) => PathBuf::from(p),
        None => {
            let data = match std::env::var_os("XDG_DATA_HOME") {
                Some(d) if !d.is_empty() => PathBuf::from(d),
                _ => PathBuf::from(std::env::var_os("HOME")?).join(".local/share"),
            };
            data.join("arr").join("history")
        }
    };
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && std::fs::create_dir_all(dir).is_err() {
            return None;
        }
    }
    Some(path)
}

/// The entries of a history file (oldest first); a missing or unreadable
/// file gives none.
pub fn read_history(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read(path) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&text);
    let mut lines = text.lines();
    let v2 = text.starts_with("#V2");
    if v2 {
        lines.next();
    }
    let mut out: Vec<String> = lines
        .filter(|l| !l.is_empty())
        .map(|l| if v2 { unescape(l) } else { l.to_string() })
        .collect();
    if out.len() > MAX_ENTRIES {
        out.drain(..out.len() - MAX_ENTRIES);
    }
    out
}

fn unescape(l: &str) -> String {
    let mut s = String::with_capacity(l.len());
    let mut it = l.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => s.push('\n'),
                Some(other) => s.push(other),
                None => s.push('\\'),
            }
        } else {
            s.push(c);
        }
    }
    s
}

/// Replace the history file with `entries` (the last [`MAX_ENTRIES`]),
/// atomically.
pub fn write_history<S: AsRef<str>>(path: &Path, entries: &[S]) -> Result<()> {
    let skip = entries.len().saturating_sub(MAX_ENTRIES);
    crate::data::write_atomic(path, |w| {
        w.write_all(b"#V2\n")?;
        for e in &entries[skip..] {
            let e = e.as_ref().replace('\\', "\\\\").replace('\n', "\\n");
            w.write_all(e.as_bytes())?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_multi_line_entries_and_backslashes() {
        let tmp = tempfile::Builder::new()
            .prefix("arr-hist-")
            .tempdir()
            .unwrap();
        let dir = tmp.path();
        let p = dir.join("history");
        let entries = [
            "x = 1",
            "for i in range(3) {\n  print(i)\n}",
            "print(\"a\\nb\")",
        ];
        write_history(&p, &entries).unwrap();
        assert_eq!(read_history(&p), entries);
        // No temp file is left beside it.
        let names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["history"]);
    }

    #[test]
    fn keeps_only_the_newest_entries() {
        let tmp = tempfile::Builder::new()
            .prefix("arr-hist-")
            .tempdir()
            .unwrap();
        let dir = tmp.path();
        let p = dir.join("h");
        let entries: Vec<String> = (0..MAX_ENTRIES + 5).map(|i| format!("x = {i}")).collect();
        write_history(&p, &entries).unwrap();
        let back = read_history(&p);
        assert_eq!(back.len(), MAX_ENTRIES);
        assert_eq!(back[0], "x = 5");
    }
}
