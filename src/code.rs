//! Function bodies as code: statements and expressions, whole, for the functions the evaluator (`eval/`) runs and
//! the outlines of the guides show. Lowered on demand from a file's source (`lower::code`), never cached: the
//! scan keeps only the facts topics ask for (`syntax::Body`).

use std::fmt::{self, Write};

use crate::syntax::{LitKind, Signature, TypeExpr};

pub type Block = Vec<Stmt>;

/// A statement, with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub line: u32,
    pub kind: StmtKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Expr(Expr),
    /// `a, b = x, y`, `a := f()`, `a += 1` (`op` is `=`, `:=`, `+=`, ...).
    Assign {
        lhs: Vec<Expr>,
        op: String,
        rhs: Vec<Expr>,
    },
    /// `var a, b T = x, y` (also a local `const`).
    Var {
        names: Vec<String>,
        ty: Option<TypeExpr>,
        values: Vec<Expr>,
    },
    IncDec {
        target: Expr,
        inc: bool,
    },
    If {
        init: Option<Box<Stmt>>,
        cond: Expr,
        then: Block,
        /// A `Block` or another `If`.
        els: Option<Box<Stmt>>,
    },
    For {
        init: Option<Box<Stmt>>,
        cond: Option<Expr>,
        post: Option<Box<Stmt>>,
        body: Block,
    },
    Range {
        key: Option<Expr>,
        value: Option<Expr>,
        define: bool,
        over: Expr,
        body: Block,
    },
    Switch {
        init: Option<Box<Stmt>>,
        tag: Option<Expr>,
        cases: Vec<Case>,
    },
    TypeSwitch {
        init: Option<Box<Stmt>>,
        bind: Option<String>,
        subject: Expr,
        cases: Vec<TypeCase>,
    },
    Select {
        cases: Vec<Case>,
    },
    Return(Vec<Expr>),
    Defer(Expr),
    Go(Expr),
    Block(Block),
    Labeled(String, Box<Stmt>),
    /// `break`, `continue`, `goto`, `fallthrough`, with the label if any.
    Branch(String, Option<String>),
    Send {
        channel: Expr,
        value: Expr,
    },
    /// A local type declaration, or what kubewalk does not model.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub line: u32,
    /// Empty for `default`.
    pub exprs: Vec<Expr>,
    /// A select case's send or receive statement (`v := <-ch`).
    pub comm: Option<Box<Stmt>>,
    pub default: bool,
    pub body: Block,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeCase {
    pub line: u32,
    pub types: Vec<TypeExpr>,
    pub default: bool,
    pub body: Block,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Ident(String),
    Lit(LitKind, String),
    Selector(Box<Expr>, String),
    Call {
        fun: Box<Expr>,
        args: Vec<Expr>,
        ellipsis: bool,
    },
    Index(Box<Expr>, Vec<Expr>),
    Slice {
        operand: Box<Expr>,
        start: Option<Box<Expr>>,
        end: Option<Box<Expr>>,
        /// The capacity of a three-index slice `a[i:j:k]`.
        max: Option<Box<Expr>>,
    },
    Unary(String, Box<Expr>),
    Binary(Box<Expr>, String, Box<Expr>),
    Paren(Box<Expr>),
    Composite {
        ty: Option<TypeExpr>,
        elements: Vec<Element>,
        line: u32,
    },
    FuncLit {
        sig: Box<Signature>,
        /// Shared with every closure made from the literal.
        body: std::sync::Arc<Block>,
        line: u32,
    },
    TypeAssert(Box<Expr>, Option<TypeExpr>),
    /// A type in expression position: the function of a conversion, an argument of `new` or `make`.
    Type(TypeExpr),
    Other(String),
}

/// An element of a composite literal: `key: value` or a bare value.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub key: Option<Expr>,
    pub value: Expr,
}

impl fmt::Display for Expr {
    /// Go's compact form, as `go/types.ExprString` writes an expression; literals' contents and function bodies
    /// are elided (`&T{...}`, `func(){...}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Ident(name) => f.write_str(name),
            Expr::Lit(_, text) => f.write_str(text),
            Expr::Selector(operand, name) => write!(f, "{operand}.{name}"),
            Expr::Call { fun, args, ellipsis } => {
                write!(f, "{fun}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                if *ellipsis {
                    f.write_str("...")?;
                }
                f.write_char(')')
            }
            Expr::Index(operand, indices) => {
                write!(f, "{operand}[")?;
                for (i, x) in indices.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{x}")?;
                }
                f.write_char(']')
            }
            Expr::Slice {
                operand,
                start,
                end,
                max,
            } => {
                write!(f, "{operand}[")?;
                if let Some(s) = start {
                    write!(f, "{s}")?;
                }
                f.write_char(':')?;
                if let Some(e) = end {
                    write!(f, "{e}")?;
                }
                if let Some(m) = max {
                    write!(f, ":{m}")?;
                }
                f.write_char(']')
            }
            Expr::Unary(op, operand) => write!(f, "{op}{operand}"),
            Expr::Binary(l, op, r) => write!(f, "{l} {op} {r}"),
            Expr::Paren(inner) => write!(f, "({inner})"),
            Expr::Composite { ty, elements, .. } => {
                if let Some(ty) = ty {
                    write!(f, "{ty}")?;
                }
                if elements.is_empty() {
                    f.write_str("{}")
                } else {
                    f.write_str("{…}")
                }
            }
            Expr::FuncLit { sig, .. } => write!(f, "func{sig} {{…}}"),
            Expr::TypeAssert(operand, Some(ty)) => write!(f, "{operand}.({ty})"),
            Expr::TypeAssert(operand, None) => write!(f, "{operand}.(type)"),
            Expr::Type(ty) => write!(f, "{ty}"),
            Expr::Other(text) => f.write_str(text),
        }
    }
}

/// A function's code: its parameters by name, and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncCode {
    pub line: u32,
    pub end_line: u32,
    /// A package-level `var` declaration (its body is its specs), not a function.
    pub var_decl: bool,
    pub receiver: Option<String>,
    /// Parameter names in order (`_` and unnamed ones as `_`); the last is variadic when `variadic`.
    pub params: Vec<String>,
    pub variadic: bool,
    /// Named results, which a bare `return` returns.
    pub results: Vec<String>,
    pub body: Block,
}

/// Calls `f` on every expression of a block and of the expressions inside it (operands, arguments, the bodies of
/// function literals), outermost first, with the line of the statement it is in.
pub fn visit_exprs<'a>(block: &'a Block, f: &mut impl FnMut(u32, &'a Expr)) {
    for stmt in block {
        visit_stmt(stmt, f);
    }
}

fn visit_stmt<'a>(stmt: &'a Stmt, f: &mut impl FnMut(u32, &'a Expr)) {
    let line = stmt.line;
    let exprs = |es: &'a [Expr], f: &mut dyn FnMut(u32, &'a Expr)| {
        for e in es {
            visit_expr(line, e, f);
        }
    };
    match &stmt.kind {
        StmtKind::Expr(e) | StmtKind::Defer(e) | StmtKind::Go(e) => visit_expr(line, e, f),
        StmtKind::Assign { lhs, rhs, .. } => {
            exprs(lhs, f);
            exprs(rhs, f);
        }
        StmtKind::Var { values, .. } => exprs(values, f),
        StmtKind::IncDec { target, .. } => visit_expr(line, target, f),
        StmtKind::If { init, cond, then, els } => {
            init.iter().for_each(|s| visit_stmt(s, f));
            visit_expr(line, cond, f);
            visit_exprs(then, f);
            els.iter().for_each(|s| visit_stmt(s, f));
        }
        StmtKind::For { init, cond, post, body } => {
            init.iter().for_each(|s| visit_stmt(s, f));
            cond.iter().for_each(|c| visit_expr(line, c, f));
            post.iter().for_each(|s| visit_stmt(s, f));
            visit_exprs(body, f);
        }
        StmtKind::Range {
            key, value, over, body, ..
        } => {
            key.iter().chain(value).for_each(|e| visit_expr(line, e, f));
            visit_expr(line, over, f);
            visit_exprs(body, f);
        }
        StmtKind::Switch { init, tag, cases } => {
            init.iter().for_each(|s| visit_stmt(s, f));
            tag.iter().for_each(|t| visit_expr(line, t, f));
            for c in cases {
                c.exprs.iter().for_each(|e| visit_expr(c.line, e, f));
                visit_exprs(&c.body, f);
            }
        }
        StmtKind::TypeSwitch {
            init, subject, cases, ..
        } => {
            init.iter().for_each(|s| visit_stmt(s, f));
            visit_expr(line, subject, f);
            cases.iter().for_each(|c| visit_exprs(&c.body, f));
        }
        StmtKind::Select { cases } => {
            for c in cases {
                c.comm.iter().for_each(|s| visit_stmt(s, f));
                visit_exprs(&c.body, f);
            }
        }
        StmtKind::Return(es) => exprs(es, f),
        StmtKind::Block(b) => visit_exprs(b, f),
        StmtKind::Labeled(_, s) => visit_stmt(s, f),
        StmtKind::Send { channel, value } => {
            visit_expr(line, channel, f);
            visit_expr(line, value, f);
        }
        _ => {}
    }
}

/// Calls `f` on an expression and every expression inside it, outermost first, as `visit_exprs` does.
pub fn visit_expr_tree<'a>(e: &'a Expr, f: &mut dyn FnMut(u32, &'a Expr)) {
    visit_expr(0, e, f);
}

fn visit_expr<'a>(line: u32, e: &'a Expr, f: &mut dyn FnMut(u32, &'a Expr)) {
    f(line, e);
    match e {
        Expr::Selector(x, _) | Expr::Unary(_, x) | Expr::Paren(x) | Expr::TypeAssert(x, _) => visit_expr(line, x, f),
        Expr::Call { fun, args, .. } => {
            visit_expr(line, fun, f);
            args.iter().for_each(|a| visit_expr(line, a, f));
        }
        Expr::Index(x, idx) => {
            visit_expr(line, x, f);
            idx.iter().for_each(|i| visit_expr(line, i, f));
        }
        Expr::Slice {
            operand,
            start,
            end,
            max,
        } => {
            visit_expr(line, operand, f);
            start.iter().chain(end).chain(max).for_each(|x| visit_expr(line, x, f));
        }
        Expr::Binary(l, _, r) => {
            visit_expr(line, l, f);
            visit_expr(line, r, f);
        }
        Expr::Composite { elements, line: at, .. } => {
            for el in elements {
                el.key.iter().for_each(|k| visit_expr(*at, k, f));
                visit_expr(*at, &el.value, f);
            }
        }
        Expr::FuncLit { body, .. } => {
            // The body is shared behind an `Arc`; its statements live as long as the literal.
            let body: &'a Block = body;
            for stmt in body {
                visit_stmt(stmt, &mut |l, x| f(l, x));
            }
        }
        _ => {}
    }
}
