"""The race of searchers' widget: snapshot and append encoding, controls, the stream contract."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image
from widgethelpers import Recorder, check_contract

import nbopt
from nbopt import space
from nbopt.drawing import compare_info
from nbopt.live import EventBatch
from nbopt.searchers._compare import Comparison
from nbopt.widgets import SearcherRace
from nbopt.widgets._protocol import decode_arrays, unpack

DIMS = {"x": space.Float(-5, 5), "y": space.Float(-5, 5)}


def sphere(x, y):
    return (x - 1) ** 2 + (y + 2) ** 2


def fragile(x, y):
    if x < -3:
        raise ArithmeticError("x below -3")
    return sphere(x, y)


# ------------------------------------------------------------------ encoding


def test_the_snapshot_holds_every_band_point_and_every_methods_row():
    c = Comparison(fragile, DIMS, methods=["random", "evolutionary"], n_trials=12, seeds=3)
    w = SearcherRace(c)
    assert w.run() == "finished" and w.done
    content, buffers = unpack(bytes(w.snapshot))
    meta, arrays = content["meta"], decode_arrays(content, buffers)
    info = compare_info(c)
    assert meta["state"] == "finished" and meta["n_trials"] == 12 and meta["seeds"] == [0, 1, 2]
    assert [m["name"] for m in meta["methods"]] == ["random", "evolutionary"]
    assert meta["header"]["n_done"] == 72 == info.n_done
    assert meta["header"]["n_failed"] == info.n_failed > 0
    for i, m in enumerate(info.methods):
        assert arrays[f"b{i}.trial"].tolist() == list(range(1, 13))
        np.testing.assert_array_equal(arrays[f"b{i}.median"], m.band.median)
        np.testing.assert_array_equal(arrays[f"b{i}.q25"], m.band.q25)
        np.testing.assert_array_equal(arrays[f"b{i}.count"], m.band.count)
        row = meta["methods"][i]
        assert row["best_median"] == m.summary.best_median
        assert row["n_failed"] == m.summary.n_failed
        assert row["ask_seconds"] == m.summary.ask_seconds_median
    # the last point of each band is the table's median best value
    assert arrays["b0.median"][-1] == pytest.approx(meta["methods"][0]["best_median"])


def test_an_append_carries_only_the_points_the_new_trials_changed():
    c = Comparison(sphere, DIMS, methods=["random", "genetic"], n_trials=60, seeds=2)
    w = SearcherRace(c)
    batch = EventBatch([], "running", 0)
    for _ in range(4 * 30):  # 30 trials per run
        c.step()
    meta, arrays = w.build_append(batch)
    assert arrays[0][0] == "b0.trial"
    got = dict(arrays)
    assert got["b0.trial"].tolist() == list(range(1, 31)) == got["b1.trial"].tolist()
    c.step()  # one more trial: run 0 (random, seed 0) reaches trial 31
    meta, arrays = w.build_append(batch)
    got = dict(arrays)
    assert got["b0.trial"].tolist() == [31] and got["b0.count"].tolist() == [1]
    assert got["b1.trial"].tolist() == []
    assert sum(a.nbytes for _, a in arrays) < 100  # whatever came before
    assert meta["header"]["n_done"] == 121 and meta["methods"][0]["n_done"] == 61


def test_non_finite_numbers_travel_as_none():
    def broken(x, y):
        raise ValueError("never works")

    c = Comparison(broken, DIMS, methods=["random"], n_trials=3, seeds=2, target=0.1)
    w = SearcherRace(c)
    w.run()
    content, buffers = unpack(bytes(w.snapshot))
    row = content["meta"]["methods"][0]
    assert row["best_median"] is None and row["trials_to_target_median"] is None
    assert row["target_reached"] == 0 and row["n_failed"] == 6
    assert np.isnan(decode_arrays(content, buffers)["b0.median"]).all()


# ------------------------------------------------------------------ controls and API


def test_compare_returns_the_live_widget_with_wait_and_table():
    race = nbopt.compare(sphere, DIMS, methods=["random", "bayesian"], n_trials=10, seeds=2)
    assert isinstance(race, SearcherRace)
    assert race.wait(timeout=120)
    assert race.state == "finished" and race.n_done == race.n_total == 40
    table = race.table()
    assert list(table.index) == ["random", "bayesian"]
    assert table.loc["bayesian", "n_trials"] == 20
    png = race.static_png()
    assert png is not None and Image.open(io.BytesIO(png)).size == (1200, 800)


def test_pause_resume_and_stop_from_the_page_keep_every_finished_trial():
    held = threading.Event()
    w: SearcherRace

    def f(x, y):
        if w.comparison.n_done >= 10 and not held.is_set():
            held.set()
            w._on_msg(w, {"type": "pause"}, [])
        return sphere(x, y)

    w = SearcherRace(Comparison(f, DIMS, methods=["random"], n_trials=200, seeds=2))
    w.play()
    assert held.wait(60)
    assert w.session.wait(timeout=60)  # the run pauses once no trial runs
    assert w.display_state() == "paused" and not w.done
    paused_at = w.comparison.n_done
    assert paused_at == 11
    w._on_msg(w, {"type": "play"}, [])
    w._on_msg(w, {"type": "stop"}, [])
    assert w.wait(timeout=60)
    assert w.state == "stopped"
    n = w.comparison.n_done
    assert paused_at <= n < 400 and n == sum(len(r.trials) for r in w.comparison.runs)
    content, _ = unpack(bytes(w.snapshot))
    assert content["meta"]["state"] == "stopped" and content["meta"]["header"]["n_done"] == n


def test_reset_is_refused_with_a_message_and_the_race_goes_on():
    w = SearcherRace(Comparison(sphere, DIMS, methods=["random"], n_trials=5, seeds=1))
    sent = []
    send = w.send
    w.send = lambda content, buffers=None: (sent.append(content), send(content, buffers))
    w._on_msg(w, {"type": "reset"}, [])
    assert any(m["type"] == "error" and "cannot be reset" in m["message"] for m in sent)
    assert w.run() == "finished" and w.n_done == 5


def test_bad_input_fails_before_any_widget_exists():
    with pytest.raises(ValueError, match="unknown method 'newton'"):
        nbopt.compare(sphere, DIMS, methods=["newton"])
    with pytest.raises(TypeError, match="expected a Comparison"):
        SearcherRace("random")


# ------------------------------------------------------------------ stream contract


def test_a_race_with_failures_streams_what_a_fresh_snapshot_holds(replayer):
    c = Comparison(
        fragile, DIMS, methods=["random", "genetic", "evolutionary"], n_trials=40, seeds=3
    )
    w = SearcherRace(c)
    rec = Recorder(w)
    initial = bytes(w.snapshot)
    w.play()
    assert w.wait(timeout=120)
    assert len(rec.appends()) >= 1
    out = check_contract(replayer, w, [initial, *rec.all()])
    assert out["streamed"]["meta"]["header"]["n_done"] == 360
    assert out["streamed"]["meta"]["state"] == "finished"
    assert [b["n"] for b in out["streamed"]["bands"]] == [40, 40, 40]
    assert out["streamed"]["meta"]["header"]["n_failed"] > 0


def test_a_race_on_a_pool_streams_what_a_fresh_snapshot_holds(replayer):
    with ThreadPoolExecutor(4) as pool:
        c = Comparison(
            fragile,
            DIMS,
            methods=["random", "evolutionary"],
            n_trials=30,
            seeds=3,
            executor=pool,
            target=0.5,
        )
        w = SearcherRace(c)
        rec = Recorder(w)
        initial = bytes(w.snapshot)
        w.play()
        assert w.wait(timeout=120)
    out = check_contract(replayer, w, [initial, *rec.all()])
    assert out["streamed"]["meta"]["header"]["n_done"] == 180
    assert out["streamed"]["meta"]["target"] == 0.5


def test_a_view_that_joins_mid_race_catches_up(replayer):
    asked = threading.Event()
    w: SearcherRace

    def f(x, y):
        if w.comparison.n_done == 50 and not asked.is_set():
            asked.set()
            # a late view asks for a snapshot (on another thread, as the kernel would)
            threading.Thread(target=w._on_msg, args=(w, {"type": "snapshot_request"}, [])).start()
        return sphere(x, y)

    w = SearcherRace(Comparison(f, DIMS, methods=["random", "genetic"], n_trials=80, seeds=2))
    rec = Recorder(w)
    w.play()
    assert w.wait(timeout=120)
    assert asked.is_set()
    out = check_contract(replayer, w, rec.since_snapshot(0))
    assert out["streamed"]["meta"]["header"]["n_done"] == 320
