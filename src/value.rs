//! `Value`: what a variable holds — numbers (immediate scalars), arrays,
//! strings, tuples, dicts, functions, dtypes and none. All are values:
//! cloning shares buffers, and writes copy first when shared.

use crate::array::elementwise::Operand;
use crate::array::{fmt_shape, Array, DType, Scalar};
use crate::builtins::Builtin;
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
    Traced(Rc<crate::autodiff::Traced>),
    /// An array in GPU memory (see `gpu`): float32 or bool.
    Gpu(crate::gpu::GpuArray),
}

#[derive(Clone)]
pub enum Func {
    Builtin(&'static Builtin),
    User(Rc<Closure>),
    /// What `grad(f)`, `value_and_grad(f)`, `jacobian(f)` return.
    Grad(Rc<crate::autodiff::GradFn>),
}

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Func::Builtin(b) => write!(f, "<builtin {}>", b.name),
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
            Value::Gpu(_) => match crate::gpu::ops::to_cpu(self) {
                Ok(Value::Array(a)) => Some(Operand::Array(a)),
                Ok(Value::Num(s, w)) => Some(Operand::Scalar(s, w)),
                _ => None,
            },
            _ => None,
        }
    }
}
