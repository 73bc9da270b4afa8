//! `Value`: what a variable holds — numbers (immediate scalars), arrays,
//! strings, tuples, dicts, functions, dtypes and none. All are values:
//! cloning shares buffers, and writes copy first when shared.

mod convert;
pub use convert::*;

use crate::array::elementwise::Operand;
use crate::array::{fmt_shape, Array, DType, Scalar};
use crate::backend::{BackendStorage, Storage};
use crate::prim::Prim;
use crate::syntax::ast::FnDef;
use crate::syntax::sym::Sym;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub enum Value {
    /// A 0-d number. `weak` marks literal-derived (Python-like) scalars for
    /// NEP 50 promotion: `float32_array * 2.0` stays float32.
    Num(Scalar, bool),
    Array(Array),
    Str(Rc<str>),
    Tuple(Rc<Vec<Value>>),
    Dict(Rc<Vec<(Rc<str>, Value)>>),
    Func(Func),
    DType(DType),
    None,
    /// A value being differentiated by `grad` (see `autodiff`).
    Traced(Rc<Traced>),
    /// An array in GPU memory (see `gpu`): float32 or bool.
    Gpu(crate::gpu::GpuArray),
}

#[derive(Clone)]
pub enum Func {
    Builtin(Prim),
    User(Rc<Closure>),
    /// What `grad(f)`, `value_and_grad(f)`, `jacobian(f)` return.
    Grad(Rc<GradFn>),
}

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Func::Builtin(b) => write!(f, "<builtin {}>", b.name()),
            Func::User(c) => write!(f, "<fn {:?}>", c.def.name),
            Func::Grad(g) => write!(f, "<{} of {:?}>", g.name, g.f),
        }
    }
}

/// A user function or lambda with the enclosing function's locals captured
/// (by value, when it was created) and its evaluated defaults.
#[derive(Debug)]
pub struct Closure {
    pub def: Rc<FnDef>,
    pub captured: Rc<Vec<(Sym, Value)>>,
    pub defaults: Vec<Option<Value>>,
}

impl Closure {
    /// The parameter names, for display and help.
    pub fn param_names(&self) -> Vec<String> {
        self.def
            .params
            .iter()
            .map(|p| crate::syntax::sym::name(p.name).to_string())
            .collect()
    }
}

/// The attributes every array-like value has (`a.shape`), with what each
/// gives: the evaluator's attribute lookup, its error help, REPL completion
/// and `help()` all read this one list.
pub const ATTRIBUTES: &[(&str, &str)] = &[
    ("T", "the transpose"),
    ("shape", "the dimensions, a tuple"),
    ("ndim", "the number of dimensions"),
    ("size", "the number of elements"),
    ("dtype", "the element type"),
    ("device", "\"cpu\" or \"gpu\""),
    ("nbytes", "the bytes its elements take"),
];

impl Value {
    /// The shape of an array-like value: a number is 0-d, arrays on either
    /// device and traced values have theirs; `None` for strings, tuples,
    /// dicts, functions, dtypes and none.
    pub fn shape(&self) -> Option<Vec<usize>> {
        match self {
            Value::Num(..) => Some(Vec::new()),
            Value::Array(a) => Some(a.shape().to_vec()),
            Value::Gpu(g) => Some(g.shape.clone()),
            Value::Traced(t) => t.value.shape(),
            Value::Str(_)
            | Value::Tuple(_)
            | Value::Dict(_)
            | Value::Func(_)
            | Value::DType(_)
            | Value::None => None,
        }
    }

    pub fn int(i: i64) -> Value {
        Value::Num(Scalar::I64(i), false)
    }
    pub fn float(f: f64) -> Value {
        Value::Num(Scalar::F64(f), false)
    }
    pub fn bool(b: bool) -> Value {
        Value::Num(Scalar::Bool(b), false)
    }
    pub fn str(s: &str) -> Value {
        Value::Str(s.into())
    }
    pub fn tuple(v: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(v))
    }

    /// Wrap an array, turning 0-d results into immediate scalars.
    pub fn from_array(a: Array) -> Value {
        if a.ndim() == 0 {
            if let Some(s) = a.to_scalar() {
                return Value::Num(s, false);
            }
        }
        Value::Array(a)
    }
    /// An array value from a backend's storage (0-d CPU results become
    /// numbers, as `from_array`).
    pub fn from_storage(s: Storage) -> Value {
        match s {
            Storage::Cpu(a) => Value::from_array(a),
            Storage::Gpu(g) => Value::Gpu(g),
        }
    }
    /// The backend storage of an array value (a cheap, shared handle);
    /// `None` for numbers, traced values and non-arrays.
    pub fn storage(&self) -> Option<Storage> {
        match self {
            Value::Array(a) => Some(Storage::Cpu(a.clone())),
            Value::Gpu(g) => Some(Storage::Gpu(g.clone())),
            _ => None,
        }
    }
    pub fn from_operand(o: Operand) -> Value {
        match o {
            Operand::Scalar(s, w) => Value::Num(s, w),
            Operand::Array(a) => Value::from_array(a),
        }
    }

    /// The user-facing type name, as `type(x)` reports it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Num(..) | Value::Array(_) | Value::Gpu(_) => "array",
            Value::Str(_) => "string",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Func(_) => "function",
            Value::DType(_) => "dtype",
            Value::None => "none",
            Value::Traced(t) => t.value.type_name(),
        }
    }

    /// A short description for error labels: `int64 array of shape (3,)`.
    pub fn describe(&self) -> String {
        match self {
            Value::Num(s, _) => format!("{} scalar", s.dtype()),
            Value::Array(a) => format!("{} array of shape {}", a.dtype(), fmt_shape(a.shape())),
            Value::Str(_) => "a string".into(),
            Value::Tuple(t) => format!("a tuple of {} items", t.len()),
            Value::Dict(_) => "a dict".into(),
            Value::Func(_) => "a function".into(),
            Value::DType(d) => format!("the dtype {d}"),
            Value::None => "none".into(),
            Value::Traced(t) => t.value.describe(),
            Value::Gpu(a) => format!(
                "{} array of shape {} on the GPU",
                a.dtype(),
                fmt_shape(&a.shape)
            ),
        }
    }

    pub fn is_numeric(&self) -> bool {
        match self {
            Value::Num(..) | Value::Array(_) | Value::Gpu(_) => true,
            Value::Traced(t) => t.value.is_numeric(),
            _ => false,
        }
    }

    /// As an elementwise operand (numbers only).
    pub fn as_operand(&self) -> Option<Operand> {
        match self {
            Value::Num(s, w) => Some(Operand::Scalar(*s, *w)),
            Value::Array(a) => Some(Operand::Array(a.clone())),
            // The CPU path reading a GPU array downloads it.
            Value::Gpu(_) => match to_cpu(self) {
                Ok(Value::Array(a)) => Some(Operand::Array(a)),
                Ok(Value::Num(s, w)) => Some(Operand::Scalar(s, w)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A value being differentiated at `level`, recorded as `node` on that
/// level's tape. `value` is the plain value (possibly traced at an outer level).
#[derive(Debug)]
pub struct Traced {
    pub level: u32,
    pub node: u32,
    pub value: Value,
}

/// What a `grad`-family function computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GradKind {
    Grad,
    ValueAndGrad,
    Jacobian,
}

#[derive(Debug)]
pub struct GradFn {
    pub f: Value,
    pub argnums: Vec<usize>,
    /// `argnums` was a tuple: return a tuple of gradients.
    pub tuple: bool,
    pub kind: GradKind,
    pub name: &'static str,
}

/// The float dtype of a (possibly traced) number, if it is one.
pub fn float_dtype(v: &Value) -> Option<DType> {
    match v {
        Value::Traced(t) => float_dtype(&t.value),
        Value::Num(s, _) if s.dtype().is_float() => Some(s.dtype()),
        Value::Array(a) if a.dtype().is_float() => Some(a.dtype()),
        Value::Gpu(a) if a.kind == crate::gpu::Kind::F32 => Some(DType::F32),
        _ => None,
    }
}

/// The highest tracing level in a value (0 = not traced), looking inside
/// tuples and dicts.
pub fn level_of(v: &Value) -> u32 {
    match v {
        Value::Traced(t) => t.level,
        Value::Tuple(items) => items.iter().map(level_of).max().unwrap_or(0),
        Value::Dict(items) => items.iter().map(|(_, x)| level_of(x)).max().unwrap_or(0),
        _ => 0,
    }
}

/// Remove every level of tracing (for printing, conditions and other
/// non-differentiable uses).
pub fn strip(v: &Value) -> Value {
    match v {
        Value::Traced(t) => strip(&t.value),
        Value::Tuple(items) if items.iter().any(|x| level_of(x) > 0) => {
            Value::tuple(items.iter().map(strip).collect())
        }
        Value::Dict(items) if items.iter().any(|(_, x)| level_of(x) > 0) => Value::Dict(Rc::new(
            items.iter().map(|(k, x)| (k.clone(), strip(x))).collect(),
        )),
        _ => v.clone(),
    }
}

/// Any GPU array inside `v` (tuples and dicts included)?
pub fn has_gpu(v: &Value) -> bool {
    match v {
        Value::Gpu(_) => true,
        Value::Traced(t) => has_gpu(&t.value),
        Value::Tuple(t) => t.iter().any(has_gpu),
        Value::Dict(d) => d.iter().any(|(_, x)| has_gpu(x)),
        _ => false,
    }
}

/// `v` with every GPU array downloaded (tuples and dicts included).
pub fn to_cpu(v: &Value) -> crate::diagnostics::Result<Value> {
    Ok(match v {
        Value::Gpu(a) => Value::from_array(a.to_host()?),
        Value::Tuple(t) if t.iter().any(has_gpu) => Value::tuple(
            t.iter()
                .map(to_cpu)
                .collect::<crate::diagnostics::Result<Vec<_>>>()?,
        ),
        Value::Dict(d) if d.iter().any(|(_, x)| has_gpu(x)) => Value::Dict(Rc::new(
            d.iter()
                .map(|(k, x)| Ok((k.clone(), to_cpu(x)?)))
                .collect::<crate::diagnostics::Result<Vec<_>>>()?,
        )),
        other => other.clone(),
    })
}

impl Value {
    /// This value with every device array read back to the CPU (tuples
    /// and dicts included); other values unchanged.
    pub fn to_host(&self) -> crate::diagnostics::Result<Value> {
        to_cpu(self)
    }

    /// Is this value traced by an active `grad` (at any level, inside
    /// tuples and dicts too)?
    pub fn is_traced(&self) -> bool {
        level_of(self) > 0
    }

    /// This value with every level of tracing removed (for printing,
    /// conditions and other non-differentiable uses).
    pub fn plain(&self) -> Value {
        strip(self)
    }
}
