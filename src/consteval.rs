//! Values of constants (and of variables initialised with constant expressions): literals, `iota`, arithmetic,
//! string concatenation, conversions, and references to other constants of the tree.

use crate::{HashMap, HashSet};
use std::fmt;

use crate::model::{FileId, Model, PkgId};
use crate::syntax::{Expr, LitKind, TypeExpr, ValueKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstValue {
    Int(i128),
    String(String),
    Bool(bool),
}

impl ConstValue {
    pub fn kind(&self) -> &'static str {
        match self {
            ConstValue::Int(_) => "int",
            ConstValue::String(_) => "string",
            ConstValue::Bool(_) => "bool",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            ConstValue::String(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for ConstValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstValue::Int(i) => write!(f, "{i}"),
            ConstValue::String(s) => f.write_str(s),
            ConstValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// The values of every constant and variable of a model whose value is static, evaluated once: the scan JSON
/// shows them and topics evaluate expressions against them.
#[derive(Debug, Default)]
pub struct Consts {
    values: HashMap<(PkgId, usize), Option<Typed>>,
}

impl Consts {
    /// The value of a package's value declaration (an index into `Package::values`).
    pub fn get(&self, pkg: PkgId, index: usize) -> Option<&ConstValue> {
        self.values.get(&(pkg, index))?.as_ref().map(|t| &t.value)
    }
}

/// Evaluates every constant and variable of every package.
pub fn evaluate(model: &Model) -> Consts {
    let mut eval = Evaluator::new(model, None);
    for (p, pkg) in model.packages.iter().enumerate() {
        for i in 0..pkg.values.len() {
            eval.value(PkgId(p), i);
        }
    }
    Consts { values: eval.memo }
}

/// Evaluates constant expressions against a model, remembering the constants it has evaluated.
pub struct Evaluator<'m> {
    model: &'m Model,
    /// Values evaluated before, by `evaluate`.
    known: Option<&'m Consts>,
    memo: HashMap<(PkgId, usize), Option<Typed>>,
    in_progress: HashSet<(PkgId, usize)>,
    const_index: Vec<HashMap<&'m str, usize>>,
}

struct Ctx {
    pkg: PkgId,
    file: FileId,
    iota: Option<i128>,
}

impl<'m> Evaluator<'m> {
    /// An evaluator that reads the values `known` holds instead of evaluating them again.
    pub fn with_values(model: &'m Model, known: &'m Consts) -> Evaluator<'m> {
        Evaluator::new(model, Some(known))
    }

    fn new(model: &'m Model, known: Option<&'m Consts>) -> Evaluator<'m> {
        Evaluator {
            model,
            known,
            memo: HashMap::default(),
            in_progress: HashSet::default(),
            const_index: model
                .packages
                .iter()
                .map(|pkg| {
                    let mut index: HashMap<&str, usize> = HashMap::default();
                    for (i, v) in pkg.values.iter().enumerate() {
                        if v.decl.kind == ValueKind::Const {
                            index.entry(v.decl.name.as_str()).or_insert(i);
                        }
                    }
                    index
                })
                .collect(),
        }
    }

    /// The value of an expression written in `file` of `pkg`, if it is static.
    pub fn eval(&mut self, pkg: PkgId, file: FileId, expr: &Expr) -> Option<ConstValue> {
        let ctx = Ctx { pkg, file, iota: None };
        self.expr(expr, &ctx).map(|t| t.value)
    }

    fn value(&mut self, pkg: PkgId, index: usize) -> Option<Typed> {
        if let Some(v) = self.known.and_then(|k| k.values.get(&(pkg, index))) {
            return v.clone();
        }
        if let Some(v) = self.memo.get(&(pkg, index)) {
            return v.clone();
        }
        if !self.in_progress.insert((pkg, index)) {
            return None;
        }
        let located = &self.model.pkg(pkg).values[index];
        let ctx = Ctx {
            pkg,
            file: located.file,
            iota: (located.decl.kind == ValueKind::Const).then_some(located.decl.iota as i128),
        };
        let declared_bits = located.decl.ty.as_ref().and_then(|t| match t {
            TypeExpr::Name { pkg: None, name } => unsigned_bits(name),
            _ => None,
        });
        let value = located
            .decl
            .value
            .as_ref()
            .and_then(|e| self.expr(e, &ctx))
            .map(|mut v| {
                v.unsigned_bits = declared_bits.or(v.unsigned_bits);
                v
            });
        self.in_progress.remove(&(pkg, index));
        self.memo.insert((pkg, index), value.clone());
        value
    }

    fn named_const(&mut self, pkg: PkgId, name: &str) -> Option<Typed> {
        let index = *self.const_index[pkg.0].get(name)?;
        self.value(pkg, index)
    }

    fn expr(&mut self, expr: &Expr, ctx: &Ctx) -> Option<Typed> {
        match expr {
            Expr::Lit(kind, text) => literal(*kind, text).map(Typed::untyped),
            Expr::Ident(name) => match name.as_str() {
                "iota" => ctx.iota.map(|i| Typed::untyped(ConstValue::Int(i))),
                "true" => Some(Typed::untyped(ConstValue::Bool(true))),
                "false" => Some(Typed::untyped(ConstValue::Bool(false))),
                _ => self.named_const(ctx.pkg, name),
            },
            Expr::Selector(operand, name) => {
                let Expr::Ident(qualifier) = operand.as_ref() else {
                    return None;
                };
                let pkg = self.model.qualifier_pkg(ctx.file, qualifier)?;
                self.named_const(pkg, name)
            }
            Expr::Paren(inner) => self.expr(inner, ctx),
            Expr::Unary(op, operand) => {
                let v = self.expr(operand, ctx)?;
                let bits = v.unsigned_bits;
                let value = match (op.as_str(), v.value) {
                    ("-", ConstValue::Int(i)) => ConstValue::Int(i.checked_neg()?),
                    ("+", v @ ConstValue::Int(_)) => v,
                    // Bitwise complement: within the width of an unsigned type, else -x-1 as for signed and
                    // untyped constants.
                    ("^", ConstValue::Int(i)) => match bits {
                        Some(bits) => ConstValue::Int(!i & ((1i128 << bits) - 1)),
                        None => ConstValue::Int(!i),
                    },
                    ("!", ConstValue::Bool(b)) => ConstValue::Bool(!b),
                    _ => return None,
                };
                Some(Typed {
                    value,
                    unsigned_bits: bits,
                })
            }
            Expr::Binary(left, op, right) => {
                let l = self.expr(left, ctx)?;
                let r = self.expr(right, ctx)?;
                // The typed operand gives the result its type; a shift keeps the left operand's.
                let bits = if matches!(op.as_str(), "<<" | ">>") {
                    l.unsigned_bits
                } else {
                    l.unsigned_bits.or(r.unsigned_bits)
                };
                Some(Typed {
                    value: binary(&l.value, op, &r.value)?,
                    unsigned_bits: bits,
                })
            }
            Expr::Call {
                fun,
                args,
                ellipsis: false,
            } if args.len() == 1 => self.call(fun, &args[0], ctx),
            _ => None,
        }
    }

    /// A conversion `T(x)` keeps the value; `len` of a constant string is constant.
    fn call(&mut self, fun: &Expr, arg: &Expr, ctx: &Ctx) -> Option<Typed> {
        let Typed {
            value,
            unsigned_bits: arg_bits,
        } = self.expr(arg, ctx)?;
        let (qualifier, name) = match fun {
            Expr::Ident(name) => (None, name.as_str()),
            Expr::Selector(q, name) => match q.as_ref() {
                Expr::Ident(q) => (Some(q.as_str()), name.as_str()),
                _ => return None,
            },
            Expr::Type(TypeExpr::Name { pkg, name }) => (pkg.as_deref(), name.as_str()),
            Expr::Paren(inner) => return self.call(inner, arg, ctx),
            _ => return None,
        };
        if qualifier.is_none() {
            match name {
                "len" => return value.as_str().map(|s| Typed::untyped(ConstValue::Int(s.len() as i128))),
                "string" => {
                    return match value {
                        ConstValue::Int(i) => {
                            let c = u32::try_from(i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}');
                            Some(Typed::untyped(ConstValue::String(c.to_string())))
                        }
                        other @ ConstValue::String(_) => Some(Typed::untyped(other)),
                        ConstValue::Bool(_) => None,
                    }
                }
                "int" | "int8" | "int16" | "int32" | "int64" | "rune" | "bool" => return Some(Typed::untyped(value)),
                _ => {
                    if let Some(bits) = unsigned_bits(name) {
                        return Some(Typed {
                            value,
                            unsigned_bits: Some(bits),
                        });
                    }
                }
            }
        }
        // A conversion to a named type of the tree keeps the value as it is.
        self.model.resolve_name(ctx.pkg, ctx.file, qualifier, name)?;
        Some(Typed {
            value,
            unsigned_bits: arg_bits,
        })
    }
}

/// A constant with the width of its type when that type is unsigned (which `^` needs).
#[derive(Debug, Clone)]
struct Typed {
    value: ConstValue,
    unsigned_bits: Option<u32>,
}

impl Typed {
    fn untyped(value: ConstValue) -> Typed {
        Typed {
            value,
            unsigned_bits: None,
        }
    }
}

/// The width of Go's unsigned integer types on 64-bit platforms.
fn unsigned_bits(name: &str) -> Option<u32> {
    match name {
        "uint8" | "byte" => Some(8),
        "uint16" => Some(16),
        "uint32" => Some(32),
        "uint" | "uint64" | "uintptr" => Some(64),
        _ => None,
    }
}

fn binary(l: &ConstValue, op: &str, r: &ConstValue) -> Option<ConstValue> {
    use ConstValue::{Bool, Int, String as Str};
    Some(match (l, r) {
        (Int(a), Int(b)) => {
            let (a, b) = (*a, *b);
            match op {
                "+" => Int(a.checked_add(b)?),
                "-" => Int(a.checked_sub(b)?),
                "*" => Int(a.checked_mul(b)?),
                "/" => Int(a.checked_div(b)?),
                "%" => Int(a.checked_rem(b)?),
                "<<" => {
                    let shift = u32::try_from(b).ok().filter(|s| *s < 127)?;
                    let shifted = a.checked_shl(shift)?;
                    (shifted >> shift == a).then_some(Int(shifted))?
                }
                ">>" => Int(a >> u32::try_from(b).ok()?.min(127)),
                "&" => Int(a & b),
                "|" => Int(a | b),
                "^" => Int(a ^ b),
                "&^" => Int(a & !b),
                "==" => Bool(a == b),
                "!=" => Bool(a != b),
                "<" => Bool(a < b),
                "<=" => Bool(a <= b),
                ">" => Bool(a > b),
                ">=" => Bool(a >= b),
                _ => return None,
            }
        }
        (Str(a), Str(b)) => match op {
            "+" => Str(format!("{a}{b}")),
            "==" => Bool(a == b),
            "!=" => Bool(a != b),
            "<" => Bool(a < b),
            "<=" => Bool(a <= b),
            ">" => Bool(a > b),
            ">=" => Bool(a >= b),
            _ => return None,
        },
        (Bool(a), Bool(b)) => match op {
            "&&" => Bool(*a && *b),
            "||" => Bool(*a || *b),
            "==" => Bool(a == b),
            "!=" => Bool(a != b),
            _ => return None,
        },
        _ => return None,
    })
}

fn literal(kind: LitKind, text: &str) -> Option<ConstValue> {
    match kind {
        LitKind::Int => parse_int(text).map(ConstValue::Int),
        LitKind::String => unquote_string(text).map(ConstValue::String),
        LitKind::Rune => {
            let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
            let decoded = unescape(inner, '\'')?;
            let mut chars = decoded.chars();
            let c = chars.next()?;
            chars.next().is_none().then_some(ConstValue::Int(c as i128))
        }
        LitKind::Float | LitKind::Imaginary => None,
    }
}

/// Go integer literals: decimal, `0x`, `0o`, `0b`, legacy octal `0755`, with `_` separators.
pub fn parse_int(text: &str) -> Option<i128> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let (digits, radix) = if let Some(rest) = lower.strip_prefix("0x") {
        (rest.to_string(), 16)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (rest.to_string(), 8)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (rest.to_string(), 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower[1..].to_string(), 8)
    } else {
        (lower, 10)
    };
    i128::from_str_radix(&digits, radix).ok()
}

/// The value of a Go string literal, interpreted or raw.
pub fn unquote_string(text: &str) -> Option<String> {
    if let Some(raw) = text.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        return Some(raw.replace('\r', ""));
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    unescape(inner, '"')
}

fn unescape(s: &str, quote: char) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = s.chars().peekable();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        if !bytes.is_empty() {
            out.push_str(&String::from_utf8_lossy(bytes));
            bytes.clear();
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let simple = match e {
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0b'),
            '\\' => Some('\\'),
            c if c == quote => Some(c),
            _ => None,
        };
        if let Some(c) = simple {
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        match e {
            'x' => {
                let hex: String = (0..2).filter_map(|_| chars.next()).collect();
                bytes.push(u8::from_str_radix(&hex, 16).ok()?);
            }
            '0'..='7' => {
                let mut oct = e.to_string();
                oct.extend((0..2).filter_map(|_| chars.next()));
                bytes.push(u8::try_from(u32::from_str_radix(&oct, 8).ok()?).ok()?);
            }
            'u' | 'U' => {
                let n = if e == 'u' { 4 } else { 8 };
                let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                flush(&mut bytes, &mut out);
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    flush(&mut bytes, &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("0755"), Some(493));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(unquote_string(r#""a\tb\u00e9\x41""#).as_deref(), Some("a\tbéA"));
        assert_eq!(unquote_string("`raw\\n`").as_deref(), Some("raw\\n"));
        assert_eq!(literal(LitKind::Rune, "'a'"), Some(ConstValue::Int(97)));
        assert_eq!(literal(LitKind::Rune, r"'\n'"), Some(ConstValue::Int(10)));
    }

    #[test]
    fn arithmetic() {
        use ConstValue::*;
        assert_eq!(binary(&Int(1), "<<", &Int(10)), Some(Int(1024)));
        assert_eq!(binary(&Int(7), "&^", &Int(2)), Some(Int(5)));
        assert_eq!(binary(&Int(1), "/", &Int(0)), None);
        assert_eq!(
            binary(&String("a".into()), "+", &String("b".into())),
            Some(String("ab".into()))
        );
        assert_eq!(binary(&Int(1), "+", &String("b".into())), None);
    }
}
