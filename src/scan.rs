//! The versioned JSON contract of `kubewalk scan --json` (`kubewalk/scan/v1`), documented in `docs/scan-json.md`.
//! This is the only place where a scan meets serde.

use serde::Serialize;
use serde_json::Value;

use crate::consteval::ConstValue;
use crate::model::{FileId, Implementation, Located, MethodEntry, Model, NamedInfo, Package};
use crate::scanner::{Scan, Stats};
use crate::syntax::{FuncDecl, InterfaceElem, Param, TypeDecl, TypeExpr, ValueDecl, ValueKind};

pub const SCHEMA: &str = "kubewalk/scan/v1";

#[derive(Serialize)]
pub struct ScanDoc<'a> {
    pub schema: &'static str,
    pub stats: &'a Stats,
    pub modules: Vec<ModuleDoc<'a>>,
    pub packages: Vec<PackageDoc<'a>>,
    pub diagnostics: Vec<String>,
    pub topics: Value,
}

#[derive(Serialize)]
pub struct ModuleDoc<'a> {
    pub dir: &'a str,
    pub path: &'a str,
}

#[derive(Serialize)]
pub struct PackageDoc<'a> {
    pub import_path: &'a str,
    pub dir: &'a str,
    pub name: &'a str,
    pub doc: Option<&'a str>,
    pub files: Vec<FileDoc<'a>>,
    pub types: Vec<TypeDoc<'a>>,
    pub funcs: Vec<FuncDoc<'a>>,
    pub methods: Vec<FuncDoc<'a>>,
    pub consts: Vec<ValueDoc<'a>>,
    pub vars: Vec<ValueDoc<'a>>,
}

#[derive(Serialize)]
pub struct FileDoc<'a> {
    pub path: &'a str,
    pub bytes: u64,
    pub lines: u32,
    pub platforms: Vec<&'static str>,
    pub go_build: Option<&'a str>,
    pub plus_build: &'a [String],
    pub imports: Vec<ImportDoc<'a>>,
    pub parse_error_lines: &'a [u32],
}

#[derive(Serialize)]
pub struct ImportDoc<'a> {
    pub path: &'a str,
    pub alias: Option<&'a str>,
    pub line: u32,
}

#[derive(Serialize)]
pub struct TypeDoc<'a> {
    pub id: String,
    pub name: &'a str,
    pub file: &'a str,
    pub line: u32,
    pub end_line: u32,
    pub doc: Option<&'a str>,
    /// `struct`, `interface`, `alias`, or `defined` for any other defined type.
    pub kind: &'static str,
    pub type_params: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    pub platforms: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<InterfaceDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method_set: Option<Vec<MethodDoc>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<ImplDoc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub implemented_by: Vec<ImplDoc>,
}

#[derive(Serialize)]
pub struct FieldDoc<'a> {
    pub name: Option<&'a str>,
    #[serde(rename = "type")]
    pub ty: String,
    pub embedded: bool,
    pub tag: Option<&'a str>,
    pub doc: Option<&'a str>,
    pub line: u32,
}

#[derive(Serialize)]
pub struct InterfaceDoc<'a> {
    /// Methods written in this interface.
    pub methods: Vec<InterfaceMethodDoc<'a>>,
    /// Embedded interfaces and type-set terms, as written.
    pub embeds: Vec<String>,
    /// Every method, embedded interfaces expanded.
    pub method_set: Vec<MethodDoc>,
    pub constraint: bool,
    pub complete: bool,
}

#[derive(Serialize)]
pub struct InterfaceMethodDoc<'a> {
    pub name: &'a str,
    pub signature: String,
    pub doc: Option<&'a str>,
    pub line: u32,
}

#[derive(Serialize)]
pub struct MethodDoc {
    pub name: String,
    pub signature: String,
    /// The signature with every named type qualified by its import path and type arguments substituted, the
    /// form `implements` compares: `(interface{})(bool)`.
    pub canonical: String,
    /// The type that declares it, `import/path.Type`.
    pub owner: String,
    pub pointer_receiver: bool,
    /// In the method set of `T` as well as of `*T`.
    pub value: bool,
    pub promoted_via: Vec<String>,
    pub locations: Vec<String>,
    pub platforms: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct ImplDoc {
    /// The interface (in `implements`) or the type (in `implemented_by`), `import/path.Name`.
    pub id: String,
    pub pointer_only: bool,
    pub platforms: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct FuncDoc<'a> {
    pub name: &'a str,
    pub file: &'a str,
    pub line: u32,
    pub end_line: u32,
    pub doc: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver: Option<ReceiverDoc<'a>>,
    pub type_params: Option<String>,
    pub signature: String,
    pub params: Vec<ParamDoc<'a>>,
    pub results: Vec<ParamDoc<'a>>,
    pub platforms: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct ReceiverDoc<'a> {
    pub name: Option<&'a str>,
    #[serde(rename = "type")]
    pub ty: String,
    pub base: Option<&'a str>,
    pub pointer: bool,
}

#[derive(Serialize)]
pub struct ParamDoc<'a> {
    pub name: Option<&'a str>,
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Serialize)]
pub struct ValueDoc<'a> {
    pub name: &'a str,
    pub file: &'a str,
    pub line: u32,
    pub doc: Option<&'a str>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub expr: Option<String>,
    pub value: Option<String>,
    pub value_kind: Option<&'static str>,
}

/// The whole scan document; `topics` is filled by the topic extractors.
pub fn document<'a>(scan: &'a Scan, topics: Value) -> ScanDoc<'a> {
    let model = &scan.model;
    ScanDoc {
        schema: SCHEMA,
        stats: &scan.stats,
        modules: model
            .modules
            .iter()
            .map(|m| ModuleDoc {
                dir: &m.dir,
                path: &m.path,
            })
            .collect(),
        packages: model.packages.iter().map(|p| package_doc(model, p)).collect(),
        diagnostics: scan.diagnostics.iter().map(|d| d.to_string()).collect(),
        topics,
    }
}

pub fn package_doc<'a>(model: &'a Model, pkg: &'a Package) -> PackageDoc<'a> {
    let path_of = |id: FileId| model.file(id).path.as_str();
    let values = |kind: ValueKind| -> Vec<ValueDoc<'a>> {
        pkg.values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.decl.kind == kind)
            .map(|(i, v)| value_doc(path_of(v.file), &v.decl, pkg.const_values.get(&i)))
            .collect()
    };
    PackageDoc {
        import_path: &pkg.import_path,
        dir: &pkg.dir,
        name: &pkg.name,
        doc: pkg.doc.as_deref(),
        files: pkg
            .files
            .iter()
            .map(|&id| {
                let file = model.file(id);
                let syntax = file.syntax.as_ref().expect("packages hold parsed files only");
                FileDoc {
                    path: &file.path,
                    bytes: file.size,
                    lines: syntax.lines,
                    platforms: file.platforms.names(),
                    go_build: file.constraints.go_build.as_deref(),
                    plus_build: &file.constraints.plus_build,
                    imports: syntax
                        .imports
                        .iter()
                        .map(|i| ImportDoc {
                            path: &i.path,
                            alias: i.alias.as_deref(),
                            line: i.line,
                        })
                        .collect(),
                    parse_error_lines: &syntax.error_lines,
                }
            })
            .collect(),
        types: pkg
            .types
            .iter()
            .map(|t| type_doc(model, pkg, t, pkg.named.get(&t.decl.name)))
            .collect(),
        funcs: pkg.funcs.iter().map(|f| func_doc(model, f)).collect(),
        methods: pkg.methods.iter().map(|f| func_doc(model, f)).collect(),
        consts: values(ValueKind::Const),
        vars: values(ValueKind::Var),
    }
}

fn type_doc<'a>(
    model: &'a Model,
    pkg: &'a Package,
    located: &'a Located<TypeDecl>,
    info: Option<&'a NamedInfo>,
) -> TypeDoc<'a> {
    let decl = &located.decl;
    let kind = match (&decl.ty, decl.alias) {
        (_, true) => "alias",
        (TypeExpr::Struct(_), false) => "struct",
        (TypeExpr::Interface(_), false) => "interface",
        _ => "defined",
    };
    let fields = match &decl.ty {
        TypeExpr::Struct(fields) => fields
            .iter()
            .flat_map(|f| {
                let names: Vec<Option<&str>> = if f.names.is_empty() {
                    vec![None]
                } else {
                    f.names.iter().map(|n| Some(n.as_str())).collect()
                };
                names.into_iter().map(move |name| FieldDoc {
                    name,
                    ty: f.ty.to_string(),
                    embedded: name.is_none(),
                    tag: f.tag.as_deref(),
                    doc: f.doc.as_deref(),
                    line: f.line,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let interface = match (&decl.ty, info.and_then(|i| i.interface.as_ref())) {
        (TypeExpr::Interface(elems), Some(set)) => Some(InterfaceDoc {
            methods: elems
                .iter()
                .filter_map(|e| match e {
                    InterfaceElem::Method { name, sig, doc, line } => Some(InterfaceMethodDoc {
                        name,
                        signature: sig.to_string(),
                        doc: doc.as_deref(),
                        line: *line,
                    }),
                    InterfaceElem::Embed(_) => None,
                })
                .collect(),
            embeds: elems
                .iter()
                .filter_map(|e| match e {
                    InterfaceElem::Embed(t) => Some(t.to_string()),
                    InterfaceElem::Method { .. } => None,
                })
                .collect(),
            method_set: set.methods.iter().map(|m| method_doc(model, m, true)).collect(),
            constraint: set.constraint,
            complete: set.complete,
        }),
        (_, Some(set)) => Some(InterfaceDoc {
            methods: Vec::new(),
            embeds: Vec::new(),
            method_set: set.methods.iter().map(|m| method_doc(model, m, true)).collect(),
            constraint: set.constraint,
            complete: set.complete,
        }),
        _ => None,
    };
    let method_set = info.and_then(|i| i.method_set.as_ref()).map(|sets| {
        sets.pointer
            .iter()
            .map(|m| {
                let in_value = sets.value.iter().any(|v| v.name == m.name);
                method_doc(model, m, in_value)
            })
            .collect()
    });
    let impls = |list: &[Implementation], pick: fn(&Implementation) -> &crate::model::TypeRef| -> Vec<ImplDoc> {
        list.iter()
            .map(|imp| ImplDoc {
                id: model.type_id(pick(imp)),
                pointer_only: imp.pointer_only,
                platforms: imp.platforms.names(),
            })
            .collect()
    };
    TypeDoc {
        id: format!("{}.{}", pkg.import_path, decl.name),
        name: &decl.name,
        file: &model.file(located.file).path,
        line: decl.line,
        end_line: decl.end_line,
        doc: decl.doc.as_deref(),
        kind,
        type_params: crate::syntax::type_params_string(&decl.type_params),
        ty: decl.ty.to_string(),
        platforms: model.file(located.file).platforms.names(),
        fields,
        interface,
        method_set,
        implements: info
            .map(|i| impls(&i.implements, |imp| &imp.interface))
            .unwrap_or_default(),
        implemented_by: info
            .map(|i| impls(&i.implemented_by, |imp| &imp.ty))
            .unwrap_or_default(),
    }
}

fn method_doc(model: &Model, m: &MethodEntry, value: bool) -> MethodDoc {
    MethodDoc {
        name: m.name.clone(),
        signature: m.signature.clone(),
        canonical: m.canonical.clone(),
        owner: if m.locations.is_empty() {
            // A method of a standard-library interface kubewalk knows by heart.
            m.owner.name.clone()
        } else {
            model.type_id(&m.owner)
        },
        pointer_receiver: m.pointer_receiver,
        value,
        promoted_via: m.promoted_via.clone(),
        locations: m
            .locations
            .iter()
            .map(|(file, line)| format!("{}:{}", model.file(*file).path, line))
            .collect(),
        platforms: m.platforms.names(),
    }
}

fn func_doc<'a>(model: &'a Model, located: &'a Located<FuncDecl>) -> FuncDoc<'a> {
    let decl = &located.decl;
    let params = |list: &'a [Param]| -> Vec<ParamDoc<'a>> {
        list.iter()
            .flat_map(|p| {
                let names: Vec<Option<&str>> = if p.names.is_empty() {
                    vec![None]
                } else {
                    p.names.iter().map(|n| Some(n.as_str())).collect()
                };
                names.into_iter().map(move |name| ParamDoc {
                    name,
                    ty: p.ty.to_string(),
                })
            })
            .collect()
    };
    FuncDoc {
        name: &decl.name,
        file: &model.file(located.file).path,
        line: decl.line,
        end_line: decl.end_line,
        doc: decl.doc.as_deref(),
        receiver: decl.receiver.as_ref().map(|r| ReceiverDoc {
            name: r.name.as_deref(),
            ty: r.ty.to_string(),
            base: r.base().map(|(b, _)| b),
            pointer: r.is_pointer(),
        }),
        type_params: crate::syntax::type_params_string(&decl.type_params),
        signature: decl.sig.to_string(),
        params: params(&decl.sig.params),
        results: params(&decl.sig.results),
        platforms: model.file(located.file).platforms.names(),
    }
}

fn value_doc<'a>(file: &'a str, decl: &'a ValueDecl, value: Option<&ConstValue>) -> ValueDoc<'a> {
    ValueDoc {
        name: &decl.name,
        file,
        line: decl.line,
        doc: decl.doc.as_deref(),
        ty: decl.ty.as_ref().map(|t| t.to_string()),
        expr: decl.value.as_ref().map(|e| e.to_string()),
        value: value.map(|v| v.to_string()),
        value_kind: value.map(|v| v.kind()),
    }
}
