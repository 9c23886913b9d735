#!/usr/bin/env bash
# Benchmark: the pool lesson's methods against their Python originals, and
# how close a parallel map gets to the machine's limits.
#
#   bench/pool.sh [ROWS] [BIG_ROWS] [RUNS]   defaults: 200000, 20000000, 3
#
# 1. At ROWS rows, every method once: `pool compare --rows ROWS` (Rust, the
#    home-made pool and rayon) and bench/python/pool_methods.py (Python's
#    multiprocessing.Pool), side by side.
# 2. At BIG_ROWS rows, `pool map --rows BIG_ROWS --best-of 5` in RUNS
#    processes: the sequential loop against `map` on both pools, each the
#    fastest of five runs (the first run of each also pays for touching its
#    result memory for the first time, which on this virtual machine costs
#    about 2.5 µs per 4 KiB page), and the loop's throughput in rows/s
#    and GB/s (5 bytes read a row) beside the memory bandwidth measured by
#    bench/machine.rs, the physical limit of a loop that streams a table.
# 3. bench/machine.rs also times a bare round trip between two threads over
#    two channels, sleeping and spinning: the least a pool's task can cost.
#
# Every time is the program's own, from the call to the last result: the
# table is made and the pools started before it. Both pools get one worker
# per core (`nproc`), as Python's `mp.Pool(mp.cpu_count())`. Release build.
# After building, the script waits (up to ten minutes) for the 1-minute load
# average to fall below 0.5, so that the builds and whatever else ran are
# over; it writes the load average before and after the measurements into
# docs/benchmarks.md.
# Needs: cargo, rustc, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rows=${1:-200000}
big_rows=${2:-20000000}
runs=${3:-3}
workers=$(nproc)

load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load average[s]*: \([0-9.]*\).*/\1/'; }

echo "building the release binary..." >&2
cargo build --release --quiet -p pool
binary=${CARGO_TARGET_DIR:-target}/release/pool
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
rustc -O --edition 2024 -o "$scratch/machine" bench/machine.rs

for _ in $(seq 60); do
  awk -v load="$(load)" 'BEGIN { exit !(load < 0.5) }' && break
  echo "waiting for a quiet machine (load average $(load))..." >&2
  sleep 10
done
load_before=$(load)
echo "load average (1 min) before: $load_before" >&2

echo "rust: compare --rows $rows" >&2
"$binary" compare --rows "$rows" --workers "$workers" --color never >"$scratch/rust.txt"
echo "python: every method at $rows rows (Pool.apply alone takes half a minute)" >&2
python3 bench/python/pool_methods.py --rows "$rows" --workers "$workers" >"$scratch/python.txt"
for run in $(seq "$runs"); do
  echo "rust: map --rows $big_rows --best-of 5, process $run/$runs" >&2
  "$binary" map --rows "$big_rows" --best-of 5 --workers "$workers" --color never >"$scratch/big-$run.txt"
done
echo "memory bandwidth and thread hand-offs" >&2
"$scratch/machine" >"$scratch/machine.txt"
load_after=$(load)

python3 - "$scratch" "$rows" "$big_rows" "$runs" "$workers" "$(uname -srm)" "$(rustc --version)" \
  "$(python3 --version 2>&1)" "$load_before" "$load_after" \
  <<'PY' | python3 bench/replace_section.py docs/benchmarks.md pool
import re, statistics, sys
scratch, rows, big_rows, runs, workers, system, rustc, python, load_before, load_after = sys.argv[1:]
rows, big_rows, runs, workers = int(rows), int(big_rows), int(runs), int(workers)
UNITS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}
def seconds(text):
    value, unit = text.split()
    return float(value) * UNITS[unit]
def show(s):
    for unit in ("s", "ms", "µs", "ns"):
        if s >= UNITS[unit] or unit == "ns":
            value = s / UNITS[unit]
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"

# Rust's compare table: columns are separated by two spaces or more.
rust = {}
lines = open(f"{scratch}/rust.txt", encoding="utf-8").read().splitlines()
table = [line for line in lines[lines.index(next(l for l in lines if l.startswith("method"))) + 1:]]
for line in table:
    if not line.strip():
        break
    cells = re.split(r"\s{2,}", line.strip())
    method, pool, time = cells[0], cells[2], seconds(cells[4])
    rust[(method, pool)] = time
python_times = dict(line.split() for line in open(f"{scratch}/python.txt"))
python_times = {method: float(value) for method, value in python_times.items()}

order = [("sequential", "plain loop"), ("apply", "Pool.apply"), ("map", "Pool.map"), ("starmap", "Pool.starmap"),
         ("apply-async", "Pool.apply_async + callback"), ("map-async", "Pool.map_async"),
         ("starmap-async", "Pool.starmap_async")]
out = [
    f"Measured by `bench/pool.sh {rows} {big_rows} {runs}` on {system}, {workers} cores; {rustc}; {python}.",
    f"Release build. Load average (1 minute) {load_before} before the run and {load_after} after it.",
    f"Each pool had {workers} workers (Rust: threads; Python: processes).",
    "",
    f"At {rows:,} rows, every method once (each time from the call to the last result; the table made and the pools started before):",
    "",
    "| method | Python original | Rust, home-made pool | Rust, rayon | Python | Python ÷ home-made | Python ÷ rayon |",
    "|---|---|---|---|---|---|---|",
]
faster, apply_ratios = [], []
for method, original in order:
    py = python_times[method]
    if method == "sequential":
        ours = rust[("sequential", "main thread")]
        out.append(f"| `{method}` | {original} | {show(ours)} (the loop) | — | {show(py)} | {py / ours:.0f}× | — |")
        faster.append(ours < py)
        continue
    home, ray = rust[(method, "home-made")], rust[(method, "rayon")]
    out.append(f"| `{method}` | {original} | {show(home)} | {show(ray)} | {show(py)} | {py / home:.0f}× | {py / ray:.0f}× |")
    faster += [home < py, ray < py]
    if method == "apply":
        apply_ratios = [py / home, py / ray]
out += [
    "",
    "Goals: every Rust method faster than its Python twin: " + ("met" if all(faster) else "**not met**")
    + f"; `apply` at least 100× faster than Python's: "
    + ("met" if min(apply_ratios) >= 100 else "**not met**")
    + f" ({apply_ratios[0]:.0f}× on the home-made pool, {apply_ratios[1]:.0f}× on rayon).",
    "",
]

# The big table: the loop and map on both pools, every run.
seq, home, ray = [], [], []
for run in range(1, runs + 1):
    text = open(f"{scratch}/big-{run}.txt", encoding="utf-8").read()
    seq.append(seconds(re.search(r"^sequential loop: (\S+ \S+)", text, re.M).group(1)))
    home.append(seconds(re.search(r"^Pool\.map on the home-made pool \(.*?\): (\S+ \S+)", text, re.M).group(1)))
    ray.append(seconds(re.search(r"^Pool\.map on the rayon pool \(.*?\): (\S+ \S+)", text, re.M).group(1)))
machine = {key: float(value) for key, value in (line.split() for line in open(f"{scratch}/machine.txt"))}
one_thread = machine["read_1"]
all_threads = machine[f"read_{workers}"]
s, h, r = statistics.median(seq), statistics.median(home), statistics.median(ray)
gbs = big_rows * 5 / s / 1e9
out += [
    f"At {big_rows:,} rows, `pool map --rows {big_rows} --best-of 5` in {runs} processes (the median of their fastest runs):",
    "",
    "| | time | speed-up over the loop |",
    "|---|---|---|",
    f"| sequential loop | {show(s)} | 1× |",
    f"| `map`, home-made pool | {show(h)} | {s / h:.2f}× |",
    f"| `map`, rayon | {show(r)} | {s / r:.2f}× |",
    "",
    f"Goal: `map` on both pools at least 1.7× faster than the loop: "
    + ("met" if min(s / h, s / r) >= 1.7 else "**not met**") + ".",
    "",
    f"The loop counted {big_rows / s / 1e6:.0f} million rows/s, reading {gbs:.2f} GB/s of table (5 bytes a row; it also writes 1 byte a row).",
    f"The machine reads {one_thread:.1f} GB/s on one thread and {all_threads:.1f} GB/s on {workers} (`bench/machine.rs`, best of 5 sums over 1 GiB):",
    f"the loop uses {gbs / one_thread:.0%} of one thread's bandwidth"
    + (", so the processor, not the memory, sets its pace, and a second core can share the work."
       if gbs < one_thread / 2 else ", so memory sets its pace, and more cores can add little."),
    "",
    "The fastest run of each process at " + f"{big_rows:,}" + " rows (loop / home-made / rayon):",
    "",
]
out += [f"- {show(a)} / {show(b)} / {show(c)}" for a, b, c in zip(seq, home, ray)]
trips = [f"{show(machine['trip_sleeping'] * 1e-9)} with both threads asleep in `recv` while they wait"]
if "trip_spinning" in machine:
    trips.append(f"{show(machine['trip_spinning'] * 1e-9)} with both checking `try_recv` in a loop")
out += [
    "",
    "A bare round trip between two threads, a number sent over one channel and back over another "
    "(`bench/machine.rs`, 100,000 trips): " + "; ".join(trips) + ". That is the least a pool's task can cost "
    "when someone waits for it.",
]
print("\n".join(out))
PY
