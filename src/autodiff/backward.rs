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

/// Bring a reduced cotangent back to the input's shape.
fn expand_back(
    r: &mut R,
    g: &Value,
    in_shape: &[usize],
    axis: &Option<Value>,
    keepdims: bool,
) -> Result<Value> {
    let nd = in_shape.len();
    let axes: Vec<usize> = match axis {
        None | Some(Value::None) => (0..nd).collect(),
        Some(Value::Num(s, _)) => vec![norm_axis(s.as_i64(), nd)?],
        Some(Value::Tuple(t)) => t
            .iter()
            .map(|x| {
                norm_axis(
                    crate::value::as_scalar(x).map(|s| s.as_i64()).unwrap_or(0),
                    nd,
                )
            })
            .collect::<Result<_>>()?,
        Some(_) => (0..nd).collect(),
    };
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

fn count(in_shape: &[usize], axis: &Option<Value>) -> Result<f64> {
    let nd = in_shape.len();
    Ok(match axis {
        None | Some(Value::None) => in_shape.iter().product::<usize>() as f64,
        Some(Value::Num(s, _)) => in_shape[norm_axis(s.as_i64(), nd)?] as f64,
        Some(Value::Tuple(t)) => {
            let mut n = 1.0;
            for x in t.iter() {
                n *= in_shape[norm_axis(
                    crate::value::as_scalar(x).map(|s| s.as_i64()).unwrap_or(0),
                    nd,
                )?] as f64;
            }
            n
        }
        Some(_) => 1.0,
    })
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
                res.push((S1, r.sum_to(&gv, &shape_of(&v))?));
            }
        }
        Op::Builtin(b) => builtin_rule(r, *b, inputs, out, g, need, &mut res)?,
    }
    Ok(res)
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
        // d prod = prod / a
        P::Prod => {
            let ge = expand_back(r, g, &sa, &inp(1), kw_bool(&inp(2)))?;
            let oe = expand_back(r, &o, &sa, &inp(1), kw_bool(&inp(2)))?;
            let t = r.mul(&ge, &oe)?;
            res.push((S0, r.div(&t, &a)?));
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
        P::Concatenate | P::Stack | P::Vstack | P::Hstack => {
            let Some(Value::Tuple(parts)) = inp(0) else {
                return Ok(());
            };
            let shapes: Vec<Vec<usize>> = parts.iter().map(shape_of).collect();
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
                res.push((
                    Slot {
                        arg: 0,
                        item: Some(k),
                    },
                    piece,
                ));
                start += len;
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
        P::Norm => {
            if inputs
                .iter()
                .skip(1)
                .flatten()
                .any(|v| !matches!(v, Value::None))
            {
                return Err(Error::value(
                    "grad of norm() supports the default 2-norm / Frobenius norm only",
                ));
            }
            let t = r.div(&a, &o)?;
            res.push((S0, r.mul(g, &t)?));
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
        | P::Pinv
        | P::Lstsq
        | P::Eig
        | P::Eigh
        | P::Svd
        | P::Qr
        | P::Cholesky
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
        | P::Full
        | P::Eye
        | P::Arange
        | P::Linspace
        | P::ZerosLike
        | P::OnesLike
        | P::FullLike
        | P::Range
        | P::Split
        | P::Tile
        | P::Repeat
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
        | P::Median
        | P::Quantile
        | P::Cumprod
        | P::Diff
        | P::Sort
        | P::Argsort
        | P::Unique
        | P::Searchsorted
        | P::Inner
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
