#!/usr/bin/env bash
# Benchmark: the distributed lesson's worker against Python's RQ, on the same
# Redis server with the same trivial job, and how long a killed worker's job
# takes to be done again.
#
#   bench/distributed.sh [JOBS] [RUNS]     defaults: 10000 jobs, 3 runs each
#
#   rust:      distributed worker --burst --quiet, 1 and 2 processes
#   rq simple: rq worker --burst --quiet -w rq.worker.SimpleWorker, 1 and 2
#   rq fork:   rq worker --burst --quiet (forks a process per job), 1 worker,
#              on JOBS/10 jobs (it does under a hundred a second)
#
# The job: sleep 0 seconds (Rust: `enqueue sleep 0`; RQ:
# `rq_jobs.nap(0)`), so that what is measured is the queue: taking a job,
# marking it started, running it, storing its result and status. The jobs
# are enqueued first, untimed; the time runs from starting the workers until
# the last one has exited with the queue empty (process start included).
# Rounds take turns (rust 1, rust 2, rq 1, rq 2, rq fork) so that a busy
# minute slows one round of all, not one contender; the medians are kept.
#
# Redo: a worker is killed with SIGKILL while it holds a 1-second job, and a
# second worker is started at once; the time from the kill until the job is
# finished (the job's own second included). RQ is watched for 60 seconds.
#
# A private redis-server on a free loopback port, nothing kept on disk.
# Release build. Results replace the "distributed" section of
# docs/benchmarks.md.
# Needs: cargo, redis-server and redis-cli, python3 with venv
# (Debian: apt-get install redis-server python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-10000}
runs=${2:-3}
fork_jobs=$((jobs / 10))

command -v redis-server >/dev/null || { echo "needs redis-server (apt-get install redis-server)" >&2; exit 1; }

echo "building the release binary..." >&2
cargo build --release --quiet -p distributed
binary=$(realpath "${CARGO_TARGET_DIR:-target}/release/distributed")

venv=bench/python/.venv
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv..." >&2
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
# Not realpath: the venv's python is a link to the system one, and only the
# link's own path finds the venv's packages.
python=$PWD/$venv/bin/python
rq=$PWD/$venv/bin/rq

scratch=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$scratch" \
  --logfile "$scratch/redis.log" --daemonize yes --pidfile "$scratch/redis.pid"
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
url="redis://127.0.0.1:$port"
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")

now() { python3 -c 'import time; print(time.monotonic())'; }

# Starts WORKERS copies of a command, waits for all, prints the seconds.
time_workers() {
  local workers=$1 start end
  shift
  start=$(now)
  for _ in $(seq "$workers"); do "$@" >/dev/null 2>&1 & done
  wait
  end=$(now)
  python3 -c "print(f'{$end - $start:.3f}')"
}

rust_round() {
  local workers=$1 finished
  redis-cli -p "$port" flushall >/dev/null
  REDIS_URL=$url "$binary" enqueue --count "$jobs" sleep 0 >/dev/null
  time_workers "$workers" env REDIS_URL="$url" "$binary" worker --burst --quiet
  finished=$(REDIS_URL=$url "$binary" status --color never | awk '$1 == "finished" { gsub(",", "", $2); print $2 }')
  [ "$finished" = "$jobs" ] || { echo "rust, $workers workers: $finished of $jobs finished" >&2; exit 1; }
}

rq_round() {
  local workers=$1 count=$2 class=$3
  redis-cli -p "$port" flushall >/dev/null
  (cd bench/python && "$python" rq_bench.py "$url" enqueue "$count" 0)
  (cd bench/python && time_workers "$workers" "$rq" worker --burst --quiet -w "$class" --url "$url" --path .)
  left=$(cd bench/python && "$python" rq_bench.py "$url" left)
  [ "$left" = 0 ] || { echo "rq, $workers workers: $left jobs left" >&2; exit 1; }
}

: >"$scratch/times.txt"
# `record NAME COMMAND...`: one timed round; a failed round stops the script.
record() {
  local name=$1 seconds
  shift
  seconds=$("$@" | tail -1)
  echo "$name $seconds" >>"$scratch/times.txt"
}
for run in $(seq "$runs"); do
  echo "run $run/$runs: rust, 1 worker" >&2
  record rust1 rust_round 1
  echo "run $run/$runs: rust, 2 workers" >&2
  record rust2 rust_round 2
  echo "run $run/$runs: rq SimpleWorker, 1 worker" >&2
  record simple1 rq_round 1 "$jobs" rq.worker.SimpleWorker
  echo "run $run/$runs: rq SimpleWorker, 2 workers" >&2
  record simple2 rq_round 2 "$jobs" rq.worker.SimpleWorker
  echo "run $run/$runs: rq forking Worker, 1 worker, $fork_jobs jobs" >&2
  record fork1 rq_round 1 "$fork_jobs" rq.worker.Worker
done

# Redo, Rust: kill a worker holding a 1-second job; a second one finishes it.
for run in $(seq "$runs"); do
  echo "redo $run/$runs: rust" >&2
  redis-cli -p "$port" flushall >/dev/null
  REDIS_URL=$url "$binary" enqueue sleep 1 >/dev/null
  REDIS_URL=$url "$binary" worker --quiet >/dev/null 2>&1 &
  doomed=$!
  until REDIS_URL=$url "$binary" status --job 1 | grep -q started; do sleep 0.01; done
  kill -9 "$doomed"; wait "$doomed" 2>/dev/null || true
  killed=$(now)
  REDIS_URL=$url "$binary" worker --quiet >/dev/null 2>&1 &
  rescuer=$!
  until REDIS_URL=$url "$binary" status --job 1 | grep -q finished; do sleep 0.02; done
  done_at=$(now)
  kill -INT "$rescuer"; wait "$rescuer" || true
  redo=$(python3 -c "print(f'{$done_at - $killed:.2f}')")
  echo "redo_rust $redo" >>"$scratch/times.txt"
done
echo "redo: rq (watched for 60 s)" >&2
redis-cli -p "$port" flushall >/dev/null
rq_redo=$(cd bench/python && "$python" rq_bench.py "$url" redo "$rq" 60)
echo "redo_rq $rq_redo" >>"$scratch/times.txt"
load_after=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")

python3 - "$scratch/times.txt" "$jobs" "$fork_jobs" "$runs" "$(uname -srm)" "$(nproc)" "$(rustc --version)" \
  "$("$python" --version 2>&1)" "$("$python" -c 'import rq; print(rq.__version__)')" \
  "$(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-)" "$load_before" "$load_after" \
  <<'PY' | python3 bench/replace_section.py docs/benchmarks.md distributed
import statistics, sys
path, jobs, fork_jobs, runs, system, cores, rustc, python, rq, redis, load_before, load_after = sys.argv[1:]
jobs, fork_jobs, runs = int(jobs), int(fork_jobs), int(runs)
times = {}
for line in open(path):
    name, *value = line.split()
    times.setdefault(name, []).append(" ".join(value))
def median(name):
    return statistics.median(float(value) for value in times[name])
rate = {name: (fork_jobs if name == "fork1" else jobs) / median(name) for name in ["rust1", "rust2", "simple1", "simple2", "fork1"]}
def every(name):
    return ", ".join(f"{float(value):.2f}" for value in times[name])
rows = [
    ("Rust, 1 worker", "rust1", jobs), ("Rust, 2 workers", "rust2", jobs),
    ("RQ SimpleWorker, 1 worker", "simple1", jobs), ("RQ SimpleWorker, 2 workers", "simple2", jobs),
    ("RQ Worker (forks per job), 1 worker", "fork1", fork_jobs),
]
out = [
    f"Measured by `bench/distributed.sh {jobs} {runs}` on {system}, {cores} cores; {rustc}; {python}, RQ {rq}; "
    f"redis-server {redis} on loopback, nothing kept on disk.",
    f"Release build. Load average (1 minute) {load_before} before the run and {load_after} after it.",
    "",
    "| workers | jobs | seconds (median of " + str(runs) + ") | jobs/s | every run (s) |",
    "|---|---|---|---|---|",
]
for label, name, count in rows:
    out.append(f"| {label} | {count:,} | {median(name):.2f} | {rate[name]:,.0f} | {every(name)} |")
ratio = rate["rust1"] / rate["simple1"]
out += [
    "",
    f"One Rust worker against one RQ SimpleWorker: **{ratio:.0f}×** the jobs per second "
    f"(goal: at least 20×: {'met' if ratio >= 20 else '**not met**'}); two workers against two: "
    f"{rate['rust2'] / rate['simple2']:.0f}×; against RQ's default forking worker: {rate['rust1'] / rate['fork1']:.0f}×.",
    "",
]
redo = [float(value) for value in times["redo_rust"]]
rq_redo = times["redo_rq"][0]
if rq_redo.startswith("never"):
    _, watched, status = rq_redo.split()
    rq_text = f"not redone: after {watched} s the job's status was still `{status}`"
else:
    rq_text = f"redone after {float(rq_redo):.2f} s"
out += [
    "A worker killed with SIGKILL while it holds a 1-second job, a second worker started at once; "
    "seconds from the kill until the job is finished (its own second included):",
    "",
    f"- Rust: {', '.join(f'{value:.2f}' for value in redo)} (median {statistics.median(redo):.2f} s; "
    f"goal: seconds: {'met' if max(redo) < 10 else '**not met**'}).",
    f"- RQ SimpleWorker: {rq_text}.",
]
print("\n".join(out))
PY
