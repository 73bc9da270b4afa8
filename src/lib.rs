//! arr: a small NumPy-flavoured array language. See `src/README.md` for the map.

pub mod alloc;
pub mod array;
pub mod autodiff;
pub mod backend;
pub mod builtins;
pub mod data;
pub mod diagnostics;
pub mod eval;
pub mod gpu;
pub mod interrupt;
#[cfg(feature = "jupyter")]
pub mod kernel;
pub mod ops;
pub mod output;
pub mod plot;
pub mod prim;
pub mod repl;
pub mod state;
pub mod stdlib;
pub mod syntax;
pub mod value;

pub use ops::Interp;

#[global_allocator]
static GLOBAL: alloc::ArrAlloc = alloc::ArrAlloc;
