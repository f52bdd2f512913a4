//! tree-sitter-go nodes to the owned declarations of `syntax.rs`. Nodes never leave this file.

use tree_sitter::{Node, Tree};

use crate::syntax::{
    ChanDir, Expr, Field, FileSyntax, FuncDecl, Import, InterfaceElem, LitKind, Param, Receiver,
    Signature, TypeDecl, TypeExpr, TypeParam, ValueDecl, ValueKind,
};

/// Lowers a parsed file. Parsing never fails: declarations inside error nodes are recovered where they are whole,
/// and the lines of syntax errors are recorded.
pub fn lower_file(tree: &Tree, src: &str) -> FileSyntax {
    let lower = Lower { src };
    let root = tree.root_node();
    let mut file = FileSyntax {
        lines: src.lines().count() as u32,
        ..FileSyntax::default()
    };
    lower.top_level(root, &mut file);
    if root.has_error() {
        collect_error_lines(root, &mut file.error_lines);
        file.error_lines.sort_unstable();
        file.error_lines.dedup();
    }
    file
}

fn collect_error_lines(node: Node, lines: &mut Vec<u32>) {
    if node.is_error() || node.is_missing() {
        lines.push(line_of(node));
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.has_error() {
            collect_error_lines(child, lines);
        }
    }
}

fn line_of(node: Node) -> u32 {
    node.start_position().row as u32 + 1
}

fn end_line_of(node: Node) -> u32 {
    node.end_position().row as u32 + 1
}

struct Lower<'a> {
    src: &'a str,
}

impl<'a> Lower<'a> {
    fn text(&self, node: Node) -> &'a str {
        &self.src[node.byte_range()]
    }

    fn field_text(&self, node: Node, field: &str) -> Option<String> {
        node.child_by_field_name(field)
            .map(|n| self.text(n).to_string())
    }

    fn top_level(&self, parent: Node, file: &mut FileSyntax) {
        let mut cursor = parent.walk();
        for node in parent.children(&mut cursor) {
            match node.kind() {
                "package_clause" => {
                    let mut inner = node.walk();
                    if let Some(name) = node
                        .named_children(&mut inner)
                        .find(|n| n.kind() == "package_identifier")
                    {
                        file.package = self.text(name).to_string();
                    }
                    file.package_line = line_of(node);
                    file.package_doc = self.doc_above(node);
                }
                "import_declaration" => self.imports(node, &mut file.imports),
                "function_declaration" | "method_declaration" => {
                    file.funcs.push(self.func_decl(node))
                }
                "type_declaration" => self.type_declaration(node, &mut file.types),
                "const_declaration" => self.const_declaration(node, &mut file.values),
                "var_declaration" => self.var_declaration(node, &mut file.values),
                // Declarations that follow a syntax error may be wrapped in an error node: keep the whole ones.
                "ERROR" => self.top_level(node, file),
                _ => {}
            }
        }
    }

    /// The doc comment of `node`: the comment group that ends on the line right above it, as `go/parser` groups
    /// comments (adjacent lines; a comment on the same line as the previous token belongs to that token).
    fn doc_above(&self, node: Node) -> Option<String> {
        let mut comments = Vec::new();
        let mut next_row = node.start_position().row;
        let mut sibling = node.prev_sibling();
        let prev_token_row = {
            let mut s = node.prev_sibling();
            while let Some(n) = s {
                if n.kind() != "comment" {
                    break;
                }
                s = n.prev_sibling();
            }
            s.map(|n| n.end_position().row)
        };
        while let Some(s) = sibling {
            if s.kind() != "comment" {
                break;
            }
            let end = s.end_position().row;
            let adjacent = if comments.is_empty() {
                end + 1 == next_row
            } else {
                end + 1 >= next_row
            };
            if !adjacent || Some(s.start_position().row) == prev_token_row {
                break;
            }
            comments.push(self.text(s));
            next_row = s.start_position().row;
            sibling = s.prev_sibling();
        }
        if comments.is_empty() {
            return None;
        }
        comments.reverse();
        let text = comment_text(&comments);
        (!text.is_empty()).then_some(text)
    }

    fn imports(&self, node: Node, out: &mut Vec<Import>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "import_spec" => {
                    let Some(path) = child.child_by_field_name("path") else {
                        continue;
                    };
                    out.push(Import {
                        path: unquote(self.text(path)),
                        alias: self.field_text(child, "name"),
                        line: line_of(child),
                    });
                }
                "import_spec_list" => self.imports(child, out),
                _ => {}
            }
        }
    }

    fn func_decl(&self, node: Node) -> FuncDecl {
        let receiver = node.child_by_field_name("receiver").and_then(|list| {
            let mut cursor = list.walk();
            let param = list
                .named_children(&mut cursor)
                .find(|n| n.kind() == "parameter_declaration")?;
            Some(Receiver {
                name: self.field_text(param, "name"),
                ty: self.ty(param.child_by_field_name("type")?),
            })
        });
        FuncDecl {
            name: self.field_text(node, "name").unwrap_or_default(),
            line: line_of(node),
            end_line: end_line_of(node),
            doc: self.doc_above(node),
            receiver,
            type_params: self.type_params(node),
            sig: self.signature(node),
        }
    }

    fn type_params(&self, node: Node) -> Vec<TypeParam> {
        let Some(list) = node.child_by_field_name("type_parameters") else {
            return Vec::new();
        };
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|n| n.kind() == "type_parameter_declaration")
            .map(|decl| {
                let mut inner = decl.walk();
                TypeParam {
                    names: decl
                        .children_by_field_name("name", &mut inner)
                        .map(|n| self.text(n).to_string())
                        .collect(),
                    constraint: decl
                        .child_by_field_name("type")
                        .map(|c| self.type_elem(c))
                        .unwrap_or_else(|| TypeExpr::Other(String::new())),
                }
            })
            .collect()
    }

    /// A signature from any node with `parameters` and `result` fields.
    fn signature(&self, node: Node) -> Signature {
        let params = node
            .child_by_field_name("parameters")
            .map(|list| self.params(list))
            .unwrap_or_default();
        let results = match node.child_by_field_name("result") {
            Some(list) if list.kind() == "parameter_list" => self.params(list),
            Some(ty) => vec![Param {
                names: Vec::new(),
                ty: self.ty(ty),
            }],
            None => Vec::new(),
        };
        Signature { params, results }
    }

    fn params(&self, list: Node) -> Vec<Param> {
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter_map(|decl| {
                let ty = self.ty(decl.child_by_field_name("type")?);
                let mut inner = decl.walk();
                let names = decl
                    .children_by_field_name("name", &mut inner)
                    .map(|n| self.text(n).to_string())
                    .collect();
                match decl.kind() {
                    "parameter_declaration" => Some(Param { names, ty }),
                    "variadic_parameter_declaration" => Some(Param {
                        names,
                        ty: TypeExpr::Ellipsis(Box::new(ty)),
                    }),
                    _ => None,
                }
            })
            .collect()
    }

    fn type_declaration(&self, node: Node, out: &mut Vec<TypeDecl>) {
        let grouped = has_token(node, "(");
        let decl_doc = if grouped { None } else { self.doc_above(node) };
        let mut cursor = node.walk();
        for spec in node.named_children(&mut cursor) {
            let alias = match spec.kind() {
                "type_spec" => false,
                "type_alias" => true,
                _ => continue,
            };
            let Some(name) = spec.child_by_field_name("name") else {
                continue;
            };
            let ty = spec
                .child_by_field_name("type")
                .map(|t| self.ty(t))
                .unwrap_or_else(|| TypeExpr::Other(String::new()));
            out.push(TypeDecl {
                name: self.text(name).to_string(),
                line: line_of(name),
                end_line: end_line_of(spec),
                doc: self.doc_above(spec).or_else(|| decl_doc.clone()),
                type_params: self.type_params(spec),
                alias,
                ty,
            });
        }
    }

    fn const_declaration(&self, node: Node, out: &mut Vec<ValueDecl>) {
        let grouped = has_token(node, "(");
        let decl_doc = if grouped { None } else { self.doc_above(node) };
        let mut previous: (Option<TypeExpr>, Vec<Expr>) = (None, Vec::new());
        let mut cursor = node.walk();
        let specs = node
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "const_spec");
        for (iota, spec) in specs.enumerate() {
            if let Some(values) = spec.child_by_field_name("value") {
                previous = (
                    spec.child_by_field_name("type").map(|t| self.ty(t)),
                    self.expr_list(values),
                );
            }
            let doc = self.doc_above(spec).or_else(|| decl_doc.clone());
            let mut inner = spec.walk();
            let names = spec
                .children_by_field_name("name", &mut inner)
                .filter(|n| n.kind() == "identifier");
            for (i, name) in names.enumerate() {
                out.push(ValueDecl {
                    kind: ValueKind::Const,
                    name: self.text(name).to_string(),
                    line: line_of(name),
                    doc: doc.clone(),
                    ty: previous.0.clone(),
                    value: previous.1.get(i).cloned(),
                    iota: iota as u32,
                });
            }
        }
    }

    fn var_declaration(&self, node: Node, out: &mut Vec<ValueDecl>) {
        let grouped = node
            .named_child(0)
            .is_some_and(|n| n.kind() == "var_spec_list");
        let decl_doc = if grouped { None } else { self.doc_above(node) };
        let mut specs = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "var_spec" => specs.push(child),
                "var_spec_list" => {
                    let mut inner = child.walk();
                    specs.extend(
                        child
                            .named_children(&mut inner)
                            .filter(|n| n.kind() == "var_spec"),
                    );
                }
                _ => {}
            }
        }
        for spec in specs {
            let ty = spec.child_by_field_name("type").map(|t| self.ty(t));
            let values = spec
                .child_by_field_name("value")
                .map(|v| self.expr_list(v))
                .unwrap_or_default();
            let doc = self.doc_above(spec).or_else(|| decl_doc.clone());
            let mut inner = spec.walk();
            for (i, name) in spec.children_by_field_name("name", &mut inner).enumerate() {
                out.push(ValueDecl {
                    kind: ValueKind::Var,
                    name: self.text(name).to_string(),
                    line: line_of(name),
                    doc: doc.clone(),
                    ty: ty.clone(),
                    value: values.get(i).cloned(),
                    iota: 0,
                });
            }
        }
    }

    fn expr_list(&self, list: Node) -> Vec<Expr> {
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .map(|n| self.expr(n))
            .collect()
    }

    fn ty(&self, node: Node) -> TypeExpr {
        let child_ty = |field: &str| -> Box<TypeExpr> {
            Box::new(
                node.child_by_field_name(field)
                    .map(|n| self.ty(n))
                    .unwrap_or_else(|| TypeExpr::Other(String::new())),
            )
        };
        match node.kind() {
            "type_identifier" | "identifier" => TypeExpr::name(self.text(node)),
            "qualified_type" => TypeExpr::Name {
                pkg: self.field_text(node, "package"),
                name: self.field_text(node, "name").unwrap_or_default(),
            },
            "selector_expression" => TypeExpr::Name {
                pkg: self.field_text(node, "operand"),
                name: self.field_text(node, "field").unwrap_or_default(),
            },
            "generic_type" => {
                let args = node
                    .child_by_field_name("type_arguments")
                    .map(|list| {
                        let mut cursor = list.walk();
                        list.named_children(&mut cursor)
                            .filter(|n| n.kind() != "comment")
                            .map(|n| self.type_elem(n))
                            .collect()
                    })
                    .unwrap_or_default();
                TypeExpr::Generic {
                    base: child_ty("type"),
                    args,
                }
            }
            "pointer_type" => TypeExpr::Pointer(Box::new(self.first_named_ty(node))),
            "parenthesized_type" => TypeExpr::Paren(Box::new(self.first_named_ty(node))),
            "negated_type" => TypeExpr::Tilde(Box::new(self.first_named_ty(node))),
            "slice_type" => TypeExpr::Slice(child_ty("element")),
            "array_type" => TypeExpr::Array {
                len: node
                    .child_by_field_name("length")
                    .map(|n| Box::new(self.expr(n))),
                elem: child_ty("element"),
            },
            "implicit_length_array_type" => TypeExpr::Array {
                len: None,
                elem: child_ty("element"),
            },
            "map_type" => TypeExpr::Map {
                key: child_ty("key"),
                value: child_ty("value"),
            },
            "channel_type" => {
                let dir = if node.child(0).is_some_and(|c| c.kind() == "<-") {
                    ChanDir::Recv
                } else if has_token(node, "<-") {
                    ChanDir::Send
                } else {
                    ChanDir::Both
                };
                TypeExpr::Chan {
                    dir,
                    elem: child_ty("value"),
                }
            }
            "function_type" => TypeExpr::Func(Box::new(self.signature(node))),
            "struct_type" => TypeExpr::Struct(self.struct_fields(node)),
            "interface_type" => TypeExpr::Interface(self.interface_elems(node)),
            "type_elem" | "type_constraint" => self.type_elem(node),
            _ => TypeExpr::Other(collapse_space(self.text(node))),
        }
    }

    fn first_named_ty(&self, node: Node) -> TypeExpr {
        let mut cursor = node.walk();
        let inner = node
            .named_children(&mut cursor)
            .find(|n| n.kind() != "comment");
        inner
            .map(|n| self.ty(n))
            .unwrap_or_else(|| TypeExpr::Other(String::new()))
    }

    /// A `type_elem`: one type, or a union of terms separated by `|`.
    fn type_elem(&self, node: Node) -> TypeExpr {
        if !matches!(node.kind(), "type_elem" | "type_constraint") {
            return self.ty(node);
        }
        let mut cursor = node.walk();
        let mut terms: Vec<TypeExpr> = node
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .map(|n| self.ty(n))
            .collect();
        match terms.len() {
            1 => terms.remove(0),
            _ => TypeExpr::Union(terms),
        }
    }

    fn struct_fields(&self, node: Node) -> Vec<Field> {
        let mut cursor = node.walk();
        let Some(list) = node
            .named_children(&mut cursor)
            .find(|n| n.kind() == "field_declaration_list")
        else {
            return Vec::new();
        };
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|n| n.kind() == "field_declaration")
            .map(|decl| {
                let mut inner = decl.walk();
                let names: Vec<String> = decl
                    .children_by_field_name("name", &mut inner)
                    .map(|n| self.text(n).to_string())
                    .collect();
                let mut ty = decl
                    .child_by_field_name("type")
                    .map(|t| self.ty(t))
                    .unwrap_or_else(|| TypeExpr::Other(String::new()));
                if names.is_empty() && decl.child(0).is_some_and(|c| c.kind() == "*") {
                    ty = TypeExpr::Pointer(Box::new(ty));
                }
                Field {
                    names,
                    ty,
                    tag: self.field_text(decl, "tag"),
                    doc: self.doc_above(decl),
                    line: line_of(decl),
                }
            })
            .collect()
    }

    fn interface_elems(&self, node: Node) -> Vec<InterfaceElem> {
        let mut cursor = node.walk();
        node.named_children(&mut cursor)
            .filter_map(|elem| match elem.kind() {
                "method_elem" => Some(InterfaceElem::Method {
                    name: self.field_text(elem, "name").unwrap_or_default(),
                    sig: self.signature(elem),
                    doc: self.doc_above(elem),
                    line: line_of(elem),
                }),
                "type_elem" => Some(InterfaceElem::Embed(self.type_elem(elem))),
                _ => None,
            })
            .collect()
    }

    pub fn expr(&self, node: Node) -> Expr {
        let sub = |field: &str| -> Box<Expr> {
            Box::new(
                node.child_by_field_name(field)
                    .map(|n| self.expr(n))
                    .unwrap_or_else(|| Expr::Other(String::new())),
            )
        };
        match node.kind() {
            "identifier" | "iota" | "true" | "false" | "nil" | "type_identifier"
            | "field_identifier" | "package_identifier" => Expr::Ident(self.text(node).to_string()),
            "int_literal" => Expr::Lit(LitKind::Int, self.text(node).to_string()),
            "float_literal" => Expr::Lit(LitKind::Float, self.text(node).to_string()),
            "imaginary_literal" => Expr::Lit(LitKind::Imaginary, self.text(node).to_string()),
            "rune_literal" => Expr::Lit(LitKind::Rune, self.text(node).to_string()),
            "interpreted_string_literal" | "raw_string_literal" => {
                Expr::Lit(LitKind::String, self.text(node).to_string())
            }
            "selector_expression" => Expr::Selector(
                sub("operand"),
                self.field_text(node, "field").unwrap_or_default(),
            ),
            "unary_expression" => Expr::Unary(
                self.field_text(node, "operator").unwrap_or_default(),
                sub("operand"),
            ),
            "binary_expression" => Expr::Binary(
                sub("left"),
                self.field_text(node, "operator").unwrap_or_default(),
                sub("right"),
            ),
            "parenthesized_expression" => {
                let mut cursor = node.walk();
                let inner = node
                    .named_children(&mut cursor)
                    .find(|n| n.kind() != "comment");
                Expr::Paren(Box::new(
                    inner
                        .map(|n| self.expr(n))
                        .unwrap_or(Expr::Other(String::new())),
                ))
            }
            "call_expression" => {
                let mut fun = sub("function");
                if let Some(targs) = node.child_by_field_name("type_arguments") {
                    let mut cursor = targs.walk();
                    let types = targs
                        .named_children(&mut cursor)
                        .filter(|n| n.kind() != "comment")
                        .map(|n| Expr::Type(self.type_elem(n)))
                        .collect();
                    fun = Box::new(Expr::Index(fun, types));
                }
                let mut args = Vec::new();
                let mut ellipsis = false;
                if let Some(list) = node.child_by_field_name("arguments") {
                    let mut cursor = list.walk();
                    for arg in list.named_children(&mut cursor) {
                        match arg.kind() {
                            "comment" => {}
                            "variadic_argument" => {
                                ellipsis = true;
                                if let Some(e) = arg.named_child(0) {
                                    args.push(self.expr(e));
                                }
                            }
                            _ => args.push(self.expr(arg)),
                        }
                    }
                }
                Expr::Call {
                    fun,
                    args,
                    ellipsis,
                }
            }
            "type_conversion_expression" => Expr::Call {
                fun: Box::new(Expr::Type(
                    node.child_by_field_name("type")
                        .map(|t| self.ty(t))
                        .unwrap_or_else(|| TypeExpr::Other(String::new())),
                )),
                args: vec![*sub("operand")],
                ellipsis: false,
            },
            "index_expression" => Expr::Index(sub("operand"), vec![*sub("index")]),
            "type_instantiation_expression" => {
                let mut cursor = node.walk();
                let mut parts = node
                    .named_children(&mut cursor)
                    .filter(|n| n.kind() != "comment");
                let base = parts
                    .next()
                    .map(|n| self.expr(n))
                    .unwrap_or(Expr::Other(String::new()));
                let args = parts.map(|n| Expr::Type(self.ty(n))).collect();
                Expr::Index(Box::new(base), args)
            }
            "composite_literal" => {
                Expr::CompositeLit(node.child_by_field_name("type").map(|t| self.ty(t)))
            }
            "func_literal" => Expr::FuncLit(Box::new(self.signature(node))),
            "qualified_type" | "pointer_type" | "slice_type" | "array_type" | "map_type"
            | "channel_type" | "function_type" | "struct_type" | "interface_type"
            | "generic_type" | "parenthesized_type" => Expr::Type(self.ty(node)),
            _ => Expr::Other(collapse_space(self.text(node))),
        }
    }
}

fn has_token(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == token);
    found
}

fn collapse_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a Go string literal used as an import path.
fn unquote(literal: &str) -> String {
    let inner = literal
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| literal.strip_prefix('`').and_then(|s| s.strip_suffix('`')))
        .unwrap_or(literal);
    inner.to_string()
}

/// The text of a comment group as `go/ast.CommentGroup.Text` gives it: comment markers removed, one leading space
/// of `//` comments removed, directives such as `//go:generate` dropped, leading and trailing blank lines removed
/// and runs of blank lines folded into one.
pub fn comment_text(comments: &[&str]) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for comment in comments {
        let body = if let Some(rest) = comment.strip_prefix("//") {
            match rest.strip_prefix(' ') {
                Some(stripped) => stripped,
                None if is_directive(rest) => continue,
                None => rest,
            }
        } else {
            comment
                .strip_prefix("/*")
                .and_then(|s| s.strip_suffix("*/"))
                .unwrap_or(comment)
        };
        lines.extend(
            body.split('\n')
                .map(|l| l.trim_end_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])),
        );
    }
    let mut out: Vec<&str> = Vec::new();
    for line in lines {
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// `go/ast`'s test for comment directives: `//line `, `//extern `, `//export `, or `//[a-z0-9]+:[a-z0-9]`.
fn is_directive(rest: &str) -> bool {
    if rest.starts_with("line ") || rest.starts_with("extern ") || rest.starts_with("export ") {
        return true;
    }
    let Some(colon) = rest.find(':') else {
        return false;
    };
    if colon == 0 || colon + 1 >= rest.len() {
        return false;
    }
    let is_word = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    rest.as_bytes()[..colon].iter().all(|&b| is_word(b)) && is_word(rest.as_bytes()[colon + 1])
}
