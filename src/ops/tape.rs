//! The tape: what `grad` records. Every differentiable primitive that sees
//! an operand traced at the innermost active level records a node (its op,
//! the operands it read — shared, not copied — and the parents' node ids)
//! and returns a traced result; `autodiff` walks the tape backwards.

use crate::array::elementwise::{self, BinaryOp, UnaryOp};
use crate::array::index::IndexItem;
use crate::diagnostics::{Error, Result, Span};
use crate::prim::Prim;
use crate::value::{float_dtype, level_of, value_to_array, Traced, Value};
use std::rc::Rc;

use super::Interp;

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
    Builtin(Prim),
    /// Item `k` of a builtin's tuple result (`eigh`, `svd`, `qr`, `lstsq`,
    /// `split`): one node per float item, each with the builtin's inputs
    /// and the whole tuple as its output, so each rule sees every result.
    Part(Prim, usize),
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

impl Interp {
    pub(crate) fn record(
        &mut self,
        lvl: u32,
        op: Op,
        inputs: Vec<Option<Value>>,
        output: Option<Value>,
        parents: Vec<(Slot, u32)>,
        value: Value,
        span: Span,
    ) -> Value {
        let Some(tape) = self.tapes.get_mut(lvl as usize - 1) else {
            return value;
        };
        let node = tape.push(Node {
            op,
            inputs,
            output,
            parents,
            span,
        });
        Value::Traced(Rc::new(Traced {
            level: lvl,
            node,
            value,
        }))
    }

    /// `x op y` on any values, recording when an operand is traced.
    pub fn op_binary(&mut self, op: BinaryOp, x: &Value, y: &Value) -> Result<Value> {
        let lvl = level_of(x).max(level_of(y));
        if lvl == 0 {
            if let Some(r) = self.try_gpu_binary(op, x, y)? {
                return Ok(r);
            }
            let (Some(a), Some(b)) = (x.as_operand(), y.as_operand()) else {
                return Err(Error::type_(format!(
                    "`{}` needs numbers, got {} and {}",
                    op.name(),
                    x.describe(),
                    y.describe()
                )));
            };
            return elementwise::binary(op, &a, &b).map(Value::from_operand);
        }
        let (xv, xn) = unwrap_level(x, lvl);
        let (yv, yn) = unwrap_level(y, lvl);
        let r = self.op_binary(op, &xv, &yv)?;
        if op.is_comparison()
            || matches!(op, BinaryOp::BitAnd | BinaryOp::BitOr)
            || float_dtype(&r).is_none()
        {
            return Ok(r);
        }
        let parents = operand_parents(&[xn, yn]);
        Ok(self.record(
            lvl,
            Op::Binary(op),
            vec![Some(xv), Some(yv)],
            Some(r.clone()),
            parents,
            r,
            Span::default(),
        ))
    }

    pub fn op_unary(&mut self, op: UnaryOp, x: &Value) -> Result<Value> {
        let lvl = level_of(x);
        if lvl == 0 {
            if let Some(r) = self.try_gpu_unary(op, x)? {
                return Ok(r);
            }
            let Some(a) = x.as_operand() else {
                return Err(Error::type_(format!(
                    "`{}` needs a number, got {}",
                    op.name(),
                    x.describe()
                )));
            };
            return elementwise::unary(op, &a).map(Value::from_operand);
        }
        let (xv, xn) = unwrap_level(x, lvl);
        let r = self.op_unary(op, &xv)?;
        if float_dtype(&r).is_none() {
            return Ok(r);
        }
        let parents = operand_parents(&[xn]);
        Ok(self.record(
            lvl,
            Op::Unary(op),
            vec![Some(xv)],
            Some(r.clone()),
            parents,
            r,
            Span::default(),
        ))
    }

    pub fn op_matmul(&mut self, x: &Value, y: &Value) -> Result<Value> {
        let lvl = level_of(x).max(level_of(y));
        if lvl == 0 {
            if let Some(r) = self.try_gpu_matmul(x, y)? {
                return Ok(r);
            }
            let a = value_to_array(x).ok_or_else(|| {
                Error::type_(format!("@ needs arrays, got {}", x.describe()))
                    .label_arg(0, x.describe())
            })?;
            let b = value_to_array(y).ok_or_else(|| {
                Error::type_(format!("@ needs arrays, got {}", y.describe()))
                    .label_arg(1, y.describe())
            })?;
            return crate::array::linalg::matmul(&a, &b).map(Value::from_array);
        }
        let (xv, xn) = unwrap_level(x, lvl);
        let (yv, yn) = unwrap_level(y, lvl);
        let r = self.op_matmul(&xv, &yv)?;
        if float_dtype(&r).is_none() {
            return Ok(r);
        }
        let parents = operand_parents(&[xn, yn]);
        Ok(self.record(
            lvl,
            Op::MatMul,
            vec![Some(xv), Some(yv)],
            None,
            parents,
            r,
            Span::default(),
        ))
    }

    /// `a[idx]` on a possibly traced array.
    pub fn op_index(&mut self, a: &Value, items: &Rc<Vec<IndexItem>>) -> Result<Value> {
        let lvl = level_of(a);
        if lvl == 0 {
            if let Some(r) = self.try_gpu_index(a, items)? {
                return Ok(r);
            }
            let arr = value_to_array(a)
                .ok_or_else(|| Error::type_(format!("{} cannot be indexed", a.describe())))?;
            let r = crate::array::index::get(&arr, items).map(Value::from_array)?;
            return self.place(r);
        }
        let (av, an) = unwrap_level(a, lvl);
        let r = self.op_index(&av, items)?;
        if float_dtype(&r).is_none() {
            return Ok(r);
        }
        let parents = operand_parents(&[an]);
        Ok(self.record(
            lvl,
            Op::Index(items.clone()),
            vec![Some(av)],
            None,
            parents,
            r,
            Span::default(),
        ))
    }

    /// `a[idx] = v` as a value: a new `a` (in place when unshared and untraced).
    pub fn op_setindex(
        &mut self,
        a: Value,
        items: &Rc<Vec<IndexItem>>,
        v: &Value,
    ) -> Result<Value> {
        let lvl = level_of(&a).max(level_of(v));
        if lvl == 0 {
            let on_gpu = matches!(a, Value::Gpu(_));
            let mut arr = match a {
                Value::Array(x) => x,
                Value::Gpu(_) => {
                    self.gpu_note("assignment into an array");
                    value_to_array(&a)
                        .ok_or_else(|| crate::gpu::gpu_error("reading an array back failed"))?
                }
                other => value_to_array(&other).ok_or_else(|| {
                    Error::type_(format!(
                        "{} does not support item assignment",
                        other.describe()
                    ))
                })?,
            };
            let val = value_to_array(v).ok_or_else(|| {
                Error::type_(format!("cannot store {} in an array", v.describe()))
            })?;
            crate::array::index::set(&mut arr, items, &val)?;
            if on_gpu || self.on_gpu() {
                return self.place_always(Value::from_array(arr));
            }
            return Ok(Value::from_array(arr));
        }
        let (av, an) = unwrap_level(&a, lvl);
        let (vv, vn) = unwrap_level(v, lvl);
        drop(a);
        let r = self.op_setindex(av.clone(), items, &vv)?;
        if float_dtype(&r).is_none() {
            return Ok(r);
        }
        let parents = operand_parents(&[an, vn]);
        Ok(self.record(
            lvl,
            Op::SetIndex(items.clone()),
            vec![Some(av), Some(vv)],
            None,
            parents,
            r,
            Span::default(),
        ))
    }
}

/// Parent links for an op's positional operands (those traced at its level).
fn operand_parents(nodes: &[Option<u32>]) -> Vec<(Slot, u32)> {
    nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.map(|n| (Slot { arg: i, item: None }, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::array::Array;
    use crate::output::Capture;
    use crate::value::Value;
    use crate::Interp;
    use std::rc::Rc;

    fn ptr(v: &Value) -> *const f64 {
        match crate::value::strip(v) {
            Value::Array(Array::F64(a)) => a.as_ptr(),
            other => panic!("not an f64 array: {other:?}"),
        }
    }

    /// The tape keeps the operands it read by sharing their buffers, never
    /// by copying them.
    #[test]
    fn tape_shares_operand_buffers() {
        let mut it = Interp::new(Box::new(Capture::default()));
        it.tapes.push(super::Tape::default());
        let w = Value::Array(Array::from_vec(&[64, 64], vec![0.5f64; 64 * 64]));
        let x = Value::Array(Array::from_vec(&[64], vec![1.0f64; 64]));
        let leaf = Value::Traced(Rc::new(super::Traced {
            level: 1,
            node: 0,
            value: x.clone(),
        }));
        it.tapes[0].push(super::Node {
            op: super::Op::Leaf,
            inputs: vec![],
            output: None,
            parents: vec![],
            span: Default::default(),
        });
        let y = it.op_matmul(&w, &leaf).unwrap();
        let z = it
            .op_binary(crate::array::elementwise::BinaryOp::Mul, &y, &w)
            .unwrap();
        let tape = &it.tapes[0];
        assert_eq!(tape.nodes.len(), 3);
        let mm = &tape.nodes[1];
        assert_eq!(
            ptr(mm.inputs[0].as_ref().unwrap()),
            ptr(&w),
            "matmul saved a copy of W"
        );
        assert_eq!(
            ptr(mm.inputs[1].as_ref().unwrap()),
            ptr(&x),
            "matmul saved a copy of x"
        );
        let mul = &tape.nodes[2];
        assert_eq!(
            ptr(mul.inputs[1].as_ref().unwrap()),
            ptr(&w),
            "mul saved a copy of W"
        );
        assert_eq!(
            ptr(mul.inputs[0].as_ref().unwrap()),
            ptr(&y),
            "mul saved a copy of its traced input"
        );
        drop(z);
    }
}
