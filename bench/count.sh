#!/usr/bin/env bash
# Benchmark: a million async counters, Rust (tokio) against Python (asyncio).
#
#   bench/count.sh [TASKS] [RUNS]      defaults: 1000000 tasks, 3 runs each
#
# Each run is measured by /usr/bin/time -v (wall time and peak resident
# memory), alternating Rust and Python so that both see the same machine.
# Then hyperfine times ten more runs of the Rust side (the Python side takes
# half a minute a run), for the spread. The medians, the spread, and every
# run replace the "count" section of docs/benchmarks.md. Needs: cargo,
# python3 with venv, GNU time, hyperfine
# (Debian: apt-get install time python3-venv hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-1000000}
runs=${2:-3}

command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

echo "building the release binary..." >&2
cargo build --release --quiet -p async-io
rust=(target/release/async-io count --tasks "$tasks" --quiet --color never)

venv=bench/python/.venv
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv..." >&2
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
python=("$venv/bin/python" bench/python/count_asyncio.py --tasks "$tasks" --quiet)

# One measured run: prints "wall_seconds peak_kib".
measure() {
  local report
  report=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$report"
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, part, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + part[i] }
    /Maximum resident set size/ { peak = $2 }
    END { printf "%.2f %d\n", wall, peak }' "$report"
  rm -f "$report"
}

rust_runs=() python_runs=()
for run in $(seq "$runs"); do
  echo "run $run/$runs: rust" >&2
  rust_runs+=("$(measure "${rust[@]}")")
  echo "run $run/$runs: python" >&2
  python_runs+=("$(measure "${python[@]}")")
done

echo "hyperfine: 10 runs of rust" >&2
spread=$(mktemp)
hyperfine --runs 10 --warmup 1 -N --export-json "$spread" "${rust[*]}" >/dev/null 2>&1

python3 - "$tasks" "$runs" "$(uname -srm)" "$(nproc)" "$("$venv/bin/python" --version 2>&1)" \
  "$(rustc --version)" "${rust_runs[*]}" "${python_runs[*]}" "$spread" "$(hyperfine --version)" \
  <<'PY' | python3 bench/replace_section.py docs/benchmarks.md count
import json, statistics, sys
tasks, runs, system, cores, python_version, rustc_version, rust_raw, python_raw, spread_path, hyperfine_version = sys.argv[1:]
spread = json.load(open(spread_path))["results"][0]
def parse(raw):
    values = raw.split()
    return [(float(values[i]), int(values[i + 1])) for i in range(0, len(values), 2)]
rust, python = parse(rust_raw), parse(python_raw)
def median(pairs, index):
    return statistics.median(pair[index] for pair in pairs)
def mib(kib):
    return kib / 1024
rust_wall, python_wall = median(rust, 0), median(python, 0)
rust_peak, python_peak = median(rust, 1), median(python, 1)
lines = [
    f"Measured by `bench/count.sh {tasks} {runs}` on {system}, {cores} cores; {rustc_version}; {python_version}.",
    "",
    "| program | wall time (median) | peak memory (median) |",
    "|---|---|---|",
    f"| Rust, tokio: `async-io count --tasks {tasks} --quiet` | {rust_wall:.2f} s | {mib(rust_peak):.0f} MiB |",
    f"| Python, asyncio: `count_asyncio.py --tasks {tasks} --quiet` | {python_wall:.2f} s | {mib(python_peak):.0f} MiB |",
    f"| Python ÷ Rust | {python_wall / rust_wall:.1f}× | {python_peak / rust_peak:.1f}× |",
    "",
    "Every run (wall time, peak memory), in the order they ran:",
    "",
    "- Rust: " + ", ".join(f"{wall:.2f} s / {mib(peak):.0f} MiB" for wall, peak in rust),
    "- Python: " + ", ".join(f"{wall:.2f} s / {mib(peak):.0f} MiB" for wall, peak in python),
    "",
    f"The spread of the Rust side, from `hyperfine --runs 10 --warmup 1 -N` ({hyperfine_version}):",
    f"mean {spread['mean']:.3f} s ± {spread['stddev']:.3f} s, median {spread['median']:.3f} s,",
    f"range {spread['min']:.3f} s to {spread['max']:.3f} s.",
]
section = "\n".join(lines)
print(section)
PY
