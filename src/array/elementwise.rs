//! Elementwise operations: the unary and binary op enums every backend (and
//! the autodiff tape) matches on, NEP 50 result types, broadcasting, and the
//! CPU kernels (contiguous fast paths, rayon above a size threshold).

use super::dtype::{result_type, DType, Scalar};
use super::{broadcast_shapes, check_size, fmt_shape, vmath, Arr, Array, Element};
use crate::diagnostics::{Error, ErrorKind, Result};
use ndarray::{ArcArray, ArrayD, IxDyn, Zip};
use num_traits::Float;
use rayon::prelude::*;

/// Above this many elements, kernels split work across cores.
pub const PAR_THRESHOLD: usize = 1 << 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Maximum,
    Minimum,
    Arctan2,
}

impl BinaryOp {
    pub fn name(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            FloorDiv => "//",
            Mod => "%",
            Pow => "**",
            BitAnd => "&",
            BitOr => "|",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Maximum => "maximum",
            Minimum => "minimum",
            Arctan2 => "arctan2",
        }
    }
    pub fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(self, Eq | Ne | Lt | Le | Gt | Ge)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Pos,
    Invert,
    Abs,
    Sqrt,
    Exp,
    Log,
    Log2,
    Log10,
    Log1p,
    Expm1,
    Sin,
    Cos,
    Tan,
    Arcsin,
    Arccos,
    Arctan,
    Sinh,
    Cosh,
    Tanh,
    Floor,
    Ceil,
    Round,
    Trunc,
    Sign,
    IsNan,
    IsInf,
    IsFinite,
}

impl UnaryOp {
    pub fn name(self) -> &'static str {
        use UnaryOp::*;
        match self {
            Neg => "-",
            Pos => "+",
            Invert => "~",
            Abs => "abs",
            Sqrt => "sqrt",
            Exp => "exp",
            Log => "log",
            Log2 => "log2",
            Log10 => "log10",
            Log1p => "log1p",
            Expm1 => "expm1",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Arcsin => "arcsin",
            Arccos => "arccos",
            Arctan => "arctan",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Floor => "floor",
            Ceil => "ceil",
            Round => "round",
            Trunc => "trunc",
            Sign => "sign",
            IsNan => "isnan",
            IsInf => "isinf",
            IsFinite => "isfinite",
        }
    }
    /// The op of the elementwise builtin called `n` (the inverse of `name`).
    pub fn from_builtin(n: &str) -> Option<UnaryOp> {
        use UnaryOp::*;
        [
            Abs, Sqrt, Exp, Log, Log2, Log10, Log1p, Expm1, Sin, Cos, Tan, Arcsin, Arccos, Arctan,
            Sinh, Cosh, Tanh, Floor, Ceil, Round, Trunc, Sign, IsNan, IsInf, IsFinite,
        ]
        .into_iter()
        .find(|op| op.name() == n)
    }
    /// The smooth maths functions (`abs` to `tanh`): the ones `grad`
    /// differentiates by a unary rule and the CPU fusion planner fuses.
    pub fn is_math_fn(self) -> bool {
        use UnaryOp::*;
        matches!(
            self,
            Abs | Sqrt
                | Exp
                | Log
                | Log2
                | Log10
                | Log1p
                | Expm1
                | Sin
                | Cos
                | Tan
                | Arcsin
                | Arccos
                | Arctan
                | Sinh
                | Cosh
                | Tanh
        )
    }
    /// Maths functions that always compute in floating point.
    fn is_float_fn(self) -> bool {
        use UnaryOp::*;
        matches!(
            self,
            Sqrt | Exp
                | Log
                | Log2
                | Log10
                | Log1p
                | Expm1
                | Sin
                | Cos
                | Tan
                | Arcsin
                | Arccos
                | Arctan
                | Sinh
                | Cosh
                | Tanh
        )
    }
}

/// An operand: an immediate scalar (with NEP 50 weakness) or an array.
#[derive(Clone, Debug)]
pub enum Operand {
    Scalar(Scalar, bool),
    Array(Array),
}

impl Operand {
    pub fn dtype(&self) -> DType {
        match self {
            Operand::Scalar(s, _) => s.dtype(),
            Operand::Array(a) => a.dtype(),
        }
    }
    pub fn weak(&self) -> bool {
        matches!(self, Operand::Scalar(_, true))
    }
    pub fn shape(&self) -> &[usize] {
        match self {
            Operand::Scalar(..) => &[],
            Operand::Array(a) => a.shape(),
        }
    }
    pub fn into_array(self) -> Array {
        match self {
            Operand::Scalar(s, _) => Array::scalar(s),
            Operand::Array(a) => a,
        }
    }
}

// ------------------------------------------------------------ binary ops

/// The dtype the kernel computes in, and the dtype of the result.
fn binary_types(op: BinaryOp, a: &Operand, b: &Operand) -> Result<(DType, DType)> {
    use BinaryOp::*;
    let rt = result_type(a.dtype(), a.weak(), b.dtype(), b.weak());
    Ok(match op {
        Eq | Ne | Lt | Le | Gt | Ge => (rt, DType::Bool),
        Div | Arctan2 => {
            let t = if rt.is_float() { rt } else { DType::F64 };
            (t, t)
        }
        FloorDiv | Mod | Pow if rt == DType::Bool => (DType::I64, DType::I64),
        BitAnd | BitOr => {
            if rt.is_float() {
                return Err(Error::type_(format!(
                    "`{}` needs bool or integer operands, not {} and {}",
                    op.name(),
                    a.dtype(),
                    b.dtype()
                ))
                .label_arg(0, a.dtype().name())
                .label_arg(1, b.dtype().name())
                .with_help("`&` and `|` are elementwise and/or on booleans and bitwise on integers; compare first (e.g. `(x > 0) & (y > 0)`)"));
            }
            (rt, rt)
        }
        Sub if rt == DType::Bool => {
            return Err(Error::type_("`-` is not defined for two booleans")
                .with_help("use `a != b` for exclusive or, or convert with astype(x, int64)"))
        }
        _ => (rt, rt),
    })
}

/// `a op b` with NumPy broadcasting and NEP 50 promotion.
/// The hot path for two immediate numbers in a loop (`s += i * 0.5`):
/// int64/float64 operands with `+ - * /` and comparisons, computed without
/// the general promotion machinery. `None` means "take the general path";
/// whenever it answers, the answer equals `binary`'s (tested below).
#[inline]
pub fn scalar_fast(
    op: BinaryOp,
    a: Scalar,
    wa: bool,
    b: Scalar,
    wb: bool,
) -> Option<(Scalar, bool)> {
    use BinaryOp::*;
    let w = wa && wb;
    let f = |x: f64, y: f64| -> Option<Scalar> {
        Some(match op {
            Add => Scalar::F64(x + y),
            Sub => Scalar::F64(x - y),
            Mul => Scalar::F64(x * y),
            Div => Scalar::F64(x / y),
            Eq => Scalar::Bool(x == y),
            Ne => Scalar::Bool(x != y),
            Lt => Scalar::Bool(x < y),
            Le => Scalar::Bool(x <= y),
            Gt => Scalar::Bool(x > y),
            Ge => Scalar::Bool(x >= y),
            _ => return None,
        })
    };
    let r = match (a, b) {
        (Scalar::F64(x), Scalar::F64(y)) => f(x, y)?,
        (Scalar::I64(x), Scalar::F64(y)) => f(x as f64, y)?,
        (Scalar::F64(x), Scalar::I64(y)) => f(x, y as f64)?,
        (Scalar::I64(x), Scalar::I64(y)) => match op {
            Add => Scalar::I64(x.wrapping_add(y)),
            Sub => Scalar::I64(x.wrapping_sub(y)),
            Mul => Scalar::I64(x.wrapping_mul(y)),
            Div => Scalar::F64(x as f64 / y as f64),
            Eq => Scalar::Bool(x == y),
            Ne => Scalar::Bool(x != y),
            Lt => Scalar::Bool(x < y),
            Le => Scalar::Bool(x <= y),
            Gt => Scalar::Bool(x > y),
            Ge => Scalar::Bool(x >= y),
            _ => return None,
        },
        _ => return None,
    };
    Some((r, w))
}

pub fn binary(op: BinaryOp, a: &Operand, b: &Operand) -> Result<Operand> {
    let (ct, _rt) = binary_types(op, a, b)?;
    // Integer division/modulo by zero and negative integer powers are errors.
    if ct == DType::I64 {
        match op {
            BinaryOp::FloorDiv | BinaryOp::Mod => {
                if any_i64(b, |x| x == 0) {
                    return Err(Error::new(ErrorKind::ZeroDivision, format!("integer {} by zero", if op == BinaryOp::Mod { "modulo" } else { "division" }))
                        .label_arg(1, "contains 0")
                        .with_help("convert to float first (astype(x, float64)) to get inf/nan like NumPy's float division"));
                }
            }
            BinaryOp::Pow => {
                if any_i64(b, |x| x < 0) {
                    return Err(Error::value(
                        "integers to negative integer powers are not allowed",
                    )
                    .label_arg(1, "negative exponent")
                    .with_help("use a float base, e.g. 2.0 ** -1"));
                }
            }
            _ => {}
        }
    }
    if let (Operand::Scalar(x, wx), Operand::Scalar(y, wy)) = (a, b) {
        let s = scalar_binary(op, ct, *x, *y);
        return Ok(Operand::Scalar(s, *wx && *wy));
    }
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    check_size(&shape)?;
    let out = match ct {
        DType::Bool => bool_kernel(op, a, b, &shape)?,
        DType::I64 => int_kernel(op, a, b, &shape)?,
        DType::F32 => float_kernel::<f32>(op, a, b, &shape)?,
        DType::F64 => float_kernel::<f64>(op, a, b, &shape)?,
    };
    Ok(Operand::Array(out))
}

fn any_i64(o: &Operand, f: impl Fn(i64) -> bool + Sync) -> bool {
    match o {
        Operand::Scalar(s, _) => f(s.as_i64()),
        Operand::Array(a) => match a {
            Array::I64(x) => x.iter().any(|&v| f(v)),
            Array::Bool(x) => x.iter().any(|&v| f(v as i64)),
            _ => false,
        },
    }
}

fn scalar_binary(op: BinaryOp, ct: DType, x: Scalar, y: Scalar) -> Scalar {
    match ct {
        DType::Bool => {
            let (a, b) = (x.as_bool(), y.as_bool());
            match bool_op(op) {
                Ok(BoolK::B(f)) => Scalar::Bool(f(a, b)),
                Ok(BoolK::Cmp(f)) => Scalar::Bool(f(a, b)),
                Err(_) => Scalar::Bool(false),
            }
        }
        DType::I64 => {
            let (a, b) = (x.as_i64(), y.as_i64());
            match int_op(op) {
                IntK::I(f) => Scalar::I64(f(a, b)),
                IntK::Cmp(f) => Scalar::Bool(f(a, b)),
            }
        }
        DType::F32 => {
            let (a, b) = (x.as_f64() as f32, y.as_f64() as f32);
            match float_op::<f32>(op) {
                FloatK::F(f) => Scalar::F32(f(a, b)),
                FloatK::Cmp(f) => Scalar::Bool(f(a, b)),
            }
        }
        DType::F64 => {
            let (a, b) = (x.as_f64(), y.as_f64());
            match float_op::<f64>(op) {
                FloatK::F(f) => Scalar::F64(f(a, b)),
                FloatK::Cmp(f) => Scalar::Bool(f(a, b)),
            }
        }
    }
}

enum BoolK {
    B(fn(bool, bool) -> bool),
    Cmp(fn(bool, bool) -> bool),
}
enum IntK {
    I(fn(i64, i64) -> i64),
    Cmp(fn(i64, i64) -> bool),
}
pub(crate) enum FloatK<T> {
    F(fn(T, T) -> T),
    Cmp(fn(T, T) -> bool),
}

fn bool_op(op: BinaryOp) -> Result<BoolK> {
    use BinaryOp::*;
    Ok(match op {
        Add | BitOr | Maximum => BoolK::B(|a, b| a | b),
        Mul | BitAnd | Minimum => BoolK::B(|a, b| a & b),
        Eq => BoolK::Cmp(|a, b| a == b),
        Ne => BoolK::Cmp(|a, b| a != b),
        Lt => BoolK::Cmp(|a, b| !a & b),
        Le => BoolK::Cmp(|a, b| a <= b),
        Gt => BoolK::Cmp(|a, b| a & !b),
        Ge => BoolK::Cmp(|a, b| a >= b),
        Sub | Div | FloorDiv | Mod | Pow | Arctan2 => {
            return Err(Error::type_(format!(
                "`{}` is not defined for booleans",
                op.name()
            )))
        }
    })
}

fn ipow(mut base: i64, mut exp: i64) -> i64 {
    let mut acc: i64 = 1;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc.wrapping_mul(base);
        }
        base = base.wrapping_mul(base);
        exp >>= 1;
    }
    acc
}

fn int_op(op: BinaryOp) -> IntK {
    use BinaryOp::*;
    match op {
        Add => IntK::I(|a, b| a.wrapping_add(b)),
        Sub => IntK::I(|a, b| a.wrapping_sub(b)),
        Mul => IntK::I(|a, b| a.wrapping_mul(b)),
        // Div and Arctan2 compute in float; never reached with ints.
        Div | Arctan2 => IntK::I(|a, b| if b == 0 { 0 } else { a.wrapping_div(b) }),
        FloorDiv => IntK::I(|a, b| {
            if b == 0 {
                return 0;
            }
            let q = a.wrapping_div(b);
            if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            }
        }),
        Mod => IntK::I(|a, b| {
            if b == 0 {
                return 0;
            }
            let r = a.wrapping_rem(b);
            if r != 0 && ((r < 0) != (b < 0)) {
                r + b
            } else {
                r
            }
        }),
        Pow => IntK::I(ipow),
        BitAnd => IntK::I(|a, b| a & b),
        BitOr => IntK::I(|a, b| a | b),
        Maximum => IntK::I(|a, b| a.max(b)),
        Minimum => IntK::I(|a, b| a.min(b)),
        Eq => IntK::Cmp(|a, b| a == b),
        Ne => IntK::Cmp(|a, b| a != b),
        Lt => IntK::Cmp(|a, b| a < b),
        Le => IntK::Cmp(|a, b| a <= b),
        Gt => IntK::Cmp(|a, b| a > b),
        Ge => IntK::Cmp(|a, b| a >= b),
    }
}

/// NumPy's float floor division (npy_divmod).
fn fdiv<T: Float>(a: T, b: T) -> T {
    if b == T::zero() {
        return a / b;
    }
    let m = a % b;
    let mut div = (a - m) / b;
    if m != T::zero() && ((b < T::zero()) != (m < T::zero())) {
        div = div - T::one();
    }
    if div != T::zero() {
        let f = div.floor();
        if div - f > T::from(0.5).unwrap_or_else(T::zero) {
            f + T::one()
        } else {
            f
        }
    } else {
        T::zero().copysign(a / b)
    }
}

/// NumPy's float modulo: the result takes the divisor's sign.
fn fmod_py<T: Float>(a: T, b: T) -> T {
    if b == T::zero() {
        return T::nan();
    }
    let m = a % b;
    if m != T::zero() {
        if (b < T::zero()) != (m < T::zero()) {
            m + b
        } else {
            m
        }
    } else {
        T::zero().copysign(b)
    }
}

fn fmax<T: Float>(a: T, b: T) -> T {
    if a.is_nan() || b.is_nan() {
        T::nan()
    } else if a >= b {
        a
    } else {
        b
    }
}
fn fmin<T: Float>(a: T, b: T) -> T {
    if a.is_nan() || b.is_nan() {
        T::nan()
    } else if a <= b {
        a
    } else {
        b
    }
}

pub(crate) fn float_op<T: Float + vmath::Lane>(op: BinaryOp) -> FloatK<T> {
    use BinaryOp::*;
    match op {
        Add => FloatK::F(|a, b| a + b),
        Sub => FloatK::F(|a, b| a - b),
        Mul => FloatK::F(|a, b| a * b),
        Div => FloatK::F(|a, b| a / b),
        FloorDiv => FloatK::F(fdiv),
        Mod => FloatK::F(fmod_py),
        Pow => FloatK::F(vmath::pow_scalar),
        // Rejected by binary_types for floats.
        BitAnd | BitOr => FloatK::F(|a, _| a),
        Maximum => FloatK::F(fmax),
        Minimum => FloatK::F(fmin),
        Arctan2 => FloatK::F(|a, b| a.atan2(b)),
        Eq => FloatK::Cmp(|a, b| a == b),
        Ne => FloatK::Cmp(|a, b| a != b),
        Lt => FloatK::Cmp(|a, b| a < b),
        Le => FloatK::Cmp(|a, b| a <= b),
        Gt => FloatK::Cmp(|a, b| a > b),
        Ge => FloatK::Cmp(|a, b| a >= b),
    }
}

/// View an operand as a typed array of dtype `T` (scalars become 0-d).
fn typed<T: Element>(o: &Operand) -> std::borrow::Cow<'_, Arr<T>> {
    use std::borrow::Cow;
    fn pick<T: Element>(a: &Array) -> Option<Arr<T>> {
        T::of(a).cloned()
    }
    if let Operand::Array(a) = o {
        if let Some(x) = T::of(a) {
            return Cow::Borrowed(x);
        }
    }
    let arr = match o {
        Operand::Scalar(s, _) => Array::scalar(s.cast(T::DTYPE)),
        Operand::Array(a) => a.astype(T::DTYPE),
    };
    match pick::<T>(&arr) {
        Some(a) => Cow::Owned(a),
        None => unreachable!("astype(T::DTYPE) yields Arr<T>"),
    }
}

/// Apply `f` elementwise over two broadcast operands into a new array.
pub fn zip_map<T: Element, U: Element>(
    a: &Arr<T>,
    b: &Arr<T>,
    shape: &[usize],
    f: impl Fn(T, T) -> U + Sync + Send,
) -> Arr<U> {
    let n: usize = shape.iter().product();
    // Fast paths: same shape and contiguous, or one side a single element.
    if a.shape() == shape && b.shape() == shape {
        if let (Some(x), Some(y)) = (a.as_slice(), b.as_slice()) {
            let v: Vec<U> = if n >= PAR_THRESHOLD {
                x.par_iter()
                    .zip(y.par_iter())
                    .map(|(&p, &q)| f(p, q))
                    .collect()
            } else {
                x.iter().zip(y.iter()).map(|(&p, &q)| f(p, q)).collect()
            };
            return from_vec(shape, v);
        }
    }
    if b.len() == 1 && a.shape() == shape {
        if let (Some(x), Some(&q)) = (a.as_slice(), b.iter().next()) {
            let v: Vec<U> = if n >= PAR_THRESHOLD {
                x.par_iter().map(|&p| f(p, q)).collect()
            } else {
                x.iter().map(|&p| f(p, q)).collect()
            };
            return from_vec(shape, v);
        }
    }
    if a.len() == 1 && b.shape() == shape {
        if let (Some(&p), Some(y)) = (a.iter().next(), b.as_slice()) {
            let v: Vec<U> = if n >= PAR_THRESHOLD {
                y.par_iter().map(|&q| f(p, q)).collect()
            } else {
                y.iter().map(|&q| f(p, q)).collect()
            };
            return from_vec(shape, v);
        }
    }
    let (Some(av), Some(bv)) = (a.broadcast(IxDyn(shape)), b.broadcast(IxDyn(shape))) else {
        unreachable!("zip_map: shapes were broadcast-checked by the caller")
    };
    let mut out = ArrayD::<U>::from_elem(IxDyn(shape), U::zero());
    let z = Zip::from(&mut out).and(&av).and(&bv);
    if n >= PAR_THRESHOLD {
        z.par_for_each(|o, &p, &q| *o = f(p, q));
    } else {
        z.for_each(|o, &p, &q| *o = f(p, q));
    }
    out.into_shared()
}

fn from_vec<U: Element>(shape: &[usize], v: Vec<U>) -> Arr<U> {
    match ArrayD::from_shape_vec(IxDyn(shape), v) {
        Ok(a) => a.into_shared(),
        Err(_) => unreachable!("from_vec: length equals the shape's product"),
    }
}

/// Apply `f` to every element of one array.
pub fn map<T: Element, U: Element>(a: &Arr<T>, f: impl Fn(T) -> U + Sync + Send) -> Arr<U> {
    map_above(a, f, PAR_THRESHOLD)
}

/// Elements from which a transcendental function (exp, log, sin, tanh, ...)
/// runs on every core: at 10-30 ns an element they repay rayon's split far
/// sooner than an add does (tanh of 256x128: 0.94 ms on one core).
pub const PAR_THRESHOLD_COSTLY: usize = 1 << 12;

/// `map`, split across cores from `par_from` elements.
fn map_above<T: Element, U: Element>(
    a: &Arr<T>,
    f: impl Fn(T) -> U + Sync + Send,
    par_from: usize,
) -> Arr<U> {
    let n = a.len();
    if let Some(x) = a.as_slice() {
        let v: Vec<U> = if n >= par_from {
            x.par_iter().map(|&p| f(p)).collect()
        } else {
            x.iter().map(|&p| f(p)).collect()
        };
        return from_vec(a.shape(), v);
    }
    let mut out = ArrayD::<U>::from_elem(IxDyn(a.shape()), U::zero());
    let z = Zip::from(&mut out).and(a);
    if n >= par_from {
        z.par_for_each(|o, &p| *o = f(p));
    } else {
        z.for_each(|o, &p| *o = f(p));
    }
    out.into_shared()
}

fn bool_kernel(op: BinaryOp, a: &Operand, b: &Operand, shape: &[usize]) -> Result<Array> {
    let (x, y) = (typed::<bool>(a), typed::<bool>(b));
    Ok(Array::Bool(match bool_op(op)? {
        BoolK::B(f) | BoolK::Cmp(f) => zip_map(&x, &y, shape, f),
    }))
}

fn int_kernel(op: BinaryOp, a: &Operand, b: &Operand, shape: &[usize]) -> Result<Array> {
    let (x, y) = (typed::<i64>(a), typed::<i64>(b));
    Ok(match int_op(op) {
        IntK::I(f) => Array::I64(zip_map(&x, &y, shape, f)),
        IntK::Cmp(f) => Array::Bool(zip_map(&x, &y, shape, f)),
    })
}

fn float_kernel<T: Element + Float + vmath::Lane>(
    op: BinaryOp,
    a: &Operand,
    b: &Operand,
    shape: &[usize],
) -> Result<Array> {
    let (x, y) = (typed::<T>(a), typed::<T>(b));
    if op == BinaryOp::Pow {
        return Ok(T::wrap(pow_map(&x, &y, shape)));
    }
    // The four arithmetic ops get their own instantiation so the compiler
    // inlines and vectorises them (a function pointer per element does not).
    match op {
        BinaryOp::Add => return Ok(T::wrap(zip_map(&x, &y, shape, |p, q| p + q))),
        BinaryOp::Sub => return Ok(T::wrap(zip_map(&x, &y, shape, |p, q| p - q))),
        BinaryOp::Mul => return Ok(T::wrap(zip_map(&x, &y, shape, |p, q| p * q))),
        BinaryOp::Div => return Ok(T::wrap(zip_map(&x, &y, shape, |p, q| p / q))),
        _ => {}
    }
    Ok(match float_op::<T>(op) {
        FloatK::F(f) => T::wrap(zip_map(&x, &y, shape, f)),
        FloatK::Cmp(f) => Array::Bool(zip_map(&x, &y, shape, f)),
    })
}

/// `a ** b` through `vmath`'s kernel: contiguous operands (or a single
/// value) go straight to it, other layouts are copied out first.
fn pow_map<T: Element + vmath::Lane>(a: &Arr<T>, b: &Arr<T>, shape: &[usize]) -> Arr<T> {
    use vmath::Arg;
    let n: usize = shape.iter().product();
    fn arg<'a, T: Element>(x: &'a Arr<T>, shape: &[usize], n: usize) -> Option<Arg<'a, T>> {
        if x.len() == 1 && n != 1 {
            x.iter().next().map(|&v| Arg::Scalar(v))
        } else if x.shape() == shape {
            x.as_slice().map(Arg::Slice)
        } else {
            None
        }
    }
    let own = |x: &Arr<T>| -> Vec<T> {
        match x.broadcast(IxDyn(shape)) {
            Some(v) => v.iter().copied().collect(),
            None => unreachable!("pow_map: shapes were broadcast-checked by the caller"),
        }
    };
    let (ba, bb);
    let xa = match arg(a, shape, n) {
        Some(v) => v,
        None => {
            ba = own(a);
            Arg::Slice(&ba[..])
        }
    };
    let xb = match arg(b, shape, n) {
        Some(v) => v,
        None => {
            bb = own(b);
            Arg::Slice(&bb[..])
        }
    };
    from_vec(shape, vmath::pow_vec(xa, xb, n, PAR_THRESHOLD_COSTLY))
}

// ------------------------------------------------------------- unary ops

/// `op(a)` elementwise, with NumPy's result dtypes (maths on ints gives float64).
pub fn unary(op: UnaryOp, a: &Operand) -> Result<Operand> {
    use UnaryOp::*;
    let dt = a.dtype();
    let weak = a.weak();
    if op == Neg && dt == DType::Bool {
        return Err(Error::type_("`-` is not defined for booleans")
            .with_help("use `~x` or `not x` to negate booleans"));
    }
    if op == Invert && dt.is_float() {
        return Err(
            Error::type_(format!("`~` needs bool or integer values, not {dt}"))
                .with_help("use `-x` to negate numbers"),
        );
    }
    let ct = if op.is_float_fn() && !dt.is_float() {
        DType::F64
    } else {
        dt
    };
    if let Operand::Scalar(s, _) = a {
        let arr = Array::scalar(s.cast(ct));
        let r = unary_array(op, &arr);
        let keep_weak = weak && !matches!(op, IsNan | IsInf | IsFinite);
        return match r.to_scalar() {
            Some(v) => Ok(Operand::Scalar(v, keep_weak)),
            None => unreachable!("unary of a scalar is a scalar"),
        };
    }
    let arr = match a {
        Operand::Array(x) => x.astype(ct),
        Operand::Scalar(..) => unreachable!("handled above"),
    };
    Ok(Operand::Array(unary_array(op, &arr)))
}

fn unary_array(op: UnaryOp, a: &Array) -> Array {
    use UnaryOp::*;
    match a {
        Array::Bool(x) => match op {
            IsNan | IsInf => Array::Bool(map(x, |_| false)),
            IsFinite => Array::Bool(map(x, |_| true)),
            Invert => Array::Bool(map(x, |v| !v)),
            Sign => Array::Bool(x.clone()),
            // Abs, Pos, Floor, Ceil, Round, Trunc keep booleans as they are.
            _ => Array::Bool(x.clone()),
        },
        Array::I64(x) => match op {
            IsNan | IsInf => Array::Bool(map(x, |_| false)),
            IsFinite => Array::Bool(map(x, |_| true)),
            Neg => Array::I64(map(x, |v| v.wrapping_neg())),
            Invert => Array::I64(map(x, |v| !v)),
            Abs => Array::I64(map(x, |v| v.wrapping_abs())),
            Sign => Array::I64(map(x, |v| v.signum())),
            _ => Array::I64(x.clone()),
        },
        Array::F32(x) => float_unary(op, x),
        Array::F64(x) => float_unary(op, x),
    }
}

fn float_unary<T: Element + Float + vmath::Lane + Default>(op: UnaryOp, x: &Arr<T>) -> Array {
    use UnaryOp::*;
    if let Some(f) = vmath::Fun::of(op) {
        let par_from = if f == vmath::Fun::Sqrt {
            PAR_THRESHOLD
        } else {
            PAR_THRESHOLD_COSTLY
        };
        return T::wrap(vmath_map(f, x, par_from));
    }
    match op {
        IsNan => Array::Bool(map(x, |v| v.is_nan())),
        IsInf => Array::Bool(map(x, |v| v.is_infinite())),
        IsFinite => Array::Bool(map(x, |v| v.is_finite())),
        Pos => T::wrap(x.clone()),
        // Closures, not `float_fn`'s pointers: the loop inlines and
        // vectorises (an indirect call per element took 3 ns). Same values.
        Neg => T::wrap(map_above(x, |v: T| -v, PAR_THRESHOLD)),
        Abs => T::wrap(map_above(x, |v: T| v.abs(), PAR_THRESHOLD)),
        _ => match float_fn::<T>(op) {
            Some(f) => {
                let costly = op.is_math_fn() && !matches!(op, Abs | Sqrt);
                let par_from = if costly {
                    PAR_THRESHOLD_COSTLY
                } else {
                    PAR_THRESHOLD
                };
                T::wrap(map_above(x, f, par_from))
            }
            None => T::wrap(x.clone()),
        },
    }
}

/// `f` over every element through the vectorised kernels (`vmath`).
fn vmath_map<T: Element + vmath::Lane>(f: vmath::Fun, x: &Arr<T>, par_from: usize) -> Arr<T> {
    if let Some(s) = x.as_slice() {
        return from_vec(x.shape(), vmath::map_vec(f, s, par_from));
    }
    let c = x.as_standard_layout();
    match c.as_slice() {
        Some(s) => from_vec(x.shape(), vmath::map_vec(f, s, par_from)),
        None => unreachable!("as_standard_layout is contiguous"),
    }
}

/// The float-to-float function of a unary op (`None` for the predicates
/// and `+x`); shared by the plain kernels and the fused ones.
/// The maths functions are `vmath`'s kernels, one value at a time.
pub(crate) fn float_fn<T: Float + vmath::Lane>(op: UnaryOp) -> Option<fn(T) -> T> {
    use vmath::{scalar, Fun};
    use UnaryOp::*;
    Some(match op {
        IsNan | IsInf | IsFinite | Pos => return None,
        Neg => |v: T| -v,
        Invert => |v: T| v,
        Abs => |v: T| v.abs(),
        Sqrt => |v: T| scalar(Fun::Sqrt, v),
        Exp => |v: T| scalar(Fun::Exp, v),
        Log => |v: T| scalar(Fun::Log, v),
        Log2 => |v: T| scalar(Fun::Log2, v),
        Log10 => |v: T| scalar(Fun::Log10, v),
        Log1p => |v: T| scalar(Fun::Log1p, v),
        Expm1 => |v: T| scalar(Fun::Expm1, v),
        Sin => |v: T| scalar(Fun::Sin, v),
        Cos => |v: T| scalar(Fun::Cos, v),
        Tan => |v: T| scalar(Fun::Tan, v),
        Arcsin => |v: T| scalar(Fun::Arcsin, v),
        Arccos => |v: T| scalar(Fun::Arccos, v),
        Arctan => |v: T| scalar(Fun::Arctan, v),
        Sinh => |v: T| scalar(Fun::Sinh, v),
        Cosh => |v: T| scalar(Fun::Cosh, v),
        Tanh => |v: T| scalar(Fun::Tanh, v),
        Floor => |v: T| v.floor(),
        Ceil => |v: T| v.ceil(),
        Trunc => |v: T| v.trunc(),
        Round => round_half_even,
        Sign => |v: T| {
            if v.is_nan() {
                v
            } else if v > <T as num_traits::Zero>::zero() {
                <T as num_traits::One>::one()
            } else if v < <T as num_traits::Zero>::zero() {
                -<T as num_traits::One>::one()
            } else {
                <T as num_traits::Zero>::zero()
            }
        },
    })
}

/// NumPy rounds half to even (`round(2.5) == 2.0`).
pub fn round_half_even<T: Float>(v: T) -> T {
    let r = v.round();
    if (v - v.trunc()).abs() == T::from(0.5).unwrap_or_else(T::zero) {
        let half = r / (T::one() + T::one());
        if half.floor() != half {
            return r - v.signum();
        }
    }
    r
}

/// `where(cond, a, b)`: pick from `a` where `cond` is true, else `b`.
pub fn where_(cond: &Operand, a: &Operand, b: &Operand) -> Result<Operand> {
    let rt = result_type(a.dtype(), a.weak(), b.dtype(), b.weak());
    let s1 = broadcast_shapes(cond.shape(), a.shape())?;
    let shape = broadcast_shapes(&s1, b.shape()).map_err(|e| {
        Error::shape(format!(
            "where: cannot broadcast condition {}, x {} and y {} together",
            fmt_shape(cond.shape()),
            fmt_shape(a.shape()),
            fmt_shape(b.shape())
        ))
        .with_help(e.help.unwrap_or_default())
    })?;
    check_size(&shape)?;
    let c = typed::<bool>(cond);
    let Some(cv) = c.broadcast(IxDyn(&shape)) else {
        unreachable!("where: shapes checked")
    };
    fn pick<T: Element>(
        c: &ndarray::ArrayViewD<bool>,
        x: &Arr<T>,
        y: &Arr<T>,
        shape: &[usize],
    ) -> Arr<T> {
        let (Some(xv), Some(yv)) = (x.broadcast(IxDyn(shape)), y.broadcast(IxDyn(shape))) else {
            unreachable!("where: shapes checked")
        };
        let mut out = ArrayD::<T>::from_elem(IxDyn(shape), T::zero());
        Zip::from(&mut out)
            .and(c)
            .and(&xv)
            .and(&yv)
            .for_each(|o, &k, &p, &q| *o = if k { p } else { q });
        out.into_shared()
    }
    let out = match rt {
        DType::Bool => Array::Bool(pick(&cv, &typed(a), &typed(b), &shape)),
        DType::I64 => Array::I64(pick(&cv, &typed(a), &typed(b), &shape)),
        DType::F32 => Array::F32(pick(&cv, &typed(a), &typed(b), &shape)),
        DType::F64 => Array::F64(pick(&cv, &typed(a), &typed(b), &shape)),
    };
    Ok(Operand::Array(out))
}

/// A copy of `a` cast to `dt` with every element set by `f(index)`.
pub fn arange_f64(start: f64, step: f64, n: usize) -> Arr<f64> {
    ArcArray::from_shape_fn(IxDyn(&[n]), |i| start + (i[0] as f64) * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scalar fast path must agree with the general path on dtype,
    /// weak flag and value (bit for bit, NaN with NaN) for every op and
    /// operand kind it accepts.
    #[test]
    fn scalar_fast_path_equals_general_path() {
        let vals = [
            Scalar::I64(0),
            Scalar::I64(-7),
            Scalar::I64(i64::MAX),
            Scalar::I64(i64::MIN),
            Scalar::F64(0.5),
            Scalar::F64(-0.0),
            Scalar::F64(f64::NAN),
            Scalar::F64(f64::INFINITY),
            Scalar::F64(1e308),
            Scalar::F32(1.5),
            Scalar::Bool(true),
        ];
        let ops = [
            BinaryOp::Add,
            BinaryOp::Sub,
            BinaryOp::Mul,
            BinaryOp::Div,
            BinaryOp::Eq,
            BinaryOp::Ne,
            BinaryOp::Lt,
            BinaryOp::Le,
            BinaryOp::Gt,
            BinaryOp::Ge,
            BinaryOp::Pow,
            BinaryOp::Mod,
        ];
        let mut answered = 0;
        for op in ops {
            for &a in &vals {
                for &b in &vals {
                    for (wa, wb) in [(false, false), (true, false), (false, true), (true, true)] {
                        let Some((r, w)) = scalar_fast(op, a, wa, b, wb) else {
                            continue;
                        };
                        answered += 1;
                        let g = binary(op, &Operand::Scalar(a, wa), &Operand::Scalar(b, wb));
                        let Ok(Operand::Scalar(gr, gw)) = g else {
                            panic!("general path gave no scalar for {a:?} {op:?} {b:?}");
                        };
                        assert_eq!(w, gw, "weak flag of {a:?} {op:?} {b:?}");
                        assert_eq!(r.dtype(), gr.dtype(), "dtype of {a:?} {op:?} {b:?}");
                        let same = match (r, gr) {
                            (Scalar::F64(x), Scalar::F64(y)) => {
                                x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
                            }
                            _ => r == gr,
                        };
                        assert!(same, "{a:?} {op:?} {b:?}: fast {r:?} general {gr:?}");
                    }
                }
            }
        }
        assert!(answered > 500, "fast path answered only {answered} cases");
    }
}
