//! In-place updates for `x op= y`: when `x` is unshared and the result keeps
//! its dtype and shape, the kernel writes into `x`'s buffer (no allocation).

use super::dtype::{result_type, DType};
use super::elementwise::{binary, BinaryOp, Operand};
use super::{broadcast_shapes, Arr, Array, Element};
use crate::diagnostics::Result;
use ndarray::{IxDyn, Zip};

/// Try `a = a op b` in place. Returns Ok(false) when it cannot be done in
/// place (the caller then computes a new array).
pub fn apply(op: BinaryOp, a: &mut Array, b: &Operand) -> Result<bool> {
    let dt = a.dtype();
    let rt = result_type(dt, false, b.dtype(), b.weak());
    let out_dt = match op {
        BinaryOp::Div if !rt.is_float() => DType::F64,
        _ => rt,
    };
    if out_dt != dt || dt == DType::Bool {
        return Ok(false);
    }
    match broadcast_shapes(a.shape(), b.shape()) {
        Ok(s) if s == a.shape() => {}
        _ => return Ok(false),
    }
    if dt == DType::I64 && !matches!(op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul) {
        return Ok(false);
    }
    // Validate via the scalar path on one element (errors such as int power
    // by a negative exponent surface the same way as the out-of-place op).
    if let Operand::Scalar(..) = b {
        let probe = Operand::Array(Array::zeros(&[0], dt)?);
        binary(op, &probe, b)?;
    }
    match a {
        Array::I64(x) => run(x, b, op, |p, q| match op {
            BinaryOp::Add => p.wrapping_add(q),
            BinaryOp::Sub => p.wrapping_sub(q),
            _ => p.wrapping_mul(q),
        }),
        Array::F32(x) => run(x, b, op, |p: f32, q: f32| fop(op, p, q)),
        Array::F64(x) => run(x, b, op, |p: f64, q: f64| fop(op, p, q)),
        Array::Bool(_) => return Ok(false),
    }
    Ok(true)
}

fn fop<T: num_traits::Float + crate::array::vmath::Lane>(op: BinaryOp, p: T, q: T) -> T {
    match op {
        BinaryOp::Add => p + q,
        BinaryOp::Sub => p - q,
        BinaryOp::Mul => p * q,
        BinaryOp::Div => p / q,
        _ => crate::array::vmath::pow_scalar(p, q),
    }
}

fn run<T: Element>(
    x: &mut Arr<T>,
    b: &Operand,
    _op: BinaryOp,
    f: impl Fn(T, T) -> T + Sync + Send,
) {
    let rhs: Arr<T> = match b {
        Operand::Scalar(s, _) => {
            let v = match s.cast(T::DTYPE) {
                super::Scalar::Bool(v) => T::from_bool(v),
                super::Scalar::I64(v) => T::from_i64(v),
                super::Scalar::F32(v) => T::from_f64(v as f64),
                super::Scalar::F64(v) => T::from_f64(v),
            };
            let shape = x.shape().to_vec();
            if let Some(sl) = x.as_slice_mut() {
                if sl.len() >= super::elementwise::PAR_THRESHOLD {
                    use rayon::prelude::*;
                    sl.par_iter_mut().for_each(|p| *p = f(*p, v));
                } else {
                    sl.iter_mut().for_each(|p| *p = f(*p, v));
                }
                return;
            }
            let _ = shape;
            x.map_inplace(|p| *p = f(*p, v));
            return;
        }
        Operand::Array(a) => match a.astype(T::DTYPE) {
            arr => {
                let any: Box<dyn std::any::Any> = match arr {
                    Array::Bool(v) => Box::new(v),
                    Array::I64(v) => Box::new(v),
                    Array::F32(v) => Box::new(v),
                    Array::F64(v) => Box::new(v),
                };
                match any.downcast::<Arr<T>>() {
                    Ok(v) => *v,
                    Err(_) => unreachable!("astype(T::DTYPE) yields Arr<T>"),
                }
            }
        },
    };
    let shape = x.shape().to_vec();
    let Some(rv) = rhs.broadcast(IxDyn(&shape)) else {
        unreachable!("inplace: shape checked")
    };
    Zip::from(x.view_mut())
        .and(&rv)
        .for_each(|p, &q| *p = f(*p, q));
}
