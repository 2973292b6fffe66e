"""Benchmark nbopt's searchers against Optuna's samplers on a suite of standard functions.

Measures, at equal budgets:

1. ``regret``: median (over seeds) log10 simple regret (best value found minus the known
   minimum) on 15 standard functions from 2 to 50 dimensions, smooth and rugged (see
   ``benchmarks/functions.py``), each on the function itself (``plain``) and on randomly
   shifted instances (``shifted``: the optimum moved inside the domain, a fresh shift per
   seed); every nbopt method, ``auto``, and Optuna's random, TPE, GP and CMA-ES samplers;
2. ``ask``: seconds per ask after 50 / 200 / 500 finished trials on a 20-d space;
3. ``batch``: ``bayesian`` (and ``auto``) with 8 and 32 trials in flight (ask a batch,
   tell it) against sequential asks, at equal trial count and at equal wall time
   (sequential gets one trial per round of the batched run); every run is saved with
   ``--save`` and ``--batch-runs batched`` reruns only the batched ones (sequential runs
   do not depend on how a batch is proposed), merged with ``--load``;
4. ``executor``: ``nbopt.search(executor=ThreadPoolExecutor(k))`` with 1, 8 and 32
   workers on an objective that sleeps, each run given the same wall time (``timeout=``);
5. ``throughput``: ``nbopt.search`` with 4 workers against 1 on an objective that sleeps.

Every run is sized by options; results of separate runs can be merged::

    python benchmarks/search.py --only regret --seeds 3 --functions ackley5 levy5 \\
        --methods bayesian random --save /tmp/a.jsonl
    python benchmarks/search.py --load /tmp/a.jsonl /tmp/b.jsonl   # tables from saved runs
    python benchmarks/search.py --only ask --sizes 50 200 500 --methods bayesian optuna-gp
    python benchmarks/search.py --only batch --functions ackley5 hartmann6 --seeds 5 \\
        --save /tmp/seq.jsonl
    python benchmarks/search.py --only batch --functions ackley5 hartmann6 --seeds 5 \\
        --batch-runs batched --save /tmp/new.jsonl
    python benchmarks/search.py --load /tmp/seq.jsonl /tmp/new.jsonl   # the new batched runs
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import statistics
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from functions import FUNCTIONS, TestFunction, instance

from nbopt import space
from nbopt.searchers import Searcher, search
from nbopt.searchers._search import METHODS, _make_searcher

NBOPT_METHODS = [m for m in METHODS if m != "grid"]
OPTUNA_METHODS = ["optuna-random", "optuna-tpe", "optuna-gp", "optuna-cmaes"]
INSTANCES = ("plain", "shifted")
BATCH_RUNS = ("sequential", "batched", "wall")


def log_regret(best: float, minimum: float) -> float:
    return math.log10(max(best - minimum, 1e-12))


def _dims(fn: TestFunction) -> dict[str, space.Float]:
    return {
        f"x{i}": space.Float(float(lo), float(hi)) for i, (lo, hi) in enumerate(zip(fn.lo, fn.hi))
    }


def _objective(fn: TestFunction, inst: str, seed: int) -> Callable[[dict[str, Any]], float]:
    g = instance(fn, seed if inst == "shifted" else None)
    names = [f"x{i}" for i in range(fn.dim)]

    def objective(params: dict[str, Any]) -> float:
        return g(np.array([params[k] for k in names], dtype=np.float64))

    return objective


# --------------------------------------------------------------------------------------
# runners: each returns the best value found in `budget` trials


def run_nbopt(
    method: str, fn: TestFunction, inst: str, seed: int, budget: int, batch: int = 1
) -> float:
    """Ask ``batch`` trials, tell them all, repeat: ``batch`` trials in flight at a time."""
    objective = _objective(fn, inst, seed)
    searcher: Searcher = _make_searcher(method, space.Space(_dims(fn)), seed, "minimize", {})
    done = 0
    while done < budget:
        trials = [searcher.ask() for _ in range(min(batch, budget - done))]
        for trial in trials:
            searcher.tell(trial, objective(trial.params))
        done += len(trials)
    return searcher.best_value


def optuna_sampler(name: str, seed: int) -> Any:
    import optuna

    samplers: dict[str, Callable[[], Any]] = {
        "optuna-random": lambda: optuna.samplers.RandomSampler(seed=seed),
        "optuna-tpe": lambda: optuna.samplers.TPESampler(seed=seed),
        "optuna-gp": lambda: optuna.samplers.GPSampler(seed=seed),
        "optuna-cmaes": lambda: optuna.samplers.CmaEsSampler(seed=seed),
    }
    return samplers[name]()


def run_optuna(name: str, fn: TestFunction, inst: str, seed: int, budget: int) -> float:
    import optuna

    objective = _objective(fn, inst, seed)
    dims = _dims(fn)

    def wrapped(trial: Any) -> float:
        return objective({k: trial.suggest_float(k, d.lo, d.hi) for k, d in dims.items()})

    study = optuna.create_study(sampler=optuna_sampler(name, seed))
    study.optimize(wrapped, n_trials=budget)
    return float(study.best_value)


# --------------------------------------------------------------------------------------
# regret suite


def bench_regret(
    functions: list[str],
    instances: list[str],
    seeds: list[int],
    methods: list[str],
    budget_scale: float,
    save: Path | None,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for fname in functions:
        fn = FUNCTIONS[fname]
        budget = max(10, round(fn.budget * budget_scale))
        for inst in instances:
            for method in methods:
                for seed in seeds:
                    t0 = time.perf_counter()
                    if method.startswith("optuna"):
                        best = run_optuna(method, fn, inst, seed, budget)
                    else:
                        best = run_nbopt(method, fn, inst, seed, budget)
                    row = {
                        "function": fname,
                        "instance": inst,
                        "method": method,
                        "seed": seed,
                        "budget": budget,
                        "log_regret": log_regret(best, fn.fmin),
                        "seconds": time.perf_counter() - t0,
                    }
                    rows.append(row)
                    print(
                        f"  {fname} {inst} {method} seed {seed}: {row['log_regret']:.3f} "
                        f"({row['seconds']:.1f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
                    if save is not None:
                        with save.open("a") as out:
                            out.write(json.dumps(row) + "\n")
    return rows


def print_regret_tables(rows: list[dict[str, Any]]) -> None:
    # A run repeated in several saved files counts once (the last one read).
    unique = {(r["function"], r["instance"], r["method"], r["seed"]): r for r in rows}
    rows = list(unique.values())
    cell: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    budgets: dict[tuple[str, str], int] = {}
    seconds: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        key = (r["function"], r["instance"])
        cell[key][r["method"]].append(r["log_regret"])
        budgets[key] = r["budget"]
        seconds[r["method"]].append(r["seconds"])
    methods = [m for m in [*NBOPT_METHODS, *OPTUNA_METHODS, "grid"] if m in seconds]
    methods += sorted(set(seconds) - set(methods))
    order = {name: i for i, name in enumerate(FUNCTIONS)}
    keys = sorted(cell, key=lambda k: (order.get(k[0], 99), k[1]))
    n_seeds = sorted({len(v) for c in cell.values() for v in c.values()})
    print(f"\n## Median log10 simple regret (seeds per cell: {n_seeds}; lower is better)\n")
    print("| function | d | trials | " + " | ".join(methods) + " | best |")
    print("|---" * (len(methods) + 4) + "|")
    for key in keys:
        fn = FUNCTIONS[key[0]]
        med = {m: statistics.median(v) for m, v in cell[key].items()}
        best = min(med, key=lambda m: med[m])
        line = f"| {key[0]} {key[1]} | {fn.dim} | {budgets[key]} | "
        line += " | ".join(f"{med[m]:6.2f}" if m in med else "  -   " for m in methods)
        print(line + f" | {best} |")
    print("\n| method | mean seconds per run |\n|---|---|")
    for m in methods:
        print(f"| {m} | {statistics.fmean(seconds[m]):.1f} |")
    _print_targets(cell, keys)


def _print_targets(cell: dict[tuple[str, str], dict[str, list[float]]], keys: list[Any]) -> None:
    print("\n## Targets\n")
    pairs = [k for k in keys if {"bayesian", "random"} <= set(cell[k])]
    if pairs:
        below = [
            k
            for k in pairs
            if statistics.median(cell[k]["bayesian"]) < statistics.median(cell[k]["random"])
        ]
        print(f"- bayesian below random: {len(below)}/{len(pairs)} functions")
        for k in pairs:
            if k not in below:
                b, r = statistics.median(cell[k]["bayesian"]), statistics.median(cell[k]["random"])
                print(f"  - not below on {k[0]} {k[1]}: bayesian {b:.2f}, random {r:.2f}")
    optuna = [m for m in ("optuna-tpe", "optuna-gp", "optuna-cmaes")]
    pairs = [k for k in keys if "auto" in cell[k] and any(m in cell[k] for m in optuna)]
    if pairs:
        ok = []
        for k in pairs:
            best_optuna = min(statistics.median(cell[k][m]) for m in optuna if m in cell[k])
            if statistics.median(cell[k]["auto"]) <= best_optuna:
                ok.append(k)
        print(
            f"- auto at least as good as the best Optuna sampler present: {len(ok)}/{len(pairs)} "
            f"functions ({100 * len(ok) / len(pairs):.0f} %)"
        )
        for k in pairs:
            if k not in ok:
                present = {m: statistics.median(cell[k][m]) for m in optuna if m in cell[k]}
                best_m = min(present, key=lambda m: present[m])
                print(
                    f"  - behind on {k[0]} {k[1]}: auto {statistics.median(cell[k]['auto']):.2f}, "
                    f"{best_m} {present[best_m]:.2f}"
                )


# --------------------------------------------------------------------------------------
# time per ask


def _cost_point(params: dict[str, float]) -> float:
    x = np.array(list(params.values()))
    return float(np.sum((x - 0.3) ** 2) + 0.1 * np.sum(np.cos(7 * x)))


def _nbopt_ask_seconds(method: str, dims: dict[str, space.Float], n: int, repeats: int) -> float:
    from nbopt.searchers._base import Trial

    searcher = _make_searcher(method, space.Space(dims), 0, "minimize", {})
    rng = np.random.default_rng(0)
    for i in range(n):
        params = {k: float(rng.uniform(-1, 1)) for k in dims}
        searcher.add_finished(
            Trial(number=i, params=params, state="complete", value=_cost_point(params))
        )
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        trial = searcher.ask()
        times.append(time.perf_counter() - t0)
        searcher.tell(trial, _cost_point(trial.params))
    return statistics.fmean(times)


def _optuna_ask_seconds(name: str, dims: dict[str, space.Float], n: int, repeats: int) -> float:
    import optuna

    dists = {k: optuna.distributions.FloatDistribution(-1.0, 1.0) for k in dims}
    study = optuna.create_study(sampler=optuna_sampler(name, 0))
    rng = np.random.default_rng(0)
    for _ in range(n):
        params = {k: float(rng.uniform(-1, 1)) for k in dims}
        study.add_trial(
            optuna.trial.create_trial(params=params, distributions=dists, value=_cost_point(params))
        )
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        trial = study.ask(dists)
        times.append(time.perf_counter() - t0)
        study.tell(trial, _cost_point(trial.params))
    return statistics.fmean(times)


def bench_ask(dim: int, sizes: list[int], repeats: int, methods: list[str]) -> None:
    dims = {f"x{i}": space.Float(-1.0, 1.0) for i in range(dim)}
    print(
        f"\n## Seconds per ask on a {dim}-d space "
        f"(mean of {repeats} asks after n trials, each told before the next)\n"
    )
    print("| method |" + "".join(f" n={n} |" for n in sizes))
    print("|---" * (len(sizes) + 1) + "|")
    table: dict[str, dict[int, float]] = {}
    for method in methods:
        row = f"| {method} |"
        table[method] = {}
        for n in sizes:
            if method.startswith("optuna"):
                seconds = _optuna_ask_seconds(method, dims, n, repeats)
            else:
                seconds = _nbopt_ask_seconds(method, dims, n, repeats)
            table[method][n] = seconds
            row += f" {seconds * 1000:8.1f} ms |"
        print(row, flush=True)
    if "optuna-gp" in table:
        for m in ("bayesian", "auto"):
            for n in sizes:
                if m in table and n in table["optuna-gp"]:
                    ratio = table[m][n] / table["optuna-gp"][n]
                    print(f"- {m} / optuna-gp at n={n}: {ratio:.3f}")


# --------------------------------------------------------------------------------------
# batches (parallel workers)


def bench_batch(
    functions: list[str],
    seeds: list[int],
    batches: list[int],
    methods: list[str],
    scale: float,
    save: Path | None = None,
    runs: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Run the batch comparison; every run is a row (``part="batch"``), saved as it ends.

    ``runs`` picks which runs to make: ``"sequential"`` (one trial in flight, the full
    budget), ``"batched"`` (``q`` in flight) and ``"wall"`` (sequential with budget / q
    trials); sequential runs do not depend on the batch mechanism, so a saved table of
    them can be merged (``--load``) with fresh batched runs.
    """
    runs = list(runs or BATCH_RUNS)
    rows: list[dict[str, Any]] = []
    for fname in functions:
        fn = FUNCTIONS[fname]
        budget = max(10, round(fn.budget * scale))
        plan: list[tuple[int, int]] = []  # (trials, q)
        if "sequential" in runs:
            plan.append((budget, 1))
        for q in batches:
            if "batched" in runs:
                plan.append((budget, q))
            if "wall" in runs:
                plan.append((max(2, budget // q), 1))
        for method in methods:
            for n, q in dict.fromkeys(plan):
                for seed in seeds:
                    t0 = time.perf_counter()
                    best = run_nbopt(method, fn, "shifted", seed, n, batch=q)
                    row = {
                        "part": "batch",
                        "function": fname,
                        "method": method,
                        "seed": seed,
                        "budget": budget,
                        "trials": n,
                        "q": q,
                        "log_regret": log_regret(best, fn.fmin),
                        "seconds": time.perf_counter() - t0,
                    }
                    rows.append(row)
                    print(
                        f"  {fname} {method} n={n} q={q} seed {seed}: {row['log_regret']:.3f} "
                        f"({row['seconds']:.1f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
                    if save is not None:
                        with save.open("a") as out:
                            out.write(json.dumps(row) + "\n")
    return rows


def print_batch_tables(rows: list[dict[str, Any]]) -> None:
    """The batch table from rows of `bench_batch` (a run repeated counts once: the last)."""
    unique = {(r["function"], r["method"], r["seed"], r["trials"], r["q"]): r for r in rows}
    cell: dict[tuple[str, str, int, int], list[float]] = defaultdict(list)
    budgets: dict[str, int] = {}
    for r in unique.values():
        cell[(r["function"], r["method"], r["trials"], r["q"])].append(r["log_regret"])
        budgets[r["function"]] = r["budget"]
    batches = sorted({r["q"] for r in unique.values() if r["q"] > 1})
    n_seeds = sorted({len(v) for v in cell.values()})
    print(
        "\n## Trials in flight: median log10 regret, shifted instances "
        f"(seeds per cell: {n_seeds})\n\n"
        "`q=1` is sequential; `q=k` asks k trials, tells them, repeats (k workers). "
        "Equal wall time: sequential with budget / k trials (one per round).\n"
    )
    print(
        "| function | trials | method | sequential |"
        + "".join(f" q={q} | seq. at equal wall time (n/{q}) |" for q in batches)
    )
    print("|---" * (4 + 2 * len(batches)) + "|")

    def med(key: tuple[str, str, int, int]) -> str:
        return f"{statistics.median(cell[key]):6.2f}" if key in cell else "  -   "

    order = {name: i for i, name in enumerate(FUNCTIONS)}
    methods = sorted({r["method"] for r in unique.values()}, key=lambda m: (m != "bayesian", m))
    for fname in sorted(budgets, key=lambda f: order.get(f, 99)):
        budget = budgets[fname]
        for method in methods:
            line = f"| {fname} | {budget} | {method} | {med((fname, method, budget, 1))} |"
            for q in batches:
                line += f" {med((fname, method, budget, q))} |"
                line += f" {med((fname, method, max(2, budget // q), 1))} |"
            print(line, flush=True)


class _Sleepy:
    """A shifted benchmark function that takes ``seconds`` per call (picklable)."""

    def __init__(self, fname: str, seed: int, seconds: float) -> None:
        self.fname, self.seed, self.seconds = fname, seed, seconds

    def __call__(self, params: dict[str, Any]) -> float:
        time.sleep(self.seconds)
        return _objective(FUNCTIONS[self.fname], "shifted", self.seed)(params)


def bench_executor(
    fname: str, seeds: list[int], workers: list[int], methods: list[str], wall: float, sleep: float
) -> None:
    """``nbopt.search`` with a thread pool: regret reached in the same wall time."""
    from concurrent.futures import ThreadPoolExecutor

    fn = FUNCTIONS[fname]
    print(
        f"\n## Equal wall time with executor=ThreadPoolExecutor(k): {fname} shifted, objective "
        f"sleeping {sleep} s, timeout={wall} s, {len(seeds)} seeds (median trials, median "
        "log10 regret)\n"
    )
    print("| method |" + "".join(f" k={k} trials | k={k} regret |" for k in workers))
    print("|---" * (1 + 2 * len(workers)) + "|")
    for method in methods:
        line = f"| {method} |"
        for k in workers:
            counts, regrets = [], []
            for seed in seeds:
                with ThreadPoolExecutor(k) as pool:
                    result = search(
                        _Sleepy(fname, seed, sleep),
                        _dims(fn),
                        method=method,
                        seed=seed,
                        executor=pool,
                        n_workers=k,
                        timeout=wall,
                    )
                counts.append(len(result.trials))
                regrets.append(log_regret(result.best_value, fn.fmin))
            line += f" {statistics.median(counts):.0f} | {statistics.median(regrets):6.2f} |"
        print(line, flush=True)


# --------------------------------------------------------------------------------------
# parallel throughput


def sleepy(x: float) -> float:
    time.sleep(0.5)
    return x


def _throughput(executor: Any, n_trials: int, n_workers: int | None = None) -> float:
    t0 = time.perf_counter()
    result = search(
        sleepy,
        {"x": space.Float(0, 1)},
        method="random",
        n_trials=n_trials,
        seed=0,
        executor=executor,
        n_workers=n_workers,
    )
    elapsed = time.perf_counter() - t0
    assert len(result.trials) == n_trials and all(t.state == "complete" for t in result.trials)
    return n_trials / elapsed


def bench_throughput(n_trials: int) -> None:
    print(f"\n## Throughput, objective sleeping 0.5 s, {n_trials} trials (trials per second)\n")
    print("| executor | 1 worker | 4 workers | speed-up |")
    print("|---|---|---|---|")
    rates: dict[int, float] = {}
    for workers in (1, 4):
        with ProcessPoolExecutor(workers) as pool:
            pool.submit(int).result()  # start the workers before timing
            rates[workers] = _throughput(pool, n_trials)
    print(f"| ProcessPoolExecutor | {rates[1]:.2f} | {rates[4]:.2f} | {rates[4] / rates[1]:.2f}x |")
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    # Default: one trial in flight per worker thread. Two per thread hide the scheduler's
    # round trip (the next trial is already waiting on the worker when one finishes).
    for per_thread in (1, 2):
        for workers in (1, 4):
            with (
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,
            ):
                client.wait_for_workers(workers)
                # import nbopt in every worker before timing (a one-time cost per process)
                client.run(importlib.import_module, "nbopt.searchers._search")
                rates[workers] = _throughput(client, n_trials, n_workers=per_thread * workers)
        label = "dask LocalCluster" + ("" if per_thread == 1 else ", n_workers=2x threads")
        print(f"| {label} | {rates[1]:.2f} | {rates[4]:.2f} | {rates[4] / rates[1]:.2f}x |")


def available_nbopt_methods() -> list[str]:
    ok = []
    for method in [*NBOPT_METHODS, "grid"]:
        try:
            search(lambda x: x, {"x": space.Float(0, 1)}, method=method, n_trials=1, seed=0)
        except (ImportError, AttributeError, ValueError) as exc:
            print(f"  (nbopt {method} unavailable: {exc})", file=sys.stderr)
            continue
        ok.append(method)
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", choices=["regret", "ask", "batch", "executor", "throughput"], action="append"
    )
    parser.add_argument("--wall", type=float, default=20.0, help="executor: seconds per run")
    parser.add_argument("--sleep", type=float, default=0.5, help="executor: seconds per trial")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (10)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--methods", nargs="*", help="restrict to these methods")
    parser.add_argument("--functions", nargs="*", help=f"subset of {list(FUNCTIONS)}")
    parser.add_argument("--instances", nargs="*", choices=INSTANCES, default=list(INSTANCES))
    parser.add_argument("--budget-scale", type=float, default=1.0, help="multiply budgets")
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 200, 500])
    parser.add_argument("--ask-dim", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=10, help="timed asks per size")
    parser.add_argument("--batches", type=int, nargs="*", default=[8, 32])
    parser.add_argument(
        "--batch-runs",
        nargs="*",
        choices=BATCH_RUNS,
        default=list(BATCH_RUNS),
        help="batch: which runs to make (sequential ones can be loaded from an earlier save)",
    )
    parser.add_argument(
        "--save", type=Path, help="append every regret and batch run to this JSONL file"
    )
    parser.add_argument("--load", type=Path, nargs="*", help="print tables from saved runs")
    args = parser.parse_args(argv)
    if args.load:
        rows = [json.loads(line) for p in args.load for line in p.read_text().splitlines()]
        regret_rows = [r for r in rows if r.get("part", "regret") == "regret"]
        batch_rows = [r for r in rows if r.get("part") == "batch"]
        if regret_rows:
            print_regret_tables(regret_rows)
        if batch_rows:
            print_batch_tables(batch_rows)
        return
    warnings.simplefilter("ignore")
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # One thread for both GP implementations: a fair comparison on a shared machine, and
    # torch's thread pool only adds contention at these matrix sizes.
    import torch

    torch.set_num_threads(1)
    parts = args.only or ["regret", "ask", "batch", "executor", "throughput"]
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    methods = available_nbopt_methods() + OPTUNA_METHODS
    methods = [m for m in methods if m != "grid"]
    if args.methods:
        unknown = set(args.methods) - set(methods) - {"grid"}
        if unknown:
            parser.error(f"unknown methods {sorted(unknown)}; expected some of {methods}")
        methods = list(args.methods)
    functions = args.functions or list(FUNCTIONS)
    unknown = set(functions) - set(FUNCTIONS)
    if unknown:
        parser.error(f"unknown functions {sorted(unknown)}; expected some of {list(FUNCTIONS)}")
    print(f"# nbopt search benchmark ({time.strftime('%Y-%m-%d %H:%M')})")
    print(f"command: {' '.join(sys.argv)}")
    if "regret" in parts:
        rows = bench_regret(functions, args.instances, seeds, methods, args.budget_scale, args.save)
        print_regret_tables(rows)
    if "ask" in parts:
        ask_methods = [m for m in methods if m != "optuna-random"]
        bench_ask(args.ask_dim, args.sizes, args.repeats, ask_methods)
    if "batch" in parts:
        batch_methods = [m for m in methods if m in ("bayesian", "auto")] or ["bayesian"]
        batch_rows = bench_batch(
            functions,
            seeds,
            args.batches,
            batch_methods,
            args.budget_scale,
            args.save,
            args.batch_runs,
        )
        print_batch_tables(batch_rows)
    if "executor" in parts:
        exec_methods = [m for m in methods if m in ("bayesian", "auto")] or ["bayesian"]
        bench_executor(functions[0], seeds, [1, *args.batches], exec_methods, args.wall, args.sleep)
    if "throughput" in parts:
        bench_throughput(24)


if __name__ == "__main__":
    main()
