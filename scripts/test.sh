#!/usr/bin/env bash
# Sets up what is missing, builds everything, then runs every test project one after another
# (on two cores, test projects side by side only slow each other's timed tests down).
# Ends with one line: "Tests: N passed, N failed, N skipped".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scripts/setup.sh
echo "[test] building the solution"
dotnet build Platform.sln --verbosity quiet --nologo

results="$repo_root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# One RabbitMQ for every project's fixtures, each in its own virtual host (tests/Platform.Testing/SharedBroker.cs):
# a broker's boot costs each project 8-14 s otherwise. Stopped here, whatever the tests did.
export PLATFORM_TEST_SHARED_BROKER="$(mktemp -d -t platform-broker-XXXXXX)"
stop_shared_broker() {
  if [ -f "$PLATFORM_TEST_SHARED_BROKER/broker.pids" ]; then
    while read -r pid; do kill -KILL -- "-$pid" 2>/dev/null || true; done < "$PLATFORM_TEST_SHARED_BROKER/broker.pids"
  fi
  rm -rf "$PLATFORM_TEST_SHARED_BROKER"
}
trap stop_shared_broker EXIT

status=0
tests_started=$SECONDS
# Test projects only: tests/ also holds support code (Platform.Testing) and sample programs the tests run.
for project in $(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj); do
  name="$(basename "$project" .csproj)"
  echo "[test] $name"
  project_started=$SECONDS
  dotnet test "$project" --no-build --nologo --verbosity quiet \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
  echo "[test] $name: $((SECONDS - project_started)) s"
done
echo "[test] test time: $((SECONDS - tests_started)) s for every project, start-up and fixtures included"

# One summary over all projects, from the TRX counters.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters"); n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${n:-0}))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "[test] no test ran" >&2
  status=1
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
