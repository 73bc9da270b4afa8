//! STUB (replaced by the printing branch)
use super::{Array, Scalar};
pub fn format_array(a: &Array) -> String {
    format!("{:?}", a)
}
pub fn format_scalar(s: Scalar) -> String {
    match s {
        Scalar::Bool(b) => b.to_string(),
        Scalar::I64(i) => i.to_string(),
        Scalar::F32(f) => format!("{:?}", f),
        Scalar::F64(f) => format!("{:?}", f),
    }
}
