//! create: array zeros ones full eye arange linspace *_like range.

use super::{arr, Args};
use crate::array::{check_size, Array, DType, Scalar};
use crate::diagnostics::{At, Error, Result};
use crate::ops::Interp;
use crate::value::value_to_array;
use crate::value::Value;

pub fn array(_: &mut Interp, a: Args) -> Result<Value> {
    let v = a.value(0)?;
    let x =
        value_to_array(v).ok_or_else(|| a.type_err(0, "numbers or nested lists of numbers", v))?;
    let dt = a.opt_dtype(1)?.unwrap_or(x.dtype());
    // A fresh copy: array(x) never shares with x (cheap: copy on write).
    arr(x.astype(dt))
}

fn filled(a: &Args, fill: Scalar, dt_slot: usize) -> Result<Value> {
    let shape = a.shape_from_rest()?;
    let dt = a.opt_dtype(dt_slot)?.unwrap_or(DType::F64);
    arr(Array::full(&shape, fill, dt)?)
}

pub fn zeros(_: &mut Interp, a: Args) -> Result<Value> {
    filled(&a, Scalar::I64(0), 1)
}
pub fn ones(_: &mut Interp, a: Args) -> Result<Value> {
    filled(&a, Scalar::I64(1), 1)
}

/// The dtype a fill value gives when none is asked for (NumPy: the value's own).
fn fill_dtype(v: &Value) -> DType {
    match v {
        Value::Num(s, _) => s.dtype(),
        Value::Array(x) => x.dtype(),
        _ => DType::F64,
    }
}

fn fill_scalar(a: &Args, i: usize) -> Result<Scalar> {
    match a.value(i)? {
        Value::Num(s, _) => Ok(*s),
        Value::Array(x) if x.len() == 1 => x
            .to_scalar()
            .ok_or_else(|| a.type_err(i, "a number", a.value(i).unwrap_or(&Value::None))),
        v => Err(a.type_err(i, "a number", v)),
    }
}

pub fn full(_: &mut Interp, a: Args) -> Result<Value> {
    let shape = a.shape(0)?;
    let fill = fill_scalar(&a, 1)?;
    let dt = a.opt_dtype(2)?.unwrap_or(fill_dtype(a.value(1)?));
    arr(Array::full(&shape, fill, dt)?)
}

fn like(a: &Args, fill: Option<Scalar>) -> Result<Value> {
    let x = a.array(0)?;
    let (fill, dslot) = match fill {
        Some(f) => (f, 1),
        None => (fill_scalar(a, 1)?, 2),
    };
    let dt = a.opt_dtype(dslot)?.unwrap_or(x.dtype());
    arr(Array::full(x.shape(), fill, dt)?)
}
pub fn zeros_like(_: &mut Interp, a: Args) -> Result<Value> {
    like(&a, Some(Scalar::I64(0)))
}
pub fn ones_like(_: &mut Interp, a: Args) -> Result<Value> {
    like(&a, Some(Scalar::I64(1)))
}
pub fn full_like(_: &mut Interp, a: Args) -> Result<Value> {
    like(&a, None)
}

pub fn eye(_: &mut Interp, a: Args) -> Result<Value> {
    let n = a.int(0)?;
    let m = a.opt_int(1)?.unwrap_or(n);
    let k = a.opt_int(2)?.unwrap_or(0);
    if n < 0 || m < 0 {
        return Err(Error::value("eye(): sizes must not be negative")
            .label(At::Arg(if n < 0 { 0 } else { 1 }), "negative"));
    }
    let (n, m) = (n as usize, m as usize);
    check_size(&[n, m])?;
    let dt = a.opt_dtype(3)?.unwrap_or(DType::F64);
    let mut v = vec![0.0f64; n * m];
    for i in 0..n {
        let j = i as i64 + k;
        if j >= 0 && (j as usize) < m {
            v[i * m + j as usize] = 1.0;
        }
    }
    arr(Array::from_vec(&[n, m], v).astype(dt))
}

/// Number of elements of arange(start, stop, step), NumPy's ceil rule.
fn arange_len(start: f64, stop: f64, step: f64) -> f64 {
    ((stop - start) / step).ceil().max(0.0)
}

pub fn arange(_: &mut Interp, a: Args) -> Result<Value> {
    range_impl(&a, true)
}
pub fn range(_: &mut Interp, a: Args) -> Result<Value> {
    range_impl(&a, false)
}

fn range_impl(a: &Args, allow_float: bool) -> Result<Value> {
    let vals: Vec<(usize, &Value)> = (0..3)
        .filter(|&i| a.has(i))
        .map(|i| (i, a.get(i).unwrap_or(&Value::None)))
        .collect();
    let is_int = vals
        .iter()
        .all(|(_, v)| matches!(v, Value::Num(Scalar::I64(_) | Scalar::Bool(_), _)));
    for (i, v) in &vals {
        if !matches!(v, Value::Num(..)) {
            return Err(a.type_err(*i, "a number", v));
        }
    }
    if !is_int && !allow_float {
        let (i, v) = vals
            .iter()
            .find(|(_, v)| !matches!(v, Value::Num(Scalar::I64(_), _)))
            .copied()
            .unwrap_or((0, &Value::None));
        return Err(a
            .type_err(i, "an integer", v)
            .with_help("range() counts in integers; use arange() or linspace() for floats"));
    }
    let dt_req = if allow_float { a.opt_dtype(3)? } else { None };
    if is_int {
        let x0 = a.int(0)?;
        let (start, stop) = if a.has(1) { (x0, a.int(1)?) } else { (0, x0) };
        let step = a.opt_int(2)?.unwrap_or(1);
        if step == 0 {
            return Err(Error::value(format!("{}(): step must not be zero", a.name))
                .label(At::Arg(2), "zero step"));
        }
        let n = if step > 0 {
            if stop > start {
                ((stop as i128 - start as i128 + step as i128 - 1) / step as i128) as u128
            } else {
                0
            }
        } else if start > stop {
            ((start as i128 - stop as i128 + (-step) as i128 - 1) / (-step) as i128) as u128
        } else {
            0
        };
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        check_size(&[n])?;
        let v: Vec<i64> = (0..n as i64)
            .map(|i| start.wrapping_add(i.wrapping_mul(step)))
            .collect();
        let x = Array::from_vec(&[n], v);
        return arr(match dt_req {
            Some(d) => x.astype(d),
            None => x,
        });
    }
    let x0 = a.float(0)?;
    let (start, stop) = if a.has(1) {
        (x0, a.float(1)?)
    } else {
        (0.0, x0)
    };
    let step = a.opt_float(2)?.unwrap_or(1.0);
    if step == 0.0 || !step.is_finite() || !start.is_finite() || !stop.is_finite() {
        return Err(Error::value(
            "arange(): start, stop and step must be finite and step non-zero",
        ));
    }
    let nf = arange_len(start, stop, step);
    if nf > 1e15 {
        check_size(&[usize::MAX])?;
    }
    let n = nf as usize;
    check_size(&[n])?;
    let x = Array::F64(crate::array::elementwise::arange_f64(start, step, n));
    arr(match dt_req {
        Some(d) => x.astype(d),
        None => x,
    })
}

pub fn linspace(_: &mut Interp, a: Args) -> Result<Value> {
    let start = a.float(0)?;
    let stop = a.float(1)?;
    let num = a.opt_int(2)?.unwrap_or(50);
    if num < 0 {
        return Err(
            Error::value(format!("linspace(): num must be non-negative, got {num}"))
                .label(At::Arg(2), "negative"),
        );
    }
    let endpoint = a.bool_or(3, true)?;
    let n = num as usize;
    check_size(&[n])?;
    let div = if endpoint { n.saturating_sub(1) } else { n };
    let step = if div > 0 {
        (stop - start) / div as f64
    } else {
        f64::NAN
    };
    let mut v: Vec<f64> = (0..n)
        .map(|i| {
            if div > 0 {
                start + i as f64 * step
            } else {
                start
            }
        })
        .collect();
    if endpoint && n > 1 {
        v[n - 1] = stop;
    }
    let x = Array::from_vec(&[n], v);
    arr(match a.opt_dtype(4)? {
        Some(d) => x.astype(d),
        None => x,
    })
}
