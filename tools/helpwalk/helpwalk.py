#!/usr/bin/env python3
"""helpwalk: record the command/flag tree of real Kubernetes binaries from their own --help.

This is the "truth oracle" for kubewalk: kubewalk reads the Go sources statically,
helpwalk runs the built binaries and parses what they print.  Standard library only.

Usage
-----
    helpwalk.py [options] BIN [BIN ...]

    -o, --out FILE      write the JSON document here (default: stdout)
    --raw-dir DIR       save every raw help text as DIR/<binary>/<path_with_spaces_as_>.txt
                        (stderr, when non-empty, goes to the same name with .stderr.txt)
    --failed NAME=WHY   add an entry to the "failed" map (repeatable; e.g. binaries
                        that did not build)
    --timeout SECONDS   per invocation timeout (default 30)
    --max-depth N       recursion guard (default 10)
    --summary           print a per-binary summary (commands, distinct own/inherited flags)

Example:
    python3 helpwalk.py --raw-dir /work/cache/oracle/v1.20.2/raw \\
        -o /work/cache/oracle/v1.20.2/help.json --summary /work/cache/bin-1.20.2/*

What it does
------------
For every binary it runs ``BIN --help`` (stdin = /dev/null, cwd = a scratch directory,
HOME = a fixed scratch home, KUBECONFIG = a nonexistent path, a timeout) and walks the
cobra command tree: it parses "Available Commands:", "Additional help topics:" and
kubectl's grouped sections ("Basic Commands (Beginner):", "Deploy Commands:", ...,
"Other Commands:") and recurses with ``BIN sub sub --help``.  If a help text points at
``X options`` for global options (kubectl), ``X options`` is run too; its flags become
the command "X options" and the binary's "global_flags", all with inherited=true.

Flag formats understood
-----------------------
* pflag (cobra "Flags:"/"Global Flags:", Kubernetes named flag sections such as
  "Generic flags:", "Etcd flags:", "Global flags:", and standalone "Usage of X:"):
      ``  -s, --name type[=noopt]   usage (default X) (DEPRECATED: msg)``
      ``      --name type           usage``
  continuation lines (embedded newlines of the usage) are indented to the usage column
  and start with no dash; they are joined with single spaces.
* kubectl 1.20 templates ("Options:" and ``kubectl options``):
      ``  -o, --output='': usage``   ``      --chunk-size=500: usage``
  (no type word is printed; the default is always printed, strings single-quoted).
* Go's standard flag package (``Usage of X:`` then ``  -name type`` and
  ``    \\tusage (default x)`` lines).

Output (JSON)
-------------
{"binaries": {NAME: {"style": ..., "commands": [COMMAND...], "global_flags": [...]?}},
 "failed": {NAME: reason}}

COMMAND = {"path": "kubeadm init phase preflight", "short": str|null (from the parent's
listing; null for the root), "aliases": [...], "subcommands": bool,
"subcommand_names": [...], "additional_help_topic": bool, "description": str (the text
before the first section), "usage": [usage lines], "exit_code": int, "style": str,
"flags": [FLAG...]}

FLAG = {"name", "shorthand": str|null, "type": as printed ("bool" when the pflag/go-flag
line has no type word; null for kubectl-style lines which never print a type),
"type_printed": bool, "type_from_usage": true|false|null (true: the word also appears in
the usage and is not a known pflag/Kubernetes Value type name, i.e. it most likely came
from a back-quoted word in the usage; null: cannot tell), "default": text inside
"(default ...)" exactly as printed (quotes included) or, for kubectl-style lines, the
text after "=" exactly as printed; null when not shown, "default_unquoted": the same
with Go/kubectl quoting removed, "no_opt_default": the text inside "[=...]" or null,
"usage": full usage, lines joined with one space, without the default/deprecated
suffixes, "deprecated": message or null, "section": heading it was under,
"inherited": true under cobra's "Global Flags:" and for kubectl options,
"style": "pflag"|"kubectl"|"goflag"}

Caveats: a usage that itself ends in "(DEPRECATED: ...)" or "(default ...)" is
indistinguishable from pflag's suffixes; hidden commands/flags are not shown by the
binaries and therefore not recorded; Kubernetes' named "Global flags:" section (lower
case f) is a section of the command's own flags and is recorded with inherited=false.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------------------
# running binaries

SCRATCH = os.path.join(tempfile.gettempdir(), "helpwalk-scratch")
HOME = os.path.join(tempfile.gettempdir(), "helpwalk-home")

# Tools that do not implement --help and instead treat their first positional
# argument as an output directory (they would generate docs into "./--help").
# They print their usage message when given too many arguments.
SPECIAL_ARGS = {
    "gendocs": ["--help", "--help"],
    "genyaml": ["--help", "--help"],
}


def reset_scratch():
    for d in (SCRATCH, HOME):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)


def run(argv, timeout):
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": HOME,
        "KUBECONFIG": os.path.join(HOME, "nonexistent", "kubeconfig"),
        "LANG": "C",
        "LC_ALL": "C",
        "TERM": "dumb",
    }
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=SCRATCH, env=env,
                           timeout=timeout)
        return (p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
                p.returncode)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        err = (e.stderr or b"").decode("utf-8", "replace")
        return out, err + "\n[helpwalk: timeout after %ss]\n" % timeout, None


# ---------------------------------------------------------------------------
# headings

GROUP_HEADING = re.compile(r"^[A-Z][A-Za-z ]* Commands( \([A-Za-z ]+\))?:$")
NAMED_FLAGS_HEADING = re.compile(r"^[A-Z][A-Za-z0-9 ._/-]* flags:$")
KUBECTL_OPTIONS_HEADING = "The following options can be passed to any command:"
FIXED_HEADINGS = {
    "Usage:", "Aliases:", "Examples:", "Available Commands:", "Flags:",
    "Global Flags:", "Options:", "Additional help topics:", KUBECTL_OPTIONS_HEADING,
}
GOFLAG_USAGE_HEADING = re.compile(r"^Usage of .*:$")


def heading_kind(line):
    """Classify an unindented line: None if not a heading."""
    if not line or line[0].isspace():
        return None
    if line in ("Usage:",):
        return "usage"
    if line == "Aliases:":
        return "aliases"
    if line == "Examples:":
        return "examples"
    if line in ("Available Commands:", "Additional help topics:") or GROUP_HEADING.match(line):
        return "commands"
    if line in ("Flags:", "Global Flags:", "Options:", KUBECTL_OPTIONS_HEADING) \
            or NAMED_FLAGS_HEADING.match(line):
        return "flags"
    if GOFLAG_USAGE_HEADING.match(line):
        return "usage-of"
    return None


# ---------------------------------------------------------------------------
# flag lines

PFLAG_LINE = re.compile(r"^(?:  -(?P<short>[^\s,]), |      )--(?P<name>[^\s=\[]+)(?P<rest>.*)$")
KUBECTL_LINE = re.compile(r"^(?:  -(?P<short>[^\s,]), |      )--(?P<name>[^\s=\[]+)=(?P<rest>.*)$")
GOFLAG_LINE = re.compile(r"^  -(?P<name>[^\s-][^\s]*)(?P<rest>.*)$")

# Value.Type() names printed by pflag (after UnquoteUsage's renames) and the custom
# Value types used by Kubernetes/klog; a printed word in this set did not (as far as we
# can tell) come from a back-quoted usage word.
KNOWN_TYPES = {
    "string", "strings", "int", "ints", "int8", "int16", "int32", "int64", "uint", "uints",
    "uint8", "uint16", "uint32", "uint64", "float", "float32", "float64", "bool", "bools",
    "duration", "durationSlice", "stringArray", "stringToString", "stringToInt",
    "stringToInt64", "ip", "ipSlice", "ipMask", "ipNet", "bytesHex", "bytesBase64",
    "count", "int32Slice", "int64Slice", "float32Slice", "float64Slice", "uint32Slice",
    "value",  # go flag package
    "Level", "moduleSpec", "traceLocation", "severity",  # klog
    "mapStringString", "mapStringBool", "mapStringInt", "colonSeparatedMultimapStringString",
    "langleSeparatedMapStringString", "namedCertKey", "ipport", "portRange", "quantity",
    "tristate", "stringSlice", "IP", "ipNetSlice", "cidrs", "boolSlice",
    "version",  # component-base/version/verflag
    "port-range", "ProxyMode", "LocalMode",  # kube-proxy
    "[]api.Taint",  # kubelet --register-with-taints
    "NoOp",
}


def go_unquote(s):
    """Undo Go's %q for a complete double-quoted literal; return None if s is not one."""
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        return None
    body = s[1:-1]
    out = []
    i = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "a": "\a",
              "b": "\b", "f": "\f", "v": "\v", "'": "'"}
    while i < len(body):
        c = body[i]
        if c == '"':
            return None  # unescaped quote inside: not a single literal
        if c == "\\":
            if i + 1 >= len(body):
                return None
            n = body[i + 1]
            if n in simple:
                out.append(simple[n])
                i += 2
                continue
            if n == "x" and i + 3 < len(body) + 0:
                out.append(chr(int(body[i + 2:i + 4], 16)))
                i += 4
                continue
            if n in "uU":
                w = 4 if n == "u" else 8
                out.append(chr(int(body[i + 2:i + 2 + w], 16)))
                i += 2 + w
                continue
            if n in "01234567":
                out.append(chr(int(body[i + 1:i + 4], 8)))
                i += 4
                continue
            return None
        out.append(c)
        i += 1
    return "".join(out)


def split_suffixes(text):
    """Split pflag/go-flag usage text into (usage, default, deprecated).

    pflag appends " (default X)" and then " (DEPRECATED: msg)" to the usage."""
    deprecated = None
    i = text.rfind(" (DEPRECATED: ")
    if i < 0 and text.startswith("(DEPRECATED: "):
        i = 0
    if i >= 0 and text.endswith(")"):
        start = i + (len(" (DEPRECATED: ") if text[i] == " " else len("(DEPRECATED: "))
        deprecated = text[start:-1]
        text = text[:i]
    default = None
    if text.endswith(")"):
        # candidate positions of " (default " (or a leading "(default "), right to left
        cands = []
        pos = len(text)
        while True:
            i = text.rfind(" (default ", 0, pos)
            if i < 0:
                break
            cands.append((i, i + len(" (default ")))
            pos = i
        if text.startswith("(default "):
            cands.append((0, len("(default ")))
        chosen = None
        if text.endswith('")'):
            # a %q-quoted string default: the rightmost candidate whose value is one
            # complete Go string literal (the literal itself may contain " (default ")
            for i, st in cands:
                if go_unquote(text[st:-1]) is not None:
                    chosen = (i, st)
                    break
        if chosen is None and cands:
            chosen = cands[0]
        if chosen is not None:
            i, st = chosen
            default = text[st:-1]
            text = text[:i]
    return text, default, deprecated


def unquote_default(d, style):
    if d is None:
        return None
    if style == "kubectl":
        if len(d) >= 2 and d[0] == "'" and d[-1] == "'":
            return d[1:-1]
        return d
    u = go_unquote(d)
    return u if u is not None else d


def type_from_usage(tword, usage):
    if tword is None:
        return None
    if tword in KNOWN_TYPES:
        return False
    if re.search(r"(?<![\w-])" + re.escape(tword) + r"(?![\w-])", usage):
        return True
    return None


def new_flag(name, short, section, inherited, style):
    return {"name": name, "shorthand": short, "type": None, "type_printed": False,
            "type_from_usage": None, "default": None, "default_unquoted": None,
            "no_opt_default": None, "usage": "", "deprecated": None, "section": section,
            "inherited": inherited, "style": style}


def finish_flag(f, lines):
    """lines: the raw usage text lines (first line + continuation lines, stripped)."""
    style = f["style"]
    if style == "kubectl":
        f["usage"] = " ".join(l for l in lines if l)
        return f
    # suffixes are searched on the newline-joined text so that a multi-line
    # deprecation message keeps its shape while splitting; then join with spaces.
    text = "\n".join(lines)
    usage, default, deprecated = split_suffixes(text)
    f["usage"] = " ".join(l.strip() for l in usage.split("\n") if l.strip())
    f["default"] = default
    f["default_unquoted"] = unquote_default(default, style)
    f["deprecated"] = " ".join(deprecated.split("\n")) if deprecated is not None else None
    if f["type_printed"]:
        f["type_from_usage"] = type_from_usage(f["type"], f["usage"])
    return f


def parse_pflag_head(rest):
    """rest = what follows '--name' on a pflag line.  Returns (type, noopt, usage)."""
    m = re.search(r"\s{2,}", rest)
    if m:
        head, usage = rest[:m.start()], rest[m.end():]
    else:
        head, usage = rest, ""
    head = head.rstrip()
    tword, noopt = None, None
    if head.startswith("[="):  # bool with NoOptDefVal != true, no type word
        noopt = head[2:-1] if head.endswith("]") else head[2:]
    elif head.startswith(" "):
        h = head[1:]
        j = h.find("[=")
        if j >= 0 and h.endswith("]"):
            tword, noopt = h[:j], h[j + 2:-1]
        else:
            tword = h
    elif head:
        # unexpected: glued text; keep it as usage
        usage = (head + " " + usage).strip()
    return tword, noopt, usage


def parse_kubectl_rest(rest):
    """rest = what follows '--name=' on a kubectl-style line: DEF: usage."""
    if rest.startswith("'"):
        j = rest.find("': ")
        if j < 0 and rest.endswith("':"):
            j = len(rest) - 2
        if j >= 0:
            return rest[:j + 1], rest[j + 3:]
    j = rest.find(": ")
    if j < 0:
        if rest.endswith(":"):
            return rest[:-1], ""
        return rest, ""
    return rest[:j], rest[j + 2:]


def classify_flag_line(line):
    """Return ('pflag'|'kubectl'|'goflag', match) or (None, None)."""
    m = KUBECTL_LINE.match(line)
    if m:
        return "kubectl", m
    m = PFLAG_LINE.match(line)
    if m:
        return "pflag", m
    m = GOFLAG_LINE.match(line)
    if m:
        return "goflag", m
    return None, None


def parse_flag_block(lines, section, inherited, warnings):
    """Parse the body lines of one flag section.  Blank lines are allowed between
    flags only for kubectl-style text (whose usages are printed raw)."""
    flags = []
    cur, cur_lines = None, []

    def flush():
        nonlocal cur, cur_lines
        if cur is not None:
            while cur_lines and not cur_lines[-1]:
                cur_lines.pop()
            flags.append(finish_flag(cur, cur_lines))
        cur, cur_lines = None, []

    for line in lines:
        style, m = classify_flag_line(line)
        # a go-flag style match is only a flag line when we are not inside a
        # pflag flag whose continuation happens to start with "  -"
        if style == "goflag" and cur is not None and cur["style"] != "goflag":
            style = None
        if style == "goflag" and line.startswith("  --"):
            style = None
        if style == "kubectl":
            flush()
            cur = new_flag(m.group("name"), m.group("short"), section, inherited, "kubectl")
            default, usage = parse_kubectl_rest(m.group("rest"))
            cur["default"] = default
            cur["default_unquoted"] = unquote_default(default, "kubectl")
            cur_lines = [usage]
        elif style == "pflag":
            flush()
            cur = new_flag(m.group("name"), m.group("short"), section, inherited, "pflag")
            tword, noopt, usage = parse_pflag_head(m.group("rest"))
            cur["type"] = tword if tword is not None else "bool"
            cur["type_printed"] = tword is not None
            cur["no_opt_default"] = noopt
            cur_lines = [usage]
        elif style == "goflag":
            flush()
            cur = new_flag(m.group("name"), None, section, inherited, "goflag")
            rest = m.group("rest")
            usage = ""
            if "\t" in rest:
                rest, usage = rest.split("\t", 1)
            tword = rest[1:] if rest.startswith(" ") else None
            cur["type"] = tword if tword else "bool"
            cur["type_printed"] = bool(tword)
            cur_lines = [usage.strip()] if usage.strip() else []
        else:
            if cur is None:
                if line.strip():
                    warnings.append("%s: stray line before first flag: %r" % (section, line))
                continue
            if cur["style"] == "goflag":
                if line.startswith("    \t"):
                    cur_lines.append(line[5:].strip())
                elif line.strip():
                    cur_lines.append(line.strip())
                    warnings.append("%s: unexpected go-flag continuation %r" % (section, line))
                continue
            if cur["style"] == "pflag":
                if line.strip() and not line.startswith("   "):
                    warnings.append("%s: pflag continuation not indented: %r" % (section, line))
                cur_lines.append(line.strip())
                continue
            # kubectl style: raw usage continuation (any indentation)
            cur_lines.append(line.strip())
            warnings.append("%s: kubectl-style multi-line usage for --%s" % (section, cur["name"]))
    flush()
    return flags


# ---------------------------------------------------------------------------
# whole help text


def parse_help(text, cmd_path):
    """Parse one help text. Returns dict with description, usage, aliases, commands,
    flags, warnings."""
    lines = text.replace("\r\n", "\n").split("\n")
    warnings = []
    # find where the structured part starts: the first "Usage:" line, or any known
    # heading preceded by a blank line (kubectl puts Usage: last).
    start = None
    for i, l in enumerate(lines):
        k = heading_kind(l)
        if k is None:
            continue
        if l == "Usage:" or GOFLAG_USAGE_HEADING.match(l) or l == KUBECTL_OPTIONS_HEADING \
                or i == 0 or not lines[i - 1].strip():
            start = i
            break
    if start is None:
        return {"description": text.strip(), "usage": [], "aliases": [], "commands": [],
                "flags": [], "warnings": warnings, "structured": False}
    description = "\n".join(lines[:start]).strip()

    # split into sections
    sections = []  # (heading, kind, body lines)
    cur = None
    for l in lines[start:]:
        k = heading_kind(l)
        if k is not None:
            cur = [l, k, []]
            sections.append(cur)
            continue
        if cur is not None:
            cur[2].append(l)

    usage, aliases, commands, flags = [], [], [], []
    for heading, kind, body in sections:
        if kind == "usage-of":
            # standalone pflag or Go flag package: "Usage of /path/to/bin:"
            usage.append(heading)
            flags.extend(parse_flag_block(trim_block(body, flags_mode=True),
                                          "Usage of", False, warnings))
        elif kind == "usage":
            for l in body:
                if not l.strip():
                    break
                usage.append(l.strip())
        elif kind == "aliases":
            for l in body:
                if l.strip():
                    names = [x.strip() for x in l.strip().split(",") if x.strip()]
                    aliases = names[1:]
                    break
        elif kind == "commands":
            topic = heading == "Additional help topics:"
            for l in body:
                if not l.strip():
                    if commands and any(c["group"] == heading for c in commands):
                        break
                    continue
                if not l.startswith("  ") or l.startswith("   "):
                    warnings.append("%s: unexpected command line %r" % (heading, l))
                    continue
                s = l.strip()
                if topic:
                    prefix = cmd_path + " "
                    if s.startswith(prefix):
                        s = s[len(prefix):]
                    else:
                        warnings.append("help topic outside %s: %r" % (cmd_path, l))
                        continue
                parts = s.split(None, 1)
                name = parts[0]
                short = parts[1].strip() if len(parts) > 1 else ""
                commands.append({"name": name, "short": short, "group": heading,
                                 "additional_help_topic": topic})
        elif kind == "flags":
            heading_name = heading[:-1]
            inherited = heading == "Global Flags:" or heading == KUBECTL_OPTIONS_HEADING
            if heading == KUBECTL_OPTIONS_HEADING:
                heading_name = "kubectl options"
            flags.extend(parse_flag_block(trim_block(body, flags_mode=True),
                                          heading_name, inherited, warnings))
    return {"description": description, "usage": usage, "aliases": aliases,
            "commands": commands, "flags": flags, "warnings": warnings, "structured": True}


def trim_block(body, flags_mode=False):
    """Drop the leading blank lines (named flag sections have one after the heading)
    and cut at the first blank line that is followed by an unindented line which is
    not a flag line (e.g. 'Use "kubectl options" ...'), or at the end."""
    i = 0
    while i < len(body) and not body[i].strip():
        i += 1
    body = body[i:]
    out = []
    j = 0
    while j < len(body):
        l = body[j]
        if not l.strip():
            # look ahead
            k = j
            while k < len(body) and not body[k].strip():
                k += 1
            if k >= len(body):
                break
            nxt = body[k]
            style, _ = classify_flag_line(nxt)
            if style in ("pflag", "kubectl") or nxt.startswith("    \t"):
                out.extend(body[j:k])
                j = k
                continue
            if not nxt[0].isspace():
                break
            if not flags_mode:
                break
            # an indented non-flag line after a blank line: keep (kubectl raw usage)
            out.extend(body[j:k])
            j = k
            continue
        out.append(l)
        j += 1
    return out


# ---------------------------------------------------------------------------
# walking


def save_raw(raw_dir, binary, path, out, err):
    if not raw_dir:
        return
    d = os.path.join(raw_dir, binary)
    os.makedirs(d, exist_ok=True)
    base = os.path.join(d, path.replace(" ", "_"))
    with open(base + ".txt", "w") as f:
        f.write(out)
    if err.strip():
        with open(base + ".stderr.txt", "w") as f:
            f.write(err)
    elif os.path.exists(base + ".stderr.txt"):
        os.remove(base + ".stderr.txt")


def pick_text(out, err, path):
    """cobra prints help on stdout; pflag/flag ExitOnError usage goes to stderr (while
    pflag may print "pflag: help requested" on stdout).  Take the stream that parses
    into more flags/commands; on a tie, stdout unless it is empty."""
    if not err.strip():
        return out
    if not out.strip():
        return err
    po, pe = parse_help(out, path), parse_help(err, path)
    so = len(po["flags"]) + len(po["commands"]) + len(po["usage"])
    se = len(pe["flags"]) + len(pe["commands"]) + len(pe["usage"])
    return err if se > so else out


def help_style(parsed):
    styles = {f["style"] for f in parsed["flags"]}
    return "+".join(sorted(styles)) if styles else None


def walk_binary(bin_path, timeout, max_depth, raw_dir, log):
    name = os.path.basename(bin_path)
    commands = []
    seen = set()
    result = {"path": bin_path, "commands": commands}
    options_cmds = []

    def visit(words, short, topic):
        path = " ".join([name] + words)
        if path in seen:
            return
        seen.add(path)
        if len(words) > max_depth:
            log("  depth limit at %s" % path)
            return
        if not words and name in SPECIAL_ARGS:
            argv = [bin_path] + SPECIAL_ARGS[name]
        else:
            argv = [bin_path] + words + ["--help"]
        out, err, rc = run(argv, timeout)
        save_raw(raw_dir, name, path, out, err)
        text = pick_text(out, err, path)
        parsed = parse_help(text, path)
        for w in parsed["warnings"]:
            log("  [%s] %s" % (path, w))
        subs = parsed["commands"]
        entry = {
            "path": path,
            "argv": [name] + argv[1:],
            "short": short,
            "aliases": parsed["aliases"],
            "subcommands": any(not c["additional_help_topic"] for c in subs),
            "subcommand_names": [c["name"] for c in subs if not c["additional_help_topic"]],
            "help_topics": [c["name"] for c in subs if c["additional_help_topic"]],
            "additional_help_topic": topic,
            "description": parsed["description"],
            "usage": parsed["usage"],
            "exit_code": rc,
            "help_on": "stdout" if (text is out and out.strip()) else "stderr",
            "style": help_style(parsed),
            "flags": parsed["flags"],
        }
        if rc is None:
            entry["timeout"] = True
        commands.append(entry)
        m = re.search(r'^Use "(.+) options" for a list of global command-line options', text,
                      re.M)
        if m and m.group(1) not in options_cmds:
            options_cmds.append(m.group(1))
        for c in subs:
            visit(words + [c["name"]], c["short"], c["additional_help_topic"])

    visit([], None, False)

    # kubectl-style "X options": global flags
    for oc in options_cmds:
        owords = oc.split()[1:] + ["options"]
        path = " ".join([name] + owords)
        if oc.split()[0] != name or path in seen:
            continue
        seen.add(path)
        out, err, rc = run([bin_path] + owords, timeout)
        save_raw(raw_dir, name, path, out, err)
        parsed = parse_help(pick_text(out, err, path), path)
        for w in parsed["warnings"]:
            log("  [%s] %s" % (path, w))
        for f in parsed["flags"]:
            f["inherited"] = True
        commands.append({
            "path": path, "argv": [name] + owords, "short": None, "aliases": [], "subcommands": False,
            "subcommand_names": [], "help_topics": [], "additional_help_topic": False,
            "description": parsed["description"], "usage": parsed["usage"],
            "exit_code": rc, "help_on": "stdout", "style": help_style(parsed),
            "flags": parsed["flags"], "global_options_command": True,
        })
        result.setdefault("global_flags", []).extend(parsed["flags"])

    styles = sorted({c["style"] for c in commands if c["style"]})
    result["style"] = "+".join(styles) if styles else None
    return result


def summarize(binaries):
    rows = []
    for name in sorted(binaries):
        b = binaries[name]
        own = {f["name"] for c in b["commands"] for f in c["flags"] if not f["inherited"]}
        inh = {f["name"] for c in b["commands"] for f in c["flags"] if f["inherited"]}
        rows.append((name, len(b["commands"]), len(own), len(inh)))
    w = max([len(r[0]) for r in rows] + [6])
    lines = ["%-*s  %8s  %9s  %9s" % (w, "binary", "commands", "own-flags", "inherited")]
    for r in rows:
        lines.append("%-*s  %8d  %9d  %9d" % (w, r[0], r[1], r[2], r[3]))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("-o", "--out")
    ap.add_argument("--raw-dir")
    ap.add_argument("--failed", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--max-depth", type=int, default=10)
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)

    def log(msg):
        if not a.quiet:
            print(msg, file=sys.stderr)

    reset_scratch()
    doc = {"binaries": {}, "failed": {}}
    for f in a.failed:
        k, _, v = f.partition("=")
        doc["failed"][k] = v
    for b in a.binaries:
        if not (os.path.isfile(b) and os.access(b, os.X_OK)):
            log("skip %s: not an executable file" % b)
            continue
        log("walking %s" % b)
        doc["binaries"][os.path.basename(b)] = walk_binary(
            os.path.abspath(b), a.timeout, a.max_depth, a.raw_dir, log)
        reset_scratch()
    data = json.dumps(doc, indent=1, sort_keys=False, ensure_ascii=False)
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            f.write(data + "\n")
    else:
        print(data)
    if a.summary:
        print(summarize(doc["binaries"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
