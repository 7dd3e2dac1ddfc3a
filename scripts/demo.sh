#!/usr/bin/env bash
# The seed guide end to end against a running suite (scripts/run.sh --demo starts one and calls this), using only the
# platform command and the services' public APIs:
#   1. Fashion-MNIST (installed by setup) uploaded and validated, a small CNN trained on it with the recipe in
#      examples/fashion-mnist-cnn.yaml, the model promoted and asked about test images it never saw;
#   2. art4apps (folder-per-class JPEGs) uploaded as a folder, the ImageNet-pretrained ResNet-18 adapted to it by
#      feature extraction (examples/art4apps-feature-extraction.yaml), promoted, and asked about a few pictures.
# Watch the runs live in the tracker UI and their traces on the Aspire dashboard while it trains.
# Environment: PLATFORM_INGEST_URL / PLATFORM_TRACKER_URL / PLATFORM_INFERENCE_URL (defaults: localhost 5101-5103),
# DEMO_FASHION_EPOCHS (default 3), DEMO_SKIP_ART4APPS=1 to stop after part 1.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

cli="$repo_root/artifacts/bin/Platform.Cli/debug/platform.dll"
# Incremental: a no-op when the command is up to date, and never a stale command after a change to it.
dotnet build tools/Platform.Cli/Platform.Cli.csproj --verbosity quiet --nologo
platform() { dotnet "$cli" "$@"; }
say() { printf '\n\033[1;36m[demo]\033[0m %s\n' "$*"; }

tracker="${PLATFORM_TRACKER_URL:-http://localhost:5102}"
fashion=/usr/share/datasets/fashion-mnist

say "waiting for ingest, tracker and inference to be ready"
platform status --wait 300 || { echo "[demo] the services are not ready after 5 minutes; is the suite running (scripts/run.sh)?" >&2; exit 3; }

say "watch along: Aspire dashboard http://localhost:15080 (traces, logs, metrics) · tracker UI ${tracker%/}/ (runs, curves, models)"

say "1/2 Fashion-MNIST: upload the 60,000 training images (IDX) — validated, split 80/10/10 per class, written as shards"
platform datasets upload "$fashion/train-images-idx3-ubyte.gz" "$fashion/train-labels-idx1-ubyte.gz" \
  --name fashion-mnist --class-names fashion-mnist --seed 1

say "train the small CNN (AdamW, cosine with warm-up, label smoothing): examples/fashion-mnist-cnn.yaml"
platform runs create --experiment fashion-demo --dataset fashion-mnist --model fashion-cnn \
  --config examples/fashion-mnist-cnn.yaml --set "epochs=${DEMO_FASHION_EPOCHS:-3}" --watch

say "promote the new version to production; the inference service loads it and swaps it in"
platform models promote fashion-cnn latest --alias production

say "predict 200 images of Fashion-MNIST's separate test set, which neither training nor validation saw"
platform predict fashion-cnn --idx "$fashion/t10k-images-idx3-ubyte.gz" "$fashion/t10k-labels-idx1-ubyte.gz" --count 200 --show 10 --class-names fashion-mnist

if [[ "${DEMO_SKIP_ART4APPS:-0}" != "1" ]]; then
  say "2/2 art4apps: upload four folders of JPEGs (one folder per class)"
  pictures="$(mktemp -d)"
  trap 'rm -rf "$pictures"' EXIT
  for class in clothes_n_accessories food fruit_n_veg transport; do
    cp -r ".data/art4apps/$class" "$pictures/"
  done
  platform datasets upload "$pictures" --name art4apps --seed 3

  say "transfer learning: the ImageNet-pretrained ResNet-18, frozen, with a new head (examples/art4apps-feature-extraction.yaml)"
  platform runs create --experiment art4apps-demo --dataset art4apps --model art4apps-resnet18 \
    --config examples/art4apps-feature-extraction.yaml --watch
  platform models promote art4apps-resnet18 latest --alias production
  platform predict art4apps-resnet18 \
    ".data/art4apps/food/$(ls .data/art4apps/food | head -1)" \
    ".data/art4apps/transport/$(ls .data/art4apps/transport | head -1)" \
    ".data/art4apps/fruit_n_veg/$(ls .data/art4apps/fruit_n_veg | head -1)"
fi

say "done. Compare runs with: platform runs list · platform runs compare <id> <id> · the tracker UI at ${tracker%/}/"
