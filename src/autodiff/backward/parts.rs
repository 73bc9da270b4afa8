//! Rules for builtins with several results (`Op::Part`): the cotangent of
//! one result at a time (the sweep adds the parts up). The decompositions
//! follow the usual matrix-calculus identities (Giles 2008, Townsend 2016,
//! Seeger et al. 2017); each rule is for one 2-D matrix.

use super::{kw_bool, num, shape_of, shape_val, R, S0, S1};
use crate::array::{Array, DType};
use crate::diagnostics::{Error, Result};
use crate::ops::tape::Slot;
use crate::prim::{Prim, Prim as P};
use crate::value::{float_dtype, strip, Value};

/// The cotangents of `p`'s inputs from the cotangent `g` of its result `k`
/// (`outs` holds every result of the call).
pub(super) fn part_rule(
    r: &mut R,
    p: Prim,
    k: usize,
    inputs: &[Option<Value>],
    outs: &[Value],
    g: &Value,
    need: &[Slot],
    res: &mut Vec<(Slot, Value)>,
) -> Result<()> {
    let inp = |i: usize| inputs.get(i).cloned().flatten();
    let a = inp(0).unwrap_or(Value::None);
    let wants = |s: Slot| need.contains(&s);
    let out = |i: usize| outs.get(i).cloned().unwrap_or(Value::None);
    match p {
        // split: result k is one block of `a` along `axis`, so `a` gets g
        // in that block and zeros in the others.
        P::Split => {
            let axis = inp(2)
                .and_then(|v| crate::value::as_scalar(&v))
                .map(|s| s.as_i64())
                .unwrap_or(0);
            let dt = float_dtype(g).unwrap_or(DType::F64);
            let mut blocks = Vec::with_capacity(outs.len());
            for (j, o) in outs.iter().enumerate() {
                blocks.push(if j == k {
                    g.clone()
                } else {
                    Value::from_array(Array::zeros(&shape_of(o), dt)?)
                });
            }
            let ga = r.call(
                P::Concatenate,
                vec![Value::tuple(blocks), Value::int(axis)],
                vec![],
            )?;
            res.push((S0, ga));
        }
        P::Eigh => {
            matrix_only(&a, "eigh")?;
            let upper = matches!(inp(1), Some(Value::Str(s)) if s.eq_ignore_ascii_case("u"));
            res.push((S0, eigh_rule(r, k, &out(0), &out(1), g, upper)?));
        }
        P::Svd => {
            matrix_only(&a, "svd")?;
            let sa = shape_of(&a);
            let full = flag(&inp(1), true);
            if full && sa[0] != sa[1] {
                return Err(Error::value(
                    "grad of svd(a) with full_matrices=true needs a square a: the extra singular vectors of a non-square matrix are not unique",
                )
                .with_help("call svd(a, full_matrices=false) inside the differentiated function"));
            }
            res.push((S0, svd_rule(r, k, &out(0), &out(1), &out(2), g)?));
        }
        P::Qr => {
            matrix_only(&a, "qr")?;
            let sa = shape_of(&a);
            let complete = matches!(inp(1), Some(Value::Str(s)) if &*s == "complete");
            if complete && sa[0] > sa[1] {
                return Err(Error::value(
                    "grad of qr(a, mode=\"complete\") needs rows <= columns: the extra columns of Q are not unique",
                )
                .with_help("use qr(a) (mode \"reduced\") inside the differentiated function"));
            }
            let (gq, gr) = if k == 0 {
                (Some(g), None)
            } else {
                (None, Some(g))
            };
            res.push((S0, qr_rule(r, &a, &out(0), &out(1), gq, gr)?));
        }
        P::Lstsq => {
            matrix_only(&a, "lstsq")?;
            let b = inp(1).unwrap_or(Value::None);
            lstsq_rule(r, k, &a, &b, outs, g, wants(S0), wants(S1), res)?;
        }
        _ => {
            return Err(Error::value(format!(
                "internal: {}() has no rule for its result {k}",
                p.name()
            )))
        }
    }
    Ok(())
}

/// The rules of `svd(a, compute_uv=false)` and `qr(a, mode="r")`, whose
/// one result is part of a full decomposition: recompute that (at the
/// outer levels too, so higher derivatives follow) and use its part rule.
pub(super) fn single_rule(r: &mut R, p: Prim, a: &Value, g: &Value) -> Result<Value> {
    match p {
        P::Svd => {
            matrix_only(a, "svd")?;
            let d = r.call(P::Svd, vec![a.clone(), num_bool(false)], vec![])?;
            let [u, s, vh] = items::<3>(&d)?;
            svd_rule(r, 1, &u, &s, &vh, g)
        }
        _ => {
            matrix_only(a, "qr")?;
            let d = r.call(P::Qr, vec![a.clone()], vec![])?;
            let [q, rr] = items::<2>(&d)?;
            qr_rule(r, a, &q, &rr, None, Some(g))
        }
    }
}

fn num_bool(b: bool) -> Value {
    Value::bool(b)
}

fn flag(v: &Option<Value>, default: bool) -> bool {
    match v {
        None | Some(Value::None) => default,
        x => kw_bool(x),
    }
}

fn items<const N: usize>(v: &Value) -> Result<[Value; N]> {
    match v {
        Value::Tuple(xs) if xs.len() == N => Ok(std::array::from_fn(|i| xs[i].clone())),
        _ => Err(Error::value(
            "internal: a decomposition gave an unexpected result",
        )),
    }
}

/// The rules below are for one matrix; a stack is refused, not guessed.
fn matrix_only(a: &Value, name: &str) -> Result<()> {
    if shape_of(&strip(a)).len() == 2 {
        return Ok(());
    }
    Err(Error::value(format!(
        "grad of {name}() follows one 2-D matrix, not a stack of them"
    ))
    .with_help("loop over the matrices (or index them) inside the differentiated function"))
}

fn t(r: &mut R, x: &Value) -> Result<Value> {
    r.call(P::Transpose, vec![x.clone()], vec![])
}

fn mm(r: &mut R, x: &Value, y: &Value) -> Result<Value> {
    r.it.op_matmul(x, y)
}

fn eye(r: &mut R, n: usize) -> Result<Value> {
    r.call(P::Eye, vec![Value::int(n as i64)], vec![])
}

/// `v` as a row (1, n), to scale columns by broadcasting.
fn row(r: &mut R, v: &Value) -> Result<Value> {
    let n = shape_of(v).first().copied().unwrap_or(0);
    r.call(P::Reshape, vec![v.clone(), shape_val(&[1, n])], vec![])
}

/// `v` as a column (n, 1), to scale rows by broadcasting.
fn col(r: &mut R, v: &Value) -> Result<Value> {
    let n = shape_of(v).first().copied().unwrap_or(0);
    r.call(P::Reshape, vec![v.clone(), shape_val(&[n, 1])], vec![])
}

/// F_ij = 1 / (e_j - e_i) off the diagonal and 0 on it (the eigen- and
/// singular-vector rules' divided differences).
fn gaps(r: &mut R, e: &Value) -> Result<Value> {
    let n = shape_of(e).first().copied().unwrap_or(0);
    let er = row(r, e)?;
    let ec = col(r, e)?;
    let d = r.sub(&er, &ec)?;
    let i = eye(r, n)?;
    let d = r.add(&d, &i)?;
    let off = r.sub(&num(1.0), &i)?;
    r.div(&off, &d)
}

/// 1 below the diagonal, 1/2 on it, 0 above: `(X + Xᵀ) ∘ L` is
/// tril(X + Xᵀ, -1) + diag(X), and `X ∘ L + (X ∘ L)ᵀ` is the symmetric
/// matrix with X's lower triangle.
fn lower_half(n: usize) -> Value {
    let m: Vec<f64> = (0..n * n)
        .map(|q| match (q / n).cmp(&(q % n)) {
            std::cmp::Ordering::Greater => 1.0,
            std::cmp::Ordering::Equal => 0.5,
            std::cmp::Ordering::Less => 0.0,
        })
        .collect();
    Value::from_array(Array::from_vec(&[n, n], m))
}

/// (w, V) = eigh(A): Ā = V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ with F_ij =
/// 1 / (w_j - w_i) (Giles 2008). eigh reads one triangle of A and mirrors
/// it, so that triangle gets Ā + Āᵀ off the diagonal and Ā on it.
/// Repeated eigenvalues make F infinite: their vectors are not unique.
fn eigh_rule(r: &mut R, k: usize, w: &Value, v: &Value, g: &Value, upper: bool) -> Result<Value> {
    let n = shape_of(w).first().copied().unwrap_or(0);
    let inner = if k == 0 {
        let gr = row(r, g)?;
        let i = eye(r, n)?;
        r.mul(&i, &gr)?
    } else {
        let vt = t(r, v)?;
        let m = mm(r, &vt, g)?;
        let f = gaps(r, w)?;
        r.mul(&f, &m)?
    };
    let vt = t(r, v)?;
    let x = mm(r, v, &inner)?;
    let x = mm(r, &x, &vt)?;
    let xt = t(r, &x)?;
    let s = r.add(&x, &xt)?;
    let l = lower_half(n);
    let l = if upper { t(r, &l)? } else { l };
    r.mul(&s, &l)
}

/// A = U S Vᵀ (reduced, k = min(m, n)), F_ij = 1 / (s_j² - s_i²)
/// (Townsend 2016):
/// from S̄: Ā = U diag(S̄) Vᵀ;
/// from Ū: Ā = U (F ∘ (UᵀŪ - ŪᵀU)) S Vᵀ + (I - UUᵀ) Ū S⁻¹ Vᵀ;
/// from V̄: Ā = U S (F ∘ (VᵀV̄ - V̄ᵀV)) Vᵀ + U S⁻¹ V̄ᵀ (I - VVᵀ).
/// Repeated or zero singular values make these infinite, as in JAX.
fn svd_rule(r: &mut R, k: usize, u: &Value, s: &Value, vh: &Value, g: &Value) -> Result<Value> {
    let su = shape_of(u);
    let sv = shape_of(vh);
    let (m, n) = (su[0], sv[1]);
    let kk = shape_of(s).first().copied().unwrap_or(0);
    // (A full SVD reaches here only for a square matrix: then it is the
    // reduced one.)
    let (u, vh) = (u.clone(), vh.clone());
    let srow = row(r, s)?;
    if k == 1 {
        let gr = row(r, g)?;
        let x = r.mul(&u, &gr)?;
        return mm(r, &x, &vh);
    }
    let s2 = r.mul(s, s)?;
    let f = gaps(r, &s2)?;
    let ut = t(r, &u)?;
    let v = t(r, &vh)?;
    let inv_s = r.div(&num(1.0), &srow)?;
    if k == 0 {
        // J = F ∘ (UᵀŪ - ŪᵀU), then U J S Vᵀ.
        let a1 = mm(r, &ut, g)?;
        let gt = t(r, g)?;
        let a2 = mm(r, &gt, &u)?;
        let j = r.sub(&a1, &a2)?;
        let j = r.mul(&f, &j)?;
        let js = r.mul(&j, &srow)?;
        let x = mm(r, &u, &js)?;
        let x = mm(r, &x, &vh)?;
        if m == kk {
            return Ok(x);
        }
        // (I - UUᵀ) Ū S⁻¹ Vᵀ
        let im = eye(r, m)?;
        let uut = mm(r, &u, &ut)?;
        let p = r.sub(&im, &uut)?;
        let y = mm(r, &p, g)?;
        let y = r.mul(&y, &inv_s)?;
        let y = mm(r, &y, &vh)?;
        return r.add(&x, &y);
    }
    // k == 2: the cotangent of Vh; V̄ = ḡᵀ.
    let gv = t(r, g)?;
    let a1 = mm(r, &vh, &gv)?;
    let a2 = mm(r, g, &v)?;
    let j = r.sub(&a1, &a2)?;
    let j = r.mul(&f, &j)?;
    let scol = col(r, s)?;
    let sj = r.mul(&scol, &j)?;
    let x = mm(r, &u, &sj)?;
    let x = mm(r, &x, &vh)?;
    if n == kk {
        return Ok(x);
    }
    // U S⁻¹ V̄ᵀ (I - VVᵀ)
    let inn = eye(r, n)?;
    let vvt = mm(r, &v, &vh)?;
    let p = r.sub(&inn, &vvt)?;
    let y = r.mul(&u, &inv_s)?;
    let y = mm(r, &y, g)?;
    let y = mm(r, &y, &p)?;
    r.add(&x, &y)
}

/// A = QR. For m >= n (Seeger et al. 2017): M = R R̄ᵀ - Q̄ᵀ Q,
/// Ā = (Q̄ + Q copyltu(M)) R⁻ᵀ, copyltu(M) the symmetric matrix with M's
/// lower triangle. For m < n, A = [X Y] with X = Q R₁ square and Y = Q R₂:
/// X̄ is the square rule with Q̄ + Y R̄₂ᵀ and R̄₁, and Ȳ = Q R̄₂.
fn qr_rule(
    r: &mut R,
    a: &Value,
    q: &Value,
    rr: &Value,
    gq: Option<&Value>,
    gr: Option<&Value>,
) -> Result<Value> {
    let sa = shape_of(a);
    let (m, n) = (sa[0], sa[1]);
    if m >= n {
        return qr_tall(r, q, rr, gq, gr);
    }
    let cut = Value::tuple(vec![Value::int(m as i64)]);
    let halves = |r: &mut R, x: &Value| -> Result<[Value; 2]> {
        let s = r.call(
            P::Split,
            vec![x.clone(), cut.clone(), Value::int(1)],
            vec![],
        )?;
        items::<2>(&s)
    };
    let [_, y] = halves(r, a)?;
    let [r1, _] = halves(r, rr)?;
    let (gq2, gr1, gy) = match gr {
        Some(gr) => {
            let [gr1, gr2] = halves(r, gr)?;
            let gr2t = t(r, &gr2)?;
            let gq2 = mm(r, &y, &gr2t)?;
            let gy = mm(r, q, &gr2)?;
            (gq2, Some(gr1), gy)
        }
        None => {
            let gq2 = gq.cloned().unwrap_or(Value::None);
            let gy = Value::from_array(Array::zeros(&[m, n - m], DType::F64)?);
            (gq2, None, gy)
        }
    };
    let gx = qr_tall(r, q, &r1, Some(&gq2), gr1.as_ref())?;
    r.call(
        P::Concatenate,
        vec![Value::tuple(vec![gx, gy]), Value::int(1)],
        vec![],
    )
}

fn qr_tall(
    r: &mut R,
    q: &Value,
    rr: &Value,
    gq: Option<&Value>,
    gr: Option<&Value>,
) -> Result<Value> {
    let n = shape_of(rr)[1];
    // M = R R̄ᵀ - Q̄ᵀ Q
    let mut mpart: Option<Value> = None;
    if let Some(gr) = gr {
        let grt = t(r, gr)?;
        mpart = Some(mm(r, rr, &grt)?);
    }
    if let Some(gq) = gq {
        let gqt = t(r, gq)?;
        let x = mm(r, &gqt, q)?;
        mpart = Some(match mpart {
            Some(m) => r.sub(&m, &x)?,
            None => r.u(crate::array::elementwise::UnaryOp::Neg, &x)?,
        });
    }
    let m = match mpart {
        Some(m) => m,
        None => Value::from_array(Array::zeros(&[n, n], DType::F64)?),
    };
    // copyltu(M) = L + Lᵀ with L = M's lower triangle, diagonal halved.
    let l = r.mul(&m, &lower_half(n))?;
    let lt = t(r, &l)?;
    let c = r.add(&l, &lt)?;
    let qc = mm(r, q, &c)?;
    let b = match gq {
        Some(gq) => r.add(gq, &qc)?,
        None => qc,
    };
    // B R⁻ᵀ = (R⁻¹ Bᵀ)ᵀ
    let bt = t(r, &b)?;
    let x = r.call(P::Solve, vec![rr.clone(), bt], vec![])?;
    t(r, &x)
}

/// (x, residuals, rank, s) = lstsq(A, b), A of full rank:
/// x = pinv(A) b: b̄ = pinv(A)ᵀ x̄ and Ā = pinv's rule at P̄ = x̄ bᵀ;
/// residuals_j = ‖b_j - A x_j‖² with Aᵀ r_j = 0 at the solution:
/// Ā = -2 (r ∘ ḡ) xᵀ, b̄ = 2 r ∘ ḡ; s = svd(A)'s singular values:
/// Ā = U diag(s̄) Vᵀ, b̄ = 0. The rank is an integer: no gradient.
#[allow(clippy::too_many_arguments)]
fn lstsq_rule(
    r: &mut R,
    k: usize,
    a: &Value,
    b: &Value,
    outs: &[Value],
    g: &Value,
    want_a: bool,
    want_b: bool,
    res: &mut Vec<(Slot, Value)>,
) -> Result<()> {
    let vec_b = shape_of(b).len() == 1;
    let x = outs.first().cloned().unwrap_or(Value::None);
    match k {
        0 => {
            let p = r.call(P::Pinv, vec![a.clone()], vec![])?;
            if want_b {
                let pt = t(r, &p)?;
                res.push((S1, mm(r, &pt, g)?));
            }
            if want_a {
                let gp = if vec_b {
                    r.call(P::Outer, vec![g.clone(), b.clone()], vec![])?
                } else {
                    let bt = t(r, b)?;
                    mm(r, g, &bt)?
                };
                let mut sub = Vec::new();
                super::builtin_rule(
                    r,
                    P::Pinv,
                    &[Some(a.clone())],
                    Some(&p),
                    &gp,
                    &[S0],
                    &mut sub,
                )?;
                if let Some((_, ga)) = sub.into_iter().find(|(s, _)| *s == S0) {
                    res.push((S0, ga));
                }
            }
        }
        1 => {
            if shape_of(g).iter().product::<usize>() == 0 {
                // No residuals (rank-deficient or m <= n): nothing flows.
                if want_a {
                    res.push((
                        S0,
                        Value::from_array(Array::zeros(&shape_of(a), DType::F64)?),
                    ));
                }
                if want_b {
                    res.push((
                        S1,
                        Value::from_array(Array::zeros(&shape_of(b), DType::F64)?),
                    ));
                }
                return Ok(());
            }
            let ax = mm(r, a, &x)?;
            let resid = r.sub(b, &ax)?;
            let rg = r.mul(&resid, g)?;
            if want_b {
                res.push((S1, r.mul(&rg, &num(2.0))?));
            }
            if want_a {
                let ga = if vec_b {
                    r.call(P::Outer, vec![rg, x.clone()], vec![])?
                } else {
                    let xt = t(r, &x)?;
                    mm(r, &rg, &xt)?
                };
                res.push((S0, r.mul(&ga, &num(-2.0))?));
            }
        }
        _ => {
            if want_a {
                let d = r.call(P::Svd, vec![a.clone(), num_bool(false)], vec![])?;
                let [u, s, vh] = items::<3>(&d)?;
                res.push((S0, svd_rule(r, 1, &u, &s, &vh, g)?));
            }
            if want_b {
                res.push((
                    S1,
                    Value::from_array(Array::zeros(&shape_of(b), DType::F64)?),
                ));
            }
        }
    }
    Ok(())
}
