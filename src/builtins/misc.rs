//! misc: print len shape ndim size dtype astype copy assert help type device
//! to keys time str int float; and the products dot matmul outer inner trace.

use super::{arr, table, Args, Builtin};
use crate::array::elementwise::{binary, BinaryOp};
use crate::array::{linalg, Array, DType, Scalar};
use crate::diagnostics::{At, Error, ErrorKind, Result};
use crate::ops::Interp;
use crate::value::{display, repr, shape_tuple, value_to_array};
use crate::value::{Func, Value};

pub fn print(it: &mut Interp, a: Args) -> Result<Value> {
    let sep = match a.get(0) {
        Some(Value::Str(s)) => s.to_string(),
        _ => " ".to_string(),
    };
    let parts: Vec<String> = a.rest.iter().map(display).collect();
    it.out.print(&parts.join(&sep));
    Ok(Value::None)
}

pub fn len(_: &mut Interp, a: Args) -> Result<Value> {
    let v = a.value(0)?;
    let n = match v {
        Value::Array(x) if x.ndim() > 0 => x.shape()[0],
        Value::Str(s) => s.chars().count(),
        Value::Tuple(t) => t.len(),
        Value::Dict(d) => d.len(),
        Value::Num(..) | Value::Array(_) => {
            return Err(Error::type_("len() of a scalar (0-d value)")
                .label(At::Arg(0), v.describe())
                .with_help("size(x) counts elements; a scalar has 1"))
        }
        other => return Err(a.type_err(0, "an array, string, tuple or dict", other)),
    };
    Ok(Value::int(n as i64))
}

pub fn shape(_: &mut Interp, a: Args) -> Result<Value> {
    Ok(shape_tuple(a.array(0)?.shape()))
}
pub fn ndim(_: &mut Interp, a: Args) -> Result<Value> {
    Ok(Value::int(a.array(0)?.ndim() as i64))
}
pub fn size(_: &mut Interp, a: Args) -> Result<Value> {
    Ok(Value::int(a.array(0)?.len() as i64))
}
pub fn dtype(_: &mut Interp, a: Args) -> Result<Value> {
    Ok(Value::DType(a.array(0)?.dtype()))
}
pub fn astype(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let dt = a.opt_dtype(1)?.ok_or_else(|| a.missing(1))?;
    arr(x.astype(dt))
}
pub fn copy(_: &mut Interp, a: Args) -> Result<Value> {
    // Values are copy-on-write: a copy shares the buffer until either side writes.
    Ok(a.value(0)?.clone())
}

pub fn assert_(_: &mut Interp, a: Args) -> Result<Value> {
    let v = a.value(0)?;
    let ok = match v {
        Value::Num(s, _) => s.as_bool(),
        Value::Array(x) => {
            if x.len() != 1 {
                return Err(Error::value(format!(
                    "assert() needs one true/false value, got an array of {} elements",
                    x.len()
                ))
                .label(At::Arg(0), v.describe())
                .with_help("wrap the condition in all(...) or any(...)"));
            }
            x.to_scalar().map(|s| s.as_bool()).unwrap_or(false)
        }
        Value::None => false,
        _ => true,
    };
    if ok {
        return Ok(Value::None);
    }
    let msg = match a.get(1) {
        Some(Value::None) | None => "the condition is false".to_string(),
        Some(m) => display(m),
    };
    Err(Error::new(ErrorKind::Assertion, msg).label(At::Arg(0), "false"))
}

/// The help text of one builtin, as `help(name)` and `?name` print it.
pub fn help_text(b: &Builtin) -> String {
    let mut s = format!("{}\n", b.sig);
    for line in b.doc.lines() {
        s.push_str(&format!("  {}\n", line));
    }
    if !b.examples.is_empty() {
        s.push_str("  example:\n");
        for (code, out) in b.examples {
            s.push_str(&format!("    >>> {code}\n"));
            for l in out.lines() {
                s.push_str(&format!("    {l}\n"));
            }
        }
    }
    s.trim_end().to_string()
}

/// `help()` with no argument: every builtin by topic.
pub fn help_index() -> String {
    let mut cats: Vec<&str> = Vec::new();
    for b in table() {
        if !cats.contains(&b.category) {
            cats.push(b.category);
        }
    }
    let mut s = String::from("arr builtins by topic (help(name) or ?name for one):\n");
    for c in cats {
        let names: Vec<&str> = table()
            .iter()
            .filter(|b| b.category == c)
            .map(|b| b.name)
            .collect();
        s.push_str(&format!("  {:<12} {}\n", c, names.join(" ")));
    }
    let std: Vec<&str> = crate::stdlib::docs()
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    s.push_str(&format!("  {:<12} {}\n", "learning", std.join(" ")));
    let attrs: Vec<String> = crate::value::ATTRIBUTES
        .iter()
        .map(|(n, _)| format!("a.{n}"))
        .collect();
    s.push_str(&format!("  {:<12} {}\n", "attributes", attrs.join(" ")));
    s.push_str("  constants    pi e inf nan newaxis bool int64 float32 float64 argv");
    s
}

pub fn help(it: &mut Interp, a: Args) -> Result<Value> {
    let text = help_of(a.get(0))?;
    it.out.print(&text);
    Ok(Value::None)
}

/// What `help(v)` prints (`help()` for `None`): also `?name` in the REPL
/// and Shift-Tab in Jupyter.
pub fn help_of(v: Option<&Value>) -> Result<String> {
    let text = match v {
        None | Some(Value::None) => help_index(),
        Some(Value::Func(Func::Builtin(b))) => help_text(b.row()),
        Some(Value::Str(n)) => match super::lookup(n) {
            Some(b) => help_text(b),
            None if crate::stdlib::doc(n).is_some() => crate::stdlib::doc(n)
                .map(crate::stdlib::help_text)
                .unwrap_or_default(),
            None => {
                let mut e = Error::new(ErrorKind::Name, format!("no builtin named `{n}`"))
                    .label(At::Arg(0), "unknown");
                if let Some(c) = crate::diagnostics::closest(n, table().iter().map(|b| b.name)) {
                    e = e.with_help(format!("did you mean `{c}`?"));
                }
                return Err(e);
            }
        },
        Some(Value::Func(Func::User(c)))
            if c.def
                .name
                .map(|n| crate::stdlib::doc(&n.to_string()).is_some())
                .unwrap_or(false) =>
        {
            c.def
                .name
                .and_then(|n| crate::stdlib::doc(&n.to_string()))
                .map(crate::stdlib::help_text)
                .unwrap_or_default()
        }
        Some(Value::Func(Func::User(c))) => {
            let params = c.param_names();
            let name = c
                .def
                .name
                .map(|n| n.to_string())
                .unwrap_or_else(|| "lambda".into());
            format!("{}({})\n  a user-defined function", name, params.join(", "))
        }
        Some(v) => format!("{}", v.describe()),
    };
    Ok(text)
}

pub fn type_(_: &mut Interp, a: Args) -> Result<Value> {
    Ok(Value::str(a.value(0)?.type_name()))
}
pub fn device(_: &mut Interp, a: Args) -> Result<Value> {
    a.array(0)?;
    Ok(Value::str("cpu"))
}
pub fn gpu_adapter(_: &mut Interp, _: Args) -> Result<Value> {
    Ok(match crate::ops::device_adapter() {
        Some(n) => Value::str(&n),
        None => Value::None,
    })
}
/// `to` without a GPU runtime in play (`ops::gpu` handles the rest).
pub fn to(it: &mut Interp, a: Args) -> Result<Value> {
    let v = a.value(0)?.clone();
    let d = a.string(1)?;
    match d.as_str() {
        "cpu" => Ok(v),
        "gpu" => {
            it.warn_once("warning: no GPU adapter found; arrays stay on the CPU");
            Ok(v)
        }
        _ => Err(Error::value(format!("unknown device \"{d}\""))
            .label(At::Arg(1), "here")
            .with_help("devices are \"cpu\" and \"gpu\"")),
    }
}
pub fn keys(_: &mut Interp, a: Args) -> Result<Value> {
    match a.value(0)? {
        Value::Dict(d) => Ok(Value::tuple(
            d.iter().map(|(k, _)| Value::Str(k.clone())).collect(),
        )),
        v => Err(a.type_err(0, "a dict", v)),
    }
}
pub fn time(it: &mut Interp, a: Args) -> Result<Value> {
    // GPU kernels run asynchronously: finish them so time() differences
    // include the GPU work started before the call.
    crate::ops::sync_devices().map_err(|e| e.at(a.call))?;
    Ok(Value::float(it.start.elapsed().as_secs_f64()))
}
pub fn str_(_: &mut Interp, a: Args) -> Result<Value> {
    Ok(Value::Str(display(a.value(0)?).into()))
}
pub fn repr_(_: &mut Interp, a: Args) -> Result<Value> {
    Ok(Value::Str(repr(a.value(0)?).into()))
}

fn scalar_conv(a: &Args, dt: DType) -> Result<Value> {
    let v = a.value(0)?;
    if let Value::Str(s) = v {
        let t = s.trim();
        let parsed = match dt {
            DType::I64 => t.parse::<i64>().ok().map(Value::int),
            _ => t.parse::<f64>().ok().map(Value::float),
        };
        return parsed.ok_or_else(|| {
            Error::value(format!("cannot convert \"{s}\" to a number"))
                .label(At::Arg(0), "not a number")
        });
    }
    let x = value_to_array(v).ok_or_else(|| a.type_err(0, "a number", v))?;
    if x.len() != 1 {
        return Err(Error::type_(format!(
            "{}() converts one number; got an array of {} elements",
            a.name,
            x.len()
        ))
        .label(At::Arg(0), v.describe())
        .with_help(format!("use astype(x, {}) for whole arrays", dt.name())));
    }
    let s = x.to_scalar().unwrap_or(Scalar::I64(0));
    Ok(Value::Num(s.cast(dt), false))
}
pub fn int_(_: &mut Interp, a: Args) -> Result<Value> {
    scalar_conv(&a, DType::I64)
}
pub fn float_(_: &mut Interp, a: Args) -> Result<Value> {
    scalar_conv(&a, DType::F64)
}

pub fn matmul(_: &mut Interp, a: Args) -> Result<Value> {
    linalg::matmul(&a.array(0)?, &a.array(1)?).and_then(arr)
}
pub fn dot(_: &mut Interp, a: Args) -> Result<Value> {
    let (x, y) = (a.array(0)?, a.array(1)?);
    if x.ndim() == 0 || y.ndim() == 0 {
        return binary(BinaryOp::Mul, &a.operand(0)?, &a.operand(1)?).map(Value::from_operand);
    }
    if x.ndim() > 2 || y.ndim() > 2 {
        return Err(
            Error::value("dot() of arrays with more than 2 dimensions is not supported")
                .with_help("use matmul(a, b) or a @ b, which batches over leading dimensions"),
        );
    }
    linalg::matmul(&x, &y).and_then(arr)
}
pub fn outer(_: &mut Interp, a: Args) -> Result<Value> {
    linalg::outer(&a.array(0)?, &a.array(1)?).and_then(arr)
}
pub fn inner(_: &mut Interp, a: Args) -> Result<Value> {
    let (x, y) = (a.array(0)?, a.array(1)?);
    if x.ndim() == 0 || y.ndim() == 0 {
        return binary(BinaryOp::Mul, &a.operand(0)?, &a.operand(1)?).map(Value::from_operand);
    }
    if x.ndim() > 2 || y.ndim() > 2 {
        return Err(Error::value(
            "inner() of arrays with more than 2 dimensions is not supported",
        ));
    }
    linalg::matmul(&x, &y.transpose())
        .map_err(|e| {
            e.with_help(
                "inner() sums over the last axis of both arrays: their last dimensions must match",
            )
        })
        .and_then(arr)
}
pub fn trace(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let k = a.opt_int(1)?.unwrap_or(0);
    if x.ndim() != 2 {
        return Err(Error::value(format!(
            "trace() needs a 2-d array, got {} dimensions",
            x.ndim()
        ))
        .label(
            At::Arg(0),
            format!("shape {}", crate::array::fmt_shape(x.shape())),
        ));
    }
    let (n, m) = (x.shape()[0] as i64, x.shape()[1] as i64);
    let mut idx_r = Vec::new();
    let mut idx_c = Vec::new();
    for i in 0..n {
        let j = i + k;
        if j >= 0 && j < m {
            idx_r.push(i);
            idx_c.push(j);
        }
    }
    use crate::array::index::{get, IndexItem};
    let d = get(
        &x,
        &[
            IndexItem::Array(Array::from_vec(&[idx_r.len()], idx_r)),
            IndexItem::Array(Array::from_vec(&[idx_c.len()], idx_c)),
        ],
    )?;
    crate::array::reduce::reduce(&d, crate::array::reduce::ReduceOp::Sum, None, false, 0.0)
        .and_then(arr)
}
