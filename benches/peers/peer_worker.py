"""One measurement of one Python peer, run as its own process by peers.py.

Each measurement is a separate process so that peers.py can stop it at a time limit and read
its peak memory (resident set size) from the operating system, and so that one peer's memory
does not count against the next. The worker writes one JSON object to the file given by
--output. Times are wall-clock seconds from time.perf_counter() around the library call only;
reading the input files is not timed (it is not timed for maatpact either). Beside each wall
time, the CPU time of the process over the same span (time.process_time(): all its threads,
not child processes, which is why kmodes is run with n_jobs=1 by default).

    python peer_worker.py pyfim         --input DIR --algo fpgrowth|eclat --min-count M --repeat R --output FILE
    python peer_worker.py mlxtend       --input DIR --min-count M --repeat R --output FILE
    python peer_worker.py kmodes        --input DIR --k 4 --n-init 10 --init Huang|Cao --seed S --n-jobs J --output FILE
    python peer_worker.py agglomerative --input DIR --k 4 --output FILE
"""

import argparse
import json
import os
import sys
import time
import warnings


def read_transactions(directory):
    with open(os.path.join(directory, "transactions.txt")) as file:
        return [[int(item) for item in line.split()] for line in file]


def read_matrix(directory):
    import numpy as np
    import pandas as pd

    frame = pd.read_csv(os.path.join(directory, "matrix.csv"), dtype=np.uint8)
    return frame.columns.tolist(), frame.to_numpy()


def read_truth(directory):
    with open(os.path.join(directory, "truth.txt")) as file:
        return file.read().split()


def package_version(name):
    from importlib.metadata import version

    return version(name)


def itemset_key(items):
    """The same key as maatpact-peer's: sorted tag indices separated by spaces."""
    return " ".join(str(item) for item in sorted(items))


def run_pyfim(args):
    import fim

    transactions = read_transactions(args.input)
    mine = getattr(fim, args.algo)
    seconds, cpu = [], []
    for _ in range(args.repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        # supp < 0 is an absolute minimum count ("at least M transactions"); report='a' gives
        # each itemset's absolute count.
        found = mine(transactions, target="s", supp=-args.min_count, zmin=1, report="a")
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    itemsets = {itemset_key(items): int(count) for items, count in found}
    return {
        "peer": f"pyfim.{args.algo}",
        "version": package_version("pyfim"),
        "n_cases": len(transactions),
        "min_count": args.min_count,
        "n_itemsets": len(itemsets),
        "mine_seconds": seconds,
        "mine_cpu_seconds": cpu,
        "itemsets": itemsets,
    }


def run_mlxtend(args):
    import mlxtend
    import numpy as np
    import pandas as pd
    from mlxtend.frequent_patterns import fpgrowth

    columns, matrix = read_matrix(args.input)
    n_cases = matrix.shape[0]
    # mlxtend keeps an itemset when support >= min_support and also takes
    # ceil(min_support * n) as the count threshold; (M - 0.5) / n makes both mean exactly
    # "count >= M" without floating-point edge cases at count = M.
    min_support = (args.min_count - 0.5) / n_cases
    prepare_seconds, mine_seconds, mine_cpu_seconds = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        frame = pd.DataFrame(matrix.astype(bool), columns=columns)
        prepare_seconds.append(time.perf_counter() - started)
        started, cpu_started = time.perf_counter(), time.process_time()
        found = fpgrowth(frame, min_support=min_support, use_colnames=False)
        mine_seconds.append(time.perf_counter() - started)
        mine_cpu_seconds.append(time.process_time() - cpu_started)
    # Columns are in tag order, so a column position is the tag index.
    itemsets = {
        itemset_key(items): int(round(support * n_cases))
        for support, items in zip(found["support"], found["itemsets"])
    }
    return {
        "peer": "mlxtend.fpgrowth",
        "version": mlxtend.__version__,
        "n_cases": n_cases,
        "min_count": args.min_count,
        "min_support_passed": min_support,
        "n_itemsets": len(itemsets),
        "prepare_seconds": prepare_seconds,
        "mine_seconds": mine_seconds,
        "mine_cpu_seconds": mine_cpu_seconds,
        "itemsets": itemsets,
    }


def run_kmodes(args):
    import kmodes
    from kmodes.kmodes import KModes
    from sklearn.metrics import adjusted_rand_score

    _, matrix = read_matrix(args.input)
    truth = read_truth(args.input)
    model = KModes(
        n_clusters=args.k,
        init=args.init,
        n_init=args.n_init,
        random_state=args.seed,
        n_jobs=args.n_jobs,
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    labels = model.fit_predict(matrix)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "peer": f"kmodes.KModes(init={args.init})",
        "version": kmodes.__version__,
        "n_cases": matrix.shape[0],
        "k": args.k,
        "n_init": args.n_init,
        "n_jobs": args.n_jobs,
        "n_iter": int(model.n_iter_),
        "ari": adjusted_rand_score(truth, labels),
        "seconds": [seconds],
        "cpu_seconds": [cpu],
    }


def run_agglomerative(args):
    import sklearn
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import adjusted_rand_score

    _, matrix = read_matrix(args.input)
    truth = read_truth(args.input)
    data = matrix.astype(bool)
    model = AgglomerativeClustering(n_clusters=args.k, metric="jaccard", linkage="average")
    started, cpu_started = time.perf_counter(), time.process_time()
    labels = model.fit_predict(data)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if args.labels_out:
        with open(args.labels_out, "w") as file:
            file.writelines(f"{label}\n" for label in labels)
    return {
        "peer": "sklearn.AgglomerativeClustering(jaccard, average)",
        "version": sklearn.__version__,
        "n_cases": matrix.shape[0],
        "k": args.k,
        "ari": adjusted_rand_score(truth, labels),
        "seconds": [seconds],
        "cpu_seconds": [cpu],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=["pyfim", "mlxtend", "kmodes", "agglomerative"])
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--algo", default="fpgrowth")
    parser.add_argument("--min-count", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--n-init", type=int, default=10)
    parser.add_argument("--init", default="Huang")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--labels-out")
    args = parser.parse_args()
    # kmodes warns about duplicate centroids on every restart; the warnings are not results.
    warnings.simplefilter("ignore")
    task = {
        "pyfim": run_pyfim,
        "mlxtend": run_mlxtend,
        "kmodes": run_kmodes,
        "agglomerative": run_agglomerative,
    }[args.task]
    result = task(args)
    with open(args.output, "w") as file:
        json.dump(result, file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
