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
for model in mnist-convnet mnist-convnet-stride2 mnist-convnet-conv3x3 lenet5; do
  start=$(date +%s)
  node bin/neocog.js train --model "$model" --dataset mnist --data-dir "$DATA" --epochs "$EPOCHS" \
    --batch-size 64 --optimizer sgd --lr 0.05 --momentum 0.9 --schedule cosine --seed 0 \
    --out "$OUT/$model" --quiet | tee "$OUT/$model.train.log"
  end=$(date +%s)
  echo "wall_s=$((end - start))" | tee "$OUT/$model.time"
  node bin/neocog.js eval --weights "$OUT/$model" --dataset mnist --data-dir "$DATA" --split train | tee "$OUT/$model.eval-train.log"
  node bin/neocog.js eval --weights "$OUT/$model" --dataset mnist --data-dir "$DATA" --split test | tee "$OUT/$model.eval-test.log"
done
