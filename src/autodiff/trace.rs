//! Recording: the traced versions of every differentiable primitive, the
//! `grad`-family function values, and the backward sweep.

use super::{level_of, strip, unwrap_arg, unwrap_level, Node, Op, Slot, Tape, Traced};
use crate::array::elementwise::{self, BinaryOp, UnaryOp};
use crate::array::index::IndexItem;
use crate::array::{Array, DType, Scalar};
use crate::builtins::{Args, Builtin};
use crate::diagnostics::{At, Error, ErrorKind, Result, Span};
use crate::eval::{value_to_array, Interp};
use crate::value::{Func, Value};
use std::rc::Rc;

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

impl Interp {
    fn record(
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

    /// Call a builtin with bound arguments, recording it when an argument is traced.
    pub fn call_builtin_args(&mut self, b: &'static Builtin, args: Args) -> Result<Value> {
        let lvl = args
            .vals
            .iter()
            .flatten()
            .chain(args.rest.iter())
            .map(level_of)
            .max()
            .unwrap_or(0);
        if lvl == 0 {
            if crate::gpu::ops::builtin_needs_gpu(self, b, &args) {
                return self.call_builtin_gpu(b, args);
            }
            return (b.f)(self, args);
        }
        if super::no_gradient(b.name) {
            let mut args = args;
            for v in args.vals.iter_mut().flatten() {
                *v = strip(v);
            }
            for v in args.rest.iter_mut() {
                *v = strip(v);
            }
            return (b.f)(self, args);
        }
        if !super::backward::has_rule(b.name) {
            return Err(Error::new(ErrorKind::Type, format!("{}() cannot be differentiated yet", b.name))
                .with_help("grad() follows arithmetic, @, indexing, reductions, shape functions, where/maximum/minimum/clip and the maths functions; compute this part outside the differentiated function"));
        }
        let mut parents = Vec::new();
        let mut args2 = args.clone();
        for (i, v) in args2.vals.iter_mut().enumerate() {
            if let Some(x) = v {
                *x = unwrap_arg(x, lvl, i, &mut parents);
            }
        }
        for v in args2.rest.iter_mut() {
            *v = strip(v);
        }
        let mut inputs = args2.vals.clone();
        inputs.extend(args2.rest.iter().cloned().map(Some));
        let r = self.call_builtin_args(b, args2)?;
        if float_dtype(&r).is_none() || parents.is_empty() {
            return Ok(r);
        }
        let span = args.call;
        Ok(self.record(
            lvl,
            Op::Builtin(b),
            inputs,
            Some(r.clone()),
            parents,
            r,
            span,
        ))
    }

    // ------------------------------------------------------- grad values

    pub fn call_grad(
        &mut self,
        g: &Rc<GradFn>,
        mut pos: Vec<Value>,
        pos_spans: Vec<Span>,
        kw: Vec<(crate::syntax::sym::Sym, Value, Span)>,
        span: Span,
    ) -> Result<Value> {
        if self.tapes.len() >= 64 {
            return Err(Error::new(ErrorKind::Limit, "more than 64 nested grad() levels").at(span));
        }
        for &k in &g.argnums {
            if k >= pos.len() {
                return Err(Error::new(
                    ErrorKind::Arity,
                    format!(
                        "{}: argnums asks for argument {} but {} were given",
                        g.name,
                        k,
                        pos.len()
                    ),
                )
                .at(span)
                .with_help("pass the differentiated arguments positionally"));
            }
        }
        let lvl = self.tapes.len() as u32 + 1;
        self.tapes.push(Tape::default());
        let r = self.call_grad_inner(g, lvl, &mut pos, &pos_spans, kw, span);
        self.tapes.truncate(lvl as usize - 1);
        r.map_err(|e| e.at(span))
    }

    fn call_grad_inner(
        &mut self,
        g: &Rc<GradFn>,
        lvl: u32,
        pos: &mut [Value],
        pos_spans: &[Span],
        kw: Vec<(crate::syntax::sym::Sym, Value, Span)>,
        span: Span,
    ) -> Result<Value> {
        // Mark the differentiated arguments as leaves.
        let mut leaves: Vec<Vec<(Vec<usize>, u32)>> = Vec::new();
        for &k in &g.argnums {
            let mut l = Vec::new();
            let arg_span = pos_spans.get(k).copied().unwrap_or(span);
            pos[k] = self.make_leaves(&pos[k], lvl, &mut Vec::new(), &mut l, arg_span, g.name)?;
            leaves.push(l);
        }
        let out = self.call_value(&g.f, pos.to_vec(), pos_spans.to_vec(), kw, span, span)?;
        let (outv, onode) = unwrap_level(&out, lvl);
        let def_span = match &g.f {
            Value::Func(Func::User(c)) => Some(c.def.head),
            _ => None,
        };
        let shape_err = |what: String, help: &str| {
            let mut e = Error::new(
                ErrorKind::Value,
                format!(
                    "{}: the function must return a single float, but it returned {}",
                    g.name, what
                ),
            )
            .at(span)
            .with_help(help.to_string());
            if let Some(d) = def_span {
                e = e.label(At::Span(d), "the function is defined here");
            }
            e
        };
        let plain = strip(&outv);
        match g.kind {
            GradKind::Grad | GradKind::ValueAndGrad => {
                let ok_shape = match &plain {
                    Value::Num(..) => true,
                    Value::Array(a) => a.len() == 1,
                    Value::Gpu(a) => a.len() == 1,
                    _ => false,
                };
                if !ok_shape {
                    return Err(shape_err(plain.describe(), "reduce the result to one number, e.g. sum(...) or mean(...); use jacobian(f) for array outputs"));
                }
                let Some(dt) = float_dtype(&plain) else {
                    return Err(shape_err(plain.describe(), "integer and boolean results carry no gradient: compute with floats (write 1.0, not 1)"));
                };
                let seed = Value::Num(Scalar::F64(1.0).cast(dt), false);
                let seed = match &plain {
                    Value::Array(a) if a.ndim() > 0 => {
                        Value::Array(Array::full(a.shape(), Scalar::F64(1.0), dt)?)
                    }
                    Value::Gpu(a) if a.ndim() > 0 => {
                        Value::Array(Array::full(&a.shape, Scalar::F64(1.0), dt)?)
                    }
                    _ => seed,
                };
                let grads = match onode {
                    Some(n) => self.backward(lvl, n, seed)?,
                    None => Vec::new(),
                };
                let gv = self.collect_grads(g, pos, &leaves, &grads)?;
                if g.kind == GradKind::ValueAndGrad {
                    return Ok(Value::tuple(vec![outv, gv]));
                }
                Ok(gv)
            }
            GradKind::Jacobian => {
                let Some(dt) = float_dtype(&plain) else {
                    return Err(shape_err(plain.describe(), "jacobian needs a float result"));
                };
                let oshape: Vec<usize> = match &plain {
                    Value::Array(a) => a.shape().to_vec(),
                    Value::Gpu(a) => a.shape.clone(),
                    _ => Vec::new(),
                };
                let n: usize = oshape.iter().product();
                let mut rows: Vec<Value> = Vec::with_capacity(n);
                for i in 0..n {
                    let mut e = vec![0.0f64; n];
                    e[i] = 1.0;
                    let seed = Value::from_array(Array::from_vec(&oshape, e).astype(dt));
                    let grads = match onode {
                        Some(nd) => self.backward(lvl, nd, seed)?,
                        None => Vec::new(),
                    };
                    rows.push(self.collect_grads(g, pos, &leaves, &grads)?);
                }
                // Stack the rows and give the result shape out.shape + x.shape.
                if g.argnums.len() != 1 || g.tuple {
                    return Err(Error::value(
                        "jacobian: only one differentiated argument is supported",
                    )
                    .at(span));
                }
                let xshape: Vec<usize> = match strip(&pos[g.argnums[0]]) {
                    Value::Array(a) => a.shape().to_vec(),
                    Value::Gpu(a) => a.shape.clone(),
                    Value::Num(..) => Vec::new(),
                    other => {
                        return Err(Error::type_(format!(
                            "jacobian needs an array argument, got {}",
                            other.describe()
                        ))
                        .at(span))
                    }
                };
                if n == 0 {
                    let mut s = oshape.clone();
                    s.extend(&xshape);
                    return Ok(Value::from_array(Array::zeros(&s, dt)?));
                }
                let stacked = self.call_named("stack", vec![Value::tuple(rows)], vec![], span)?;
                let mut s = oshape.clone();
                s.extend(&xshape);
                let shape_v = Value::tuple(s.iter().map(|&d| Value::int(d as i64)).collect());
                self.call_named("reshape", vec![stacked, shape_v], vec![], span)
            }
        }
    }

    /// Wrap every float leaf of a differentiated argument (arrays, or the
    /// arrays inside tuples and dicts) as a leaf node.
    fn make_leaves(
        &mut self,
        v: &Value,
        lvl: u32,
        path: &mut Vec<usize>,
        out: &mut Vec<(Vec<usize>, u32)>,
        span: Span,
        name: &str,
    ) -> Result<Value> {
        match v {
            Value::Tuple(items) => {
                let mut r = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    path.push(i);
                    r.push(self.make_leaves(x, lvl, path, out, span, name)?);
                    path.pop();
                }
                Ok(Value::tuple(r))
            }
            Value::Dict(items) => {
                let mut r = Vec::with_capacity(items.len());
                for (i, (k, x)) in items.iter().enumerate() {
                    path.push(i);
                    r.push((k.clone(), self.make_leaves(x, lvl, path, out, span, name)?));
                    path.pop();
                }
                Ok(Value::Dict(Rc::new(r)))
            }
            _ => {
                if float_dtype(v).is_none() {
                    let d = strip(v).describe();
                    return Err(Error::type_(format!(
                        "{name} differentiates float values, but this argument is {d}"
                    ))
                    .at(span)
                    .label(At::Span(span), d)
                    .with_help("write floats (2.0, not 2) or convert with astype(x, float64)"));
                }
                let node = match self.tapes.get_mut(lvl as usize - 1) {
                    Some(t) => t.push(Node {
                        op: Op::Leaf,
                        inputs: vec![],
                        output: None,
                        parents: vec![],
                        span,
                    }),
                    None => return Ok(v.clone()),
                };
                out.push((path.clone(), node));
                Ok(Value::Traced(Rc::new(Traced {
                    level: lvl,
                    node,
                    value: v.clone(),
                })))
            }
        }
    }

    /// Gradients shaped like the differentiated arguments (zeros where unused).
    fn collect_grads(
        &mut self,
        g: &GradFn,
        pos: &[Value],
        leaves: &[Vec<(Vec<usize>, u32)>],
        grads: &[Option<Value>],
    ) -> Result<Value> {
        let mut per_arg = Vec::with_capacity(g.argnums.len());
        for (k, l) in g.argnums.iter().zip(leaves) {
            let orig = pos[*k].clone();
            per_arg.push(self.fill_grads(&orig, &mut Vec::new(), l, grads)?);
        }
        if g.tuple {
            Ok(Value::tuple(per_arg))
        } else {
            Ok(per_arg.pop().unwrap_or(Value::None))
        }
    }

    fn fill_grads(
        &mut self,
        v: &Value,
        path: &mut Vec<usize>,
        leaves: &[(Vec<usize>, u32)],
        grads: &[Option<Value>],
    ) -> Result<Value> {
        match v {
            Value::Tuple(items) => {
                let mut r = Vec::new();
                for (i, x) in items.iter().enumerate() {
                    path.push(i);
                    r.push(self.fill_grads(x, path, leaves, grads)?);
                    path.pop();
                }
                Ok(Value::tuple(r))
            }
            Value::Dict(items) => {
                let mut r = Vec::new();
                for (i, (k, x)) in items.iter().enumerate() {
                    path.push(i);
                    r.push((k.clone(), self.fill_grads(x, path, leaves, grads)?));
                    path.pop();
                }
                Ok(Value::Dict(Rc::new(r)))
            }
            _ => {
                let node = leaves.iter().find(|(p, _)| p == path).map(|(_, n)| *n);
                let g = node.and_then(|n| grads.get(n as usize).cloned().flatten());
                match g {
                    Some(g) => self.cast_like(g, v),
                    None => {
                        let plain = strip(v);
                        let (shape, dt) = match &plain {
                            Value::Array(a) => (a.shape().to_vec(), a.dtype()),
                            Value::Gpu(a) => (a.shape.clone(), a.dtype()),
                            Value::Num(s, _) => (Vec::new(), s.dtype()),
                            _ => (Vec::new(), DType::F64),
                        };
                        Ok(Value::from_array(Array::zeros(&shape, dt)?))
                    }
                }
            }
        }
    }

    /// A gradient takes its argument's shape (scalars stay scalars).
    fn cast_like(&mut self, g: Value, like: &Value) -> Result<Value> {
        let want: Vec<usize> = match strip(like) {
            Value::Array(a) => a.shape().to_vec(),
            Value::Gpu(a) => a.shape.clone(),
            _ => Vec::new(),
        };
        let have: Vec<usize> = match strip(&g) {
            Value::Array(a) => a.shape().to_vec(),
            Value::Gpu(a) => a.shape.clone(),
            _ => Vec::new(),
        };
        if want == have {
            return Ok(g);
        }
        super::backward::sum_to(self, &g, &want)
    }

    /// The backward sweep from `out` with cotangent `seed`; returns the
    /// cotangent of every node.
    pub fn backward(&mut self, lvl: u32, out: u32, seed: Value) -> Result<Vec<Option<Value>>> {
        let mut grads: Vec<Option<Value>> = vec![None; out as usize + 1];
        grads[out as usize] = Some(seed);
        for id in (0..=out as usize).rev() {
            crate::eval::check_interrupted()?;
            let Some(g) = grads[id].clone() else { continue };
            let (op, inputs, output, parents) = {
                let Some(n) = self
                    .tapes
                    .get(lvl as usize - 1)
                    .and_then(|t| t.nodes.get(id))
                else {
                    continue;
                };
                if matches!(n.op, Op::Leaf) {
                    continue;
                }
                (
                    n.op.clone(),
                    n.inputs.clone(),
                    n.output.clone(),
                    n.parents.clone(),
                )
            };
            let need: Vec<Slot> = parents.iter().map(|(s, _)| *s).collect();
            let cts = super::backward::vjp(self, &op, &inputs, output.as_ref(), &g, &need)?;
            for (slot, pid) in parents {
                let Some((_, ct)) = cts.iter().find(|(s, _)| *s == slot) else {
                    continue;
                };
                let p = pid as usize;
                grads[p] = Some(match grads[p].take() {
                    None => ct.clone(),
                    Some(prev) => self.op_binary(BinaryOp::Add, &prev, ct)?,
                });
            }
            if id != out as usize {
                grads[id] = None;
                // Leaves keep theirs: restore below.
            }
            // Keep cotangents of leaves (they were never cleared: leaves `continue` above).
        }
        Ok(grads)
    }

    /// Call a builtin by name with positional and keyword arguments (used by
    /// the gradient rules, so it records when values are traced).
    pub fn call_named(
        &mut self,
        name: &str,
        pos: Vec<Value>,
        kw: Vec<(&str, Value)>,
        span: Span,
    ) -> Result<Value> {
        let Some(b) = crate::builtins::lookup(name) else {
            return Err(Error::new(
                ErrorKind::Name,
                format!("internal: no builtin {name}"),
            ));
        };
        let spans = vec![span; pos.len()];
        let kw = kw
            .into_iter()
            .map(|(k, v)| (crate::syntax::sym::intern(k), v, span))
            .collect();
        let args = Args::bind(b, pos, spans, kw, span)?;
        self.call_builtin_args(b, args)
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
        match crate::autodiff::strip(v) {
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
