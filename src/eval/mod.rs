//! The tree-walking evaluator: scopes, statements, expressions, calls,
//! indexing and assignment, the device stack and the import stack.

mod fuse;
mod index;

use crate::array::elementwise::{self, BinaryOp, Operand, UnaryOp};
use crate::array::{fmt_shape, Array, Scalar};
use crate::diagnostics::closest;
use crate::diagnostics::{At, Error, ErrorKind, Result, Span};
use crate::interrupt::check_interrupted;
use crate::ops::props;
use crate::ops::Frame;
use crate::ops::{Args, Interp};
use crate::prim::Prim;
use crate::syntax::ast::*;
use crate::syntax::sym::{self, Sym};
use crate::value::{values_equal, Closure, Func, Value};
use std::path::PathBuf;
use std::rc::Rc;

/// Deepest chain of user-function calls before a recursion error.
// Where these lived before core v2 (embedders and tests use the paths).
pub use crate::ops::Device;
pub use crate::value::{as_scalar, display, repr, shape_tuple, value_to_array};

/// Deepest chain of user-function calls before a recursion error.
pub const MAX_CALL_DEPTH: usize = 1000;

pub(crate) enum Flow {
    Err(Box<Error>),
    Break(Span),
    Continue(Span),
    Return(Value),
}

impl From<Error> for Flow {
    fn from(e: Error) -> Flow {
        Flow::Err(Box::new(e))
    }
}

type Exec = std::result::Result<(), Flow>;

impl Interp {
    // ------------------------------------------------------------ running

    /// Parse and run `code`; returns the value of a final expression
    /// statement (what `-e` and the REPL print), if any.
    pub fn run_source(&mut self, name: &str, code: &str) -> Result<Option<Value>> {
        let id = self.sources.add(name, code);
        let prog = crate::syntax::parser::parse_program(code, id)?;
        self.run_program(&prog)
    }

    pub fn run_program(&mut self, prog: &[Stmt]) -> Result<Option<Value>> {
        let mut last = None;
        for (i, s) in prog.iter().enumerate() {
            if i + 1 == prog.len() {
                if let StmtKind::Expr(e) = &s.kind {
                    let v = self.eval(e);
                    // The REPL draws the figure after a statement changed it.
                    self.draw_if_changed();
                    last = Some(v?);
                    break;
                }
            }
            let r = self.exec(s);
            self.draw_if_changed();
            match r {
                Ok(()) => {}
                Err(Flow::Err(e)) => return Err(*e),
                Err(Flow::Break(sp)) | Err(Flow::Continue(sp)) => {
                    return Err(Error::new(
                        ErrorKind::Syntax,
                        "`break`/`continue` outside of a loop",
                    )
                    .at(sp))
                }
                Err(Flow::Return(_)) => {
                    return Err(
                        Error::new(ErrorKind::Syntax, "`return` outside of a function")
                            .at(s.span)
                            .with_help("`return` can only be used inside `fn`"),
                    )
                }
            }
        }
        Ok(last)
    }

    /// The path a script names, for reading or writing a file: relative
    /// paths start at the script's folder; under `--sandbox` anything that
    /// leads outside the sandbox folder is refused. Every builtin that
    /// touches a file (`load`, `save`, `savetxt`, `savefig`, `import`) goes
    /// through here.
    pub fn resolve_path(&self, given: &str) -> Result<PathBuf> {
        let path = std::path::Path::new(given);
        let full = match &self.base_dir {
            Some(base) if path.is_relative() => base.join(path),
            _ => path.to_path_buf(),
        };
        let Some(root) = &self.sandbox else {
            return Ok(full);
        };
        // Resolve symlinks and `..`: the file itself may not exist yet (a
        // save), so canonicalise the nearest existing ancestor.
        let mut existing = full.as_path();
        let mut rest = Vec::new();
        let canon = loop {
            match std::fs::canonicalize(existing) {
                Ok(c) => break Some(c),
                Err(_) => match (existing.parent(), existing.file_name()) {
                    (Some(p), Some(n)) => {
                        rest.push(n.to_os_string());
                        existing = p;
                    }
                    _ => break None,
                },
            }
        };
        let inside = canon.map(|mut c| {
            for n in rest.iter().rev() {
                c.push(n);
            }
            let dotdot = rest.iter().any(|n| n == "..");
            !dotdot && c.starts_with(root)
        });
        if inside == Some(true) {
            Ok(full)
        } else {
            Err(Error::new(
                ErrorKind::Io,
                format!(
                    "the sandbox refuses access to \"{given}\": it is outside {}",
                    root.display()
                ),
            )
            .with_help("under --sandbox a script may only use files in its own folder"))
        }
    }

    pub fn run_file(&mut self, path: &std::path::Path) -> Result<()> {
        let code = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot read {}: {}", path.display(), e),
            )
        })?;
        self.base_dir = path.parent().map(|p| p.to_path_buf());
        self.run_source(&path.display().to_string(), &code)?;
        Ok(())
    }

    pub fn render(&self, e: &Error, color: bool) -> String {
        crate::diagnostics::render(e, &self.sources, color)
    }

    // ---------------------------------------------------------- variables

    pub(crate) fn set_global(&mut self, s: Sym, v: Value) {
        let i = s.0 as usize;
        if i >= self.globals.len() {
            self.globals.resize(i + 1, None);
        }
        self.globals[i] = Some(v);
    }

    pub fn global(&self, s: Sym) -> Option<&Value> {
        self.globals.get(s.0 as usize).and_then(|v| v.as_ref())
    }

    /// Every defined global name (for `:vars` and completion).
    pub fn global_names(&self) -> Vec<(Sym, &Value)> {
        self.globals
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (Sym(i as u32), v)))
            .collect()
    }

    pub fn remove_global(&mut self, s: Sym) {
        if let Some(v) = self.globals.get_mut(s.0 as usize) {
            *v = None;
        }
    }

    pub fn lookup(&self, s: Sym) -> Option<&Value> {
        if let Some(f) = self.frames.last() {
            if let Some((_, v)) = f.vars.iter().rev().find(|(k, _)| *k == s) {
                return Some(v);
            }
            if let Some((_, v)) = f.closure.captured.iter().rev().find(|(k, _)| *k == s) {
                return Some(v);
            }
            if f.closure.def.name == Some(s) {
                return Some(&f.self_value);
            }
        }
        self.global(s)
    }

    /// The slot a plain assignment writes: a local inside functions.
    fn slot_mut(&mut self, s: Sym) -> Option<&mut Value> {
        if let Some(f) = self.frames.last_mut() {
            return f
                .vars
                .iter_mut()
                .rev()
                .find(|(k, _)| *k == s)
                .map(|(_, v)| v);
        }
        self.globals.get_mut(s.0 as usize).and_then(|v| v.as_mut())
    }

    pub fn assign(&mut self, s: Sym, v: Value) {
        if let Some(f) = self.frames.last_mut() {
            if let Some(slot) = f.vars.iter_mut().rev().find(|(k, _)| *k == s) {
                slot.1 = v;
            } else {
                f.vars.push((s, v));
            }
            return;
        }
        self.set_global(s, v);
    }

    fn name_error(&self, s: Sym, span: Span) -> Error {
        let name = sym::name(s);
        let mut e = Error::new(ErrorKind::Name, format!("`{name}` is not defined")).at(span);
        let mut cands: Vec<&str> = Vec::new();
        if let Some(f) = self.frames.last() {
            cands.extend(f.vars.iter().map(|(k, _)| sym::name(*k)));
            cands.extend(f.closure.captured.iter().map(|(k, _)| sym::name(*k)));
        }
        cands.extend(self.global_names().into_iter().map(|(k, _)| sym::name(k)));
        if let Some(best) = closest(name, cands.iter().copied()) {
            e = e.with_help(format!("did you mean `{best}`?"));
        } else if matches!(name, "True" | "False" | "None") {
            e = e.with_help(format!("arr writes `{}`", name.to_lowercase()));
        } else if &*name == "np" || &*name == "numpy" {
            e = e.with_help("arr's functions are global: write `zeros(3)`, not `np.zeros(3)`");
        }
        e
    }

    fn check_interrupt(&self, span: Span) -> Result<()> {
        if let Some(limit) = self.step_limit {
            let n = self.steps.get() + 1;
            self.steps.set(n);
            if n > limit {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!("more than {limit} loop iterations and calls (the step limit)"),
                )
                .at(span)
                .with_help("this run has a step limit; make the loop or recursion shorter"));
            }
        }
        check_interrupted().map_err(|e| e.at(span))
    }

    // --------------------------------------------------------- statements

    fn exec_block(&mut self, b: &[Stmt]) -> Exec {
        for s in b {
            self.exec(s)?;
        }
        Ok(())
    }

    fn exec(&mut self, s: &Stmt) -> Exec {
        match self.exec_inner(s) {
            Err(Flow::Err(mut e)) if e.span.is_none() => {
                e.span = Some(s.span);
                Err(Flow::Err(e))
            }
            r => r,
        }
    }

    fn exec_inner(&mut self, s: &Stmt) -> Exec {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.eval(e)?;
            }
            StmtKind::Assign {
                targets,
                op,
                value,
                op_span,
            } => self.exec_assign(targets, *op, value, *op_span)?,
            StmtKind::FnDef(def) => {
                let c = self.make_closure(def)?;
                if let Some(n) = def.name {
                    self.assign(n, Value::Func(Func::User(c)));
                }
            }
            StmtKind::If { cond, then, els } => {
                let c = self.eval(cond)?;
                if self.truth(&c, cond.span)? {
                    self.exec_block(then)?;
                } else if let Some(e) = els {
                    self.exec_block(e)?;
                }
            }
            StmtKind::While { cond, body } => loop {
                self.check_interrupt(s.span)?;
                let c = self.eval(cond)?;
                if !self.truth(&c, cond.span)? {
                    break;
                }
                match self.exec_block(body) {
                    Ok(()) | Err(Flow::Continue(_)) => {}
                    Err(Flow::Break(_)) => break,
                    Err(f) => return Err(f),
                }
            },
            StmtKind::For { vars, iter, body } => self.exec_for(vars, iter, body, s.span)?,
            StmtKind::Device {
                name,
                name_span,
                body,
            } => {
                self.enter_device(name, *name_span)?;
                let r = self.exec_block(body);
                self.leave_device();
                r?;
            }
            StmtKind::Import { path, path_span } => self.exec_import(path, *path_span)?,
            StmtKind::Return(e) => {
                if self.frames.is_empty() {
                    return Err(
                        Error::new(ErrorKind::Syntax, "`return` outside of a function")
                            .at(s.span)
                            .with_help("`return` can only be used inside `fn`")
                            .into(),
                    );
                }
                let v = match e {
                    Some(e) => self.eval(e)?,
                    None => Value::None,
                };
                return Err(Flow::Return(v));
            }
            StmtKind::Break => return Err(Flow::Break(s.span)),
            StmtKind::Continue => return Err(Flow::Continue(s.span)),
        }
        Ok(())
    }

    fn exec_for(&mut self, vars: &[(Sym, Span)], iter: &Expr, body: &[Stmt], span: Span) -> Exec {
        let it = self.eval(iter)?;
        let it = match it {
            other => other.to_host()?,
        };
        let run = |me: &mut Interp, item: Value| -> std::result::Result<bool, Flow> {
            me.check_interrupt(span)?;
            me.bind_targets(vars, item, iter.span)?;
            match me.exec_block(body) {
                Ok(()) | Err(Flow::Continue(_)) => Ok(true),
                Err(Flow::Break(_)) => Ok(false),
                Err(f) => Err(f),
            }
        };
        match it {
            Value::Tuple(t) => {
                for v in t.iter() {
                    if !run(self, v.clone())? {
                        break;
                    }
                }
            }
            Value::Dict(d) => {
                for (k, _) in d.iter() {
                    if !run(self, Value::Str(k.clone()))? {
                        break;
                    }
                }
            }
            ref traced if traced.is_traced() => {
                let n = match it.plain() {
                    Value::Array(a) if a.ndim() >= 1 => a.shape()[0],
                    other => {
                        return Err(
                            Error::type_(format!("cannot loop over {}", other.describe()))
                                .at(iter.span)
                                .into(),
                        )
                    }
                };
                for i in 0..n {
                    let item = self.op_index(
                        &it,
                        &Rc::new(vec![crate::array::index::IndexItem::Int(i as i64)]),
                    )?;
                    if !run(self, item)? {
                        break;
                    }
                }
            }
            Value::Array(a) if a.ndim() == 1 => {
                // 1-d: walk the elements as immediate scalars.
                for i in 0..a.len() {
                    let s = match &a {
                        Array::Bool(x) => Scalar::Bool(x[[i]]),
                        Array::I64(x) => Scalar::I64(x[[i]]),
                        Array::F32(x) => Scalar::F32(x[[i]]),
                        Array::F64(x) => Scalar::F64(x[[i]]),
                    };
                    if !run(self, Value::Num(s, false))? {
                        break;
                    }
                }
            }
            Value::Array(a) => {
                let n = a.shape().first().copied().unwrap_or(0);
                for i in 0..n {
                    let item = crate::map_array!(&a, x => x.index_axis(ndarray::Axis(0), i).to_owned().into_shared());
                    if !run(self, Value::from_array(item))? {
                        break;
                    }
                }
            }
            other => return Err(
                Error::type_(format!("cannot loop over {}", other.describe()))
                    .at(iter.span)
                    .with_help(
                        "loop over range(n), an array (walks its first axis), a tuple or a dict",
                    )
                    .into(),
            ),
        }
        Ok(())
    }

    fn bind_targets(&mut self, vars: &[(Sym, Span)], item: Value, span: Span) -> Result<()> {
        if vars.len() == 1 {
            self.assign(vars[0].0, item);
            return Ok(());
        }
        let items = self.unpack(item, vars.len(), span)?;
        for ((s, _), v) in vars.iter().zip(items) {
            self.assign(*s, v);
        }
        Ok(())
    }

    /// Split a tuple (or an array along its first axis) into `n` values.
    fn unpack(&mut self, v: Value, n: usize, span: Span) -> Result<Vec<Value>> {
        let v = match v {
            other => other.to_host()?,
        };
        let items: Vec<Value> = match v {
            Value::Tuple(t) => t.iter().cloned().collect(),
            ref traced if traced.is_traced() => {
                let len = match v.plain() {
                    Value::Array(a) if a.ndim() >= 1 => a.shape()[0],
                    other => {
                        return Err(Error::type_(format!(
                            "cannot unpack {} into {} names",
                            other.describe(),
                            n
                        ))
                        .at(span))
                    }
                };
                let mut out = Vec::with_capacity(len);
                for i in 0..len {
                    out.push(self.op_index(
                        &v,
                        &Rc::new(vec![crate::array::index::IndexItem::Int(i as i64)]),
                    )?);
                }
                out
            }
            Value::Array(a) if a.ndim() >= 1 => {
                let len = a.shape()[0];
                let mut out = Vec::with_capacity(len);
                for i in 0..len {
                    out.push(Value::from_array(crate::array::index::get(
                        &a,
                        &[crate::array::index::IndexItem::Int(i as i64)],
                    )?));
                }
                out
            }
            other => {
                return Err(Error::type_(format!(
                    "cannot unpack {} into {} names",
                    other.describe(),
                    n
                ))
                .at(span))
            }
        };
        if items.len() != n {
            return Err(Error::value(format!(
                "expected {} values to unpack, got {}",
                n,
                items.len()
            ))
            .at(span));
        }
        Ok(items)
    }

    fn exec_assign(
        &mut self,
        targets: &[Target],
        op: Option<BinOp>,
        value: &Expr,
        op_span: Span,
    ) -> Result<()> {
        let v = self.eval(value)?;
        if targets.len() > 1 {
            let vals = self.unpack(v, targets.len(), value.span)?;
            for (t, v) in targets.iter().zip(vals) {
                self.assign_target(t, v, value.span)?;
            }
            return Ok(());
        }
        let t = &targets[0];
        match op {
            None => self.assign_target(t, v, value.span),
            Some(op) => {
                if t.path.is_empty() {
                    // `x op= v`: take the value out so an unshared buffer can be
                    // updated in place.
                    let cur = match self.slot_mut(t.name) {
                        Some(slot) => std::mem::replace(slot, Value::None),
                        None => match self.lookup(t.name) {
                            Some(v) => v.clone(),
                            None => return Err(self.name_error(t.name, t.name_span)),
                        },
                    };
                    let span = t.span.to(value.span);
                    match self.binary_inplace(op, cur, &v, span, t.span, value.span) {
                        Ok(nv) => {
                            self.assign(t.name, nv);
                            Ok(())
                        }
                        Err((e, cur)) => {
                            self.assign(t.name, cur);
                            Err(e.at(op_span))
                        }
                    }
                } else {
                    let cur = self.eval_target(t)?;
                    let nv =
                        self.binary(op, &cur, &v, t.span.to(value.span), t.span, value.span)?;
                    self.assign_target(t, nv, value.span)
                }
            }
        }
    }

    /// The current value of an assignment target (for `a[i] += v`).
    fn eval_target(&mut self, t: &Target) -> Result<Value> {
        let mut v = match self.lookup(t.name) {
            Some(v) => v.clone(),
            None => return Err(self.name_error(t.name, t.name_span)),
        };
        let mut span = t.name_span;
        for step in &t.path {
            match step {
                TargetStep::Index(ix, s) => {
                    v = self.index_value(&v, ix, span, *s)?;
                    span = span.to(*s);
                }
                TargetStep::Attr(a, s) => {
                    v = self.attr(&v, *a, span, *s)?;
                    span = span.to(*s);
                }
            }
        }
        Ok(v)
    }

    fn assign_target(&mut self, t: &Target, v: Value, vspan: Span) -> Result<()> {
        if t.path.is_empty() {
            self.assign(t.name, v);
            return Ok(());
        }
        // Evaluate the index expressions first (they may read the target).
        let mut steps = Vec::with_capacity(t.path.len());
        for st in &t.path {
            steps.push(match st {
                TargetStep::Index(ix, s) => index::PathStep::Index(self.eval_index_items(ix)?, *s),
                TargetStep::Attr(a, s) => index::PathStep::Key(sym::name(*a).into(), *s),
            });
        }
        let mut root = match self.slot_mut(t.name) {
            Some(slot) => std::mem::replace(slot, Value::None),
            None => match self.lookup(t.name) {
                Some(v) => v.clone(),
                None => return Err(self.name_error(t.name, t.name_span)),
            },
        };
        let r = index::set_path(self, &mut root, &steps, v, t.name_span, vspan);
        self.assign(t.name, root);
        r
    }

    fn exec_import(&mut self, path: &str, span: Span) -> Result<()> {
        let base = self.base_dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let full = base.join(path);
        if self.sandbox.is_some() {
            self.resolve_path(&full.display().to_string())
                .map_err(|e| e.at(span))?;
        }
        let canon = std::fs::canonicalize(&full).map_err(|e| {
            Error::new(ErrorKind::Io, format!("cannot import \"{}\": {}", path, e))
                .at(span)
                .with_help(format!(
                    "paths are relative to the importing script's folder ({})",
                    base.display()
                ))
        })?;
        if self.import_stack.contains(&canon) {
            return Err(Error::value(format!("circular import of \"{path}\"")).at(span));
        }
        let code = std::fs::read_to_string(&canon).map_err(|e| {
            Error::new(ErrorKind::Io, format!("cannot read \"{}\": {}", path, e)).at(span)
        })?;
        let id = self.sources.add(&full.display().to_string(), &code);
        let prog = crate::syntax::parser::parse_program(&code, id)?;
        self.import_stack.push(canon.clone());
        let saved_base =
            std::mem::replace(&mut self.base_dir, canon.parent().map(|p| p.to_path_buf()));
        let mut r = Ok(());
        for s in &prog {
            match self.exec(s) {
                Ok(()) => {}
                Err(Flow::Err(e)) => {
                    r = Err(*e);
                    break;
                }
                Err(_) => {
                    r = Err(Error::new(
                        ErrorKind::Syntax,
                        "`break`, `continue` or `return` at the top level of an imported file",
                    )
                    .at(s.span));
                    break;
                }
            }
        }
        self.base_dir = saved_base;
        self.import_stack.pop();
        r.map_err(|e| e.with_note(format!("while importing \"{path}\"")))
    }

    fn make_closure(&mut self, def: &Rc<FnDef>) -> Result<Rc<Closure>> {
        let mut defaults = Vec::with_capacity(def.params.len());
        for p in &def.params {
            defaults.push(match &p.default {
                Some(e) => Some(self.eval(e)?),
                None => None,
            });
        }
        let captured = match self.frames.last() {
            None => Rc::new(Vec::new()),
            Some(f) => {
                let mut c: Vec<(Sym, Value)> = f.closure.captured.iter().cloned().collect();
                c.extend(f.vars.iter().cloned());
                Rc::new(c)
            }
        };
        Ok(Rc::new(Closure {
            def: def.clone(),
            captured,
            defaults,
        }))
    }

    // -------------------------------------------------------- expressions

    pub fn eval(&mut self, e: &Expr) -> Result<Value> {
        match &e.kind {
            ExprKind::Int(i) => Ok(Value::Num(Scalar::I64(*i), true)),
            ExprKind::Float(f) => Ok(Value::Num(Scalar::F64(*f), true)),
            ExprKind::Bool(b) => Ok(Value::Num(Scalar::Bool(*b), true)),
            ExprKind::Str(s) => Ok(Value::Str(s.clone())),
            ExprKind::None => Ok(Value::None),
            ExprKind::Name(s) => match self.lookup(*s) {
                Some(v) => Ok(v.clone()),
                None => Err(self.name_error(*s, e.span)),
            },
            ExprKind::List(items) => self.eval_list(items, e.span),
            ExprKind::Tuple(items) => {
                let mut v = Vec::with_capacity(items.len());
                for it in items {
                    v.push(self.eval(it)?);
                }
                Ok(Value::tuple(v))
            }
            ExprKind::Dict(items) => {
                let mut v = Vec::with_capacity(items.len());
                for (k, x) in items {
                    v.push((k.clone(), self.eval(x)?));
                }
                Ok(Value::Dict(Rc::new(v)))
            }
            ExprKind::Unary(op, x) => {
                let v = self.eval(x)?;
                self.unary(*op, &v, e.span, x.span)
            }
            ExprKind::Binary(op, a, b) => {
                if fuse::candidate(*op, a, b) {
                    if let Some(v) = self.try_fused(e) {
                        return Ok(v);
                    }
                }
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                self.binary(*op, &x, &y, e.span, a.span, b.span)
            }
            ExprKind::And(a, b) => {
                let x = self.eval(a)?;
                if !self.truth(&x, a.span)? {
                    return Ok(x);
                }
                self.eval(b)
            }
            ExprKind::Or(a, b) => {
                let x = self.eval(a)?;
                if self.truth(&x, a.span)? {
                    return Ok(x);
                }
                self.eval(b)
            }
            ExprKind::Call(f, args) => self.eval_call(f, args, e.span),
            ExprKind::Index(x, ix) => {
                let v = self.eval(x)?;
                let span = ix.first().map(|i| i.span()).unwrap_or(e.span).to(e.span);
                self.index_value(&v, ix, x.span, span)
            }
            ExprKind::Attr(x, a, aspan) => {
                let v = self.eval(x)?;
                self.attr(&v, *a, x.span, *aspan)
            }
            ExprKind::Lambda(def) => Ok(Value::Func(Func::User(self.make_closure(def)?))),
        }
    }

    fn eval_list(&mut self, items: &[Expr], span: Span) -> Result<Value> {
        let mut vals = Vec::with_capacity(items.len());
        for it in items {
            vals.push((self.eval(it)?, it.span));
        }
        self.array_literal(&vals, span)
    }

    pub fn unary(&mut self, op: UnOp, v: &Value, span: Span, xspan: Span) -> Result<Value> {
        if op == UnOp::Not {
            return Ok(Value::bool(!self.truth(v, xspan)?));
        }
        let uop = match op {
            UnOp::Neg => UnaryOp::Neg,
            UnOp::Pos => UnaryOp::Pos,
            _ => UnaryOp::Invert,
        };
        if v.is_numeric() {
            return self.op_unary(uop, v).map_err(|e| e.resolve(span, &[xspan]));
        }
        let Some(o) = self.operand(v) else {
            return Err(Error::type_(format!(
                "`{}` cannot be applied to {}",
                uop.name(),
                v.describe()
            ))
            .at(span)
            .label(At::Span(xspan), v.describe()));
        };
        elementwise::unary(uop, &o)
            .map(Value::from_operand)
            .map_err(|e| e.resolve(span, &[xspan]))
    }

    /// Numbers (and ranges) as elementwise operands.
    pub fn operand(&self, v: &Value) -> Option<Operand> {
        v.as_operand()
    }

    pub fn binary(
        &mut self,
        op: BinOp,
        x: &Value,
        y: &Value,
        span: Span,
        xs: Span,
        ys: Span,
    ) -> Result<Value> {
        let Some(bop) = binary_op(op) else {
            return self.matmul(x, y, span, xs, ys);
        };
        if let (Value::Num(a, wa), Value::Num(b, wb)) = (x, y) {
            if let Some((r, w)) = elementwise::scalar_fast(bop, *a, *wa, *b, *wb) {
                return Ok(Value::Num(r, w));
            }
        }
        if x.is_numeric() && y.is_numeric() {
            return self
                .op_binary(bop, x, y)
                .map_err(|e| e.resolve(span, &[xs, ys]));
        }
        if x.is_traced() || y.is_traced() {
            let (x, y) = (x.plain(), y.plain());
            return self.binary(op, &x, &y, span, xs, ys);
        }
        match (x, y) {
            (Value::Num(..) | Value::Array(_), Value::Num(..) | Value::Array(_)) => {
                let (Some(a), Some(b)) = (x.as_operand(), y.as_operand()) else {
                    unreachable!("numbers are operands")
                };
                elementwise::binary(bop, &a, &b)
                    .map(Value::from_operand)
                    .map_err(|e| e.resolve(span, &[xs, ys]))
            }
            (Value::Str(a), Value::Str(b)) => match bop {
                BinaryOp::Add => {
                    check_string_size(a.len().saturating_add(b.len())).map_err(|e| e.at(span))?;
                    Ok(Value::Str(format!("{a}{b}").into()))
                }
                BinaryOp::Eq => Ok(Value::bool(a == b)),
                BinaryOp::Ne => Ok(Value::bool(a != b)),
                _ => Err(self.bad_operands(op, x, y, span, xs, ys)),
            },
            (Value::Str(s), Value::Num(Scalar::I64(n), _)) if bop == BinaryOp::Mul => {
                let n = usize::try_from(*n).unwrap_or(0);
                check_string_size(s.len().saturating_mul(n)).map_err(|e| e.at(span))?;
                Ok(Value::Str(s.repeat(n).into()))
            }
            (Value::Tuple(a), Value::Tuple(b)) => match bop {
                BinaryOp::Add => {
                    let n = a.len().saturating_add(b.len());
                    check_string_size(n.saturating_mul(std::mem::size_of::<Value>()))
                        .map_err(|e| e.at(span))?;
                    Ok(Value::tuple(a.iter().chain(b.iter()).cloned().collect()))
                }
                BinaryOp::Eq | BinaryOp::Ne => {
                    let eq = values_equal(x, y);
                    Ok(Value::bool(if bop == BinaryOp::Eq { eq } else { !eq }))
                }
                _ => Err(self.bad_operands(op, x, y, span, xs, ys)),
            },
            _ if matches!(bop, BinaryOp::Eq | BinaryOp::Ne)
                && (!x.is_numeric() || !y.is_numeric()) =>
            {
                let eq = values_equal(x, y);
                Ok(Value::bool(if bop == BinaryOp::Eq { eq } else { !eq }))
            }
            _ => Err(self.bad_operands(op, x, y, span, xs, ys)),
        }
    }

    /// `x op= y`: writes into x's buffer when it is unshared and the result
    /// keeps x's shape and dtype (no new allocation); otherwise as `x = x op y`.
    fn binary_inplace(
        &mut self,
        op: BinOp,
        x: Value,
        y: &Value,
        span: Span,
        xs: Span,
        ys: Span,
    ) -> std::result::Result<Value, (Error, Value)> {
        let mut x = x;
        if let Value::Array(mut a) = x {
            if let (Some(b), false, Some(bop)) = (y.as_operand(), y.is_traced(), arith_op(op)) {
                // `a` is the only reference to its buffer here, so the kernel
                // writes in place; errors happen before any write.
                match crate::array::inplace::apply(bop, &mut a, &b) {
                    Ok(true) => return Ok(Value::Array(a)),
                    Ok(false) => {}
                    Err(e) => return Err((e.resolve(span, &[xs, ys]), Value::Array(a))),
                }
            }
            x = Value::Array(a);
        }
        match self.binary(op, &x, y, span, xs, ys) {
            Ok(v) => Ok(v),
            Err(e) => Err((e, x)),
        }
    }

    fn bad_operands(
        &self,
        op: BinOp,
        x: &Value,
        y: &Value,
        span: Span,
        xs: Span,
        ys: Span,
    ) -> Error {
        let mut e = Error::type_(format!(
            "`{}` is not defined for {} and {}",
            op.symbol(),
            x.type_name(),
            y.type_name()
        ))
        .at(span)
        .label(At::Span(xs), x.describe())
        .label(At::Span(ys), y.describe());
        if matches!((x, y), (Value::Str(_), _) | (_, Value::Str(_))) && op == BinOp::Add {
            e = e.with_help(
                "convert numbers with str(x)... or use print(a, b) to print several values",
            );
        }
        e
    }

    fn matmul(&mut self, x: &Value, y: &Value, span: Span, xs: Span, ys: Span) -> Result<Value> {
        self.op_matmul(x, y).map_err(|e| e.resolve(span, &[xs, ys]))
    }

    /// Convert a value to an array or explain why not.
    pub fn to_array_arg(&self, v: &Value, span: Span, what: &str) -> Result<Array> {
        value_to_array(v).ok_or_else(|| {
            Error::type_(format!("{what} needs an array, got {}", v.describe()))
                .at(span)
                .label(At::Span(span), v.describe())
        })
    }

    /// The truth of a condition: one boolean value, or an error.
    pub fn truth(&self, v: &Value, span: Span) -> Result<bool> {
        match v {
            Value::Num(s, _) => Ok(s.as_bool()),
            Value::Array(a) => match a.to_scalar() {
                Some(s) if a.len() == 1 => Ok(s.as_bool()),
                _ => Err(Error::value(if a.is_empty() {
                    "the truth value of an empty array is ambiguous".to_string()
                } else {
                    format!("the truth value of an array with {} elements is ambiguous", a.len())
                })
                .at(span)
                .label(At::Span(span), format!("{} array of shape {}", a.dtype(), fmt_shape(a.shape())))
                .with_help("use any(x) if one true element is enough, or all(x) if every element must be true")),
            },
            Value::None => Ok(false),
            Value::Str(s) => Ok(!s.is_empty()),
            Value::Tuple(t) => Ok(!t.is_empty()),
            Value::Dict(d) => Ok(!d.is_empty()),
            Value::Func(_) | Value::DType(_) => Ok(true),
            // Traced values and device arrays: the plain value on the host.
            other => self.truth(&other.plain().to_host()?, span),
        }
    }

    // -------------------------------------------------------------- calls

    fn eval_call(&mut self, f: &Expr, args: &[Arg], span: Span) -> Result<Value> {
        // Method sugar: `a.sum(axis=0)` is `sum(a, axis=0)`.
        let (callee, self_arg) = match &f.kind {
            ExprKind::Attr(obj, name, nspan) => {
                let o = self.eval(obj)?;
                match &o {
                    Value::Dict(d) if d.iter().any(|(k, _)| **k == *sym::name(*name)) => {
                        (self.attr(&o, *name, obj.span, *nspan)?, None)
                    }
                    _ => {
                        let m = self.method(&o, *name, obj.span, *nspan)?;
                        (m, Some((o, obj.span)))
                    }
                }
            }
            _ => (self.eval(f)?, None),
        };
        // `exp(x)` and the other one-argument maths functions on a CPU array
        // or number: straight to the kernel, with no argument binding.
        if let (Value::Func(Func::Builtin(b)), None, [a]) = (&callee, &self_arg, args) {
            if a.name.is_none() {
                if props::elementwise(*b).is_some() {
                    let v = self.eval(&a.value)?;
                    if let Some(r) = self.unary_fast(*b, &v) {
                        return r.map_err(|e| e.resolve(span, &[a.value.span]));
                    }
                    return self.call_value(
                        &callee,
                        vec![v],
                        vec![a.value.span],
                        Vec::new(),
                        span,
                        f.span,
                    );
                }
            }
        }
        let mut pos = Vec::with_capacity(args.len() + 1);
        let mut pos_spans = Vec::with_capacity(args.len() + 1);
        if let Some((o, s)) = self_arg {
            pos.push(o);
            pos_spans.push(s);
        }
        let mut kw = Vec::new();
        for a in args {
            let v = self.eval(&a.value)?;
            match a.name {
                None => {
                    pos.push(v);
                    pos_spans.push(a.value.span);
                }
                Some((n, nspan)) => kw.push((n, v, nspan.to(a.value.span))),
            }
        }
        self.call_value(&callee, pos, pos_spans, kw, span, f.span)
    }

    fn method(&mut self, o: &Value, name: Sym, ospan: Span, nspan: Span) -> Result<Value> {
        let n = sym::name(name);
        if let Some(p) = Prim::from_name(&n) {
            if p.is_method() {
                return Ok(Value::Func(Func::Builtin(p)));
            }
        }
        // A user function of that name works as a method too (UFCS).
        if let Some(v @ Value::Func(Func::User(_))) = self.global(name) {
            return Ok(v.clone());
        }
        Err(Error::type_(format!("{} has no method `{}`", o.describe(), n))
            .at(nspan)
            .label(At::Span(ospan), o.describe())
            .with_help(match closest(&n, Prim::ALL.iter().filter(|p| p.is_method()).map(|p| p.name())) {
                Some(c) => format!("did you mean `.{c}()`?"),
                None => "methods are builtins called with the value first: a.sum(axis=0) is sum(a, axis=0)".into(),
            }))
    }

    /// Call any function value with evaluated arguments.
    pub fn call_value(
        &mut self,
        f: &Value,
        pos: Vec<Value>,
        pos_spans: Vec<Span>,
        kw: Vec<(Sym, Value, Span)>,
        span: Span,
        fspan: Span,
    ) -> Result<Value> {
        match f {
            Value::Func(Func::Builtin(b)) => {
                let args = Args::bind(*b, pos, pos_spans, kw, span)?;
                let spans = args.spans.clone();
                self.apply(*b, args).map_err(|e| e.resolve(span, &spans))
            }
            Value::Func(Func::User(c)) => self.call_user(c, pos, pos_spans, kw, span),
            Value::Func(Func::Grad(g)) => self.call_grad(g, pos, pos_spans, kw, span),
            // Calling a dtype converts: float32(x) is astype(x, float32).
            Value::DType(d) if pos.len() == 1 && kw.is_empty() => {
                self.convert_to(*d, &pos[0], span)
            }
            other => Err(
                Error::type_(format!("{} is not a function", other.describe()))
                    .at(span)
                    .label(At::Span(fspan), other.describe())
                    .with_help(if matches!(other, Value::Array(_)) {
                        "index arrays with square brackets: a[0]"
                    } else {
                        "only functions can be called"
                    }),
            ),
        }
    }

    fn call_user(
        &mut self,
        c: &Rc<Closure>,
        pos: Vec<Value>,
        pos_spans: Vec<Span>,
        kw: Vec<(Sym, Value, Span)>,
        span: Span,
    ) -> Result<Value> {
        let def = &c.def;
        let fname = def
            .name
            .map(|n| sym::name(n).to_string())
            .unwrap_or_else(|| "lambda".into());
        if self.frames.len() >= MAX_CALL_DEPTH {
            return Err(Error::new(
                ErrorKind::Recursion,
                format!("more than {MAX_CALL_DEPTH} nested calls (in `{fname}`)"),
            )
            .at(span)
            .label(At::Span(def.head), "this function keeps calling itself")
            .with_help("check the recursion has a base case that is reached; or use a loop"));
        }
        self.check_interrupt(span)?;
        let np = def.params.len();
        if pos.len() > np {
            return Err(Error::new(
                ErrorKind::Arity,
                format!(
                    "`{fname}` takes {np} argument{} but {} were given",
                    if np == 1 { "" } else { "s" },
                    pos.len()
                ),
            )
            .at(pos_spans
                .get(np)
                .copied()
                .unwrap_or(span)
                .to(pos_spans.last().copied().unwrap_or(span)))
            .label(At::Span(def.head), "defined here"));
        }
        let mut slots: Vec<Option<Value>> = pos.into_iter().map(Some).collect();
        slots.resize(np, None);
        for (k, v, kspan) in kw {
            match def.params.iter().position(|p| p.name == k) {
                Some(i) if slots[i].is_none() => slots[i] = Some(v),
                Some(_) => {
                    return Err(Error::new(
                        ErrorKind::Arity,
                        format!("`{fname}` got two values for `{}`", sym::name(k)),
                    )
                    .at(kspan))
                }
                None => {
                    let names: Vec<&str> = def.params.iter().map(|p| sym::name(p.name)).collect();
                    let mut e = Error::new(
                        ErrorKind::Arity,
                        format!("`{fname}` has no parameter `{}`", sym::name(k)),
                    )
                    .at(kspan)
                    .label(At::Span(def.head), "defined here");
                    if let Some(b) = closest(&sym::name(k), names.iter().map(|n| &**n)) {
                        e = e.with_help(format!("did you mean `{b}`?"));
                    }
                    return Err(e);
                }
            }
        }
        let mut vars = Vec::with_capacity(np + 4);
        for (i, p) in def.params.iter().enumerate() {
            let v = match slots[i].take() {
                Some(v) => v,
                None => match c.defaults.get(i).cloned().flatten() {
                    Some(d) => d,
                    None => {
                        return Err(Error::new(
                            ErrorKind::Arity,
                            format!("`{fname}` is missing the argument `{}`", sym::name(p.name)),
                        )
                        .at(span)
                        .label(At::Span(def.head), "defined here"))
                    }
                },
            };
            vars.push((p.name, v));
        }
        self.frames.push(Frame {
            vars,
            closure: c.clone(),
            self_value: Value::Func(Func::User(c.clone())),
        });
        let r = match &def.body {
            FnBody::Expr(e) => self.eval(e),
            FnBody::Block(b) => match self.exec_block(b) {
                Ok(()) => Ok(Value::None),
                Err(Flow::Return(v)) => Ok(v),
                Err(Flow::Err(e)) => Err(*e),
                Err(Flow::Break(s)) | Err(Flow::Continue(s)) => {
                    Err(Error::new(ErrorKind::Syntax, "`break`/`continue` outside of a loop").at(s))
                }
            },
        };
        self.frames.pop();
        r
    }

    // ------------------------------------------------ indexing, attributes

    fn attr(&mut self, v: &Value, a: Sym, vspan: Span, aspan: Span) -> Result<Value> {
        let name = sym::name(a);
        if let Value::Dict(d) = v {
            if let Some((_, x)) = d.iter().find(|(k, _)| **k == *name) {
                return Ok(x.clone());
            }
            let keys: Vec<&str> = d.iter().map(|(k, _)| &**k).collect();
            let mut e = Error::new(ErrorKind::Index, format!("the dict has no key \"{name}\""))
                .at(aspan)
                .label(At::Span(vspan), format!("keys: {}", keys.join(", ")));
            if let Some(c) = closest(&name, keys.iter().copied()) {
                e = e.with_help(format!("did you mean `.{c}`?"));
            }
            return Err(e);
        }
        if v.is_traced() {
            if &*name == "T" {
                return self.call_prim(Prim::Transpose, vec![v.clone()], vec![], aspan);
            }
            return self.attr(&v.plain(), a, vspan, aspan);
        }
        if let Some(r) = self.device_attr(v, &name, aspan) {
            return r;
        }
        let arr = match v {
            Value::Num(s, _) => Array::scalar(*s),
            Value::Array(a) => a.clone(),
            Value::Tuple(t) if &*name == "len" => return Ok(Value::int(t.len() as i64)),
            other if other.is_numeric() => match value_to_array(v) {
                Some(a) => a,
                None => return Err(crate::ops::readback_error().at(vspan)),
            },
            _ => {
                return Err(
                    Error::type_(format!("{} has no attribute `{}`", v.describe(), name))
                        .at(aspan)
                        .label(At::Span(vspan), v.describe()),
                )
            }
        };
        Ok(match &*name {
            "T" => Value::from_array(arr.transpose()),
            "shape" => shape_tuple(arr.shape()),
            "ndim" => Value::int(arr.ndim() as i64),
            "size" => Value::int(arr.len() as i64),
            "dtype" => Value::DType(arr.dtype()),
            "device" => Value::str("cpu"),
            "nbytes" => Value::int(arr.nbytes() as i64),
            _ => {
                let mut e = Error::type_(format!("an array has no attribute `{name}`"))
                    .at(aspan)
                    .with_help(format!(
                        "array attributes are {}; methods are builtins, e.g. a.sum()",
                        crate::value::ATTRIBUTES
                            .iter()
                            .map(|(n, _)| format!(".{n}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ));
                if Prim::from_name(&name).is_some() {
                    e = e.with_help(format!(
                        "`{name}` is a function: call it as a.{name}() or {name}(a)"
                    ));
                }
                return Err(e);
            }
        })
    }

    /// The script's arguments, visible to it as the tuple `argv`.
    pub fn set_argv(&mut self, args: Vec<String>) {
        let v = Value::tuple(args.iter().map(|a| Value::str(a)).collect());
        self.set_global(sym::intern("argv"), v);
        self.argv = args;
    }

    /// Builtins that re-enter the evaluator (e.g. to call a user function).
    pub fn call_function(&mut self, f: &Value, args: Vec<Value>, span: Span) -> Result<Value> {
        let spans = vec![span; args.len()];
        self.call_value(f, args, spans, Vec::new(), span, span)
    }

    pub fn builtin_of(&self, v: &Value) -> Option<Prim> {
        match v {
            Value::Func(Func::Builtin(b)) => Some(*b),
            _ => None,
        }
    }
}

/// The elementwise operation of a binary operator (`None` for `@`, which
/// is not elementwise): the one map from the syntax's operators to kernels.
pub(crate) fn binary_op(op: BinOp) -> Option<BinaryOp> {
    Some(match op {
        BinOp::Add => BinaryOp::Add,
        BinOp::Sub => BinaryOp::Sub,
        BinOp::Mul => BinaryOp::Mul,
        BinOp::Div => BinaryOp::Div,
        BinOp::FloorDiv => BinaryOp::FloorDiv,
        BinOp::Mod => BinaryOp::Mod,
        BinOp::Pow => BinaryOp::Pow,
        BinOp::BitAnd => BinaryOp::BitAnd,
        BinOp::BitOr => BinaryOp::BitOr,
        BinOp::Eq => BinaryOp::Eq,
        BinOp::Ne => BinaryOp::Ne,
        BinOp::Lt => BinaryOp::Lt,
        BinOp::Le => BinaryOp::Le,
        BinOp::Gt => BinaryOp::Gt,
        BinOp::Ge => BinaryOp::Ge,
        BinOp::MatMul => return None,
    })
}

/// The float arithmetic operators (`+ - * / **`): those `x op= y` writes
/// in place and the fusion planner chains.
pub(crate) fn arith_op(op: BinOp) -> Option<BinaryOp> {
    binary_op(op).filter(|b| {
        matches!(
            b,
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Pow
        )
    })
}

/// Largest string (or tuple, in bytes) one operation may build.
pub const MAX_STRING_BYTES: usize = 1 << 30;

/// A `Memory` error naming the size if a string or tuple of `bytes` bytes
/// is over [`MAX_STRING_BYTES`] or over the memory available.
fn check_string_size(bytes: usize) -> Result<()> {
    let limit = MAX_STRING_BYTES.min(crate::array::memory_limit());
    if bytes <= limit {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Memory,
        format!("the result would need {bytes} bytes; the limit is {limit} bytes"),
    )
    .with_help(
        "strings and tuples are for labels and small groups of values; use an array for bulk data",
    ))
}

impl Interp {
    /// The REPL draws the figure after a statement changed it (scripts
    /// draw only on `show()`).
    fn draw_if_changed(&mut self) {
        if self.interactive && crate::plot::take_changed(self) {
            let fig = crate::plot::with(self, |f| f.clone());
            if !fig.is_empty() {
                self.out.figure_changed(&fig);
            }
        }
    }
}
