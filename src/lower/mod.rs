//! tree-sitter-go nodes to the owned declarations of `syntax.rs`, and (`code.rs`) to function bodies as code.
//! Nodes never leave this module.

mod code;

pub use code::{code_at_line, func_code_at, line_starts, lines_at, lower_code};

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::{Node, Tree};

use crate::syntax::{
    Access, Body, Call, Case, ChanDir, Expr, Field, FieldUse, FileSyntax, FuncDecl, Import, IndexAssign, InterfaceElem,
    KeyedValue, LitKind, Literal, Param, Receiver, ShiftLines, Signature, Switch, TypeDecl, TypeExpr, TypeParam,
    ValueDecl, ValueKind,
};

/// Which body facts to keep, by name. Topics derive it from their definitions (`topics::body_query`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct BodyQuery {
    /// Calls whose function's last name is one of these, with at least that many arguments: `AddCommand`
    /// keeps `cmd.AddCommand(x)`.
    pub calls: BTreeMap<String, usize>,
    /// Composite literals whose type's name is one of these (`Command` keeps `&cobra.Command{...}` and
    /// `[]*cobra.Command{...}`).
    pub literal_types: BTreeSet<String>,
    /// Functions and methods whose returns are kept; returns are also kept for any function whose result
    /// type's name is in `literal_types`.
    pub returns_of: BTreeSet<String>,
    /// Functions and methods whose switch statements are kept.
    pub switches_of: BTreeSet<String>,
    /// Returns are also kept for functions with a result of one of these type names (`RateLimiter`), to see
    /// which concrete type they construct.
    pub returns_for_results: BTreeSet<String>,
    /// The untyped elements of a literal of the first type are literals of the second, for named slice types
    /// the lowering cannot see through (`VersionedSpecs{{...}}` holds `FeatureSpec`s).
    pub element_types: BTreeMap<String, String>,
    /// Functions whose `m[key] = value` assignments are kept (`controllers["endpoint"] = startEndpointController`).
    pub index_assignments_of: BTreeSet<String>,
    /// Composite literals assigned to a variable of one of these names are kept whatever their type
    /// (`var AllOrderedPlugins = []string{...}`).
    pub list_vars: BTreeSet<String>,
    /// Types whose methods keep the uses of the receiver's fields (`Type`, the workqueue's FIFO).
    pub receivers_of: BTreeSet<String>,
}

impl BodyQuery {
    /// A stable fingerprint, part of the cache format: a different query must not read old facts.
    pub fn fingerprint(&self) -> String {
        let mut text = String::new();
        for (name, min_args) in &self.calls {
            text.push_str(&format!("call {name} {min_args}\n"));
        }
        for (label, set) in [
            ("literals", &self.literal_types),
            ("returns", &self.returns_of),
            ("switches", &self.switches_of),
            ("results", &self.returns_for_results),
        ] {
            text.push_str(label);
            for name in set {
                text.push(' ');
                text.push_str(name);
            }
            text.push('\n');
        }
        for (container, element) in &self.element_types {
            text.push_str(&format!("elements {container} {element}\n"));
        }
        for (label, set) in [
            ("index", &self.index_assignments_of),
            ("lists", &self.list_vars),
            ("receivers", &self.receivers_of),
        ] {
            text.push_str(label);
            for name in set {
                text.push(' ');
                text.push_str(name);
            }
            text.push('\n');
        }
        blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
    }
}

/// Lowers a parsed file. Parsing never fails: declarations inside error nodes are recovered where they are whole,
/// and the lines of syntax errors are recorded.
pub fn lower_file(tree: &Tree, src: &str, query: &BodyQuery) -> FileSyntax {
    lower_revision(tree, src, query, None).0
}

/// Where the facts of each top-level declaration of a file lie in its `FileSyntax`; empty for a file with a
/// syntax error, whose declarations may be cut by it.
#[derive(Default)]
pub struct DeclIndex(Vec<Decl>);

struct Decl {
    /// The declaration's text, from the end of the token before it: with its doc comment, and with the line breaks
    /// that decide which comments are its doc. Two declarations with the same such text have the same facts but
    /// for their lines.
    text: std::ops::Range<usize>,
    row: usize,
    /// In `package main`, bodies keep every call (`BodyVisit::all_calls`).
    all_calls: bool,
    funcs: std::ops::Range<usize>,
    types: std::ops::Range<usize>,
    values: std::ops::Range<usize>,
    var_inits: std::ops::Range<usize>,
}

/// The previous revision of a file, as `lower_revision` reuses it.
pub struct Previous<'p> {
    pub src: &'p str,
    pub syntax: &'p FileSyntax,
    pub index: &'p DeclIndex,
}

/// Lowers a file as `lower_file` does, and indexes its declarations. A declaration found unchanged in `previous`
/// (the same file in another revision of the tree) takes its facts from there, moved to its own lines, instead of
/// being lowered again: in a diff most declarations of a changed file are unchanged.
pub fn lower_revision(
    tree: &Tree,
    src: &str,
    query: &BodyQuery,
    previous: Option<Previous>,
) -> (FileSyntax, DeclIndex) {
    let root = tree.root_node();
    let reuse = previous.filter(|_| !root.has_error()).map(|previous| {
        let by_text = previous
            .index
            .0
            .iter()
            .map(|decl| (&previous.src[decl.text.clone()], decl))
            .collect();
        Reuse { previous, by_text }
    });
    let lower = Lower {
        src,
        query,
        all_calls: std::cell::Cell::new(false),
    };
    let mut file = FileSyntax {
        lines: line_count(src),
        ..FileSyntax::default()
    };
    let mut index = DeclIndex::default();
    if root.has_error() {
        lower.top_level(root, &mut file, None, None);
        collect_error_lines(root, &mut file.error_lines);
        file.error_lines.sort_unstable();
        file.error_lines.dedup();
    } else {
        lower.top_level(root, &mut file, Some(&mut index), reuse.as_ref());
    }
    (file, index)
}

/// The declarations of a file's previous revision, by text.
struct Reuse<'p> {
    previous: Previous<'p>,
    by_text: crate::HashMap<&'p str, &'p Decl>,
}

impl Reuse<'_> {
    /// Copies the facts of the previous revision's declaration with text `text` into `file`, moved to `row`.
    fn copy(&self, text: &str, row: usize, all_calls: bool, file: &mut FileSyntax) -> bool {
        let Some(decl) = self.by_text.get(text).filter(|d| d.all_calls == all_calls) else {
            return false;
        };
        let by = row as i32 - decl.row as i32;
        let syntax = self.previous.syntax;
        copy_moved(&mut file.funcs, &syntax.funcs[decl.funcs.clone()], by);
        copy_moved(&mut file.types, &syntax.types[decl.types.clone()], by);
        copy_moved(&mut file.values, &syntax.values[decl.values.clone()], by);
        copy_moved(&mut file.var_inits, &syntax.var_inits[decl.var_inits.clone()], by);
        true
    }
}

fn copy_moved<T: Clone + ShiftLines>(into: &mut Vec<T>, items: &[T], by: i32) {
    let start = into.len();
    into.extend_from_slice(items);
    for item in &mut into[start..] {
        item.shift_lines(by);
    }
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
    query: &'a BodyQuery,
    all_calls: std::cell::Cell<bool>,
}

impl<'a> Lower<'a> {
    fn text(&self, node: Node) -> &'a str {
        &self.src[node.byte_range()]
    }

    fn field_text(&self, node: Node, field: u16) -> Option<String> {
        node.child_by_field_id(field).map(|n| self.text(n).to_string())
    }

    /// The top-level declarations under `parent`, indexed into `index` when given, and taken from `reuse` when
    /// they are unchanged there.
    fn top_level(&self, parent: Node, file: &mut FileSyntax, mut index: Option<&mut DeclIndex>, reuse: Option<&Reuse>) {
        let children = children(parent);
        for (i, &node) in children.iter().enumerate() {
            let before = &children[..i];
            let declares = matches!(
                node.kind(),
                "function_declaration"
                    | "method_declaration"
                    | "type_declaration"
                    | "const_declaration"
                    | "var_declaration"
            );
            let Some(index) = index.as_deref_mut().filter(|_| declares) else {
                self.declaration(node, before, file);
                continue;
            };
            let start = before
                .iter()
                .rev()
                .find(|n| n.kind() != "comment")
                .map_or(0, |n| n.end_byte());
            let text = start..node.end_byte();
            let row = node.start_position().row;
            let all_calls = self.all_calls.get();
            let counts = (
                file.funcs.len(),
                file.types.len(),
                file.values.len(),
                file.var_inits.len(),
            );
            if !reuse.is_some_and(|r| r.copy(&self.src[text.clone()], row, all_calls, file)) {
                self.declaration(node, before, file);
            }
            index.0.push(Decl {
                text,
                row,
                all_calls,
                funcs: counts.0..file.funcs.len(),
                types: counts.1..file.types.len(),
                values: counts.2..file.values.len(),
                var_inits: counts.3..file.var_inits.len(),
            });
        }
    }

    /// One top-level node, with the siblings before it.
    fn declaration(&self, node: Node, before: &[Node], file: &mut FileSyntax) {
        match node.kind() {
            "package_clause" => {
                let mut inner = node.walk();
                if let Some(name) = node
                    .named_children(&mut inner)
                    .find(|n| n.kind() == "package_identifier")
                {
                    file.package = self.text(name).to_string();
                    self.all_calls.set(file.package == "main");
                }
                file.package_line = line_of(node);
                file.package_doc = self.doc_above(node, before);
                // gengo reads a package's tags from every comment before the package clause (of doc.go).
                let comments: Vec<&str> = before
                    .iter()
                    .filter(|n| n.kind() == "comment")
                    .map(|n| self.text(*n))
                    .collect();
                file.package_tags = comments
                    .iter()
                    .flat_map(|c| comment_text(&[c]).lines().map(str::to_string).collect::<Vec<_>>())
                    .filter_map(|l| l.trim().strip_prefix('+').map(str::to_string))
                    .collect();
            }
            "import_declaration" => self.imports(node, &mut file.imports),
            "function_declaration" | "method_declaration" => file.funcs.push(self.func_decl(node, before)),
            "type_declaration" => self.type_declaration(node, before, &mut file.types),
            "const_declaration" => self.const_declaration(node, before, &mut file.values),
            "var_declaration" => {
                let first = file.values.len();
                self.var_declaration(node, before, &mut file.values);
                self.var_init(node, file, first);
            }
            // Declarations that follow a syntax error may be wrapped in an error node: keep the whole ones.
            "ERROR" => self.top_level(node, file, None, None),
            _ => {}
        }
    }

    /// The code-generator tags above `node` (`+k8s:prerelease-lifecycle-gen:introduced=1.8`), as gengo reads
    /// them: the `+` lines of the comment group right above it and of the group before that one, when a single
    /// blank line separates the two (tags are often written apart from the doc comment).
    fn tags_above(&self, node: Node, before: &[Node]) -> Vec<String> {
        // The runs of comments on consecutive lines above `node`, nearest first: (first row, last row, texts).
        let mut runs: Vec<(usize, usize, Vec<&str>)> = Vec::new();
        for &c in before.iter().rev().take_while(|n| n.kind() == "comment") {
            let (start, end) = (c.start_position().row, c.end_position().row);
            if let Some(run) = runs.last_mut().filter(|run| end + 1 == run.0) {
                run.0 = start;
                run.2.push(self.text(c));
            } else if runs.len() == 2 {
                break;
            } else {
                runs.push((start, end, vec![self.text(c)]));
            }
        }
        let row = node.start_position().row;
        let mut chosen = Vec::new();
        let mut above = row;
        for (n, run) in runs.iter().enumerate() {
            // The closest group ends right above; the second closest two lines above the closest (or the node).
            if run.1 + 1 == above && n == 0 {
                chosen.push(run);
                above = run.0;
            } else if run.1 + 2 == above {
                chosen.push(run);
                break;
            } else {
                break;
            }
        }
        let mut tags = Vec::new();
        for run in chosen.iter().rev() {
            let texts: Vec<&str> = run.2.iter().rev().copied().collect();
            for line in comment_text(&texts).lines() {
                if let Some(tag) = line.trim().strip_prefix('+') {
                    tags.push(tag.to_string());
                }
            }
        }
        tags
    }

    /// The doc comment of `node`: the comment group that ends on the line right above it, as `go/parser` groups
    /// comments (adjacent lines; a comment on the same line as the previous token belongs to that token).
    /// `before` holds the siblings before `node`, from `children`: `Node::prev_sibling` would walk the parent's
    /// children from the first one on every call, quadratic over a file of many declarations.
    fn doc_above(&self, node: Node, before: &[Node]) -> Option<String> {
        let mut comments = Vec::new();
        let mut next_row = node.start_position().row;
        let prev_token_row = before
            .iter()
            .rev()
            .find(|n| n.kind() != "comment")
            .map(|n| n.end_position().row);
        for &s in before.iter().rev() {
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
                    let Some(path) = child.child_by_field_id(ids().f_path) else {
                        continue;
                    };
                    out.push(Import {
                        path: unquote(self.text(path)),
                        alias: self.field_text(child, ids().f_name),
                        line: line_of(child),
                    });
                }
                "import_spec_list" => self.imports(child, out),
                _ => {}
            }
        }
    }

    fn func_decl(&self, node: Node, before: &[Node]) -> FuncDecl {
        let receiver = node.child_by_field_id(ids().f_receiver).and_then(|list| {
            let mut cursor = list.walk();
            let param = list
                .named_children(&mut cursor)
                .find(|n| n.kind() == "parameter_declaration")?;
            Some(Receiver {
                name: self.field_text(param, ids().f_name),
                ty: self.ty(param.child_by_field_id(ids().f_type)?),
            })
        });
        let name = self.field_text(node, ids().f_name).unwrap_or_default();
        let sig = self.signature(node);
        let mut body = Body::default();
        if let Some(block) = node.child_by_field_id(ids().f_body) {
            // A constructor of a queried type (`func NewCmdFoo() *cobra.Command`) keeps every call it makes:
            // what it returns is often built by another constructor.
            let constructor = sig
                .results
                .iter()
                .any(|r| type_base_name(&r.ty).is_some_and(|n| self.query.literal_types.contains(n)));
            let wants_returns = constructor
                || self.query.returns_of.contains(&name)
                || sig
                    .results
                    .iter()
                    .any(|r| type_base_name(&r.ty).is_some_and(|n| self.query.returns_for_results.contains(n)));
            let visit = BodyVisit {
                all_calls: self.all_calls.get() || constructor,
                receiver: receiver
                    .as_ref()
                    .filter(|r| type_base_name(&r.ty).is_some_and(|n| self.query.receivers_of.contains(n)))
                    .and_then(|r| r.name.clone())
                    .filter(|n| n != "_"),
                wants_returns,
                wants_switches: self.query.switches_of.contains(&name),
                wants_index_assignments: self.query.index_assignments_of.contains(&name),
            };
            self.visit_body(block, &visit, &mut body);
            body.receiver_fields.sort();
            body.receiver_fields
                .dedup_by(|a, b| a.field == b.field && a.access == b.access && a.method == b.method);
        }
        FuncDecl {
            name,
            line: line_of(node),
            end_line: end_line_of(node),
            doc: self.doc_above(node, before),
            receiver,
            type_params: self.type_params(node),
            sig,
            body,
        }
    }

    /// Walks a function body once, with one cursor, keeping what the query asks for. `ancestors` holds the
    /// chain from the body down to the current node's parent, so no lookup walks back up the tree.
    fn visit_body(&self, block: Node<'a>, visit: &BodyVisit, body: &mut Body) {
        let k = ids();
        let mut cursor = block.walk();
        let mut ancestors: Vec<Node<'a>> = Vec::new();
        loop {
            let n = cursor.node();
            if n.is_named() {
                let kind = n.kind_id();
                if kind == k.call {
                    self.body_call(n, &ancestors, visit, body);
                } else if kind == k.selector {
                    if let Some(receiver) = &visit.receiver {
                        self.receiver_field(n, &ancestors, receiver, body);
                    }
                } else if kind == k.composite {
                    self.body_literal(n, &ancestors, body);
                } else if kind == k.ret && visit.wants_returns {
                    let exprs = n
                        .named_child(0)
                        .filter(|c| c.kind_id() == k.expr_list)
                        .map(|list| self.expr_list(list))
                        .unwrap_or_default();
                    body.returns.push((line_of(n), exprs));
                } else if (kind == k.expr_switch || kind == k.type_switch) && visit.wants_switches {
                    body.switches.push(self.switch(n));
                } else if kind == k.assign && visit.wants_index_assignments {
                    self.index_assignment(n, &ancestors, body);
                }
            }
            if cursor.goto_first_child() {
                ancestors.push(n);
                continue;
            }
            loop {
                if ancestors.is_empty() {
                    return;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                cursor.goto_parent();
                ancestors.pop();
            }
        }
    }

    /// `m[key] = value`, one target and one value, with the condition of the `if` it is in.
    fn index_assignment(&self, node: Node, ancestors: &[Node], body: &mut Body) {
        let k = ids();
        let single = |field| {
            let list = node.child_by_field_id(field)?;
            (list.named_child_count() == 1).then(|| list.named_child(0)).flatten()
        };
        let (Some(left), Some(right)) = (single(k.f_left), single(k.f_right)) else {
            return;
        };
        if left.kind_id() != k.index || has_token(node, ":=") {
            return;
        }
        let Expr::Index(target, mut keys) = self.expr(left) else {
            return;
        };
        if keys.len() != 1 {
            return;
        }
        let guard = ancestors
            .iter()
            .rev()
            .find(|a| a.kind() == "if_statement")
            .and_then(|a| a.child_by_field_id(ids().f_condition))
            .map(|c| self.text(c).split_whitespace().collect::<Vec<_>>().join(" "));
        body.index_assignments.push(IndexAssign {
            line: line_of(node),
            target: *target,
            key: keys.remove(0),
            value: self.expr(right),
            guard,
        });
    }

    fn body_call(&self, node: Node<'a>, ancestors: &[Node<'a>], visit: &BodyVisit, body: &mut Body) {
        let k = ids();
        let Some(function) = node.child_by_field_id(k.f_function) else {
            return;
        };
        let name = if function.kind_id() == k.identifier {
            self.text(function)
        } else if function.kind_id() == k.selector {
            function.child_by_field_id(k.f_field).map_or("", |f| self.text(f))
        } else {
            return;
        };
        let wanted = match self.query.calls.get(name) {
            Some(&min_args) => {
                let count = node
                    .child_by_field_id(k.f_arguments)
                    .map_or(0, |a| a.named_child_count());
                count >= min_args
            }
            None => visit.all_calls,
        };
        if !wanted {
            return;
        }
        let Expr::Call { fun, args, ellipsis } = self.expr(node) else {
            return;
        };
        // The elements of arguments written as list literals (`[]string{"code", "verb"}`).
        let mut list_args = Vec::new();
        if let Some(list) = node.child_by_field_id(k.f_arguments) {
            let mut cursor = list.walk();
            for (i, arg) in list.named_children(&mut cursor).enumerate() {
                let Some(value) = arg.child_by_field_id(k.f_body).filter(|_| arg.kind_id() == k.composite) else {
                    continue;
                };
                let mut c = value.walk();
                let elements: Vec<Expr> = value
                    .named_children(&mut c)
                    .filter(|e| e.kind() == "literal_element")
                    .map(|e| self.literal_element(e))
                    .collect();
                list_args.push((i, elements));
            }
        }
        body.calls.push(Call {
            line: line_of(node),
            fun: *fun,
            args,
            ellipsis,
            assigned_to: self.assigned_to(ancestors),
            list_args,
        });
    }

    fn body_literal(&self, node: Node<'a>, ancestors: &[Node<'a>], body: &mut Body) {
        let Some(ty_node) = node.child_by_field_id(ids().f_type) else {
            return;
        };
        let Some(value) = node.child_by_field_id(ids().f_body) else {
            return;
        };
        let ty = self.ty(ty_node);
        // A map of a queried value type: each untyped value is a literal of that type, keyed by its entry's key.
        if let TypeExpr::Map { value: value_ty, .. } = &ty {
            if type_base_name(value_ty).is_some_and(|n| self.query.literal_types.contains(n)) {
                self.map_entries(value, value_ty, body);
            }
            return;
        }
        let wanted = type_base_name(&ty).is_some_and(|base| self.query.literal_types.contains(base))
            || (!self.query.list_vars.is_empty()
                && self
                    .assigned_to(ancestors)
                    .is_some_and(|v| self.query.list_vars.contains(&v)));
        if !wanted {
            return;
        }
        // Elements of `[]*T{{...}}` are literals of T written without their type.
        let element_ty = match &ty {
            TypeExpr::Slice(elem) | TypeExpr::Array { elem, .. } => Some(match elem.as_ref() {
                TypeExpr::Pointer(inner) => inner.as_ref().clone(),
                other => other.clone(),
            }),
            _ => self.element_type(&ty),
        };
        let key = map_key(ancestors).map(|k| self.literal_element(k));
        let path: Vec<String> = ancestors
            .iter()
            .filter(|a| a.kind() == "keyed_element")
            .filter_map(|a| a.child_by_field_id(ids().f_key))
            .map(|k| self.text(k).trim().to_string())
            .collect();
        let (fields, elements) = self.literal_value(value, element_ty.as_ref(), key.as_ref(), &path, body);
        body.literals.push(Literal {
            line: line_of(node),
            ty,
            key,
            path,
            fields,
            elements,
            assigned_to: self.assigned_to(ancestors),
        });
    }

    /// The type the query says the untyped elements of a literal of `ty` have: the element type's name,
    /// qualified as `ty` is.
    fn element_type(&self, ty: &TypeExpr) -> Option<TypeExpr> {
        let TypeExpr::Name { pkg, name } = ty else {
            return None;
        };
        let element = self.query.element_types.get(name)?;
        Some(TypeExpr::Name {
            pkg: pkg.clone(),
            name: element.clone(),
        })
    }

    /// The entries of a map literal whose values are literals of `value_ty` written without their type.
    fn map_entries(&self, value: Node, value_ty: &TypeExpr, body: &mut Body) {
        let mut cursor = value.walk();
        for entry in value.named_children(&mut cursor) {
            if entry.kind() != "keyed_element" {
                continue;
            }
            let (Some(key), Some(val)) = (
                entry.child_by_field_id(ids().f_key),
                entry.child_by_field_id(ids().f_value),
            ) else {
                continue;
            };
            let Some(inner) = val.named_child(0).filter(|v| v.kind() == "literal_value") else {
                continue;
            };
            let key = self.literal_element(key);
            let element_ty = self.element_type(value_ty);
            let (fields, elements) = self.literal_value(inner, element_ty.as_ref(), Some(&key), &[], body);
            body.literals.push(Literal {
                line: line_of(entry),
                ty: value_ty.clone(),
                key: Some(key),
                path: Vec::new(),
                fields,
                elements,
                assigned_to: None,
            });
        }
    }

    /// The keyed fields and the elements of a `literal_value`; untyped element literals of `element_ty` are
    /// recorded as literals of their own.
    fn literal_value(
        &self,
        value: Node,
        element_ty: Option<&TypeExpr>,
        key: Option<&Expr>,
        path: &[String],
        body: &mut Body,
    ) -> (Vec<KeyedValue>, Vec<Expr>) {
        let mut fields = Vec::new();
        let mut elements = Vec::new();
        let mut cursor = value.walk();
        for child in value.named_children(&mut cursor) {
            match child.kind() {
                "keyed_element" => {
                    let (Some(key), Some(val)) = (
                        child.child_by_field_id(ids().f_key),
                        child.child_by_field_id(ids().f_value),
                    ) else {
                        continue;
                    };
                    // Elements of a literal value such as `Aliases: []string{"a", "b"}`.
                    let literal = val.named_child(0).and_then(|v| match v.kind() {
                        "composite_literal" => v.child_by_field_id(ids().f_body),
                        "literal_value" => Some(v),
                        _ => None,
                    });
                    let elements = literal
                        .map(|l| {
                            let mut c = l.walk();
                            l.named_children(&mut c)
                                .filter(|e| e.kind() == "literal_element")
                                .map(|e| self.literal_element(e))
                                .collect()
                        })
                        .unwrap_or_default();
                    fields.push(KeyedValue {
                        key: self.text(key).trim().to_string(),
                        value: self.literal_element(val),
                        elements,
                        line: line_of(child),
                    });
                }
                "literal_element" => {
                    let inner = child.named_child(0);
                    match (inner, element_ty) {
                        (Some(inner), Some(ty)) if inner.kind() == "literal_value" => {
                            let (fields, elems) = self.literal_value(inner, None, None, &[], body);
                            body.literals.push(Literal {
                                line: line_of(inner),
                                ty: ty.clone(),
                                key: key.cloned(),
                                path: path.to_vec(),
                                fields,
                                elements: elems,
                                assigned_to: None,
                            });
                            elements.push(Expr::CompositeLit(Some(ty.clone()), line_of(inner)));
                        }
                        _ => elements.push(self.literal_element(child)),
                    }
                }
                _ => {}
            }
        }
        (fields, elements)
    }

    fn literal_element(&self, node: Node) -> Expr {
        match node.named_child(0) {
            Some(inner) if inner.kind() == "literal_value" => Expr::CompositeLit(None, line_of(inner)),
            Some(inner) => self.expr(inner),
            None => Expr::Other(String::new()),
        }
    }

    /// The variable a value is assigned to: `x := v`, `x = v`, `var x = v`, also through `&v`.
    fn assigned_to(&self, ancestors: &[Node<'a>]) -> Option<String> {
        let k = ids();
        let mut i = ancestors.len();
        while i > 0 {
            let parent = ancestors[i - 1];
            let kind = parent.kind_id();
            if kind == k.unary || kind == k.paren_expr {
                i -= 1;
                continue;
            }
            if kind != k.expr_list || i < 2 {
                return None;
            }
            let holder = ancestors[i - 2];
            let lhs = if holder.kind_id() == k.short_var || holder.kind_id() == k.assign {
                if holder.child_by_field_id(k.f_right) != Some(parent) {
                    return None;
                }
                holder.child_by_field_id(k.f_left)?.named_child(0)?
            } else if holder.kind_id() == k.var_spec {
                holder.child_by_field_id(k.f_name)?
            } else {
                return None;
            };
            return (parent.named_child_count() == 1 && lhs.kind_id() == k.identifier)
                .then(|| self.text(lhs).to_string());
        }
        None
    }

    fn switch(&self, node: Node) -> Switch {
        let type_switch = node.kind() == "type_switch_statement";
        let subject = node.child_by_field_id(ids().f_value).map(|v| self.expr(v));
        let mut cases = Vec::new();
        let mut cursor = node.walk();
        for case in node.named_children(&mut cursor) {
            let labels = match case.kind() {
                "expression_case" => case
                    .child_by_field_id(ids().f_value)
                    .map(|v| self.expr_list(v))
                    .unwrap_or_default(),
                "type_case" => {
                    let mut inner = case.walk();
                    case.children_by_field_id(field_id(ids().f_type), &mut inner)
                        .filter(|t| t.is_named())
                        .map(|t| Expr::Type(self.ty(t)))
                        .collect()
                }
                "default_case" => Vec::new(),
                _ => continue,
            };
            let mut calls: Vec<Expr> = Vec::new();
            let mut stack: Vec<Node> = Vec::new();
            let mut inner = case.walk();
            stack.extend(case.named_children(&mut inner).filter(|c| c.kind() == "statement_list"));
            while let Some(n) = stack.pop() {
                if n.kind() == "call_expression" {
                    if let Some(f) = n.child_by_field_id(ids().f_function) {
                        let f = self.expr(f);
                        if !calls.contains(&f) {
                            calls.push(f);
                        }
                    }
                }
                let start = stack.len();
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
                stack[start..].reverse();
            }
            cases.push(Case {
                line: line_of(case),
                labels,
                calls,
            });
        }
        Switch {
            line: line_of(node),
            subject,
            type_switch,
            cases,
        }
    }

    /// `r.field` in a method with receiver `r`: how the field is used.
    fn receiver_field(&self, node: Node<'a>, ancestors: &[Node<'a>], receiver: &str, body: &mut Body) {
        let k = ids();
        let Some(operand) = node.child_by_field_id(k.f_operand) else {
            return;
        };
        if operand.kind_id() != k.identifier || self.text(operand) != receiver {
            return;
        }
        let Some(field) = node.child_by_field_id(k.f_field) else {
            return;
        };
        let field = self.text(field).to_string();
        let line = line_of(node);
        let parent = ancestors.last().copied();
        let parent_kind = parent.map(|p| p.kind_id());
        // `r.m(...)`: a method of the receiver itself.
        if parent_kind == Some(k.call) && parent.and_then(|p| p.child_by_field_id(k.f_function)) == Some(node) {
            body.receiver_fields.push(FieldUse {
                field,
                access: Access::CallMethod,
                method: None,
                line,
            });
            return;
        }
        // `r.f.m(...)`: a method called on the field.
        if let Some(p) = parent.filter(|_| parent_kind == Some(k.selector)) {
            let grand = ancestors.len().checked_sub(2).map(|i| ancestors[i]);
            if grand.is_some_and(|g| g.kind_id() == k.call && g.child_by_field_id(k.f_function) == Some(p)) {
                body.receiver_fields.push(FieldUse {
                    field,
                    access: Access::CallMethod,
                    method: p.child_by_field_id(k.f_field).map(|m| self.text(m).to_string()),
                    line,
                });
                return;
            }
        }
        let access = if self.is_written(node, ancestors) {
            Access::Write
        } else {
            Access::Read
        };
        // `r.f = append(r.f, x)` and `r.f[k] = v` also read the field; `delete(r.f, k)` writes it.
        let also_read = access == Access::Write && parent_kind == Some(k.index);
        body.receiver_fields.push(FieldUse {
            field: field.clone(),
            access,
            method: None,
            line,
        });
        if also_read {
            body.receiver_fields.push(FieldUse {
                field,
                access: Access::Read,
                method: None,
                line,
            });
        }
    }

    /// Whether an expression is assigned to: the left side of `=`, `op=`, `++`, `--`, as itself or as the
    /// indexed operand (`r.f[k] = v`), or the map of a `delete`.
    fn is_written(&self, node: Node<'a>, ancestors: &[Node<'a>]) -> bool {
        let k = ids();
        let mut n = node;
        let mut i = ancestors.len();
        if i > 0 && ancestors[i - 1].kind_id() == k.index && ancestors[i - 1].child_by_field_id(k.f_operand) == Some(n)
        {
            n = ancestors[i - 1];
            i -= 1;
        }
        if i == 0 {
            return false;
        }
        let parent = ancestors[i - 1];
        let kind = parent.kind_id();
        if kind == k.inc || kind == k.dec {
            return true;
        }
        let holder = i.checked_sub(2).map(|j| ancestors[j]);
        if kind == k.expr_list {
            return holder.is_some_and(|h| {
                (h.kind_id() == k.assign || h.kind_id() == k.short_var) && h.child_by_field_id(k.f_left) == Some(parent)
            });
        }
        if kind == k.args {
            let is_delete = holder
                .and_then(|c| c.child_by_field_id(k.f_function))
                .is_some_and(|f| self.text(f) == "delete");
            return is_delete && parent.named_child(0) == Some(n);
        }
        false
    }

    fn type_params(&self, node: Node) -> Vec<TypeParam> {
        let Some(list) = node.child_by_field_id(ids().f_type_parameters) else {
            return Vec::new();
        };
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|n| n.kind() == "type_parameter_declaration")
            .map(|decl| {
                let mut inner = decl.walk();
                TypeParam {
                    names: decl
                        .children_by_field_id(field_id(ids().f_name), &mut inner)
                        .map(|n| self.text(n).to_string())
                        .collect(),
                    constraint: decl
                        .child_by_field_id(ids().f_type)
                        .map(|c| self.type_elem(c))
                        .unwrap_or_else(|| TypeExpr::Other(String::new())),
                }
            })
            .collect()
    }

    /// A signature from any node with `parameters` and `result` fields.
    fn signature(&self, node: Node) -> Signature {
        let params = node
            .child_by_field_id(ids().f_parameters)
            .map(|list| self.params(list))
            .unwrap_or_default();
        let results = match node.child_by_field_id(ids().f_result) {
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
                let ty = self.ty(decl.child_by_field_id(ids().f_type)?);
                let mut inner = decl.walk();
                let names = decl
                    .children_by_field_id(field_id(ids().f_name), &mut inner)
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

    fn type_declaration(&self, node: Node, before: &[Node], out: &mut Vec<TypeDecl>) {
        let grouped = has_token(node, "(");
        let decl_doc = if grouped { None } else { self.doc_above(node, before) };
        let specs = children(node);
        for (i, &spec) in specs.iter().enumerate() {
            let alias = match spec.kind() {
                "type_spec" => false,
                "type_alias" => true,
                _ => continue,
            };
            let Some(name) = spec.child_by_field_id(ids().f_name) else {
                continue;
            };
            let ty = spec
                .child_by_field_id(ids().f_type)
                .map(|t| self.ty(t))
                .unwrap_or_else(|| TypeExpr::Other(String::new()));
            out.push(TypeDecl {
                name: self.text(name).to_string(),
                line: line_of(name),
                end_line: end_line_of(spec),
                doc: self.doc_above(spec, &specs[..i]).or_else(|| decl_doc.clone()),
                tags: match self.tags_above(spec, &specs[..i]) {
                    tags if tags.is_empty() && !grouped => self.tags_above(node, before),
                    tags => tags,
                },
                type_params: self.type_params(spec),
                alias,
                ty,
            });
        }
    }

    fn const_declaration(&self, node: Node, before: &[Node], out: &mut Vec<ValueDecl>) {
        let grouped = has_token(node, "(");
        let decl_doc = if grouped { None } else { self.doc_above(node, before) };
        let mut previous: (Option<TypeExpr>, Vec<Expr>) = (None, Vec::new());
        let children = children(node);
        let specs = children.iter().enumerate().filter(|(_, n)| n.kind() == "const_spec");
        for (iota, (i, &spec)) in specs.enumerate() {
            if let Some(values) = spec.child_by_field_id(ids().f_value) {
                previous = (
                    spec.child_by_field_id(ids().f_type).map(|t| self.ty(t)),
                    self.expr_list(values),
                );
            }
            let doc = self.doc_above(spec, &children[..i]).or_else(|| decl_doc.clone());
            let mut inner = spec.walk();
            let names = spec
                .children_by_field_id(field_id(ids().f_name), &mut inner)
                .filter(|n| n.kind() == "identifier");
            for (i, name) in names.enumerate() {
                out.push(ValueDecl {
                    kind: ValueKind::Const,
                    name: self.text(name).to_string(),
                    line: line_of(name),
                    spec_line: line_of(spec),
                    spec_end_line: end_line_of(spec),
                    doc: doc.clone(),
                    ty: previous.0.clone(),
                    value: previous.1.get(i).cloned(),
                    iota: iota as u32,
                });
            }
        }
    }

    fn var_declaration(&self, node: Node, before: &[Node], out: &mut Vec<ValueDecl>) {
        let grouped = node.named_child(0).is_some_and(|n| n.kind() == "var_spec_list");
        let decl_doc = if grouped { None } else { self.doc_above(node, before) };
        // `var x T` holds its spec; `var ( ... )` holds a list of them.
        let mut cursor = node.walk();
        let list = node.named_children(&mut cursor).find(|n| n.kind() == "var_spec_list");
        let children = children(list.unwrap_or(node));
        for (i, &spec) in children.iter().enumerate() {
            if spec.kind() != "var_spec" {
                continue;
            }
            let ty = spec.child_by_field_id(ids().f_type).map(|t| self.ty(t));
            let values = spec
                .child_by_field_id(ids().f_value)
                .map(|v| self.expr_list(v))
                .unwrap_or_default();
            let doc = self.doc_above(spec, &children[..i]).or_else(|| decl_doc.clone());
            let mut inner = spec.walk();
            for (i, name) in spec
                .children_by_field_id(field_id(ids().f_name), &mut inner)
                .enumerate()
            {
                out.push(ValueDecl {
                    kind: ValueKind::Var,
                    name: self.text(name).to_string(),
                    line: line_of(name),
                    spec_line: line_of(spec),
                    spec_end_line: end_line_of(spec),
                    doc: doc.clone(),
                    ty: ty.clone(),
                    value: values.get(i).cloned(),
                    iota: 0,
                });
            }
        }
    }

    /// The body facts of a package-level `var` declaration's initialisers, as a declaration of their own (see
    /// `FileSyntax::var_inits`). `first` is the index of the declaration's first value in `file.values`.
    fn var_init(&self, node: Node<'a>, file: &mut FileSyntax, first: usize) {
        let Some(name) = file.values.get(first).map(|v| v.name.clone()) else {
            return;
        };
        let visit = BodyVisit {
            all_calls: false,
            receiver: None,
            wants_returns: false,
            wants_switches: false,
            wants_index_assignments: false,
        };
        let mut body = Body::default();
        self.visit_body(node, &visit, &mut body);
        if body.calls.is_empty() && body.literals.is_empty() {
            return;
        }
        file.var_inits.push(FuncDecl {
            name: format!("var {name}"),
            line: line_of(node),
            end_line: end_line_of(node),
            doc: None,
            receiver: None,
            type_params: Vec::new(),
            sig: Signature::default(),
            body,
        });
    }

    fn expr_list(&self, list: Node) -> Vec<Expr> {
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .map(|n| self.expr(n))
            .collect()
    }

    fn ty(&self, node: Node) -> TypeExpr {
        let child_ty = |field: u16| -> Box<TypeExpr> {
            Box::new(
                node.child_by_field_id(field)
                    .map(|n| self.ty(n))
                    .unwrap_or_else(|| TypeExpr::Other(String::new())),
            )
        };
        match node.kind() {
            "type_identifier" | "identifier" => TypeExpr::name(self.text(node)),
            "qualified_type" => TypeExpr::Name {
                pkg: self.field_text(node, ids().f_package),
                name: self.field_text(node, ids().f_name).unwrap_or_default(),
            },
            "selector_expression" => TypeExpr::Name {
                pkg: self.field_text(node, ids().f_operand),
                name: self.field_text(node, ids().f_field).unwrap_or_default(),
            },
            "generic_type" => {
                let args = node
                    .child_by_field_id(ids().f_type_arguments)
                    .map(|list| {
                        let mut cursor = list.walk();
                        list.named_children(&mut cursor)
                            .filter(|n| n.kind() != "comment")
                            .map(|n| self.type_elem(n))
                            .collect()
                    })
                    .unwrap_or_default();
                TypeExpr::Generic {
                    base: child_ty(ids().f_type),
                    args,
                }
            }
            "pointer_type" => TypeExpr::Pointer(Box::new(self.first_named_ty(node))),
            "parenthesized_type" => TypeExpr::Paren(Box::new(self.first_named_ty(node))),
            "negated_type" => TypeExpr::Tilde(Box::new(self.first_named_ty(node))),
            "slice_type" => TypeExpr::Slice(child_ty(ids().f_element)),
            "array_type" => TypeExpr::Array {
                len: node.child_by_field_id(ids().f_length).map(|n| Box::new(self.expr(n))),
                elem: child_ty(ids().f_element),
            },
            "implicit_length_array_type" => TypeExpr::Array {
                len: None,
                elem: child_ty(ids().f_element),
            },
            "map_type" => TypeExpr::Map {
                key: child_ty(ids().f_key),
                value: child_ty(ids().f_value),
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
                    elem: child_ty(ids().f_value),
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
        let inner = node.named_children(&mut cursor).find(|n| n.kind() != "comment");
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
        let children = children(list);
        children
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind() == "field_declaration")
            .map(|(i, &decl)| {
                let mut inner = decl.walk();
                let names: Vec<String> = decl
                    .children_by_field_id(field_id(ids().f_name), &mut inner)
                    .map(|n| self.text(n).to_string())
                    .collect();
                let mut ty = decl
                    .child_by_field_id(ids().f_type)
                    .map(|t| self.ty(t))
                    .unwrap_or_else(|| TypeExpr::Other(String::new()));
                if names.is_empty() && decl.child(0).is_some_and(|c| c.kind() == "*") {
                    ty = TypeExpr::Pointer(Box::new(ty));
                }
                Field {
                    names,
                    ty,
                    tag: self.field_text(decl, ids().f_tag),
                    doc: self.doc_above(decl, &children[..i]),
                    line: line_of(decl),
                }
            })
            .collect()
    }

    fn interface_elems(&self, node: Node) -> Vec<InterfaceElem> {
        let children = children(node);
        children
            .iter()
            .enumerate()
            .filter_map(|(i, &elem)| match elem.kind() {
                "method_elem" => Some(InterfaceElem::Method {
                    name: self.field_text(elem, ids().f_name).unwrap_or_default(),
                    sig: self.signature(elem),
                    doc: self.doc_above(elem, &children[..i]),
                    line: line_of(elem),
                }),
                "type_elem" => Some(InterfaceElem::Embed(self.type_elem(elem))),
                _ => None,
            })
            .collect()
    }

    pub fn expr(&self, node: Node) -> Expr {
        let sub = |field: u16| -> Box<Expr> {
            Box::new(
                node.child_by_field_id(field)
                    .map(|n| self.expr(n))
                    .unwrap_or_else(|| Expr::Other(String::new())),
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
            "parenthesized_expression" => {
                let mut cursor = node.walk();
                let inner = node.named_children(&mut cursor).find(|n| n.kind() != "comment");
                Expr::Paren(Box::new(
                    inner.map(|n| self.expr(n)).unwrap_or(Expr::Other(String::new())),
                ))
            }
            "call_expression" => {
                let mut fun = sub(ids().f_function);
                if let Some(targs) = node.child_by_field_id(ids().f_type_arguments) {
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
                if let Some(list) = node.child_by_field_id(ids().f_arguments) {
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
                Expr::Call { fun, args, ellipsis }
            }
            "type_conversion_expression" => Expr::Call {
                fun: Box::new(Expr::Type(
                    node.child_by_field_id(ids().f_type)
                        .map(|t| self.ty(t))
                        .unwrap_or_else(|| TypeExpr::Other(String::new())),
                )),
                args: vec![*sub(ids().f_operand)],
                ellipsis: false,
            },
            "index_expression" => Expr::Index(sub(ids().f_operand), vec![*sub(ids().f_index)]),
            "type_instantiation_expression" => {
                let mut cursor = node.walk();
                let mut parts = node.named_children(&mut cursor).filter(|n| n.kind() != "comment");
                let base = parts.next().map(|n| self.expr(n)).unwrap_or(Expr::Other(String::new()));
                let args = parts.map(|n| Expr::Type(self.ty(n))).collect();
                Expr::Index(Box::new(base), args)
            }
            "composite_literal" => {
                Expr::CompositeLit(node.child_by_field_id(ids().f_type).map(|t| self.ty(t)), line_of(node))
            }
            "func_literal" => Expr::FuncLit(Box::new(self.signature(node))),
            "qualified_type" | "pointer_type" | "slice_type" | "array_type" | "map_type" | "channel_type"
            | "function_type" | "struct_type" | "interface_type" | "generic_type" | "parenthesized_type" => {
                Expr::Type(self.ty(node))
            }
            _ => Expr::Other(collapse_space(self.text(node))),
        }
    }
}

/// Node kind and field ids of tree-sitter-go, looked up once: comparing numbers instead of names in the walk
/// over every node of every body.
struct Ids {
    call: u16,
    selector: u16,
    composite: u16,
    ret: u16,
    expr_switch: u16,
    type_switch: u16,
    identifier: u16,
    expr_list: u16,
    unary: u16,
    paren_expr: u16,
    short_var: u16,
    assign: u16,
    var_spec: u16,
    index: u16,
    inc: u16,
    dec: u16,
    args: u16,
    f_function: u16,
    f_field: u16,
    f_operand: u16,
    f_arguments: u16,
    f_left: u16,
    f_right: u16,
    f_name: u16,
    f_body: u16,
    f_element: u16,
    f_index: u16,
    f_key: u16,
    f_length: u16,
    f_operator: u16,
    f_package: u16,
    f_parameters: u16,
    f_path: u16,
    f_receiver: u16,
    f_result: u16,
    f_tag: u16,
    f_type: u16,
    f_type_arguments: u16,
    f_type_parameters: u16,
    f_value: u16,
    f_alias: u16,
    f_alternative: u16,
    f_capacity: u16,
    f_channel: u16,
    f_communication: u16,
    f_condition: u16,
    f_consequence: u16,
    f_end: u16,
    f_initializer: u16,
    f_label: u16,
    f_start: u16,
    f_update: u16,
}

fn ids() -> &'static Ids {
    static IDS: std::sync::OnceLock<Ids> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        let kind = |name: &str| language.id_for_node_kind(name, true);
        let field = |name: &str| {
            language
                .field_id_for_name(name)
                .map(|f| f.get())
                .expect("tree-sitter-go has the fields kubewalk reads")
        };
        Ids {
            call: kind("call_expression"),
            selector: kind("selector_expression"),
            composite: kind("composite_literal"),
            ret: kind("return_statement"),
            expr_switch: kind("expression_switch_statement"),
            type_switch: kind("type_switch_statement"),
            identifier: kind("identifier"),
            expr_list: kind("expression_list"),
            unary: kind("unary_expression"),
            paren_expr: kind("parenthesized_expression"),
            short_var: kind("short_var_declaration"),
            assign: kind("assignment_statement"),
            var_spec: kind("var_spec"),
            index: kind("index_expression"),
            inc: kind("inc_statement"),
            dec: kind("dec_statement"),
            args: kind("argument_list"),
            f_function: field("function"),
            f_field: field("field"),
            f_operand: field("operand"),
            f_arguments: field("arguments"),
            f_left: field("left"),
            f_right: field("right"),
            f_name: field("name"),
            f_body: field("body"),
            f_element: field("element"),
            f_index: field("index"),
            f_key: field("key"),
            f_length: field("length"),
            f_operator: field("operator"),
            f_package: field("package"),
            f_parameters: field("parameters"),
            f_path: field("path"),
            f_receiver: field("receiver"),
            f_result: field("result"),
            f_tag: field("tag"),
            f_type: field("type"),
            f_type_arguments: field("type_arguments"),
            f_type_parameters: field("type_parameters"),
            f_value: field("value"),
            f_alias: field("alias"),
            f_alternative: field("alternative"),
            f_capacity: field("capacity"),
            f_channel: field("channel"),
            f_communication: field("communication"),
            f_condition: field("condition"),
            f_consequence: field("consequence"),
            f_end: field("end"),
            f_initializer: field("initializer"),
            f_label: field("label"),
            f_start: field("start"),
            f_update: field("update"),
        }
    })
}

struct BodyVisit {
    receiver: Option<String>,
    /// Keep every call, not only the queried names: in `package main`, where binaries find their root command.
    all_calls: bool,
    wants_returns: bool,
    wants_switches: bool,
    wants_index_assignments: bool,
}

/// The key of the map entry a literal is the value of, itself or nested in the entry's value
/// (`FeatureList{X: {Spec: FeatureSpec{...}}}` gives `X`): the nearest `keyed_element` among the ancestors that
/// is a map's, because the literal it is in has a map type or because its value is written without a type,
/// which Go allows for the elements of maps (and arrays) but not for struct fields.
fn map_key<'a>(ancestors: &[Node<'a>]) -> Option<Node<'a>> {
    (2..ancestors.len()).rev().find_map(|i| {
        let (entry, list, lit) = (ancestors[i], ancestors[i - 1], ancestors[i - 2]);
        if entry.kind() != "keyed_element" || list.kind() != "literal_value" {
            return None;
        }
        let in_map = lit.kind() == "composite_literal"
            && lit
                .child_by_field_id(ids().f_type)
                .is_some_and(|t| t.kind() == "map_type");
        let untyped_value = entry
            .child_by_field_id(ids().f_value)
            .and_then(|v| v.named_child(0))
            .is_some_and(|v| v.kind() == "literal_value");
        (in_map || untyped_value)
            .then(|| entry.child_by_field_id(ids().f_key))
            .flatten()
    })
}

/// The name of the named type at the core of a type: `*cobra.Command`, `[]*cobra.Command`, `Set[T]` give
/// `Command`, `Command`, `Set`.
pub fn type_base_name(ty: &TypeExpr) -> Option<&str> {
    match ty {
        TypeExpr::Name { name, .. } => Some(name),
        TypeExpr::Generic { base, .. } => type_base_name(base),
        TypeExpr::Pointer(inner) | TypeExpr::Slice(inner) | TypeExpr::Paren(inner) => type_base_name(inner),
        TypeExpr::Array { elem, .. } => type_base_name(elem),
        _ => None,
    }
}

/// Every child of `node`, named or not, in order.
fn children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// A field id of `Ids` as the type `children_by_field_id` takes.
fn field_id(id: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(id).expect("field ids start at 1")
}

fn has_token(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| !c.is_named() && c.kind() == token);
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

/// How many lines `str::lines` gives for a text. Its newlines are counted by a loop the compiler vectorises:
/// counting `str::lines` took 282 M instructions of a v1.20.2 site's scan, in its character search.
fn line_count(src: &str) -> u32 {
    let newlines = src.bytes().filter(|&b| b == b'\n').count();
    let last = usize::from(!src.is_empty() && !src.ends_with('\n'));
    (newlines + last) as u32
}

#[cfg(test)]
mod tests {
    use super::{ids, line_count};

    #[test]
    fn lines_are_counted_as_str_lines_counts_them() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\n\r",
            "\n\n\n",
            "x\n\ny",
            "é\nü",
        ] {
            assert_eq!(line_count(text) as usize, text.lines().count(), "{text:?}");
        }
    }

    #[test]
    fn node_kind_ids_exist_in_the_grammar() {
        let k = ids();
        for id in [
            k.call,
            k.selector,
            k.composite,
            k.ret,
            k.expr_switch,
            k.type_switch,
            k.identifier,
            k.expr_list,
            k.unary,
            k.paren_expr,
            k.short_var,
            k.assign,
            k.var_spec,
            k.index,
            k.inc,
            k.dec,
            k.args,
        ] {
            assert_ne!(id, 0, "a node kind kubewalk reads is missing from tree-sitter-go");
        }
    }
}
