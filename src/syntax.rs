//! Owned declarations of one Go file, produced by `lower.rs` and cached between runs.
//!
//! `Display` on types and expressions follows `go/types.ExprString`: one line, parameters grouped as written,
//! struct tags left out. Using Go's own compact form means the differential test can compare strings directly.

use std::fmt::{self, Write};

use serde::{Deserialize, Serialize};

/// Everything kubewalk keeps of one parsed Go file. Serialized only into the scan cache.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileSyntax {
    pub package: String,
    pub package_line: u32,
    /// The comment block right above the package clause.
    pub package_doc: Option<String>,
    /// The code-generator tags above the package clause (`k8s:prerelease-lifecycle-gen=true`), without the `+`.
    pub package_tags: Vec<String>,
    pub imports: Vec<Import>,
    pub types: Vec<TypeDecl>,
    pub funcs: Vec<FuncDecl>,
    pub values: Vec<ValueDecl>,
    /// The body facts of package-level variable initialisers (`var rootCmd = &cobra.Command{...}`), one
    /// declaration each, named `var <first name>`; only those with facts a topic asked for.
    pub var_inits: Vec<FuncDecl>,
    /// 1-based lines of syntax errors, first one first; empty for a clean parse.
    pub error_lines: Vec<u32>,
    pub lines: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Import {
    pub path: String,
    /// `_`, `.`, or an identifier; `None` when the import has no name.
    pub alias: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeDecl {
    pub name: String,
    pub line: u32,
    pub end_line: u32,
    pub doc: Option<String>,
    /// The code-generator tags above it, without the `+` (`k8s:prerelease-lifecycle-gen:introduced=1.8`).
    pub tags: Vec<String>,
    pub type_params: Vec<TypeParam>,
    /// `type A = B` rather than `type A B`.
    pub alias: bool,
    pub ty: TypeExpr,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeParam {
    pub names: Vec<String>,
    pub constraint: TypeExpr,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FuncDecl {
    pub name: String,
    pub line: u32,
    pub end_line: u32,
    pub doc: Option<String>,
    pub receiver: Option<Receiver>,
    pub type_params: Vec<TypeParam>,
    pub sig: Signature,
    /// What kubewalk keeps of the body (see `BodyQuery`).
    pub body: Body,
}

impl FuncDecl {
    /// `Func`, or `(*T).Method` / `(T).Method`.
    pub fn display_name(&self) -> String {
        match &self.receiver {
            Some(r) => {
                let base = r.base().map(|(b, _)| b).unwrap_or("?");
                if r.is_pointer() {
                    format!("(*{base}).{}", self.name)
                } else {
                    format!("({base}).{}", self.name)
                }
            }
            None => self.name.clone(),
        }
    }
}

/// The facts of a function body that topics are made of. Only what a `BodyQuery` asks for is kept, so the
/// model stays small: calls of chosen names, composite literals of chosen types, returns and switches of chosen
/// functions, and for every method the receiver fields it touches.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Body {
    pub calls: Vec<Call>,
    pub literals: Vec<Literal>,
    /// Each return statement's expressions.
    pub returns: Vec<(u32, Vec<Expr>)>,
    pub switches: Vec<Switch>,
    /// The receiver's fields a method uses, for the receiver types the query names.
    pub receiver_fields: Vec<FieldUse>,
    /// `m[key] = value` in the functions the query names.
    pub index_assignments: Vec<IndexAssign>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexAssign {
    pub line: u32,
    pub target: Expr,
    pub key: Expr,
    pub value: Expr,
    /// The condition of the innermost `if` the assignment is in, as written on one line.
    pub guard: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Call {
    pub line: u32,
    pub fun: Expr,
    pub args: Vec<Expr>,
    pub ellipsis: bool,
    /// The variable the result is assigned to, for `x := f()` and `x = f()`.
    pub assigned_to: Option<String>,
    /// The elements of the arguments written as list literals, by argument index.
    pub list_args: Vec<(usize, Vec<Expr>)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Literal {
    pub line: u32,
    /// The literal's type; for an element of `[]*T{{...}}` written without one, `T`.
    pub ty: TypeExpr,
    /// The key of the map entry the literal is the value of, or is nested in: `X` of `map[K]V{X: {...}}`.
    pub key: Option<Expr>,
    /// The keys of the keyed elements it is nested in, outermost first, as written: `Score`, `Enabled` for a
    /// plugin of `&Plugins{Score: &PluginSet{Enabled: []Plugin{{...}}}}`.
    pub path: Vec<String>,
    pub fields: Vec<KeyedValue>,
    /// Elements of a slice or array literal.
    pub elements: Vec<Expr>,
    /// The variable the literal (or its address) is assigned to.
    pub assigned_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyedValue {
    pub key: String,
    pub value: Expr,
    /// When the value is a composite literal: its elements (`[]string{"a", "b"}`).
    pub elements: Vec<Expr>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Switch {
    pub line: u32,
    /// What is switched on: `ed.medium`, or for a type switch `x := v.(type)`'s `v`.
    pub subject: Option<Expr>,
    pub type_switch: bool,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Case {
    pub line: u32,
    /// Empty for `default`.
    pub labels: Vec<Expr>,
    /// The functions called in the case's statements, in order, each once.
    pub calls: Vec<Expr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Access {
    Read,
    Write,
    /// A method is called on the field: `q.cond.Signal()`.
    CallMethod,
}

/// A use of a receiver field (or a call of another method of the receiver) in a method body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FieldUse {
    pub field: String,
    pub access: Access,
    /// For `CallMethod`, the method called on the field.
    pub method: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receiver {
    pub name: Option<String>,
    /// As written: `*Typed[T]`, `Type`.
    pub ty: TypeExpr,
}

impl Receiver {
    /// The receiver's base type name and type parameter names: `*Typed[T]` gives `("Typed", ["T"])`.
    pub fn base(&self) -> Option<(&str, Vec<&str>)> {
        let mut ty = &self.ty;
        loop {
            match ty {
                TypeExpr::Pointer(inner) | TypeExpr::Paren(inner) => ty = inner,
                TypeExpr::Name { pkg: None, name } => return Some((name, Vec::new())),
                TypeExpr::Generic { base, args } => {
                    let TypeExpr::Name { pkg: None, name } = base.as_ref() else {
                        return None;
                    };
                    let params = args
                        .iter()
                        .map(|arg| match arg {
                            TypeExpr::Name { pkg: None, name } => name.as_str(),
                            _ => "_",
                        })
                        .collect();
                    return Some((name, params));
                }
                _ => return None,
            }
        }
    }

    pub fn is_pointer(&self) -> bool {
        let mut ty = &self.ty;
        while let TypeExpr::Paren(inner) = ty {
            ty = inner;
        }
        matches!(ty, TypeExpr::Pointer(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueKind {
    Const,
    Var,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ValueDecl {
    pub kind: ValueKind,
    pub name: String,
    pub line: u32,
    /// The lines of its spec (`a, b = f()` is one spec for two names): where the evaluator reads its code.
    pub spec_line: u32,
    pub spec_end_line: u32,
    pub doc: Option<String>,
    pub ty: Option<TypeExpr>,
    /// The expression this name is bound to; for a const spec without one, the repeated expression of the
    /// previous spec in the group (Go's implicit repetition).
    pub value: Option<Expr>,
    /// The value of `iota` for this spec (consts only).
    pub iota: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Signature {
    pub params: Vec<Param>,
    pub results: Vec<Param>,
}

/// One parameter group as written: `a, b int` is one group with two names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Param {
    pub names: Vec<String>,
    /// `TypeExpr::Ellipsis` for a variadic parameter.
    pub ty: TypeExpr,
}

impl Param {
    /// The names of a list of parameter groups in order, `_` for each unnamed one.
    pub fn names_of(params: &[Param]) -> Vec<String> {
        params
            .iter()
            .flat_map(|p| match p.names.is_empty() {
                true => vec!["_".to_string()],
                false => p.names.clone(),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Field {
    /// Empty for an embedded field.
    pub names: Vec<String>,
    pub ty: TypeExpr,
    /// The raw tag literal, quotes included.
    pub tag: Option<String>,
    pub doc: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum InterfaceElem {
    Method {
        name: String,
        sig: Signature,
        doc: Option<String>,
        line: u32,
    },
    /// An embedded interface or a type-set element such as `~int | string`.
    Embed(TypeExpr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChanDir {
    Both,
    Send,
    Recv,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TypeExpr {
    /// `name` or `pkg.name`; also type parameters and predeclared types.
    Name {
        pkg: Option<String>,
        name: String,
    },
    /// An instantiation `base[args]`.
    Generic {
        base: Box<TypeExpr>,
        args: Vec<TypeExpr>,
    },
    Pointer(Box<TypeExpr>),
    Slice(Box<TypeExpr>),
    /// `len` is `None` for `[...]T`.
    Array {
        len: Option<Box<Expr>>,
        elem: Box<TypeExpr>,
    },
    Map {
        key: Box<TypeExpr>,
        value: Box<TypeExpr>,
    },
    Chan {
        dir: ChanDir,
        elem: Box<TypeExpr>,
    },
    Func(Box<Signature>),
    Struct(Vec<Field>),
    Interface(Vec<InterfaceElem>),
    Paren(Box<TypeExpr>),
    /// `~T` in a type set.
    Tilde(Box<TypeExpr>),
    /// `A | B | C` in a type set.
    Union(Vec<TypeExpr>),
    /// The type of a variadic parameter, `...T`.
    Ellipsis(Box<TypeExpr>),
    /// Syntax kubewalk does not model, kept as source text.
    Other(String),
}

impl TypeExpr {
    pub fn name(name: &str) -> TypeExpr {
        TypeExpr::Name {
            pkg: None,
            name: name.to_string(),
        }
    }
}

/// Expressions, kept for constant values, array lengths and (later) call arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expr {
    Ident(String),
    Selector(Box<Expr>, String),
    /// A basic literal exactly as written (`0x1F`, `"a\n"`, `` `raw` ``, `'x'`, `1.5`).
    Lit(LitKind, String),
    Unary(String, Box<Expr>),
    Binary(Box<Expr>, String, Box<Expr>),
    Paren(Box<Expr>),
    Call {
        fun: Box<Expr>,
        args: Vec<Expr>,
        ellipsis: bool,
    },
    Index(Box<Expr>, Vec<Expr>),
    /// A type used in expression position, as in `[]byte("x")`.
    Type(TypeExpr),
    /// A composite literal's type and line (the line finds the literal among a body's `literals`).
    CompositeLit(Option<TypeExpr>, u32),
    FuncLit(Box<Signature>),
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LitKind {
    Int,
    Float,
    Imaginary,
    Rune,
    String,
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::Name { pkg: Some(pkg), name } => write!(f, "{pkg}.{name}"),
            TypeExpr::Name { pkg: None, name } => f.write_str(name),
            TypeExpr::Generic { base, args } => {
                write!(f, "{base}[")?;
                write_list(f, args)?;
                f.write_char(']')
            }
            TypeExpr::Pointer(inner) => write!(f, "*{inner}"),
            TypeExpr::Slice(elem) => write!(f, "[]{elem}"),
            TypeExpr::Array { len: Some(len), elem } => write!(f, "[{len}]{elem}"),
            // go/ast keeps `[...]T` as an ArrayType whose Len is an Ellipsis.
            TypeExpr::Array { len: None, elem } => write!(f, "[...]{elem}"),
            TypeExpr::Map { key, value } => write!(f, "map[{key}]{value}"),
            TypeExpr::Chan { dir, elem } => match dir {
                ChanDir::Both => write!(f, "chan {elem}"),
                ChanDir::Send => write!(f, "chan<- {elem}"),
                ChanDir::Recv => write!(f, "<-chan {elem}"),
            },
            TypeExpr::Func(sig) => write!(f, "func{sig}"),
            TypeExpr::Struct(fields) => {
                f.write_str("struct{")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    if !field.names.is_empty() {
                        write!(f, "{} ", field.names.join(", "))?;
                    }
                    write!(f, "{}", field.ty)?;
                }
                f.write_char('}')
            }
            TypeExpr::Interface(elems) => {
                f.write_str("interface{")?;
                for (i, elem) in elems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    match elem {
                        InterfaceElem::Method { name, sig, .. } => write!(f, "{name}{sig}")?,
                        InterfaceElem::Embed(ty) => write!(f, "{ty}")?,
                    }
                }
                f.write_char('}')
            }
            TypeExpr::Paren(inner) => write!(f, "({inner})"),
            TypeExpr::Tilde(inner) => write!(f, "~{inner}"),
            TypeExpr::Union(terms) => {
                for (i, term) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{term}")?;
                }
                Ok(())
            }
            TypeExpr::Ellipsis(elem) => write!(f, "...{elem}"),
            TypeExpr::Other(text) => f.write_str(text),
        }
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        write_params(f, &self.params)?;
        f.write_char(')')?;
        let count: usize = self.results.iter().map(|p| p.names.len().max(1)).sum();
        if count == 0 {
            return Ok(());
        }
        if count == 1 && self.results[0].names.is_empty() {
            return write!(f, " {}", self.results[0].ty);
        }
        f.write_str(" (")?;
        write_params(f, &self.results)?;
        f.write_char(')')
    }
}

fn write_params(f: &mut fmt::Formatter<'_>, params: &[Param]) -> fmt::Result {
    for (i, param) in params.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        if !param.names.is_empty() {
            write!(f, "{} ", param.names.join(", "))?;
        }
        write!(f, "{}", param.ty)?;
    }
    Ok(())
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Ident(name) => f.write_str(name),
            Expr::Selector(operand, field) => write!(f, "{operand}.{field}"),
            Expr::Lit(_, text) => f.write_str(text),
            Expr::Unary(op, operand) => write!(f, "{op}{operand}"),
            Expr::Binary(left, op, right) => write!(f, "{left} {op} {right}"),
            Expr::Paren(inner) => write!(f, "({inner})"),
            Expr::Call { fun, args, ellipsis } => {
                write!(f, "{fun}(")?;
                write_list(f, args)?;
                if *ellipsis {
                    f.write_str("...")?;
                }
                f.write_char(')')
            }
            Expr::Index(operand, indices) => {
                write!(f, "{operand}[")?;
                write_list(f, indices)?;
                f.write_char(']')
            }
            Expr::Type(ty) => write!(f, "{ty}"),
            Expr::CompositeLit(Some(ty), _) => write!(f, "({ty} literal)"),
            Expr::CompositeLit(None, _) => f.write_str("(<nil> literal)"),
            Expr::FuncLit(sig) => write!(f, "(func{sig} literal)"),
            Expr::Other(text) => f.write_str(text),
        }
    }
}

/// Renders type parameters as `[K comparable, V any]`.
pub fn type_params_string(params: &[TypeParam]) -> Option<String> {
    if params.is_empty() {
        return None;
    }
    let parts: Vec<String> = params
        .iter()
        .map(|p| format!("{} {}", p.names.join(", "), p.constraint))
        .collect();
    Some(format!("[{}]", parts.join(", ")))
}

/// Moves every line number in a declaration's facts by the same amount: the facts of a declaration that only moved
/// within its file, reused by `lower::lower_revision`. Each impl names every field, so a field added to a fact
/// type does not compile until its lines are moved here too.
pub trait ShiftLines {
    fn shift_lines(&mut self, by: i32);
}

fn shift(line: &mut u32, by: i32) {
    *line = line.wrapping_add_signed(by);
}

impl<T: ShiftLines> ShiftLines for Vec<T> {
    fn shift_lines(&mut self, by: i32) {
        for item in self {
            item.shift_lines(by);
        }
    }
}

impl<T: ShiftLines> ShiftLines for Option<T> {
    fn shift_lines(&mut self, by: i32) {
        if let Some(item) = self {
            item.shift_lines(by);
        }
    }
}

impl<T: ShiftLines> ShiftLines for Box<T> {
    fn shift_lines(&mut self, by: i32) {
        self.as_mut().shift_lines(by);
    }
}

impl ShiftLines for TypeDecl {
    fn shift_lines(&mut self, by: i32) {
        let TypeDecl {
            name: _,
            line,
            end_line,
            doc: _,
            tags: _,
            type_params,
            alias: _,
            ty,
        } = self;
        shift(line, by);
        shift(end_line, by);
        type_params.shift_lines(by);
        ty.shift_lines(by);
    }
}

impl ShiftLines for TypeParam {
    fn shift_lines(&mut self, by: i32) {
        let TypeParam { names: _, constraint } = self;
        constraint.shift_lines(by);
    }
}

impl ShiftLines for FuncDecl {
    fn shift_lines(&mut self, by: i32) {
        let FuncDecl {
            name: _,
            line,
            end_line,
            doc: _,
            receiver,
            type_params,
            sig,
            body,
        } = self;
        shift(line, by);
        shift(end_line, by);
        receiver.shift_lines(by);
        type_params.shift_lines(by);
        sig.shift_lines(by);
        body.shift_lines(by);
    }
}

impl ShiftLines for Body {
    fn shift_lines(&mut self, by: i32) {
        let Body {
            calls,
            literals,
            returns,
            switches,
            receiver_fields,
            index_assignments,
        } = self;
        for a in index_assignments {
            shift(&mut a.line, by);
            a.target.shift_lines(by);
            a.key.shift_lines(by);
            a.value.shift_lines(by);
        }
        calls.shift_lines(by);
        literals.shift_lines(by);
        for (line, exprs) in returns {
            shift(line, by);
            exprs.shift_lines(by);
        }
        switches.shift_lines(by);
        receiver_fields.shift_lines(by);
    }
}

impl ShiftLines for Call {
    fn shift_lines(&mut self, by: i32) {
        let Call {
            line,
            fun,
            args,
            ellipsis: _,
            assigned_to: _,
            list_args,
        } = self;
        shift(line, by);
        fun.shift_lines(by);
        args.shift_lines(by);
        for (_, elements) in list_args {
            elements.shift_lines(by);
        }
    }
}

impl ShiftLines for Literal {
    fn shift_lines(&mut self, by: i32) {
        let Literal {
            line,
            ty,
            key,
            path: _,
            fields,
            elements,
            assigned_to: _,
        } = self;
        shift(line, by);
        ty.shift_lines(by);
        if let Some(key) = key {
            key.shift_lines(by);
        }
        fields.shift_lines(by);
        elements.shift_lines(by);
    }
}

impl ShiftLines for KeyedValue {
    fn shift_lines(&mut self, by: i32) {
        let KeyedValue {
            key: _,
            value,
            elements,
            line,
        } = self;
        value.shift_lines(by);
        elements.shift_lines(by);
        shift(line, by);
    }
}

impl ShiftLines for Switch {
    fn shift_lines(&mut self, by: i32) {
        let Switch {
            line,
            subject,
            type_switch: _,
            cases,
        } = self;
        shift(line, by);
        subject.shift_lines(by);
        cases.shift_lines(by);
    }
}

impl ShiftLines for Case {
    fn shift_lines(&mut self, by: i32) {
        let Case { line, labels, calls } = self;
        shift(line, by);
        labels.shift_lines(by);
        calls.shift_lines(by);
    }
}

impl ShiftLines for FieldUse {
    fn shift_lines(&mut self, by: i32) {
        let FieldUse {
            field: _,
            access: _,
            method: _,
            line,
        } = self;
        shift(line, by);
    }
}

impl ShiftLines for Receiver {
    fn shift_lines(&mut self, by: i32) {
        let Receiver { name: _, ty } = self;
        ty.shift_lines(by);
    }
}

impl ShiftLines for ValueDecl {
    fn shift_lines(&mut self, by: i32) {
        let ValueDecl {
            kind: _,
            name: _,
            line,
            spec_line,
            spec_end_line,
            doc: _,
            ty,
            value,
            iota: _,
        } = self;
        shift(line, by);
        shift(spec_line, by);
        shift(spec_end_line, by);
        ty.shift_lines(by);
        value.shift_lines(by);
    }
}

impl ShiftLines for Signature {
    fn shift_lines(&mut self, by: i32) {
        let Signature { params, results } = self;
        params.shift_lines(by);
        results.shift_lines(by);
    }
}

impl ShiftLines for Param {
    fn shift_lines(&mut self, by: i32) {
        let Param { names: _, ty } = self;
        ty.shift_lines(by);
    }
}

impl ShiftLines for Field {
    fn shift_lines(&mut self, by: i32) {
        let Field {
            names: _,
            ty,
            tag: _,
            doc: _,
            line,
        } = self;
        ty.shift_lines(by);
        shift(line, by);
    }
}

impl ShiftLines for InterfaceElem {
    fn shift_lines(&mut self, by: i32) {
        match self {
            InterfaceElem::Method {
                name: _,
                sig,
                doc: _,
                line,
            } => {
                sig.shift_lines(by);
                shift(line, by);
            }
            InterfaceElem::Embed(ty) => ty.shift_lines(by),
        }
    }
}

impl ShiftLines for TypeExpr {
    fn shift_lines(&mut self, by: i32) {
        match self {
            TypeExpr::Name { pkg: _, name: _ } | TypeExpr::Other(_) => {}
            TypeExpr::Generic { base, args } => {
                base.shift_lines(by);
                args.shift_lines(by);
            }
            TypeExpr::Pointer(inner)
            | TypeExpr::Slice(inner)
            | TypeExpr::Paren(inner)
            | TypeExpr::Tilde(inner)
            | TypeExpr::Ellipsis(inner) => inner.shift_lines(by),
            TypeExpr::Array { len, elem } => {
                len.shift_lines(by);
                elem.shift_lines(by);
            }
            TypeExpr::Map { key, value } => {
                key.shift_lines(by);
                value.shift_lines(by);
            }
            TypeExpr::Chan { dir: _, elem } => elem.shift_lines(by),
            TypeExpr::Func(sig) => sig.shift_lines(by),
            TypeExpr::Struct(fields) => fields.shift_lines(by),
            TypeExpr::Interface(elems) => elems.shift_lines(by),
            TypeExpr::Union(terms) => terms.shift_lines(by),
        }
    }
}

impl ShiftLines for Expr {
    fn shift_lines(&mut self, by: i32) {
        match self {
            Expr::Ident(_) | Expr::Lit(..) | Expr::Other(_) => {}
            Expr::Selector(inner, _) | Expr::Unary(_, inner) | Expr::Paren(inner) => inner.shift_lines(by),
            Expr::Binary(left, _, right) => {
                left.shift_lines(by);
                right.shift_lines(by);
            }
            Expr::Call { fun, args, ellipsis: _ } => {
                fun.shift_lines(by);
                args.shift_lines(by);
            }
            Expr::Index(inner, args) => {
                inner.shift_lines(by);
                args.shift_lines(by);
            }
            Expr::Type(ty) => ty.shift_lines(by),
            Expr::CompositeLit(ty, line) => {
                ty.shift_lines(by);
                shift(line, by);
            }
            Expr::FuncLit(sig) => sig.shift_lines(by),
        }
    }
}
