//! Data files: the NumPy-written fixtures in tests/data (made by
//! tests/data/make_fixtures.py) load with the right dtypes, shapes and
//! values; every dtype and shape round-trips through save/load; failures
//! are clear errors and never leave partial files behind.

mod common;

use arr::array::{Array, DType};
use arr::data;
use arr::diagnostics::ErrorKind as K;
use arr::output::Capture;
use arr::value::Value;
use arr::Interp;
use std::fs;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

/// A fresh, empty scratch folder for one test.
fn scratch(tag: &str) -> common::Scratch {
    common::Scratch::new(&format!("data-files-{tag}"))
}

fn listing(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// An array taken out of the interpreter (values as f64 bit patterns so
/// nan compares equal to nan).
#[derive(Debug, Clone, PartialEq)]
struct Got {
    dtype: DType,
    shape: Vec<usize>,
    vals: Vec<u64>,
}

fn got(a: &Array) -> Got {
    Got {
        dtype: a.dtype(),
        shape: a.shape().to_vec(),
        vals: a.to_f64_vec().iter().map(|v| v.to_bits()).collect(),
    }
}

fn want<T: Into<f64> + Copy>(dtype: DType, shape: &[usize], vals: &[T]) -> Got {
    Got {
        dtype,
        shape: shape.to_vec(),
        vals: vals.iter().map(|&v| v.into().to_bits()).collect(),
    }
}

fn want_i(shape: &[usize], vals: &[i64]) -> Got {
    Got {
        dtype: DType::I64,
        shape: shape.to_vec(),
        vals: vals.iter().map(|&v| (v as f64).to_bits()).collect(),
    }
}

#[derive(Debug)]
enum Out {
    Arr(Got),
    Dict(Vec<(String, Got)>),
    #[allow(dead_code)] // shown in failure messages
    Other(String),
}

/// Run arr code with `dir` as the script folder; the final value, or the
/// error's kind and rendered report.
fn eval(code: &str, dir: Option<&Path>) -> Result<Out, (K, String)> {
    let code = code.to_string();
    let dir = dir.map(|d| d.to_path_buf());
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut it = Interp::new(Box::new(Capture::default()));
            it.base_dir = dir;
            let as_got = |v: &Value| match v {
                Value::Array(a) => Some(got(a)),
                Value::Num(s, _) => Some(got(&Array::scalar(*s))),
                _ => None,
            };
            match it.run_source("<test>", &code) {
                Ok(Some(v)) => Ok(match &v {
                    Value::Dict(d) => Out::Dict(
                        d.iter()
                            .map(|(k, x)| (k.to_string(), as_got(x).expect("array in dict")))
                            .collect(),
                    ),
                    other => match as_got(other) {
                        Some(g) => Out::Arr(g),
                        None => Out::Other(arr::eval::repr(other)),
                    },
                }),
                Ok(None) => Ok(Out::Other("none".into())),
                Err(e) => Err((e.kind, it.render(&e, false))),
            }
        })
        .unwrap()
        .join()
        .unwrap()
}

fn eval_arr(code: &str, dir: Option<&Path>) -> Got {
    match eval(code, dir) {
        Ok(Out::Arr(g)) => g,
        other => panic!("`{code}` gave {other:?}"),
    }
}

fn eval_err(code: &str, dir: Option<&Path>, kind: K, snippets: &[&str]) {
    match eval(code, dir) {
        Err((k, report)) => {
            assert_eq!(k, kind, "`{code}`:\n{report}");
            for s in snippets {
                assert!(
                    report.contains(s),
                    "report for `{code}` lacks {s:?}:\n{report}"
                );
            }
        }
        Ok(v) => panic!("`{code}` did not fail: {v:?}"),
    }
}

fn npy_fixtures() -> Vec<(&'static str, Got)> {
    vec![
        (
            "f8.npy",
            want(
                DType::F64,
                &[6],
                &[1.5, -2.25, 0.0, 1e300, f64::INFINITY, f64::NAN],
            ),
        ),
        (
            "f4.npy",
            want(DType::F32, &[2, 2], &[1.5f32, -2.0, 0.1, 3.0e38]),
        ),
        ("f2.npy", want(DType::F32, &[3], &[1.0f32, -0.5, 65504.0])),
        ("i8.npy", want_i(&[5], &[i64::MIN, -1, 0, 1, i64::MAX])),
        ("i4.npy", want_i(&[2, 3], &[-3, -2, -1, 0, 1, 2])),
        ("i2.npy", want_i(&[2], &[-32768, 32767])),
        ("i1.npy", want_i(&[2], &[-128, 127])),
        ("u1.npy", want_i(&[3], &[0, 1, 255])),
        ("u2.npy", want_i(&[2], &[0, 65535])),
        ("u4.npy", want_i(&[2], &[0, 4294967295])),
        ("u8.npy", want_i(&[2], &[0, i64::MAX])),
        (
            "b1.npy",
            want(DType::Bool, &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]),
        ),
        (
            "fortran.npy",
            want(DType::F64, &[2, 3], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
        ),
        (
            "fortran3d.npy",
            want_i(&[2, 3, 4], &(0..24).collect::<Vec<i64>>()),
        ),
        (
            "big_endian.npy",
            want(DType::F64, &[3], &[1.5, -2.0, 1e-10]),
        ),
        ("big_endian_i4.npy", want_i(&[3], &[1, -2, 70000])),
        ("scalar.npy", want(DType::F64, &[], &[3.25])),
        ("empty.npy", want(DType::F64, &[0, 3], &[] as &[f64])),
    ]
}

#[test]
fn numpy_npy_fixtures_load_with_their_values() {
    for (name, w) in npy_fixtures() {
        let a = data::load_npy(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got(&a), w, "{name}");
        assert!(
            arr::with_array!(&a, x => x.is_standard_layout()),
            "{name} is not C-contiguous"
        );
        // The same through the language, with a path relative to the script folder.
        assert_eq!(
            eval_arr(&format!("load(\"{name}\")"), Some(&fixtures())),
            w,
            "load(\"{name}\")"
        );
    }
}

#[test]
fn numpy_npz_fixtures_load_in_archive_order() {
    // np.savez: keywords first, then positional arrays as arr_0, ...;
    // entries are stored, with zip64 headers.
    let items = data::load_npz(&fixture("savez.npz")).unwrap();
    let names: Vec<&str> = items.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["w", "flag", "arr_0"]);
    assert_eq!(
        got(&items[0].1),
        want(DType::F64, &[2, 2], &[1.0, 0.0, 0.0, 1.0])
    );
    assert_eq!(got(&items[1].1), want(DType::Bool, &[], &[1.0]));
    assert_eq!(got(&items[2].1), want_i(&[3], &[1, 2, 3]));
    // np.savez_compressed: deflated entries.
    let items = data::load_npz(&fixture("savez_compressed.npz")).unwrap();
    let names: Vec<&str> = items.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["x", "y"]);
    assert_eq!(
        got(&items[0].1),
        want(DType::F64, &[5], &[0.0, 0.25, 0.5, 0.75, 1.0])
    );
    assert_eq!(got(&items[1].1), want_i(&[2, 2], &[0, 1, 2, 3]));
    // Through the language: a dict in archive order, 0-d entries as scalars.
    match eval("load(\"savez.npz\")", Some(&fixtures())) {
        Ok(Out::Dict(d)) => {
            let names: Vec<&str> = d.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(names, ["w", "flag", "arr_0"]);
            assert_eq!(d[1].1, want(DType::Bool, &[], &[1.0]));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        eval_arr("load(\"savez_compressed.npz\")[\"y\"]", Some(&fixtures())),
        want_i(&[2, 2], &[0, 1, 2, 3])
    );
}

#[test]
fn text_fixtures_load() {
    let d = Some(fixtures());
    let d = d.as_deref();
    assert_eq!(
        eval_arr("loadtxt(\"header.csv\", delimiter=\",\", skiprows=1)", d),
        want(DType::F64, &[2, 3], &[1.0, 2.0, 3.0, 4.5, -5.0, 600.0])
    );
    assert_eq!(
        eval_arr("loadtxt(\"table.txt\")", d),
        want(DType::F64, &[3, 2], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    );
    eval_err(
        "loadtxt(\"table.txt\", dtype=int64)",
        d,
        K::Value,
        &[
            "table.txt",
            "line 2, column 1",
            "cannot read \"1.0\" as int64",
            "dtype=float64",
        ],
    );
    assert_eq!(
        eval_arr("loadtxt(\"table.txt\", dtype=float32, skiprows=3)", d),
        want(DType::F32, &[2, 2], &[3.0f32, 4.0, 5.0, 6.0])
    );
    assert_eq!(
        eval_arr("loadtxt(\"savetxt.txt\")", d),
        want(DType::F64, &[2, 2], &[1.5, 2.0, -3.0, 1e-5])
    );
    // load() of a .txt is loadtxt with defaults.
    assert_eq!(
        eval_arr("load(\"savetxt.txt\")", d),
        want(DType::F64, &[2, 2], &[1.5, 2.0, -3.0, 1e-5])
    );
    // A header line that is not a comment: the error says how to skip it.
    eval_err(
        "load(\"header.csv\")",
        d,
        K::Value,
        &[
            "header.csv",
            "line 1, column 1",
            "cannot read \"a\" as float64",
            "skiprows=1",
        ],
    );
}

#[test]
fn arr_writes_npy_bytes_identical_to_numpy() {
    let dir = scratch("bytes");
    for name in [
        "f8.npy",
        "f4.npy",
        "i8.npy",
        "b1.npy",
        "scalar.npy",
        "empty.npy",
    ] {
        let a = data::load_npy(&fixture(name)).unwrap();
        let p = dir.join(name);
        data::save_npy(&p, &a).unwrap();
        assert_eq!(
            fs::read(&p).unwrap(),
            fs::read(fixture(name)).unwrap(),
            "{name}"
        );
    }
    // savetxt with NumPy's defaults writes what np.savetxt wrote.
    let a = data::load_text(&fixture("savetxt.txt"), None, 0, DType::F64).unwrap();
    let p = dir.join("savetxt.txt");
    data::save_text(&p, &a, " ", "x y", None).unwrap();
    assert_eq!(
        fs::read_to_string(&p).unwrap(),
        fs::read_to_string(fixture("savetxt.txt")).unwrap()
    );
}

fn sample(dtype: DType, shape: &[usize]) -> Array {
    let n: usize = shape.iter().product();
    match dtype {
        DType::Bool => Array::from_vec(shape, (0..n).map(|i| i % 3 == 0).collect()),
        DType::I64 => Array::from_vec(
            shape,
            (0..n)
                .map(|i| (i as i64 - 5) * 1_000_000_007 + if i == 1 { i64::MIN } else { 0 })
                .collect(),
        ),
        DType::F32 => Array::from_vec(
            shape,
            (0..n).map(|i| (i as f32 - 2.5) / 3.0).collect::<Vec<f32>>(),
        ),
        DType::F64 => Array::from_vec(
            shape,
            (0..n)
                .map(|i| match i {
                    1 => f64::NAN,
                    2 => f64::NEG_INFINITY,
                    _ => (i as f64 - 2.5) / 3.0 * 1e-7,
                })
                .collect(),
        ),
    }
}

const DTYPES: [DType; 4] = [DType::Bool, DType::I64, DType::F32, DType::F64];
const SHAPES: &[&[usize]] = &[&[], &[0], &[1], &[5], &[2, 3], &[0, 3], &[3, 1], &[2, 3, 4]];

#[test]
fn every_dtype_and_shape_round_trips_through_files() {
    let dir = scratch("roundtrip");
    for dt in DTYPES {
        for shape in SHAPES {
            let a = sample(dt, shape);
            let tag = format!("{dt}{shape:?}");
            // .npy
            let p = dir.join("a.npy");
            data::save_npy(&p, &a).unwrap();
            assert_eq!(got(&data::load_npy(&p).unwrap()), got(&a), "npy {tag}");
            // .npz, stored and deflated
            for compress in [false, true] {
                let p = dir.join("a.npz");
                let items = vec![
                    ("first".to_string(), a.clone()),
                    ("x".to_string(), a.clone()),
                ];
                data::save_npz(&p, &items, compress).unwrap();
                let back = data::load_npz(&p).unwrap();
                assert_eq!(back.len(), 2);
                assert_eq!(back[0].0, "first");
                assert_eq!(got(&back[1].1), got(&a), "npz {tag} compress={compress}");
            }
            // text (1-d and 2-d), read back with the array's dtype
            if (1..=2).contains(&shape.len()) && !a.is_empty() && dt != DType::F32 {
                let p = dir.join("a.csv");
                let fmt = (dt != DType::F64).then(|| data::TextFmt::One("%d".into()));
                data::save_text(&p, &a, ",", "a header\nline two", fmt.as_ref()).unwrap();
                let b = data::load_text(&p, Some(","), 0, dt).unwrap();
                // loadtxt squeezes like NumPy: (3, 1) comes back as (3,).
                let squeezed: Vec<usize> = shape.iter().copied().filter(|&d| d != 1).collect();
                assert_eq!(b.shape(), &squeezed[..], "text {tag}");
                assert_eq!(got(&b).vals, got(&a).vals, "text {tag}");
            }
        }
    }
    assert_eq!(listing(&dir), ["a.csv", "a.npy", "a.npz"]);
}

#[test]
fn save_and_load_through_the_language() {
    let dir = scratch("lang");
    let d = Some(dir.path());
    // Arrays made in Rust, then moved around by arr code.
    for dt in DTYPES {
        for shape in SHAPES {
            let a = sample(dt, shape);
            data::save_npy(&dir.join("in.npy"), &a).unwrap();
            let back = eval_arr(
                "x = load(\"in.npy\")\nsave(\"b.npz\", x=x, y=[1, 2])\nsave(\"c.npy\", load(\"b.npz\")[\"x\"])\nload(\"c.npy\")",
                d,
            );
            assert_eq!(back, got(&a), "{dt}{shape:?}");
        }
    }
    // Positional arrays are arr_0, arr_1; keywords keep their names and order.
    match eval(
        "save(\"p.npz\", [1, 2], 2.5, zeta=true, alpha=[[1.5]])\nload(\"p.npz\")",
        d,
    ) {
        Ok(Out::Dict(items)) => {
            let names: Vec<&str> = items.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(names, ["arr_0", "arr_1", "zeta", "alpha"]);
            assert_eq!(items[0].1, want_i(&[2], &[1, 2]));
            assert_eq!(items[1].1, want(DType::F64, &[], &[2.5]));
            assert_eq!(items[3].1, want(DType::F64, &[1, 1], &[1.5]));
        }
        other => panic!("{other:?}"),
    }
    // A dict saves its entries, so load/save round-trip archives.
    match eval("save(\"q.npz\", load(\"p.npz\"))\nload(\"q.npz\")", d) {
        Ok(Out::Dict(items)) => assert_eq!(items.len(), 4),
        other => panic!("{other:?}"),
    }
    // save("x.npy", a=...) is fine too: one array either way.
    assert_eq!(
        eval_arr("save(\"k.npy\", a=[true, false])\nload(\"k.npy\")", d),
        want(DType::Bool, &[2], &[1.0, 0.0])
    );
    // Text through save/load and savetxt/loadtxt.
    assert_eq!(
        eval_arr("save(\"t.csv\", [[1, 2], [3, 4]])\nload(\"t.csv\")", d),
        want(DType::F64, &[2, 2], &[1.0, 2.0, 3.0, 4.0])
    );
    assert_eq!(
        eval_arr(
            "savetxt(\"t.txt\", [[1, 2], [3, 4]], fmt=(\"%d\", \"%.1f\"), delimiter=\"\\t\", header=\"a\\tb\")\nloadtxt(\"t.txt\", delimiter=\"\\t\")",
            d
        ),
        want(DType::F64, &[2, 2], &[1.0, 2.0, 3.0, 4.0])
    );
    assert_eq!(
        fs::read_to_string(dir.join("t.txt")).unwrap(),
        "# a\tb\n1\t2.0\n3\t4.0\n"
    );
    // No script folder: relative paths start at the current directory.
    let cwd_rel = format!("arr-data-files-cwd-{}.npy", std::process::id());
    let r = eval(
        &format!("save(\"{cwd_rel}\", [7])\nload(\"{cwd_rel}\")"),
        None,
    );
    let _ = fs::remove_file(&cwd_rel);
    assert!(
        matches!(r, Ok(Out::Arr(ref g)) if *g == want_i(&[1], &[7])),
        "{r:?}"
    );
    assert_eq!(
        listing(&dir)
            .iter()
            .filter(|n| data::is_temp_name(n))
            .count(),
        0
    );
}

#[test]
fn load_errors_are_clear() {
    let dir = scratch("load-err");
    let d = Some(dir.path());
    eval_err(
        "load(\"nope.npy\")",
        d,
        K::Io,
        &[
            "cannot read",
            "nope.npy",
            "No such file",
            "this file",
            "Help:",
        ],
    );
    eval_err(
        "load(\"missing/dir/x.npz\")",
        d,
        K::Io,
        &[
            "cannot read",
            "missing/dir/x.npz",
            "relative to the script's folder",
        ],
    );
    eval_err(
        "load(\"x.mat\")",
        d,
        K::Value,
        &["unknown file type .mat", "use .npy, .npz, .csv or .txt"],
    );
    eval_err(
        "load(\"noext\")",
        d,
        K::Value,
        &["use .npy, .npz, .csv or .txt"],
    );
    eval_err("load(42)", d, K::Type, &["must be a string"]);
    // A folder, not a file.
    fs::create_dir_all(dir.join("sub.npy")).unwrap();
    eval_err("load(\"sub.npy\")", d, K::Io, &["sub.npy"]);
    // Corrupt header, text in a .npy, unsupported dtype.
    let mut bad = fs::read(fixture("f8.npy")).unwrap();
    bad[20] = b'@';
    fs::write(dir.join("corrupt.npy"), &bad).unwrap();
    eval_err(
        "load(\"corrupt.npy\")",
        d,
        K::Io,
        &[
            "corrupt.npy",
            "is not a valid .npy file",
            "unexpected `@`",
            "damaged",
        ],
    );
    fs::write(dir.join("text.npy"), "1 2 3\n").unwrap();
    eval_err(
        "load(\"text.npy\")",
        d,
        K::Io,
        &["not a .npy file", "loadtxt"],
    );
    eval_err(
        "load(\"complex.npy\")",
        Some(&fixtures()),
        K::Value,
        &["complex128", "'<c16'", "cannot load", "astype"],
    );
    // Truncated data and truncated archives.
    let full = fs::read(fixture("f8.npy")).unwrap();
    fs::write(dir.join("short.npy"), &full[..full.len() - 3]).unwrap();
    eval_err(
        "load(\"short.npy\")",
        d,
        K::Io,
        &["short.npy", "truncated", "needs 48 bytes, found 45"],
    );
    fs::write(dir.join("head.npy"), &full[..30]).unwrap();
    eval_err("load(\"head.npy\")", d, K::Io, &["ends inside the header"]);
    for name in ["savez.npz", "savez_compressed.npz"] {
        let z = fs::read(fixture(name)).unwrap();
        for cut in [0, 10, z.len() / 2, z.len() - 1] {
            fs::write(dir.join("cut.npz"), &z[..cut]).unwrap();
            match eval("load(\"cut.npz\")", d) {
                Err((K::Io, report)) => assert!(report.contains("cut.npz"), "{report}"),
                other => panic!("{name} cut at {cut}: {other:?}"),
            }
        }
        // A damaged deflate stream (or stored data) inside an intact archive.
        let mut z2 = z.clone();
        let mid = z2.len() / 3;
        for b in &mut z2[mid..mid + 40] {
            *b ^= 0x5a;
        }
        fs::write(dir.join("flip.npz"), &z2).unwrap();
        assert!(
            eval("load(\"flip.npz\")", d).is_err(),
            "{name} with flipped bytes loaded"
        );
    }
    // Ragged text names the line.
    fs::write(dir.join("ragged.txt"), "1 2 3\n4 5 6\n7 8\n").unwrap();
    eval_err(
        "loadtxt(\"ragged.txt\")",
        d,
        K::Value,
        &["ragged.txt", "line 3", "found 2 columns, but line 1 has 3"],
    );
    eval_err(
        "loadtxt(\"ragged.txt\", skiprows=-1)",
        d,
        K::Value,
        &["skiprows must be >= 0"],
    );
    eval_err(
        "loadtxt(\"ragged.txt\", delimiter=\"\")",
        d,
        K::Value,
        &["cannot be empty"],
    );
    fs::write(dir.join("bin.txt"), [0xffu8, 0xfe, 0x00]).unwrap();
    eval_err("loadtxt(\"bin.txt\")", d, K::Io, &["not a text file"]);
}

#[test]
fn save_errors_are_clear_and_leave_files_intact() {
    let dir = scratch("save-err");
    let d = Some(dir.path());
    data::save_npy(&dir.join("keep.npy"), &sample(DType::F64, &[3])).unwrap();
    let before = fs::read(dir.join("keep.npy")).unwrap();
    eval_err(
        "save(\"keep.npy\", \"text\")",
        d,
        K::Value,
        &[
            "cannot save a string",
            "keep.npy",
            "only arrays and numbers",
            "Help:",
        ],
    );
    eval_err(
        "save(\"keep.npz\", a=[1], f=x -> x)",
        d,
        K::Value,
        &["cannot save a function as `f`", "keep.npz"],
    );
    eval_err(
        "save(\"keep.npy\", [1], [2])",
        d,
        K::Value,
        &[
            "a .npy file holds one array",
            "got 2",
            "save(\"x.npz\", a=a, b=b)",
        ],
    );
    eval_err("save(\"keep.npy\")", d, K::Arity, &["no array to write"]);
    eval_err(
        "save(\"keep.xlsx\", [1])",
        d,
        K::Value,
        &["unknown file type .xlsx", "use .npy, .npz, .csv or .txt"],
    );
    eval_err(
        "save(\"no/such/dir/x.npy\", [1])",
        d,
        K::Io,
        &[
            "cannot write",
            "no/such/dir/x.npy",
            "No such file",
            "must exist",
        ],
    );
    eval_err(
        "save(\"keep.npz\", [1], arr_0=[2])",
        d,
        K::Value,
        &["two arrays are named `arr_0`"],
    );
    eval_err(
        "save(\"keep.npz\", a=[1], a=[2])",
        d,
        K::Syntax,
        &["`a` given twice"],
    );
    eval_err(
        "savetxt(\"keep.npy\", zeros(2, 2, 2))",
        d,
        K::Value,
        &["1-d or 2-d", "(2, 2, 2)"],
    );
    eval_err("save(\"keep.csv\", 5)", d, K::Value, &["1-d or 2-d", "0-d"]);
    eval_err(
        "savetxt(\"keep.npy\", [[1, 2]], fmt=\"%d %d %d\")",
        d,
        K::Value,
        &["3 format specifiers", "2 columns"],
    );
    eval_err(
        "savetxt(\"keep.npy\", [1, nan], fmt=\"%d\")",
        d,
        K::Value,
        &["cannot format nan as an integer"],
    );
    eval_err(
        "savetxt(\"keep.npy\", [1], fmt=\"%q\")",
        d,
        K::Value,
        &["unsupported conversion `%q`"],
    );
    // A folder in the way.
    fs::create_dir_all(dir.join("dir.npy")).unwrap();
    eval_err("save(\"dir.npy\", [1])", d, K::Io, &["dir.npy", "folder"]);
    // None of that touched keep.npy or left a temp file.
    assert_eq!(fs::read(dir.join("keep.npy")).unwrap(), before);
    assert_eq!(listing(&dir), ["dir.npy", "keep.npy"]);
    // A replaced file keeps its permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("keep.npy");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(eval("save(\"keep.npy\", [1, 2])", d).is_ok());
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(got(&data::load_npy(&p).unwrap()), want_i(&[2], &[1, 2]));
    }
    // Permission denied (skipped when running as root, which may write anywhere).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.join("ro");
        fs::create_dir_all(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        let probe = fs::write(ro.join("probe"), "x");
        if probe.is_err() {
            eval_err(
                "save(\"ro/x.npy\", [1])",
                d,
                K::Io,
                &["cannot write", "Permission denied", "check the permissions"],
            );
        }
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn kwrest_binding_leaves_other_builtins_alone() {
    // Builtins without `**named` still reject unknown keywords as before.
    let r = common::run("zeros(2, shpe=3)");
    assert_eq!(r.kind, Some(K::Arity));
    let report = r.error.unwrap();
    assert!(
        report.contains("zeros() has no parameter `shpe`"),
        "{report}"
    );
    // `**named` takes no positional argument, and known names still bind.
    let b = arr::builtins::lookup("save").unwrap();
    let ps = arr::builtins::params_of(b);
    assert_eq!(ps.len(), 3);
    assert!(ps[1].rest && !ps[1].kwrest);
    assert!(ps[2].kwrest && !ps[2].rest && !ps[2].required);
    let r = common::run("loadtxt(\"x.txt\", \",\", 0, float64, 5)");
    assert!(r
        .error
        .unwrap()
        .contains("takes at most 4 positional arguments"));
}
