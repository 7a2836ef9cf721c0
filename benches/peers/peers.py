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
    parser.add_argument("--kmodes-n-jobs", type=int, default=1, help="1 so that its CPU time is measurable")
    parser.add_argument("--kmodes-cao-sizes", default="10000", help="also run Python kmodes with Cao init")
    parser.add_argument("--ari-seeds", default="1,2,3,4,5", help="data seeds of the k-modes ARI comparison")
    parser.add_argument("--ari-size", type=int, default=10000)
    parser.add_argument("--agglomerative-sizes", default="2000,5000,10000,20000,40000,100000")
    parser.add_argument("--agglomerative-timeout", type=float, default=900)
    parser.add_argument(
        "--memory-share",
        type=float,
        default=0.6,
        help="run scikit-learn's agglomerative clustering only when its estimated peak "
        "(two condensed distance matrices, 8 n^2 bytes) is below this share of MemAvailable",
    )
    parser.add_argument("--hierarchical-sizes", default="2000,5000,10000,20000,40000,100000,1000000")
    parser.add_argument("--skip", default="", help="comma list of: mining,kmodes,ari-seeds,agglomerative")
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


def dataset(args, preset, n_cases, seed=None):
    """Exports one data set (once per work directory) and returns its directory."""
    seed = args.seed if seed is None else seed
    directory = os.path.join(args.work_dir, f"{preset}-seed{seed}-extra{args.extra_tags}-n{n_cases}")
    meta_path = os.path.join(directory, "meta.json")
    if not os.path.exists(meta_path):
        command = [
            args.binary, "export", "--preset", preset, "--cases", str(n_cases),
            "--seed", str(seed), "--extra-tags", str(args.extra_tags), "--out", directory,
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


def entry(method, measurement, seconds_key="seconds", cpu_key="cpu_seconds", **extra):
    """One table row: a method's status, best wall and CPU time, peak memory and extras."""
    result = measurement.result or {}
    row = {
        "method": method,
        "status": measurement.status,
        "detail": measurement.detail,
        "wall_seconds_process": measurement.wall_seconds,
        "peak_rss_mib": measurement.peak_rss_mib,
        "seconds": result.get(seconds_key),
        "cpu_seconds": result.get(cpu_key),
    }
    row.update(extra)
    return row


def time_cells(row, reference):
    """Best wall and CPU time and their ratios to the reference row's, as table cells."""
    if row["status"] != "ok":
        if row["status"] == "timeout":
            text = f"stopped after {row['wall_seconds_process']:.0f} s"
        elif row["status"] == "skipped":
            text = "skipped"
        else:
            text = f"{row['status']}: {row['detail']}"
        return [text, "–", "–", "–"]
    wall, cpu = best(row["seconds"]), best(row["cpu_seconds"])
    if reference is None or reference is row:
        return [fmt_seconds(wall), fmt_seconds(cpu), "1", "1"]
    return [
        fmt_seconds(wall),
        fmt_seconds(cpu),
        fmt_ratio(wall, best(reference["seconds"])),
        fmt_ratio(cpu, best(reference["cpu_seconds"])),
    ]


def mining(args, log):
    groups = []
    failures = []
    runs = [("maatpact", n) for n in sizes(args.mining_sizes)] + [("noise", n) for n in sizes(args.noise_sizes)]
    for preset, n_cases in runs:
        directory, meta = dataset(args, preset, n_cases)
        for support in [float(s) for s in args.supports.split(",")]:
            tag = f"{preset}-n{n_cases}-s{support}"

            def out(name):
                return os.path.join(args.work_dir, f"mine-{tag}-{name}.json")

            ours = rust(args.binary, ["mine", "--input", directory, "--min-support", str(support), "--repeat", str(args.repeat)], out("maatpact"))
            if ours.status != "ok":
                raise SystemExit(f"maatpact mine failed on {tag}: {ours.detail}")
            min_count = ours.result["min_count"]
            # maatpact's time is the matrix construction plus the mining, repeat by repeat.
            result = ours.result
            result["seconds"] = [a + b for a, b in zip(result["matrix_seconds"], result["mine_seconds"])]
            result["cpu_seconds"] = [a + b for a, b in zip(result["matrix_cpu_seconds"], result["mine_cpu_seconds"])]
            rows = [entry("maatpact (TagMatrix + mine)", ours, n_itemsets=result["n_itemsets"], agrees="reference",
                          matrix_seconds=result["matrix_seconds"], mine_seconds=result["mine_seconds"])]
            peers = {}
            for algo in ["fpgrowth", "eclat"]:
                peers[f"pyfim {algo}"] = worker(
                    "pyfim",
                    ["--input", directory, "--algo", algo, "--min-count", str(min_count), "--repeat", str(args.repeat)],
                    out(f"pyfim-{algo}"),
                    None,
                )
            peers["mlxtend fpgrowth"] = worker(
                "mlxtend",
                ["--input", directory, "--min-count", str(min_count), "--repeat", str(args.mlxtend_repeat)],
                out("mlxtend"),
                args.mlxtend_timeout,
            )
            for name, measurement in peers.items():
                if measurement.status == "ok":
                    differences = compare_itemsets(ours.result["itemsets"], measurement.result["itemsets"])
                    agrees = "yes" if not differences else f"NO: {len(differences)} differ"
                    if differences:
                        failures.append((tag, name, differences[:10]))
                else:
                    agrees = f"not checked ({measurement.status})"
                rows.append(entry(name, measurement, seconds_key="mine_seconds", cpu_key="mine_cpu_seconds",
                                  n_itemsets=(measurement.result or {}).get("n_itemsets"), agrees=agrees))
            groups.append({
                "preset": preset,
                "n_cases": n_cases,
                "n_profiles": meta["n_profiles"],
                "min_support": support,
                "min_count": min_count,
                "rows": rows,
            })
            log(f"mining {tag}: " + ", ".join(f"{r['method']} {r['n_itemsets']} itemsets ({r['agrees']})" for r in rows))
    return groups, failures


def mining_table(groups, repeat, mlxtend_repeat):
    lines = [
        f"Best of {repeat} repeats for maatpact and pyfim, of {mlxtend_repeat} for mlxtend. "
        "Ratios are the peer's time divided by maatpact's (above 1: maatpact is faster).",
        "",
        "| preset | cases | min support | min count | method | itemsets | same itemsets and counts as maatpact | "
        "wall s | CPU s | wall ÷ maatpact | CPU ÷ maatpact | peak RSS MiB |",
        "|---|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for group in groups:
        reference = group["rows"][0]
        for row in group["rows"]:
            lines.append(
                f"| {group['preset']} | {group['n_cases']:,} | {group['min_support']} | {group['min_count']:,} | "
                f"{row['method']} | {row['n_itemsets'] if row['n_itemsets'] is not None else '–'} | {row['agrees']} | "
                + " | ".join(time_cells(row, reference))
                + f" | {fmt_mib(row['peak_rss_mib'])} |"
            )
    return "\n".join(lines)


def sklearn_ari(truth_path, labels_path):
    from sklearn.metrics import adjusted_rand_score

    with open(truth_path) as file:
        truth = file.read().split()
    with open(labels_path) as file:
        labels = file.read().split()
    return adjusted_rand_score(truth, labels)


def maatpact_cluster(args, directory, algorithm, name, extra, timeout=None, seed=None):
    labels = os.path.join(args.work_dir, f"labels-{name}.txt")
    if os.path.exists(labels):
        os.remove(labels)
    measurement = rust(
        args.binary,
        ["cluster", "--input", directory, "--algorithm", algorithm, "--k", "4", "--n-init", "10",
         "--seed", str(args.seed if seed is None else seed), "--labels-out", labels] + extra,
        os.path.join(args.work_dir, f"cluster-{name}.json"),
        timeout,
    )
    if measurement.status == "ok":
        measurement.result["ari_sklearn_check"] = sklearn_ari(os.path.join(directory, "truth.txt"), labels)
        measurement.result["labels_path"] = labels
    return measurement


def kmodes(args, log):
    groups = []
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
        rows = [
            entry("maatpact k-modes (Jaccard; Cao, then Huang)", ours_default, ari=ours_default.result["ari"]),
            entry("maatpact k-modes (Hamming; Huang)", ours_like_python, ari=ours_like_python.result["ari"]),
        ]
        inits = ["Huang"] + (["Cao"] if n_cases in sizes(args.kmodes_cao_sizes) else [])
        for init in inits:
            measurement = worker(
                "kmodes",
                ["--input", directory, "--k", "4", "--n-init", "10", "--init", init, "--seed", str(args.seed),
                 "--n-jobs", str(args.kmodes_n_jobs)],
                os.path.join(args.work_dir, f"kmodes-python-{init}-n{n_cases}.json"),
                args.kmodes_timeout,
            )
            rows.append(entry(f"Python kmodes (matching dissimilarity; {init}; n_jobs={args.kmodes_n_jobs})", measurement,
                              ari=(measurement.result or {}).get("ari")))
        groups.append({
            "n_cases": n_cases,
            "n_profiles": meta["n_profiles"],
            "oracle_ari": ours_default.result["oracle_ari"],
            "rows": rows,
        })
        log(f"kmodes n={n_cases}: " + ", ".join(f"{r['method']} {r['status']} ARI {r['ari']}" for r in rows))
    return groups, problems


def fmt_ari(value):
    return "–" if value is None else f"{value:.3f}"


def kmodes_table(groups, repeat):
    lines = [
        f"k = 4, n_init = 10. maatpact: best of {repeat} repeats; Python kmodes: one run. "
        "Ratios are Python's time divided by maatpact's default k-modes (above 1: maatpact is faster). "
        "The truth has five classes (four cocktails and the noise cases).",
        "",
        "| cases | distinct profiles | method | ARI vs truth | oracle ARI | wall s | CPU s | wall ÷ maatpact | CPU ÷ maatpact | peak RSS MiB |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for group in groups:
        reference = group["rows"][0]
        for row in group["rows"]:
            lines.append(
                f"| {group['n_cases']:,} | {group['n_profiles']:,} | {row['method']} | {fmt_ari(row['ari'])} | "
                f"{group['oracle_ari']:.3f} | " + " | ".join(time_cells(row, reference)) + f" | {fmt_mib(row['peak_rss_mib'])} |"
            )
    return "\n".join(lines)


def kmodes_seeds(args, log):
    """The ARI of each k-modes variant over several data seeds at one size: one seed says
    little about which method recovers the cocktails better."""
    rows = []
    for seed in sizes(args.ari_seeds):
        directory, _ = dataset(args, "maatpact", args.ari_size, seed)
        row = {"seed": seed}
        for name, extra in [("default", []), ("hamming-huang", ["--dissimilarity", "hamming", "--init", "huang"])]:
            m = maatpact_cluster(args, directory, "kmodes", f"kmodes-{name}-n{args.ari_size}-seed{seed}", extra, seed=seed)
            if m.status != "ok":
                raise SystemExit(f"maatpact k-modes failed on seed {seed}: {m.detail}")
            row[f"maatpact {name}"] = m.result["ari"]
            row["oracle"] = m.result["oracle_ari"]
        m = worker(
            "kmodes",
            ["--input", directory, "--k", "4", "--n-init", "10", "--init", "Huang", "--seed", str(seed),
             "--n-jobs", str(args.kmodes_n_jobs)],
            os.path.join(args.work_dir, f"kmodes-python-Huang-n{args.ari_size}-seed{seed}.json"),
            args.kmodes_timeout,
        )
        row["python Huang"] = (m.result or {}).get("ari")
        rows.append(row)
        log(f"k-modes ARI seed {seed}: {row}")
    return rows


def kmodes_seeds_table(rows, n_cases):
    columns = [
        ("oracle", "oracle"),
        ("maatpact default", "maatpact k-modes (Jaccard; Cao, then Huang)"),
        ("maatpact hamming-huang", "maatpact k-modes (Hamming; Huang)"),
        ("python Huang", "Python kmodes (Huang)"),
    ]
    lines = [
        f"{n_cases:,} cases, k = 4, n_init = 10; the data and the algorithms use the same seed.",
        "",
        "| data seed | " + " | ".join(title for _, title in columns) + " |",
        "|---:|" + "---:|" * len(columns),
    ]
    for row in rows:
        lines.append(f"| {row['seed']} | " + " | ".join(fmt_ari(row.get(key)) for key, _ in columns) + " |")
    means = []
    for key, _ in columns:
        values = [row[key] for row in rows if row.get(key) is not None]
        means.append(fmt_ari(sum(values) / len(values)) if values else "–")
    lines.append("| mean | " + " | ".join(means) + " |")
    return "\n".join(lines)


def mem_available_bytes():
    with open("/proc/meminfo") as file:
        for line in file:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def agglomerative(args, log):
    groups = []
    all_sizes = sorted(set(sizes(args.agglomerative_sizes)) | set(sizes(args.hierarchical_sizes)))
    for n_cases in all_sizes:
        directory, meta = dataset(args, "maatpact", n_cases)
        rows = []
        maatpact_labels = None
        if n_cases in sizes(args.hierarchical_sizes):
            ours = maatpact_cluster(args, directory, "hierarchical", f"hierarchical-n{n_cases}", [], args.agglomerative_timeout)
            rows.append(entry("maatpact hierarchical (average, Jaccard)", ours, ari=(ours.result or {}).get("ari")))
            if ours.status == "ok":
                maatpact_labels = ours.result["labels_path"]
        if n_cases in sizes(args.agglomerative_sizes):
            estimated = 8 * n_cases**2
            available = mem_available_bytes()
            name = "sklearn AgglomerativeClustering (average, jaccard)"
            if estimated > args.memory_share * available:
                skipped = Measurement(
                    "skipped", None, 0, None,
                    f"needs about {estimated / 2**30:.0f} GiB (8 n² bytes), more than {args.memory_share:.0%} "
                    f"of the {available / 2**30:.0f} GiB available",
                )
                rows.append(entry(name, skipped, ari=None))
            else:
                labels = os.path.join(args.work_dir, f"labels-sklearn-agglomerative-n{n_cases}.txt")
                theirs = worker(
                    "agglomerative",
                    ["--input", directory, "--k", "4", "--labels-out", labels],
                    os.path.join(args.work_dir, f"agglomerative-n{n_cases}.json"),
                    args.agglomerative_timeout,
                )
                agreement = sklearn_ari(labels, maatpact_labels) if theirs.status == "ok" and maatpact_labels else None
                rows.append(entry(name, theirs, ari=(theirs.result or {}).get("ari"), agreement_ari=agreement))
        groups.append({"n_cases": n_cases, "n_profiles": meta["n_profiles"], "rows": rows})
        log(f"agglomerative n={n_cases}: " + ", ".join(f"{r['method']} {r['status']} {r['detail']}" for r in rows))
    return groups


def agglomerative_table(groups):
    lines = [
        "k = 4, one run each. Ratios are scikit-learn's time divided by maatpact's. "
        "The last column is the ARI between the two methods' labels (1: the same partition).",
        "",
        "| cases | distinct profiles | method | ARI vs truth | wall s | CPU s | wall ÷ maatpact | CPU ÷ maatpact | peak RSS MiB | ARI maatpact vs sklearn |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for group in groups:
        reference = next((r for r in group["rows"] if r["method"].startswith("maatpact") and r["status"] == "ok"), None)
        for row in group["rows"]:
            cells = time_cells(row, reference)
            if reference is None and row["status"] == "ok":
                cells[2:] = ["–", "–"]
            if row["status"] == "skipped":
                cells[0] = f"skipped: {row['detail']}"
            lines.append(
                f"| {group['n_cases']:,} | {group['n_profiles']:,} | {row['method']} | {fmt_ari(row['ari'])} | "
                + " | ".join(cells)
                + f" | {fmt_mib(row['peak_rss_mib'])} | {fmt_ari(row.get('agreement_ari'))} |"
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
        sections.append("## Frequent itemsets: maatpact vs pyfim vs mlxtend\n\n" + mining_table(rows, args.repeat, args.mlxtend_repeat))
    if "kmodes" not in skip:
        rows, problems = kmodes(args, log)
        report["kmodes"] = rows
        sections.append("## k-modes: maatpact vs Python kmodes\n\n" + kmodes_table(rows, args.repeat))
    if "ari-seeds" not in skip:
        rows = kmodes_seeds(args, log)
        report["kmodes_seeds"] = rows
        sections.append("### k-modes ARI over several seeds\n\n" + kmodes_seeds_table(rows, args.ari_size))
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
