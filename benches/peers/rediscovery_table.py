"""The side-by-side table of rediscovery.sh: per generator and size, each method's mean
cocktails found / mean invented / runs with all found and none invented, and mean ARI.

    python rediscovery_table.py PEERS_CSV MAATPACT_BENCH_CSV
"""

import collections
import csv
import sys


def load(peers_path, bench_path):
    cells = collections.defaultdict(list)
    with open(peers_path, newline="") as f:
        for r in csv.DictReader(f):
            cells[(r["preset"], int(r["size"]), r["peer"])].append(
                (int(r["found"]), int(r["invented"]), int(r["planted"]), float(r["ari"]))
            )
    with open(bench_path, newline="") as f:
        for r in csv.DictReader(f):
            if r["algorithm"] not in ("coreset", "lca", "true_grouping") or r["recovered"] == "":
                continue
            ari = float(r["ari"]) if r["ari"] else float("nan")
            cells[(r["preset"], int(r["size"]), "maatpact " + r["algorithm"])].append(
                (int(r["recovered"]), int(r["invented"]), int(r["planted"]), ari)
            )
    return cells


def main():
    cells = load(sys.argv[1], sys.argv[2])
    methods = ["maatpact coreset", "maatpact lca", "stepmix", "sklearn_kmeans", "kmodes", "maatpact true_grouping"]
    print("| generator | households | " + " | ".join(methods) + " |")
    print("|---|---:|" + "---|" * len(methods))
    for preset, size in sorted({(p, n) for p, n, _ in cells}):
        out = []
        for m in methods:
            runs = cells.get((preset, size, m), [])
            if not runs:
                out.append("")
                continue
            found = sum(r[0] for r in runs) / len(runs)
            invented = sum(r[1] for r in runs) / len(runs)
            perfect = sum(1 for r in runs if r[0] == r[2] and r[1] == 0)
            ari = sum(r[3] for r in runs) / len(runs)
            out.append(f"{found:.1f} / {invented:.1f} / {perfect}/{len(runs)}, ARI {ari:.2f}")
        print(f"| {preset} | {size} | " + " | ".join(out) + " |")


if __name__ == "__main__":
    main()
