//! Conversions between values: list literals to arrays, values to arrays,
//! shapes to tuples, structural equality, and display text.

use crate::array::dtype::promote;
use crate::array::format::{format_array, format_scalar};
use crate::array::{check_size, fmt_shape, Array, DType, Scalar};
use crate::diagnostics::{At, Error, Result, Span};
use crate::value::{Func, Value};

/// Build an array from evaluated list items (`[1, 2.5]`, `[[1, 2], [3, 4]]`).
pub fn list_to_array(vals: &[(Value, Span)], span: Span) -> Result<Array> {
    if vals.is_empty() {
        return Ok(Array::F64(
            ndarray::ArcArray::from_shape_vec(ndarray::IxDyn(&[0]), vec![])
                .unwrap_or_else(|_| unreachable!("empty shape")),
        ));
    }
    let mut arrays = Vec::with_capacity(vals.len());
    for (v, s) in vals {
        match value_to_array(v) {
            Some(a) => arrays.push((a, *s)),
            None => {
                return Err(Error::type_(format!("array elements must be numbers, got {}", v.describe()))
                    .at(*s)
                    .with_help("arrays hold numbers and booleans; use a tuple (a, b) or a dict to group other values"))
            }
        }
    }
    let first = arrays[0].0.shape().to_vec();
    for (a, s) in &arrays[1..] {
        if a.shape() != first.as_slice() {
            let row = if first.is_empty() {
                "a number".to_string()
            } else {
                format!("shape {}", fmt_shape(&first))
            };
            let this = if a.ndim() == 0 {
                "a number".to_string()
            } else {
                format!("shape {}", fmt_shape(a.shape()))
            };
            return Err(Error::value(format!(
                "ragged array literal: elements have different shapes ({} and {})",
                row, this
            ))
            .at(span)
            .label(At::Span(arrays[0].1), row)
            .label(At::Span(*s), this)
            .with_help("every row of an array literal must have the same length"));
        }
    }
    let dt = arrays
        .iter()
        .map(|(a, _)| a.dtype())
        .reduce(promote)
        .unwrap_or(DType::F64);
    let mut shape = vec![arrays.len()];
    shape.extend_from_slice(&first);
    check_size(&shape)?;
    Ok(match dt {
        DType::Bool => Array::from_vec(
            &shape,
            arrays
                .iter()
                .flat_map(|(a, _)| a.to_bool_nd().iter().copied().collect::<Vec<_>>())
                .collect(),
        ),
        DType::I64 => Array::from_vec(
            &shape,
            arrays
                .iter()
                .flat_map(|(a, _)| a.to_i64_nd().iter().copied().collect::<Vec<_>>())
                .collect(),
        ),
        DType::F32 => Array::from_vec(
            &shape,
            arrays
                .iter()
                .flat_map(|(a, _)| a.to_f64_nd().iter().map(|&x| x as f32).collect::<Vec<_>>())
                .collect(),
        ),
        DType::F64 => Array::from_vec(
            &shape,
            arrays
                .iter()
                .flat_map(|(a, _)| a.to_f64_nd().iter().copied().collect::<Vec<_>>())
                .collect(),
        ),
    })
}

/// Numbers, arrays and tuples of numbers as an array (None for others).
pub fn value_to_array(v: &Value) -> Option<Array> {
    match v {
        Value::Traced(t) => value_to_array(&t.value),
        Value::Num(s, _) => Some(Array::scalar(*s)),
        Value::Array(a) => Some(a.clone()),
        Value::Gpu(_) => match super::to_cpu(v) {
            Ok(Value::Array(a)) => Some(a),
            Ok(Value::Num(s, _)) => Some(Array::scalar(s)),
            _ => None,
        },
        Value::Tuple(t) => {
            let items: Vec<(Value, Span)> =
                t.iter().map(|x| (x.clone(), Span::default())).collect();
            list_to_array(&items, Span::default()).ok()
        }
        _ => None,
    }
}

pub fn shape_tuple(shape: &[usize]) -> Value {
    Value::tuple(shape.iter().map(|&d| Value::int(d as i64)).collect())
}

/// Structural equality for non-array values (and whole-array equality).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Traced(_), _) | (_, Value::Traced(_)) => {
            values_equal(&super::strip(a), &super::strip(b))
        }
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::None, Value::None) => true,
        (Value::DType(x), Value::DType(y)) => x == y,
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| values_equal(p, q))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && values_equal(v, v2)))
        }
        (Value::Func(Func::Builtin(x)), Value::Func(Func::Builtin(y))) => x == y,
        (Value::Func(Func::User(x)), Value::Func(Func::User(y))) => std::rc::Rc::ptr_eq(x, y),
        (
            Value::Num(..) | Value::Array(_) | Value::Gpu(_),
            Value::Num(..) | Value::Array(_) | Value::Gpu(_),
        ) => {
            let (Some(p), Some(q)) = (value_to_array(a), value_to_array(b)) else {
                return false;
            };
            p.shape() == q.shape() && p.to_f64_vec() == q.to_f64_vec()
        }
        _ => false,
    }
}

/// How `print` shows a value (strings without quotes).
pub fn display(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        _ => repr(v),
    }
}

/// How the REPL and `-e` show a value (strings quoted).
pub fn repr(v: &Value) -> String {
    match v {
        Value::Num(s, _) => format_scalar(*s),
        Value::Array(a) => format_array(a),
        Value::Str(s) => format!("{:?}", &**s),
        Value::Tuple(t) => {
            let parts: Vec<String> = t.iter().map(repr).collect();
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Value::Dict(d) => {
            let parts: Vec<String> = d
                .iter()
                .map(|(k, v)| format!("{:?}: {}", &**k, repr(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Func(Func::Builtin(b)) => format!("<builtin {}>", b.sig()),
        Value::Func(Func::Grad(g)) => format!("<{} of {}>", g.name, repr(&g.f)),
        Value::Func(Func::User(c)) => {
            let params = c.param_names();
            match c.def.name {
                Some(n) => format!("<fn {}({})>", n, params.join(", ")),
                None => format!("<lambda ({}) ->>", params.join(", ")),
            }
        }
        Value::DType(d) => d.name().to_string(),
        Value::None => "none".into(),
        Value::Traced(_) => repr(&super::strip(v)),
        // Printing reads the values back from the device.
        Value::Gpu(_) => match super::to_cpu(v) {
            Ok(c) => repr(&c),
            Err(e) => format!("<GPU array: {}>", e.message),
        },
    }
}

/// A scalar as f64 if the value is a single number.
pub fn as_scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::Traced(t) => as_scalar(&t.value),
        Value::Num(s, _) => Some(*s),
        Value::Array(a) if a.ndim() == 0 => a.to_scalar(),
        Value::Gpu(a) if a.ndim() == 0 => super::to_cpu(v).ok().and_then(|c| as_scalar(&c)),
        _ => None,
    }
}
