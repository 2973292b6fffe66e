"""The ``%nbopt`` line and cell magics, loaded with ``%load_ext nbopt``."""

from __future__ import annotations

import argparse
import ast
import difflib
import inspect
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class

__all__ = [
    "NbOptMagics",
    "OptimizeCall",
    "Spec",
    "load_ipython_extension",
    "parse_optimize",
    "parse_spec",
    "parse_start",
]

SpecValue = int | float | bool | str | None | tuple[Any, ...]


@dataclass(frozen=True)
class Spec:
    """One parsed ``[label=]name(key=value, ...)`` specification.

    Attributes
    ----------
    name : str
        The optimizer or problem name as written (not yet resolved).
    kwargs : dict
        Keyword arguments, literal values only.
    label : str or None
        The display name given before ``=``, if any.
    text : str
        The specification as written, stripped.
    """

    name: str
    kwargs: dict[str, SpecValue] = field(default_factory=dict)
    label: str | None = None
    text: str = ""


@dataclass
class OptimizeCall:
    """The arguments of ``%nbopt optimize``, resolved into engine objects.

    ``nbopt.optimize(call.problem, call.optimizers, **call.options)`` starts the race.
    """

    problem: Any
    optimizers: dict[str, Any]
    options: dict[str, Any]
    save: str | None = None


_LABEL = re.compile(r"^\s*([^=()]+?)\s*=(?!=)\s*(.*)$", re.DOTALL)


def _literal(node: ast.expr, where: str) -> SpecValue:
    """Evaluate a literal node: numbers, strings, True/False/None and tuples or lists of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, type(None))):
        return node.value  # bool is an int subclass
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
        and not isinstance(node.operand.value, bool)
    ):
        number: int | float = node.operand.value
        return -number if isinstance(node.op, ast.USub) else number
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_literal(item, where) for item in node.elts)
    raise ValueError(
        f"{where}: {ast.unparse(node)!r} is not a literal; use numbers, strings, "
        "True/False/None or tuples of them, e.g. betas=(0.9, 0.999)"
    )


def parse_spec(text: str, what: str = "optimizer") -> Spec:
    """Parse ``[label=]name(key=value, ...)`` safely, without evaluating code.

    Parameters
    ----------
    text : str
        The specification, e.g. ``"sgd(lr=1e-3, momentum=0.9)"``, ``"adam"`` or
        ``"heavy ball = sgd(lr=1e-3, momentum=0.9)"``.
    what : str
        What is specified, for error messages ("optimizer" or "problem").

    Returns
    -------
    Spec

    Raises
    ------
    ValueError
        When the text is not of that form or a value is not a literal.

    Examples
    --------
    >>> spec = parse_spec("fast = sgd(lr=1e-3, momentum=0.9)")
    >>> spec.label, spec.name, spec.kwargs
    ('fast', 'sgd', {'lr': 0.001, 'momentum': 0.9})
    """
    text = text.strip()
    expected = f"expected {what} spec like name or name(key=value, ...), got {text!r}"
    label = None
    body = text
    match = _LABEL.match(text)
    if match is not None:
        label, body = match.group(1).strip(), match.group(2).strip()
    try:
        tree = ast.parse(body, mode="eval").body
    except SyntaxError:
        raise ValueError(expected) from None
    if isinstance(tree, ast.Name):
        return Spec(tree.id, {}, label, text)
    if not (isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name)):
        raise ValueError(expected)
    name = tree.func.id
    if tree.args:
        raise ValueError(
            f"{what} {name!r}: give values by name, e.g. {name}(lr=0.01), not by position"
        )
    kwargs: dict[str, SpecValue] = {}
    for keyword in tree.keywords:
        if keyword.arg is None:
            raise ValueError(f"{what} {name!r}: ** is not allowed in {text!r}")
        kwargs[keyword.arg] = _literal(keyword.value, f"{what} {name!r}, {keyword.arg}")
    return Spec(name, kwargs, label, text)


def parse_start(text: str) -> tuple[float, ...]:
    """Parse a start point such as ``"-1.5,2"``, ``"(-1.5, 2)"`` or ``"-1.5 2"``.

    Examples
    --------
    >>> parse_start("(-1.5, 2)")
    (-1.5, 2.0)
    """
    inner = text.strip().strip("()[]")
    parts = [p for p in re.split(r"[\s,]+", inner) if p]
    try:
        point = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(
            f"--start: expected comma-separated numbers such as -1.5,2, got {text!r}"
        ) from None
    if not point:
        raise ValueError("--start: expected comma-separated numbers such as -1.5,2, got nothing")
    if not all(abs(v) < float("inf") for v in point):
        raise ValueError(f"--start: coordinates must be finite, got {text!r}")
    return point


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
        description="Optimization made visible: race gradient optimizers in a live widget.",
        epilog=f"{epilog}\n\nRun '%nbopt optimize --help' for the options.",
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
        "variables holding Optimizers",
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
    return parser


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
    if not texts:
        raise ValueError(
            'no optimizers: give some, e.g. -o "sgd(lr=1e-3, momentum=0.9)" "adam(lr=0.05)"'
        )
    specs = [parse_spec(t) for t in texts]
    built = [_build_optimizer(s, namespace) for s in specs]
    labels = _labels(specs, built)

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
    return OptimizeCall(problem, dict(zip(labels, (o for _, o in built))), options, save)


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
    try:
        tokens = _split(line)
        if not tokens:
            parser.print_help()
            return None
        args = parser.parse_args(tokens)
        if args.command is None:
            parser.print_help()
            return None
        call = parse_optimize(args, cell, namespace)
    except _HelpShown:
        return None
    except _ArgumentError as exc:
        raise UsageError(f"%nbopt: {exc}") from None
    except ValueError as exc:
        raise UsageError(f"%nbopt: {exc}\n(%nbopt optimize --help lists the choices)") from None
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
