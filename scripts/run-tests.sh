#!/usr/bin/env bash
# Runs every test suite (xUnit, then the Node interop suite) and ends with one line that sums them:
# "N passed, N failed[, N skipped]". Exits non-zero if any test failed or a suite ran no test.
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet test tests/Provider.Tests --nologo --logger "trx;LogFileName=$results/dotnet.trx" --logger "console;verbosity=normal"
dotnet_status=$?
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/node.tap" tests/interop/
node_status=$?

# The trx counters and node's TAP summary are the runners' own counts.
# A suite that did not run at all (say, it did not build) counts nothing, and its exit status fails the run.
trx_count() { local n; n=$(sed -n "s/.*<Counters [^>]*\b$1=\"\([0-9]*\)\".*/\1/p" "$results/dotnet.trx" 2>/dev/null | head -1); echo "${n:-0}"; }
tap_count() { local n; n=$(sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$results/node.tap" 2>/dev/null | tail -1); echo "${n:-0}"; }
passed=$(( $(trx_count passed) + $(tap_count pass) ))
failed=$(( $(trx_count failed) + $(tap_count fail) + $(tap_count cancelled) ))
skipped=$(( $(trx_count notExecuted) + $(tap_count skipped) + $(tap_count todo) ))
total=$(( passed + failed + skipped ))

# Failed tests come last but one, each with its name and the first lines of its message and stack, so that the
# tail of a long CI log says which failed and why.
awk '
  /<UnitTestResult / { failed = /outcome="Failed"/; if (failed) { name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name); print "FAILED (dotnet) " name; shown = 0 } }
  failed && /<(Message|StackTrace)>/ { inside = 1 }
  failed && inside && shown < 12 { line = $0; gsub(/<\/?(Message|StackTrace|ErrorInfo|Output)>/, "", line); sub(/^ +/, "", line); if (line ~ /[^ ]/) { print "  " line; shown++ } }
  /<\/(Message|StackTrace)>/ { inside = 0 }
  /<\/UnitTestResult>/ { failed = 0 }
' "$results/dotnet.trx" 2>/dev/null | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
grep -E '^not ok ' "$results/node.tap" 2>/dev/null | sed 's/^not ok [0-9]* - /FAILED (node) /'

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$dotnet_status" -eq 0 ] && [ "$node_status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
