// Command godump prints a canonical, line-oriented description of a Go
// source tree using only the Go standard library. It is the reference
// oracle that kubewalk's tree-sitter based extraction is compared against.
//
// Usage (from the repository root):
//
//	go run ./tools/godump [-include-tests] [-include-vendor] ROOT
//
// The first output line is a "stats" line; every other line is collected,
// sorted with sort.Strings and printed after it. See the line kinds below
// (F, I, T, S, M, E, D, O, C, V, P, U).
//
// Line numbers are raw (physical) line numbers in the file: //line
// directives are ignored.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

var (
	includeTests  = flag.Bool("include-tests", false, "include _test.go files")
	includeVendor = flag.Bool("include-vendor", false, "descend into vendor directories")
)

// platformOSes are the GOOS values reported on F lines (sorted).
var platformOSes = []string{"darwin", "linux", "windows"}

// platformArches: a file counts as built on a GOOS if it matches for any of these.
var platformArches = []string{"amd64", "arm64", "arm", "386", "ppc64le", "s390x"}

// releaseTags is go1.1 ... go1.30.
var releaseTags = func() []string {
	var tags []string
	for i := 1; i <= 30; i++ {
		tags = append(tags, "go1."+strconv.Itoa(i))
	}
	return tags
}()

// fileEntry is one selected .go file.
type fileEntry struct {
	rel  string // path relative to ROOT, '/'-separated
	abs  string // path as found by the walk
	size int64
}

// dirEntry is one directory holding at least one selected file.
type dirEntry struct {
	rel   string
	abs   string
	files []fileEntry // lexical (walk) order
}

// stats are the counters of the first output line.
type stats struct {
	files, bytes, packages, types, methods, funcs, parseErrorFiles, unreadableFiles int64
}

func (s *stats) add(o stats) {
	s.files += o.files
	s.bytes += o.bytes
	s.packages += o.packages
	s.types += o.types
	s.methods += o.methods
	s.funcs += o.funcs
	s.parseErrorFiles += o.parseErrorFiles
	s.unreadableFiles += o.unreadableFiles
}

// dirResult is the output of processing one directory.
type dirResult struct {
	st    stats
	lines []string
}

func main() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: godump [-include-tests] [-include-vendor] ROOT\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	root := flag.Arg(0)

	dirs, err := collect(root)
	if err != nil {
		fmt.Fprintf(os.Stderr, "godump: %v\n", err)
		os.Exit(1)
	}

	results := make([]dirResult, len(dirs))
	workers := runtime.GOMAXPROCS(0)
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = processDir(dirs[i])
			}
		}()
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()

	var total stats
	var lines []string
	for _, r := range results {
		total.add(r.st)
		lines = append(lines, r.lines...)
	}
	sort.Strings(lines)

	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	fmt.Fprintf(out, "stats files=%d bytes=%d packages=%d types=%d methods=%d funcs=%d parse_error_files=%d unreadable_files=%d\n",
		total.files, total.bytes, total.packages, total.types, total.methods, total.funcs,
		total.parseErrorFiles, total.unreadableFiles)
	for _, l := range lines {
		out.WriteString(l)
		out.WriteByte('\n')
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "godump: %v\n", err)
		os.Exit(1)
	}
}

// collect walks root (never following symlinks) and returns the selected
// files grouped by directory, in walk order.
func collect(root string) ([]*dirEntry, error) {
	var dirs []*dirEntry
	byDir := map[string]*dirEntry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			// Unreadable directory or vanished entry: skip it.
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil // skip symlinks entirely (files and directories)
		}
		if d.IsDir() {
			if p == root {
				return nil
			}
			name := d.Name()
			if name == "testdata" || (name == "vendor" && !*includeVendor) ||
				strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		if strings.HasSuffix(name, "_test.go") && !*includeTests {
			return nil
		}
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil {
			rel = p
		}
		rel = filepath.ToSlash(rel)
		var size int64 = -1
		if info, ierr := d.Info(); ierr == nil {
			size = info.Size()
		}
		absDir := filepath.Dir(p)
		relDir := path.Dir(rel)
		de := byDir[relDir]
		if de == nil {
			de = &dirEntry{rel: relDir, abs: absDir}
			byDir[relDir] = de
			dirs = append(dirs, de)
		}
		de.files = append(de.files, fileEntry{rel: rel, abs: p, size: size})
		return nil
	})
	return dirs, err
}

// parsedFile is a file that parsed without error.
type parsedFile struct {
	rel  string
	tf   *token.File
	file *ast.File
}

// processDir handles all files of one directory: per-file lines, then one
// type check per package clause name for the constant values.
func processDir(d *dirEntry) (res dirResult) {
	res.st.packages = 1
	fset := token.NewFileSet()
	var parsed []*parsedFile
	for _, fe := range d.files {
		res.st.files++
		src, err := os.ReadFile(fe.abs)
		size := fe.size
		if size < 0 {
			size = int64(len(src))
		}
		res.st.bytes += size
		if err != nil || !utf8.Valid(src) {
			res.st.unreadableFiles++
			res.lines = append(res.lines, "U "+fe.rel)
			continue
		}
		f, perr := parser.ParseFile(fset, fe.rel, src, parser.ParseComments|parser.AllErrors)
		if perr != nil {
			res.st.parseErrorFiles++
			res.lines = append(res.lines, fmt.Sprintf("P %s:%d", fe.rel, parseErrorLine(perr, src)))
			continue
		}
		pf := &parsedFile{rel: fe.rel, tf: fset.File(f.Package), file: f}
		if pf.tf == nil {
			pf.tf = fset.File(f.Pos())
		}
		parsed = append(parsed, pf)
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Fprintf(os.Stderr, "godump: %s: internal error: %v\n", fe.rel, r)
				}
			}()
			describeFile(&res, d, fe, src, pf)
		}()
	}

	// Group parsed files by package clause name (first-seen order) and
	// type check each group to obtain constant values.
	var order []string
	groups := map[string][]*parsedFile{}
	for _, pf := range parsed {
		name := pf.file.Name.Name
		if _, ok := groups[name]; !ok {
			order = append(order, name)
		}
		groups[name] = append(groups[name], pf)
	}
	for _, name := range order {
		files := groups[name]
		defs := typeCheck(fset, d.rel, files)
		for _, pf := range files {
			for _, decl := range pf.file.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for _, id := range vs.Names {
						if id == nil {
							continue
						}
						res.lines = append(res.lines, fmt.Sprintf("C %s:%d %s %s",
							pf.rel, lineOf(pf.tf, id.Pos()), id.Name, constValue(defs[id])))
					}
				}
			}
		}
	}
	return res
}

// parseErrorLine returns the raw line of the first error of a parse error.
func parseErrorLine(err error, src []byte) int {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		if e.Pos.Offset >= 0 && e.Pos.Offset <= len(src) {
			return bytes.Count(src[:e.Pos.Offset], []byte{'\n'}) + 1
		}
		return e.Pos.Line
	}
	var single *scanner.Error
	if errors.As(err, &single) {
		if single.Pos.Offset >= 0 && single.Pos.Offset <= len(src) {
			return bytes.Count(src[:single.Pos.Offset], []byte{'\n'}) + 1
		}
		return single.Pos.Line
	}
	return 0
}

// lineOf returns the raw (unadjusted by //line directives) 1-based line of pos.
func lineOf(tf *token.File, pos token.Pos) int {
	if tf == nil || !pos.IsValid() {
		return 0
	}
	base := tf.Base()
	if int(pos) < base || int(pos) > base+tf.Size() {
		return 0
	}
	return tf.PositionFor(pos, false).Line
}

// exprString is types.ExprString, protected against panics on odd trees.
func exprString(e ast.Expr) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("(panic: %T)", e)
		}
	}()
	return types.ExprString(e)
}

// sigString renders a FuncType without the leading "func".
func sigString(ft *ast.FuncType) string {
	if ft == nil {
		return "()"
	}
	return strings.TrimPrefix(exprString(ft), "func")
}

// tparamsString renders a type parameter list, or "-" when there is none.
func tparamsString(fl *ast.FieldList) string {
	if fl == nil || len(fl.List) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(fl.List))
	for _, f := range fl.List {
		if f == nil {
			continue
		}
		names := make([]string, 0, len(f.Names))
		for _, n := range f.Names {
			if n != nil {
				names = append(names, n.Name)
			}
		}
		parts = append(parts, strings.Join(names, ", ")+" "+exprString(f.Type))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// docFirstLine returns the first line of a comment group's text and
// whether there is one.
func docFirstLine(cg *ast.CommentGroup) (string, bool) {
	if cg == nil {
		return "", false
	}
	text := cg.Text()
	if text == "" {
		return "", false
	}
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	return text, true
}

// recvBase returns the receiver's base type name: no '*', no parentheses,
// no type arguments.
func recvBase(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			if x == nil {
				return "-"
			}
			return x.Name
		default:
			return exprString(e)
		}
	}
}

// buildPlatforms returns the comma-joined sorted GOOS values (of
// platformOSes) for which build.Context.MatchFile accepts the file, or "-".
func buildPlatforms(dir, name string, src []byte) string {
	var oses []string
	for _, goos := range platformOSes {
		for _, goarch := range platformArches {
			ctxt := build.Context{
				GOOS:        goos,
				GOARCH:      goarch,
				Compiler:    "gc",
				CgoEnabled:  true,
				ReleaseTags: releaseTags,
				OpenFile: func(string) (io.ReadCloser, error) {
					return io.NopCloser(bytes.NewReader(src)), nil
				},
			}
			if ok, err := ctxt.MatchFile(dir, name); err == nil && ok {
				oses = append(oses, goos)
				break
			}
		}
	}
	if len(oses) == 0 {
		return "-"
	}
	return strings.Join(oses, ",")
}

// describeFile appends every line except C lines for one parsed file.
func describeFile(res *dirResult, d *dirEntry, fe fileEntry, src []byte, pf *parsedFile) {
	f, tf, rel := pf.file, pf.tf, pf.rel
	add := func(format string, args ...interface{}) {
		res.lines = append(res.lines, fmt.Sprintf(format, args...))
	}

	pkgName := "-"
	if f.Name != nil {
		pkgName = f.Name.Name
	}
	add("F %s %s %s", rel, pkgName, buildPlatforms(d.abs, path.Base(rel), src))

	for _, is := range f.Imports {
		if is == nil || is.Path == nil {
			continue
		}
		ip, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			ip = is.Path.Value
		}
		name := "-"
		if is.Name != nil {
			name = is.Name.Name
		}
		add("I %s %s %s", rel, ip, name)
	}

	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range decl.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					res.st.types++
					describeTypeSpec(add, tf, rel, decl, spec)
				case *ast.ValueSpec:
					if decl.Tok == token.VAR {
						for _, id := range spec.Names {
							if id != nil {
								add("V %s:%d %s", rel, lineOf(tf, id.Pos()), id.Name)
							}
						}
					}
				}
			}
		case *ast.FuncDecl:
			name := "-"
			if decl.Name != nil {
				name = decl.Name.Name
			}
			line, end := lineOf(tf, decl.Pos()), lineOf(tf, decl.End())
			if decl.Recv != nil {
				res.st.methods++
				recv, base := "-", "-"
				if len(decl.Recv.List) > 0 && decl.Recv.List[0] != nil {
					recv = exprString(decl.Recv.List[0].Type)
					base = recvBase(decl.Recv.List[0].Type)
				}
				add("D %s:%d-%d method %s %s %s", rel, line, end, recv, name, sigString(decl.Type))
				if doc, ok := docFirstLine(decl.Doc); ok {
					add("O %s %s.%s %s", rel, base, name, doc)
				}
			} else {
				res.st.funcs++
				var tparams *ast.FieldList
				if decl.Type != nil {
					tparams = decl.Type.TypeParams
				}
				add("D %s:%d-%d func %s %s %s", rel, line, end, name, tparamsString(tparams), sigString(decl.Type))
				if doc, ok := docFirstLine(decl.Doc); ok {
					add("O %s %s %s", rel, name, doc)
				}
			}
		}
	}
}

func describeTypeSpec(add func(string, ...interface{}), tf *token.File, rel string, gd *ast.GenDecl, spec *ast.TypeSpec) {
	name := "-"
	if spec.Name != nil {
		name = spec.Name.Name
	}
	kind := "defined"
	if spec.Assign.IsValid() {
		kind = "alias"
	}
	add("T %s:%d-%d %s %s %s %s", rel, lineOf(tf, spec.Name.Pos()), lineOf(tf, spec.End()),
		name, tparamsString(spec.TypeParams), kind, exprString(spec.Type))

	doc := spec.Doc
	if doc == nil && !gd.Lparen.IsValid() {
		doc = gd.Doc
	}
	if text, ok := docFirstLine(doc); ok {
		add("O %s %s %s", rel, name, text)
	}

	switch t := spec.Type.(type) {
	case *ast.StructType:
		if t == nil || t.Fields == nil {
			return
		}
		for _, field := range t.Fields.List {
			if field == nil {
				continue
			}
			names := "-"
			if len(field.Names) > 0 {
				ns := make([]string, 0, len(field.Names))
				for _, n := range field.Names {
					if n != nil {
						ns = append(ns, n.Name)
					}
				}
				names = strings.Join(ns, ",")
			}
			tag := "-"
			if field.Tag != nil {
				tag = field.Tag.Value
			}
			add("S %s %s.%s %s %s", rel, name, names, exprString(field.Type), tag)
		}
	case *ast.InterfaceType:
		if t == nil || t.Methods == nil {
			return
		}
		for _, field := range t.Methods.List {
			if field == nil {
				continue
			}
			if ft, ok := field.Type.(*ast.FuncType); ok && len(field.Names) > 0 {
				for _, n := range field.Names {
					if n != nil {
						add("M %s %s.%s %s", rel, name, n.Name, sigString(ft))
					}
				}
				continue
			}
			add("E %s %s %s", rel, name, exprString(field.Type))
		}
	}
}

// emptyImporter returns, for every import path, an empty complete package
// named after the last path element.
type emptyImporter struct {
	pkgs map[string]*types.Package
}

func (im *emptyImporter) Import(p string) (*types.Package, error) {
	if pkg, ok := im.pkgs[p]; ok {
		return pkg, nil
	}
	pkg := types.NewPackage(p, path.Base(p))
	pkg.MarkComplete()
	im.pkgs[p] = pkg
	return pkg, nil
}

// typeCheck checks one package (files in walk order) and returns its Defs.
// Errors are ignored; panics inside go/types are recovered and whatever
// was recorded so far is returned.
func typeCheck(fset *token.FileSet, dirRel string, files []*parsedFile) (defs map[*ast.Ident]types.Object) {
	defs = map[*ast.Ident]types.Object{}
	astFiles := make([]*ast.File, len(files))
	for i, pf := range files {
		astFiles[i] = pf.file
	}
	conf := types.Config{
		Importer:    &emptyImporter{pkgs: map[string]*types.Package{}},
		Error:       func(error) {},
		FakeImportC: true,
		// Package-level constants never depend on function bodies;
		// skipping them only saves time.
		IgnoreFuncBodies: !checkBodies,
	}
	info := &types.Info{Defs: defs}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "godump: %s: type checker panic: %v\n", dirRel, r)
		}
	}()
	pkgPath := dirRel
	if pkgPath == "." {
		pkgPath = "main"
	}
	_, _ = conf.Check(pkgPath, fset, astFiles, info)
	return defs
}

// checkBodies can be turned on (GODUMP_CHECK_BODIES=1) to verify that
// IgnoreFuncBodies does not change the output.
var checkBodies = os.Getenv("GODUMP_CHECK_BODIES") == "1"

// constValue renders the value of a constant object.
func constValue(obj types.Object) string {
	c, ok := obj.(*types.Const)
	if !ok || c == nil {
		return "?"
	}
	v := c.Val()
	if v == nil {
		return "?"
	}
	switch v.Kind() {
	case constant.String:
		return "string:" + strconv.Quote(constant.StringVal(v))
	case constant.Int:
		return "int:" + v.ExactString()
	case constant.Bool:
		if constant.BoolVal(v) {
			return "bool:true"
		}
		return "bool:false"
	}
	return "?"
}
