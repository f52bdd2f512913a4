//! tree-sitter nodes to function bodies as code (`code.rs`): every statement and expression, for the functions
//! the evaluator runs and the outlines show.

use tree_sitter::{Node, Tree};

use super::{children, end_line_of, ids, line_of, BodyQuery, Lower};
use crate::code::{Block, Case, Element, Expr, FuncCode, Stmt, StmtKind, TypeCase};
use crate::syntax::{LitKind, TypeExpr};

/// The code of the function declared at lines `line..=end_line` of a file's text. Only the declaration is parsed
/// (generated files hold hundreds of functions, of which a caller needs a few), by [`code_at_line`].
pub fn func_code_at(src: &str, line_starts: &[usize], line: u32, end_line: u32) -> Option<FuncCode> {
    let lines = lines_at(src, line_starts, line, end_line)?;
    code_at_line(lines, line).into_iter().find(|c| c.line == line)
}

/// The code of the declarations in `text`, whose first line is line `line` of its file, with that file's line
/// numbers: `text` is parsed after a package clause and as many newlines as put it at its line. The newlines are
/// skipped, not lexed (`parse::parse_skipping`): a function deep in a generated file (line 60,000 of
/// `zz_generated.openapi.go`) cost as much to lex as the lines above it.
pub fn code_at_line(text: &str, line: u32) -> Vec<FuncCode> {
    let newlines = (line as usize).saturating_sub(1);
    let snippet = format!("package p{}{text}", "\n".repeat(newlines));
    // The package clause and its newline read; the newlines after it, up to `text`, skipped.
    const CLAUSE: usize = "package p\n".len();
    let gap = crate::skim::Gap {
        start: CLAUSE,
        end: CLAUSE - 1 + newlines,
        start_point: (1, 0),
        end_point: (newlines, 0),
    };
    let tree = if gap.end > gap.start {
        crate::parse::parse_skipping(&snippet, &[gap])
    } else {
        crate::parse::parse(&snippet)
    };
    lower_code(&tree, &snippet)
}

/// Lines `line..=end_line` of a text (from 1), whole.
pub fn lines_at<'s>(src: &'s str, line_starts: &[usize], line: u32, end_line: u32) -> Option<&'s str> {
    let start = *line_starts.get(line.checked_sub(1)? as usize)?;
    let end = line_starts.get(end_line as usize).copied().unwrap_or(src.len());
    src.get(start..end)
}

/// The byte offset each line of a text starts at.
pub fn line_starts(src: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
    starts
}

/// The code of every function, method and package-level `var` declaration of a file, each with the line of its
/// declaration (the line a `FuncDecl` or a `var_inits` entry has).
pub fn lower_code(tree: &Tree, src: &str) -> Vec<FuncCode> {
    let query = BodyQuery::default();
    let lower = Lower {
        src,
        query: &query,
        all_calls: std::cell::Cell::new(false),
    };
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(parent) = stack.pop() {
        for node in children(parent) {
            match node.kind() {
                "function_declaration" | "method_declaration" => out.push(lower.func_code(node)),
                "var_declaration" => out.push(lower.var_code(node)),
                // Declarations after a syntax error may sit in an error node.
                "ERROR" => stack.push(node),
                _ => {}
            }
        }
    }
    out.sort_by_key(|c| c.line);
    out
}

impl<'a> Lower<'a> {
    fn func_code(&self, node: Node) -> FuncCode {
        let receiver = node.child_by_field_id(ids().f_receiver).and_then(|list| {
            let mut cursor = list.walk();
            let param = list
                .named_children(&mut cursor)
                .find(|n| n.kind() == "parameter_declaration")?;
            Some(self.field_text(param, ids().f_name).unwrap_or_else(|| "_".to_string()))
        });
        let sig = self.signature(node);
        let variadic = sig.params.last().is_some_and(|p| matches!(p.ty, TypeExpr::Ellipsis(_)));
        let names = crate::syntax::Param::names_of;
        let results = sig
            .results
            .iter()
            .filter(|p| !p.names.is_empty())
            .flat_map(|p| p.names.clone())
            .collect();
        FuncCode {
            var_decl: false,
            line: line_of(node),
            end_line: end_line_of(node),
            receiver,
            params: names(&sig.params),
            variadic,
            results,
            body: node
                .child_by_field_id(ids().f_body)
                .map(|b| self.block(b))
                .unwrap_or_default(),
        }
    }

    /// A package-level `var` declaration as code: the declaration itself, run once when the package starts.
    fn var_code(&self, node: Node) -> FuncCode {
        FuncCode {
            line: line_of(node),
            end_line: end_line_of(node),
            var_decl: true,
            receiver: None,
            params: Vec::new(),
            variadic: false,
            results: Vec::new(),
            body: self.var_stmts(node),
        }
    }

    fn block(&self, node: Node) -> Block {
        let mut out = Vec::new();
        for child in children(node) {
            match child.kind() {
                "statement_list" => {
                    for s in children(child) {
                        self.stmt_into(s, &mut out);
                    }
                }
                _ => self.stmt_into(child, &mut out),
            }
        }
        out
    }

    fn stmt_into(&self, node: Node, out: &mut Block) {
        match node.kind() {
            "comment" | "empty_statement" | "{" | "}" => {}
            "var_declaration" | "const_declaration" => out.extend(self.var_stmts(node)),
            _ => out.push(self.stmt(node)),
        }
    }

    fn opt_stmt(&self, node: Option<Node>) -> Option<Box<Stmt>> {
        node.map(|n| Box::new(self.stmt(n)))
    }

    fn stmt(&self, node: Node) -> Stmt {
        let line = line_of(node);
        let field = |id: u16| node.child_by_field_id(id);
        let kind = match node.kind() {
            "expression_statement" => StmtKind::Expr(self.first_expr(node)),
            "assignment_statement" | "short_var_declaration" => StmtKind::Assign {
                lhs: field(ids().f_left).map(|l| self.exprs(l)).unwrap_or_default(),
                op: if node.kind() == "short_var_declaration" {
                    ":=".to_string()
                } else {
                    self.field_text(node, ids().f_operator)
                        .unwrap_or_else(|| "=".to_string())
                },
                rhs: field(ids().f_right).map(|r| self.exprs(r)).unwrap_or_default(),
            },
            "inc_statement" | "dec_statement" => StmtKind::IncDec {
                target: self.first_expr(node),
                inc: node.kind() == "inc_statement",
            },
            "if_statement" => StmtKind::If {
                init: self.opt_stmt(field(ids().f_initializer)),
                cond: field(ids().f_condition)
                    .map(|c| self.cexpr(c))
                    .unwrap_or(Expr::Other(String::new())),
                then: field(ids().f_consequence).map(|b| self.block(b)).unwrap_or_default(),
                els: field(ids().f_alternative).map(|a| {
                    Box::new(if a.kind() == "block" {
                        Stmt {
                            line: line_of(a),
                            kind: StmtKind::Block(self.block(a)),
                        }
                    } else {
                        self.stmt(a)
                    })
                }),
            },
            "for_statement" => {
                let body = field(ids().f_body).map(|b| self.block(b)).unwrap_or_default();
                let head = children(node)
                    .into_iter()
                    .find(|c| c.is_named() && c.kind() != "block" && c.kind() != "comment");
                match head {
                    Some(h) if h.kind() == "range_clause" => {
                        let left = h
                            .child_by_field_id(ids().f_left)
                            .map(|l| self.exprs(l))
                            .unwrap_or_default();
                        let define = children(h).iter().any(|c| c.kind() == ":=");
                        StmtKind::Range {
                            key: left.first().cloned(),
                            value: left.get(1).cloned(),
                            define,
                            over: h
                                .child_by_field_id(ids().f_right)
                                .map(|r| self.cexpr(r))
                                .unwrap_or(Expr::Other(String::new())),
                            body,
                        }
                    }
                    Some(h) if h.kind() == "for_clause" => StmtKind::For {
                        init: self.opt_stmt(h.child_by_field_id(ids().f_initializer)),
                        cond: h.child_by_field_id(ids().f_condition).map(|c| self.cexpr(c)),
                        post: self.opt_stmt(h.child_by_field_id(ids().f_update)),
                        body,
                    },
                    Some(cond) => StmtKind::For {
                        init: None,
                        cond: Some(self.cexpr(cond)),
                        post: None,
                        body,
                    },
                    None => StmtKind::For {
                        init: None,
                        cond: None,
                        post: None,
                        body,
                    },
                }
            }
            "expression_switch_statement" => StmtKind::Switch {
                init: self.opt_stmt(field(ids().f_initializer)),
                tag: field(ids().f_value).map(|v| self.cexpr(v)),
                cases: children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "expression_case" || c.kind() == "default_case")
                    .map(|c| Case {
                        line: line_of(c),
                        exprs: c
                            .child_by_field_id(ids().f_value)
                            .map(|v| self.exprs(v))
                            .unwrap_or_default(),
                        comm: None,
                        default: c.kind() == "default_case",
                        body: self.case_body(c),
                    })
                    .collect(),
            },
            "type_switch_statement" => StmtKind::TypeSwitch {
                init: self.opt_stmt(field(ids().f_initializer)),
                bind: field(ids().f_alias)
                    .and_then(|a| children(a).into_iter().find(|c| c.is_named()))
                    .map(|n| self.text(n).to_string()),
                subject: field(ids().f_value)
                    .map(|v| self.cexpr(v))
                    .unwrap_or(Expr::Other(String::new())),
                cases: children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "type_case" || c.kind() == "default_case")
                    .map(|c| {
                        let mut cursor = c.walk();
                        let types = c
                            .children_by_field_name("type", &mut cursor)
                            .filter(|t| t.is_named())
                            .map(|t| self.ty(t))
                            .collect();
                        TypeCase {
                            line: line_of(c),
                            types,
                            default: c.kind() == "default_case",
                            body: self.case_body(c),
                        }
                    })
                    .collect(),
            },
            "select_statement" => StmtKind::Select {
                cases: children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "communication_case" || c.kind() == "default_case")
                    .map(|c| Case {
                        line: line_of(c),
                        exprs: Vec::new(),
                        comm: c
                            .child_by_field_id(ids().f_communication)
                            .map(|n| Box::new(self.stmt(n))),
                        default: c.kind() == "default_case",
                        body: self.case_body(c),
                    })
                    .collect(),
            },
            "return_statement" => StmtKind::Return(
                children(node)
                    .into_iter()
                    .find(|c| c.kind() == "expression_list")
                    .map(|l| self.exprs(l))
                    .unwrap_or_default(),
            ),
            "defer_statement" => StmtKind::Defer(self.first_expr(node)),
            "go_statement" => StmtKind::Go(self.first_expr(node)),
            "block" => StmtKind::Block(self.block(node)),
            "labeled_statement" => {
                let label = field(ids().f_label)
                    .map(|l| self.text(l).to_string())
                    .unwrap_or_default();
                let inner = children(node)
                    .into_iter()
                    .find(|c| c.is_named() && c.kind() != "label_name" && c.kind() != "comment");
                match inner {
                    Some(s) => StmtKind::Labeled(label, Box::new(self.stmt(s))),
                    None => StmtKind::Other,
                }
            }
            "break_statement" | "continue_statement" | "goto_statement" | "fallthrough_statement" => {
                let word = node.kind().trim_end_matches("_statement").to_string();
                let label = children(node)
                    .into_iter()
                    .find(|c| c.kind() == "label_name")
                    .map(|l| self.text(l).to_string());
                StmtKind::Branch(word, label)
            }
            // A select case's `v, ok := <-ch`, `v = <-ch` or `<-ch`.
            "receive_statement" => {
                let right = field(ids().f_right)
                    .map(|r| self.cexpr(r))
                    .unwrap_or(Expr::Other(String::new()));
                match field(ids().f_left) {
                    Some(l) => StmtKind::Assign {
                        lhs: self.exprs(l),
                        op: if children(node).iter().any(|c| c.kind() == ":=") {
                            ":=".to_string()
                        } else {
                            "=".to_string()
                        },
                        rhs: vec![right],
                    },
                    None => StmtKind::Expr(right),
                }
            }
            "send_statement" => StmtKind::Send {
                channel: field(ids().f_channel)
                    .map(|c| self.cexpr(c))
                    .unwrap_or(Expr::Other(String::new())),
                value: field(ids().f_value)
                    .map(|v| self.cexpr(v))
                    .unwrap_or(Expr::Other(String::new())),
            },
            _ => StmtKind::Other,
        };
        Stmt { line, kind }
    }

    fn case_body(&self, case: Node) -> Block {
        let mut out = Vec::new();
        for child in children(case) {
            if child.kind() == "statement_list" {
                for s in children(child) {
                    self.stmt_into(s, &mut out);
                }
            }
        }
        out
    }

    /// `var`/`const` declarations, one statement per spec. A constant spec without a value repeats the previous
    /// spec's expression, with its own `iota`.
    fn var_stmts(&self, node: Node) -> Block {
        let mut out = Vec::new();
        let mut specs = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            for c in children(n).into_iter().rev() {
                match c.kind() {
                    "var_spec" | "const_spec" => specs.push(c),
                    "var_spec_list" => stack.push(c),
                    _ => {}
                }
            }
        }
        specs.reverse();
        let is_const = node.kind() == "const_declaration";
        let mut previous: Vec<Expr> = Vec::new();
        for (iota, spec) in specs.into_iter().enumerate() {
            let mut cursor = spec.walk();
            let names: Vec<String> = spec
                .children_by_field_id(super::field_id(ids().f_name), &mut cursor)
                .filter(|n| n.kind() == "identifier")
                .map(|n| self.text(n).to_string())
                .collect();
            let ty = spec.child_by_field_id(ids().f_type).map(|t| self.ty(t));
            let mut values = spec
                .child_by_field_id(ids().f_value)
                .map(|v| self.exprs(v))
                .unwrap_or_default();
            if is_const {
                if values.is_empty() {
                    values = previous.clone();
                } else {
                    previous = values.clone();
                }
                values = values.into_iter().map(|v| with_iota(v, iota)).collect();
            }
            out.push(Stmt {
                line: line_of(spec),
                kind: StmtKind::Var { names, ty, values },
            });
        }
        out
    }

    fn first_expr(&self, node: Node) -> Expr {
        children(node)
            .into_iter()
            .find(|c| c.is_named() && c.kind() != "comment")
            .map(|c| self.cexpr(c))
            .unwrap_or(Expr::Other(String::new()))
    }

    fn exprs(&self, list: Node) -> Vec<Expr> {
        children(list)
            .into_iter()
            .filter(|c| c.is_named() && c.kind() != "comment")
            .map(|c| self.cexpr(c))
            .collect()
    }

    fn cexpr(&self, node: Node) -> Expr {
        let sub = |id: u16| -> Box<Expr> {
            Box::new(
                node.child_by_field_id(id)
                    .map(|n| self.cexpr(n))
                    .unwrap_or(Expr::Other(String::new())),
            )
        };
        match node.kind() {
            "identifier" | "iota" | "true" | "false" | "nil" | "type_identifier" | "field_identifier"
            | "package_identifier" => Expr::Ident(self.text(node).to_string()),
            "int_literal" => Expr::Lit(LitKind::Int, self.text(node).to_string()),
            "float_literal" => Expr::Lit(LitKind::Float, self.text(node).to_string()),
            "imaginary_literal" => Expr::Lit(LitKind::Imaginary, self.text(node).to_string()),
            "rune_literal" => Expr::Lit(LitKind::Rune, self.text(node).to_string()),
            "interpreted_string_literal" | "raw_string_literal" => {
                Expr::Lit(LitKind::String, self.text(node).to_string())
            }
            "selector_expression" => Expr::Selector(
                sub(ids().f_operand),
                self.field_text(node, ids().f_field).unwrap_or_default(),
            ),
            "unary_expression" => Expr::Unary(
                self.field_text(node, ids().f_operator).unwrap_or_default(),
                sub(ids().f_operand),
            ),
            "binary_expression" => Expr::Binary(
                sub(ids().f_left),
                self.field_text(node, ids().f_operator).unwrap_or_default(),
                sub(ids().f_right),
            ),
            "parenthesized_expression" => Expr::Paren(Box::new(self.first_expr(node))),
            "call_expression" => {
                let mut fun = sub(ids().f_function);
                if let Some(targs) = node.child_by_field_id(ids().f_type_arguments) {
                    let types = children(targs)
                        .into_iter()
                        .filter(|n| n.is_named() && n.kind() != "comment")
                        .map(|n| Expr::Type(self.type_elem(n)))
                        .collect();
                    fun = Box::new(Expr::Index(fun, types));
                }
                let mut args = Vec::new();
                let mut ellipsis = false;
                if let Some(list) = node.child_by_field_id(ids().f_arguments) {
                    for arg in children(list).into_iter().filter(|a| a.is_named()) {
                        match arg.kind() {
                            "comment" => {}
                            "variadic_argument" => {
                                ellipsis = true;
                                args.push(self.first_expr(arg));
                            }
                            // `make([]T, n)`, `new(T)`: a type argument.
                            k if k.ends_with("_type") || k == "type_identifier" || k == "qualified_type" => {
                                args.push(Expr::Type(self.ty(arg)))
                            }
                            _ => args.push(self.cexpr(arg)),
                        }
                    }
                }
                Expr::Call { fun, args, ellipsis }
            }
            "type_conversion_expression" => Expr::Call {
                fun: Box::new(Expr::Type(
                    node.child_by_field_id(ids().f_type)
                        .map(|t| self.ty(t))
                        .unwrap_or(TypeExpr::Other(String::new())),
                )),
                args: vec![*sub(ids().f_operand)],
                ellipsis: false,
            },
            "type_instantiation_expression" => {
                let kids: Vec<Node> = children(node).into_iter().filter(|c| c.is_named()).collect();
                match kids.split_first() {
                    Some((base, args)) => Expr::Index(
                        Box::new(self.cexpr(*base)),
                        args.iter().map(|a| Expr::Type(self.type_elem(*a))).collect(),
                    ),
                    None => Expr::Other(self.text(node).to_string()),
                }
            }
            "index_expression" => Expr::Index(sub(ids().f_operand), vec![*sub(ids().f_index)]),
            "slice_expression" => Expr::Slice {
                operand: sub(ids().f_operand),
                start: node.child_by_field_id(ids().f_start).map(|s| Box::new(self.cexpr(s))),
                end: node.child_by_field_id(ids().f_end).map(|e| Box::new(self.cexpr(e))),
                max: node
                    .child_by_field_id(ids().f_capacity)
                    .map(|e| Box::new(self.cexpr(e))),
            },
            "type_assertion_expression" => Expr::TypeAssert(
                sub(ids().f_operand),
                node.child_by_field_id(ids().f_type).map(|t| self.ty(t)),
            ),
            "composite_literal" => Expr::Composite {
                ty: node.child_by_field_id(ids().f_type).map(|t| self.ty(t)),
                elements: node
                    .child_by_field_id(ids().f_body)
                    .map(|b| self.elements(b))
                    .unwrap_or_default(),
                line: line_of(node),
            },
            "literal_value" => Expr::Composite {
                ty: None,
                elements: self.elements(node),
                line: line_of(node),
            },
            "func_literal" => Expr::FuncLit {
                sig: Box::new(self.signature(node)),
                body: std::sync::Arc::new(
                    node.child_by_field_id(ids().f_body)
                        .map(|b| self.block(b))
                        .unwrap_or_default(),
                ),
                line: line_of(node),
            },
            k if k.ends_with("_type") || k == "qualified_type" => Expr::Type(self.ty(node)),
            _ => Expr::Other(self.text(node).to_string()),
        }
    }

    fn elements(&self, value: Node) -> Vec<Element> {
        let element = |n: Node| -> Expr {
            match children(n).into_iter().find(|c| c.is_named() && c.kind() != "comment") {
                Some(inner) => self.cexpr(inner),
                None => Expr::Other(String::new()),
            }
        };
        children(value)
            .into_iter()
            .filter_map(|c| match c.kind() {
                "keyed_element" => {
                    let key = c.child_by_field_id(ids().f_key).map(element)?;
                    let value = c.child_by_field_id(ids().f_value).map(element)?;
                    Some(Element { key: Some(key), value })
                }
                "literal_element" => Some(Element {
                    key: None,
                    value: element(c),
                }),
                _ => None,
            })
            .collect()
    }
}

/// A constant expression with `iota` replaced by its value in the spec.
fn with_iota(e: Expr, iota: usize) -> Expr {
    let f = |e: Box<Expr>| Box::new(with_iota(*e, iota));
    match e {
        Expr::Ident(name) if name == "iota" => Expr::Lit(LitKind::Int, iota.to_string()),
        Expr::Unary(op, x) => Expr::Unary(op, f(x)),
        Expr::Binary(l, op, r) => Expr::Binary(f(l), op, f(r)),
        Expr::Paren(x) => Expr::Paren(f(x)),
        Expr::Call { fun, args, ellipsis } => Expr::Call {
            fun,
            args: args.into_iter().map(|a| with_iota(a, iota)).collect(),
            ellipsis,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn a_declaration_read_on_its_own_is_the_declaration_the_whole_file_has() {
        // A function on line 2, on line 3 and deep in a file, and a var after it: each read from its lines alone
        // is what lowering the whole file gives, line numbers included.
        let func = "func f(fs *pflag.FlagSet) {\n\tfs.String(\"a\", \"\", \"x\")\n\n\tif fs != nil {\n\t\tfs.Int(\"b\", 1, \"y\")\n\t}\n}\n";
        let var = "var v = fs.Bool(\"c\", false, \"z\")\n";
        for filler in [0, 1, 4_000] {
            let src = format!("package p\n{}{func}// between\n{var}", "// filler\n".repeat(filler));
            let whole = lower_code(&parse(&src), &src);
            let starts = line_starts(&src);
            let line = filler as u32 + 2;
            let f = func_code_at(&src, &starts, line, line + 6).expect("the function");
            assert_eq!(
                Some(&f),
                whole.iter().find(|c| c.line == line),
                "function after {filler} lines"
            );
            assert_eq!(f.body[1].line, line + 3);
            let var_line = line + 8;
            let v = code_at_line(var, var_line);
            assert_eq!(
                v.first(),
                whole.iter().find(|c| c.line == var_line),
                "var after {filler} lines"
            );
        }
    }

    #[test]
    fn bodies_become_code() {
        let src = "package p\n\nfunc (o *Opts) AddFlags(fs *pflag.FlagSet, rest ...string) (n int) {\n\tfs.StringVar(&o.Name, \"name\", \"x\", \"usage\")\n\tfor _, f := range o.sets {\n\t\tfs.AddFlagSet(f)\n\t}\n\tif o.Debug {\n\t\treturn 1\n\t} else if true {\n\t}\n\tdefer func() { fs.VisitAll(func(f *pflag.Flag) { f.Deprecated = \"no\" }) }()\n\tswitch x := 2; x {\n\tcase 1, 2:\n\t\tn++\n\tdefault:\n\t}\n\treturn\n}\n\nvar root = &Cmd{Use: \"r\", Flags: []string{\"a\"}}\n";
        let code = lower_code(&parse(src), src);
        assert_eq!(code.len(), 2);
        let f = &code[0];
        assert_eq!(f.receiver.as_deref(), Some("o"));
        assert_eq!(f.params, ["fs", "rest"]);
        assert!(f.variadic);
        assert_eq!(f.results, ["n"]);
        let kinds: Vec<String> = f
            .body
            .iter()
            .map(|s| {
                format!("{:?}", s.kind)
                    .split([' ', '(', '{'])
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(kinds, ["Expr", "Range", "If", "Defer", "Switch", "Return"]);
        match &f.body[0].kind {
            StmtKind::Expr(e) => assert_eq!(e.to_string(), "fs.StringVar(&o.Name, \"name\", \"x\", \"usage\")"),
            other => panic!("{other:?}"),
        }
        match &code[1].body[0].kind {
            StmtKind::Var { names, values, .. } => {
                assert_eq!(names, &["root"]);
                assert_eq!(values[0].to_string(), "&Cmd{…}");
            }
            other => panic!("{other:?}"),
        }
    }
}
