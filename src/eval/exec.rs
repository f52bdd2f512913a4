//! Statements and expressions.

use std::rc::Rc;

use super::value::{Callable, Scope};
use super::{native, Evaluator, Flow, Frame, IntKind, Obj, Place, Ty, Val, MAX_ITERATIONS};
use crate::code::{Block, Element, Expr, Stmt, StmtKind};
use crate::syntax::{LitKind, TypeExpr};

impl<'m> Evaluator<'m> {
    pub(super) fn exec_block(&mut self, frame: &Frame, block: &Block) -> Flow {
        let inner = Frame {
            scope: Scope::child(&frame.scope),
            ..frame.clone()
        };
        for stmt in block {
            let flow = self.exec_stmt(&inner, stmt);
            if flow != Flow::Normal {
                return flow;
            }
        }
        Flow::Normal
    }

    fn exec_stmt(&mut self, frame: &Frame, stmt: &Stmt) -> Flow {
        self.steps += 1;
        if self.exhausted() {
            return Flow::Stop;
        }
        self.line = stmt.line;
        match &stmt.kind {
            StmtKind::Expr(e) => {
                self.eval_multi(frame, e, 0);
                Flow::Normal
            }
            StmtKind::Assign { lhs, op, rhs } => {
                self.assign(frame, lhs, op, rhs);
                Flow::Normal
            }
            StmtKind::Var { names, ty, values } => {
                let vals = self.values_for(frame, names.len(), values);
                for (i, name) in names.iter().enumerate() {
                    let mut v = vals.get(i).cloned().unwrap_or(Val::Unknown);
                    if values.is_empty() {
                        v = ty
                            .as_ref()
                            .map(|t| self.zero_of_expr(frame.pkg, frame.file, t))
                            .unwrap_or(Val::Unknown);
                    }
                    if name != "_" {
                        let cell = self.define(frame, name, v);
                        if let Some(t) = ty {
                            let declared = self.resolve_type(frame.pkg, frame.file, t);
                            if matches!(declared, Ty::Named(_)) {
                                self.cell_types.insert(cell, declared);
                            }
                        }
                    }
                }
                Flow::Normal
            }
            StmtKind::IncDec { target, inc } => {
                if let Some(place) = self.place(frame, target) {
                    let v = self.read_place(&place);
                    let d = if *inc { 1 } else { -1 };
                    let next = match v {
                        Val::Int(i, k) => Val::Int(i + d, k),
                        _ => Val::Unknown,
                    };
                    self.write_place(&place, next);
                }
                Flow::Normal
            }
            StmtKind::If { init, cond, then, els } => {
                let inner = Frame {
                    scope: Scope::child(&frame.scope),
                    ..frame.clone()
                };
                if let Some(init) = init {
                    self.exec_stmt(&inner, init);
                }
                match self.eval(&inner, cond) {
                    Val::Bool(true) => self.exec_block(&inner, then),
                    Val::Bool(false) => match els {
                        Some(e) => self.exec_stmt(&inner, e),
                        None => Flow::Normal,
                    },
                    // Both ways may happen: both run. A return in only one of them does not end the function.
                    _ => {
                        self.uncertain += 1;
                        let a = self.exec_block(&inner, then);
                        let b = match els {
                            Some(e) => self.exec_stmt(&inner, e),
                            None => Flow::Normal,
                        };
                        self.uncertain -= 1;
                        match (a, b) {
                            (Flow::Stop, _) | (_, Flow::Stop) => Flow::Stop,
                            (Flow::Return(_), Flow::Return(v)) => Flow::Return(v),
                            _ => Flow::Normal,
                        }
                    }
                }
            }
            StmtKind::For { init, cond, post, body } => {
                let inner = Frame {
                    scope: Scope::child(&frame.scope),
                    ..frame.clone()
                };
                if let Some(init) = init {
                    self.exec_stmt(&inner, init);
                }
                for _ in 0..MAX_ITERATIONS {
                    let go = match cond {
                        None => Val::Unknown,
                        Some(c) => self.eval(&inner, c),
                    };
                    if go == Val::Bool(false) {
                        break;
                    }
                    // A condition the evaluator does not know may be false: the body may not run.
                    let uncertain = u32::from(cond.is_some() && go != Val::Bool(true));
                    self.uncertain += uncertain;
                    let flow = self.exec_block(&inner, body);
                    self.uncertain -= uncertain;
                    match flow {
                        Flow::Break(None) => break,
                        Flow::Continue(None) | Flow::Normal => {}
                        other => return other,
                    }
                    // A loop whose condition is not known runs once.
                    if go != Val::Bool(true) {
                        break;
                    }
                    if let Some(post) = post {
                        self.exec_stmt(&inner, post);
                    }
                }
                Flow::Normal
            }
            StmtKind::Range {
                key,
                value,
                define,
                over,
                body,
            } => {
                let collection = self.eval(frame, over);
                let items: Vec<(Val, Val)> = self.range_items(&collection);
                for (k, v) in items.into_iter().take(MAX_ITERATIONS) {
                    let inner = Frame {
                        scope: Scope::child(&frame.scope),
                        ..frame.clone()
                    };
                    for (target, val) in [(key, k), (value, v)] {
                        let Some(target) = target else { continue };
                        if *define {
                            if let Expr::Ident(name) = target {
                                if name != "_" {
                                    self.define(&inner, name, val);
                                }
                            }
                        } else if let Some(place) = self.place(&inner, target) {
                            self.write_place(&place, val);
                        }
                    }
                    match self.exec_block(&inner, body) {
                        Flow::Break(None) => break,
                        Flow::Continue(None) | Flow::Normal => {}
                        other => return other,
                    }
                }
                Flow::Normal
            }
            StmtKind::Switch { init, tag, cases } => {
                let inner = Frame {
                    scope: Scope::child(&frame.scope),
                    ..frame.clone()
                };
                if let Some(init) = init {
                    self.exec_stmt(&inner, init);
                }
                let tag = tag.as_ref().map_or(Val::Bool(true), |t| self.eval(&inner, t));
                let mut chosen: Option<usize> = None;
                let mut unknown = !tag.is_known();
                for (i, case) in cases.iter().enumerate() {
                    for e in &case.exprs {
                        match equal(&tag, &self.eval(&inner, e)) {
                            Some(true) if chosen.is_none() && !unknown => chosen = Some(i),
                            None => unknown = true,
                            _ => {}
                        }
                    }
                }
                let run: Vec<usize> = if unknown {
                    (0..cases.len()).collect()
                } else {
                    chosen
                        .or_else(|| cases.iter().position(|c| c.default))
                        .into_iter()
                        .collect()
                };
                self.uncertain += u32::from(unknown);
                let mut flow = Flow::Normal;
                for i in run {
                    match self.exec_block(&inner, &cases[i].body) {
                        Flow::Normal | Flow::Break(None) => {}
                        Flow::Return(v) if !unknown => flow = Flow::Return(v),
                        Flow::Stop => flow = Flow::Stop,
                        other if !unknown => flow = other,
                        _ => continue,
                    }
                    if flow != Flow::Normal {
                        break;
                    }
                }
                self.uncertain -= u32::from(unknown);
                flow
            }
            StmtKind::TypeSwitch {
                init,
                bind,
                subject,
                cases,
            } => {
                let inner = Frame {
                    scope: Scope::child(&frame.scope),
                    ..frame.clone()
                };
                if let Some(init) = init {
                    self.exec_stmt(&inner, init);
                }
                let v = self.eval(&inner, subject);
                let dynamic = self.type_name_of(&v);
                let chosen = dynamic.as_ref().and_then(|name| {
                    cases.iter().position(|c| {
                        c.types.iter().any(|t| {
                            let written = self.resolve_type(inner.pkg, inner.file, t);
                            ty_name(&written).is_some_and(|n| n == *name)
                        })
                    })
                });
                let run: Vec<usize> = match (&dynamic, chosen) {
                    (_, Some(i)) => vec![i],
                    (Some(_), None) => cases.iter().position(|c| c.default).into_iter().collect(),
                    (None, _) => (0..cases.len()).collect(),
                };
                let unknown = u32::from(dynamic.is_none());
                self.uncertain += unknown;
                let mut flow = Flow::Normal;
                for i in run {
                    let case_frame = Frame {
                        scope: Scope::child(&inner.scope),
                        ..inner.clone()
                    };
                    if let Some(name) = bind {
                        self.define(&case_frame, name, v.clone());
                    }
                    match self.exec_block(&case_frame, &cases[i].body) {
                        Flow::Return(r) if chosen.is_some() => flow = Flow::Return(r),
                        Flow::Stop => flow = Flow::Stop,
                        _ => continue,
                    }
                    break;
                }
                self.uncertain -= unknown;
                flow
            }
            StmtKind::Select { .. } | StmtKind::Send { .. } | StmtKind::Go(_) | StmtKind::Other => Flow::Normal,
            StmtKind::Return(values) => {
                let vals = match values.as_slice() {
                    [single @ Expr::Call { .. }] => self.eval_multi(frame, single, 1),
                    _ => values.iter().map(|v| self.eval(frame, v)).collect(),
                };
                Flow::Return(vals)
            }
            StmtKind::Defer(call) => {
                if let Expr::Call { fun, args, .. } = call {
                    let f = self.eval(frame, fun);
                    let a = args.iter().map(|x| self.eval(frame, x)).collect();
                    frame.deferred.borrow_mut().push((f, a));
                }
                Flow::Normal
            }
            StmtKind::Block(block) => self.exec_block(frame, block),
            StmtKind::Labeled(label, inner) => match self.exec_stmt(frame, inner) {
                Flow::Break(Some(l)) | Flow::Continue(Some(l)) if l == *label => Flow::Normal,
                other => other,
            },
            StmtKind::Branch(word, label) => match word.as_str() {
                "break" => Flow::Break(label.clone()),
                "continue" => Flow::Continue(label.clone()),
                _ => Flow::Normal,
            },
        }
    }

    /// The values of `n` names from their expressions: one each, or all from one call.
    fn values_for(&mut self, frame: &Frame, n: usize, values: &[Expr]) -> Vec<Val> {
        if values.len() == 1 && n > 1 {
            return self.eval_multi(frame, &values[0], n);
        }
        values.iter().map(|v| self.eval(frame, v)).collect()
    }

    fn assign(&mut self, frame: &Frame, lhs: &[Expr], op: &str, rhs: &[Expr]) {
        let vals = self.values_for(frame, lhs.len(), rhs);
        for (i, target) in lhs.iter().enumerate() {
            let v = vals.get(i).cloned().unwrap_or(Val::Unknown);
            if op == ":=" {
                if let Expr::Ident(name) = target {
                    if name != "_" {
                        let cell = self.define(frame, name, v);
                        // `zero := metav1.Duration{}`: a struct value, which compares by its fields.
                        if let Some(Expr::Composite { ty: Some(t), .. }) = rhs.get(i).filter(|_| rhs.len() == lhs.len())
                        {
                            let ty = self.resolve_type(frame.pkg, frame.file, t);
                            if matches!(ty, Ty::Named(_)) {
                                self.cell_types.insert(cell, ty);
                            }
                        }
                    }
                }
                continue;
            }
            if matches!(target, Expr::Ident(n) if n == "_") {
                continue;
            }
            let Some(place) = self.place(frame, target) else {
                continue;
            };
            let v = match op.strip_suffix('=').filter(|o| !o.is_empty()) {
                Some(arith) => {
                    let old = self.read_place(&place);
                    binary(&old, arith, &v)
                }
                None => v,
            };
            self.write_place(&place, v);
        }
    }

    /// Where an assignment's target lives.
    fn place(&mut self, frame: &Frame, target: &Expr) -> Option<Place> {
        match target {
            Expr::Ident(name) => {
                if let Some(cell) = frame.scope.lookup(name) {
                    return Some(Place::Cell(cell));
                }
                self.global(frame.pkg, name).map(Place::Cell)
            }
            Expr::Paren(inner) => self.place(frame, inner),
            Expr::Selector(operand, name) => {
                if let Expr::Ident(q) = operand.as_ref() {
                    if frame.scope.lookup(q).is_none() {
                        if let Some(pkg) = self.package_of(frame, q) {
                            return self.global(pkg, name).map(Place::Cell);
                        }
                        // `pflag.CommandLine = fs`: the program's flag set from then on.
                        if name == "CommandLine" {
                            match self.model.qualifier_path(frame.file, q) {
                                Some(native::PFLAG) => return Some(Place::CommandLine(false)),
                                Some(native::GOFLAG) => return Some(Place::CommandLine(true)),
                                _ => {}
                            }
                        }
                    }
                }
                let base = self.eval(frame, operand);
                let obj = self.deref_obj(&base)?;
                Some(Place::Field(self.field_owner(obj, name), name.clone()))
            }
            Expr::Index(operand, index) => {
                let base = self.eval(frame, operand);
                let obj = self.deref_obj(&base)?;
                let key = index.first().map(|k| self.eval(frame, k)).unwrap_or(Val::Unknown);
                Some(Place::Index(obj, Box::new(key)))
            }
            Expr::Unary(op, inner) if op == "*" => match self.eval(frame, inner) {
                Val::Ref(place) => Some(place),
                Val::Obj(id) => Some(Place::Cell(id)),
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn write_place(&mut self, place: &Place, v: Val) {
        match place {
            Place::CommandLine(go) => {
                if let Some(set) = self.deref_obj(&v) {
                    if *go {
                        self.go_command_line = set;
                    } else {
                        self.pflag_command_line = set;
                    }
                }
            }
            Place::Cell(c) => match &mut self.heap[*c] {
                Obj::Cell(slot) => *slot = v,
                // `*p = x` where p points at a struct: the struct takes x's fields.
                Obj::Struct { fields, .. } => {
                    if let Some(src) = v.obj() {
                        if let Obj::Struct { fields: from, .. } = self.heap[src].clone() {
                            if let Obj::Struct { fields, .. } = &mut self.heap[*c] {
                                *fields = from;
                            }
                        }
                    } else {
                        fields.clear();
                    }
                }
                // `*p = x` where p points at a slice or a map: it takes x's elements (a nil x empties it).
                Obj::Slice { .. } | Obj::Map { .. } => {
                    let from = v.obj().and_then(|src| match self.heap[src].clone() {
                        Obj::Cell(inner) => self.deref_obj(&inner).map(|o| self.heap[o].clone()),
                        other => Some(other),
                    });
                    match (&mut self.heap[*c], from) {
                        (Obj::Slice { elems, .. }, Some(Obj::Slice { elems: new, .. })) => *elems = new,
                        (Obj::Map { entries, .. }, Some(Obj::Map { entries: new, .. })) => *entries = new,
                        (Obj::Slice { elems, .. }, None) if v == Val::Nil => elems.clear(),
                        (Obj::Map { entries, .. }, None) if v == Val::Nil => entries.clear(),
                        _ => {}
                    }
                }
                _ => {}
            },
            Place::Field(obj, name) => {
                if native::set_field(self, *obj, name, v.clone()) {
                    return;
                }
                if let Obj::Struct { fields, .. } = &mut self.heap[*obj] {
                    fields.insert(name.clone(), v);
                }
            }
            Place::Index(obj, key) => match &mut self.heap[*obj] {
                Obj::Slice { elems, .. } => {
                    if let Some(i) = key.as_int().and_then(|i| usize::try_from(i).ok()) {
                        if i < elems.len() {
                            elems[i] = v;
                        }
                    }
                }
                // A key that is not known could be any: its entry is kept apart, matching no lookup, and a known
                // key is not overwritten.
                Obj::Map { entries, .. } => match entries.iter_mut().find(|(k, _)| equal(k, key) == Some(true)) {
                    Some(entry) => entry.1 = v,
                    None => entries.push((*key.clone(), v)),
                },
                _ => {}
            },
        }
    }

    /// Whether an expression is a struct value, not a pointer: a composite literal without `&`, a variable or a
    /// field declared with a struct type.
    fn is_struct_value(&mut self, frame: &Frame, e: &Expr) -> bool {
        let ty = match e {
            Expr::Paren(inner) => return self.is_struct_value(frame, inner),
            Expr::Composite { ty: Some(t), .. } => self.resolve_type(frame.pkg, frame.file, t),
            Expr::Ident(name) => match frame.scope.lookup(name) {
                Some(cell) => match self.cell_types.get(&cell) {
                    Some(t) => t.clone(),
                    None => return false,
                },
                None => return false,
            },
            Expr::Selector(operand, field) => {
                let base = self.eval(frame, operand);
                let Some(Ty::Named(owner)) = self.deref_obj(&base).map(|o| match &self.heap[o] {
                    Obj::Struct { ty, .. } => ty.clone(),
                    _ => Ty::Unknown,
                }) else {
                    return false;
                };
                match self.field_type(&owner, field) {
                    Some((pkg, file, t, None)) => self.resolve_type(pkg, file, &t),
                    _ => return false,
                }
            }
            _ => return false,
        };
        let Ty::Named(t) = ty else { return false };
        self.model
            .type_decl(&t)
            .is_some_and(|d| matches!(d.decl.ty, crate::syntax::TypeExpr::Struct(_)))
    }

    /// Go's `==` on struct values: every field equal.
    fn struct_equal(&mut self, a: &Val, b: &Val, depth: usize) -> Option<bool> {
        let (Some(x), Some(y)) = (self.deref_obj(a), self.deref_obj(b)) else {
            return equal(a, b);
        };
        if x == y {
            return Some(true);
        }
        let names = match (&self.heap[x], &self.heap[y]) {
            (Obj::Struct { ty: tx, fields: fx }, Obj::Struct { ty: ty_, fields: fy }) if tx == ty_ && depth < 8 => {
                let Ty::Named(t) = tx else { return None };
                let mut names: Vec<String> = fx.keys().chain(fy.keys()).cloned().collect();
                if let Some(decl) = self.model.type_decl(t) {
                    if let crate::syntax::TypeExpr::Struct(fields) = &decl.decl.ty {
                        names.extend(fields.iter().flat_map(|f| f.names.iter().cloned()));
                    }
                }
                names.sort();
                names.dedup();
                names
            }
            _ => return equal(a, b),
        };
        let mut all = Some(true);
        for name in names {
            let (fa, fb) = (self.field(&Val::Obj(x), &name), self.field(&Val::Obj(y), &name));
            let eq = match (self.deref_obj(&fa), self.deref_obj(&fb)) {
                (Some(p), Some(q))
                    if matches!(self.heap[p], Obj::Struct { .. }) && matches!(self.heap[q], Obj::Struct { .. }) =>
                {
                    self.struct_equal(&fa, &fb, depth + 1)
                }
                _ => equal(&fa, &fb),
            };
            match eq {
                Some(false) => return Some(false),
                None => all = None,
                Some(true) => {}
            }
        }
        all
    }

    /// What a `range` loop goes over: `(key, value)` pairs; one pair of unknowns for what is not known.
    fn range_items(&self, v: &Val) -> Vec<(Val, Val)> {
        if let Some(obj) = self.deref_obj(v) {
            match &self.heap[obj] {
                Obj::Slice { elems, .. } => {
                    return elems
                        .iter()
                        .enumerate()
                        .map(|(i, e)| (Val::int(i as i128), e.clone()))
                        .collect()
                }
                Obj::Map { entries, .. } => return entries.clone(),
                _ => {}
            }
        }
        match v {
            Val::Str(s) => s
                .char_indices()
                .map(|(i, c)| (Val::int(i as i128), Val::int(c as i128)))
                .collect(),
            Val::Int(n, _) => (0..(*n).clamp(0, MAX_ITERATIONS as i128))
                .map(|i| (Val::int(i), Val::Unknown))
                .collect(),
            Val::Nil => Vec::new(),
            _ => vec![(Val::Unknown, Val::Unknown)],
        }
    }

    /// The package a qualifier names in the frame's file, when it is one of the tree.
    fn package_of(&self, frame: &Frame, qualifier: &str) -> Option<crate::model::PkgId> {
        self.model.qualifier_pkg(frame.file, qualifier)
    }

    /// The value of an expression.
    pub(super) fn eval(&mut self, frame: &Frame, e: &Expr) -> Val {
        // `eval_multi`'s first value, without a vector for the one value of most expressions.
        match e {
            Expr::Call { fun, args, ellipsis } => self
                .call(frame, fun, args, *ellipsis)
                .into_iter()
                .next()
                .unwrap_or(Val::Unknown),
            Expr::TypeAssert(inner, _) => self.eval(frame, inner),
            _ => self.eval_single(frame, e),
        }
    }

    /// The values of an expression that may give several: a call, `m[k]` and `x.(T)` with `, ok`.
    pub(super) fn eval_multi(&mut self, frame: &Frame, e: &Expr, n: usize) -> Vec<Val> {
        match e {
            Expr::Call { fun, args, ellipsis } => self.call(frame, fun, args, *ellipsis),
            Expr::Index(operand, index) if n == 2 => {
                let base = self.eval(frame, operand);
                let key = index.first().map(|k| self.eval(frame, k)).unwrap_or(Val::Unknown);
                match self.deref_obj(&base).map(|o| &self.heap[o]) {
                    Some(Obj::Map { ty, entries }) if key.is_known() => {
                        match entries.iter().find(|(k, _)| equal(k, &key) == Some(true)) {
                            Some((_, v)) => vec![v.clone(), Val::Bool(true)],
                            None if entries.iter().all(|(k, _)| k.is_known()) => {
                                let ty = ty.clone();
                                vec![self.map_zero(&ty), Val::Bool(false)]
                            }
                            None => vec![Val::Unknown, Val::Unknown],
                        }
                    }
                    _ => vec![Val::Unknown, Val::Unknown],
                }
            }
            Expr::TypeAssert(inner, _) => vec![self.eval(frame, inner), Val::Unknown],
            _ => vec![self.eval_single(frame, e)],
        }
    }

    fn eval_single(&mut self, frame: &Frame, e: &Expr) -> Val {
        match e {
            Expr::Ident(name) => self.ident(frame, name),
            Expr::Lit(kind, text) => literal(*kind, text),
            Expr::Paren(inner) => self.eval(frame, inner),
            Expr::Selector(operand, name) => {
                // A package's member, unless a variable of that name hides the package.
                if let Expr::Ident(q) = operand.as_ref() {
                    if frame.scope.lookup(q).is_none() && !self.is_package_level(frame, q) {
                        if let Some((path, pkg)) = self.model.qualifier(frame.file, q) {
                            return self.member_of(frame, path, pkg, name);
                        }
                    }
                }
                let base = self.eval(frame, operand);
                // A method of a variable or field of a named type that is no struct (`o.Merge.Default(true)`, a
                // `Tristate`): called on its address, so that a pointer receiver changes it.
                if matches!(base, Val::Int(..) | Val::Str(_) | Val::Bool(_) | Val::Float(_)) && is_path(operand) {
                    if let Some(place) = self.place(frame, operand) {
                        let address = Val::Ref(place);
                        if let Some((pkg, file, decl, _)) = self.method_of(&address, name) {
                            return Val::Func(Rc::new(Callable::Func {
                                pkg,
                                file,
                                line: decl.line,
                                name: name.to_string(),
                                receiver: Some(address),
                            }));
                        }
                    }
                }
                self.select(frame, base, name)
            }
            Expr::Index(operand, index) => {
                let base = self.eval(frame, operand);
                if matches!(base, Val::Func(_)) {
                    // A generic function's instantiation: the function.
                    return base;
                }
                let key = index.first().map(|k| self.eval(frame, k)).unwrap_or(Val::Unknown);
                match self.deref_obj(&base) {
                    Some(obj) => self.read_place(&Place::Index(obj, Box::new(key))),
                    None => match (&base, key.as_int()) {
                        (Val::Str(s), Some(i)) => s
                            .as_bytes()
                            .get(usize::try_from(i).unwrap_or(usize::MAX))
                            .map_or(Val::Unknown, |b| Val::int(*b as i128)),
                        _ => Val::Unknown,
                    },
                }
            }
            Expr::Slice {
                operand, start, end, ..
            } => {
                let base = self.eval(frame, operand);
                let start = start.as_ref().map(|s| self.eval(frame, s));
                let end = end.as_ref().map(|s| self.eval(frame, s));
                let bound = |v: &Option<Val>, default: usize| -> Option<usize> {
                    match v {
                        None => Some(default),
                        Some(v) => usize::try_from(v.as_int()?).ok(),
                    }
                };
                if let Val::Str(s) = &base {
                    return match (bound(&start, 0), bound(&end, s.len())) {
                        (Some(a), Some(b))
                            if a <= b && b <= s.len() && s.is_char_boundary(a) && s.is_char_boundary(b) =>
                        {
                            Val::Str(s[a..b].to_string())
                        }
                        _ => Val::Unknown,
                    };
                }
                let Some(obj) = self.deref_obj(&base) else {
                    return Val::Unknown;
                };
                let Obj::Slice { ty, elems } = self.heap[obj].clone() else {
                    return Val::Unknown;
                };
                match (bound(&start, 0), bound(&end, elems.len())) {
                    (Some(a), Some(b)) if a <= b && b <= elems.len() => Val::Obj(self.alloc(Obj::Slice {
                        ty,
                        elems: elems[a..b].to_vec(),
                    })),
                    _ => Val::Unknown,
                }
            }
            Expr::Unary(op, operand) => match op.as_str() {
                "&" => match operand.as_ref() {
                    Expr::Composite { .. } | Expr::Paren(_) => self.eval(frame, operand),
                    other => match self.place(frame, other) {
                        // The address of a struct is the struct object itself (a field not set yet is its zero
                        // value, made now).
                        Some(place) => match match &place {
                            Place::Field(obj, name) => self.field(&Val::Obj(*obj), name),
                            _ => self.read_place(&place),
                        } {
                            Val::Obj(id) if matches!(self.heap[id], Obj::Struct { .. }) => Val::Obj(id),
                            _ => Val::Ref(place),
                        },
                        None => Val::Unknown,
                    },
                },
                "*" => match self.eval(frame, operand) {
                    Val::Ref(place) => self.read_place(&place),
                    // `(*T)(x)`: a conversion to a pointer type.
                    Val::Type(t) => Val::Type(Rc::new(Ty::Pointer(Box::new(t.as_ref().clone())))),
                    Val::Obj(id) => match &self.heap[id] {
                        Obj::Cell(v) => v.clone(),
                        _ => Val::Obj(id),
                    },
                    _ => Val::Unknown,
                },
                _ => unary(op, &self.eval(frame, operand)),
            },
            Expr::Binary(l, op, r) => {
                let left = self.eval(frame, l);
                // Short circuits, as Go evaluates them.
                match (op.as_str(), &left) {
                    ("&&", Val::Bool(false)) => return Val::Bool(false),
                    ("||", Val::Bool(true)) => return Val::Bool(true),
                    _ => {}
                }
                let right = self.eval(frame, r);
                match op.as_str() {
                    "==" | "!=" => {
                        // Struct values compare field by field; pointers by identity.
                        let eq = if self.is_struct_value(frame, l) || self.is_struct_value(frame, r) {
                            self.struct_equal(&left, &right, 0)
                        } else {
                            equal(&left, &right)
                        };
                        match eq {
                            Some(eq) => Val::Bool(eq == (op == "==")),
                            None => Val::Unknown,
                        }
                    }
                    "&&" | "||" => match (&left, &right) {
                        (Val::Bool(_), Val::Bool(b)) => Val::Bool(*b),
                        (_, Val::Bool(false)) if op == "&&" => Val::Bool(false),
                        (_, Val::Bool(true)) if op == "||" => Val::Bool(true),
                        _ => Val::Unknown,
                    },
                    _ => binary(&left, op, &right),
                }
            }
            Expr::Composite { ty, elements, line } => {
                let ty = match ty {
                    Some(t) => self.resolve_type(frame.pkg, frame.file, t),
                    None => self.expected.take().unwrap_or(Ty::Unknown),
                };
                self.composite(frame, &ty, elements, *line)
            }
            Expr::FuncLit { sig, body, .. } => {
                let params = crate::syntax::Param::names_of(&sig.params);
                let variadic = sig.params.last().is_some_and(|p| matches!(p.ty, TypeExpr::Ellipsis(_)));
                Val::Func(Rc::new(Callable::Closure {
                    pkg: frame.pkg,
                    file: frame.file,
                    params,
                    variadic,
                    body: body.clone(),
                    scope: frame.scope.clone(),
                }))
            }
            Expr::TypeAssert(inner, _) => self.eval(frame, inner),
            Expr::Type(t) => Val::Type(Rc::new(self.resolve_type(frame.pkg, frame.file, t))),
            Expr::Call { .. } => unreachable!("calls are evaluated by eval_multi"),
            Expr::Other(_) => Val::Unknown,
        }
    }

    /// Whether a name is declared at the package level of the frame's package (a variable, constant or function
    /// that hides an import of the same name).
    fn is_package_level(&self, frame: &Frame, name: &str) -> bool {
        self.value_named(frame.pkg, name).is_some() || self.func_named(frame.pkg, name).is_some()
    }

    fn ident(&mut self, frame: &Frame, name: &str) -> Val {
        if let Some(cell) = frame.scope.lookup(name) {
            return self.read_cell(cell);
        }
        match name {
            "true" => return Val::Bool(true),
            "false" => return Val::Bool(false),
            "nil" => return Val::Nil,
            _ => {}
        }
        if let Some(cell) = self.global(frame.pkg, name) {
            return self.read_cell(cell);
        }
        if let Some(func) = self.func_named(frame.pkg, name) {
            return Val::Func(Rc::new(Callable::Func {
                pkg: frame.pkg,
                file: func.file,
                line: func.decl.line,
                name: name.to_string(),
                receiver: None,
            }));
        }
        if self.model.pkg(frame.pkg).type_index.contains_key(name) {
            return Val::Type(Rc::new(Ty::Named(crate::model::TypeRef {
                pkg: frame.pkg,
                name: name.to_string(),
            })));
        }
        if super::is_basic(name) {
            return Val::Type(Rc::new(Ty::Basic(name.to_string())));
        }
        if native::is_builtin(name) {
            return Val::Func(Rc::new(Callable::Native {
                name: format!("builtin.{name}"),
                receiver: None,
            }));
        }
        if let Some(path) = self.model.qualifier_path(frame.file, name) {
            return Val::Pkg(path.to_string());
        }
        Val::Unknown
    }

    /// A member of a package by import path: of the tree, or of a library the evaluator models.
    fn member(&mut self, frame: &Frame, path: &str, name: &str) -> Val {
        self.member_of(frame, path, self.model.package_by_path(path), name)
    }

    /// `member`, with the package of the tree `path` is (`Model::package_by_path`), when it is one.
    fn member_of(&mut self, frame: &Frame, path: &str, pkg: Option<crate::model::PkgId>, name: &str) -> Val {
        if native::intercepts(path, name) {
            return native::package_member(self, frame, path, name);
        }
        if let Some(pkg) = pkg {
            if let Some(cell) = self.global(pkg, name) {
                return self.read_cell(cell);
            }
            if let Some(func) = self.func_named(pkg, name) {
                return Val::Func(Rc::new(Callable::Func {
                    pkg,
                    file: func.file,
                    line: func.decl.line,
                    name: name.to_string(),
                    receiver: None,
                }));
            }
            if self.model.pkg(pkg).type_index.contains_key(name) {
                return Val::Type(Rc::new(Ty::Named(crate::model::TypeRef {
                    pkg,
                    name: name.to_string(),
                })));
            }
            return Val::Unknown;
        }
        native::package_member(self, frame, path, name)
    }

    /// `base.name`: a field, a method value, a member of a modelled library's object.
    fn select(&mut self, frame: &Frame, base: Val, name: &str) -> Val {
        match &base {
            Val::Pkg(path) => {
                let path = path.clone();
                return self.member(frame, &path, name);
            }
            Val::Unknown | Val::Nil => return Val::Unknown,
            _ => {}
        }
        if let Some((pkg, file, decl, receiver)) = self.method_of(&base, name) {
            return Val::Func(Rc::new(Callable::Func {
                pkg,
                file,
                line: decl.line,
                name: name.to_string(),
                receiver: Some(receiver),
            }));
        }
        if native::has_methods(self, &base) {
            if let Some(v) = native::field(self, &base, name) {
                return v;
            }
            return Val::Func(Rc::new(Callable::Native {
                name: name.to_string(),
                receiver: Some(base),
            }));
        }
        self.field(&base, name)
    }

    /// A composite literal of a resolved type.
    fn composite(&mut self, frame: &Frame, ty: &Ty, elements: &[Element], line: u32) -> Val {
        let ty = match ty {
            Ty::Pointer(inner) => inner.as_ref().clone(),
            other => other.clone(),
        };
        if let Ty::External(name) = &ty {
            if let Some(v) = native::composite(self, frame, name, elements, line) {
                return v;
            }
        }
        match &ty {
            Ty::Slice(elem) => {
                let elems = elements
                    .iter()
                    .map(|el| {
                        self.expected = Some(elem.as_ref().clone());
                        let v = self.eval(frame, &el.value);
                        self.expected = None;
                        v
                    })
                    .collect();
                Val::Obj(self.alloc(Obj::Slice { ty: ty.clone(), elems }))
            }
            Ty::Map(key_ty, value_ty) => {
                let mut entries = Vec::new();
                for el in elements {
                    self.expected = Some(key_ty.as_ref().clone());
                    let k = el.key.as_ref().map(|k| self.eval(frame, k)).unwrap_or(Val::Unknown);
                    self.expected = Some(value_ty.as_ref().clone());
                    let v = self.eval(frame, &el.value);
                    self.expected = None;
                    entries.push((k, v));
                }
                Val::Obj(self.alloc(Obj::Map {
                    ty: ty.clone(),
                    entries,
                }))
            }
            Ty::Named(t) => {
                let model: &'m crate::model::Model = self.model;
                match model.type_decl(t).map(|d| (d.file, &d.decl.ty)) {
                    Some((_, TypeExpr::Struct(fields))) => {
                        // The fields in order, for elements without a key.
                        let order = match elements.iter().any(|el| el.key.is_none()) {
                            true => super::field_order(fields),
                            false => Vec::new(),
                        };
                        let mut set = std::collections::BTreeMap::new();
                        for (i, el) in elements.iter().enumerate() {
                            let Some(name) = element_field(el, i, &order) else {
                                continue;
                            };
                            let field_ty = self
                                .field_type(t, &name)
                                .map(|(p, f, fty, _)| self.resolve_type(p, f, &fty));
                            self.expected = field_ty;
                            let v = self.eval(frame, &el.value);
                            self.expected = None;
                            set.insert(name, v);
                        }
                        Val::Obj(self.alloc(Obj::Struct {
                            ty: ty.clone(),
                            fields: set,
                        }))
                    }
                    Some((file, under)) => {
                        // A named slice or map type.
                        let inner = self.resolve_type(t.pkg, file, under);
                        let v = self.composite(frame, &inner, elements, line);
                        if let Some(id) = v.obj() {
                            match &mut self.heap[id] {
                                Obj::Slice { ty: slot, .. } | Obj::Map { ty: slot, .. } => *slot = ty.clone(),
                                _ => {}
                            }
                        }
                        v
                    }
                    None => Val::Unknown,
                }
            }
            _ => {
                // A literal of a struct type without a name, or whose type is not known: its keyed values, and for
                // the first, its values in field order.
                let order = match &ty {
                    Ty::Struct(names) => names.as_ref().clone(),
                    _ => Vec::new(),
                };
                let mut fields = std::collections::BTreeMap::new();
                for (i, el) in elements.iter().enumerate() {
                    let Some(name) = element_field(el, i, &order) else {
                        continue;
                    };
                    let v = self.eval(frame, &el.value);
                    fields.insert(name, v);
                }
                Val::Obj(self.alloc(Obj::Struct { ty: ty.clone(), fields }))
            }
        }
    }

    /// Whether evaluating an expression does nothing but give its value: no call but a conversion, no receive, no
    /// function literal's body that does either, and no read of a package-level variable whose initialiser could
    /// do something (`reads_without_effects`).
    fn without_effects(&mut self, frame: &Frame, e: &Expr) -> bool {
        let mut pure = true;
        crate::code::visit_expr_tree(e, &mut |_, x| {
            pure = pure
                && match x {
                    Expr::Ident(name) => {
                        frame.scope.lookup(name).is_some() || self.reads_without_effects(frame.pkg, name)
                    }
                    // A member of another package of the tree (its qualifier is visited as a name of no value).
                    Expr::Selector(q, name) => match self.qualified_package(frame.pkg, frame.file, Some(frame), q) {
                        Some(Some(pkg)) => self.reads_without_effects(pkg, name),
                        _ => true,
                    },
                    Expr::Unary(op, _) => op != "<-",
                    Expr::Call { fun, .. } => self.names_type(frame, fun),
                    Expr::Other(_) => false,
                    _ => true,
                };
        });
        pure
    }

    /// Whether a package-level variable's initialiser is made of literals and constants alone: literals,
    /// composites and conversions of them, names that are no variable.
    pub(super) fn constant_like(&self, pkg: crate::model::PkgId, file: crate::model::FileId, e: &Expr) -> bool {
        let no_variable = |pkg, name: &str| {
            self.value_named(pkg, name)
                .is_none_or(|i| self.model.pkg(pkg).values[i].decl.kind == crate::syntax::ValueKind::Const)
        };
        let frame = self.top_frame(pkg, file, "");
        let mut constant = true;
        crate::code::visit_expr_tree(e, &mut |_, x| {
            constant = constant
                && match x {
                    Expr::Lit(..) | Expr::Type(_) | Expr::Paren(_) | Expr::Binary(..) | Expr::Composite { .. } => true,
                    Expr::Unary(op, _) => op != "<-",
                    Expr::Ident(name) => no_variable(pkg, name),
                    Expr::Selector(q, name) => match self.qualified_package(pkg, file, None, q) {
                        Some(Some(p)) => no_variable(p, name),
                        Some(None) => true,
                        None => false,
                    },
                    Expr::Call { fun, .. } => self.names_type(&frame, fun),
                    _ => false,
                };
        });
        constant
    }

    /// The package a selector's operand names when it is a package qualifier (not a variable of the frame or the
    /// package): `Some(None)` for a package outside the tree; `None` when it is no qualifier.
    fn qualified_package(
        &self,
        pkg: crate::model::PkgId,
        file: crate::model::FileId,
        frame: Option<&Frame>,
        q: &Expr,
    ) -> Option<Option<crate::model::PkgId>> {
        let Expr::Ident(q) = q else { return None };
        if frame.is_some_and(|f| f.scope.lookup(q).is_some()) || self.value_named(pkg, q).is_some() {
            return None;
        }
        Some(self.model.qualifier(file, q)?.1)
    }

    /// Whether the function of a call names a type, which makes the call a conversion: `T(x)`, `(*T)(nil)`,
    /// `pkg.T(x)`, `[]byte(s)`.
    fn names_type(&self, frame: &Frame, fun: &Expr) -> bool {
        match fun {
            Expr::Type(_) => true,
            Expr::Paren(x) => self.names_type(frame, x),
            Expr::Unary(op, x) if op == "*" => self.names_type(frame, x),
            Expr::Ident(name) => {
                frame.scope.lookup(name).is_none()
                    && self.value_named(frame.pkg, name).is_none()
                    && (self.model.pkg(frame.pkg).type_index.contains_key(name.as_str()) || super::is_basic(name))
            }
            Expr::Selector(q, name) => matches!(
                self.qualified_package(frame.pkg, frame.file, Some(frame), q),
                Some(Some(pkg)) if self.model.pkg(pkg).type_index.contains_key(name.as_str())
            ),
            _ => false,
        }
    }

    /// Calls what `fun` evaluates to.
    fn call(&mut self, frame: &Frame, fun: &Expr, args: &[Expr], ellipsis: bool) -> Vec<Val> {
        let line = self.line;
        let callee = self.eval(frame, fun);
        // `new(T)`, `make(T, n)`: the type argument is a type, not a value.
        if let Val::Func(f) = &callee {
            if let Callable::Native { name, receiver: None } = f.as_ref() {
                if name == "builtin.new" || name == "builtin.make" {
                    let ty = match args.first() {
                        Some(Expr::Type(t)) => self.resolve_type(frame.pkg, frame.file, t),
                        Some(Expr::Ident(n)) | Some(Expr::Selector(_, n)) => match self.eval(frame, &args[0]) {
                            Val::Type(t) => t.as_ref().clone(),
                            _ => Ty::External(n.clone()),
                        },
                        _ => Ty::Unknown,
                    };
                    return vec![native::make(self, &ty, name == "builtin.new")];
                }
            }
        }
        // A function outside the tree and the libraries the evaluator models gives `Unknown` whatever it is passed
        // (`proto.RegisterType((*Pod)(nil), "k8s.io.api.core.v1.Pod")`, hundreds in every API package's `init`):
        // its arguments are evaluated only for what doing so does.
        let ignored = matches!(&callee, Val::Func(f)
            if matches!(f.as_ref(), Callable::Native { name, receiver: None } if native::ignores_args(self, name)));
        let mut values: Vec<Val> = Vec::with_capacity(args.len());
        if args.len() == 1 && matches!(args[0], Expr::Call { .. }) {
            if ignored && self.without_effects(frame, &args[0]) {
                values.push(Val::Unknown);
            } else {
                // `f(g())` where g returns several values: all of them.
                let all = self.eval_multi(frame, &args[0], 2);
                if all.len() > 1 && !matches!(&callee, Val::Type(_)) {
                    values = all;
                } else {
                    values.push(all.into_iter().next().unwrap_or(Val::Unknown));
                }
            }
        } else {
            for a in args {
                if ignored && self.without_effects(frame, a) {
                    values.push(Val::Unknown);
                } else {
                    values.push(self.eval(frame, a));
                }
            }
        }
        self.line = line;
        self.call_value_at(frame, &callee, values, ellipsis, args)
    }

    /// Calls a value with evaluated arguments (`exprs` are the arguments as written, for what natives record).
    pub(super) fn call_value_at(
        &mut self,
        frame: &Frame,
        callee: &Val,
        args: Vec<Val>,
        spread: bool,
        exprs: &[Expr],
    ) -> Vec<Val> {
        match callee {
            Val::Type(ty) => vec![native::convert(
                self,
                ty,
                args.into_iter().next().unwrap_or(Val::Unknown),
            )],
            Val::Func(f) => match f.as_ref() {
                Callable::Func {
                    pkg,
                    file,
                    line,
                    name,
                    receiver,
                } => {
                    let model = self.model;
                    let path = model.pkg(*pkg).import_path.as_str();
                    if self.is_text_wrapper(path, name) {
                        if let Some(first) = args.first() {
                            return vec![first.clone()];
                        }
                    }
                    if name == "AddToScheme" && path == native::RUNTIME {
                        if let Some(out) = native::defer_registration(self, callee, receiver.as_ref(), &args) {
                            return out;
                        }
                    }
                    match self.decl_at(*file, *line) {
                        Some(decl) => self.call_func_spread(*pkg, *file, decl, receiver.clone(), args, spread),
                        None => vec![Val::Unknown],
                    }
                }
                Callable::Closure {
                    pkg,
                    file,
                    params,
                    variadic,
                    body,
                    scope,
                } => {
                    if self.depth >= super::MAX_DEPTH || self.exhausted() {
                        return vec![Val::Unknown];
                    }
                    let inner = Frame {
                        pkg: *pkg,
                        file: *file,
                        scope: Scope::child(scope),
                        function: frame.function.clone(),
                        deferred: Default::default(),
                    };
                    self.bind_params(&inner, params, *variadic, args, spread);
                    self.depth += 1;
                    let caller_line = self.line;
                    let flow = self.exec_block(&inner, body);
                    self.run_deferred(&inner);
                    self.depth -= 1;
                    self.line = caller_line;
                    match flow {
                        Flow::Return(v) => v,
                        _ => vec![Val::Unknown],
                    }
                }
                Callable::Native { name, receiver } => {
                    let name = name.clone();
                    let receiver = receiver.clone();
                    self.spreading = spread;
                    let out = native::call(self, frame, &name, receiver.as_ref(), args, exprs);
                    self.spreading = false;
                    out
                }
                Callable::Opaque => vec![Val::Unknown],
            },
            _ => vec![Val::Unknown],
        }
    }

    /// Calls a value from outside an expression (a deferred call, a callback a native runs).
    pub(super) fn call_value(&mut self, frame: &Frame, callee: &Val, args: Vec<Val>) -> Vec<Val> {
        self.call_value_at(frame, callee, args, false, &[])
    }

    /// The name of a value's dynamic type, for type switches: `import/path.Name`, `string`, `int`.
    fn type_name_of(&self, v: &Val) -> Option<String> {
        match v {
            Val::Str(_) => Some("string".to_string()),
            Val::Bool(_) => Some("bool".to_string()),
            Val::Int(..) => Some("int".to_string()),
            Val::Obj(_) | Val::Ref(_) => {
                let obj = self.deref_obj(v)?;
                match &self.heap[obj] {
                    Obj::Struct { ty, .. } | Obj::Map { ty, .. } | Obj::Slice { ty, .. } => ty_name(ty),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// A resolved type's name as a type switch compares it.
fn ty_name(ty: &Ty) -> Option<String> {
    match ty {
        Ty::Named(t) => Some(format!("{}:{}", t.pkg.0, t.name)),
        Ty::Basic(n) => Some(n.clone()),
        Ty::External(n) => Some(n.clone()),
        Ty::Pointer(inner) => ty_name(inner),
        _ => None,
    }
}

/// The field the `i`-th element of a struct literal sets: its key, else the `i`-th of the fields in order.
fn element_field(el: &Element, i: usize, order: &[String]) -> Option<String> {
    match &el.key {
        Some(Expr::Ident(k)) => Some(k.clone()),
        Some(_) => None,
        None => order.get(i).cloned(),
    }
}

/// Whether an expression is a variable or a chain of fields (`o.Merge`), which can be evaluated again without
/// running anything.
fn is_path(e: &Expr) -> bool {
    match e {
        Expr::Ident(_) => true,
        Expr::Selector(inner, _) | Expr::Paren(inner) => is_path(inner),
        _ => false,
    }
}

/// Whether two values are equal, when that is known.
pub(super) fn equal(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Int(x, _), Val::Int(y, _)) => Some(x == y),
        (Val::Str(x), Val::Str(y)) => Some(x == y),
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::Float(x), Val::Float(y)) => Some(x == y),
        (Val::Nil, Val::Nil) => Some(true),
        (Val::Nil, Val::Obj(_) | Val::Ref(_) | Val::Func(_)) | (Val::Obj(_) | Val::Ref(_) | Val::Func(_), Val::Nil) => {
            Some(false)
        }
        // A string is never nil; one compared with nil stands for a value kept as text (a `net.IP`).
        (Val::Str(_), Val::Nil) | (Val::Nil, Val::Str(_)) => Some(false),
        (Val::Obj(x), Val::Obj(y)) => Some(x == y),
        _ => None,
    }
}

pub(super) fn literal(kind: LitKind, text: &str) -> Val {
    match kind {
        LitKind::Int => crate::consteval::parse_int(text).map_or(Val::Unknown, Val::int),
        LitKind::String => crate::consteval::unquote_string(text).map_or(Val::Unknown, Val::Str),
        LitKind::Rune => {
            let inner = text.trim_matches('\'');
            match crate::consteval::unquote_string(&format!("\"{inner}\"")) {
                Some(s) if s.chars().count() == 1 => Val::int(s.chars().next().map_or(0, |c| c as i128)),
                _ => Val::Unknown,
            }
        }
        LitKind::Float => text.replace('_', "").parse::<f64>().map_or(Val::Unknown, Val::Float),
        LitKind::Imaginary => Val::Unknown,
    }
}

fn unary(op: &str, v: &Val) -> Val {
    match (op, v) {
        ("-", Val::Int(i, k)) => Val::Int(-i, *k),
        ("-", Val::Float(f)) => Val::Float(-f),
        ("+", v @ (Val::Int(..) | Val::Float(_))) => v.clone(),
        ("!", Val::Bool(b)) => Val::Bool(!b),
        ("^", Val::Int(i, k)) => Val::Int(!i, *k),
        _ => Val::Unknown,
    }
}

/// Arithmetic, comparison and string concatenation; a duration stays a duration.
pub(super) fn binary(l: &Val, op: &str, r: &Val) -> Val {
    let kind = |a: IntKind, b: IntKind| {
        if a == IntKind::Duration || b == IntKind::Duration {
            IntKind::Duration
        } else {
            IntKind::Plain
        }
    };
    match (l, r) {
        (Val::Int(a, ka), Val::Int(b, kb)) => {
            let k = kind(*ka, *kb);
            let (a, b) = (*a, *b);
            let int = |v: Option<i128>| v.map_or(Val::Unknown, |v| Val::Int(v, k));
            match op {
                "+" => int(a.checked_add(b)),
                "-" => int(a.checked_sub(b)),
                "*" => int(a.checked_mul(b)),
                "/" => int(a.checked_div(b)),
                "%" => int(a.checked_rem(b)),
                "<<" => int(u32::try_from(b)
                    .ok()
                    .filter(|s| *s < 127)
                    .and_then(|s| a.checked_shl(s))),
                ">>" => int(u32::try_from(b).ok().map(|s| a >> s.min(127))),
                "&" => Val::Int(a & b, k),
                "|" => Val::Int(a | b, k),
                "^" => Val::Int(a ^ b, k),
                "&^" => Val::Int(a & !b, k),
                "<" => Val::Bool(a < b),
                "<=" => Val::Bool(a <= b),
                ">" => Val::Bool(a > b),
                ">=" => Val::Bool(a >= b),
                _ => Val::Unknown,
            }
        }
        (Val::Float(_), Val::Int(..)) | (Val::Int(..), Val::Float(_)) | (Val::Float(_), Val::Float(_)) => {
            let f = |v: &Val| match v {
                Val::Float(f) => *f,
                Val::Int(i, _) => *i as f64,
                _ => 0.0,
            };
            let (a, b) = (f(l), f(r));
            match op {
                "+" => Val::Float(a + b),
                "-" => Val::Float(a - b),
                "*" => Val::Float(a * b),
                "/" => Val::Float(a / b),
                "<" => Val::Bool(a < b),
                "<=" => Val::Bool(a <= b),
                ">" => Val::Bool(a > b),
                ">=" => Val::Bool(a >= b),
                _ => Val::Unknown,
            }
        }
        (Val::Str(a), Val::Str(b)) => match op {
            "+" => Val::Str(format!("{a}{b}")),
            "<" => Val::Bool(a < b),
            ">" => Val::Bool(a > b),
            _ => Val::Unknown,
        },
        _ => Val::Unknown,
    }
}
