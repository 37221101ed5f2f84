#!/usr/bin/env bash
# Runs jest projects one after another, each writing its JSON report to test-results/, and prints
# one summary line `N passed, N failed` over every report of this run. Exit non-zero on any failure.
# Usage: test/run.sh PROJECT...   (unit | integration | ...)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
suffix=${RESULTS_SUFFIX:-}
status=0
# A project whose report is written but whose jest does not exit has left a client or a process running: it is
# stopped after a grace period and counts as failed, so that one leak cannot hold the whole run until CI's limit.
# Each jest runs in its own process group, so that stopping it stops what its suites started too.
EXIT_GRACE_S=${EXIT_GRACE_S:-60}
pid=
trap '[ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null; exit 130' INT TERM
run_project() {
  local project=$1 report=$2 waited=0
  setsid jest --selectProjects "$project" --json --outputFile="$report" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ -s "$report" ]; then
      waited=$((waited + 1))
      if [ "$waited" -gt "$EXIT_GRACE_S" ]; then
        echo "jest project $project did not exit ${EXIT_GRACE_S} s after writing its report: stopped, counted as failed" >&2
        kill -TERM -- "-$pid" 2>/dev/null
        wait "$pid"
        echo '{"numPassedTests":0,"numFailedTests":1,"testResults":[]}' >"${report%.json}.did-not-exit.json"
        return 1
      fi
    fi
    sleep 1
  done
  wait "$pid"
}
for project in "$@"; do
  report="test-results/$project$suffix.json"
  rm -f "$report" "${report%.json}.did-not-exit.json"
  echo "── jest project: $project (node $(node -v))"
  run_project "$project" "$report" || status=1
  [ -s "$report" ] || { echo "no report from project $project" >&2; status=1; }
done
node test/summarise-results.js test-results/*.json
exit $status
