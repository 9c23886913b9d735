# Helpers the benchmark scripts share. Source it from the repository root:
#
#   source bench/lib.sh

# One measured run of a command under GNU time: prints "wall_seconds
# peak_kib"; the command's own output is dropped. A program that fails stops
# the calling script (set -e): a crashed run is not a fast one.
measure() {
  measure_to /dev/null "$@"
}

# The same, keeping the command's standard output in the file OUT, for
# programs that report a time of their own:
#
#   measure_to OUT command args...
measure_to() {
  local out=$1 report
  shift
  report=$(mktemp)
  /usr/bin/time -v "$@" >"$out" 2>"$report"
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, part, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + part[i] }
    /Maximum resident set size/ { peak = $2 }
    END { printf "%.2f %d\n", wall, peak }' "$report"
  rm -f "$report"
}
