//! sort, argsort (stable; nan last), unique (with index/inverse/counts) and
//! searchsorted, with NumPy's shapes and dtypes.

use super::{norm_axis, Array, DType};
use crate::diagnostics::{Error, Result};
use ndarray::Axis;

/// NumPy's sort order: numbers ascending, nan last.
fn cmp_f(a: &f64, b: &f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => std::cmp::Ordering::Equal,
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        _ => a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal),
    }
}

/// Sorting keys that order every dtype exactly (i64 stays exact).
#[derive(Clone, Copy)]
enum Key {
    I(i64),
    F(f64),
}

fn keys(a: &Array) -> Vec<Key> {
    match a {
        Array::Bool(_) | Array::I64(_) => a.to_i64_vec().into_iter().map(Key::I).collect(),
        _ => a.to_f64_vec().into_iter().map(Key::F).collect(),
    }
}

fn cmp_k(a: &Key, b: &Key) -> std::cmp::Ordering {
    match (a, b) {
        (Key::I(x), Key::I(y)) => x.cmp(y),
        (Key::F(x), Key::F(y)) => cmp_f(x, y),
        (Key::I(x), Key::F(y)) => cmp_f(&(*x as f64), y),
        (Key::F(x), Key::I(y)) => cmp_f(x, &(*y as f64)),
    }
}

/// Stable argsort of every lane along `axis` (None flattens).
pub fn argsort(a: &Array, axis: Option<i64>) -> Result<Array> {
    let (src, ax) = match axis {
        None => (a.reshape(&[a.len()])?, 0),
        Some(k) => {
            if a.ndim() == 0 {
                return Err(Error::new(
                    crate::diagnostics::ErrorKind::Index,
                    "axis -1 is out of bounds for a 0-d array",
                )
                .with_help("use axis=none"));
            }
            (a.clone(), norm_axis(k, a.ndim())?)
        }
    };
    let idx = src.to_i64_nd();
    let mut out = ndarray::ArrayD::<i64>::zeros(idx.raw_dim());
    let lanes_src: Vec<Vec<Key>> = {
        let moved = src.permuted(&lane_perm(src.ndim(), ax)).to_contiguous();
        let n = src.shape().get(ax).copied().unwrap_or(1).max(1);
        keys(&moved).chunks(n).map(|c| c.to_vec()).collect()
    };
    for (lane, mut o) in lanes_src.iter().zip(out.lanes_mut(Axis(ax))) {
        let mut order: Vec<usize> = (0..lane.len()).collect();
        order.sort_by(|&i, &j| cmp_k(&lane[i], &lane[j]));
        for (k, v) in o.iter_mut().enumerate() {
            *v = order.get(k).copied().unwrap_or(0) as i64;
        }
    }
    Ok(Array::I64(out.into_shared()))
}

/// Axes order that puts `ax` last (lanes become contiguous rows).
fn lane_perm(nd: usize, ax: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..nd).filter(|&i| i != ax).collect();
    p.push(ax);
    p
}

pub fn sort(a: &Array, axis: Option<i64>) -> Result<Array> {
    let order = argsort(a, axis)?;
    let src = match axis {
        None => a.reshape(&[a.len()])?,
        Some(_) => a.clone(),
    };
    let ax = match axis {
        None => 0,
        Some(k) => norm_axis(k, src.ndim())?,
    };
    let ord = order.to_i64_nd();
    Ok(crate::map_array!(&src, x => {
        let mut out = x.to_owned();
        for ((mut o, s), idx) in out.lanes_mut(Axis(ax)).into_iter().zip(x.lanes(Axis(ax))).zip(ord.lanes(Axis(ax))) {
            for (v, &i) in o.iter_mut().zip(idx.iter()) {
                if let Some(&val) = s.get(i as usize) {
                    *v = val;
                }
            }
        }
        out.into_shared()
    }))
}

pub struct Unique {
    pub values: Array,
    pub index: Option<Array>,
    pub inverse: Option<Array>,
    pub counts: Option<Array>,
}

pub fn unique(
    a: &Array,
    return_index: bool,
    return_inverse: bool,
    return_counts: bool,
) -> Result<Unique> {
    let flat = a.reshape(&[a.len()])?;
    let order = argsort(&flat, Some(0))?.to_i64_vec();
    let k = keys(&flat);
    let mut uniq_pos: Vec<usize> = Vec::new(); // index into flat of each unique value (first occurrence)
    let mut counts: Vec<i64> = Vec::new();
    let mut inverse = vec![0i64; flat.len()];
    for &o in &order {
        let o = o as usize;
        let same = uniq_pos
            .last()
            .map(|&p| cmp_k(&k[p], &k[o]) == std::cmp::Ordering::Equal)
            .unwrap_or(false);
        if same {
            if let Some(c) = counts.last_mut() {
                *c += 1;
            }
        } else {
            uniq_pos.push(o);
            counts.push(1);
        }
        inverse[o] = uniq_pos.len() as i64 - 1;
    }
    let idx = Array::from_vec(
        &[uniq_pos.len()],
        uniq_pos.iter().map(|&p| p as i64).collect::<Vec<i64>>(),
    );
    let values = super::index::get(&flat, &[super::index::IndexItem::Array(idx.clone())])?;
    let n = uniq_pos.len();
    Ok(Unique {
        values,
        index: if return_index { Some(idx) } else { None },
        // NumPy 2: the inverse has the input's shape.
        inverse: if return_inverse {
            Some(Array::from_vec(a.shape(), inverse))
        } else {
            None
        },
        counts: if return_counts {
            Some(Array::from_vec(&[n], counts))
        } else {
            None
        },
    })
}

pub fn searchsorted(a: &Array, v: &Array, right: bool) -> Result<Array> {
    if a.ndim() != 1 {
        return Err(Error::value("searchsorted: the sorted array must be 1-d")
            .label_arg(0, format!("{}-d", a.ndim())));
    }
    let ka = keys(a);
    let kv = keys(&if a.dtype() == DType::F64 || v.dtype().is_float() {
        v.astype(DType::F64)
    } else {
        v.clone()
    });
    let out: Vec<i64> = kv
        .iter()
        .map(|x| {
            ka.partition_point(|y| {
                let c = cmp_k(y, x);
                if right {
                    c != std::cmp::Ordering::Greater
                } else {
                    c == std::cmp::Ordering::Less
                }
            }) as i64
        })
        .collect();
    Ok(Array::from_vec(v.shape(), out))
}
