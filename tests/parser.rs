//! The parser: precedence, statement forms, and spans on every node.

use arr::syntax::ast::*;
use arr::syntax::parser::{is_incomplete, parse_program};

fn parse(src: &str) -> Vec<Stmt> {
    match parse_program(src, 0) {
        Ok(p) => p,
        Err(e) => panic!("parse of {src:?} failed: {e}"),
    }
}

fn expr(src: &str) -> Expr {
    match parse(src).pop().map(|s| s.kind) {
        Some(StmtKind::Expr(e)) => e,
        other => panic!("not an expression: {other:?}"),
    }
}

/// A compact rendering of an expression tree: `(+ a (* b c))`.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Float(f) => format!("{f:?}"),
        ExprKind::Name(s) => s.to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::None => "none".into(),
        ExprKind::Unary(op, x) => format!("({op:?} {})", show(x)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", op.symbol(), show(a), show(b)),
        ExprKind::And(a, b) => format!("(and {} {})", show(a), show(b)),
        ExprKind::Or(a, b) => format!("(or {} {})", show(a), show(b)),
        ExprKind::Call(f, args) => format!(
            "(call {}{})",
            show(f),
            args.iter()
                .map(|a| format!(
                    " {}{}",
                    a.name.map(|(n, _)| format!("{n}=")).unwrap_or_default(),
                    show(&a.value)
                ))
                .collect::<String>()
        ),
        ExprKind::Index(x, ix) => format!("(idx {} {})", show(x), ix.len()),
        ExprKind::Attr(x, a, _) => format!("(. {} {a})", show(x)),
        ExprKind::List(v) => format!("[{}]", v.iter().map(show).collect::<Vec<_>>().join(" ")),
        ExprKind::Tuple(v) => format!(
            "(tuple {})",
            v.iter().map(show).collect::<Vec<_>>().join(" ")
        ),
        ExprKind::Dict(v) => format!("{{{}}}", v.len()),
        ExprKind::Lambda(f) => format!("(lambda {})", f.params.len()),
    }
}

#[test]
fn precedence_follows_the_table() {
    assert_eq!(show(&expr("a + b * c")), "(+ a (* b c))");
    assert_eq!(show(&expr("-2 ** 2")), "(Neg (** 2 2))");
    assert_eq!(show(&expr("2 ** 3 ** 2")), "(** 2 (** 3 2))");
    assert_eq!(show(&expr("a ^ b")), "(** a b)");
    assert_eq!(show(&expr("not a == b")), "(Not (== a b))");
    assert_eq!(show(&expr("a or b and c")), "(or a (and b c))");
    assert_eq!(show(&expr("a | b & c")), "(| a (& b c))");
    assert_eq!(show(&expr("a & b == c")), "(== (& a b) c)");
    assert_eq!(show(&expr("a @ b + c")), "(+ (@ a b) c)");
    assert_eq!(show(&expr("a // b % c")), "(% (// a b) c)");
    assert_eq!(show(&expr("-a.T")), "(Neg (. a T))");
    assert_eq!(show(&expr("~a[0]")), "(Invert (idx a 1))");
    assert_eq!(show(&expr("f(x)(y)")), "(call (call f x) y)");
    assert_eq!(show(&expr("a.sum(axis=0)")), "(call (. a sum) axis=0)");
    assert_eq!(show(&expr("x -> x + 1")), "(lambda 1)");
    assert_eq!(show(&expr("(x, y) -> x")), "(lambda 2)");
    assert_eq!(show(&expr("2 ** -1")), "(** 2 -1)");
    assert_eq!(show(&expr("1 - -1")), "(- 1 -1)");
    assert_eq!(show(&expr("(1,)")), "(tuple 1)");
    assert_eq!(show(&expr("()")), "(tuple )");
    assert_eq!(show(&expr("1, 2")), "(tuple 1 2)");
}

#[test]
fn numbers_strings_and_names() {
    assert_eq!(show(&expr("1_000")), "1000");
    assert_eq!(show(&expr(".5")), "0.5");
    assert_eq!(show(&expr("1e-3")), "0.001");
    assert_eq!(show(&expr("2.5E10")), "25000000000.0");
    assert_eq!(show(&expr("3.")), "3.0");
    assert_eq!(show(&expr("'a\\tb'")), "\"a\\tb\"");
    assert_eq!(show(&expr("returned")), "returned");
    assert_eq!(show(&expr("iffy")), "iffy");
    assert_eq!(show(&expr("none")), "none");
}

#[test]
fn statement_forms() {
    let p = parse("x = 1; y += 2\na[1:, 0] = 0\na, b = b, a\np[\"W\"] = 1\np.W -= 1");
    assert_eq!(p.len(), 6);
    assert!(matches!(
        &p[1].kind,
        StmtKind::Assign {
            op: Some(BinOp::Add),
            ..
        }
    ));
    assert!(matches!(&p[2].kind, StmtKind::Assign { targets, .. } if targets[0].path.len() == 1));
    assert!(matches!(&p[3].kind, StmtKind::Assign { targets, .. } if targets.len() == 2));
    assert!(
        matches!(&p[5].kind, StmtKind::Assign { op: Some(BinOp::Sub), targets, .. } if matches!(targets[0].path[0], TargetStep::Attr(..)))
    );
    let p = parse("fn f(a, b=2) { return a }\nfn g(x) = x ** 2\nif a { } else if b { } else { }\nwhile c { break }\nfor i, j in z { continue }\n@device(gpu) { }\nimport \"x.arr\"");
    assert_eq!(p.len(), 7);
    assert!(
        matches!(&p[0].kind, StmtKind::FnDef(f) if f.params.len() == 2 && f.params[1].default.is_some())
    );
    assert!(matches!(&p[1].kind, StmtKind::FnDef(f) if matches!(f.body, FnBody::Expr(_))));
    assert!(
        matches!(&p[2].kind, StmtKind::If { els: Some(e), .. } if matches!(e[0].kind, StmtKind::If { .. }))
    );
    assert!(matches!(&p[4].kind, StmtKind::For { vars, .. } if vars.len() == 2));
    assert!(matches!(&p[5].kind, StmtKind::Device { name, .. } if name == "gpu"));
    assert!(matches!(&p[6].kind, StmtKind::Import { path, .. } if path == "x.arr"));
}

#[test]
fn indexing_forms() {
    let e = expr("a[1:3, ::2, ..., none, [0, 2], -1]");
    let ExprKind::Index(_, ix) = e.kind else {
        panic!()
    };
    assert_eq!(ix.len(), 6);
    assert!(matches!(ix[0], IndexExpr::Slice(Some(_), Some(_), None, _)));
    assert!(matches!(ix[1], IndexExpr::Slice(None, None, Some(_), _)));
    assert!(matches!(ix[2], IndexExpr::Ellipsis(_)));
    let e = expr("a[:]");
    let ExprKind::Index(_, ix) = e.kind else {
        panic!()
    };
    assert!(matches!(ix[0], IndexExpr::Slice(None, None, None, _)));
}

#[test]
fn newlines_inside_brackets_continue_the_statement() {
    assert_eq!(
        parse("x = [1,\n 2,\n 3]\ny = f(\n a,\n b = 2\n)\nz = {\n \"k\": 1\n}").len(),
        3
    );
    // ...but outside brackets they end it.
    assert_eq!(parse("x = 1\n-2").len(), 2);
    assert_eq!(parse("# only a comment").len(), 0);
    assert_eq!(parse("\n\n  # c\nx = 1  # trailing\n\n").len(), 1);
}

/// Every node's span lies inside the source and covers its own text.
#[test]
fn every_node_carries_its_span() {
    let src = "y = foo(a + b * 2, axis=1)[0:2].T";
    let p = parse(src);
    let StmtKind::Assign { value, .. } = &p[0].kind else {
        panic!()
    };
    let text = |e: &Expr| &src[e.span.start as usize..e.span.end as usize];
    assert_eq!(text(value), "foo(a + b * 2, axis=1)[0:2].T");
    let ExprKind::Attr(inner, _, aspan) = &value.kind else {
        panic!()
    };
    assert_eq!(&src[aspan.start as usize..aspan.end as usize], "T");
    let ExprKind::Index(call, _) = &inner.kind else {
        panic!()
    };
    let ExprKind::Call(f, args) = &call.kind else {
        panic!()
    };
    assert_eq!(text(f), "foo");
    assert_eq!(text(&args[0].value), "a + b * 2");
    let ExprKind::Binary(_, a, bc) = &args[0].value.kind else {
        panic!()
    };
    assert_eq!(text(a), "a");
    assert_eq!(text(bc), "b * 2");
    assert_eq!(text(&args[1].value), "1");
}

#[test]
fn incomplete_input_is_recognised_for_the_repl() {
    assert!(is_incomplete("x = [1,"));
    assert!(is_incomplete("fn f(x) {"));
    assert!(is_incomplete("if a {\n  b = 1\n"));
    assert!(!is_incomplete("x = 1"));
    assert!(!is_incomplete("x = )"));
}
