#!/usr/bin/env bash
# `maatpact mine` against pyfim as whole processes on the same case file: reading, parsing
# and mining, as a user runs them. One run each, in turns, REPEAT times; GNU time gives wall
# time, CPU time and peak memory. Not part of CI (it needs PyPI and a release build).
#
#   benches/peers/mine_whole.sh [CASES] [REPEAT]     default: 1,000,000 synth cases, 5 turns
#
# Exits 1 when the two disagree on any itemset or count.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
cases="${1:-1000000}"
repeat="${2:-5}"
work="${WORK_DIR:-$(mktemp -d)}"

if [[ ! -x "$venv/bin/python" ]]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet "pyfim==6.28"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p maatpact-cli
maatpact="${CARGO_TARGET_DIR:-$root/target}/release/maatpact"

input="$work/cases-$cases.csv"
"$maatpact" synth --preset maatpact --cases "$cases" --seed 42 --out "$input" 2>/dev/null
echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); input $(stat -c %s "$input") bytes, $cases cases"
printf '%-8s %-5s %9s %9s %9s\n' tool turn wall_s cpu_s peak_MiB
for turn in $(seq 1 "$repeat"); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/t-maatpact" \
        "$maatpact" mine "$input" --min-support 0.01 --out "$work/mine-out" 2>/dev/null
    /usr/bin/time -f "%e %U %S %M" -o "$work/t-pyfim" \
        "$venv/bin/python" "$here/mine_whole.py" "$input" --min-support 0.01 --out "$work/pyfim.tsv"
    for tool in maatpact pyfim; do
        read -r wall user sys peak < "$work/t-$tool"
        printf '%-8s %-5s %9.2f %9.2f %9.0f\n' "$tool" "$turn" "$wall" \
            "$(echo "$user + $sys" | bc)" "$(echo "$peak / 1024" | bc)"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# The same itemsets with the same counts.
tail -n +2 "$work/mine-out/itemsets.csv" | awk -F, '{print $1 "\t" $3}' | sort > "$work/maatpact.tsv"
sort "$work/pyfim.tsv" -o "$work/pyfim.tsv"
if cmp -s "$work/maatpact.tsv" "$work/pyfim.tsv"; then
    echo "itemsets agree: $(wc -l < "$work/maatpact.tsv") itemsets"
else
    echo "itemsets differ:"; diff "$work/maatpact.tsv" "$work/pyfim.tsv" | head; exit 1
fi
