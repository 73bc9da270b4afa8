//! Reverse-mode automatic differentiation by tracing what `f` does.
//!
//! `grad(f)(x)` opens a new *level*: `x` becomes a `Traced` value holding a
//! node on that level's tape. Every differentiable primitive that sees a
//! traced operand records a node (its op, the operands it read — shared, not
//! copied — and the parents' node ids) and returns a traced result. The
//! backward pass walks the tape in reverse applying one rule per op
//! (`backward.rs`). Rules are written with ordinary arr operations, so when
//! the saved operands are themselves traced at an outer level, the backward
//! pass is recorded there too: `grad(grad(f))` works to any depth, and
//! values from different levels never get confused.

pub mod backward;
pub mod trace;

pub use trace::{GradFn, GradKind};

use crate::array::elementwise::{BinaryOp, UnaryOp};
use crate::array::index::IndexItem;
use crate::builtins::Builtin;
use crate::diagnostics::Span;
use crate::value::Value;
use std::rc::Rc;

/// A value being differentiated at `level`, recorded as `node` on that
/// level's tape. `value` is the plain value (possibly traced at an outer level).
#[derive(Debug)]
pub struct Traced {
    pub level: u32,
    pub node: u32,
    pub value: Value,
}

/// A recorded primitive.
#[derive(Debug, Clone)]
pub enum Op {
    /// A leaf: an input being differentiated.
    Leaf,
    Unary(UnaryOp),
    Binary(BinaryOp),
    MatMul,
    /// `a[idx]`.
    Index(Rc<Vec<IndexItem>>),
    /// `a[idx] = v` (inputs: a, v).
    SetIndex(Rc<Vec<IndexItem>>),
    /// A builtin call: its bound argument slots (see `Node::inputs`).
    Builtin(&'static Builtin),
}

/// Where a parent sits among an op's inputs: the slot, and the position
/// inside a tuple argument (for `concatenate((a, b))`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    pub arg: usize,
    pub item: Option<usize>,
}

#[derive(Debug)]
pub struct Node {
    pub op: Op,
    /// The operands as the forward pass read them, unwrapped from this level.
    pub inputs: Vec<Option<Value>>,
    /// Keyword-free extra values some rules need (e.g. the forward output).
    pub output: Option<Value>,
    pub parents: Vec<(Slot, u32)>,
    pub span: Span,
}

#[derive(Default, Debug)]
pub struct Tape {
    pub nodes: Vec<Node>,
}

impl Tape {
    pub fn push(&mut self, n: Node) -> u32 {
        self.nodes.push(n);
        (self.nodes.len() - 1) as u32
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

/// Unwrap level `lvl` from a value: the inner value and its node if it was
/// traced at exactly that level.
pub fn unwrap_level(v: &Value, lvl: u32) -> (Value, Option<u32>) {
    match v {
        Value::Traced(t) if t.level == lvl => (t.value.clone(), Some(t.node)),
        _ => (v.clone(), None),
    }
}

/// Unwrap level `lvl` in a bound argument (a tuple argument element-wise).
pub fn unwrap_arg(v: &Value, lvl: u32, arg: usize, parents: &mut Vec<(Slot, u32)>) -> Value {
    match v {
        Value::Tuple(items) if items.iter().any(|x| level_of(x) == lvl) => {
            let mut out = Vec::with_capacity(items.len());
            for (k, x) in items.iter().enumerate() {
                let (inner, node) = unwrap_level(x, lvl);
                if let Some(n) = node {
                    parents.push((Slot { arg, item: Some(k) }, n));
                }
                out.push(inner);
            }
            Value::tuple(out)
        }
        _ => {
            let (inner, node) = unwrap_level(v, lvl);
            if let Some(n) = node {
                parents.push((Slot { arg, item: None }, n));
            }
            inner
        }
    }
}

/// Builtins whose results carry no gradient (integers, booleans, shapes,
/// metadata): traced arguments are simply stripped.
pub fn no_gradient(name: &str) -> bool {
    matches!(
        name,
        "shape"
            | "ndim"
            | "size"
            | "dtype"
            | "len"
            | "type"
            | "device"
            | "argmin"
            | "argmax"
            | "argsort"
            | "searchsorted"
            | "isnan"
            | "isinf"
            | "isfinite"
            | "sign"
            | "floor"
            | "ceil"
            | "round"
            | "trunc"
            | "isclose"
            | "allclose"
            | "any"
            | "all"
            | "print"
            | "assert"
            | "help"
            | "str"
            | "repr"
            | "int"
            | "keys"
            | "time"
            | "unique"
            | "zeros_like"
            | "ones_like"
            | "full_like"
            | "range"
            | "arange"
            | "linspace"
            | "eye"
            | "zeros"
            | "ones"
            | "full"
    )
}
