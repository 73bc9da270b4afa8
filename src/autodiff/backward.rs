//! One gradient rule per primitive (vector-Jacobian products), written with
//! ordinary arr operations so higher-order gradients record themselves.
//! `g` is the cotangent of the op's output; each rule returns the cotangent
//! of every input slot in `need`.

use crate::array::elementwise::{BinaryOp as B, UnaryOp as U};
use crate::array::index::IndexItem;
use crate::array::{norm_axis, Array, DType, Scalar};
use crate::diagnostics::{Error, Result, Span};
use crate::ops::props::{self, Fusion};
use crate::ops::tape::{Op, Slot};
use crate::ops::Interp;
use crate::prim::{Prim, Prim as P};
use crate::value::Value;
use crate::value::{float_dtype, level_of, strip};
use std::rc::Rc;

mod parts;

/// Does the builtin called `name` have a gradient rule here (by
/// `ops::props::derivative`)?
pub fn has_rule(name: &str) -> bool {
    Prim::from_name(name).is_some_and(|p| props::derivative(p) == props::Derivative::Rule)
}

const S0: Slot = Slot { arg: 0, item: None };
const S1: Slot = Slot { arg: 1, item: None };
const S2: Slot = Slot { arg: 2, item: None };

fn num(v: f64) -> Value {
    Value::Num(Scalar::F64(v), true)
}

fn shape_of(v: &Value) -> Vec<usize> {
    v.shape().unwrap_or_default()
}

fn shape_val(s: &[usize]) -> Value {
    Value::tuple(s.iter().map(|&d| Value::int(d as i64)).collect())
}

fn ints(v: &[i64]) -> Value {
    Value::tuple(v.iter().map(|&d| Value::int(d)).collect())
}

struct R<'a> {
    it: &'a mut Interp,
}

impl R<'_> {
    fn b(&mut self, op: B, x: &Value, y: &Value) -> Result<Value> {
        self.it.op_binary(op, x, y)
    }
    fn mul(&mut self, x: &Value, y: &Value) -> Result<Value> {
        self.b(B::Mul, x, y)
    }
    fn div(&mut self, x: &Value, y: &Value) -> Result<Value> {
        self.b(B::Div, x, y)
    }
    fn add(&mut self, x: &Value, y: &Value) -> Result<Value> {
        self.b(B::Add, x, y)
    }
    fn sub(&mut self, x: &Value, y: &Value) -> Result<Value> {
        self.b(B::Sub, x, y)
    }
    fn u(&mut self, op: U, x: &Value) -> Result<Value> {
        self.it.op_unary(op, x)
    }
    fn call(&mut self, p: Prim, pos: Vec<Value>, kw: Vec<(&str, Value)>) -> Result<Value> {
        self.it.call_prim(p, pos, kw, Span::default())
    }
    /// A 0/1 float mask from a comparison (no gradient flows through it).
    fn mask(&mut self, op: B, x: &Value, y: &Value, like: &Value) -> Result<Value> {
        let m = self.b(op, &strip(x), &strip(y))?;
        let dt = float_dtype(like).unwrap_or(DType::F64);
        self.call(Prim::Astype, vec![m, Value::DType(dt)], vec![])
    }
    fn sum_to(&mut self, g: &Value, shape: &[usize]) -> Result<Value> {
        sum_to(self.it, g, shape)
    }
}

/// Sum `g` down to `shape` (undo broadcasting).
pub fn sum_to(it: &mut Interp, g: &Value, shape: &[usize]) -> Result<Value> {
    let gs = shape_of(g);
    if gs == shape {
        return Ok(g.clone());
    }
    if shape.is_empty() {
        return it.call_prim(Prim::Sum, vec![g.clone()], vec![], Span::default());
    }
    let lead = gs.len().saturating_sub(shape.len());
    let mut axes: Vec<i64> = (0..lead as i64).collect();
    for (i, &d) in shape.iter().enumerate() {
        if d == 1 && gs.get(lead + i).copied().unwrap_or(1) != 1 {
            axes.push((lead + i) as i64);
        }
    }
    let s = it.call_prim(
        Prim::Sum,
        vec![g.clone()],
        vec![("axis", ints(&axes)), ("keepdims", Value::bool(true))],
        Span::default(),
    )?;
    it.call_prim(
        Prim::Reshape,
        vec![s, shape_val(shape)],
        vec![],
        Span::default(),
    )
}

/// The axes a reduction's `axis` argument names, normalized (`None`: all
/// `nd` of them). The forward call accepted only an int or a tuple of ints,
/// so anything else here is an error, not a guess.
fn reduced_axes(axis: &Option<Value>, nd: usize) -> Result<Vec<usize>> {
    let one = |v: &Value| match crate::value::as_scalar(v) {
        Some(Scalar::I64(i)) => norm_axis(i, nd),
        _ => Err(Error::type_(format!(
            "axis must be an int or a tuple of ints, got {}",
            v.describe()
        ))),
    };
    match axis {
        None | Some(Value::None) => Ok((0..nd).collect()),
        Some(Value::Tuple(t)) => t.iter().map(one).collect(),
        Some(v) => Ok(vec![one(v)?]),
    }
}

/// Bring a reduced cotangent back to the input's shape.
fn expand_back(
    r: &mut R,
    g: &Value,
    in_shape: &[usize],
    axis: &Option<Value>,
    keepdims: bool,
) -> Result<Value> {
    let nd = in_shape.len();
    let axes = reduced_axes(axis, nd)?;
    let g = if keepdims {
        g.clone()
    } else {
        let kept: Vec<usize> = (0..nd)
            .map(|i| if axes.contains(&i) { 1 } else { in_shape[i] })
            .collect();
        r.call(Prim::Reshape, vec![g.clone(), shape_val(&kept)], vec![])?
    };
    r.call(Prim::BroadcastTo, vec![g, shape_val(in_shape)], vec![])
}

/// The number of elements a reduction over `axis` combines into each output.
fn count(in_shape: &[usize], axis: &Option<Value>) -> Result<f64> {
    Ok(reduced_axes(axis, in_shape.len())?
        .iter()
        .map(|&i| in_shape[i] as f64)
        .product())
}

fn kw_bool(v: &Option<Value>) -> bool {
    matches!(v, Some(Value::Num(s, _)) if s.as_bool())
}

/// The cotangents of an op's inputs.
pub fn vjp(
    it: &mut Interp,
    op: &Op,
    inputs: &[Option<Value>],
    out: Option<&Value>,
    g: &Value,
    need: &[Slot],
) -> Result<Vec<(Slot, Value)>> {
    let r = &mut R { it };
    let inp = |i: usize| inputs.get(i).cloned().flatten().unwrap_or(Value::None);
    let wants = |s: Slot| need.contains(&s);
    let mut res: Vec<(Slot, Value)> = Vec::new();
    match op {
        Op::Leaf => {}
        Op::Binary(bop) => {
            let (a, b) = (inp(0), inp(1));
            let (sa, sb) = (shape_of(&a), shape_of(&b));
            let (ga, gb): (Option<Value>, Option<Value>) = match bop {
                // d(a+b): ga = g, gb = g
                B::Add => (Some(g.clone()), Some(g.clone())),
                // d(a-b): ga = g, gb = -g
                B::Sub => (
                    Some(g.clone()),
                    if wants(S1) {
                        Some(r.u(U::Neg, g)?)
                    } else {
                        None
                    },
                ),
                // d(a*b): ga = g*b, gb = g*a
                B::Mul => (
                    if wants(S0) { Some(r.mul(g, &b)?) } else { None },
                    if wants(S1) { Some(r.mul(g, &a)?) } else { None },
                ),
                // d(a/b): ga = g/b, gb = -g*a/b²
                B::Div => {
                    let ga = if wants(S0) { Some(r.div(g, &b)?) } else { None };
                    let gb = if wants(S1) {
                        let b2 = r.mul(&b, &b)?;
                        let t = r.mul(g, &a)?;
                        let t = r.div(&t, &b2)?;
                        Some(r.u(U::Neg, &t)?)
                    } else {
                        None
                    };
                    (ga, gb)
                }
                // d(a**b): ga = g*b*a**(b-1), gb = g*a**b*log(a)
                B::Pow => {
                    let ga = if wants(S0) {
                        let bm1 = r.sub(&b, &num(1.0))?;
                        let p = r.b(B::Pow, &a, &bm1)?;
                        let t = r.mul(&b, &p)?;
                        Some(r.mul(g, &t)?)
                    } else {
                        None
                    };
                    let gb = if wants(S1) {
                        let o = r.b(B::Pow, &a, &b)?;
                        let l = r.u(U::Log, &a)?;
                        let t = r.mul(&o, &l)?;
                        Some(r.mul(g, &t)?)
                    } else {
                        None
                    };
                    (ga, gb)
                }
                // Ties go to the first operand.
                B::Maximum | B::Minimum => {
                    let (ca, cb) = if *bop == B::Maximum {
                        (B::Ge, B::Lt)
                    } else {
                        (B::Le, B::Gt)
                    };
                    let ga = if wants(S0) {
                        let m = r.mask(ca, &a, &b, g)?;
                        Some(r.mul(g, &m)?)
                    } else {
                        None
                    };
                    let gb = if wants(S1) {
                        let m = r.mask(cb, &a, &b, g)?;
                        Some(r.mul(g, &m)?)
                    } else {
                        None
                    };
                    (ga, gb)
                }
                // d atan2(a, b): ga = g*b/(a²+b²), gb = -g*a/(a²+b²)
                B::Arctan2 => {
                    let a2 = r.mul(&a, &a)?;
                    let b2 = r.mul(&b, &b)?;
                    let den = r.add(&a2, &b2)?;
                    let ga = if wants(S0) {
                        let t = r.mul(g, &b)?;
                        Some(r.div(&t, &den)?)
                    } else {
                        None
                    };
                    let gb = if wants(S1) {
                        let t = r.mul(g, &a)?;
                        let t = r.div(&t, &den)?;
                        Some(r.u(U::Neg, &t)?)
                    } else {
                        None
                    };
                    (ga, gb)
                }
                // d(a mod b): ga = g, gb = -g*floor(a/b)
                B::Mod => {
                    let gb = if wants(S1) {
                        let q = r.b(B::FloorDiv, &strip(&a), &strip(&b))?;
                        let t = r.mul(g, &q)?;
                        Some(r.u(U::Neg, &t)?)
                    } else {
                        None
                    };
                    (Some(g.clone()), gb)
                }
                // Piecewise constant: no gradient.
                B::FloorDiv => (Some(r.mul(g, &num(0.0))?), Some(r.mul(g, &num(0.0))?)),
                B::BitAnd | B::BitOr | B::Eq | B::Ne | B::Lt | B::Le | B::Gt | B::Ge => {
                    (None, None)
                }
            };
            if let (Some(x), true) = (ga, wants(S0)) {
                res.push((S0, r.sum_to(&x, &sa)?));
            }
            if let (Some(x), true) = (gb, wants(S1)) {
                res.push((S1, r.sum_to(&x, &sb)?));
            }
        }
        Op::Unary(u) => {
            let a = inp(0);
            let o = out.cloned().unwrap_or(Value::None);
            res.push((S0, unary_rule(r, *u, &a, &o, g)?));
        }
        Op::MatMul => {
            let (ga, gb) = matmul_rule(r, &inp(0), &inp(1), g, wants(S0), wants(S1))?;
            if let Some(x) = ga {
                res.push((S0, x));
            }
            if let Some(x) = gb {
                res.push((S1, x));
            }
        }
        Op::Index(items) => {
            let a = inp(0);
            res.push((S0, scatter_add(r, &a, items, g)?));
        }
        Op::SetIndex(items) => {
            let v = inp(1);
            if wants(S0) {
                // d(a with a[idx] = v)/da: g with the written positions zeroed.
                let zero = Value::Num(Scalar::F64(0.0), true);
                let ga = r.it.op_setindex(g.clone(), items, &zero)?;
                res.push((S0, ga));
            }
            if wants(S1) {
                let gv = r.it.op_index(g, items)?;
                // With repeated indices the last write wins: only it gets
                // the cotangent of its position, the earlier ones none.
                let gv = match last_writes(&shape_of(g), &shape_of(&gv), items)? {
                    Some(mask) => {
                        let zero = Value::Num(Scalar::F64(0.0), true);
                        r.call(Prim::Where, vec![Value::from_array(mask), gv, zero], vec![])?
                    }
                    None => gv,
                };
                res.push((S1, r.sum_to(&gv, &shape_of(&v))?));
            }
        }
        Op::Builtin(b) => builtin_rule(r, *b, inputs, out, g, need, &mut res)?,
        Op::Part(b, k) => {
            let outs: Vec<Value> = match out {
                Some(Value::Tuple(xs)) => xs.iter().cloned().collect(),
                _ => Vec::new(),
            };
            parts::part_rule(r, *b, *k, inputs, &outs, g, need, &mut res)?
        }
    }
    Ok(res)
}

/// For `a[items] = v` with index arrays: a mask over the written region
/// that is true where that write is the one left in `a` (NumPy keeps the
/// last of repeated indices). `None` when no position can repeat.
fn last_writes(ashape: &[usize], wshape: &[usize], items: &[IndexItem]) -> Result<Option<Array>> {
    if !items.iter().any(|i| matches!(i, IndexItem::Array(_))) {
        return Ok(None);
    }
    let n: usize = wshape.iter().product();
    let ids = Array::from_vec(wshape, (0..n).map(|i| i as f64).collect::<Vec<f64>>());
    let mut scratch = Array::full(ashape, Scalar::F64(-1.0), DType::F64)?;
    crate::array::index::set(&mut scratch, items, &ids)?;
    let back = crate::array::index::get(&scratch, items)?.to_f64_vec();
    let keep: Vec<bool> = back.iter().zip(0..n).map(|(b, i)| *b == i as f64).collect();
    if keep.iter().all(|k| *k) {
        return Ok(None);
    }
    Ok(Some(Array::from_vec(wshape, keep)))
}

/// `g` gathered along `axis` at `idx` (NumPy's `take_along_axis`), as an
/// index operation, so it records when `g` is traced.
fn take_along(r: &mut R, g: &Value, idx: &Array, axis: usize) -> Result<Value> {
    let shape = idx.shape().to_vec();
    let nd = shape.len();
    let mut items = Vec::with_capacity(nd);
    for (d, &n) in shape.iter().enumerate() {
        if d == axis {
            items.push(IndexItem::Array(idx.clone()));
        } else {
            let mut s = vec![1usize; nd];
            s[d] = n;
            items.push(IndexItem::Array(Array::from_vec(
                &s,
                (0..n as i64).collect::<Vec<i64>>(),
            )));
        }
    }
    r.it.op_index(g, &Rc::new(items))
}

/// `argsort` of a plain value along `axis`, as an int64 array.
fn argsort_of(r: &mut R, x: &Value, axis: usize) -> Result<Array> {
    let v = r.call(
        Prim::Argsort,
        vec![strip(x), Value::int(axis as i64)],
        vec![],
    )?;
    crate::value::value_to_array(&v).ok_or_else(|| Error::value("internal: argsort gave no array"))
}

/// The position of each element in its sorted slice along `axis`: with
/// `take_along(gs, ranks, axis)` a cotangent of the sorted values goes back
/// to the original order.
fn sort_ranks(r: &mut R, x: &Value, axis: usize) -> Result<Array> {
    let perm = argsort_of(r, x, axis)?;
    argsort_of(r, &Value::from_array(perm), axis)
}

/// An integer axis argument (`None` when not given or `none`).
fn int_axis(v: &Option<Value>, nd: usize) -> Result<Option<usize>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(x) => match crate::value::as_scalar(x) {
            Some(s) => norm_axis(s.as_i64(), nd).map(Some),
            None => Err(Error::value(
                "grad supports one integer axis here, not a tuple of axes",
            )),
        },
    }
}

/// The cotangent of `quantile(a, q, axis)` (NumPy's linear method): each
/// output is (1 - w) s[lo] + w s[hi] of the sorted slice `s`.
fn quantile_rule(
    r: &mut R,
    a: &Value,
    q: f64,
    axis: &Option<Value>,
    keep: bool,
    g: &Value,
) -> Result<Value> {
    let sa = shape_of(a);
    let (x, ax) = match int_axis(axis, sa.len())? {
        Some(ax) => (strip(a), ax),
        None => (r.call(Prim::Flatten, vec![strip(a)], vec![])?, 0),
    };
    let xs = shape_of(&x);
    let n = xs[ax];
    let pos = q * (n.max(1) - 1) as f64;
    let lo = (pos.floor() as usize).min(n.saturating_sub(1));
    let hi = (lo + 1).min(n.saturating_sub(1));
    let w = pos - lo as f64;
    let mut wv = vec![0.0f64; n];
    wv[lo] += 1.0 - w;
    wv[hi] += w;
    let mut ws = vec![1usize; xs.len()];
    ws[ax] = n;
    let wv = Value::from_array(Array::from_vec(&ws, wv));
    // g with a length-1 axis where the reduced one was.
    let mut gshape = xs.clone();
    gshape[ax] = 1;
    let ge = if keep && int_axis(axis, sa.len())?.is_some() {
        g.clone()
    } else {
        r.call(Prim::Reshape, vec![g.clone(), shape_val(&gshape)], vec![])?
    };
    let gs = r.mul(&ge, &wv)?;
    let ranks = sort_ranks(r, &x, ax)?;
    let ga = take_along(r, &gs, &ranks, ax)?;
    r.call(Prim::Reshape, vec![ga, shape_val(&sa)], vec![])
}

/// An integer or a tuple of integers (a shape, `reps`).
fn int_list(v: &Option<Value>) -> Result<Vec<i64>> {
    match v {
        Some(Value::Num(s, _)) => Ok(vec![s.as_i64()]),
        Some(Value::Tuple(t)) => t
            .iter()
            .map(|x| {
                crate::value::as_scalar(x)
                    .map(|s| s.as_i64())
                    .ok_or_else(|| Error::value("expected integers"))
            })
            .collect(),
        Some(other) => match crate::value::value_to_array(other) {
            Some(a) => Ok(a.to_i64_vec()),
            None => Err(Error::value("expected integers")),
        },
        None => Err(Error::value("expected integers")),
    }
}

/// `x` along `axis` at the integer positions `idx` (a 1-d gather).
fn gather_axis(r: &mut R, x: &Value, idx: Vec<i64>, axis: usize) -> Result<Value> {
    let nd = shape_of(x).len();
    let mut items: Vec<IndexItem> = (0..nd)
        .map(|_| IndexItem::Slice {
            start: None,
            stop: None,
            step: None,
        })
        .collect();
    let n = idx.len();
    items[axis] = IndexItem::Array(Array::from_vec(&[n], idx));
    r.it.op_index(x, &Rc::new(items))
}

fn unary_rule(r: &mut R, u: U, a: &Value, o: &Value, g: &Value) -> Result<Value> {
    Ok(match u {
        U::Neg => r.u(U::Neg, g)?,
        U::Pos => g.clone(),
        // d|a| = sign(a)
        U::Abs => {
            let s = r.u(U::Sign, &strip(a))?;
            r.mul(g, &s)?
        }
        // d sqrt(a) = 1/(2 sqrt(a))
        U::Sqrt => {
            let t = r.mul(o, &num(2.0))?;
            r.div(g, &t)?
        }
        U::Exp => r.mul(g, o)?,
        U::Log => r.div(g, a)?,
        U::Log2 => {
            let t = r.mul(a, &num(std::f64::consts::LN_2))?;
            r.div(g, &t)?
        }
        U::Log10 => {
            let t = r.mul(a, &num(std::f64::consts::LN_10))?;
            r.div(g, &t)?
        }
        U::Log1p => {
            let t = r.add(a, &num(1.0))?;
            r.div(g, &t)?
        }
        U::Expm1 => {
            let t = r.add(o, &num(1.0))?;
            r.mul(g, &t)?
        }
        U::Sin => {
            let c = r.u(U::Cos, a)?;
            r.mul(g, &c)?
        }
        U::Cos => {
            let s = r.u(U::Sin, a)?;
            let t = r.mul(g, &s)?;
            r.u(U::Neg, &t)?
        }
        // d tan = 1 + tan²
        U::Tan => {
            let t = r.mul(o, o)?;
            let t = r.add(&t, &num(1.0))?;
            r.mul(g, &t)?
        }
        // d asin = 1/sqrt(1-a²), d acos = -that
        U::Arcsin | U::Arccos => {
            let a2 = r.mul(a, a)?;
            let t = r.b(B::Sub, &num(1.0), &a2)?;
            let t = r.u(U::Sqrt, &t)?;
            let d = r.div(g, &t)?;
            if u == U::Arccos {
                r.u(U::Neg, &d)?
            } else {
                d
            }
        }
        U::Arctan => {
            let a2 = r.mul(a, a)?;
            let t = r.add(&a2, &num(1.0))?;
            r.div(g, &t)?
        }
        U::Sinh => {
            let c = r.u(U::Cosh, a)?;
            r.mul(g, &c)?
        }
        U::Cosh => {
            let s = r.u(U::Sinh, a)?;
            r.mul(g, &s)?
        }
        // d tanh = 1 - tanh²
        U::Tanh => {
            let t = r.mul(o, o)?;
            let t = r.b(B::Sub, &num(1.0), &t)?;
            r.mul(g, &t)?
        }
        // Piecewise constant functions have zero gradient.
        U::Floor | U::Ceil | U::Round | U::Trunc | U::Sign => r.mul(g, &num(0.0))?,
        U::Invert | U::IsNan | U::IsInf | U::IsFinite => r.mul(g, &num(0.0))?,
    })
}

/// d(a @ b): ga = g @ bᵀ, gb = aᵀ @ g (1-d operands promoted, batch dims summed).
fn matmul_rule(
    r: &mut R,
    a: &Value,
    b: &Value,
    g: &Value,
    wa: bool,
    wb: bool,
) -> Result<(Option<Value>, Option<Value>)> {
    let (sa, sb) = (shape_of(a), shape_of(b));
    let a2 = if sa.len() == 1 {
        r.call(
            Prim::Reshape,
            vec![a.clone(), shape_val(&[1, sa[0]])],
            vec![],
        )?
    } else {
        a.clone()
    };
    let b2 = if sb.len() == 1 {
        r.call(
            Prim::Reshape,
            vec![b.clone(), shape_val(&[sb[0], 1])],
            vec![],
        )?
    } else {
        b.clone()
    };
    let (sa2, sb2) = (shape_of(&a2), shape_of(&b2));
    let mut gshape = shape_of(g);
    if sa.len() == 1 {
        gshape.insert(
            gshape
                .len()
                .saturating_sub(if sb.len() == 1 { 0 } else { 1 }),
            1,
        );
    }
    if sb.len() == 1 {
        gshape.push(1);
    }
    let g2 = r.call(Prim::Reshape, vec![g.clone(), shape_val(&gshape)], vec![])?;
    let swap = |r: &mut R, x: &Value| -> Result<Value> {
        let n = shape_of(x).len();
        let mut perm: Vec<i64> = (0..n as i64).collect();
        perm.swap(n - 2, n - 1);
        r.call(Prim::Transpose, vec![x.clone(), ints(&perm)], vec![])
    };
    let ga = if wa {
        let bt = swap(r, &b2)?;
        let x = r.it.op_matmul(&g2, &bt)?;
        let x = r.sum_to(&x, &sa2)?;
        Some(r.call(Prim::Reshape, vec![x, shape_val(&sa)], vec![])?)
    } else {
        None
    };
    let gb = if wb {
        let at = swap(r, &a2)?;
        let x = r.it.op_matmul(&at, &g2)?;
        let x = r.sum_to(&x, &sb2)?;
        Some(r.call(Prim::Reshape, vec![x, shape_val(&sb)], vec![])?)
    } else {
        None
    };
    Ok((ga, gb))
}

/// The cotangent of `a[idx]` flows back into zeros shaped like `a`, adding
/// where an index repeats.
fn scatter_add(r: &mut R, a: &Value, items: &Rc<Vec<IndexItem>>, g: &Value) -> Result<Value> {
    let shape = shape_of(a);
    let n: usize = shape.iter().product();
    let pos = Array::from_vec(&shape, (0..n as i64).collect::<Vec<i64>>());
    let sel = crate::array::index::get(&pos, items)?;
    let dt = float_dtype(a).unwrap_or(DType::F64);
    Ok(r.it.record_scatter(g, sel, shape, dt)?)
}

impl Interp {
    /// out = zeros(shape); out.flat[sel] += g — recorded so that gradients of
    /// gradients flow (its own rule gathers: d/dg = take(g', sel)).
    pub fn record_scatter(
        &mut self,
        g: &Value,
        sel: Array,
        shape: Vec<usize>,
        dt: DType,
    ) -> Result<Value> {
        let sel_v = Value::Array(sel.clone());
        let lvl = level_of(g);
        if lvl == 0 {
            let gv = crate::value::value_to_array(g)
                .ok_or_else(|| Error::type_("internal: scatter of a non-array"))?;
            let gb = crate::array::broadcast_to(&gv, sel.shape())?.to_f64_vec();
            let idx = sel.to_i64_vec();
            let n: usize = shape.iter().product();
            let mut out = vec![0.0f64; n];
            for (k, &i) in idx.iter().enumerate() {
                if let Some(o) = out.get_mut(i as usize) {
                    *o += gb[k];
                }
            }
            return Ok(Value::from_array(Array::from_vec(&shape, out).astype(dt)));
        }
        // Traced cotangent (higher order): express as a differentiable
        // composition: gather-transpose via a one-hot matmul would be costly;
        // instead record the scatter as indexing of a flattened view.
        let flat_sel = sel.reshape(&[sel.len()])?;
        let gflat = self.call_prim(
            Prim::Reshape,
            vec![g.clone(), Value::tuple(vec![Value::int(sel.len() as i64)])],
            vec![],
            Span::default(),
        )?;
        let n: usize = shape.iter().product();
        let zeros = Value::from_array(Array::zeros(&[n], dt)?);
        // Accumulate one position at a time only for repeated indices; the
        // common case (distinct indices) is a single set.
        let idx = flat_sel.to_i64_vec();
        let mut seen = std::collections::HashSet::new();
        let distinct = idx.iter().all(|i| seen.insert(*i));
        let out = if distinct {
            let items = Rc::new(vec![IndexItem::Array(flat_sel)]);
            self.op_setindex(zeros, &items, &gflat)?
        } else {
            let mut acc = zeros;
            for (k, &i) in idx.iter().enumerate() {
                let gi = self.op_index(&gflat, &Rc::new(vec![IndexItem::Int(k as i64)]))?;
                let cur = self.op_index(&acc, &Rc::new(vec![IndexItem::Int(i)]))?;
                let s = self.op_binary(B::Add, &cur, &gi)?;
                acc = self.op_setindex(acc, &Rc::new(vec![IndexItem::Int(i)]), &s)?;
            }
            acc
        };
        let _ = sel_v;
        self.call_prim(
            Prim::Reshape,
            vec![out, shape_val(&shape)],
            vec![],
            Span::default(),
        )
    }
}

fn builtin_rule(
    r: &mut R,
    name: Prim,
    inputs: &[Option<Value>],
    out: Option<&Value>,
    g: &Value,
    need: &[Slot],
    res: &mut Vec<(Slot, Value)>,
) -> Result<()> {
    let inp = |i: usize| inputs.get(i).cloned().flatten();
    let a = inp(0).unwrap_or(Value::None);
    let sa = shape_of(&a);
    let o = out.cloned().unwrap_or(Value::None);
    let wants = |s: Slot| need.contains(&s);
    if let Fusion::Map(u) = props::fusion(name) {
        let x = unary_rule(r, u, &a, &o, g)?;
        res.push((S0, r.sum_to(&x, &sa)?));
        return Ok(());
    }
    match name {
        P::Maximum | P::Minimum | P::Arctan2 => {
            let op = match name {
                P::Maximum => B::Maximum,
                P::Minimum => B::Minimum,
                _ => B::Arctan2,
            };
            let v = vjp(r.it, &Op::Binary(op), inputs, out, g, need)?;
            res.extend(v);
        }
        // clip(x, lo, hi): g passes where lo <= x <= hi.
        P::Clip => {
            let mut pass = g.clone();
            if let Some(lo) = inp(1).filter(|v| !matches!(v, Value::None)) {
                let m = r.mask(B::Ge, &a, &lo, g)?;
                if wants(S1) {
                    let mlo = r.mask(B::Lt, &a, &lo, g)?;
                    let t = r.mul(g, &mlo)?;
                    res.push((S1, r.sum_to(&t, &shape_of(&lo))?));
                }
                pass = r.mul(&pass, &m)?;
            }
            if let Some(hi) = inp(2).filter(|v| !matches!(v, Value::None)) {
                let m = r.mask(B::Le, &a, &hi, g)?;
                if wants(S2) {
                    let mhi = r.mask(B::Gt, &a, &hi, g)?;
                    let t = r.mul(g, &mhi)?;
                    res.push((S2, r.sum_to(&t, &shape_of(&hi))?));
                }
                pass = r.mul(&pass, &m)?;
            }
            res.push((S0, r.sum_to(&pass, &sa)?));
        }
        // where(c, x, y): gx = g where c, gy = g elsewhere.
        P::Where => {
            let c = strip(&a);
            let zero = num(0.0);
            if wants(S1) {
                let t = r.call(
                    Prim::Where,
                    vec![c.clone(), g.clone(), zero.clone()],
                    vec![],
                )?;
                res.push((S1, r.sum_to(&t, &shape_of(&inp(1).unwrap_or(Value::None)))?));
            }
            if wants(S2) {
                let t = r.call(Prim::Where, vec![c, zero, g.clone()], vec![])?;
                res.push((S2, r.sum_to(&t, &shape_of(&inp(2).unwrap_or(Value::None)))?));
            }
        }
        P::Sum => {
            let x = expand_back(r, g, &sa, &inp(1), kw_bool(&inp(2)))?;
            res.push((S0, x));
        }
        P::Mean => {
            let n = count(&sa, &inp(1))?;
            let x = expand_back(r, g, &sa, &inp(1), kw_bool(&inp(2)))?;
            res.push((S0, r.div(&x, &num(n))?));
        }
        // d prod / d a_i = the product of the other elements of a_i's
        // slice: prod / a_i without zeros; with one zero only the zero's
        // entry is nonzero (the product of the rest); with two, none is.
        P::Prod => {
            let ge = expand_back(r, g, &sa, &inp(1), kw_bool(&inp(2)))?;
            let mut kw = vec![("keepdims", Value::bool(true))];
            if let Some(ax) = inp(1) {
                kw.push(("axis", ax));
            }
            let plain = strip(&a);
            let zero = r.b(B::Eq, &plain, &num(0.0))?;
            let zeros = r.call(Prim::Sum, vec![zero.clone()], kw.clone())?;
            let safe = r.call(Prim::Where, vec![zero.clone(), num(1.0), a.clone()], vec![])?;
            let rest = r.call(Prim::Prod, vec![safe.clone()], kw)?;
            let none = r.b(B::Eq, &zeros, &num(0.0))?;
            let one = r.b(B::Eq, &zeros, &num(1.0))?;
            let others = r.div(&rest, &safe)?;
            let at_zero = r.call(Prim::Where, vec![one, rest, num(0.0)], vec![])?;
            let at_zero = r.call(Prim::Where, vec![zero, at_zero, num(0.0)], vec![])?;
            let d = r.call(Prim::Where, vec![none, others, at_zero], vec![])?;
            res.push((S0, r.mul(&ge, &d)?));
        }
        // d var = 2 (a - mean) / (n - ddof); d std = (a - mean) / ((n - ddof) std)
        P::Var | P::Std => {
            let n = count(&sa, &inp(1))?;
            let ddof = inp(3)
                .and_then(|v| crate::value::as_scalar(&v))
                .map(|s| s.as_f64())
                .unwrap_or(0.0);
            let mut kw = vec![("keepdims", Value::bool(true))];
            if let Some(ax) = inp(1) {
                kw.push(("axis", ax));
            }
            let m = r.call(Prim::Mean, vec![a.clone()], kw)?;
            let d = r.sub(&a, &m)?;
            let ge = expand_back(r, g, &sa, &inp(1), kw_bool(&inp(2)))?;
            let t = r.mul(&ge, &d)?;
            let x = if name == P::Var {
                r.mul(&t, &num(2.0 / (n - ddof)))?
            } else {
                let oe = expand_back(r, &o, &sa, &inp(1), kw_bool(&inp(2)))?;
                let t = r.div(&t, &oe)?;
                r.div(&t, &num(n - ddof))?
            };
            res.push((S0, x));
        }
        // Ties share the gradient equally.
        P::Min | P::Max => {
            let oe = expand_back(r, &o, &sa, &inp(1), kw_bool(&inp(2)))?;
            let m = r.mask(B::Eq, &a, &oe, g)?;
            let mut kw = vec![("keepdims", Value::bool(true))];
            if let Some(ax) = inp(1) {
                kw.push(("axis", ax));
            }
            let cnt = r.call(Prim::Sum, vec![m.clone()], kw)?;
            let ge = expand_back(r, g, &sa, &inp(1), kw_bool(&inp(2)))?;
            let t = r.mul(&ge, &m)?;
            res.push((S0, r.div(&t, &cnt)?));
        }
        // d cumsum: reversed cumsum of g.
        P::Cumsum => {
            let ax = inp(1).filter(|v| !matches!(v, Value::None));
            let x = match ax {
                Some(ax) => {
                    let f = r.call(Prim::Flip, vec![g.clone(), ax.clone()], vec![])?;
                    let c = r.call(Prim::Cumsum, vec![f, ax.clone()], vec![])?;
                    r.call(Prim::Flip, vec![c, ax], vec![])?
                }
                None => {
                    let f = r.call(Prim::Flip, vec![g.clone()], vec![])?;
                    let c = r.call(Prim::Cumsum, vec![f], vec![])?;
                    let c = r.call(Prim::Flip, vec![c], vec![])?;
                    r.call(Prim::Reshape, vec![c, shape_val(&sa)], vec![])?
                }
            };
            res.push((S0, x));
        }
        P::Reshape | P::Flatten | P::Squeeze | P::ExpandDims => {
            res.push((
                S0,
                r.call(Prim::Reshape, vec![g.clone(), shape_val(&sa)], vec![])?,
            ));
        }
        P::Transpose => {
            let nd = sa.len();
            // The axes (the `*axes` rest arguments) follow the bound slots.
            let rest: Vec<Value> = inputs.iter().skip(2).flatten().cloned().collect();
            let listed: Vec<i64> = match rest.as_slice() {
                [Value::Tuple(t)] => t
                    .iter()
                    .filter_map(crate::value::as_scalar)
                    .map(|s| s.as_i64())
                    .collect(),
                [Value::Array(x)] => x.to_i64_vec(),
                vals => vals
                    .iter()
                    .filter_map(crate::value::as_scalar)
                    .map(|s| s.as_i64())
                    .collect(),
            };
            let perm: Vec<usize> = if listed.is_empty() {
                (0..nd).rev().collect()
            } else {
                listed
                    .iter()
                    .map(|&x| norm_axis(x, nd))
                    .collect::<Result<_>>()?
            };
            let mut inv = vec![0i64; nd];
            for (i, &p) in perm.iter().enumerate() {
                inv[p] = i as i64;
            }
            res.push((
                S0,
                r.call(Prim::Transpose, vec![g.clone(), ints(&inv)], vec![])?,
            ));
        }
        P::BroadcastTo => res.push((S0, r.sum_to(g, &sa)?)),
        P::Flip => {
            let mut pos = vec![g.clone()];
            if let Some(ax) = inp(1) {
                pos.push(ax);
            }
            res.push((S0, r.call(Prim::Flip, pos, vec![])?));
        }
        P::Roll => {
            let shift = inp(1).unwrap_or(Value::int(0));
            let neg = r.u(U::Neg, &shift)?;
            let mut pos = vec![g.clone(), neg];
            if let Some(ax) = inp(2) {
                pos.push(ax);
            }
            res.push((S0, r.call(Prim::Roll, pos, vec![])?));
        }
        // full(shape, fill): every element is `fill` (broadcast).
        P::Full => {
            let fill = inp(1).unwrap_or(Value::None);
            res.push((S1, r.sum_to(g, &shape_of(&fill))?));
        }
        // full_like(a, fill): `fill` everywhere; `a` gives only the shape.
        P::FullLike => {
            let fill = inp(1).unwrap_or(Value::None);
            res.push((S1, r.sum_to(g, &shape_of(&fill))?));
            if wants(S0) {
                res.push((S0, r.call(Prim::ZerosLike, vec![a.clone()], vec![])?));
            }
        }
        // linspace(start, stop, n): out[i] = start + t_i (stop - start),
        // t_i = i / (n - 1) (i / n without the endpoint), so
        // d start = sum_i g_i (1 - t_i), d stop = sum_i g_i t_i.
        P::Linspace => {
            let gs = shape_of(g);
            let n = gs.first().copied().unwrap_or(0);
            let endpoint = match inp(3).and_then(|v| crate::value::as_scalar(&v)) {
                Some(s) => s.as_bool(),
                None => true,
            };
            let div = if endpoint { n.saturating_sub(1) } else { n }.max(1) as f64;
            let mut tshape = vec![n];
            tshape.extend(std::iter::repeat_n(1, gs.len().saturating_sub(1)));
            let t: Vec<f64> = (0..n).map(|i| i as f64 / div).collect();
            let t = Value::from_array(Array::from_vec(&tshape, t));
            let gt = r.mul(g, &t)?;
            let g0 = r.call(Prim::Sum, vec![gt.clone(), Value::int(0)], vec![])?;
            if wants(S1) {
                let stop = inp(1).unwrap_or(Value::None);
                res.push((S1, r.sum_to(&g0, &shape_of(&stop))?));
            }
            if wants(S0) {
                let gsum = r.call(Prim::Sum, vec![g.clone(), Value::int(0)], vec![])?;
                let d = r.b(B::Sub, &gsum, &g0)?;
                res.push((S0, r.sum_to(&d, &sa)?));
            }
        }
        P::Concatenate | P::Stack | P::Vstack | P::Hstack => {
            // The parts: a tuple's items, or an array's rows.
            let (shapes, of_array): (Vec<Vec<usize>>, bool) = match inp(0) {
                Some(Value::Tuple(parts)) => (parts.iter().map(shape_of).collect(), false),
                Some(_) if !sa.is_empty() => (vec![sa[1..].to_vec(); sa[0]], true),
                _ => return Ok(()),
            };
            let mut pieces = Vec::with_capacity(shapes.len());
            let gs = shape_of(g);
            let axis: usize = match name {
                P::Concatenate => match inp(1) {
                    Some(Value::None) => usize::MAX,
                    Some(v) => norm_axis(
                        crate::value::as_scalar(&v).map(|s| s.as_i64()).unwrap_or(0),
                        gs.len(),
                    )?,
                    None => 0,
                },
                P::Stack => norm_axis(
                    inp(1)
                        .and_then(|v| crate::value::as_scalar(&v))
                        .map(|s| s.as_i64())
                        .unwrap_or(0),
                    gs.len(),
                )?,
                P::Vstack => 0,
                _ => {
                    if shapes.first().map(|s| s.len() <= 1).unwrap_or(true) {
                        0
                    } else {
                        1
                    }
                }
            };
            let gflat = if axis == usize::MAX {
                r.call(
                    Prim::Reshape,
                    vec![g.clone(), shape_val(&[gs.iter().product()])],
                    vec![],
                )?
            } else {
                g.clone()
            };
            let ax = if axis == usize::MAX { 0 } else { axis };
            let mut start = 0i64;
            for (k, s) in shapes.iter().enumerate() {
                let len: i64 = match name {
                    P::Stack => 1,
                    _ if axis == usize::MAX => s.iter().product::<usize>() as i64,
                    P::Vstack if s.len() <= 1 => 1,
                    _ => s.get(ax).copied().unwrap_or(1) as i64,
                };
                let gfs = shape_of(&gflat);
                let mut items: Vec<IndexItem> = (0..gfs.len())
                    .map(|_| IndexItem::Slice {
                        start: None,
                        stop: None,
                        step: None,
                    })
                    .collect();
                items[ax] = if name == P::Stack {
                    IndexItem::Int(start)
                } else {
                    IndexItem::Slice {
                        start: Some(start),
                        stop: Some(start + len),
                        step: None,
                    }
                };
                let piece = r.it.op_index(&gflat, &Rc::new(items))?;
                let piece = r.call(Prim::Reshape, vec![piece, shape_val(s)], vec![])?;
                pieces.push((k, piece));
                start += len;
            }
            if of_array {
                let rows = Value::tuple(pieces.into_iter().map(|(_, p)| p).collect());
                let whole = if sa[0] == 0 {
                    r.call(Prim::ZerosLike, vec![a.clone()], vec![])?
                } else {
                    r.call(Prim::Stack, vec![rows], vec![])?
                };
                res.push((S0, whole));
            } else {
                for (k, piece) in pieces {
                    res.push((
                        Slot {
                            arg: 0,
                            item: Some(k),
                        },
                        piece,
                    ));
                }
            }
        }
        P::Matmul | P::Dot => {
            let b = inp(1).unwrap_or(Value::None);
            if sa.is_empty() || shape_of(&b).is_empty() {
                let v = vjp(r.it, &Op::Binary(B::Mul), inputs, out, g, need)?;
                res.extend(v);
            } else {
                let (ga, gb) = matmul_rule(r, &a, &b, g, wants(S0), wants(S1))?;
                if let Some(x) = ga {
                    res.push((S0, x));
                }
                if let Some(x) = gb {
                    res.push((S1, x));
                }
            }
        }
        // outer(a, b)[i, j] = a_i b_j
        P::Outer => {
            let b = inp(1).unwrap_or(Value::None);
            let (fa, fb) = (
                r.call(Prim::Flatten, vec![a.clone()], vec![])?,
                r.call(Prim::Flatten, vec![b.clone()], vec![])?,
            );
            if wants(S0) {
                let x = r.it.op_matmul(g, &fb)?;
                res.push((S0, r.call(Prim::Reshape, vec![x, shape_val(&sa)], vec![])?));
            }
            if wants(S1) {
                let x = r.it.op_matmul(&fa, g)?;
                res.push((
                    S1,
                    r.call(Prim::Reshape, vec![x, shape_val(&shape_of(&b))], vec![])?,
                ));
            }
        }
        P::Trace => {
            let n = sa.first().copied().unwrap_or(0) as i64;
            let m = sa.get(1).copied().unwrap_or(0) as i64;
            let k = inp(1)
                .and_then(|v| crate::value::as_scalar(&v))
                .map(|s| s.as_i64())
                .unwrap_or(0);
            let e = r.call(
                Prim::Eye,
                vec![Value::int(n), Value::int(m), Value::int(k)],
                vec![],
            )?;
            res.push((S0, r.mul(g, &e)?));
        }
        // array((a, b)) stacks its items.
        P::Array if matches!(a, Value::Tuple(_)) => {
            builtin_rule(r, P::Stack, &inputs[..1], out, g, need, res)?;
        }
        P::Astype | P::Array | P::Copy | P::Float | P::To => {
            let dt = float_dtype(&a).unwrap_or(DType::F64);
            let x = r.call(Prim::Astype, vec![g.clone(), Value::DType(dt)], vec![])?;
            res.push((S0, x));
        }
        // d inv(A) = -inv(A)ᵀ g inv(A)ᵀ
        P::Inv => {
            let it = r.call(Prim::Transpose, vec![o.clone()], vec![])?;
            let t = r.it.op_matmul(&it, g)?;
            let t = r.it.op_matmul(&t, &it)?;
            res.push((S0, r.u(U::Neg, &t)?));
        }
        // x = solve(A, b): gb = solve(Aᵀ, g), gA = -gb xᵀ
        P::Solve => {
            let at = r.call(Prim::Transpose, vec![a.clone()], vec![])?;
            let gb = r.call(Prim::Solve, vec![at, g.clone()], vec![])?;
            if wants(S0) {
                let x = o.clone();
                let ga = if shape_of(&x).len() == 1 {
                    r.call(Prim::Outer, vec![gb.clone(), x], vec![])?
                } else {
                    let xt = r.call(Prim::Transpose, vec![x], vec![])?;
                    r.it.op_matmul(&gb, &xt)?
                };
                res.push((S0, r.u(U::Neg, &ga)?));
            }
            if wants(S1) {
                res.push((S1, gb));
            }
        }
        // d det(A) = det(A) inv(A)ᵀ
        P::Det => {
            let inv = r.call(Prim::Inv, vec![a.clone()], vec![])?;
            let it = r.call(Prim::Transpose, vec![inv], vec![])?;
            let t = r.mul(g, &o)?;
            res.push((S0, r.mul(&t, &it)?));
        }
        // d ‖a‖₂ = a / ‖a‖ (vector 2-norm and Frobenius norm)
        // norm: vector ords p: sign(a) |a|^(p-1) / n^(p-1) (2: a / n; 1:
        // sign(a); inf/-inf: sign(a) at the extreme entries, ties sharing;
        // 0: a count, no gradient). Matrix ords: Frobenius as the 2-norm;
        // 1/-1 (inf/-inf): sign(a) on the extreme columns (rows); 'nuc':
        // U Vᵀ, 2/-2: u vᵀ of the extreme singular value.
        P::Norm => {
            let ord = inp(1).filter(|v| !matches!(v, Value::None));
            let axis = inp(2).filter(|v| !matches!(v, Value::None));
            let keep = kw_bool(&inp(3));
            let nd = sa.len();
            let ax = reduced_axes(&axis, nd)?;
            let ge = expand_back(r, g, &sa, &axis, keep)?;
            let oe = expand_back(r, &o, &sa, &axis, keep)?;
            let plain = strip(&a);
            let sign = r.u(U::Sign, &plain)?;
            let name_ord = match &ord {
                Some(Value::Str(s)) => Some(s.to_string()),
                _ => None,
            };
            let p = ord
                .as_ref()
                .and_then(crate::value::as_scalar)
                .map(|s| s.as_f64());
            let ones =
                |r: &mut R, m: Value| r.call(Prim::Where, vec![m, num(1.0), num(0.0)], vec![]);
            // The entries (or whole columns/rows) where |a| (their sums)
            // reach the norm, each with 1 / their number.
            let extreme = |r: &mut R, vals: Value, over: Vec<i64>| -> Result<Value> {
                let hit = r.b(B::Eq, &vals, &strip(&oe))?;
                let hit = ones(r, hit)?;
                let cnt = r.call(
                    Prim::Sum,
                    vec![hit.clone(), ints(&over)],
                    vec![("keepdims", Value::bool(true))],
                )?;
                r.div(&hit, &cnt)
            };
            let absa = r.u(U::Abs, &plain)?;
            let d = if ord.is_none()
                || name_ord.as_deref() == Some("fro")
                || (ax.len() == 1 && p == Some(2.0))
            {
                r.div(&a, &oe)?
            } else if ax.len() == 1 {
                let pv = p.unwrap_or(2.0);
                if pv == 0.0 {
                    r.call(Prim::ZerosLike, vec![plain.clone()], vec![])?
                } else if pv == 1.0 {
                    sign
                } else if pv.is_infinite() {
                    let m = extreme(r, absa, vec![ax[0] as i64])?;
                    r.mul(&sign, &m)?
                } else {
                    let absa_t = r.u(U::Abs, &a)?;
                    let num_ = r.b(B::Pow, &absa_t, &num(pv - 1.0))?;
                    let den = r.b(B::Pow, &oe, &num(pv - 1.0))?;
                    let t = r.mul(&sign, &num_)?;
                    r.div(&t, &den)?
                }
            } else if ax.len() == 2 && matches!(p, Some(v) if v.abs() == 1.0 || v.is_infinite()) {
                // 1/-1: sums down the columns (over the first axis); inf: rows.
                let pv = p.unwrap_or(1.0);
                let (sum_ax, other) = if pv.abs() == 1.0 {
                    (ax[0], ax[1])
                } else {
                    (ax[1], ax[0])
                };
                let sums = r.call(
                    Prim::Sum,
                    vec![absa, Value::int(sum_ax as i64)],
                    vec![("keepdims", Value::bool(true))],
                )?;
                let m = extreme(r, sums, vec![other as i64])?;
                r.mul(&sign, &m)?
            } else if ax.len() == 2
                && nd == 2
                && (name_ord.as_deref() == Some("nuc") || matches!(p, Some(v) if v.abs() == 2.0))
            {
                if level_of(&a) > 0 {
                    return Err(Error::value("grad: second derivatives of norm(ord='nuc'/2/-2) need svd's gradient, which is not supported yet"));
                }
                let usv = r.call(Prim::Svd, vec![plain.clone(), Value::bool(false)], vec![])?;
                let Value::Tuple(t) = usv else {
                    return Err(Error::value("internal: svd gave no (U, S, Vh)"));
                };
                let (u, vh) = (t[0].clone(), t[2].clone());
                let k = shape_of(&t[1]).first().copied().unwrap_or(0);
                if name_ord.as_deref() == Some("nuc") {
                    r.it.op_matmul(&u, &vh)?
                } else {
                    let j = if p == Some(2.0) {
                        0
                    } else {
                        k.saturating_sub(1)
                    } as i64;
                    let all = IndexItem::Slice {
                        start: None,
                        stop: None,
                        step: None,
                    };
                    let uj =
                        r.it.op_index(&u, &Rc::new(vec![all.clone(), IndexItem::Int(j)]))?;
                    let vj = r.it.op_index(&vh, &Rc::new(vec![IndexItem::Int(j), all]))?;
                    r.call(Prim::Outer, vec![uj, vj], vec![])?
                }
            } else {
                return Err(Error::value(
                    "grad of norm() does not support this ord and axis combination yet",
                ));
            };
            res.push((S0, r.mul(&ge, &d)?));
        }
        // sort: the cotangent of each sorted position goes back to the
        // element that landed there.
        P::Sort => {
            let ga = match inp(1) {
                Some(Value::None) => {
                    let flat = r.call(Prim::Flatten, vec![strip(&a)], vec![])?;
                    let ranks = sort_ranks(r, &flat, 0)?;
                    let x = take_along(r, g, &ranks, 0)?;
                    r.call(Prim::Reshape, vec![x, shape_val(&sa)], vec![])?
                }
                ax => {
                    let ax = int_axis(&ax.or(Some(Value::int(-1))), sa.len())?.unwrap_or(0);
                    let ranks = sort_ranks(r, &a, ax)?;
                    take_along(r, g, &ranks, ax)?
                }
            };
            res.push((S0, ga));
        }
        // median = quantile(a, 0.5); quantile: weights on the two sorted
        // neighbours of q (n - 1), sent back through the sort.
        P::Median => {
            let x = quantile_rule(r, &a, 0.5, &inp(1), kw_bool(&inp(2)), g)?;
            res.push((S0, x));
        }
        P::Quantile => {
            let q = inp(1)
                .and_then(|v| crate::value::as_scalar(&v))
                .ok_or_else(|| {
                    Error::value(
                        "grad of quantile() supports one q (a number), not an array of them",
                    )
                })?;
            let x = quantile_rule(r, &a, q.as_f64(), &inp(2), kw_bool(&inp(3)), g)?;
            res.push((S0, x));
        }
        // diff(a)[i] = a[i+1] - a[i]: its adjoint is (0, g) - (g, 0) along
        // the axis, once per order.
        P::Diff => {
            let n = inp(1)
                .and_then(|v| crate::value::as_scalar(&v))
                .map(|s| s.as_i64())
                .unwrap_or(1);
            let ax = int_axis(&inp(2).or(Some(Value::int(-1))), sa.len())?.unwrap_or(0);
            let mut gk = g.clone();
            for _ in 0..n.max(0) {
                let mut zs = shape_of(&gk);
                zs[ax] = 1;
                let dt = float_dtype(&gk).unwrap_or(DType::F64);
                let z = Value::from_array(Array::zeros(&zs, dt)?);
                let front = r.call(
                    Prim::Concatenate,
                    vec![
                        Value::tuple(vec![z.clone(), gk.clone()]),
                        Value::int(ax as i64),
                    ],
                    vec![],
                )?;
                let back = r.call(
                    Prim::Concatenate,
                    vec![Value::tuple(vec![gk, z]), Value::int(ax as i64)],
                    vec![],
                )?;
                gk = r.b(B::Sub, &front, &back)?;
            }
            res.push((S0, gk));
        }
        // tile: every copy of an element adds its cotangent (reshape the
        // output to (reps_0, s_0, reps_1, s_1, ...) and sum the reps axes).
        P::Tile => {
            let reps = int_list(&inp(1))?;
            let d = reps.len().max(sa.len());
            let mut s2 = vec![1usize; d - sa.len()];
            s2.extend(&sa);
            let mut r2 = vec![1i64; d - reps.len()];
            r2.extend(&reps);
            let mut inter = Vec::with_capacity(2 * d);
            for k in 0..d {
                inter.push(r2[k].max(0) as usize);
                inter.push(s2[k]);
            }
            let x = r.call(Prim::Reshape, vec![g.clone(), shape_val(&inter)], vec![])?;
            let axes: Vec<i64> = (0..d).map(|k| 2 * k as i64).collect();
            let x = r.call(Prim::Sum, vec![x, ints(&axes)], vec![])?;
            res.push((S0, r.call(Prim::Reshape, vec![x, shape_val(&sa)], vec![])?));
        }
        // repeat: element i's cotangent is the sum of its block of copies,
        // a difference of the running sum at the block ends.
        P::Repeat => {
            let (x, ax) = match int_axis(&inp(2), sa.len())? {
                Some(ax) => (g.clone(), ax),
                None => (g.clone(), 0),
            };
            let n = match int_axis(&inp(2), sa.len())? {
                Some(ax) => sa[ax],
                None => sa.iter().product(),
            };
            let reps = int_list(&inp(1))?;
            let reps: Vec<i64> = if reps.len() == 1 {
                vec![reps[0]; n]
            } else {
                reps
            };
            let mut ends = Vec::with_capacity(n);
            let mut acc = 0i64;
            for &k in &reps {
                acc += k;
                ends.push(acc);
            }
            let starts: Vec<i64> = ends.iter().zip(&reps).map(|(e, k)| e - k).collect();
            let mut zs = shape_of(&x);
            zs[ax] = 1;
            let dt = float_dtype(&x).unwrap_or(DType::F64);
            let z = Value::from_array(Array::zeros(&zs, dt)?);
            let c = r.call(Prim::Cumsum, vec![x, Value::int(ax as i64)], vec![])?;
            let c = r.call(
                Prim::Concatenate,
                vec![Value::tuple(vec![z, c]), Value::int(ax as i64)],
                vec![],
            )?;
            let hi = gather_axis(r, &c, ends, ax)?;
            let lo = gather_axis(r, &c, starts, ax)?;
            let d = r.b(B::Sub, &hi, &lo)?;
            res.push((S0, r.call(Prim::Reshape, vec![d, shape_val(&sa)], vec![])?));
        }
        // inner(a, b) = A Bᵀ over the last axis: gA = g B, gB = gᵀ A.
        P::Inner => {
            let b = inp(1).unwrap_or(Value::None);
            let sb = shape_of(&b);
            if sa.is_empty() || sb.is_empty() {
                let v = vjp(r.it, &Op::Binary(B::Mul), inputs, out, g, need)?;
                res.extend(v);
            } else {
                let k = sa[sa.len() - 1];
                let i: usize = sa[..sa.len() - 1].iter().product();
                let j: usize = sb[..sb.len() - 1].iter().product();
                let a2 = r.call(Prim::Reshape, vec![a.clone(), shape_val(&[i, k])], vec![])?;
                let b2 = r.call(Prim::Reshape, vec![b.clone(), shape_val(&[j, k])], vec![])?;
                let g2 = r.call(Prim::Reshape, vec![g.clone(), shape_val(&[i, j])], vec![])?;
                if wants(S0) {
                    let x = r.it.op_matmul(&g2, &b2)?;
                    res.push((S0, r.call(Prim::Reshape, vec![x, shape_val(&sa)], vec![])?));
                }
                if wants(S1) {
                    let gt = r.call(Prim::Transpose, vec![g2], vec![])?;
                    let x = r.it.op_matmul(&gt, &a2)?;
                    res.push((S1, r.call(Prim::Reshape, vec![x, shape_val(&sb)], vec![])?));
                }
            }
        }
        // L = cholesky(A), A symmetric: gA = sym(L⁻ᵀ Φ(Lᵀ gL) L⁻¹) with Φ
        // the lower triangle, diagonal halved, sym(X) = (X + Xᵀ) / 2.
        P::Cholesky => {
            let upper = kw_bool(&inp(1));
            let (l, gl) = if upper {
                (
                    r.call(Prim::Transpose, vec![o.clone()], vec![])?,
                    r.call(Prim::Transpose, vec![g.clone()], vec![])?,
                )
            } else {
                (o.clone(), g.clone())
            };
            let n = sa.first().copied().unwrap_or(0);
            let mut m = Vec::with_capacity(n * n);
            for i in 0..n {
                for j in 0..n {
                    m.push(if i > j {
                        1.0
                    } else if i == j {
                        0.5
                    } else {
                        0.0
                    });
                }
            }
            let phi = Value::from_array(Array::from_vec(&[n, n], m));
            let lt = r.call(Prim::Transpose, vec![l.clone()], vec![])?;
            let p = r.it.op_matmul(&lt, &gl)?;
            let p = r.mul(&p, &phi)?;
            let li = r.call(Prim::Inv, vec![l], vec![])?;
            let lit = r.call(Prim::Transpose, vec![li.clone()], vec![])?;
            let x = r.it.op_matmul(&lit, &p)?;
            let x = r.it.op_matmul(&x, &li)?;
            let xt = r.call(Prim::Transpose, vec![x.clone()], vec![])?;
            let s2 = r.add(&x, &xt)?;
            res.push((S0, r.mul(&s2, &num(0.5))?));
        }
        // P = pinv(A) (constant rank): gA = -Pᵀ g Pᵀ + (I - A P) gᵀ P Pᵀ
        // + Pᵀ P gᵀ (I - P A)  (Golub and Pereyra).
        P::Pinv => {
            let pt = r.call(Prim::Transpose, vec![o.clone()], vec![])?;
            let gt = r.call(Prim::Transpose, vec![g.clone()], vec![])?;
            let (m, n) = (
                sa.first().copied().unwrap_or(0),
                sa.get(1).copied().unwrap_or(0),
            );
            let im = r.call(Prim::Eye, vec![Value::int(m as i64)], vec![])?;
            let inn = r.call(Prim::Eye, vec![Value::int(n as i64)], vec![])?;
            let t1 = r.it.op_matmul(&pt, g)?;
            let t1 = r.it.op_matmul(&t1, &pt)?;
            let ap = r.it.op_matmul(&a, &o)?;
            let i_ap = r.b(B::Sub, &im, &ap)?;
            let t2 = r.it.op_matmul(&i_ap, &gt)?;
            let t2 = r.it.op_matmul(&t2, &o)?;
            let t2 = r.it.op_matmul(&t2, &pt)?;
            let pa = r.it.op_matmul(&o, &a)?;
            let i_pa = r.b(B::Sub, &inn, &pa)?;
            let t3 = r.it.op_matmul(&pt, &o)?;
            let t3 = r.it.op_matmul(&t3, &gt)?;
            let t3 = r.it.op_matmul(&t3, &i_pa)?;
            let x = r.b(B::Sub, &t2, &t1)?;
            res.push((S0, r.add(&x, &t3)?));
        }
        // svd(a, compute_uv=false) and qr(a, mode="r"): one part of the
        // decomposition (rules in `parts`).
        P::Svd | P::Qr => res.push((S0, parts::single_rule(r, name, &a, g)?)),
        // cumprod: out_i = prod_{k<=i} a_k, so ga_j = sum_{i>=j} g_i
        // prod_{k<=i, k!=j} a_k. Without zeros that is revcumsum(g out) / a;
        // with a zero, each row j of cumprod(a with a_j = 1) gives the
        // products directly (n^2 work along the axis).
        P::Cumprod => {
            let ax_in = inp(1).filter(|v| !matches!(v, Value::None));
            let (x, gx, ox, ax) = match &ax_in {
                Some(_) => (
                    a.clone(),
                    g.clone(),
                    o.clone(),
                    int_axis(&ax_in, sa.len())?.unwrap_or(0),
                ),
                None => (
                    r.call(Prim::Flatten, vec![a.clone()], vec![])?,
                    g.clone(),
                    o.clone(),
                    0,
                ),
            };
            let axv = Value::int(ax as i64);
            let has_zero = crate::value::value_to_array(&strip(&x))
                .is_some_and(|v| v.to_f64_vec().iter().any(|e| *e == 0.0));
            let ga = if !has_zero {
                let t = r.mul(&gx, &ox)?;
                let f = r.call(Prim::Flip, vec![t, axv.clone()], vec![])?;
                let c = r.call(Prim::Cumsum, vec![f, axv.clone()], vec![])?;
                let c = r.call(Prim::Flip, vec![c, axv], vec![])?;
                r.div(&c, &x)?
            } else {
                // Move the axis last: x (..., n).
                let xs = shape_of(&x);
                let nd = xs.len();
                let mut perm: Vec<i64> = (0..nd as i64).filter(|&d| d != ax as i64).collect();
                perm.push(ax as i64);
                let mut inv = vec![0i64; nd];
                for (i, &p) in perm.iter().enumerate() {
                    inv[p as usize] = i as i64;
                }
                let xt = r.call(Prim::Transpose, vec![x.clone(), ints(&perm)], vec![])?;
                let gt = r.call(Prim::Transpose, vec![gx, ints(&perm)], vec![])?;
                let n = xs[ax];
                let eye = Value::from_array(Array::from_vec(
                    &[n, n],
                    (0..n * n).map(|k| k / n == k % n).collect::<Vec<bool>>(),
                ));
                let xe = r.call(Prim::ExpandDims, vec![xt, Value::int(-2)], vec![])?;
                let b = r.call(Prim::Where, vec![eye, num(1.0), xe], vec![])?;
                let c = r.call(Prim::Cumprod, vec![b, Value::int(-1)], vec![])?;
                let upper = Value::from_array(Array::from_vec(
                    &[n, n],
                    (0..n * n)
                        .map(|k| (k % n >= k / n) as u8 as f64)
                        .collect::<Vec<f64>>(),
                ));
                let ge = r.call(Prim::ExpandDims, vec![gt, Value::int(-2)], vec![])?;
                let t = r.mul(&ge, &c)?;
                let t = r.mul(&t, &upper)?;
                let t = r.call(Prim::Sum, vec![t, Value::int(-1)], vec![])?;
                r.call(Prim::Transpose, vec![t, ints(&inv)], vec![])?
            };
            res.push((S0, r.call(Prim::Reshape, vec![ga, shape_val(&sa)], vec![])?));
        }
        // Handled by the unary rule above.
        P::Abs
        | P::Sqrt
        | P::Exp
        | P::Log
        | P::Log2
        | P::Log10
        | P::Log1p
        | P::Expm1
        | P::Sin
        | P::Cos
        | P::Tan
        | P::Arcsin
        | P::Arccos
        | P::Arctan
        | P::Sinh
        | P::Cosh
        | P::Tanh => {}
        // `props::derivative` says these have no rule, so they are never
        // recorded on a tape.
        P::Grad
        | P::ValueAndGrad
        | P::Jacobian
        | P::Hessian
        | P::Load
        | P::Save
        | P::Loadtxt
        | P::Savetxt
        | P::Lstsq
        | P::Eig
        | P::Eigh
        | P::MatrixRank
        | P::Plot
        | P::Scatter
        | P::Hist
        | P::Bar
        | P::Imshow
        | P::Title
        | P::Xlabel
        | P::Ylabel
        | P::Legend
        | P::Xlim
        | P::Ylim
        | P::Grid
        | P::Figure
        | P::Subplot
        | P::Savefig
        | P::Show
        | P::StopGradient
        | P::Seed
        | P::Rand
        | P::Randn
        | P::Randint
        | P::Uniform
        | P::Normal
        | P::Choice
        | P::Permutation
        | P::Shuffle
        | P::Zeros
        | P::Ones
        | P::Eye
        | P::Arange
        | P::ZerosLike
        | P::OnesLike
        | P::Range
        | P::Split
        | P::Floor
        | P::Ceil
        | P::Trunc
        | P::Round
        | P::Sign
        | P::Isnan
        | P::Isinf
        | P::Isfinite
        | P::Isclose
        | P::Allclose
        | P::Argmin
        | P::Argmax
        | P::Any
        | P::All
        | P::Argsort
        | P::Unique
        | P::Searchsorted
        | P::Print
        | P::Len
        | P::Shape
        | P::Ndim
        | P::Size
        | P::Dtype
        | P::Assert
        | P::Help
        | P::Type
        | P::Device
        | P::GpuAdapter
        | P::Keys
        | P::Time
        | P::Str
        | P::Repr
        | P::Int => {
            return Err(Error::value(format!(
                "internal: no gradient rule for {name}"
            )))
        }
    }
    Ok(())
}
