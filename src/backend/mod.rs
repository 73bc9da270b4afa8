//! Backends: where an array's elements live, and the kernels that run there.
//!
//! [`Storage`] is the enum over backends — the CPU's [`Array`] and the GPU's
//! [`GpuArray`] — and [`BackendStorage`] is what each backend implements:
//! the operations the dispatch layer (`ops`) sends to a device. `Storage`'s
//! methods are the one place that matches on the backend (candle-core's
//! `Storage` -> `BackendStorage` is the model). A new backend is a new
//! variant and one `impl BackendStorage`; the compiler lists every method
//! to write and every `Storage` match to extend.
//!
//! A method returning `Ok(None)` means "not on this backend": the caller
//! (`ops`) reads the operands back to the host, runs the CPU backend and,
//! inside a GPU block, puts the result back (with one note per operation).
//! The CPU backend returns `Some` for everything it is asked.

pub mod cpu;
pub mod gpu;

use crate::array::elementwise::{BinaryOp, UnaryOp};
use crate::array::index::IndexItem;
use crate::array::reduce::ReduceOp;
use crate::array::{Array, DType, Scalar};
use crate::diagnostics::Result;
use crate::gpu::GpuArray;

/// Which backend holds an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceKind {
    Cpu,
    Gpu,
}

impl DeviceKind {
    /// The name `device(x)` prints and `to(x, name)` takes.
    pub fn name(self) -> &'static str {
        match self {
            DeviceKind::Cpu => "cpu",
            DeviceKind::Gpu => "gpu",
        }
    }
}

/// An input of an elementwise program: an array on the backend, or a
/// scalar (with NumPy's "weak" flag for literals).
pub enum Input<'a, S> {
    Array(&'a S),
    Scalar(Scalar, bool),
}

/// One step of an elementwise program, in postfix order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Step {
    /// Push input `k`.
    Input(usize),
    /// Pop one, push `op(x)`.
    Unary(UnaryOp),
    /// Pop `y`, pop `x`, push `x op y`.
    Binary(BinaryOp),
    /// Pop `b`, `a`, `cond`; push `cond ? a : b`.
    Where,
}

/// What a backend's array storage provides.
pub trait BackendStorage: Clone + Sized {
    const DEVICE: DeviceKind;

    fn shape(&self) -> &[usize];
    fn dtype(&self) -> DType;
    /// The values as a CPU array.
    fn to_host(&self) -> Result<Array>;
    /// This backend's copy of a host array; `None` when the backend cannot
    /// hold its values exactly.
    fn from_host(a: &Array) -> Result<Option<Self>>;

    /// An elementwise program over inputs broadcast together.
    fn program(steps: &[Step], ins: &[Input<'_, Self>]) -> Result<Option<Self>>;
    /// `self @ rhs` with NumPy's 1-d and batch rules.
    fn matmul(&self, rhs: &Self) -> Result<Option<Self>>;
    /// A reduction over `axes` (normalised, distinct, sorted; `None`: all,
    /// and for argmin/argmax the flattened array). The result may live on
    /// another backend (the GPU's indices come back as int64).
    fn reduce(
        &self,
        op: ReduceOp,
        axes: Option<&[usize]>,
        keepdims: bool,
    ) -> Result<Option<Storage>>;
    /// `a[items]`.
    fn index(&self, items: &[IndexItem]) -> Result<Option<Self>>;
    /// Axes permuted (`perm[i]` = source axis of axis `i`; a permutation).
    fn permute(&self, perm: &[usize]) -> Self;
    /// A new shape with the same number of elements.
    fn reshape(&self, shape: &[usize]) -> Result<Option<Self>>;
    /// Broadcast to `shape` (already checked compatible).
    fn broadcast_to(&self, shape: &[usize]) -> Result<Option<Self>>;
    /// A length-1 axis inserted at `d` (`0..=ndim`).
    fn insert_axis(&self, d: usize) -> Result<Self>;
    /// A copy in row-major order, not sharing memory.
    fn copy(&self) -> Result<Self>;
    /// `concatenate(parts, axis)` (same ndim, `axis` normalised).
    fn concatenate(parts: &[Self], axis: usize) -> Result<Option<Self>>;
    /// `astype(self, dt)`.
    fn astype(&self, dt: DType) -> Result<Option<Self>>;
}

/// An array's storage on one of the backends.
#[derive(Clone, Debug)]
pub enum Storage {
    Cpu(Array),
    Gpu(GpuArray),
}

impl Storage {
    pub fn device(&self) -> DeviceKind {
        match self {
            Storage::Cpu(_) => Array::DEVICE,
            Storage::Gpu(_) => GpuArray::DEVICE,
        }
    }
    pub fn shape(&self) -> &[usize] {
        match self {
            Storage::Cpu(a) => a.shape(),
            Storage::Gpu(a) => BackendStorage::shape(a),
        }
    }
    pub fn dtype(&self) -> DType {
        match self {
            Storage::Cpu(a) => a.dtype(),
            Storage::Gpu(a) => a.dtype(),
        }
    }
    pub fn len(&self) -> usize {
        self.shape().iter().product()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }
    pub fn to_host(&self) -> Result<Array> {
        match self {
            Storage::Cpu(a) => Ok(a.clone()),
            Storage::Gpu(a) => a.to_host(),
        }
    }
}
