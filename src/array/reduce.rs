//! Reductions over any set of axes (`axis=` int, tuple or none, `keepdims=`),
//! quantiles, cumulative sums/products and differences, with NumPy's dtypes.
//!
//! Every reduction moves the reduced axes last and works on contiguous rows
//! (outer × inner). Float sums are pairwise (as NumPy) and rows are split
//! across cores above a size threshold with fixed chunking, so results do not
//! depend on the number of threads.

use super::{check_size, fmt_shape, norm_axis, Arr, Array, DType, Element};
use crate::diagnostics::{Error, Result};
use ndarray::{ArrayD, IxDyn};
use rayon::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceOp {
    Sum,
    Prod,
    Mean,
    Var,
    Std,
    Min,
    Max,
    ArgMin,
    ArgMax,
    Any,
    All,
    Median,
}

impl ReduceOp {
    fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Prod => "prod",
            ReduceOp::Mean => "mean",
            ReduceOp::Var => "var",
            ReduceOp::Std => "std",
            ReduceOp::Min => "min",
            ReduceOp::Max => "max",
            ReduceOp::ArgMin => "argmin",
            ReduceOp::ArgMax => "argmax",
            ReduceOp::Any => "any",
            ReduceOp::All => "all",
            ReduceOp::Median => "median",
        }
    }
}

const PAR_ROWS_MIN: usize = 1 << 15;
const BLOCK: usize = 1 << 14;

/// Normalised, sorted, de-duplicated-checked axes (None = all).
fn norm_axes(axes: Option<&[i64]>, ndim: usize) -> Result<Vec<usize>> {
    let Some(ax) = axes else {
        return Ok((0..ndim).collect());
    };
    let mut out = Vec::with_capacity(ax.len());
    for &a in ax {
        let n = norm_axis(a, ndim)?;
        if out.contains(&n) {
            return Err(Error::value(format!("duplicate value in 'axis': {a}")));
        }
        out.push(n);
    }
    out.sort_unstable();
    Ok(out)
}

/// The array as contiguous rows: reduced axes last. Returns (data, outer
/// shape without reduced axes, keepdims shape, inner length).
fn rows<T: Element>(a: &Arr<T>, axes: &[usize]) -> (Vec<T>, Vec<usize>, Vec<usize>, usize) {
    let nd = a.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|i| !axes.contains(i)).collect();
    let outer_shape: Vec<usize> = perm.iter().map(|&i| a.shape()[i]).collect();
    let keep: Vec<usize> = (0..nd)
        .map(|i| if axes.contains(&i) { 1 } else { a.shape()[i] })
        .collect();
    let inner: usize = axes.iter().map(|&i| a.shape()[i]).product();
    perm.extend_from_slice(axes);
    let v = a.view().permuted_axes(IxDyn(&perm));
    let data: Vec<T> = if v.is_standard_layout() {
        v.as_slice()
            .map(|s| s.to_vec())
            .unwrap_or_else(|| v.iter().copied().collect())
    } else {
        v.iter().copied().collect()
    };
    (data, outer_shape, keep, inner)
}

/// Pairwise sum, NumPy-style (blocks of 8 unrolled below 128).
fn pairwise(x: &[f64]) -> f64 {
    if x.len() <= 128 {
        let mut acc = [0.0f64; 8];
        let chunks = x.chunks_exact(8);
        let rem = chunks.remainder();
        for c in chunks {
            for k in 0..8 {
                acc[k] += c[k];
            }
        }
        let mut s =
            ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
        for &r in rem {
            s += r;
        }
        return s;
    }
    let mid = (x.len() / 2) / 8 * 8;
    let mid = if mid == 0 { x.len() / 2 } else { mid };
    pairwise(&x[..mid]) + pairwise(&x[mid..])
}

/// Sum of one (possibly huge) row: fixed blocks summed in parallel, then combined in order.
fn sum_row(x: &[f64]) -> f64 {
    if x.len() < PAR_ROWS_MIN {
        return pairwise(x);
    }
    let parts: Vec<f64> = x.par_chunks(BLOCK).map(pairwise).collect();
    pairwise(&parts)
}

/// Apply `f` to each row (in parallel for large inputs) collecting one value per row.
fn per_row<T: Send + Sync + Copy, U: Send>(
    data: &[T],
    inner: usize,
    outer: usize,
    f: impl Fn(&[T]) -> U + Sync + Send,
) -> Vec<U> {
    if inner == 0 {
        return (0..outer).map(|_| f(&[])).collect();
    }
    if data.len() >= PAR_ROWS_MIN && outer > 1 {
        data.par_chunks(inner).map(&f).collect()
    } else {
        data.chunks(inner).map(f).collect()
    }
}

fn finish<U: Element>(v: Vec<U>, outer_shape: &[usize], keep: &[usize], keepdims: bool) -> Array {
    let shape = if keepdims { keep } else { outer_shape };
    Array::from_vec(shape, v)
}

fn empty_err(op: ReduceOp) -> Error {
    Error::value(format!(
        "zero-size array to reduction operation {} which has no identity",
        op.name()
    ))
    .label_arg(0, "empty")
    .with_help("the array (or the reduced axis) has no elements")
}

pub fn reduce(
    a: &Array,
    op: ReduceOp,
    axes: Option<&[i64]>,
    keepdims: bool,
    ddof: f64,
) -> Result<Array> {
    let nd = a.ndim();
    if matches!(op, ReduceOp::ArgMin | ReduceOp::ArgMax) {
        if let Some(ax) = axes {
            if ax.len() != 1 {
                return Err(Error::type_(format!(
                    "{}: axis must be a single integer",
                    op.name()
                )));
            }
        }
    }
    let ax = norm_axes(axes, nd)?;
    match op {
        ReduceOp::Sum | ReduceOp::Prod => {
            let prod = op == ReduceOp::Prod;
            match a {
                Array::Bool(_) | Array::I64(_) => {
                    let x = a.to_i64_nd();
                    let (d, os, ks, inner) = rows(&x, &ax);
                    let outer = os.iter().product();
                    let v = per_row(&d, inner, outer, |r| {
                        if prod {
                            r.iter().fold(1i64, |p, &q| p.wrapping_mul(q))
                        } else {
                            r.iter().fold(0i64, |p, &q| p.wrapping_add(q))
                        }
                    });
                    Ok(finish(v, &os, &ks, keepdims))
                }
                Array::F32(_) | Array::F64(_) => {
                    let x = a.to_f64_nd();
                    let (d, os, ks, inner) = rows(&x, &ax);
                    let outer = os.iter().product();
                    let v = per_row(&d, inner, outer, |r| {
                        if prod {
                            r.iter().product::<f64>()
                        } else {
                            sum_row(r)
                        }
                    });
                    Ok(finish(v, &os, &ks, keepdims).astype(a.dtype()))
                }
            }
        }
        ReduceOp::Mean | ReduceOp::Var | ReduceOp::Std => {
            let x = a.to_f64_nd();
            let (d, os, ks, inner) = rows(&x, &ax);
            let outer = os.iter().product();
            let n = inner as f64;
            let v = per_row(&d, inner, outer, |r| {
                let m = sum_row(r) / n;
                if op == ReduceOp::Mean {
                    return m;
                }
                let dev: Vec<f64> = r.iter().map(|&q| (q - m) * (q - m)).collect();
                let var = sum_row(&dev) / (n - ddof).max(0.0);
                if op == ReduceOp::Var {
                    var
                } else {
                    var.sqrt()
                }
            });
            let out = finish(v, &os, &ks, keepdims);
            Ok(if a.dtype() == DType::F32 {
                out.astype(DType::F32)
            } else {
                out
            })
        }
        ReduceOp::Min | ReduceOp::Max => {
            let max = op == ReduceOp::Max;
            if a.is_empty() || ax.iter().any(|&i| a.shape()[i] == 0) {
                return Err(empty_err(op));
            }
            fn mm<T: Element + PartialOrd>(
                x: &Arr<T>,
                ax: &[usize],
                max: bool,
                keepdims: bool,
                isnan: fn(T) -> bool,
            ) -> Array {
                let (d, os, ks, inner) = rows(x, ax);
                let outer = os.iter().product();
                let v = per_row(&d, inner, outer, |r| {
                    let mut best = r[0];
                    for &q in r {
                        if isnan(q) {
                            return q;
                        }
                        if (max && q > best) || (!max && q < best) {
                            best = q;
                        }
                    }
                    best
                });
                finish(v, &os, &ks, keepdims)
            }
            Ok(match a {
                Array::Bool(x) => mm(x, &ax, max, keepdims, |_| false),
                Array::I64(x) => mm(x, &ax, max, keepdims, |_| false),
                Array::F32(x) => mm(x, &ax, max, keepdims, |q| q.is_nan()),
                Array::F64(x) => mm(x, &ax, max, keepdims, |q| q.is_nan()),
            })
        }
        ReduceOp::ArgMin | ReduceOp::ArgMax => {
            let max = op == ReduceOp::ArgMax;
            if a.is_empty() || ax.iter().any(|&i| a.shape()[i] == 0) {
                return Err(Error::value(format!(
                    "attempt to get {} of an empty sequence",
                    op.name()
                ))
                .label_arg(0, "empty"));
            }
            let x = a.to_f64_nd();
            // axis=None: flatten first (keepdims keeps all dims as 1).
            let (d, os, ks, inner) = if axes.is_none() {
                let flat: Vec<f64> = x.iter().copied().collect();
                let n = flat.len();
                (flat, vec![], vec![1; nd], n)
            } else {
                rows(&x, &ax)
            };
            let outer = os.iter().product();
            let v = per_row(&d, inner, outer, |r| {
                let mut bi = 0usize;
                for (i, &q) in r.iter().enumerate() {
                    if q.is_nan() {
                        return i as i64;
                    }
                    if (max && q > r[bi]) || (!max && q < r[bi]) {
                        bi = i;
                    }
                }
                bi as i64
            });
            Ok(finish(v, &os, &ks, keepdims))
        }
        ReduceOp::Any | ReduceOp::All => {
            let x = a.to_bool_nd();
            let (d, os, ks, inner) = rows(&x, &ax);
            let outer = os.iter().product();
            let all = op == ReduceOp::All;
            let v = per_row(&d, inner, outer, |r| {
                if all {
                    r.iter().all(|&b| b)
                } else {
                    r.iter().any(|&b| b)
                }
            });
            Ok(finish(v, &os, &ks, keepdims))
        }
        ReduceOp::Median => {
            let q = Array::from_vec(&[], vec![0.5f64]);
            quantile(a, &q, axes, keepdims)
        }
    }
}

/// Linear-interpolation quantile of a sorted row (NumPy's default method).
fn quantile_sorted(s: &[f64], q: f64) -> f64 {
    let n = s.len();
    if n == 0 {
        return f64::NAN;
    }
    if s.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let t = pos - lo as f64;
    let (a, b) = (s[lo], s[hi]);
    // NumPy's _lerp: symmetric formula for accuracy.
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

pub fn quantile(a: &Array, q: &Array, axes: Option<&[i64]>, keepdims: bool) -> Result<Array> {
    if q.ndim() > 1 {
        return Err(Error::value("quantile: q must be a number or a 1-d array")
            .label_arg(1, format!("shape {}", fmt_shape(q.shape()))));
    }
    let qs = q.to_f64_vec();
    if qs.iter().any(|&v| !(0.0..=1.0).contains(&v)) {
        return Err(
            Error::value("quantiles must be in the range [0, 1]").label_arg(1, "out of range")
        );
    }
    let ax = norm_axes(axes, a.ndim())?;
    let x = a.to_f64_nd();
    let (d, os, ks, inner) = rows(&x, &ax);
    let outer: usize = os.iter().product();
    let sorted: Vec<Vec<f64>> = per_row(&d, inner, outer, |r| {
        let mut s = r.to_vec();
        s.sort_by(|p, q| p.total_cmp(q));
        s
    });
    let base = if keepdims { ks.clone() } else { os.clone() };
    let mut shape = q.shape().to_vec();
    shape.extend(&base);
    check_size(&shape)?;
    let mut out = Vec::with_capacity(qs.len() * outer);
    for &qq in &qs {
        for s in &sorted {
            out.push(quantile_sorted(s, qq));
        }
    }
    let r = Array::from_vec(&shape, out);
    Ok(if a.dtype() == DType::F32 {
        r.astype(DType::F32)
    } else {
        r
    })
}

pub fn cumulative(a: &Array, prod: bool, axis: Option<i64>) -> Result<Array> {
    let (src, ax) = match axis {
        None => (a.reshape(&[a.len()])?, 0),
        Some(k) => (a.clone(), norm_axis(k, a.ndim())?),
    };
    fn run<T: Element>(x: &Arr<T>, ax: usize, f: impl Fn(T, T) -> T) -> Arr<T> {
        let mut out: ArrayD<T> = x.to_owned();
        for mut lane in out.lanes_mut(ndarray::Axis(ax)) {
            let mut acc: Option<T> = None;
            for v in lane.iter_mut() {
                let nv = match acc {
                    None => *v,
                    Some(p) => f(p, *v),
                };
                *v = nv;
                acc = Some(nv);
            }
        }
        out.into_shared()
    }
    Ok(match src.dtype() {
        DType::Bool | DType::I64 => Array::I64(run(&src.to_i64_nd(), ax, move |p, q| {
            if prod {
                p.wrapping_mul(q)
            } else {
                p.wrapping_add(q)
            }
        })),
        DType::F32 => match src {
            Array::F32(x) => Array::F32(run(&x, ax, move |p, q| if prod { p * q } else { p + q })),
            _ => unreachable!("dtype checked"),
        },
        DType::F64 => Array::F64(run(
            &src.to_f64_nd(),
            ax,
            move |p, q| if prod { p * q } else { p + q },
        )),
    })
}

pub fn diff(a: &Array, n: usize, axis: i64) -> Result<Array> {
    if a.ndim() == 0 {
        return Err(
            Error::value("diff requires input that is at least one dimensional")
                .label_arg(0, "0-d"),
        );
    }
    let ax = norm_axis(axis, a.ndim())?;
    let mut cur = a.clone();
    for _ in 0..n {
        let len = cur.shape()[ax];
        if len == 0 {
            break;
        }
        let take = |s: i64, e: i64| -> Result<Array> {
            let mut items: Vec<super::index::IndexItem> = (0..cur.ndim())
                .map(|_| super::index::IndexItem::Slice {
                    start: None,
                    stop: None,
                    step: None,
                })
                .collect();
            items[ax] = super::index::IndexItem::Slice {
                start: Some(s),
                stop: Some(e),
                step: None,
            };
            super::index::get(&cur, &items)
        };
        let hi = take(1, len as i64)?;
        let lo = take(0, len as i64 - 1)?;
        cur = if cur.dtype() == DType::Bool {
            let (h, l) = (hi.to_bool_nd(), lo.to_bool_nd());
            Array::Bool(
                ndarray::Zip::from(&h)
                    .and(&l)
                    .map_collect(|&p, &q| p != q)
                    .into_shared(),
            )
        } else {
            let op = super::elementwise::BinaryOp::Sub;
            match super::elementwise::binary(
                op,
                &super::elementwise::Operand::Array(hi),
                &super::elementwise::Operand::Array(lo),
            )? {
                super::elementwise::Operand::Array(x) => x,
                super::elementwise::Operand::Scalar(s, _) => Array::scalar(s),
            }
        };
    }
    Ok(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_sum_equals_serial_and_is_deterministic() {
        let v: Vec<f64> = (0..1_000_003)
            .map(|i| ((i * 7919) % 1000) as f64 * 0.001 + 1e-3)
            .collect();
        let a = Array::from_vec(&[v.len()], v.clone());
        let s1 = reduce(&a, ReduceOp::Sum, None, false, 0.0)
            .unwrap()
            .to_f64_vec()[0];
        let s2 = reduce(&a, ReduceOp::Sum, None, false, 0.0)
            .unwrap()
            .to_f64_vec()[0];
        assert_eq!(s1.to_bits(), s2.to_bits());
        let exact: f64 = v.iter().map(|&x| x as f64).sum();
        assert!((s1 - exact).abs() / exact < 1e-12);
        let m = Array::from_vec(&[1000, 1000], v[..1_000_000].to_vec());
        let r = reduce(&m, ReduceOp::Sum, Some(&[1]), false, 0.0)
            .unwrap()
            .to_f64_vec();
        for (i, &x) in r.iter().enumerate() {
            let want: f64 = pairwise(&v[i * 1000..(i + 1) * 1000]);
            assert_eq!(x.to_bits(), want.to_bits());
        }
    }
}
