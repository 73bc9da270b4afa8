//! STUB (replaced by the indexing branch)
use super::Array;
use crate::diagnostics::{Error, Result};
#[derive(Debug, Clone)]
pub enum IndexItem {
    Int(i64),
    Slice {
        start: Option<i64>,
        stop: Option<i64>,
        step: Option<i64>,
    },
    Ellipsis,
    NewAxis,
    Array(Array),
}
pub fn get(_a: &Array, _idx: &[IndexItem]) -> Result<Array> {
    Err(Error::index("stub"))
}
pub fn set(_a: &mut Array, _idx: &[IndexItem], _value: &Array) -> Result<()> {
    Err(Error::index("stub"))
}
