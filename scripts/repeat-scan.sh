#!/usr/bin/env bash
# Runs `trailwatch scan` N times over the same input while CPU hogs compete for the cores, and checks that every run
# wrote the same alerts (detectedAt, the wall-clock moment of detection, removed) and the same summary line.
#
#   scripts/repeat-scan.sh [RUNS=50] [HOGS=2] PATH...     e.g. scripts/repeat-scan.sh 50 2 detector/src/main/resources/samples
#
# Exit 0 when all runs agree, 1 otherwise (the differing run's output is kept in the work dir, which is printed).
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-50}"; hogs="${2:-2}"; shift 2 || true
[ "$#" -gt 0 ] || set -- "$home/detector/src/main/resources/samples"
work="$(mktemp -d -t trailwatch-repeat-XXXXXX)"
jar="$home/detector/target/trailwatch.jar"
[ -f "$jar" ] || (cd "$home" && mvn -B -q -DskipTests package)

hog_pids=()
stop_hogs() { for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_hogs EXIT
for _ in $(seq 1 "$hogs"); do
  ( while :; do :; done ) &   # a busy loop per hog: the scan competes for every core
  hog_pids+=("$!")
done

differ=0
for i in $(seq 1 "$runs"); do
  java ${TRAILWATCH_JAVA_OPTS:-} -jar "$jar" scan --out "$work/run-$i.jsonl" "$@" 2> "$work/run-$i.err"
  sed -E 's/"detectedAt":"[^"]*",?//' "$work/run-$i.jsonl" > "$work/run-$i.alerts"
  grep -E '^[0-9]+ events, ' "$work/run-$i.err" > "$work/run-$i.summary"
  if [ "$i" -gt 1 ] && ! { cmp -s "$work/run-1.alerts" "$work/run-$i.alerts" && cmp -s "$work/run-1.summary" "$work/run-$i.summary"; }; then
    echo "run $i differs from run 1 (see $work)"; differ=1
  else
    rm -f "$work/run-$i.jsonl" "$work/run-$i.err"
  fi
  printf 'run %d/%d: %s, %s alerts\n' "$i" "$runs" "$(cat "$work/run-$i.summary")" "$(wc -l < "$work/run-$i.alerts")"
done
if [ "$differ" -eq 0 ]; then
  echo "repeat-scan: all $runs runs identical ($(wc -l < "$work/run-1.alerts") alerts) under $hogs CPU hogs"
  rm -rf "$work"
fi
exit "$differ"
