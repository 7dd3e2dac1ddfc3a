#!/usr/bin/env bash
# Installs what Platform needs on a fresh Debian/Ubuntu machine. Idempotent: re-running it only
# fills in what is missing. Needs root (or sudo) for the distribution packages.
#
#   scripts/setup.sh            backing services, datasets, Azurite, dotnet restore
#   scripts/setup.sh --no-restore   skip `dotnet restore`
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$repo_root/.tools"
data_dir="$repo_root/.data"
restore=1
for arg in "$@"; do
  case "$arg" in
    --no-restore) restore=0 ;;
    *) echo "setup: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (https://dot.net)." >&2; exit 1; }
command -v npm >/dev/null || apt_install nodejs npm

# Backing services as plain processes (no container engine needed). The packages' own init
# scripts never start them here; the AppHost and the test fixtures start private instances.
apt_install redis-server rabbitmq-server
# Real data for tests and the demo: Fashion-MNIST (IDX) from Debian.
apt_install dataset-fashion-mnist
apt_install chromium  # headless browser for the tracker UI tests (Playwright drives it; no browser download)

# Folder-per-class JPEGs (art4apps) from the pysiogame package, extracted without installing the game.
art_dir="$data_dir/art4apps"
if [ ! -d "$art_dir/animals" ]; then
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  log "extracting art4apps images"
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download pysiogame >/dev/null 2>&1 || as_root apt-get download pysiogame >/dev/null)
  dpkg -x "$tmp"/pysiogame_*.deb "$tmp/root"
  mkdir -p "$data_dir"
  cp -r "$tmp/root/usr/share/games/pysiogame/res/images/art4apps" "$art_dir"
  rm -rf "$tmp"
fi

# Azurite (Azure Blob emulator) from npm into a project-local folder.
if [ ! -x "$tools_dir/azurite/node_modules/.bin/azurite-blob" ]; then
  log "installing azurite into .tools/azurite"
  mkdir -p "$tools_dir/azurite"
  npm install --prefix "$tools_dir/azurite" --no-audit --no-fund --loglevel=error azurite@3.37.0 >/dev/null
fi

# The tracker UI's chart library (uPlot) from npm, as its lock file pins it (no download URLs in it: .npmrc sets
# omit-lockfile-registry-resolved); the tracker serves it from services/Tracker/node_modules, so pages need no build step.
tracker_dir="$repo_root/services/Tracker"
if [ ! -f "$tracker_dir/node_modules/uplot/dist/uPlot.iife.min.js" ]; then
  log "installing the tracker UI's chart library into services/Tracker/node_modules"
  npm ci --prefix "$tracker_dir" --no-audit --no-fund --loglevel=error >/dev/null
fi

if [ $restore -eq 1 ]; then
  log "dotnet restore"
  dotnet restore "$repo_root/Platform.sln" --verbosity quiet
fi
log "done"
