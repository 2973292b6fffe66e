"""Inside a genetic search: the generations view is the searcher's own populations."""

from __future__ import annotations

import types

import numpy as np
import pytest

import nbopt
from nbopt import space
from nbopt.drawing import (
    GENERATIONS_MAX_POINTS,
    OPERATORS,
    GenerationsInfo,
    inside_info,
    search_info,
    trial_columns,
)
from nbopt.drawing._genetic import generations_info
from nbopt.searchers import GeneticSearch
from nbopt.searchers._base import Trial
from nbopt.searchers._genetic import Generation
from nbopt.widgets import SearchDashboard
from nbopt.widgets._protocol import decode_arrays, unpack

DIMS = {
    "x": space.Float(-3, 3),
    "lr": space.Float(1e-4, 1e-1, log=True),
    "act": space.Choice(["relu", "tanh", "gelu"]),
}


def _value(p):
    return (p["x"] - 1) ** 2 + abs(np.log10(p["lr"]) + 2) + (p["act"] == "tanh")


def _run(n=70, direction="minimize", batch=1, **kw):
    s = GeneticSearch(DIMS, population_size=8, seed=5, direction=direction, **kw)
    sign = 1.0 if direction == "minimize" else -1.0
    told = 0
    while told < n:
        ts = [s.ask() for _ in range(batch)]
        for t in reversed(ts):
            if t.number % 11 == 4:
                s.tell(t, error="boom")
            else:
                s.tell(t, sign * _value(t.params))
            told += 1
    return s


def _rows(info: GenerationsInfo) -> dict[int, int]:
    return {int(n): i for i, n in enumerate(info.number)}


@pytest.mark.parametrize("batch", [1, 3])
def test_the_generations_are_the_searchers_populations(batch):
    s = _run(batch=batch)
    cols = trial_columns(s.trials, s.space)
    g = inside_info(s, cols, ("x", "act"))
    assert isinstance(g, GenerationsInfo) and g.kind == "generations"
    assert g.pair == ("x", "act") and g.current == s.generation
    records = s.generations
    assert [r.number for r in records] == list(range(s.generation + 1))
    # every row's generation is the searcher's record, and every finished trial is drawn
    row = _rows(g)
    for rec in records:
        finished = [n for n in rec.trials if s.trials[n].finished]
        assert sorted(int(g.number[row[n]]) for n in finished) == sorted(finished)
        assert all(int(g.generation[row[n]]) == rec.number for n in finished)
        assert int(g.gen_size[rec.number]) == len(finished)
    assert g.n_drawn == g.n_trials == len(s.trials)
    # and agrees with what each trial says it was bred for
    assert all(int(g.generation[row[t.number]]) == t.info["generation"] for t in s.trials)
    # the ringed pool is the population the current generation is bred from
    pool = {t.number for t in s.population}
    assert {int(n) for n in g.number[g.in_pool]} == pool == set(records[-1].pool)
    assert {int(n) for n in g.number[g.elite]} == set(records[-1].elites)
    assert len(records[-1].elites) == s.elitism
    # parents, operators and mutations are the trials' own records
    links = {(int(g.number[c]), int(g.number[p])) for c, p in zip(g.child_row, g.parent_row)}
    assert links == {(t.number, p) for t in s.trials for p in t.info["parents"]}
    for t in s.trials:
        i = row[t.number]
        assert OPERATORS[g.operator[i]] == t.info["operator"]
        mutated = {s.space.names[j] for j in g.mutated_param[g.mutated_row == i]}
        assert mutated == set(t.info.get("mutated", []))
        assert g.children[i] == sum(t.number in u.info["parents"] for u in s.trials)
    assert {t.info["operator"] for t in s.trials} >= {"initial", "crossover"}


def test_the_records_say_how_each_trial_was_bred():
    s = _run()
    names = set(s.space.names)
    gen0 = s.generations[0]
    assert len(gen0.trials) == s.population_size and gen0.pool == () and gen0.elites == ()
    for t in s.trials:
        info = t.info
        if info["generation"] == 0:
            assert info["operator"] == "initial" and info["parents"] == []
            continue
        assert info["operator"] in ("crossover", "copy", "random")
        if info["operator"] == "random":
            continue
        assert len(info["parents"]) == (2 if info["operator"] == "crossover" else 1)
        # every parent was in the pool of the child's generation
        assert set(info["parents"]) <= set(s.generations[info["generation"]].pool)
        assert set(info["mutated"]) <= names and info["mutated"]
        before = np.array(info["before_mutation"])
        assert before.shape == (len(names),) and np.all((before >= 0) & (before <= 1))
        # the genes the mutation did not change are where the child is
        genes = s._to_genes(t.params)
        kept = [j for j, n in enumerate(s.space.names) if n not in info["mutated"]]
        cont = [j for j in kept if s.space.names[j] != "act"]
        assert np.allclose(genes[cont], before[cont], atol=1e-9)
    # pools: the previous generation's finished trials, plus the elites, best first
    for prev, rec in zip(s.generations, s.generations[1:]):
        if not rec.pool:
            continue
        vals = [s._signed_value(s.trials[n]) for n in rec.pool]
        assert vals == sorted(vals)
        assert set(rec.elites) <= set(rec.pool)
        assert {n for n in prev.trials if s.trials[n].finished} <= set(rec.pool)


def test_bookkeeping_changes_no_proposal():
    # digests of the trials the code proposed before it kept this history (same seeds,
    # same values): the bookkeeping draws no random number and changes no choice
    import hashlib
    import json

    def digest(**kw):
        dims = {
            "x": space.Float(-3, 3),
            "lr": space.Float(1e-4, 1e-1, log=True),
            "n": space.Int(1, 6),
            "act": space.Choice(["relu", "tanh", "gelu"]),
        }
        s = GeneticSearch(dims, population_size=6, seed=7, **kw)
        out = []
        for i in range(60):
            t = s.ask()
            p = t.params
            v = (p["x"] - 1) ** 2 + abs(np.log10(p["lr"]) + 2) + p["n"] * 0.1
            v += p["act"] == "tanh"
            if i % 13 == 5:
                s.tell(t, error="boom")
            else:
                s.tell(t, v)
            params = {k: float(f"{x:.9g}") if isinstance(x, float) else x for k, x in p.items()}
            out.append([t.number, params, t.info["generation"], t.info["parents"]])
        return hashlib.sha256(json.dumps(out, sort_keys=True).encode()).hexdigest()[:16]

    assert digest() == "56fbee145ceae9e6"
    assert digest(preselect=1) == "693ffb3191467f11"
    a, b = _run(), _run()
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    assert [t.info for t in a.trials] == [t.info for t in b.trials]


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_per_generation_best_median_and_diversity(direction):
    s = _run(direction=direction)
    cols = trial_columns(s.trials, s.space, direction)
    g = generations_info(s, cols, ("lr", "x"))
    better = min if direction == "minimize" else max
    jx, jy = cols.names.index("lr"), cols.names.index("x")
    for rec in s.generations:
        done = [s.trials[n] for n in rec.trials if s.trials[n].state == "complete"]
        if not done:
            assert np.isnan(g.gen_best[rec.number]) and np.isnan(g.gen_median[rec.number])
            continue
        values = [t.value for t in done]
        assert g.gen_best[rec.number] == pytest.approx(better(values))
        assert g.gen_median[rec.number] == pytest.approx(np.median(values))
        rows = [i for i, n in enumerate(cols.number) if n in rec.trials and cols.state[i] != 2]
        pts = cols.unit[rows]
        if len(pts) >= 2:
            d2 = ((pts[:, None] - pts[None]) ** 2).sum(-1)
            k = len(pts)
            rms = np.sqrt(d2.sum() / (k * (k - 1)) / pts.shape[1])
            assert g.gen_diversity[rec.number] == pytest.approx(rms)
    # the population narrows as it converges
    assert g.gen_diversity[-2] < g.gen_diversity[0]
    # positions are the dashboard's: the same as its 2-D view
    row = _rows(g)
    for i, n in enumerate(cols.number):
        assert g.x[row[int(n)]] == cols.unit[i, jx] and g.y[row[int(n)]] == cols.unit[i, jy]
    # the default child: the best complete trial that has a drawn parent
    keyed = [
        (s._signed_value(s.trials[int(n)]), int(n))
        for c, n in enumerate(g.number)
        if c in set(g.child_row.tolist())
    ]
    assert int(g.number[g.chosen]) == min(keyed)[1]


def test_the_history_survives_a_resume_from_storage(tmp_path):
    db = tmp_path / "study.db"
    kw = {"searcher_kwargs": {"population_size": 6}, "seed": 2, "progress": False}

    def f(x, lr, act):
        return _value({"x": x, "lr": lr, "act": act})

    first = nbopt.search(f, DIMS, method="genetic", n_trials=40, storage=db, name="g", **kw)
    again = nbopt.search(f, DIMS, method="genetic", n_trials=40, storage=db, name="g", **kw)
    assert len(again.trials) == 40
    # the replayed searcher holds the same generations, pools and records as the first
    a, b = first.searcher.generations, again.searcher.generations
    assert [(r.trials, r.pool, r.elites) for r in a] == [(r.trials, r.pool, r.elites) for r in b]
    assert [t.info for t in first.searcher.trials] == [
        {k: v for k, v in t.info.items()} for t in again.searcher.trials
    ]
    ga = inside_info(first.searcher, trial_columns(first.trials, first.space))
    gb = inside_info(again.searcher, trial_columns(again.trials, again.space))
    for field in ("number", "generation", "operator", "child_row", "parent_row", "in_pool"):
        assert np.array_equal(getattr(ga, field), getattr(gb, field)), field
    assert np.allclose(ga.before_x, gb.before_x, equal_nan=True)
    # and it goes on breeding from them
    more = nbopt.search(f, DIMS, method="genetic", n_trials=52, storage=db, name="g", **kw)
    assert len(more.searcher.generations) > len(b) - 1
    assert more.trials[-1].info["generation"] >= b[-1].number


def test_replayed_trials_without_records_are_drawn_as_unknown():
    s = GeneticSearch(DIMS, population_size=4, seed=0)
    for k in range(6):
        params = {"x": -2.0 + k, "lr": 0.01, "act": "relu"}
        s.add_finished(Trial(number=k, params=params, state="complete", value=float(k)))
    for _ in range(5):
        t = s.ask()
        s.tell(t, _value(t.params))
    g = inside_info(s, trial_columns(s.trials, s.space))
    assert [OPERATORS[c] for c in g.operator[:6]] == ["unknown"] * 6
    # without a generation of their own they join the one being bred as they arrive
    assert s.generations[0].trials == (0, 1, 2, 3)
    assert s.generations[1].trials[:2] == (4, 5) and s.generations[1].pool == (0, 1, 2, 3)
    assert np.all(np.isnan(g.before_x[:6]))


def test_bad_pairs_fail_with_a_clear_message():
    s = _run(n=10)
    cols = trial_columns(s.trials, s.space)
    with pytest.raises(ValueError, match="unknown parameter 'w'"):
        generations_info(s, cols, ("x", "w"))
    with pytest.raises(ValueError, match="two different parameters"):
        generations_info(s, cols, ("x", "x"))
    with pytest.raises(ValueError, match="unknown parameter 'w'"):
        inside_info(s, cols, ("w", "x"))
    empty = GeneticSearch(DIMS, seed=0)
    g = inside_info(empty, trial_columns([], empty.space))
    assert g.n_drawn == 0 and g.chosen == -1 and g.gen_size.tolist() == [0]


def test_the_cap_keeps_the_latest_whole_generations_and_says_so(monkeypatch):
    import nbopt.drawing._genetic as mod

    monkeypatch.setattr(mod, "GENERATIONS_MAX_POINTS", 20)
    s = _run(n=60)
    g = inside_info(s, trial_columns(s.trials, s.space))
    assert g.n_trials == 60 and g.n_drawn <= 20 and g.first_generation > 0
    assert set(g.generation.tolist()) == set(range(g.first_generation, s.generation + 1)) - {
        r.number for r in s.generations if not r.trials
    }
    # the statistics still cover every generation
    assert len(g.gen_size) == len(s.generations) and g.gen_size.sum() == 60


def test_fifty_thousand_trials_stay_fast():
    import time

    n, p = 50_000, 10
    rng = np.random.default_rng(0)
    trials = []
    for i in range(n):
        gen = i // p
        parents = [] if gen == 0 else [int(x) for x in rng.integers((gen - 1) * p, gen * p, 2)]
        info = {
            "generation": gen,
            "parents": parents,
            "operator": "initial" if gen == 0 else "crossover",
            "mutated": ["x"],
            "before_mutation": [0.5, 0.5, 0.5],
        }
        x = float(rng.uniform(-3, 3))
        params = {"x": x, "lr": 0.01, "act": "relu"}
        trials.append(Trial(number=i, params=params, state="complete", value=x * x, info=info))
    gens = [
        Generation(g, tuple(range(g * p, g * p + p)), tuple(range((g - 1) * p, g * p)), ())
        for g in range(n // p)
    ]
    searcher = types.SimpleNamespace(
        generations=gens, trials=trials, generation=n // p - 1, population_size=p
    )
    cols = trial_columns(trials, space.as_space(DIMS))
    start = time.perf_counter()
    g = generations_info(searcher, cols, ("x", "act"))
    assert time.perf_counter() - start < 2.0
    assert g.n_drawn == GENERATIONS_MAX_POINTS and len(g.gen_best) == n // p


def test_the_dashboard_sends_the_generations_and_the_export_draws_them():
    from nbopt.export import search_figure, search_png

    res = nbopt.search(
        lambda x, lr, act: _value({"x": x, "lr": lr, "act": act}),
        DIMS,
        method="genetic",
        n_trials=40,
        seed=0,
        progress=False,
        searcher_kwargs={"population_size": 8},
    )
    d = SearchDashboard(res)
    content, buffers = unpack(bytes(d.snapshot))
    meta = content["meta"]["inside"]
    arrays = decode_arrays(content, buffers)
    assert meta["kind"] == "generations" and meta["pair"] == ["x", "lr"]
    assert meta["current"] == res.searcher.generation and meta["operators"] == list(OPERATORS)
    assert arrays["inside_generation"].tolist() == [t.info["generation"] for t in res.trials]
    assert arrays["inside_gen_size"].tolist() == [8, 8, 8, 8, 8, 0]
    info = search_info(res)
    fig = search_figure(info)
    (inside,) = [a for a in fig.axes if a.get_label() == "inside"]
    parts = {a.get_label(): a for a in inside.child_axes}
    assert set(parts) == {"inside-map", "inside-value", "inside-diversity"}
    assert parts["inside-map"].get_title().startswith("generations 0-4; trial ")
    div = parts["inside-diversity"]
    assert len(div.get_lines()[0].get_xdata()) == 5
    # the map's legend lies above its frame, under its title: over no individual
    fig.canvas.draw()
    ax_map = parts["inside-map"]
    legend = ax_map.get_legend().get_window_extent()
    assert legend.y0 >= ax_map.get_window_extent().y1
    assert ax_map.title.get_window_extent().y0 >= legend.y1
    png = search_png(info)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
