//! Interned identifiers: names become `Sym` (a u32) at parse time, so the
//! evaluator compares integers instead of hashing strings.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// One interner for the whole process: a `Sym` means the same name in every
/// interpreter and thread (builtin parameter tables hold symbols). Names are
/// identifiers from program text, so they are kept for the process's life
/// (leaked once each), which lets `name` hand out `&'static str`.
#[derive(Default)]
struct Interner {
    map: HashMap<&'static str, Sym>,
    names: Vec<&'static str>,
}

static INTERNER: LazyLock<RwLock<Interner>> = LazyLock::new(Default::default);

thread_local! {
    static INTERN_CALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Read the interner; a panic while holding the lock cannot leave it
/// inconsistent (both tables are updated after the leak), so a poisoned
/// lock is used as is.
fn read() -> std::sync::RwLockReadGuard<'static, Interner> {
    INTERNER.read().unwrap_or_else(|p| p.into_inner())
}

/// How many times a name was looked up by its string on this thread: the
/// speed tests check that running a loop adds none (names resolve as
/// integers once parsed).
pub fn intern_calls() -> u64 {
    INTERN_CALLS.with(|c| c.get())
}

pub fn intern(s: &str) -> Sym {
    INTERN_CALLS.with(|c| c.set(c.get() + 1));
    if let Some(&id) = read().map.get(s) {
        return id;
    }
    let mut i = INTERNER.write().unwrap_or_else(|p| p.into_inner());
    if let Some(&id) = i.map.get(s) {
        return id;
    }
    let name: &'static str = Box::leak(s.to_owned().into_boxed_str());
    let id = Sym(i.names.len() as u32);
    i.names.push(name);
    i.map.insert(name, id);
    id
}

pub fn name(s: Sym) -> &'static str {
    read().names.get(s.0 as usize).copied().unwrap_or("?")
}

/// Number of symbols interned so far (globals are a dense table of this size).
pub fn count() -> usize {
    read().names.len()
}

/// All interned names (for completion and "did you mean" hints).
pub fn all_names() -> Vec<&'static str> {
    read().names.clone()
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(name(*self))
    }
}
