"""pyfim as a user would run it on a maatpact case file: the whole process.

    python mine_whole.py CASES.csv --min-support 0.01 --out itemsets.tsv

Reads the CSV with Python's csv module, splits the `problems` column on `|`, mines every
frequent itemset with pyfim's FP-growth (absolute minimum count, maatpact's rule
count / n >= min support), and writes `itemset<TAB>count` lines sorted, so that the
result can be compared with maatpact's itemsets.csv.
"""
import argparse
import csv
import math

from fim import fpgrowth


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cases")
    parser.add_argument("--min-support", type=float, default=0.01)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.cases, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        problems = header.index("problems")
        transactions = [row[problems].split("|") for row in reader]
    min_count = max(1, math.ceil(args.min_support * len(transactions) - 1e-9))
    found = fpgrowth(transactions, target="s", supp=-min_count, zmin=1, report="a")
    lines = sorted("+".join(sorted(items)) + "\t" + str(count) for items, count in found)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
