//! pest → AST. The grammar lives in `grammar/arr.pest`; precedence is done by
//! pest's `PrattParser` with the table of LANGUAGE.md §4.

use super::ast::*;
use super::sym::intern;
use crate::diagnostics::{Error, ErrorKind, Result, Span};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use std::rc::Rc;
use std::sync::OnceLock;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/arr.pest"]
struct ArrParser;

/// Deepest bracket nesting accepted in source code.
pub const MAX_NESTING: usize = 200;
/// Deepest expression tree accepted (long operator chains count too).
pub const MAX_EXPR_DEPTH: usize = 5000;
/// Largest source accepted, in bytes.
pub const MAX_SOURCE: usize = 64 << 20;

fn pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left))
            .op(Op::infix(Rule::op_bitor, Assoc::Left))
            .op(Op::infix(Rule::op_bitand, Assoc::Left))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left)
                | Op::infix(Rule::op_div, Assoc::Left)
                | Op::infix(Rule::op_floordiv, Assoc::Left)
                | Op::infix(Rule::op_mod, Assoc::Left)
                | Op::infix(Rule::op_matmul, Assoc::Left))
            .op(Op::prefix(Rule::op_neg) | Op::prefix(Rule::op_pos) | Op::prefix(Rule::op_inv))
            .op(Op::infix(Rule::op_pow, Assoc::Right))
    })
}

/// Parse a whole program (a file, `-e` code or one REPL entry).
pub fn parse_program(src: &str, src_id: u32) -> Result<Vec<Stmt>> {
    if src.len() > MAX_SOURCE {
        return Err(Error::new(
            ErrorKind::Limit,
            format!(
                "source is {} bytes; the limit is {} bytes",
                src.len(),
                MAX_SOURCE
            ),
        )
        .at(Span::new(src_id, 0, 0)));
    }
    check_nesting(src, src_id)?;
    let pairs = ArrParser::parse(Rule::program, src).map_err(|e| pest_error(e, src, src_id))?;
    let b = Builder {
        src: src_id,
        text: src,
    };
    let mut out = Vec::new();
    for p in pairs {
        for body in p.into_inner() {
            if body.as_rule() == Rule::program_body {
                for s in body.into_inner() {
                    out.push(b.stmt(s)?);
                }
            }
        }
    }
    for s in &out {
        check_depth_stmt(s, 0)?;
    }
    Ok(out)
}

/// Reject absurd bracket nesting before pest recurses into it.
fn check_nesting(src: &str, src_id: u32) -> Result<()> {
    let mut depth = 0usize;
    let mut run = 0usize; // consecutive prefix operators
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if comment {
            if c == b'\n' {
                comment = false;
            }
        } else if let Some(q) = quote {
            if c == b'\\' {
                i += 1;
            } else if c == q || c == b'\n' {
                quote = None;
            }
        } else {
            match c {
                b'#' => comment = true,
                b'"' | b'\'' => quote = Some(c),
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(Error::new(
                            ErrorKind::Limit,
                            format!("brackets are nested more than {} deep", MAX_NESTING),
                        )
                        .at(Span::new(src_id, i, i + 1))
                        .with_help(
                            "split the expression into smaller parts with intermediate variables",
                        ));
                    }
                }
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if matches!(c, b'-' | b'+' | b'~') {
                run += 1;
                if run > MAX_NESTING {
                    return Err(Error::new(
                        ErrorKind::Limit,
                        format!("more than {} operators in a row", MAX_NESTING),
                    )
                    .at(Span::new(src_id, i, i + 1)));
                }
            } else if !matches!(c, b' ' | b'\t') {
                run = 0;
            }
        }
        i += 1;
    }
    Ok(())
}

fn too_deep(span: Span) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!(
            "expression is nested more than {} levels deep",
            MAX_EXPR_DEPTH
        ),
    )
    .at(span)
    .with_help("split the expression into smaller parts with intermediate variables")
}

fn check_depth_stmt(s: &Stmt, d: usize) -> Result<()> {
    if d > MAX_EXPR_DEPTH {
        return Err(too_deep(s.span));
    }
    let block = |b: &Vec<Stmt>| -> Result<()> {
        for s in b {
            check_depth_stmt(s, d + 1)?;
        }
        Ok(())
    };
    match &s.kind {
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) => check_depth(e, d + 1),
        StmtKind::Assign { value, targets, .. } => {
            for t in targets {
                for st in &t.path {
                    if let TargetStep::Index(ix, _) = st {
                        for i in ix {
                            check_depth_index(i, d + 1)?;
                        }
                    }
                }
            }
            check_depth(value, d + 1)
        }
        StmtKind::FnDef(f) => check_depth_fn(f, d + 1),
        StmtKind::If { cond, then, els } => {
            check_depth(cond, d + 1)?;
            block(then)?;
            if let Some(e) = els {
                block(e)?;
            }
            Ok(())
        }
        StmtKind::While { cond, body } => {
            check_depth(cond, d + 1)?;
            block(body)
        }
        StmtKind::For { iter, body, .. } => {
            check_depth(iter, d + 1)?;
            block(body)
        }
        StmtKind::Device { body, .. } => block(body),
        StmtKind::Import { .. } | StmtKind::Return(None) | StmtKind::Break | StmtKind::Continue => {
            Ok(())
        }
    }
}

fn check_depth_fn(f: &FnDef, d: usize) -> Result<()> {
    for p in &f.params {
        if let Some(e) = &p.default {
            check_depth(e, d + 1)?;
        }
    }
    match &f.body {
        FnBody::Expr(e) => check_depth(e, d + 1),
        FnBody::Block(b) => {
            for s in b {
                check_depth_stmt(s, d + 1)?;
            }
            Ok(())
        }
    }
}

fn check_depth_index(i: &IndexExpr, d: usize) -> Result<()> {
    match i {
        IndexExpr::Expr(e) => check_depth(e, d),
        IndexExpr::Slice(a, b, c, _) => {
            for e in [a, b, c].into_iter().flatten() {
                check_depth(e, d)?;
            }
            Ok(())
        }
        IndexExpr::Ellipsis(_) => Ok(()),
    }
}

fn check_depth(e: &Expr, d: usize) -> Result<()> {
    if d > MAX_EXPR_DEPTH {
        return Err(too_deep(e.span));
    }
    let d = d + 1;
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::None
        | ExprKind::Name(_) => Ok(()),
        ExprKind::List(v) | ExprKind::Tuple(v) => v.iter().try_for_each(|x| check_depth(x, d)),
        ExprKind::Dict(v) => v.iter().try_for_each(|(_, x)| check_depth(x, d)),
        ExprKind::Unary(_, x) | ExprKind::Attr(x, _, _) => check_depth(x, d),
        ExprKind::Binary(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            check_depth(a, d)?;
            check_depth(b, d)
        }
        ExprKind::Call(f, args) => {
            check_depth(f, d)?;
            args.iter().try_for_each(|a| check_depth(&a.value, d))
        }
        ExprKind::Index(x, ix) => {
            check_depth(x, d)?;
            ix.iter().try_for_each(|i| check_depth_index(i, d))
        }
        ExprKind::Lambda(f) => check_depth_fn(f, d),
    }
}

fn rule_name(r: &Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match r {
        EOI => "end of input",
        expr | op_expr | postfix_expr | lambda | expr_list | slice_part => "an expression",
        ident | target | targets | for_targets | lambda_params => "a name",
        int | float | digits => "a number",
        string | dq_inner | sq_inner => "a string",
        block => "a `{` block",
        call_suffix => "`(`",
        index_suffix => "`[`",
        attr_suffix => "`.`",
        assign_op => "`=`",
        kw_in => "`in`",
        kw_else => "`else`",
        params => "a parameter list `(...)`",
        param => "a parameter name",
        fn_expr_body => "`=` or a `{` block",
        dict_item => "a `\"key\": value` entry",
        exponent => "an exponent",
        op_or | op_and | op_eq | op_ne | op_le | op_ge | op_lt | op_gt | op_bitor | op_bitand
        | op_add | op_sub | op_pow | op_mul | op_floordiv | op_div | op_mod | op_matmul => {
            "an operator"
        }
        program | fn_def | if_stmt | while_stmt | for_stmt | device_stmt | import_stmt
        | return_stmt | break_stmt | continue_stmt | assign_stmt | expr_stmt => "a statement",
        tuple_comma => "`,`",
        kwarg => "a keyword argument",
        _ => return None,
    })
}

fn pest_error(e: pest::error::Error<Rule>, src: &str, src_id: u32) -> Error {
    use pest::error::{ErrorVariant, InputLocation};
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((a, b)) => (a, b),
    };
    let start = start.min(src.len());
    // Underline the offending token (or one char) rather than nothing.
    let tok_end = {
        let rest = &src[start..];
        let n: usize = rest
            .char_indices()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or_else(|| rest.chars().next().map(|c| c.len_utf8()).unwrap_or(0));
        start + n
    };
    let end = end.max(tok_end).min(src.len());
    let found = if start >= src.len() {
        "the end of the input".to_string()
    } else {
        let t = &src[start..end];
        if t == "\n" {
            "the end of the line".to_string()
        } else {
            format!("`{}`", t.trim_end())
        }
    };
    let mut expected: Vec<&str> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        for r in positives {
            if let Some(n) = rule_name(r) {
                if !expected.contains(&n) {
                    expected.push(n);
                }
            }
        }
    }
    let msg = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&expected))
    };
    let mut err = Error::new(ErrorKind::Syntax, msg).at(Span::new(src_id, start, end));
    if let Some(h) = syntax_hint(src, start) {
        err = err.with_help(h);
    }
    err
}

fn join_or(v: &[&str]) -> String {
    match v.len() {
        0 => String::new(),
        1 => v[0].to_string(),
        _ => format!("{} or {}", v[..v.len() - 1].join(", "), v[v.len() - 1]),
    }
}

/// Hints for the mistakes people coming from other languages make.
fn syntax_hint(src: &str, pos: usize) -> Option<String> {
    let rest = &src[pos.min(src.len())..];
    let before = src[..pos.min(src.len())].trim_end();
    if rest.starts_with("def ") || before.ends_with("def") {
        return Some(
            "functions are defined with `fn name(x) { ... }` or `fn name(x) = expr`".into(),
        );
    }
    if rest.starts_with(':')
        && (before.starts_with("if") || before.starts_with("for") || before.starts_with("while"))
    {
        return Some("blocks use braces: `if cond { ... }`".into());
    }
    if before.ends_with("elif") || rest.starts_with("elif") {
        return Some("write `else if cond { ... }`".into());
    }
    if rest.starts_with("===") || rest.starts_with("!==") {
        return Some("use `==` / `!=`".into());
    }
    if rest.starts_with("&&") || rest.starts_with("||") {
        return Some("use `and` / `or` for logic, `&` / `|` for elementwise".into());
    }
    if rest.starts_with('!') {
        return Some("use `not x` (or `~x` elementwise) for negation".into());
    }
    let opens = src[..pos.min(src.len())]
        .chars()
        .filter(|c| matches!(c, '(' | '[' | '{'))
        .count();
    let closes = src[..pos.min(src.len())]
        .chars()
        .filter(|c| matches!(c, ')' | ']' | '}'))
        .count();
    if rest.trim().is_empty() && opens > closes {
        return Some("a bracket is still open: close it with `)`, `]` or `}`".into());
    }
    None
}

struct Builder<'a> {
    src: u32,
    text: &'a str,
}

fn syntax(msg: impl Into<String>, span: Span) -> Error {
    Error::new(ErrorKind::Syntax, msg).at(span)
}

impl<'a> Builder<'a> {
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.src, s.start(), s.end())
    }

    fn block(&self, p: Pair<Rule>) -> Result<Vec<Stmt>> {
        p.into_inner().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&self, p: Pair<Rule>) -> Result<Stmt> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut it = p.into_inner().filter(|q| !is_kw(q.as_rule()));
        let kind = match rule {
            Rule::expr_stmt => StmtKind::Expr(self.expr_list(next(&mut it, span)?)?),
            Rule::assign_stmt => {
                let targets_p = next(&mut it, span)?;
                let op_p = next(&mut it, span)?;
                let value = self.expr_list(next(&mut it, span)?)?;
                let op_span = self.span(&op_p);
                let op = match op_p.as_str() {
                    "=" => None,
                    "+=" => Some(BinOp::Add),
                    "-=" => Some(BinOp::Sub),
                    "*=" => Some(BinOp::Mul),
                    "/=" => Some(BinOp::Div),
                    "//=" => Some(BinOp::FloorDiv),
                    "%=" => Some(BinOp::Mod),
                    "**=" | "^=" => Some(BinOp::Pow),
                    "@=" => Some(BinOp::MatMul),
                    other => {
                        return Err(syntax(
                            format!("unknown assignment operator `{other}`"),
                            op_span,
                        ))
                    }
                };
                let targets: Vec<Target> = targets_p
                    .into_inner()
                    .map(|t| self.target(t))
                    .collect::<Result<_>>()?;
                if op.is_some() && targets.len() != 1 {
                    return Err(syntax(
                        "augmented assignment needs exactly one target",
                        op_span,
                    ));
                }
                StmtKind::Assign {
                    targets,
                    op,
                    value,
                    op_span,
                }
            }
            Rule::fn_def => StmtKind::FnDef(Rc::new(self.fn_def(span, &mut it, true)?)),
            Rule::if_stmt => {
                let cond = self.expr(next(&mut it, span)?)?;
                let then = self.block(next(&mut it, span)?)?;
                let els = match it.next() {
                    None => None,
                    Some(e) if e.as_rule() == Rule::if_stmt => Some(vec![self.stmt(e)?]),
                    Some(e) => Some(self.block(e)?),
                };
                StmtKind::If { cond, then, els }
            }
            Rule::while_stmt => {
                let cond = self.expr(next(&mut it, span)?)?;
                let body = self.block(next(&mut it, span)?)?;
                StmtKind::While { cond, body }
            }
            Rule::for_stmt => {
                let vars = next(&mut it, span)?
                    .into_inner()
                    .map(|v| (intern(v.as_str()), self.span(&v)))
                    .collect();
                let iter = self.expr(next(&mut it, span)?)?;
                let body = self.block(next(&mut it, span)?)?;
                StmtKind::For { vars, iter, body }
            }
            Rule::device_stmt => {
                let d = next(&mut it, span)?;
                let name_span = self.span(&d);
                let name = if d.as_rule() == Rule::string {
                    self.string(d)?.to_string()
                } else {
                    d.as_str().to_string()
                };
                let body = self.block(next(&mut it, span)?)?;
                StmtKind::Device {
                    name,
                    name_span,
                    body,
                }
            }
            Rule::import_stmt => {
                let s = next(&mut it, span)?;
                let path_span = self.span(&s);
                StmtKind::Import {
                    path: self.string(s)?.to_string(),
                    path_span,
                }
            }
            Rule::return_stmt => StmtKind::Return(match it.next() {
                Some(e) => Some(self.expr_list(e)?),
                None => None,
            }),
            Rule::break_stmt => StmtKind::Break,
            Rule::continue_stmt => StmtKind::Continue,
            r => {
                return Err(syntax(
                    format!("internal: unexpected statement rule {r:?}"),
                    span,
                ))
            }
        };
        Ok(Stmt { kind, span })
    }

    fn fn_def(
        &self,
        span: Span,
        it: &mut impl Iterator<Item = Pair<'a, Rule>>,
        named: bool,
    ) -> Result<FnDef> {
        let name = if named {
            Some(intern(next(it, span)?.as_str()))
        } else {
            None
        };
        let params_p = next(it, span)?;
        let head = span.to(self.span(&params_p));
        let head = Span {
            end: self.span(&params_p).end,
            ..head
        };
        let mut params: Vec<Param> = Vec::new();
        for pp in params_p.into_inner() {
            let pspan = self.span(&pp);
            let mut pi = pp.into_inner();
            let n = next(&mut pi, pspan)?;
            let nsym = intern(n.as_str());
            if params.iter().any(|q| q.name == nsym) {
                return Err(syntax(
                    format!("parameter `{}` appears twice", n.as_str()),
                    self.span(&n),
                ));
            }
            let default = match pi.next() {
                Some(d) => Some(self.expr(d)?),
                None => None,
            };
            if default.is_none() && params.iter().any(|q| q.default.is_some()) {
                return Err(syntax(
                    format!(
                        "parameter `{}` without a default follows one with a default",
                        n.as_str()
                    ),
                    self.span(&n),
                )
                .with_help("put parameters with defaults last"));
            }
            params.push(Param {
                name: nsym,
                span: self.span(&n),
                default,
            });
        }
        let body_p = next(it, span)?;
        let body = match body_p.as_rule() {
            Rule::block => FnBody::Block(self.block(body_p)?),
            Rule::fn_expr_body => {
                let e = next(&mut body_p.into_inner(), span)?;
                FnBody::Expr(self.expr(e)?)
            }
            _ => FnBody::Expr(self.expr(body_p)?),
        };
        Ok(FnDef {
            name,
            params,
            body,
            span,
            head,
        })
    }

    fn target(&self, p: Pair<Rule>) -> Result<Target> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let n = next(&mut it, span)?;
        let mut path = Vec::new();
        for s in it {
            let sspan = self.span(&s);
            match s.as_rule() {
                Rule::index_suffix => path.push(TargetStep::Index(self.index_items(s)?, sspan)),
                Rule::attr_suffix => {
                    let id = next(&mut s.into_inner(), sspan)?;
                    path.push(TargetStep::Attr(intern(id.as_str()), self.span(&id)))
                }
                r => {
                    return Err(syntax(
                        format!("internal: unexpected target rule {r:?}"),
                        sspan,
                    ))
                }
            }
        }
        Ok(Target {
            name: intern(n.as_str()),
            name_span: self.span(&n),
            path,
            span,
        })
    }

    /// `a, b` at statement level is a tuple; a single expression is itself.
    fn expr_list(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = self.span(&p);
        let trailing_comma = p.as_str().trim_end().ends_with(',');
        let items: Vec<Expr> = p
            .into_inner()
            .map(|e| self.expr(e))
            .collect::<Result<_>>()?;
        if items.len() == 1 && !trailing_comma {
            return Ok(items
                .into_iter()
                .next()
                .unwrap_or_else(|| unreachable!("len checked")));
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span,
            paren: false,
        })
    }

    fn expr(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::expr => {
                let inner = next(&mut p.into_inner(), span)?;
                self.expr(inner)
            }
            Rule::lambda => {
                let mut it = p.into_inner();
                let ps = next(&mut it, span)?;
                let head = self.span(&ps);
                let mut params = Vec::new();
                for id in ps.into_inner() {
                    let s = intern(id.as_str());
                    if params.iter().any(|q: &Param| q.name == s) {
                        return Err(syntax(
                            format!("parameter `{}` appears twice", id.as_str()),
                            self.span(&id),
                        ));
                    }
                    params.push(Param {
                        name: s,
                        span: self.span(&id),
                        default: None,
                    });
                }
                if params.is_empty() {
                    // `x -> ...` has the ident directly as lambda_params' text.
                }
                let body = self.expr(next(&mut it, span)?)?;
                Ok(Expr {
                    kind: ExprKind::Lambda(Rc::new(FnDef {
                        name: None,
                        params,
                        body: FnBody::Expr(body),
                        span,
                        head,
                    })),
                    span,
                    paren: false,
                })
            }
            Rule::op_expr => self.op_expr(p.into_inner()),
            _ => self.postfix_expr(p),
        }
    }

    fn op_expr(&self, pairs: Pairs<Rule>) -> Result<Expr> {
        pratt()
            .map_primary(|p| self.postfix_expr(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                let ospan = self.span(&op);
                let span = ospan.to(rhs.span);
                let u = match op.as_rule() {
                    Rule::op_neg => UnOp::Neg,
                    Rule::op_pos => UnOp::Pos,
                    Rule::op_not => UnOp::Not,
                    _ => UnOp::Invert,
                };
                // Fold negative literals so `-3` is a constant.
                if u == UnOp::Neg && !rhs.paren {
                    match rhs.kind {
                        ExprKind::Int(i) => return Ok(Expr { kind: ExprKind::Int(i.wrapping_neg()), span, paren: false }),
                        ExprKind::Float(f) => return Ok(Expr { kind: ExprKind::Float(-f), span, paren: false }),
                        _ => {}
                    }
                }
                Ok(Expr { kind: ExprKind::Unary(u, Box::new(rhs)), span, paren: false })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let span = lhs.span.to(rhs.span);
                let ospan = self.span(&op);
                let bin = match op.as_rule() {
                    Rule::op_or => return Ok(Expr { kind: ExprKind::Or(Box::new(lhs), Box::new(rhs)), span, paren: false }),
                    Rule::op_and => return Ok(Expr { kind: ExprKind::And(Box::new(lhs), Box::new(rhs)), span, paren: false }),
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_bitor => BinOp::BitOr,
                    Rule::op_bitand => BinOp::BitAnd,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    Rule::op_div => BinOp::Div,
                    Rule::op_floordiv => BinOp::FloorDiv,
                    Rule::op_mod => BinOp::Mod,
                    Rule::op_matmul => BinOp::MatMul,
                    _ => BinOp::Pow,
                };
                if bin.is_comparison() {
                    if let ExprKind::Binary(prev, _, _) = &lhs.kind {
                        if prev.is_comparison() && !lhs.paren {
                            let text = &self.text[span.start as usize..span.end as usize];
                            return Err(Error::new(ErrorKind::Syntax, "comparisons cannot be chained")
                                .at(span)
                                .label(crate::diagnostics::At::Span(ospan), "second comparison here")
                                .with_help(format!(
                                    "`{text}` would compare a boolean result again; write `(a {} b) & (b {} c)` elementwise, or `a {} b and b {} c` for scalars",
                                    prev.symbol(),
                                    bin.symbol(),
                                    prev.symbol(),
                                    bin.symbol()
                                )));
                        }
                    }
                }
                Ok(Expr { kind: ExprKind::Binary(bin, Box::new(lhs), Box::new(rhs)), span, paren: false })
            })
            .parse(pairs)
    }

    fn postfix_expr(&self, p: Pair<Rule>) -> Result<Expr> {
        if p.as_rule() != Rule::postfix_expr {
            return self.primary(p);
        }
        let span = self.span(&p);
        let mut it = p.into_inner();
        let mut e = self.primary(next(&mut it, span)?)?;
        for s in it {
            let sspan = self.span(&s);
            let full = e.span.to(sspan);
            e = match s.as_rule() {
                Rule::call_suffix => {
                    let mut args = Vec::new();
                    let mut seen_kw = false;
                    for a in s.into_inner() {
                        if a.as_rule() == Rule::kwarg {
                            let aspan = self.span(&a);
                            let mut ai = a.into_inner();
                            let n = next(&mut ai, aspan)?;
                            let v = self.expr(next(&mut ai, aspan)?)?;
                            let sym = intern(n.as_str());
                            if args
                                .iter()
                                .any(|x: &Arg| x.name.map(|(s, _)| s) == Some(sym))
                            {
                                return Err(syntax(
                                    format!("keyword argument `{}` given twice", n.as_str()),
                                    self.span(&n),
                                ));
                            }
                            args.push(Arg {
                                name: Some((sym, self.span(&n))),
                                value: v,
                            });
                            seen_kw = true;
                        } else {
                            let v = self.expr(a)?;
                            if seen_kw {
                                return Err(syntax(
                                    "positional argument after a keyword argument",
                                    v.span,
                                )
                                .with_help("put positional arguments first: f(1, 2, axis=0)"));
                            }
                            args.push(Arg {
                                name: None,
                                value: v,
                            });
                        }
                    }
                    Expr {
                        kind: ExprKind::Call(Box::new(e), args),
                        span: full,
                        paren: false,
                    }
                }
                Rule::index_suffix => Expr {
                    kind: ExprKind::Index(Box::new(e), self.index_items(s)?),
                    span: full,
                    paren: false,
                },
                Rule::attr_suffix => {
                    let id = next(&mut s.into_inner(), sspan)?;
                    Expr {
                        kind: ExprKind::Attr(Box::new(e), intern(id.as_str()), self.span(&id)),
                        span: full,
                        paren: false,
                    }
                }
                r => {
                    return Err(syntax(
                        format!("internal: unexpected postfix rule {r:?}"),
                        sspan,
                    ))
                }
            };
        }
        Ok(e)
    }

    fn index_items(&self, p: Pair<Rule>) -> Result<Vec<IndexExpr>> {
        let mut out = Vec::new();
        let mut ellipses = 0;
        for it in p.into_inner() {
            let span = self.span(&it);
            out.push(match it.as_rule() {
                Rule::ellipsis => {
                    ellipses += 1;
                    if ellipses > 1 {
                        return Err(syntax(
                            "an index can only have a single ellipsis (`...`)",
                            span,
                        ));
                    }
                    IndexExpr::Ellipsis(span)
                }
                Rule::slice => {
                    let mut parts = [None, None, None];
                    for (k, sp) in it.into_inner().enumerate().take(3) {
                        if let Some(e) = sp.into_inner().next() {
                            parts[k] = Some(self.expr(e)?);
                        }
                    }
                    let [a, b, c] = parts;
                    IndexExpr::Slice(a, b, c, span)
                }
                _ => IndexExpr::Expr(self.expr(it)?),
            });
        }
        Ok(out)
    }

    fn string(&self, p: Pair<Rule>) -> Result<Rc<str>> {
        let span = self.span(&p);
        let inner = p.into_inner().next().map(|q| q.as_str()).unwrap_or("");
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some('\'') => out.push('\''),
                Some(o) => return Err(syntax(format!("unknown escape `\\{o}` in string"), span)
                    .with_help(
                    "known escapes: \\n \\t \\r \\0 \\\\ \\\" \\'; write `\\\\` for a backslash",
                )),
                None => out.push('\\'),
            }
        }
        Ok(out.into())
    }

    fn primary(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::int => {
                let t: String = p.as_str().chars().filter(|&c| c != '_').collect();
                match t.parse::<i64>() {
                    Ok(v) => ExprKind::Int(v),
                    Err(_) => {
                        return Err(Error::new(ErrorKind::Value, format!("integer literal {} does not fit in int64", p.as_str()))
                            .at(span)
                            .with_help("int64 holds -9223372036854775808 to 9223372036854775807; write a float (e.g. 1e20) for larger values"))
                    }
                }
            }
            Rule::float => {
                let t: String = p.as_str().chars().filter(|&c| c != '_').collect();
                match t.parse::<f64>() {
                    Ok(v) => ExprKind::Float(v),
                    Err(_) => {
                        return Err(syntax(format!("bad float literal {}", p.as_str()), span))
                    }
                }
            }
            Rule::string => ExprKind::Str(self.string(p)?),
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::kw_none => ExprKind::None,
            Rule::ident => ExprKind::Name(intern(p.as_str())),
            Rule::list => ExprKind::List(
                p.into_inner()
                    .map(|e| self.expr(e))
                    .collect::<Result<_>>()?,
            ),
            Rule::dict => {
                let mut items: Vec<(Rc<str>, Expr)> = Vec::new();
                for it in p.into_inner() {
                    let ispan = self.span(&it);
                    let mut ii = it.into_inner();
                    let k = next(&mut ii, ispan)?;
                    let key: Rc<str> = if k.as_rule() == Rule::string {
                        self.string(k)?
                    } else {
                        k.as_str().into()
                    };
                    let v = self.expr(next(&mut ii, ispan)?)?;
                    if let Some(slot) = items.iter_mut().find(|(kk, _)| *kk == key) {
                        slot.1 = v;
                    } else {
                        items.push((key, v));
                    }
                }
                ExprKind::Dict(items)
            }
            Rule::paren => {
                let mut items = Vec::new();
                let mut comma = false;
                for it in p.into_inner() {
                    if it.as_rule() == Rule::tuple_comma {
                        comma = true;
                    } else {
                        items.push(self.expr(it)?);
                    }
                }
                if items.len() == 1 && !comma {
                    let mut e = items.pop().unwrap_or_else(|| unreachable!("len checked"));
                    e.paren = true;
                    e.span = span;
                    return Ok(e);
                }
                ExprKind::Tuple(items)
            }
            Rule::expr | Rule::op_expr | Rule::lambda => return self.expr(p),
            Rule::postfix_expr => return self.postfix_expr(p),
            r => {
                return Err(syntax(
                    format!("internal: unexpected primary rule {r:?}"),
                    span,
                ))
            }
        };
        Ok(Expr {
            kind,
            span,
            paren: false,
        })
    }
}

fn is_kw(r: Rule) -> bool {
    use Rule::*;
    matches!(
        r,
        kw_fn
            | kw_if
            | kw_else
            | kw_while
            | kw_for
            | kw_in
            | kw_import
            | kw_return
            | kw_break
            | kw_continue
            | kw_device
    )
}

fn next<'i>(it: &mut impl Iterator<Item = Pair<'i, Rule>>, span: Span) -> Result<Pair<'i, Rule>> {
    it.next()
        .ok_or_else(|| syntax("internal: incomplete syntax tree", span))
}

/// Is `src` an incomplete entry (open brackets/braces or a trailing operator),
/// as opposed to a plain syntax error? Used by the REPL to continue lines.
pub fn is_incomplete(src: &str) -> bool {
    // Over-long or over-nested input is complete: parsing it reports the
    // limit (and pest never sees the deep nesting).
    if src.len() > MAX_SOURCE || check_nesting(src, 0).is_err() {
        return false;
    }
    match ArrParser::parse(Rule::program, src) {
        Ok(_) => false,
        Err(e) => {
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((a, _)) => a,
            };
            src[pos.min(src.len())..].trim().is_empty()
        }
    }
}
