#!/usr/bin/env python3
"""Compares kubewalk's commands and flags with what the binaries' own --help shows.

    compare.py ORACLE.json SCAN.json [--binary NAME] [--details]

ORACLE.json is what helpwalk.py wrote (every command's --help of every binary, walked); SCAN.json is
`kubewalk scan --json`. For each binary of the oracle, it reports:

- flags: the share of the flags --help lists that kubewalk gives the command of the same path (for kubectl,
  whose commands do not list the global flags, `kubectl options` is compared with the root's flags);
- defaults: among the flags --help shows a default for, the share whose default kubewalk gives the same (pflag
  prints `(default "x")`; kubectl's own format prints `--name='x'`, compared unquoted);
- deprecated: the flags whose DEPRECATED mark (present or not) agrees;
- paths: the share of command paths --help walks to that kubewalk has.

The exit code is 0; the numbers are for reading (and for the fixture test, which asserts on them).
"""

import json
import sys


def load_ours(scan):
    topics = scan["topics"]
    by_binary = {}
    for cmd in topics.get("cobra_commands", []):
        if cmd.get("path") is None or cmd.get("binary") is None:
            continue
        by_binary.setdefault(cmd["binary"], {})[cmd["path"]] = cmd
    programs = {}
    for b in topics.get("binaries", []):
        if b.get("flags"):
            programs[b["dir"]] = b
    dirs = {b["name"]: b["dir"] for b in topics.get("binaries", []) if not b.get("outside_dir")}
    for b in topics.get("binaries", []):
        dirs.setdefault(b["name"], b["dir"])
    return by_binary, programs, dirs


def shown_default(ours, style):
    if style == "kubectl":
        return ours.get("default_value")
    return ours.get("default")


def compare(oracle, scan, only=None, details=False):
    by_binary, programs, dirs = load_ours(scan)
    rows = []
    for name, b in sorted(oracle["binaries"].items()):
        if only and name != only:
            continue
        d = dirs.get(name)
        style = b.get("style")
        ours_cmds = dict(by_binary.get(d, {}))
        total = found = with_default = default_equal = dep_total = dep_equal = 0
        paths = paths_found = 0
        missing, wrong_default, wrong_dep, missing_paths = [], [], [], []
        oracle_cmds = list(b["commands"])
        if name == "kubectl" and b.get("global_flags"):
            oracle_cmds.append({"path": "kubectl", "flags": b["global_flags"], "global": True})
        for oc in oracle_cmds:
            path = oc["path"]
            if d in programs and len(b["commands"]) == 1:
                ours_flags = {f["name"]: f for f in programs[d]["flags"]}
                have_path = True
            else:
                cmd = ours_cmds.get(path)
                have_path = cmd is not None
                ours_flags = {f["name"]: f for f in (cmd or {}).get("flags", [])}
            if not oc.get("global") and len(b["commands"]) > 1:
                paths += 1
                paths_found += have_path
                if not have_path:
                    missing_paths.append(path)
            for f in oc["flags"]:
                total += 1
                ours = ours_flags.get(f["name"])
                if ours is None:
                    missing.append(f"{path} --{f['name']}")
                    continue
                found += 1
                fstyle = f.get("style") or style
                oracle_default = f.get("default_unquoted") if fstyle == "kubectl" else f.get("default")
                if oracle_default is not None:
                    with_default += 1
                    mine = shown_default(ours, fstyle)
                    if mine == oracle_default:
                        default_equal += 1
                    else:
                        wrong_default.append(f"{path} --{f['name']}: help {oracle_default!r}, kubewalk {mine!r}"
                                             f" ({ours.get('default_expr')})")
                dep_total += 1
                if (f.get("deprecated") is not None) == ("deprecated" in ours):
                    dep_equal += 1
                else:
                    wrong_dep.append(f"{path} --{f['name']}: help {f.get('deprecated')!r}, kubewalk "
                                     f"{ours.get('deprecated', 'not deprecated')!r}")
        rows.append({
            "binary": name,
            "flags": total,
            "found": found,
            "with_default": with_default,
            "default_equal": default_equal,
            "deprecation_checked": dep_total,
            "deprecation_equal": dep_equal,
            "paths": paths,
            "paths_found": paths_found,
            "missing": missing,
            "wrong_default": wrong_default,
            "wrong_deprecation": wrong_dep,
            "missing_paths": missing_paths,
        })
    return rows


def pct(a, b):
    return "-" if b == 0 else f"{100.0 * a / b:.1f}%"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    only = None
    if "--binary" in sys.argv:
        only = sys.argv[sys.argv.index("--binary") + 1]
        args = [a for a in args if a != only]
    details = "--details" in sys.argv
    oracle = json.load(open(args[0]))
    scan = json.load(open(args[1]))
    rows = compare(oracle, scan, only, details)
    if "--json" in sys.argv:
        json.dump(rows, sys.stdout, indent=1)
        return
    print(f"{'binary':26} {'flags':>12} {'found':>7} {'defaults':>14} {'equal':>7} {'deprecation':>8} {'paths':>10}")
    for r in rows:
        print(f"{r['binary']:26} {r['found']:>5}/{r['flags']:<6} {pct(r['found'], r['flags']):>7} "
              f"{r['default_equal']:>6}/{r['with_default']:<7} {pct(r['default_equal'], r['with_default']):>7} "
              f"{pct(r['deprecation_equal'], r['deprecation_checked']):>8} "
              f"{r['paths_found']:>4}/{r['paths']:<5}")
        if details:
            for key in ("missing_paths", "missing", "wrong_default", "wrong_deprecation"):
                for line in r[key][:400]:
                    print(f"    {key}: {line}")


if __name__ == "__main__":
    main()
