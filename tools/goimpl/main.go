// Command goimpl lists the package-level named types of a Go tree that
// implement a given interface, as decided by go/types. It uses only the Go
// standard library and is the reference that kubewalk's interface
// satisfaction (volume plugins, kubeadm preflight checks, workqueue rate
// limiters) is checked against.
//
// It runs in GOPATH mode (GO111MODULE=off): the repository must be reachable
// as GOPATH/src/REPO (a symbolic link is fine), and imports are resolved by
// go/build, vendor/ directories included, for the chosen GOOS/GOARCH.
// Every package is type-checked from source by a small importer that shares
// one cache, so a type seen from two packages is the same *types.Named.
//
// Usage:
//
//	GOPATH=/tmp/gopath goimpl -iface k8s.io/kubernetes/pkg/volume.VolumePlugin \
//	    -name GetPluginName [-goos linux] [-goarch amd64] pkg/volume
//
// PKGDIR_PREFIX arguments are directories relative to the repository root;
// every package directory under them is checked (no _test.go files, no
// testdata, vendor, or folders starting with "_" or "."). A directory under
// staging/src/ is checked through its import path (staging/src/k8s.io/x is
// k8s.io/x, resolved through vendor/ as the compiler would).
//
// Output (stdout, sorted):
//
//	IMPL <pkgpath>.<T> value|pointer
//	NAME <pkgpath>.<T> "<constant>"|?
//
// "value" when T implements the interface, "pointer" when only *T does.
// NAME lines (with -name M) give the constant returned by T's method M when
// the method's body is a single `return EXPR` with a constant EXPR, else "?".
// Vendored import paths are printed without their ".../vendor/" prefix.
// Type errors never stop the run; their count goes to stderr.
package main

import (
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

type entry struct {
	pkg  *types.Package
	err  error
	done bool
}

type loader struct {
	ctxt  build.Context
	fset  *token.FileSet
	sizes types.Sizes
	cgo   bool

	pkgs      map[string]*entry      // by go/build ImportPath
	methodRet map[*types.Func]string // method -> quoted constant or "?"
	errsByPkg map[string]int         // type (and parse) errors per package
	firstErrs map[string][]string    // a few error texts per package
	nChecked  int
	nFiles    int
}

func newLoader(goos, goarch, gopath string, cgo bool) *loader {
	ctxt := build.Default
	ctxt.GOOS = goos
	ctxt.GOARCH = goarch
	ctxt.GOPATH = gopath
	ctxt.CgoEnabled = cgo
	ctxt.Dir = ""
	return &loader{
		ctxt:      ctxt,
		fset:      token.NewFileSet(),
		sizes:     types.SizesFor("gc", goarch),
		cgo:       cgo,
		pkgs:      map[string]*entry{},
		methodRet: map[*types.Func]string{},
		errsByPkg: map[string]int{},
		firstErrs: map[string][]string{},
	}
}

// Import implements types.Importer (no vendor resolution without a source dir).
func (l *loader) Import(path string) (*types.Package, error) {
	return l.ImportFrom(path, "", 0)
}

// ImportFrom implements types.ImporterFrom: go/build resolves path from dir
// (vendor directories included) and the package is type-checked from source.
func (l *loader) ImportFrom(path, dir string, _ types.ImportMode) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	bp, err := l.ctxt.Import(path, dir, 0)
	if err != nil {
		return nil, err
	}
	return l.load(bp)
}

func (l *loader) load(bp *build.Package) (*types.Package, error) {
	key := bp.ImportPath
	if e, ok := l.pkgs[key]; ok {
		if !e.done {
			return nil, fmt.Errorf("import cycle through %s", key)
		}
		return e.pkg, e.err
	}
	e := &entry{}
	l.pkgs[key] = e

	names := append([]string(nil), bp.GoFiles...)
	if l.cgo {
		names = append(names, bp.CgoFiles...)
	}
	var files []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(l.fset, filepath.Join(bp.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			l.noteErr(key, err)
		}
		if f != nil {
			files = append(files, f)
		}
	}
	l.nFiles += len(files)

	conf := types.Config{
		Importer:         l,
		Sizes:            l.sizes,
		FakeImportC:      true,
		IgnoreFuncBodies: bp.Goroot, // the standard library's bodies do not matter here
		Error:            func(err error) { l.noteErr(key, err) },
	}
	var info *types.Info
	if !bp.Goroot {
		info = &types.Info{
			Types: map[ast.Expr]types.TypeAndValue{},
			Defs:  map[*ast.Ident]types.Object{},
		}
	}
	pkg, _ := conf.Check(key, l.fset, files, info)
	l.nChecked++
	if info != nil {
		l.recordReturns(files, info)
	}
	e.pkg, e.done = pkg, true
	return pkg, nil
}

func (l *loader) noteErr(pkg string, err error) {
	l.errsByPkg[pkg]++
	if len(l.firstErrs[pkg]) < 5 {
		l.firstErrs[pkg] = append(l.firstErrs[pkg], err.Error())
	}
}

// recordReturns remembers, for every method declared with a body, the constant
// it returns when the body is a single `return EXPR` with a constant EXPR.
func (l *loader) recordReturns(files []*ast.File, info *types.Info) {
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Body == nil {
				continue
			}
			fn, ok := info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			val := "?"
			if len(fd.Body.List) == 1 {
				if ret, ok := fd.Body.List[0].(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
					if tv, ok := info.Types[ret.Results[0]]; ok && tv.Value != nil {
						if tv.Value.Kind() == constant.String {
							val = strconv.Quote(constant.StringVal(tv.Value))
						} else {
							val = strconv.Quote(tv.Value.ExactString())
						}
					}
				}
			}
			l.methodRet[fn] = val
		}
	}
}

// display strips the vendor prefix of an import path: the path the source uses.
func display(path string) string {
	if i := strings.LastIndex(path, "/vendor/"); i >= 0 {
		return path[i+len("/vendor/"):]
	}
	return strings.TrimPrefix(path, "vendor/")
}

func main() {
	ifaceFlag := flag.String("iface", "", "interface as IMPORTPATH.Name (required)")
	nameFlag := flag.String("name", "", "method whose constant return value to print for each implementing type")
	goos := flag.String("goos", "linux", "GOOS for file selection")
	goarch := flag.String("goarch", "amd64", "GOARCH for file selection")
	cgo := flag.Bool("cgo", true, "build with cgo (the cgo build tag and cgo files are included)")
	gopath := flag.String("gopath", os.Getenv("GOPATH"), "GOPATH (default $GOPATH)")
	repo := flag.String("repo", "k8s.io/kubernetes", "import path of the repository root under GOPATH/src")
	verbose := flag.Bool("v", false, "print type errors of the checked packages to stderr")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: goimpl -iface IMPORTPATH.Name [-name METHOD] [-goos linux] [-goarch amd64] PKGDIR_PREFIX...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *ifaceFlag == "" || flag.NArg() == 0 || *gopath == "" {
		flag.Usage()
		os.Exit(2)
	}
	// go/build must not ask the go command (module mode): GOPATH mode only.
	os.Setenv("GO111MODULE", "off")
	start := time.Now()

	l := newLoader(*goos, *goarch, *gopath, *cgo)
	root := filepath.Join(*gopath, "src", filepath.FromSlash(*repo))

	// The interface.
	slash := strings.LastIndex(*ifaceFlag, "/")
	dot := strings.LastIndex(*ifaceFlag, ".")
	if dot <= slash {
		fatalf("-iface %q: want IMPORTPATH.Name", *ifaceFlag)
	}
	ipath, iname := (*ifaceFlag)[:dot], (*ifaceFlag)[dot+1:]
	ipkg, err := l.ImportFrom(ipath, root, 0)
	if err != nil {
		fatalf("interface package %s: %v", ipath, err)
	}
	tn, ok := ipkg.Scope().Lookup(iname).(*types.TypeName)
	if !ok {
		fatalf("%s: no type %s", ipath, iname)
	}
	iface, ok := tn.Type().Underlying().(*types.Interface)
	if !ok {
		fatalf("%s.%s is not an interface", ipath, iname)
	}

	// The target packages.
	var targets []*types.Package
	seen := map[*types.Package]bool{}
	// Walk the real directories (the repository root is often a symbolic
	// link into GOPATH); import paths are taken relative to the real root.
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		fatalf("%v", err)
	}
	for _, prefix := range flag.Args() {
		base, err := filepath.EvalSymlinks(filepath.Join(root, filepath.FromSlash(prefix)))
		if err != nil {
			fatalf("%s: %v", prefix, err)
		}
		err = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			name := d.Name()
			if p != base && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			if !hasGoFiles(p) {
				return nil
			}
			rel, err := filepath.Rel(realRoot, p)
			if err != nil || strings.HasPrefix(rel, "..") {
				return fmt.Errorf("%s is outside the repository", p)
			}
			rel = filepath.ToSlash(rel)
			path := *repo + "/" + rel
			if rel == "." {
				path = *repo
			}
			if strings.HasPrefix(rel, "staging/src/") {
				path = strings.TrimPrefix(rel, "staging/src/")
			}
			pkg, err := l.ImportFrom(path, root, 0)
			if err != nil {
				var ng *build.NoGoError
				if errors.As(err, &ng) {
					fmt.Fprintf(os.Stderr, "skip %s: no buildable Go files for %s/%s\n", rel, *goos, *goarch)
				} else {
					fmt.Fprintf(os.Stderr, "skip %s: %v\n", rel, err)
				}
				return nil
			}
			if !seen[pkg] {
				seen[pkg] = true
				targets = append(targets, pkg)
			}
			return nil
		})
		if err != nil {
			fatalf("%s: %v", prefix, err)
		}
	}

	var lines []string
	for _, pkg := range targets {
		scope := pkg.Scope()
		for _, n := range scope.Names() {
			obj, ok := scope.Lookup(n).(*types.TypeName)
			if !ok || obj.IsAlias() {
				continue
			}
			named, ok := obj.Type().(*types.Named)
			if !ok || named.TypeParams().Len() > 0 || types.IsInterface(named) {
				continue
			}
			how := ""
			if types.Implements(named, iface) {
				how = "value"
			} else if types.Implements(types.NewPointer(named), iface) {
				how = "pointer"
			} else {
				continue
			}
			id := display(pkg.Path()) + "." + n
			lines = append(lines, "IMPL "+id+" "+how)
			if *nameFlag != "" {
				val := "?"
				m, _, _ := types.LookupFieldOrMethod(types.NewPointer(named), false, pkg, *nameFlag)
				if fn, ok := m.(*types.Func); ok {
					if v, ok := l.methodRet[fn]; ok {
						val = v
					}
				}
				lines = append(lines, "NAME "+id+" "+val)
			}
		}
	}
	sort.Strings(lines)
	for _, s := range lines {
		fmt.Println(s)
	}

	total, inTargets := 0, 0
	for _, n := range l.errsByPkg {
		total += n
	}
	var tnames []string
	for _, pkg := range targets {
		inTargets += l.errsByPkg[pkg.Path()]
		tnames = append(tnames, pkg.Path())
	}
	sort.Strings(tnames)
	if *verbose {
		var all []string
		for p := range l.errsByPkg {
			all = append(all, p)
		}
		sort.Strings(all)
		for _, p := range all {
			fmt.Fprintf(os.Stderr, "errors in %s: %d\n", p, l.errsByPkg[p])
			for _, e := range l.firstErrs[p] {
				fmt.Fprintf(os.Stderr, "\t%s\n", e)
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "goimpl %s/%s: %d target packages, %d packages type-checked (%d files); type errors: %d in total, %d in target packages; %d implementing types; %.1fs\n",
		*goos, *goarch, len(targets), l.nChecked, l.nFiles, total, inTargets, countPrefix(lines, "IMPL "), time.Since(start).Seconds())
}

func countPrefix(lines []string, p string) int {
	n := 0
	for _, s := range lines {
		if strings.HasPrefix(s, p) {
			n++
		}
	}
	return n
}

func hasGoFiles(dir string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") {
			return true
		}
	}
	return false
}

func fatalf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "goimpl: "+format+"\n", args...)
	os.Exit(2)
}
