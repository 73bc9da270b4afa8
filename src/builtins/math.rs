//! elementwise: maths functions, maximum/minimum, where, clip, round, isclose.

use super::{arr, Args};
use crate::array::elementwise::{self, binary, unary, BinaryOp, Operand, UnaryOp};
use crate::array::{Array, DType, Scalar};
use crate::diagnostics::{Error, Result};
use crate::ops::Interp;
use crate::value::Value;

fn un(a: &Args, op: UnaryOp) -> Result<Value> {
    let x = a.operand(0)?;
    unary(op, &x).map(Value::from_operand)
}

macro_rules! unary_builtins {
    ($($f:ident => $op:ident),* $(,)?) => {
        $(pub fn $f(_: &mut Interp, a: Args) -> Result<Value> { un(&a, UnaryOp::$op) })*
    };
}

unary_builtins!(
    abs => Abs, sqrt => Sqrt, exp => Exp, log => Log, log2 => Log2, log10 => Log10,
    log1p => Log1p, expm1 => Expm1, sin => Sin, cos => Cos, tan => Tan, arcsin => Arcsin,
    arccos => Arccos, arctan => Arctan, sinh => Sinh, cosh => Cosh, tanh => Tanh,
    floor => Floor, ceil => Ceil, trunc => Trunc, sign => Sign, isnan => IsNan, isinf => IsInf,
    isfinite => IsFinite,
);

fn bin(a: &Args, op: BinaryOp) -> Result<Value> {
    let x = a.operand(0)?;
    let y = a.operand(1)?;
    binary(op, &x, &y).map(Value::from_operand)
}
pub fn maximum(_: &mut Interp, a: Args) -> Result<Value> {
    bin(&a, BinaryOp::Maximum)
}
pub fn minimum(_: &mut Interp, a: Args) -> Result<Value> {
    bin(&a, BinaryOp::Minimum)
}
pub fn arctan2(_: &mut Interp, a: Args) -> Result<Value> {
    bin(&a, BinaryOp::Arctan2)
}

pub fn round(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.operand(0)?;
    let d = a.opt_int(1)?.unwrap_or(0);
    if d == 0 || !x.dtype().is_float() {
        if d < 0 && !x.dtype().is_float() {
            // round(1234, -2) == 1200 for integers, as NumPy.
            let p = Operand::Scalar(Scalar::I64(10i64.saturating_pow((-d).min(18) as u32)), true);
            let q = binary(BinaryOp::Div, &x, &p)?;
            let r = unary(UnaryOp::Round, &q)?;
            let m = binary(BinaryOp::Mul, &r, &p)?;
            let back = m.into_array().astype(x.dtype());
            return arr(back);
        }
        return unary(UnaryOp::Round, &x).map(Value::from_operand);
    }
    // NumPy: rint(x * 10**d) / 10**d.
    let p = Operand::Scalar(Scalar::F64(10f64.powi(d.clamp(-300, 300) as i32)), true);
    let y = binary(BinaryOp::Mul, &x, &p)?;
    let r = unary(UnaryOp::Round, &y)?;
    binary(BinaryOp::Div, &r, &p).map(Value::from_operand)
}

pub fn where_(_: &mut Interp, a: Args) -> Result<Value> {
    let c = a.operand(0)?;
    if !a.has(1) && !a.has(2) {
        // where(cond) alone: the indices where cond is true (NumPy's nonzero).
        let m = c.into_array().to_bool_nd();
        let shape = m.shape().to_vec();
        let mut per_axis: Vec<Vec<i64>> = vec![Vec::new(); shape.len()];
        for (idx, &b) in m.indexed_iter() {
            if b {
                for (k, &i) in ndarray::Dimension::slice(&idx).iter().enumerate() {
                    per_axis[k].push(i as i64);
                }
            }
        }
        return Ok(Value::tuple(
            per_axis
                .into_iter()
                .map(|v| Value::Array(Array::from_vec(&[v.len()], v)))
                .collect(),
        ));
    }
    if a.has(1) != a.has(2) {
        return Err(
            Error::type_("where() takes a condition alone, or a condition, x and y")
                .with_help("where(cond, x, y) picks x where cond is true, else y"),
        );
    }
    let x = a.operand(1)?;
    let y = a.operand(2)?;
    elementwise::where_(&c, &x, &y).map(Value::from_operand)
}

pub fn clip(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.operand(0)?;
    let mut r = x;
    if a.has(1) {
        r = binary(BinaryOp::Maximum, &r, &a.operand(1)?)?;
    }
    if a.has(2) {
        r = binary(BinaryOp::Minimum, &r, &a.operand(2)?)?;
    }
    Ok(Value::from_operand(r))
}

fn close_mask(a: &Args) -> Result<Operand> {
    let x = a.operand(0)?;
    let y = a.operand(1)?;
    let rtol = a.opt_float(2)?.unwrap_or(1e-5);
    let atol = a.opt_float(3)?.unwrap_or(1e-8);
    let equal_nan = a.bool_or(4, false)?;
    let fx = Operand::Array(x.clone().into_array().astype(DType::F64));
    let fy = Operand::Array(y.clone().into_array().astype(DType::F64));
    let shape = crate::array::broadcast_shapes(fx.shape(), fy.shape())?;
    let (ax, ay) = (
        crate::array::broadcast_to(&fx.into_array(), &shape)?.to_f64_vec(),
        crate::array::broadcast_to(&fy.into_array(), &shape)?.to_f64_vec(),
    );
    let v: Vec<bool> = ax
        .iter()
        .zip(ay.iter())
        .map(|(&p, &q)| {
            if p.is_nan() || q.is_nan() {
                equal_nan && p.is_nan() && q.is_nan()
            } else if p.is_infinite() || q.is_infinite() {
                p == q
            } else {
                (p - q).abs() <= atol + rtol * q.abs()
            }
        })
        .collect();
    Ok(Operand::Array(Array::from_vec(&shape, v)))
}

pub fn isclose(_: &mut Interp, a: Args) -> Result<Value> {
    close_mask(&a).map(Value::from_operand)
}

pub fn allclose(_: &mut Interp, a: Args) -> Result<Value> {
    let m = close_mask(&a)?.into_array().to_bool_nd();
    Ok(Value::bool(m.iter().all(|&b| b)))
}
