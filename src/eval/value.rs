//! The evaluator's values and heap.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::code::Block;
use crate::model::{FileId, PkgId, TypeRef};

pub type ObjId = usize;

/// A value as the evaluator knows it. `Unknown` is what it cannot know statically (a file's contents, the
/// result of a function outside the tree); operations on it give `Unknown`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Val {
    #[default]
    Unknown,
    Nil,
    Bool(bool),
    Int(i128, IntKind),
    Float(f64),
    Str(String),
    /// A reference to a heap object: what a pointer to a struct, a map, a slice or a library object is.
    Obj(ObjId),
    /// The address of a place that holds a value: `&x`, `&o.Field`.
    Ref(Place),
    Func(Rc<Callable>),
    /// A package qualifier, on its way to a member.
    Pkg(String),
    /// A type in expression position (a conversion's function).
    Type(Rc<Ty>),
}

/// The kind of an integer, which decides how it is written: `time.Duration` values as `1m30s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntKind {
    Plain,
    Duration,
}

impl Val {
    pub fn int(i: i128) -> Val {
        Val::Int(i, IntKind::Plain)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i128> {
        match self {
            Val::Int(i, _) => Some(*i),
            _ => None,
        }
    }

    pub fn obj(&self) -> Option<ObjId> {
        match self {
            Val::Obj(id) => Some(*id),
            _ => None,
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, Val::Unknown)
    }
}

/// Where a value lives, for `&x` and for assignments.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// A variable's cell.
    Cell(ObjId),
    /// A field of a struct object.
    Field(ObjId, String),
    /// An element of a slice or a value of a map object.
    Index(ObjId, Box<Val>),
    /// `pflag.CommandLine` (or the standard library's, when true), which a program may replace.
    CommandLine(bool),
}

/// Something that can be called.
#[derive(Debug, PartialEq)]
pub enum Callable {
    /// A function or method declared in the tree, with its receiver for a method value.
    Func {
        pkg: PkgId,
        file: FileId,
        line: u32,
        name: String,
        receiver: Option<Val>,
    },
    /// A function literal with the scope it closes over.
    Closure {
        pkg: PkgId,
        file: FileId,
        params: Vec<String>,
        variadic: bool,
        body: std::sync::Arc<Block>,
        scope: Rc<Scope>,
    },
    /// A function of a library the evaluator models (`pflag`, `cobra`, the standard library), or a method of
    /// one of their objects: `path.Name`, with the receiver for a method.
    Native { name: String, receiver: Option<Val> },
    /// A method of a type declared in the tree whose code is not available: calls give `Unknown`.
    Opaque,
}

/// A block's variables: each in a cell of the heap, so that closures and `&x` share them.
#[derive(Debug, Default, PartialEq)]
pub struct Scope {
    pub vars: std::cell::RefCell<Vec<(String, ObjId)>>,
    pub parent: Option<Rc<Scope>>,
}

impl Scope {
    pub fn child(parent: &Rc<Scope>) -> Rc<Scope> {
        Rc::new(Scope {
            vars: Default::default(),
            parent: Some(parent.clone()),
        })
    }

    pub fn lookup(&self, name: &str) -> Option<ObjId> {
        if let Some(&(_, id)) = self.vars.borrow().iter().rev().find(|(n, _)| n == name) {
            return Some(id);
        }
        self.parent.as_ref()?.lookup(name)
    }

    pub fn define(&self, name: &str, cell: ObjId) {
        self.vars.borrow_mut().push((name.to_string(), cell));
    }
}

/// A type as the evaluator resolves it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A named type of the tree.
    Named(TypeRef),
    /// A predeclared type: `int`, `string`, `bool`, `float64`...
    Basic(String),
    /// A named type outside the tree, by its qualified name: `time.Duration`, `pflag.FlagSet`.
    External(String),
    Pointer(Box<Ty>),
    Slice(Box<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Func,
    Interface,
    /// A struct type without a name, with its fields' names in order (for literals without keys).
    Struct(Rc<Vec<String>>),
    Unknown,
}

/// A heap object.
#[derive(Debug, Clone)]
pub enum Obj {
    /// A variable or a value behind a pointer.
    Cell(Val),
    Struct {
        ty: Ty,
        fields: BTreeMap<String, Val>,
    },
    Map {
        ty: Ty,
        entries: Vec<(Val, Val)>,
    },
    Slice {
        ty: Ty,
        elems: Vec<Val>,
    },
    FlagSet(Box<FlagSetObj>),
    Flag(Box<FlagObj>),
    Command(Box<CommandObj>),
    /// The value behind a registered flag (`pflag.Value`): its type's name.
    FlagValue {
        ty: String,
    },
    /// An apimachinery `runtime.Scheme`: the defaulting and conversion functions registered on it, by the types
    /// they take (`import/path.Name`).
    Scheme(Box<SchemeObj>),
}

/// What the evaluator keeps of a `runtime.Scheme`: enough for `Default` and `Convert` to run the functions the
/// generated code registers (`RegisterDefaults`, `RegisterConversions`).
#[derive(Debug, Clone, Default)]
pub struct SchemeObj {
    /// The first defaulting function registered for each type.
    pub defaulters: crate::HashMap<String, Val>,
    /// The conversion function of each pair of types: one registered by hand, else the generated one.
    pub conversions: crate::HashMap<(String, String), Val>,
    /// `SchemeBuilder.AddToScheme` calls not run yet: each builder's method value, on a copy of its functions as
    /// they were when it was called, and its arguments. They run, in order, when the scheme is first asked for
    /// or given a defaulting or conversion function; most programs never ask, and every API group's
    /// registration would otherwise run in every program that links it.
    pub pending: Vec<(Val, Vec<Val>)>,
    /// The pending registrations are running: an `AddToScheme` they call runs at once, as in Go.
    pub registering: bool,
}

/// A `pflag.FlagSet` or a standard `flag.FlagSet`.
#[derive(Debug, Clone, Default)]
pub struct FlagSetObj {
    pub name: String,
    /// The standard library's `flag`, not pflag.
    pub go: bool,
    /// Flag objects, in the order they were added.
    pub flags: Vec<ObjId>,
    /// The function that normalises names (`SetNormalizeFunc`).
    pub normalize: Option<Val>,
    /// A command's own set (`Flags()`, `PersistentFlags()`), not one a program made.
    pub command: bool,
}

/// A flag, as pflag's `Flag` (or the standard library's) holds it, and where it was registered.
#[derive(Debug, Clone, Default)]
pub struct FlagObj {
    pub name: String,
    pub shorthand: String,
    pub usage: Val,
    /// The usage expression as written, when its value is not known.
    pub usage_expr: Option<String>,
    /// pflag's `Value.Type()`: `string`, `stringSlice`, `duration`...
    pub ty: String,
    /// The default as pflag's `Flag.DefValue` holds it (the value's `String()`), when known.
    pub def_value: Option<String>,
    /// The default expression as written, when the value is not known.
    pub default_expr: Option<String>,
    pub deprecated: Val,
    pub shorthand_deprecated: Val,
    pub hidden: bool,
    pub required: bool,
    pub site: Option<Site>,
    /// For `...Var` registrations: the field the value is bound to (`&o.Workers`), by type and field path.
    pub bound: Option<(String, String)>,
    /// Registered by code outside the tree (found only by `Lookup`).
    pub outside: bool,
    /// The flag set it was registered on.
    pub registered_on: Option<ObjId>,
}

/// Where something happened in the tree: a file, a line, the function.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub file: FileId,
    pub line: u32,
    pub function: String,
    pub method: String,
}

/// A `cobra.Command`: the literal it was made from, its fields, its flag sets and its place in the tree.
#[derive(Debug, Clone)]
pub struct CommandObj {
    /// The composite literal: file and line.
    pub file: FileId,
    pub line: u32,
    pub function: String,
    pub pkg: PkgId,
    pub fields: BTreeMap<String, Val>,
    /// The expressions of the literal's text fields, for those not known.
    pub exprs: BTreeMap<String, String>,
    /// The wrapper a text field's value came through (`i18n.T`), by field.
    pub via: BTreeMap<String, String>,
    pub local: ObjId,
    pub persistent: ObjId,
    pub children: Vec<ObjId>,
    pub parent: Option<ObjId>,
    /// Where it was added to its parent.
    pub added_at: Option<(FileId, u32)>,
    /// The flag sets its own help or usage function prints (`SetUsageFunc`, `SetHelpFunc`), when they are not
    /// its own: kubelet's `cleanFlagSet`, the sections of a `NamedFlagSets`.
    pub usage_sets: Vec<ObjId>,
}

pub fn read_cell(heap: &[Obj], cell: ObjId) -> Val {
    match &heap[cell] {
        Obj::Cell(v) => v.clone(),
        _ => Val::Obj(cell),
    }
}

/// The object a value refers to, through pointers.
pub fn deref(heap: &[Obj], v: &Val) -> Option<ObjId> {
    match v {
        Val::Obj(id) => match &heap[*id] {
            Obj::Cell(inner) => deref(heap, &inner.clone()),
            _ => Some(*id),
        },
        Val::Ref(place) => deref(heap, &read_place(heap, place)),
        _ => None,
    }
}

pub fn read_place(heap: &[Obj], place: &Place) -> Val {
    match place {
        // The evaluator reads these itself.
        Place::CommandLine(_) => Val::Unknown,
        Place::Cell(c) => read_cell(heap, *c),
        Place::Field(obj, name) => match &heap[*obj] {
            Obj::Struct { fields, .. } => fields.get(name).cloned().unwrap_or(Val::Unknown),
            _ => Val::Unknown,
        },
        Place::Index(obj, key) => match &heap[*obj] {
            Obj::Slice { elems, .. } => key
                .as_int()
                .and_then(|i| elems.get(usize::try_from(i).ok()?))
                .cloned()
                .unwrap_or(Val::Unknown),
            Obj::Map { entries, .. } if key.is_known() => entries
                .iter()
                .find(|(k, _)| k.is_known() && k == key.as_ref())
                .map(|(_, v)| v.clone())
                .unwrap_or(Val::Unknown),
            _ => Val::Unknown,
        },
    }
}
