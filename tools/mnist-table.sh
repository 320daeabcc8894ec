#!/usr/bin/env bash
# Reproduces the EPFL lecture's MNIST table (and LeNet-5) on full MNIST (60k/10k) with the neocog CLI.
# Usage: bash tools/mnist-table.sh [epochs] [data-dir]   (results in .neocog/results/, summarised in docs/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-10}
DATA=${2:-../shared/datasets/mnist}
OUT=.neocog/results
mkdir -p "$OUT"
npm run build --silent
node -e "import('./dist/index.js').then(m => console.log('backend:', m.backend()))" | tee "$OUT/backend.txt"
# run NAME EPOCHS [extra train options...]: train, time it, then evaluate on both splits.
run() {
  local name=$1 epochs=$2; shift 2
  local start; start=$(date +%s)
  node bin/neocog.js train --dataset mnist --data-dir "$DATA" --epochs "$epochs" \
    --batch-size 64 --optimizer sgd --lr 0.05 --momentum 0.9 --schedule cosine --seed 0 \
    --out "$OUT/$name" --quiet "$@" | tee "$OUT/$name.train.log"
  echo "wall_s=$(($(date +%s) - start))" | tee "$OUT/$name.time"
  node bin/neocog.js eval --weights "$OUT/$name" --dataset mnist --data-dir "$DATA" --split train | tee "$OUT/$name.eval-train.log"
  node bin/neocog.js eval --weights "$OUT/$name" --dataset mnist --data-dir "$DATA" --split test | tee "$OUT/$name.eval-test.log"
}
for model in mnist-convnet mnist-convnet-stride2 mnist-convnet-conv3x3 lenet5; do
  run "$model" "$EPOCHS" --model "$model"
done
# LeNet-5 with ReLU and random-crop augmentation (the tanh version above stops just short of 99%).
run lenet5-relu-crop 12 --model lenet5 --model-options '{"activation":"relu"}' --augment crop
