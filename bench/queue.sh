#!/usr/bin/env bash
# Benchmark: a million items through a queue. Rust's `queue` lesson, plain
# and tuned, against Python's asyncio.Queue and queue.Queue doing the same.
#
#   bench/queue.sh [ITEMS]      default: 1000000 items in all
#
# Two shapes, 1 producer × 1 consumer and 5 producers × 10 consumers, with
# every sleep 0 s, so that what is measured is the queue and the work around
# each item:
#
#   asyncq:  queue asyncq  --max-sleep 0 --items-per-producer K --quiet [--tuned]
#            bench/python/asyncq.py         (asyncio.Queue, the same flags)
#   threads: queue threads --max-sleep 0 --items-per-producer K --quiet [--tuned]
#            bench/python/threads_queue.py  (queue.Queue with threads)
#
# K is ITEMS / producers. Each program times its own run of producers and
# consumers (not its start-up) and prints `Moved N items in S s: R M
# items/s.`; this script reads that line. One run of each, taking turns per
# shape, so that a busy moment slows one shape of all programs rather than
# one program. The table replaces the "queue" section of docs/benchmarks.md.
# Release build; the binary goes to $CARGO_TARGET_DIR if set, else target/.
# Needs: cargo, python3 (3.9 or newer, standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."
items=${1:-1000000}

echo "building the release binary..." >&2
cargo build --release --quiet -p queue
binary=${CARGO_TARGET_DIR:-target}/release/queue

# Prints the items/s of one run, in millions, from its `Moved ...` line.
rate() {
  local line
  line=$("$@" | grep '^Moved ')
  echo "$line" | sed -E 's/.*: ([0-9.]+) M items\/s\./\1/'
}

results=()
for shape in "1 1" "5 10"; do
  read -r producers consumers <<<"$shape"
  per_producer=$((items / producers))
  flags=(-p "$producers" -c "$consumers" --max-sleep 0 --items-per-producer "$per_producer" --quiet)
  for program in "asyncq plain" "asyncq tuned" "asyncq python" "threads plain" "threads tuned" "threads python"; do
    read -r example version <<<"$program"
    echo "$producers×$consumers: $example, $version" >&2
    case $version in
      plain) measured=$(rate "$binary" "$example" "${flags[@]}" --color never) ;;
      tuned) measured=$(rate "$binary" "$example" "${flags[@]}" --tuned --color never) ;;
      python)
        script=bench/python/asyncq.py
        [ "$example" = threads ] && script=bench/python/threads_queue.py
        measured=$(rate python3 "$script" "${flags[@]}") ;;
    esac
    results+=("$producers×$consumers $example $version $measured")
  done
done

python3 - "$items" "$(uname -srm)" "$(nproc)" "$(python3 --version 2>&1)" "$(rustc --version)" "${results[@]}" \
  <<'PY' | python3 bench/replace_section.py docs/benchmarks.md queue
import sys
items, system, cores, python_version, rustc_version, *raw = sys.argv[1:]
rate = {}
for line in raw:
    shape, example, version, measured = line.split()
    rate[(shape, example, version)] = float(measured)
shapes = ["1×1", "5×10"]
python_name = {"asyncq": "`asyncio.Queue`", "threads": "`queue.Queue`, threads"}
lines = [
    f"Measured by `bench/queue.sh {items}` on {system}, {cores} cores; {rustc_version}; {python_version}.",
    "Release build (`cargo build --release`). One run of each; millions of items per second, higher is better.",
    "",
    "| example | version | " + " | ".join(f"{s}: M items/s" for s in shapes) + " | " + " | ".join(f"{s}: × Python" for s in shapes) + " |",
    "|---|---|" + "---|" * (2 * len(shapes)),
]
for example in ["asyncq", "threads"]:
    for version in ["python", "plain", "tuned"]:
        label = {"python": f"Python, {python_name[example]}", "plain": "Rust, plain port", "tuned": "Rust, `--tuned`"}[version]
        cells = [f"{rate[(s, example, version)]:.3f}" for s in shapes]
        ratios = ["" if version == "python" else f"{rate[(s, example, version)] / rate[(s, example, 'python')]:.1f}×" for s in shapes]
        lines.append(f"| `{example}` | {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
met = all(rate[(s, e, "tuned")] >= 20 * rate[(s, e, "python")] for s in shapes for e in ["asyncq", "threads"])
lines += [
    "",
    "Goal: the tuned versions at least 20× Python's items/s in every shape: "
    + ("met" if met else "**not met**") + " in this run.",
]
print("\n".join(lines))
PY
