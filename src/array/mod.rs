//! The n-d array: four dtypes over ndarray's copy-on-write `ArcArray`.
//!
//! `Array` is the value the CPU backend computes on. Cloning is O(1) (the
//! buffer is shared); the first write to a shared buffer copies it, which is
//! how arr gives value semantics without paying for copies up front.

pub mod dtype;
pub mod elementwise;
pub mod format;
pub mod fused;
pub mod index;
pub mod inplace;
pub mod linalg;
pub mod reduce;
pub mod shape_ops;
pub mod sort;
pub mod vmath;
mod vmath32;

pub use dtype::{DType, Scalar};

use crate::diagnostics::{Error, ErrorKind, Result};
use ndarray::{ArcArray, ArrayD, IxDyn};

pub type Arr<T> = ArcArray<T, IxDyn>;

/// Largest number of elements one array may hold (guards absurd sizes).
pub const MAX_ELEMENTS: usize = 1 << 34;

#[derive(Clone, Debug)]
pub enum Array {
    Bool(Arr<bool>),
    I64(Arr<i64>),
    F32(Arr<f32>),
    F64(Arr<f64>),
}

/// `with_array!(a, x => expr)`: run `expr` with `x` bound to the typed ndarray.
#[macro_export]
macro_rules! with_array {
    ($a:expr, $x:ident => $body:expr) => {
        match $a {
            $crate::array::Array::Bool($x) => $body,
            $crate::array::Array::I64($x) => $body,
            $crate::array::Array::F32($x) => $body,
            $crate::array::Array::F64($x) => $body,
        }
    };
}

/// `map_array!(a, x => expr)`: like `with_array!` but rewraps the result in
/// the same dtype variant (for shape-only operations).
#[macro_export]
macro_rules! map_array {
    ($a:expr, $x:ident => $body:expr) => {
        match $a {
            $crate::array::Array::Bool($x) => $crate::array::Array::Bool($body),
            $crate::array::Array::I64($x) => $crate::array::Array::I64($body),
            $crate::array::Array::F32($x) => $crate::array::Array::F32($body),
            $crate::array::Array::F64($x) => $crate::array::Array::F64($body),
        }
    };
}

/// Conversion from element types to the `Array` enum.
pub trait Element: Copy + Send + Sync + 'static + std::fmt::Debug + PartialEq {
    const DTYPE: DType;
    fn wrap(a: Arr<Self>) -> Array;
    /// The typed array inside `a` when it has this dtype.
    fn of(a: &Array) -> Option<&Arr<Self>>;
    fn to_f64(self) -> f64;
    fn from_f64(v: f64) -> Self;
    fn to_i64(self) -> i64;
    fn from_i64(v: i64) -> Self;
    fn to_bool(self) -> bool;
    fn from_bool(v: bool) -> Self;
    fn zero() -> Self;
    fn one() -> Self;
}

macro_rules! impl_element {
    ($t:ty, $dt:ident, $var:ident, |$s:ident| f64: $tf:expr, i64: $ti:expr, bool: $tb:expr; |$v:ident| from_f64: $ff:expr, from_i64: $fi:expr, from_bool: $fb:expr, $zero:expr, $one:expr) => {
        impl Element for $t {
            const DTYPE: DType = DType::$dt;
            fn wrap(a: Arr<Self>) -> Array {
                Array::$var(a)
            }
            fn of(a: &Array) -> Option<&Arr<Self>> {
                match a {
                    Array::$var(x) => Some(x),
                    _ => None,
                }
            }
            fn to_f64(self) -> f64 {
                let $s = self;
                $tf
            }
            fn to_i64(self) -> i64 {
                let $s = self;
                $ti
            }
            fn to_bool(self) -> bool {
                let $s = self;
                $tb
            }
            fn from_f64($v: f64) -> Self {
                $ff
            }
            fn from_i64($v: i64) -> Self {
                $fi
            }
            fn from_bool($v: bool) -> Self {
                $fb
            }
            fn zero() -> Self {
                $zero
            }
            fn one() -> Self {
                $one
            }
        }
    };
}

impl_element!(bool, Bool, Bool, |s| f64: if s { 1.0 } else { 0.0 }, i64: s as i64, bool: s;
    |v| from_f64: v != 0.0, from_i64: v != 0, from_bool: v, false, true);
impl_element!(i64, I64, I64, |s| f64: s as f64, i64: s, bool: s != 0;
    |v| from_f64: f64_to_i64(v), from_i64: v, from_bool: v as i64, 0, 1);
impl_element!(f32, F32, F32, |s| f64: s as f64, i64: f64_to_i64(s as f64), bool: s != 0.0;
    |v| from_f64: v as f32, from_i64: v as f32, from_bool: if v { 1.0 } else { 0.0 }, 0.0, 1.0);
impl_element!(f64, F64, F64, |s| f64: s, i64: f64_to_i64(s), bool: s != 0.0;
    |v| from_f64: v, from_i64: v as f64, from_bool: if v { 1.0 } else { 0.0 }, 0.0, 1.0);

/// NumPy's float→int cast truncates toward zero; NaN and out-of-range values
/// are undefined there (x86 gives i64::MIN). We give i64::MIN too, never panic.
pub fn f64_to_i64(v: f64) -> i64 {
    if v.is_nan() || v >= 9.223372036854776e18 || v < -9.223372036854776e18 {
        i64::MIN
    } else {
        v as i64
    }
}

/// Check an element count (product of `shape`) against the allocation guard.
pub fn check_size(shape: &[usize]) -> Result<usize> {
    let mut n: usize = 1;
    for &d in shape {
        n = match n.checked_mul(d) {
            Some(v) => v,
            None => return Err(too_big(shape, None)),
        };
    }
    if n > MAX_ELEMENTS || n.saturating_mul(8) > memory_limit() {
        return Err(too_big(shape, Some(n)));
    }
    Ok(n)
}

/// Bytes one array may take: the memory available when arr started
/// (`MemAvailable` on Linux), or 16 GiB where that cannot be read.
pub fn memory_limit() -> usize {
    static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        if let Ok(v) = std::env::var("ARR_MAX_BYTES") {
            if let Ok(n) = v.trim().parse::<usize>() {
                return n;
            }
        }
        let avail = std::fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<usize>().ok())
                .map(|kb| kb.saturating_mul(1024))
        });
        avail.unwrap_or(16 << 30)
    })
}

fn too_big(shape: &[usize], n: Option<usize>) -> Error {
    let what = match n {
        Some(n) => format!(
            "{} elements ({} bytes, {:.1} GiB, as float64)",
            n,
            n as u128 * 8,
            (n as f64) * 8.0 / (1u64 << 30) as f64
        ),
        None => "more elements than fit in memory".to_string(),
    };
    Error::new(
        ErrorKind::Memory,
        format!("an array of shape {} would need {}", fmt_shape(shape), what),
    )
    .with_help(format!(
        "this machine has about {:.1} GiB available for one array",
        memory_limit() as f64 / (1u64 << 30) as f64
    ))
}

/// `(3, 4)`, `(3,)`, `()` — shapes printed as tuples, like NumPy.
pub fn fmt_shape(shape: &[usize]) -> String {
    match shape.len() {
        0 => "()".into(),
        1 => format!("({},)", shape[0]),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Array {
    pub fn dtype(&self) -> DType {
        match self {
            Array::Bool(_) => DType::Bool,
            Array::I64(_) => DType::I64,
            Array::F32(_) => DType::F32,
            Array::F64(_) => DType::F64,
        }
    }
    pub fn shape(&self) -> &[usize] {
        with_array!(self, a => a.shape())
    }
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }
    pub fn len(&self) -> usize {
        with_array!(self, a => a.len())
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn nbytes(&self) -> usize {
        self.len() * self.dtype().size()
    }

    pub fn from_vec<T: Element>(shape: &[usize], v: Vec<T>) -> Array {
        // The caller guarantees v.len() == product(shape).
        match ArrayD::from_shape_vec(IxDyn(shape), v) {
            Ok(a) => T::wrap(a.into_shared()),
            Err(_) => unreachable!("from_vec: caller passed a vector of the wrong length"),
        }
    }
    pub fn from_nd<T: Element>(a: ArrayD<T>) -> Array {
        T::wrap(a.into_shared())
    }
    pub fn scalar(s: Scalar) -> Array {
        match s {
            Scalar::Bool(v) => Array::from_vec(&[], vec![v]),
            Scalar::I64(v) => Array::from_vec(&[], vec![v]),
            Scalar::F32(v) => Array::from_vec(&[], vec![v]),
            Scalar::F64(v) => Array::from_vec(&[], vec![v]),
        }
    }
    /// An array filled with `value` converted to `dtype`.
    pub fn full(shape: &[usize], value: Scalar, dtype: DType) -> Result<Array> {
        check_size(shape)?;
        let v = value.cast(dtype);
        Ok(match v {
            Scalar::Bool(x) => Array::Bool(ArcArray::from_elem(IxDyn(shape), x)),
            Scalar::I64(x) => Array::I64(ArcArray::from_elem(IxDyn(shape), x)),
            Scalar::F32(x) => Array::F32(ArcArray::from_elem(IxDyn(shape), x)),
            Scalar::F64(x) => Array::F64(ArcArray::from_elem(IxDyn(shape), x)),
        })
    }
    pub fn zeros(shape: &[usize], dtype: DType) -> Result<Array> {
        Array::full(shape, Scalar::I64(0), dtype)
    }

    /// The single element of a size-1 array (any ndim), or None.
    pub fn to_scalar(&self) -> Option<Scalar> {
        if self.len() != 1 {
            return None;
        }
        Some(match self {
            Array::Bool(a) => Scalar::Bool(*a.iter().next()?),
            Array::I64(a) => Scalar::I64(*a.iter().next()?),
            Array::F32(a) => Scalar::F32(*a.iter().next()?),
            Array::F64(a) => Scalar::F64(*a.iter().next()?),
        })
    }

    /// Convert to another dtype (NumPy's unsafe cast: float→int truncates).
    pub fn astype(&self, dt: DType) -> Array {
        if self.dtype() == dt {
            return self.clone();
        }
        fn conv<S: Element, T: Element>(a: &Arr<S>, f: impl Fn(S) -> T) -> Arr<T> {
            a.map(|&x| f(x)).into_shared()
        }
        match dt {
            DType::Bool => Array::Bool(with_array!(self, a => conv(a, |x| x.to_bool()))),
            DType::I64 => Array::I64(with_array!(self, a => conv(a, |x| x.to_i64()))),
            DType::F32 => Array::F32(with_array!(self, a => conv(a, |x| x.to_f64() as f32))),
            DType::F64 => Array::F64(with_array!(self, a => conv(a, |x| x.to_f64()))),
        }
    }

    /// Typed copies out, after casting.
    pub fn to_f64_nd(&self) -> Arr<f64> {
        match self.astype(DType::F64) {
            Array::F64(a) => a,
            _ => unreachable!("astype(F64) returns F64"),
        }
    }
    pub fn to_i64_nd(&self) -> Arr<i64> {
        match self.astype(DType::I64) {
            Array::I64(a) => a,
            _ => unreachable!("astype(I64) returns I64"),
        }
    }
    pub fn to_bool_nd(&self) -> Arr<bool> {
        match self.astype(DType::Bool) {
            Array::Bool(a) => a,
            _ => unreachable!("astype(Bool) returns Bool"),
        }
    }
    /// All elements as f64, in logical (row-major) order.
    pub fn to_f64_vec(&self) -> Vec<f64> {
        with_array!(self, a => a.iter().map(|x| x.to_f64()).collect())
    }
    pub fn to_i64_vec(&self) -> Vec<i64> {
        with_array!(self, a => a.iter().map(|x| x.to_i64()).collect())
    }

    /// Reshape (row-major), copying only if the layout requires it.
    pub fn reshape(&self, shape: &[usize]) -> Result<Array> {
        let n: usize = shape.iter().product();
        if n != self.len() {
            return Err(Error::shape(format!(
                "cannot reshape an array of size {} into shape {}",
                self.len(),
                fmt_shape(shape)
            ))
            .label_arg(0, format!("shape {}", fmt_shape(self.shape())))
            .with_help(format!(
                "the new shape must have {} elements; use -1 for one dimension to infer it",
                self.len()
            )));
        }
        Ok(map_array!(self, a => {
            if a.is_standard_layout() {
                match a.clone().into_shape_with_order(IxDyn(shape)) {
                    Ok(r) => r,
                    Err(_) => unreachable!("reshape of standard layout with equal size"),
                }
            } else {
                let v: Vec<_> = a.iter().cloned().collect();
                match ArrayD::from_shape_vec(IxDyn(shape), v) {
                    Ok(r) => r.into_shared(),
                    Err(_) => unreachable!("reshape with equal size"),
                }
            }
        }))
    }

    /// Reverse or permute axes (a view; no copy).
    pub fn permuted(&self, axes: &[usize]) -> Array {
        map_array!(self, a => a.clone().permuted_axes(IxDyn(axes)))
    }
    pub fn transpose(&self) -> Array {
        let n = self.ndim();
        let axes: Vec<usize> = (0..n).rev().collect();
        self.permuted(&axes)
    }
    /// A contiguous (standard layout) version.
    pub fn to_contiguous(&self) -> Array {
        map_array!(self, a => if a.is_standard_layout() { a.clone() } else { a.as_standard_layout().into_owned().into_shared() })
    }
}

/// NumPy's broadcast of two shapes, or an error naming the clashing dims
/// (operands labelled as args 0 and 1).
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i < n - a.len() {
            1
        } else {
            a[i - (n - a.len())]
        };
        let db = if i < n - b.len() {
            1
        } else {
            b[i - (n - b.len())]
        };
        out[i] = if da == db {
            da
        } else if da == 1 {
            db
        } else if db == 1 {
            da
        } else {
            let from_right = n - i;
            return Err(Error::shape(format!(
                "operands could not be broadcast together with shapes {} and {}",
                fmt_shape(a),
                fmt_shape(b)
            ))
            .label_arg(0, format!("shape {}", fmt_shape(a)))
            .label_arg(1, format!("shape {}", fmt_shape(b)))
            .with_help(format!(
                "dimensions are compared from the right: dimension {} from the right is {} vs {}; each pair must be equal or one of them 1",
                from_right, da, db
            )));
        };
    }
    Ok(out)
}

/// Broadcast an array to `shape` (a view), or a shape error.
pub fn broadcast_to(a: &Array, shape: &[usize]) -> Result<Array> {
    if a.shape() == shape {
        return Ok(a.clone());
    }
    let r = broadcast_shapes(a.shape(), shape)?;
    if r != shape {
        return Err(Error::shape(format!(
            "cannot broadcast an array of shape {} to shape {}",
            fmt_shape(a.shape()),
            fmt_shape(shape)
        ))
        .label_arg(0, format!("shape {}", fmt_shape(a.shape()))));
    }
    check_size(shape)?;
    Ok(map_array!(a, x => match x.broadcast(IxDyn(shape)) {
        Some(v) => v.to_owned().into_shared(),
        None => unreachable!("broadcast_shapes agreed"),
    }))
}

/// Normalise a possibly negative axis for an array of `ndim` dims.
pub fn norm_axis(axis: i64, ndim: usize) -> Result<usize> {
    let n = ndim as i64;
    let a = if axis < 0 { axis + n } else { axis };
    if a < 0 || a >= n.max(0) {
        return Err(Error::new(
            ErrorKind::Index,
            format!(
                "axis {} is out of bounds for an array of dimension {}",
                axis, ndim
            ),
        )
        .with_help(if ndim == 0 {
            "a 0-d array has no axes".to_string()
        } else {
            format!("valid axes are {} to {}", -n, n - 1)
        }));
    }
    Ok(a as usize)
}
