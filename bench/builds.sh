#!/usr/bin/env bash
# Times builds of kubewalk against each other on one tree, in interleaved rounds, for a change whose gain is a
# few percent (an allocator, a linker trick): each build's median and its median ratio to the first's.
#
#   bench/builds.sh ROOT COMMAND BINARY...     e.g. bench/builds.sh ~/src/kubernetes-1.20.2 scan a/kubewalk b/kubewalk
#
# COMMAND is `scan` (cold, tests included) or `diff:REPO:OLD:NEW` (diff --git, cold cache). Also prints each
# build's peak RSS. Needs python3 and GNU time.
#
# Measured 2026-12-01, v1.20.2 with tests, a 2-core Intel Xeon with AVX-512 (see the comment on
# tree_sitter_on_mimalloc in src/main.rs for what the builds were).
set -euo pipefail
root=$(cd "${1:?usage: bench/builds.sh ROOT COMMAND BINARY...}" && pwd)
command=${2:?command}
shift 2
python3 - "$root" "$command" "$@" <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile, time
root, command, *binaries = sys.argv[1:]
work = tempfile.mkdtemp()
def args(binary):
    if command == "scan":
        return [binary, "scan", "--include-tests", "--quiet", "--no-cache", root]
    _, repo, old, new = command.split(":")
    shutil.rmtree(f"{work}/cache", ignore_errors=True)
    return [binary, "diff", "--quiet", "--cache-dir", f"{work}/cache", "--git", repo, old, new,
            "--out", f"{work}/out", "--format", "json"]
def run(binary):
    a = args(binary)
    start = time.perf_counter()
    subprocess.run(a, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start
rounds = []
for i in range(7):
    # Each round starts with the next build: on this machine the run that follows another in a round took about
    # 2% longer (2026-12-07, the same build pair in both orders), which a fixed order adds to one build's ratio.
    times = [0.0] * len(binaries)
    for k in [(i + j) % len(binaries) for j in range(len(binaries))]:
        times[k] = run(binaries[k])
    if i > 0:
        rounds.append(times)
for k, b in enumerate(binaries):
    t = statistics.median(r[k] for r in rounds)
    ratio = statistics.median(r[k] / r[0] for r in rounds)
    rss = subprocess.run(["/usr/bin/time", "-f", "%M", *args(b)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr.strip().splitlines()[-1]
    print(f"{b}: {t:.2f} s, {ratio:.3f}x the first, peak RSS {int(rss) // 1024} MiB")
shutil.rmtree(work, ignore_errors=True)
PY
