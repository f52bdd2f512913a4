#!/usr/bin/env bash
# Times `kubewalk scan --include-tests` on a real tree against two anchors on the same files, in the same run:
# Universal Ctags (`ctags --languages=Go`) and Go's own parser (tools/godump). Also measures the scan that parses
# every body (`--parse full`), the 1- vs 2-thread speed-up, the cached second scan and peak memory.
#
#   bench/scan.sh ROOT            e.g. bench/scan.sh ~/src/kubernetes-1.20.2
#
# Needs: ctags (universal-ctags), go (golang-go), python3, GNU time. Targets (2-core machine): cold scan <= 1.0x
# Go's parser (issue 15; it was 4x ctags in issue 2), peak RSS <= 300 MiB, 2 threads >= 1.8x one, cached scan
# <= 0.5x ctags.
#
# Measured 2026-12-07 (seventh session), v1.20.2 with tests, the 2-core AMD EPYC without AVX-512 in a slow phase
# (ctags 2.97 s): kubewalk 5.74 s, 0.95x Go's parser (6.07 s; met), 1.93x ctags; every body parsed 14.07 s; one
# thread 10.25 s (2 threads 1.79x); cached 1.05 s (0.36x ctags); peak RSS 246 MiB cold (met), 235 MiB cached.
# Measured 2026-12-02, v1.20.2 with tests (8,371 files, 74.8 MB), a 2-core AMD EPYC with AVX-512, medians of
# five rounds: ctags 1.30 s; Go's parser 2.46 s; kubewalk 2.21 s (0.86x Go's parser; 5.83 s, 1.99x, with --parse
# full); one thread 4.23 s (2 threads 1.81x); cached 0.61 s (0.47x ctags); peak RSS 243 MiB cold, 233 MiB cached,
# Go's parser 137 MiB. Earlier the same day, on the project's AMD EPYC without AVX-512: 0.99x Go's parser, 240
# MiB; on 2026-12-01's 2-core Intel Xeon with AVX-512: 0.91x.
set -euo pipefail
root=$(cd "${1:?usage: bench/scan.sh ROOT}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in ctags go python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
kubewalk="$here/target/release/kubewalk"
(cd "$here/tools/godump" && go build -o "$work/godump" .)

# The same file list kubewalk scans (tests included, no vendor, no folders the Go tool ignores).
(cd "$root" && find . \( -type d \( -name vendor -o -name testdata -o -name '_*' -o -name '.?*' \) -prune \) \
  -o -type f -name '*.go' -print) > "$work/files"
echo "files: $(wc -l < "$work/files"), bytes: $(cd "$root" && tr '\n' '\0' < "$work/files" | xargs -0 cat | wc -c)"

# The runs take turns, five rounds after a warm-up, so a machine whose speed drifts (ours does, by up to 30%)
# drifts for all of them alike; each ratio is the median of the rounds' ratios.
cache="$work/cache"
"$kubewalk" scan --include-tests --quiet --cache-dir "$cache" "$root" >/dev/null || true
python3 - "$kubewalk" "$work" "$root" "$cache" <<'PY'
import statistics, subprocess, sys, time
kubewalk, work, root, cache = sys.argv[1:]
runs = {
    "ctags": (["ctags", "-L", f"{work}/files", "--languages=Go", "-f", f"{work}/tags"], root),
    "go-parser": ([f"{work}/godump", "-include-tests", root], None),
    "kubewalk-j2": ([kubewalk, "scan", "--include-tests", "--quiet", "--no-cache", "-j", "2", root], None),
    "kubewalk-full": ([kubewalk, "scan", "--include-tests", "--quiet", "--no-cache", "--parse", "full", root], None),
    "kubewalk-j1": ([kubewalk, "scan", "--include-tests", "--quiet", "--no-cache", "-j", "1", root], None),
    "kubewalk-cached": ([kubewalk, "scan", "--include-tests", "--quiet", "--cache-dir", cache, root], None),
}
def run(args, cwd):
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start
rounds = []
for i in range(6):
    times = {name: run(*spec) for name, spec in runs.items()}
    if i > 0:
        rounds.append(times)
med = statistics.median
for name in runs:
    t = med(r[name] for r in rounds)
    ratio = med(r[name] / r["ctags"] for r in rounds)
    go = med(r[name] / r["go-parser"] for r in rounds)
    print(f"{name:16} {t:7.2f} s   {ratio:5.2f}x ctags   {go:5.2f}x Go's parser")
print(f"2-thread speed-up: {med(r['kubewalk-j1'] / r['kubewalk-j2'] for r in rounds):.2f}x")
PY

rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS kubewalk cold:   $(( $(rss "$kubewalk" scan --include-tests --quiet --no-cache "$root") / 1024 )) MiB"
echo "peak RSS kubewalk cached: $(( $(rss "$kubewalk" scan --include-tests --quiet --cache-dir "$cache" "$root") / 1024 )) MiB"
echo "peak RSS go parser:       $(( $(rss "$work/godump" -include-tests "$root") / 1024 )) MiB"
