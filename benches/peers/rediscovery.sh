#!/usr/bin/env bash
# Issue 16's benchmark against Python peers, side by side in one run: maatpact's `bench`
# (coreset, lca) and rediscovery.py (StepMix, scikit-learn KMeans, kmodes, given the true
# number of cocktails) on the same synthetic files (`synth --preset P --cases N --seed S`,
# seeds 1..SEEDS), scored by the same defining-tag rule. Not part of CI (PyPI, release build).
#
#   benches/peers/rediscovery.sh [SIZES] [SEEDS] [OUT_DIR]    default: 51,120,300,1000  5  /tmp/rediscovery
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
sizes="${1:-51,120,300,1000}"
seeds="${2:-5}"
out="${3:-/tmp/rediscovery}"
mkdir -p "$out"

if [[ ! -x "$venv/bin/python" ]]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet "stepmix==3.0.0" "kmodes==0.12.2" "scikit-learn==1.9.1" "numpy==2.4.6"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p maatpact-cli
maatpact="${CARGO_TARGET_DIR:-$root/target}/release/maatpact"

"$venv/bin/python" "$here/rediscovery.py" --maatpact "$maatpact" --sizes "$sizes" \
    --seeds "$seeds" --out "$out/peers.csv"
"$maatpact" bench --sizes "$sizes" --preset variants --algorithms coreset,lca --seed 1 \
    --repeats "$seeds" --true-model-cases 0 --out "$out/maatpact" --quiet
"$venv/bin/python" "$here/rediscovery_table.py" "$out/peers.csv" "$out/maatpact/bench.csv"
