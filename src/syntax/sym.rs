//! Interned identifiers: names become `Sym` (a u32) at parse time, so the
//! evaluator compares integers instead of hashing strings.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

#[derive(Default)]
struct Interner {
    map: HashMap<Rc<str>, Sym>,
    names: Vec<Rc<str>>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::default());
    static INTERN_CALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many times a name was looked up by its string on this thread: the
/// speed tests check that running a loop adds none (names resolve as
/// integers once parsed).
pub fn intern_calls() -> u64 {
    INTERN_CALLS.with(|c| c.get())
}

pub fn intern(s: &str) -> Sym {
    INTERN_CALLS.with(|c| c.set(c.get() + 1));
    INTERNER.with(|i| {
        let mut i = i.borrow_mut();
        if let Some(&s) = i.map.get(s) {
            return s;
        }
        let rc: Rc<str> = s.into();
        let id = Sym(i.names.len() as u32);
        i.names.push(rc.clone());
        i.map.insert(rc, id);
        id
    })
}

pub fn name(s: Sym) -> Rc<str> {
    INTERNER.with(|i| {
        i.borrow()
            .names
            .get(s.0 as usize)
            .cloned()
            .unwrap_or_else(|| "?".into())
    })
}

/// Number of symbols interned so far (globals are a dense table of this size).
pub fn count() -> usize {
    INTERNER.with(|i| i.borrow().names.len())
}

/// All interned names (for completion and "did you mean" hints).
pub fn all_names() -> Vec<Rc<str>> {
    INTERNER.with(|i| i.borrow().names.clone())
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&name(*self))
    }
}
