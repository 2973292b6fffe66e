"""The ``%nbopt`` line and cell magics, loaded with ``%load_ext nbopt``."""

from __future__ import annotations

import argparse
import difflib
import inspect
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class

from nbopt.optimizers import Spec, parse_spec, parse_start

__all__ = [
    "CompareCall",
    "NbOptMagics",
    "OptimizeCall",
    "SearchCall",
    "Spec",
    "classic_optimizers",
    "load_ipython_extension",
    "parse_compare",
    "parse_optimize",
    "parse_search",
    "parse_spec",
    "parse_start",
]


@dataclass
class OptimizeCall:
    """The arguments of ``%nbopt optimize``, resolved into engine objects.

    ``nbopt.optimize(call.problem, call.optimizers, **call.options)`` starts the race.
    """

    problem: Any
    optimizers: dict[str, Any]
    options: dict[str, Any]
    save: str | None = None


def _choose(name: str, choices: Sequence[str], what: str) -> str:
    """Resolve a name case-insensitively, or raise ValueError listing the choices."""
    by_lower = {c.lower(): c for c in choices}
    found = by_lower.get(name.lower())
    if found is not None:
        return found
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1)
    hint = f" (did you mean {by_lower[close[0]]!r}?)" if close else ""
    raise ValueError(f"unknown {what} {name!r}{hint}; choose from {', '.join(choices)}")


def optimizer_defaults(name: str) -> dict[str, Any]:
    """Hyperparameters of optimizer ``name`` with their defaults, in signature order.

    A hyperparameter without default maps to ``inspect.Parameter.empty``.

    Examples
    --------
    >>> optimizer_defaults("sgd")["momentum"]
    0
    """
    from nbopt import optimizers

    cls = type(optimizers.get(name))
    params = inspect.signature(cls.__init__).parameters.values()
    return {
        p.name: p.default
        for p in params
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"
    }


def _format_default(value: Any) -> str:
    return "required" if value is inspect.Parameter.empty else repr(value)


def _optimizers_help() -> str:
    from nbopt import optimizers

    lines = ["optimizers (hyperparameter=default):"]
    for name in optimizers.names():
        try:
            defaults = optimizer_defaults(name)
        except (TypeError, ValueError) as exc:
            lines.append(f"  {name:<10} ({exc})")
            continue
        params = ", ".join(f"{k}={_format_default(v)}" for k, v in defaults.items())
        lines.append(f"  {name:<10} {params}")
    return "\n".join(lines)


def _problems_help() -> str:
    from nbopt import problems

    lines = ["problems:"]
    for name in problems.names():
        try:
            problem = problems.get(name)
        except (TypeError, ValueError) as exc:
            lines.append(f"  {name:<20} ({exc})")
            continue
        notes = [f"{problem.dim}-D"]
        if getattr(problem, "n_train", None):
            notes.append(f"{problem.n_train} training samples, mini-batches")
        if getattr(problem, "log_scale", False):
            notes.append("log-scale landscape")
        doc = getattr(problem, "description", "") or (inspect.getdoc(type(problem)) or "")
        doc = doc.strip().split("\n", 1)[0].rstrip(".").replace("``", "")
        summary = f": {doc}" if doc else ""
        lines.append(f"  {name:<20} {', '.join(notes)}{summary}")
    return "\n".join(lines)


def _choices_epilog() -> str:
    return f"{_problems_help()}\n\n{_optimizers_help()}"


class _HelpShown(Exception):
    """argparse printed help (or a version) and wanted to exit."""


class _ArgumentError(Exception):
    """argparse found a usage error; carries its message and a pointer to --help."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of exiting the kernel."""

    def error(self, message: str) -> NoReturn:
        raise _ArgumentError(f"{message}\n({self.prog} --help shows the usage)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            print(message, file=sys.stderr, end="")
        raise _HelpShown


_OPTIMIZE_EXAMPLE = """examples:
  %nbopt optimize rosenbrock      (no -o: gradient descent, SGD with momentum 0.9, RMSProp
                                   and Adam, at the problem's default learning rates)
  %nbopt optimize rosenbrock -o "sgd(lr=1e-3, momentum=0.9)" "adam(lr=0.05)" --start -1.5,2
  %nbopt optimize "linear_regression" -o sgd(lr=0.05) --batch-size 16 --seed 0 --block
  %nbopt optimize booth -o "gd(lr=0.05)" "adam(lr=0.5)" --steps 100 --save race.gif
  %nbopt optimize himmelblau -o "slow = gd(lr=1e-3)" "fast = gd(lr=1e-2)"

  %%nbopt optimize rosenbrock --steps 300      (cell form: one optimizer per line)
  sgd(lr=1e-3, momentum=0.9)
  adam(lr=0.05)

An optimizer spec is [label=]name(key=value, ...) with literal values only
(numbers, strings, True/False/None, tuples); a problem may take keywords the same way."""


def build_parser() -> argparse.ArgumentParser:
    """Build the ``%nbopt`` argument parser (its help lists every problem and optimizer)."""
    epilog = _choices_epilog()
    parser = _Parser(
        prog="%nbopt",
        description="Optimization made visible: race gradient optimizers and search "
        "hyperparameters in live widgets.",
        epilog=f"{epilog}\n\nRun '%nbopt optimize --help', '%nbopt search --help' or "
        "'%nbopt compare --help' for the options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="command")
    opt = commands.add_parser(
        "optimize",
        help="race optimizers on a problem in a live widget",
        description="Race gradient optimizers from one start point on a problem, drawn live.",
        epilog=f"{_OPTIMIZE_EXAMPLE}\n\n{epilog}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    opt.add_argument(
        "problem",
        help="problem name or spec, e.g. rosenbrock, or a notebook variable holding a Problem",
    )
    opt.add_argument(
        "-o",
        "--optimizers",
        nargs="+",
        action="extend",
        default=[],
        metavar="SPEC",
        help='optimizer specs, e.g. "sgd(lr=1e-3, momentum=0.9)" adam(lr=0.05), or notebook '
        "variables holding Optimizers (default: the classics, gradient descent, SGD with "
        "momentum 0.9, RMSProp and Adam, at learning rates measured for the problem)",
    )
    opt.add_argument("--steps", type=int, default=500, help="number of steps (default 500)")
    opt.add_argument(
        "--start",
        default=None,
        metavar="X,Y",
        help="start point, comma-separated (default: the problem's own)",
    )
    opt.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="mini-batch size for model problems (default: full batch)",
    )
    opt.add_argument("--seed", type=int, default=None, help="random seed (mini-batches)")
    opt.add_argument(
        "--block",
        action="store_true",
        help="run in the foreground until done (scripts, nbclient)",
    )
    opt.add_argument(
        "--save",
        default=None,
        metavar="PATH",
        help="when the race is done (implies --block), also save it as .png, .svg or .gif",
    )
    _add_search_parser(commands, epilog)
    _add_compare_parser(commands)
    return parser


_SEARCH_EXAMPLE = """examples:
  %nbopt search train --space "lr=float(1e-4,1e-1,log)" "layers=int(1,4)" \\
                "act=choice(relu,tanh)" --method bayesian --trials 40
  %nbopt search f --space x=float(-5,5) y=float(-5,5) --method random --trials 200
  %nbopt search train --space "lr=float(1e-4,1e-1,log)" --trials 60 \\
                --storage search.db --name lr-study      (resumable)

OBJECTIVE is a function defined in the notebook. It gets the params as keyword arguments
(def train(lr, layers, act): ...) or as one dict, and returns a number (or a dict with the
number under "value" and extra metrics). The dashboard shows the search live."""


def _add_search_parser(commands: Any, epilog: str) -> None:
    from nbopt.searchers import METHODS

    search = commands.add_parser(
        "search",
        help="search hyperparameters of a notebook function, with a live dashboard",
        description="Search a space of hyperparameters for the best value of OBJECTIVE.",
        epilog=_SEARCH_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("objective", help="name of a function defined in the notebook")
    search.add_argument(
        "--space",
        nargs="+",
        action="extend",
        default=[],
        metavar="DIM",
        required=True,
        help="dimensions: name=float(lo,hi[,log]) name=int(lo,hi[,log]) name=choice(a,b,...)",
    )
    search.add_argument(
        "--method",
        default="bayesian",
        choices=METHODS,
        help="the searcher (default bayesian)",
    )
    search.add_argument("--trials", type=int, default=40, help="number of trials (default 40)")
    search.add_argument("--seed", type=int, default=None, help="random seed of the searcher")
    search.add_argument(
        "--direction",
        default="minimize",
        choices=("minimize", "maximize"),
        help="minimize (default) or maximize the value",
    )
    search.add_argument(
        "--workers",
        type=int,
        default=None,
        help="trials in flight at once, each in a thread (default 1)",
    )
    search.add_argument(
        "--storage", default=None, metavar="FILE", help="SQLite file: the search resumes"
    )
    search.add_argument("--name", default=None, help="study name inside the storage")
    search.add_argument(
        "--block",
        action="store_true",
        help="run in the foreground until done (the dashboard still shows it live)",
    )


def _regroup(tokens: Sequence[str]) -> list[str]:
    """Join tokens split inside parentheses: ``lr=float(1e-4,`` ``1e-1)`` -> one spec."""
    out: list[str] = []
    depth = 0
    for tok in tokens:
        if depth > 0 and out:
            out[-1] = f"{out[-1]} {tok}"
        else:
            out.append(tok)
        depth += tok.count("(") - tok.count(")")
    if depth != 0:
        raise ValueError(f"unbalanced parentheses in --space {' '.join(tokens)!r}")
    return out


@dataclass
class SearchCall:
    """What ``%nbopt search`` resolved its arguments to (the arguments of nbopt.search)."""

    objective: Callable[..., Any]
    space: Any
    options: dict[str, Any]


def parse_search(args: argparse.Namespace, namespace: dict[str, Any] | None) -> SearchCall:
    """Resolve parsed ``%nbopt search`` arguments: the objective, the space, the options."""
    from nbopt.space import parse_space

    ns = namespace or {}
    if args.objective not in ns:
        raise ValueError(
            f"no function named {args.objective!r} in the notebook; define it first "
            "(def f(x, y): ...) and pass its name"
        )
    objective = ns[args.objective]
    if not callable(objective):
        raise ValueError(
            f"{args.objective!r} is a {type(objective).__name__}, not a function; "
            "pass the name of the objective function"
        )
    space = parse_space(_regroup(args.space))
    if args.trials < 1:
        raise ValueError(f"--trials must be a positive number, got {args.trials}")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be a positive number, got {args.workers}")
    if args.name is not None and args.storage is None:
        raise ValueError("--name names a study in a storage; pass --storage FILE too")
    options: dict[str, Any] = {
        "method": args.method,
        "n_trials": args.trials,
        "seed": args.seed,
        "direction": args.direction,
        "storage": args.storage,
        "name": args.name,
        "n_workers": args.workers,
        "block": args.block,
    }
    return SearchCall(objective, space, options)


_NUMBERISH = re.compile(r"^[(\[]?[-+]?(\d|\.\d|inf|nan)", re.IGNORECASE)


def _split(line: str) -> list[str]:
    """Shell-split the magic line, keeping ``--start -1.5,2`` from looking like an option."""
    try:
        tokens = shlex.split(line)
    except ValueError as exc:
        raise ValueError(f"cannot split the line: {exc}") from None
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "--start":
            parts = []
            while i + 1 < len(tokens) and _NUMBERISH.match(tokens[i + 1]):
                parts.append(tokens[i + 1])
                i += 1
            out.append("--start=" + " ".join(parts) if parts else tok)
        else:
            out.append(tok)
        i += 1
    return out


def _cell_specs(cell: str | None) -> list[str]:
    """Optimizer specs from a cell body: one per line, ``#`` comments and blank lines ignored."""
    if not cell:
        return []
    specs = []
    for raw in cell.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            specs.append(line)
    return specs


def _from_namespace(spec: Spec, namespace: dict[str, Any] | None, kind: type, what: str) -> Any:
    """Return the notebook variable ``spec.name`` if it holds a ``kind`` object, else None."""
    if namespace is None or not isinstance(namespace.get(spec.name), kind):
        return None
    if spec.kwargs:
        raise ValueError(
            f"{what} {spec.name!r} is a variable of the notebook: set its options where it "
            f"is created, not in {spec.text!r}"
        )
    return namespace[spec.name]


def _build_optimizer(spec: Spec, namespace: dict[str, Any] | None = None) -> tuple[str, Any]:
    """Return ``(default label, optimizer)`` for a spec: a built-in name or a variable."""
    from nbopt import optimizers

    try:
        name = _choose(spec.name, optimizers.names(), "optimizer")
    except ValueError:
        variable = _from_namespace(spec, namespace, optimizers.Optimizer, "optimizer")
        if variable is None:
            raise
        return spec.name, variable
    defaults = optimizer_defaults(name)
    unknown = [k for k in spec.kwargs if k not in defaults]
    if unknown:
        raise ValueError(
            f"optimizer {name!r} has no hyperparameter {unknown[0]!r}; "
            f"expected one of: {', '.join(defaults)}"
        )
    missing = [k for k, v in defaults.items() if v is inspect.Parameter.empty]
    missing = [k for k in missing if k not in spec.kwargs]
    if missing:
        raise ValueError(f"optimizer {name!r} needs {missing[0]}=..., e.g. {name}(lr=0.01)")
    try:
        optimizer = optimizers.get(name, **spec.kwargs)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"optimizer {spec.text!r}: {exc}") from None
    return type(optimizer).__name__, optimizer


def classic_optimizers(problem: Any) -> dict[str, Any]:
    """Return the race run when no optimizer is given: the classics at the problem's rates.

    Gradient descent, SGD with momentum 0.9, RMSProp and Adam, each with its rate from
    ``problem.default_lrs`` (see :attr:`nbopt.problems.Problem.default_lrs`).

    Examples
    --------
    >>> from nbopt import problems
    >>> race = classic_optimizers(problems.get("rosenbrock"))
    >>> list(race), race["Adam"].lr
    (['GradientDescent', 'SGD', 'RMSProp', 'Adam'], 0.1)
    """
    from nbopt import optimizers

    lrs = problem.default_lrs
    return {
        "GradientDescent": optimizers.GradientDescent(lr=lrs["gd"]),
        "SGD": optimizers.SGD(lr=lrs["sgd"], momentum=0.9),
        "RMSProp": optimizers.RMSProp(lr=lrs["rmsprop"]),
        "Adam": optimizers.Adam(lr=lrs["adam"]),
    }


def _labels(specs: list[Spec], built: list[tuple[str, Any]]) -> list[str]:
    """Display names: given labels, else class (or variable) names, made unique with the spec."""
    base = [s.label or default for s, (default, _) in zip(specs, built)]
    labels = []
    for spec, name in zip(specs, base):
        if spec.label is None and base.count(name) > 1:
            args = ", ".join(f"{k}={v!r}" for k, v in spec.kwargs.items())
            name = f"{name}({args})"
        labels.append(name)
    for label in labels:
        if labels.count(label) > 1:
            raise ValueError(
                f"two optimizers are both called {label!r}; label them, e.g. fast=sgd(lr=0.1)"
            )
    return labels


def parse_optimize(
    args: argparse.Namespace, cell: str | None = None, namespace: dict[str, Any] | None = None
) -> OptimizeCall:
    """Resolve parsed ``optimize`` arguments into a problem, optimizers and options.

    A problem or optimizer that is not a built-in name may be the name of a
    :class:`~nbopt.problems.Problem` or :class:`~nbopt.optimizers.Optimizer` variable of
    ``namespace`` (the notebook's).

    Raises
    ------
    ValueError
        For an unknown problem, optimizer or hyperparameter, a malformed spec or a bad start.
    """
    from nbopt import problems

    pspec = parse_spec(args.problem, "problem")
    if pspec.label is not None:
        raise ValueError(f"problem: labels are for optimizers, got {args.problem!r}")
    try:
        pname = _choose(pspec.name, problems.names(), "problem")
    except ValueError:
        problem = _from_namespace(pspec, namespace, problems.Problem, "problem")
        if problem is None:
            raise
        pname = pspec.name
    else:
        try:
            problem = problems.get(pname, **pspec.kwargs)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"problem {pspec.text!r}: {exc}") from None

    texts = list(args.optimizers) + _cell_specs(cell)
    if texts:
        specs = [parse_spec(t) for t in texts]
        built = [_build_optimizer(s, namespace) for s in specs]
        contestants = dict(zip(_labels(specs, built), (o for _, o in built)))
    else:
        contestants = classic_optimizers(problem)

    if args.steps < 1:
        raise ValueError(f"--steps: expected a positive number of steps, got {args.steps}")
    if args.batch_size is not None and args.batch_size < 1:
        raise ValueError(f"--batch-size: expected a positive size, got {args.batch_size}")
    if args.batch_size is not None and getattr(problem, "n_train", None) is None:
        raise ValueError(
            f"--batch-size: {pname!r} is a plain function without training data; "
            "mini-batches need a model problem"
        )
    start = None
    if args.start is not None:
        start = parse_start(args.start)
        if len(start) != problem.dim:
            raise ValueError(
                f"--start: {pname!r} is {problem.dim}-D, got {len(start)} coordinates {start}"
            )
    save = args.save
    if save is not None and Path(save).suffix.lower() not in (".png", ".svg", ".gif"):
        raise ValueError(f"--save: expected a .png, .svg or .gif file name, got {save!r}")
    options: dict[str, Any] = {
        "start": start,
        "steps": args.steps,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "block": args.block or save is not None,
    }
    return OptimizeCall(problem, contestants, options, save)


def run_nbopt(
    line: str,
    cell: str | None = None,
    optimize: Callable[..., Any] | None = None,
    namespace: dict[str, Any] | None = None,
) -> Any:
    """Run one ``%nbopt`` command line; the function behind the magic.

    Parameters
    ----------
    line : str
        The magic's line, e.g. ``'optimize rosenbrock -o "adam(lr=0.05)"'``.
    cell : str, optional
        The cell body of ``%%nbopt``: one optimizer spec per line.
    optimize : callable, optional
        What starts the race; :func:`nbopt.optimize` by default.
    namespace : dict, optional
        Variables that may name a problem or an optimizer (the notebook's).

    Returns
    -------
    The widget, or None after ``--help``.

    Raises
    ------
    IPython.core.error.UsageError
        For any bad argument: IPython prints it as one short message, without traceback.
    """
    parser = build_parser()
    tokens: list[str] = []
    try:
        tokens = _split(line)
        if not tokens:
            parser.print_help()
            return None
        args = parser.parse_args(tokens)
        if args.command is None:
            parser.print_help()
            return None
        if args.command == "search":
            return _run_search(parse_search(args, namespace))
        if args.command == "compare":
            return _run_compare(args, namespace)
        call = parse_optimize(args, cell, namespace)
    except _HelpShown:
        return None
    except _ArgumentError as exc:
        raise UsageError(f"%nbopt: {exc}") from None
    except ValueError as exc:
        command = "search" if tokens[:1] == ["search"] else "optimize"
        raise UsageError(f"%nbopt: {exc}\n(%nbopt {command} --help lists the choices)") from None
    if optimize is None:
        from nbopt import optimize as start_race
    else:
        start_race = optimize
    try:
        widget = start_race(call.problem, call.optimizers, **call.options)
    except ValueError as exc:
        raise UsageError(f"%nbopt: {exc}") from None
    if call.save is not None:
        from nbopt.export import save

        try:
            path = save(widget, call.save)
        except OSError as exc:
            raise UsageError(f"%nbopt: --save: cannot write {call.save!r}: {exc}") from None
        print(f"saved {path}")
    return widget


def _run_search(call: SearchCall) -> Any:
    from nbopt.searchers import search

    try:
        result = search(call.objective, call.space, **call.options)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"%nbopt search: {exc}") from None
    # a foreground search was drawn live while it ran; a background one shows when returned
    return None if call.options["block"] else result


_COMPARE_EXAMPLE = """examples:
  %nbopt compare train --space "lr=float(1e-4,1e-1,log)" "layers=int(1,4)" \\
                 --methods random,bayesian --trials 40 --seeds 5
  %nbopt compare f --space x=float(-5,5) y=float(-5,5) --target 0.01
  %nbopt compare train --space "lr=float(1e-4,1e-1,log)" --executor pool
                 (pool: a notebook variable holding a ThreadPoolExecutor, a
                  ProcessPoolExecutor or a dask.distributed Client)

Every method runs with every seed (seeds 0 to K-1), n_trials each. The widget draws, per
method, the median best value so far over the seeds with its interquartile band, the time
per trial of the searcher and of the objective, and the table (median best value, trials
to reach --target, seconds per trial); race.table() returns it as a DataFrame."""


def _add_compare_parser(commands: Any) -> None:
    from nbopt.searchers import METHODS
    from nbopt.searchers._compare import COMPARE_METHODS

    compare = commands.add_parser(
        "compare",
        help="race hyperparameter searchers on a notebook function, every one with every seed",
        description="Race searchers on OBJECTIVE: each method with each seed, drawn live.",
        epilog=_COMPARE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument("objective", help="name of a function defined in the notebook")
    compare.add_argument(
        "--space",
        nargs="+",
        action="extend",
        default=[],
        metavar="DIM",
        required=True,
        help="dimensions: name=float(lo,hi[,log]) name=int(lo,hi[,log]) name=choice(a,b,...)",
    )
    compare.add_argument(
        "--methods",
        nargs="+",
        action="extend",
        default=[],
        metavar="METHOD",
        help=f"searchers, comma- or space-separated, from {', '.join(METHODS)} "
        f"(default {','.join(COMPARE_METHODS)})",
    )
    compare.add_argument("--trials", type=int, default=40, help="trials per run (default 40)")
    compare.add_argument(
        "--seeds", type=int, default=5, help="seeds per method: 0 to K-1 (default 5)"
    )
    compare.add_argument(
        "--direction",
        default="minimize",
        choices=("minimize", "maximize"),
        help="minimize (default) or maximize the value",
    )
    compare.add_argument(
        "--target", type=float, default=None, help="a value worth reaching: trials to reach it"
    )
    compare.add_argument(
        "--executor",
        default=None,
        metavar="NAME",
        help="a notebook variable holding an Executor (or dask Client) to run the trials on",
    )
    compare.add_argument(
        "--block", action="store_true", help="run in the foreground until done (scripts, nbclient)"
    )


@dataclass
class CompareCall:
    """What ``%nbopt compare`` resolved its arguments to (the arguments of nbopt.compare)."""

    objective: Callable[..., Any]
    space: Any
    options: dict[str, Any]


def parse_compare(args: argparse.Namespace, namespace: dict[str, Any] | None) -> CompareCall:
    """Resolve parsed ``%nbopt compare`` arguments: the objective, the space, the options.

    The objective and the space are read as ``%nbopt search`` reads them.
    """
    from nbopt.searchers._compare import COMPARE_METHODS

    shared = argparse.Namespace(
        objective=args.objective,
        space=args.space,
        trials=args.trials,
        method="random",
        seed=None,
        direction=args.direction,
        workers=None,
        storage=None,
        name=None,
        block=args.block,
    )
    found = parse_search(shared, namespace)
    methods = [m for text in args.methods for m in text.split(",") if m.strip()]
    if args.seeds < 1:
        raise ValueError(f"--seeds must be a positive number of seeds, got {args.seeds}")
    executor = None
    if args.executor is not None:
        ns = namespace or {}
        if args.executor not in ns:
            raise ValueError(
                f"no variable named {args.executor!r} in the notebook; create the executor "
                "first (pool = ThreadPoolExecutor(4)) and pass its name"
            )
        executor = ns[args.executor]
    options: dict[str, Any] = {
        "methods": [m.strip().lower() for m in methods] if methods else list(COMPARE_METHODS),
        "n_trials": args.trials,
        "seeds": args.seeds,
        "executor": executor,
        "direction": args.direction,
        "target": args.target,
        "block": args.block,
    }
    return CompareCall(found.objective, found.space, options)


def _run_compare(args: argparse.Namespace, namespace: dict[str, Any] | None) -> Any:
    from nbopt.widgets import compare

    try:
        call = parse_compare(args, namespace)
        return compare(call.objective, call.space, **call.options)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"%nbopt compare: {exc}\n(%nbopt compare --help lists the choices)"
        ) from None


@magics_class
class NbOptMagics(Magics):
    """The ``%nbopt`` / ``%%nbopt`` magics."""

    @line_cell_magic
    def nbopt(self, line: str, cell: str | None = None) -> Any:
        """Race optimizers live: ``%nbopt optimize rosenbrock -o "adam(lr=0.05)"``.

        ``%nbopt --help`` lists the problems and optimizers; ``%%nbopt optimize
        PROBLEM`` takes one optimizer spec per line of the cell.
        """
        return run_nbopt(line, cell, namespace=self.shell.user_ns if self.shell else None)


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%nbopt`` magics on an IPython shell (``%load_ext nbopt``)."""
    ipython.register_magics(NbOptMagics)
