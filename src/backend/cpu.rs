//! The CPU backend: host arrays and the kernels in `array`. It supports
//! every operation, so it is where other backends fall back to.

use super::{BackendStorage, DeviceKind, Input, Step, Storage};
use crate::array::elementwise::{self, Operand};
use crate::array::index::IndexItem;
use crate::array::reduce::ReduceOp;
use crate::array::{Array, DType};
use crate::diagnostics::{Error, Result};

impl BackendStorage for Array {
    const DEVICE: DeviceKind = DeviceKind::Cpu;

    fn shape(&self) -> &[usize] {
        Array::shape(self)
    }
    fn dtype(&self) -> DType {
        Array::dtype(self)
    }
    fn to_host(&self) -> Result<Array> {
        Ok(self.clone())
    }
    fn from_host(a: &Array) -> Result<Option<Array>> {
        Ok(Some(a.clone()))
    }

    fn program(steps: &[Step], ins: &[Input<'_, Array>]) -> Result<Option<Array>> {
        let malformed = || Error::value("internal error: a malformed elementwise program");
        let mut stack: Vec<Operand> = Vec::with_capacity(4);
        for s in steps {
            match *s {
                Step::Input(k) => stack.push(match ins.get(k).ok_or_else(malformed)? {
                    Input::Array(a) => Operand::Array((*a).clone()),
                    Input::Scalar(s, weak) => Operand::Scalar(*s, *weak),
                }),
                Step::Unary(op) => {
                    let x = stack.pop().ok_or_else(malformed)?;
                    stack.push(elementwise::unary(op, &x)?);
                }
                Step::Binary(op) => {
                    let y = stack.pop().ok_or_else(malformed)?;
                    let x = stack.pop().ok_or_else(malformed)?;
                    stack.push(elementwise::binary(op, &x, &y)?);
                }
                Step::Where => {
                    let b = stack.pop().ok_or_else(malformed)?;
                    let a = stack.pop().ok_or_else(malformed)?;
                    let c = stack.pop().ok_or_else(malformed)?;
                    stack.push(elementwise::where_(&c, &a, &b)?);
                }
            }
        }
        match (stack.pop(), stack.is_empty()) {
            (Some(Operand::Array(a)), true) => Ok(Some(a)),
            (Some(Operand::Scalar(s, _)), true) => Ok(Some(Array::scalar(s))),
            _ => Err(malformed()),
        }
    }

    fn matmul(&self, rhs: &Array) -> Result<Option<Array>> {
        crate::array::linalg::matmul(self, rhs).map(Some)
    }

    fn reduce(
        &self,
        op: ReduceOp,
        axes: Option<&[usize]>,
        keepdims: bool,
    ) -> Result<Option<Storage>> {
        let axes: Option<Vec<i64>> = axes.map(|a| a.iter().map(|&d| d as i64).collect());
        crate::array::reduce::reduce(self, op, axes.as_deref(), keepdims, 0.0)
            .map(|r| Some(Storage::Cpu(r)))
    }

    fn index(&self, items: &[IndexItem]) -> Result<Option<Array>> {
        crate::array::index::get(self, items).map(Some)
    }

    fn permute(&self, perm: &[usize]) -> Array {
        self.permuted(perm)
    }

    fn reshape(&self, shape: &[usize]) -> Result<Option<Array>> {
        Array::reshape(self, shape).map(Some)
    }

    fn broadcast_to(&self, shape: &[usize]) -> Result<Option<Array>> {
        crate::array::broadcast_to(self, shape).map(Some)
    }

    fn insert_axis(&self, d: usize) -> Result<Array> {
        crate::array::shape_ops::expand_dims(self, &[d as i64])
    }

    fn copy(&self) -> Result<Array> {
        // Values are copy-on-write: a copy shares the buffer until a write.
        Ok(self.clone())
    }

    fn concatenate(parts: &[Array], axis: usize) -> Result<Option<Array>> {
        crate::array::shape_ops::concatenate(parts, Some(axis as i64)).map(Some)
    }

    fn astype(&self, dt: DType) -> Result<Option<Array>> {
        Ok(Some(Array::astype(self, dt)))
    }
}
