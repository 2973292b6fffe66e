"""Optimizer base class: batched numpy step rules with torch.optim hyperparameters."""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar, overload

import numpy as np
import numpy.typing as npt

__all__ = ["Hyperparameter", "Optimizer", "get", "names"]

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")

# Arrays longer than _BLOCK_ABOVE elements are stepped in blocks of _BLOCK elements so
# that the dozen elementwise passes of a step rule run on cache-resident data instead
# of streaming the whole state through memory once per pass.
_BLOCK = 32768
_BLOCK_ABOVE = 65536
_F64 = np.dtype(np.float64)

try:
    from numpy._core import _ufunc_config

    _ERRSTATE: Any = getattr(_ufunc_config, "_extobj_contextvar")  # noqa: B009
    _IGNORE_ALL: Any = getattr(_ufunc_config, "_make_extobj")(all="ignore")  # noqa: B009
except (ImportError, AttributeError):  # numpy < 2 or a changed internal layout
    _ERRSTATE = None

_REGISTRY: dict[str, type[Optimizer]] = {}
# Teaching order: from plain descent to adaptive methods.
_ORDER = ("gd", "sgd", "rmsprop", "adam", "adamw", "adagrad")


class Hyperparameter(Generic[T]):
    """A validated, settable hyperparameter of an optimizer (descriptor).

    Parameters
    ----------
    convert : callable
        ``convert(name, value)`` returns the checked value or raises
        ``ValueError``/``TypeError`` naming the problem.
    """

    def __init__(self, convert: Callable[[str, Any], T]) -> None:
        self._convert = convert
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def convert(self, value: Any) -> T:
        """Return ``value`` checked and normalized, or raise."""
        return self._convert(self.name, value)

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Hyperparameter[T]: ...

    @overload
    def __get__(self, obj: Optimizer, objtype: type | None = None) -> T: ...

    def __get__(self, obj: Optimizer | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._hp[self.name]

    def __set__(self, obj: Optimizer, value: Any) -> None:
        new = self.convert(value)
        old = obj._hp[self.name]
        obj._hp[self.name] = new
        try:
            obj._check_hyperparams()
        except ValueError:
            obj._hp[self.name] = old
            raise


def real(name: str, value: Any) -> float:
    """Check a finite number; return it as a Python int or float.

    Ints stay ints so that a repr shows ``weight_decay=0`` as torch's does.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    number: float = int(value) if isinstance(value, numbers.Integral) else float(value)
    if not math.isfinite(number):
        raise ValueError(f"Invalid {name} value: {name} must be finite, got {value!r}")
    return number


def nonnegative(label: str) -> Callable[[str, Any], float]:
    """Make a converter for a finite number >= 0 (``label`` is torch's word for it)."""

    def convert(name: str, value: Any) -> float:
        number = real(name, value)
        if number < 0:
            raise ValueError(f"Invalid {label}: {name} must be >= 0, got {value!r}")
        return number

    return convert


def flag(name: str, value: Any) -> bool:
    """Check a boolean switch."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def betas(name: str, value: Any) -> tuple[float, float]:
    """Check Adam's ``(beta1, beta2)`` pair, each in [0, 1)."""
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) != 2:
        raise TypeError(f"{name} must be a pair (beta1, beta2), got {value!r}")
    pair = (real(f"{name}[0]", value[0]), real(f"{name}[1]", value[1]))
    for i, beta in enumerate(pair):
        if not 0.0 <= beta < 1.0:
            raise ValueError(
                f"Invalid beta parameter at index {i}: {name}[{i}] must be in [0, 1), "
                f"got {value[i]!r}"
            )
    return (float(pair[0]), float(pair[1]))


def _as_float_array(value: Any, what: str) -> FloatArray:
    try:
        array = np.asarray(value)
    except ValueError as exc:
        raise ValueError(f"{what} must be a rectangular array of real numbers: {exc}") from exc
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{what} must be an array of real numbers, got {value!r}")
    return np.asarray(array, dtype=np.float64, order="C")


class Optimizer:
    """Base class of the gradient step rules.

    An optimizer holds hyperparameters (named and defaulted as in ``torch.optim``)
    and per-element state (moments, momentum buffers). ``step`` takes positions and
    gradients of any shape; every element is updated independently, so leading axes
    can hold independent particles. The state takes the shape of ``x`` at the first
    step; call :meth:`reset` before stepping arrays of another shape.

    Subclasses declare :class:`Hyperparameter` attributes, pass them all to
    ``super().__init__`` in signature order and implement :meth:`_prepare` and
    :meth:`_kernel`.
    """

    name: ClassVar[str] = ""
    lr: Hyperparameter[float]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Only classes that name themselves register: a subclass that inherits a
        # name must not replace its parent in get().
        if cls.__dict__.get("name"):
            _REGISTRY[cls.name] = cls

    def __init__(self, **hyperparams: Any) -> None:
        converted: dict[str, Any] = {}
        for key, value in hyperparams.items():
            descriptor = getattr(type(self), key)
            converted[key] = descriptor.convert(value)
        self._hp: dict[str, Any] = converted
        self._check_hyperparams()
        self._shape: tuple[int, ...] | None = None
        self._state: dict[str, FloatArray] = {}
        self._scratch: tuple[FloatArray, FloatArray] | None = None
        self._step_count = 0

    # -- hyperparameters -------------------------------------------------------------

    @property
    def hyperparams(self) -> dict[str, Any]:
        """Current hyperparameters by their ``torch.optim`` names, in signature order."""
        return dict(self._hp)

    @classmethod
    def hyperparam_names(cls) -> tuple[str, ...]:
        """Names accepted by the constructor, in order."""
        params = inspect.signature(cls.__init__).parameters
        return tuple(name for name in params if name != "self")

    def _check_hyperparams(self) -> None:
        """Raise ValueError when hyperparameters are inconsistent with each other."""

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self._hp.items())
        return f"{type(self).__name__}({args})"

    # -- state -----------------------------------------------------------------------

    @property
    def step_count(self) -> int:
        """Number of steps taken since construction or the last :meth:`reset`."""
        return self._step_count

    @property
    def state(self) -> dict[str, FloatArray]:
        """Copies of the state arrays (``torch.optim`` names), each of ``x``'s shape."""
        if self._shape is None:
            return {}
        return {key: value.copy() for key, value in self._state.items()}

    def reset(self) -> None:
        """Forget all state (moments, buffers, step count); hyperparameters stay."""
        self._shape = None
        self._state = {}
        self._scratch = None
        self._step_count = 0

    def clone(self) -> Optimizer:
        """Return a new optimizer of the same kind and hyperparameters, with fresh state."""
        return type(self)(**self._hp)

    def _buffer(self, key: str, fill: float = 0.0) -> tuple[FloatArray, bool]:
        """Return state array ``key`` (of x's shape), creating it filled with ``fill``.

        The flag says whether it was just created, for rules that initialize a
        buffer from the first gradient (torch creates state lazily the same way).
        """
        buffer = self._state.get(key)
        if buffer is not None:
            return buffer, False
        buffer = np.full(self._shape or (), fill, dtype=np.float64)
        self._state[key] = buffer
        return buffer, True

    # -- stepping --------------------------------------------------------------------

    def step(
        self, x: npt.ArrayLike, grad: npt.ArrayLike, out: FloatArray | None = None
    ) -> FloatArray:
        """Return the positions after one step from ``x`` along gradient ``grad``.

        Parameters
        ----------
        x : array_like
            Current positions, any shape (leading axes are independent particles).
        grad : array_like
            Gradient of the loss at ``x``, same shape.
        out : numpy.ndarray, optional
            float64 array of ``x``'s shape that receives the result (may be ``x``
            itself for an in-place step). A new array is returned when omitted.

        Returns
        -------
        numpy.ndarray
            The new positions (``out`` when given).

        Notes
        -----
        Like ``torch.optim``, a step does not warn when values overflow: a diverging
        run simply reaches inf/nan, which the caller detects.

        Examples
        --------
        >>> import numpy as np
        >>> from nbopt.optimizers import SGD
        >>> opt = SGD(lr=0.1)
        >>> opt.step(np.array([1.0, 2.0]), np.array([1.0, -1.0]))
        array([0.9, 2.1])
        """
        # The common case (contiguous float64 arrays, out=None or out=x) is checked
        # with a few cheap tests: for 2-D particles the step itself takes microseconds.
        if type(x) is np.ndarray and x.dtype is _F64 and x.flags.c_contiguous:
            xa: FloatArray = x
        else:
            xa = _as_float_array(x, "x")
        if type(grad) is np.ndarray and grad.dtype is _F64 and grad.flags.c_contiguous:
            ga: FloatArray = grad
        else:
            ga = _as_float_array(grad, "grad")
        shape = xa.shape
        if ga.shape != shape:
            raise ValueError(f"grad must have the shape of x {shape}, got {ga.shape}")
        if shape != self._shape:
            if self._shape is not None:
                raise ValueError(
                    f"{type(self).__name__} holds state for arrays of shape {self._shape}, "
                    f"got x of shape {shape}; call reset() before stepping arrays of a new "
                    "shape"
                )
            self._start(shape)
        if out is None:
            target = np.empty(shape)
        elif out is x and xa is x:
            target = xa
        else:
            target = self._output(out, shape)
        self._step_count += 1
        consts = self._prepare()
        w0, w1 = self._scratch  # type: ignore[misc]
        if w0.shape == shape and _ERRSTATE is not None:
            # _quietly inlined for the common case: a call less per step.
            token = _ERRSTATE.set(_IGNORE_ALL)
            try:
                self._kernel(xa, ga, target, self._state, w0, w1, consts)
            finally:
                _ERRSTATE.reset(token)
        elif w0.shape == shape:
            _quietly(self._kernel, xa, ga, target, self._state, w0, w1, consts)
        else:
            _quietly(self._blocks, xa, ga, target, w0, w1, consts)
        if out is not None and target is not out:
            np.copyto(out, target)
            return out
        return target

    def _blocks(
        self,
        x: FloatArray,
        g: FloatArray,
        out: FloatArray,
        w0: FloatArray,
        w1: FloatArray,
        consts: Any,
    ) -> None:
        xf = x.reshape(-1)
        gf = g.reshape(-1)
        of = out.reshape(-1)
        flat = {key: value.reshape(-1) for key, value in self._state.items()}
        size = xf.size
        block = w0.size
        for start in range(0, size, block):
            stop = min(start + block, size)
            n = stop - start
            views = {key: value[start:stop] for key, value in flat.items()}
            self._kernel(
                xf[start:stop], gf[start:stop], of[start:stop], views, w0[:n], w1[:n], consts
            )

    def _start(self, shape: tuple[int, ...]) -> None:
        self._shape = shape
        size = math.prod(shape)
        # Scratch has x's shape for short arrays (no reshaping per step), a block otherwise.
        scratch: tuple[int, ...] = shape if size <= _BLOCK_ABOVE else (_BLOCK,)
        self._scratch = (np.empty(scratch), np.empty(scratch))
        self._state = {}
        self._init_state()

    @staticmethod
    def _output(out: Any, shape: tuple[int, ...]) -> FloatArray:
        if not isinstance(out, np.ndarray) or out.dtype != np.float64:
            raise TypeError(f"out must be a float64 numpy array of shape {shape}, got {out!r}")
        if out.shape != shape:
            raise ValueError(f"out must have the shape of x {shape}, got {out.shape}")
        if not out.flags.writeable:
            raise ValueError("out must be writeable")
        if not out.flags.c_contiguous:
            # Computed in a contiguous buffer, then copied into out by step().
            return np.empty(shape)
        return out

    def _init_state(self) -> None:
        """Create the state arrays needed from the first step (via _buffer)."""

    def _prepare(self) -> Any:
        """Per-step scalars (bias corrections, decayed rates) and lazy state creation."""
        raise NotImplementedError

    def _kernel(
        self,
        x: FloatArray,
        g: FloatArray,
        out: FloatArray,
        state: dict[str, FloatArray],
        w0: FloatArray,
        w1: FloatArray,
        consts: Any,
    ) -> None:
        """Write the new positions into ``out`` (``out`` may be ``x``).

        ``w0`` and ``w1`` are scratch buffers of the same length. ``g`` must not be
        modified; ``out`` must be written only after ``x`` is last read.
        """
        raise NotImplementedError


def _quietly(kernel: Callable[..., None], *args: Any) -> None:
    """Call ``kernel`` with numpy's floating-point warnings off.

    Like torch.optim, a diverging run reaches inf/nan silently and the caller
    detects it.
    """
    if _ERRSTATE is None:
        with np.errstate(all="ignore"):
            kernel(*args)
        return
    # What np.errstate does on entry and exit, minus rebuilding the (constant)
    # error settings each time: for small arrays that rebuild costs as much as
    # a whole step of plain gradient descent.
    token = _ERRSTATE.set(_IGNORE_ALL)
    try:
        kernel(*args)
    finally:
        _ERRSTATE.reset(token)


def l2_gradient(
    g: FloatArray, x: FloatArray, weight_decay: float, scratch: FloatArray
) -> FloatArray:
    """Return ``g + weight_decay * x`` (written to ``scratch``), or ``g`` when the decay is 0."""
    if weight_decay == 0:
        return g
    np.multiply(x, weight_decay, out=scratch)
    np.add(g, scratch, out=scratch)
    return scratch


def lerp_(start: FloatArray, end: FloatArray, weight: float, scratch: FloatArray) -> None:
    """``start += weight * (end - start)`` in place, in ``torch.lerp``'s rounding order."""
    np.subtract(end, start, out=scratch)
    if weight < 0.5:
        np.multiply(scratch, weight, out=scratch)
        np.add(start, scratch, out=start)
    else:
        np.multiply(scratch, 1 - weight, out=scratch)
        np.subtract(end, scratch, out=start)


def names() -> list[str]:
    """Return the registered optimizer names, for :func:`get`.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> optimizers.names()
    ['gd', 'sgd', 'rmsprop', 'adam', 'adamw', 'adagrad']
    """
    return sorted(_REGISTRY, key=lambda key: (*_ORDER, key).index(key))


def get(name: str, **kwargs: Any) -> Optimizer:
    """Return a new optimizer by name, with hyperparameters as keyword arguments.

    Parameters
    ----------
    name : str
        One of :func:`names` (case-insensitive), e.g. ``"adam"``.
    **kwargs
        Hyperparameters by their ``torch.optim`` names, e.g. ``lr=0.01``.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> optimizers.get("sgd", lr=0.1, momentum=0.9)
    SGD(lr=0.1, momentum=0.9, dampening=0, weight_decay=0, nesterov=False)
    """
    if not isinstance(name, str):
        raise TypeError(f"optimizer name must be a string, got {name!r}")
    cls = _REGISTRY.get(name.strip().lower())
    if cls is None:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {names()}")
    accepted = cls.hyperparam_names()
    unknown = [key for key in kwargs if key not in accepted]
    if unknown:
        raise TypeError(
            f"{cls.__name__} got unknown hyperparameter(s) {unknown}; accepted: {list(accepted)}"
        )
    return cls(**kwargs)
