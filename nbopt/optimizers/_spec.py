"""The optimizer spec mini-language: ``[label=]name(key=value, ...)`` and start points.

Parsed safely with :mod:`ast`, without evaluating code; used by the ``%nbopt`` magic and
by :func:`nbopt.optimize` for optimizers given as strings.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Spec", "SpecValue", "parse_spec", "parse_start"]

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
