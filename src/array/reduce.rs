//! Reductions (`sum`, `prod`, `mean`, `var`, `std`, `min`, `max`, `argmin`,
//! `argmax`, `any`, `all`, `median`), `quantile`, `cumsum`/`cumprod` and
//! `diff`, with NumPy 2 result dtypes, shapes and values.
//!
//! Every reduction works on "rows": the reduced axes are moved last and the
//! data made contiguous (no copy when they already are), so each output
//! element reduces one contiguous slice. Float sums follow NumPy's own
//! summation order: pairwise summation (NumPy's exact blocking) over the
//! trailing run of reduced axes, accumulated sequentially over the rest.
//!
//! Parallelism (rayon) never changes results: rows are independent; a long
//! row is split either along the pairwise-summation tree (identical to the
//! serial order) or into fixed `CHUNK`-sized pieces whose partial results are
//! combined in order, so the outcome does not depend on the thread count.

use super::shape_ops::{
    build, cast, check_dims, cmp_nl, flatten, internal, map_lanes, norm_axes, Typed, PAR_THRESHOLD,
};
use super::{fmt_shape, norm_axis, Arr, Array, DType, Element};
use crate::diagnostics::{Error, Result};
use crate::{map_array, with_array};
use ndarray::{ArrayD, Axis, IxDyn, Slice, Zip};
use rayon::prelude::*;
use std::borrow::Cow;

/// Fixed piece length when a long row is split across threads.
const CHUNK: usize = 1 << 14;
/// NumPy's pairwise-summation leaf size.
const PW_BLOCKSIZE: usize = 128;
/// NumPy's ufunc buffer size: a reduction that casts (int → float64 mean)
/// sums pairwise within buffers of this many elements.
const BUFSIZE: usize = 8192;

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
    pub fn name(self) -> &'static str {
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
    /// Reductions NumPy implements as `ufunc.reduce` (these accept axis 0 or
    /// -1 on a 0-d array, a NumPy legacy quirk).
    fn ufunc_like(self) -> bool {
        use ReduceOp::*;
        matches!(self, Sum | Prod | Min | Max | ArgMin | ArgMax | Any | All)
    }
}

/// Elementwise arithmetic of the kernels: wrapping for int64, IEEE for
/// floats; for bool `add`/`mul` are or/and and `sub` is `!=` (NumPy's diff).
pub(crate) trait Num: Typed {
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
}

impl Num for bool {
    fn add(self, o: bool) -> bool {
        self | o
    }
    fn sub(self, o: bool) -> bool {
        self != o
    }
    fn mul(self, o: bool) -> bool {
        self & o
    }
}
impl Num for i64 {
    fn add(self, o: i64) -> i64 {
        self.wrapping_add(o)
    }
    fn sub(self, o: i64) -> i64 {
        self.wrapping_sub(o)
    }
    fn mul(self, o: i64) -> i64 {
        self.wrapping_mul(o)
    }
}
impl Num for f32 {
    fn add(self, o: f32) -> f32 {
        self + o
    }
    fn sub(self, o: f32) -> f32 {
        self - o
    }
    fn mul(self, o: f32) -> f32 {
        self * o
    }
}
impl Num for f64 {
    fn add(self, o: f64) -> f64 {
        self + o
    }
    fn sub(self, o: f64) -> f64 {
        self - o
    }
    fn mul(self, o: f64) -> f64 {
        self * o
    }
}

pub(crate) trait Float: Num {
    fn sqrt(self) -> Self;
}
impl Float for f32 {
    fn sqrt(self) -> f32 {
        f32::sqrt(self)
    }
}
impl Float for f64 {
    fn sqrt(self) -> f64 {
        f64::sqrt(self)
    }
}

// ---------------------------------------------------------------------------
// Kernels on one contiguous row.

/// NumPy's pairwise summation of `f(x[i])` (same blocking and association,
/// so results are bit-identical to NumPy for contiguous data). Big inputs
/// recurse in parallel; the tree is the same, so the result is too.
fn pairwise<T: Float, F: Fn(T) -> T + Sync>(x: &[T], f: &F) -> T {
    let n = x.len();
    if n < 8 {
        let mut res = T::zero();
        for &v in x {
            res = res.add(f(v));
        }
        res
    } else if n <= PW_BLOCKSIZE {
        let mut r = [T::zero(); 8];
        for (rk, &v) in r.iter_mut().zip(x) {
            *rk = f(v);
        }
        let whole = n - n % 8;
        for blk in x[8..whole].chunks_exact(8) {
            for (rk, &v) in r.iter_mut().zip(blk) {
                *rk = rk.add(f(v));
            }
        }
        let mut res = (r[0].add(r[1]).add(r[2].add(r[3]))).add(r[4].add(r[5]).add(r[6].add(r[7])));
        for &v in &x[whole..] {
            res = res.add(f(v));
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        let (lo, hi) = x.split_at(n2);
        if n > PAR_THRESHOLD {
            let (a, b) = rayon::join(|| pairwise(lo, f), || pairwise(hi, f));
            a.add(b)
        } else {
            pairwise(lo, f).add(pairwise(hi, f))
        }
    }
}

/// Sum as NumPy's reduction loop does it: starting from 0, add the pairwise
/// sum of each `block`-long piece in turn (`block` 1 = plain sequential).
fn block_sum<T: Float, F: Fn(T) -> T + Sync>(row: &[T], block: usize, f: &F) -> T {
    let mut acc = T::zero();
    if block <= 1 {
        for &v in row {
            acc = acc.add(f(v));
        }
    } else {
        for piece in row.chunks(block) {
            acc = acc.add(pairwise(piece, f));
        }
    }
    acc
}

/// Fold a row in fixed `CHUNK` pieces (in parallel when long), then fold the
/// pieces in order. Only used where that equals the serial fold exactly
/// (wrapping integer sums/products, min/max), and the piecing is fixed, so
/// results never depend on the thread count.
fn chunked<T: Sync, R: Send>(
    row: &[T],
    seq: impl Fn(&[T]) -> R + Sync + Send,
    combine: impl Fn(Vec<R>) -> R,
) -> R {
    if row.len() > PAR_THRESHOLD {
        let parts: Vec<R> = row.par_chunks(CHUNK).map(&seq).collect();
        combine(parts)
    } else {
        seq(row)
    }
}

fn int_sum(row: &[i64]) -> i64 {
    let seq = |r: &[i64]| r.iter().fold(0i64, |a, &v| a.wrapping_add(v));
    chunked(row, seq, |p| {
        p.into_iter().fold(0i64, |a, v| a.wrapping_add(v))
    })
}

fn int_prod(row: &[i64]) -> i64 {
    let seq = |r: &[i64]| r.iter().fold(1i64, |a, &v| a.wrapping_mul(v));
    chunked(row, seq, |p| {
        p.into_iter().fold(1i64, |a, v| a.wrapping_mul(v))
    })
}

/// Float products stay sequential, as in NumPy (`multiply.reduce` has no
/// pairwise scheme), so the rounding matches NumPy exactly.
fn float_prod<T: Float>(row: &[T]) -> T {
    row.iter().fold(T::one(), |a, &v| a.mul(v))
}

/// Min or max with NaN propagation (the first NaN met wins); None if empty.
fn extreme<T: Typed>(row: &[T], max: bool) -> Option<T> {
    fn seq<T: Typed>(it: impl Iterator<Item = T>, max: bool) -> Option<T> {
        let mut m: Option<T> = None;
        for v in it {
            if v.is_nan() {
                return Some(v);
            }
            m = match m {
                Some(c) if (max && v > c) || (!max && v < c) => Some(v),
                Some(c) => Some(c),
                None => Some(v),
            };
        }
        m
    }
    chunked(
        row,
        |r| seq(r.iter().copied(), max),
        |p| seq(p.into_iter().flatten(), max),
    )
}

/// Index of the first min/max (a NaN counts as the extreme: the first NaN
/// wins, like NumPy). Row must be non-empty.
fn arg_extreme<T: Typed>(row: &[T], max: bool) -> i64 {
    fn better<T: Typed>(v: T, c: T, max: bool) -> bool {
        !c.is_nan() && (v.is_nan() || (max && v > c) || (!max && v < c))
    }
    fn seq<T: Typed>(it: impl Iterator<Item = (usize, T)>, max: bool) -> Option<(usize, T)> {
        let mut best: Option<(usize, T)> = None;
        for (i, v) in it {
            best = match best {
                Some((_, c)) if better(v, c, max) => Some((i, v)),
                Some(b) => Some(b),
                None => Some((i, v)),
            };
            if v.is_nan() {
                break;
            }
        }
        best
    }
    let r = if row.len() > PAR_THRESHOLD {
        let parts: Vec<Option<(usize, T)>> = row
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, piece)| {
                seq(
                    piece
                        .iter()
                        .copied()
                        .enumerate()
                        .map(|(i, v)| (c * CHUNK + i, v)),
                    max,
                )
            })
            .collect();
        seq(parts.into_iter().flatten(), max)
    } else {
        seq(row.iter().copied().enumerate(), max)
    };
    r.map(|(i, _)| i as i64).unwrap_or(0)
}

fn mean_of<T: Float>(row: &[T], block: usize) -> T {
    let s = block_sum(row, block, &|v| v);
    T::from_f64(s.to_f64() / row.len() as f64)
}

/// NumPy's two-pass `var`: mean, then the sum of squared deviations divided
/// by `max(n - ddof, 0)` (in float64, then rounded to the dtype). The mean
/// is summed with `mean_block` (NumPy's cast buffering for int input); the
/// deviations are already float64, so they use the plain `block`.
fn var_of<T: Float>(row: &[T], mean_block: usize, block: usize, ddof: f64) -> T {
    let m = mean_of(row, mean_block);
    let ss = block_sum(row, block, &|v: T| {
        let d = v.sub(m);
        d.mul(d)
    });
    let dof = row.len() as f64 - ddof;
    let dof = if dof < 0.0 { 0.0 } else { dof };
    T::from_f64(ss.to_f64() / dof)
}

/// NumPy's median: NaN if the row holds a NaN (or is empty); otherwise the
/// middle element, or the mean of the two middle ones.
fn median_of<T: Float>(row: &[T]) -> T {
    let n = row.len();
    if n == 0 || row.iter().any(|v| v.is_nan()) {
        return T::from_f64(f64::NAN);
    }
    let mut v = row.to_vec();
    let h = n / 2;
    let (left, mid, _) = v.select_nth_unstable_by(h, cmp_nl);
    let hi = *mid;
    if n % 2 == 1 {
        return T::zero().add(hi);
    }
    let lo = left.iter().copied().fold(None, |m: Option<T>, x| match m {
        Some(c) if c >= x => Some(c),
        _ => Some(x),
    });
    let s = T::zero().add(lo.unwrap_or(hi)).add(hi);
    T::from_f64(s.to_f64() / 2.0)
}

// ---------------------------------------------------------------------------
// Planning: which axes reduce, the output shape, the row layout.

struct Plan {
    red: Vec<bool>,
    /// Output shape (with keepdims applied).
    out_shape: Vec<usize>,
    /// Number of rows (output elements) and row length.
    outer: usize,
    inner: usize,
    /// NumPy's inner-loop length: the trailing run of reduced axes.
    block: usize,
}

fn plan(shape: &[usize], red: Vec<bool>, keepdims: bool) -> Plan {
    let mut out_shape = Vec::with_capacity(shape.len());
    let (mut outer, mut inner) = (1usize, 1usize);
    for (&d, &r) in shape.iter().zip(&red) {
        if r {
            inner = inner.saturating_mul(d);
            if keepdims {
                out_shape.push(1);
            }
        } else {
            outer = outer.saturating_mul(d);
            out_shape.push(d);
        }
    }
    let mut block = 1usize;
    for (&d, &r) in shape.iter().zip(&red).rev() {
        if !r {
            break;
        }
        block = block.saturating_mul(d);
    }
    Plan {
        red,
        out_shape,
        outer,
        inner,
        block,
    }
}

/// Resolve `axes` to a mask of reduced axes.
fn resolve_axes(axes: Option<&[i64]>, ndim: usize, ufunc_like: bool) -> Result<Vec<bool>> {
    match axes {
        None => Ok(vec![true; ndim]),
        Some([ax]) if ndim == 0 && ufunc_like && (*ax == 0 || *ax == -1) => Ok(Vec::new()),
        Some(ax) => norm_axes(ax, ndim, "duplicate value in 'axis'"),
    }
}

/// Apply `f` to every row (reduced elements in row-major order) of `x`.
fn rows<T, R, F>(x: &Arr<T>, p: &Plan, f: F) -> Vec<R>
where
    T: Typed,
    R: Send,
    F: Fn(&[T]) -> R + Sync + Send,
{
    let nd = x.ndim();
    let perm: Vec<usize> = (0..nd)
        .filter(|&i| !p.red[i])
        .chain((0..nd).filter(|&i| p.red[i]))
        .collect();
    let moved = x.view().permuted_axes(IxDyn(&perm));
    let std = moved.as_standard_layout();
    let data: Cow<'_, [T]> = match std.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(std.iter().copied().collect()),
    };
    if p.inner == 0 {
        return (0..p.outer).map(|_| f(&[])).collect();
    }
    if data.len() > PAR_THRESHOLD && p.outer > 1 {
        data.par_chunks(p.inner).map(&f).collect()
    } else {
        data.chunks(p.inner).map(&f).collect()
    }
}

fn no_identity(a: &Array, op: ReduceOp) -> Error {
    let (msg, what) = match op {
        ReduceOp::ArgMin | ReduceOp::ArgMax => (
            format!("attempt to get {} of an empty sequence", op.name()),
            op.name(),
        ),
        ReduceOp::Min => (
            "zero-size array to reduction operation minimum which has no identity".to_string(),
            "min",
        ),
        _ => (
            "zero-size array to reduction operation maximum which has no identity".to_string(),
            "max",
        ),
    };
    Error::value(msg)
        .label_arg(0, format!("shape {}", fmt_shape(a.shape())))
        .with_help(format!("{what} of an empty selection is undefined; check the size first, or reduce over non-empty axes"))
}

/// A reduction over `axes` (`None` = all axes). `ddof` is used by Var/Std.
///
/// ArgMin/ArgMax take a single axis (or `None`, meaning the flattened array).
pub fn reduce(
    a: &Array,
    op: ReduceOp,
    axes: Option<&[i64]>,
    keepdims: bool,
    ddof: f64,
) -> Result<Array> {
    use ReduceOp::*;
    if let (ArgMin | ArgMax, Some(ax)) = (op, axes) {
        if ax.len() != 1 {
            return Err(Error::type_(format!(
                "{} takes a single axis, not a tuple of {} axes",
                op.name(),
                ax.len()
            ))
            .with_help("pass one integer axis, or no axis to search the flattened array"));
        }
    }
    let red = resolve_axes(axes, a.ndim(), op.ufunc_like())?;
    let p = plan(a.shape(), red, keepdims);
    match op {
        Sum | Prod => {
            let prod = op == Prod;
            match a {
                Array::F32(x) => float_sum_prod(x, &p, prod),
                Array::F64(x) => float_sum_prod(x, &p, prod),
                _ => {
                    let x = cast::<i64>(a)?;
                    let v = rows(&x, &p, |r| if prod { int_prod(r) } else { int_sum(r) });
                    build(&p.out_shape, v)
                }
            }
        }
        Mean | Var | Std | Median => match a {
            Array::F32(x) => moments(x, &p, op, ddof, p.block),
            Array::F64(x) => moments(x, &p, op, ddof, p.block),
            // Casting input is summed by NumPy in buffers of BUFSIZE.
            _ => moments(&cast::<f64>(a)?, &p, op, ddof, p.block.min(BUFSIZE)),
        },
        Min | Max => {
            if p.inner == 0 {
                return Err(no_identity(a, op));
            }
            with_array!(a, x => {
                let v = rows(x, &p, |r| extreme(r, op == Max).unwrap_or_default());
                build(&p.out_shape, v)
            })
        }
        ArgMin | ArgMax => {
            if p.inner == 0 {
                return Err(no_identity(a, op));
            }
            with_array!(a, x => build(&p.out_shape, rows(x, &p, |r| arg_extreme(r, op == ArgMax))))
        }
        Any | All => with_array!(a, x => {
            let all = op == All;
            let v = rows(x, &p, |r| {
                if r.len() > PAR_THRESHOLD {
                    if all { r.par_iter().all(|v| v.to_bool()) } else { r.par_iter().any(|v| v.to_bool()) }
                } else if all {
                    r.iter().all(|v| v.to_bool())
                } else {
                    r.iter().any(|v| v.to_bool())
                }
            });
            build(&p.out_shape, v)
        }),
    }
}

fn float_sum_prod<T: Float>(x: &Arr<T>, p: &Plan, prod: bool) -> Result<Array> {
    let block = p.block;
    let v = rows(x, p, |r| {
        if prod {
            float_prod(r)
        } else {
            block_sum(r, block, &|v| v)
        }
    });
    build(&p.out_shape, v)
}

fn moments<T: Float>(
    x: &Arr<T>,
    p: &Plan,
    op: ReduceOp,
    ddof: f64,
    mean_block: usize,
) -> Result<Array> {
    let block = p.block;
    let v = rows(x, p, |r| match op {
        ReduceOp::Mean => mean_of(r, mean_block),
        ReduceOp::Var => var_of(r, mean_block, block, ddof),
        ReduceOp::Std => var_of(r, mean_block, block, ddof).sqrt(),
        _ => median_of(r),
    });
    build(&p.out_shape, v)
}

// ---------------------------------------------------------------------------
// Quantiles.

/// `np.quantile(a, q, axis, keepdims=...)` with the default linear method.
/// `q` may have any shape; its dims lead the result's shape. A float `q`
/// gives the dtype `promote(a, q)` (float64 for int `a`); an int/bool `q`
/// (only 0 or 1 are valid) picks elements and keeps `a`'s dtype, as NumPy.
///
/// Note: NumPy treats a Python-float `q` as "weak" (float32 data then stays
/// float32); callers wanting that should pass `q` cast to `a`'s float dtype.
pub fn quantile(a: &Array, q: &Array, axis: Option<&[i64]>, keepdims: bool) -> Result<Array> {
    let qv = q.to_f64_vec();
    if qv.iter().any(|x| !(0.0..=1.0).contains(x)) {
        return Err(Error::value("Quantiles must be in the range [0, 1]")
            .label_arg(1, "has a value outside [0, 1]")
            .with_help("for percentiles in [0, 100], divide by 100"));
    }
    let red = resolve_axes(axis, a.ndim(), false)?;
    let p = plan(a.shape(), red, keepdims);
    let mut out_shape = q.shape().to_vec();
    out_shape.extend_from_slice(&p.out_shape);
    check_dims(&out_shape)?;
    if !q.dtype().is_float() {
        let qi: Vec<i64> = q.to_i64_vec();
        return with_array!(a, x => quantile_take(x, &p, &qi, &out_shape));
    }
    if a.dtype() == DType::Bool {
        return Err(Error::type_(
            "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.",
        )
        .label_arg(0, "dtype bool")
        .with_help("quantile interpolates with subtraction; cast the array to int or float first"));
    }
    let q32 = q.dtype() == DType::F32;
    macro_rules! go {
        ($x:expr, $Q:ty, $R:ty) => {{
            let qs: Vec<$Q> = qv.iter().map(|&v| v as $Q).collect();
            quantile_lerp::<_, $Q, $R>($x, &p, &qs, &out_shape)
        }};
    }
    // Result dtype: promote(a, q) (int64 with float32 gives float64).
    match (a, q32) {
        (Array::F32(x), true) => go!(x, f32, f32),
        (Array::F32(x), false) => go!(x, f64, f64),
        (Array::I64(x), true) => go!(x, f32, f64),
        (Array::I64(x), false) => go!(x, f64, f64),
        (Array::F64(x), true) => go!(x, f32, f64),
        (Array::F64(x), false) => go!(x, f64, f64),
        (Array::Bool(_), _) => Err(internal("quantile")),
    }
}

fn empty_quantile(index: i64) -> Error {
    Error::index(format!(
        "index {index} is out of bounds for axis 0 with size 0"
    ))
    .label_arg(0, "empty along the reduced axes")
    .with_help("the quantile of an empty selection is undefined")
}

/// Sorted copy of a row (NaN last); stable so the result is deterministic.
fn sorted_row<T: Typed>(r: &[T]) -> Vec<T> {
    let mut v = r.to_vec();
    if v.len() > PAR_THRESHOLD {
        v.par_sort_by(cmp_nl);
    } else {
        v.sort_by(cmp_nl);
    }
    v
}

/// Arrange per-row results `[row][q]` into the q-leading output layout.
fn q_major<T: Copy>(per_row: Vec<Vec<T>>, nq: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(per_row.len() * nq);
    for k in 0..nq {
        out.extend(per_row.iter().filter_map(|r| r.get(k).copied()));
    }
    out
}

fn quantile_take<T: Typed>(x: &Arr<T>, p: &Plan, qi: &[i64], out_shape: &[usize]) -> Result<Array> {
    if p.outer > 0 && p.inner == 0 && !qi.is_empty() {
        return Err(empty_quantile(if qi[0] == 0 { 0 } else { -1 }));
    }
    let per_row = rows(x, p, |r| {
        let s = sorted_row(r);
        let n = s.len();
        let has_nan = s.last().is_some_and(|v| v.is_nan());
        qi.iter()
            .map(|&q| {
                let i = if q == 0 { 0 } else { n.saturating_sub(1) };
                let v = if has_nan { s.last() } else { s.get(i) };
                v.copied().unwrap_or_else(T::zero)
            })
            .collect::<Vec<T>>()
    });
    build(out_shape, q_major(per_row, qi.len()))
}

fn quantile_lerp<T: Num, Q: Float, R: Float>(
    x: &Arr<T>,
    p: &Plan,
    qs: &[Q],
    out_shape: &[usize],
) -> Result<Array> {
    if p.outer > 0 && p.inner == 0 && !qs.is_empty() {
        return Err(empty_quantile(-1));
    }
    let per_row = rows(x, p, |r| {
        let s = sorted_row(r);
        let has_nan = s.last().is_some_and(|v| v.is_nan());
        qs.iter()
            .map(|&q| {
                if has_nan {
                    R::from_f64(f64::NAN)
                } else {
                    lerp_one::<T, Q, R>(&s, q)
                }
            })
            .collect::<Vec<R>>()
    });
    build(out_shape, q_major(per_row, qs.len()))
}

/// One linear-method quantile of a sorted, NaN-free, non-empty row, with
/// NumPy's exact arithmetic: index math in q's dtype, the difference in the
/// data's dtype, the interpolation in the result dtype.
fn lerp_one<T: Num, Q: Float, R: Float>(s: &[T], q: Q) -> R {
    let n = s.len();
    let nm1 = Q::from_f64(n as f64 - 1.0);
    let vi = nm1.mul(q);
    let (mut prev, mut next) = (vi.to_f64().floor() as i64, vi.to_f64().floor() as i64 + 1);
    if vi >= nm1 {
        prev = -1;
        next = -1;
    }
    if vi < Q::zero() {
        prev = 0;
        next = 0;
    }
    let gamma = Q::from_f64(vi.to_f64() - prev as f64);
    let at = |i: i64| -> T {
        let j = if i < 0 { i + n as i64 } else { i };
        usize::try_from(j)
            .ok()
            .and_then(|j| s.get(j).copied())
            .unwrap_or_else(T::zero)
    };
    let (av, bv) = (at(prev), at(next));
    let diff = bv.sub(av);
    let (ar, br, dr) = (
        R::from_f64(av.to_f64()),
        R::from_f64(bv.to_f64()),
        R::from_f64(diff.to_f64()),
    );
    if gamma >= Q::from_f64(0.5) {
        let omt = R::from_f64(Q::one().sub(gamma).to_f64());
        br.sub(dr.mul(omt))
    } else {
        ar.add(dr.mul(R::from_f64(gamma.to_f64())))
    }
}

// ---------------------------------------------------------------------------
// Cumulative sums/products and differences.

/// `np.cumsum` / `np.cumprod` (`prod`), along `axis` (`None` flattens).
/// Bool and int accumulate in int64 (wrapping), floats in their own dtype.
pub fn cumulative(a: &Array, prod: bool, axis: Option<i64>) -> Result<Array> {
    let (src, ax) = match axis {
        None => (flatten(a), 0),
        Some(ax) if a.ndim() == 0 => (flatten(a), norm_axis(ax, 1)?),
        Some(ax) => (a.clone(), norm_axis(ax, a.ndim())?),
    };
    match &src {
        Array::F32(x) => scan(x, ax, prod),
        Array::F64(x) => scan(x, ax, prod),
        _ => scan(&cast::<i64>(&src)?, ax, prod),
    }
}

fn scan<T: Num>(x: &Arr<T>, ax: usize, prod: bool) -> Result<Array> {
    let r = map_lanes(&x.view(), ax, |inp: &[T], out: &mut [T]| {
        let mut acc: Option<T> = None;
        for (o, &v) in out.iter_mut().zip(inp) {
            let nv = match acc {
                None => v,
                Some(p) if prod => p.mul(v),
                Some(p) => p.add(v),
            };
            *o = nv;
            acc = Some(nv);
        }
    })?;
    Ok(Array::from_nd(r))
}

/// `np.diff(a, n, axis)`: the n-th discrete difference (bool: `!=`, like NumPy).
pub fn diff(a: &Array, n: usize, axis: i64) -> Result<Array> {
    if a.ndim() == 0 {
        return Err(
            Error::value("diff requires input that is at least one dimensional")
                .label_arg(0, "shape ()")
                .with_help("diff works along an axis; a 0-d array has none"),
        );
    }
    let ax = norm_axis(axis, a.ndim())?;
    if n == 0 {
        return Ok(a.clone());
    }
    Ok(map_array!(a, x => diff_t(x, n, ax)))
}

fn diff_t<T: Num>(x: &Arr<T>, n: usize, ax: usize) -> Arr<T> {
    let mut cur: ArrayD<T> = x.to_owned();
    for _ in 0..n {
        let len = cur.shape()[ax];
        if len == 0 {
            break;
        }
        let hi = cur.slice_axis(Axis(ax), Slice::from(1..));
        let lo = cur.slice_axis(Axis(ax), Slice::from(..len - 1));
        let next = Zip::from(hi).and(lo).map_collect(|&h, &l| h.sub(l));
        cur = next;
    }
    cur.into_shared()
}

#[cfg(test)]
mod tests {
    use super::super::shape_ops::testutil::*;
    use super::*;
    use crate::diagnostics::ErrorKind;

    /// Deterministic data, reproducible in NumPy as
    /// `((i * 7919) % 10007) / 97.0 - 50.0` for `i` in `arange(n)`.
    fn big_data(n: usize) -> Vec<f64> {
        (0..n as i64)
            .map(|i| ((i * 7919) % 10007) as f64 / 97.0 - 50.0)
            .collect()
    }

    fn one(r: Result<Array>) -> f64 {
        let r = r.expect("reduction");
        assert_eq!(r.ndim(), 0);
        r.to_f64_vec()[0]
    }

    /// Above the parallel threshold the results are still NumPy's, bit for bit
    /// (expected values from NumPy 2.4 on the same data).
    #[test]
    fn big_arrays_match_numpy_bitwise() {
        let x = Array::from_vec(&[300_001], big_data(300_001));
        let x32 = x.astype(DType::F32);
        assert_eq!(
            one(reduce(&x, ReduceOp::Sum, None, false, 0.0)),
            473257.1649484536
        );
        assert_eq!(
            one(reduce(&x32, ReduceOp::Sum, None, false, 0.0)),
            473257.125
        );
        assert_eq!(
            one(reduce(&x, ReduceOp::Mean, None, false, 0.0)),
            1.5775186247660962
        );
        assert_eq!(
            one(reduce(&x, ReduceOp::Var, None, false, 0.0)),
            886.9227062445294
        );
        assert_eq!(
            one(reduce(&x32, ReduceOp::Std, None, false, 0.0)),
            29.781246185302734
        );
        assert_eq!(
            one(reduce(&x32, ReduceOp::Var, None, false, 1.0)),
            886.9256591796875
        );
        assert_eq!(one(reduce(&x, ReduceOp::Min, None, false, 0.0)), -50.0);
        assert_eq!(
            one(reduce(&x, ReduceOp::Max, None, false, 0.0)),
            53.15463917525773
        );
        assert_eq!(one(reduce(&x, ReduceOp::ArgMin, None, false, 0.0)), 0.0);
        assert_eq!(one(reduce(&x, ReduceOp::ArgMax, None, false, 0.0)), 1040.0);
        assert_eq!(
            one(reduce(&x, ReduceOp::Median, None, false, 0.0)),
            1.577319587628864
        );
        let q = Array::scalar(crate::array::Scalar::F64(0.3));
        assert_eq!(one(quantile(&x, &q, None, false)), -19.051546391752577);

        let flat = Array::from_vec(&[300_000], big_data(300_000));
        let rows3 = flat.reshape(&[3, 100_000]).expect("reshape");
        let r = reduce(&rows3, ReduceOp::Sum, Some(&[-1]), false, 0.0).expect("sum");
        chk(
            "rows sum",
            &r,
            "float64",
            &[3],
            &[157782.6597938144, 157740.94845360823, 157699.23711340205],
        );
        let r = reduce(
            &rows3.astype(DType::F32),
            ReduceOp::Mean,
            Some(&[1]),
            false,
            0.0,
        )
        .expect("mean");
        chk(
            "rows mean f32",
            &r,
            "float32",
            &[3],
            &[1.5778266191482544, 1.5774093866348267, 1.576992392539978],
        );
        let cols = flat.reshape(&[100_000, 3]).expect("reshape");
        let r = reduce(&cols, ReduceOp::Sum, Some(&[0]), false, 0.0).expect("sum");
        chk(
            "cols sum",
            &r,
            "float64",
            &[3],
            &[157884.78350515474, 157637.78350515463, 157700.27835051573],
        );
        let r = reduce(&cols, ReduceOp::Var, Some(&[0]), false, 0.0).expect("var");
        chk(
            "cols var",
            &r,
            "float64",
            &[3],
            &[886.92488334201, 886.9229913173725, 886.9183895361651],
        );

        let ints: Vec<i64> = (0..300_001i64).map(|i| (i * 7919) % 10007 - 5000).collect();
        let xi = Array::from_vec(&[300_001], ints);
        assert_eq!(
            reduce(&xi, ReduceOp::Sum, None, false, 0.0)
                .expect("isum")
                .to_i64_vec(),
            vec![905795]
        );
        assert_eq!(
            one(reduce(&xi, ReduceOp::Mean, None, false, 0.0)),
            3.0193066023113255
        );
        assert_eq!(
            one(reduce(&xi, ReduceOp::Var, None, false, 0.0)),
            8345055.743054777
        );

        let c = cumulative(&x, false, None).expect("cumsum").to_f64_vec();
        assert_eq!(c[300_000], 473257.16494845354);
        assert_eq!(c[150_000], 236676.2989690724);
    }

    /// NumPy's pairwise summation, serial and written independently.
    fn serial_pairwise(x: &[f64]) -> f64 {
        let n = x.len();
        if n < 8 {
            x.iter().fold(0.0, |a, &v| a + v)
        } else if n <= 128 {
            let mut r = [0.0f64; 8];
            r.copy_from_slice(&x[..8]);
            let mut i = 8;
            while i < n - n % 8 {
                for k in 0..8 {
                    r[k] += x[i + k];
                }
                i += 8;
            }
            let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            while i < n {
                res += x[i];
                i += 1;
            }
            res
        } else {
            let mut n2 = n / 2;
            n2 -= n2 % 8;
            serial_pairwise(&x[..n2]) + serial_pairwise(&x[n2..])
        }
    }

    fn same(a: &Array, b: &Array) -> bool {
        a.dtype() == b.dtype()
            && a.shape() == b.shape()
            && a.to_f64_vec()
                .iter()
                .zip(b.to_f64_vec())
                .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    /// The parallel paths (long rows, many rows) equal serial references and
    /// do not depend on the number of threads.
    #[test]
    fn parallel_path_equals_serial_reference() {
        let n = 1 << 18;
        let mut data = big_data(n + 5);
        data[200_000] = 99.5; // a late unique maximum, in a later chunk
        data[70_000] = -60.0; // unique minimum
        let x = Array::from_vec(&[n + 5], data.clone());

        // Serial references.
        let sum_ref = 0.0 + serial_pairwise(&data);
        let mean_ref = sum_ref / data.len() as f64;
        let ss: Vec<f64> = data
            .iter()
            .map(|v| (v - mean_ref) * (v - mean_ref))
            .collect();
        let var_ref = (0.0 + serial_pairwise(&ss)) / data.len() as f64;
        assert_eq!(one(reduce(&x, ReduceOp::Sum, None, false, 0.0)), sum_ref);
        assert_eq!(one(reduce(&x, ReduceOp::Mean, None, false, 0.0)), mean_ref);
        assert_eq!(one(reduce(&x, ReduceOp::Var, None, false, 0.0)), var_ref);
        assert_eq!(one(reduce(&x, ReduceOp::Max, None, false, 0.0)), 99.5);
        assert_eq!(one(reduce(&x, ReduceOp::Min, None, false, 0.0)), -60.0);
        assert_eq!(
            one(reduce(&x, ReduceOp::ArgMax, None, false, 0.0)),
            200_000.0
        );
        assert_eq!(
            one(reduce(&x, ReduceOp::ArgMin, None, false, 0.0)),
            70_000.0
        );
        let prod_ref = data[..1000]
            .iter()
            .fold(1.0, |a, &v| a * (1.0 + v / 1000.0));
        let p = Array::from_vec(
            &[1000],
            data[..1000]
                .iter()
                .map(|v| 1.0 + v / 1000.0)
                .collect::<Vec<f64>>(),
        );
        assert_eq!(one(reduce(&p, ReduceOp::Prod, None, false, 0.0)), prod_ref);

        // NaN propagation and first-NaN argmax across chunks.
        let mut with_nan = data.clone();
        with_nan[150_000] = f64::NAN;
        with_nan[250_000] = f64::NAN;
        let xn = Array::from_vec(&[n + 5], with_nan);
        assert!(one(reduce(&xn, ReduceOp::Max, None, false, 0.0)).is_nan());
        assert_eq!(
            one(reduce(&xn, ReduceOp::ArgMin, None, false, 0.0)),
            150_000.0
        );

        // Integer sums wrap identically in any grouping.
        let ints: Vec<i64> = (0..n as i64).map(|i| i64::MAX - i * 3).collect();
        let int_ref = ints.iter().fold(0i64, |a, &v| a.wrapping_add(v));
        let prod_ref = ints.iter().fold(1i64, |a, &v| a.wrapping_mul(v));
        let xi = Array::from_vec(&[n], ints);
        assert_eq!(
            reduce(&xi, ReduceOp::Sum, None, false, 0.0)
                .expect("sum")
                .to_i64_vec(),
            vec![int_ref]
        );
        assert_eq!(
            reduce(&xi, ReduceOp::Prod, None, false, 0.0)
                .expect("prod")
                .to_i64_vec(),
            vec![prod_ref]
        );

        // Many rows, each reduced serially by hand.
        let m = x.reshape(&[n + 5]).expect("reshape");
        for (k, len) in [(4usize, 65_000usize), (2, 130_000)] {
            let rows = concat_rows(&m, k, len);
            let r = reduce(&rows, ReduceOp::Sum, Some(&[1]), false, 0.0).expect("rows");
            let want: Vec<f64> = (0..k)
                .map(|j| 0.0 + serial_pairwise(&data[j * len..(j + 1) * len]))
                .collect();
            chk("row sums", &r, "float64", &[k], &want);
            let r = reduce(&rows, ReduceOp::ArgMax, Some(&[1]), false, 0.0).expect("rows");
            let want: Vec<f64> = (0..k)
                .map(|j| {
                    let row = &data[j * len..(j + 1) * len];
                    let mut best = 0;
                    for (i, &v) in row.iter().enumerate() {
                        if v > row[best] {
                            best = i;
                        }
                    }
                    best as f64
                })
                .collect();
            chk("row argmax", &r, "int64", &[k], &want);
        }
        let rows = concat_rows(&m, 2, 130_000);

        // Thread count does not matter.
        let ops = [
            ReduceOp::Sum,
            ReduceOp::Prod,
            ReduceOp::Mean,
            ReduceOp::Var,
            ReduceOp::Std,
            ReduceOp::Min,
            ReduceOp::Max,
            ReduceOp::ArgMin,
            ReduceOp::ArgMax,
            ReduceOp::Any,
            ReduceOp::All,
            ReduceOp::Median,
        ];
        let x32 = x.astype(DType::F32);
        let run = |threads: usize| -> Vec<Array> {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            pool.install(|| {
                let mut out = Vec::new();
                for op in ops {
                    for a in [&x, &x32, &xn, &xi, &rows] {
                        out.push(reduce(a, op, None, false, 0.0).expect("full"));
                        out.push(reduce(a, op, Some(&[-1]), false, 0.0).expect("last axis"));
                    }
                    out.push(reduce(&rows, op, Some(&[0]), false, 0.0).expect("axis 0"));
                }
                let q = Array::from_vec(&[3], vec![0.1, 0.5, 0.99]);
                out.push(quantile(&x, &q, None, false).expect("quantile"));
                out.push(cumulative(&x, false, None).expect("cumsum"));
                out
            })
        };
        let one_thread = run(1);
        let three = run(3);
        assert_eq!(one_thread.len(), three.len());
        for (i, (a, b)) in one_thread.iter().zip(&three).enumerate() {
            assert!(same(a, b), "result {i} differs between 1 and 3 threads");
        }
    }

    fn concat_rows(x: &Array, k: usize, len: usize) -> Array {
        let v = x.to_f64_vec();
        Array::from_vec(&[k, len], v[..k * len].to_vec())
    }

    #[test]
    fn integer_overflow_wraps() {
        let a = Array::from_vec(&[3], vec![i64::MAX, 1, 1]);
        assert_eq!(
            reduce(&a, ReduceOp::Sum, None, false, 0.0)
                .expect("sum")
                .to_i64_vec(),
            vec![i64::MIN + 1]
        );
        let b = Array::from_vec(&[2], vec![i64::MAX, 2]);
        assert_eq!(
            reduce(&b, ReduceOp::Prod, None, false, 0.0)
                .expect("prod")
                .to_i64_vec(),
            vec![-2]
        );
        assert_eq!(
            cumulative(&a, false, None).expect("cumsum").to_i64_vec(),
            vec![i64::MAX, i64::MIN, i64::MIN + 1]
        );
        assert_eq!(
            cumulative(&b, true, None).expect("cumprod").to_i64_vec(),
            vec![i64::MAX, -2]
        );
        let c = Array::from_vec(&[2], vec![i64::MIN, i64::MAX]);
        assert_eq!(diff(&c, 1, 0).expect("diff").to_i64_vec(), vec![-1]);
        assert_eq!(diff(&c, usize::MAX, 0).expect("diff").shape(), &[0]);
        let q = Array::from_vec(&[1], vec![0.5]);
        let r = quantile(&c, &q, None, false).expect("quantile");
        // NumPy: the int64 difference wraps to -1; gamma 0.5 takes b - diff * 0.5.
        assert_eq!(r.to_f64_vec(), vec![i64::MAX as f64 + 0.5]);
    }

    /// Strided, transposed and reversed inputs give the same results as
    /// their contiguous copies.
    #[test]
    fn non_contiguous_inputs() {
        let base = Array::from_vec(&[4, 5, 6], big_data(120));
        let t = base.permuted(&[2, 0, 1]);
        let f = crate::array::shape_ops::flip(&base, Some(&[1])).expect("flip");
        for a in [t, f] {
            let c = a.to_contiguous();
            for op in [
                ReduceOp::Sum,
                ReduceOp::Var,
                ReduceOp::Max,
                ReduceOp::ArgMin,
                ReduceOp::Median,
                ReduceOp::Prod,
            ] {
                for axes in [None, Some(&[0i64][..]), Some(&[2][..]), Some(&[1, 2][..])] {
                    if matches!(op, ReduceOp::ArgMin) && axes.is_some_and(|x| x.len() > 1) {
                        continue;
                    }
                    let x = reduce(&a, op, axes, true, 0.0).expect("strided");
                    let y = reduce(&c, op, axes, true, 0.0).expect("contiguous");
                    assert!(same(&x, &y), "{op:?} {axes:?}");
                }
            }
            assert!(same(
                &cumulative(&a, false, Some(1)).expect("c"),
                &cumulative(&c, false, Some(1)).expect("c")
            ));
            assert!(same(
                &diff(&a, 2, 0).expect("d"),
                &diff(&c, 2, 0).expect("d")
            ));
            let q = Array::from_vec(&[2], vec![0.25, 0.75]);
            assert!(same(
                &quantile(&a, &q, Some(&[0, 2]), false).expect("q"),
                &quantile(&c, &q, Some(&[0, 2]), false).expect("q")
            ));
        }
    }

    #[test]
    fn error_details() {
        let e = mk("float64", &[0, 3], &[]);
        let err = reduce(&e, ReduceOp::Min, None, false, 0.0).expect_err("min of empty");
        assert_eq!(err.kind, ErrorKind::Value);
        assert_eq!(
            err.message,
            "zero-size array to reduction operation minimum which has no identity"
        );
        assert!(!err.labels.is_empty() && err.help.is_some());
        let err =
            reduce(&e, ReduceOp::ArgMax, Some(&[0]), false, 0.0).expect_err("argmax of empty");
        assert_eq!(err.message, "attempt to get argmax of an empty sequence");
        let a = mk("int64", &[2, 3], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(
            err_kind(reduce(&a, ReduceOp::ArgMax, Some(&[0, 1]), false, 0.0)),
            ErrorKind::Type
        );
        assert_eq!(
            err_kind(reduce(&a, ReduceOp::ArgMax, Some(&[]), false, 0.0)),
            ErrorKind::Type
        );
        let err = reduce(&a, ReduceOp::Sum, Some(&[1, -1]), false, 0.0).expect_err("duplicate");
        assert_eq!(err.message, "duplicate value in 'axis'");
        let err = reduce(&a, ReduceOp::Sum, Some(&[-3]), false, 0.0).expect_err("out of range");
        assert_eq!(
            err.message,
            "axis -3 is out of bounds for an array of dimension 2"
        );
        let q = mk("float64", &[2], &[0.5, 1.5]);
        let err = quantile(&a, &q, None, false).expect_err("bad q");
        assert_eq!(err.message, "Quantiles must be in the range [0, 1]");
        assert_eq!(
            err.labels.first().map(|l| l.0),
            Some(crate::diagnostics::At::Arg(1))
        );
        // Mean of an empty array is NaN, sum 0, prod 1, any false, all true.
        let z = mk("int64", &[0], &[]);
        assert!(one(reduce(&z, ReduceOp::Mean, None, false, 0.0)).is_nan());
        assert_eq!(one(reduce(&z, ReduceOp::Sum, None, false, 0.0)), 0.0);
        assert_eq!(one(reduce(&z, ReduceOp::Prod, None, false, 0.0)), 1.0);
        assert_eq!(
            reduce(&z, ReduceOp::Any, None, false, 0.0)
                .expect("any")
                .to_f64_vec(),
            vec![0.0]
        );
        assert_eq!(
            reduce(&z, ReduceOp::All, None, false, 0.0)
                .expect("all")
                .to_f64_vec(),
            vec![1.0]
        );
        assert_eq!(ReduceOp::Median.name(), "median");
    }
}
