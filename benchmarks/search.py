"""Benchmark nbopt's searchers against Optuna's samplers.

Measures, at equal budgets:

1. sample efficiency: median (over seeds) log10 simple regret, best value found minus the
   known minimum, on Branin (2-d, x1 in [-5, 10], x2 in [0, 15], 50 trials) and
   Rosenbrock-4d ([-5, 10]^4, 100 trials) — the settings of Optuna's own benchmarks;
2. the cost of one ask at 50, 100 and 200 finished trials on a 5-d space (the history is
   replayed, then a few asks are timed);
3. the throughput of ``nbopt.search`` with 4 workers against 1 on an objective that sleeps
   0.5 s, with a ProcessPoolExecutor and a dask.distributed LocalCluster.

Usage::

    python benchmarks/search.py            # everything (GPSampler makes it take a while)
    python benchmarks/search.py --quick    # 3 seeds, no GPSampler at 200, short throughput run
    python benchmarks/search.py --only regret --seeds 5
"""

from __future__ import annotations

import argparse
import importlib
import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from nbopt import space
from nbopt.searchers import Searcher, search
from nbopt.searchers._search import METHODS

# --------------------------------------------------------------------------------------
# problems


def branin(x1: float, x2: float) -> float:
    a, b, c = 1.0, 5.1 / (4 * math.pi**2), 5 / math.pi
    r, s, t = 6.0, 10.0, 1 / (8 * math.pi)
    return a * (x2 - b * x1**2 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s


def rosenbrock(**params: float) -> float:
    x = np.array([params[f"x{i}"] for i in range(len(params))])
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


PROBLEMS: dict[str, dict[str, Any]] = {
    "branin": {
        "name": "branin",
        "f": branin,
        "bounds": {"x1": (-5.0, 10.0), "x2": (0.0, 15.0)},
        "min": 0.397887357729738,
        "n_trials": 50,
    },
    "rosenbrock4": {
        "name": "rosenbrock4",
        "f": rosenbrock,
        "bounds": {f"x{i}": (-5.0, 10.0) for i in range(4)},
        "min": 0.0,
        "n_trials": 100,
    },
}


def log_regret(best: float, minimum: float) -> float:
    return math.log10(max(best - minimum, 1e-12))


# --------------------------------------------------------------------------------------
# runners: each returns the best value found in n_trials


def run_nbopt(method: str, problem: dict[str, Any], seed: int) -> float:
    bounds = problem["bounds"]
    dims = {name: space.Float(lo, hi) for name, (lo, hi) in bounds.items()}
    n = problem["n_trials"]
    kwargs: dict[str, Any] = {}
    if method == "grid":
        # the largest full grid within the budget (7x7 = 49 for 2-d, 3^4 = 81 for 4-d)
        kwargs = {"resolution": math.floor(n ** (1 / len(dims)) + 1e-9)}
    result = search(
        problem["f"], dims, method=method, n_trials=n, seed=seed, searcher_kwargs=kwargs
    )
    assert result.best_value is not None
    return result.best_value


def optuna_sampler(name: str, seed: int) -> Any:
    import optuna

    samplers: dict[str, Callable[[], Any]] = {
        "optuna-random": lambda: optuna.samplers.RandomSampler(seed=seed),
        "optuna-tpe": lambda: optuna.samplers.TPESampler(seed=seed),
        "optuna-gp": lambda: optuna.samplers.GPSampler(seed=seed),
        "optuna-cmaes": lambda: optuna.samplers.CmaEsSampler(seed=seed),
    }
    return samplers[name]()


def run_optuna(name: str, problem: dict[str, Any], seed: int) -> float:
    import optuna

    bounds = problem["bounds"]
    f = problem["f"]

    def objective(trial: Any) -> float:
        params = {k: trial.suggest_float(k, lo, hi) for k, (lo, hi) in bounds.items()}
        return float(f(**params))

    study = optuna.create_study(sampler=optuna_sampler(name, seed))
    study.optimize(objective, n_trials=problem["n_trials"])
    return float(study.best_value)


NBOPT_METHODS = list(METHODS)
OPTUNA_METHODS = ["optuna-random", "optuna-tpe", "optuna-gp", "optuna-cmaes"]


def available_nbopt_methods() -> list[str]:
    ok = []
    for method in NBOPT_METHODS:
        try:
            search(lambda x: x, {"x": space.Float(0, 1)}, method=method, n_trials=1, seed=0)
        except (ImportError, AttributeError) as exc:
            print(f"  (nbopt {method} unavailable: {exc})", file=sys.stderr)
            continue
        ok.append(method)
    return ok


def bench_regret(seeds: int, methods: list[str]) -> None:
    print(f"\n## Median log10 simple regret over {seeds} seeds (lower is better)\n")
    header = f"| {'method':<16} |"
    for pname, p in PROBLEMS.items():
        header += f" {pname} ({p['n_trials']}) |"
    header += " seconds |"
    print(header)
    print("|" + "---|" * (len(PROBLEMS) + 2))
    for method in methods:
        row = f"| {method:<16} |"
        t0 = time.perf_counter()
        for p in PROBLEMS.values():
            regrets = []
            for seed in range(seeds):
                run = run_optuna if method.startswith("optuna") else run_nbopt
                best = run(method, p, seed)
                regrets.append(log_regret(best, p["min"]))
                # progress for long runs (GPSampler): one line per seed on stderr
                print(f"  {method} {p['name']} seed {seed}: {regrets[-1]:.3f}", file=sys.stderr)
            q1, q3 = np.percentile(regrets, [25, 75])
            row += f" {statistics.median(regrets):6.2f} [{q1:.2f}, {q3:.2f}] |"
        row += f" {time.perf_counter() - t0:7.1f} |"
        print(row, flush=True)


# --------------------------------------------------------------------------------------
# time per ask


def _sphere5(params: dict[str, float]) -> float:
    return float(sum((v - 0.3) ** 2 for v in params.values()))


DIMS5 = {f"x{i}": space.Float(-1.0, 1.0) for i in range(5)}


def _nbopt_ask_seconds(method: str, n_history: int, repeats: int) -> float:
    from nbopt.searchers._base import Trial

    module, cls = {
        "bayesian": ("nbopt.searchers._bayesian", "BayesianSearch"),
        "evolutionary": ("nbopt.searchers._cmaes", "EvolutionarySearch"),
        "genetic": ("nbopt.searchers._genetic", "GeneticSearch"),
        "random": ("nbopt.searchers._random", "RandomSearch"),
    }[method]
    searcher: Searcher = getattr(importlib.import_module(module), cls)(DIMS5, seed=0)
    rng = np.random.default_rng(0)
    for n in range(n_history):
        params = {k: float(rng.uniform(-1, 1)) for k in DIMS5}
        searcher.add_finished(
            Trial(number=n, params=params, state="complete", value=_sphere5(params))
        )
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        trial = searcher.ask()
        times.append(time.perf_counter() - t0)
        searcher.tell(trial, _sphere5(trial.params))
    return statistics.median(times)


def _optuna_ask_seconds(name: str, n_history: int, repeats: int) -> float:
    import optuna

    dists = {k: optuna.distributions.FloatDistribution(-1.0, 1.0) for k in DIMS5}
    study = optuna.create_study(sampler=optuna_sampler(name, 0))
    rng = np.random.default_rng(0)
    for _ in range(n_history):
        params = {k: float(rng.uniform(-1, 1)) for k in DIMS5}
        study.add_trial(
            optuna.trial.create_trial(params=params, distributions=dists, value=_sphere5(params))
        )
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        trial = study.ask(dists)
        times.append(time.perf_counter() - t0)
        study.tell(trial, _sphere5(trial.params))
    return statistics.median(times)


def bench_ask(sizes: list[int], repeats: int, methods: list[str]) -> None:
    print(f"\n## Seconds per ask on a 5-d space (median of {repeats} asks after n trials)\n")
    print(f"| {'method':<16} |" + "".join(f" n={n} |" for n in sizes))
    print("|" + "---|" * (len(sizes) + 1))
    for method in methods:
        row = f"| {method:<16} |"
        for n in sizes:
            if method.startswith("optuna"):
                seconds = _optuna_ask_seconds(method, n, repeats)
            else:
                seconds = _nbopt_ask_seconds(method, n, repeats)
            row += f" {seconds * 1000:8.1f} ms |"
        print(row, flush=True)


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short subset")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per method (10)")
    parser.add_argument("--only", choices=["regret", "ask", "throughput"], action="append")
    parser.add_argument("--methods", nargs="*", help="restrict to these methods")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # One thread for both GP implementations: a fair comparison on a shared machine, and
    # torch's thread pool only adds contention at these matrix sizes.
    import torch

    torch.set_num_threads(1)
    parts = args.only or ["regret", "ask", "throughput"]
    seeds = args.seeds or (3 if args.quick else 10)
    nbopt_methods = available_nbopt_methods()
    methods = nbopt_methods + OPTUNA_METHODS
    if args.methods:
        methods = [m for m in methods if m in args.methods]
    print(f"# nbopt search benchmark ({time.strftime('%Y-%m-%d %H:%M')})")
    if "regret" in parts:
        bench_regret(seeds, methods)
    if "ask" in parts:
        ask_methods = [
            m
            for m in methods
            if m
            in (
                "bayesian",
                "evolutionary",
                "genetic",
                "random",
                "optuna-gp",
                "optuna-tpe",
                "optuna-cmaes",
            )
        ]
        bench_ask([50, 100] if args.quick else [50, 100, 200], 3 if args.quick else 5, ask_methods)
    if "throughput" in parts:
        bench_throughput(8 if args.quick else 24)


if __name__ == "__main__":
    main()
