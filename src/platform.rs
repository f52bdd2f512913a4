//! Build constraints: `//go:build` expressions, legacy `// +build` lines and GOOS/GOARCH file-name suffixes,
//! evaluated the way `go/build.Context.MatchFile` does into the set of platforms a file is built on.

use serde::Serialize;

/// The operating systems kubewalk reports, in output order.
pub const PLATFORMS: [&str; 3] = ["darwin", "linux", "windows"];

/// Architectures tried for each operating system: a file is built on an OS when it builds for any of them.
const ARCHES: [&str; 6] = ["amd64", "arm64", "arm", "386", "ppc64le", "s390x"];

const KNOWN_OS: [&str; 17] = [
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

const KNOWN_ARCH: [&str; 24] = [
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

const UNIX_OS: [&str; 12] = [
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

/// The constraint lines found in a file's header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Constraints {
    /// The expression of the `//go:build` line, without the prefix.
    pub go_build: Option<String>,
    /// The expressions of `// +build` lines, without the prefix.
    pub plus_build: Vec<String>,
}

/// Platforms as a bit set over `PLATFORMS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Platforms(pub u8);

impl Platforms {
    pub const ALL: Platforms = Platforms(0b111);

    pub fn contains(self, os: &str) -> bool {
        PLATFORMS
            .iter()
            .position(|p| *p == os)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    pub fn names(self) -> Vec<&'static str> {
        PLATFORMS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, p)| *p)
            .collect()
    }

    pub fn union(self, other: Platforms) -> Platforms {
        Platforms(self.0 | other.0)
    }

    pub fn intersect(self, other: Platforms) -> Platforms {
        Platforms(self.0 & other.0)
    }
}

/// Reads the constraint lines of a Go file's header, as `go/build` does: `//go:build` anywhere in the leading
/// comments, `// +build` only in the comments that end with a blank line before the package clause.
pub fn read_constraints(src: &str) -> Constraints {
    let mut constraints = Constraints::default();
    // Byte offset of the most recent blank line seen before the first non-comment text.
    let mut header_end = 0;
    let mut in_block = false;
    let mut offset = 0;
    let mut plus_candidates: Vec<(usize, String)> = Vec::new();
    'lines: for raw in src.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim();
        if line.is_empty() {
            header_end = offset;
            continue;
        }
        if !in_block {
            if let Some(expr) = go_build_expr(line) {
                constraints.go_build.get_or_insert_with(|| expr.to_string());
            }
        }
        // go/build reads `// +build` lines without regard to block comments.
        if let Some(expr) = plus_build_expr(line) {
            plus_candidates.push((line_start, expr.to_string()));
        }
        let mut rest = line;
        while !rest.is_empty() {
            if in_block {
                match rest.find("*/") {
                    Some(i) => {
                        rest = rest[i + 2..].trim_start();
                        in_block = false;
                    }
                    None => continue 'lines,
                }
                continue;
            }
            if rest.starts_with("//") {
                continue 'lines;
            }
            if let Some(after) = rest.strip_prefix("/*") {
                in_block = true;
                rest = after;
                continue;
            }
            break 'lines;
        }
    }
    constraints.plus_build = plus_candidates
        .into_iter()
        .filter(|(start, _)| *start < header_end)
        .map(|(_, expr)| expr)
        .collect();
    constraints
}

fn go_build_expr(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("//go:build")?;
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then(|| rest.trim())
}

fn plus_build_expr(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("//")?.trim_start();
    let rest = rest.strip_prefix("+build")?;
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then(|| rest.trim())
}

/// The platforms a file is built on, from its name and its header constraints.
pub fn platforms(file_name: &str, constraints: &Constraints) -> Platforms {
    let go_build = constraints.go_build.as_deref().map(parse_go_build);
    let mut set = 0u8;
    for (i, os) in PLATFORMS.iter().enumerate() {
        let built = ARCHES.iter().any(|arch| {
            let ctx = Target { os, arch };
            name_matches(file_name, &ctx)
                && match &go_build {
                    Some(Ok(expr)) => expr.eval(&ctx),
                    // go/build rejects a file whose //go:build line does not parse.
                    Some(Err(_)) => false,
                    None => constraints.plus_build.iter().all(|line| plus_build_matches(line, &ctx)),
                }
        });
        if built {
            set |= 1 << i;
        }
    }
    Platforms(set)
}

struct Target<'a> {
    os: &'a str,
    arch: &'a str,
}

impl Target<'_> {
    fn matches_tag(&self, tag: &str) -> bool {
        if tag == "cgo" || tag == "gc" || tag == self.os || tag == self.arch {
            return true;
        }
        if tag == "unix" && UNIX_OS.contains(&self.os) {
            return true;
        }
        // Release tags: every go1.N is satisfied by a current toolchain.
        if let Some(minor) = tag.strip_prefix("go1.") {
            return minor.parse::<u32>().is_ok();
        }
        false
    }
}

/// `go/build.goodOSArchFile`: `name_GOOS_GOARCH.go`, `name_GOOS.go`, `name_GOARCH.go` (also before `_test`).
fn name_matches(file_name: &str, ctx: &Target) -> bool {
    // The Go tool ignores files whose names start with `_` or `.`.
    if file_name.starts_with(['_', '.']) {
        return false;
    }
    let stem = file_name.split('.').next().unwrap_or(file_name);
    let Some(underscore) = stem.find('_') else {
        return true;
    };
    let mut parts: Vec<&str> = stem[underscore..].split('_').collect();
    if parts.last() == Some(&"test") {
        parts.pop();
    }
    let n = parts.len();
    if n >= 2 && KNOWN_OS.contains(&parts[n - 2]) && KNOWN_ARCH.contains(&parts[n - 1]) {
        return ctx.matches_tag(parts[n - 2]) && ctx.matches_tag(parts[n - 1]);
    }
    if n >= 1 && (KNOWN_OS.contains(&parts[n - 1]) || KNOWN_ARCH.contains(&parts[n - 1])) {
        return ctx.matches_tag(parts[n - 1]);
    }
    true
}

/// A legacy line: space-separated alternatives, each a comma-separated conjunction of possibly negated tags.
/// As in `go/build/constraint`, an invalid tag reads as `ignore`, which no build satisfies.
fn plus_build_matches(line: &str, ctx: &Target) -> bool {
    let tag_matches = |tag: &str| valid_tag(tag) && ctx.matches_tag(tag);
    line.split_whitespace().any(|alternative| {
        alternative.split(',').all(|term| {
            if term.starts_with("!!") || term == "!" {
                return false;
            }
            match term.strip_prefix('!') {
                Some(tag) => !tag_matches(tag),
                None => tag_matches(term),
            }
        })
    })
}

fn valid_tag(tag: &str) -> bool {
    !tag.is_empty() && tag.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildExpr {
    Tag(String),
    Not(Box<BuildExpr>),
    And(Box<BuildExpr>, Box<BuildExpr>),
    Or(Box<BuildExpr>, Box<BuildExpr>),
}

impl BuildExpr {
    fn eval(&self, ctx: &Target) -> bool {
        match self {
            BuildExpr::Tag(tag) => ctx.matches_tag(tag),
            BuildExpr::Not(inner) => !inner.eval(ctx),
            BuildExpr::And(a, b) => a.eval(ctx) && b.eval(ctx),
            BuildExpr::Or(a, b) => a.eval(ctx) || b.eval(ctx),
        }
    }
}

/// Parses a `//go:build` expression: `||`, `&&`, `!`, parentheses and tags, with Go's precedence.
pub fn parse_go_build(text: &str) -> Result<BuildExpr, String> {
    let tokens = tokenize(text)?;
    let mut parser = ExprParser { tokens, pos: 0 };
    let expr = parser.or()?;
    if parser.pos != parser.tokens.len() {
        return Err(format!(
            "unexpected {:?} in build expression",
            parser.tokens[parser.pos]
        ));
    }
    Ok(expr)
}

fn tokenize(text: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' => {}
            '(' | ')' | '!' => tokens.push(c.to_string()),
            '&' | '|' => {
                if chars.next_if(|(_, n)| *n == c).is_none() {
                    return Err(format!("single {c} in build expression"));
                }
                tokens.push(format!("{c}{c}"));
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' => {
                let mut end = i + c.len_utf8();
                while let Some((j, n)) = chars.next_if(|(_, n)| n.is_alphanumeric() || *n == '_' || *n == '.') {
                    end = j + n.len_utf8();
                }
                tokens.push(text[i..end].to_string());
            }
            other => return Err(format!("unexpected {other:?} in build expression")),
        }
    }
    Ok(tokens)
}

struct ExprParser {
    tokens: Vec<String>,
    pos: usize,
}

impl ExprParser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn or(&mut self) -> Result<BuildExpr, String> {
        let mut left = self.and()?;
        while self.peek() == Some("||") {
            self.pos += 1;
            left = BuildExpr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<BuildExpr, String> {
        let mut left = self.not()?;
        while self.peek() == Some("&&") {
            self.pos += 1;
            left = BuildExpr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<BuildExpr, String> {
        match self.peek() {
            Some("!") => {
                self.pos += 1;
                Ok(BuildExpr::Not(Box::new(self.not()?)))
            }
            Some("(") => {
                self.pos += 1;
                let inner = self.or()?;
                if self.peek() != Some(")") {
                    return Err("missing ) in build expression".to_string());
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(tag) if !matches!(tag, ")" | "&&" | "||") => {
                let tag = tag.to_string();
                self.pos += 1;
                Ok(BuildExpr::Tag(tag))
            }
            _ => Err("missing tag in build expression".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(name: &str, src: &str) -> Vec<&'static str> {
        platforms(name, &read_constraints(src)).names()
    }

    #[test]
    fn file_name_suffixes() {
        assert_eq!(on("checks_linux.go", "package p\n"), ["linux"]);
        assert_eq!(on("checks_windows_test.go", "package p\n"), ["windows"]);
        assert_eq!(on("zz_darwin_amd64.go", "package p\n"), ["darwin"]);
        assert_eq!(on("x_freebsd.go", "package p\n"), Vec::<&str>::new());
        // `_unix` is not a GOOS: only a constraint comment restricts such a file.
        assert_eq!(on("checks_unix.go", "package p\n"), ["darwin", "linux", "windows"]);
        assert_eq!(on("linux.go", "package p\n"), ["darwin", "linux", "windows"]);
        // An architecture suffix leaves every OS with that architecture.
        assert_eq!(on("asm_arm64.go", "package p\n"), ["darwin", "linux", "windows"]);
        assert_eq!(on("asm_mips64.go", "package p\n"), Vec::<&str>::new());
    }

    #[test]
    fn go_build_lines() {
        assert_eq!(on("a.go", "//go:build !windows\n\npackage p\n"), ["darwin", "linux"]);
        assert_eq!(on("a.go", "//go:build unix\n\npackage p\n"), ["darwin", "linux"]);
        assert_eq!(
            on(
                "a.go",
                "// Copyright\n\n//go:build linux || (darwin && !cgo)\n// +build linux\n\npackage p\n"
            ),
            ["linux"]
        );
        assert_eq!(on("a.go", "//go:build ignore\n\npackage main\n"), Vec::<&str>::new());
        assert_eq!(
            on("a.go", "//go:build go1.18\n\npackage p\n"),
            ["darwin", "linux", "windows"]
        );
        // A //go:build line after the package clause is not a constraint.
        assert_eq!(
            on("a.go", "package p\n//go:build linux\n"),
            ["darwin", "linux", "windows"]
        );
        assert_eq!(on("a.go", "//go:build linux &&\n\npackage p\n"), Vec::<&str>::new());
    }

    #[test]
    fn plus_build_lines() {
        assert_eq!(on("a.go", "// +build linux darwin\n\npackage p\n"), ["darwin", "linux"]);
        assert_eq!(on("a.go", "// +build linux,!cgo\n\npackage p\n"), Vec::<&str>::new());
        assert_eq!(
            on("a.go", "// +build !windows\n// +build !darwin\n\npackage p\n"),
            ["linux"]
        );
        assert_eq!(on("a.go", "// +build providerless\n\npackage p\n"), Vec::<&str>::new());
        // Without a blank line before the package clause, the comment is a doc comment, not a constraint.
        assert_eq!(
            on("a.go", "// +build linux\npackage p\n"),
            ["darwin", "linux", "windows"]
        );
        assert_eq!(
            on("a.go", "// +build !bad-tag\n\npackage p\n"),
            ["darwin", "linux", "windows"]
        );
        assert_eq!(on("a.go", "// +build\n\npackage p\n"), Vec::<&str>::new());
    }

    #[test]
    fn constraint_lines_are_kept() {
        let c = read_constraints("//go:build linux\n// +build linux\n\npackage p\n");
        assert_eq!(c.go_build.as_deref(), Some("linux"));
        assert_eq!(c.plus_build, ["linux"]);
    }
}
