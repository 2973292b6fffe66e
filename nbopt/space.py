"""Search-space dimensions (Float, Int, Choice) and the Space that holds them."""

from __future__ import annotations

import ast
import itertools
import math
import numbers
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "Choice",
    "Dimension",
    "Float",
    "Int",
    "Space",
    "as_space",
    "parse_dimension",
    "parse_space",
]

FloatArray = npt.NDArray[np.float64]

_DEFAULT_RESOLUTION = 10


def _is_real(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _check_bound(value: object, what: str, cls: str) -> float:
    if not _is_real(value):
        raise TypeError(f"{cls}: {what} must be a real number, got {value!r}")
    out = float(value)  # type: ignore[arg-type]
    if not math.isfinite(out):
        raise ValueError(f"{cls}: {what} must be finite, got {value!r}")
    return out


def _check_resolution(resolution: object, name: str) -> int:
    if not isinstance(resolution, numbers.Integral) or isinstance(resolution, (bool, np.bool_)):
        raise TypeError(f"grid resolution for {name!r} must be an int >= 2, got {resolution!r}")
    if int(resolution) < 2:
        raise ValueError(f"grid resolution for {name!r} must be >= 2, got {resolution!r}")
    return int(resolution)


def _unit_column(u: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(u, dtype=np.float64).reshape(-1)
    if np.isnan(arr).any():
        raise ValueError("cannot decode NaN coordinates; expected values in [0, 1]")
    return np.clip(arr, 0.0, 1.0)


class Dimension(ABC):
    """One axis of a search space.

    A dimension knows how to sample a value, how to map values to and from coordinates
    in the unit cube (``encoded_dim`` coordinates each) and how to enumerate a grid.
    """

    encoded_dim: int = 1

    @abstractmethod
    def validate(self, value: object, name: str = "value") -> Any:
        """Return ``value`` as the canonical Python object, or raise naming the problem."""

    @abstractmethod
    def encode(self, values: Sequence[Any]) -> FloatArray:
        """Map valid values to unit-cube coordinates, shape ``(n, encoded_dim)``."""

    @abstractmethod
    def decode(self, u: npt.ArrayLike) -> list[Any]:
        """Map unit-cube coordinates ``(n, encoded_dim)`` back to values (clipped to [0, 1])."""

    @abstractmethod
    def from_uniform(self, q: npt.ArrayLike) -> list[Any]:
        """Map uniform numbers ``q`` in [0, 1), shape ``(n,)``, to values as `sample` draws."""

    @abstractmethod
    def grid(self, resolution: int = _DEFAULT_RESOLUTION) -> list[Any]:
        """Return the grid values of this dimension, in increasing order."""

    @abstractmethod
    def index(self, value: Any) -> int | float:
        """Return a hashable key that identifies a valid ``value`` (used to match grid points)."""

    def sample(self, rng: np.random.Generator) -> Any:
        """Draw one value (log-uniform for log dimensions, uniform over discrete values)."""
        return self.from_uniform(rng.random(1))[0]


class _Numeric(Dimension):
    """Shared machinery of Float and Int: one coordinate, optional log scale."""

    lo: float
    hi: float
    log: bool

    def _to_unit(self, x: FloatArray, lo: float, hi: float) -> FloatArray:
        if self.log:
            return (np.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return (x - lo) / (hi - lo)

    def _from_unit(self, u: FloatArray, lo: float, hi: float) -> FloatArray:
        if self.log:
            return np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        return lo + u * (hi - lo)


class Float(_Numeric):
    """A real-valued dimension on ``[lo, hi]``.

    Parameters
    ----------
    lo, hi : float
        Bounds, ``lo < hi``; both included.
    log : bool
        Sample and encode in log space (needs ``lo > 0``). Use it for learning rates and
        regularization strengths that span orders of magnitude.
    step : float, optional
        Restrict values to ``lo, lo + step, lo + 2 step, ... <= hi`` (not with ``log``).

    Examples
    --------
    >>> Float(1e-4, 1e-1, log=True)
    Float(0.0001, 0.1, log=True)
    >>> Float(0.0, 1.0, step=0.25).grid()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """

    def __init__(self, lo: float, hi: float, log: bool = False, step: float | None = None):
        self.lo = _check_bound(lo, "lo", "Float")
        self.hi = _check_bound(hi, "hi", "Float")
        if self.lo >= self.hi:
            raise ValueError(f"Float: need lo < hi, got lo={lo!r}, hi={hi!r}")
        if not isinstance(log, (bool, np.bool_)):
            raise TypeError(f"Float: log must be True or False, got {log!r}")
        self.log = bool(log)
        if self.log and self.lo <= 0:
            raise ValueError(
                f"Float: log=True needs positive bounds, got lo={lo!r}; "
                "use log=False or a lower bound > 0"
            )
        self.step: float | None = None
        self._n_steps = 0
        if step is not None:
            if self.log:
                raise ValueError("Float: step cannot be combined with log=True")
            s = _check_bound(step, "step", "Float")
            if s <= 0:
                raise ValueError(f"Float: step must be > 0, got {step!r}")
            # hi - lo carries rounding error (large bounds, small steps): allow for it.
            slack = 1e-9 * (self.hi - self.lo) + 8 * float(
                np.spacing(max(abs(self.lo), abs(self.hi)))
            )
            if s > self.hi - self.lo + slack:
                raise ValueError(
                    f"Float: step={step!r} is larger than the range hi - lo = {self.hi - self.lo!r}"
                )
            self.step = s
            # The tolerance keeps hi on the grid when (hi - lo) / step is integral up to rounding.
            self._n_steps = math.floor((self.hi - self.lo + slack) / s)

    def __repr__(self) -> str:
        extra = ", log=True" if self.log else ""
        if self.step is not None:
            extra += f", step={self.step!r}"
        return f"Float({self.lo!r}, {self.hi!r}{extra})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Float) and (self.lo, self.hi, self.log, self.step) == (
            other.lo,
            other.hi,
            other.log,
            other.step,
        )

    def __hash__(self) -> int:
        return hash(("Float", self.lo, self.hi, self.log, self.step))

    def _step_values(self, k: npt.NDArray[np.int64]) -> FloatArray:
        step = self.step if self.step is not None else 0.0
        out: FloatArray = np.minimum(self.lo + k * step, self.hi)
        return out

    def validate(self, value: object, name: str = "value") -> float:
        """Return ``value`` as a Python float, or raise if it is not in this dimension."""
        if not _is_real(value):
            raise TypeError(f"{name}: expected a real number for {self!r}, got {value!r}")
        x = float(value)  # type: ignore[arg-type]
        if self.step is not None and math.isfinite(x):
            # Snap values within rounding error of a step (0.1 * 3 is 0.30000000000000004).
            k = round((x - self.lo) / self.step)
            if 0 <= k <= self._n_steps:
                on_grid = float(self._step_values(np.array([k]))[0])
                # Far from zero, float spacing can exceed a tiny step's rounding budget.
                tol = max(1e-6 * self.step, 8 * float(np.spacing(max(abs(self.lo), abs(self.hi)))))
                if abs(x - on_grid) <= tol:
                    return on_grid
        if not (self.lo <= x <= self.hi):
            raise ValueError(f"{name}: {x!r} is outside [{self.lo!r}, {self.hi!r}] of {self!r}")
        if self.step is not None:
            raise ValueError(
                f"{name}: {x!r} is not on the step grid lo + k * {self.step!r} of {self!r}"
            )
        return x

    def encode(self, values: Sequence[Any]) -> FloatArray:
        """Map values to ``[0, 1]``; stepped values map to the centres of equal-width bins."""
        x = np.asarray(values, dtype=np.float64).reshape(-1)
        if self.step is not None:
            k = np.round((x - self.lo) / self.step)
            return ((k + 0.5) / (self._n_steps + 1)).reshape(-1, 1)
        return self._to_unit(x, self.lo, self.hi).reshape(-1, 1)

    def decode(self, u: npt.ArrayLike) -> list[Any]:
        """Map unit coordinates back to floats in ``[lo, hi]`` (on the step grid if any)."""
        uu = _unit_column(u)
        if self.step is not None:
            k = np.minimum(np.floor(uu * (self._n_steps + 1)), self._n_steps).astype(np.int64)
            return [float(v) for v in self._step_values(k)]
        x = np.clip(self._from_unit(uu, self.lo, self.hi), self.lo, self.hi)
        # exp/log round trips are inexact: pin the ends so decode(0) == lo and decode(1) == hi.
        x[uu == 0.0] = self.lo
        x[uu == 1.0] = self.hi
        return [float(v) for v in x]

    def from_uniform(self, q: npt.ArrayLike) -> list[Any]:
        """Map uniform numbers in [0, 1) to values (uniform, log-uniform or over the steps)."""
        return self.decode(q)

    def grid(self, resolution: int = _DEFAULT_RESOLUTION) -> list[Any]:
        """Return ``resolution`` evenly spaced values (geometric when ``log``), ends included.

        With ``step``, all step values when there are at most ``resolution`` of them,
        otherwise ``resolution`` of them evenly spread.
        """
        res = _check_resolution(resolution, repr(self))
        if self.step is not None:
            if self._n_steps + 1 <= res:
                k = np.arange(self._n_steps + 1)
            else:
                k = np.unique(np.round(np.linspace(0, self._n_steps, res)).astype(np.int64))
            return [float(v) for v in self._step_values(k)]
        u = np.linspace(0.0, 1.0, res)
        return self.decode(u)

    def index(self, value: Any) -> float:
        """Return the float value itself as the key."""
        return float(value)


class Int(_Numeric):
    """An integer dimension on ``[lo, hi]``, both included.

    Each integer owns an equal-width bin of the unit coordinate (log-width when
    ``log=True``), so uniform unit points decode to uniformly distributed integers.

    Parameters
    ----------
    lo, hi : int
        Bounds, ``lo < hi``.
    log : bool
        Log-uniform sampling and log-space encoding (needs ``lo >= 1``).

    Examples
    --------
    >>> Int(1, 4)
    Int(1, 4)
    >>> Int(1, 4).grid()
    [1, 2, 3, 4]
    >>> Int(1, 1000, log=True).grid(4)
    [1, 10, 100, 1000]
    """

    def __init__(self, lo: int, hi: int, log: bool = False):
        for what, v in (("lo", lo), ("hi", hi)):
            if not isinstance(v, numbers.Integral) or isinstance(v, (bool, np.bool_)):
                raise TypeError(f"Int: {what} must be an int, got {v!r}")
        self.lo = int(lo)
        self.hi = int(hi)
        if self.lo >= self.hi:
            raise ValueError(f"Int: need lo < hi, got lo={lo!r}, hi={hi!r}")
        if not isinstance(log, (bool, np.bool_)):
            raise TypeError(f"Int: log must be True or False, got {log!r}")
        self.log = bool(log)
        if self.log and self.lo < 1:
            raise ValueError(
                f"Int: log=True needs lo >= 1, got lo={lo!r}; use log=False or a lower bound >= 1"
            )

    def __repr__(self) -> str:
        return f"Int({self.lo}, {self.hi}{', log=True' if self.log else ''})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Int) and (self.lo, self.hi, self.log) == (
            other.lo,
            other.hi,
            other.log,
        )

    def __hash__(self) -> int:
        return hash(("Int", self.lo, self.hi, self.log))

    @property
    def _edges(self) -> tuple[float, float]:
        return self.lo - 0.5, self.hi + 0.5

    def validate(self, value: object, name: str = "value") -> int:
        """Return ``value`` as a Python int (integral floats accepted), or raise."""
        if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
            x = int(value)
        elif _is_real(value) and float(value).is_integer():  # type: ignore[arg-type]
            x = int(float(value))  # type: ignore[arg-type]
        else:
            raise TypeError(f"{name}: expected an integer for {self!r}, got {value!r}")
        if not (self.lo <= x <= self.hi):
            raise ValueError(f"{name}: {x!r} is outside [{self.lo}, {self.hi}] of {self!r}")
        return x

    def encode(self, values: Sequence[Any]) -> FloatArray:
        """Map integers to the centres of their bins in ``[0, 1]``."""
        x = np.asarray(values, dtype=np.float64).reshape(-1)
        a, b = self._edges
        return self._to_unit(x, a, b).reshape(-1, 1)

    def decode(self, u: npt.ArrayLike) -> list[Any]:
        """Map unit coordinates to integers by rounding within ``[lo, hi]``."""
        uu = _unit_column(u)
        a, b = self._edges
        x = np.clip(np.round(self._from_unit(uu, a, b)), self.lo, self.hi)
        return [int(v) for v in x]

    def from_uniform(self, q: npt.ArrayLike) -> list[Any]:
        """Map uniform numbers in [0, 1) to integers (uniform, or log-uniform when ``log``)."""
        return self.decode(q)

    def grid(self, resolution: int = _DEFAULT_RESOLUTION) -> list[Any]:
        """Return every integer when there are at most ``resolution``, else a spread of them.

        The spread is linear, or geometric when ``log``; rounding may merge neighbours,
        so a grid can hold fewer than ``resolution`` values.
        """
        res = _check_resolution(resolution, repr(self))
        if self.hi - self.lo + 1 <= res:
            return list(range(int(self.lo), int(self.hi) + 1))
        u = np.linspace(0.0, 1.0, res)
        x = np.round(self._from_unit(u, float(self.lo), float(self.hi)))
        return [int(v) for v in np.unique(np.clip(x, self.lo, self.hi))]

    def index(self, value: Any) -> int:
        """Return the integer itself as the key."""
        return int(value)


def _same_option(a: object, b: object) -> bool:
    if a is b:
        return True
    # 1 == 1.0 == True in Python; keep bools apart from numbers so Choice([0, False]) is valid.
    if isinstance(a, (bool, np.bool_)) != isinstance(b, (bool, np.bool_)):
        return False
    numeric = _is_real(a) and _is_real(b)
    if not numeric and type(a) is not type(b):
        return False
    try:
        eq = a == b
    except Exception:  # comparisons of exotic objects (arrays) may raise; treat as different.
        return False
    return bool(eq) if isinstance(eq, (bool, np.bool_)) else False


class Choice(Dimension):
    """A categorical dimension: one of ``options`` (any Python objects).

    Parameters
    ----------
    options : sequence
        At least one option, no duplicates. Params hold the option objects themselves.
    ordered : bool
        Encode as one coordinate in option order (for ordinal choices such as
        ``[16, 32, 64]``) instead of one coordinate per option (one-hot, decoded by argmax).

    Examples
    --------
    >>> Choice(["relu", "tanh"])
    Choice(['relu', 'tanh'])
    >>> Choice(["relu", "tanh"]).encoded_dim
    2
    """

    def __init__(self, options: Sequence[Any], ordered: bool = False):
        if isinstance(options, (str, bytes)) or not isinstance(options, Sequence | np.ndarray):
            raise TypeError(f"Choice: options must be a list or tuple of options, got {options!r}")
        opts = tuple(options)
        if not opts:
            raise ValueError("Choice: options must not be empty")
        for i, a in enumerate(opts):
            for b in opts[:i]:
                if _same_option(a, b):
                    raise ValueError(f"Choice: duplicate option {a!r} in {list(opts)!r}")
        if not isinstance(ordered, (bool, np.bool_)):
            raise TypeError(f"Choice: ordered must be True or False, got {ordered!r}")
        self.options = opts
        self.ordered = bool(ordered)
        self.encoded_dim = 1 if self.ordered else len(opts)

    def __repr__(self) -> str:
        return f"Choice({list(self.options)!r}{', ordered=True' if self.ordered else ''})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Choice)
            and self.ordered == other.ordered
            and len(self.options) == len(other.options)
            and all(_same_option(a, b) for a, b in zip(self.options, other.options))
        )

    def __hash__(self) -> int:
        return hash(("Choice", len(self.options), self.ordered))

    def index(self, value: Any) -> int:
        """Return the position of ``value`` in ``options`` (ValueError if absent)."""
        for i, opt in enumerate(self.options):
            if _same_option(opt, value):
                return i
        raise ValueError(f"{value!r} is not one of {list(self.options)!r}")

    def validate(self, value: object, name: str = "value") -> Any:
        """Return the option object equal to ``value``, or raise."""
        try:
            return self.options[self.index(value)]
        except ValueError:
            raise ValueError(
                f"{name}: {value!r} is not one of the options {list(self.options)!r}"
            ) from None

    def encode(self, values: Sequence[Any]) -> FloatArray:
        """One-hot rows (or bin centres when ``ordered``)."""
        idx = np.array([self.index(v) for v in values], dtype=np.int64)
        k = len(self.options)
        if self.ordered:
            return ((idx + 0.5) / k).reshape(-1, 1)
        out = np.zeros((len(idx), k))
        out[np.arange(len(idx)), idx] = 1.0
        return out

    def decode(self, u: npt.ArrayLike) -> list[Any]:
        """Argmax of the one-hot coordinates (first on ties), or the bin when ``ordered``."""
        k = len(self.options)
        if self.ordered:
            uu = _unit_column(u)
            idx = np.minimum(np.floor(uu * k), k - 1).astype(np.int64)
        else:
            arr = np.asarray(u, dtype=np.float64).reshape(-1, k)
            if np.isnan(arr).any():
                raise ValueError("cannot decode NaN coordinates; expected values in [0, 1]")
            idx = np.argmax(arr, axis=1)
        return [self.options[i] for i in idx]

    def from_uniform(self, q: npt.ArrayLike) -> list[Any]:
        """Map uniform numbers in [0, 1) to options, each with probability ``1 / k``."""
        k = len(self.options)
        qq = _unit_column(q)
        idx = np.minimum(np.floor(qq * k), k - 1).astype(np.int64)
        return [self.options[i] for i in idx]

    def grid(self, resolution: int = _DEFAULT_RESOLUTION) -> list[Any]:
        """Return all options (``resolution`` is checked but does not thin a choice)."""
        _check_resolution(resolution, repr(self))
        return list(self.options)


class Space(Mapping[str, Dimension]):
    """A named collection of dimensions: a read-only mapping name -> dimension.

    Parameters
    ----------
    dims : mapping of str to Dimension
        The dimensions in order; the order fixes the encoded coordinates.

    Examples
    --------
    >>> import numpy as np
    >>> s = Space({"lr": Float(1e-4, 1e-1, log=True), "layers": Int(1, 4),
    ...            "act": Choice(["relu", "tanh"])})
    >>> s.encoded_dim
    4
    >>> p = s.sample(np.random.default_rng(0))
    >>> sorted(p)
    ['act', 'layers', 'lr']
    >>> s.decode(s.encode([p]))[0]["layers"] == p["layers"]
    True
    >>> s.grid_size({"lr": 3})
    24
    """

    def __init__(self, dims: Mapping[str, Dimension]):
        if isinstance(dims, Space):
            dims = dims.dims
        if not isinstance(dims, Mapping):
            raise TypeError(
                "Space: expected a mapping name -> dimension such as "
                f"{{'lr': Float(1e-4, 1e-1, log=True)}}, got {type(dims).__name__}"
            )
        if not dims:
            raise ValueError("Space: needs at least one dimension")
        checked: dict[str, Dimension] = {}
        for name, dim in dims.items():
            if not isinstance(name, str):
                raise TypeError(f"Space: dimension names must be str, got {name!r}")
            if not name:
                raise ValueError("Space: dimension names must not be empty")
            if not isinstance(dim, Dimension):
                raise TypeError(
                    f"Space: {name!r} must be a Float, Int or Choice dimension, got {dim!r}"
                )
            checked[name] = dim
        self._dims = checked
        self._names = tuple(checked)
        slices: dict[str, slice] = {}
        start = 0
        for name, dim in checked.items():
            slices[name] = slice(start, start + dim.encoded_dim)
            start += dim.encoded_dim
        self._slices = slices
        self._encoded_dim = start

    def __getitem__(self, name: str) -> Dimension:
        return self._dims[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        body = ", ".join(f"{name!r}: {dim!r}" for name, dim in self._dims.items())
        return f"Space({{{body}}})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Space):
            return NotImplemented
        return self._names == other._names and all(
            self._dims[n] == other._dims[n] for n in self._names
        )

    def __hash__(self) -> int:
        return hash(tuple(self._dims.items()))

    @property
    def names(self) -> tuple[str, ...]:
        """Dimension names, in order."""
        return self._names

    @property
    def dims(self) -> dict[str, Dimension]:
        """A copy of the name -> dimension dict."""
        return dict(self._dims)

    @property
    def encoded_dim(self) -> int:
        """Number of unit-cube coordinates (one per Float/Int, one per option of a Choice)."""
        return self._encoded_dim

    @property
    def slices(self) -> dict[str, slice]:
        """Where each dimension's coordinates sit in an encoded row."""
        return dict(self._slices)

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check ``params`` against the space and return them as canonical Python values.

        Raises
        ------
        TypeError
            ``params`` is not a mapping, or a value has the wrong type.
        ValueError
            Unknown or missing names, or a value outside its dimension.
        """
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be a dict name -> value, got {type(params).__name__}")
        unknown = [k for k in params if k not in self._dims]
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {unknown!r}; the space has {list(self._names)!r}"
            )
        missing = [n for n in self._names if n not in params]
        if missing:
            raise ValueError(
                f"missing parameter(s) {missing!r}; the space has {list(self._names)!r}"
            )
        return {n: self._dims[n].validate(params[n], n) for n in self._names}

    def sample(self, rng: np.random.Generator) -> dict[str, Any]:
        """Draw one point (each dimension independently, log-uniform where ``log``)."""
        point: dict[str, Any] = self.from_uniform(rng.random(len(self._names)))
        return point

    def from_uniform(self, q: npt.ArrayLike) -> Any:
        """Map uniform points, one column per dimension, to params.

        ``q`` of shape ``(len(space),)`` gives one dict; ``(n, len(space))`` a list.
        This is how quasi-random (Sobol) points become params.
        """
        arr = np.asarray(q, dtype=np.float64)
        single = arr.ndim == 1
        arr2 = np.atleast_2d(arr)
        if arr2.ndim != 2 or arr2.shape[1] != len(self._names):
            raise ValueError(
                f"from_uniform: expected shape (n, {len(self._names)}), got {arr.shape}"
            )
        cols = [dim.from_uniform(arr2[:, j]) for j, dim in enumerate(self._dims.values())]
        rows = [dict(zip(self._names, vals)) for vals in zip(*cols)]
        return rows[0] if single else rows

    def encode(self, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> FloatArray:
        """Map params to the unit cube.

        A list of dicts gives shape ``(n, encoded_dim)``; a single dict gives
        ``(encoded_dim,)``. Params are validated first.
        """
        if isinstance(params, Mapping):
            row: FloatArray = self.encode([params])[0]
            return row
        rows = [self.validate(p) for p in params]
        out = np.empty((len(rows), self._encoded_dim))
        for name, dim in self._dims.items():
            out[:, self._slices[name]] = dim.encode([r[name] for r in rows])
        return out

    def decode(self, u: npt.ArrayLike) -> Any:
        """Map unit-cube points back to params (coordinates are clipped to [0, 1]).

        ``u`` of shape ``(n, encoded_dim)`` gives a list of dicts; ``(encoded_dim,)``
        gives one dict.
        """
        arr = np.asarray(u, dtype=np.float64)
        single = arr.ndim == 1
        arr2 = np.atleast_2d(arr)
        if arr2.ndim != 2 or arr2.shape[1] != self._encoded_dim:
            raise ValueError(
                f"decode: expected shape (n, {self._encoded_dim}) or ({self._encoded_dim},), "
                f"got {arr.shape}"
            )
        cols = [dim.decode(arr2[:, self._slices[n]]) for n, dim in self._dims.items()]
        rows = [dict(zip(self._names, vals)) for vals in zip(*cols)]
        return rows[0] if single else rows

    def _resolutions(self, resolution: int | Mapping[str, int]) -> dict[str, int]:
        if isinstance(resolution, Mapping):
            unknown = [k for k in resolution if k not in self._dims]
            if unknown:
                raise ValueError(
                    f"grid resolution given for unknown dimension(s) {unknown!r}; "
                    f"the space has {list(self._names)!r}"
                )
            return {n: int(resolution.get(n, _DEFAULT_RESOLUTION)) for n in self._names}
        return {n: resolution for n in self._names}

    def grid_values(
        self, resolution: int | Mapping[str, int] = _DEFAULT_RESOLUTION
    ) -> dict[str, list[Any]]:
        """Return the grid values of every dimension (see `grid`)."""
        res = self._resolutions(resolution)
        return {n: dim.grid(res[n]) for n, dim in self._dims.items()}

    def grid(
        self, resolution: int | Mapping[str, int] = _DEFAULT_RESOLUTION
    ) -> list[dict[str, Any]]:
        """Enumerate every combination of grid values (the last dimension varies fastest).

        Parameters
        ----------
        resolution : int or dict name -> int
            Points per numeric dimension (>= 2); names left out of a dict get 10.
            Int dimensions with fewer integers use all of them; Choice uses all options;
            log dimensions are spaced geometrically.
        """
        values = self.grid_values(resolution)
        return [dict(zip(self._names, combo)) for combo in itertools.product(*values.values())]

    def grid_size(self, resolution: int | Mapping[str, int] = _DEFAULT_RESOLUTION) -> int:
        """Return the number of points `grid` gives, without building them."""
        return math.prod(len(v) for v in self.grid_values(resolution).values())

    def key(self, params: Mapping[str, Any]) -> tuple[int | float, ...]:
        """Return a hashable identity of valid params (option index for choices)."""
        return tuple(self._dims[n].index(params[n]) for n in self._names)


def as_space(dims_or_space: Space | Mapping[str, Dimension]) -> Space:
    """Return ``dims_or_space`` as a `Space` (a dict name -> dimension is wrapped).

    Examples
    --------
    >>> as_space({"x": Float(-1, 1)}).names
    ('x',)
    """
    if isinstance(dims_or_space, Space):
        return dims_or_space
    return Space(dims_or_space)


_DIM_SPEC = re.compile(r"^\s*([^=\s][^=]*?)\s*=\s*(float|int|choice)\s*\((.*)\)\s*$", re.I | re.S)


def _split_args(text: str) -> list[str]:
    """Split ``a, 'b, c', d`` at the commas outside quotes and brackets."""
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _literal(text: str) -> Any:
    """Read a Python literal (number, quoted string, True/False/None), else the bare word."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_dimension(text: str) -> tuple[str, Dimension]:
    """Parse one dimension written as text.

    The forms are ``name=float(lo, hi[, log])``, ``name=int(lo, hi[, log])`` and
    ``name=choice(a, b, ...)``.
    Choice options are Python literals (``1``, ``0.5``, ``'a b'``) or bare words taken as
    strings (``relu``). ``log`` may also be written ``log=True``.

    Examples
    --------
    >>> parse_dimension("lr=float(1e-4, 1e-1, log)")
    ('lr', Float(0.0001, 0.1, log=True))
    >>> parse_dimension("act=choice(relu, tanh, 3)")
    ('act', Choice(['relu', 'tanh', 3]))
    """
    m = _DIM_SPEC.match(text)
    if m is None:
        raise ValueError(
            f"cannot read the dimension {text!r}; expected name=float(lo, hi[, log]), "
            "name=int(lo, hi[, log]) or name=choice(a, b, ...)"
        )
    name, kind, body = m.group(1).strip(), m.group(2).lower(), m.group(3)
    args = _split_args(body)
    if kind == "choice":
        if not args:
            raise ValueError(f"{name}: choice(...) needs at least one option")
        return name, Choice([_literal(a) for a in args])
    log = False
    bounds = []
    for a in args:
        key = a.replace(" ", "").lower()
        if key in ("log", "log=true"):
            log = True
        elif key == "log=false":
            log = False
        else:
            bounds.append(_literal(a))
    if len(bounds) != 2 or not all(_is_real(b) for b in bounds):
        raise ValueError(
            f"{name}: {kind}(...) needs two numbers lo, hi (and optionally log), got ({body})"
        )
    if kind == "int":
        if not all(float(b).is_integer() for b in bounds):
            raise ValueError(f"{name}: int(...) bounds must be whole numbers, got ({body})")
        return name, Int(int(bounds[0]), int(bounds[1]), log=log)
    return name, Float(float(bounds[0]), float(bounds[1]), log=log)


def parse_space(specs: Sequence[str]) -> Space:
    """Parse a space from dimension specs (see :func:`parse_dimension`).

    Examples
    --------
    >>> parse_space(["x=float(-1, 1)", "n=int(1, 4)"]).names
    ('x', 'n')
    """
    dims: dict[str, Dimension] = {}
    for text in specs:
        name, dim = parse_dimension(text)
        if name in dims:
            raise ValueError(f"the dimension {name!r} is given twice")
        dims[name] = dim
    if not dims:
        raise ValueError("a space needs at least one dimension, e.g. lr=float(1e-4, 1e-1, log)")
    return Space(dims)
