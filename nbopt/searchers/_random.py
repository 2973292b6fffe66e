"""Random search: independent uniform (or log-uniform) draws, or a scrambled Sobol sequence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from nbopt.searchers._base import Searcher, Trial
from nbopt.space import Dimension, Space

__all__ = ["RandomSearch"]


class RandomSearch(Searcher):
    """Sample every trial independently from the space.

    Parameters
    ----------
    space : Space or dict name -> Dimension
        What to search.
    seed : int, numpy Generator or None
        Makes the draws reproducible.
    direction : {"minimize", "maximize"}
        Whether smaller or larger values are better.
    sobol : bool
        Use a scrambled Sobol sequence (quasi-random: covers the space more evenly
        than independent draws) with one coordinate per dimension.

    Examples
    --------
    >>> from nbopt import space
    >>> s = RandomSearch({"lr": space.Float(1e-4, 1e-1, log=True)}, seed=0, sobol=True)
    >>> t = s.ask()
    >>> 1e-4 <= t.params["lr"] <= 1e-1
    True
    """

    def __init__(
        self,
        space: Space | Mapping[str, Dimension],
        *,
        seed: int | np.random.Generator | None = None,
        direction: str = "minimize",
        sobol: bool = False,
    ):
        super().__init__(space, seed=seed, direction=direction)
        if not isinstance(sobol, bool):
            raise TypeError(f"RandomSearch: sobol must be True or False, got {sobol!r}")
        self._sobol = None
        if sobol:
            # scipy.stats costs seconds to import: only a Sobol search pays for it
            from scipy.stats import qmc

            self._sobol = qmc.Sobol(d=len(self.space), scramble=True, seed=self._rng)

        self._buffer = np.empty((0, len(self.space)))
        self._drawn = 0

    @property
    def sobol(self) -> bool:
        """Whether points come from a scrambled Sobol sequence."""
        return self._sobol is not None

    def _next_uniform(self) -> npt.NDArray[np.float64]:
        if self._sobol is None:
            return self._rng.random(len(self.space))
        if len(self._buffer) == 0:
            # Doubling the number of generated points keeps every prefix a power of two,
            # which is what Sobol balance needs (and avoids scipy's warning).
            self._buffer = np.asarray(self._sobol.random(max(self._drawn, 1)), dtype=np.float64)
        q: npt.NDArray[np.float64] = self._buffer[0]
        self._buffer = self._buffer[1:]
        return q

    def _propose(self, number: int) -> tuple[dict[str, Any], dict[str, Any]]:
        q = self._next_uniform()
        self._drawn += 1
        params: dict[str, Any] = self.space.from_uniform(q)
        return params, ({"sobol_index": self._drawn - 1} if self._sobol is not None else {})

    def add_finished(self, trial: Trial) -> None:
        """Replay a finished trial and skip one draw, so a resumed run continues the sequence.

        With the same seed, a run resumed from its first ``n`` finished trials proposes
        what the uninterrupted run would have proposed next.
        """
        super().add_finished(trial)
        self._next_uniform()
        self._drawn += 1
