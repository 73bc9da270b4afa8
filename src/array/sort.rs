//! Sorting and searching: `sort`, `argsort`, `unique`, `searchsorted`.
//!
//! The order is NumPy's: NaN sorts after everything (NaNs compare equal to
//! each other), -0.0 equals 0.0. All sorts are stable, so results are fully
//! deterministic (big lanes use rayon's stable parallel sort).

use super::shape_ops::{build, cast, cmp_nl, flatten, map_lanes, to_vec_c, Typed, PAR_THRESHOLD};
use super::{dtype::promote, fmt_shape, norm_axis, Arr, Array, DType};
use crate::diagnostics::{Error, Result};
use crate::eval::{check_interrupted, interrupt_pending};
use crate::{map_array, with_array};
use rayon::prelude::*;
use std::cmp::Ordering;

fn sort_slice<T: Typed>(v: &mut [T]) {
    stable_sort_by(v, cmp_nl);
}

/// Stable permutation sorting `v` (NaN last).
fn arg_slice<T: Typed>(v: &[T]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    let key = |i: &usize, j: &usize| match (v.get(*i), v.get(*j)) {
        (Some(x), Some(y)) => cmp_nl(x, y),
        _ => Ordering::Equal,
    };
    stable_sort_by(&mut idx, key);
    idx
}

/// Elements sorted in one piece; longer slices are sorted in chunks this
/// long and merged, looking for Ctrl-C between the pieces.
const SORT_CHUNK: usize = 1 << 22;

/// Elements merged between two looks for Ctrl-C.
const MERGE_STEP: usize = 1 << 16;

/// A stable sort that gives up early (leaving `v` in some order) once
/// Ctrl-C is pressed; the caller then reports it with `check_interrupted`.
/// Short slices use the standard library's stable sort and middling ones
/// rayon's; long ones sort `SORT_CHUNK` pieces (in parallel) and merge them
/// pairwise. A stable sort's result is unique, so all give the same order.
fn stable_sort_by<E, F>(v: &mut [E], cmp: F)
where
    E: Copy + Send + Sync,
    F: Fn(&E, &E) -> Ordering + Sync,
{
    let n = v.len();
    if n <= PAR_THRESHOLD {
        v.sort_by(cmp);
        return;
    }
    if n <= SORT_CHUNK {
        v.par_sort_by(cmp);
        return;
    }
    for c in v.chunks_mut(SORT_CHUNK) {
        if interrupt_pending() {
            return;
        }
        c.par_sort_by(&cmp);
    }
    let mut buf: Vec<E> = v.to_vec();
    let mut width = SORT_CHUNK;
    let mut in_v = true;
    while width < n {
        if interrupt_pending() {
            return;
        }
        if in_v {
            merge_pass(v, &mut buf, width, &cmp);
        } else {
            merge_pass(&buf, v, width, &cmp);
        }
        in_v = !in_v;
        width *= 2;
    }
    if !in_v {
        v.copy_from_slice(&buf);
    }
}

/// Merge neighbouring sorted runs of `width` from `src` into `dst`.
fn merge_pass<E, F>(src: &[E], dst: &mut [E], width: usize, cmp: &F)
where
    E: Copy + Send + Sync,
    F: Fn(&E, &E) -> Ordering + Sync,
{
    dst.par_chunks_mut(2 * width)
        .zip(src.par_chunks(2 * width))
        .for_each(|(d, s)| {
            let (a, b) = s.split_at(width.min(s.len()));
            merge(a, b, d, cmp);
        });
}

/// Stable merge of sorted `a` and `b` into `out` (equal keys: `a` first).
fn merge<E: Copy, F: Fn(&E, &E) -> Ordering>(a: &[E], b: &[E], out: &mut [E], cmp: &F) {
    let (mut i, mut j) = (0, 0);
    for (k, o) in out.iter_mut().enumerate() {
        if k % MERGE_STEP == 0 && interrupt_pending() {
            return;
        }
        *o = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if cmp(y, x) == Ordering::Less => {
                j += 1;
                *y
            }
            (Some(x), _) => {
                i += 1;
                *x
            }
            (None, Some(y)) => {
                j += 1;
                *y
            }
            (None, None) => return,
        };
    }
}

/// `np.sort(a, axis)` with a stable sort; `None` sorts the flattened array.
pub fn sort(a: &Array, axis: Option<i64>) -> Result<Array> {
    let (src, ax) = match axis {
        None => (flatten(a), 0),
        Some(ax) => (a.clone(), norm_axis(ax, a.ndim())?),
    };
    Ok(map_array!(&src, x => sort_t(x, ax)?))
}

fn sort_t<T: Typed>(x: &Arr<T>, ax: usize) -> Result<Arr<T>> {
    let r = map_lanes(&x.view(), ax, |inp: &[T], out: &mut [T]| {
        out.copy_from_slice(inp);
        sort_slice(out);
    })?;
    Ok(r.into_shared())
}

/// `np.argsort(a, axis, kind='stable')`: int64 indices that sort each lane.
/// `None` works on the flattened array (as does a 0-d array, like NumPy).
pub fn argsort(a: &Array, axis: Option<i64>) -> Result<Array> {
    let (src, ax) = match axis {
        None => (flatten(a), 0),
        Some(ax) if a.ndim() == 0 => (flatten(a), norm_axis(ax, 1)?),
        Some(ax) => (a.clone(), norm_axis(ax, a.ndim())?),
    };
    with_array!(&src, x => argsort_t(x, ax))
}

fn argsort_t<T: Typed>(x: &Arr<T>, ax: usize) -> Result<Array> {
    let r = map_lanes(&x.view(), ax, |inp: &[T], out: &mut [i64]| {
        for (o, i) in out.iter_mut().zip(arg_slice(inp)) {
            *o = i as i64;
        }
    })?;
    Ok(Array::from_nd(r))
}

/// Result of `unique`: the sorted distinct values plus the optional extras.
#[derive(Clone, Debug)]
pub struct Unique {
    pub values: Array,
    /// Index of the first occurrence of each value in the flattened input.
    pub index: Option<Array>,
    /// For each input element, the index of its value in `values`; it has
    /// the input's shape (NumPy 2).
    pub inverse: Option<Array>,
    pub counts: Option<Array>,
}

/// `np.unique` of the flattened array (NaNs collapse into one, sorted last).
pub fn unique(
    a: &Array,
    return_index: bool,
    return_inverse: bool,
    return_counts: bool,
) -> Result<Unique> {
    with_array!(a, x => unique_t(x, return_index, return_inverse, return_counts))
}

fn unique_t<T: Typed>(x: &Arr<T>, ri: bool, rinv: bool, rc: bool) -> Result<Unique> {
    let flat: Vec<T> = to_vec_c(&x.view());
    let n = flat.len();
    let perm = arg_slice(&flat);
    check_interrupted()?;
    let sorted: Vec<T> = perm.iter().filter_map(|&i| flat.get(i).copied()).collect();
    let mut starts: Vec<usize> = Vec::new();
    for k in 0..sorted.len() {
        if k == 0 || cmp_nl(&sorted[k], &sorted[k - 1]) != Ordering::Equal {
            starts.push(k);
        }
    }
    let values: Vec<T> = starts.iter().map(|&k| sorted[k]).collect();
    let nu = values.len();
    let index = if ri {
        let v: Vec<i64> = starts.iter().map(|&k| perm[k] as i64).collect();
        Some(build(&[nu], v)?)
    } else {
        None
    };
    let inverse = if rinv {
        let mut inv = vec![0i64; n];
        let mut g: i64 = -1;
        let mut next_start = starts.iter().peekable();
        for (k, &p) in perm.iter().enumerate() {
            if next_start.peek() == Some(&&k) {
                next_start.next();
                g += 1;
            }
            if let Some(slot) = inv.get_mut(p) {
                *slot = g;
            }
        }
        Some(build(x.shape(), inv)?)
    } else {
        None
    };
    let counts = if rc {
        let v: Vec<i64> = starts
            .iter()
            .enumerate()
            .map(|(j, &k)| (starts.get(j + 1).copied().unwrap_or(n) - k) as i64)
            .collect();
        Some(build(&[nu], v)?)
    } else {
        None
    };
    Ok(Unique {
        values: build(&[nu], values)?,
        index,
        inverse,
        counts,
    })
}

/// `np.searchsorted(a, v, side)`: insertion points in the 1-d sorted `a`
/// (NaN-last order) for each element of `v`; int64 with `v`'s shape. Both
/// are compared in their promoted dtype.
pub fn searchsorted(a: &Array, v: &Array, right: bool) -> Result<Array> {
    if a.ndim() != 1 {
        let msg = if a.ndim() == 0 {
            "object of too small depth for desired array"
        } else {
            "object too deep for desired array"
        };
        return Err(Error::shape(msg)
            .label_arg(0, format!("shape {}", fmt_shape(a.shape())))
            .with_help("searchsorted needs a 1-d sorted array to search in"));
    }
    match promote(a.dtype(), v.dtype()) {
        DType::Bool => search_t::<bool>(a, v, right),
        DType::I64 => search_t::<i64>(a, v, right),
        DType::F32 => search_t::<f32>(a, v, right),
        DType::F64 => search_t::<f64>(a, v, right),
    }
}

fn search_t<T: Typed>(a: &Array, v: &Array, right: bool) -> Result<Array> {
    let sorted = to_vec_c(&cast::<T>(a)?.view());
    let needles = to_vec_c(&cast::<T>(v)?.view());
    let find = |x: &T| -> i64 {
        let i = if right {
            sorted.partition_point(|y| cmp_nl(y, x) != Ordering::Greater)
        } else {
            sorted.partition_point(|y| cmp_nl(y, x) == Ordering::Less)
        };
        i as i64
    };
    let res: Vec<i64> = if needles.len() > PAR_THRESHOLD {
        needles.par_iter().map(find).collect()
    } else {
        needles.iter().map(find).collect()
    };
    build(v.shape(), res)
}

#[cfg(test)]
mod tests {
    use super::super::shape_ops::testutil::*;
    use super::*;
    use crate::diagnostics::ErrorKind;

    // GENERATED-BEGIN
    // Expected values below were generated by running NumPy 2.4.6.
    #[test]
    fn gen_sort() {
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let r = sort(&a, None).expect("sort i234 axis=None");
            chk(
                "sort i234 axis=None",
                &r,
                "int64",
                &[24],
                &[
                    -20.0, -18.0, -16.0, -15.0, -11.0, -9.0, -9.0, -8.0, -8.0, -7.0, -2.0, -1.0,
                    3.0, 5.0, 7.0, 11.0, 11.0, 12.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0,
                ],
            );
        }
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let r = sort(&a, Some(0)).expect("sort i234 axis=0");
            chk(
                "sort i234 axis=0",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    16.0, -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -11.0, -18.0, -8.0, -9.0, -9.0,
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -2.0, 12.0, -8.0, -7.0, 14.0,
                ],
            );
        }
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let r = sort(&a, Some(-1)).expect("sort i234 axis=-1");
            chk(
                "sort i234 axis=-1",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    5.0, 7.0, 15.0, 17.0, -11.0, 3.0, 11.0, 13.0, -18.0, -9.0, -8.0, 14.0, -20.0,
                    -1.0, 12.0, 16.0, -16.0, -15.0, -2.0, 11.0, -9.0, -8.0, -7.0, 12.0,
                ],
            );
        }
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let r = sort(&a, Some(1)).expect("sort i234 axis=1");
            chk(
                "sort i234 axis=1",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    -18.0, -8.0, -9.0, -11.0, 3.0, 5.0, 7.0, 14.0, 17.0, 11.0, 13.0, 15.0, -15.0,
                    -20.0, -16.0, -9.0, 12.0, -8.0, -7.0, -2.0, 16.0, 11.0, -1.0, 12.0,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -0.293, 6.953, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -2.351, -12.674, 2.713, 1.568, -1.869, -25.168, -5.387, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -8.088, 10.609, -8.075,
                ],
            );
            let r = sort(&a, None).expect("sort f234 axis=None");
            chk(
                "sort f234 axis=None",
                &r,
                "float64",
                &[24],
                &[
                    -25.168, -19.012, -18.417, -15.301, -13.442, -12.895, -12.674, -9.785, -9.305,
                    -8.088, -8.075, -5.387, -4.778, -4.576, -2.351, -1.869, -0.485, -0.293, 1.054,
                    1.133, 1.568, 2.713, 6.953, 10.609,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -0.293, 6.953, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -2.351, -12.674, 2.713, 1.568, -1.869, -25.168, -5.387, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -8.088, 10.609, -8.075,
                ],
            );
            let r = sort(&a, Some(0)).expect("sort f234 axis=0");
            chk(
                "sort f234 axis=0",
                &r,
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -25.168, -5.387, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -8.088, -12.674, -8.075, 1.568, -1.869, -0.293, 6.953, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -2.351, 10.609, 2.713,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -0.293, 6.953, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -2.351, -12.674, 2.713, 1.568, -1.869, -25.168, -5.387, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -8.088, 10.609, -8.075,
                ],
            );
            let r = sort(&a, Some(-1)).expect("sort f234 axis=-1");
            chk(
                "sort f234 axis=-1",
                &r,
                "float64",
                &[2, 3, 4],
                &[
                    -9.305, -0.293, 1.054, 6.953, -19.012, -13.442, -12.895, -4.576, -18.417,
                    -12.674, -2.351, 2.713, -25.168, -5.387, -1.869, 1.568, -15.301, -4.778,
                    -0.485, 1.133, -9.785, -8.088, -8.075, 10.609,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -0.293, 6.953, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -2.351, -12.674, 2.713, 1.568, -1.869, -25.168, -5.387, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -8.088, 10.609, -8.075,
                ],
            );
            let r = sort(&a, Some(1)).expect("sort f234 axis=1");
            chk(
                "sort f234 axis=1",
                &r,
                "float64",
                &[2, 3, 4],
                &[
                    -18.417, -9.305, -19.012, -12.895, -13.442, -4.576, -12.674, 2.713, 1.054,
                    -2.351, -0.293, 6.953, -9.785, -8.088, -25.168, -8.075, -0.485, -1.869,
                    -15.301, -5.387, 1.568, 1.133, 10.609, -4.778,
                ],
            );
        }
        {
            let a = mk(
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -0.2930000126361847,
                    6.953000068664551,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -2.3510000705718994,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.5679999589920044,
                    -1.86899995803833,
                    -25.167999267578125,
                    -5.38700008392334,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -8.088000297546387,
                    10.609000205993652,
                    -8.074999809265137,
                ],
            );
            let r = sort(&a, None).expect("sort f32_234 axis=None");
            chk(
                "sort f32_234 axis=None",
                &r,
                "float32",
                &[24],
                &[
                    -25.167999267578125,
                    -19.011999130249023,
                    -18.41699981689453,
                    -15.300999641418457,
                    -13.442000389099121,
                    -12.895000457763672,
                    -12.673999786376953,
                    -9.78499984741211,
                    -9.305000305175781,
                    -8.088000297546387,
                    -8.074999809265137,
                    -5.38700008392334,
                    -4.7779998779296875,
                    -4.576000213623047,
                    -2.3510000705718994,
                    -1.86899995803833,
                    -0.48500001430511475,
                    -0.2930000126361847,
                    1.0540000200271606,
                    1.1330000162124634,
                    1.5679999589920044,
                    2.7130000591278076,
                    6.953000068664551,
                    10.609000205993652,
                ],
            );
        }
        {
            let a = mk(
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -0.2930000126361847,
                    6.953000068664551,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -2.3510000705718994,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.5679999589920044,
                    -1.86899995803833,
                    -25.167999267578125,
                    -5.38700008392334,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -8.088000297546387,
                    10.609000205993652,
                    -8.074999809265137,
                ],
            );
            let r = sort(&a, Some(0)).expect("sort f32_234 axis=0");
            chk(
                "sort f32_234 axis=0",
                &r,
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -25.167999267578125,
                    -5.38700008392334,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -8.088000297546387,
                    -12.673999786376953,
                    -8.074999809265137,
                    1.5679999589920044,
                    -1.86899995803833,
                    -0.2930000126361847,
                    6.953000068664551,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -2.3510000705718994,
                    10.609000205993652,
                    2.7130000591278076,
                ],
            );
        }
        {
            let a = mk(
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -0.2930000126361847,
                    6.953000068664551,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -2.3510000705718994,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.5679999589920044,
                    -1.86899995803833,
                    -25.167999267578125,
                    -5.38700008392334,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -8.088000297546387,
                    10.609000205993652,
                    -8.074999809265137,
                ],
            );
            let r = sort(&a, Some(-1)).expect("sort f32_234 axis=-1");
            chk(
                "sort f32_234 axis=-1",
                &r,
                "float32",
                &[2, 3, 4],
                &[
                    -9.305000305175781,
                    -0.2930000126361847,
                    1.0540000200271606,
                    6.953000068664551,
                    -19.011999130249023,
                    -13.442000389099121,
                    -12.895000457763672,
                    -4.576000213623047,
                    -18.41699981689453,
                    -12.673999786376953,
                    -2.3510000705718994,
                    2.7130000591278076,
                    -25.167999267578125,
                    -5.38700008392334,
                    -1.86899995803833,
                    1.5679999589920044,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -9.78499984741211,
                    -8.088000297546387,
                    -8.074999809265137,
                    10.609000205993652,
                ],
            );
        }
        {
            let a = mk(
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -0.2930000126361847,
                    6.953000068664551,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -2.3510000705718994,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.5679999589920044,
                    -1.86899995803833,
                    -25.167999267578125,
                    -5.38700008392334,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -8.088000297546387,
                    10.609000205993652,
                    -8.074999809265137,
                ],
            );
            let r = sort(&a, Some(1)).expect("sort f32_234 axis=1");
            chk(
                "sort f32_234 axis=1",
                &r,
                "float32",
                &[2, 3, 4],
                &[
                    -18.41699981689453,
                    -9.305000305175781,
                    -19.011999130249023,
                    -12.895000457763672,
                    -13.442000389099121,
                    -4.576000213623047,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.0540000200271606,
                    -2.3510000705718994,
                    -0.2930000126361847,
                    6.953000068664551,
                    -9.78499984741211,
                    -8.088000297546387,
                    -25.167999267578125,
                    -8.074999809265137,
                    -0.48500001430511475,
                    -1.86899995803833,
                    -15.300999641418457,
                    -5.38700008392334,
                    1.5679999589920044,
                    1.1330000162124634,
                    10.609000205993652,
                    -4.7779998779296875,
                ],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let r = sort(&a, None).expect("sort b23 axis=None");
            chk(
                "sort b23 axis=None",
                &r,
                "bool",
                &[6],
                &[0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let r = sort(&a, Some(0)).expect("sort b23 axis=0");
            chk(
                "sort b23 axis=0",
                &r,
                "bool",
                &[2, 3],
                &[0.0, 0.0, 1.0, 1.0, 0.0, 1.0],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let r = sort(&a, Some(-1)).expect("sort b23 axis=-1");
            chk(
                "sort b23 axis=-1",
                &r,
                "bool",
                &[2, 3],
                &[0.0, 1.0, 1.0, 0.0, 0.0, 1.0],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let r = sort(&a, Some(1)).expect("sort b23 axis=1");
            chk(
                "sort b23 axis=1",
                &r,
                "bool",
                &[2, 3],
                &[0.0, 1.0, 1.0, 0.0, 0.0, 1.0],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let r = sort(&a, None).expect("sort fnan axis=None");
            chk(
                "sort fnan axis=None",
                &r,
                "float64",
                &[6],
                &[-2.0, 1.5, 3.0, 4.0, 6.0, f64::NAN],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let r = sort(&a, Some(0)).expect("sort fnan axis=0");
            chk(
                "sort fnan axis=0",
                &r,
                "float64",
                &[2, 3],
                &[1.5, -2.0, 3.0, 4.0, f64::NAN, 6.0],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let r = sort(&a, Some(-1)).expect("sort fnan axis=-1");
            chk(
                "sort fnan axis=-1",
                &r,
                "float64",
                &[2, 3],
                &[1.5, 3.0, f64::NAN, -2.0, 4.0, 6.0],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let r = sort(&a, Some(1)).expect("sort fnan axis=1");
            chk(
                "sort fnan axis=1",
                &r,
                "float64",
                &[2, 3],
                &[1.5, 3.0, f64::NAN, -2.0, 4.0, 6.0],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let r = sort(&a, None).expect("sort fs axis=None");
            chk(
                "sort fs axis=None",
                &r,
                "float64",
                &[10],
                &[
                    f64::NEG_INFINITY,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    3.0,
                    f64::INFINITY,
                    f64::NAN,
                    f64::NAN,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let r = sort(&a, Some(0)).expect("sort fs axis=0");
            chk(
                "sort fs axis=0",
                &r,
                "float64",
                &[2, 5],
                &[
                    2.0,
                    2.0,
                    -1.0,
                    0.0,
                    f64::NEG_INFINITY,
                    3.0,
                    f64::NAN,
                    f64::NAN,
                    f64::INFINITY,
                    -0.0,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let r = sort(&a, Some(-1)).expect("sort fs axis=-1");
            chk(
                "sort fs axis=-1",
                &r,
                "float64",
                &[2, 5],
                &[
                    -1.0,
                    0.0,
                    -0.0,
                    3.0,
                    f64::NAN,
                    f64::NEG_INFINITY,
                    2.0,
                    2.0,
                    f64::INFINITY,
                    f64::NAN,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let r = sort(&a, Some(1)).expect("sort fs axis=1");
            chk(
                "sort fs axis=1",
                &r,
                "float64",
                &[2, 5],
                &[
                    -1.0,
                    0.0,
                    -0.0,
                    3.0,
                    f64::NAN,
                    f64::NEG_INFINITY,
                    2.0,
                    2.0,
                    f64::INFINITY,
                    f64::NAN,
                ],
            );
        }
        {
            let a = mk("int64", &[7], &[3.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0]);
            let r = sort(&a, None).expect("sort ties axis=None");
            chk(
                "sort ties axis=None",
                &r,
                "int64",
                &[7],
                &[0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0],
            );
        }
        {
            let a = mk("int64", &[7], &[3.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0]);
            let r = sort(&a, Some(0)).expect("sort ties axis=0");
            chk(
                "sort ties axis=0",
                &r,
                "int64",
                &[7],
                &[0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0],
            );
        }
        {
            let a = mk("int64", &[7], &[3.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0]);
            let r = sort(&a, Some(-1)).expect("sort ties axis=-1");
            chk(
                "sort ties axis=-1",
                &r,
                "int64",
                &[7],
                &[0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0],
            );
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let r = sort(&a, None).expect("sort e03 axis=None");
            chk("sort e03 axis=None", &r, "float64", &[0], &[]);
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let r = sort(&a, Some(0)).expect("sort e03 axis=0");
            chk("sort e03 axis=0", &r, "float64", &[0, 3], &[]);
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let r = sort(&a, Some(-1)).expect("sort e03 axis=-1");
            chk("sort e03 axis=-1", &r, "float64", &[0, 3], &[]);
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let r = sort(&a, Some(1)).expect("sort e03 axis=1");
            chk("sort e03 axis=1", &r, "float64", &[0, 3], &[]);
        }
        {
            let a = mk("float64", &[], &[3.5]);
            let r = sort(&a, None).expect("sort z0 axis=None");
            chk("sort z0 axis=None", &r, "float64", &[1], &[3.5]);
        }
        {
            let a = mk("float64", &[], &[3.5]);
            assert_eq!(
                err_kind(sort(&a, Some(-1))),
                ErrorKind::Index,
                "sort 0-d axis -1"
            );
        }
        {
            let a = mk("int64", &[2, 3], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
            assert_eq!(err_kind(sort(&a, Some(2))), ErrorKind::Index, "sort axis 2");
        }
    }

    #[test]
    fn gen_argsort() {
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let r = argsort(&a, None).expect("argsort i234 axis=None");
            chk(
                "argsort i234 axis=None",
                &r,
                "int64",
                &[24],
                &[
                    13.0, 8.0, 18.0, 16.0, 7.0, 10.0, 23.0, 9.0, 21.0, 22.0, 19.0, 14.0, 4.0, 1.0,
                    2.0, 5.0, 17.0, 15.0, 20.0, 6.0, 11.0, 3.0, 12.0, 0.0,
                ],
            );
        }
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let r = argsort(&a, Some(0)).expect("argsort i234 axis=0");
            chk(
                "argsort i234 axis=0",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0,
                    0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0,
                ],
            );
        }
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let r = argsort(&a, Some(-1)).expect("argsort i234 axis=-1");
            chk(
                "argsort i234 axis=-1",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    1.0, 2.0, 3.0, 0.0, 3.0, 0.0, 1.0, 2.0, 0.0, 2.0, 1.0, 3.0, 1.0, 2.0, 3.0, 0.0,
                    2.0, 0.0, 3.0, 1.0, 3.0, 1.0, 2.0, 0.0,
                ],
            );
        }
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let r = argsort(&a, Some(1)).expect("argsort i234 axis=1");
            chk(
                "argsort i234 axis=1",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    2.0, 2.0, 2.0, 1.0, 1.0, 0.0, 0.0, 2.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 2.0,
                    2.0, 2.0, 2.0, 1.0, 0.0, 1.0, 0.0, 0.0,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -0.293, 6.953, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -2.351, -12.674, 2.713, 1.568, -1.869, -25.168, -5.387, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -8.088, 10.609, -8.075,
                ],
            );
            let r = argsort(&a, None).expect("argsort f234 axis=None");
            chk(
                "argsort f234 axis=None",
                &r,
                "int64",
                &[24],
                &[
                    14.0, 6.0, 8.0, 18.0, 4.0, 7.0, 10.0, 20.0, 1.0, 21.0, 23.0, 15.0, 19.0, 5.0,
                    9.0, 13.0, 16.0, 2.0, 0.0, 17.0, 12.0, 11.0, 3.0, 22.0,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -0.293, 6.953, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -2.351, -12.674, 2.713, 1.568, -1.869, -25.168, -5.387, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -8.088, 10.609, -8.075,
                ],
            );
            let r = argsort(&a, Some(0)).expect("argsort f234 axis=0");
            chk(
                "argsort f234 axis=0",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0,
                    1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -0.293, 6.953, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -2.351, -12.674, 2.713, 1.568, -1.869, -25.168, -5.387, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -8.088, 10.609, -8.075,
                ],
            );
            let r = argsort(&a, Some(-1)).expect("argsort f234 axis=-1");
            chk(
                "argsort f234 axis=-1",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    1.0, 2.0, 0.0, 3.0, 2.0, 0.0, 3.0, 1.0, 0.0, 2.0, 1.0, 3.0, 2.0, 3.0, 1.0, 0.0,
                    2.0, 3.0, 0.0, 1.0, 0.0, 1.0, 3.0, 2.0,
                ],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 3, 4],
                &[
                    1.054, -9.305, -0.293, 6.953, -13.442, -4.576, -19.012, -12.895, -18.417,
                    -2.351, -12.674, 2.713, 1.568, -1.869, -25.168, -5.387, -0.485, 1.133, -15.301,
                    -4.778, -9.785, -8.088, 10.609, -8.075,
                ],
            );
            let r = argsort(&a, Some(1)).expect("argsort f234 axis=1");
            chk(
                "argsort f234 axis=1",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    2.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 0.0, 2.0, 0.0, 0.0, 2.0, 2.0, 0.0, 2.0,
                    1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 2.0, 1.0,
                ],
            );
        }
        {
            let a = mk(
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -0.2930000126361847,
                    6.953000068664551,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -2.3510000705718994,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.5679999589920044,
                    -1.86899995803833,
                    -25.167999267578125,
                    -5.38700008392334,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -8.088000297546387,
                    10.609000205993652,
                    -8.074999809265137,
                ],
            );
            let r = argsort(&a, None).expect("argsort f32_234 axis=None");
            chk(
                "argsort f32_234 axis=None",
                &r,
                "int64",
                &[24],
                &[
                    14.0, 6.0, 8.0, 18.0, 4.0, 7.0, 10.0, 20.0, 1.0, 21.0, 23.0, 15.0, 19.0, 5.0,
                    9.0, 13.0, 16.0, 2.0, 0.0, 17.0, 12.0, 11.0, 3.0, 22.0,
                ],
            );
        }
        {
            let a = mk(
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -0.2930000126361847,
                    6.953000068664551,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -2.3510000705718994,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.5679999589920044,
                    -1.86899995803833,
                    -25.167999267578125,
                    -5.38700008392334,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -8.088000297546387,
                    10.609000205993652,
                    -8.074999809265137,
                ],
            );
            let r = argsort(&a, Some(0)).expect("argsort f32_234 axis=0");
            chk(
                "argsort f32_234 axis=0",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0,
                    1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0,
                ],
            );
        }
        {
            let a = mk(
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -0.2930000126361847,
                    6.953000068664551,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -2.3510000705718994,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.5679999589920044,
                    -1.86899995803833,
                    -25.167999267578125,
                    -5.38700008392334,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -8.088000297546387,
                    10.609000205993652,
                    -8.074999809265137,
                ],
            );
            let r = argsort(&a, Some(-1)).expect("argsort f32_234 axis=-1");
            chk(
                "argsort f32_234 axis=-1",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    1.0, 2.0, 0.0, 3.0, 2.0, 0.0, 3.0, 1.0, 0.0, 2.0, 1.0, 3.0, 2.0, 3.0, 1.0, 0.0,
                    2.0, 3.0, 0.0, 1.0, 0.0, 1.0, 3.0, 2.0,
                ],
            );
        }
        {
            let a = mk(
                "float32",
                &[2, 3, 4],
                &[
                    1.0540000200271606,
                    -9.305000305175781,
                    -0.2930000126361847,
                    6.953000068664551,
                    -13.442000389099121,
                    -4.576000213623047,
                    -19.011999130249023,
                    -12.895000457763672,
                    -18.41699981689453,
                    -2.3510000705718994,
                    -12.673999786376953,
                    2.7130000591278076,
                    1.5679999589920044,
                    -1.86899995803833,
                    -25.167999267578125,
                    -5.38700008392334,
                    -0.48500001430511475,
                    1.1330000162124634,
                    -15.300999641418457,
                    -4.7779998779296875,
                    -9.78499984741211,
                    -8.088000297546387,
                    10.609000205993652,
                    -8.074999809265137,
                ],
            );
            let r = argsort(&a, Some(1)).expect("argsort f32_234 axis=1");
            chk(
                "argsort f32_234 axis=1",
                &r,
                "int64",
                &[2, 3, 4],
                &[
                    2.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 0.0, 2.0, 0.0, 0.0, 2.0, 2.0, 0.0, 2.0,
                    1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 2.0, 1.0,
                ],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let r = argsort(&a, None).expect("argsort b23 axis=None");
            chk(
                "argsort b23 axis=None",
                &r,
                "int64",
                &[6],
                &[1.0, 3.0, 4.0, 0.0, 2.0, 5.0],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let r = argsort(&a, Some(0)).expect("argsort b23 axis=0");
            chk(
                "argsort b23 axis=0",
                &r,
                "int64",
                &[2, 3],
                &[1.0, 0.0, 0.0, 0.0, 1.0, 1.0],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let r = argsort(&a, Some(-1)).expect("argsort b23 axis=-1");
            chk(
                "argsort b23 axis=-1",
                &r,
                "int64",
                &[2, 3],
                &[1.0, 0.0, 2.0, 0.0, 1.0, 2.0],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let r = argsort(&a, Some(1)).expect("argsort b23 axis=1");
            chk(
                "argsort b23 axis=1",
                &r,
                "int64",
                &[2, 3],
                &[1.0, 0.0, 2.0, 0.0, 1.0, 2.0],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let r = argsort(&a, None).expect("argsort fnan axis=None");
            chk(
                "argsort fnan axis=None",
                &r,
                "int64",
                &[6],
                &[4.0, 0.0, 2.0, 3.0, 5.0, 1.0],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let r = argsort(&a, Some(0)).expect("argsort fnan axis=0");
            chk(
                "argsort fnan axis=0",
                &r,
                "int64",
                &[2, 3],
                &[0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let r = argsort(&a, Some(-1)).expect("argsort fnan axis=-1");
            chk(
                "argsort fnan axis=-1",
                &r,
                "int64",
                &[2, 3],
                &[0.0, 2.0, 1.0, 1.0, 0.0, 2.0],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let r = argsort(&a, Some(1)).expect("argsort fnan axis=1");
            chk(
                "argsort fnan axis=1",
                &r,
                "int64",
                &[2, 3],
                &[0.0, 2.0, 1.0, 1.0, 0.0, 2.0],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let r = argsort(&a, None).expect("argsort fs axis=None");
            chk(
                "argsort fs axis=None",
                &r,
                "int64",
                &[10],
                &[9.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0, 8.0, 1.0, 7.0],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let r = argsort(&a, Some(0)).expect("argsort fs axis=0");
            chk(
                "argsort fs axis=0",
                &r,
                "int64",
                &[2, 5],
                &[1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let r = argsort(&a, Some(-1)).expect("argsort fs axis=-1");
            chk(
                "argsort fs axis=-1",
                &r,
                "int64",
                &[2, 5],
                &[2.0, 3.0, 4.0, 0.0, 1.0, 4.0, 0.0, 1.0, 3.0, 2.0],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let r = argsort(&a, Some(1)).expect("argsort fs axis=1");
            chk(
                "argsort fs axis=1",
                &r,
                "int64",
                &[2, 5],
                &[2.0, 3.0, 4.0, 0.0, 1.0, 4.0, 0.0, 1.0, 3.0, 2.0],
            );
        }
        {
            let a = mk("int64", &[7], &[3.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0]);
            let r = argsort(&a, None).expect("argsort ties axis=None");
            chk(
                "argsort ties axis=None",
                &r,
                "int64",
                &[7],
                &[5.0, 1.0, 3.0, 2.0, 6.0, 0.0, 4.0],
            );
        }
        {
            let a = mk("int64", &[7], &[3.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0]);
            let r = argsort(&a, Some(0)).expect("argsort ties axis=0");
            chk(
                "argsort ties axis=0",
                &r,
                "int64",
                &[7],
                &[5.0, 1.0, 3.0, 2.0, 6.0, 0.0, 4.0],
            );
        }
        {
            let a = mk("int64", &[7], &[3.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0]);
            let r = argsort(&a, Some(-1)).expect("argsort ties axis=-1");
            chk(
                "argsort ties axis=-1",
                &r,
                "int64",
                &[7],
                &[5.0, 1.0, 3.0, 2.0, 6.0, 0.0, 4.0],
            );
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let r = argsort(&a, None).expect("argsort e03 axis=None");
            chk("argsort e03 axis=None", &r, "int64", &[0], &[]);
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let r = argsort(&a, Some(0)).expect("argsort e03 axis=0");
            chk("argsort e03 axis=0", &r, "int64", &[0, 3], &[]);
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let r = argsort(&a, Some(-1)).expect("argsort e03 axis=-1");
            chk("argsort e03 axis=-1", &r, "int64", &[0, 3], &[]);
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let r = argsort(&a, Some(1)).expect("argsort e03 axis=1");
            chk("argsort e03 axis=1", &r, "int64", &[0, 3], &[]);
        }
        {
            let a = mk("float64", &[], &[3.5]);
            let r = argsort(&a, None).expect("argsort z0 axis=None");
            chk("argsort z0 axis=None", &r, "int64", &[1], &[0.0]);
        }
        {
            let a = mk("float64", &[], &[3.5]);
            let r = argsort(&a, Some(0)).expect("argsort z0 axis=0");
            chk("argsort z0 axis=0", &r, "int64", &[1], &[0.0]);
        }
    }

    #[test]
    fn gen_unique() {
        {
            let a = mk(
                "int64",
                &[2, 3, 4],
                &[
                    17.0, 5.0, 7.0, 15.0, 3.0, 11.0, 13.0, -11.0, -18.0, -8.0, -9.0, 14.0, 16.0,
                    -20.0, -1.0, 12.0, -15.0, 11.0, -16.0, -2.0, 12.0, -8.0, -7.0, -9.0,
                ],
            );
            let u = unique(&a, true, true, true).expect("unique i234");
            chk(
                "unique i234 values",
                &u.values,
                "int64",
                &[20],
                &[
                    -20.0, -18.0, -16.0, -15.0, -11.0, -9.0, -8.0, -7.0, -2.0, -1.0, 3.0, 5.0, 7.0,
                    11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0,
                ],
            );
            chk(
                "unique i234 index",
                &u.index.expect("index"),
                "int64",
                &[20],
                &[
                    13.0, 8.0, 18.0, 16.0, 7.0, 10.0, 9.0, 22.0, 19.0, 14.0, 4.0, 1.0, 2.0, 5.0,
                    15.0, 6.0, 11.0, 3.0, 12.0, 0.0,
                ],
            );
            chk(
                "unique i234 inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[2, 3, 4],
                &[
                    19.0, 11.0, 12.0, 17.0, 10.0, 13.0, 15.0, 4.0, 1.0, 6.0, 5.0, 16.0, 18.0, 0.0,
                    9.0, 14.0, 3.0, 13.0, 2.0, 8.0, 14.0, 6.0, 7.0, 5.0,
                ],
            );
            chk(
                "unique i234 counts",
                &u.counts.expect("counts"),
                "int64",
                &[20],
                &[
                    1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0,
                    1.0, 1.0, 1.0, 1.0,
                ],
            );
            let u = unique(&a, false, false, false).expect("unique i234");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk(
                "unique i234 values only",
                &u.values,
                "int64",
                &[20],
                &[
                    -20.0, -18.0, -16.0, -15.0, -11.0, -9.0, -8.0, -7.0, -2.0, -1.0, 3.0, 5.0, 7.0,
                    11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0,
                ],
            );
        }
        {
            let a = mk("int64", &[7], &[3.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0]);
            let u = unique(&a, true, true, true).expect("unique ties");
            chk(
                "unique ties values",
                &u.values,
                "int64",
                &[4],
                &[0.0, 1.0, 2.0, 3.0],
            );
            chk(
                "unique ties index",
                &u.index.expect("index"),
                "int64",
                &[4],
                &[5.0, 1.0, 2.0, 0.0],
            );
            chk(
                "unique ties inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[7],
                &[3.0, 1.0, 2.0, 1.0, 3.0, 0.0, 2.0],
            );
            chk(
                "unique ties counts",
                &u.counts.expect("counts"),
                "int64",
                &[4],
                &[1.0, 2.0, 2.0, 2.0],
            );
            let u = unique(&a, false, false, false).expect("unique ties");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk(
                "unique ties values only",
                &u.values,
                "int64",
                &[4],
                &[0.0, 1.0, 2.0, 3.0],
            );
        }
        {
            let a = mk("bool", &[2, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
            let u = unique(&a, true, true, true).expect("unique b23");
            chk("unique b23 values", &u.values, "bool", &[2], &[0.0, 1.0]);
            chk(
                "unique b23 index",
                &u.index.expect("index"),
                "int64",
                &[2],
                &[1.0, 0.0],
            );
            chk(
                "unique b23 inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[2, 3],
                &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0],
            );
            chk(
                "unique b23 counts",
                &u.counts.expect("counts"),
                "int64",
                &[2],
                &[3.0, 3.0],
            );
            let u = unique(&a, false, false, false).expect("unique b23");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk(
                "unique b23 values only",
                &u.values,
                "bool",
                &[2],
                &[0.0, 1.0],
            );
        }
        {
            let a = mk("float64", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let u = unique(&a, true, true, true).expect("unique fnan");
            chk(
                "unique fnan values",
                &u.values,
                "float64",
                &[6],
                &[-2.0, 1.5, 3.0, 4.0, 6.0, f64::NAN],
            );
            chk(
                "unique fnan index",
                &u.index.expect("index"),
                "int64",
                &[6],
                &[4.0, 0.0, 2.0, 3.0, 5.0, 1.0],
            );
            chk(
                "unique fnan inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[2, 3],
                &[1.0, 5.0, 2.0, 3.0, 0.0, 4.0],
            );
            chk(
                "unique fnan counts",
                &u.counts.expect("counts"),
                "int64",
                &[6],
                &[1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            );
            let u = unique(&a, false, false, false).expect("unique fnan");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk(
                "unique fnan values only",
                &u.values,
                "float64",
                &[6],
                &[-2.0, 1.5, 3.0, 4.0, 6.0, f64::NAN],
            );
        }
        {
            let a = mk(
                "float64",
                &[2, 5],
                &[
                    3.0,
                    f64::NAN,
                    -1.0,
                    0.0,
                    -0.0,
                    2.0,
                    2.0,
                    f64::NAN,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ],
            );
            let u = unique(&a, true, true, true).expect("unique fs");
            chk(
                "unique fs values",
                &u.values,
                "float64",
                &[7],
                &[
                    f64::NEG_INFINITY,
                    -1.0,
                    0.0,
                    2.0,
                    3.0,
                    f64::INFINITY,
                    f64::NAN,
                ],
            );
            chk(
                "unique fs index",
                &u.index.expect("index"),
                "int64",
                &[7],
                &[9.0, 2.0, 3.0, 5.0, 0.0, 8.0, 1.0],
            );
            chk(
                "unique fs inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[2, 5],
                &[4.0, 6.0, 1.0, 2.0, 2.0, 3.0, 3.0, 6.0, 5.0, 0.0],
            );
            chk(
                "unique fs counts",
                &u.counts.expect("counts"),
                "int64",
                &[7],
                &[1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0],
            );
            let u = unique(&a, false, false, false).expect("unique fs");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk(
                "unique fs values only",
                &u.values,
                "float64",
                &[7],
                &[
                    f64::NEG_INFINITY,
                    -1.0,
                    0.0,
                    2.0,
                    3.0,
                    f64::INFINITY,
                    f64::NAN,
                ],
            );
        }
        {
            let a = mk("float32", &[2, 3], &[1.5, f64::NAN, 3.0, 4.0, -2.0, 6.0]);
            let u = unique(&a, true, true, true).expect("unique f32nan");
            chk(
                "unique f32nan values",
                &u.values,
                "float32",
                &[6],
                &[-2.0, 1.5, 3.0, 4.0, 6.0, f64::NAN],
            );
            chk(
                "unique f32nan index",
                &u.index.expect("index"),
                "int64",
                &[6],
                &[4.0, 0.0, 2.0, 3.0, 5.0, 1.0],
            );
            chk(
                "unique f32nan inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[2, 3],
                &[1.0, 5.0, 2.0, 3.0, 0.0, 4.0],
            );
            chk(
                "unique f32nan counts",
                &u.counts.expect("counts"),
                "int64",
                &[6],
                &[1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            );
            let u = unique(&a, false, false, false).expect("unique f32nan");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk(
                "unique f32nan values only",
                &u.values,
                "float32",
                &[6],
                &[-2.0, 1.5, 3.0, 4.0, 6.0, f64::NAN],
            );
        }
        {
            let a = mk("float64", &[0, 3], &[]);
            let u = unique(&a, true, true, true).expect("unique e03");
            chk("unique e03 values", &u.values, "float64", &[0], &[]);
            chk(
                "unique e03 index",
                &u.index.expect("index"),
                "int64",
                &[0],
                &[],
            );
            chk(
                "unique e03 inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[0, 3],
                &[],
            );
            chk(
                "unique e03 counts",
                &u.counts.expect("counts"),
                "int64",
                &[0],
                &[],
            );
            let u = unique(&a, false, false, false).expect("unique e03");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk("unique e03 values only", &u.values, "float64", &[0], &[]);
        }
        {
            let a = mk("float64", &[], &[3.5]);
            let u = unique(&a, true, true, true).expect("unique z0");
            chk("unique z0 values", &u.values, "float64", &[1], &[3.5]);
            chk(
                "unique z0 index",
                &u.index.expect("index"),
                "int64",
                &[1],
                &[0.0],
            );
            chk(
                "unique z0 inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[],
                &[0.0],
            );
            chk(
                "unique z0 counts",
                &u.counts.expect("counts"),
                "int64",
                &[1],
                &[1.0],
            );
            let u = unique(&a, false, false, false).expect("unique z0");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk("unique z0 values only", &u.values, "float64", &[1], &[3.5]);
        }
        {
            let a = mk("float64", &[5], &[f64::NAN, 1.0, f64::NAN, 1.0, 0.5]);
            let u = unique(&a, true, true, true).expect("unique nans");
            chk(
                "unique nans values",
                &u.values,
                "float64",
                &[3],
                &[0.5, 1.0, f64::NAN],
            );
            chk(
                "unique nans index",
                &u.index.expect("index"),
                "int64",
                &[3],
                &[4.0, 1.0, 0.0],
            );
            chk(
                "unique nans inverse",
                &u.inverse.expect("inverse"),
                "int64",
                &[5],
                &[2.0, 1.0, 2.0, 1.0, 0.0],
            );
            chk(
                "unique nans counts",
                &u.counts.expect("counts"),
                "int64",
                &[3],
                &[1.0, 2.0, 2.0],
            );
            let u = unique(&a, false, false, false).expect("unique nans");
            assert!(u.index.is_none() && u.inverse.is_none() && u.counts.is_none());
            chk(
                "unique nans values only",
                &u.values,
                "float64",
                &[3],
                &[0.5, 1.0, f64::NAN],
            );
        }
    }

    #[test]
    fn gen_searchsorted() {
        {
            let a = mk(
                "float64",
                &[9],
                &[-1.0, 0.0, 0.0, 2.5, 2.5, 2.5, 7.0, f64::NAN, f64::NAN],
            );
            let v = mk(
                "float64",
                &[2, 3],
                &[-5.0, 0.0, 2.5, 3.0, f64::NAN, f64::INFINITY],
            );
            let r = searchsorted(&a, &v, false).expect("searchsorted f right=False");
            chk(
                "searchsorted f right=False",
                &r,
                "int64",
                &[2, 3],
                &[0.0, 1.0, 3.0, 6.0, 7.0, 7.0],
            );
        }
        {
            let a = mk("int64", &[5], &[1.0, 2.0, 2.0, 3.0, 10.0]);
            let v = mk("float64", &[5], &[2.5, 2.0, -1.0, 11.0, 10.0]);
            let r = searchsorted(&a, &v, false).expect("searchsorted i right=False");
            chk(
                "searchsorted i right=False",
                &r,
                "int64",
                &[5],
                &[3.0, 1.0, 0.0, 5.0, 4.0],
            );
        }
        {
            let a = mk("int64", &[5], &[1.0, 2.0, 2.0, 3.0, 10.0]);
            let v = mk("int64", &[], &[2.0]);
            let r = searchsorted(&a, &v, false).expect("searchsorted i scalar right=False");
            chk(
                "searchsorted i scalar right=False",
                &r,
                "int64",
                &[],
                &[1.0],
            );
        }
        {
            let a = mk("bool", &[3], &[0.0, 0.0, 1.0]);
            let v = mk("bool", &[2], &[1.0, 0.0]);
            let r = searchsorted(&a, &v, false).expect("searchsorted b right=False");
            chk("searchsorted b right=False", &r, "int64", &[2], &[2.0, 0.0]);
        }
        {
            let a = mk(
                "float32",
                &[3],
                &[
                    0.10000000149011612,
                    0.20000000298023224,
                    0.30000001192092896,
                ],
            );
            let v = mk("float32", &[2], &[0.20000000298023224, 0.30000001192092896]);
            let r = searchsorted(&a, &v, false).expect("searchsorted f32 right=False");
            chk(
                "searchsorted f32 right=False",
                &r,
                "int64",
                &[2],
                &[1.0, 2.0],
            );
        }
        {
            let a = mk("float64", &[0], &[]);
            let v = mk("float64", &[2], &[1.0, 2.0]);
            let r = searchsorted(&a, &v, false).expect("searchsorted empty a right=False");
            chk(
                "searchsorted empty a right=False",
                &r,
                "int64",
                &[2],
                &[0.0, 0.0],
            );
        }
        {
            let a = mk("float64", &[3], &[0.0, 1.0, 2.0]);
            let v = mk("float64", &[0, 2], &[]);
            let r = searchsorted(&a, &v, false).expect("searchsorted empty v right=False");
            chk(
                "searchsorted empty v right=False",
                &r,
                "int64",
                &[0, 2],
                &[],
            );
        }
        {
            let a = mk(
                "float64",
                &[9],
                &[-1.0, 0.0, 0.0, 2.5, 2.5, 2.5, 7.0, f64::NAN, f64::NAN],
            );
            let v = mk(
                "float64",
                &[2, 3],
                &[-5.0, 0.0, 2.5, 3.0, f64::NAN, f64::INFINITY],
            );
            let r = searchsorted(&a, &v, true).expect("searchsorted f right=True");
            chk(
                "searchsorted f right=True",
                &r,
                "int64",
                &[2, 3],
                &[0.0, 3.0, 6.0, 6.0, 9.0, 7.0],
            );
        }
        {
            let a = mk("int64", &[5], &[1.0, 2.0, 2.0, 3.0, 10.0]);
            let v = mk("float64", &[5], &[2.5, 2.0, -1.0, 11.0, 10.0]);
            let r = searchsorted(&a, &v, true).expect("searchsorted i right=True");
            chk(
                "searchsorted i right=True",
                &r,
                "int64",
                &[5],
                &[3.0, 3.0, 0.0, 5.0, 5.0],
            );
        }
        {
            let a = mk("int64", &[5], &[1.0, 2.0, 2.0, 3.0, 10.0]);
            let v = mk("int64", &[], &[2.0]);
            let r = searchsorted(&a, &v, true).expect("searchsorted i scalar right=True");
            chk("searchsorted i scalar right=True", &r, "int64", &[], &[3.0]);
        }
        {
            let a = mk("bool", &[3], &[0.0, 0.0, 1.0]);
            let v = mk("bool", &[2], &[1.0, 0.0]);
            let r = searchsorted(&a, &v, true).expect("searchsorted b right=True");
            chk("searchsorted b right=True", &r, "int64", &[2], &[3.0, 2.0]);
        }
        {
            let a = mk(
                "float32",
                &[3],
                &[
                    0.10000000149011612,
                    0.20000000298023224,
                    0.30000001192092896,
                ],
            );
            let v = mk("float32", &[2], &[0.20000000298023224, 0.30000001192092896]);
            let r = searchsorted(&a, &v, true).expect("searchsorted f32 right=True");
            chk(
                "searchsorted f32 right=True",
                &r,
                "int64",
                &[2],
                &[2.0, 3.0],
            );
        }
        {
            let a = mk("float64", &[0], &[]);
            let v = mk("float64", &[2], &[1.0, 2.0]);
            let r = searchsorted(&a, &v, true).expect("searchsorted empty a right=True");
            chk(
                "searchsorted empty a right=True",
                &r,
                "int64",
                &[2],
                &[0.0, 0.0],
            );
        }
        {
            let a = mk("float64", &[3], &[0.0, 1.0, 2.0]);
            let v = mk("float64", &[0, 2], &[]);
            let r = searchsorted(&a, &v, true).expect("searchsorted empty v right=True");
            chk("searchsorted empty v right=True", &r, "int64", &[0, 2], &[]);
        }
        {
            let a = mk("int64", &[2, 3], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
            let v = mk("float64", &[], &[3.5]);
            assert_eq!(
                err_kind(searchsorted(&a, &v, false)),
                ErrorKind::Shape,
                "searchsorted 2-d"
            );
        }
        {
            let a = mk("float64", &[], &[3.5]);
            let v = mk("float64", &[], &[3.5]);
            assert_eq!(
                err_kind(searchsorted(&a, &v, false)),
                ErrorKind::Shape,
                "searchsorted 0-d"
            );
        }
    }
    // GENERATED-END

    /// Deterministic pseudo-random values with many ties and some NaNs.
    fn data(n: usize) -> Vec<f64> {
        (0..n as i64)
            .map(|i| {
                let v = (i * 7919) % 1009;
                if v == 13 {
                    f64::NAN
                } else {
                    (v - 500) as f64 / 4.0
                }
            })
            .collect()
    }

    /// Above the parallel threshold the sorts equal a serial stable sort.
    #[test]
    fn big_sorts_equal_serial_reference() {
        let n = 200_003;
        let v = data(n);
        let a = Array::from_vec(&[n], v.clone());
        let mut want = v.clone();
        want.sort_by(cmp_nl);
        chk(
            "sort",
            &sort(&a, Some(-1)).expect("sort"),
            "float64",
            &[n],
            &want,
        );
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by(|&i, &j| cmp_nl(&v[i], &v[j]));
        let want: Vec<f64> = idx.iter().map(|&i| i as f64).collect();
        chk(
            "argsort",
            &argsort(&a, None).expect("argsort"),
            "int64",
            &[n],
            &want,
        );
        let u = unique(&a, true, true, true).expect("unique");
        assert_eq!(u.values.len(), 1009);
        let vals = u.values.to_f64_vec();
        assert!(vals[1008].is_nan());
        let counts = u.counts.expect("counts").to_i64_vec();
        assert_eq!(counts.iter().sum::<i64>(), n as i64);
        let inv = u.inverse.expect("inverse").to_i64_vec();
        for (i, &g) in inv.iter().enumerate().step_by(997) {
            let (x, y) = (vals[g as usize], v[i]);
            assert!(x == y || (x.is_nan() && y.is_nan()));
        }
        let first = u.index.expect("index").to_i64_vec();
        let mut want_first = vec![-1i64; first.len()];
        for (i, &g) in inv.iter().enumerate() {
            if want_first[g as usize] < 0 {
                want_first[g as usize] = i as i64;
            }
        }
        assert_eq!(first, want_first);
        // Many needles (parallel path) against a serial binary search.
        let sorted = sort(&a, None).expect("sort");
        let s = sorted.to_f64_vec();
        let needles = Array::from_vec(&[n], v.iter().map(|x| x + 0.1).collect::<Vec<f64>>());
        let r = searchsorted(&sorted, &needles, true)
            .expect("searchsorted")
            .to_i64_vec();
        for (i, x) in v.iter().enumerate().step_by(5003) {
            let x = x + 0.1;
            let want = s
                .iter()
                .filter(|&&y| cmp_nl(&y, &x) != Ordering::Greater)
                .count() as i64;
            assert_eq!(r[i], want);
        }
        // Same results on one thread and on three.
        let run = |t: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .expect("pool");
            pool.install(|| {
                (
                    sort(&a, None).expect("s").to_f64_vec(),
                    argsort(&a, None).expect("a").to_i64_vec(),
                )
            })
        };
        let (s1, a1) = run(1);
        let (s3, a3) = run(3);
        assert!(s1.iter().zip(&s3).all(|(x, y)| x.to_bits() == y.to_bits()));
        assert_eq!(a1, a3);
    }

    #[test]
    fn non_contiguous_inputs() {
        let base = Array::from_vec(&[4, 5, 6], data(120));
        let t = base.permuted(&[2, 0, 1]);
        let f = super::super::shape_ops::flip(&base, Some(&[1])).expect("flip");
        for a in [t, f] {
            let c = a.to_contiguous();
            for ax in [None, Some(0), Some(1), Some(-1)] {
                let (x, y) = (sort(&a, ax).expect("s"), sort(&c, ax).expect("s"));
                assert_eq!(x.shape(), y.shape());
                assert!(x
                    .to_f64_vec()
                    .iter()
                    .zip(y.to_f64_vec())
                    .all(|(p, q)| p.to_bits() == q.to_bits()));
                assert_eq!(
                    argsort(&a, ax).expect("a").to_i64_vec(),
                    argsort(&c, ax).expect("a").to_i64_vec()
                );
            }
            let (u, w) = (
                unique(&a, true, true, true).expect("u"),
                unique(&c, true, true, true).expect("u"),
            );
            assert_eq!(
                u.inverse.expect("i").to_i64_vec(),
                w.inverse.expect("i").to_i64_vec()
            );
            assert_eq!(
                u.index.expect("i").to_i64_vec(),
                w.index.expect("i").to_i64_vec()
            );
        }
        let sorted =
            super::super::shape_ops::flip(&Array::from_vec(&[4], vec![9i64, 5, 3, 1]), None)
                .expect("flip");
        let v = Array::from_vec(&[2, 2], vec![0i64, 3, 4, 10]).transpose();
        chk(
            "searchsorted strided",
            &searchsorted(&sorted, &v, false).expect("ss"),
            "int64",
            &[2, 2],
            &[0.0, 2.0, 1.0, 4.0],
        );
    }
}
