//! data: load save loadtxt savetxt — the builtin glue over `crate::data`
//! (file formats, atomic writes). Relative paths start at the running
//! script's folder, or the current directory when there is no script.

use super::{Args, Builtin};
use crate::array::{Array, DType};
use crate::data::{self, TextFmt};
use crate::diagnostics::{At, Error, ErrorKind, Result};
use crate::ops::Interp;
use crate::value::value_to_array;
use crate::value::Value;
use std::path::{Path, PathBuf};
use std::rc::Rc;

pub static ROWS: &[Builtin] = &[
    b!("load", "load(path)", "data", false, load,
        "Read a file saved by save() or NumPy: `.npy` gives the array, `.npz` a dict of its arrays in the archive's order, `.csv` and `.txt` a table as loadtxt() reads it. NumPy's integer dtypes load as int64, float16 as float32; complex, string and object arrays are refused.",
        ("save(\"/tmp/arr_doc_load.npy\", [1, 2]); load(\"/tmp/arr_doc_load.npy\")", "[1 2]")),
    b!("save", "save(path, *arrays, **named)", "data", false, save,
        "Write arrays to a file that NumPy reads: `.npy` holds one array, `.npz` several (named by keyword, `arr_0`, `arr_1`, ... for positional ones as np.savez; a dict saves its entries), `.csv` and `.txt` one 1-d or 2-d array as text. The file is replaced atomically: a failed save leaves no partial file.",
        ("save(\"/tmp/arr_doc_save.npz\", w=[1.5, 2.5], n=3); keys(load(\"/tmp/arr_doc_save.npz\"))", "(\"w\", \"n\")"),
        ("save(\"/tmp/arr_doc_save2.npz\", [1], [2]); keys(load(\"/tmp/arr_doc_save2.npz\"))", "(\"arr_0\", \"arr_1\")")),
    b!("loadtxt", "loadtxt(path, delimiter=none, skiprows=0, dtype=float64)", "data", false, loadtxt,
        "Read a table of numbers from a text file: one row per line, values split by `delimiter` (none: any whitespace), text after `#` ignored, the first `skiprows` lines skipped (a header). As NumPy, one column or one row gives a 1-d array.",
        ("savetxt(\"/tmp/arr_doc_loadtxt.csv\", [[1, 2], [3, 4]], delimiter=\",\"); loadtxt(\"/tmp/arr_doc_loadtxt.csv\", delimiter=\",\")", "[[1. 2.]\n [3. 4.]]")),
    b!("savetxt", "savetxt(path, a, delimiter=\" \", header=\"\", fmt=none)", "data", false, savetxt,
        "Write a 1-d (one value a line) or 2-d array as text, as np.savetxt: each value formatted with `fmt` (default \"%.18e\"; one %-format for all, a tuple with one per column, or one string for the whole row), `header` lines written first with \"# \" before each.",
        ("savetxt(\"/tmp/arr_doc_savetxt.txt\", [1.5, 2.0], fmt=\"%.2f\", header=\"x\"); loadtxt(\"/tmp/arr_doc_savetxt.txt\")", "[1.5 2. ]")),
];

/// A path from a script (see `Interp::resolve_path`), errors pointing at
/// the path argument.
fn resolve(it: &Interp, p: &str) -> Result<PathBuf> {
    it.resolve_path(p).map_err(|e| e.label_arg(0, "this path"))
}

/// Point an error at the path argument; say where a relative path led.
fn at_path(e: Error, given: &str, full: &Path) -> Error {
    let e = if e.labels.is_empty() {
        e.label_arg(0, "this file")
    } else {
        e
    };
    if e.kind == ErrorKind::Io && Path::new(given).is_relative() && Path::new(given) != full {
        e.with_note(format!(
            "\"{given}\" is relative to the script's folder: {}",
            full.display()
        ))
    } else {
        e
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Npy,
    Npz,
    Csv,
    Txt,
}

fn format_of(path: &Path, action: &str) -> Result<Format> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "npy" => Format::Npy,
        "npz" => Format::Npz,
        "csv" => Format::Csv,
        "txt" => Format::Txt,
        _ => {
            return Err(Error::new(
                ErrorKind::Value,
                format!(
                    "cannot {action} \"{}\": unknown file type{}",
                    path.display(),
                    if ext.is_empty() {
                        String::new()
                    } else {
                        format!(" .{ext}")
                    }
                ),
            )
            .label_arg(0, "file type from the extension")
            .with_help("use .npy, .npz, .csv or .txt"))
        }
    })
}

pub fn load(it: &mut Interp, a: Args) -> Result<Value> {
    let given = a.string(0)?;
    let path = resolve(it, &given)?;
    let fmt = format_of(&path, "load")?;
    let r = match fmt {
        Format::Npy => data::load_npy(&path).map(Value::from_array),
        Format::Npz => data::load_npz(&path).map(|items| {
            Value::Dict(Rc::new(
                items
                    .into_iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), Value::from_array(v)))
                    .collect(),
            ))
        }),
        Format::Csv | Format::Txt => {
            let delim = if fmt == Format::Csv { Some(",") } else { None };
            data::load_text(&path, delim, 0, DType::F64).map(|x| {
                warn_if_empty(it, &x, &path);
                Value::from_array(x)
            })
        }
    };
    r.map_err(|e| at_path(e, &given, &path))
}

fn warn_if_empty(it: &mut Interp, x: &Array, path: &Path) {
    if x.is_empty() && x.ndim() == 1 {
        it.warn_once(&format!(
            "warning: loadtxt: \"{}\" contains no data",
            path.display()
        ));
    }
}

/// A value to save as an array, or a value error naming the argument.
fn to_saveable(v: &Value, arg: usize, name: &str, path: &Path) -> Result<Array> {
    value_to_array(v).ok_or_else(|| {
        Error::new(
            ErrorKind::Value,
            format!(
                "cannot save {} as `{name}` in \"{}\": only arrays and numbers can be saved",
                v.describe(),
                path.display()
            ),
        )
        .label(At::Arg(arg), v.describe())
        .with_help("convert it to an array first, or leave it out")
    })
}

pub fn save(it: &mut Interp, a: Args) -> Result<Value> {
    let given = a.string(0)?;
    let path = resolve(it, &given)?;
    let fmt = format_of(&path, "save")?;
    // Arrays to write, with their names (positional: arr_0, arr_1, ...).
    let mut items: Vec<(String, Array)> = Vec::new();
    let mut spans_of: Vec<usize> = Vec::new();
    let mut npos = 0;
    for (k, v) in a.rest.iter().enumerate() {
        let arg = a.rest_start + k;
        if let (Value::Dict(d), Format::Npz) = (v, fmt) {
            for (key, x) in d.iter() {
                items.push((key.to_string(), to_saveable(x, arg, key, &path)?));
                spans_of.push(arg);
            }
            continue;
        }
        let name = format!("arr_{npos}");
        npos += 1;
        items.push((name.clone(), to_saveable(v, arg, &name, &path)?));
        spans_of.push(arg);
    }
    for (k, (name, v, _)) in a.kwrest.iter().enumerate() {
        let arg = a.kwrest_start + k;
        items.push((name.clone(), to_saveable(v, arg, name, &path)?));
        spans_of.push(arg);
    }
    for (i, (name, _)) in items.iter().enumerate() {
        if let Some(j) = items[..i].iter().position(|(n, _)| n == name) {
            return Err(Error::value(format!(
                "save(): two arrays are named `{name}` for \"{}\"",
                path.display()
            ))
            .label(At::Arg(spans_of[j]), "first")
            .label(At::Arg(spans_of[i]), "again")
            .with_help("each array in an .npz file needs its own name"));
        }
    }
    if items.is_empty() {
        return Err(Error::new(
            ErrorKind::Arity,
            format!("save() got no array to write to \"{}\"", path.display()),
        )
        .with_help("usage: save(\"x.npy\", a) or save(\"x.npz\", a=a, b=b)"));
    }
    let r = match fmt {
        Format::Npz => data::save_npz(&path, &items, false),
        _ if items.len() > 1 => {
            let ext = match fmt {
                Format::Npy => "npy",
                Format::Csv => "csv",
                _ => "txt",
            };
            return Err(Error::value(format!(
                "a .{ext} file holds one array, but save() got {} for \"{}\"",
                items.len(),
                path.display()
            ))
            .label(At::Arg(spans_of[1]), "a second array")
            .with_help("save several arrays to an .npz file: save(\"x.npz\", a=a, b=b)"));
        }
        Format::Npy => data::save_npy(&path, &items[0].1),
        Format::Csv | Format::Txt => {
            let delim = if fmt == Format::Csv { "," } else { " " };
            data::save_text(&path, &items[0].1, delim, "", None).map_err(|mut e| {
                // Labels from savetxt() name its own argument positions.
                e.labels.clear();
                e.label(At::Arg(spans_of[0]), "this array")
            })
        }
    };
    r.map_err(|e| at_path(e, &given, &path))?;
    Ok(Value::None)
}

pub fn loadtxt(it: &mut Interp, a: Args) -> Result<Value> {
    let given = a.string(0)?;
    let path = resolve(it, &given)?;
    let delim = match a.get(1) {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) if !s.is_empty() => Some(s.to_string()),
        Some(Value::Str(_)) => {
            return Err(Error::value("loadtxt(): the delimiter cannot be empty")
                .label_arg(1, "empty")
                .with_help("use delimiter=none to split on any whitespace"))
        }
        Some(v) => return Err(a.type_err(1, "a string or none", v)),
    };
    let skip = a.opt_int(2)?.unwrap_or(0);
    if skip < 0 {
        return Err(
            Error::value(format!("loadtxt(): skiprows must be >= 0, got {skip}"))
                .label_arg(2, "negative"),
        );
    }
    let dtype = a.opt_dtype(3)?.unwrap_or(DType::F64);
    let x = data::load_text(&path, delim.as_deref(), skip as usize, dtype)
        .map_err(|e| at_path(e, &given, &path))?;
    warn_if_empty(it, &x, &path);
    Ok(Value::from_array(x))
}

pub fn savetxt(it: &mut Interp, a: Args) -> Result<Value> {
    let given = a.string(0)?;
    let path = resolve(it, &given)?;
    let x = a.array(1)?;
    let str_or = |i: usize, default: &str| -> Result<String> {
        match a.get(i) {
            None | Some(Value::None) => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(v) => Err(a.type_err(i, "a string", v)),
        }
    };
    let delim = str_or(2, " ")?;
    let header = str_or(3, "")?;
    let fmt = match a.get(4) {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => Some(TextFmt::One(s.to_string())),
        Some(Value::Tuple(t)) => {
            let mut v = Vec::with_capacity(t.len());
            for f in t.iter() {
                match f {
                    Value::Str(s) => v.push(s.to_string()),
                    other => {
                        return Err(a.type_err(4, "a format string or a tuple of them", other))
                    }
                }
            }
            Some(TextFmt::PerColumn(v))
        }
        Some(v) => return Err(a.type_err(4, "a format string or a tuple of them", v)),
    };
    data::save_text(&path, &x, &delim, &header, fmt.as_ref())
        .map_err(|e| at_path(e, &given, &path))?;
    Ok(Value::None)
}
