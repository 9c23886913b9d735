#!/usr/bin/env bash
# Benchmark: child processes and pipes. Rust (the multiprocess lesson)
# against Python's multiprocessing, with the fork and the spawn start methods.
#
#   bench/multiprocess.sh [CHILDREN] [COUNT] [RUNS]   defaults: 100 children, 1000000 numbers, 3 runs
#
# 1. Start, run and join CHILDREN child processes that each compute n² and
#    send it back:
#      rust:   multiprocess square 1 2 … CHILDREN
#      python: bench/python/square_processes.py --start-method fork|spawn 1 2 … CHILDREN
#    Wall time of the whole program (its start included) and peak memory of
#    the parent, by /usr/bin/time -v (`measure` in bench/lib.sh).
# 2. Push the numbers 1..COUNT through a pipe to one worker process and get
#    their sum back:
#      rust, plain:  multiprocess pipe --count COUNT           (pipe.rs: a JSON line per number)
#      rust, tuned:  multiprocess pipe --count COUNT --tuned   (pipe_tuned.rs: 4096 numbers per line)
#      python:       bench/python/pipe_queue.py --count COUNT --start-method fork|spawn
#    Each program times itself from the first number sent to the sum
#    received (the worker already started) and prints the rate; the script
#    takes that line.
#
# Programs take turns within each run, so that all of them see the same
# machine. The medians, the ratios and every run replace the "multiprocess"
# section of docs/benchmarks.md. Release build. The binary goes to
# $CARGO_TARGET_DIR if set, else target/.
# Needs: cargo, python3 with venv, GNU time (Debian: apt-get install time python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
children=${1:-100}
count=${2:-1000000}
runs=${3:-3}

command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }

echo "building the release binary..." >&2
cargo build --release --quiet -p multiprocess
binary=${CARGO_TARGET_DIR:-target}/release/multiprocess

venv=bench/python/.venv
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv..." >&2
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
python="$venv/bin/python"

numbers=$(seq "$children")
# The rate a pipe program printed: "pipe: N numbers in X s: R M numbers/s".
rate() {
  "$@" | awk '/^pipe: / { for (i = 1; i <= NF; i++) if ($i == "M") print $(i - 1) }'
}

square_rust=() square_fork=() square_spawn=()
pipe_plain=() pipe_tuned=() pipe_fork=() pipe_spawn=()
for run in $(seq "$runs"); do
  echo "run $run/$runs: $children children: rust, python fork, python spawn" >&2
  # shellcheck disable=SC2086 # one argument per number
  square_rust+=("$(measure "$binary" square $numbers --color never)")
  # shellcheck disable=SC2086
  square_fork+=("$(measure "$python" bench/python/square_processes.py --start-method fork $numbers)")
  # shellcheck disable=SC2086
  square_spawn+=("$(measure "$python" bench/python/square_processes.py --start-method spawn $numbers)")
  echo "run $run/$runs: $count numbers through a pipe: rust plain, rust tuned, python fork, python spawn" >&2
  pipe_plain+=("$(rate "$binary" pipe --count "$count" --color never)")
  pipe_tuned+=("$(rate "$binary" pipe --count "$count" --tuned --color never)")
  pipe_fork+=("$(rate "$python" bench/python/pipe_queue.py --count "$count" --start-method fork)")
  pipe_spawn+=("$(rate "$python" bench/python/pipe_queue.py --count "$count" --start-method spawn)")
done

python3 - "$children" "$count" "$runs" "$(uname -srm)" "$(nproc)" "$("$python" --version 2>&1)" \
  "$(rustc --version)" "${square_rust[*]}" "${square_fork[*]}" "${square_spawn[*]}" \
  "${pipe_plain[*]}" "${pipe_tuned[*]}" "${pipe_fork[*]}" "${pipe_spawn[*]}" \
  <<'PY' | python3 bench/replace_section.py docs/benchmarks.md multiprocess
import statistics, sys
(children, count, runs, system, cores, python_version, rustc_version,
 square_rust, square_fork, square_spawn, pipe_plain, pipe_tuned, pipe_fork, pipe_spawn) = sys.argv[1:]
def pairs(raw):
    values = raw.split()
    return [(float(values[i]), int(values[i + 1])) for i in range(0, len(values), 2)]
def rates(raw):
    return [float(value) for value in raw.split()]
square = {"rust": pairs(square_rust), "fork": pairs(square_fork), "spawn": pairs(square_spawn)}
pipe = {"plain": rates(pipe_plain), "tuned": rates(pipe_tuned), "fork": rates(pipe_fork), "spawn": rates(pipe_spawn)}
wall = {name: statistics.median(w for w, _ in runs_) for name, runs_ in square.items()}
peak = {name: statistics.median(p for _, p in runs_) / 1024 for name, runs_ in square.items()}
rate = {name: statistics.median(values) for name, values in pipe.items()}
square_label = {
    "rust": f"Rust: `multiprocess square 1 … {children}`",
    "fork": f"Python, fork: `square_processes.py --start-method fork 1 … {children}`",
    "spawn": f"Python, spawn: `square_processes.py --start-method spawn 1 … {children}`",
}
pipe_label = {
    "plain": f"Rust, plain: `multiprocess pipe --count {count}`",
    "tuned": f"Rust, tuned: `multiprocess pipe --count {count} --tuned`",
    "fork": f"Python, fork: `pipe_queue.py --count {count} --start-method fork`",
    "spawn": f"Python, spawn: `pipe_queue.py --count {count} --start-method spawn`",
}
python_queue = rate["fork"]
square_met = wall["rust"] <= wall["fork"]
lines = [
    f"Measured by `bench/multiprocess.sh {children} {count} {runs}` on {system}, {cores} cores; {rustc_version}; {python_version}.",
    "Rust: release build (`cargo build --release`).",
    "",
    f"**{children} child processes**, each computing n² and sending it back; the whole program, start to exit:",
    "",
    "| program | wall time (median) | parent's peak memory (median) |",
    "|---|---|---|",
]
for name in square:
    lines.append(f"| {square_label[name]} | {wall[name]:.2f} s | {peak[name]:.0f} MiB |")
lines += [
    "",
    f"Python fork ÷ Rust: {wall['fork'] / wall['rust']:.1f}×; Python spawn ÷ Rust: {wall['spawn'] / wall['rust']:.1f}×. "
    f"Goal (Rust at most Python fork's time): " + ("met" if square_met else "**not met**") + " in this run.",
    "",
    f"**{count} numbers through a pipe** to one worker process, and their sum back (timed by each program from the first number to the sum):",
    "",
    "| program | numbers per second (median) |",
    "|---|---|",
]
for name in pipe:
    lines.append(f"| {pipe_label[name]} | {rate[name]:.2f} M/s |")
goal = 10 * python_queue
lines += [
    "",
    f"Rust plain ÷ Python fork: {rate['plain'] / python_queue:.1f}×; Rust tuned ÷ Python fork: {rate['tuned'] / python_queue:.1f}×. "
    f"Goal (ten times Python's queue, here {goal:.2f} M/s; the issue's figure is 2.4 M/s): "
    f"plain {'met' if rate['plain'] >= goal else 'not met'}, tuned {'met' if rate['tuned'] >= goal else '**not met**'}"
    f"{' and above 2.4 M/s' if rate['tuned'] >= 2.4 else ''} in this run.",
    "",
    "Every run, in the order they ran:",
    "",
]
for name, runs_ in square.items():
    lines.append(f"- {square_label[name].split(':')[0]}, {children} children: " + ", ".join(f"{w:.2f} s / {p / 1024:.0f} MiB" for w, p in runs_))
for name, values in pipe.items():
    lines.append(f"- {pipe_label[name].split(':')[0]}, pipe: " + ", ".join(f"{v:.2f} M/s" for v in values))
print("\n".join(lines))
PY
