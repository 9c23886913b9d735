#!/usr/bin/env bash
# What optimizing the dependencies does to a learner's debug build. Cargo
# can compile crates.io crates with optimizations while the course's own
# crates stay at opt-level 0, quick to rebuild and easy to step through. It
# costs time in the first, clean build and saves time in every run after it.
# Cargo.toml optimizes tokio alone: `[profile.dev.package.tokio]
# opt-level = 1`.
#
#   bench/dev-profile.sh [RUNS]        default: 3 runs of each program
#
# The builds, in table order:
#
#   committed  Cargo.toml as it is: tokio at opt-level 1, the rest at 0
#   zero       nothing optimized: tokio back at 0 with
#              --config profile.dev.package.tokio.opt-level=0
#   1, 2, 3    every dependency at opt-level N:
#              --config 'profile.dev.package."*".opt-level=N', and tokio's
#              own setting raised to N too (a package's own setting wins
#              over "*", so without it tokio would stay at 1)
#   release    `cargo build --release`, for comparison
#
# For each it measures a clean `cargo build --workspace` (an empty target
# folder each; crates already downloaded, so this measures compiling, not
# the network), then runs the binary on a million counters, plain and tuned,
# under /usr/bin/time -v (wall time and peak resident memory). Settings are
# passed with cargo's --config, which wins over Cargo.toml for the same key,
# so Cargo.toml is not touched; `check` reads cargo's verbose output to make
# sure each setting reached rustc. Prints a Markdown table and replaces the
# "dev-profile" section of docs/benchmarks.md.
# Needs: cargo, GNU time (Debian: apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
runs=${1:-3}
tasks=1000000

command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }

cargo fetch --quiet
targets=$(mktemp -d)
trap 'rm -rf "$targets"' EXIT

# The settings, in table order (see the top of this file). An earlier run
# also tried opt-level 1 for tokio-util, the futures crates and slab beside
# tokio; it gained nothing measurable over tokio alone, so it is not here.
settings=(committed zero 1 2 3 release)

# One clean build of a setting, in its own empty target folder: prints the
# wall seconds. The build is verbose so that `check` can read the flags
# rustc got. In the --config value the `*` must be quoted inside the TOML
# key, so the quotes are part of the argument cargo sees.
build() {
  local setting=$1 log started ended
  local -a cargo_flags
  case $setting in
    committed) cargo_flags=() ;;
    zero) cargo_flags=(--config "profile.dev.package.tokio.opt-level=0") ;;
    release) cargo_flags=(--release) ;;
    *) cargo_flags=(--config "profile.dev.package.\"*\".opt-level=$setting"
                    --config "profile.dev.package.tokio.opt-level=$setting") ;;
  esac
  log=$targets/$setting.log
  started=$(date +%s.%N)
  CARGO_TARGET_DIR="$targets/$setting" cargo build --workspace -v "${cargo_flags[@]}" >/dev/null 2>"$log" ||
    { tail -n 30 "$log" >&2; exit 1; }
  ended=$(date +%s.%N)
  check "$setting" "$log"
  echo "$started $ended" | awk '{ printf "%.0f", $2 - $1 }'
}

# The opt-level rustc was given for crate $2 in the verbose build log $1,
# as "opt-level=N", or "" if none (cargo passes no -C opt-level for 0).
opt_level() {
  grep -o "Running \`[^\`]*--crate-name $2 [^\`]*" "$1" | grep -o 'opt-level=[0-9s]' | head -n 1 || true
}

# Makes sure the setting reached rustc: tokio and clap (dependencies) are
# compiled at the asked opt-level, async-io (the course's own crate) at 0
# unless release.
check() {
  local setting=$1 log=$2 tokio clap own want_tokio want_clap want_own
  tokio=$(opt_level "$log" tokio) clap=$(opt_level "$log" clap_builder) own=$(opt_level "$log" async_io)
  case $setting in
    committed) want_tokio=opt-level=1 want_clap="" want_own="" ;;
    zero) want_tokio="" want_clap="" want_own="" ;;
    release) want_tokio=opt-level=3 want_clap=opt-level=3 want_own=opt-level=3 ;;
    *) want_tokio=opt-level=$setting want_clap=opt-level=$setting want_own="" ;;
  esac
  if [ "$tokio" != "$want_tokio" ] || [ "$clap" != "$want_clap" ] || [ "$own" != "$want_own" ]; then
    echo "setting $setting: tokio got '${tokio:-no opt-level}', clap '${clap:-no opt-level}'," \
      "async-io '${own:-no opt-level}'" >&2
    exit 1
  fi
}


declare -A build_seconds plain_runs tuned_runs
for setting in "${settings[@]}"; do
  echo "clean build: $setting..." >&2
  build_seconds[$setting]=$(build "$setting")
done

# The runs take turns across the settings, so that a busy minute slows one
# round of every setting rather than all the runs of one.
for run in $(seq "$runs"); do
  for setting in "${settings[@]}"; do
    profile=debug
    [ "$setting" = release ] && profile=release
    binary=$targets/$setting/$profile/async-io
    echo "run $run/$runs: $setting, plain and tuned" >&2
    plain_runs[$setting]+="$(measure "$binary" count --tasks "$tasks" --quiet --color never) "
    tuned_runs[$setting]+="$(measure "$binary" count --tasks "$tasks" --tuned --quiet --color never) "
  done
done

report=()
for setting in "${settings[@]}"; do
  report+=("$setting" "${build_seconds[$setting]}" "${plain_runs[$setting]}" "${tuned_runs[$setting]}")
done

python3 - "$runs" "$tasks" "$(nproc)" "$(rustc --version)" "${report[@]}" <<'PY' | python3 bench/replace_section.py docs/benchmarks.md dev-profile
import statistics, sys
runs, tasks, cores, rustc_version, *report = sys.argv[1:]
def parse(raw):
    values = raw.split()
    return [(float(values[i]), int(values[i + 1])) for i in range(0, len(values), 2)]
def median(pairs, index):
    return statistics.median(pair[index] for pair in pairs)
def mib(kib):
    return kib / 1024
rows = [(report[i], int(report[i + 1]), parse(report[i + 2]), parse(report[i + 3])) for i in range(0, len(report), 4)]
names = {
    "committed": "debug, as committed (tokio at opt-level 1)",
    "zero": "debug, nothing optimized (tokio back at 0 via `--config profile.dev.package.tokio.opt-level=0`)",
    **{n: f'debug, every dependency at opt-level {n} (`"*"` and tokio at {n})' for n in "123"},
    "release": "release (`--release`), for comparison",
}
short = {"committed": "as committed (tokio at 1)", "zero": "nothing optimized",
         **{n: f'`"*"` at {n}' for n in "123"}, "release": "release"}
release = next((plain, tuned) for setting, _, plain, tuned in rows if setting == "release")
def cell(pairs, reference):
    wall, peak = median(pairs, 0), median(pairs, 1)
    return f"{wall:.2f} s ({wall / median(reference, 0):.1f}×) / {mib(peak):.0f} MiB"
lines = [
    f"Measured by `bench/dev-profile.sh {runs}` with {cores} cores; {rustc_version}; crates already downloaded.",
    f"Runs: `async-io count --tasks {tasks} --quiet` (plain) and `... --tuned --quiet` (tuned),",
    f"median of {runs} under `/usr/bin/time -v`: wall time (× the release build's) / peak memory.",
    "",
    "| build | clean `cargo build --workspace` | plain | tuned |",
    "|---|---|---|---|",
]
for setting, seconds, plain, tuned in rows:
    lines.append(f"| {names[setting]} | {seconds} s | {cell(plain, release[0])} | {cell(tuned, release[1])} |")
lines += ["", "Every run (wall time, peak memory), in the order they ran, plain then tuned in each round:", ""]
for setting, _, plain, tuned in rows:
    runs_text = lambda pairs: ", ".join(f"{w:.2f} s / {mib(p):.0f} MiB" for w, p in pairs)
    lines.append(f"- {short[setting]}: plain {runs_text(plain)}; tuned {runs_text(tuned)}")
print("\n".join(lines))
PY
