#!/usr/bin/env bash
# Sets up what is missing, then starts the whole suite from the AppHost and prints the dashboard URL.
# Backing services default to containers where Docker/Podman answers, local processes otherwise;
# override with BackingServices__Mode=containers|processes|external. Stop with Ctrl+C.
#
#   scripts/run.sh          the suite, until Ctrl+C
#   scripts/run.sh --demo   the suite, and scripts/demo.sh against it once it is ready (the suite keeps running after)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

demo=false
case "${1:-}" in
  --demo) demo=true ;;
  "") ;;
  *) echo "usage: scripts/run.sh [--demo]" >&2; exit 2 ;;
esac

scripts/setup.sh
echo "[run] building the suite"
dotnet build AppHost/Platform.AppHost.csproj --verbosity quiet --nologo
if $demo; then
  dotnet build tools/Platform.Cli/Platform.Cli.csproj --verbosity quiet --nologo
fi

dashboard_url="http://localhost:15080"
printf '\n[run] Aspire dashboard: %s  (no login needed in development)\n' "$dashboard_url"
printf '[run] tracker UI: http://localhost:5102/   ingest: http://localhost:5101/   inference: http://localhost:5103/\n\n'
dotnet run --project AppHost/Platform.AppHost.csproj --no-build --launch-profile http &
runner=$!
# `dotnet run` does not pass a SIGTERM on to the AppHost gracefully, and an AppHost killed outright
# leaves its services running: hand the signal to the AppHost itself, which stops everything it started.
trap 'pkill -TERM -P "$runner" 2>/dev/null || true; wait "$runner"; exit 130' INT TERM
if $demo; then
  if scripts/demo.sh; then
    printf '\n[run] the demo finished; the suite keeps running (dashboard %s). Ctrl+C stops it.\n' "$dashboard_url"
  else
    printf '\n[run] the demo stopped with an error (above); the suite keeps running for a look at its logs. Ctrl+C stops it.\n' >&2
  fi
fi
wait "$runner"
