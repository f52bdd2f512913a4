#!/usr/bin/env bash
# Times `kubewalk site` (scan included, cold cache, both formats) against `kubewalk scan` on the same tree, and
# reports peak memory and the size of the search index.
#
#   bench/site.sh ROOT
#
# Targets (2-core machine): site <= 1.5x one cold scan (issue 15; 1.6x in issue 4), peak RSS <= 500 MiB, search
# index <= 5 MB.
#
# Measured 2026-12-02, v1.20.2, the project's 2-core AMD EPYC (no AVX-512), means of three runs: scan 2.14 s, site
# 6.68 s (3.11x scan, not met; 3.76x at the day's start, before the sidebar became one shared script, the volume
# plugins topic stopped parsing every body of the binaries, and reference pages were built on both cores), peak RSS
# 465 MiB (met; 543-566 before mimalloc committed arena memory as it hands it out), search index 1.7 MB. Of one
# site run of 7.0 s: the scan 2.2 s, the topics 2.5 s (the commands topic's evaluator on two threads, 2.3 s),
# building, rendering and writing the pages 1.5 s, the link check 0.25 s. On 2026-12-01's 2-core Intel Xeon with AVX-512:
# 2.94x scan, 526 MiB.
set -euo pipefail
root=$(cd "${1:?usage: bench/site.sh ROOT}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
kubewalk="$here/target/release/kubewalk"
hyperfine --warmup 1 --runs 3 --export-json "$work/times.json" \
  -n scan "'$kubewalk' scan --quiet --no-cache '$root'" \
  -n site "rm -rf '$work/site' && '$kubewalk' site --quiet --no-cache --out '$work/site' '$root'" >/dev/null
python3 - "$work/times.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"scan {r['scan']:.2f} s, site {r['site']:.2f} s: {r['site'] / r['scan']:.2f}x scan")
PY
rm -rf "$work/site"
rss=$( { /usr/bin/time -f "%M" "$kubewalk" site --quiet --no-cache --out "$work/site" "$root" >/dev/null; } 2>&1 | tail -1)
echo "peak RSS site: $((rss / 1024)) MiB"
echo "search index: $(wc -c < "$work/site/search-index.js") bytes"
