#!/usr/bin/env bash
# Benchmark: the coroutine lesson's home-made event loop against tokio's
# current-thread runtime, on the same futures, and against Python's asyncio.
#
#   bench/loops.sh [TASKS] [RUNS]      defaults: 100000 tasks, 10 runs each
#
#   home:   coroutine example `timers --on home`   (lessons/coroutine/examples/timers.rs)
#   tokio:  coroutine example `timers --on tokio`  (the same `nap` futures)
#   python: bench/python/timers_asyncio.py
#
# Each task is one sleep of 0 to 10 ms, spawned, then awaited in order. Each
# program prints the time from its first spawn to its last task's end (not
# counting the start of the process); GNU time gives the peak memory. The
# three take turns, home, tokio, python, so that all see the same machine.
# Medians and ratios replace the "loops" section of docs/benchmarks.md.
# Release build; the binary goes to $CARGO_TARGET_DIR if set, else target/.
# Needs: cargo, python3 with venv, GNU time (Debian: apt-get install time python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
tasks=${1:-100000}
runs=${2:-10}

command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }

echo "building the release binary..." >&2
cargo build --release --quiet -p coroutine --example timers
binary=${CARGO_TARGET_DIR:-target}/release/examples/timers
home=("$binary" --on home --tasks "$tasks")
tokio=("$binary" --on tokio --tasks "$tasks")

venv=bench/python/.venv
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv..." >&2
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
python=("$venv/bin/python" bench/python/timers_asyncio.py --tasks "$tasks")

printed=$(mktemp)
trap 'rm -f "$printed"' EXIT
# One run: "own_seconds wall_seconds peak_kib".
run() {
  local measured own
  measured=$(measure_to "$printed" "$@")
  own=$(awk '/ in [0-9.]+ s$/ { print $(NF - 1) }' "$printed")
  [ -n "$own" ] || { echo "no time printed by: $*" >&2; exit 1; }
  echo "$own $measured"
}

load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
home_runs=() tokio_runs=() python_runs=()
for round in $(seq "$runs"); do
  echo "run $round/$runs: home-made loop" >&2
  home_runs+=("$(run "${home[@]}")")
  echo "run $round/$runs: tokio" >&2
  tokio_runs+=("$(run "${tokio[@]}")")
  echo "run $round/$runs: python" >&2
  python_runs+=("$(run "${python[@]}")")
done
load_after=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")

python3 - "$tasks" "$runs" "$(uname -srm)" "$(nproc)" "$("$venv/bin/python" --version 2>&1)" \
  "$(rustc --version)" "$load_before" "$load_after" "${home_runs[*]}" "${tokio_runs[*]}" "${python_runs[*]}" \
  <<'PY' | python3 bench/replace_section.py docs/benchmarks.md loops
import statistics, sys
(tasks, runs, system, cores, python_version, rustc_version, load_before, load_after,
 home_raw, tokio_raw, python_raw) = sys.argv[1:]
def parse(raw):
    values = raw.split()
    return [(float(values[i]), float(values[i + 1]), int(values[i + 2])) for i in range(0, len(values), 3)]
programs = {"home": parse(home_raw), "tokio": parse(tokio_raw), "python": parse(python_raw)}
label = {"home": "Rust, the home-made loop", "tokio": "Rust, tokio's current-thread runtime", "python": "Python, asyncio"}
command = {
    "home": f"`timers --on home --tasks {tasks}`",
    "tokio": f"`timers --on tokio --tasks {tasks}`",
    "python": f"`timers_asyncio.py --tasks {tasks}`",
}
own = {name: statistics.median(run[0] for run in pairs) for name, pairs in programs.items()}
wall = {name: statistics.median(run[1] for run in pairs) for name, pairs in programs.items()}
peak = {name: statistics.median(run[2] for run in pairs) / 1024 for name, pairs in programs.items()}
def ratio(slower, faster):
    return (f"| {label[slower]} ÷ {label[faster]} | {own[slower] / own[faster]:.1f}× "
            f"| {peak[slower] / peak[faster]:.1f}× |")
lines = [
    f"Measured by `bench/loops.sh {tasks} {runs}` on {system}, {cores} cores; {rustc_version}; {python_version}.",
    f"Release build. Load average (1 min) before the runs: {load_before}; after: {load_after}.",
    "",
    f"| program | spawn to last end (median of {runs}) | process wall time | peak memory |",
    "|---|---|---|---|",
]
for name in programs:
    lines.append(f"| {label[name]}: {command[name]} | {own[name]:.3f} s | {wall[name]:.2f} s | {peak[name]:.0f} MiB |")
lines += [
    "",
    "| ratio | spawn to last end | peak memory |",
    "|---|---|---|",
    ratio("home", "tokio"),
    ratio("python", "home"),
    ratio("python", "tokio"),
    "",
    "Every run (spawn to last end, peak memory), in the order they ran:",
    "",
]
for name, pairs in programs.items():
    lines.append(f"- {label[name]}: " + ", ".join(f"{o:.3f} s / {p / 1024:.0f} MiB" for o, _, p in pairs))
print("\n".join(lines))
PY
