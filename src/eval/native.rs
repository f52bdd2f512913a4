//! Libraries the evaluator models instead of running their code: pflag and the standard library's `flag` (flag
//! sets, registrations, `Lookup`, `VisitAll`, normalisation, deprecation marks), cobra (commands, their flag
//! sets and tree), and the parts of the standard library that compute names and texts (`fmt.Sprintf`,
//! `strings`, `time`, `path`, ...). What they do follows their documented behaviour: a flag's `DefValue` is its
//! value's `String()`, pflag's names are normalised when added, cobra merges `pflag.CommandLine` into the root.

use std::rc::Rc;

use super::value::Callable;
use super::{Evaluator, FlagObj, FlagSetObj, Frame, IntKind, Obj, ObjId, Place, Site, Ty, Val};
use crate::code::{Element, Expr};

pub const PFLAG: &str = "github.com/spf13/pflag";
pub const GOFLAG: &str = "flag";
pub const COBRA: &str = "github.com/spf13/cobra";
/// apimachinery's `runtime` package, whose `Scheme` the evaluator models: it is a registry of functions by
/// `reflect.Type`, which the evaluator keys by the types' names instead.
pub const RUNTIME: &str = "k8s.io/apimachinery/pkg/runtime";
/// k8s.io/utils' helpers that make pointers to values.
const POINTER: &str = "k8s.io/utils/pointer";

/// The libraries outside the standard library whose functions `call` models; a function of any other package
/// outside the tree gives `Unknown`.
const MODELLED: &[&str] = &[PFLAG, COBRA, RUNTIME, POINTER];

/// Whether a call of the function `path.Name` outside the tree gives `Unknown` whatever its arguments: one of a
/// package neither of the standard library (whose paths have no dot in their first element) nor modelled, and
/// no text wrapper.
pub(super) fn ignores_args(ev: &Evaluator, name: &str) -> bool {
    let Some((path, func)) = name.rsplit_once('.') else {
        return false;
    };
    path.split('/').next().is_some_and(|first| first.contains('.'))
        && !MODELLED.contains(&path)
        && !ev.is_text_wrapper(path, func)
}

/// Functions of the tree the evaluator runs as models instead of their code.
pub fn intercepts(path: &str, name: &str) -> bool {
    matches!((path, name), (RUNTIME, "NewScheme"))
}

/// The value types pflag registers flags for; each has `T`, `TP`, `TVar` and `TVarP` methods.
pub const FLAG_TYPES: &[&str] = &[
    "Bool",
    "BoolSlice",
    "BytesBase64",
    "BytesHex",
    "Count",
    "Duration",
    "DurationSlice",
    "Float32",
    "Float32Slice",
    "Float64",
    "Float64Slice",
    "IP",
    "IPMask",
    "IPNet",
    "IPSlice",
    "Int",
    "Int16",
    "Int32",
    "Int32Slice",
    "Int64",
    "Int64Slice",
    "Int8",
    "IntSlice",
    "String",
    "StringArray",
    "StringSlice",
    "StringToInt",
    "StringToInt64",
    "StringToString",
    "Uint",
    "Uint16",
    "Uint32",
    "Uint64",
    "Uint8",
    "UintSlice",
];

/// How a registration method's arguments are laid out.
pub struct FlagForm {
    /// pflag's `Value.Type()`: `string`, `stringSlice`; empty for `Var`, whose value says.
    pub ty: String,
    /// The argument that receives the value (`&o.Name`), for `...Var` forms.
    pub target: Option<usize>,
    pub value: Option<usize>,
    pub name: usize,
    pub shorthand: Option<usize>,
    pub default: Option<usize>,
    pub usage: usize,
    pub arity: usize,
}

/// The argument layout of a registration method of pflag's `FlagSet` (`go` for the standard library's, which
/// has no `P` forms).
pub fn flag_form(method: &str, go: bool) -> Option<FlagForm> {
    let lower_first = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    let var = |shorthand: bool| FlagForm {
        ty: String::new(),
        target: None,
        value: Some(0),
        name: 1,
        shorthand: shorthand.then_some(2),
        default: None,
        usage: if shorthand { 3 } else { 2 },
        arity: if shorthand { 4 } else { 3 },
    };
    match method {
        "Var" => return Some(var(false)),
        "VarP" | "VarPF" if !go => return Some(var(true)),
        _ => {}
    }
    let (base, is_var, p) = if let Some(b) = method.strip_suffix("VarP").filter(|_| !go) {
        (b, true, true)
    } else if let Some(b) = method.strip_suffix("Var") {
        (b, true, false)
    } else if let Some(b) = method.strip_suffix('P').filter(|b| !go && FLAG_TYPES.contains(b)) {
        (b, false, true)
    } else {
        (method, false, false)
    };
    if !FLAG_TYPES.contains(&base) {
        return None;
    }
    let name = usize::from(is_var);
    let default = name + 1 + usize::from(p);
    Some(FlagForm {
        ty: match base {
            "IP" => "ip".to_string(),
            "IPMask" => "ipMask".to_string(),
            "IPNet" => "ipNet".to_string(),
            "IPSlice" => "ipSlice".to_string(),
            b => lower_first(b),
        },
        target: is_var.then_some(0),
        value: None,
        name,
        shorthand: p.then_some(name + 1),
        default: Some(default),
        usage: default + 1,
        arity: default + 2,
    })
}

pub fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "len" | "cap" | "append" | "make" | "new" | "copy" | "delete" | "panic" | "print" | "println" | "min" | "max"
    )
}

/// The zero value of a type outside the tree.
pub fn zero(ev: &mut Evaluator, name: &str) -> Val {
    match name {
        "time.Duration" => Val::Int(0, IntKind::Duration),
        _ => make(ev, &Ty::External(name.to_string()), false),
    }
}

/// `new(T)`, `make(T, ...)`, and the zero values of library types.
pub fn make(ev: &mut Evaluator, ty: &Ty, pointer: bool) -> Val {
    match ty {
        Ty::External(name) if name == &format!("{PFLAG}.FlagSet") || name == &format!("{GOFLAG}.FlagSet") => {
            Val::Obj(ev.alloc(Obj::FlagSet(Box::new(FlagSetObj {
                go: name.starts_with("flag."),
                ..Default::default()
            }))))
        }
        Ty::Map(..) => Val::Obj(ev.alloc(Obj::Map {
            ty: ty.clone(),
            entries: Vec::new(),
        })),
        Ty::Slice(_) => Val::Obj(ev.alloc(Obj::Slice {
            ty: ty.clone(),
            elems: Vec::new(),
        })),
        Ty::Named(_) => {
            let z = ev.zero(ty);
            match z {
                Val::Obj(_) => z,
                // `new(int)`: a pointer to a zero.
                other if pointer => Val::Ref(Place::Cell(ev.alloc(Obj::Cell(other)))),
                other => {
                    // A named map or slice type.
                    if let Some(under) = named_underlying(ev, ty) {
                        let v = make(ev, &under, false);
                        if let Some(id) = v.obj() {
                            match &mut ev.heap[id] {
                                Obj::Map { ty: slot, .. } | Obj::Slice { ty: slot, .. } => *slot = ty.clone(),
                                _ => {}
                            }
                        }
                        return v;
                    }
                    other
                }
            }
        }
        Ty::Basic(b) if pointer => {
            let z = super::basic_zero(b);
            Val::Ref(Place::Cell(ev.alloc(Obj::Cell(z))))
        }
        _ => Val::Unknown,
    }
}

/// The underlying type of a named map or slice type.
pub fn named_underlying_of(ev: &Evaluator, ty: &Ty) -> Option<Ty> {
    named_underlying(ev, ty)
}

fn named_underlying(ev: &Evaluator, ty: &Ty) -> Option<Ty> {
    let Ty::Named(t) = ty else { return None };
    let decl = ev.model.type_decl(t)?;
    let under = ev.resolve_type(t.pkg, decl.file, &decl.decl.ty);
    matches!(under, Ty::Map(..) | Ty::Slice(_)).then_some(under)
}

/// A conversion `T(x)`.
pub fn convert(ev: &mut Evaluator, ty: &Ty, v: Val) -> Val {
    match (ty, &v) {
        (Ty::External(n), Val::Int(i, _)) if n == "time.Duration" => Val::Int(*i, IntKind::Duration),
        (Ty::Basic(b), Val::Int(i, _)) if b == "string" => {
            char::from_u32(u32::try_from(*i).unwrap_or(0xFFFD)).map_or(Val::Unknown, |c| Val::Str(c.to_string()))
        }
        (Ty::Basic(b), Val::Int(i, _)) if b.starts_with("float") => Val::Float(*i as f64),
        (Ty::Basic(b), Val::Float(f)) if b.starts_with("int") || b.starts_with("uint") => Val::int(*f as i128),
        // A named type whose values are durations.
        (Ty::Named(_), Val::Int(..)) => {
            let under = ev.zero(ty);
            match under {
                Val::Int(_, k) => match v {
                    Val::Int(i, _) => Val::Int(i, k),
                    other => other,
                },
                _ => v,
            }
        }
        // A slice converted to a named slice type keeps its elements and takes the type (for its methods).
        (Ty::Named(_), Val::Obj(id)) => {
            let id = *id;
            match ev.heap[id].clone() {
                Obj::Slice { elems, .. } => Val::Obj(ev.alloc(Obj::Slice { ty: ty.clone(), elems })),
                Obj::Map { entries, .. } => Val::Obj(ev.alloc(Obj::Map {
                    ty: ty.clone(),
                    entries,
                })),
                _ => v,
            }
        }
        _ => v,
    }
}

/// A member of a package outside the tree.
pub fn package_member(ev: &mut Evaluator, _frame: &Frame, path: &str, name: &str) -> Val {
    const NS: i128 = 1;
    let duration = |n: i128| Val::Int(n, IntKind::Duration);
    match (path, name) {
        ("time", "Nanosecond") => duration(NS),
        ("time", "Microsecond") => duration(1_000),
        ("time", "Millisecond") => duration(1_000_000),
        ("time", "Second") => duration(1_000_000_000),
        ("time", "Minute") => duration(60_000_000_000),
        ("time", "Hour") => duration(3_600_000_000_000),
        ("time", "Duration") => Val::Type(Rc::new(Ty::External("time.Duration".into()))),
        ("runtime", "GOOS") => Val::Str("linux".into()),
        ("runtime", "GOARCH") => Val::Str("amd64".into()),
        ("math", "MaxInt8") => Val::int(i8::MAX as i128),
        ("math", "MaxInt16") => Val::int(i16::MAX as i128),
        ("math", "MaxInt32") => Val::int(i32::MAX as i128),
        ("math", "MaxInt64") | ("math", "MaxInt") => Val::int(i64::MAX as i128),
        ("math", "MaxUint16") => Val::int(u16::MAX as i128),
        ("math", "MaxUint32") => Val::int(u32::MAX as i128),
        (PFLAG, "CommandLine") => Val::Obj(ev.pflag_command_line),
        (GOFLAG, "CommandLine") => Val::Obj(ev.go_command_line),
        (PFLAG, "ContinueOnError") | (GOFLAG, "ContinueOnError") => Val::int(0),
        (PFLAG, "ExitOnError") | (GOFLAG, "ExitOnError") => Val::int(1),
        (PFLAG, "PanicOnError") | (GOFLAG, "PanicOnError") => Val::int(2),
        (PFLAG, "NormalizedName") | (PFLAG, "FlagSet") | (PFLAG, "Flag") | (GOFLAG, "FlagSet") => {
            Val::Type(Rc::new(Ty::External(format!("{path}.{name}"))))
        }
        (COBRA, "Command") => Val::Type(Rc::new(Ty::External(format!("{COBRA}.Command")))),
        (COBRA, "EnablePrefixMatching") | (COBRA, "EnableCommandSorting") => Val::Bool(true),
        ("os", "Args") => {
            let arg = Val::Str(String::new());
            Val::Obj(ev.alloc(Obj::Slice {
                ty: Ty::Slice(Box::new(Ty::Basic("string".into()))),
                elems: vec![arg],
            }))
        }
        _ => Val::Func(Rc::new(Callable::Native {
            name: format!("{path}.{name}"),
            receiver: None,
        })),
    }
}

/// Whether a value is an object of a modelled library, whose methods `call` runs.
pub fn has_methods(ev: &Evaluator, v: &Val) -> bool {
    if matches!(v, Val::Int(_, IntKind::Duration)) {
        return true;
    }
    // A `net.IP`, kept as its text.
    if let Val::Str(text) = v {
        return text.parse::<std::net::IpAddr>().is_ok();
    }
    ev.deref_obj(v).is_some_and(|o| {
        matches!(
            ev.heap[o],
            Obj::FlagSet(_) | Obj::Flag(_) | Obj::Command(_) | Obj::FlagValue { .. } | Obj::Scheme(_)
        )
    })
}

/// A field of a library object: a flag's `Name`, a command's `Use`.
pub fn field(ev: &mut Evaluator, v: &Val, name: &str) -> Option<Val> {
    let obj = ev.deref_obj(v)?;
    match &ev.heap[obj] {
        Obj::Flag(f) => Some(match name {
            "Name" => Val::Str(f.name.clone()),
            "Shorthand" => Val::Str(f.shorthand.clone()),
            "Usage" => f.usage.clone(),
            "DefValue" => f.def_value.clone().map_or(Val::Unknown, Val::Str),
            "Deprecated" => f.deprecated.clone(),
            "ShorthandDeprecated" => f.shorthand_deprecated.clone(),
            "Hidden" => Val::Bool(f.hidden),
            "Changed" => Val::Bool(false),
            "NoOptDefVal" => Val::Unknown,
            "Value" => {
                let ty = f.ty.clone();
                Val::Obj(ev.alloc(Obj::FlagValue { ty }))
            }
            _ => Val::Unknown,
        }),
        Obj::Command(c) => match name {
            "Use" | "Short" | "Long" | "Example" | "Deprecated" | "Version" | "Aliases" | "Hidden" | "Annotations"
            | "Run" | "RunE" | "PreRun" | "PreRunE" | "PersistentPreRun" | "PersistentPreRunE" | "Args"
            | "ValidArgs" | "SuggestFor" | "DisableFlagParsing" | "SilenceUsage" | "SilenceErrors" => {
                Some(c.fields.get(name).cloned().unwrap_or(Val::Unknown))
            }
            // A struct of settings, kept in the command's fields so that `c.CompletionOptions.X = true` is seen.
            "CompletionOptions" => match c.fields.get(name) {
                Some(v) => Some(v.clone()),
                None => {
                    let options = Val::Obj(ev.alloc(Obj::Struct {
                        ty: Ty::External("github.com/spf13/cobra.CompletionOptions".to_string()),
                        fields: Default::default(),
                    }));
                    if let Obj::Command(c) = &mut ev.heap[obj] {
                        c.fields.insert(name.to_string(), options.clone());
                    }
                    Some(options)
                }
            },
            _ => None,
        },
        _ => None,
    }
}

/// Sets a field of a library object; false when the object is not one.
pub fn set_field(ev: &mut Evaluator, obj: ObjId, name: &str, v: Val) -> bool {
    match &mut ev.heap[obj] {
        Obj::Flag(f) => {
            match name {
                "Name" => {
                    if let Val::Str(s) = &v {
                        f.name = s.clone();
                    }
                }
                "Deprecated" => f.deprecated = v,
                "ShorthandDeprecated" => f.shorthand_deprecated = v,
                "Hidden" => f.hidden = v.as_bool().unwrap_or(f.hidden),
                "Usage" => f.usage = v,
                "DefValue" => f.def_value = v.as_str().map(str::to_string),
                _ => {}
            }
            true
        }
        Obj::Command(c) => {
            c.fields.insert(name.to_string(), v);
            true
        }
        Obj::FlagSet(_) | Obj::FlagValue { .. } => true,
        _ => false,
    }
}

/// A composite literal of a library type: `cobra.Command{...}`.
pub fn composite(ev: &mut Evaluator, frame: &Frame, name: &str, elements: &[Element], line: u32) -> Option<Val> {
    if name == format!("{PFLAG}.FlagSet") || name == format!("{GOFLAG}.FlagSet") {
        return Some(make(ev, &Ty::External(name.to_string()), false));
    }
    if name != format!("{COBRA}.Command") {
        return None;
    }
    let mut fields = std::collections::BTreeMap::new();
    let mut exprs = std::collections::BTreeMap::new();
    let mut via = std::collections::BTreeMap::new();
    for el in elements {
        let Some(Expr::Ident(key)) = &el.key else { continue };
        let v = ev.eval(frame, &el.value);
        if !v.is_known() {
            exprs.insert(key.clone(), el.value.to_string());
        }
        if let Expr::Call { fun, .. } = &el.value {
            let wrapper = fun.to_string();
            if ev.text_wrappers.contains(&wrapper) {
                via.insert(key.clone(), wrapper);
            }
        }
        fields.insert(key.clone(), v);
    }
    let name = match fields.get("Use") {
        Some(Val::Str(u)) => u.split(' ').next().unwrap_or("").to_string(),
        _ => String::new(),
    };
    let set = || {
        Obj::FlagSet(Box::new(FlagSetObj {
            name: name.clone(),
            command: true,
            ..Default::default()
        }))
    };
    let local = ev.alloc(set());
    let persistent = ev.alloc(set());
    let id = ev.alloc(Obj::Command(Box::new(super::CommandObj {
        file: frame.file,
        line,
        function: frame.function.to_string(),
        pkg: frame.pkg,
        fields,
        exprs,
        via,
        local,
        persistent,
        children: Vec::new(),
        parent: None,
        added_at: None,
        usage_sets: Vec::new(),
    })));
    ev.commands.push(id);
    Some(Val::Obj(id))
}

/// Calls a function or method of a modelled library. What it does not model gives `Unknown`.
pub fn call(
    ev: &mut Evaluator,
    frame: &Frame,
    name: &str,
    receiver: Option<&Val>,
    args: Vec<Val>,
    exprs: &[Expr],
) -> Vec<Val> {
    if let Some(recv) = receiver {
        return method(ev, frame, recv, name, args, exprs);
    }
    let (path, func) = name.rsplit_once('.').unwrap_or(("", name));
    if ev.is_text_wrapper(path, func) {
        return vec![args.into_iter().next().unwrap_or(Val::Unknown)];
    }
    let s = |i: usize| args.get(i).and_then(|v| v.as_str()).map(str::to_string);
    let one = |v: Val| vec![v];
    match (path, func) {
        ("builtin", f) => builtin(ev, f, args),
        (RUNTIME, "NewScheme") => one(Val::Obj(ev.alloc(Obj::Scheme(Box::default())))),
        ("unsafe", "Pointer") => one(args.into_iter().next().unwrap_or(Val::Unknown)),
        // k8s.io/utils/pointer: `Int32Ptr(v)`, `BoolPtr(v)`..., and `Int32PtrDerefOr(p, def)`.
        (POINTER, f) if f.ends_with("PtrDerefOr") => one(match (args.first(), args.get(1)) {
            (Some(Val::Nil), Some(def)) => def.clone(),
            (Some(Val::Ref(place)), _) => ev.read_place(place),
            (Some(Val::Obj(id)), _) => match &ev.heap[*id] {
                Obj::Cell(v) => v.clone(),
                _ => Val::Unknown,
            },
            _ => Val::Unknown,
        }),
        (POINTER, f) if f.ends_with("Ptr") || f.starts_with("To") => match args.into_iter().next() {
            Some(v) => one(Val::Ref(Place::Cell(ev.alloc(Obj::Cell(v))))),
            None => one(Val::Unknown),
        },
        (PFLAG, "NewFlagSet") | (GOFLAG, "NewFlagSet") => {
            let set = FlagSetObj {
                name: s(0).unwrap_or_default(),
                go: path == GOFLAG,
                ..Default::default()
            };
            one(Val::Obj(ev.alloc(Obj::FlagSet(Box::new(set)))))
        }
        (PFLAG, "PFlagFromGoFlag") => match args.first().and_then(|a| ev.deref_obj(a)) {
            Some(id) => one(Val::Obj(copy_flag(ev, id))),
            None => one(Val::Unknown),
        },
        // Package-level registrations are made on the package's CommandLine.
        (PFLAG, m) | (GOFLAG, m) if flag_form(m, path == GOFLAG).is_some() => {
            let set = if path == PFLAG {
                ev.pflag_command_line
            } else {
                ev.go_command_line
            };
            register(ev, frame, set, m, args, exprs)
        }
        (PFLAG, "Parse") | (GOFLAG, "Parse") => {
            let set = if path == PFLAG {
                ev.pflag_command_line
            } else {
                ev.go_command_line
            };
            ev.parsed.push(set);
            // A binary's command line is parsed with `--help`: unless the program defines a `help` flag, the
            // library prints the usage and exits (both command lines are `ExitOnError`), so nothing after it runs.
            // A parse in a branch that may not run ends nothing; a function run on its own (no binary reaches it)
            // goes on, to see what it registers.
            if ev.in_main && ev.uncertain == 0 && !matches!(lookup(ev, set, "help", false), Val::Obj(_)) {
                ev.exited = true;
            }
            Vec::new()
        }
        (PFLAG, "Lookup") | (GOFLAG, "Lookup") => {
            let set = if path == PFLAG {
                ev.pflag_command_line
            } else {
                ev.go_command_line
            };
            one(lookup(ev, set, &s(0).unwrap_or_default(), true))
        }
        ("fmt", "Sprintf") => one(sprintf(ev, &args)),
        ("fmt", "Sprint") => one(concat(ev, &args, "")),
        ("fmt", "Sprintln") => one(match concat(ev, &args, " ") {
            Val::Str(s) => Val::Str(s + "\n"),
            other => other,
        }),
        ("strings", "Split" | "SplitN" | "Fields" | "SplitAfter") => {
            let (a, b) = (s(0), s(1));
            let parts: Option<Vec<String>> = match (func, a.as_deref(), b.as_deref()) {
                ("Fields", Some(x), _) => Some(x.split_whitespace().map(str::to_string).collect()),
                ("Split", Some(x), Some("")) => Some(x.chars().map(String::from).collect()),
                ("Split", Some(x), Some(sep)) => Some(x.split(sep).map(str::to_string).collect()),
                ("SplitAfter", Some(x), Some(sep)) if !sep.is_empty() => {
                    Some(x.split_inclusive(sep).map(str::to_string).collect())
                }
                ("SplitN", Some(x), Some(sep)) if !sep.is_empty() => match args.get(2).and_then(Val::as_int) {
                    Some(n) if n < 0 => Some(x.split(sep).map(str::to_string).collect()),
                    Some(0) => None,
                    Some(n) => Some(x.splitn(n as usize, sep).map(str::to_string).collect()),
                    None => None,
                },
                _ => None,
            };
            one(parts.map_or(Val::Unknown, |p| {
                let elems = p.into_iter().map(Val::Str).collect();
                Val::Obj(ev.alloc(Obj::Slice {
                    ty: Ty::Slice(Box::new(Ty::Basic("string".into()))),
                    elems,
                }))
            }))
        }
        ("strings", f) => one(strings(ev, f, &args)),
        ("strconv", "Itoa") | ("strconv", "FormatInt") => one(args
            .first()
            .and_then(|v| v.as_int())
            .map_or(Val::Unknown, |i| Val::Str(i.to_string()))),
        ("strconv", "FormatBool") => one(args
            .first()
            .and_then(|v| v.as_bool())
            .map_or(Val::Unknown, |b| Val::Str(b.to_string()))),
        ("strconv", "Atoi") => match s(0).map(|x| x.parse::<i64>()) {
            Some(Ok(i)) => vec![Val::int(i128::from(i)), Val::Nil],
            Some(Err(_)) => vec![Val::int(0), Val::Unknown],
            None => vec![Val::Unknown, Val::Unknown],
        },
        ("net", "JoinHostPort") => one(match (s(0), s(1)) {
            (Some(h), Some(p)) if h.contains(':') => Val::Str(format!("[{h}]:{p}")),
            (Some(h), Some(p)) => Val::Str(format!("{h}:{p}")),
            _ => Val::Unknown,
        }),
        // `net.SplitHostPort("host:port")`, `"[::1]:80"`.
        ("net", "SplitHostPort") => {
            let split = s(0).and_then(|x| {
                let (host, port) = x.rsplit_once(':')?;
                let host = match host.strip_prefix('[') {
                    Some(h) => h.strip_suffix(']')?,
                    None if host.contains(':') => return None,
                    None => host,
                };
                Some((host.to_string(), port.to_string()))
            });
            match split {
                Some((host, port)) => vec![Val::Str(host), Val::Str(port), Val::Nil],
                None => vec![Val::Unknown, Val::Unknown, Val::Unknown],
            }
        }
        ("strconv", "Quote") => one(s(0).map_or(Val::Unknown, |x| Val::Str(go_quote(&x)))),
        ("path", "Join") | ("path/filepath", "Join") => {
            let parts: Option<Vec<String>> = args.iter().map(|a| a.as_str().map(str::to_string)).collect();
            one(parts.map_or(Val::Unknown, |p| Val::Str(path_join(&p))))
        }
        ("path", "Base") | ("path/filepath", "Base") => one(s(0).map_or(Val::Unknown, |p| {
            Val::Str(p.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string())
        })),
        ("path", "Dir") | ("path/filepath", "Dir") => one(s(0).map_or(Val::Unknown, |p| {
            Val::Str(p.rsplit_once('/').map_or(
                ".".to_string(),
                |(d, _)| if d.is_empty() { "/".into() } else { d.to_string() },
            ))
        })),
        // An IP is kept as its text; one that does not parse is nil, as in Go.
        ("net", "ParseIP") => one(match s(0) {
            Some(text) => match text.parse::<std::net::IpAddr>() {
                Ok(ip) => Val::Str(ip.to_string()),
                Err(_) => Val::Nil,
            },
            None => Val::Unknown,
        }),
        ("net", "IPv4") => {
            let parts: Option<Vec<i128>> = args.iter().map(|a| a.as_int()).collect();
            one(parts.map_or(Val::Unknown, |p| {
                Val::Str(p.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("."))
            }))
        }
        ("sort", "Strings") | ("sort", "Ints") | ("sort", "Sort") | ("sort", "Stable") => {
            if let Some(id) = args.first().and_then(|a| ev.deref_obj(a)) {
                if let Obj::Slice { elems, .. } = &mut ev.heap[id] {
                    if elems.iter().all(|e| matches!(e, Val::Str(_))) {
                        elems.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    } else if elems.iter().all(|e| matches!(e, Val::Int(..))) {
                        elems.sort_by_key(|e| e.as_int());
                    }
                }
            }
            Vec::new()
        }
        ("errors", "New") => one(Val::Unknown),
        (COBRA, "OnInitialize") | (COBRA, "AddTemplateFunc") | (COBRA, "AddTemplateFuncs") => Vec::new(),
        _ => one(Val::Unknown),
    }
}

fn builtin(ev: &mut Evaluator, f: &str, args: Vec<Val>) -> Vec<Val> {
    match f {
        "len" => vec![match args.first() {
            Some(Val::Str(s)) => Val::int(s.len() as i128),
            Some(Val::Nil) => Val::int(0),
            Some(v) => match ev.deref_obj(v).map(|o| &ev.heap[o]) {
                Some(Obj::Slice { elems, .. }) => Val::int(elems.len() as i128),
                Some(Obj::Map { entries, .. }) => Val::int(entries.len() as i128),
                _ => Val::Unknown,
            },
            None => Val::Unknown,
        }],
        "append" => {
            let mut it = args.into_iter();
            let base = it.next().unwrap_or(Val::Nil);
            let (ty, mut elems) = match ev.deref_obj(&base).map(|o| ev.heap[o].clone()) {
                Some(Obj::Slice { ty, elems }) => (ty, elems),
                _ if base == Val::Nil => (Ty::Unknown, Vec::new()),
                _ => return vec![Val::Unknown],
            };
            let rest: Vec<Val> = it.collect();
            // `append(a, b...)`: the call passes b's elements through the spread marker on its last argument.
            for v in rest {
                match (ev.spreading, ev.deref_obj(&v).map(|o| ev.heap[o].clone())) {
                    (true, Some(Obj::Slice { elems: more, .. })) => elems.extend(more),
                    _ => elems.push(v),
                }
            }
            vec![Val::Obj(ev.alloc(Obj::Slice { ty, elems }))]
        }
        "delete" => {
            if let (Some(id), Some(key)) = (args.first().and_then(|m| ev.deref_obj(m)), args.get(1)) {
                if let Obj::Map { entries, .. } = &mut ev.heap[id] {
                    entries.retain(|(k, _)| k != key);
                }
            }
            Vec::new()
        }
        "min" | "max" => {
            let ints: Option<Vec<i128>> = args.iter().map(|a| a.as_int()).collect();
            vec![ints
                .and_then(|v| {
                    if f == "min" {
                        v.into_iter().min()
                    } else {
                        v.into_iter().max()
                    }
                })
                .map_or(Val::Unknown, Val::int)]
        }
        _ => vec![Val::Unknown],
    }
}

/// A method of a library object.
fn method(ev: &mut Evaluator, frame: &Frame, recv: &Val, name: &str, args: Vec<Val>, exprs: &[Expr]) -> Vec<Val> {
    if let Val::Int(ns, IntKind::Duration) = recv {
        return vec![match name {
            "String" => Val::Str(go_duration(*ns)),
            "Seconds" => Val::Float(*ns as f64 / 1e9),
            "Nanoseconds" => Val::int(*ns),
            _ => Val::Unknown,
        }];
    }
    // A `net.IP`, which the evaluator keeps as its text.
    if let Val::Str(text) = recv {
        if let Ok(ip) = text.parse::<std::net::IpAddr>() {
            return vec![match (name, ip) {
                ("To4", std::net::IpAddr::V4(_)) | ("To16" | "String", _) => Val::Str(ip.to_string()),
                ("To4", std::net::IpAddr::V6(v6)) => {
                    v6.to_ipv4_mapped().map_or(Val::Nil, |v4| Val::Str(v4.to_string()))
                }
                _ => Val::Unknown,
            }];
        }
    }
    let Some(obj) = ev.deref_obj(recv) else {
        return vec![Val::Unknown];
    };
    if matches!(ev.heap[obj], Obj::Scheme(_)) {
        return scheme_method(ev, frame, obj, name, args, exprs);
    }
    let s = |i: usize| args.get(i).and_then(|v| v.as_str()).map(str::to_string);
    match ev.heap[obj].clone() {
        Obj::FlagSet(set) => {
            if let Some(form) = flag_form(name, set.go) {
                let _ = form;
                return register(ev, frame, obj, name, args, exprs);
            }
            match name {
                "AddFlagSet" | "AddGoFlagSet" => {
                    if let Some(from) = args.first().and_then(|a| ev.deref_obj(a)) {
                        if let Obj::FlagSet(other) = ev.heap[from].clone() {
                            for f in other.flags {
                                let f = if name == "AddGoFlagSet" { copy_flag(ev, f) } else { f };
                                add_flag(ev, obj, f);
                            }
                        }
                    }
                    Vec::new()
                }
                "AddFlag" | "AddGoFlag" => {
                    if let Some(f) = args.first().and_then(|a| ev.deref_obj(a)) {
                        if matches!(ev.heap[f], Obj::Flag(_)) {
                            let f = if name == "AddGoFlag" { copy_flag(ev, f) } else { f };
                            add_flag(ev, obj, f);
                        }
                    }
                    Vec::new()
                }
                "VisitAll" => {
                    let mut flags = set.flags.clone();
                    // pflag visits in name order.
                    flags.sort_by_key(|&f| match &ev.heap[f] {
                        Obj::Flag(x) => x.name.clone(),
                        _ => String::new(),
                    });
                    if let Some(callback) = args.first() {
                        for f in flags {
                            ev.call_value(frame, callback, vec![Val::Obj(f)]);
                        }
                    }
                    Vec::new()
                }
                "Lookup" | "ShorthandLookup" => {
                    let global = obj == ev.pflag_command_line || obj == ev.go_command_line;
                    vec![lookup(ev, obj, &s(0).unwrap_or_default(), global)]
                }
                "MarkDeprecated" | "MarkHidden" | "MarkShorthandDeprecated" => {
                    mark(ev, obj, name, &s(0).unwrap_or_default(), args.get(1).cloned());
                    vec![Val::Nil]
                }
                "SetNormalizeFunc" => {
                    let f = args.first().cloned();
                    if let Obj::FlagSet(fs) = &mut ev.heap[obj] {
                        fs.normalize = f;
                    }
                    for f in set.flags {
                        ev.normalize_name(obj, f);
                    }
                    Vec::new()
                }
                "GetNormalizeFunc" => vec![set.normalize.clone().unwrap_or(Val::Unknown)],
                "Parse" => {
                    ev.parsed.push(obj);
                    vec![Val::Unknown]
                }
                "FlagUsages" | "FlagUsagesWrapped" => {
                    if let Some(c) = ev.helping {
                        if let Obj::Command(cmd) = &mut ev.heap[c] {
                            if !cmd.usage_sets.contains(&obj) {
                                cmd.usage_sets.push(obj);
                            }
                        }
                    }
                    vec![Val::Unknown]
                }
                "Name" => vec![Val::Str(set.name)],
                "HasFlags" => vec![Val::Bool(!set.flags.is_empty())],
                _ => vec![Val::Unknown],
            }
        }
        Obj::Command(cmd) => match name {
            "Flags" | "LocalFlags" | "LocalNonPersistentFlags" | "NonInheritedFlags" => vec![Val::Obj(cmd.local)],
            "PersistentFlags" => vec![Val::Obj(cmd.persistent)],
            "AddCommand" => {
                let line = ev.line;
                let children: Vec<ObjId> = args
                    .iter()
                    .flat_map(|a| match ev.deref_obj(a).map(|o| ev.heap[o].clone()) {
                        Some(Obj::Command(_)) => ev.deref_obj(a).into_iter().collect(),
                        Some(Obj::Slice { elems, .. }) => elems.iter().filter_map(|e| ev.deref_obj(e)).collect(),
                        _ => Vec::new(),
                    })
                    .collect();
                for child in children {
                    if child == obj || !matches!(ev.heap[child], Obj::Command(_)) {
                        continue;
                    }
                    if let Obj::Command(c) = &mut ev.heap[child] {
                        if c.parent.is_some() {
                            continue;
                        }
                        c.parent = Some(obj);
                        c.added_at = Some((frame.file, line));
                    }
                    if let Obj::Command(p) = &mut ev.heap[obj] {
                        p.children.push(child);
                    }
                }
                Vec::new()
            }
            "Name" => vec![command_name(&cmd)],
            "Commands" => {
                let elems = cmd.children.iter().map(|&c| Val::Obj(c)).collect();
                vec![Val::Obj(ev.alloc(Obj::Slice { ty: Ty::Unknown, elems }))]
            }
            "Parent" => vec![cmd.parent.map_or(Val::Nil, Val::Obj)],
            "Root" => {
                let mut at = obj;
                while let Obj::Command(c) = &ev.heap[at] {
                    match c.parent {
                        Some(p) => at = p,
                        None => break,
                    }
                }
                vec![Val::Obj(at)]
            }
            "HasParent" => vec![Val::Bool(cmd.parent.is_some())],
            "CommandPath" => {
                let mut words = Vec::new();
                let mut at = Some(obj);
                while let Some(id) = at {
                    let Obj::Command(c) = &ev.heap[id] else { break };
                    words.push(command_name(c));
                    at = c.parent;
                }
                let words: Option<Vec<String>> = words.iter().rev().map(|w| w.as_str().map(str::to_string)).collect();
                vec![words.map_or(Val::Unknown, |w| Val::Str(w.join(" ")))]
            }
            "MarkFlagRequired" | "MarkPersistentFlagRequired" => {
                let set = if name == "MarkFlagRequired" {
                    cmd.local
                } else {
                    cmd.persistent
                };
                if let Some(f) = lookup(ev, set, &s(0).unwrap_or_default(), false).obj() {
                    if let Obj::Flag(flag) = &mut ev.heap[f] {
                        flag.required = true;
                    }
                }
                vec![Val::Nil]
            }
            "SetGlobalNormalizationFunc" => {
                let f = args.first().cloned();
                let mut stack = vec![obj];
                while let Some(c) = stack.pop() {
                    let Obj::Command(cmd) = ev.heap[c].clone() else {
                        continue;
                    };
                    for set in [cmd.local, cmd.persistent] {
                        if let Obj::FlagSet(fs) = &mut ev.heap[set] {
                            fs.normalize = f.clone();
                        }
                        let flags = match &ev.heap[set] {
                            Obj::FlagSet(fs) => fs.flags.clone(),
                            _ => Vec::new(),
                        };
                        for flag in flags {
                            ev.normalize_name(set, flag);
                        }
                    }
                    stack.extend(cmd.children);
                }
                Vec::new()
            }
            // What a help or usage function prints is what `--help` shows: run it, noting the flag sets whose
            // usages it prints.
            "SetHelpFunc" | "SetUsageFunc" => {
                if let Some(f) = args.first() {
                    let outer = ev.helping.replace(obj);
                    ev.call_value(frame, f, vec![Val::Obj(obj), Val::Unknown]);
                    ev.helping = outer;
                }
                Vec::new()
            }
            "Execute" | "ExecuteC" | "ExecuteContext" | "ExecuteContextC" => {
                ev.executed.push(obj);
                vec![Val::Unknown; if name.ends_with('C') { 2 } else { 1 }]
            }
            // Running or printing a command is what the evaluator does not do.
            _ => vec![Val::Unknown],
        },
        Obj::FlagValue { ty } => match name {
            "Type" => vec![Val::Str(ty)],
            _ => vec![Val::Unknown],
        },
        _ => vec![Val::Unknown],
    }
}

/// `(*runtime.SchemeBuilder).AddToScheme(scheme)` on a scheme the evaluator models, called outside the scheme's
/// pending registrations: kept on the scheme to run when it is needed (`SchemeObj::pending`), with the `nil`
/// error every such call returns on Kubernetes' trees (v1.20 and v1.25, all 3,292 and 3,547 calls of their
/// programs). A builder's functions register on the scheme they are given and do nothing else a run reports,
/// so only the scheme sees when they run. `None`: run it now.
pub(super) fn defer_registration(
    ev: &mut Evaluator,
    callee: &Val,
    builder: Option<&Val>,
    args: &[Val],
) -> Option<Vec<Val>> {
    let scheme = ev.deref_obj(args.first()?)?;
    let Obj::Scheme(s) = &ev.heap[scheme] else { return None };
    if s.registering {
        return None;
    }
    let Val::Func(f) = callee else { return None };
    let Callable::Func {
        pkg, file, line, name, ..
    } = f.as_ref()
    else {
        return None;
    };
    let Obj::Slice { ty, elems } = ev.heap[ev.deref_obj(builder?)?].clone() else {
        return None;
    };
    // Go ranges over the builder's functions as they are at the call.
    let copy = ev.alloc(Obj::Slice { ty, elems });
    let call = Val::Func(Rc::new(Callable::Func {
        pkg: *pkg,
        file: *file,
        line: *line,
        name: name.clone(),
        receiver: Some(Val::Obj(copy)),
    }));
    if let Obj::Scheme(s) = &mut ev.heap[scheme] {
        s.pending.push((call, args.to_vec()));
    }
    Some(vec![Val::Nil])
}

/// Runs a scheme's pending registrations, in the order they were called.
fn register_pending(ev: &mut Evaluator, frame: &Frame, scheme: ObjId) {
    let Obj::Scheme(s) = &mut ev.heap[scheme] else { return };
    if s.registering || s.pending.is_empty() {
        return;
    }
    let pending = std::mem::take(&mut s.pending);
    s.registering = true;
    for (call, args) in pending {
        ev.call_value(frame, &call, args);
    }
    if let Obj::Scheme(s) = &mut ev.heap[scheme] {
        s.registering = false;
    }
}

/// A method of a `runtime.Scheme`: registering and running defaulting and conversion functions; registering
/// types and the rest do nothing the evaluator needs.
fn scheme_method(
    ev: &mut Evaluator,
    frame: &Frame,
    obj: ObjId,
    name: &str,
    args: Vec<Val>,
    exprs: &[Expr],
) -> Vec<Val> {
    let key = |ev: &mut Evaluator, i: usize| type_key(ev, frame, args.get(i), exprs.get(i));
    if matches!(
        name,
        "AddTypeDefaultingFunc"
            | "AddGeneratedConversionFunc"
            | "AddConversionFunc"
            | "Default"
            | "Convert"
            | "ConvertToVersion"
    ) {
        // What was registered before this call comes first.
        register_pending(ev, frame, obj);
    }
    match name {
        "AddTypeDefaultingFunc" => {
            if let (Some(t), Some(f)) = (key(ev, 0), args.get(1)) {
                if let Obj::Scheme(s) = &mut ev.heap[obj] {
                    s.defaulters.entry(t).or_insert_with(|| f.clone());
                }
            }
            Vec::new()
        }
        "AddGeneratedConversionFunc" | "AddConversionFunc" => {
            if let (Some(a), Some(b), Some(f)) = (key(ev, 0), key(ev, 1), args.get(2)) {
                if let Obj::Scheme(s) = &mut ev.heap[obj] {
                    // A conversion function registered by hand takes the place of the generated one.
                    if name == "AddConversionFunc" {
                        s.conversions.insert((a, b), f.clone());
                    } else {
                        s.conversions.entry((a, b)).or_insert_with(|| f.clone());
                    }
                }
            }
            vec![Val::Nil]
        }
        "Default" => {
            if let Some(t) = key(ev, 0) {
                let found = match &ev.heap[obj] {
                    Obj::Scheme(s) => s.defaulters.get(&t).cloned(),
                    _ => None,
                };
                if let Some(f) = found {
                    ev.call_value(frame, &f, vec![args[0].clone()]);
                }
            }
            Vec::new()
        }
        "Convert" => {
            let (Some(a), Some(b)) = (key(ev, 0), key(ev, 1)) else {
                return vec![Val::Unknown];
            };
            let found = match &ev.heap[obj] {
                Obj::Scheme(s) => s.conversions.get(&(a, b)).cloned(),
                _ => None,
            };
            match found {
                Some(f) => {
                    let out = ev.call_value(frame, &f, vec![args[0].clone(), args[1].clone(), Val::Unknown]);
                    vec![out.into_iter().next().unwrap_or(Val::Unknown)]
                }
                None => vec![Val::Unknown],
            }
        }
        // `ConvertToVersion(in, gv)`: the conversion registered from the type of `in` to the type of the same name
        // in the package of `gv`'s version (a package whose name is not a version, for the internal one), run
        // on a new object of that type.
        "ConvertToVersion" => {
            let unknown = vec![Val::Unknown, Val::Unknown];
            let (Some(from), Some(gv)) = (key(ev, 0), args.get(1)) else {
                return unknown;
            };
            let Some(version) = ev.field(gv, "Version").as_str().map(str::to_string) else {
                return unknown;
            };
            let Obj::Scheme(s) = &ev.heap[obj] else { return unknown };
            let target = s.conversions.iter().find_map(|((a, b), f)| {
                let (path, name) = b.rsplit_once('.')?;
                let last = path.rsplit('/').next().unwrap_or(path);
                let fits = match version.as_str() {
                    "__internal" => !is_version_name(last),
                    v => last == v,
                };
                (*a == from && fits).then(|| (path.to_string(), name.to_string(), f.clone()))
            });
            let Some((path, name, f)) = target else { return unknown };
            let Some(pkg) = ev.model.package_by_path(&path) else {
                return unknown;
            };
            let out = make(ev, &Ty::Named(crate::model::TypeRef { pkg, name }), true);
            ev.call_value(frame, &f, vec![args[0].clone(), out.clone(), Val::Unknown]);
            vec![out, Val::Nil]
        }
        "AddKnownTypes"
        | "AddKnownTypeWithName"
        | "AddUnversionedTypes"
        | "AddFieldLabelConversionFunc"
        | "AddIgnoredConversionType"
        | "RegisterInputDefaults" => vec![Val::Nil],
        "SetVersionPriority" => vec![Val::Nil],
        _ => vec![Val::Unknown],
    }
}

/// Whether a package name is an API version: `v1`, `v1beta2`, `v1alpha1`.
fn is_version_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('v') else {
        return false;
    };
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() == rest.len() {
        return false;
    }
    match ["alpha", "beta"].iter().find_map(|k| digits.strip_prefix(k)) {
        Some(n) => n.chars().all(|c| c.is_ascii_digit()),
        None => digits.is_empty(),
    }
}

/// The type an argument has, by name: its object's named type, or the type of a typed nil (`(*v1.Pod)(nil)`).
fn type_key(ev: &mut Evaluator, frame: &Frame, v: Option<&Val>, e: Option<&Expr>) -> Option<String> {
    if let Some(t) = v.and_then(|v| ev.named_type_of(v)) {
        return Some(ev.model.type_id(&t));
    }
    let Some(Expr::Call { fun, .. }) = e else { return None };
    fn base(ev: &mut Evaluator, frame: &Frame, e: &Expr) -> Option<Ty> {
        match e {
            Expr::Paren(inner) | Expr::Unary(_, inner) => base(ev, frame, inner),
            Expr::Type(t) => Some(ev.resolve_type(frame.pkg, frame.file, t)),
            _ => match ev.eval(frame, e) {
                Val::Type(t) => Some(t.as_ref().clone()),
                _ => None,
            },
        }
    }
    let mut ty = base(ev, frame, fun)?;
    while let Ty::Pointer(inner) = ty {
        ty = *inner;
    }
    match ty {
        Ty::Named(t) => Some(ev.model.type_id(&t)),
        Ty::External(name) => Some(name),
        _ => None,
    }
}

/// A command's name: its `Use` up to the first space.
fn command_name(cmd: &super::CommandObj) -> Val {
    match cmd.fields.get("Use") {
        Some(Val::Str(u)) => Val::Str(u.split(' ').next().unwrap_or("").to_string()),
        _ => Val::Unknown,
    }
}

/// A registration method called on a flag set: a new flag, its default written through the target pointer, and
/// the result pflag gives (a pointer to the value, or the flag for `VarPF`).
fn register(ev: &mut Evaluator, frame: &Frame, set: ObjId, method: &str, args: Vec<Val>, exprs: &[Expr]) -> Vec<Val> {
    let go = matches!(&ev.heap[set], Obj::FlagSet(s) if s.go);
    let Some(form) = flag_form(method, go) else {
        return vec![Val::Unknown];
    };
    if args.len() < form.arity {
        return vec![Val::Unknown];
    }
    let Some(name) = args[form.name].as_str().map(str::to_string) else {
        return vec![Val::Unknown];
    };
    let shorthand = form
        .shorthand
        .and_then(|i| args[i].as_str().map(str::to_string))
        .unwrap_or_default();
    let expr_at = |i: usize| exprs.get(i).map(|e| e.to_string());
    let (ty, def_value, default_expr, result) = match form.value {
        // `Var(value, name, usage)`: the value's own type and `String()`.
        Some(v) => {
            let value = args[v].clone();
            let ty = value_method(ev, frame, &value, "Type").as_str().map(str::to_string);
            let ty = ty.unwrap_or_else(|| go_value_type(ev, &value).unwrap_or_else(|| "value".to_string()));
            let shown = value_method(ev, frame, &value, "String");
            let def = shown.as_str().map(str::to_string);
            (
                ty,
                def.clone(),
                def.is_none().then(|| expr_at(v)).flatten(),
                Val::Unknown,
            )
        }
        None => {
            let default = form.default.map(|i| args[i].clone()).unwrap_or(Val::Unknown);
            if let Some(t) = form.target {
                match &args[t] {
                    Val::Ref(place) => {
                        let place = place.clone();
                        ev.write_place(&place, default.clone());
                    }
                    Val::Obj(cell) if matches!(ev.heap[*cell], Obj::Cell(_)) => {
                        ev.heap[*cell] = Obj::Cell(default.clone());
                    }
                    _ => {}
                }
            }
            let def = format_default(ev, &form.ty, &default);
            let default_expr = match &def {
                None => form.default.and_then(expr_at),
                Some(_) => None,
            };
            let result = if form.target.is_none() {
                Val::Ref(Place::Cell(ev.alloc(Obj::Cell(default))))
            } else {
                Val::Unknown
            };
            (form.ty.clone(), def, default_expr, result)
        }
    };
    let bound = form
        .target
        .and_then(|t| exprs.get(t))
        .and_then(|e| bound_field(ev, frame, e));
    let usage = args[form.usage].clone();
    let usage_expr = (!usage.is_known()).then(|| expr_at(form.usage)).flatten();
    let flag = FlagObj {
        name,
        shorthand,
        usage,
        usage_expr,
        ty,
        def_value,
        default_expr,
        deprecated: Val::Nil,
        shorthand_deprecated: Val::Nil,
        hidden: false,
        required: false,
        site: Some(Site {
            file: frame.file,
            line: ev.line,
            function: frame.function.to_string(),
            method: method.to_string(),
        }),
        bound,
        outside: false,
        registered_on: Some(set),
    };
    let id = ev.alloc(Obj::Flag(Box::new(flag)));
    ev.flags.push(id);
    add_flag(ev, set, id);
    if method == "VarPF" {
        return vec![Val::Obj(id)];
    }
    vec![result]
}

/// `&o.Field.Sub`: the type of `o` and the field path, for the options struct a flag is bound to.
fn bound_field(ev: &Evaluator, frame: &Frame, target: &Expr) -> Option<(String, String)> {
    let Expr::Unary(op, inner) = target else { return None };
    if op != "&" {
        return None;
    }
    let mut path = Vec::new();
    let mut e = inner.as_ref();
    while let Expr::Selector(operand, field) = e {
        path.push(field.clone());
        e = operand;
    }
    let Expr::Ident(root) = e else { return None };
    path.reverse();
    if path.is_empty() {
        return None;
    }
    let cell = frame.scope.lookup(root)?;
    let obj = ev.deref_obj(&ev.read_cell(cell))?;
    match &ev.heap[obj] {
        Obj::Struct { ty: Ty::Named(t), .. } => Some((ev.model.type_id(t), path.join("."))),
        _ => None,
    }
}

/// Calls a method of a flag value (`Type`, `String`) declared in the tree.
fn value_method(ev: &mut Evaluator, frame: &Frame, value: &Val, name: &str) -> Val {
    match ev.method_of(value, name) {
        Some((pkg, file, decl, receiver)) => ev
            .call_func(pkg, file, decl, Some(receiver), Vec::new())
            .into_iter()
            .next()
            .unwrap_or(Val::Unknown),
        None => {
            if let Some(obj) = ev.deref_obj(value) {
                if let Obj::FlagValue { ty } = &ev.heap[obj] {
                    return if name == "Type" {
                        Val::Str(ty.clone())
                    } else {
                        Val::Unknown
                    };
                }
            }
            let _ = frame;
            Val::Unknown
        }
    }
}

/// The type a standard `flag.Value` shows through pflag: its Go type's name without `Value` (`Level`).
fn go_value_type(ev: &mut Evaluator, value: &Val) -> Option<String> {
    let t = ev.named_type_of(value)?;
    Some(t.name.trim_end_matches("Value").to_string())
}

/// Adds a flag to a set, under the set's normalised name, unless one of that name is there.
fn add_flag(ev: &mut Evaluator, set: ObjId, flag: ObjId) {
    ev.normalize_name(set, flag);
    let Obj::FlagSet(fs) = &ev.heap[set] else { return };
    let exists = fs.flags.iter().any(|&f| match (&ev.heap[f], &ev.heap[flag]) {
        (Obj::Flag(a), Obj::Flag(b)) => a.name == b.name,
        _ => false,
    });
    if !exists {
        if let Obj::FlagSet(fs) = &mut ev.heap[set] {
            fs.flags.push(flag);
        }
    }
}

impl Evaluator<'_> {
    /// Renames a flag by its set's normalisation function, as pflag does when a flag is added.
    fn normalize_name(&mut self, set: ObjId, flag: ObjId) {
        let Obj::FlagSet(fs) = &self.heap[set] else { return };
        let Some(normalize) = fs.normalize.clone() else { return };
        let Obj::Flag(f) = &self.heap[flag] else { return };
        let name = f.name.clone();
        let frame = self.top_frame(crate::model::PkgId(0), crate::model::FileId(0), "normalize");
        let out = self.call_value(&frame, &normalize, vec![Val::Obj(set), Val::Str(name)]);
        if let Some(Val::Str(n)) = out.first() {
            if let Obj::Flag(f) = &mut self.heap[flag] {
                f.name = n.clone();
            }
        }
    }

    /// Whether calls of `path.name` only pass their string argument on, as far as the texts shown go.
    pub(super) fn is_text_wrapper(&self, path: &str, name: &str) -> bool {
        // `qualifier.Name`, the qualifier without a dot: asked of every call, so read without splitting.
        let qualifier = path.rsplit('/').next().unwrap_or(path);
        !qualifier.contains('.')
            && self.text_wrappers.iter().any(|w| {
                w.len() == qualifier.len() + 1 + name.len()
                    && w.starts_with(qualifier)
                    && w.ends_with(name)
                    && w.as_bytes()[qualifier.len()] == b'.'
            })
    }
}

/// `fs.Lookup(name)`. On a global flag set (`flag.CommandLine`), a flag registered by code outside the tree
/// (a vendored library's `init`) is known by its name only.
fn lookup(ev: &mut Evaluator, set: ObjId, name: &str, global: bool) -> Val {
    let Obj::FlagSet(fs) = &ev.heap[set] else {
        return Val::Unknown;
    };
    let found = fs.flags.iter().copied().find(|&f| match &ev.heap[f] {
        Obj::Flag(x) => x.name == name || x.name == name.replace('_', "-"),
        _ => false,
    });
    match found {
        Some(f) => Val::Obj(f),
        None if global && !name.is_empty() => {
            let flag = FlagObj {
                name: name.to_string(),
                usage: Val::Unknown,
                deprecated: Val::Nil,
                shorthand_deprecated: Val::Nil,
                outside: true,
                ..Default::default()
            };
            let id = ev.alloc(Obj::Flag(Box::new(flag)));
            ev.flags.push(id);
            if let Obj::FlagSet(fs) = &mut ev.heap[set] {
                fs.flags.push(id);
            }
            Val::Obj(id)
        }
        None => Val::Nil,
    }
}

fn mark(ev: &mut Evaluator, set: ObjId, method: &str, name: &str, message: Option<Val>) {
    let Some(f) = lookup(ev, set, name, false).obj() else {
        return;
    };
    if let Obj::Flag(flag) = &mut ev.heap[f] {
        match method {
            "MarkDeprecated" => {
                flag.deprecated = message.unwrap_or(Val::Unknown);
                flag.hidden = true;
            }
            "MarkHidden" => flag.hidden = true,
            _ => flag.shorthand_deprecated = message.unwrap_or(Val::Unknown),
        }
    }
}

/// A copy of a flag (a standard library flag taken into pflag: `PFlagFromGoFlag`, `AddGoFlagSet`).
/// A standard library flag as pflag's `PFlagFromGoFlag` makes it: a one-letter name is its shorthand too.
fn copy_flag(ev: &mut Evaluator, id: ObjId) -> ObjId {
    match ev.heap[id].clone() {
        Obj::Flag(mut f) => {
            if f.name.chars().count() == 1 {
                f.shorthand = f.name.clone();
            }
            ev.alloc(Obj::Flag(f))
        }
        _ => id,
    }
}

/// A default as pflag's `Flag.DefValue` holds it: the value's `String()` for the flag's type.
pub fn format_default(ev: &Evaluator, ty: &str, v: &Val) -> Option<String> {
    let list = |ev: &Evaluator, v: &Val, f: &dyn Fn(&Val) -> Option<String>| -> Option<String> {
        if *v == Val::Nil {
            return Some("[]".to_string());
        }
        let obj = ev.deref_obj(v)?;
        let Obj::Slice { elems, .. } = &ev.heap[obj] else {
            return None;
        };
        let parts: Option<Vec<String>> = elems.iter().map(f).collect();
        Some(format!("[{}]", parts?.join(",")))
    };
    match (ty, v) {
        ("string", Val::Str(s)) => Some(s.clone()),
        ("bool", Val::Bool(b)) => Some(b.to_string()),
        ("duration", Val::Int(ns, _)) => Some(go_duration(*ns)),
        ("float32" | "float64", Val::Float(f)) => Some(go_float(*f)),
        ("float32" | "float64", Val::Int(i, _)) => Some(go_float(*i as f64)),
        (t, Val::Int(i, _)) if t.starts_with("int") || t.starts_with("uint") || t == "count" => Some(i.to_string()),
        ("ip" | "ipNet" | "ipMask", Val::Str(s)) => Some(s.clone()),
        ("ip" | "ipNet" | "ipMask", Val::Nil) => Some("<nil>".to_string()),
        ("stringSlice" | "stringArray", v) => list(ev, v, &|e| e.as_str().map(csv_field)),
        ("intSlice" | "int32Slice" | "int64Slice" | "uintSlice", v) => {
            list(ev, v, &|e| e.as_int().map(|i| i.to_string()))
        }
        ("boolSlice", v) => list(ev, v, &|e| e.as_bool().map(|b| b.to_string())),
        ("durationSlice", v) => list(ev, v, &|e| e.as_int().map(go_duration)),
        ("float64Slice" | "float32Slice", v) => list(ev, v, &|e| match e {
            Val::Float(f) => Some(go_float(*f)),
            Val::Int(i, _) => Some(go_float(*i as f64)),
            _ => None,
        }),
        ("ipSlice", v) => list(ev, v, &|e| e.as_str().map(str::to_string)),
        ("stringToString" | "stringToInt" | "stringToInt64", v) => {
            if *v == Val::Nil {
                return Some("[]".to_string());
            }
            let obj = ev.deref_obj(v)?;
            let Obj::Map { entries, .. } = &ev.heap[obj] else {
                return None;
            };
            let mut parts: Vec<String> = Vec::new();
            for (k, val) in entries {
                let k = k.as_str()?;
                let val = match val {
                    Val::Str(s) => s.clone(),
                    Val::Int(i, _) => i.to_string(),
                    _ => return None,
                };
                parts.push(format!("{k}={val}"));
            }
            parts.sort();
            Some(format!("[{}]", parts.join(",")))
        }
        _ => None,
    }
}

/// A field of a CSV record as Go's `encoding/csv` writes it, which pflag's slice values use.
fn csv_field(s: &str) -> String {
    let needs = s.contains(['"', ',', '\n', '\r']) || s.starts_with(' ') || s.starts_with('\t');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Whether pflag's usage shows a flag's default: not for the zero value of its type.
pub fn default_is_zero(ty: &str, def: &str) -> bool {
    match ty {
        "bool" => def == "false",
        "duration" => def == "0" || def == "0s",
        "string" => def.is_empty(),
        "ip" | "ipMask" | "ipNet" => def == "<nil>",
        "intSlice" | "stringSlice" | "stringArray" => def == "[]",
        t if t.starts_with("int") || t.starts_with("uint") || t.starts_with("float") || t == "count" => def == "0",
        _ => matches!(def, "false" | "<nil>" | "" | "0"),
    }
}

/// Go's `time.Duration.String()`.
pub fn go_duration(d: i128) -> String {
    if d == 0 {
        return "0s".to_string();
    }
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (prec, unit) = if u < 1_000 {
            (0, "ns")
        } else if u < 1_000_000 {
            (3, "µs")
        } else {
            (6, "ms")
        };
        let (int, frac) = split_frac(u, prec);
        out.push_str(&int.to_string());
        out.push_str(&frac);
        out.push_str(unit);
    } else {
        let (secs, frac) = split_frac(u, 9);
        u = secs;
        let s = u % 60;
        u /= 60;
        if u > 0 {
            let m = u % 60;
            u /= 60;
            if u > 0 {
                out.push_str(&format!("{u}h"));
            }
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&format!("{s}{frac}s"));
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// `v / 10^prec` as an integer part and `.fraction` without trailing zeros (empty when none).
fn split_frac(v: u128, prec: u32) -> (u128, String) {
    let div = 10u128.pow(prec);
    let (int, frac) = (v / div, v % div);
    if frac == 0 {
        return (int, String::new());
    }
    let digits = format!("{frac:0width$}", width = prec as usize);
    (int, format!(".{}", digits.trim_end_matches('0')))
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` for the values defaults take.
fn go_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        return format!("{}", f as i64);
    }
    format!("{f}")
}

pub fn go_quote(s: &str) -> String {
    format!("{s:?}")
}

fn path_join(parts: &[String]) -> String {
    let joined = parts
        .iter()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("/");
    if joined.is_empty() {
        return String::new();
    }
    // Clean: drop empty and `.` elements, fold `..`.
    let absolute = joined.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    let body = out.join("/");
    match (absolute, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

/// Values written as `%v` writes them.
fn show(ev: &Evaluator, v: &Val) -> Option<String> {
    match v {
        Val::Str(s) => Some(s.clone()),
        Val::Int(i, IntKind::Duration) => Some(go_duration(*i)),
        Val::Int(i, _) => Some(i.to_string()),
        Val::Bool(b) => Some(b.to_string()),
        Val::Float(f) => Some(go_float(*f)),
        Val::Nil => Some("<nil>".to_string()),
        other => {
            let obj = ev.deref_obj(other)?;
            match &ev.heap[obj] {
                Obj::Slice { elems, .. } => {
                    let parts: Option<Vec<String>> = elems.iter().map(|e| show(ev, e)).collect();
                    Some(format!("[{}]", parts?.join(" ")))
                }
                _ => None,
            }
        }
    }
}

fn concat(ev: &Evaluator, args: &[Val], sep: &str) -> Val {
    let parts: Option<Vec<String>> = args.iter().map(|a| show(ev, a)).collect();
    parts.map_or(Val::Unknown, |p| Val::Str(p.join(sep)))
}

/// `fmt.Sprintf` for the verbs texts use: `%s`, `%v`, `%d`, `%q`, `%t`, `%%`, with widths ignored.
fn sprintf(ev: &Evaluator, args: &[Val]) -> Val {
    let Some(format) = args.first().and_then(|f| f.as_str()) else {
        return Val::Unknown;
    };
    let mut out = String::new();
    let mut rest = args[1..].iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Flags and width: `%-10s`, `%03d`.
        let mut spec = String::new();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_digit() || "-+# .".contains(n) {
                spec.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else { break };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = rest.next() else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        let text = match verb {
            'q' => arg.as_str().map(go_quote),
            'd' => arg.as_int().map(|i| i.to_string()),
            _ => show(ev, arg),
        };
        match text {
            Some(t) => out.push_str(&t),
            None => return Val::Unknown,
        }
    }
    Val::Str(out)
}

fn strings(ev: &Evaluator, f: &str, args: &[Val]) -> Val {
    let s = |i: usize| args.get(i).and_then(|v| v.as_str());
    let list = |i: usize| -> Option<Vec<String>> {
        let obj = ev.deref_obj(args.get(i)?)?;
        match &ev.heap[obj] {
            Obj::Slice { elems, .. } => elems.iter().map(|e| e.as_str().map(str::to_string)).collect(),
            _ => None,
        }
    };
    let text = |v: Option<String>| v.map_or(Val::Unknown, Val::Str);
    let boolean = |v: Option<bool>| v.map_or(Val::Unknown, Val::Bool);
    // A byte offset, or -1.
    let index = |v: Option<Option<usize>>| v.map_or(Val::Unknown, |i| Val::int(i.map_or(-1, |i| i as i128)));
    match f {
        "Join" => text(list(0).zip(s(1)).map(|(l, sep)| l.join(sep))),
        "Index" => index(s(0).zip(s(1)).map(|(x, p)| x.find(p))),
        "LastIndex" => index(s(0).zip(s(1)).map(|(x, p)| x.rfind(p))),
        "IndexAny" => index(s(0).zip(s(1)).map(|(x, p)| x.find(|c| p.contains(c)))),
        "Count" => match (s(0), s(1)) {
            (Some(x), Some("")) => Val::int(x.chars().count() as i128 + 1),
            (Some(x), Some(p)) => Val::int(x.matches(p).count() as i128),
            _ => Val::Unknown,
        },
        "ContainsAny" => boolean(s(0).zip(s(1)).map(|(x, p)| x.contains(|c| p.contains(c)))),
        "ToLower" => text(s(0).map(str::to_lowercase)),
        "ToUpper" => text(s(0).map(str::to_uppercase)),
        "TrimSpace" => text(s(0).map(|x| x.trim().to_string())),
        "TrimPrefix" => text(s(0).zip(s(1)).map(|(x, p)| x.strip_prefix(p).unwrap_or(x).to_string())),
        "TrimSuffix" => text(s(0).zip(s(1)).map(|(x, p)| x.strip_suffix(p).unwrap_or(x).to_string())),
        "Trim" => text(
            s(0).zip(s(1))
                .map(|(x, cut)| x.trim_matches(|c| cut.contains(c)).to_string()),
        ),
        "TrimLeft" => text(
            s(0).zip(s(1))
                .map(|(x, cut)| x.trim_start_matches(|c| cut.contains(c)).to_string()),
        ),
        "TrimRight" => text(
            s(0).zip(s(1))
                .map(|(x, cut)| x.trim_end_matches(|c| cut.contains(c)).to_string()),
        ),
        "Replace" => {
            let n = args.get(3).and_then(|v| v.as_int()).unwrap_or(-1);
            text(match (s(0), s(1), s(2)) {
                (Some(x), Some(old), Some(new)) if n < 0 => Some(x.replace(old, new)),
                (Some(x), Some(old), Some(new)) => Some(x.replacen(old, new, n as usize)),
                _ => None,
            })
        }
        "ReplaceAll" => text(match (s(0), s(1), s(2)) {
            (Some(x), Some(old), Some(new)) => Some(x.replace(old, new)),
            _ => None,
        }),
        "Repeat" => text(
            s(0).zip(args.get(1).and_then(|v| v.as_int()))
                .map(|(x, n)| x.repeat(n.max(0) as usize)),
        ),
        "HasPrefix" => boolean(s(0).zip(s(1)).map(|(x, p)| x.starts_with(p))),
        "HasSuffix" => boolean(s(0).zip(s(1)).map(|(x, p)| x.ends_with(p))),
        "Contains" => boolean(s(0).zip(s(1)).map(|(x, p)| x.contains(p))),
        "EqualFold" => boolean(s(0).zip(s(1)).map(|(x, p)| x.eq_ignore_ascii_case(p))),
        "Title" => text(s(0).map(|x| {
            x.split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })),
        _ => Val::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_as_go_prints_them() {
        let s = 1_000_000_000;
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(5 * s), "5s");
        assert_eq!(go_duration(2 * 60 * s), "2m0s");
        assert_eq!(go_duration(90 * s), "1m30s");
        assert_eq!(go_duration(3600 * s), "1h0m0s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(100_000_000), "100ms");
        assert_eq!(go_duration(1_500), "1.5µs");
        assert_eq!(go_duration(-2 * s), "-2s");
        assert_eq!(go_duration(24 * 3600 * s), "24h0m0s");
    }

    #[test]
    fn flag_forms() {
        let f = flag_form("StringVarP", false).unwrap();
        assert_eq!(
            (f.ty.as_str(), f.target, f.name, f.shorthand, f.default, f.usage),
            ("string", Some(0), 1, Some(2), Some(3), 4)
        );
        assert!(flag_form("StringP", true).is_none());
        let d = flag_form("Duration", true).unwrap();
        assert_eq!((d.ty.as_str(), d.name, d.default, d.usage), ("duration", 0, Some(1), 2));
        assert_eq!(flag_form("IPVar", false).unwrap().ty, "ip");
        assert!(default_is_zero("stringSlice", "[]") && !default_is_zero("string", "x"));
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(path_join(&["/var/lib".into(), "kubelet".into()]), "/var/lib/kubelet");
    }
}
