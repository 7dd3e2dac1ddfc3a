#!/usr/bin/env bash
# Sets up what is missing, then starts the whole suite from the AppHost and prints the dashboard URL.
# Backing services default to containers where Docker/Podman answers, local processes otherwise;
# override with BackingServices__Mode=containers|processes|external. Stop with Ctrl+C.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

scripts/setup.sh
echo "[run] building the suite"
dotnet build AppHost/Platform.AppHost.csproj --verbosity quiet --nologo

dashboard_url="http://localhost:15080"
printf '\n[run] Aspire dashboard: %s  (no login needed in development)\n\n' "$dashboard_url"
dotnet run --project AppHost/Platform.AppHost.csproj --no-build --launch-profile http &
runner=$!
# `dotnet run` does not pass a SIGTERM on to the AppHost gracefully, and an AppHost killed outright
# leaves its services running: hand the signal to the AppHost itself, which stops everything it started.
trap 'pkill -TERM -P "$runner" 2>/dev/null || true; wait "$runner"' INT TERM
wait "$runner"
