//! Builtins: one table (`table.rs`) with a row per function — name,
//! signature, doc, examples — and argument binding from the signature.
//! Topic files hold the implementations.

/// One table row: `b!(name, sig, category, method, fn, doc, (code, output)...)`.
/// Defined before the topic modules so each can declare its own `ROWS`.
macro_rules! b {
    ($name:literal, $sig:literal, $cat:literal, $method:literal, $f:path, $doc:literal $(, ($code:literal, $out:literal))* $(,)?) => {
        $crate::builtins::Builtin { name: $name, sig: $sig, category: $cat, doc: $doc, examples: &[$(($code, $out)),*], method: $method, f: $f }
    };
}

mod autodiff;
mod create;
mod data;
mod linalg;
mod math;
mod misc;
mod plot;
mod random;
mod reduce;
mod shape;
mod table;

pub use misc::{help_index, help_of, help_text};
pub use table::{constants, table};

pub use crate::ops::{arr, shape_of_value, Args, BuiltinFn};

use crate::ops::{Hooks, Interp};
use crate::output::Output;
use crate::prim::Prim;
use crate::syntax::sym;
use crate::value::{Func, Value};

#[derive(Clone, Copy)]
pub struct Builtin {
    pub name: &'static str,
    /// `name(a, axis=none, keepdims=false)`; `*rest` takes any number of
    /// positional arguments, a final `**named` any other keyword arguments.
    pub sig: &'static str,
    pub category: &'static str,
    pub doc: &'static str,
    /// (code, what `arr -e code` prints). A test runs every one.
    pub examples: &'static [(&'static str, &'static str)],
    /// Usable as a method: `a.sum()`.
    pub method: bool,
    pub f: BuiltinFn,
}

impl std::fmt::Debug for Builtin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<builtin {}>", self.name)
    }
}

pub fn lookup(name: &str) -> Option<&'static Builtin> {
    Prim::from_name(name).map(Prim::row)
}

/// The parameters of a builtin's signature.
pub fn params_of(b: &Builtin) -> &'static [crate::ops::ParamSpecLite] {
    crate::prim::Prim::from_name(b.name).map_or(&[], crate::ops::params_of)
}

impl Prim {
    /// This primitive's row in the builtin table (doc, examples, function).
    pub fn row(self) -> &'static Builtin {
        &table()[self as usize]
    }
}

/// The implementation of `p` (what `ops::apply` calls through its hook).
pub fn implementation(p: Prim) -> BuiltinFn {
    p.row().f
}

impl Interp {
    /// A new interpreter: the builtins and constants bound as globals, the
    /// standard library loaded.
    pub fn new(out: Box<dyn Output>) -> Interp {
        let hooks = Hooks {
            imp: implementation,
            call: Interp::call_value,
        };
        let mut it = Interp::bare(out, hooks);
        for &p in Prim::ALL.iter() {
            it.set_global(sym::intern(p.name()), Value::Func(Func::Builtin(p)));
        }
        for (name, v) in constants() {
            it.set_global(sym::intern(name), v);
        }
        for (name, src) in crate::stdlib::FILES {
            if let Err(e) = it.run_source(name, src) {
                // The stdlib ships with arr; a failure here is a bug in arr.
                let r = it.render(&e, false);
                it.out.warn(&format!(
                    "arr: internal error: the standard library failed to load:\n{r}"
                ));
            }
        }
        it
    }
}
