#!/usr/bin/env bash
# Benchmark: a million async counters. Rust (tokio) twice, the plain version
# the chapter shows first and the tuned one, against Python (asyncio).
#
#   bench/count.sh [TASKS] [RUNS]      defaults: 1000000 tasks, 3 runs each
#
#   plain:  async-io count --tasks N --quiet           (count.rs, `main_many`)
#   tuned:  async-io count --tasks N --tuned --quiet   (count_tuned.rs)
#   python: bench/python/count_asyncio.py --tasks N --quiet
#
# Each run is measured by /usr/bin/time -v (wall time and peak resident
# memory), taking turns plain, tuned, python, so that all three see the same
# machine: a busy minute then slows one round of all three, not one program.
# Then hyperfine times ten more runs of each Rust version, for the spread
# (the Python side takes half a minute a run, so it gets none). The medians,
# the ratios, the spread and every run replace the "count" section of
# docs/benchmarks.md. Release builds: the debug build is measured by
# bench/dev-profile.sh. The binary goes to $CARGO_TARGET_DIR if set (a
# separate folder keeps the benchmark off a shared target/), else target/.
# Needs: cargo, python3 with venv, GNU time, hyperfine
# (Debian: apt-get install time python3-venv hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
tasks=${1:-1000000}
runs=${2:-3}

command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

echo "building the release binary..." >&2
cargo build --release --quiet -p async-io
binary=${CARGO_TARGET_DIR:-target}/release/async-io
plain=("$binary" count --tasks "$tasks" --quiet --color never)
tuned=("$binary" count --tasks "$tasks" --tuned --quiet --color never)

venv=bench/python/.venv
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv..." >&2
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
python=("$venv/bin/python" bench/python/count_asyncio.py --tasks "$tasks" --quiet)


plain_runs=() tuned_runs=() python_runs=()
for run in $(seq "$runs"); do
  echo "run $run/$runs: rust, plain" >&2
  plain_runs+=("$(measure "${plain[@]}")")
  echo "run $run/$runs: rust, tuned" >&2
  tuned_runs+=("$(measure "${tuned[@]}")")
  echo "run $run/$runs: python" >&2
  python_runs+=("$(measure "${python[@]}")")
done

# One hyperfine per version, each with its own warm-up, so that the JSON
# holds one result per file and the order of the two cannot be mixed up.
spread_plain=$(mktemp) spread_tuned=$(mktemp)
trap 'rm -f "$spread_plain" "$spread_tuned"' EXIT
echo "hyperfine: 10 runs of rust, plain" >&2
hyperfine --runs 10 --warmup 1 -N --export-json "$spread_plain" "${plain[*]}" >/dev/null 2>&1
echo "hyperfine: 10 runs of rust, tuned" >&2
hyperfine --runs 10 --warmup 1 -N --export-json "$spread_tuned" "${tuned[*]}" >/dev/null 2>&1

python3 - "$tasks" "$runs" "$(uname -srm)" "$(nproc)" "$("$venv/bin/python" --version 2>&1)" \
  "$(rustc --version)" "${plain_runs[*]}" "${tuned_runs[*]}" "${python_runs[*]}" \
  "$spread_plain" "$spread_tuned" "$(hyperfine --version)" \
  <<'PY' | python3 bench/replace_section.py docs/benchmarks.md count
import json, statistics, sys
(tasks, runs, system, cores, python_version, rustc_version, plain_raw, tuned_raw, python_raw,
 spread_plain_path, spread_tuned_path, hyperfine_version) = sys.argv[1:]
def parse(raw):
    values = raw.split()
    return [(float(values[i]), int(values[i + 1])) for i in range(0, len(values), 2)]
def spread(path):
    return json.load(open(path))["results"][0]
def median(pairs, index):
    return statistics.median(pair[index] for pair in pairs)
def mib(kib):
    return kib / 1024
programs = {"plain": parse(plain_raw), "tuned": parse(tuned_raw), "python": parse(python_raw)}
wall = {name: median(pairs, 0) for name, pairs in programs.items()}
peak = {name: median(pairs, 1) for name, pairs in programs.items()}
label = {"plain": "Rust, plain", "tuned": "Rust, tuned", "python": "Python"}
def ratio(slower, faster):
    return f"| {label[slower]} ÷ {label[faster].removeprefix('Rust, ')} | {wall[slower] / wall[faster]:.1f}× | {peak[slower] / peak[faster]:.1f}× |"
# The targets the tuned version is written for (count_tuned.rs says so too).
target_wall, target_mib = 2.0, 512
met = wall["tuned"] < target_wall and mib(peak["tuned"]) < target_mib
lines = [
    f"Measured by `bench/count.sh {tasks} {runs}` on {system}, {cores} cores; {rustc_version}; {python_version}.",
    "Both Rust versions are release builds (`cargo build --release`).",
    "",
    "| program | wall time (median) | peak memory (median) |",
    "|---|---|---|",
    f"| Rust, plain: `async-io count --tasks {tasks} --quiet` | {wall['plain']:.2f} s | {mib(peak['plain']):.0f} MiB |",
    f"| Rust, tuned: `async-io count --tasks {tasks} --tuned --quiet` | {wall['tuned']:.2f} s | {mib(peak['tuned']):.0f} MiB |",
    f"| Python, asyncio: `count_asyncio.py --tasks {tasks} --quiet` | {wall['python']:.2f} s | {mib(peak['python']):.0f} MiB |",
    "",
    "| ratio | wall time | peak memory |",
    "|---|---|---|",
    ratio("python", "plain"),
    ratio("python", "tuned"),
    ratio("plain", "tuned"),
    "",
    (f"Targets for the tuned version: under {target_wall:.0f} s and under {target_mib} MiB: "
     + ("met" if met else "**not met**") + f" in this run ({wall['tuned']:.2f} s, {mib(peak['tuned']):.0f} MiB).")
    if tasks == "1000000" else "The targets (under 2 s and 512 MiB for the tuned version) are for 1000000 tasks.",
    "",
    "Every run (wall time, peak memory), in the order they ran:",
    "",
]
for name, pairs in programs.items():
    lines.append(f"- {label[name]}: " + ", ".join(f"{w:.2f} s / {mib(p):.0f} MiB" for w, p in pairs))
lines += ["", f"The spread of the Rust side, from `hyperfine --runs 10 --warmup 1 -N` ({hyperfine_version}):", ""]
for name, path in [("plain", spread_plain_path), ("tuned", spread_tuned_path)]:
    s = spread(path)
    lines.append(f"- {label[name]}: mean {s['mean']:.3f} s ± {s['stddev']:.3f} s, median {s['median']:.3f} s, "
                 f"range {s['min']:.3f} s to {s['max']:.3f} s")
print("\n".join(lines))
PY
