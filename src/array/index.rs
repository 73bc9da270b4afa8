//! NumPy indexing for `Array`: `get` (`a[idx]`) and `set` (`a[idx] = value`).
//!
//! Basic indices (integers, slices, `...`, newaxis) select an O(1) view that
//! shares the buffer. As soon as one array index is present the index is
//! "advanced": integer scalars and integer arrays (broadcast together) and
//! boolean masks (equivalent to their `nonzero()` arrays) select elements
//! through a gather/scatter over precomputed offsets. The broadcast
//! dimensions replace the indexed axes in place when all advanced indices are
//! adjacent, and go to the front otherwise (NumPy's rule).
//!
//! Error labels: `Arg(0)` is the indexed array, `Arg(k + 1)` the k-th index
//! item and, in `set`, `Arg(idx.len() + 1)` the assigned value.

use super::{check_size, fmt_shape, Arr, Array, DType, Element};
use crate::diagnostics::{Error, Result};
use ndarray::{ArcArray, ArrayBase, ArrayD, ArrayView, Axis, IxDyn, RawData, Slice, Zip};

/// One entry of an index tuple, as in `a[0, 1:3, ..., newaxis, idx]`.
#[derive(Clone, Debug)]
pub enum IndexItem {
    Int(i64),
    Slice {
        start: Option<i64>,
        stop: Option<i64>,
        step: Option<i64>,
    },
    Ellipsis,
    NewAxis,
    /// An int64 array is an integer-array (advanced) index; a bool array is a
    /// mask. Float arrays are rejected.
    Array(Array),
}

impl IndexItem {
    /// The full slice `:`.
    pub fn full() -> IndexItem {
        IndexItem::Slice {
            start: None,
            stop: None,
            step: None,
        }
    }
}

/// `a[idx]`. Basic-only indices return a view sharing `a`'s buffer; advanced
/// indices return a fresh array.
pub fn get(a: &Array, idx: &[IndexItem]) -> Result<Array> {
    let p = parse(a.shape(), idx)?;
    Ok(match a {
        Array::Bool(x) => Array::Bool(get_typed(x, &p)?),
        Array::I64(x) => Array::I64(get_typed(x, &p)?),
        Array::F32(x) => Array::F32(get_typed(x, &p)?),
        Array::F64(x) => Array::F64(get_typed(x, &p)?),
    })
}

/// `a[idx] = value`: `value` is cast to `a`'s dtype (unsafe casting, as NumPy)
/// and broadcast to the shape of `a[idx]`. Writes in place unless `a`'s
/// buffer is shared, in which case it is copied first (value semantics).
/// With repeated integer indices the last write wins.
pub fn set(a: &mut Array, idx: &[IndexItem], value: &Array) -> Result<()> {
    let p = parse(a.shape(), idx)?;
    let vpos = idx.len() + 1;
    match a {
        Array::Bool(x) => set_typed(x, &p, &value.to_bool_nd(), vpos),
        Array::I64(x) => set_typed(x, &p, &value.to_i64_nd(), vpos),
        Array::F32(x) => set_typed(x, &p, &to_f32_nd(value), vpos),
        Array::F64(x) => set_typed(x, &p, &value.to_f64_nd(), vpos),
    }
}

fn to_f32_nd(v: &Array) -> Arr<f32> {
    match v.astype(DType::F32) {
        Array::F32(x) => x,
        other => other.to_f64_nd().mapv(|x| x as f32).into_shared(),
    }
}

// ---------------------------------------------------------------------------
// Parsing and validation

enum Item<'a> {
    Int(i64),
    /// start, stop, step (step already checked to be non-zero)
    Slice(Option<i64>, Option<i64>, i64),
    NewAxis,
    Ellipsis,
    Ints(&'a Arr<i64>),
    Mask(&'a Arr<bool>),
}

struct Entry<'a> {
    /// Position in the index tuple (labelled as `Arg(pos + 1)`).
    pos: usize,
    /// First axis of the indexed array this entry applies to.
    axis: usize,
    item: Item<'a>,
}

struct Parsed<'a> {
    entries: Vec<Entry<'a>>,
    /// Number of axes the ellipsis (explicit or implied) stands for.
    ellipsis: usize,
    /// Whether any array index is present.
    advanced: bool,
}

fn parse<'a>(shape: &[usize], idx: &'a [IndexItem]) -> Result<Parsed<'a>> {
    let ndim = shape.len();
    let mut entries = Vec::with_capacity(idx.len());
    let mut consumed = 0usize;
    let mut seen_ellipsis = false;
    let mut advanced = false;
    for (k, it) in idx.iter().enumerate() {
        let item = match it {
            IndexItem::Int(i) => {
                consumed += 1;
                Item::Int(*i)
            }
            IndexItem::Slice { start, stop, step } => {
                let step = step.unwrap_or(1);
                if step == 0 {
                    return Err(Error::value("slice step cannot be zero")
                        .label_arg(k + 1, "this slice has step 0")
                        .with_help("use a positive step to go forward or a negative one (like `::-1`) to go backward"));
                }
                consumed += 1;
                Item::Slice(*start, *stop, step)
            }
            IndexItem::Ellipsis => {
                if seen_ellipsis {
                    return Err(
                        Error::index("an index can only have a single ellipsis ('...')")
                            .label_arg(k + 1, "second ellipsis")
                            .with_help("remove all but one `...`"),
                    );
                }
                seen_ellipsis = true;
                Item::Ellipsis
            }
            IndexItem::NewAxis => Item::NewAxis,
            IndexItem::Array(arr) => {
                advanced = true;
                match arr {
                    Array::I64(x) => {
                        consumed += 1;
                        Item::Ints(x)
                    }
                    Array::Bool(m) => {
                        consumed += m.ndim();
                        Item::Mask(m)
                    }
                    Array::F32(_) | Array::F64(_) => {
                        return Err(Error::type_(format!(
                            "arrays used as indices must be of integer or boolean type, not {}",
                            arr.dtype()
                        ))
                        .label_arg(k + 1, format!("{} array", arr.dtype()))
                        .with_help("use astype(x, int64)"));
                    }
                }
            }
        };
        entries.push(Entry {
            pos: k,
            axis: 0,
            item,
        });
    }
    if consumed > ndim {
        return Err(Error::index(format!(
            "too many indices: array is {}-dimensional, but {} were indexed",
            ndim, consumed
        ))
        .label_arg(0, format!("shape {}", fmt_shape(shape)))
        .with_help(format!(
            "give at most {} indices (a boolean mask counts once per dimension it has)",
            ndim
        )));
    }
    let ellipsis = ndim - consumed;
    let mut axis = 0usize;
    for e in entries.iter_mut() {
        e.axis = axis;
        match &e.item {
            Item::Int(_) | Item::Slice(..) | Item::Ints(_) => axis += 1,
            Item::Ellipsis => axis += ellipsis,
            Item::NewAxis => {}
            Item::Mask(m) => {
                let dims = shape.get(axis..).unwrap_or(&[]);
                for (j, (&ms, &d)) in m.shape().iter().zip(dims).enumerate() {
                    if ms != d {
                        return Err(Error::index(format!(
                            "boolean index did not match indexed array along axis {}; size of axis is {} but size of boolean index is {}",
                            axis + j, d, ms
                        ))
                        .label_arg(e.pos + 1, format!("mask of shape {}", fmt_shape(m.shape())))
                        .label_arg(0, format!("shape {}", fmt_shape(shape)))
                        .with_help("a mask must have the same shape as the axes it covers"));
                    }
                }
                axis += m.ndim();
            }
        }
    }
    Ok(Parsed {
        entries,
        ellipsis,
        advanced,
    })
}

fn out_of_bounds(i: i64, axis: usize, n: usize, pos: usize) -> Error {
    let help = if n == 0 {
        format!("axis {} has size 0, so no index is valid", axis)
    } else {
        format!("valid indices are {} to {}", -(n as i64), n as i64 - 1)
    };
    Error::index(format!(
        "index {} is out of bounds for axis {} with size {}",
        i, axis, n
    ))
    .label_arg(pos + 1, format!("index {} is out of bounds", i))
    .with_help(help)
}

/// A possibly negative index into an axis of length `n`, checked.
fn norm_index(i: i64, n: usize, axis: usize, pos: usize) -> Result<usize> {
    let n_i = n as i64;
    let j = if i < 0 { i.checked_add(n_i) } else { Some(i) };
    match j {
        Some(j) if j >= 0 && j < n_i => Ok(j as usize),
        _ => Err(out_of_bounds(i, axis, n, pos)),
    }
}

fn internal() -> Error {
    Error::index("internal indexing error: computed offset is outside the array")
}

/// The length of axis `cur` of a view being built.
fn dim_at(shape: &[usize], cur: usize) -> Result<usize> {
    shape.get(cur).copied().ok_or_else(internal)
}

/// NumPy's slice clipping for an axis of length `n`: the index of the first
/// element taken and how many are taken (computed in i128, so no step or
/// bound overflows). The CPU views and the GPU views both use it.
pub fn slice_first_len(start: Option<i64>, stop: Option<i64>, step: i64, n: usize) -> (i128, i128) {
    let n = n as i128;
    let st = step as i128;
    let clip = |v: Option<i64>, default: i128| -> i128 {
        match v {
            None => default,
            Some(v) => {
                let v = v as i128;
                if v < 0 {
                    let v = v + n;
                    if v < 0 {
                        if st < 0 {
                            -1
                        } else {
                            0
                        }
                    } else {
                        v
                    }
                } else if v >= n {
                    if st < 0 {
                        n - 1
                    } else {
                        n
                    }
                } else {
                    v
                }
            }
        }
    };
    let (b, e) = if st > 0 {
        (clip(start, 0), clip(stop, n))
    } else {
        (clip(start, n - 1), clip(stop, -1))
    };
    let len = if st > 0 {
        if e > b {
            (e - b - 1) / st + 1
        } else {
            0
        }
    } else if e < b {
        (b - e - 1) / (-st) + 1
    } else {
        0
    };
    (b, len)
}

/// NumPy's slice clipping for an axis of length `n`, as an ndarray `Slice`
/// (ndarray reverses the range for negative steps, so the range is chosen
/// to start at NumPy's first element).
fn nd_slice(start: Option<i64>, stop: Option<i64>, step: i64, n: usize) -> Slice {
    let st = step as i128;
    let (b, len) = slice_first_len(start, stop, step, n);
    // All values below lie in 0..=n, so they fit in isize.
    if len == 0 {
        Slice::new(0, Some(0), 1)
    } else if len == 1 {
        Slice::new(b as isize, Some(b as isize + 1), 1)
    } else if st > 0 {
        let last = b + (len - 1) * st;
        Slice::new(b as isize, Some(last as isize + 1), st as isize)
    } else {
        let low = b + (len - 1) * st;
        Slice::new(low as isize, Some(b as isize + 1), st as isize)
    }
}

// ---------------------------------------------------------------------------
// Basic indexing: views

fn basic_view<S: RawData>(mut v: ArrayBase<S, IxDyn>, p: &Parsed) -> Result<ArrayBase<S, IxDyn>> {
    let mut cur = 0usize;
    for e in &p.entries {
        match e.item {
            Item::Int(i) => {
                let n = dim_at(v.shape(), cur)?;
                let j = norm_index(i, n, e.axis, e.pos)?;
                v = v.index_axis_move(Axis(cur), j);
            }
            Item::Slice(start, stop, step) => {
                let n = dim_at(v.shape(), cur)?;
                v.slice_axis_inplace(Axis(cur), nd_slice(start, stop, step, n));
                cur += 1;
            }
            Item::NewAxis => {
                v = v.insert_axis(Axis(cur));
                cur += 1;
            }
            Item::Ellipsis => cur += p.ellipsis,
            Item::Ints(_) | Item::Mask(_) => return Err(internal()),
        }
    }
    Ok(v)
}

// ---------------------------------------------------------------------------
// Advanced indexing: a strided view plus index arrays on some of its axes

struct Adv {
    /// Axis of the view the index applies to.
    axis: usize,
    /// Axis of the original array (for messages).
    orig_axis: usize,
    pos: usize,
    idx: Arr<i64>,
    /// Whether values need a bounds check (mask-derived ones never do).
    check: bool,
}

/// Apply slices and newaxes; collect integer scalars, integer arrays and
/// masks (as `nonzero()` arrays) as advanced indices on the view's axes.
fn adv_view<'v, T>(
    mut v: ArrayView<'v, T, IxDyn>,
    p: &Parsed,
) -> Result<(ArrayView<'v, T, IxDyn>, Vec<Adv>)> {
    let mut cur = 0usize;
    let mut advs = Vec::new();
    for e in &p.entries {
        match e.item {
            Item::Int(i) => {
                advs.push(Adv {
                    axis: cur,
                    orig_axis: e.axis,
                    pos: e.pos,
                    idx: ArcArray::from_elem(IxDyn(&[]), i),
                    check: true,
                });
                cur += 1;
            }
            Item::Ints(x) => {
                advs.push(Adv {
                    axis: cur,
                    orig_axis: e.axis,
                    pos: e.pos,
                    idx: x.clone(),
                    check: true,
                });
                cur += 1;
            }
            Item::Slice(start, stop, step) => {
                let n = dim_at(v.shape(), cur)?;
                v.slice_axis_inplace(Axis(cur), nd_slice(start, stop, step, n));
                cur += 1;
            }
            Item::NewAxis => {
                v = v.insert_axis(Axis(cur));
                cur += 1;
            }
            Item::Ellipsis => cur += p.ellipsis,
            Item::Mask(m) if m.ndim() == 0 => {
                // A 0-d mask adds a length-1 axis indexed by [0] (true) or [] (false).
                v = v.insert_axis(Axis(cur));
                let sel = m.iter().next().copied().unwrap_or(false);
                let idx = ArcArray::from_vec(if sel { vec![0i64] } else { Vec::new() }).into_dyn();
                advs.push(Adv {
                    axis: cur,
                    orig_axis: e.axis,
                    pos: e.pos,
                    idx,
                    check: false,
                });
                cur += 1;
            }
            Item::Mask(m) => {
                for (j, idx) in nonzero(m).into_iter().enumerate() {
                    advs.push(Adv {
                        axis: cur + j,
                        orig_axis: e.axis + j,
                        pos: e.pos,
                        idx,
                        check: false,
                    });
                }
                cur += m.ndim();
            }
        }
    }
    Ok((v, advs))
}

/// The coordinates of the true elements of a mask, one 1-d array per axis.
fn nonzero(m: &Arr<bool>) -> Vec<Arr<i64>> {
    let nnz = m.iter().filter(|&&b| b).count();
    let dims = m.shape();
    let mut cols: Vec<Vec<i64>> = dims.iter().map(|_| Vec::with_capacity(nnz)).collect();
    let mut idx = vec![0usize; dims.len()];
    for &b in m.iter() {
        if b {
            for (c, &i) in cols.iter_mut().zip(&idx) {
                c.push(i as i64);
            }
        }
        for (i, &d) in idx.iter_mut().zip(dims).rev() {
            *i += 1;
            if *i < d {
                break;
            }
            *i = 0;
        }
    }
    cols.into_iter()
        .map(|c| ArcArray::from_vec(c).into_dyn())
        .collect()
}

fn broadcast_pair(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![1usize; n];
    for (k, o) in out.iter_mut().enumerate() {
        let da = if k + a.len() >= n {
            a.get(k + a.len() - n).copied().unwrap_or(1)
        } else {
            1
        };
        let db = if k + b.len() >= n {
            b.get(k + b.len() - n).copied().unwrap_or(1)
        } else {
            1
        };
        *o = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return None;
        };
    }
    Some(out)
}

/// Row-major walk over the element offsets of a strided block, reusable
/// (`reset`) so that nested loops allocate nothing per step.
struct Walk {
    dims: Vec<usize>,
    strides: Vec<isize>,
    idx: Vec<usize>,
    off: isize,
    left: usize,
    total: usize,
}

impl Walk {
    fn new(dims: Vec<usize>, strides: Vec<isize>) -> Walk {
        let total = dims.iter().product();
        let idx = vec![0; dims.len()];
        Walk {
            dims,
            strides,
            idx,
            off: 0,
            left: total,
            total,
        }
    }
    fn reset(&mut self) {
        self.idx.iter_mut().for_each(|i| *i = 0);
        self.off = 0;
        self.left = self.total;
    }
}

impl Iterator for Walk {
    type Item = isize;
    fn next(&mut self) -> Option<isize> {
        if self.left == 0 {
            return None;
        }
        let cur = self.off;
        self.left -= 1;
        if self.left > 0 {
            for ((i, &d), &s) in self.idx.iter_mut().zip(&self.dims).zip(&self.strides).rev() {
                *i += 1;
                self.off += s;
                if *i < d {
                    break;
                }
                self.off -= s * d as isize;
                *i = 0;
            }
        }
        Some(cur)
    }
}

/// Where every selected element lives, relative to the view's first element:
/// `pre` (outer un-indexed axes) × `bofs` (broadcast index positions) ×
/// `post` (inner un-indexed axes, its contiguous tail merged into runs of
/// length `run`).
struct Plan {
    out_shape: Vec<usize>,
    n_out: usize,
    pre: Walk,
    bofs: Vec<isize>,
    post: Walk,
    run: usize,
}

fn make_plan<T>(v: &ArrayView<T, IxDyn>, advs: &[Adv]) -> Result<Plan> {
    let shape = v.shape();
    let strides = v.strides();
    // Broadcast the index arrays together.
    let mut b: Vec<usize> = Vec::new();
    for (j, ad) in advs.iter().enumerate() {
        match broadcast_pair(&b, ad.idx.shape()) {
            Some(s) => b = s,
            None => {
                let mut shapes = Vec::new();
                let mut err = Error::index("");
                let mut last_pos = usize::MAX;
                for a2 in advs.iter().take(j + 1) {
                    if a2.pos != last_pos {
                        shapes.push(fmt_shape(a2.idx.shape()));
                        err = err
                            .label_arg(a2.pos + 1, format!("shape {}", fmt_shape(a2.idx.shape())));
                        last_pos = a2.pos;
                    }
                }
                err.message = format!(
                    "shape mismatch: indexing arrays could not be broadcast together with shapes {}",
                    shapes.join(" ")
                );
                return Err(err
                    .with_help("index arrays are broadcast together like operands of arithmetic"));
            }
        }
    }
    let n_b = check_size(&b)?;
    // Adjacent advanced indices keep their place; otherwise they go first.
    let adjacent = advs.windows(2).all(|w| match w {
        [x, y] => y.axis == x.axis + 1,
        _ => true,
    });
    let first = advs.first().map(|a| a.axis).unwrap_or(0);
    let is_adv = |ax: usize| advs.iter().any(|a| a.axis == ax);
    let (mut pre_d, mut pre_s, mut post_d, mut post_s) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (ax, (&d, &s)) in shape.iter().zip(strides).enumerate() {
        if is_adv(ax) {
            continue;
        }
        if adjacent && ax < first {
            pre_d.push(d);
            pre_s.push(s);
        } else {
            post_d.push(d);
            post_s.push(s);
        }
    }
    let mut out_shape = pre_d.clone();
    out_shape.extend_from_slice(&b);
    out_shape.extend_from_slice(&post_d);
    let n_out = check_size(&out_shape)?;
    // Bounds (NumPy checks only when the broadcast index set is non-empty).
    if n_b > 0 {
        for ad in advs.iter().filter(|a| a.check) {
            let n = dim_at(shape, ad.axis)?;
            let n_i = n as i64;
            if let Some(&bad) = ad.idx.iter().find(|&&i| i < -n_i || i >= n_i) {
                return Err(out_of_bounds(bad, ad.orig_axis, n, ad.pos));
            }
        }
    }
    let mut bofs = Vec::new();
    if n_out > 0 {
        bofs = vec![0isize; n_b];
        for ad in advs {
            let n = dim_at(shape, ad.axis)? as i64;
            let s = strides.get(ad.axis).copied().ok_or_else(internal)?;
            let view = ad.idx.broadcast(IxDyn(&b)).ok_or_else(internal)?;
            for (o, &i) in bofs.iter_mut().zip(view.iter()) {
                let i = if i < 0 { i + n } else { i };
                *o += i as isize * s;
            }
        }
    }
    // Merge the contiguous tail of the inner axes into runs.
    let mut run = 1usize;
    let mut expect = 1isize;
    while let (Some(&d), Some(&s)) = (post_d.last(), post_s.last()) {
        if d != 1 {
            if s != expect {
                break;
            }
            run *= d;
            expect *= d as isize;
        }
        post_d.pop();
        post_s.pop();
    }
    Ok(Plan {
        out_shape,
        n_out,
        pre: Walk::new(pre_d, pre_s),
        bofs,
        post: Walk::new(post_d, post_s),
        run,
    })
}

/// Offset (in elements) of `p` from the start of `mem`.
fn elem_offset<T>(mem: *const T, p: *const T) -> isize {
    let size = std::mem::size_of::<T>().max(1) as isize;
    ((p as usize).wrapping_sub(mem as usize) as isize) / size
}

fn ix(o: isize) -> Result<usize> {
    usize::try_from(o).map_err(|_| internal())
}

/// Block size for the parallel index kernels below.
const INDEX_BLOCK: usize = 1 << 14;

/// The elements of `x` where `m` is true, in order (`a[mask]`). Blocks are
/// counted, then copied into their place in the output, in parallel above
/// `PAR_THRESHOLD` elements; each block writes branch-free (every element is
/// stored at the next free slot, which advances only when the mask is true),
/// so a random mask costs no mispredicted branches.
fn compress<T: Copy + Send + Sync>(x: &[T], m: &[bool]) -> Vec<T> {
    use rayon::prelude::*;
    let n = x.len().min(m.len());
    let blocks: Vec<(&[T], &[bool])> = x[..n]
        .chunks(INDEX_BLOCK)
        .zip(m[..n].chunks(INDEX_BLOCK))
        .collect();
    let par = n >= crate::array::elementwise::PAR_THRESHOLD;
    let count = |(_, mb): &(&[T], &[bool])| mb.iter().map(|&b| b as usize).sum::<usize>();
    let counts: Vec<usize> = if par {
        blocks.par_iter().map(count).collect()
    } else {
        blocks.iter().map(count).collect()
    };
    let total: usize = counts.iter().sum();
    let mut out: Vec<T> = Vec::with_capacity(total);
    let mut dsts: Vec<&mut [std::mem::MaybeUninit<T>]> = Vec::with_capacity(blocks.len());
    let mut rest = &mut out.spare_capacity_mut()[..total];
    for &c in &counts {
        let (d, r) = std::mem::take(&mut rest).split_at_mut(c);
        dsts.push(d);
        rest = r;
    }
    let fill = |((xb, mb), d): ((&[T], &[bool]), &mut [std::mem::MaybeUninit<T>])| {
        let len = d.len();
        let mut k = 0;
        for (&v, &b) in xb.iter().zip(mb) {
            if k < len {
                d[k] = std::mem::MaybeUninit::new(v);
            }
            k += b as usize;
        }
    };
    if par {
        blocks.into_par_iter().zip(dsts).for_each(fill);
    } else {
        blocks.into_iter().zip(dsts).for_each(fill);
    }
    // SAFETY: the blocks' destination slices tile the first `total` slots,
    // and block i's slice has exactly as many slots as block i has true mask
    // entries, each of which wrote its slot (slot k is written by the k-th
    // true entry at the latest).
    unsafe { out.set_len(total) };
    out
}

/// `x[idx]` for a 1-d `x` (negative indices count from the end), in
/// parallel above `PAR_THRESHOLD` indices. `pos` is the index's position in
/// the index tuple, for the error label.
fn gather<T: Copy + Send + Sync>(x: &[T], idx: &[i64], pos: usize) -> Result<Vec<T>> {
    use rayon::prelude::*;
    let n = x.len() as i64;
    // Each block writes its slots straight into the result (a collect into
    // `Option<Vec<T>>` is not indexed and went through per-block vectors);
    // it says whether all its indices were in range.
    let fill = |(d, s): (&mut [std::mem::MaybeUninit<T>], &[i64])| -> bool {
        let mut good = true;
        for (o, &i) in d.iter_mut().zip(s) {
            let j = if i < 0 { i.wrapping_add(n) } else { i };
            // A negative j becomes a huge usize: out of range too.
            match x.get(j as usize) {
                Some(&v) => {
                    o.write(v);
                }
                None => good = false,
            }
        }
        good
    };
    let mut out: Vec<T> = Vec::with_capacity(idx.len());
    let spare = &mut out.spare_capacity_mut()[..idx.len()];
    let all_good = if idx.len() >= crate::array::elementwise::PAR_THRESHOLD {
        spare
            .par_chunks_mut(INDEX_BLOCK)
            .zip(idx.par_chunks(INDEX_BLOCK))
            .map(fill)
            .reduce(|| true, |a, b| a & b)
    } else {
        fill((spare, idx))
    };
    if all_good {
        // SAFETY: every block found all its indices in range and so wrote
        // each of its slots; the blocks tile the first idx.len() slots.
        unsafe { out.set_len(idx.len()) };
        return Ok(out);
    }
    let bad = idx
        .iter()
        .copied()
        .find(|&i| {
            let j = if i < 0 { i.wrapping_add(n) } else { i };
            !(0..n).contains(&j)
        })
        .unwrap_or(0);
    Err(out_of_bounds(bad, 0, x.len(), pos))
}

fn get_typed<T: Element>(a: &Arr<T>, p: &Parsed) -> Result<Arr<T>> {
    if !p.advanced {
        return basic_view(a.clone(), p);
    }
    // Fast path: one mask covering the whole array.
    if let [Entry {
        item: Item::Mask(m),
        ..
    }] = p.entries.as_slice()
    {
        if m.ndim() > 0 && m.shape() == a.shape() {
            if let (Some(x), Some(mb)) = (a.as_slice(), m.as_slice()) {
                return Ok(ArcArray::from_vec(compress(x, mb)).into_dyn());
            }
            let nnz = m.iter().filter(|&&b| b).count();
            let mut out = Vec::with_capacity(nnz);
            out.extend(a.iter().zip(m.iter()).filter(|(_, &b)| b).map(|(&x, _)| x));
            return Ok(ArcArray::from_vec(out).into_dyn());
        }
    }
    // Fast path: a 1-d array gathered at an integer array (`a[idx]`).
    if let [Entry {
        item: Item::Ints(ix),
        pos,
        ..
    }] = p.entries.as_slice()
    {
        if let (1, Some(x), Some(iv)) = (a.ndim(), a.as_slice(), ix.as_slice()) {
            let out = gather(x, iv, *pos)?;
            return ArrayD::from_shape_vec(IxDyn(ix.shape()), out)
                .map(|r| r.into_shared())
                .map_err(|_| internal());
        }
    }
    let tmp;
    let src = if a.as_slice_memory_order().is_some() {
        a
    } else {
        tmp = a.as_standard_layout().into_owned().into_shared();
        &tmp
    };
    let mem = src.as_slice_memory_order().ok_or_else(internal)?;
    let (v, advs) = adv_view(src.view(), p)?;
    let mut plan = make_plan(&v, &advs)?;
    let base = elem_offset(mem.as_ptr(), v.as_ptr());
    let mut out: Vec<T> = Vec::with_capacity(plan.n_out);
    if plan.n_out > 0 {
        let single = plan.post.total == 1 && plan.run == 1;
        let run = plan.run;
        for q0 in &mut plan.pre {
            for &b in &plan.bofs {
                let o = base + q0 + b;
                if single {
                    out.push(*mem.get(ix(o)?).ok_or_else(internal)?);
                } else {
                    plan.post.reset();
                    for q in &mut plan.post {
                        let s = ix(o + q)?;
                        out.extend_from_slice(mem.get(s..s + run).ok_or_else(internal)?);
                    }
                }
            }
        }
    }
    ArrayD::from_shape_vec(IxDyn(&plan.out_shape), out)
        .map(|r| r.into_shared())
        .map_err(|_| internal())
}

/// `value` with leading length-1 axes dropped so it can broadcast to
/// `target` (NumPy allows those in assignments), or a shape error.
fn fit_value<'a, T>(
    value: ArrayView<'a, T, IxDyn>,
    target: &[usize],
    vpos: usize,
) -> Result<ArrayView<'a, T, IxDyn>> {
    let orig: Vec<usize> = value.shape().to_vec();
    let mut v = value;
    while v.ndim() > target.len() && v.shape().first() == Some(&1) {
        v = v.index_axis_move(Axis(0), 0);
    }
    let ok =
        v.ndim() <= target.len() && broadcast_pair(v.shape(), target).as_deref() == Some(target);
    if !ok {
        return Err(Error::shape(format!(
            "could not broadcast value of shape {} into indexing result of shape {}",
            fmt_shape(&orig),
            fmt_shape(target)
        ))
        .label_arg(vpos, format!("shape {}", fmt_shape(&orig)))
        .with_help(format!(
            "the value must broadcast to {}: compared from the right, each dimension must match or be 1",
            fmt_shape(target)
        )));
    }
    Ok(v)
}

fn set_typed<T: Element>(a: &mut Arr<T>, p: &Parsed, value: &Arr<T>, vpos: usize) -> Result<()> {
    if !p.advanced {
        let mut view = basic_view(a.view_mut(), p)?;
        let fitted = fit_value(value.view(), view.shape(), vpos)?;
        let vb = fitted.broadcast(IxDyn(view.shape())).ok_or_else(internal)?;
        Zip::from(&mut view).and(&vb).for_each(|x, &y| *x = y);
        return Ok(());
    }
    // Fast path: one mask covering the whole array (`a[a < 0] = 0`).
    if let [Entry {
        item: Item::Mask(m),
        ..
    }] = p.entries.as_slice()
    {
        if m.ndim() > 0 && m.shape() == a.shape() {
            let m: &Arr<bool> = m;
            if value.len() == 1 && value.ndim() <= 1 {
                let x = *value.iter().next().ok_or_else(internal)?;
                Zip::from(&mut *a).and(m).for_each(|e, &b| {
                    if b {
                        *e = x
                    }
                });
                return Ok(());
            }
            let nnz = m.iter().filter(|&&b| b).count();
            let fitted = fit_value(value.view(), &[nnz], vpos)?;
            let vb = fitted.broadcast(IxDyn(&[nnz])).ok_or_else(internal)?;
            let mut vals = vb.iter();
            for (e, &b) in a.iter_mut().zip(m.iter()) {
                if b {
                    *e = *vals.next().ok_or_else(internal)?;
                }
            }
            return Ok(());
        }
    }
    // Make the buffer unique (copying only if shared) and contiguous.
    if a.as_slice_memory_order_mut().is_none() {
        *a = a.as_standard_layout().into_owned().into_shared();
    }
    let (mut plan, vptr) = {
        let (v, advs) = adv_view(a.view(), p)?;
        (make_plan(&v, &advs)?, v.as_ptr())
    };
    let fitted = fit_value(value.view(), &plan.out_shape, vpos)?;
    let vb = fitted
        .broadcast(IxDyn(&plan.out_shape))
        .ok_or_else(internal)?;
    if plan.n_out == 0 {
        return Ok(());
    }
    let mem = a.as_slice_memory_order_mut().ok_or_else(internal)?;
    let base = elem_offset(mem.as_ptr(), vptr);
    let mut vals = vb.iter();
    let single = plan.post.total == 1 && plan.run == 1;
    let run = plan.run;
    for q0 in &mut plan.pre {
        for &b in &plan.bofs {
            let o = base + q0 + b;
            if single {
                *mem.get_mut(ix(o)?).ok_or_else(internal)? = *vals.next().ok_or_else(internal)?;
            } else {
                plan.post.reset();
                for q in &mut plan.post {
                    let s = ix(o + q)?;
                    for slot in mem.get_mut(s..s + run).ok_or_else(internal)? {
                        *slot = *vals.next().ok_or_else(internal)?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{At, ErrorKind};

    // ---- helpers (expected values below were computed with NumPy 2.4)

    fn aro(shape: &[usize], off: i64) -> Array {
        let n: usize = shape.iter().product();
        Array::from_vec(shape, (0..n as i64).map(|x| x + off).collect())
    }
    fn ar(shape: &[usize]) -> Array {
        aro(shape, 0)
    }
    fn vi(shape: &[usize], v: &[i64]) -> Array {
        Array::from_vec(shape, v.to_vec())
    }
    fn vf(shape: &[usize], v: &[f64]) -> Array {
        Array::from_vec(shape, v.to_vec())
    }
    fn vb(shape: &[usize], v: &[i64]) -> Array {
        Array::from_vec(shape, v.iter().map(|&x| x != 0).collect())
    }
    fn i(v: i64) -> IndexItem {
        IndexItem::Int(v)
    }
    /// `sl("1:5:-1")`, `sl("::2")`, `sl(":")`.
    fn sl(s: &str) -> IndexItem {
        let parts: Vec<Option<i64>> = s
            .split(':')
            .map(|p| {
                if p.is_empty() {
                    None
                } else {
                    Some(p.parse().unwrap())
                }
            })
            .collect();
        let at = |k: usize| parts.get(k).copied().flatten();
        IndexItem::Slice {
            start: at(0),
            stop: at(1),
            step: at(2),
        }
    }
    fn ell() -> IndexItem {
        IndexItem::Ellipsis
    }
    fn na() -> IndexItem {
        IndexItem::NewAxis
    }
    fn ixn(shape: &[usize], v: &[i64]) -> IndexItem {
        IndexItem::Array(vi(shape, v))
    }
    fn ix(v: &[i64]) -> IndexItem {
        ixn(&[v.len()], v)
    }
    fn bm(shape: &[usize], v: &[i64]) -> IndexItem {
        IndexItem::Array(vb(shape, v))
    }
    fn bt(b: bool) -> IndexItem {
        IndexItem::Array(Array::from_vec(&[], vec![b]))
    }
    fn g(a: &Array, idx: &[IndexItem]) -> Array {
        get(a, idx).unwrap()
    }
    fn s(a: &Array, idx: &[IndexItem], v: &Array) -> Array {
        let mut b = a.clone();
        set(&mut b, idx, v).unwrap();
        b
    }
    fn check(r: &Array, shape: &[usize], vals: &[i64]) {
        assert_eq!(r.shape(), shape);
        assert_eq!(r.to_i64_vec(), vals);
    }
    fn ptr(a: &Array) -> usize {
        crate::with_array!(a, x => x.as_ptr() as usize)
    }
    /// The parallel mask and gather kernels equal the plain definitions on
    /// sizes below, at and above the block and parallel thresholds, with
    /// masks that are random, all true, all false and true only at the ends.
    #[test]
    fn fast_mask_and_gather_equal_the_plain_definitions() {
        let mut state = 12345u64;
        let mut rnd = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        for n in [
            0usize,
            1,
            7,
            INDEX_BLOCK - 1,
            INDEX_BLOCK + 3,
            (1 << 16) + 5,
            200_003,
        ] {
            let x: Vec<i64> = (0..n as i64).map(|v| v * 3 - 7).collect();
            let a = vi(&[n], &x);
            let masks: Vec<Vec<bool>> = vec![
                (0..n).map(|_| rnd() % 2 == 0).collect(),
                vec![true; n],
                vec![false; n],
                (0..n).map(|i| i == 0 || i + 1 == n).collect(),
            ];
            for m in masks {
                let want: Vec<i64> = x
                    .iter()
                    .zip(&m)
                    .filter(|(_, &b)| b)
                    .map(|(&v, _)| v)
                    .collect();
                let mi = IndexItem::Array(Array::from_vec(&[n], m.clone()));
                check(&g(&a, &[mi]), &[want.len()], &want);
            }
            if n > 0 {
                let idx: Vec<i64> = (0..n)
                    .map(|_| (rnd() % (2 * n as u64)) as i64 - n as i64)
                    .collect();
                let want: Vec<i64> = idx
                    .iter()
                    .map(|&i| {
                        x[if i < 0 {
                            (i + n as i64) as usize
                        } else {
                            i as usize
                        }]
                    })
                    .collect();
                check(&g(&a, &[ix(&idx)]), &[n], &want);
                // An out-of-bounds index anywhere is an index error naming it.
                let mut bad = idx.clone();
                let at = bad.len() / 2;
                bad[at] = n as i64 + 4;
                let e = get(&a, &[ix(&bad)]).unwrap_err();
                assert_eq!(e.kind, ErrorKind::Index);
                assert!(
                    e.message
                        .contains(&format!("index {} is out of bounds", n + 4)),
                    "{}",
                    e.message
                );
            }
        }
        // Floats, and a 2-d index array keeps its shape.
        let f = vf(&[4], &[0.5, 1.5, 2.5, 3.5]);
        let r = g(&f, &[ixn(&[2, 2], &[3, 0, -1, 1])]);
        assert_eq!(r.shape(), &[2, 2]);
        assert_eq!(r.to_f64_vec(), vec![3.5, 0.5, 3.5, 1.5]);
    }

    fn has_label(e: &Error, k: usize) -> bool {
        e.labels.iter().any(|(at, _)| *at == At::Arg(k))
    }

    #[test]
    fn get_matches_numpy() {
        check(
            &g(&ar(&[3, 4]), &[ix(&[0, 2])]),
            &[2, 4],
            &[0, 1, 2, 3, 8, 9, 10, 11],
        ); // a[[0, 2]]
        check(
            &g(&ar(&[5]), &[ixn(&[2, 2], &[0, 1, 4, -1])]),
            &[2, 2],
            &[0, 1, 4, 4],
        ); // a[np.array([[0, 1], [4, -1]])]
        check(
            &g(&ar(&[3, 4]), &[ixn(&[2, 2], &[0, 1, 2, -1])]),
            &[2, 2, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 9, 10, 11],
        ); // a[np.array([[0, 1], [2, -1]])]
        check(
            &g(&ar(&[3, 4]), &[sl(":"), ix(&[1, 0])]),
            &[3, 2],
            &[1, 0, 5, 4, 9, 8],
        ); // a[:, [1, 0]]
        check(&g(&ar(&[3, 4]), &[ix(&[0, 1]), ix(&[1, 2])]), &[2], &[1, 6]); // a[[0, 1], [1, 2]]
        check(
            &g(
                &ar(&[3, 4]),
                &[ixn(&[1, 2], &[0, 1]), ixn(&[3, 1], &[0, 1, 2])],
            ),
            &[3, 2],
            &[0, 4, 1, 5, 2, 6],
        ); // a[[[0, 1]], [[0], [1], [2]]]
        check(
            &g(&ar(&[3, 4]), &[bm(&[3], &[1, 0, 1])]),
            &[2, 4],
            &[0, 1, 2, 3, 8, 9, 10, 11],
        ); // a[np.array([T, F, T])]
        check(
            &g(&ar(&[3, 4]), &[sl(":"), bm(&[4], &[1, 0, 0, 1])]),
            &[3, 2],
            &[0, 3, 4, 7, 8, 11],
        ); // a[:, np.array([T, F, F, T])]
        check(
            &g(
                &ar(&[3, 4]),
                &[bm(&[3, 4], &[1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0])],
            ),
            &[4],
            &[0, 3, 6, 9],
        ); // a[ar(3,4) % 3 == 0]
        check(
            &g(&ar(&[2, 3, 4]), &[bm(&[2, 3], &[1, 0, 1, 0, 1, 0])]),
            &[3, 4],
            &[0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19],
        ); // a[np.array([[T, F, T], [F, T, F]])]
        check(
            &g(
                &ar(&[2, 3, 4]),
                &[bm(&[2, 3], &[1, 0, 1, 0, 1, 0]), ix(&[1, 3, 0])],
            ),
            &[3],
            &[1, 11, 16],
        ); // a[np.array([[T, F, T], [F, T, F]]), [1, 3, 0]]
        check(
            &g(
                &ar(&[2, 3, 4]),
                &[sl(":"), bm(&[3, 4], &[1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0])],
            ),
            &[2, 5],
            &[0, 2, 7, 8, 9, 12, 14, 19, 20, 21],
        ); // a[:, np.array([[T, F, T, F], [F, F, F, T], [T, T, F, F]])]
        check(
            &g(
                &ar(&[2, 3, 4]),
                &[ix(&[1]), sl(":"), bm(&[4], &[1, 0, 1, 1])],
            ),
            &[3, 3],
            &[12, 16, 20, 14, 18, 22, 15, 19, 23],
        ); // a[[1], :, np.array([T, F, T, T])]
        check(
            &g(&ar(&[2, 3, 4]), &[ell(), i(0)]),
            &[2, 3],
            &[0, 4, 8, 12, 16, 20],
        ); // a[..., 0]
        check(
            &g(&ar(&[2, 3, 4]), &[ell(), ix(&[0, -1])]),
            &[2, 3, 2],
            &[0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23],
        ); // a[..., [0, -1]]
        check(
            &g(&ar(&[2, 3, 4]), &[i(1), ell()]),
            &[3, 4],
            &[12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
        ); // a[1, ...]
        check(
            &g(&ar(&[2, 3, 4]), &[i(1), ell(), i(2)]),
            &[3],
            &[14, 18, 22],
        ); // a[1, ..., 2]
        check(
            &g(&ar(&[3, 4]), &[na()]),
            &[1, 3, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[None]
        check(
            &g(&ar(&[3, 4]), &[sl(":"), na(), i(1)]),
            &[3, 1],
            &[1, 5, 9],
        ); // a[:, None, 1]
        check(
            &g(&ar(&[3, 4]), &[ell(), na()]),
            &[3, 4, 1],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[..., None]
        check(
            &g(&ar(&[3, 4, 5]), &[i(0), sl(":"), ix(&[1, 2])]),
            &[2, 4],
            &[1, 6, 11, 16, 2, 7, 12, 17],
        ); // a[0, :, [1, 2]]
        check(
            &g(&ar(&[3, 4, 5]), &[sl(":"), ix(&[0, 1]), ix(&[1, 2])]),
            &[3, 2],
            &[1, 7, 21, 27, 41, 47],
        ); // a[:, [0, 1], [1, 2]]
        check(
            &g(&ar(&[3, 4, 5]), &[ix(&[0, 2]), sl(":"), ix(&[1, 3])]),
            &[2, 4],
            &[1, 6, 11, 16, 43, 48, 53, 58],
        ); // a[[0, 2], :, [1, 3]]
        check(
            &g(&ar(&[3, 4, 5]), &[ix(&[0, 2]), ell(), ix(&[1, 3])]),
            &[2, 4],
            &[1, 6, 11, 16, 43, 48, 53, 58],
        ); // a[[0, 2], ..., [1, 3]]
        check(
            &g(&ar(&[3, 4, 5]), &[ix(&[0, 1]), na(), ix(&[1, 2])]),
            &[2, 1, 5],
            &[5, 6, 7, 8, 9, 30, 31, 32, 33, 34],
        ); // a[[0, 1], None, [1, 2]]
        check(
            &g(&ar(&[3, 4, 5]), &[sl("1:"), ix(&[3, 0]), sl("::-2")]),
            &[2, 2, 3],
            &[39, 37, 35, 24, 22, 20, 59, 57, 55, 44, 42, 40],
        ); // a[1:, [3, 0], ::-2]
        check(
            &g(&ar(&[3, 4, 5]), &[sl(":"), sl(":"), ixn(&[2, 1], &[0, 4])]),
            &[3, 4, 2, 1],
            &[
                0, 4, 5, 9, 10, 14, 15, 19, 20, 24, 25, 29, 30, 34, 35, 39, 40, 44, 45, 49, 50, 54,
                55, 59,
            ],
        ); // a[:, :, [[0], [4]]]
        check(
            &g(&ar(&[3, 4, 5]), &[ix(&[2, 0])]),
            &[2, 4, 5],
            &[
                40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 0,
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
            ],
        ); // a[[2, 0]]
        check(
            &g(&ar(&[3, 4, 5]), &[ix(&[2, 0]), sl("1:3")]),
            &[2, 2, 5],
            &[
                45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
            ],
        ); // a[[2, 0], 1:3]
        check(
            &g(&ar(&[3, 4, 5]), &[ixn(&[], &[1]), sl(":"), ix(&[0, 1])]),
            &[2, 4],
            &[20, 25, 30, 35, 21, 26, 31, 36],
        ); // a[np.array(1), :, [0, 1]]
        check(
            &g(&ar(&[3, 4]), &[ix(&[1, -1]), na()]),
            &[2, 1, 4],
            &[4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[[1, -1], None]
        check(
            &g(&ar(&[3, 4]), &[na(), ix(&[0, 1])]),
            &[1, 2, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7],
        ); // a[None, [0, 1]]
        check(&g(&ar(&[3, 4]), &[i(1)]), &[4], &[4, 5, 6, 7]); // a[1]
        check(&g(&ar(&[3, 4]), &[i(-1), i(-2)]), &[], &[10]); // a[-1, -2]
        check(
            &g(&ar(&[3, 4]), &[]),
            &[3, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[()]
        check(
            &g(&ar(&[10]), &[sl("::-1")]),
            &[10],
            &[9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
        ); // a[::-1]
        check(&g(&ar(&[10]), &[sl("8:2:-3")]), &[2], &[8, 5]); // a[8:2:-3]
        check(
            &g(&ar(&[10]), &[sl("-1:-11:-1")]),
            &[10],
            &[9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
        ); // a[-1:-11:-1]
        check(
            &g(&ar(&[10]), &[sl("-100:100")]),
            &[10],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        ); // a[-100:100]
        check(&g(&ar(&[10]), &[sl("-3:")]), &[3], &[7, 8, 9]); // a[-3:]
        check(&g(&ar(&[10]), &[sl(":-3:4")]), &[2], &[0, 4]); // a[:-3:4]
        check(&g(&ar(&[10]), &[sl("100:-100:-4")]), &[3], &[9, 5, 1]); // a[100:-100:-4]
        check(&g(&ar(&[10]), &[sl("5:1")]), &[0], &[]); // a[5:1]
        check(&g(&ar(&[10]), &[sl("1:5:-1")]), &[0], &[]); // a[1:5:-1]
        check(&g(&ar(&[10]), &[sl("3:4:100")]), &[1], &[3]); // a[3:4:100]
        check(&g(&ar(&[10]), &[sl("::9223372036854775807")]), &[1], &[0]); // a[::9223372036854775807]
        check(&g(&ar(&[10]), &[sl("::-9223372036854775808")]), &[1], &[9]); // a[::-9223372036854775808]
        check(
            &g(&ar(&[3, 4]), &[sl("1:"), sl("::-2")]),
            &[2, 2],
            &[7, 5, 11, 9],
        ); // a[1:, ::-2]
        check(
            &g(&ar(&[3, 4]), &[sl("::-1"), ix(&[0, 3])]),
            &[3, 2],
            &[8, 11, 4, 7, 0, 3],
        ); // a[::-1, [0, 3]]
        check(&g(&ar(&[3, 4]), &[sl("5:")]), &[0, 4], &[]); // a[5:]
        check(&g(&ar(&[3, 4]), &[ix(&[])]), &[0, 4], &[]); // a[np.array([], dtype=np.int64)]
        check(&g(&ar(&[3, 4]), &[sl(":"), ix(&[])]), &[3, 0], &[]); // a[:, np.array([], dtype=np.int64)]
        check(&g(&ar(&[3, 4]), &[ix(&[5]), ix(&[])]), &[0], &[]); // a[[5], np.array([], dtype=np.int64)]
        check(&g(&ar(&[3, 4]), &[bm(&[3, 4], &[0; 12])]), &[0], &[]); // a[ar(3,4) > 100]
        check(
            &g(&ar(&[3, 4]), &[bt(true)]),
            &[1, 3, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[np.array(True)]
        check(&g(&ar(&[3, 4]), &[bt(false)]), &[0, 3, 4], &[]); // a[np.array(False)]
        check(&g(&ar(&[3, 4]), &[i(0), bt(true)]), &[1, 4], &[0, 1, 2, 3]); // a[0, np.array(True)]
        check(
            &g(&ar(&[3, 4, 5]), &[sl(":"), bt(true), ix(&[0, 1])]),
            &[3, 2, 5],
            &[
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 40, 41, 42,
                43, 44, 45, 46, 47, 48, 49,
            ],
        ); // a[:, np.array(True), [0, 1]]
        check(
            &g(&ar(&[3, 4, 5]), &[ix(&[0, 1]), sl(":"), bt(true)]),
            &[2, 4, 5],
            &[
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
            ],
        ); // a[[0, 1], :, np.array(True)]
        check(
            &g(&ar(&[3, 4]), &[ell(), bt(true)]),
            &[3, 4, 1],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[..., np.array(True)]
        check(&g(&ar(&[]), &[bt(true)]), &[1], &[0]); // a[np.array(True)]
        check(&g(&ar(&[]), &[na()]), &[1], &[0]); // a[None]
        check(&g(&ar(&[]), &[ell()]), &[], &[0]); // a[...]
        check(&g(&ar(&[0, 3]), &[sl(":"), ix(&[1, 2])]), &[0, 2], &[]); // a[:, [1, 2]]
        check(&g(&ar(&[0, 3]), &[ix(&[])]), &[0, 3], &[]); // a[[]]
    }

    #[test]
    fn set_matches_numpy() {
        check(
            &s(&ar(&[3, 4]), &[sl("1:"), i(0)], &vi(&[], &[0])),
            &[3, 4],
            &[0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11],
        ); // a[1:, 0] = 0
        check(
            &s(
                &aro(&[3, 4], -5),
                &[bm(&[3, 4], &[1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])],
                &vi(&[], &[0]),
            ),
            &[3, 4],
            &[0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6],
        ); // a[ar(3,4) - 5 < 0] = 0
        check(
            &s(
                &ar(&[3, 4]),
                &[bm(&[3, 4], &[1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])],
                &vi(&[3], &[-1, -2, -3]),
            ),
            &[3, 4],
            &[-1, 1, 2, 3, 4, -2, 6, 7, 8, 9, -3, 11],
        ); // a[ar(3,4) % 5 == 0] = [-1, -2, -3]
        check(
            &s(
                &ar(&[3, 4]),
                &[bm(&[3, 4], &[1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])],
                &vi(&[1], &[-7]),
            ),
            &[3, 4],
            &[-7, 1, 2, 3, 4, -7, 6, 7, 8, 9, -7, 11],
        ); // a[ar(3,4) % 5 == 0] = [-7]
        check(
            &s(&ar(&[5]), &[ix(&[0, 2])], &vi(&[2], &[5, 6])),
            &[5],
            &[5, 1, 6, 3, 4],
        ); // a[[0, 2]] = [5, 6]
        check(
            &s(&ar(&[3, 4]), &[ix(&[0, 2])], &vi(&[4], &[5, 6, 7, 8])),
            &[3, 4],
            &[5, 6, 7, 8, 4, 5, 6, 7, 5, 6, 7, 8],
        ); // a[[0, 2]] = [5, 6, 7, 8]
        check(
            &s(&ar(&[3, 4]), &[ix(&[0, 2])], &vi(&[2, 1], &[5, 6])),
            &[3, 4],
            &[5, 5, 5, 5, 4, 5, 6, 7, 6, 6, 6, 6],
        ); // a[[0, 2]] = [[5], [6]]
        check(
            &s(&ar(&[3, 4]), &[ix(&[0, 1])], &vi(&[1, 1, 4], &[5, 6, 7, 8])),
            &[3, 4],
            &[5, 6, 7, 8, 5, 6, 7, 8, 8, 9, 10, 11],
        ); // a[[0, 1]] = [[[5, 6, 7, 8]]]
        check(
            &s(&ar(&[3, 4]), &[sl("0:2")], &vi(&[1, 1, 4], &[5, 6, 7, 8])),
            &[3, 4],
            &[5, 6, 7, 8, 5, 6, 7, 8, 8, 9, 10, 11],
        ); // a[0:2] = [[[5, 6, 7, 8]]]
        check(
            &s(
                &ar(&[3, 4]),
                &[sl(":"), ix(&[1, 0])],
                &vi(&[3, 1], &[10, 20, 30]),
            ),
            &[3, 4],
            &[10, 10, 2, 3, 20, 20, 6, 7, 30, 30, 10, 11],
        ); // a[:, [1, 0]] = [[10], [20], [30]]
        check(
            &s(
                &ar(&[3, 4]),
                &[ix(&[0, 0, 0]), ix(&[1, 1, 1])],
                &vi(&[3], &[7, 8, 9]),
            ),
            &[3, 4],
            &[0, 9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[[0, 0, 0], [1, 1, 1]] = [7, 8, 9]
        check(
            &s(
                &ar(&[5]),
                &[ix(&[1, -4, 3, 1])],
                &vi(&[4], &[10, 20, 30, 40]),
            ),
            &[5],
            &[0, 40, 2, 30, 4],
        ); // a[[1, -4, 3, 1]] = [10, 20, 30, 40]
        check(
            &s(
                &ar(&[3, 4]),
                &[ixn(&[2, 1], &[0, 1]), ix(&[1, 2])],
                &vi(&[], &[9]),
            ),
            &[3, 4],
            &[0, 9, 9, 3, 4, 9, 9, 7, 8, 9, 10, 11],
        ); // a[[[0], [1]], [1, 2]] = 9
        check(
            &s(&ar(&[3, 4]), &[i(0)], &vf(&[], &[2.7])),
            &[3, 4],
            &[2, 2, 2, 2, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[0] = 2.7
        check(
            &s(&ar(&[3, 4]), &[i(0)], &vf(&[], &[-2.7])),
            &[3, 4],
            &[-2, -2, -2, -2, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[0] = -2.7
        check(
            &s(
                &ar(&[3, 4]),
                &[ix(&[0, 2]), sl("1:")],
                &vf(&[3], &[1.9, -1.9, 3.5]),
            ),
            &[3, 4],
            &[0, 1, -1, 3, 4, 5, 6, 7, 8, 1, -1, 3],
        ); // a[[0, 2], 1:] = [1.9, -1.9, 3.5]
        check(
            &s(&ar(&[3, 4]), &[bt(true)], &vi(&[], &[5])),
            &[3, 4],
            &[5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
        ); // a[np.array(True)] = 5
        check(
            &s(&ar(&[3, 4]), &[bt(false)], &vi(&[], &[5])),
            &[3, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[np.array(False)] = 5
        check(
            &s(&ar(&[3, 4]), &[ell(), i(1)], &vi(&[3], &[1, 2, 3])),
            &[3, 4],
            &[0, 1, 2, 3, 4, 2, 6, 7, 8, 3, 10, 11],
        ); // a[..., 1] = [1, 2, 3]
        check(
            &s(&ar(&[3, 4]), &[na(), i(1)], &vi(&[4], &[1, 2, 3, 4])),
            &[3, 4],
            &[0, 1, 2, 3, 1, 2, 3, 4, 8, 9, 10, 11],
        ); // a[None, 1] = [1, 2, 3, 4]
        check(
            &s(
                &ar(&[3, 4]),
                &[sl("::-1")],
                &vi(&[3, 4], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
            ),
            &[3, 4],
            &[8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3],
        ); // a[::-1] = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
        check(
            &s(&ar(&[3, 4]), &[sl("::2"), sl("::-3")], &vi(&[2], &[-1, -2])),
            &[3, 4],
            &[-2, 1, 2, -1, 4, 5, 6, 7, -2, 9, 10, -1],
        ); // a[::2, ::-3] = [-1, -2]
        check(
            &s(
                &ar(&[3, 4, 5]),
                &[i(0), sl(":"), ix(&[1, 2])],
                &vi(&[2, 4], &[100, 101, 102, 103, 200, 201, 202, 203]),
            ),
            &[3, 4, 5],
            &[
                0, 100, 200, 3, 4, 5, 101, 201, 8, 9, 10, 102, 202, 13, 14, 15, 103, 203, 18, 19,
                20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
                41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
            ],
        ); // a[0, :, [1, 2]] = [[100, 101, 102, 103], [200, 201, 202, 203]]
        check(
            &s(
                &ar(&[3, 4, 5]),
                &[sl(":"), ix(&[0, 3]), ix(&[4, 0])],
                &vi(&[2], &[-1, -2]),
            ),
            &[3, 4, 5],
            &[
                0, 1, 2, 3, -1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -2, 16, 17, 18, 19, 20, 21, 22,
                23, -1, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, -2, 36, 37, 38, 39, 40, 41, 42, 43,
                -1, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, -2, 56, 57, 58, 59,
            ],
        ); // a[:, [0, 3], [4, 0]] = [-1, -2]
        check(
            &s(
                &ar(&[3, 4, 5]),
                &[ix(&[2, 0]), sl("1:3")],
                &vi(&[2, 1], &[-1, -2]),
            ),
            &[3, 4, 5],
            &[
                0, 1, 2, 3, 4, -1, -1, -1, -1, -1, -2, -2, -2, -2, -2, 15, 16, 17, 18, 19, 20, 21,
                22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
                43, 44, -1, -1, -1, -1, -1, -2, -2, -2, -2, -2, 55, 56, 57, 58, 59,
            ],
        ); // a[[2, 0], 1:3] = [[-1], [-2]]
        check(
            &s(
                &ar(&[3, 4, 5]),
                &[sl("1:"), ix(&[3, 0]), sl("::-2")],
                &vi(&[3], &[7, 8, 9]),
            ),
            &[3, 4, 5],
            &[
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 9, 21, 8, 23,
                7, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 9, 36, 8, 38, 7, 9, 41, 8, 43, 7, 45,
                46, 47, 48, 49, 50, 51, 52, 53, 54, 9, 56, 8, 58, 7,
            ],
        ); // a[1:, [3, 0], ::-2] = [7, 8, 9]
        check(
            &s(
                &ar(&[2, 3, 4]),
                &[bm(&[2, 3], &[1, 0, 1, 0, 1, 0])],
                &vi(&[3, 1], &[1, 2, 3]),
            ),
            &[2, 3, 4],
            &[
                1, 1, 1, 1, 4, 5, 6, 7, 2, 2, 2, 2, 12, 13, 14, 15, 3, 3, 3, 3, 20, 21, 22, 23,
            ],
        ); // a[np.array([[T, F, T], [F, T, F]])] = [[1], [2], [3]]
        check(
            &s(
                &ar(&[2, 3, 4]),
                &[sl(":"), bm(&[3], &[1, 0, 1])],
                &vi(&[], &[0]),
            ),
            &[2, 3, 4],
            &[
                0, 0, 0, 0, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 16, 17, 18, 19, 0, 0, 0, 0,
            ],
        ); // a[:, np.array([T, F, T])] = 0
        check(
            &s(&ar(&[3, 4]), &[ix(&[])], &vi(&[], &[5])),
            &[3, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[np.array([], dtype=np.int64)] = 5
        check(
            &s(&ar(&[3, 4]), &[bm(&[3, 4], &[0; 12])], &vi(&[], &[5])),
            &[3, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[ar(3,4) > 100] = 5
        check(
            &s(&ar(&[3, 4]), &[bm(&[3, 4], &[0; 12])], &vi(&[0], &[])),
            &[3, 4],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ); // a[ar(3,4) > 100] = []
    }

    #[test]
    fn basic_get_is_a_view() {
        let a = ar(&[3, 4]);
        let v = g(&a, &[i(1), sl("::-1")]);
        check(&v, &[4], &[7, 6, 5, 4]);
        assert_eq!(ptr(&v), ptr(&a) + 7 * 8);
        let w = g(&a, &[sl("1:"), na(), ell()]);
        assert_eq!(w.shape(), &[2, 1, 4]);
        assert_eq!(ptr(&w), ptr(&a) + 4 * 8);
        // Advanced indexing copies.
        let c = g(&a, &[ix(&[1])]);
        assert_ne!(ptr(&c), ptr(&a) + 4 * 8);
    }

    #[test]
    fn dtypes_are_preserved_and_values_cast() {
        let f = vf(&[2, 2], &[0.5, 1.5, 2.5, 3.5]);
        let r = g(&f, &[ix(&[1, 0]), i(1)]);
        assert_eq!(r.dtype(), DType::F64);
        assert_eq!(r.to_f64_vec(), vec![3.5, 1.5]);
        let f32a = f.astype(DType::F32);
        let r = g(&f32a, &[bm(&[2, 2], &[0, 1, 1, 0])]);
        assert_eq!(r.dtype(), DType::F32);
        assert_eq!(r.to_f64_vec(), vec![1.5, 2.5]);
        // bool values into a float32 array, ints and floats into a bool array.
        let r = s(&f32a, &[i(0)], &vb(&[2], &[1, 0]));
        assert_eq!(r.to_f64_vec(), vec![1.0, 0.0, 2.5, 3.5]);
        let b = vb(&[3], &[0, 0, 1]);
        let r = s(&b, &[ix(&[0, 2])], &vi(&[2], &[2, 0]));
        assert_eq!(r.dtype(), DType::Bool);
        assert_eq!(r.to_i64_vec(), vec![1, 0, 0]);
        let r = s(&b, &[sl(":2")], &vf(&[], &[0.5]));
        assert_eq!(r.to_i64_vec(), vec![1, 1, 1]);
        // float -> int truncates toward zero; NaN gives i64::MIN (never panics).
        let r = s(
            &ar(&[3]),
            &[ix(&[0, 1, 2])],
            &vf(&[3], &[-1.9, 1.9, f64::NAN]),
        );
        assert_eq!(r.to_i64_vec(), vec![-1, 1, i64::MIN]);
    }

    #[test]
    fn non_contiguous_sources() {
        let a = ar(&[4, 5]);
        // Strided view (not contiguous in memory).
        let v = g(&a, &[sl("::2"), sl("::-2")]);
        check(&v, &[2, 3], &[4, 2, 0, 14, 12, 10]);
        check(&g(&v, &[ix(&[1, 0]), ix(&[2, 0])]), &[2], &[10, 4]);
        check(&g(&v, &[sl(":"), ix(&[0])]), &[2, 1], &[4, 14]);
        check(
            &g(&v, &[bm(&[2, 3], &[1, 0, 0, 0, 1, 1])]),
            &[3],
            &[4, 12, 10],
        );
        let w = s(&v, &[ix(&[1]), ix(&[1])], &vi(&[], &[-1]));
        check(&w, &[2, 3], &[4, 2, 0, 14, -1, 10]);
        check(&a, &[4, 5], &ar(&[4, 5]).to_i64_vec());
        // Transposed (contiguous in memory, Fortran order).
        let t = a.transpose();
        check(
            &g(&t, &[ix(&[4, 0])]),
            &[2, 4],
            &[4, 9, 14, 19, 0, 5, 10, 15],
        );
        check(&g(&t, &[sl("1:3"), ix(&[3, 1])]), &[2, 2], &[16, 6, 17, 7]);
        let t2 = s(&t, &[ix(&[0]), ix(&[3])], &vi(&[], &[99]));
        check(
            &t2,
            &[5, 4],
            &[
                0, 5, 10, 99, 1, 6, 11, 16, 2, 7, 12, 17, 3, 8, 13, 18, 4, 9, 14, 19,
            ],
        );
    }

    #[test]
    fn set_in_place_when_unshared() {
        let mut a = ar(&[4, 5]);
        let p0 = ptr(&a);
        set(&mut a, &[sl("1:"), i(0)], &vi(&[], &[0])).unwrap();
        set(&mut a, &[bm(&[4, 5], &[1; 20])], &vi(&[], &[1])).unwrap();
        let mut m = vec![0i64; 20];
        m[3] = 1;
        m[7] = 1;
        set(&mut a, &[bm(&[4, 5], &m)], &vi(&[2], &[5, 6])).unwrap();
        set(&mut a, &[ix(&[0, 2])], &vi(&[5], &[2, 3, 4, 5, 6])).unwrap();
        set(
            &mut a,
            &[sl(":"), ix(&[1, 0])],
            &vi(&[4, 1], &[7, 8, 9, 10]),
        )
        .unwrap();
        set(&mut a, &[bm(&[4], &[0, 1, 0, 1]), i(4)], &vi(&[], &[-3])).unwrap();
        assert_eq!(ptr(&a), p0);
        check(
            &a,
            &[4, 5],
            &[
                7, 7, 4, 5, 6, 8, 8, 6, 1, -3, 9, 9, 4, 5, 6, 10, 10, 1, 1, -3,
            ],
        );
    }

    #[test]
    fn set_on_clone_leaves_original() {
        let a = ar(&[3, 4]);
        let orig = a.to_i64_vec();
        let cases: Vec<Vec<IndexItem>> = vec![
            vec![sl("1:"), i(0)],
            vec![bm(&[3, 4], &[1; 12])],
            vec![ix(&[0, 2])],
            vec![sl(":"), ix(&[1, 0])],
            vec![bm(&[3], &[1, 0, 1])],
        ];
        for idx in &cases {
            let mut b = a.clone();
            set(&mut b, idx, &vi(&[], &[-1])).unwrap();
            assert_eq!(a.to_i64_vec(), orig);
            assert!(b.to_i64_vec().contains(&-1));
            assert_ne!(ptr(&a), ptr(&b));
        }
        // A view taken before a write keeps the old values, and vice versa.
        let mut c = a.clone();
        let view = g(&c, &[i(0)]);
        set(&mut c, &[i(0), i(0)], &vi(&[], &[42])).unwrap();
        check(&view, &[4], &[0, 1, 2, 3]);
        let mut view2 = view.clone();
        set(&mut view2, &[ix(&[1])], &vi(&[], &[43])).unwrap();
        check(&c, &[3, 4], &[42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        check(&view2, &[4], &[0, 43, 2, 3]);
    }

    #[test]
    fn set_from_overlapping_value() {
        // a[1:] = a[:-1] and a[[1, 2, 3, 4]] = a[:4] read the old values.
        let mut a = ar(&[5]);
        let v = g(&a, &[sl(":-1")]);
        set(&mut a, &[sl("1:")], &v).unwrap();
        check(&a, &[5], &[0, 0, 1, 2, 3]);
        let mut b = ar(&[5]);
        let v = g(&b, &[sl(":4")]);
        set(&mut b, &[ix(&[1, 2, 3, 4])], &v).unwrap();
        check(&b, &[5], &[0, 0, 1, 2, 3]);
        let mut c = ar(&[5]);
        let v = c.clone();
        set(&mut c, &[sl("::-1")], &v).unwrap();
        check(&c, &[5], &[4, 3, 2, 1, 0]);
    }

    #[test]
    fn out_of_range_errors() {
        let a = ar(&[3, 4]);
        let e = get(&a, &[i(5)]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Index);
        assert_eq!(e.message, "index 5 is out of bounds for axis 0 with size 3");
        assert_eq!(e.help.as_deref(), Some("valid indices are -3 to 2"));
        assert!(has_label(&e, 1));
        let e = get(&a, &[sl(":"), i(-5)]).unwrap_err();
        assert_eq!(
            e.message,
            "index -5 is out of bounds for axis 1 with size 4"
        );
        assert!(has_label(&e, 2));
        let e = get(&a, &[ix(&[0, 5])]).unwrap_err();
        assert_eq!(e.message, "index 5 is out of bounds for axis 0 with size 3");
        assert!(has_label(&e, 1));
        let e = get(&a, &[sl(":"), ix(&[0, -5])]).unwrap_err();
        assert_eq!(
            e.message,
            "index -5 is out of bounds for axis 1 with size 4"
        );
        assert_eq!(e.help.as_deref(), Some("valid indices are -4 to 3"));
        assert!(has_label(&e, 2));
        // Axes are numbered in the indexed array, not counting new axes.
        let e = get(&a, &[na(), sl(":"), ix(&[7])]).unwrap_err();
        assert_eq!(e.message, "index 7 is out of bounds for axis 1 with size 4");
        assert!(has_label(&e, 3));
        let e = get(&a, &[bt(true), i(3)]).unwrap_err();
        assert_eq!(e.message, "index 3 is out of bounds for axis 0 with size 3");
        // Integer scalars among array indices are checked too.
        let e = get(&a, &[i(9), ix(&[0])]).unwrap_err();
        assert!(has_label(&e, 1));
        // Empty result but non-empty index set: still checked (as NumPy).
        let e = get(&ar(&[3, 0]), &[ix(&[5])]).unwrap_err();
        assert_eq!(e.message, "index 5 is out of bounds for axis 0 with size 3");
        let e = get(&ar(&[0, 3]), &[sl(":"), ix(&[5])]).unwrap_err();
        assert_eq!(e.message, "index 5 is out of bounds for axis 1 with size 3");
        let e = get(&ar(&[0]), &[i(0)]).unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("axis 0 has size 0, so no index is valid")
        );
        // Extreme values do not overflow.
        let e = get(&a, &[i(i64::MIN)]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Index);
        let e = get(&a, &[ix(&[i64::MIN])]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Index);
        check(
            &g(&ar(&[4]), &[sl("-9223372036854775808:9223372036854775807")]),
            &[4],
            &[0, 1, 2, 3],
        );
        check(
            &g(
                &ar(&[4]),
                &[sl("9223372036854775807:-9223372036854775808:-1")],
            ),
            &[4],
            &[3, 2, 1, 0],
        );
        // set: nothing is written when an index is out of range.
        let mut b = a.clone();
        let e = set(&mut b, &[ix(&[0, 3])], &vi(&[], &[1])).unwrap_err();
        assert_eq!(e.message, "index 3 is out of bounds for axis 0 with size 3");
        assert!(has_label(&e, 1));
        check(&b, &[3, 4], &a.to_i64_vec());
        let e = set(&mut b, &[i(1), i(4)], &vi(&[], &[1])).unwrap_err();
        assert_eq!(e.message, "index 4 is out of bounds for axis 1 with size 4");
        assert!(has_label(&e, 2));
    }

    #[test]
    fn index_form_errors() {
        let a = ar(&[3, 4]);
        let e = get(&a, &[i(1), i(2), i(3)]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Index);
        assert_eq!(
            e.message,
            "too many indices: array is 2-dimensional, but 3 were indexed"
        );
        let e = get(&a, &[bm(&[3, 4, 1], &[0; 12])]).unwrap_err();
        assert_eq!(
            e.message,
            "too many indices: array is 2-dimensional, but 3 were indexed"
        );
        let e = get(&ar(&[]), &[ix(&[0])]).unwrap_err();
        assert_eq!(
            e.message,
            "too many indices: array is 0-dimensional, but 1 were indexed"
        );
        let e = get(&a, &[ell(), ell()]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Index);
        assert!(e.message.contains("single ellipsis"));
        assert!(has_label(&e, 2));
        let e = get(&a, &[sl("1:5:0")]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
        assert_eq!(e.message, "slice step cannot be zero");
        assert!(has_label(&e, 1));
        let e = get(&a, &[sl(":"), IndexItem::Array(vf(&[1], &[1.0]))]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Type);
        assert!(e.help.as_deref().unwrap_or("").contains("astype(x, int64)"));
        assert!(has_label(&e, 2));
        let e = get(&a, &[bm(&[2], &[1, 0])]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Index);
        assert_eq!(
            e.message,
            "boolean index did not match indexed array along axis 0; size of axis is 3 but size of boolean index is 2"
        );
        assert!(has_label(&e, 1));
        let e = get(&ar(&[2, 3, 4]), &[sl(":"), bm(&[3, 3], &[0; 9])]).unwrap_err();
        assert_eq!(
            e.message,
            "boolean index did not match indexed array along axis 2; size of axis is 4 but size of boolean index is 3"
        );
        let e = get(&a, &[ix(&[0, 1]), ix(&[0, 1, 2])]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Index);
        assert_eq!(
            e.message,
            "shape mismatch: indexing arrays could not be broadcast together with shapes (2,) (3,)"
        );
        assert!(has_label(&e, 1) && has_label(&e, 2));
        // The same checks apply to set.
        let mut b = a.clone();
        let e = set(
            &mut b,
            &[IndexItem::Array(vf(&[1], &[0.0]))],
            &vi(&[], &[1]),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Type);
        let e = set(&mut b, &[sl("::0")], &vi(&[], &[1])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Value);
    }

    #[test]
    fn set_shape_errors() {
        let a = ar(&[3, 4]);
        let mut b = a.clone();
        let e = set(&mut b, &[ix(&[0, 1])], &vi(&[3], &[1, 2, 3])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        assert!(
            e.message.contains("(3,)") && e.message.contains("(2, 4)"),
            "{}",
            e.message
        );
        assert!(has_label(&e, 2));
        let e = set(&mut b, &[sl("0:2")], &vi(&[3], &[1, 2, 3])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        assert!(e.message.contains("(3,)") && e.message.contains("(2, 4)"));
        let e = set(&mut b, &[sl("0:2")], &vi(&[2, 1, 4], &[0; 8])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        let e = set(
            &mut b,
            &[bm(&[3, 4], &[1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
            &vi(&[2], &[1, 2]),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        assert!(e.message.contains("(2,)") && e.message.contains("(3,)"));
        let e = set(&mut b, &[ix(&[])], &vi(&[2], &[1, 2])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        assert!(e.message.contains("(0, 4)"));
        let e = set(&mut b, &[ix(&[0, 1]), bt(true)], &vi(&[2, 1, 1], &[1, 2])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Shape);
        check(&b, &[3, 4], &a.to_i64_vec());
    }

    #[test]
    fn result_size_is_guarded() {
        let big = IndexItem::Array(Array::zeros(&[1 << 20, 1], DType::I64).unwrap());
        let big2 = IndexItem::Array(Array::zeros(&[1, 1 << 20], DType::I64).unwrap());
        let e = get(&ar(&[3, 4]), &[big.clone(), big2.clone()]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Memory);
        let mut b = ar(&[3, 4]);
        let e = set(&mut b, &[big, big2], &vi(&[], &[0])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Memory);
    }

    #[test]
    fn larger_gather_and_scatter_agree_with_naive() {
        // a[idx] on a (50, 7, 9) array for a pseudo-random idx, both layouts.
        let a = ar(&[50, 7, 9]);
        let mut seed = 12345u64;
        let mut next = |m: i64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % m as u64) as i64
        };
        let rows: Vec<i64> = (0..30).map(|_| next(100) - 50).collect();
        let cols: Vec<i64> = (0..30).map(|_| next(9)).collect();
        let r = g(&a, &[ix(&rows), sl("::3"), ix(&cols)]);
        assert_eq!(r.shape(), &[30, 3]);
        let mut want = Vec::new();
        for k in 0..30 {
            let row = if rows[k] < 0 { rows[k] + 50 } else { rows[k] };
            for j in [0, 3, 6] {
                want.push(row * 63 + j * 9 + cols[k]);
            }
        }
        assert_eq!(r.to_i64_vec(), want);
        let mut b = Array::zeros(&[50, 7, 9], DType::I64).unwrap();
        set(&mut b, &[ix(&rows), sl("::3"), ix(&cols)], &r).unwrap();
        let back = g(&b, &[ix(&rows), sl("::3"), ix(&cols)]);
        assert_eq!(back.to_i64_vec(), want);
    }
}
