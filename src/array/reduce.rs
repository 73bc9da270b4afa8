//! STUB
use super::Array;
use crate::diagnostics::{Error, Result};
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
pub fn reduce(
    _a: &Array,
    _op: ReduceOp,
    _axes: Option<&[i64]>,
    _keepdims: bool,
    _ddof: f64,
) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn quantile(_a: &Array, _q: &Array, _axis: Option<&[i64]>, _keepdims: bool) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn cumulative(_a: &Array, _prod: bool, _axis: Option<i64>) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn diff(_a: &Array, _n: usize, _axis: i64) -> Result<Array> {
    Err(Error::value("stub"))
}
