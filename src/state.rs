//! Per-interpreter state keyed by its type. The layers that keep state of
//! their own (the random generator, the figure) keep it here rather than in
//! thread-locals, so two interpreters on one thread are independent, and the
//! interpreter need not name their types.

use std::any::{Any, TypeId};
use std::collections::HashMap;

#[derive(Default)]
pub struct StateMap(HashMap<TypeId, Box<dyn Any>>);

impl StateMap {
    /// The `T` (created with `T::default()` on first use).
    pub fn get<T: Default + 'static>(&mut self) -> &mut T {
        self.0
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut::<T>()
            // The entry under T's TypeId was made from a T just above.
            .expect("state map entry has its key's type")
    }
}

/// Anything holding a `StateMap` (the interpreter): what `plot` and
/// `random` take, so they need not know the interpreter's type.
pub trait HasState {
    fn state<T: Default + 'static>(&mut self) -> &mut T;
}
