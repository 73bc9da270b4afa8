//! STUB
use super::Array;
use crate::diagnostics::{Error, Result};
pub fn concatenate(_arrays: &[Array], _axis: Option<i64>) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn stack(_arrays: &[Array], _axis: i64) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn vstack(_arrays: &[Array]) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn hstack(_arrays: &[Array]) -> Result<Array> {
    Err(Error::value("stub"))
}
pub enum SplitSpec {
    Sections(usize),
    Indices(Vec<i64>),
}
pub fn split(_a: &Array, _spec: &SplitSpec, _axis: i64) -> Result<Vec<Array>> {
    Err(Error::value("stub"))
}
pub fn tile(_a: &Array, _reps: &[usize]) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn repeat(_a: &Array, _repeats: &Array, _axis: Option<i64>) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn flip(_a: &Array, _axes: Option<&[i64]>) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn roll(_a: &Array, _shift: &[i64], _axes: Option<&[i64]>) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn squeeze(_a: &Array, _axes: Option<&[i64]>) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn expand_dims(_a: &Array, _axes: &[i64]) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn flatten(a: &Array) -> Array {
    a.clone()
}
