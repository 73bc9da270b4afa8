//! Sorting and searching: `sort`, `argsort`, `unique`, `searchsorted`.
//!
//! The order is NumPy's: NaN sorts after everything (NaNs compare equal to
//! each other), -0.0 equals 0.0. All sorts are stable, so results are fully
//! deterministic (big lanes use rayon's stable parallel sort).

use super::shape_ops::{build, cast, cmp_nl, flatten, map_lanes, to_vec_c, Typed, PAR_THRESHOLD};
use super::{dtype::promote, fmt_shape, norm_axis, Arr, Array, DType};
use crate::diagnostics::{Error, Result};
use crate::interrupt::{check_interrupted, interrupt_pending};
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
