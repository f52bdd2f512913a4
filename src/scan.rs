//! The versioned JSON contract of `kubewalk scan --json` (`kubewalk/scan/v1`), documented in `docs/scan-json.md`.
//! This is the only place where a scan meets serde.

use anyhow::{Context, Result};
use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::consteval::{ConstValue, Consts};
use crate::model::{FileId, Implementation, Located, MethodEntry, Model, NamedInfo, Package, PkgId};
use crate::scanner::{Scan, Stats};
use crate::syntax::{FuncDecl, InterfaceElem, Param, TypeDecl, TypeExpr, ValueDecl, ValueKind};
use crate::topics::{CommandsReport, ImplementersReport, Report, Topic, TopicConfig, TopicDef, Topics};

pub const SCHEMA: &str = "kubewalk/scan/v1";

#[derive(Serialize)]
pub struct ScanDoc<'a> {
    pub schema: &'static str,
    pub stats: &'a Stats,
    pub modules: Vec<ModuleDoc<'a>>,
    pub packages: Vec<PackageDoc<'a>>,
    pub diagnostics: Vec<String>,
    /// The definitions of the topics below, so that a saved scan can be rendered and compared by kind.
    pub topic_definitions: &'a [TopicDef],
    pub topics: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModuleDoc<'a> {
    pub dir: Cow<'a, str>,
    pub path: Cow<'a, str>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageDoc<'a> {
    pub import_path: Cow<'a, str>,
    pub dir: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub doc: Option<Cow<'a, str>>,
    pub files: Vec<FileDoc<'a>>,
    pub types: Vec<TypeDoc<'a>>,
    pub funcs: Vec<FuncDoc<'a>>,
    pub methods: Vec<FuncDoc<'a>>,
    pub consts: Vec<ValueDoc<'a>>,
    pub vars: Vec<ValueDoc<'a>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileDoc<'a> {
    pub path: Cow<'a, str>,
    pub bytes: u64,
    pub lines: u32,
    pub platforms: Vec<String>,
    pub go_build: Option<Cow<'a, str>>,
    pub plus_build: Cow<'a, [String]>,
    pub imports: Vec<ImportDoc<'a>>,
    pub parse_error_lines: Cow<'a, [u32]>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportDoc<'a> {
    pub path: Cow<'a, str>,
    pub alias: Option<Cow<'a, str>>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeDoc<'a> {
    pub id: String,
    pub name: Cow<'a, str>,
    pub file: Cow<'a, str>,
    pub line: u32,
    pub end_line: u32,
    pub doc: Option<Cow<'a, str>>,
    /// `struct`, `interface`, `alias`, or `defined` for any other defined type.
    pub kind: Cow<'a, str>,
    pub type_params: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    pub platforms: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDoc<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<InterfaceDoc<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_set: Option<Vec<MethodDoc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<ImplDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implemented_by: Vec<ImplDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FieldDoc<'a> {
    pub name: Option<Cow<'a, str>>,
    #[serde(rename = "type")]
    pub ty: String,
    pub embedded: bool,
    pub tag: Option<Cow<'a, str>>,
    pub doc: Option<Cow<'a, str>>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InterfaceMethodDoc<'a> {
    pub name: Cow<'a, str>,
    pub signature: String,
    pub doc: Option<Cow<'a, str>>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
    pub platforms: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImplDoc {
    /// The interface (in `implements`) or the type (in `implemented_by`), `import/path.Name`.
    pub id: String,
    pub pointer_only: bool,
    pub platforms: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FuncDoc<'a> {
    pub name: Cow<'a, str>,
    pub file: Cow<'a, str>,
    pub line: u32,
    pub end_line: u32,
    pub doc: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<ReceiverDoc<'a>>,
    pub type_params: Option<String>,
    pub signature: String,
    pub params: Vec<ParamDoc<'a>>,
    pub results: Vec<ParamDoc<'a>>,
    pub platforms: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiverDoc<'a> {
    pub name: Option<Cow<'a, str>>,
    #[serde(rename = "type")]
    pub ty: String,
    pub base: Option<Cow<'a, str>>,
    pub pointer: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParamDoc<'a> {
    pub name: Option<Cow<'a, str>>,
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ValueDoc<'a> {
    pub name: Cow<'a, str>,
    pub file: Cow<'a, str>,
    pub line: u32,
    pub doc: Option<Cow<'a, str>>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub expr: Option<String>,
    pub value: Option<String>,
    pub value_kind: Option<Cow<'a, str>>,
}

/// The whole scan document, with the topics' reports.
pub fn document<'a>(scan: &'a Scan, topics: &'a Topics, definitions: &'a [TopicDef]) -> ScanDoc<'a> {
    let model = &scan.model;
    ScanDoc {
        schema: SCHEMA,
        stats: &scan.stats,
        modules: model
            .modules
            .iter()
            .map(|m| ModuleDoc {
                dir: Cow::Borrowed(&m.dir),
                path: Cow::Borrowed(&m.path),
            })
            .collect(),
        packages: (0..model.packages.len())
            .filter(|&p| !model.packages[p].support)
            .map(|p| package_doc(model, &scan.consts, PkgId(p)))
            .collect(),
        diagnostics: scan.diagnostics.iter().map(|d| d.to_string()).collect(),
        topic_definitions: definitions,
        topics: topics_json(topics),
    }
}

pub fn package_doc<'a>(model: &'a Model, consts: &'a Consts, pkg_id: PkgId) -> PackageDoc<'a> {
    let pkg = model.pkg(pkg_id);
    let path_of = |id: FileId| model.file(id).path.as_str();
    let values = |kind: ValueKind| -> Vec<ValueDoc<'a>> {
        pkg.values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.decl.kind == kind)
            .map(|(i, v)| value_doc(path_of(v.file), &v.decl, consts.get(pkg_id, i)))
            .collect()
    };
    PackageDoc {
        import_path: Cow::Borrowed(&pkg.import_path),
        dir: Cow::Borrowed(&pkg.dir),
        name: Cow::Borrowed(&pkg.name),
        doc: pkg.doc.as_deref().map(Cow::Borrowed),
        files: pkg
            .files
            .iter()
            .map(|&id| {
                let file = model.file(id);
                let syntax = file.syntax.as_ref().expect("packages hold parsed files only");
                FileDoc {
                    path: Cow::Borrowed(&file.path),
                    bytes: file.size,
                    lines: syntax.lines,
                    platforms: strings(file.platforms),
                    go_build: file.constraints.go_build.as_deref().map(Cow::Borrowed),
                    plus_build: Cow::Borrowed(&file.constraints.plus_build),
                    imports: syntax
                        .imports
                        .iter()
                        .map(|i| ImportDoc {
                            path: Cow::Borrowed(&i.path),
                            alias: i.alias.as_deref().map(Cow::Borrowed),
                            line: i.line,
                        })
                        .collect(),
                    parse_error_lines: Cow::Borrowed(&syntax.error_lines),
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
                    name: name.map(Cow::Borrowed),
                    ty: f.ty.to_string(),
                    embedded: name.is_none(),
                    tag: f.tag.as_deref().map(Cow::Borrowed),
                    doc: f.doc.as_deref().map(Cow::Borrowed),
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
                        name: Cow::Borrowed(name),
                        signature: sig.to_string(),
                        doc: doc.as_deref().map(Cow::Borrowed),
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
                platforms: strings(imp.platforms),
            })
            .collect()
    };
    TypeDoc {
        id: format!("{}.{}", pkg.import_path, decl.name),
        name: Cow::Borrowed(&decl.name),
        file: Cow::Borrowed(&model.file(located.file).path),
        line: decl.line,
        end_line: decl.end_line,
        doc: decl.doc.as_deref().map(Cow::Borrowed),
        kind: Cow::Borrowed(kind),
        type_params: crate::syntax::type_params_string(&decl.type_params),
        ty: decl.ty.to_string(),
        platforms: strings(model.file(located.file).platforms),
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
        platforms: strings(m.platforms),
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
                    name: name.map(Cow::Borrowed),
                    ty: p.ty.to_string(),
                })
            })
            .collect()
    };
    FuncDoc {
        name: Cow::Borrowed(&decl.name),
        file: Cow::Borrowed(&model.file(located.file).path),
        line: decl.line,
        end_line: decl.end_line,
        doc: decl.doc.as_deref().map(Cow::Borrowed),
        receiver: decl.receiver.as_ref().map(|r| ReceiverDoc {
            name: r.name.as_deref().map(Cow::Borrowed),
            ty: r.ty.to_string(),
            base: r.base().map(|(b, _)| Cow::Borrowed(b)),
            pointer: r.is_pointer(),
        }),
        type_params: crate::syntax::type_params_string(&decl.type_params),
        signature: decl.sig.to_string(),
        params: params(&decl.sig.params),
        results: params(&decl.sig.results),
        platforms: strings(model.file(located.file).platforms),
    }
}

fn value_doc<'a>(file: &'a str, decl: &'a ValueDecl, value: Option<&ConstValue>) -> ValueDoc<'a> {
    ValueDoc {
        name: Cow::Borrowed(&decl.name),
        file: Cow::Borrowed(file),
        line: decl.line,
        doc: decl.doc.as_deref().map(Cow::Borrowed),
        ty: decl.ty.as_ref().map(|t| t.to_string()),
        expr: decl.value.as_ref().map(|e| e.to_string()),
        value: value.map(|v| v.to_string()),
        value_kind: value.map(|v| Cow::Borrowed(v.kind())),
    }
}

/// The `topics` object: each report under its topic's id; a commands topic's flags and options structs, and an
/// implementers topic's assembled lists, under keys of their own (`CommandsReport::keys`, `<id>_assembled`).
/// Keys are sorted, as serde_json's maps sort them.
pub fn topics_json(topics: &Topics) -> Value {
    fn value<T: Serialize>(v: &T) -> Value {
        serde_json::to_value(v).expect("a report is plain data and serialises")
    }
    let mut out = Map::new();
    for topic in &topics.list {
        let id = &topic.def.id;
        if !topic.outlines.is_empty() {
            out.insert(format!("{id}_outlines"), value(&topic.outlines));
        }
        match &topic.report {
            Report::Binaries(r) => {
                out.insert(id.clone(), value(r));
            }
            Report::Commands(r) => {
                let (commands, flags, options) = CommandsReport::keys(id);
                out.insert(commands, value(&r.commands));
                out.insert(flags, value(&r.flags));
                out.insert(options, value(&r.options_structs));
            }
            Report::Workqueue(r) => {
                out.insert(id.clone(), value(r));
            }
            Report::Implementers(r) => {
                out.insert(id.clone(), value(&r.implementers));
                if let Some(assembled) = &r.assembled {
                    out.insert(format!("{id}_assembled"), value(assembled));
                }
            }
            Report::Calls(r) => {
                out.insert(id.clone(), value(r));
            }
            Report::Literals(r) => {
                out.insert(id.clone(), value(r));
            }
            Report::FeatureGates(r) => {
                out.insert(id.clone(), value(r));
            }
            Report::Metrics(r) => {
                out.insert(id.clone(), value(r));
            }
            Report::Registry(r) => {
                out.insert(id.clone(), value(r));
            }
            Report::ApiLifecycle(r) => {
                out.insert(id.clone(), value(&r.kinds));
                out.insert(format!("{id}_served"), value(&r.served));
            }
        }
    }
    Value::Object(out)
}

/// The topics of a saved scan, read by their definitions: the inverse of `topics_json`.
pub fn topics_from_json(config: &TopicConfig, topics: &Value, name: &str) -> Result<Topics> {
    use crate::topics::Kind;
    fn take<T: serde::de::DeserializeOwned + Default>(topics: &Value, key: &str, name: &str) -> Result<T> {
        match topics.get(key) {
            None | Some(Value::Null) => Ok(T::default()),
            Some(v) => serde_json::from_value(v.clone()).with_context(|| format!("{name}: topics.{key}")),
        }
    }
    let mut list = Vec::new();
    for def in &config.topics {
        let id = def.id.as_str();
        let report = match &def.kind {
            Kind::Binaries(_) => Report::Binaries(take(topics, id, name)?),
            Kind::Commands(_) => {
                let (commands, flags, options) = CommandsReport::keys(id);
                Report::Commands(CommandsReport {
                    commands: take(topics, &commands, name)?,
                    flags: take(topics, &flags, name)?,
                    options_structs: take(topics, &options, name)?,
                    roots: Vec::new(),
                })
            }
            Kind::Workqueue(_) => Report::Workqueue(take(topics, id, name)?),
            Kind::Implementers(def) => Report::Implementers(ImplementersReport {
                implementers: take(topics, id, name)?,
                assembled: if def.assembled_in_slices {
                    Some(take(topics, &format!("{id}_assembled"), name)?)
                } else {
                    None
                },
            }),
            Kind::Calls(_) => Report::Calls(take(topics, id, name)?),
            Kind::Literals(_) => Report::Literals(take(topics, id, name)?),
            Kind::FeatureGates(_) => Report::FeatureGates(take(topics, id, name)?),
            Kind::Metrics(_) => Report::Metrics(take(topics, id, name)?),
            Kind::Registry(_) => Report::Registry(take(topics, id, name)?),
            Kind::ApiLifecycle(_) => Report::ApiLifecycle(crate::topics::ApiLifecycleReport {
                kinds: take(topics, id, name)?,
                served: take(topics, &format!("{id}_served"), name)?,
            }),
        };
        list.push(Topic {
            def: def.clone(),
            report,
            outlines: take(topics, &format!("{id}_outlines"), name)?,
        });
    }
    Ok(Topics { list })
}

/// Platform names as the JSON lists them.
fn strings(platforms: crate::platform::Platforms) -> Vec<String> {
    platforms.names().iter().map(|p| p.to_string()).collect()
}

/// A saved `scan --json`, read back: what the site and the diff use of it.
#[derive(Deserialize)]
pub struct SavedScan {
    pub schema: String,
    pub stats: Stats,
    pub packages: Vec<PackageDoc<'static>>,
    /// Scans saved before the definitions were part of the document have none: the current ones are used.
    #[serde(default)]
    pub topic_definitions: Option<Vec<TopicDef>>,
    #[serde(default)]
    pub topics: Value,
}

impl SavedScan {
    /// Reads a saved scan; an error names the file (and the line of bad JSON), and a scan of another schema.
    pub fn read(path: &std::path::Path) -> Result<SavedScan> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| format!("{name}: cannot read"))?;
        let head: Value =
            serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{name}:{}: not JSON: {e}", e.line()))?;
        match head.get("schema").and_then(Value::as_str) {
            Some(SCHEMA) => {}
            Some(other) => anyhow::bail!("{name}: scan schema {other:?}, kubewalk reads {SCHEMA:?}"),
            None => anyhow::bail!("{name}: not a kubewalk scan (no \"schema\" key)"),
        }
        serde_json::from_value(head).with_context(|| format!("{name}: not a whole kubewalk scan"))
    }

    /// Its topics, typed by the definitions it was made with (else `config`'s).
    pub fn topics(&self, config: &TopicConfig, name: &str) -> Result<Topics> {
        let config = match &self.topic_definitions {
            Some(defs) => TopicConfig { topics: defs.clone() },
            None => config.clone(),
        };
        topics_from_json(&config, &self.topics, name)
    }
}

impl PackageDoc<'_> {
    /// The same documentation, owning its strings: through the JSON contract, as a saved scan would give it.
    pub fn into_owned(self) -> PackageDoc<'static> {
        serde_json::to_value(&self)
            .and_then(serde_json::from_value)
            .expect("a package's documentation reads back as it was written")
    }
}
