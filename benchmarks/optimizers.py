"""Step throughput of nbopt's optimizers against torch.optim and an in-place numpy reference.

Run from the repository root:

    .venv/bin/python benchmarks/optimizers.py            # full table
    .venv/bin/python benchmarks/optimizers.py --quick    # fewer repeats
    .venv/bin/python benchmarks/optimizers.py --clock thread   # on a busy machine

For each optimizer and each array shape (10,000 two-dimensional particles, and one
vector of 1,000,000 elements) it times one step of

- nbopt (``opt.step(x, grad, out=x)``),
- torch.optim with its default implementation (on CPU: the single-tensor loop),
  with ``foreach=True`` and with ``fused=True`` where torch has a fused CPU kernel,
- a numpy reference written here with in-place ``out=`` operations on whole arrays,

all in float64, and prints the time per step, steps per second, nanoseconds per
element and speed ratios (> 1 means nbopt is faster). Before timing, every variant
is checked to compute the same iterates as nbopt.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from nbopt import optimizers

Step = Callable[[], None]


# -- numpy reference: straightforward in-place implementations of the torch rules ----------


def ref_gd(x: np.ndarray, g: np.ndarray, lr: float) -> Step:
    tmp = np.empty_like(x)

    def step() -> None:
        np.multiply(g, lr, out=tmp)
        np.subtract(x, tmp, out=x)

    return step


def ref_sgd_momentum(x: np.ndarray, g: np.ndarray, lr: float, momentum: float) -> Step:
    buf = np.empty_like(x)
    tmp = np.empty_like(x)
    first = [True]

    def step() -> None:
        if first[0]:
            np.copyto(buf, g)
            first[0] = False
        else:
            np.multiply(buf, momentum, out=buf)
            np.add(buf, g, out=buf)
        np.multiply(buf, lr, out=tmp)
        np.subtract(x, tmp, out=x)

    return step


def ref_rmsprop(x: np.ndarray, g: np.ndarray, lr: float, alpha: float, eps: float) -> Step:
    v = np.zeros_like(x)
    tmp = np.empty_like(x)

    def step() -> None:
        np.multiply(v, alpha, out=v)
        np.multiply(g, g, out=tmp)
        np.multiply(tmp, 1 - alpha, out=tmp)
        np.add(v, tmp, out=v)
        np.sqrt(v, out=tmp)
        np.add(tmp, eps, out=tmp)
        np.divide(g, tmp, out=tmp)
        np.multiply(tmp, lr, out=tmp)
        np.subtract(x, tmp, out=x)

    return step


def ref_adam(
    x: np.ndarray, g: np.ndarray, lr: float, beta1: float, beta2: float, eps: float, wd: float = 0.0
) -> Step:
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    tmp = np.empty_like(x)
    t = [0]

    def step() -> None:
        t[0] += 1
        if wd:
            np.multiply(x, 1 - lr * wd, out=x)
        np.multiply(m, beta1, out=m)
        np.multiply(g, 1 - beta1, out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(v, beta2, out=v)
        np.multiply(g, g, out=tmp)
        np.multiply(tmp, 1 - beta2, out=tmp)
        np.add(v, tmp, out=v)
        step_size = lr / (1 - beta1 ** t[0])
        np.sqrt(v, out=tmp)
        np.divide(tmp, (1 - beta2 ** t[0]) ** 0.5, out=tmp)
        np.add(tmp, eps, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, step_size, out=tmp)
        np.subtract(x, tmp, out=x)

    return step


def ref_adagrad(x: np.ndarray, g: np.ndarray, lr: float, eps: float) -> Step:
    s = np.zeros_like(x)
    tmp = np.empty_like(x)

    def step() -> None:
        np.multiply(g, g, out=tmp)
        np.add(s, tmp, out=s)
        np.sqrt(s, out=tmp)
        np.add(tmp, eps, out=tmp)
        np.divide(g, tmp, out=tmp)
        np.multiply(tmp, lr, out=tmp)
        np.subtract(x, tmp, out=x)

    return step


# name, nbopt name, kwargs (torch names), torch class, fused CPU kernel?, numpy reference
CASES: list[tuple[str, str, dict[str, Any], Any, bool, Callable[..., Step]]] = [
    ("GD", "gd", {"lr": 1e-3}, torch.optim.SGD, True, lambda x, g: ref_gd(x, g, 1e-3)),
    (
        "SGD momentum",
        "sgd",
        {"lr": 1e-3, "momentum": 0.9},
        torch.optim.SGD,
        True,
        lambda x, g: ref_sgd_momentum(x, g, 1e-3, 0.9),
    ),
    (
        "RMSProp",
        "rmsprop",
        {"lr": 1e-2},
        torch.optim.RMSprop,
        False,
        lambda x, g: ref_rmsprop(x, g, 1e-2, 0.99, 1e-8),
    ),
    (
        "Adam",
        "adam",
        {"lr": 1e-3},
        torch.optim.Adam,
        True,
        lambda x, g: ref_adam(x, g, 1e-3, 0.9, 0.999, 1e-8),
    ),
    (
        "AdamW",
        "adamw",
        {"lr": 1e-3},
        torch.optim.AdamW,
        True,
        lambda x, g: ref_adam(x, g, 1e-3, 0.9, 0.999, 1e-8, wd=1e-2),
    ),
    (
        "AdaGrad",
        "adagrad",
        {"lr": 1e-2},
        torch.optim.Adagrad,
        True,
        lambda x, g: ref_adagrad(x, g, 1e-2, 1e-10),
    ),
]


CLOCK: Callable[[], float] = time.perf_counter


def best_times(variants: dict[str, Step], steps: int, repeats: int) -> dict[str, float]:
    """Best-of-``repeats`` seconds per step of each variant, over loops of ``steps`` steps.

    Variants are timed round-robin, so a change of machine load during the run
    affects all of them alike; each one is warmed up first.
    """
    for step in variants.values():
        for _ in range(max(3, steps // 10)):
            step()
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(repeats):
        for name, step in variants.items():
            start = CLOCK()
            for _ in range(steps):
                step()
            best[name] = min(best[name], (CLOCK() - start) / steps)
    return best


def nbopt_step(name: str, kwargs: dict[str, Any], x: np.ndarray, g: np.ndarray) -> Step:
    opt = optimizers.get(name, **kwargs)

    def step() -> None:
        opt.step(x, g, out=x)

    return step


def torch_step(
    cls: Any, kwargs: dict[str, Any], x: np.ndarray, g: np.ndarray, **impl: Any
) -> tuple[Step, torch.Tensor]:
    param = torch.tensor(x, requires_grad=True)
    param.grad = torch.tensor(g)
    opt = cls([param], **kwargs, **impl)
    return opt.step, param


def check_same(shape: tuple[int, ...], case: tuple[Any, ...], n: int = 5) -> None:
    """All variants must compute the same iterates (so the timings compare like with like)."""
    _, name, kwargs, cls, fused, reference = case
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal(shape)
    g = rng.standard_normal(shape)
    ours = x0.copy()
    step = nbopt_step(name, kwargs, ours, g)
    ref = x0.copy()
    ref_step = reference(ref, g)
    variants = [torch_step(cls, kwargs, x0, g)]
    variants.append(torch_step(cls, kwargs, x0, g, foreach=True))
    if fused:
        variants.append(torch_step(cls, kwargs, x0, g, fused=True))
    for _ in range(n):
        step()
        ref_step()
        for torch_step_fn, _param in variants:
            torch_step_fn()
    np.testing.assert_allclose(ref, ours, rtol=1e-12, atol=1e-14)
    for _, param in variants:
        np.testing.assert_allclose(param.detach().numpy(), ours, rtol=1e-9, atol=1e-12)


def fmt_time(seconds: float | None) -> str:
    return f"{'n/a':>9}" if seconds is None else f"{seconds * 1e6:9.1f}"


def fmt_ratio(numerator: float | None, denominator: float) -> str:
    return "n/a" if numerator is None else f"{numerator / denominator:5.2f}x"


def bench_shape(shape: tuple[int, ...], steps: int, repeats: int, only: list[str]) -> None:
    size = int(np.prod(shape))
    print(f"\n## x of shape {shape} ({size:,} float64 elements), µs per step (best of {repeats})")
    header = (
        f"{'optimizer':<13} {'nbopt':>9} {'steps/s':>9} {'ns/elem':>7} {'torch':>9} "
        f"{'foreach':>9} {'fused':>9} {'numpy':>9} | {'vs torch':>8} {'vs best':>8} "
        f"{'vs fused':>8} {'vs numpy':>8}"
    )
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(0)
    for case in CASES:
        label, name, kwargs, cls, fused, reference = case
        if only and name not in only:
            continue
        check_same(shape, case)
        g = rng.standard_normal(shape)
        x = rng.standard_normal(shape)
        variants = {
            "nbopt": nbopt_step(name, kwargs, x.copy(), g),
            "torch": torch_step(cls, kwargs, x, g)[0],
            "foreach": torch_step(cls, kwargs, x, g, foreach=True)[0],
            "numpy": reference(x.copy(), g),
        }
        if fused:
            variants["fused"] = torch_step(cls, kwargs, x, g, fused=True)[0]
        times = best_times(variants, steps, repeats)
        ours, default, foreach = times["nbopt"], times["torch"], times["foreach"]
        fused_time = times.get("fused")
        numpy_time = times["numpy"]
        best_torch = min(t for t in (default, foreach, fused_time) if t is not None)
        print(
            f"{label:<13} {fmt_time(ours)} {1 / ours:9.0f} {ours / size * 1e9:7.2f} "
            f"{fmt_time(default)} {fmt_time(foreach)} {fmt_time(fused_time)} "
            f"{fmt_time(numpy_time)} | {fmt_ratio(default, ours):>8} "
            f"{fmt_ratio(best_torch, ours):>8} {fmt_ratio(fused_time, ours):>8} "
            f"{fmt_ratio(numpy_time, ours):>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    parser.add_argument("--repeats", type=int, default=7, help="best-of-N repeats")
    parser.add_argument("--torch-threads", type=int, default=None, help="torch.set_num_threads")
    parser.add_argument(
        "--clock",
        choices=["wall", "thread"],
        default="wall",
        help="wall: time.perf_counter; thread: CPU time of this thread (time.thread_time), "
        "robust on a busy machine, and runs torch on 1 thread so that it counts all its work",
    )
    parser.add_argument(
        "--only", nargs="*", default=[], choices=optimizers.names(), help="optimizers to time"
    )
    args = parser.parse_args()
    global CLOCK
    if args.clock == "thread":
        CLOCK = time.thread_time
        torch.set_num_threads(1)
    if args.torch_threads is not None:
        if args.clock == "thread" and args.torch_threads != 1:
            parser.error("--clock thread measures one thread: torch must run on 1 thread")
        torch.set_num_threads(args.torch_threads)
    repeats = 3 if args.quick else args.repeats
    print(
        f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads; "
        f"numpy is single-threaded); clock: {args.clock}; ratios > 1: nbopt faster"
    )
    bench_shape((10_000, 2), 100 if args.quick else 300, repeats, args.only)
    bench_shape((1_000_000,), 5 if args.quick else 15, repeats, args.only)


if __name__ == "__main__":
    main()
