//! arr: a small NumPy-flavoured array language. See `src/README.md` for the map.

pub mod array;
pub mod diagnostics;
