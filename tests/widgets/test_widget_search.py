"""nbopt.SearchDashboard: streaming, controls, the notebook display and the fallback image."""

from __future__ import annotations

import time

import numpy as np
import pytest
from widgethelpers import recording

import nbopt
from nbopt import space
from nbopt.searchers import RandomSearch
from nbopt.searchers import _search as search_module
from nbopt.widgets import SearchDashboard
from nbopt.widgets._protocol import decode_arrays, unpack

DIMS = {"x": space.Float(-2, 2), "n": space.Int(1, 5), "kind": space.Choice(["a", "b"])}


def f(x, n, kind):
    if n == 5:
        raise ValueError("five is out")
    return x**2 + n + (kind == "b")


Recording = recording(SearchDashboard)


def wait_until(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)


def appended_numbers(d):
    out = []
    for c, b in d.of_type("append"):
        out += decode_arrays(c, b)["number"].tolist()
    return out


def test_a_background_search_streams_every_trial_once_with_failures_and_errors():
    res = nbopt.search(f, DIMS, method="random", n_trials=300, seed=0, block=False)
    # held while the dashboard is made (the first widget is slow to build on a loaded
    # machine, and the search could end before it), so that trials stream into it
    res.pause()
    wait_until(lambda: res.paused)
    d = Recording(res)
    res.play()
    assert res.wait(timeout=60)
    d.session.wait(timeout=60)
    snapshot_numbers = decode_arrays(*unpack(d.snapshot))["number"].tolist()
    assert sorted(snapshot_numbers) == list(range(300))
    meta = unpack(d.snapshot)[0]["meta"]
    assert meta["state"] == "finished" and meta["header"]["n_done"] == 300
    failed = [t.number for t in res.trials if t.state == "failed"]
    assert failed and {n for n, _ in meta["errors"]} == set(failed)
    assert all("five is out" in text for _, text in meta["errors"])
    assert d.n_done == 300 and d.best_value == res.best_value
    # appends never repeat a trial, and every one reached the page
    seen = appended_numbers(d)
    assert len(seen) == len(set(seen))
    final = d.of_type("append")[-1][0]["meta"]
    assert final["state"] == "finished" and final["header"]["n_failed"] == len(failed)


def test_pause_holds_the_trial_count_resume_goes_on_and_stop_keeps_every_trial():
    def slow(x, n, kind):
        time.sleep(0.002)
        return x**2 + n

    res = nbopt.search(slow, DIMS, method="random", n_trials=100_000, seed=0, block=False)
    d = Recording(res)
    wait_until(lambda: len(res.trials) > 20)
    d._on_msg(d, {"type": "pause"}, [])
    wait_until(lambda: res.paused)
    held = len(res.trials)
    assert d.display_state() == "paused"
    time.sleep(0.3)  # nothing starts while paused
    assert len(res.trials) == held
    d._on_msg(d, {"type": "play"}, [])
    wait_until(lambda: len(res.trials) > held + 20)
    d._on_msg(d, {"type": "stop"}, [])
    assert res.wait(timeout=60)
    d.session.wait(timeout=60)
    assert d.state == "stopped"
    numbers = decode_arrays(*unpack(d.snapshot))["number"].tolist()
    assert sorted(numbers) == sorted(t.number for t in res.trials)


def test_run_more_extends_a_finished_search_and_bad_controls_are_answered():
    res = nbopt.search(f, DIMS, method="random", n_trials=20, seed=2)
    d = Recording(res)
    assert d.state == "finished"
    for bad in ({"type": "more", "n": -3}, {"type": "more"}, {"type": "reset"}, {"type": "x"}):
        d._on_msg(d, bad, [])
    errors = [c["message"] for c, _ in d.of_type("error")]
    assert len(errors) == 4 and "positive int" in errors[0] and "cannot be reset" in errors[2]
    assert "expected one of" in errors[3]
    d._on_msg(d, {"type": "more", "n": 15}, [])
    assert res.wait(timeout=60)
    d.session.wait(timeout=60)
    assert len(res.trials) == 35
    assert sorted(decode_arrays(*unpack(d.snapshot))["number"].tolist()) == list(range(35))


def test_a_blocking_search_in_a_notebook_shows_the_dashboard_live(monkeypatch):
    shown = []
    monkeypatch.setattr(search_module, "_in_jupyter_kernel", lambda: True)
    import IPython.display

    outputs = []  # [data shown, then each update]

    class Handle:
        # IPython's DisplayHandle: update() replaces the data of the same output
        def __init__(self, out):
            self.out = out

        def update(self, data, **kwargs):
            assert kwargs.get("raw") is True
            self.out.append(data)

    def display(obj, metadata=None, raw=False, display_id=False):
        # as IPython's: an object with _ipython_display_ shows itself
        if not raw:
            shown.append(obj)
            obj._ipython_display_()
            return None
        assert display_id is True
        outputs.append([obj])
        return Handle(outputs[-1])

    monkeypatch.setattr(IPython.display, "display", display)
    res = nbopt.search(f, DIMS, method="random", n_trials=200, seed=4)
    (d,) = shown
    assert isinstance(d, SearchDashboard) and res._dashboard is d
    assert d.state == "finished" and d.n_done == 200
    # once finished, the output is rendered again: its PNG (what renderers without
    # widgets show) is now the finished search, not the empty one it started as
    ((first, bundle),) = outputs
    assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n" and bundle["image/png"] != first.get(
        "image/png"
    )
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == d.model_id
    numbers = decode_arrays(*unpack(d.snapshot))["number"].tolist()
    assert sorted(numbers) == list(range(200))
    # the result shown afterwards is its text: the dashboard above already drew it all
    assert set(res._repr_mimebundle_()) == {"text/plain"}
    # a background search shows as its dashboard (one per result)
    bg = nbopt.search(f, DIMS, method="random", n_trials=30, seed=4, block=False)
    bundle = bg._repr_mimebundle_()
    assert bg.wait(timeout=60)
    model_id = bundle[0]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model_id == bg._dashboard.model_id
    again = bg._repr_mimebundle_()[0]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert again == model_id


def test_outside_a_kernel_a_result_shows_as_text_and_a_searcher_can_be_shown():
    res = nbopt.search(f, DIMS, method="random", n_trials=10, seed=0, progress=False)
    assert set(res._repr_mimebundle_()) == {"text/plain"}
    s = RandomSearch(DIMS, seed=0)
    for _ in range(5):
        t = s.ask()
        s.tell(t, float(t.params["x"]))
    d = SearchDashboard(s)
    assert d.n_done == 5 and d.state == "finished"
    with pytest.raises(RuntimeError, match="not a search it can extend"):
        d.more(3)
    with pytest.raises(TypeError, match="expected a SearchResult"):
        SearchDashboard(42)


def test_png_fallback_is_the_matplotlib_drawing_of_the_same_info():
    res = nbopt.search(f, DIMS, method="random", n_trials=40, seed=0, progress=False)
    d = SearchDashboard(res)
    data, _ = d._repr_mimebundle_()
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    info = d.info(best_fraction=0.5)
    assert info.header.n_done == 40 and info.best_fraction == 0.5
    assert repr(d) == "SearchDashboard(RandomSearch, 40 trials, finished)"


def test_an_update_costs_the_same_at_any_trial_count():
    """The append of one batch reads the batch only: its work does not scale with n."""
    from nbopt.drawing import SearchFeed

    feed = SearchFeed(DIMS)
    s = RandomSearch(DIMS, seed=0)
    trials = []
    for _ in range(5000):
        t = s.ask()
        trials.append(s.tell(t, float(t.params["x"] ** 2)))
    feed.rebase(trials[:4990])
    now = __import__("datetime").datetime.now(__import__("datetime").timezone.utc)
    update = feed.update(
        trials[4990:], method="r", status="running", error=None, n_total=None, now=now
    )
    assert update.columns.n == 10
    assert update.header.n_done == 5000
    best = min(t.value for t in trials)
    assert update.header.best_value == best
    np.testing.assert_allclose(
        update.columns.value_unit, update.value_axis.to_unit(update.columns.value)
    )
    # a batch repeated after a snapshot is not counted twice
    again = feed.update(
        trials[4995:], method="r", status="running", error=None, n_total=None, now=now
    )
    assert again.columns.n == 0 and again.header.n_done == 5000


def test_a_grid_searched_to_its_end_counts_its_points_as_the_total():
    res = nbopt.search(
        lambda k: (k - 3) ** 2, {"k": space.Int(1, 9)}, method="grid", progress=False
    )
    assert res.n_trials is None
    d = SearchDashboard(res)
    meta = unpack(d.snapshot)[0]["meta"] if d.snapshot else d.build_snapshot()[0]
    assert meta["header"]["n_total"] == 9 == meta["header"]["n_done"]
