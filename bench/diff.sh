#!/usr/bin/env bash
# Times `kubewalk diff --git REPO OLD NEW` (cold cache) against one cold `kubewalk scan` of a checkout of NEW,
# and reports peak memory.
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
# A fresh cache folder per run: cold, but a blob shared by both revisions is parsed once.
hyperfine --warmup 1 --runs 3 --export-json "$work/times.json" \
  -n scan "'$kubewalk' scan --quiet --no-cache '$checkout'" \
  -n diff-git "rm -rf '$work/cache' && '$kubewalk' diff --quiet --cache-dir '$work/cache' --git '$repo' '$old' '$new' --out '$work/out' --format json" >/dev/null
python3 - "$work/times.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"scan {r['scan']:.2f} s, diff --git {r['diff-git']:.2f} s: {r['diff-git'] / r['scan']:.2f}x scan")
PY
rm -rf "$work/cache"
rss=$( { /usr/bin/time -f "%M" "$kubewalk" diff --quiet --cache-dir "$work/cache" --git "$repo" "$old" "$new" --out "$work/out" --format json >/dev/null; } 2>&1 | tail -1)
echo "peak RSS diff --git: $((rss / 1024)) MiB"
