//! Joining, splitting and rearranging arrays: `concatenate`, `stack`,
//! `vstack`, `hstack`, `split`, `tile`, `repeat`, `flip`, `roll`, `squeeze`,
//! `expand_dims`, `flatten` (NumPy 2 semantics).
//!
//! Also home of the small typed-access helpers (`Typed`, `cast`, `build`,
//! `to_vec_c`, `map_lanes`) that the reduction and sorting modules share.

use super::{check_size, dtype::promote, fmt_shape, norm_axis, Arr, Array, DType, Element};
use crate::diagnostics::{Error, Result};
use crate::{map_array, with_array};
use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Slice};
use rayon::prelude::*;
use std::cmp::Ordering;

/// Element counts above which lane-wise work is spread over rayon threads.
pub(crate) const PAR_THRESHOLD: usize = 1 << 16;

/// Typed access to one variant of `Array`, plus the NaN test the sorting and
/// reduction kernels need.
pub(crate) trait Typed: Element + PartialOrd {
    /// The typed ndarray if `a` holds this element type.
    fn take(a: Array) -> Option<Arr<Self>>;
    fn is_nan(self) -> bool {
        false
    }
}

impl Typed for bool {
    fn take(a: Array) -> Option<Arr<bool>> {
        match a {
            Array::Bool(x) => Some(x),
            _ => None,
        }
    }
}
impl Typed for i64 {
    fn take(a: Array) -> Option<Arr<i64>> {
        match a {
            Array::I64(x) => Some(x),
            _ => None,
        }
    }
}
impl Typed for f32 {
    fn take(a: Array) -> Option<Arr<f32>> {
        match a {
            Array::F32(x) => Some(x),
            _ => None,
        }
    }
    fn is_nan(self) -> bool {
        f32::is_nan(self)
    }
}
impl Typed for f64 {
    fn take(a: Array) -> Option<Arr<f64>> {
        match a {
            Array::F64(x) => Some(x),
            _ => None,
        }
    }
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
}

/// NumPy's sort order: NaN after everything else (NaNs equal each other;
/// -0.0 equals 0.0).
pub(crate) fn cmp_nl<T: Typed>(a: &T, b: &T) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

pub(crate) fn internal(what: &str) -> Error {
    Error::value(format!("internal error in {what}"))
}

/// `a` converted to `T`'s dtype (NumPy unsafe cast), typed.
pub(crate) fn cast<T: Typed>(a: &Array) -> Result<Arr<T>> {
    T::take(a.astype(T::DTYPE)).ok_or_else(|| internal("cast"))
}

/// An `Array` of `shape` from row-major data (errors instead of panicking if
/// the length is wrong).
pub(crate) fn build<T: Element>(shape: &[usize], v: Vec<T>) -> Result<Array> {
    ArrayD::from_shape_vec(IxDyn(shape), v)
        .map(Array::from_nd)
        .map_err(|_| internal("build"))
}

/// All elements in row-major (logical) order.
pub(crate) fn to_vec_c<T: Element>(a: &ArrayViewD<'_, T>) -> Vec<T> {
    match a.as_slice() {
        Some(s) => s.to_vec(),
        None => a.iter().copied().collect(),
    }
}

/// Apply `f` to every 1-d lane along `axis` (each copied into a contiguous
/// buffer), writing an output lane of the same length; the result has `a`'s
/// shape in standard layout. Lanes are processed in parallel for big arrays
/// (each lane independently, so the result does not depend on threading).
/// Ctrl-C stops it with an `Interrupted` error.
pub(crate) fn map_lanes<T, U, F>(a: &ArrayViewD<'_, T>, axis: usize, f: F) -> Result<ArrayD<U>>
where
    T: Element,
    U: Element,
    F: Fn(&[T], &mut [U]) + Sync + Send,
{
    let nd = a.ndim();
    if axis >= nd {
        return Err(internal("map_lanes"));
    }
    let perm: Vec<usize> = (0..nd)
        .filter(|&i| i != axis)
        .chain(std::iter::once(axis))
        .collect();
    let moved = a.view().permuted_axes(IxDyn(&perm));
    let moved_shape = moved.shape().to_vec();
    let data = to_vec_c(&moved);
    let n = a.shape().get(axis).copied().unwrap_or(0);
    let mut out = vec![U::zero(); data.len()];
    if n > 0 {
        if data.len() > PAR_THRESHOLD {
            // Lanes after a Ctrl-C are skipped (and `f` may stop early).
            data.par_chunks(n)
                .zip(out.par_chunks_mut(n))
                .for_each(|(x, y)| {
                    if !crate::interrupt::interrupt_pending() {
                        f(x, y)
                    }
                });
        } else {
            data.chunks(n)
                .zip(out.chunks_mut(n))
                .for_each(|(x, y)| f(x, y));
        }
    }
    crate::interrupt::check_interrupted()?;
    let res =
        ArrayD::from_shape_vec(IxDyn(&moved_shape), out).map_err(|_| internal("map_lanes"))?;
    let mut inv = vec![0usize; nd];
    for (i, &p) in perm.iter().enumerate() {
        inv[p] = i;
    }
    let back = res.permuted_axes(IxDyn(&inv));
    Ok(if back.is_standard_layout() {
        back
    } else {
        back.as_standard_layout().into_owned()
    })
}

/// `check_size` for an output shape, also rejecting absurd dimensions hidden
/// behind a zero-length axis (ndarray limits every non-zero product).
pub(crate) fn check_dims(shape: &[usize]) -> Result<usize> {
    let nonzero: Vec<usize> = shape.iter().copied().filter(|&d| d != 0).collect();
    check_size(&nonzero)?;
    check_size(shape)
}

/// Normalise a list of axes; a repeated axis is an error with `dup_msg`.
pub(crate) fn norm_axes(axes: &[i64], ndim: usize, dup_msg: &str) -> Result<Vec<bool>> {
    let mut seen = vec![false; ndim];
    for &ax in axes {
        let a = norm_axis(ax, ndim)?;
        if seen[a] {
            return Err(Error::value(dup_msg.to_string()).with_help(format!(
                "axis {ax} refers to dimension {a}, which is already listed"
            )));
        }
        seen[a] = true;
    }
    Ok(seen)
}

fn common_dtype(arrays: &[Array]) -> DType {
    let mut it = arrays.iter().map(|a| a.dtype());
    let first = it.next().unwrap_or(DType::F64);
    it.fold(first, promote)
}

fn concat_typed<T: Typed>(arrays: &[Array], axis: usize) -> Result<Array> {
    let typed: Vec<Arr<T>> = arrays.iter().map(cast::<T>).collect::<Result<_>>()?;
    let views: Vec<ArrayViewD<'_, T>> = typed.iter().map(|a| a.view()).collect();
    let r = ndarray::concatenate(Axis(axis), &views).map_err(|e| Error::shape(e.to_string()))?;
    Ok(Array::from_nd(r))
}

/// `np.concatenate`: join along an existing axis (`None` flattens every input
/// first). The result dtype is the promotion of all input dtypes.
pub fn concatenate(arrays: &[Array], axis: Option<i64>) -> Result<Array> {
    let Some(first) = arrays.first() else {
        return Err(Error::value("need at least one array to concatenate")
            .with_help("pass a non-empty list of arrays"));
    };
    let dt = common_dtype(arrays);
    let Some(axis) = axis else {
        let flat: Vec<Array> = arrays.iter().map(flatten).collect();
        let total = flat
            .iter()
            .try_fold(0usize, |acc, a| acc.checked_add(a.len()));
        check_dims(&[total.unwrap_or(usize::MAX)])?;
        return match dt {
            DType::Bool => concat_typed::<bool>(&flat, 0),
            DType::I64 => concat_typed::<i64>(&flat, 0),
            DType::F32 => concat_typed::<f32>(&flat, 0),
            DType::F64 => concat_typed::<f64>(&flat, 0),
        };
    };
    let nd = first.ndim();
    if nd == 0 {
        let i = arrays.iter().position(|a| a.ndim() == 0).unwrap_or(0);
        return Err(
            Error::value("zero-dimensional arrays cannot be concatenated")
                .label_arg(i, "shape ()")
                .with_help(
                    "use stack to join scalars into a new axis, or concatenate with axis=None",
                ),
        );
    }
    let ax = norm_axis(axis, nd)?;
    let s0 = first.shape();
    let mut total = s0[ax];
    for (i, a) in arrays.iter().enumerate().skip(1) {
        let s = a.shape();
        if s.len() != nd {
            return Err(Error::shape(format!(
                "all the input arrays must have same number of dimensions, but the array at index 0 has {} dimension(s) and the array at index {} has {} dimension(s)",
                nd,
                i,
                s.len()
            ))
            .label_arg(0, format!("shape {}", fmt_shape(s0)))
            .label_arg(i, format!("shape {}", fmt_shape(s)))
            .with_help("concatenate joins along an existing axis, so every input needs the same number of dimensions"));
        }
        for d in 0..nd {
            if d != ax && s[d] != s0[d] {
                return Err(Error::shape(format!(
                    "all the input array dimensions except for the concatenation axis must match exactly, but along dimension {}, the array at index 0 has size {} and the array at index {} has size {}",
                    d, s0[d], i, s[d]
                ))
                .label_arg(0, format!("shape {}", fmt_shape(s0)))
                .label_arg(i, format!("shape {}", fmt_shape(s)))
                .with_help(format!("all dimensions except axis {ax} must match")));
            }
        }
        total = total.saturating_add(s[ax]);
    }
    let mut out_shape = s0.to_vec();
    out_shape[ax] = total;
    check_dims(&out_shape)?;
    match dt {
        DType::Bool => concat_typed::<bool>(arrays, ax),
        DType::I64 => concat_typed::<i64>(arrays, ax),
        DType::F32 => concat_typed::<f32>(arrays, ax),
        DType::F64 => concat_typed::<f64>(arrays, ax),
    }
}

/// `np.stack`: join equal-shaped arrays along a new axis.
pub fn stack(arrays: &[Array], axis: i64) -> Result<Array> {
    let Some(first) = arrays.first() else {
        return Err(Error::value("need at least one array to stack")
            .with_help("pass a non-empty list of arrays"));
    };
    let s0 = first.shape();
    for (i, a) in arrays.iter().enumerate().skip(1) {
        if a.shape() != s0 {
            return Err(Error::shape("all input arrays must have the same shape")
                .label_arg(0, format!("shape {}", fmt_shape(s0)))
                .label_arg(i, format!("shape {}", fmt_shape(a.shape())))
                .with_help("stack adds a new axis, so every input must have exactly the same shape; use concatenate to join along an existing axis"));
        }
    }
    let ax = norm_axis(axis, first.ndim() + 1)?;
    let expanded: Vec<Array> = arrays
        .iter()
        .map(|a| map_array!(a, x => x.clone().insert_axis(Axis(ax))))
        .collect();
    concatenate(&expanded, Some(ax as i64))
}

fn at_least(a: &Array, nd: usize) -> Result<Array> {
    let s = a.shape();
    if s.len() >= nd {
        return Ok(a.clone());
    }
    // atleast_2d puts a 1-d array in a row: (n,) -> (1, n).
    let mut shape = vec![1usize; nd - s.len()];
    shape.extend_from_slice(s);
    a.reshape(&shape)
}

/// `np.vstack`: 1-d inputs become rows, then concatenate along axis 0.
pub fn vstack(arrays: &[Array]) -> Result<Array> {
    let v: Vec<Array> = arrays
        .iter()
        .map(|a| at_least(a, 2))
        .collect::<Result<_>>()?;
    concatenate(&v, Some(0))
}

/// `np.hstack`: concatenate along axis 1 (axis 0 for 1-d inputs).
pub fn hstack(arrays: &[Array]) -> Result<Array> {
    let v: Vec<Array> = arrays
        .iter()
        .map(|a| at_least(a, 1))
        .collect::<Result<_>>()?;
    let axis = match v.first() {
        Some(a) if a.ndim() == 1 => 0,
        _ => 1,
    };
    concatenate(&v, Some(axis))
}

/// How to split: into N equal sections, or at the given indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitSpec {
    Sections(usize),
    Indices(Vec<i64>),
}

/// Python slice-bound normalisation for `a[start:end]` on a length-`n` axis.
fn clamp_index(i: i64, n: usize) -> usize {
    let n_i = n as i64;
    if i < 0 {
        (i + n_i).max(0) as usize
    } else {
        (i.min(n_i)) as usize
    }
}

/// `np.split`: views of `a` along `axis`.
pub fn split(a: &Array, spec: &SplitSpec, axis: i64) -> Result<Vec<Array>> {
    let ax = norm_axis(axis, a.ndim())?;
    let n = a.shape()[ax];
    let bounds: Vec<(usize, usize)> = match spec {
        SplitSpec::Sections(0) => {
            return Err(Error::value("number sections must be larger than 0.")
                .label_arg(1, "0 sections")
                .with_help("ask for at least one section"));
        }
        SplitSpec::Sections(s) => {
            let s = *s;
            if !n.is_multiple_of(s) {
                return Err(Error::shape("array split does not result in an equal division")
                    .label_arg(0, format!("shape {}", fmt_shape(a.shape())))
                    .with_help(format!(
                        "axis {ax} has length {n}, which is not divisible by {s}; pass split indices to split unevenly"
                    )));
            }
            let step = n / s;
            (0..s).map(|i| (i * step, (i + 1) * step)).collect()
        }
        SplitSpec::Indices(idx) => {
            let mut pts = Vec::with_capacity(idx.len() + 2);
            pts.push(0usize);
            pts.extend(idx.iter().map(|&i| clamp_index(i, n)));
            pts.push(n);
            pts.windows(2).map(|w| (w[0], w[1].max(w[0]))).collect()
        }
    };
    Ok(bounds
        .into_iter()
        .map(|(st, end)| {
            map_array!(a, x => {
                let mut v = x.clone();
                v.slice_axis_inplace(Axis(ax), Slice::from(st..end));
                v
            })
        })
        .collect())
}

fn tile_typed<T: Element>(
    x: &Arr<T>,
    nd: usize,
    reps: &[usize],
    out_shape: &[usize],
) -> Result<Array> {
    let s = x.shape();
    // Interleave: source shape (1, s0, 1, s1, ...) broadcast to (r0, s0, r1, s1, ...).
    let mut src = Vec::with_capacity(2 * nd);
    let mut big = Vec::with_capacity(2 * nd);
    for i in 0..nd {
        let si = if i < nd - s.len() {
            1
        } else {
            s[i - (nd - s.len())]
        };
        src.extend_from_slice(&[1, si]);
        big.extend_from_slice(&[reps[i], si]);
    }
    let base = x.view().into_shape_with_order(IxDyn(&src));
    let data: Vec<T> = match base {
        Ok(v) => match v.broadcast(IxDyn(&big)) {
            Some(b) => b.iter().copied().collect(),
            None => return Err(internal("tile")),
        },
        Err(_) => {
            let flat: Vec<T> = x.iter().copied().collect();
            let v =
                ndarray::ArrayView::from_shape(IxDyn(&src), &flat).map_err(|_| internal("tile"))?;
            match v.broadcast(IxDyn(&big)) {
                Some(b) => b.iter().copied().collect(),
                None => return Err(internal("tile")),
            }
        }
    };
    build(out_shape, data)
}

/// `np.tile`: repeat the whole array `reps[i]` times along each axis (reps
/// shorter than `a.ndim()` are padded with leading 1s, and vice versa).
pub fn tile(a: &Array, reps: &[usize]) -> Result<Array> {
    let s = a.shape();
    let nd = s.len().max(reps.len());
    let reps_p: Vec<usize> = std::iter::repeat_n(1, nd - reps.len())
        .chain(reps.iter().copied())
        .collect();
    let mut out_shape = Vec::with_capacity(nd);
    for i in 0..nd {
        let si = if i < nd - s.len() {
            1
        } else {
            s[i - (nd - s.len())]
        };
        out_shape.push(si.saturating_mul(reps_p[i]));
    }
    check_dims(&out_shape)?;
    if out_shape.contains(&0) {
        return Array::zeros(&out_shape, a.dtype());
    }
    with_array!(a, x => tile_typed(x, nd, &reps_p, &out_shape))
}

/// `np.repeat`: repeat each element (`axis` None: of the flattened array)
/// `repeats` times; `repeats` is a scalar or one count per element.
pub fn repeat(a: &Array, repeats: &Array, axis: Option<i64>) -> Result<Array> {
    if repeats.dtype().is_float() {
        return Err(Error::type_(format!(
            "Cannot cast array data from dtype('{}') to dtype('int64') according to the rule 'safe'",
            repeats.dtype()
        ))
        .label_arg(1, format!("dtype {}", repeats.dtype()))
        .with_help("repeat counts must be integers"));
    }
    if repeats.ndim() > 1 {
        return Err(Error::value("object too deep for desired array")
            .label_arg(1, format!("shape {}", fmt_shape(repeats.shape())))
            .with_help("repeats must be a scalar or a 1-d array"));
    }
    let (src, ax) = match axis {
        None => (flatten(a), 0),
        Some(ax) if a.ndim() == 0 => (flatten(a), norm_axis(ax, 1)?),
        Some(ax) => (a.clone(), norm_axis(ax, a.ndim())?),
    };
    let n = src.shape()[ax];
    let r = repeats.to_i64_vec();
    let counts: Vec<i64> = if r.len() == 1 {
        vec![r[0]; n]
    } else if r.len() == n {
        r
    } else {
        return Err(Error::shape(format!(
            "operands could not be broadcast together with shape ({},) ({},)",
            n,
            r.len()
        ))
        .label_arg(0, format!("{n} elements along axis {ax}"))
        .label_arg(1, format!("{} repeat counts", r.len()))
        .with_help("give one repeat count, or exactly one per element along the axis"));
    };
    if counts.iter().any(|&c| c < 0) {
        return Err(Error::value("repeats may not contain negative values.")
            .label_arg(1, "has a negative count")
            .with_help("repeat counts must be 0 or more"));
    }
    let mut total: usize = 0;
    for &c in &counts {
        total = total.saturating_add(usize::try_from(c).unwrap_or(usize::MAX));
    }
    let mut out_shape = src.shape().to_vec();
    out_shape[ax] = total;
    check_dims(&out_shape)?;
    let mut idx = Vec::with_capacity(total);
    for (i, &c) in counts.iter().enumerate() {
        idx.extend(std::iter::repeat_n(i, c as usize));
    }
    if total == 0 {
        return Array::zeros(&out_shape, a.dtype());
    }
    Ok(map_array!(&src, x => x.select(Axis(ax), &idx).into_shared()))
}

/// `np.flip`: reverse the order along the given axes (all if `None`). A view.
pub fn flip(a: &Array, axes: Option<&[i64]>) -> Result<Array> {
    let nd = a.ndim();
    let sel = match axes {
        None => vec![true; nd],
        Some(ax) => norm_axes(ax, nd, "repeated axis")?,
    };
    Ok(map_array!(a, x => {
        let mut v = x.clone();
        for (i, &s) in sel.iter().enumerate() {
            if s {
                v.invert_axis(Axis(i));
            }
        }
        v
    }))
}

fn roll_typed<T: Element>(x: &Arr<T>, shifts: &[(usize, usize)]) -> Result<Arr<T>> {
    let mut cur: Arr<T> = x.clone();
    for &(ax, k) in shifts {
        let n = cur.shape()[ax];
        if n == 0 || k == 0 {
            continue;
        }
        let tail = cur.slice_axis(Axis(ax), Slice::from(n - k..));
        let head = cur.slice_axis(Axis(ax), Slice::from(..n - k));
        let joined = ndarray::concatenate(Axis(ax), &[tail, head]).map_err(|_| internal("roll"))?;
        cur = joined.into_shared();
    }
    Ok(cur)
}

/// `np.roll`: shift elements cyclically. With `axes` None the array is
/// rolled as if flattened (all shifts add up); otherwise `shift` and `axes`
/// pair up like NumPy's broadcast (either may have length 1), and shifts on
/// a repeated axis accumulate.
pub fn roll(a: &Array, shift: &[i64], axes: Option<&[i64]>) -> Result<Array> {
    let Some(axes) = axes else {
        let total = shift.iter().fold(0i64, |acc, &s| acc.wrapping_add(s));
        let flat = flatten(a);
        let n = flat.len();
        let k = if n == 0 {
            0
        } else {
            total.rem_euclid(n as i64) as usize
        };
        let rolled = map_array!(&flat, x => roll_typed(x, &[(0, k)])?);
        return rolled.reshape(a.shape());
    };
    let pairs: Vec<(i64, i64)> = if shift.len() == axes.len() {
        shift.iter().copied().zip(axes.iter().copied()).collect()
    } else if shift.len() == 1 {
        axes.iter().map(|&ax| (shift[0], ax)).collect()
    } else if axes.len() == 1 {
        shift.iter().map(|&s| (s, axes[0])).collect()
    } else {
        return Err(Error::shape(format!(
            "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 with shape ({},) and arg 1 with shape ({},).",
            shift.len(),
            axes.len()
        ))
        .label_arg(1, format!("{} shifts", shift.len()))
        .with_help("give one shift per axis, or a single shift or single axis"));
    };
    let nd = a.ndim();
    let mut acc = vec![0i64; nd];
    for (s, ax) in pairs {
        let i = norm_axis(ax, nd)?;
        acc[i] = acc[i].wrapping_add(s);
    }
    let shape = a.shape();
    let shifts: Vec<(usize, usize)> = acc
        .iter()
        .enumerate()
        .filter(|&(i, _)| shape[i] > 0)
        .map(|(i, &s)| (i, s.rem_euclid(shape[i] as i64) as usize))
        .collect();
    Ok(map_array!(a, x => roll_typed(x, &shifts)?))
}

/// `np.squeeze`: remove length-1 axes (all of them, or exactly `axes`).
pub fn squeeze(a: &Array, axes: Option<&[i64]>) -> Result<Array> {
    let shape = a.shape();
    let nd = shape.len();
    let sel = match axes {
        None => shape.iter().map(|&d| d == 1).collect::<Vec<bool>>(),
        Some(ax) => {
            let sel = norm_axes(ax, nd, "duplicate value in 'axis'")?;
            if let Some(bad) = (0..nd).find(|&i| sel[i] && shape[i] != 1) {
                return Err(Error::shape(
                    "cannot select an axis to squeeze out which has size not equal to one",
                )
                .label_arg(0, format!("shape {}", fmt_shape(shape)))
                .with_help(format!(
                    "axis {bad} has length {}; only axes of length 1 can be squeezed",
                    shape[bad]
                )));
            }
            sel
        }
    };
    Ok(map_array!(a, x => {
        let mut v = x.clone();
        for i in (0..nd).rev() {
            if sel[i] {
                v = v.remove_axis(Axis(i));
            }
        }
        v
    }))
}

/// `np.expand_dims`: insert length-1 axes at the given positions of the result.
pub fn expand_dims(a: &Array, axes: &[i64]) -> Result<Array> {
    let out_nd = a.ndim() + axes.len();
    let sel = norm_axes(axes, out_nd, "repeated axis")?;
    Ok(map_array!(a, x => {
        let mut v = x.clone();
        for (i, &s) in sel.iter().enumerate() {
            if s {
                v = v.insert_axis(Axis(i));
            }
        }
        v
    }))
}

/// `ndarray.flatten`: a 1-d row-major copy (shares the buffer when `a` is
/// already contiguous; arr arrays are copy-on-write).
pub fn flatten(a: &Array) -> Array {
    let n = a.len();
    map_array!(a, x => {
        let shared = if x.is_standard_layout() { x.clone().into_shape_with_order(IxDyn(&[n])).ok() } else { None };
        match shared {
            Some(f) => f,
            None => ndarray::Array1::from_iter(x.iter().copied()).into_dyn().into_shared(),
        }
    })
}

/// Helpers shared by the test modules of `shape_ops`, `reduce` and `sort`.
#[cfg(test)]
pub(crate) mod testutil {
    use crate::array::{Array, DType};

    /// An array of dtype `dt` (by NumPy name) from f64 values.
    pub fn mk(dt: &str, shape: &[usize], v: &[f64]) -> Array {
        let d = DType::from_name(dt).expect("dtype name");
        Array::from_vec(shape, v.to_vec()).astype(d)
    }

    /// Exact check of dtype, shape and values (NaN equals NaN; -0.0 equals 0.0).
    pub fn chk(ctx: &str, r: &Array, dt: &str, shape: &[usize], v: &[f64]) {
        assert_eq!(r.dtype().name(), dt, "{ctx}: dtype");
        assert_eq!(r.shape(), shape, "{ctx}: shape");
        let got = r.to_f64_vec();
        assert_eq!(got.len(), v.len(), "{ctx}: length");
        for (i, (g, e)) in got.iter().zip(v).enumerate() {
            assert!(
                g == e || (g.is_nan() && e.is_nan()),
                "{ctx}: element {i}: got {g:?}, expected {e:?}\n got {got:?}\n expected {v:?}"
            );
        }
    }

    /// The error kind of a failed call.
    pub fn err_kind<T: std::fmt::Debug>(
        r: crate::diagnostics::Result<T>,
    ) -> crate::diagnostics::ErrorKind {
        match r {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e.kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;
    use crate::diagnostics::ErrorKind;

    fn same(a: &Array, b: &Array) -> bool {
        a.dtype() == b.dtype() && a.shape() == b.shape() && a.to_f64_vec() == b.to_f64_vec()
    }

    fn arange(shape: &[usize]) -> Array {
        let n: usize = shape.iter().product();
        Array::from_vec(shape, (0..n as i64).collect::<Vec<i64>>())
    }

    #[test]
    fn sizes_are_guarded() {
        let a = arange(&[2, 3]);
        assert_eq!(err_kind(tile(&a, &[usize::MAX, 2])), ErrorKind::Memory);
        assert_eq!(err_kind(tile(&a, &[1 << 20, 1 << 20])), ErrorKind::Memory);
        let r = Array::from_vec(&[3], vec![i64::MAX, i64::MAX, 1]);
        assert_eq!(err_kind(repeat(&a, &r, Some(1))), ErrorKind::Memory);
        let r = Array::from_vec(&[], vec![1i64 << 40]);
        assert_eq!(err_kind(repeat(&a, &r, None)), ErrorKind::Memory);
        let big = Array::zeros(&[0, 1 << 20], DType::F64).expect("empty");
        assert_eq!(
            tile(&big, &[1 << 4, 1 << 4]).expect("empty tile").shape(),
            &[0, 1 << 24]
        );
        assert_eq!(err_kind(tile(&big, &[1 << 20, 1 << 20])), ErrorKind::Memory);
        assert_eq!(
            tile(&big, &[usize::MAX >> 40, 2]).expect("empty").shape(),
            &[0, 1 << 21]
        );
        let e = Array::zeros(&[0], DType::F64).expect("empty");
        assert_eq!(err_kind(tile(&e, &[usize::MAX, 1])), ErrorKind::Memory);
        let r = Array::from_vec(&[], vec![i64::MAX]);
        assert_eq!(
            repeat(&big, &r, Some(0)).expect("repeat of empty").shape(),
            &[0, 1 << 20]
        );
        assert_eq!(err_kind(repeat(&big, &r, Some(1))), ErrorKind::Memory);
    }

    #[test]
    fn error_labels_and_help() {
        let a = arange(&[2, 3]);
        let b = arange(&[2, 2]);
        let c = arange(&[3]);
        let e = concatenate(&[a.clone(), a.clone(), b], Some(0)).expect_err("mismatch");
        assert_eq!(e.kind, ErrorKind::Shape);
        assert_eq!(
            e.message,
            "all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 3 and the array at index 2 has size 2"
        );
        let at: Vec<_> = e.labels.iter().map(|l| (l.0, l.1.clone())).collect();
        assert_eq!(
            at,
            vec![
                (crate::diagnostics::At::Arg(0), "shape (2, 3)".to_string()),
                (crate::diagnostics::At::Arg(2), "shape (2, 2)".to_string())
            ]
        );
        assert_eq!(
            e.help.as_deref(),
            Some("all dimensions except axis 0 must match")
        );
        let e = stack(&[a.clone(), c.clone()], 0).expect_err("stack");
        assert_eq!(e.message, "all input arrays must have the same shape");
        assert_eq!(e.labels.len(), 2);
        let e = split(&c, &SplitSpec::Sections(2), 0).expect_err("split");
        assert_eq!(
            e.message,
            "array split does not result in an equal division"
        );
        assert!(e.help.is_some_and(|h| h.contains("length 3")));
        let e = squeeze(&a, Some(&[0])).expect_err("squeeze");
        assert!(e.help.is_some_and(|h| h.contains("axis 0 has length 2")));
    }

    /// Transposed and reversed inputs behave like their contiguous copies.
    #[test]
    fn non_contiguous_inputs() {
        let base = arange(&[3, 4, 5]);
        let t = base.permuted(&[2, 0, 1]);
        let f = flip(&base, Some(&[0, 2])).expect("flip");
        for a in [t, f] {
            let c = a.to_contiguous();
            assert!(same(&flatten(&a), &flatten(&c)));
            assert_eq!(flatten(&a).shape(), &[60]);
            for ax in [0, 1, 2] {
                assert!(same(
                    &concatenate(&[a.clone(), c.clone()], Some(ax)).expect("cat"),
                    &concatenate(&[c.clone(), c.clone()], Some(ax)).expect("cat")
                ));
            }
            assert!(same(
                &concatenate(std::slice::from_ref(&a), None).expect("cat"),
                &flatten(&c)
            ));
            assert!(same(
                &tile(&a, &[2, 1, 3]).expect("tile"),
                &tile(&c, &[2, 1, 3]).expect("tile")
            ));
            let r = Array::from_vec(&[], vec![2i64]);
            assert!(same(
                &repeat(&a, &r, Some(1)).expect("repeat"),
                &repeat(&c, &r, Some(1)).expect("repeat")
            ));
            assert!(same(
                &roll(&a, &[2, -1], Some(&[0, 2])).expect("roll"),
                &roll(&c, &[2, -1], Some(&[0, 2])).expect("roll")
            ));
            assert!(same(
                &roll(&a, &[7], None).expect("roll"),
                &roll(&c, &[7], None).expect("roll")
            ));
            assert!(same(
                &expand_dims(&a, &[1, -1]).expect("e"),
                &expand_dims(&c, &[1, -1]).expect("e")
            ));
            let parts = split(&a, &SplitSpec::Indices(vec![1, 3]), 2).expect("split");
            assert!(same(&concatenate(&parts, Some(2)).expect("rejoin"), &c));
            assert!(same(
                &stack(&[a.clone(), c.clone()], 1).expect("stack"),
                &stack(&[c.clone(), c.clone()], 1).expect("stack")
            ));
        }
        // squeeze keeps a view's values.
        let s = arange(&[1, 3, 1]).permuted(&[2, 1, 0]);
        assert!(same(&squeeze(&s, None).expect("squeeze"), &arange(&[3])));
    }

    #[test]
    fn split_gives_views_with_value_semantics() {
        let a = arange(&[2, 4]);
        let parts = split(&a, &SplitSpec::Sections(2), 1).expect("split");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].to_i64_vec(), vec![2, 3, 6, 7]);
        assert_eq!(a.to_i64_vec(), (0..8).collect::<Vec<i64>>());
    }
}
