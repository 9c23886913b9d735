#!/usr/bin/env bash
# Benchmark: CPU-bound work on threads. Rust threads against Python's
# threads (one GIL) and Python's processes, each measured against one
# thread of its own language, in the same run.
#
#   bench/cpu.sh [RUST_BELOW] [PYTHON_BELOW] [WORKERS] [RUNS]
#   defaults: 20000000 2000000 2 3
#
#   rust:   threading cpu --below RUST_BELOW --threads WORKERS   (cpu.rs)
#   python: bench/python/cpu_primes.py --below PYTHON_BELOW --workers WORKERS
#
# Both count the primes below a bound by trial division, in blocks of 10,000
# numbers that the workers take one after another. Each program times its
# own runs (1 worker, then WORKERS), without the start of the process; the
# speed-up is the one-worker time over the WORKERS time, per round, and the
# table shows the median of RUNS rounds. Python gets a smaller bound: the
# same work takes it many times as long (the "same work" line measures how
# many). Rounds take turns, rust then python, so that both see the
# same machine. Each round first waits (at most 10 minutes) until the
# processors have been at least 90% idle for 2 seconds, since a machine busy
# with other work cannot show a 2× speed-up on 2 cores; how long the rounds
# waited, and the load average at the start, are written down with the results.
# Release build. Needs: cargo, python3, GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rust_below=${1:-20000000}
python_below=${2:-2000000}
workers=${3:-2}
runs=${4:-3}

command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }

echo "building the release binary..." >&2
cargo build --release --quiet -p threading
binary=${CARGO_TARGET_DIR:-target}/release/threading
rust=("$binary" cpu --below "$rust_below" --threads "$workers" --color never)
rust_same=("$binary" cpu --below "$python_below" --threads "$workers" --color never)
python=(python3 bench/python/cpu_primes.py --below "$python_below" --workers "$workers")

# Waits until the processors were at least 90% idle over 2 s (Linux
# /proc/stat), for at most 10 minutes; prints how many seconds it waited.
wait_for_idle() {
  local waited=0 before after
  while [ "$waited" -lt 600 ]; do
    before=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    sleep 2
    after=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    if awk -v b="$before" -v a="$after" 'BEGIN { split(b, x); split(a, y); exit !((y[1] - x[1]) >= 0.9 * (y[2] - x[2])) }'; then
      echo "$waited"
      return
    fi
    waited=$((waited + 2))
  done
  echo "$waited (still busy)"
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)
rust_runs=() python_runs=() same_runs=() rust_peaks=() waits=()
for run in $(seq "$runs"); do
  echo "run $run/$runs: waiting for an idle machine" >&2
  waits+=("$(wait_for_idle)")
  echo "run $run/$runs: rust, below $rust_below" >&2
  peak=$(measure_to "$out" "${rust[@]}" | cut -d' ' -f2)
  rust_runs+=("$(awk '/ primes in / { printf "%s ", $(NF-1) }' "$out")")
  rust_peaks+=("$peak")
  echo "run $run/$runs: rust, below $python_below (the same work as python)" >&2
  "${rust_same[@]}" >"$out"
  same_runs+=("$(awk '/ primes in / { printf "%s ", $(NF-1) }' "$out")")
  echo "run $run/$runs: python, below $python_below" >&2
  "${python[@]}" >"$out"
  python_runs+=("$(awk '{ printf "%s ", $4 }' "$out")")
done

python3 - "$rust_below" "$python_below" "$workers" "$runs" "$(uname -srm)" "$(nproc)" \
  "$(python3 --version 2>&1)" "$(rustc --version)" "$load" \
  "$(IFS=';'; echo "${rust_runs[*]}")" "$(IFS=';'; echo "${same_runs[*]}")" \
  "$(IFS=';'; echo "${python_runs[*]}")" "${rust_peaks[*]}" "$(IFS=';'; echo "${waits[*]}")" \
  <<'PY' | python3 bench/replace_section.py docs/benchmarks.md cpu
import statistics, sys
(rust_below, python_below, workers, runs, system, cores, python_version, rustc_version, load,
 rust_raw, same_raw, python_raw, peaks_raw, waits_raw) = sys.argv[1:]
def rounds(raw):
    return [[float(value) for value in one.split()] for one in raw.split(";")]
rust, same, python = rounds(rust_raw), rounds(same_raw), rounds(python_raw)
def median(values):
    return statistics.median(values)
def column(table, index):
    return [row[index] for row in table]
# Speed-up per round, then the median: the two times of a round saw the same machine.
rust_speedup = median([one / many for one, many in rust])
threads_speedup = median([row[0] / row[1] for row in python])
processes_speedup = median([row[0] / row[2] for row in python])
goal = 1.8
w = int(workers)
lines = [
    f"Measured by `bench/cpu.sh {rust_below} {python_below} {workers} {runs}` on {system}, {cores} cores "
    f"(load average before the run: {load}); {rustc_version}, release build; {python_version}. "
    f"Seconds each round waited for an idle machine: {', '.join(waits_raw.split(';'))}.",
    "",
    "| program | 1 worker (median) | " + f"{w} workers (median) | speed-up (median of the rounds) |",
    "|---|---|---|---|",
    f"| Rust, {w} threads: `threading cpu --below {rust_below} --threads {w}` | {median(column(rust, 0)):.2f} s | {median(column(rust, 1)):.2f} s | **{rust_speedup:.2f}×** |",
    f"| Python, {w} threads: `cpu_primes.py --below {python_below} --workers {w}` | {median(column(python, 0)):.2f} s | {median(column(python, 1)):.2f} s | **{threads_speedup:.2f}×** |",
    f"| Python, {w} processes (same script; starting the pool is timed too) | {median(column(python, 0)):.2f} s | {median(column(python, 2)):.2f} s | **{processes_speedup:.2f}×** |",
    "",
    (f"Goal for Rust on 2 cores: at least {goal}×: " + ("met" if rust_speedup >= goal else "**not met**")
     + f" in this run ({rust_speedup:.2f}×).") if w == 2 else f"The goal (at least {goal}×) is for 2 workers on 2 cores.",
    "",
    f"The same work, primes below {python_below}, on one worker: Rust {median(column(same, 0)):.3f} s, "
    f"Python {median(column(python, 0)):.2f} s ({median(column(python, 0)) / median(column(same, 0)):.0f}× as long).",
    f"Peak memory of the Rust run (one process, its threads share it): "
    + ", ".join(f"{int(kib) / 1024:.1f} MiB" for kib in peaks_raw.split()) + ".",
    "",
    "Every round (1 worker / workers, in seconds), in the order they ran:",
    "",
    "- Rust: " + ", ".join(f"{one:.2f} / {many:.2f}" for one, many in rust),
    "- Rust, Python's bound: " + ", ".join(f"{one:.3f} / {many:.3f}" for one, many in same),
    "- Python: " + ", ".join(f"{row[0]:.2f} / threads {row[1]:.2f} / processes {row[2]:.2f}" for row in python),
]
print("\n".join(lines))
PY
