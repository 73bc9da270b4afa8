//! Data files: NumPy's `.npy` and `.npz` formats, text tables (`loadtxt`,
//! `savetxt`) and atomic writes (a temp file in the target's folder, fsync,
//! rename), so a failed save never leaves a truncated file behind.
//!
//! The NPY reader is hand-written: versions 1.0, 2.0 and 3.0, the header
//! dict parsed as the Python literal it is, every integer, float and bool
//! dtype NumPy commonly writes (either byte order, C or Fortran order).
//! Integers become int64, float16 and float32 become float32. The writer
//! produces version 1.0 (2.0 only when the header would not fit), C order,
//! little-endian, byte for byte what `np.save` writes. An NPZ file is a zip
//! archive of `NAME.npy` entries, stored or deflated.

use crate::array::{check_size, fmt_shape, Arr, Array, DType};
use crate::diagnostics::{Error, ErrorKind, Result};
use ndarray::{ArrayD, IxDyn, ShapeBuilder};
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

// =================================================================== errors

/// The reason an OS call failed, without Rust's "(os error N)" suffix.
fn reason(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// An I/O error while `action`-ing `path` ("read", "write"), with a help line.
pub fn io_error(path: &Path, action: &str, e: &io::Error) -> Error {
    let err = Error::new(
        ErrorKind::Io,
        format!("cannot {action} \"{}\": {}", path.display(), reason(e)),
    );
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match e.kind() {
        io::ErrorKind::NotFound if action == "read" => err.with_help(
            "check the file name; relative paths start at the script's folder \
             (or the current directory when there is no script)",
        ),
        io::ErrorKind::NotFound => err.with_help(format!(
            "the folder \"{}\" must exist before a file can be saved in it",
            folder.display()
        )),
        io::ErrorKind::PermissionDenied => err.with_help(format!(
            "check the permissions of \"{}\" and of its folder",
            path.display()
        )),
        io::ErrorKind::IsADirectory => err.with_help("the path names a folder, not a file"),
        _ => err,
    }
}

/// A file whose contents are not what its format promises.
fn corrupt(src: &str, what: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("{src} is not a valid .npy file: {what}"),
    )
    .with_help("the file may be damaged, truncated or not written by NumPy or arr")
}

// ============================================================ atomic writes

/// Why writing a file's contents failed: the OS, or arr (e.g. a bad format).
#[derive(Debug)]
pub enum WriteFail {
    Io(io::Error),
    Err(Error),
}

impl From<io::Error> for WriteFail {
    fn from(e: io::Error) -> WriteFail {
        WriteFail::Io(e)
    }
}

impl From<Error> for WriteFail {
    fn from(e: Error) -> WriteFail {
        WriteFail::Err(e)
    }
}

impl From<zip::result::ZipError> for WriteFail {
    fn from(e: zip::result::ZipError) -> WriteFail {
        match e {
            zip::result::ZipError::Io(e) => WriteFail::Io(e),
            other => WriteFail::Io(io::Error::other(other.to_string())),
        }
    }
}

/// Write `path` atomically through a buffered file: see [`write_atomic_with`].
pub fn write_atomic<F>(path: &Path, body: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> std::result::Result<(), WriteFail>,
{
    write_atomic_with(path, |f| BufWriter::with_capacity(1 << 16, f), body)
}

/// Write `path` atomically: `body` writes to `wrap(temp file)`, where the
/// temp file sits in the target's folder; then the data is flushed and
/// fsynced and the temp file renamed over `path`. On any failure the temp
/// file is removed and an existing `path` is left as it was.
pub fn write_atomic_with<W, G, F>(path: &Path, wrap: G, body: F) -> Result<()>
where
    W: Write,
    G: FnOnce(File) -> W,
    F: FnOnce(&mut W) -> std::result::Result<(), WriteFail>,
{
    // Write through a symlink to its target rather than replacing the link.
    let target: PathBuf = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).unwrap_or(path.into()),
        _ => path.to_path_buf(),
    };
    if target.is_dir() {
        return Err(io_error(
            path,
            "write",
            &io::Error::from(io::ErrorKind::IsADirectory),
        ));
    }
    // A device or pipe (`/dev/stdout`, a FIFO) is written in place: a temp
    // file renamed over it would replace the device node with a file.
    if let Ok(m) = fs::metadata(&target) {
        if !m.is_file() {
            let run = || -> std::result::Result<(), WriteFail> {
                let f = fs::OpenOptions::new().write(true).open(&target)?;
                let mut w = wrap(f);
                body(&mut w)?;
                w.flush()?;
                Ok(())
            };
            return run().map_err(|fail| match fail {
                WriteFail::Io(e) => io_error(path, "write", &e),
                WriteFail::Err(e) => e,
            });
        }
    }
    let (tmp, file) = create_temp(&target).map_err(|e| io_error(path, "write", &e))?;
    let run = || -> std::result::Result<(), WriteFail> {
        let mut w = wrap(file);
        body(&mut w)?;
        w.flush()?;
        drop(w);
        File::open(&tmp)?.sync_all()?;
        // A replaced file keeps its permissions (best effort).
        if let Ok(m) = fs::metadata(&target) {
            let _ = fs::set_permissions(&tmp, m.permissions());
        }
        fs::rename(&tmp, &target)?;
        Ok(())
    };
    match run() {
        Ok(()) => {
            // Make the rename itself durable (best effort: not every
            // filesystem lets a folder be fsynced).
            if let Some(dir) = target.parent() {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                if let Ok(d) = File::open(dir) {
                    let _ = d.sync_all();
                }
            }
            Ok(())
        }
        Err(fail) => {
            let _ = fs::remove_file(&tmp);
            Err(match fail {
                WriteFail::Io(e) => io_error(path, "write", &e),
                WriteFail::Err(e) => e,
            })
        }
    }
}

/// A new file `.NAME.arr-tmp-PID-N` beside `target`.
fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.arr-tmp-{}-{n}", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Whether `name` is a temp file [`write_atomic`] makes (for tests).
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.contains(".arr-tmp-")
}

// ================================================================ NPY: read

const NPY_MAGIC: &[u8; 6] = b"\x93NUMPY";
/// Headers longer than this are refused (NumPy's own limit is 10 000).
const MAX_HEADER: usize = 1 << 20;

/// The element kinds arr can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    UInt,
    Float,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Descr {
    kind: Kind,
    size: usize,
    big_endian: bool,
}

/// What a `.npy` header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyHeader {
    descr: Descr,
    pub fortran_order: bool,
    pub shape: Vec<usize>,
}

impl NpyHeader {
    /// The arr dtype the data becomes.
    pub fn dtype(&self) -> DType {
        match (self.descr.kind, self.descr.size) {
            (Kind::Bool, _) => DType::Bool,
            (Kind::Int | Kind::UInt, _) => DType::I64,
            (Kind::Float, 2 | 4) => DType::F32,
            (Kind::Float, _) => DType::F64,
        }
    }
}

/// A Python literal as found in an NPY header.
#[derive(Clone, Debug, PartialEq)]
enum Py {
    Str(String),
    Int(i128),
    Bool(bool),
    None,
    Seq(Vec<Py>),
    Dict(Vec<(Py, Py)>),
}

struct PyParser<'a> {
    s: &'a [char],
    i: usize,
}

impl PyParser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<char> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn value(&mut self, depth: usize) -> std::result::Result<Py, String> {
        if depth > 32 {
            return Err("the header is nested too deeply".into());
        }
        match self.peek() {
            None => Err("the header ends too early".into()),
            Some('{') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat('}') {
                        return Ok(Py::Dict(items));
                    }
                    let k = self.value(depth + 1)?;
                    if !self.eat(':') {
                        return Err("expected `:` after a key in the header dict".into());
                    }
                    let v = self.value(depth + 1)?;
                    items.push((k, v));
                    if !self.eat(',') && self.peek() != Some('}') {
                        return Err("expected `,` or `}` in the header dict".into());
                    }
                }
            }
            Some(open @ ('(' | '[')) => {
                self.i += 1;
                let close = if open == '(' { ')' } else { ']' };
                let mut items = Vec::new();
                loop {
                    if self.eat(close) {
                        return Ok(Py::Seq(items));
                    }
                    items.push(self.value(depth + 1)?);
                    if !self.eat(',') && self.peek() != Some(close) {
                        return Err(format!("expected `,` or `{close}` in the header"));
                    }
                }
            }
            Some(q @ ('\'' | '"')) => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    match self.s.get(self.i).copied() {
                        None => return Err("a string in the header is not closed".into()),
                        Some('\\') => {
                            if let Some(c) = self.s.get(self.i + 1).copied() {
                                out.push(c);
                            }
                            self.i += 2;
                        }
                        Some(c) if c == q => {
                            self.i += 1;
                            return Ok(Py::Str(out));
                        }
                        Some(c) => {
                            out.push(c);
                            self.i += 1;
                        }
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => {
                let start = self.i;
                self.i += 1;
                while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                    self.i += 1;
                }
                let text: String = self.s[start..self.i].iter().collect();
                // Python 2 wrote longs as `3L`.
                if matches!(self.s.get(self.i), Some('L' | 'l')) {
                    self.i += 1;
                }
                text.parse::<i128>()
                    .map(Py::Int)
                    .map_err(|_| format!("`{text}` is not an integer"))
            }
            Some(c) if c.is_alphabetic() => {
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i].is_alphanumeric() {
                    self.i += 1;
                }
                let word: String = self.s[start..self.i].iter().collect();
                match word.as_str() {
                    "True" => Ok(Py::Bool(true)),
                    "False" => Ok(Py::Bool(false)),
                    "None" => Ok(Py::None),
                    _ => Err(format!("unexpected `{word}` in the header")),
                }
            }
            Some(c) => Err(format!("unexpected `{c}` in the header")),
        }
    }
}

/// NumPy's name for a descr, for messages: `<c16` → "complex128".
fn descr_name(kind: char, size: usize) -> String {
    match kind {
        'b' => "bool".into(),
        'i' => format!("int{}", size * 8),
        'u' => format!("uint{}", size * 8),
        'f' => format!("float{}", size * 8),
        'c' => format!("complex{}", size * 8),
        'O' => "object".into(),
        'U' => "unicode string".into(),
        'S' | 'a' => "byte string".into(),
        'M' => "datetime64".into(),
        'm' => "timedelta64".into(),
        'V' => "void (raw bytes)".into(),
        _ => "unknown".into(),
    }
}

fn unsupported_dtype(src: &str, descr: &str, name: &str) -> Error {
    Error::new(
        ErrorKind::Value,
        format!("{src} holds {name} data (dtype '{descr}'), which arr cannot load"),
    )
    .with_help(
        "arr reads bool, signed and unsigned integer (as int64) and float16/32/64 arrays; \
         convert in NumPy first, e.g. np.save(path, a.astype(np.float64))",
    )
}

fn parse_descr(src: &str, d: &str) -> Result<Descr> {
    let mut chars = d.chars().peekable();
    let order = match chars.peek() {
        Some(&c @ ('<' | '>' | '|' | '=')) => {
            chars.next();
            c
        }
        _ => '=',
    };
    let kind = chars.next().unwrap_or('?');
    let digits: String = chars.collect();
    let size: usize = if digits.is_empty() && kind == 'O' {
        8
    } else {
        match digits.parse() {
            Ok(n) => n,
            Err(_) => return Err(corrupt(src, format_args!("unknown dtype '{d}'"))),
        }
    };
    let kind = match (kind, size) {
        ('b', 1) => Kind::Bool,
        ('i', 1 | 2 | 4 | 8) => Kind::Int,
        ('u', 1 | 2 | 4 | 8) => Kind::UInt,
        ('f', 2 | 4 | 8) => Kind::Float,
        ('f', _) => {
            return Err(unsupported_dtype(
                src,
                d,
                "long double (extended precision)",
            ))
        }
        ('O', _) => {
            return Err(unsupported_dtype(src, d, "object (pickled)").with_note(
                "object arrays are stored as Python pickles, which only Python can read",
            ))
        }
        (k @ ('c' | 'U' | 'S' | 'a' | 'M' | 'm' | 'V'), _) => {
            return Err(unsupported_dtype(src, d, &descr_name(k, size)))
        }
        _ => return Err(corrupt(src, format_args!("unknown dtype '{d}'"))),
    };
    let big_endian = match order {
        '>' => true,
        '<' | '|' => false,
        _ => cfg!(target_endian = "big"),
    };
    Ok(Descr {
        kind,
        size,
        big_endian,
    })
}

/// Fill `buf` from `r`; the count read is short only at end of input.
fn read_full<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Read and parse the magic string and header of an NPY stream.
pub fn read_npy_header<R: Read + ?Sized>(r: &mut R, src: &str) -> Result<NpyHeader> {
    let rd = |e: io::Error| Error::new(ErrorKind::Io, format!("cannot read {src}: {}", reason(&e)));
    let mut pre = [0u8; 8];
    let n = read_full(r, &mut pre).map_err(rd)?;
    if n < 8 || &pre[..6] != NPY_MAGIC {
        return Err(Error::new(
            ErrorKind::Io,
            format!("{src} is not a .npy file (it does not start with NumPy's magic bytes)"),
        )
        .with_help("text files load with loadtxt(path); .npz archives with load(\"name.npz\")"));
    }
    let (major, minor) = (pre[6], pre[7]);
    let hlen = match major {
        1 => {
            let mut b = [0u8; 2];
            if read_full(r, &mut b).map_err(rd)? < 2 {
                return Err(corrupt(src, "the file ends inside the header"));
            }
            u16::from_le_bytes(b) as usize
        }
        2 | 3 => {
            let mut b = [0u8; 4];
            if read_full(r, &mut b).map_err(rd)? < 4 {
                return Err(corrupt(src, "the file ends inside the header"));
            }
            u32::from_le_bytes(b) as usize
        }
        _ => {
            return Err(Error::new(
                ErrorKind::Io,
                format!("{src} uses .npy format version {major}.{minor}, which arr cannot read"),
            )
            .with_help("arr reads .npy versions 1.0, 2.0 and 3.0"))
        }
    };
    if hlen > MAX_HEADER {
        return Err(corrupt(
            src,
            format_args!("its header claims {hlen} bytes (more than {MAX_HEADER})"),
        ));
    }
    let mut hbytes = vec![0u8; hlen];
    if read_full(r, &mut hbytes).map_err(rd)? < hlen {
        return Err(corrupt(src, "the file ends inside the header"));
    }
    // Versions 1 and 2 are latin-1, version 3 is UTF-8.
    let text: Vec<char> = if major == 3 {
        match std::str::from_utf8(&hbytes) {
            Ok(s) => s.chars().collect(),
            Err(_) => return Err(corrupt(src, "its header is not UTF-8 text")),
        }
    } else {
        hbytes.iter().map(|&b| b as char).collect()
    };
    let mut p = PyParser { s: &text, i: 0 };
    let dict = match p.value(0) {
        Ok(Py::Dict(d)) => d,
        Ok(_) => return Err(corrupt(src, "its header is not a dict")),
        Err(m) => return Err(corrupt(src, m)),
    };
    let get = |k: &str| {
        dict.iter()
            .find(|(key, _)| *key == Py::Str(k.into()))
            .map(|(_, v)| v)
    };
    let descr = match get("descr") {
        Some(Py::Str(d)) => parse_descr(src, d)?,
        Some(Py::Seq(_)) => {
            return Err(Error::new(
                ErrorKind::Value,
                format!("{src} holds a structured (record) array, which arr cannot load"),
            )
            .with_help("save each field as its own array, e.g. np.savez(path, **{n: a[n] for n in a.dtype.names})"))
        }
        _ => return Err(corrupt(src, "its header has no valid 'descr'")),
    };
    let fortran_order = match get("fortran_order") {
        Some(Py::Bool(b)) => *b,
        _ => return Err(corrupt(src, "its header has no valid 'fortran_order'")),
    };
    let shape = match get("shape") {
        Some(Py::Seq(dims)) => {
            let mut out = Vec::with_capacity(dims.len());
            for d in dims {
                match d {
                    Py::Int(n) if *n >= 0 && *n <= usize::MAX as i128 => out.push(*n as usize),
                    _ => return Err(corrupt(src, "its header's 'shape' is not a tuple of sizes")),
                }
            }
            out
        }
        _ => return Err(corrupt(src, "its header has no valid 'shape'")),
    };
    if shape.len() > 64 {
        return Err(corrupt(src, "its shape has more than 64 dimensions"));
    }
    Ok(NpyHeader {
        descr,
        fortran_order,
        shape,
    })
}

/// Why element data could not be read.
enum DataFail {
    Io(io::Error),
    /// The input ended after this many bytes.
    Short(usize),
    /// A uint64 value too large for int64.
    Overflow(u64),
}

/// Read `n` elements of `size` bytes each, decoding with `conv`; memory
/// grows with the data actually read, never with what a header claims.
fn read_elems<T, R, F>(
    r: &mut R,
    n: usize,
    size: usize,
    conv: F,
) -> std::result::Result<Vec<T>, DataFail>
where
    R: Read + ?Sized,
    F: Fn(&[u8]) -> std::result::Result<T, DataFail>,
{
    const CHUNK: usize = 1 << 16;
    let per = (CHUNK / size).max(1);
    let mut out = Vec::with_capacity(n.min(per));
    let mut buf = vec![0u8; per * size];
    let mut left = n;
    let mut total = 0usize;
    while left > 0 {
        let k = left.min(per);
        let want = k * size;
        let got = read_full(r, &mut buf[..want]).map_err(DataFail::Io)?;
        total += got;
        if got < want {
            return Err(DataFail::Short(total));
        }
        out.reserve(k);
        for c in buf[..want].chunks_exact(size) {
            out.push(conv(c)?);
        }
        left -= k;
    }
    Ok(out)
}

/// float16 bits → float32 (exact).
fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0f32 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let mant = (h & 0x3ff) as f32;
    match exp {
        0 => sign * mant * 2f32.powi(-24),
        31 if mant == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        _ => sign * (1.0 + mant / 1024.0) * 2f32.powi(exp - 15),
    }
}

fn bytes8(c: &[u8], big: bool) -> [u8; 8] {
    let mut b = [0u8; 8];
    b.copy_from_slice(&c[..8]);
    if big {
        b.reverse();
    }
    b
}

fn bytes4(c: &[u8], big: bool) -> [u8; 4] {
    let mut b = [0u8; 4];
    b.copy_from_slice(&c[..4]);
    if big {
        b.reverse();
    }
    b
}

fn bytes2(c: &[u8], big: bool) -> [u8; 2] {
    let mut b = [0u8; 2];
    b.copy_from_slice(&c[..2]);
    if big {
        b.reverse();
    }
    b
}

/// Read a whole `.npy` stream (header and data) into an array. `src` names
/// the data in messages (`"x.npy"`, `entry "a" of "f.npz"`).
pub fn read_npy<R: Read + ?Sized>(r: &mut R, src: &str) -> Result<Array> {
    let h = read_npy_header(r, src)?;
    let n = check_size(&h.shape).map_err(|e| {
        e.with_note(format!(
            "the shape {} comes from {src}",
            fmt_shape(&h.shape)
        ))
    })?;
    let Descr {
        kind,
        size,
        big_endian: big,
    } = h.descr;
    let data = match (kind, size) {
        (Kind::Bool, _) => read_elems(r, n, 1, |c| Ok(c[0] != 0)).map(Col::Bool),
        (Kind::Int, 1) => read_elems(r, n, 1, |c| Ok(c[0] as i8 as i64)).map(Col::I64),
        (Kind::Int, 2) => {
            read_elems(r, n, 2, |c| Ok(i16::from_le_bytes(bytes2(c, big)) as i64)).map(Col::I64)
        }
        (Kind::Int, 4) => {
            read_elems(r, n, 4, |c| Ok(i32::from_le_bytes(bytes4(c, big)) as i64)).map(Col::I64)
        }
        (Kind::Int, _) => {
            read_elems(r, n, 8, |c| Ok(i64::from_le_bytes(bytes8(c, big)))).map(Col::I64)
        }
        (Kind::UInt, 1) => read_elems(r, n, 1, |c| Ok(c[0] as i64)).map(Col::I64),
        (Kind::UInt, 2) => {
            read_elems(r, n, 2, |c| Ok(u16::from_le_bytes(bytes2(c, big)) as i64)).map(Col::I64)
        }
        (Kind::UInt, 4) => {
            read_elems(r, n, 4, |c| Ok(u32::from_le_bytes(bytes4(c, big)) as i64)).map(Col::I64)
        }
        (Kind::UInt, _) => read_elems(r, n, 8, |c| {
            let v = u64::from_le_bytes(bytes8(c, big));
            i64::try_from(v).map_err(|_| DataFail::Overflow(v))
        })
        .map(Col::I64),
        (Kind::Float, 2) => read_elems(r, n, 2, |c| {
            Ok(f16_to_f32(u16::from_le_bytes(bytes2(c, big))))
        })
        .map(Col::F32),
        (Kind::Float, 4) => {
            read_elems(r, n, 4, |c| Ok(f32::from_le_bytes(bytes4(c, big)))).map(Col::F32)
        }
        (Kind::Float, _) => {
            read_elems(r, n, 8, |c| Ok(f64::from_le_bytes(bytes8(c, big)))).map(Col::F64)
        }
    };
    let data = data.map_err(|f| match f {
        DataFail::Io(e) => Error::new(ErrorKind::Io, format!("cannot read {src}: {}", reason(&e))),
        DataFail::Short(got) => corrupt(
            src,
            format_args!(
                "the data is truncated: shape {} needs {} bytes, found {}",
                fmt_shape(&h.shape),
                n.saturating_mul(size),
                got
            ),
        ),
        DataFail::Overflow(v) => Error::new(
            ErrorKind::Value,
            format!("{src} holds the uint64 value {v}, which does not fit in int64"),
        )
        .with_help("arr's integers are int64; convert in NumPy first (e.g. to float64)"),
    })?;
    let shaped = |e: ndarray::ShapeError| corrupt(src, e);
    Ok(match data {
        Col::Bool(v) => Array::Bool(to_nd(v, &h.shape, h.fortran_order).map_err(shaped)?),
        Col::I64(v) => Array::I64(to_nd(v, &h.shape, h.fortran_order).map_err(shaped)?),
        Col::F32(v) => Array::F32(to_nd(v, &h.shape, h.fortran_order).map_err(shaped)?),
        Col::F64(v) => Array::F64(to_nd(v, &h.shape, h.fortran_order).map_err(shaped)?),
    })
}

enum Col {
    Bool(Vec<bool>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// A C-order array from elements stored in C or Fortran order.
fn to_nd<T: Clone>(
    v: Vec<T>,
    shape: &[usize],
    fortran: bool,
) -> std::result::Result<Arr<T>, ndarray::ShapeError> {
    if fortran && shape.len() > 1 {
        let a = ArrayD::from_shape_vec(IxDyn(shape).f(), v)?;
        Ok(a.as_standard_layout().into_owned().into_shared())
    } else {
        Ok(ArrayD::from_shape_vec(IxDyn(shape), v)?.into_shared())
    }
}

/// Load a `.npy` file.
pub fn load_npy(path: &Path) -> Result<Array> {
    let f = File::open(path).map_err(|e| io_error(path, "read", &e))?;
    let mut r = io::BufReader::with_capacity(1 << 16, f);
    read_npy(&mut r, &format!("\"{}\"", path.display()))
}

// =============================================================== NPY: write

/// The NPY descr arr writes for a dtype (little-endian, like NumPy on x86).
pub fn npy_descr(dt: DType) -> &'static str {
    match dt {
        DType::Bool => "|b1",
        DType::I64 => "<i8",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
    }
}

/// The header bytes `np.save` writes for an array of this dtype and shape:
/// the magic, version 1.0 (2.0 if the header is too long), and the dict
/// padded with spaces so the data starts at a multiple of 64 bytes.
pub fn npy_header(dt: DType, shape: &[usize]) -> Vec<u8> {
    let dict = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
        npy_descr(dt),
        fmt_shape(shape)
    );
    let hlen = dict.len() + 1; // + '\n'
    let build = |major: u8, len_bytes: usize| {
        let pad = 64 - (6 + 2 + len_bytes + hlen) % 64;
        let total = hlen + pad;
        let mut out = Vec::with_capacity(6 + 2 + len_bytes + total);
        out.extend_from_slice(NPY_MAGIC);
        out.extend_from_slice(&[major, 0]);
        if len_bytes == 2 {
            out.extend_from_slice(&(total as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&(total as u32).to_le_bytes());
        }
        out.extend_from_slice(dict.as_bytes());
        out.extend(std::iter::repeat_n(b' ', pad));
        out.push(b'\n');
        out
    };
    if hlen + 64 <= u16::MAX as usize {
        build(1, 2)
    } else {
        build(2, 4)
    }
}

/// Write `a` as a `.npy` stream (C order, little-endian).
pub fn write_npy<W: Write + ?Sized>(w: &mut W, a: &Array) -> io::Result<()> {
    w.write_all(&npy_header(a.dtype(), a.shape()))?;
    fn put<T: Copy, W: Write + ?Sized, const N: usize>(
        w: &mut W,
        a: &Arr<T>,
        bytes: impl Fn(T) -> [u8; N],
    ) -> io::Result<()> {
        let mut buf = Vec::with_capacity(1 << 16);
        for &x in a.iter() {
            buf.extend_from_slice(&bytes(x));
            if buf.len() >= (1 << 16) - N {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
        w.write_all(&buf)
    }
    match a {
        Array::Bool(x) => put(w, x, |v| [v as u8]),
        Array::I64(x) => put(w, x, i64::to_le_bytes),
        Array::F32(x) => put(w, x, f32::to_le_bytes),
        Array::F64(x) => put(w, x, f64::to_le_bytes),
    }
}

/// Save one array as a `.npy` file, atomically.
pub fn save_npy(path: &Path, a: &Array) -> Result<()> {
    write_atomic(path, |w| Ok(write_npy(w, a)?))
}

// ===================================================================== NPZ

/// Read every `NAME.npy` entry of an `.npz` (zip) stream, in archive order,
/// with `.npy` taken off the names (as NumPy's `NpzFile` does).
pub fn read_npz<R: Read + Seek>(r: R, src: &str) -> Result<Vec<(String, Array)>> {
    let bad_zip = |e: zip::result::ZipError| {
        match e {
        zip::result::ZipError::Io(e) => {
            Error::new(ErrorKind::Io, format!("cannot read {src}: {}", reason(&e)))
        }
        other => Error::new(
            ErrorKind::Io,
            format!("{src} is not a valid .npz (zip) archive: {other}"),
        )
        .with_help("the file may be damaged or truncated; .npz files come from np.savez or save(\"name.npz\", ...)"),
    }
    };
    let mut z = zip::ZipArchive::new(r).map_err(bad_zip)?;
    let mut out = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(bad_zip)?;
        let name = f.name().map_err(bad_zip)?.into_owned();
        if f.is_dir() {
            continue;
        }
        let Some(key) = name.strip_suffix(".npy") else {
            return Err(Error::new(
                ErrorKind::Value,
                format!("{src} holds \"{name}\", which is not an .npy array"),
            )
            .with_help("an .npz archive holds only NAME.npy entries"));
        };
        let what = format!("entry \"{key}\" of {src}");
        let damaged = |e: Error| match e.kind {
            // A damaged deflate stream or a checksum mismatch shows up as a
            // read error.
            ErrorKind::Io if e.message.starts_with("cannot read") => {
                e.with_help("the archive may be damaged or truncated")
            }
            _ => e,
        };
        let a = read_npy(&mut f, &what).map_err(damaged)?;
        // Read to the entry's end so the zip reader checks its CRC-32.
        io::copy(&mut f, &mut io::sink()).map_err(|e| {
            damaged(Error::new(
                ErrorKind::Io,
                format!("cannot read {what}: {}", reason(&e)),
            ))
        })?;
        out.push((key.to_string(), a));
    }
    Ok(out)
}

/// Load an `.npz` file.
pub fn load_npz(path: &Path) -> Result<Vec<(String, Array)>> {
    let f = File::open(path).map_err(|e| io_error(path, "read", &e))?;
    read_npz(io::BufReader::new(f), &format!("\"{}\"", path.display()))
}

/// Passes writes and seeks through to `inner` until the first error; after
/// that it only pretends (tracking the position), so the zip writer's drop,
/// which finalizes an unfinished archive and prints when that fails, stays
/// quiet and touches nothing. `blown` records that an error happened.
struct Fuse<'a, W> {
    inner: &'a mut W,
    blown: &'a std::cell::Cell<bool>,
    pos: u64,
    end: u64,
}

impl<W> Fuse<'_, W> {
    fn fail<T>(&mut self, e: io::Error) -> io::Result<T> {
        if e.kind() != io::ErrorKind::Interrupted {
            self.blown.set(true);
        }
        Err(e)
    }
    fn moved(&mut self, pos: u64) {
        self.pos = pos;
        self.end = self.end.max(pos);
    }
}

impl<W: Write> Write for Fuse<'_, W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.blown.get() {
            self.moved(self.pos.saturating_add(b.len() as u64));
            return Ok(b.len());
        }
        match self.inner.write(b) {
            Ok(n) => {
                self.moved(self.pos.saturating_add(n as u64));
                Ok(n)
            }
            Err(e) => self.fail(e),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.blown.get() {
            return Ok(());
        }
        match self.inner.flush() {
            Ok(()) => Ok(()),
            Err(e) => self.fail(e),
        }
    }
}

impl<W: Seek> Seek for Fuse<'_, W> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        if self.blown.get() {
            let p = match to {
                io::SeekFrom::Start(p) => p,
                io::SeekFrom::End(d) => self.end.saturating_add_signed(d),
                io::SeekFrom::Current(d) => self.pos.saturating_add_signed(d),
            };
            self.pos = p;
            return Ok(p);
        }
        match self.inner.seek(to) {
            Ok(p) => {
                self.moved(p);
                Ok(p)
            }
            Err(e) => self.fail(e),
        }
    }
}

/// Write arrays as `NAME.npy` entries of a zip archive, stored (as
/// `np.savez`) or deflated (as `np.savez_compressed`).
pub fn write_npz<W: Write + Seek>(
    w: &mut W,
    items: &[(String, Array)],
    compress: bool,
) -> std::result::Result<(), WriteFail> {
    use zip::write::SimpleFileOptions;
    let blown = std::cell::Cell::new(false);
    let start = w.stream_position()?;
    let mut z = zip::ZipWriter::new(Fuse {
        inner: w,
        blown: &blown,
        pos: start,
        end: start,
    });
    for (name, a) in items {
        let big = a.nbytes().saturating_add(1 << 16) >= u32::MAX as usize;
        let opts = SimpleFileOptions::default()
            .compression_method(if compress {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            })
            .large_file(big);
        z.start_file(format!("{name}.npy"), opts)?;
        write_npy(&mut z, a)?;
    }
    z.finish()?;
    if blown.get() {
        return Err(WriteFail::Io(io::Error::other(
            "writing the archive failed",
        )));
    }
    Ok(())
}

/// Save arrays as an `.npz` file, atomically.
pub fn save_npz(path: &Path, items: &[(String, Array)], compress: bool) -> Result<()> {
    write_atomic(path, |w| {
        write_npz(w, items, compress)?;
        Ok(())
    })
}

// ==================================================================== text

/// Parse a text table: one row per line, fields split by `delimiter` (any
/// whitespace when None), `#` starting a comment, blank lines skipped, the
/// first `skiprows` lines ignored. Like NumPy, the result is squeezed: one
/// column or one row gives a 1-d array, a single value a 0-d one.
pub fn parse_text(
    text: &str,
    src: &str,
    delimiter: Option<&str>,
    skiprows: usize,
    dtype: DType,
) -> Result<Array> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut ncols: Option<(usize, usize)> = None; // (columns, line of first row)
    let mut nrows = 0usize;
    let mut col = TextCol::new(dtype);
    for (i, raw) in text.lines().enumerate().skip(skiprows) {
        let ln = i + 1;
        let line = match raw.find('#') {
            Some(k) => &raw[..k],
            None => raw,
        };
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = match delimiter {
            None => line.split_whitespace().collect(),
            Some(d) => line.split(d).collect(),
        };
        match ncols {
            None => ncols = Some((fields.len(), ln)),
            Some((n, first)) if n != fields.len() => {
                return Err(Error::value(format!(
                    "{src}, line {ln}: found {} column{}, but line {first} has {n}",
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" }
                ))
                .with_help(match delimiter {
                    None => "every row needs the same number of values (split on whitespace)".to_string(),
                    Some(d) => format!(
                        "every row needs the same number of values (split on {d:?}); check the delimiter"
                    ),
                }));
            }
            _ => {}
        }
        for (c, f) in fields.iter().enumerate() {
            if !col.push(f.trim()) {
                let mut e = Error::value(format!(
                    "{src}, line {ln}, column {}: cannot read {:?} as {dtype}",
                    c + 1,
                    f.trim()
                ));
                e = if nrows == 0 && f.trim().chars().any(|ch| ch.is_alphabetic()) {
                    e.with_help("is the first line a header? skip it with skiprows=1")
                } else if delimiter.is_none() && f.contains(',') {
                    e.with_help("for comma-separated values pass delimiter=\",\"")
                } else if dtype == DType::I64 || dtype == DType::Bool {
                    e.with_help("integer and bool columns need whole numbers; try dtype=float64")
                } else {
                    e.with_help("each field must be a number such as 1, -2.5, 1e-3, nan or inf")
                };
                return Err(e);
            }
        }
        nrows += 1;
    }
    let ncols = ncols.map(|c| c.0).unwrap_or(0);
    let shape: Vec<usize> = if nrows == 0 {
        vec![0]
    } else {
        [nrows, ncols].into_iter().filter(|&d| d != 1).collect()
    };
    check_size(&shape)?;
    Ok(col.finish(&shape))
}

/// Parsed text values of one dtype.
enum TextCol {
    Bool(Vec<bool>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl TextCol {
    fn new(dt: DType) -> TextCol {
        match dt {
            DType::Bool => TextCol::Bool(Vec::new()),
            DType::I64 => TextCol::I64(Vec::new()),
            DType::F32 => TextCol::F32(Vec::new()),
            DType::F64 => TextCol::F64(Vec::new()),
        }
    }
    /// Parse and append one field; false if it is not a number.
    fn push(&mut self, f: &str) -> bool {
        let int = |f: &str| f.parse::<i64>().ok();
        let float = |f: &str| {
            // Rust accepts "infinity" and "nan" in any case, as NumPy does;
            // it has no "0x" floats or "1_000" digits, nor does NumPy.
            f.parse::<f64>().ok()
        };
        match self {
            TextCol::Bool(v) => int(f).map(|x| v.push(x != 0)).is_some(),
            TextCol::I64(v) => int(f).map(|x| v.push(x)).is_some(),
            TextCol::F32(v) => float(f).map(|x| v.push(x as f32)).is_some(),
            TextCol::F64(v) => float(f).map(|x| v.push(x)).is_some(),
        }
    }
    fn finish(self, shape: &[usize]) -> Array {
        match self {
            TextCol::Bool(v) => Array::from_vec(shape, v),
            TextCol::I64(v) => Array::from_vec(shape, v),
            TextCol::F32(v) => Array::from_vec(shape, v),
            TextCol::F64(v) => Array::from_vec(shape, v),
        }
    }
}

/// Load a text table (see [`parse_text`]).
pub fn load_text(
    path: &Path,
    delimiter: Option<&str>,
    skiprows: usize,
    dtype: DType,
) -> Result<Array> {
    let bytes = fs::read(path).map_err(|e| io_error(path, "read", &e))?;
    let src = format!("\"{}\"", path.display());
    match String::from_utf8(bytes) {
        Ok(text) => parse_text(&text, &src, delimiter, skiprows, dtype),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let head = &e.as_bytes()[..at.min(e.as_bytes().len())];
            if e.as_bytes().starts_with(NPY_MAGIC) {
                return Err(Error::new(
                    ErrorKind::Value,
                    format!("{src} is a binary .npy file, not text"),
                )
                .with_help("load it with load(path)"));
            }
            Err(Error::new(
                ErrorKind::Io,
                format!(
                    "{src} is not a text file (invalid UTF-8 on line {})",
                    head.iter().filter(|&&b| b == b'\n').count() + 1
                ),
            )
            .with_help("loadtxt reads UTF-8 text; binary arrays load with load(path)"))
        }
    }
}

/// A `printf`-style format for one value: `%[flags][width][.prec]conv`.
#[derive(Clone, Debug, PartialEq)]
struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    prec: Option<usize>,
    conv: char,
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Lit(String),
    Spec(Spec),
}

/// Parse a `%`-format string (Python's old-style formatting subset that
/// `np.savetxt` users write: d i u x X o e E f F g G s, `%%` for a percent).
fn parse_fmt(s: &str) -> std::result::Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        if cs[i] != '%' {
            lit.push(cs[i]);
            i += 1;
            continue;
        }
        i += 1;
        if cs.get(i) == Some(&'%') {
            lit.push('%');
            i += 1;
            continue;
        }
        let mut sp = Spec {
            minus: false,
            plus: false,
            space: false,
            zero: false,
            alt: false,
            width: 0,
            prec: None,
            conv: 'e',
        };
        while let Some(&c) = cs.get(i) {
            match c {
                '-' => sp.minus = true,
                '+' => sp.plus = true,
                ' ' => sp.space = true,
                '0' => sp.zero = true,
                '#' => sp.alt = true,
                _ => break,
            }
            i += 1;
        }
        let num = |i: &mut usize| {
            let st = *i;
            while cs.get(*i).is_some_and(|c| c.is_ascii_digit()) {
                *i += 1;
            }
            cs[st..*i].iter().collect::<String>().parse::<usize>().ok()
        };
        sp.width = num(&mut i).unwrap_or(0).min(1000);
        if cs.get(i) == Some(&'.') {
            i += 1;
            sp.prec = Some(num(&mut i).unwrap_or(0).min(1000));
        }
        while matches!(cs.get(i), Some('h' | 'l' | 'L')) {
            i += 1;
        }
        match cs.get(i) {
            Some(
                &c @ ('d' | 'i' | 'u' | 'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 's'
                | 'r'),
            ) => {
                sp.conv = c;
                i += 1;
            }
            Some(c) => return Err(format!("unsupported conversion `%{c}`")),
            None => return Err("the format ends after `%`".into()),
        }
        if !lit.is_empty() {
            out.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        out.push(Piece::Spec(sp));
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    Ok(out)
}

/// One element as `%`-formatting sees it.
#[derive(Clone, Copy, Debug)]
enum Cell {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl Cell {
    fn as_f64(self) -> f64 {
        match self {
            Cell::Bool(b) => b as i64 as f64,
            Cell::Int(i) => i as f64,
            Cell::Float(f) => f,
        }
    }
    /// Python's `int(x)` (truncation), or an error for nan/inf.
    fn as_int(self) -> std::result::Result<i128, String> {
        match self {
            Cell::Bool(b) => Ok(b as i128),
            Cell::Int(i) => Ok(i as i128),
            Cell::Float(f) if f.is_finite() => Ok(f.trunc() as i128),
            Cell::Float(f) => Err(format!("cannot format {} as an integer", py_float_str(f))),
        }
    }
}

/// Python's `str(float)`: shortest round-trip digits, `1e-05`, `1e+16`.
fn py_float_str(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let e = format!("{f:e}"); // shortest digits: "1.5e-7"
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        let s = format!("{f}");
        if s.contains('.') || s.contains("inf") || s.contains("NaN") {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// C's `%e` body for a finite, non-negative value: `1.500000e+00`.
fn exp_body(v: f64, prec: usize, upper: bool, alt: bool) -> String {
    let s = format!("{v:.prec$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let dot = if alt && prec == 0 { "." } else { "" };
    format!(
        "{mant}{dot}{}{}{:02}",
        if upper { 'E' } else { 'e' },
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    )
}

/// C's `%g` body for a finite, non-negative value.
fn g_body(v: f64, prec: usize, upper: bool, alt: bool) -> String {
    let p = if prec == 0 { 1 } else { prec };
    let probe = format!("{v:.*e}", p - 1);
    let x: i64 = probe
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let mut s = if x < -4 || x >= p as i64 {
        exp_body(v, p - 1, upper, alt)
    } else {
        let fp = (p as i64 - 1 - x).max(0) as usize;
        let mut s = format!("{v:.fp$}");
        if alt && !s.contains('.') {
            s.push('.');
        }
        s
    };
    if !alt {
        // Strip trailing zeros of the fraction (before any exponent).
        let (num, exp) = match s.find(['e', 'E']) {
            Some(k) => (s[..k].to_string(), s[k..].to_string()),
            None => (s.clone(), String::new()),
        };
        let num = if num.contains('.') {
            num.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            num
        };
        s = num + &exp;
    }
    s
}

fn format_one(sp: &Spec, v: Cell) -> std::result::Result<String, String> {
    let (neg, body, numeric) = match sp.conv {
        'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
            let i = v.as_int()?;
            let mag = i.unsigned_abs();
            let mut digits = match sp.conv {
                'x' => format!("{mag:x}"),
                'X' => format!("{mag:X}"),
                'o' => format!("{mag:o}"),
                _ => mag.to_string(),
            };
            if let Some(p) = sp.prec {
                while digits.len() < p {
                    digits.insert(0, '0');
                }
            }
            if sp.alt {
                digits = match sp.conv {
                    'x' => format!("0x{digits}"),
                    'X' => format!("0X{digits}"),
                    'o' => format!("0o{digits}"),
                    _ => digits,
                };
            }
            (i < 0, digits, true)
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let f = v.as_f64();
            let upper = sp.conv.is_ascii_uppercase();
            let prec = sp.prec.unwrap_or(6);
            let body = if f.is_nan() {
                "nan".to_string()
            } else if f.is_infinite() {
                "inf".to_string()
            } else {
                let a = f.abs();
                match sp.conv {
                    'e' | 'E' => exp_body(a, prec, upper, sp.alt),
                    'f' | 'F' => {
                        let mut s = format!("{a:.prec$}");
                        if sp.alt && prec == 0 {
                            s.push('.');
                        }
                        s
                    }
                    _ => g_body(a, prec, upper, sp.alt),
                }
            };
            let body = if upper { body.to_uppercase() } else { body };
            (f.is_sign_negative() && !f.is_nan(), body, true)
        }
        _ => {
            // %s / %r: Python's str() of a NumPy scalar.
            let mut s = match v {
                Cell::Bool(b) => (if b { "True" } else { "False" }).to_string(),
                Cell::Int(i) => i.to_string(),
                Cell::Float(f) => py_float_str(f),
            };
            if let Some(p) = sp.prec {
                s = s.chars().take(p).collect();
            }
            (false, s, false)
        }
    };
    let sign = if !numeric {
        ""
    } else if neg {
        "-"
    } else if sp.plus {
        "+"
    } else if sp.space {
        " "
    } else {
        ""
    };
    let len = sign.chars().count() + body.chars().count();
    let pad = sp.width.saturating_sub(len);
    Ok(if sp.minus {
        format!("{sign}{body}{}", " ".repeat(pad))
    } else if sp.zero && numeric {
        format!("{sign}{}{body}", "0".repeat(pad))
    } else {
        format!("{}{sign}{body}", " ".repeat(pad))
    })
}

/// `fmt` for `savetxt`: one format for every value, one per column, or a
/// whole-row format with one specifier per column (as `np.savetxt`).
#[derive(Clone, Debug)]
pub enum TextFmt {
    One(String),
    PerColumn(Vec<String>),
}

/// The row format for `ncols` columns, or a message saying what is wrong.
fn row_format(
    fmt: &TextFmt,
    ncols: usize,
    delimiter: &str,
) -> std::result::Result<Vec<Piece>, String> {
    let joined = match fmt {
        TextFmt::One(f) => {
            let pieces = parse_fmt(f)?;
            let n = pieces
                .iter()
                .filter(|p| matches!(p, Piece::Spec(_)))
                .count();
            if n == 1 {
                vec![f.as_str(); ncols].join(delimiter)
            } else if n == ncols {
                f.clone()
            } else {
                return Err(format!(
                    "fmt {f:?} has {n} format specifiers, but the array has {ncols} column{}",
                    if ncols == 1 { "" } else { "s" }
                ));
            }
        }
        TextFmt::PerColumn(v) => {
            if v.len() != ncols {
                return Err(format!(
                    "fmt gives {} formats, but the array has {ncols} column{}",
                    v.len(),
                    if ncols == 1 { "" } else { "s" }
                ));
            }
            v.join(delimiter)
        }
    };
    let pieces = parse_fmt(&joined)?;
    let n = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Spec(_)))
        .count();
    if n != ncols {
        return Err(format!(
            "the row format has {n} specifiers for {ncols} columns"
        ));
    }
    Ok(pieces)
}

/// Write `a` (1-d: one value a line; 2-d: one row a line) as text, with an
/// optional header whose lines start with `# `, as `np.savetxt` does.
pub fn write_text<W: Write + ?Sized>(
    w: &mut W,
    a: &Array,
    delimiter: &str,
    header: &str,
    fmt: Option<&TextFmt>,
) -> std::result::Result<(), WriteFail> {
    let (nrows, ncols) = match a.shape() {
        [n] => (*n, 1),
        [r, c] => (*r, *c),
        s => {
            return Err(WriteFail::Err(
                Error::value(format!(
                    "savetxt() writes 1-d or 2-d arrays, got {}-d (shape {})",
                    s.len(),
                    fmt_shape(s)
                ))
                .label_arg(1, format!("shape {}", fmt_shape(s)))
                .with_help(if s.is_empty() {
                    "wrap a single value in a list: [x]"
                } else {
                    "reshape to 2-d first, e.g. a.reshape(a.shape[0], -1)"
                }),
            ))
        }
    };
    let default = TextFmt::One("%.18e".into());
    let fmt = fmt.unwrap_or(&default);
    let pieces = row_format(fmt, ncols, delimiter).map_err(|m| {
        WriteFail::Err(
            Error::value(format!("savetxt(): {m}"))
                .label_arg(4, "fmt")
                .with_help("use one format such as \"%.6f\", or one per column"),
        )
    })?;
    if !header.is_empty() {
        let h = header.replace('\n', "\n# ");
        w.write_all(format!("# {h}\n").as_bytes())?;
    }
    let cells: Vec<Cell> = match a {
        Array::Bool(x) => x.iter().map(|&v| Cell::Bool(v)).collect(),
        Array::I64(x) => x.iter().map(|&v| Cell::Int(v)).collect(),
        Array::F32(x) => x.iter().map(|&v| Cell::Float(v as f64)).collect(),
        Array::F64(x) => x.iter().map(|&v| Cell::Float(v)).collect(),
    };
    let mut line = String::new();
    let mut buf = String::with_capacity(1 << 16);
    for r in 0..nrows {
        line.clear();
        let mut c = 0;
        for p in &pieces {
            match p {
                Piece::Lit(s) => line.push_str(s),
                Piece::Spec(sp) => {
                    let v = cells[r * ncols + c];
                    let s = format_one(sp, v).map_err(|m| {
                        WriteFail::Err(
                            Error::value(format!(
                                "savetxt(): element {}: {m}",
                                if a.ndim() == 1 {
                                    format!("[{r}]")
                                } else {
                                    format!("[{r}, {c}]")
                                }
                            ))
                            .label_arg(4, "fmt")
                            .with_help("integer formats (%d) need finite values; use %g or %.6f"),
                        )
                    })?;
                    line.push_str(&s);
                    c += 1;
                }
            }
        }
        buf.push_str(&line);
        buf.push('\n');
        if buf.len() >= 1 << 16 {
            w.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    w.write_all(buf.as_bytes())?;
    Ok(())
}

/// Save `a` as a text table, atomically (see [`write_text`]).
pub fn save_text(
    path: &Path,
    a: &Array,
    delimiter: &str,
    header: &str,
    fmt: Option<&TextFmt>,
) -> Result<()> {
    write_atomic(path, |w| write_text(w, a, delimiter, header, fmt))
}

/// Format a row of values with a `%`-format (for tests and tools).
pub fn sprintf_row(fmt: &str, vals: &[f64]) -> std::result::Result<String, String> {
    let pieces = parse_fmt(fmt)?;
    let mut out = String::new();
    let mut k = 0;
    for p in &pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Spec(sp) => {
                let v = vals.get(k).copied().ok_or("not enough values")?;
                out.push_str(&format_one(sp, Cell::Float(v))?);
                k += 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch folder that removes itself when dropped.
    fn tmpdir(tag: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("arr-data-{tag}-"))
            .tempdir()
            .unwrap()
    }

    fn entries(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// A writer that fails after `left` bytes, like a full disk.
    struct FailAfter<W> {
        inner: W,
        left: usize,
    }
    impl<W: Write> Write for FailAfter<W> {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.left == 0 {
                return Err(io::Error::other("no space left on device"));
            }
            let n = b.len().min(self.left);
            self.left -= n;
            self.inner.write(&b[..n])
        }
        fn flush(&mut self) -> io::Result<()> {
            self.inner.flush()
        }
    }
    impl<W: Seek> Seek for FailAfter<W> {
        fn seek(&mut self, p: io::SeekFrom) -> io::Result<u64> {
            self.inner.seek(p)
        }
    }

    fn big() -> Array {
        Array::from_vec(&[100_000], (0..100_000).map(|i| i as f64).collect())
    }

    #[test]
    fn failed_write_leaves_no_target_and_no_temp() {
        let tmp = tmpdir("fail-new");
        let d = tmp.path();
        let p = d.join("x.npy");
        let a = big();
        let r = write_atomic_with(
            &p,
            |f| FailAfter {
                inner: BufWriter::new(f),
                left: 1000,
            },
            |w| Ok(write_npy(w, &a)?),
        );
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(
            e.message.contains("x.npy") && e.message.contains("no space"),
            "{}",
            e.message
        );
        assert!(entries(&d).is_empty(), "left behind: {:?}", entries(&d));
        // The same through the zip writer (which needs Seek), stored and
        // deflated, failing early (in an entry) and late (in the footer).
        let q = d.join("x.npz");
        let two = [("a".to_string(), a.clone()), ("b".to_string(), a.clone())];
        for compress in [false, true] {
            let mut full = io::Cursor::new(Vec::new());
            write_npz(&mut full, &two, compress).unwrap();
            let n = full.into_inner().len();
            for left in [100, n / 2, n - 10] {
                let r = write_atomic_with(
                    &q,
                    |f| FailAfter {
                        inner: BufWriter::new(f),
                        left,
                    },
                    |w| {
                        write_npz(w, &two, compress)?;
                        Ok(())
                    },
                );
                let e = r.unwrap_err();
                assert!(e.message.contains("x.npz"), "{}", e.message);
                assert!(entries(&d).is_empty(), "left behind: {:?}", entries(&d));
            }
        }
    }

    #[test]
    fn failed_write_keeps_existing_target() {
        let tmp = tmpdir("fail-old");
        let d = tmp.path();
        let p = d.join("x.npy");
        let old = Array::from_vec(&[3], vec![1i64, 2, 3]);
        save_npy(&p, &old).unwrap();
        let before = fs::read(&p).unwrap();
        let a = big();
        let r = write_atomic_with(
            &p,
            |f| FailAfter {
                inner: f,
                left: 100,
            },
            |w| Ok(write_npy(w, &a)?),
        );
        assert!(r.is_err());
        assert_eq!(fs::read(&p).unwrap(), before);
        assert_eq!(entries(&d), vec!["x.npy".to_string()]);
        // A body that fails with arr's own error also cleans up.
        let r = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            Err(WriteFail::Err(Error::value("bad format")))
        });
        assert_eq!(r.unwrap_err().message, "bad format");
        assert_eq!(fs::read(&p).unwrap(), before);
        assert_eq!(entries(&d), vec!["x.npy".to_string()]);
        // A 3-d array is refused by savetxt before anything is written.
        let cube = Array::from_vec(&[1, 1, 1], vec![1.0f64]);
        assert!(save_text(&p, &cube, " ", "", None).is_err());
        assert_eq!(fs::read(&p).unwrap(), before);
        assert_eq!(entries(&d), vec!["x.npy".to_string()]);
        // And a successful write replaces it.
        save_npy(&p, &a).unwrap();
        assert_eq!(load_npy(&p).unwrap().to_f64_vec(), a.to_f64_vec());
        assert_eq!(entries(&d), vec!["x.npy".to_string()]);
    }

    #[test]
    fn write_into_missing_folder_is_an_io_error() {
        let tmp = tmpdir("missing");
        let d = tmp.path();
        let p = d.join("nope").join("x.npy");
        let e = save_npy(&p, &big()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(e.message.contains("nope/x.npy"), "{}", e.message);
        assert!(e.help.unwrap().contains("must exist"));
        let e = save_npy(&d, &big()).unwrap_err();
        assert!(e.help.unwrap().contains("folder"));
        assert!(entries(&d).is_empty());
    }

    #[test]
    fn header_matches_numpy_layout() {
        let h = npy_header(DType::F64, &[3]);
        assert_eq!(h.len() % 64, 0);
        let s = String::from_utf8_lossy(&h[10..]).into_owned();
        assert!(s.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"));
        assert!(s.ends_with(" \n"));
        let mut r = io::Cursor::new(h);
        let got = read_npy_header(&mut r, "x").unwrap();
        assert_eq!(got.shape, vec![3]);
        assert_eq!(got.dtype(), DType::F64);
    }

    #[test]
    fn npy_roundtrip_in_memory() {
        let arrays = vec![
            Array::from_vec(&[2, 3], vec![1.5f64, -2.0, 0.0, f64::INFINITY, 1e-300, 7.0]),
            Array::from_vec(&[4], vec![1.5f32, -2.0, f32::MAX, 0.1]),
            Array::from_vec(&[2, 2], vec![i64::MIN, -1, 0, i64::MAX]),
            Array::from_vec(&[3], vec![true, false, true]),
            Array::from_vec(&[], vec![42i64]),
            Array::from_vec(&[0, 3], Vec::<f64>::new()),
        ];
        for a in arrays {
            let mut buf = Vec::new();
            write_npy(&mut buf, &a).unwrap();
            let b = read_npy(&mut io::Cursor::new(&buf), "mem").unwrap();
            assert_eq!(b.dtype(), a.dtype());
            assert_eq!(b.shape(), a.shape());
            assert_eq!(
                format!("{:?}", b.to_f64_vec()),
                format!("{:?}", a.to_f64_vec())
            );
        }
        // A transposed (non-contiguous) array is written in logical order.
        let t = Array::from_vec(&[2, 3], (0..6).map(|i| i as f64).collect::<Vec<_>>()).transpose();
        let mut buf = Vec::new();
        write_npy(&mut buf, &t).unwrap();
        let b = read_npy(&mut io::Cursor::new(&buf), "mem").unwrap();
        assert_eq!(b.shape(), &[3, 2]);
        assert_eq!(b.to_f64_vec(), vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
    }

    fn npy_bytes(header: &str, data: &[u8]) -> Vec<u8> {
        let mut v = NPY_MAGIC.to_vec();
        v.extend_from_slice(&[1, 0]);
        v.extend_from_slice(&(header.len() as u16).to_le_bytes());
        v.extend_from_slice(header.as_bytes());
        v.extend_from_slice(data);
        v
    }

    fn read_err(bytes: &[u8]) -> Error {
        read_npy(&mut io::Cursor::new(bytes), "\"t.npy\"").unwrap_err()
    }

    #[test]
    fn header_variants() {
        // Python 2 longs, double quotes, extra whitespace, keys in any order.
        let b = npy_bytes(
            "{\"shape\": (2L, 1L), 'fortran_order':False,'descr':'>i2'}\n",
            &[0, 1, 0xff, 0xfe],
        );
        let a = read_npy(&mut io::Cursor::new(&b), "t").unwrap();
        assert_eq!(a.shape(), &[2, 1]);
        assert_eq!(a.to_i64_vec(), vec![1, -2]);
        // Version 2.0 and 3.0 use a 4-byte length.
        for major in [2u8, 3] {
            let h = "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }\n";
            let mut v = NPY_MAGIC.to_vec();
            v.extend_from_slice(&[major, 0]);
            v.extend_from_slice(&(h.len() as u32).to_le_bytes());
            v.extend_from_slice(h.as_bytes());
            v.extend_from_slice(&[0xff, 0xff, 1, 0]);
            let a = read_npy(&mut io::Cursor::new(&v), "t").unwrap();
            assert_eq!(a.to_i64_vec(), vec![65535, 1]);
        }
        // float16
        let b = npy_bytes(
            "{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }",
            &[0x00, 0x3c, 0x00, 0xc0, 0x00, 0x7c, 0x01, 0x00],
        );
        let a = read_npy(&mut io::Cursor::new(&b), "t").unwrap();
        assert_eq!(a.dtype(), DType::F32);
        assert_eq!(
            a.to_f64_vec(),
            vec![1.0, -2.0, f64::INFINITY, 2f64.powi(-24)]
        );
    }

    #[test]
    fn bad_npy_files_are_errors() {
        let e = read_err(b"hello world, this is text");
        assert!(e.message.contains("not a .npy file"), "{}", e.message);
        let e = read_err(&NPY_MAGIC[..4]);
        assert!(e.message.contains("not a .npy file"));
        let e = read_err(&npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
            &[0; 20],
        ));
        assert!(
            e.message.contains("truncated") && e.message.contains("24 bytes, found 20"),
            "{}",
            e.message
        );
        let e = read_err(&npy_bytes(
            "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
            &[0; 16],
        ));
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("complex128"), "{}", e.message);
        let e = read_err(&npy_bytes(
            "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
            &[0; 8],
        ));
        assert!(e.message.contains("object"), "{}", e.message);
        let e = read_err(&npy_bytes(
            "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
            &[0; 8],
        ));
        assert!(e.message.contains("structured"), "{}", e.message);
        let e = read_err(&npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)",
            &[],
        ));
        assert!(e.message.contains("not a valid .npy"), "{}", e.message);
        let e = read_err(&npy_bytes("{'descr': '<f8', 'shape': (3,), }", &[]));
        assert!(e.message.contains("fortran_order"), "{}", e.message);
        let e = read_err(&npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,), }",
            &[],
        ));
        assert!(e.message.contains("shape"), "{}", e.message);
        let e = read_err(&npy_bytes(
            "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }",
            &[0xff; 8],
        ));
        assert!(e.message.contains("18446744073709551615"), "{}", e.message);
        // A huge shape is refused before anything is allocated.
        let e = read_err(&npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000), }",
            &[],
        ));
        assert_eq!(e.kind, ErrorKind::Memory);
        let e = read_err(&npy_bytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999999,), }",
            &[],
        ));
        assert!(e.message.contains("shape"), "{}", e.message);
        let mut v = NPY_MAGIC.to_vec();
        v.extend_from_slice(&[9, 0, 0, 0]);
        assert!(read_err(&v).message.contains("version 9.0"));
    }

    #[test]
    fn npz_roundtrip_stored_and_deflated() {
        let items = vec![
            (
                "w".to_string(),
                Array::from_vec(&[2, 2], vec![1.0f32, 2.0, 3.0, 4.0]),
            ),
            (
                "b".to_string(),
                Array::from_vec(&[3], vec![true, false, true]),
            ),
            ("arr_0".to_string(), Array::from_vec(&[], vec![7i64])),
        ];
        for compress in [false, true] {
            let mut cur = io::Cursor::new(Vec::new());
            write_npz(&mut cur, &items, compress).unwrap();
            let bytes = cur.into_inner();
            let got = read_npz(io::Cursor::new(&bytes), "mem").unwrap();
            let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(names, vec!["w", "b", "arr_0"]);
            for ((_, a), (_, b)) in items.iter().zip(&got) {
                assert_eq!(a.dtype(), b.dtype());
                assert_eq!(a.shape(), b.shape());
                assert_eq!(a.to_f64_vec(), b.to_f64_vec());
            }
            // Truncated archives are errors, not panics.
            for cut in [10, bytes.len() / 2, bytes.len() - 5] {
                assert!(read_npz(io::Cursor::new(&bytes[..cut]), "mem").is_err());
            }
        }
        // A flipped bit in stored data fails the entry's CRC-32.
        let a = Array::from_vec(&[4], vec![1.25f64, 2.5, 3.75, 5.0]);
        let mut cur = io::Cursor::new(Vec::new());
        write_npz(&mut cur, &[("a".into(), a)], false).unwrap();
        let mut bytes = cur.into_inner();
        let needle = 3.75f64.to_le_bytes();
        let at = bytes.windows(8).position(|w| w == needle).unwrap();
        bytes[at + 7] ^= 0x01;
        let e = read_npz(io::Cursor::new(&bytes), "\"x.npz\"").unwrap_err();
        assert!(e.message.contains("entry \"a\""), "{}", e.message);
        assert!(e.help.unwrap().contains("damaged"));
        let e = read_npz(io::Cursor::new(b"not a zip at all"), "\"x.npz\"").unwrap_err();
        assert!(e.message.contains("not a valid .npz"), "{}", e.message);
    }

    #[test]
    fn text_parsing() {
        let a = parse_text("# c\n1 2 3\n4 5 6 # x\n\n", "t", None, 0, DType::F64).unwrap();
        assert_eq!(a.shape(), &[2, 3]);
        assert_eq!(a.to_f64_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let a = parse_text("x,y\n1, 2\n3 ,4\r\n", "t", Some(","), 1, DType::I64).unwrap();
        assert_eq!((a.dtype(), a.shape()), (DType::I64, &[2usize, 2][..]));
        let a = parse_text("1\n2\n3\n", "t", None, 0, DType::F32).unwrap();
        assert_eq!((a.dtype(), a.shape()), (DType::F32, &[3usize][..]));
        let a = parse_text("1 2 3\n", "t", None, 0, DType::F64).unwrap();
        assert_eq!(a.shape(), &[3]);
        let a = parse_text("5\n", "t", None, 0, DType::F64).unwrap();
        assert_eq!(a.shape(), &[] as &[usize]);
        let a = parse_text("", "t", None, 0, DType::F64).unwrap();
        assert_eq!(a.shape(), &[0]);
        let a = parse_text("nan inf -inf 1e3\n", "t", None, 0, DType::F64).unwrap();
        assert!(a.to_f64_vec()[0].is_nan());
        let a = parse_text("0 2 -1\n", "t", None, 0, DType::Bool).unwrap();
        assert_eq!(a.to_i64_vec(), vec![0, 1, 1]);
        let e = parse_text("1 2\n3 4\n5\n", "\"t.txt\"", None, 0, DType::F64).unwrap_err();
        assert!(
            e.message.contains("line 3") && e.message.contains("line 1 has 2"),
            "{}",
            e.message
        );
        let e = parse_text("a b\n1 2\n", "t", None, 0, DType::F64).unwrap_err();
        assert!(e.message.contains("line 1, column 1"), "{}", e.message);
        assert!(e.help.unwrap().contains("skiprows"));
        let e = parse_text("1,2\n", "t", None, 0, DType::F64).unwrap_err();
        assert!(e.help.unwrap().contains("delimiter"));
        let e = parse_text("1.5\n", "t", None, 0, DType::I64).unwrap_err();
        assert!(e.message.contains("int64"));
        let e = parse_text("1,,2\n", "t", Some(","), 0, DType::F64).unwrap_err();
        assert!(e.message.contains("column 2"), "{}", e.message);
    }

    #[test]
    fn printf_formats_match_python() {
        // Expected strings from Python's % operator.
        let cases: &[(&str, f64, &str)] = &[
            ("%.18e", 1.5, "1.500000000000000000e+00"),
            ("%.18e", 0.1, "1.000000000000000056e-01"),
            ("%.18e", -1e-300, "-1.000000000000000025e-300"),
            ("%.2f", 0.125, "0.12"),
            ("%.0f", 0.5, "0"),
            ("%.0f", 1.5, "2"),
            ("%g", 1e-5, "1e-05"),
            ("%g", 123456789.0, "1.23457e+08"),
            ("%g", 0.0001, "0.0001"),
            ("%g", 100000.0, "100000"),
            ("%g", 1e6, "1e+06"),
            ("%#g", 1.0, "1.00000"),
            ("%10.3e", -12345.678, "-1.235e+04"),
            ("%-8d|", 42.0, "42      |"),
            ("%+d", 5.0, "+5"),
            ("%d", -2.7, "-2"),
            ("%x", 255.0, "ff"),
            ("%s", 1e16, "1e+16"),
            ("%s", 0.1, "0.1"),
            ("%s", 3.0, "3.0"),
            ("%05f", f64::INFINITY, "00inf"),
            ("%e", f64::NAN, "nan"),
            ("%E", f64::NAN, "NAN"),
            ("%g", f64::NEG_INFINITY, "-inf"),
            ("%08.3f", -3.2468, "-003.247"),
            ("% d", 7.0, " 7"),
            ("%.3g", 0.00012345, "0.000123"),
            ("%G", 1e-10, "1E-10"),
            ("%5.1f%%", 12.34, " 12.3%"),
        ];
        for (f, v, want) in cases {
            assert_eq!(&sprintf_row(f, &[*v]).unwrap(), want, "{f} % {v}");
        }
        assert!(sprintf_row("%d", &[f64::NAN]).is_err());
        assert!(sprintf_row("%q", &[1.0]).is_err());
    }

    #[test]
    fn savetxt_layout() {
        let a = Array::from_vec(&[2, 2], vec![1.5f64, 2.0, 3.0, 4.0]);
        let mut out = Vec::new();
        write_text(&mut out, &a, " ", "a b\nc", None).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "# a b\n# c\n1.500000000000000000e+00 2.000000000000000000e+00\n\
             3.000000000000000000e+00 4.000000000000000000e+00\n"
        );
        let mut out = Vec::new();
        let v = Array::from_vec(&[2], vec![1i64, 2]);
        write_text(&mut out, &v, ",", "", Some(&TextFmt::One("%d".into()))).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1\n2\n");
        let mut out = Vec::new();
        let r = Array::from_vec(&[1, 2], vec![1i64, 2]);
        write_text(
            &mut out,
            &r,
            ",",
            "",
            Some(&TextFmt::One("%d,%05.1f".into())),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1,002.0\n");
        let mut out = Vec::new();
        let fmts = TextFmt::PerColumn(vec!["%d".into(), "%.2f".into()]);
        write_text(&mut out, &r, ";", "", Some(&fmts)).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1;2.00\n");
        let mut out = Vec::new();
        let e = write_text(
            &mut out,
            &r,
            ",",
            "",
            Some(&TextFmt::One("%d %d %d".into())),
        );
        assert!(matches!(e, Err(WriteFail::Err(_))));
    }
}
