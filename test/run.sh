#!/usr/bin/env bash
# Runs jest projects one after another, each writing its JSON report to test-results/, and prints
# one summary line `N passed, N failed` over every report of this run. Exit non-zero on any failure.
# Usage: test/run.sh PROJECT...   (unit | integration | ...)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
suffix=${RESULTS_SUFFIX:-}
status=0
for project in "$@"; do
  report="test-results/$project$suffix.json"
  rm -f "$report"
  echo "── jest project: $project (node $(node -v))"
  jest --selectProjects "$project" --json --outputFile="$report" || status=1
  [ -s "$report" ] || { echo "no report from project $project" >&2; status=1; }
done
node test/summarise-results.js test-results/*.json
exit $status
