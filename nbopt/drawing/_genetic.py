"""Inside a genetic search: every generation's population over two parameters.

:func:`generations_info` reads the searcher's own records (:attr:`GeneticSearch.generations
<nbopt.searchers.GeneticSearch.generations>` and each trial's ``info``: its parents, the
operator that made it, the genes its mutation changed and its genome before mutation) and
puts them on the dashboard's two chosen parameters, with per-generation statistics: the
best and median value and the diversity. The live dashboard and the matplotlib export draw
the same object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbopt.drawing._search import Axis, TrialColumns

__all__ = [
    "GENERATIONS_MAX_POINTS",
    "GENERATION_COLORMAP",
    "OPERATORS",
    "GenerationsInfo",
    "generations_info",
]

#: Most individuals drawn on the 2-D view: the latest whole generations that fit (the
#: per-generation statistics always cover every generation).
GENERATIONS_MAX_POINTS = 20_000
#: Operator codes of :attr:`GenerationsInfo.operator`, in code order.
OPERATORS = ("initial", "crossover", "copy", "random", "unknown")
#: Colours of the generations, the first (0) to the current (1): part of matplotlib's
#: "plasma", dark enough at the new end to read on white and light enough at the old end
#: to read on a dark background. The same stops are in js/search/generations.ts.
GENERATION_COLORMAP = ("#5c01a6", "#9c179e", "#cc4778", "#ed7953", "#e8a01c")


@dataclass(frozen=True)
class GenerationsInfo:
    """A genetic search's generations over two parameters, ready to draw.

    Rows are the finished trials the searcher bred, in trial-number order (running trials
    are not drawn); at most :data:`GENERATIONS_MAX_POINTS` of them, the latest whole
    generations (``first_generation`` is the oldest one drawn).

    Attributes
    ----------
    kind : str
        ``"generations"``.
    pair : (str, str)
        The parameters on the x and y axes.
    number, generation : ndarray of int64, shape (n,)
        Each drawn trial's number and the generation it was bred for.
    x, y : ndarray of float64, shape (n,)
        Its position in [0, 1] on the two axes (as the dashboard's 2-D view places it).
    value : ndarray of float64, shape (n,)
        Its value (NaN unless complete).
    operator : ndarray of int64, shape (n,)
        How it was made, an index into :data:`OPERATORS`: ``initial`` (the first
        generation's Latin hypercube), ``crossover`` (two parents crossed, then mutated),
        ``copy`` (one parent copied, then mutated), ``random`` (a random point), ``unknown``
        (a trial replayed without that record).
    before_x, before_y : ndarray of float64, shape (n,)
        Where a bred trial was before its mutation (after crossover or copy); NaN for the
        others. The mutation moved it from there to ``(x, y)``.
    n_mutated : ndarray of int64, shape (n,)
        Genes its mutation changed (over every parameter, not only the pair).
    mutated_row, mutated_param : ndarray of int64
        Row ``mutated_row[k]``'s mutation changed parameter ``mutated_param[k]`` (an index
        into the space's parameters).
    child_row, parent_row : ndarray of int64
        Row ``child_row[k]`` was bred from row ``parent_row[k]`` (pairs whose parent is
        not drawn are left out).
    children : ndarray of int64, shape (n,)
        How many trials name it as a parent: the times selection picked it.
    in_pool, elite : ndarray of bool, shape (n,)
        Member of the current generation's parent pool (the survivors the trials asked
        now are bred from); elite of that pool (among the ``elitism`` best so far).
    chosen : int
        The row whose parents are linked by default: the best complete trial that has a
        drawn parent (the best trial when none has); -1 when nothing is drawn.
    gen_size : ndarray of int64, shape (G,)
        Finished trials of each generation ``0 .. G - 1``.
    gen_best, gen_median : ndarray of float64, shape (G,)
        The best and the median value of each generation's complete trials (NaN when it
        has none).
    gen_diversity : ndarray of float64, shape (G,)
        How spread out each generation's finished trials are: the root-mean-square
        distance between two of them in the unit cube of all parameters (every axis in
        [0, 1], as the dashboard places them), divided by the square root of the number of
        parameters. 0 when they are all alike; about 0.41 for uniform random points. NaN
        for fewer than two trials.
    current : int
        The generation new trials are bred for.
    population_size : int
        Finished trials that complete a generation.
    first_generation : int
        The oldest generation drawn on the 2-D view.
    n_trials, n_drawn : int
        The searcher's finished trials, and how many of them are drawn.
    operators : tuple of str
        :data:`OPERATORS`.
    """

    kind: str
    pair: tuple[str, str]
    number: np.ndarray
    generation: np.ndarray
    x: np.ndarray
    y: np.ndarray
    value: np.ndarray
    operator: np.ndarray
    before_x: np.ndarray
    before_y: np.ndarray
    n_mutated: np.ndarray
    mutated_row: np.ndarray
    mutated_param: np.ndarray
    child_row: np.ndarray
    parent_row: np.ndarray
    children: np.ndarray
    in_pool: np.ndarray
    elite: np.ndarray
    chosen: int
    gen_size: np.ndarray
    gen_best: np.ndarray
    gen_median: np.ndarray
    gen_diversity: np.ndarray
    current: int
    population_size: int
    first_generation: int
    n_trials: int
    n_drawn: int
    operators: tuple[str, ...]


def _positions(axis: Axis, dim: Any, genes: np.ndarray) -> np.ndarray:
    """Genes (unit genome coordinates) of one dimension as positions on its dashboard axis."""
    out = np.full(len(genes), np.nan)
    ok = np.isfinite(genes)
    if not ok.any():
        return out
    q = np.clip(genes[ok], 0.0, 1.0 - 1e-12)
    if axis.kind == "choice":
        # a Choice gene is (index + 0.5) / k; the axis places option indices
        k = len(axis.categories)
        out[ok] = axis.to_unit(np.minimum(np.floor(q * k), k - 1))
    else:
        out[ok] = axis.to_unit(np.asarray(dim.from_uniform(q), dtype=float))
    return out


def _per_generation(
    columns: TrialColumns, gen: np.ndarray, n_gen: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Size, best, median and diversity of every generation, over all its finished rows."""
    mine = gen >= 0
    size = np.bincount(gen[mine], minlength=n_gen)[:n_gen].astype(np.int64)
    sign = 1.0 if columns.direction == "minimize" else -1.0
    ok = np.flatnonzero(columns.complete & mine)
    signed = sign * columns.value[ok]
    g_ok = gen[ok]
    # the median of each group: sort by (generation, signed value), pick the middle
    order = np.lexsort((signed, g_ok))
    s_sorted, g_sorted = signed[order], g_ok[order]
    counts = np.bincount(g_sorted, minlength=n_gen)[:n_gen]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    has = counts > 0
    best = np.full(n_gen, np.nan)
    median = np.full(n_gen, np.nan)
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    best[has] = sign * s_sorted[starts[has]]
    median[has] = sign * 0.5 * (s_sorted[lo] + s_sorted[hi])
    # mean squared pairwise distance of c points = 2 c / (c - 1) * (sum of variances)
    unit = columns.unit[mine]
    g_all = gen[mine]
    finite = np.all(np.isfinite(unit), axis=1)
    unit, g_all = unit[finite], g_all[finite]
    d = max(1, unit.shape[1])
    c = np.bincount(g_all, minlength=n_gen)[:n_gen].astype(float)
    total = np.zeros(n_gen)
    for j in range(unit.shape[1]):
        s1 = np.bincount(g_all, weights=unit[:, j], minlength=n_gen)[:n_gen]
        s2 = np.bincount(g_all, weights=unit[:, j] ** 2, minlength=n_gen)[:n_gen]
        with np.errstate(invalid="ignore", divide="ignore"):
            total += np.maximum(s2 / c - (s1 / c) ** 2, 0.0)
    diversity = np.full(n_gen, np.nan)
    two = c >= 2
    diversity[two] = np.sqrt(2.0 * c[two] / (c[two] - 1.0) * total[two] / d)
    return size, best, median, diversity


def generations_info(searcher: Any, columns: TrialColumns, pair: Sequence[str]) -> GenerationsInfo:
    """Return the generations view of a :class:`~nbopt.searchers.GeneticSearch` over ``pair``.

    Each row's generation, parents and operator are the searcher's own records; ``columns``
    gives the positions and values (its trials are the dashboard's).

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> from nbopt.drawing import trial_columns
    >>> res = nbopt.search(lambda x, y: x**2 + y**2,
    ...                    {"x": space.Float(-1, 1), "y": space.Float(-1, 1)},
    ...                    method="genetic", n_trials=30, seed=0, progress=False,
    ...                    searcher_kwargs={"population_size": 10})
    >>> g = generations_info(res.searcher, trial_columns(res.trials, res.space), ("x", "y"))
    >>> g.kind, g.current, g.gen_size.tolist()
    ('generations', 3, [10, 10, 10, 0])
    >>> bool(g.gen_best[2] <= g.gen_median[2])
    True
    """
    xy = (str(pair[0]), str(pair[1]))
    names = columns.names
    for name in xy:
        if name not in names:
            raise ValueError(
                f"generations_info: unknown parameter {name!r}; expected one of {names}"
            )
    if xy[0] == xy[1]:
        raise ValueError(f"generations_info: the pair needs two different parameters, got {xy!r}")
    jx, jy = names.index(xy[0]), names.index(xy[1])
    records = searcher.generations
    trials = {t.number: t for t in searcher.trials}
    n_gen = len(records)
    current = int(searcher.generation)
    # trial number -> generation, from the searcher's records
    top = int(max(columns.number.max(initial=-1), max(trials, default=-1))) + 1
    gen_of = np.full(top, -1, dtype=np.int64)
    for rec in records:
        if rec.trials:
            gen_of[np.asarray(rec.trials, dtype=np.int64)] = rec.number
    finished = columns.state != 2
    gen = np.where(finished, gen_of[columns.number], -1)
    size, best, median, diversity = _per_generation(columns, gen, n_gen)

    rows = np.flatnonzero(gen >= 0)
    n_trials = len(rows)
    first = 0
    if n_trials > GENERATIONS_MAX_POINTS:
        g_sorted = np.sort(gen[rows])
        cut = int(g_sorted[n_trials - GENERATIONS_MAX_POINTS])
        # that generation too when all of it fits
        fits = n_trials - int(np.searchsorted(g_sorted, cut)) <= GENERATIONS_MAX_POINTS
        first = cut if fits else cut + 1
        keep = rows[gen[rows] >= first]
        if not len(keep):
            # a single generation larger than the cap: its latest trials
            first = int(g_sorted[-1])
            keep = rows[-GENERATIONS_MAX_POINTS:]
        rows = keep
    n = len(rows)
    number = columns.number[rows].astype(np.int64)
    row_of = np.full(top, -1, dtype=np.int64)
    row_of[number] = np.arange(n)

    code = {name: i for i, name in enumerate(OPERATORS)}
    operator = np.full(n, code["unknown"], dtype=np.int64)
    n_mutated = np.zeros(n, dtype=np.int64)
    before = np.full((n, len(names)), np.nan)
    mut_row: list[int] = []
    mut_param: list[int] = []
    child_row: list[int] = []
    parent_num: list[int] = []
    for i, num in enumerate(number.tolist()):
        info = trials[num].info
        operator[i] = code.get(info.get("operator"), code["unknown"])
        for p in info.get("parents") or ():
            child_row.append(i)
            parent_num.append(int(p))
        mutated = [names.index(m) for m in info.get("mutated") or () if m in names]
        n_mutated[i] = len(mutated)
        mut_row.extend([i] * len(mutated))
        mut_param.extend(mutated)
        genes = info.get("before_mutation")
        if isinstance(genes, list) and len(genes) == len(names):
            before[i] = genes
    parents = np.asarray(parent_num, dtype=np.int64)
    prow = np.where(parents < top, row_of[np.minimum(parents, top - 1)], -1)
    linked = prow >= 0
    c_row = np.asarray(child_row, dtype=np.int64)[linked]
    p_row = prow[linked]
    space = columns.space
    before_x = _positions(columns.axes[jx], space[xy[0]], before[:, jx])
    before_y = _positions(columns.axes[jy], space[xy[1]], before[:, jy])

    pool = records[current].pool if current < n_gen else ()
    elites = records[current].elites if current < n_gen else ()
    in_pool = np.zeros(n, dtype=bool)
    elite = np.zeros(n, dtype=bool)
    for flags, members in ((in_pool, pool), (elite, elites)):
        at = np.asarray(members, dtype=np.int64)
        at = row_of[at[at < top]]
        flags[at[at >= 0]] = True

    sign = 1.0 if columns.direction == "minimize" else -1.0
    value = columns.value[rows]
    key = np.where(np.isfinite(value), sign * value, np.inf)
    chosen = -1
    if n:
        has_parent = np.zeros(n, dtype=bool)
        has_parent[c_row] = True
        pick = np.where(has_parent, key, np.inf)
        chosen = int(np.argmin(pick)) if np.isfinite(pick).any() else int(np.argmin(key))
    return GenerationsInfo(
        kind="generations",
        pair=xy,
        number=number,
        generation=gen[rows],
        x=columns.unit[rows, jx].astype(np.float64),
        y=columns.unit[rows, jy].astype(np.float64),
        value=value.astype(np.float64),
        operator=operator,
        before_x=before_x,
        before_y=before_y,
        n_mutated=n_mutated,
        mutated_row=np.asarray(mut_row, dtype=np.int64),
        mutated_param=np.asarray(mut_param, dtype=np.int64),
        child_row=c_row,
        parent_row=p_row,
        children=np.bincount(p_row, minlength=n).astype(np.int64),
        in_pool=in_pool,
        elite=elite,
        chosen=chosen,
        gen_size=size,
        gen_best=best,
        gen_median=median,
        gen_diversity=diversity,
        current=current,
        population_size=int(searcher.population_size),
        first_generation=first,
        n_trials=n_trials,
        n_drawn=n,
        operators=OPERATORS,
    )
