//! arr: a small NumPy-flavoured array language. See `src/README.md` for the map.

pub mod alloc;
pub mod array;
pub mod autodiff;
pub mod builtins;
pub mod data;
pub mod diagnostics;
pub mod eval;
pub mod gpu;
#[cfg(feature = "jupyter")]
pub mod kernel;
pub mod output;
pub mod plot;
pub mod repl;
pub mod stdlib;
pub mod syntax;
pub mod value;

pub use eval::Interp;

#[global_allocator]
static GLOBAL: alloc::ArrAlloc = alloc::ArrAlloc;
