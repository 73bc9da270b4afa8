//! shape: reshape transpose flatten squeeze expand_dims concatenate stack
//! vstack hstack split tile repeat flip roll broadcast_to.

use super::{arr, Args};
use crate::array::shape_ops as so;
use crate::array::{broadcast_to as bcast, fmt_shape, norm_axis, Array, Scalar};
use crate::diagnostics::{At, Error, Result};
use crate::ops::Interp;
use crate::value::value_to_array;
use crate::value::Value;

/// Integers given as separate arguments or as one tuple (negatives allowed).
fn ints_from_rest(a: &Args) -> Result<Vec<i64>> {
    let vals: Vec<&Value> = if a.rest.len() == 1 {
        match &a.rest[0] {
            Value::Tuple(t) => t.iter().collect(),
            Value::Array(x) if x.ndim() == 1 => return Ok(x.to_i64_vec()),
            v => vec![v],
        }
    } else {
        a.rest.iter().collect()
    };
    vals.iter()
        .enumerate()
        .map(|(k, v)| match v {
            Value::Num(Scalar::I64(i), _) => Ok(*i),
            other => Err(Error::type_(format!(
                "{}(): expected integers, got {}",
                a.name,
                other.describe()
            ))
            .label(At::Arg(a.rest_start + k), other.describe())),
        })
        .collect()
}

pub fn reshape(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let dims = ints_from_rest(&a)?;
    let mut unknown = None;
    let mut known: usize = 1;
    for (i, &d) in dims.iter().enumerate() {
        if d == -1 {
            if unknown.is_some() {
                return Err(Error::value(
                    "reshape(): can only specify one unknown dimension (-1)",
                ));
            }
            unknown = Some(i);
        } else if d < 0 {
            return Err(Error::value(format!("reshape(): invalid dimension {d}")));
        } else {
            known = known.saturating_mul(d as usize);
        }
    }
    let mut shape: Vec<usize> = dims.iter().map(|&d| d.max(0) as usize).collect();
    if let Some(i) = unknown {
        if known == 0 || x.len() % known != 0 {
            return Err(Error::shape(format!(
                "cannot reshape an array of size {} into shape {}",
                x.len(),
                fmt_dims(&dims)
            ))
            .label_arg(0, format!("shape {}", fmt_shape(x.shape())))
            .with_help(format!("{} is not divisible by {}", x.len(), known)));
        }
        shape[i] = x.len() / known;
    }
    x.reshape(&shape).and_then(arr)
}

fn fmt_dims(d: &[i64]) -> String {
    match d.len() {
        1 => format!("({},)", d[0]),
        _ => format!(
            "({})",
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub fn transpose(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    if a.rest.is_empty() {
        return arr(x.transpose());
    }
    let axes = ints_from_rest(&a)?;
    if axes.len() != x.ndim() {
        return Err(Error::value(format!(
            "transpose(): axes {} don't match an array of {} dimensions",
            fmt_dims(&axes),
            x.ndim()
        )));
    }
    let mut perm = Vec::with_capacity(axes.len());
    for &ax in &axes {
        let n = norm_axis(ax, x.ndim())?;
        if perm.contains(&n) {
            return Err(Error::value(format!("transpose(): axis {ax} repeated")));
        }
        perm.push(n);
    }
    arr(x.permuted(&perm))
}

pub fn flatten(_: &mut Interp, a: Args) -> Result<Value> {
    arr(so::flatten(&a.array(0)?))
}
pub fn squeeze(_: &mut Interp, a: Args) -> Result<Value> {
    let axes = a.axes(1)?;
    so::squeeze(&a.array(0)?, axes.as_deref()).and_then(arr)
}
pub fn expand_dims(_: &mut Interp, a: Args) -> Result<Value> {
    let axes = a.axes(1)?.ok_or_else(|| a.missing(1))?;
    so::expand_dims(&a.array(0)?, &axes).and_then(arr)
}

/// A sequence of arrays: a tuple, or an array walked along its first axis.
fn array_seq(a: &Args, i: usize) -> Result<Vec<Array>> {
    let v = a.value(i)?;
    match v {
        Value::Tuple(t) => t
            .iter()
            .map(|x| value_to_array(x).ok_or_else(|| a.type_err(i, "a tuple of arrays", x)))
            .collect(),
        Value::Array(x) if x.ndim() >= 1 => {
            let n = x.shape()[0];
            (0..n)
                .map(|k| {
                    crate::array::index::get(x, &[crate::array::index::IndexItem::Int(k as i64)])
                })
                .collect()
        }
        other => Err(a.type_err(i, "a tuple of arrays, like (a, b)", other)),
    }
}

pub fn concatenate(_: &mut Interp, a: Args) -> Result<Value> {
    let xs = array_seq(&a, 0)?;
    let axis = match a.get(1) {
        None => Some(0),
        Some(Value::None) => None,
        Some(_) => a.axis(1)?,
    };
    so::concatenate(&xs, axis).and_then(arr)
}
pub fn stack(_: &mut Interp, a: Args) -> Result<Value> {
    so::stack(&array_seq(&a, 0)?, a.opt_int(1)?.unwrap_or(0)).and_then(arr)
}
pub fn vstack(_: &mut Interp, a: Args) -> Result<Value> {
    so::vstack(&array_seq(&a, 0)?).and_then(arr)
}
pub fn hstack(_: &mut Interp, a: Args) -> Result<Value> {
    so::hstack(&array_seq(&a, 0)?).and_then(arr)
}

pub fn split(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let spec = match a.value(1)? {
        Value::Num(Scalar::I64(n), _) if *n > 0 => so::SplitSpec::Sections(*n as usize),
        Value::Num(Scalar::I64(n), _) => {
            return Err(Error::value(format!(
                "split(): number of sections must be positive, got {n}"
            ))
            .label(At::Arg(1), "here"))
        }
        v => match value_to_array(v) {
            Some(ix)
                if ix.ndim() == 1 && (ix.dtype() == crate::array::DType::I64 || ix.is_empty()) =>
            {
                so::SplitSpec::Indices(ix.to_i64_vec())
            }
            _ => return Err(a.type_err(1, "a number of sections or a list of split indices", v)),
        },
    };
    let parts = so::split(&x, &spec, a.opt_int(2)?.unwrap_or(0))?;
    Ok(Value::tuple(parts.into_iter().map(Value::Array).collect()))
}

pub fn tile(_: &mut Interp, a: Args) -> Result<Value> {
    let reps = a.shape(1)?;
    so::tile(&a.array(0)?, &reps).and_then(arr)
}
pub fn repeat(_: &mut Interp, a: Args) -> Result<Value> {
    so::repeat(&a.array(0)?, &a.array(1)?, a.axis(2)?).and_then(arr)
}
pub fn flip(_: &mut Interp, a: Args) -> Result<Value> {
    let axes = a.axes(1)?;
    so::flip(&a.array(0)?, axes.as_deref()).and_then(arr)
}
pub fn roll(_: &mut Interp, a: Args) -> Result<Value> {
    let shift = match a.value(1)? {
        Value::Num(Scalar::I64(s), _) => vec![*s],
        v => match value_to_array(v) {
            Some(x) if x.dtype() == crate::array::DType::I64 => x.to_i64_vec(),
            _ => return Err(a.type_err(1, "an integer or a tuple of integers", v)),
        },
    };
    let axes = a.axes(2)?;
    so::roll(&a.array(0)?, &shift, axes.as_deref()).and_then(arr)
}
pub fn broadcast_to(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let shape = a.shape_from_rest()?;
    bcast(&x, &shape).and_then(arr)
}
