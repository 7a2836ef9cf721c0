"""Rediscovery of planted cocktails by Python peers (issue 16), on the same synthetic files
as `maatpact bench`, scored by the same rule.

For every generator, size and seed it writes the cases with `maatpact synth` (the exact data
`maatpact bench --seed 1` clusters in its repeat `seed - 1`), fits each peer with the true
number of cocktails (as the issue's peers were given), describes each cluster by the
defining-tag rule of `maatpact` (prevalence >= 0.5 and lift >= 1.2, or prevalence >= 0.8),
and counts the planted cocktails found exactly and the clusters of two or more defining tags
that match none. The planted cocktails are read from a 20,000-household sample of the same
generator and seed (the cocktails do not depend on the number of households): the tags that
at least 60% of a true class carry.

Peers: StepMix (latent class analysis, binary measurement, 10 starts), scikit-learn KMeans
(10 starts) and kmodes (Huang, 10 starts).

    python rediscovery.py --maatpact target/release/maatpact --presets skewed,overlap \
        --sizes 51,120,300,1000 --seeds 5 --out results.csv
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np


def read_cases(path):
    problems, truth = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            problems.append([t for t in row["problems"].split("|") if t])
            truth.append(row["true_cluster"])
    return problems, truth


def synth(maatpact, preset, n, seed, directory):
    path = os.path.join(directory, f"{preset}-{n}-{seed}.csv")
    if not os.path.exists(path):
        subprocess.run(
            [maatpact, "synth", "--preset", preset, "--cases", str(n), "--seed", str(seed), "--out", path],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return read_cases(path)


def matrix_of(problems, tags):
    index = {t: i for i, t in enumerate(tags)}
    x = np.zeros((len(problems), len(tags)), dtype=np.int64)
    for r, row in enumerate(problems):
        for t in row:
            x[r, index[t]] = 1
    return x


def defining(x, labels):
    """Per label, the sorted tag indices the maatpact rule calls defining."""
    overall = x.mean(axis=0)
    out = []
    for label in sorted(set(labels)):
        members = x[np.asarray(labels) == label]
        prevalence = members.mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            lift = np.where(overall > 0, prevalence / overall, 0.0)
        keep = (prevalence >= 0.5) & ((lift >= 1.2) | (prevalence >= 0.8))
        out.append(tuple(np.flatnonzero(keep)))
    return out


def planted_sets(maatpact, preset, seed, directory, tags):
    problems, truth = synth(maatpact, preset, 20000, seed, directory)
    x = matrix_of(problems, tags)
    sets = []
    for label in sorted(set(truth) - {"noise"}):
        members = x[np.asarray(truth) == label]
        sets.append(tuple(np.flatnonzero(members.mean(axis=0) >= 0.6)))
    return sets


def score(described, planted):
    found = sum(1 for p in planted if p in described)
    invented = sum(1 for d in described if len(d) >= 2 and d not in planted)
    return found, invented


def peers(x, k, seed):
    from kmodes.kmodes import KModes
    from sklearn.cluster import KMeans
    from stepmix.stepmix import StepMix

    yield "stepmix", StepMix(n_components=k, measurement="binary", n_init=10, random_state=seed, verbose=0, progress_bar=0).fit(x).predict(x)
    yield "sklearn_kmeans", KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)
    yield "kmodes", KModes(n_clusters=k, init="Huang", n_init=10, random_state=seed).fit_predict(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maatpact", required=True)
    parser.add_argument("--presets", default="skewed,keep08,noise20,overlap,random6,no-replacement")
    parser.add_argument("--sizes", default="51,120,300,1000")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from sklearn.metrics import adjusted_rand_score

    directory = tempfile.mkdtemp(prefix="rediscovery-")
    rows = []
    for preset in args.presets.split(","):
        for n in map(int, args.sizes.split(",")):
            for seed in range(1, args.seeds + 1):
                problems, truth = synth(args.maatpact, preset, n, seed, directory)
                big, _ = synth(args.maatpact, preset, 20000, seed, directory)
                tags = sorted({t for row in big + problems for t in row})
                x = matrix_of(problems, tags)
                planted = planted_sets(args.maatpact, preset, seed, directory, tags)
                for name, labels in peers(x, len(planted), seed):
                    found, invented = score(defining(x, labels), planted)
                    rows.append(
                        {
                            "preset": preset,
                            "size": n,
                            "seed": seed,
                            "peer": name,
                            "found": found,
                            "invented": invented,
                            "planted": len(planted),
                            "ari": round(adjusted_rand_score(truth, labels), 4),
                        }
                    )
                print(f"{preset} {n} seed {seed} done", file=sys.stderr)
    with open(args.out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
