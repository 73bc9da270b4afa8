//! `Interp`: the interpreter's state — scopes, output, the device stack,
//! the tapes of active `grad` levels, per-interpreter state (RNG, figure).
//! It is defined here, at the dispatch layer, so `ops::apply` can reach the
//! tapes and devices; the evaluator (`eval`), the gradient rules
//! (`autodiff`) and the builtins add behaviour to it from above.

use crate::diagnostics::{Result, Sources, Span};
use crate::output::Output;
use crate::prim::Prim;
use crate::state::{HasState, StateMap};
use crate::syntax::sym::Sym;
use crate::value::{Closure, Value};
use std::path::PathBuf;
use std::rc::Rc;

/// A builtin's implementation.
pub type BuiltinFn = fn(&mut Interp, super::Args) -> Result<Value>;

/// Calling any function value with evaluated arguments: positional values
/// and their spans, keyword arguments, the call's span, the callee's span.
pub type CallFn = fn(
    &mut Interp,
    &Value,
    Vec<Value>,
    Vec<Span>,
    Vec<(Sym, Value, Span)>,
    Span,
    Span,
) -> Result<Value>;

/// The layers above the dispatch layer, reached without importing them.
#[derive(Clone, Copy)]
pub struct Hooks {
    /// The implementation of each primitive (`builtins`).
    pub imp: fn(Prim) -> BuiltinFn,
    /// The evaluator's function call (`eval`), for `grad(f)` calling `f`.
    pub call: CallFn,
}

pub struct Interp {
    pub sources: Sources,
    pub(crate) globals: Vec<Option<Value>>,
    pub(crate) frames: Vec<Frame>,
    pub out: Box<dyn Output>,
    pub argv: Vec<String>,
    /// Folder of the running script (for `import` and relative paths).
    pub base_dir: Option<PathBuf>,
    pub(crate) import_stack: Vec<PathBuf>,
    pub(crate) warned: Vec<String>,
    pub device: Vec<Device>,
    /// One tape per active `grad` level (see `autodiff`).
    pub(crate) tapes: Vec<super::tape::Tape>,
    pub start: std::time::Instant,
    /// True in the REPL: figures are drawn after each statement that
    /// changed them (scripts draw only on `show()`).
    pub interactive: bool,
    /// `arr --sandbox`: the only folder files may be read from or written
    /// to (the script's own folder); `None` means no restriction.
    pub sandbox: Option<PathBuf>,
    /// Most loop iterations plus function calls one run may take before a
    /// `Limit` error (`None`: no limit). The fuzzers use it so that no
    /// input can run forever.
    pub step_limit: Option<u64>,
    pub(crate) steps: std::cell::Cell<u64>,
    /// The state of the layers above the evaluator (the random generator,
    /// the figure), one of each per interpreter: see `Interp::state`.
    pub(crate) state: StateMap,
    /// What the layers above provide: each primitive's implementation and
    /// calling a function value (set by `Interp::new` in `builtins`).
    pub(crate) hooks: Hooks,
}

pub struct Frame {
    pub(crate) vars: Vec<(Sym, Value)>,
    pub(crate) closure: Rc<Closure>,
    /// The function itself, so a named function can call itself even when
    /// its name is a builtin or was defined inside another function.
    pub(crate) self_value: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Cpu,
    Gpu,
}

impl Interp {
    /// This interpreter's `T` (created with `T::default()` on first use):
    /// the random generator of `seed`/`rand`, the current figure, ...
    pub fn state<T: Default + 'static>(&mut self) -> &mut T {
        self.state.get::<T>()
    }

    /// Warn once per distinct message.
    pub fn warn_once(&mut self, msg: &str) {
        if !self.warned.iter().any(|w| w == msg) {
            self.warned.push(msg.to_string());
            self.out.warn(msg);
        }
    }

    /// An interpreter with no globals (`builtins::Interp::new` fills them).
    pub fn bare(out: Box<dyn Output>, hooks: Hooks) -> Interp {
        Interp {
            sources: Sources::default(),
            globals: Vec::new(),
            frames: Vec::new(),
            out,
            argv: Vec::new(),
            base_dir: None,
            import_stack: Vec::new(),
            warned: Vec::new(),
            device: vec![Device::Cpu],
            tapes: Vec::new(),
            start: std::time::Instant::now(),
            interactive: false,
            sandbox: None,
            step_limit: None,
            steps: std::cell::Cell::new(0),
            state: StateMap::default(),
            hooks,
        }
    }
}

impl HasState for Interp {
    fn state<T: Default + 'static>(&mut self) -> &mut T {
        self.state.get::<T>()
    }
}
