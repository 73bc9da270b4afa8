//! The `grad`-family function values: making leaves, calling `f` through
//! the evaluator's hook, and the backward sweep over the tape.

use crate::array::elementwise::BinaryOp;
use crate::array::{Array, DType, Scalar};
use crate::diagnostics::{At, Error, ErrorKind, Result, Span};
use crate::ops::tape::{unwrap_level, Node, Op, Slot, Tape};
use crate::ops::Interp;
use crate::prim::Prim;
use crate::value::{float_dtype, strip, Func, GradFn, GradKind, Traced, Value};
use std::rc::Rc;

impl Interp {
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
        let out = (self.hooks.call)(self, &g.f, pos.to_vec(), pos_spans.to_vec(), kw, span, span)?;
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
                // Numbers have shape () and one element.
                let ok_shape = plain
                    .shape()
                    .is_some_and(|s| s.iter().product::<usize>() == 1);
                if !ok_shape {
                    return Err(shape_err(plain.describe(), "reduce the result to one number, e.g. sum(...) or mean(...); use jacobian(f) for array outputs"));
                }
                let Some(dt) = float_dtype(&plain) else {
                    return Err(shape_err(plain.describe(), "integer and boolean results carry no gradient: compute with floats (write 1.0, not 1)"));
                };
                let seed = Value::Num(Scalar::F64(1.0).cast(dt), false);
                let seed = match plain.shape() {
                    Some(s) if !s.is_empty() => {
                        Value::Array(Array::full(&s, Scalar::F64(1.0), dt)?)
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
                let oshape: Vec<usize> = plain.shape().unwrap_or_default();
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
                let x = strip(&pos[g.argnums[0]]);
                let xshape: Vec<usize> = match x.shape() {
                    Some(s) => s,
                    None => {
                        let other = x;
                        return Err(Error::type_(format!(
                            "jacobian needs an array argument, got {}",
                            other.describe()
                        ))
                        .at(span));
                    }
                };
                if n == 0 {
                    let mut s = oshape.clone();
                    s.extend(&xshape);
                    return Ok(Value::from_array(Array::zeros(&s, dt)?));
                }
                let stacked =
                    self.call_prim(Prim::Stack, vec![Value::tuple(rows)], vec![], span)?;
                let mut s = oshape.clone();
                s.extend(&xshape);
                let shape_v = Value::tuple(s.iter().map(|&d| Value::int(d as i64)).collect());
                self.call_prim(Prim::Reshape, vec![stacked, shape_v], vec![], span)
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
                        let (shape, dt) = match (plain.storage(), &plain) {
                            (Some(st), _) => (st.shape().to_vec(), st.dtype()),
                            (None, Value::Num(s, _)) => (Vec::new(), s.dtype()),
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
        let want: Vec<usize> = strip(like).shape().unwrap_or_default();
        let have: Vec<usize> = strip(&g).shape().unwrap_or_default();
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
            crate::interrupt::check_interrupted()?;
            let Some(g) = grads[id].clone() else { continue };
            let (op, inputs, output, parents, span) = {
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
                    n.span,
                )
            };
            let need: Vec<Slot> = parents.iter().map(|(s, _)| *s).collect();
            let cts = super::backward::vjp(self, &op, &inputs, output.as_ref(), &g, &need)?;
            for (slot, pid) in parents {
                // Every traced input must get its cotangent: a rule that
                // forgets one is an error here, never a silent zero.
                let Some((_, ct)) = cts.iter().find(|(s, _)| *s == slot) else {
                    return Err(missing_cotangent(&op, slot).at(span));
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
}

/// The error for a rule that returned no cotangent for a traced input.
fn missing_cotangent(op: &Op, slot: Slot) -> Error {
    let what = match op {
        Op::Builtin(p) => format!("{}()", p.name()),
        Op::Part(p, k) => format!("item {k} of {}()", p.name()),
        Op::Unary(u) => format!("`{}`", u.name()),
        Op::Binary(b) => format!("`{}`", b.name()),
        Op::MatMul => "`@`".to_string(),
        Op::Index(_) => "indexing".to_string(),
        Op::SetIndex(_) => "index assignment".to_string(),
        Op::Leaf => "a leaf".to_string(),
    };
    let arg = match slot.item {
        Some(k) => format!("item {k} of argument {}", slot.arg + 1),
        None => format!("argument {}", slot.arg + 1),
    };
    Error::new(
        ErrorKind::Type,
        format!("grad: {what} has no gradient with respect to its {arg}"),
    )
    .with_help("grad refuses rather than treat it as zero: compute that argument outside the differentiated function and pass it in as a plain value")
}
