//! Extractor-level snapshots: Go source in, lowered declarations out.

use kubewalk::lower::{lower_file, BodyQuery};
use kubewalk::parse::parse;
use kubewalk::syntax::{type_params_string, FileSyntax, InterfaceElem, TypeExpr, ValueKind};

/// One line per fact, so that a snapshot reads like the source it came from.
fn render(src: &str) -> String {
    let file: FileSyntax = lower_file(&parse(src), src, &BodyQuery::default());
    let mut out = vec![format!(
        "package {} (line {}) doc={:?}",
        file.package, file.package_line, file.package_doc
    )];
    for i in &file.imports {
        out.push(format!("import {:?} as {:?} (line {})", i.path, i.alias, i.line));
    }
    for t in &file.types {
        out.push(format!(
            "type {}{} {}{} lines {}-{} doc={:?}",
            t.name,
            type_params_string(&t.type_params).unwrap_or_default(),
            if t.alias { "= " } else { "" },
            t.ty,
            t.line,
            t.end_line,
            t.doc
        ));
        match &t.ty {
            TypeExpr::Struct(fields) => {
                for f in fields {
                    out.push(format!(
                        "  field {:?} {} tag={:?} line {} doc={:?}",
                        f.names, f.ty, f.tag, f.line, f.doc
                    ));
                }
            }
            TypeExpr::Interface(elems) => {
                for e in elems {
                    match e {
                        InterfaceElem::Method { name, sig, doc, line } => {
                            out.push(format!("  method {name}{sig} line {line} doc={doc:?}"))
                        }
                        InterfaceElem::Embed(t) => out.push(format!("  embed {t}")),
                    }
                }
            }
            _ => {}
        }
    }
    for f in &file.funcs {
        let recv = f
            .receiver
            .as_ref()
            .map(|r| format!("({} {}) ", r.name.as_deref().unwrap_or("_"), r.ty))
            .unwrap_or_default();
        out.push(format!(
            "func {recv}{}{}{} lines {}-{} doc={:?}",
            f.name,
            type_params_string(&f.type_params).unwrap_or_default(),
            f.sig,
            f.line,
            f.end_line,
            f.doc
        ));
    }
    for v in &file.values {
        out.push(format!(
            "{} {} type={:?} value={:?} iota={} line {} doc={:?}",
            if v.kind == ValueKind::Const { "const" } else { "var" },
            v.name,
            v.ty.as_ref().map(|t| t.to_string()),
            v.value.as_ref().map(|e| e.to_string()),
            v.iota,
            v.line,
            v.doc
        ));
    }
    out.push(format!("errors at {:?}", file.error_lines));
    out.join("\n")
}

fn snapshot(name: &str, value: String) {
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!(name, value);
    });
}

#[test]
fn declarations_of_every_kind() {
    snapshot(
        "declarations_of_every_kind",
        render(
            r#"// Copyright notice, not a doc.

// Package demo shows every kind of declaration.
package demo

import (
	"fmt"
	v1 "k8s.io/api/core/v1"
	_ "embed"
	. "strings"
)

// Kind is an enum.
type Kind int

// The kinds, with implicit repetition.
const (
	KindA Kind = iota + 1 // trailing comment
	KindB
	_
	KindD
)

const single = "a" + `b`

type (
	// Grouped has its own doc.
	Grouped struct {
		// Name is documented.
		Name, Alias string `json:"name"`
		*v1.Pod
		fmt.Stringer
		ch1 chan<- int
		ch2 <-chan []byte
		fn  func(a, b int, rest ...string) (n int, err error)
		m   map[string][2]*Kind
		arr [4 << 1]int
	}

	Alias = map[string]Kind
)

// Cache is generic.
type Cache[K comparable, V any] struct{ items map[K]V }

// Number is a type set.
type Number interface {
	~int | ~int64 | string
}

// Reader embeds and declares.
type Reader interface {
	fmt.Stringer
	// Read reads.
	Read(p []byte) (int, error)
	Close() error
}

//go:generate echo not a doc

// Get returns a value.
//
// It has two paragraphs.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	v, ok := c.items[key]
	return v, ok
}

func Map[T, U any](in []T, f func(T) U) []U { return nil }

var x, y = 1, "two"
"#,
        ),
    );
}

#[test]
fn what_parsed_around_a_syntax_error_is_kept() {
    snapshot("what_parsed_around_a_syntax_error_is_kept", render(
        "package p\n\ntype Before struct{}\n\nfunc (s *Before Broken() {\n}\n\n// After comes later.\ntype After int\n"
    ));
}
