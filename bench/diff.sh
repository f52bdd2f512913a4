#!/usr/bin/env bash
# Times `kubewalk diff --git REPO OLD NEW` (cold cache, and with the old revision already cached) against one
# cold `kubewalk scan` of a checkout of NEW, and reports peak memory.
#
#   bench/diff.sh REPO OLD NEW CHECKOUT_OF_NEW
#
# Targets (issue 5, 2-core machine): diff --git <= 1.5x one cold scan, peak RSS <= 600 MiB.
set -euo pipefail
repo=$(cd "${1:?usage: bench/diff.sh REPO OLD NEW CHECKOUT}" && pwd)
old=${2:?old revision}
new=${3:?new revision}
checkout=$(cd "${4:?checkout of the new revision}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
kubewalk="$here/target/release/kubewalk"
# cold: a fresh cache folder per run, but a file the same in both revisions is parsed once.
# old-cached: the cache already holds the old revision (as after a diff that ended at it), the new one is parsed.
diff_cmd="'$kubewalk' diff --quiet --cache-dir '$work/cache' --git '$repo'"
hyperfine --warmup 1 --runs 5 --export-json "$work/times.json" \
  --prepare "true" -n scan "'$kubewalk' scan --quiet --no-cache '$checkout'" \
  --prepare "rm -rf '$work/cache'" \
  -n diff-git "$diff_cmd '$old' '$new' --out '$work/out' --format json" \
  --prepare "rm -rf '$work/cache' && $diff_cmd '$old' '$old' --out '$work/out' --format json" \
  -n diff-git-old-cached "$diff_cmd '$old' '$new' --out '$work/out' --format json" >/dev/null
python3 - "$work/times.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
s = r["scan"]
print(f"scan {s:.2f} s, diff --git {r['diff-git']:.2f} s: {r['diff-git'] / s:.2f}x scan (target 1.5x)")
print(f"diff --git, old revision cached: {r['diff-git-old-cached']:.2f} s: {r['diff-git-old-cached'] / s:.2f}x scan")
PY
rm -rf "$work/cache"
rss=$( { /usr/bin/time -f "%M" "$kubewalk" diff --quiet --cache-dir "$work/cache" --git "$repo" "$old" "$new" --out "$work/out" --format json >/dev/null; } 2>&1 | tail -1)
echo "peak RSS diff --git: $((rss / 1024)) MiB"
