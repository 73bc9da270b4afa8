//! STUB
use super::Array;
use crate::diagnostics::{Error, Result};
pub fn sort(_a: &Array, _axis: Option<i64>) -> Result<Array> {
    Err(Error::value("stub"))
}
pub fn argsort(_a: &Array, _axis: Option<i64>) -> Result<Array> {
    Err(Error::value("stub"))
}
pub struct Unique {
    pub values: Array,
    pub index: Option<Array>,
    pub inverse: Option<Array>,
    pub counts: Option<Array>,
}
pub fn unique(_a: &Array, _ri: bool, _rv: bool, _rc: bool) -> Result<Unique> {
    Err(Error::value("stub"))
}
pub fn searchsorted(_a: &Array, _v: &Array, _right: bool) -> Result<Array> {
    Err(Error::value("stub"))
}
