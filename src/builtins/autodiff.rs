//! autodiff: grad value_and_grad jacobian hessian (LANGUAGE.md §8).

use super::{Args, Builtin};
use crate::diagnostics::{At, Error, Result};
use crate::ops::Interp;
use crate::value::{Func, Value};
use crate::value::{GradFn, GradKind};
use std::rc::Rc;

fn make(a: &Args, kind: GradKind, name: &'static str) -> Result<Value> {
    let f = a.value(0)?.clone();
    if !matches!(f, Value::Func(_)) {
        return Err(a.type_err(0, "a function", &f).with_help(format!(
            "{name}(f) takes a function, e.g. {name}(x -> sum(x ** 2))"
        )));
    }
    let (argnums, tuple) = match a.get(1) {
        None | Some(Value::None) => (vec![0], false),
        Some(Value::Tuple(t)) => {
            let mut v = Vec::new();
            for x in t.iter() {
                match crate::value::as_scalar(x) {
                    Some(s) if s.as_i64() >= 0 => v.push(s.as_i64() as usize),
                    _ => {
                        return Err(Error::type_("argnums must be non-negative integers")
                            .label(At::Arg(1), "here"))
                    }
                }
            }
            (v, true)
        }
        Some(_) => {
            let k = a.int(1)?;
            if k < 0 {
                return Err(
                    Error::value("argnums must be non-negative").label(At::Arg(1), "negative")
                );
            }
            (vec![k as usize], false)
        }
    };
    Ok(Value::Func(Func::Grad(Rc::new(GradFn {
        f,
        argnums,
        tuple,
        kind,
        name,
    }))))
}

pub fn grad(_: &mut Interp, a: Args) -> Result<Value> {
    make(&a, GradKind::Grad, "grad")
}
pub fn value_and_grad(_: &mut Interp, a: Args) -> Result<Value> {
    make(&a, GradKind::ValueAndGrad, "value_and_grad")
}
pub fn jacobian(_: &mut Interp, a: Args) -> Result<Value> {
    make(&a, GradKind::Jacobian, "jacobian")
}
/// hessian(f) = jacobian(grad(f)).
pub fn hessian(_: &mut Interp, a: Args) -> Result<Value> {
    let g = make(&a, GradKind::Grad, "hessian")?;
    let Value::Func(Func::Grad(inner)) = &g else {
        return Ok(g);
    };
    Ok(Value::Func(Func::Grad(Rc::new(GradFn {
        f: g.clone(),
        argnums: inner.argnums.clone(),
        tuple: false,
        kind: GradKind::Jacobian,
        name: "hessian",
    }))))
}

/// stop_gradient(x): x itself; under grad a constant (the dispatch layer
/// strips the trace: `Derivative::Constant`).
pub fn stop_gradient(_: &mut Interp, a: Args) -> Result<Value> {
    Ok(a.value(0)?.clone())
}

pub static ROWS: &[Builtin] = &[
    b!("grad", "grad(f, argnums=0)", "autodiff", false, grad,
        "A function that returns the gradient of f (which must return one float) with respect to argument `argnums` (an int, or a tuple for a tuple of gradients). The argument may be an array, a tuple or a dict of arrays; the gradient has the same structure. grad differentiates whatever f does when it runs: loops, if, recursion, closures, indexing and assignment.",
        ("grad(x -> x ** 2)(3.0)", "6.0"), ("grad(w -> sum((w - 3) ** 2))([1.0, 2.0])", "[-4. -2.]"), ("grad(grad(x -> x ** 3))(2.0)", "12.0")),
    b!("value_and_grad", "value_and_grad(f, argnums=0)", "autodiff", false, value_and_grad,
        "Like grad(f), but returns the tuple (f(x), gradient) from one evaluation.",
        ("value_and_grad(x -> sum(x * x))([1.0, 2.0])", "(5.0, [2. 4.])")),
    b!("jacobian", "jacobian(f, argnums=0)", "autodiff", false, jacobian,
        "A function returning the Jacobian of f: shape f(x).shape + x.shape.",
        ("jacobian(x -> x ** 2)([1.0, 3.0])", "[[2. 0.]\n [0. 6.]]")),
    b!("hessian", "hessian(f, argnums=0)", "autodiff", false, hessian,
        "A function returning the matrix of second derivatives of a scalar f (jacobian of grad).",
        ("hessian(x -> sum(x ** 3))([1.0, 2.0])", "[[ 6.  0.]\n [ 0. 12.]]")),
    b!("stop_gradient", "stop_gradient(x)", "autodiff", false, stop_gradient,
        "x unchanged, but treated as a constant by grad: no gradient flows through it (as jax.lax.stop_gradient). Works on arrays, numbers, and tuples or dicts of them.",
        ("stop_gradient([1.0, 2.0])", "[1. 2.]"), ("grad(x -> x * stop_gradient(x))(3.0)", "3.0")),
];
