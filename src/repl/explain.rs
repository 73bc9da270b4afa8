//! `:explain EXPR`: how the operands' shapes broadcast, step by step.
//!
//! Every binary operator of the expression is a step (innermost first). The
//! operands that are not themselves operators are evaluated for their
//! shapes; each step shows the shapes aligned on the right, padded with 1s
//! on the left, the result per axis, and either the result shape or the
//! axis where the shapes clash, with a hint.

use crate::array::fmt_shape;
use crate::diagnostics::{Error, ErrorKind, Span};
use crate::syntax::ast::{BinOp, Expr, ExprKind, StmtKind};
use crate::value::Value;
use crate::Interp;
use std::fmt::Write;

struct Ctx<'a> {
    code: &'a str,
    out: String,
    step: usize,
}

impl Ctx<'_> {
    fn text(&self, e: &Expr) -> String {
        let t = self
            .code
            .get(e.span.start as usize..e.span.end as usize)
            .unwrap_or("?")
            .trim()
            .to_string();
        if matches!(e.kind, ExprKind::Binary(..)) && !(t.starts_with('(') && t.ends_with(')')) {
            format!("({t})")
        } else {
            t
        }
    }
}

/// The explanation text, or (the text so far, the error that stopped it).
pub fn explain(it: &mut Interp, name: &str, code: &str) -> Result<String, (String, Error)> {
    let id = it.sources.add(name, code);
    let prog = crate::syntax::parser::parse_program(code, id).map_err(|e| (String::new(), e))?;
    let expr = match prog.as_slice() {
        [s] => match &s.kind {
            StmtKind::Expr(e) => e.clone(),
            _ => {
                return Err((
                    String::new(),
                    Error::new(
                        ErrorKind::Syntax,
                        "`:explain` takes an expression, not a statement",
                    )
                    .at(s.span)
                    .with_help("for example `:explain zeros((3, 1)) + arange(4)`"),
                ))
            }
        },
        _ => {
            return Err((
                String::new(),
                Error::new(ErrorKind::Syntax, "`:explain` takes one expression")
                    .at(Span::new(id, 0, code.len()))
                    .with_help("for example `:explain zeros((3, 1)) + arange(4)`"),
            ))
        }
    };
    let mut cx = Ctx {
        code,
        out: String::new(),
        step: 0,
    };
    let r = walk(it, &mut cx, &expr);
    // No trailing blanks (a scalar's empty dimension columns).
    let mut text: String = cx
        .out
        .lines()
        .map(|l| l.trim_end().to_string() + "\n")
        .collect();
    std::mem::swap(&mut text, &mut cx.out);
    match r {
        Ok(shape) => {
            if cx.step == 0 {
                let _ = writeln!(
                    cx.out,
                    "{} has shape {}: no operator, so nothing broadcasts\n(try `:explain a + b` with two arrays)",
                    cx.text(&expr),
                    fmt_shape(&shape)
                );
            } else {
                let _ = writeln!(cx.out, "result: shape {}", fmt_shape(&shape));
            }
            Ok(cx.out)
        }
        Err(e) => Err((cx.out, e)),
    }
}

/// The shape `e` evaluates to, explaining every binary operator on the way.
fn walk(it: &mut Interp, cx: &mut Ctx, e: &Expr) -> Result<Vec<usize>, Error> {
    match &e.kind {
        ExprKind::Binary(op, l, r) => {
            let ls = walk(it, cx, l)?;
            let rs = walk(it, cx, r)?;
            let (lt, rt) = (cx.text(l), cx.text(r));
            cx.step += 1;
            if *op == BinOp::MatMul {
                matmul_step(cx, e.span, &lt, &ls, &rt, &rs)
            } else {
                broadcast_step(cx, e.span, op.symbol(), &lt, &ls, &rt, &rs)
            }
        }
        ExprKind::Unary(_, x) => walk(it, cx, x),
        _ => {
            let v = it.eval(e)?;
            {
                let t = cx.text(e);
                shape_of(it, &v, e.span, &t)
            }
        }
    }
}

fn shape_of(it: &mut Interp, v: &Value, span: Span, text: &str) -> Result<Vec<usize>, Error> {
    super::value_shape(it, v).ok_or_else(|| {
        Error::new(
            ErrorKind::Type,
            format!("`{text}` is a {}, not an array", v.type_name()),
        )
        .at(span)
        .with_help("`:explain` shows how array shapes combine")
    })
}

/// Dimension columns, right-aligned: `[None, Some(3), Some(1)]` → "     3  1".
fn dims_row(dims: &[Option<usize>], w: usize) -> String {
    let mut s = String::new();
    for d in dims {
        match d {
            Some(d) => {
                let _ = write!(s, "{d:>w$}");
            }
            None => s.push_str(&" ".repeat(w)),
        }
    }
    s
}

fn broadcast_step(
    cx: &mut Ctx,
    span: Span,
    op: &str,
    lt: &str,
    ls: &[usize],
    rt: &str,
    rs: &[usize],
) -> Result<Vec<usize>, Error> {
    let n = ls.len().max(rs.len());
    let w = ls
        .iter()
        .chain(rs)
        .map(|d| d.to_string().len())
        .max()
        .unwrap_or(1)
        + 2;
    let lw = lt.chars().count().max(rt.chars().count()).max(6);
    let pad = |s: &[usize]| -> Vec<usize> {
        let mut v = vec![1; n - s.len()];
        v.extend_from_slice(s);
        v
    };
    let aligned = |s: &[usize]| -> Vec<Option<usize>> {
        let mut v = vec![None; n - s.len()];
        v.extend(s.iter().map(|d| Some(*d)));
        v
    };
    let (lp, rp) = (pad(ls), pad(rs));
    let o = &mut cx.out;
    let _ = writeln!(o, "step {}: {lt} {op} {rt}", cx.step);
    let _ = writeln!(
        o,
        "  shapes           {lt}: {}   {rt}: {}",
        fmt_shape(ls),
        fmt_shape(rs)
    );
    let _ = writeln!(
        o,
        "  align right      {lt:<lw$} {}",
        dims_row(&aligned(ls), w)
    );
    let _ = writeln!(
        o,
        "                   {rt:<lw$} {}",
        dims_row(&aligned(rs), w)
    );
    if ls.len() != rs.len() {
        let _ = writeln!(
            o,
            "  pad with 1s      {lt:<lw$} {}",
            dims_row(&lp.iter().map(|d| Some(*d)).collect::<Vec<_>>(), w)
        );
        let _ = writeln!(
            o,
            "                   {rt:<lw$} {}",
            dims_row(&rp.iter().map(|d| Some(*d)).collect::<Vec<_>>(), w)
        );
    }
    let mut result = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (lp[i], rp[i]);
        let how = if a == b {
            format!("{a} vs {b} → {a} (equal)")
        } else if a == 1 {
            format!("{a} vs {b} → {b} ({lt} is stretched)")
        } else if b == 1 {
            format!("{a} vs {b} → {a} ({rt} is stretched)")
        } else {
            let _ = writeln!(
                o,
                "  axis {i:<11} {a} vs {b} → clash: the sizes differ and neither is 1"
            );
            let mut e = Error::new(
                ErrorKind::Shape,
                format!(
                    "shapes {} and {} do not broadcast (axis {i}: {a} vs {b})",
                    fmt_shape(ls),
                    fmt_shape(rs)
                ),
            )
            .at(span);
            e = e.with_help(clash_hint(lt, ls, rt, rs));
            return Err(e);
        };
        let _ = writeln!(o, "  axis {i:<11} {how}");
        result.push(if a == 1 { b } else { a });
    }
    let _ = writeln!(
        o,
        "  result           {:<lw$} {}   = {}",
        "",
        dims_row(&result.iter().map(|d| Some(*d)).collect::<Vec<_>>(), w),
        fmt_shape(&result)
    );
    Ok(result)
}

/// A likely fix for two shapes that do not broadcast.
fn clash_hint(lt: &str, ls: &[usize], rt: &str, rs: &[usize]) -> String {
    // A 1-d operand whose length matches the other's second-to-last axis
    // wants a new trailing axis: (3,) with (3, 4) → x[:, newaxis] is (3, 1).
    for (t, s, os) in [(lt, ls, rs), (rt, rs, ls)] {
        if s.len() == 1 && os.len() >= 2 && os[os.len() - 2] == s[0] {
            return format!(
                "dimensions are compared from the right; to line `{t}` up with axis {} instead, write `{t}[:, newaxis]` (shape ({}, 1))",
                os.len() - 2,
                s[0]
            );
        }
    }
    if ls.len() == 2 && rs.len() == 2 && ls[0] == rs[1] && ls[1] == rs[0] {
        return format!(
            "the shapes are each other's transpose: did you mean `{rt}.T` (shape {})?",
            fmt_shape(&[rs[1], rs[0]])
        );
    }
    "dimensions are compared from the right; each pair must be equal or contain a 1 (reshape an operand or add an axis with [:, newaxis])".into()
}

fn matmul_step(
    cx: &mut Ctx,
    span: Span,
    lt: &str,
    ls: &[usize],
    rt: &str,
    rs: &[usize],
) -> Result<Vec<usize>, Error> {
    let o = &mut cx.out;
    let _ = writeln!(o, "step {}: {lt} @ {rt}", cx.step);
    let _ = writeln!(
        o,
        "  shapes           {lt}: {}   {rt}: {}",
        fmt_shape(ls),
        fmt_shape(rs)
    );
    if ls.is_empty() || rs.is_empty() {
        let t = if ls.is_empty() { lt } else { rt };
        return Err(Error::new(
            ErrorKind::Shape,
            format!("`@` needs arrays with at least one dimension; `{t}` is a scalar"),
        )
        .at(span)
        .with_help("use `*` to multiply by a scalar"));
    }
    let mut a = ls.to_vec();
    let mut b = rs.to_vec();
    if a.len() == 1 {
        a.insert(0, 1);
        let _ = writeln!(
            o,
            "  {lt} is 1-d: used as a row (1, {}), the 1 is dropped after",
            ls[0]
        );
    }
    if b.len() == 1 {
        b.push(1);
        let _ = writeln!(
            o,
            "  {rt} is 1-d: used as a column ({}, 1), the 1 is dropped after",
            rs[0]
        );
    }
    let (m, k1) = (a[a.len() - 2], a[a.len() - 1]);
    let (k2, n) = (b[b.len() - 2], b[b.len() - 1]);
    if k1 != k2 {
        let _ = writeln!(
            o,
            "  inner sizes      {k1} (last axis of {lt}) vs {k2} (first of the last two of {rt}) → clash"
        );
        let mut help =
            "the last axis of the left operand must equal the second-to-last of the right"
                .to_string();
        if rs.len() == 2 && rs[1] == k1 {
            help = format!(
                "`{rt}.T` has shape {}: did you mean `{lt} @ {rt}.T`?",
                fmt_shape(&[rs[1], rs[0]])
            );
        } else if ls.len() == 2 && ls[0] == k2 {
            help = format!(
                "`{lt}.T` has shape {}: did you mean `{lt}.T @ {rt}`?",
                fmt_shape(&[ls[1], ls[0]])
            );
        }
        return Err(Error::new(
            ErrorKind::Shape,
            format!(
                "`@` inner sizes differ: {k1} vs {k2} (shapes {} and {})",
                fmt_shape(ls),
                fmt_shape(rs)
            ),
        )
        .at(span)
        .with_help(help));
    }
    let _ = writeln!(
        o,
        "  inner sizes      {k1} (last axis of {lt}) = {k2} → summed over"
    );
    let (ba, bb) = (&a[..a.len() - 2], &b[..b.len() - 2]);
    let batch = if ba.is_empty() && bb.is_empty() {
        Vec::new()
    } else {
        match crate::array::broadcast_shapes(ba, bb) {
            Ok(s) => {
                let _ = writeln!(
                    o,
                    "  batch axes       {} and {} broadcast to {}",
                    fmt_shape(ba),
                    fmt_shape(bb),
                    fmt_shape(&s)
                );
                s
            }
            Err(_) => {
                let _ = writeln!(
                    o,
                    "  batch axes       {} vs {} → clash",
                    fmt_shape(ba),
                    fmt_shape(bb)
                );
                return Err(Error::new(
                    ErrorKind::Shape,
                    format!(
                        "the batch axes {} and {} do not broadcast",
                        fmt_shape(ba),
                        fmt_shape(bb)
                    ),
                )
                .at(span)
                .with_help("the axes before the last two broadcast like elementwise operands"));
            }
        }
    };
    let mut result = batch;
    if ls.len() > 1 {
        result.push(m);
    }
    if rs.len() > 1 {
        result.push(n);
    }
    let _ = writeln!(o, "  result           {}", fmt_shape(&result));
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Capture;

    fn run(setup: &str, expr: &str) -> Result<String, (String, Error)> {
        let mut it = Interp::new(Box::new(Capture::default()));
        it.run_source("<setup>", setup).unwrap();
        explain(&mut it, "<repl>:1", expr)
    }

    #[test]
    fn explains_a_column_plus_a_row() {
        let t = run("a = zeros((3, 1)); b = arange(4)", "a + b").unwrap();
        let want = "\
step 1: a + b
  shapes           a: (3, 1)   b: (4,)
  align right      a        3  1
                   b           4
  pad with 1s      a        3  1
                   b        1  4
  axis 0           3 vs 1 → 3 (b is stretched)
  axis 1           1 vs 4 → 4 (a is stretched)
  result                    3  4   = (3, 4)
result: shape (3, 4)
";
        assert_eq!(t, want);
    }

    #[test]
    fn a_clash_names_the_axis_and_hints_newaxis() {
        let (t, e) = run("x = arange(3); M = ones((3, 4))", "x + M").unwrap_err();
        assert!(t.contains("axis 1           3 vs 4 → clash"), "{t}");
        assert_eq!(e.kind, ErrorKind::Shape);
        let help = e.help.clone().unwrap_or_default();
        assert!(help.contains("x[:, newaxis]"), "{help}");
    }

    #[test]
    fn several_steps_and_matmul() {
        let t = run("A = ones((2, 3)); v = ones(3); b = ones(2)", "A @ v + b").unwrap();
        assert!(t.contains("step 1: A @ v"), "{t}");
        assert!(t.contains("step 2: (A @ v) + b"), "{t}");
        assert!(t.ends_with("result: shape (2,)\n"), "{t}");
        let (_, e) = run("A = ones((2, 3))", "A @ A").unwrap_err();
        assert!(e.help.unwrap_or_default().contains("A.T"));
    }
}
