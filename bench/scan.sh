#!/usr/bin/env bash
# Times `kubewalk scan --include-tests` on a real tree against two anchors on the same files, in the same run:
# Universal Ctags (`ctags --languages=Go`) and Go's own parser (tools/godump). Also measures the 1- vs 2-thread
# speed-up, the cached second scan and peak memory.
#
#   bench/scan.sh ROOT            e.g. bench/scan.sh ~/src/kubernetes-1.20.2
#
# Needs: ctags (universal-ctags), go (golang-go), hyperfine, GNU time. Targets (issue 2, 2-core machine):
# cold scan <= 4x ctags, peak RSS <= 300 MiB, 2 threads >= 1.8x one, cached scan <= 0.5x ctags.
set -euo pipefail
root=$(cd "${1:?usage: bench/scan.sh ROOT}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in ctags go hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
kubewalk="$here/target/release/kubewalk"
(cd "$here/tools/godump" && go build -o "$work/godump" .)

# The same file list kubewalk scans (tests included, no vendor, no folders the Go tool ignores).
(cd "$root" && find . \( -type d \( -name vendor -o -name testdata -o -name '_*' -o -name '.?*' \) -prune \) \
  -o -type f -name '*.go' -print) > "$work/files"
echo "files: $(wc -l < "$work/files"), bytes: $(cd "$root" && tr '\n' '\0' < "$work/files" | xargs -0 cat | wc -c)"

cache="$work/cache"
hyperfine --warmup 1 --runs 5 --export-json "$work/times.json" \
  -n ctags "cd '$root' && ctags -L '$work/files' --languages=Go -f '$work/tags'" \
  -n go-parser "'$work/godump' -include-tests '$root' > /dev/null" \
  -n kubewalk-j2 "'$kubewalk' scan --include-tests --quiet --no-cache -j 2 '$root'" \
  -n kubewalk-j1 "'$kubewalk' scan --include-tests --quiet --no-cache -j 1 '$root'" \
  --prepare "'$kubewalk' scan --include-tests --quiet --cache-dir '$cache' '$root' >/dev/null || true" \
  -n kubewalk-cached "'$kubewalk' scan --include-tests --quiet --cache-dir '$cache' '$root'" >/dev/null

python3 - "$work/times.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
c = r["ctags"]
for name, t in r.items():
    print(f"{name:16} {t:7.2f} s   {t / c:5.2f}x ctags")
print(f"2-thread speed-up: {r['kubewalk-j1'] / r['kubewalk-j2']:.2f}x")
PY

rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS kubewalk cold:   $(( $(rss "$kubewalk" scan --include-tests --quiet --no-cache "$root") / 1024 )) MiB"
echo "peak RSS kubewalk cached: $(( $(rss "$kubewalk" scan --include-tests --quiet --cache-dir "$cache" "$root") / 1024 )) MiB"
echo "peak RSS go parser:       $(( $(rss "$work/godump" -include-tests "$root") / 1024 )) MiB"
