"""Grid search: every combination of per-dimension grid values, each asked once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nbopt.searchers._base import Searcher, Trial
from nbopt.space import Dimension, Space

__all__ = ["GridSearch"]

_MAX_SHUFFLED = 10_000_000


class GridSearch(Searcher):
    """Exhaustive search over the grid of `Space.grid`.

    The grid is enumerated lazily (the last dimension varies fastest), so large grids
    cost no memory until asked. After every point has been asked, `exhausted` is True
    and `ask` raises.

    Parameters
    ----------
    space : Space or dict name -> Dimension
        What to search.
    resolution : int or dict name -> int
        Points per numeric dimension (see `Space.grid`).
    shuffle : bool
        Visit the grid points in a random order (seeded), useful to stop early.
    seed : int, numpy Generator or None
        Seeds the shuffle.
    direction : {"minimize", "maximize"}
        Whether smaller or larger values are better.

    Examples
    --------
    >>> from nbopt import space
    >>> s = GridSearch({"x": space.Int(0, 2), "act": space.Choice(["relu", "tanh"])})
    >>> s.grid_size
    6
    >>> [s.ask().params for _ in range(2)]
    [{'x': 0, 'act': 'relu'}, {'x': 0, 'act': 'tanh'}]
    """

    def __init__(
        self,
        space: Space | Mapping[str, Dimension],
        resolution: int | Mapping[str, int] = 10,
        *,
        shuffle: bool = False,
        seed: int | np.random.Generator | None = None,
        direction: str = "minimize",
    ):
        super().__init__(space, seed=seed, direction=direction)
        self._values = self.space.grid_values(resolution)
        self._resolution = resolution
        self._radix = [len(v) for v in self._values.values()]
        self._size = int(np.prod(self._radix, dtype=object))
        if not isinstance(shuffle, bool):
            raise TypeError(f"GridSearch: shuffle must be True or False, got {shuffle!r}")
        if shuffle and self._size > _MAX_SHUFFLED:
            raise ValueError(
                f"GridSearch: cannot shuffle a grid of {self._size} points "
                f"(more than {_MAX_SHUFFLED}); lower the resolution or use RandomSearch"
            )
        self._order = self._rng.permutation(self._size) if shuffle else None
        self._position = 0
        self._taken: set[tuple[int | float, ...]] = set()

    @property
    def grid_size(self) -> int:
        """Number of grid points."""
        return self._size

    @property
    def grid_values(self) -> dict[str, list[Any]]:
        """The grid's values of each dimension, in space order (copies)."""
        return {name: list(values) for name, values in self._values.items()}

    @property
    def shuffle(self) -> bool:
        """Whether the grid is visited in a random order."""
        return self._order is not None

    def point(self, index: int) -> dict[str, Any]:
        """Return grid point ``index`` in enumeration order (0 <= index < grid_size)."""
        if not 0 <= index < self._size:
            raise IndexError(f"grid index {index} out of range(0, {self._size})")
        digits: list[Any] = []
        rest = index
        for values, radix in zip(reversed(self._values.values()), reversed(self._radix)):
            rest, d = divmod(rest, radix)
            digits.append(values[d])
        return dict(zip(self.space.names, reversed(digits)))

    def _index_at(self, position: int) -> int:
        return int(self._order[position]) if self._order is not None else position

    def _skip_taken(self) -> None:
        while self._position < self._size:
            params = self.point(self._index_at(self._position))
            if self.space.key(params) not in self._taken:
                return
            self._position += 1

    @property
    def exhausted(self) -> bool:
        """Return True once every grid point has been asked (or replayed)."""
        with self._lock:
            self._skip_taken()
            return self._position >= self._size

    def _propose(self, number: int) -> tuple[dict[str, Any], dict[str, Any]]:
        self._skip_taken()
        index = self._index_at(self._position)
        params = self.point(index)
        self._taken.add(self.space.key(params))
        self._position += 1
        return params, {"grid_index": index}

    def add_finished(self, trial: Trial) -> None:
        """Replay a finished trial; its grid point (if it is one) is not asked again."""
        super().add_finished(trial)
        self._taken.add(self.space.key(self.space.validate(trial.params)))
