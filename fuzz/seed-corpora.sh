#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/, not committed) from the repository's fixtures.
# Run from anywhere; existing corpus files are kept.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/fuzz/corpus"
mkdir -p "$corpus"/{numbers,config,validate,csv_reader}

for target in validate csv_reader; do
    for file in "$root"/tests/data/validate/* "$root"/tests/data/bad/* "$root"/data-sample/*.csv; do
        case "$file" in *.expected | *.toml | *.xlsx | *.parquet) continue ;; esac
        [ -f "$file" ] || continue
        # The full samples are large for a fuzzer; their first 40 lines carry every column.
        head -n 40 "$file" >"$corpus/$target/$(basename "$file")"
    done
done

cp "$root"/data-sample/maatpact.toml "$corpus/config/default.toml"
for file in "$root"/tests/data/bad/*.toml; do
    [ -f "$file" ] && cp "$file" "$corpus/config/"
done
printf 'mode = "replace"\n[[tags]]\nid = "a"\nlabel_nl = "A"\nlabel_en = "A"\n' >"$corpus/config/replace.toml"

i=0
for number in 20000 20.000 "€ 20.000" "€20.000,-" 1.354,33 "1 354,33" -500 "− € 1.000,5" 7,5 \
    20,000.50 1354.33 "EUR 90000" "90000 EUR" 1.500 1.2.3 --5 5- 1e5 "€€5" ",-" \
    99999999999999999999 999999999999999 1,234.567 "1.000.000,00" 0 "-0,01"; do
    printf '%s' "$number" >"$corpus/numbers/seed-$i"
    i=$((i + 1))
done
echo "seeded: $(ls "$corpus"/numbers | wc -l) numbers, $(ls "$corpus"/config | wc -l) config, $(ls "$corpus"/validate | wc -l) validate, $(ls "$corpus"/csv_reader | wc -l) csv_reader"
