"""maatpact against its Python peers, on the same synthetic data in the same run.

1. Frequent itemsets: maatpact vs pyfim (Borgelt's C code: fpgrowth and eclat) vs mlxtend
   fpgrowth. All three use the same absolute minimum count; the run fails (exit 1) unless they
   report the same itemsets with the same counts.
2. k-modes: maatpact vs Python's kmodes package (k = 4, n_init = 10), adjusted Rand index
   against the planted truth, beside the oracle's.
3. Average-linkage Jaccard clustering: maatpact hierarchical vs scikit-learn's
   AgglomerativeClustering, up to the size that fits in memory.

Run through run_peers.sh, which makes the virtual environment and builds the Rust binary.
Every measurement runs in its own process, so that it can be stopped at a time limit and its
peak resident memory read by GNU time (/usr/bin/time). Tables are printed as Markdown
and written with the raw figures to --work-dir.
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "peer_worker.py")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True, help="the built maatpact-peer binary")
    parser.add_argument("--work-dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "maatpact-peers"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--extra-tags", type=int, default=8, help="22 vocabulary tags + 8 = 30 tags")
    parser.add_argument("--mining-sizes", default="10000,100000,1000000")
    parser.add_argument("--supports", default="0.01,0.05")
    parser.add_argument("--noise-sizes", default="10000", help="cross-check also on the noise preset")
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the fast measurements")
    parser.add_argument("--mlxtend-repeat", type=int, default=1)
    parser.add_argument("--mlxtend-timeout", type=float, default=600)
    parser.add_argument("--kmodes-sizes", default="10000,100000,1000000")
    parser.add_argument("--kmodes-timeout", type=float, default=900)
    parser.add_argument("--kmodes-n-jobs", type=int, default=2)
    parser.add_argument("--kmodes-cao-sizes", default="10000", help="also run Python kmodes with Cao init")
    parser.add_argument("--agglomerative-sizes", default="2000,5000,10000,20000,40000,100000")
    parser.add_argument("--agglomerative-timeout", type=float, default=900)
    parser.add_argument(
        "--memory-share",
        type=float,
        default=0.6,
        help="run scikit-learn's agglomerative clustering only when its estimated peak "
        "(two condensed distance matrices, 8 n^2 bytes) is below this share of MemAvailable",
    )
    parser.add_argument("--hierarchical-sizes", default="2000,5000,10000,20000,100000,1000000")
    parser.add_argument("--skip", default="", help="comma list of: mining,kmodes,agglomerative")
    return parser.parse_args()


def sizes(text):
    return [int(part) for part in text.split(",") if part.strip()]


class Measurement:
    """The outcome of one process: its JSON, whether it finished, and its peak memory."""

    def __init__(self, status, result, wall_seconds, peak_rss_mib, detail=""):
        self.status = status  # "ok", "timeout" or "failed"
        self.result = result
        self.wall_seconds = wall_seconds
        self.peak_rss_mib = peak_rss_mib
        self.detail = detail


def run_process(command, output_path, timeout, stdout_is_output=False):
    """Runs one measurement process, stops it at `timeout` seconds, reads its peak memory.

    The peak resident set size comes from GNU time (`/usr/bin/time -f %M`), which forks the
    measured program from its own small image: a child forked straight from this driver would
    count the driver's memory until it execs.
    """
    for path in (output_path, output_path + ".rss"):
        if os.path.exists(path):
            os.remove(path)
    stderr_path = output_path + ".stderr"
    rss_path = output_path + ".rss"
    command = ["/usr/bin/time", "-f", "%M", "-o", rss_path] + command
    started = time.perf_counter()
    with open(stderr_path, "w") as stderr, open(output_path if stdout_is_output else os.devnull, "w") as stdout:
        # A session of its own, so that a timeout stops the measured program and not only time.
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            wall = time.perf_counter() - started
            return Measurement("timeout", None, wall, None, f"stopped after {timeout:.0f} s")
    wall = time.perf_counter() - started
    peak = None
    if os.path.exists(rss_path):
        with open(rss_path) as file:
            last = file.read().strip().splitlines()
        if last and last[-1].isdigit():
            peak = int(last[-1]) / 1024  # kilobytes
    if process.returncode != 0:
        with open(stderr_path) as file:
            tail = file.read().strip().splitlines()[-3:]
        return Measurement("failed", None, wall, peak, " | ".join(tail))
    with open(output_path) as file:
        result = json.load(file)
    return Measurement("ok", result, wall, peak)


def worker(task, arguments, output_path, timeout):
    command = [sys.executable, WORKER, task, "--output", output_path] + arguments
    return run_process(command, output_path, timeout)


def rust(binary, arguments, output_path, timeout=None):
    return run_process([binary] + arguments, output_path, timeout, stdout_is_output=True)


def best(values):
    return min(values) if values else None


def fmt_seconds(value):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.2f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.4f}"


def fmt_mib(value):
    return "–" if value is None else f"{value:.0f}"


def fmt_ratio(numerator, denominator):
    if numerator is None or denominator is None or denominator == 0:
        return "–"
    ratio = numerator / denominator
    return f"{ratio:.0f}×" if ratio >= 100 else f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"


def dataset(args, preset, n_cases):
    """Exports one data set (once per work directory) and returns its directory."""
    directory = os.path.join(args.work_dir, f"{preset}-seed{args.seed}-extra{args.extra_tags}-n{n_cases}")
    meta_path = os.path.join(directory, "meta.json")
    if not os.path.exists(meta_path):
        command = [
            args.binary, "export", "--preset", preset, "--cases", str(n_cases),
            "--seed", str(args.seed), "--extra-tags", str(args.extra_tags), "--out", directory,
        ]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(meta_path) as file:
        return directory, json.load(file)


def compare_itemsets(reference, other):
    """The itemsets whose counts differ, as (itemset, reference count, other count)."""
    keys = set(reference) | set(other)
    return sorted(
        (key, reference.get(key), other.get(key))
        for key in keys
        if reference.get(key) != other.get(key)
    )


def mining(args, log):
    rows = []
    failures = []
    runs = [("maatpact", n) for n in sizes(args.mining_sizes)] + [("noise", n) for n in sizes(args.noise_sizes)]
    for preset, n_cases in runs:
        directory, meta = dataset(args, preset, n_cases)
        for support in [float(s) for s in args.supports.split(",")]:
            tag = f"{preset}-n{n_cases}-s{support}"
            out = lambda name: os.path.join(args.work_dir, f"mine-{tag}-{name}.json")
            ours = rust(args.binary, ["mine", "--input", directory, "--min-support", str(support), "--repeat", str(args.repeat)], out("maatpact"))
            if ours.status != "ok":
                raise SystemExit(f"maatpact mine failed on {tag}: {ours.detail}")
            min_count = ours.result["min_count"]
            peers = {}
            for algo in ["fpgrowth", "eclat"]:
                peers[f"pyfim.{algo}"] = worker(
                    "pyfim",
                    ["--input", directory, "--algo", algo, "--min-count", str(min_count), "--repeat", str(args.repeat)],
                    out(f"pyfim-{algo}"),
                    None,
                )
            peers["mlxtend"] = worker(
                "mlxtend",
                ["--input", directory, "--min-count", str(min_count), "--repeat", str(args.mlxtend_repeat)],
                out("mlxtend"),
                args.mlxtend_timeout,
            )
            agreement = {}
            for name, measurement in peers.items():
                if measurement.status != "ok":
                    agreement[name] = measurement.status
                    continue
                differences = compare_itemsets(ours.result["itemsets"], measurement.result["itemsets"])
                agreement[name] = "yes" if not differences else f"NO ({len(differences)} differ)"
                if differences:
                    failures.append((tag, name, differences[:10]))
            row = {
                "preset": preset,
                "n_cases": n_cases,
                "n_profiles": meta["n_profiles"],
                "min_support": support,
                "min_count": min_count,
                "n_itemsets": ours.result["n_itemsets"],
                "peer_n_itemsets": {name: m.result["n_itemsets"] if m.result else None for name, m in peers.items()},
                "agreement": agreement,
                "maatpact_matrix_seconds": ours.result["matrix_seconds"],
                "maatpact_mine_seconds": ours.result["mine_seconds"],
                "maatpact_peak_rss_mib": ours.peak_rss_mib,
                "peers": {
                    name: {
                        "status": m.status,
                        "detail": m.detail,
                        "mine_seconds": m.result["mine_seconds"] if m.result else None,
                        "prepare_seconds": m.result.get("prepare_seconds") if m.result else None,
                        "peak_rss_mib": m.peak_rss_mib,
                        "wall_seconds": m.wall_seconds,
                    }
                    for name, m in peers.items()
                },
            }
            rows.append(row)
            log(f"mining {tag}: {ours.result['n_itemsets']} itemsets, agreement {agreement}")
    return rows, failures


def mining_table(rows):
    lines = [
        "| preset | cases | min support | min count | itemsets | pyfim fpgrowth | pyfim eclat | mlxtend | "
        "maatpact matrix s | maatpact mine s | maatpact total s | pyfim fpgrowth s | pyfim eclat s | mlxtend s | "
        "best pyfim ÷ maatpact | mlxtend ÷ maatpact |",
        "|---|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        matrix = best(row["maatpact_matrix_seconds"])
        mine = best(row["maatpact_mine_seconds"])
        # The total of the best matrix and best mining time: both are taken over the same repeats.
        total = matrix + mine
        peer_time = {
            name: best(peer["mine_seconds"]) if peer["mine_seconds"] else None
            for name, peer in row["peers"].items()
        }
        pyfim_best = min(t for name, t in peer_time.items() if name.startswith("pyfim") and t is not None)
        cells = []
        for name in ["pyfim.fpgrowth", "pyfim.eclat", "mlxtend"]:
            status = row["agreement"][name]
            cells.append(status if status in ("yes",) or status.startswith("NO") else f"{status}")
        mlxtend_cell = fmt_seconds(peer_time["mlxtend"])
        if row["peers"]["mlxtend"]["status"] == "timeout":
            mlxtend_cell = f"> {row['peers']['mlxtend']['wall_seconds']:.0f} (stopped)"
        lines.append(
            f"| {row['preset']} | {row['n_cases']:,} | {row['min_support']} | {row['min_count']:,} | {row['n_itemsets']} | "
            + " | ".join(cells)
            + f" | {fmt_seconds(matrix)} | {fmt_seconds(mine)} | {fmt_seconds(total)} | "
            f"{fmt_seconds(peer_time['pyfim.fpgrowth'])} | {fmt_seconds(peer_time['pyfim.eclat'])} | {mlxtend_cell} | "
            f"{fmt_ratio(pyfim_best, total)} | {fmt_ratio(peer_time['mlxtend'], total)} |"
        )
    return "\n".join(lines)


def memory_table(rows):
    lines = [
        "| preset | cases | min support | maatpact peak RSS MiB | pyfim fpgrowth MiB | pyfim eclat MiB | mlxtend MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        peers = row["peers"]
        lines.append(
            f"| {row['preset']} | {row['n_cases']:,} | {row['min_support']} | {fmt_mib(row['maatpact_peak_rss_mib'])} | "
            f"{fmt_mib(peers['pyfim.fpgrowth']['peak_rss_mib'])} | {fmt_mib(peers['pyfim.eclat']['peak_rss_mib'])} | "
            f"{fmt_mib(peers['mlxtend']['peak_rss_mib'])} |"
        )
    return "\n".join(lines)


def sklearn_ari(truth_path, labels_path):
    from sklearn.metrics import adjusted_rand_score

    with open(truth_path) as file:
        truth = file.read().split()
    with open(labels_path) as file:
        labels = file.read().split()
    return adjusted_rand_score(truth, labels)


def maatpact_cluster(args, directory, algorithm, name, extra, timeout=None):
    labels = os.path.join(args.work_dir, f"labels-{name}.txt")
    measurement = rust(
        args.binary,
        ["cluster", "--input", directory, "--algorithm", algorithm, "--k", "4", "--n-init", "10",
         "--seed", str(args.seed), "--labels-out", labels] + extra,
        os.path.join(args.work_dir, f"cluster-{name}.json"),
        timeout,
    )
    if measurement.status == "ok":
        measurement.result["ari_sklearn_check"] = sklearn_ari(os.path.join(directory, "truth.txt"), labels)
        measurement.result["labels_path"] = labels
    return measurement


def kmodes(args, log):
    rows = []
    problems = []
    for n_cases in sizes(args.kmodes_sizes):
        directory, meta = dataset(args, "maatpact", n_cases)
        ours_default = maatpact_cluster(args, directory, "kmodes", f"kmodes-default-n{n_cases}", ["--repeat", str(args.repeat)])
        ours_like_python = maatpact_cluster(
            args, directory, "kmodes", f"kmodes-hamming-huang-n{n_cases}",
            ["--dissimilarity", "hamming", "--init", "huang", "--repeat", str(args.repeat)],
        )
        for m in (ours_default, ours_like_python):
            if m.status != "ok":
                raise SystemExit(f"maatpact k-modes failed at n={n_cases}: {m.detail}")
            if abs(m.result["ari"] - m.result["ari_sklearn_check"]) > 1e-9:
                problems.append(f"n={n_cases}: maatpact ARI {m.result['ari']} but sklearn says {m.result['ari_sklearn_check']}")
        inits = ["Huang"] + (["Cao"] if n_cases in sizes(args.kmodes_cao_sizes) else [])
        python = {}
        for init in inits:
            python[init] = worker(
                "kmodes",
                ["--input", directory, "--k", "4", "--n-init", "10", "--init", init, "--seed", str(args.seed),
                 "--n-jobs", str(args.kmodes_n_jobs)],
                os.path.join(args.work_dir, f"kmodes-python-{init}-n{n_cases}.json"),
                args.kmodes_timeout,
            )
        row = {
            "n_cases": n_cases,
            "n_profiles": meta["n_profiles"],
            "oracle_ari": ours_default.result["oracle_ari"],
            "maatpact_default": ours_default.result | {"peak_rss_mib": ours_default.peak_rss_mib},
            "maatpact_hamming_huang": ours_like_python.result | {"peak_rss_mib": ours_like_python.peak_rss_mib},
            "python": {
                init: {
                    "status": m.status,
                    "detail": m.detail,
                    "wall_seconds": m.wall_seconds,
                    "peak_rss_mib": m.peak_rss_mib,
                } | (m.result or {})
                for init, m in python.items()
            },
        }
        rows.append(row)
        log(f"kmodes n={n_cases}: maatpact ARI {ours_default.result['ari']:.3f}, python "
            + ", ".join(f"{init} {m.status} {m.result['ari'] if m.result else ''}" for init, m in python.items()))
    return rows, problems


def kmodes_table(rows):
    lines = [
        "| cases | distinct profiles | oracle ARI | maatpact k-modes (Jaccard, Cao+Huang) s | ARI | "
        "maatpact k-modes (Hamming, Huang) s | ARI | Python kmodes init | s | ARI | "
        "Python ÷ maatpact (Jaccard) | Python ÷ maatpact (Hamming) | peak RSS MiB maatpact / Python |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        ours = row["maatpact_default"]
        like = row["maatpact_hamming_huang"]
        for init, python in row["python"].items():
            if python["status"] == "ok":
                python_seconds = python["seconds"][0]
                seconds_cell, ari_cell = fmt_seconds(python_seconds), f"{python['ari']:.3f}"
            else:
                python_seconds = None
                seconds_cell = f"> {python['wall_seconds']:.0f} ({python['status']})"
                ari_cell = "–"
            lines.append(
                f"| {row['n_cases']:,} | {row['n_profiles']:,} | {row['oracle_ari']:.3f} | "
                f"{fmt_seconds(best(ours['seconds']))} | {ours['ari']:.3f} | "
                f"{fmt_seconds(best(like['seconds']))} | {like['ari']:.3f} | "
                f"{init} (n_init=10, n_jobs={python.get('n_jobs', '?')}) | {seconds_cell} | {ari_cell} | "
                f"{fmt_ratio(python_seconds, best(ours['seconds']))} | {fmt_ratio(python_seconds, best(like['seconds']))} | "
                f"{fmt_mib(ours['peak_rss_mib'])} / {fmt_mib(python['peak_rss_mib'])} |"
            )
    return "\n".join(lines)


def mem_available_bytes():
    with open("/proc/meminfo") as file:
        for line in file:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def agglomerative(args, log):
    rows = []
    all_sizes = sorted(set(sizes(args.agglomerative_sizes)) | set(sizes(args.hierarchical_sizes)))
    for n_cases in all_sizes:
        directory, meta = dataset(args, "maatpact", n_cases)
        row = {"n_cases": n_cases, "n_profiles": meta["n_profiles"]}
        if n_cases in sizes(args.hierarchical_sizes):
            ours = maatpact_cluster(args, directory, "hierarchical", f"hierarchical-n{n_cases}", [], args.agglomerative_timeout)
            row["maatpact"] = {"status": ours.status, "detail": ours.detail, "peak_rss_mib": ours.peak_rss_mib,
                               "wall_seconds": ours.wall_seconds} | (ours.result or {})
        if n_cases in sizes(args.agglomerative_sizes):
            estimated = 8 * n_cases**2
            available = mem_available_bytes()
            if estimated > args.memory_share * available:
                row["sklearn"] = {
                    "status": "skipped",
                    "detail": f"needs about {estimated / 2**30:.1f} GiB (two condensed distance matrices of "
                    f"n(n-1)/2 doubles), {args.memory_share:.0%} of MemAvailable is {args.memory_share * available / 2**30:.1f} GiB",
                }
            else:
                labels = os.path.join(args.work_dir, f"labels-sklearn-agglomerative-n{n_cases}.txt")
                theirs = worker(
                    "agglomerative",
                    ["--input", directory, "--k", "4", "--labels-out", labels],
                    os.path.join(args.work_dir, f"agglomerative-n{n_cases}.json"),
                    args.agglomerative_timeout,
                )
                row["sklearn"] = {"status": theirs.status, "detail": theirs.detail, "peak_rss_mib": theirs.peak_rss_mib,
                                  "wall_seconds": theirs.wall_seconds} | (theirs.result or {})
                if theirs.status == "ok" and row.get("maatpact", {}).get("status") == "ok":
                    row["agreement_ari"] = sklearn_ari(labels, row["maatpact"]["labels_path"])
        rows.append(row)
        log(f"agglomerative n={n_cases}: maatpact {row.get('maatpact', {}).get('status')}, sklearn {row.get('sklearn', {}).get('status')}")
    return rows


def agglomerative_table(rows):
    lines = [
        "| cases | distinct profiles | maatpact hierarchical s | ARI | peak RSS MiB | "
        "sklearn Agglomerative s | ARI | peak RSS MiB | sklearn ÷ maatpact | ARI(maatpact, sklearn) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        ours = row.get("maatpact")
        theirs = row.get("sklearn")

        def cells(side):
            if side is None:
                return ["not run", "–", "–"], None
            if side["status"] == "ok":
                seconds = side["seconds"][0]
                return [fmt_seconds(seconds), f"{side['ari']:.3f}", fmt_mib(side["peak_rss_mib"])], seconds
            return [f"{side['status']}: {side['detail']}", "–", fmt_mib(side.get("peak_rss_mib"))], None

        ours_cells, ours_seconds = cells(ours)
        theirs_cells, theirs_seconds = cells(theirs)
        agreement = f"{row['agreement_ari']:.3f}" if "agreement_ari" in row else "–"
        lines.append(
            f"| {row['n_cases']:,} | {row['n_profiles']:,} | " + " | ".join(ours_cells) + " | "
            + " | ".join(theirs_cells) + f" | {fmt_ratio(theirs_seconds, ours_seconds)} | {agreement} |"
        )
    return "\n".join(lines)


def machine():
    def command(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    model = next((line.split(":", 1)[1].strip() for line in command(["lscpu"]).splitlines() if line.startswith("Model name")), "unknown")
    with open("/proc/loadavg") as file:
        load = " ".join(file.read().split()[:3])
    return {
        "nproc": command(["nproc"]),
        "cpu": model,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "rustc": command(["rustc", "--version"]),
        "load_average": load,
    }


def package_versions():
    from importlib.metadata import version

    return {name: version(name) for name in ["pyfim", "mlxtend", "pandas", "numpy", "kmodes", "scikit-learn", "scipy"]}


def main():
    args = parse_args()
    os.makedirs(args.work_dir, exist_ok=True)
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    started = time.time()

    def log(message):
        with open("/proc/loadavg") as file:
            load = " ".join(file.read().split()[:3])
        print(f"[{time.time() - started:7.0f} s, load {load}] {message}", file=sys.stderr, flush=True)

    report = {"machine_start": machine(), "packages": package_versions(), "arguments": vars(args)}
    sections = []
    failures, problems = [], []
    if "mining" not in skip:
        rows, failures = mining(args, log)
        report["mining"] = rows
        sections.append("## Frequent itemsets: maatpact vs pyfim vs mlxtend\n\n" + mining_table(rows))
        sections.append("### Peak resident memory of each measuring process\n\n" + memory_table(rows))
    if "kmodes" not in skip:
        rows, problems = kmodes(args, log)
        report["kmodes"] = rows
        sections.append("## k-modes (k = 4, n_init = 10): maatpact vs Python kmodes\n\n" + kmodes_table(rows))
    if "agglomerative" not in skip:
        rows = agglomerative(args, log)
        report["agglomerative"] = rows
        sections.append("## Average-linkage Jaccard clustering (k = 4)\n\n" + agglomerative_table(rows))
    report["machine_end"] = machine()
    report["itemset_failures"] = failures
    report["ari_problems"] = problems
    report["elapsed_seconds"] = time.time() - started

    header = (
        f"Machine: {report['machine_start']['nproc']} cores, {report['machine_start']['cpu']}, "
        f"{report['machine_start']['memory_gib']} GiB, {report['machine_start']['os']}, "
        f"{report['machine_start']['rustc']}, Python {report['machine_start']['python']}. "
        f"Load average at start {report['machine_start']['load_average']}, at end {report['machine_end']['load_average']}. "
        f"Packages: " + ", ".join(f"{k} {v}" for k, v in report["packages"].items()) + "."
    )
    markdown = header + "\n\n" + "\n\n".join(sections) + "\n"
    with open(os.path.join(args.work_dir, "results.md"), "w") as file:
        file.write(markdown)
    with open(os.path.join(args.work_dir, "results.json"), "w") as file:
        json.dump(report, file, indent=1, default=str)
    print(markdown)
    if failures:
        print("ITEMSET CROSS-CHECK FAILED:", file=sys.stderr)
        for tag, name, differences in failures:
            print(f"  {tag} vs {name}: first differences (itemset, maatpact, peer): {differences}", file=sys.stderr)
    if problems:
        print("ARI CROSS-CHECK FAILED:", *problems, sep="\n  ", file=sys.stderr)
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
