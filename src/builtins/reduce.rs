//! reduce, sort and set: sum … median, quantile, cumsum, diff, sort, unique.

use super::{arr, Args};
use crate::array::reduce::{self as r, ReduceOp};
use crate::array::sort as s;
use crate::diagnostics::{Error, Result};
use crate::ops::Interp;
use crate::prim::Prim;
use crate::value::Value;

fn red(a: &Args, op: ReduceOp) -> Result<Value> {
    let x = a.array(0)?;
    let axes = a.axes(1)?;
    let keepdims = a.bool_or(2, false)?;
    let ddof = if matches!(op, ReduceOp::Var | ReduceOp::Std) {
        a.opt_float(3)?.unwrap_or(0.0)
    } else {
        0.0
    };
    r::reduce(&x, op, axes.as_deref(), keepdims, ddof)
        .map_err(|e| hint_axis(a, e))
        .and_then(arr)
}

/// `max(x, 0)` means axis 0 in NumPy; people coming from Python expect the
/// larger of two values. Say so when the axis is wrong.
fn hint_axis(a: &Args, e: Error) -> Error {
    // Point at the axis argument when the axis is what is wrong.
    let e = if e.message.contains("axis") && e.labels.is_empty() && a.has(1) {
        e.label_arg(1, "this axis")
    } else {
        e
    };
    if e.message.contains("axis")
        && e.help
            .as_deref()
            .map(|h| !h.contains("maximum"))
            .unwrap_or(true)
        && matches!(a.prim, Prim::Max | Prim::Min)
    {
        let f = if a.prim == Prim::Max {
            "maximum"
        } else {
            "minimum"
        };
        return e.with_help(format!("the second argument of {}() is an axis; for the elementwise {} of two values use {f}(a, b)", a.name, f));
    }
    e
}

macro_rules! reducers {
    ($($f:ident => $op:ident),* $(,)?) => {
        $(pub fn $f(_: &mut Interp, a: Args) -> Result<Value> { red(&a, ReduceOp::$op) })*
    };
}
reducers!(sum => Sum, prod => Prod, mean => Mean, var => Var, std => Std, min => Min, max => Max,
    any => Any, all => All, median => Median);

fn arg(a: &Args, op: ReduceOp) -> Result<Value> {
    let x = a.array(0)?;
    let axis = a.axis(1)?;
    let keepdims = a.bool_or(2, false)?;
    let axes = axis.map(|v| vec![v]);
    r::reduce(&x, op, axes.as_deref(), keepdims, 0.0).and_then(arr)
}
pub fn argmin(_: &mut Interp, a: Args) -> Result<Value> {
    arg(&a, ReduceOp::ArgMin)
}
pub fn argmax(_: &mut Interp, a: Args) -> Result<Value> {
    arg(&a, ReduceOp::ArgMax)
}

pub fn quantile(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let q = a.array(1)?;
    let axes = a.axes(2)?;
    let keepdims = a.bool_or(3, false)?;
    r::quantile(&x, &q, axes.as_deref(), keepdims).and_then(arr)
}

pub fn cumsum(_: &mut Interp, a: Args) -> Result<Value> {
    r::cumulative(&a.array(0)?, false, a.axis(1)?).and_then(arr)
}
pub fn cumprod(_: &mut Interp, a: Args) -> Result<Value> {
    r::cumulative(&a.array(0)?, true, a.axis(1)?).and_then(arr)
}
pub fn diff(_: &mut Interp, a: Args) -> Result<Value> {
    let n = a.opt_int(1)?.unwrap_or(1);
    if n < 0 {
        return Err(Error::value(format!(
            "diff(): n must be non-negative, got {n}"
        )));
    }
    r::diff(&a.array(0)?, n as usize, a.opt_int(2)?.unwrap_or(-1)).and_then(arr)
}

/// sort(a, axis=-1): `axis=none` sorts the flattened array.
fn sort_axis(a: &Args, i: usize) -> Result<Option<i64>> {
    match a.get(i) {
        None => Ok(Some(-1)),
        Some(Value::None) => Ok(None),
        Some(_) => a.axis(i),
    }
}
pub fn sort(_: &mut Interp, a: Args) -> Result<Value> {
    s::sort(&a.array(0)?, sort_axis(&a, 1)?).and_then(arr)
}
pub fn argsort(_: &mut Interp, a: Args) -> Result<Value> {
    s::argsort(&a.array(0)?, sort_axis(&a, 1)?).and_then(arr)
}
pub fn unique(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let (ri, rv, rc) = (
        a.bool_or(1, false)?,
        a.bool_or(2, false)?,
        a.bool_or(3, false)?,
    );
    let u = s::unique(&x, ri, rv, rc)?;
    if !ri && !rv && !rc {
        return arr(u.values);
    }
    let mut out = vec![Value::from_array(u.values)];
    for v in [u.index, u.inverse, u.counts].into_iter().flatten() {
        out.push(Value::from_array(v));
    }
    Ok(Value::tuple(out))
}
pub fn searchsorted(_: &mut Interp, a: Args) -> Result<Value> {
    let side = match a.get(2) {
        None | Some(Value::None) => "left".to_string(),
        Some(_) => a.string(2)?,
    };
    let right = match side.as_str() {
        "left" => false,
        "right" => true,
        _ => {
            return Err(Error::value(format!(
                "searchsorted(): side must be \"left\" or \"right\", not \"{side}\""
            )))
        }
    };
    s::searchsorted(&a.array(0)?, &a.array(1)?, right).and_then(arr)
}
