//! Reverse-mode automatic differentiation by tracing what `f` does.
//!
//! `grad(f)(x)` opens a new *level*: `x` becomes a `Traced` value holding a
//! node on that level's tape. Every differentiable primitive that sees a
//! traced operand records a node — the dispatch layer (`ops::apply`,
//! `ops::tape`) does that, so nothing else knows about tracing. The
//! backward pass walks the tape in reverse applying one rule per op
//! (`backward.rs`). Rules are written with ordinary arr operations (through
//! `ops`), so when the saved operands are themselves traced at an outer
//! level, the backward pass is recorded there too: `grad(grad(f))` works to
//! any depth, and values from different levels never get confused.

pub mod backward;
pub mod grad;
