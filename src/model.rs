//! Packages, named types, method sets and the `implements` relation of a scanned tree.
//!
//! Types are compared the way Go compares them, by a canonical string in which every named type is qualified by
//! its package's import path, aliases are expanded, type parameters are numbered (`$0`, `$1`) or replaced by the
//! instantiation's arguments, and parameter names are dropped.

use crate::HashMap;
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::platform::{Constraints, Platforms};
use crate::syntax::{Field, FileSyntax, FuncDecl, InterfaceElem, Signature, TypeDecl, TypeExpr, ValueDecl};
use crate::walk::{import_path, Module};

/// One scanned `.go` file and what kubewalk learned from it.
#[derive(Debug, Clone)]
pub struct FileFacts {
    pub path: String,
    pub size: u64,
    pub constraints: Constraints,
    pub platforms: Platforms,
    /// `None` when the file could not be read as UTF-8 text.
    pub syntax: Option<FileSyntax>,
    pub problem: Option<String>,
}

impl FileFacts {
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }
}

/// Identifies a file: its index in `Model::files`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// Identifies a package: its index in `Model::packages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PkgId(pub usize);

/// A named type: a package and a type name. Declarations of the same name in files for different platforms
/// are one named type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeRef {
    pub pkg: PkgId,
    pub name: String,
}

/// A file's package qualifiers, each with the import path it stands for and its package when it is of the tree.
type Qualifiers = HashMap<String, (String, Option<PkgId>)>;

#[derive(Debug)]
pub struct Model {
    pub files: Vec<FileFacts>,
    pub modules: Vec<Module>,
    /// Sorted by import path, then package name.
    pub packages: Vec<Package>,
    by_import_path: HashMap<String, PkgId>,
    /// Each file's package qualifiers and the import paths they stand for (`qualifier_path`), made the first time
    /// one is asked: building the model resolves every qualified type name, and a file has tens of imports.
    qualifiers: Vec<std::sync::OnceLock<Qualifiers>>,
}

#[derive(Debug)]
pub struct Package {
    pub dir: String,
    pub import_path: String,
    pub name: String,
    pub doc: Option<String>,
    pub files: Vec<FileId>,
    /// Every type declaration, in file order.
    pub types: Vec<Located<TypeDecl>>,
    /// Top-level functions without a receiver.
    pub funcs: Vec<Located<FuncDecl>>,
    /// Functions with a receiver.
    pub methods: Vec<Located<FuncDecl>>,
    /// The body facts of package-level variable initialisers (`FileSyntax::var_inits`).
    pub var_inits: Vec<Located<FuncDecl>>,
    pub values: Vec<Located<ValueDecl>>,
    /// Type name to its declarations (indices into `types`).
    pub type_index: BTreeMap<String, Vec<usize>>,
    /// Receiver base type name to its methods (indices into `methods`).
    pub method_index: HashMap<String, Vec<usize>>,
    /// Computed per type name.
    pub named: BTreeMap<String, NamedInfo>,
    /// The canonical signature of each method (indices as `methods`), its receiver's type parameters numbered.
    pub method_canonical: Vec<String>,
    /// A vendored package scanned only so that the evaluator can run it (it registers flags): not part of the
    /// tree's facts, its pages or its JSON.
    pub support: bool,
}

#[derive(Debug, Clone)]
pub struct Located<T> {
    pub file: FileId,
    pub decl: T,
}

/// What kubewalk computes for a named type.
#[derive(Debug, Default, Clone)]
pub struct NamedInfo {
    pub method_set: Option<MethodSets>,
    /// For interfaces: the full method set, embedded interfaces expanded.
    pub interface: Option<InterfaceSet>,
    pub implements: Vec<Implementation>,
    pub implemented_by: Vec<Implementation>,
}

#[derive(Debug, Default, Clone)]
pub struct MethodSets {
    /// The methods of `T`.
    pub value: Vec<MethodEntry>,
    /// The methods of `*T`.
    pub pointer: Vec<MethodEntry>,
}

#[derive(Debug, Clone)]
pub struct MethodEntry {
    pub name: String,
    /// The signature as declared, in Go's compact form.
    pub signature: String,
    /// The canonical signature used for matching.
    pub canonical: String,
    /// The type that declares the method.
    pub owner: TypeRef,
    pub pointer_receiver: bool,
    /// The embedded fields it is promoted through, outermost first; empty for a method declared on the type.
    pub promoted_via: Vec<String>,
    /// Where it is declared: one place per declaration (files for different platforms may each declare it).
    pub locations: Vec<(FileId, u32)>,
    pub platforms: Platforms,
}

#[derive(Debug, Clone, Default)]
pub struct InterfaceSet {
    pub methods: Vec<MethodEntry>,
    /// Embedded interfaces, as canonical names.
    pub embeds: Vec<String>,
    /// Holds type-set terms (`~int | string`): usable only as a constraint.
    pub constraint: bool,
    /// False when an embedded interface is outside the scanned tree and unknown to kubewalk.
    pub complete: bool,
}

/// `ty` implements `interface` on `platforms`; `pointer_only` when only `*T` has every method.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Implementation {
    pub ty: TypeRef,
    pub interface: TypeRef,
    pub pointer_only: bool,
    pub platforms: Platforms,
}

/// Interfaces of the standard library that Kubernetes types embed often, so that interfaces embedding them can
/// still be matched. Each is `(qualified name, [(method, canonical signature)])`.
const STD_INTERFACES: &[(&str, &[(&str, &str)])] = &[
    ("error", &[("Error", "()(string)")]),
    ("fmt.Stringer", &[("String", "()(string)")]),
    ("io.Reader", &[("Read", "([]uint8)(int,error)")]),
    ("io.Writer", &[("Write", "([]uint8)(int,error)")]),
    ("io.Closer", &[("Close", "()(error)")]),
    (
        "io.ReadCloser",
        &[("Read", "([]uint8)(int,error)"), ("Close", "()(error)")],
    ),
    (
        "io.WriteCloser",
        &[("Write", "([]uint8)(int,error)"), ("Close", "()(error)")],
    ),
    (
        "io.ReadWriter",
        &[("Read", "([]uint8)(int,error)"), ("Write", "([]uint8)(int,error)")],
    ),
    (
        "io.ReadWriteCloser",
        &[
            ("Read", "([]uint8)(int,error)"),
            ("Write", "([]uint8)(int,error)"),
            ("Close", "()(error)"),
        ],
    ),
    (
        "sort.Interface",
        &[("Len", "()(int)"), ("Less", "(int,int)(bool)"), ("Swap", "(int,int)()")],
    ),
];

impl Model {
    /// Builds the model from files sorted by path.
    /// The model of a tree's files; the packages of `support` folders are marked (`Package::support`).
    pub fn build(mut files: Vec<FileFacts>, modules: Vec<Module>, support: &[String]) -> Model {
        // A vendored copy of a package the tree has itself (a tree whose `vendor/k8s.io/*` are copies of
        // `staging/` rather than links to it) adds nothing: the tree's own files are that package.
        let support: crate::HashSet<&str> = support.iter().map(String::as_str).collect();
        // Each folder's import path, found once for all its files.
        let mut paths: HashMap<String, String> = HashMap::default();
        let file_paths: Vec<String> = files
            .iter()
            .map(|f| {
                let dir = f.dir();
                match paths.get(dir) {
                    Some(path) => path.clone(),
                    None => {
                        let path = import_path(dir, &modules);
                        paths.insert(dir.to_string(), path.clone());
                        path
                    }
                }
            })
            .collect();
        drop(paths);
        let own: crate::HashSet<&str> = files
            .iter()
            .zip(&file_paths)
            .filter(|(f, _)| !support.contains(f.dir()))
            .map(|(_, path)| path.as_str())
            .collect();
        let mut groups: BTreeMap<(String, String), Vec<FileId>> = BTreeMap::new();
        for (i, (file, path)) in files.iter().zip(&file_paths).enumerate() {
            let Some(syntax) = &file.syntax else { continue };
            if syntax.package.is_empty() {
                continue;
            }
            if support.contains(file.dir()) && own.contains(path.as_str()) {
                continue;
            }
            // An external test package `p_test` is a package of its own, with its own import path.
            let key_path = if syntax.package.ends_with("_test") && is_test_file(&file.path) {
                format!("{path}_test")
            } else {
                path.clone()
            };
            groups
                .entry((key_path, syntax.package.clone()))
                .or_default()
                .push(FileId(i));
        }
        drop(own);
        // The files' declarations are taken out of them here, and moved into their packages on every core.
        let groups: Vec<_> = groups
            .into_iter()
            .map(|((path, name), ids)| {
                let decls: Vec<FileDecls> = ids.iter().map(|&id| FileDecls::take(&mut files[id.0], id)).collect();
                (path, name, ids, decls)
            })
            .collect();
        let packages: Vec<Package> = groups
            .into_par_iter()
            .map(|(path, name, ids, decls)| {
                let dir = files[ids[0].0].dir().to_string();
                let mut package = Package::new(dir, path, name, ids, decls);
                package.support = support.contains(package.dir.as_str());
                package
            })
            .collect();
        // Several package clauses under one import path happen for `package main` generators beside a library:
        // the package with the most files owns the import path.
        let mut by_import_path: HashMap<String, PkgId> = HashMap::default();
        for (i, pkg) in packages.iter().enumerate() {
            match by_import_path.get(&pkg.import_path) {
                Some(&PkgId(j)) if packages[j].files.len() >= pkg.files.len() => {}
                _ => {
                    by_import_path.insert(pkg.import_path.clone(), PkgId(i));
                }
            }
        }
        let mut model = Model {
            qualifiers: files.iter().map(|_| std::sync::OnceLock::new()).collect(),
            files,
            modules,
            packages,
            by_import_path,
        };
        model.compute();
        model
    }

    pub fn package_by_path(&self, import_path: &str) -> Option<PkgId> {
        self.by_import_path.get(import_path).copied()
    }

    pub fn pkg(&self, id: PkgId) -> &Package {
        &self.packages[id.0]
    }

    pub fn file(&self, id: FileId) -> &FileFacts {
        &self.files[id.0]
    }

    /// `import/path.Name` of a named type.
    pub fn type_id(&self, ty: &TypeRef) -> String {
        format!("{}.{}", self.pkg(ty.pkg).import_path, ty.name)
    }

    /// The first declaration of a named type.
    pub fn type_decl(&self, ty: &TypeRef) -> Option<&Located<TypeDecl>> {
        let pkg = self.pkg(ty.pkg);
        pkg.type_index
            .get(&ty.name)
            .and_then(|ids| ids.first())
            .map(|&i| &pkg.types[i])
    }

    /// Resolves a type name as written in `file` of `pkg` to a named type of the scanned tree.
    pub fn resolve_name(&self, pkg: PkgId, file: FileId, qualifier: Option<&str>, name: &str) -> Option<TypeRef> {
        let target = match qualifier {
            None => {
                if self.pkg(pkg).type_index.contains_key(name) {
                    return Some(TypeRef {
                        pkg,
                        name: name.to_string(),
                    });
                }
                // A dot import makes another package's names local.
                let syntax = self.file(file).syntax.as_ref()?;
                return syntax
                    .imports
                    .iter()
                    .filter(|i| i.alias.as_deref() == Some("."))
                    .filter_map(|i| self.package_by_path(&i.path))
                    .find(|p| self.pkg(*p).type_index.contains_key(name))
                    .map(|p| TypeRef {
                        pkg: p,
                        name: name.to_string(),
                    });
            }
            Some(q) => self.qualifier_pkg(file, q)?,
        };
        self.pkg(target).type_index.contains_key(name).then(|| TypeRef {
            pkg: target,
            name: name.to_string(),
        })
    }

    /// The import path a package qualifier stands for in a file.
    pub fn qualifier_path(&self, file: FileId, qualifier: &str) -> Option<&str> {
        self.qualifier(file, qualifier).map(|(path, _)| path)
    }

    /// The package of the tree a package qualifier stands for in a file (`qualifier_path`, `package_by_path`).
    pub fn qualifier_pkg(&self, file: FileId, qualifier: &str) -> Option<PkgId> {
        self.qualifier(file, qualifier)?.1
    }

    /// The import path a package qualifier stands for in a file, and its package when it is one of the tree.
    pub fn qualifier(&self, file: FileId, qualifier: &str) -> Option<(&str, Option<PkgId>)> {
        let table = self.qualifiers[file.0].get_or_init(|| {
            let mut table = Qualifiers::default();
            let Some(syntax) = self.file(file).syntax.as_ref() else {
                return table;
            };
            let imports: Vec<_> = syntax
                .imports
                .iter()
                .map(|i| (i, self.package_by_path(&i.path)))
                .collect();
            let entry = |(i, pkg): &(&crate::syntax::Import, Option<PkgId>)| (i.path.clone(), *pkg);
            // An import's own name first; then the package clause of an imported package of the tree, which is
            // authoritative; then the last path element, a guess for packages outside it. The first import of
            // each kind wins.
            for import in &imports {
                if let Some(alias) = &import.0.alias {
                    table.entry(alias.clone()).or_insert_with(|| entry(import));
                }
            }
            for import in imports.iter().filter(|(i, _)| i.alias.is_none()) {
                if let Some(p) = import.1 {
                    table.entry(self.pkg(p).name.clone()).or_insert_with(|| entry(import));
                }
            }
            for import in imports.iter().filter(|(i, pkg)| i.alias.is_none() && pkg.is_none()) {
                table
                    .entry(guess_package_name(&import.0.path))
                    .or_insert_with(|| entry(import));
            }
            table
        });
        table.get(qualifier).map(|(path, pkg)| (path.as_str(), *pkg))
    }

    fn compute(&mut self) {
        // Canonical signatures of declared methods are needed again for every type that embeds their receiver:
        // compute them once.
        let canonical: Vec<Vec<String>> = (0..self.packages.len())
            .into_par_iter()
            .with_max_len(1)
            .map(|p| {
                let pkg = &self.packages[p];
                pkg.methods
                    .iter()
                    .map(|m| {
                        let params = m
                            .decl
                            .receiver
                            .as_ref()
                            .and_then(|r| r.base())
                            .map(|(_, params)| params.iter().map(|p| p.to_string()).collect())
                            .unwrap_or_default();
                        Scope::with_names(self, PkgId(p), m.file, params, None).signature(&m.decl.sig)
                    })
                    .collect()
            })
            .collect();
        for (pkg, canonical) in self.packages.iter_mut().zip(canonical) {
            pkg.method_canonical = canonical;
        }
        let named: Vec<BTreeMap<String, NamedInfo>> = (0..self.packages.len())
            .into_par_iter()
            .with_max_len(1)
            .map(|i| {
                let pkg = &self.packages[i];
                let mut infos = BTreeMap::new();
                for name in pkg.type_index.keys() {
                    let ty = TypeRef {
                        pkg: PkgId(i),
                        name: name.clone(),
                    };
                    let mut info = NamedInfo::default();
                    match self.underlying_kind(&ty) {
                        Kind::Interface => info.interface = Some(self.interface_set(&ty, None)),
                        Kind::Other => info.method_set = Some(self.method_sets(&ty, None)),
                    }
                    infos.insert(name.clone(), info);
                }
                infos
            })
            .collect();
        for (pkg, infos) in self.packages.iter_mut().zip(named) {
            pkg.named = infos;
        }
        self.compute_implements();
    }

    fn compute_implements(&mut self) {
        // Index interfaces by one of their method names, the rarest among all method sets, so that each type is
        // only checked against interfaces it may implement.
        let mut name_count: HashMap<&str, usize> = HashMap::default();
        for pkg in &self.packages {
            for info in pkg.named.values() {
                if let Some(sets) = &info.method_set {
                    for m in &sets.pointer {
                        *name_count.entry(&m.name).or_default() += 1;
                    }
                }
            }
        }
        let mut by_key: HashMap<&str, Vec<(TypeRef, &InterfaceSet)>> = HashMap::default();
        for (p, pkg) in self.packages.iter().enumerate() {
            for (name, info) in &pkg.named {
                let Some(set) = &info.interface else { continue };
                if set.methods.is_empty() || set.constraint || !set.complete {
                    continue;
                }
                let key = set
                    .methods
                    .iter()
                    .map(|m| m.name.as_str())
                    .min_by_key(|n| (name_count.get(n).copied().unwrap_or(0), *n))
                    .unwrap_or_default();
                by_key.entry(key).or_default().push((
                    TypeRef {
                        pkg: PkgId(p),
                        name: name.clone(),
                    },
                    set,
                ));
            }
        }
        // Each package's types are checked on a core of their own; the order is made below.
        let mut found: Vec<Implementation> = (0..self.packages.len())
            .into_par_iter()
            .flat_map_iter(|p| {
                let pkg = &self.packages[p];
                let mut found = Vec::new();
                for (name, info) in &pkg.named {
                    let Some(sets) = &info.method_set else {
                        continue;
                    };
                    let ty = TypeRef {
                        pkg: PkgId(p),
                        name: name.clone(),
                    };
                    let type_platforms = self.type_platforms(&ty);
                    let pointer: HashMap<&str, &MethodEntry> =
                        sets.pointer.iter().map(|m| (m.name.as_str(), m)).collect();
                    let value: HashMap<&str, &MethodEntry> = sets.value.iter().map(|m| (m.name.as_str(), m)).collect();
                    let mut seen: BTreeSet<&TypeRef> = BTreeSet::new();
                    for m in &sets.pointer {
                        let Some(candidates) = by_key.get(m.name.as_str()) else {
                            continue;
                        };
                        for (iface, set) in candidates {
                            if !seen.insert(iface) {
                                continue;
                            }
                            let Some(platforms) = satisfies(&pointer, set) else {
                                continue;
                            };
                            let value_platforms = satisfies(&value, set);
                            found.push(Implementation {
                                ty: ty.clone(),
                                interface: iface.clone(),
                                pointer_only: value_platforms.is_none(),
                                platforms: value_platforms.unwrap_or(platforms).intersect(type_platforms),
                            });
                        }
                    }
                }
                found
            })
            .collect();
        found.sort();
        for imp in found {
            let ty = imp.ty.clone();
            let iface = imp.interface.clone();
            if let Some(info) = self.packages[iface.pkg.0].named.get_mut(&iface.name) {
                info.implemented_by.push(imp.clone());
            }
            if let Some(info) = self.packages[ty.pkg.0].named.get_mut(&ty.name) {
                info.implements.push(imp);
            }
        }
    }

    /// The platforms on which any declaration of the type is built.
    pub fn type_platforms(&self, ty: &TypeRef) -> Platforms {
        let pkg = self.pkg(ty.pkg);
        pkg.type_index
            .get(&ty.name)
            .into_iter()
            .flatten()
            .fold(Platforms::default(), |acc, &i| {
                acc.union(self.file(pkg.types[i].file).platforms)
            })
    }

    /// Whether a named type is an interface, following aliases and defined types.
    fn underlying_kind(&self, ty: &TypeRef) -> Kind {
        let mut current = ty.clone();
        for _ in 0..16 {
            let Some(decl) = self.type_decl(&current) else {
                return Kind::Other;
            };
            match strip_parens(&decl.decl.ty) {
                TypeExpr::Interface(_) => return Kind::Interface,
                other => {
                    let Some((pkg, name)) = head_name(other) else {
                        return Kind::Other;
                    };
                    if pkg.is_none() && name == "error" && !self.pkg(current.pkg).type_index.contains_key("error") {
                        return Kind::Interface;
                    }
                    match self.resolve_name(current.pkg, decl.file, pkg, name) {
                        Some(next) if next != current => current = next,
                        _ => return Kind::Other,
                    }
                }
            }
        }
        Kind::Other
    }

    /// The method sets of a named type (`args` instantiates a generic type with canonical type strings).
    pub fn method_sets(&self, ty: &TypeRef, args: Option<&[String]>) -> MethodSets {
        let mut candidates = Vec::new();
        let mut path = Vec::new();
        let mut visiting = Vec::new();
        self.collect_members(ty, args, 0, false, &mut path, &mut visiting, &mut candidates, true);
        select_methods(candidates)
    }

    /// Gathers the fields and methods reachable from a named type at each embedding depth.
    #[allow(clippy::too_many_arguments)]
    fn collect_members(
        &self,
        ty: &TypeRef,
        args: Option<&[String]>,
        depth: u32,
        via_pointer: bool,
        path: &mut Vec<String>,
        visiting: &mut Vec<TypeRef>,
        out: &mut Vec<Candidate>,
        with_methods: bool,
    ) {
        if depth > 8 || visiting.contains(ty) {
            return;
        }
        let Some(decl) = self.type_decl(ty) else {
            return;
        };
        visiting.push(ty.clone());
        let scope = Scope::new(self, ty.pkg, decl.file, &decl.decl.type_params, args);
        if decl.decl.alias {
            // An alias has the method set of the type it stands for.
            if let Some((target, target_args)) = scope.named_target(&decl.decl.ty) {
                self.collect_members(
                    &target,
                    target_args.as_deref(),
                    depth,
                    via_pointer,
                    path,
                    visiting,
                    out,
                    true,
                );
            }
            visiting.pop();
            return;
        }
        if with_methods {
            self.declared_methods(ty, args, depth, via_pointer, path, out);
        }
        match strip_parens(&decl.decl.ty) {
            TypeExpr::Struct(fields) => self.collect_fields(&scope, fields, depth, via_pointer, path, visiting, out),
            TypeExpr::Interface(_) => {
                for m in self.interface_set(ty, args).methods {
                    out.push(Candidate::method(m, depth, via_pointer, path, true));
                }
            }
            other => {
                // A defined type `type X Y` keeps Y's fields (and so what they promote) but not Y's methods.
                if let Some((target, target_args)) = scope.named_target(other) {
                    if self.underlying_kind(&target) == Kind::Interface {
                        for m in self.interface_set(&target, target_args.as_deref()).methods {
                            out.push(Candidate::method(m, depth, via_pointer, path, true));
                        }
                    } else {
                        self.collect_members(
                            &target,
                            target_args.as_deref(),
                            depth,
                            via_pointer,
                            path,
                            visiting,
                            out,
                            false,
                        );
                    }
                }
            }
        }
        visiting.pop();
    }

    fn declared_methods(
        &self,
        ty: &TypeRef,
        args: Option<&[String]>,
        depth: u32,
        via_pointer: bool,
        path: &[String],
        out: &mut Vec<Candidate>,
    ) {
        let pkg = self.pkg(ty.pkg);
        let Some(ids) = pkg.method_index.get(&ty.name) else {
            return;
        };
        let mut by_name: BTreeMap<&str, MethodEntry> = BTreeMap::new();
        for &i in ids {
            let method = &pkg.methods[i];
            let receiver = method.decl.receiver.as_ref().expect("method_index holds methods only");
            let canonical = || match args {
                None => pkg.method_canonical[i].clone(),
                Some(_) => {
                    let (_, params) = receiver.base().unwrap_or_default();
                    let params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
                    Scope::with_names(self, ty.pkg, method.file, params, args).signature(&method.decl.sig)
                }
            };
            let platforms = self.file(method.file).platforms;
            let entry = by_name.entry(&method.decl.name).or_insert_with(|| MethodEntry {
                name: method.decl.name.clone(),
                signature: method.decl.sig.to_string(),
                canonical: canonical(),
                owner: ty.clone(),
                pointer_receiver: receiver.is_pointer(),
                promoted_via: path.to_vec(),
                locations: Vec::new(),
                platforms: Platforms::default(),
            });
            entry.locations.push((method.file, method.decl.line));
            entry.platforms = entry.platforms.union(platforms);
        }
        for entry in by_name.into_values() {
            out.push(Candidate::method(entry, depth, via_pointer, path, false));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_fields(
        &self,
        scope: &Scope,
        fields: &[Field],
        depth: u32,
        via_pointer: bool,
        path: &mut Vec<String>,
        visiting: &mut Vec<TypeRef>,
        out: &mut Vec<Candidate>,
    ) {
        for field in fields {
            if !field.names.is_empty() {
                for name in &field.names {
                    out.push(Candidate::field(name, depth));
                }
                continue;
            }
            let (is_pointer, inner) = match strip_parens(&field.ty) {
                TypeExpr::Pointer(inner) => (true, strip_parens(inner)),
                other => (false, other),
            };
            let Some(field_name) = embedded_name(inner) else {
                continue;
            };
            out.push(Candidate::field(field_name, depth));
            path.push(field_name.to_string());
            match scope.named_target(inner) {
                Some((target, target_args)) => self.collect_members(
                    &target,
                    target_args.as_deref(),
                    depth + 1,
                    via_pointer || is_pointer,
                    path,
                    visiting,
                    out,
                    true,
                ),
                None => {
                    for m in std_methods(&scope.canonical(inner), scope.pkg) {
                        out.push(Candidate::method(m, depth + 1, true, path, true));
                    }
                }
            }
            path.pop();
        }
    }

    /// The method set of an interface type, embedded interfaces expanded.
    pub fn interface_set(&self, ty: &TypeRef, args: Option<&[String]>) -> InterfaceSet {
        let mut set = InterfaceSet {
            complete: true,
            ..InterfaceSet::default()
        };
        let mut seen = BTreeSet::new();
        let mut visiting = Vec::new();
        self.collect_interface(ty, args, &mut set, &mut seen, &mut visiting);
        set.methods.sort_by(|a, b| a.name.cmp(&b.name));
        set
    }

    fn collect_interface(
        &self,
        ty: &TypeRef,
        args: Option<&[String]>,
        set: &mut InterfaceSet,
        seen: &mut BTreeSet<String>,
        visiting: &mut Vec<TypeRef>,
    ) {
        if visiting.contains(ty) || visiting.len() > 16 {
            return;
        }
        let Some(decl) = self.type_decl(ty) else {
            set.complete = false;
            return;
        };
        visiting.push(ty.clone());
        let scope = Scope::new(self, ty.pkg, decl.file, &decl.decl.type_params, args);
        match strip_parens(&decl.decl.ty) {
            TypeExpr::Interface(elems) => {
                for elem in elems {
                    match elem {
                        InterfaceElem::Method { name, sig, line, .. } => {
                            if seen.insert(name.clone()) {
                                set.methods.push(MethodEntry {
                                    name: name.clone(),
                                    signature: sig.to_string(),
                                    canonical: scope.signature(sig),
                                    owner: ty.clone(),
                                    pointer_receiver: false,
                                    promoted_via: Vec::new(),
                                    locations: vec![(decl.file, *line)],
                                    platforms: self.file(decl.file).platforms,
                                });
                            }
                        }
                        InterfaceElem::Embed(embedded) => self.embed_interface(&scope, embedded, set, seen, visiting),
                    }
                }
            }
            // `type Interface TypedInterface[any]` or an alias of an interface.
            other => self.embed_interface(&scope, other, set, seen, visiting),
        }
        visiting.pop();
    }

    fn embed_interface(
        &self,
        scope: &Scope,
        embedded: &TypeExpr,
        set: &mut InterfaceSet,
        seen: &mut BTreeSet<String>,
        visiting: &mut Vec<TypeRef>,
    ) {
        match strip_parens(embedded) {
            TypeExpr::Union(_) | TypeExpr::Tilde(_) => set.constraint = true,
            TypeExpr::Interface(elems) => {
                for elem in elems {
                    if let InterfaceElem::Embed(inner) = elem {
                        self.embed_interface(scope, inner, set, seen, visiting);
                    }
                }
            }
            other => {
                let canonical = scope.canonical(other);
                set.embeds.push(canonical.clone());
                if let Some((target, target_args)) = scope.named_target(other) {
                    if self.underlying_kind(&target) == Kind::Interface {
                        self.collect_interface(&target, target_args.as_deref(), set, seen, visiting);
                    } else {
                        // A non-interface type in an interface is a type-set term.
                        set.constraint = true;
                    }
                } else if std_interface(&canonical).is_some() {
                    for m in std_methods(&canonical, scope.pkg) {
                        if seen.insert(m.name.clone()) {
                            set.methods.push(m);
                        }
                    }
                } else if matches!(other, TypeExpr::Name { pkg: None, name } if scope.is_type_param(name))
                    || is_predeclared(&canonical)
                {
                    set.constraint = true;
                } else {
                    set.complete = false;
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Interface,
    Other,
}

/// The name at the head of `T`, `pkg.T` or `T[X]`.
fn head_name(ty: &TypeExpr) -> Option<(Option<&str>, &str)> {
    match ty {
        TypeExpr::Name { pkg, name } => Some((pkg.as_deref(), name)),
        TypeExpr::Generic { base, .. } => head_name(base),
        _ => None,
    }
}

impl Package {
    /// A package of the declarations taken from its files.
    fn new(dir: String, import_path: String, name: String, file_ids: Vec<FileId>, decls: Vec<FileDecls>) -> Package {
        let mut pkg = Package {
            dir,
            import_path,
            name,
            doc: None,
            files: file_ids,
            types: Vec::new(),
            funcs: Vec::new(),
            methods: Vec::new(),
            var_inits: Vec::new(),
            values: Vec::new(),
            type_index: BTreeMap::new(),
            method_index: HashMap::default(),
            named: BTreeMap::new(),
            method_canonical: Vec::new(),
            support: false,
        };
        // The package doc: `doc.go` first, as godoc prefers it, then the first file that has one.
        let mut docs: Vec<(bool, String)> = Vec::new();
        for file in decls {
            let id = file.id;
            if let Some(doc) = file.doc {
                docs.push((!file.is_doc_go, doc));
            }
            for ty in file.types {
                pkg.type_index.entry(ty.name.clone()).or_default().push(pkg.types.len());
                pkg.types.push(Located { file: id, decl: ty });
            }
            for func in file.funcs {
                let base = func
                    .receiver
                    .as_ref()
                    .and_then(|r| r.base())
                    .map(|(b, _)| b.to_string());
                let has_receiver = func.receiver.is_some();
                let located = Located { file: id, decl: func };
                match base {
                    Some(base) => {
                        pkg.method_index.entry(base).or_default().push(pkg.methods.len());
                        pkg.methods.push(located);
                    }
                    None if has_receiver => pkg.methods.push(located),
                    None => pkg.funcs.push(located),
                }
            }
            for value in file.values {
                pkg.values.push(Located { file: id, decl: value });
            }
            for init in file.var_inits {
                pkg.var_inits.push(Located { file: id, decl: init });
            }
        }
        docs.sort_by_key(|(not_doc_go, _)| *not_doc_go);
        pkg.doc = docs.into_iter().next().map(|(_, d)| d);
        pkg
    }
}

/// The declarations of one file, taken out of it for its package.
struct FileDecls {
    id: FileId,
    is_doc_go: bool,
    doc: Option<String>,
    types: Vec<TypeDecl>,
    funcs: Vec<FuncDecl>,
    values: Vec<ValueDecl>,
    var_inits: Vec<FuncDecl>,
}

impl FileDecls {
    fn take(file: &mut FileFacts, id: FileId) -> FileDecls {
        let is_doc_go = file.path.ends_with("/doc.go") || file.path == "doc.go";
        let mut decls = FileDecls {
            id,
            is_doc_go,
            doc: None,
            types: Vec::new(),
            funcs: Vec::new(),
            values: Vec::new(),
            var_inits: Vec::new(),
        };
        if let Some(syntax) = &mut file.syntax {
            decls.doc = syntax.package_doc.clone();
            decls.types = std::mem::take(&mut syntax.types);
            decls.funcs = std::mem::take(&mut syntax.funcs);
            decls.values = std::mem::take(&mut syntax.values);
            decls.var_inits = std::mem::take(&mut syntax.var_inits);
        }
        decls
    }
}

fn is_test_file(path: &str) -> bool {
    path.ends_with("_test.go")
}

/// The package name Go would most likely find at an import path outside the scanned tree.
pub fn guess_package_name(path: &str) -> String {
    let mut last = path.rsplit('/').next().unwrap_or(path);
    // Major-version suffixes: `.../v2` names the package after the element before it, `gopkg.in/yaml.v2`.
    if last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
        if let Some(prev) = path.rsplit('/').nth(1) {
            if !path.starts_with("k8s.io/api") && !path.contains("/apis/") && !path.contains("/api/") {
                last = prev;
            }
        }
    }
    let last = last.split('.').next().unwrap_or(last);
    let last = last.strip_prefix("go-").unwrap_or(last);
    last.replace('-', "")
}

fn strip_parens(ty: &TypeExpr) -> &TypeExpr {
    let mut ty = ty;
    while let TypeExpr::Paren(inner) = ty {
        ty = inner;
    }
    ty
}

/// The field name of an embedded field's type: `T`, `pkg.T`, `T[X]` all give `T`.
fn embedded_name(ty: &TypeExpr) -> Option<&str> {
    match ty {
        TypeExpr::Name { name, .. } => Some(name),
        TypeExpr::Generic { base, .. } => embedded_name(base),
        _ => None,
    }
}

/// The methods of a standard-library interface kubewalk knows, as method-set entries: no declaration to point
/// at, the canonical signature shown as the signature, the interface's name as the owner.
fn std_methods(canonical: &str, pkg: PkgId) -> Vec<MethodEntry> {
    std_interface(canonical)
        .into_iter()
        .flatten()
        .map(|(name, sig)| MethodEntry {
            name: name.to_string(),
            signature: sig.to_string(),
            canonical: sig.to_string(),
            owner: TypeRef {
                pkg,
                name: canonical.to_string(),
            },
            pointer_receiver: false,
            promoted_via: Vec::new(),
            locations: Vec::new(),
            platforms: Platforms::ALL,
        })
        .collect()
}

fn std_interface(canonical: &str) -> Option<&'static [(&'static str, &'static str)]> {
    STD_INTERFACES
        .iter()
        .find(|(name, _)| *name == canonical)
        .map(|(_, methods)| *methods)
}

/// A predeclared non-interface type's canonical name: `int`, `string`, `complex128`...
pub(crate) fn is_predeclared(name: &str) -> bool {
    matches!(
        name,
        "bool"
            | "string"
            | "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "uintptr"
            | "float32"
            | "float64"
            | "complex64"
            | "complex128"
            | "comparable"
    )
}

/// `Some(platforms)` when the methods have every method of the interface with the same canonical signature: the
/// platforms are those on which every one of those methods is declared.
fn satisfies(methods: &HashMap<&str, &MethodEntry>, set: &InterfaceSet) -> Option<Platforms> {
    let mut platforms = Platforms::ALL;
    for wanted in &set.methods {
        let have = methods.get(wanted.name.as_str())?;
        if have.canonical != wanted.canonical {
            return None;
        }
        platforms = platforms.intersect(have.platforms);
    }
    Some(platforms)
}

/// A field or method found at some embedding depth.
struct Candidate {
    name: String,
    depth: u32,
    via_pointer: bool,
    method: Option<MethodEntry>,
}

impl Candidate {
    fn field(name: &str, depth: u32) -> Candidate {
        Candidate {
            name: name.to_string(),
            depth,
            via_pointer: false,
            method: None,
        }
    }

    fn method(
        mut entry: MethodEntry,
        depth: u32,
        via_pointer: bool,
        path: &[String],
        from_interface: bool,
    ) -> Candidate {
        entry.promoted_via = path.to_vec();
        Candidate {
            name: entry.name.clone(),
            depth,
            // Interface methods have no receiver to address.
            via_pointer: via_pointer || from_interface,
            method: Some(entry),
        }
    }
}

/// Go's selector rule: for each name the shallowest member wins; two at the same depth cancel each other out.
fn select_methods(candidates: Vec<Candidate>) -> MethodSets {
    let mut by_name: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
    for c in candidates {
        by_name.entry(c.name.clone()).or_default().push(c);
    }
    let mut sets = MethodSets::default();
    for (_, mut found) in by_name {
        let min = found.iter().map(|c| c.depth).min().unwrap_or(0);
        found.retain(|c| c.depth == min);
        if found.len() != 1 {
            continue;
        }
        let c = found.pop().expect("exactly one candidate");
        let Some(entry) = c.method else { continue };
        if !entry.pointer_receiver || c.via_pointer {
            sets.value.push(entry.clone());
        }
        sets.pointer.push(entry);
    }
    sets
}

/// Where a type expression is read: which package and file (for imports) and which type parameters are in scope.
pub struct Scope<'m> {
    model: &'m Model,
    pkg: PkgId,
    file: FileId,
    params: Vec<String>,
    args: Option<Vec<String>>,
}

impl<'m> Scope<'m> {
    pub fn new(
        model: &'m Model,
        pkg: PkgId,
        file: FileId,
        type_params: &[crate::syntax::TypeParam],
        args: Option<&[String]>,
    ) -> Scope<'m> {
        let params = type_params.iter().flat_map(|p| p.names.iter().cloned()).collect();
        Scope::with_names(model, pkg, file, params, args)
    }

    pub fn with_names(
        model: &'m Model,
        pkg: PkgId,
        file: FileId,
        params: Vec<String>,
        args: Option<&[String]>,
    ) -> Scope<'m> {
        Scope {
            model,
            pkg,
            file,
            params,
            args: args.map(|a| a.to_vec()),
        }
    }

    fn is_type_param(&self, name: &str) -> bool {
        self.params.iter().any(|p| p == name)
    }

    /// The named type of the tree an expression refers to, with canonical type arguments.
    fn named_target(&self, ty: &TypeExpr) -> Option<(TypeRef, Option<Vec<String>>)> {
        match strip_parens(ty) {
            TypeExpr::Name { pkg, name } => {
                if pkg.is_none() && self.is_type_param(name) {
                    return None;
                }
                Some((
                    self.model.resolve_name(self.pkg, self.file, pkg.as_deref(), name)?,
                    None,
                ))
            }
            TypeExpr::Generic { base, args } => {
                let (target, _) = self.named_target(base)?;
                Some((target, Some(args.iter().map(|a| self.canonical(a)).collect())))
            }
            _ => None,
        }
    }

    /// The canonical form of a type.
    pub fn canonical(&self, ty: &TypeExpr) -> String {
        let mut out = String::new();
        self.write_canonical(ty, &mut out, 0);
        out
    }

    /// The canonical form of a signature: parameter and result types only, `(int,string)(error)`.
    pub fn signature(&self, sig: &Signature) -> String {
        let mut out = String::new();
        self.write_signature(sig, &mut out, 0);
        out
    }

    fn write_signature(&self, sig: &Signature, out: &mut String, depth: u32) {
        for list in [&sig.params, &sig.results] {
            out.push('(');
            let mut first = true;
            for param in list {
                for _ in 0..param.names.len().max(1) {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    self.write_canonical(&param.ty, out, depth + 1);
                }
            }
            out.push(')');
        }
    }

    fn write_canonical(&self, ty: &TypeExpr, out: &mut String, depth: u32) {
        if depth > 24 {
            out.push('…');
            return;
        }
        match ty {
            TypeExpr::Name { pkg: None, name } => {
                if let Some(i) = self.params.iter().position(|p| p == name) {
                    match &self.args {
                        Some(args) if i < args.len() => out.push_str(&args[i]),
                        _ => {
                            out.push('$');
                            out.push_str(&i.to_string());
                        }
                    }
                    return;
                }
                match self.model.resolve_name(self.pkg, self.file, None, name) {
                    Some(target) => self.write_named(&target, None, out, depth),
                    None => out.push_str(predeclared_canonical(name)),
                }
            }
            TypeExpr::Name { pkg: Some(q), name } => {
                match self.model.resolve_name(self.pkg, self.file, Some(q), name) {
                    Some(target) => self.write_named(&target, None, out, depth),
                    None => match self.model.qualifier_path(self.file, q) {
                        Some(path) => {
                            out.push_str(path);
                            out.push('.');
                            out.push_str(name);
                        }
                        None => {
                            out.push('?');
                            out.push_str(q);
                            out.push('.');
                            out.push_str(name);
                        }
                    },
                }
            }
            TypeExpr::Generic { base, args } => {
                let args: Vec<String> = args.iter().map(|a| self.canonical(a)).collect();
                match self.named_target(base) {
                    Some((target, _)) => self.write_named(&target, Some(&args), out, depth),
                    None => {
                        self.write_canonical(base, out, depth + 1);
                        out.push('[');
                        out.push_str(&args.join(","));
                        out.push(']');
                    }
                }
            }
            TypeExpr::Pointer(inner) => {
                out.push('*');
                self.write_canonical(inner, out, depth + 1);
            }
            TypeExpr::Slice(elem) => {
                out.push_str("[]");
                self.write_canonical(elem, out, depth + 1);
            }
            TypeExpr::Array { len, elem } => {
                out.push('[');
                if let Some(len) = len {
                    out.push_str(&len.to_string());
                }
                out.push(']');
                self.write_canonical(elem, out, depth + 1);
            }
            TypeExpr::Map { key, value } => {
                out.push_str("map[");
                self.write_canonical(key, out, depth + 1);
                out.push(']');
                self.write_canonical(value, out, depth + 1);
            }
            TypeExpr::Chan { dir, elem } => {
                out.push_str(match dir {
                    crate::syntax::ChanDir::Both => "chan ",
                    crate::syntax::ChanDir::Send => "chan<- ",
                    crate::syntax::ChanDir::Recv => "<-chan ",
                });
                self.write_canonical(elem, out, depth + 1);
            }
            TypeExpr::Func(sig) => {
                out.push_str("func");
                self.write_signature(sig, out, depth + 1);
            }
            TypeExpr::Struct(fields) => {
                out.push_str("struct{");
                for field in fields {
                    let names = if field.names.is_empty() {
                        vec![String::new()]
                    } else {
                        field.names.clone()
                    };
                    for name in names {
                        out.push_str(&name);
                        out.push(' ');
                        self.write_canonical(&field.ty, out, depth + 1);
                        if let Some(tag) = &field.tag {
                            out.push(' ');
                            out.push_str(tag);
                        }
                        out.push(';');
                    }
                }
                out.push('}');
            }
            TypeExpr::Interface(elems) => {
                let mut parts: Vec<String> = elems
                    .iter()
                    .map(|elem| match elem {
                        InterfaceElem::Method { name, sig, .. } => {
                            let mut s = name.clone();
                            self.write_signature(sig, &mut s, depth + 1);
                            s
                        }
                        InterfaceElem::Embed(t) => {
                            let mut s = String::new();
                            self.write_canonical(t, &mut s, depth + 1);
                            s
                        }
                    })
                    .collect();
                parts.sort();
                out.push_str("interface{");
                out.push_str(&parts.join(";"));
                out.push('}');
            }
            TypeExpr::Paren(inner) => self.write_canonical(inner, out, depth),
            TypeExpr::Tilde(inner) => {
                out.push('~');
                self.write_canonical(inner, out, depth + 1);
            }
            TypeExpr::Union(terms) => {
                let mut parts: Vec<String> = terms.iter().map(|t| self.canonical(t)).collect();
                parts.sort();
                out.push_str(&parts.join("|"));
            }
            TypeExpr::Ellipsis(elem) => {
                out.push_str("...");
                self.write_canonical(elem, out, depth + 1);
            }
            TypeExpr::Other(text) => out.push_str(text),
        }
    }

    /// A named type of the tree: its qualified name, or for an alias the canonical form of what it stands for.
    fn write_named(&self, target: &TypeRef, args: Option<&[String]>, out: &mut String, depth: u32) {
        if let Some(decl) = self.model.type_decl(target) {
            if decl.decl.alias {
                let scope = Scope::new(self.model, target.pkg, decl.file, &decl.decl.type_params, args);
                scope.write_canonical(&decl.decl.ty, out, depth + 1);
                return;
            }
        }
        out.push_str(&self.model.pkg(target.pkg).import_path);
        out.push('.');
        out.push_str(&target.name);
        if let Some(args) = args {
            out.push('[');
            out.push_str(&args.join(","));
            out.push(']');
        }
    }
}

/// Predeclared names with their identical spellings folded: `any` is `interface{}`, `byte` is `uint8`, `rune`
/// is `int32`.
fn predeclared_canonical(name: &str) -> &str {
    match name {
        "any" => "interface{}",
        "byte" => "uint8",
        "rune" => "int32",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use crate::eval::tests::tree;

    #[test]
    fn a_qualifier_is_an_imports_own_name_then_a_tree_packages_clause_then_a_guess_from_the_path() {
        let (model, _, _) = tree(&[
            ("lib/a/a.go", "package real\n"),
            ("lib/b/b.go", "package b\n"),
            (
                "cmd/tool/main.go",
                r#"package main

import (
	"example.com/elsewhere/real"
	"example.com/m/lib/a"
	b "example.com/m/lib/a"
	"example.com/m/lib/b"
	"github.com/x/yaml/v2"
	"github.com/x/yaml"
)

func main() {}
"#,
            ),
        ]);
        let file = model
            .packages
            .iter()
            .find(|p| p.name == "main")
            .map(|p| p.files[0])
            .expect("the main package");
        let path = |q: &str| model.qualifier_path(file, q);
        // The package clause of a package of the tree beats a guess from another import's path.
        assert_eq!(path("real"), Some("example.com/m/lib/a"));
        // An import's own name beats a package's clause.
        assert_eq!(path("b"), Some("example.com/m/lib/a"));
        // Outside the tree, the path's last element, past a major version; the first such import.
        assert_eq!(path("yaml"), Some("github.com/x/yaml/v2"));
        // A package of the tree is named by its clause, not its folder.
        assert_eq!(path("a"), None);
        assert_eq!(path("fmt"), None);
    }
}
