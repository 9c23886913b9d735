#!/usr/bin/env bash
# How long a learner's first build takes: the workspace from an empty target
# folder, then the test build on top of it, as a fresh clone would do them.
#
#   bench/build-times.sh
#
# Crates already downloaded are reused (run `cargo fetch` first): this
# measures compiling, not the network. Prints a Markdown table and replaces
# the "build" section of docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fetch --quiet
target=$(mktemp -d)
trap 'rm -rf "$target"' EXIT

# Prints the wall seconds of one command run with an empty or reused target.
seconds() {
  local started ended
  started=$(date +%s.%N)
  CARGO_TARGET_DIR="$target" "$@" >/dev/null 2>&1
  ended=$(date +%s.%N)
  echo "$started $ended" | awk '{ printf "%.0f", $2 - $1 }'
}

echo "cargo build --workspace (empty target)..." >&2
build=$(seconds cargo build --workspace)
echo "cargo test --workspace (after the build)..." >&2
test_after_build=$(seconds cargo test --workspace --no-run)
rm -rf "$target" && mkdir -p "$target"
echo "cargo test --workspace (empty target)..." >&2
test_clean=$(seconds cargo test --workspace --no-run)

python3 - "$build" "$test_after_build" "$test_clean" "$(nproc)" "$(rustc --version)" <<'PY' | python3 bench/replace_section.py docs/benchmarks.md build
import sys
build, test_after_build, test_clean, cores, rustc_version = sys.argv[1:]
section = "\n".join([
    f"Measured by `bench/build-times.sh` with {cores} cores; {rustc_version}; debug profile, crates already downloaded.",
    "",
    "| what a learner runs first | wall time |",
    "|---|---|",
    f"| `cargo build --workspace`, empty target folder | {build} s |",
    f"| `cargo test --workspace` after that build (compiling the tests) | {test_after_build} s |",
    f"| `cargo test --workspace`, empty target folder (compiling only) | {test_clean} s |",
])
print(section)
PY
