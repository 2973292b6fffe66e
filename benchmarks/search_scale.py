"""Searcher cost per trial as the trial count grows: does one ask + tell stay flat?

The searchers themselves, no search loop: ``ask()``, a trivial objective, ``tell()``,
over a 4-parameter numeric space (two floats, a log float, an int). One run per
searcher to the largest size; the figure at N trials is the mean seconds of one
ask + tell over the ``--window`` trials that end at trial N (the cost *at* N trials done,
which is flat when no ask or tell scans every trial; a quadratic searcher's grows
linearly with N), and beside it the mean over the whole run so far. Sizes 1k, 10k, 50k
for nbopt's random, genetic and evolutionary (CMA-ES) searches; for comparison Optuna's
``RandomSampler`` and ``CmaEsSampler`` through ``study.ask()`` / ``study.tell()`` at 1k
and 10k (in-memory storage), and the ratios: each searcher's cost at N over its cost at
1k, and nbopt over Optuna at the same N.

Run: ``nice -n 5 .venv/bin/python benchmarks/search_scale.py`` (``--sizes 1000 10000``,
``--optuna-sizes``, ``--window``, ``--skip-optuna``). The machine's load average is
printed: other processes slow every figure here.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Callable
from typing import Any

from nbopt import space
from nbopt.searchers import EvolutionarySearch, GeneticSearch, RandomSearch, Searcher

DIMS = {
    "x": space.Float(-5.0, 5.0),
    "y": space.Float(-5.0, 5.0),
    "lr": space.Float(1e-4, 1e-1, log=True),
    "layers": space.Int(1, 8),
}


def objective(x: float, y: float, lr: float, layers: int) -> float:
    return x * x + y * y + (math.log10(lr) + 2.0) ** 2 + (layers - 3) ** 2


SEARCHERS: dict[str, Callable[[], Searcher]] = {
    "random": lambda: RandomSearch(DIMS, seed=0),
    "genetic": lambda: GeneticSearch(DIMS, seed=0),
    "evolutionary": lambda: EvolutionarySearch(DIMS, seed=0),
}


def run(step: Callable[[], None], sizes: list[int], window: int) -> dict[int, tuple[float, float]]:
    """Call ``step`` up to ``max(sizes)`` times: {N: (s per step at N, mean s per step to N)}."""
    out: dict[int, tuple[float, float]] = {}
    seconds: list[float] = []
    start = time.perf_counter()
    for i in range(1, max(sizes) + 1):
        t0 = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - t0)
        if i in sizes:
            recent = seconds[max(0, i - window) :]
            out[i] = (sum(recent) / len(recent), sum(seconds) / i)
            print(
                f"    {i:>6} trials: {1e3 * out[i][0]:8.3f} ms per ask+tell at N, "
                f"{1e3 * out[i][1]:8.3f} ms mean so far ({time.perf_counter() - start:.1f} s)",
                flush=True,
            )
    return out


def nbopt_step(s: Searcher) -> Callable[[], None]:
    def step() -> None:
        t = s.ask()
        s.tell(t, objective(**t.params))

    return step


def optuna_step(sampler: Any) -> Callable[[], None]:
    import optuna

    study = optuna.create_study(sampler=sampler)

    def step() -> None:
        t = study.ask()
        x = t.suggest_float("x", -5.0, 5.0)
        y = t.suggest_float("y", -5.0, 5.0)
        lr = t.suggest_float("lr", 1e-4, 1e-1, log=True)
        layers = t.suggest_int("layers", 1, 8)
        study.tell(t, objective(x, y, lr, layers))

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--optuna-sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--window", type=int, default=500)
    parser.add_argument("--skip-optuna", action="store_true")
    args = parser.parse_args()
    sizes, osizes = sorted(args.sizes), sorted(args.optuna_sizes)
    print(f"load average at start: {os.getloadavg()}")
    results: dict[str, dict[int, tuple[float, float]]] = {}
    for name, make in SEARCHERS.items():
        print(f"nbopt {name}", flush=True)
        results[name] = run(nbopt_step(make()), sizes, args.window)
    if not args.skip_optuna:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        for name, sampler in (
            ("optuna random", lambda: optuna.samplers.RandomSampler(seed=0)),
            ("optuna cmaes", lambda: optuna.samplers.CmaEsSampler(seed=0)),
        ):
            print(name, flush=True)
            results[name] = run(optuna_step(sampler()), osizes, args.window)
    print(f"load average at end: {os.getloadavg()}")

    first = sizes[0]
    print(f"\nms per ask+tell at N trials (mean over the {args.window} trials ending at N)")
    every = sorted({n for r in results.values() for n in r})
    print(f"{'searcher':<16}" + "".join(f"{n:>10}" for n in every) + "   ratio N / first")
    for name, r in results.items():
        cells = "".join(f"{1e3 * r[n][0]:10.3f}" if n in r else f"{'':>10}" for n in every)
        base = r[min(r)][0]
        ratios = ", ".join(f"{n}: {r[n][0] / base:.2f}" for n in sorted(r) if n != min(r))
        print(f"{name:<16}{cells}   {ratios}")
    print(f"\nmean ms per ask+tell over the whole run to N (first: {first})")
    for name, r in results.items():
        cells = "".join(f"{1e3 * r[n][1]:10.3f}" if n in r else f"{'':>10}" for n in every)
        print(f"{name:<16}{cells}")
    if not args.skip_optuna:
        print("\nnbopt over Optuna at N (cost per ask+tell at N; < 1: nbopt is cheaper)")
        for ours, theirs in (("random", "optuna random"), ("evolutionary", "optuna cmaes")):
            both = sorted(set(results[ours]) & set(results[theirs]))
            cells = ", ".join(
                f"{n}: {results[ours][n][0] / results[theirs][n][0]:.2f}" for n in both
            )
            print(f"{ours} / {theirs}: {cells}")


if __name__ == "__main__":
    main()
