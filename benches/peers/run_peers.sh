#!/usr/bin/env bash
# maatpact against pyfim, mlxtend, kmodes and scikit-learn on the same synthetic data.
# Not part of CI: it needs PyPI and takes tens of minutes of CPU. See README.md here.
#
#   benches/peers/run_peers.sh [peers.py options]      e.g. --mining-sizes 10000 --skip kmodes
#
# Exits non-zero when the frequent-itemset cross-check (or the ARI cross-check) disagrees.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet -r "$here/requirements.txt"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p maatpact-benches --bin maatpact-peer
binary="$CARGO_TARGET_DIR/release/maatpact-peer"

exec "$venv/bin/python" "$here/peers.py" --binary "$binary" "$@"
