//! The skim before a parse (`kubewalk::skim`): bodies no topic reads are skipped, which changes no fact, and a
//! file whose tokens could not be Go is parsed in full, so its syntax errors are found where a full parse finds
//! them.

use std::path::Path;

use kubewalk::lower::{lower_file, BodyQuery};
use kubewalk::parse::{parse, parse_skipping};
use kubewalk::skim::{skim, Interest};
use kubewalk::topics::TopicConfig;

fn builtin_query() -> BodyQuery {
    TopicConfig::load(Path::new("/nonexistent"), None).unwrap().body_query()
}

/// The lines of the functions whose bodies `src` skips.
fn skipped_lines(src: &str, query: &BodyQuery) -> Vec<usize> {
    let skimmed = skim(src.as_bytes(), &Interest::of(query));
    assert!(!skimmed.suspect, "valid Go taken for suspect:\n{src}");
    skimmed.gaps.iter().map(|g| g.start_point.0 + 1).collect()
}

fn is_suspect(src: &str) -> bool {
    skim(src.as_bytes(), &Interest::of(&builtin_query())).suspect
}

#[test]
fn every_fixture_file_lowers_to_the_same_facts_with_bodies_skipped() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let (mut files, mut skipped, mut kept) = (0, 0, 0);
    for root in [
        "mini-k8s",
        "user-topics",
        "hostile",
        "helpwalk",
        "diff",
        "broken",
        "fuzz",
    ] {
        let root = fixtures.join(root);
        let query = TopicConfig::load(&root, None).unwrap().body_query();
        let interest = Interest::of(&query);
        let options = kubewalk::walk::WalkOptions {
            include_tests: true,
            ..Default::default()
        };
        for file in kubewalk::walk::walk(&root, options).unwrap().files {
            let Ok(src) = String::from_utf8(file.content.read().unwrap()) else {
                continue;
            };
            files += 1;
            let skimmed = skim(src.as_bytes(), &interest);
            if skimmed.suspect {
                continue;
            }
            let tree = parse_skipping(&src, &skimmed.gaps);
            if tree.root_node().has_error() {
                continue;
            }
            let full = lower_file(&parse(&src), &src, &query);
            assert_eq!(
                format!("{:?}", lower_file(&tree, &src, &query)),
                format!("{full:?}"),
                "facts differ with bodies skipped in {}",
                file.path
            );
            skipped += skimmed.gaps.len();
            // Functions whose bodies were parsed (or are empty).
            kept += full.funcs.len() - skimmed.gaps.len();
        }
    }
    // Not a vacuous check: many bodies are skipped, and many parsed.
    assert!(files > 700, "{files} files");
    assert!(skipped > 500, "{skipped} bodies skipped");
    assert!(kept > 500, "{kept} bodies parsed");
}

#[test]
fn a_body_is_parsed_when_the_query_may_keep_something_of_it() {
    let query = builtin_query();
    let src = r#"package p

func flagCall(fs *pflag.FlagSet) {
	fs.String("name", "", "usage")
}

func stringMethod(s fmt.Stringer) string {
	return s.String()
}

func tooFewArguments(fs *pflag.FlagSet) {
	fs.String("name", "")
}

func commentAmongArguments(fs *pflag.FlagSet) {
	fs.String("name", // the default follows
		"")
}

func literal() {
	_ = &cobra.Command{Use: "x"}
}

func typeNamed() {
	var c *cobra.Command
	_ = c
}

func genericCall() {
	_ = New[int]()
}

func NewCmd() *cobra.Command {
	return nil
}

func empty() {}

func nested(fs *pflag.FlagSet) {
	f(g(fs.String("a", "b", "c")))
}
"#;
    assert_eq!(skipped_lines(src, &query), vec![7, 11, 24]);
    // `package main` keeps every call of every body.
    assert!(skipped_lines(&src.replace("package p", "package main"), &query).is_empty());
}

#[test]
fn gaps_are_the_bodies_whatever_the_tokens_around_them() {
    let query = BodyQuery::default();
    let src = r#"package p

import "fmt"

// A result type with braces of its own, before the body.
func structResult() struct{ a int } {
	return struct{ a int }{1}
}

func interfaceResult() interface{ M() } {
	return nil
}

func (r *Ring[T]) Generic(xs ...T) (n int, err error) {
	s := "a { string"
	c := '{'
	raw := `a } raw
string`
	/* a { comment */
	// another }
	fmt.Println(s, c, raw)
	return
}

func assembly(x int) int

var literalFunc = func() {
	fmt.Println("not a declaration's body")
}

type T struct{ f func() }

func last() {
	x := map[string]struct{}{}
	_ = x
}"#;
    let skimmed = skim(src.as_bytes(), &Interest::of(&query));
    assert!(!skimmed.suspect);
    let bodies: Vec<&str> = skimmed.gaps.iter().map(|g| &src[g.start..g.end]).collect();
    assert_eq!(bodies.len(), 4, "{bodies:#?}");
    assert_eq!(bodies[0], "\n\treturn struct{ a int }{1}\n");
    assert_eq!(bodies[1], "\n\treturn nil\n");
    assert!(bodies[2].starts_with("\n\ts := \"a { string\"") && bodies[2].ends_with("return\n"));
    assert_eq!(bodies[3], "\n\tx := map[string]struct{}{}\n\t_ = x\n");
    // Each gap's points are where its bytes are.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    for gap in &skimmed.gaps {
        assert_eq!(starts[gap.start_point.0] + gap.start_point.1, gap.start);
        assert_eq!(starts[gap.end_point.0] + gap.end_point.1, gap.end);
    }
    let tree = parse_skipping(src, &skimmed.gaps);
    assert!(!tree.root_node().has_error(), "{}", tree.root_node().to_sexp());
    assert_eq!(
        format!("{:?}", lower_file(&tree, src, &query)),
        format!("{:?}", lower_file(&parse(src), src, &query))
    );
}

#[test]
fn tokens_that_could_not_be_go_make_the_file_parsed_in_full() {
    let body = |code: &str| format!("package p\n\nfunc f() {{\n{code}\n}}\n");
    for bad in [
        "<<<<<<< HEAD\n\tx := 1\n=======\n\tx := 2\n>>>>>>> branch",
        "\tx := ;",
        "\tif x == { }",
        "\tf(a, == b)",
        "\ts := \"open",
        "\tc := 'x",
        "\t/* open",
        "\tr := `open",
        "\tx := a @ b",
        "\tx := a → b",
        "\tf(a]",
    ] {
        assert!(is_suspect(&body(bad)), "not suspect: {bad}");
    }
    assert!(
        is_suspect("package p\n\nfunc f() {\n\tif x {\n}\n"),
        "a brace left open"
    );
    assert!(is_suspect("package p\n\nfunc f() {\n}\n}\n"), "a brace too many");
    for good in [
        "\tx := -1 + ^y * <-ch",
        "\tfor ;; {\n\t}",
        "\ta, b := x[1:], y[:len(y)-1]",
        "\tf(a, b,\n\t)",
        "\tz := 1.5e-3 + 0x1p-2 + 1_000 + .5 + 2i",
        "\tnamé := \"ü\"",
        "\tL:\n\tgoto L",
        "\tx &^= y; y <<= 2",
    ] {
        assert!(!is_suspect(&body(good)), "suspect: {good}");
    }
}

#[test]
fn a_syntax_error_in_a_skipped_body_is_found_where_a_full_parse_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module example.com/m\n").unwrap();
    let files = [
        (
            "conflict.go",
            "package p\n\nfunc f() {\n<<<<<<< HEAD\n\tx := 1\n=======\n\tx := 2\n>>>>>>> b\n}\n",
        ),
        (
            "grammar.go",
            "package p\n\nfunc g() {\n\tif x {\n\t} else else {\n\t}\n}\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let scan = |mode: &str| {
        let out = assert_cmd::Command::cargo_bin("kubewalk")
            .unwrap()
            .args(["scan", "--quiet", "--no-cache", "--parse", mode])
            .arg(dir.path())
            .output()
            .unwrap();
        String::from_utf8(out.stderr).unwrap()
    };
    let lazy = scan("lazy");
    let full = scan("full");
    // The conflict's lines are no Go tokens: the skim sends the file to a full parse.
    assert!(lazy.contains("conflict.go:4: parse error"), "{lazy}");
    assert!(full.contains("conflict.go:4: parse error"), "{full}");
    // An error only a grammar sees, in a body no topic reads: found by `--parse full` alone.
    assert!(!lazy.contains("grammar.go"), "{lazy}");
    assert!(full.contains("grammar.go:5: parse error"), "{full}");
}
